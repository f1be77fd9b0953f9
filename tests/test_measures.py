"""The measures catalogue and its explorer."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from widgets.content.measures import CatalogueError, load_catalogue
from widgets.logic.measurement.catalogue import filter_measures, measure_details_html
from widgets.views.measuring import MeasureExplorer

CATALOGUE = load_catalogue()
SOURCE_CSV = Path(__file__).resolve().parent.parent.parent / "shared" / "content" / "measures.csv"


class TestCatalogue:
    def test_every_instrument_of_the_brief_is_in_the_catalogue(self) -> None:
        abbreviations = {m.abbreviation for m in CATALOGUE}
        assert {"QPR-15", "QPR-22", "STORI", "INSPIRE", "WEMWBS", "SWEMWBS", "ONS4", "RAS", "RSA", "ROSI"} <= abbreviations
        if SOURCE_CSV.exists():  # the content brief sits beside the repository in development and CI
            with SOURCE_CSV.open(encoding="utf-8") as handle:
                assert abbreviations == {row["abbreviation"] for row in csv.DictReader(handle)}

    def test_item_counts_and_lengths_follow_the_items_column(self) -> None:
        by_name = {m.abbreviation: m for m in CATALOGUE}
        assert by_name["QPR-15"].item_count == 15 and by_name["QPR-15"].length == "medium"
        assert by_name["ONS4"].length == "short" and by_name["STORI"].length == "long"
        assert by_name["RPFS"].item_count is None and by_name["RPFS"].length == "unknown"

    def test_only_wholly_verified_rows_count_as_verified(self) -> None:
        by_name = {m.abbreviation: m for m in CATALOGUE}
        assert not by_name["DREEM"].fully_verified  # from memory
        assert not by_name["QPR-15"].fully_verified  # Law 2014 details from memory
        assert by_name["SRI"].fully_verified

    def test_filters_combine(self) -> None:
        wellbeing = filter_measures(CATALOGUE, construct="wellbeing")
        assert {m.abbreviation for m in wellbeing} == {"WEMWBS", "SWEMWBS", "ONS4"}
        assert {m.abbreviation for m in filter_measures(CATALOGUE, construct="wellbeing", length="short")} == {"SWEMWBS", "ONS4"}
        assert filter_measures(CATALOGUE, perspective="staff", construct="wellbeing") == ()
        assert filter_measures(CATALOGUE) == CATALOGUE


def _write_broken(tmp_path: Path, edit: dict[str, str] | None = None, *, duplicate: bool = False, extra: bool = False) -> Path:
    source = Path(__file__).resolve().parent.parent / "data" / "measures" / "catalogue.csv"
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    rows = rows[:3]
    if edit:
        rows[1].update(edit)
    if duplicate:
        rows.append(dict(rows[0]))
    path = tmp_path / "catalogue.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        for row in rows:
            writer.writerow([row[f] for f in fields] + (["surplus"] if extra else []))
    return path


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"edit": {"construct": "happiness"}}, "construct"),
        ({"edit": {"perspective": "robot"}}, "perspective"),
        ({"edit": {"score_max": "lots"}}, "score_max"),
        ({"edit": {"score_min": "inf"}}, "score_min"),
        ({"edit": {"source": "  "}}, "source"),
        ({"duplicate": True}, "abbreviation"),
        ({"extra": True}, "more fields"),
    ],
)
def test_a_bad_catalogue_row_names_the_file_the_measure_and_the_field(tmp_path: Path, kwargs: dict, field: str) -> None:
    path = _write_broken(tmp_path, **kwargs)
    with pytest.raises(CatalogueError) as error:
        load_catalogue.__wrapped__(path)
    message = str(error.value)
    assert str(path) in message and field in message and "measure '" in message


def test_a_missing_catalogue_is_a_catalogue_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue.__wrapped__(tmp_path / "none.csv")


class TestMeasureExplorer:
    def test_filtering_updates_the_list_and_the_details(self) -> None:
        explorer = MeasureExplorer()
        assert f"{len(CATALOGUE)} of {len(CATALOGUE)}" in explorer.count.value
        explorer.construct.value = "wellbeing"
        assert "3 of" in explorer.count.value
        assert {value for _label, value in explorer.results.options} == {"WEMWBS", "SWEMWBS", "ONS4"}
        assert explorer.results.value in {"WEMWBS", "SWEMWBS", "ONS4"}
        assert "Facts about" in explorer.details.value

    def test_caveats_stay_visible_for_unverified_facts(self) -> None:
        explorer = MeasureExplorer()
        explorer.results.value = "DREEM"
        assert "Not fully verified" in explorer.details.value and "from memory" in explorer.details.value

    def test_no_match_says_so(self) -> None:
        explorer = MeasureExplorer()
        explorer.construct.value = "wellbeing"
        explorer.perspective.value = "staff"
        assert explorer.results.options == () and "No measure matches" in explorer.details.value

    def test_catalogue_text_is_escaped(self) -> None:
        measure = dataclasses.replace(CATALOGUE[0], name="<script>alert(1)</script>")
        html = measure_details_html(measure)
        assert "<script>" not in html and "&lt;script&gt;" in html
