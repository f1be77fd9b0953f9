"""The measures catalogue and its explorer."""

from __future__ import annotations

import csv
import dataclasses
from html import escape
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
        # routinely used UK measures (issue 16)
        assert {"HoNOS", "DIALOG", "ReQoL-10", "ReQoL-20", "Recovery Star"} <= abbreviations
        if SOURCE_CSV.exists():  # the content brief sits beside the repository in development and CI
            renamed = {"RAS-24 (RAS-R)": "RAS-24"}  # the 'RAS-R' label could not be verified
            with SOURCE_CSV.open(encoding="utf-8") as handle:
                brief = {renamed.get(row["abbreviation"], row["abbreviation"]) for row in csv.DictReader(handle)}
            assert brief <= abbreviations

    def test_item_counts_and_lengths_follow_the_items_column(self) -> None:
        by_name = {m.abbreviation: m for m in CATALOGUE}
        assert by_name["QPR-15"].item_count == 15 and by_name["QPR-15"].length == "medium"
        assert by_name["ONS4"].length == "short" and by_name["STORI"].length == "long"
        assert by_name["RPFS"].item_count == 12 and by_name["RPFS"].length == "medium"  # Armstrong & Steffen 2009
        assert by_name["ROSI"].item_count is None and by_name["ROSI"].length == "unknown"

    def test_every_row_is_verified_and_no_student_text_hedges(self) -> None:
        # issue 16: facts are verified (sources ledger) or cut; no hedge wording in front of students
        hedges = ("from memory", "not confirmed", "not verified", "unverified", "not checked", "commonly reported")
        for measure in CATALOGUE:
            for field in dataclasses.fields(measure):
                value = getattr(measure, field.name)
                if isinstance(value, str):
                    assert not any(h in value.lower() for h in hedges), (measure.abbreviation, field.name)

    def test_categories_follow_the_sources(self) -> None:
        by_name = {m.abbreviation: m for m in CATALOGUE}
        assert by_name["IMR Scales"].construct == "personal_recovery"  # Burgess et al. 2011: individual recovery
        assert by_name["INSPIRE"].construct == "service_recovery_orientation"  # staff support for recovery
        assert by_name["Brief INSPIRE-O"].construct == "personal_recovery"  # outcome version
        assert by_name["HoNOS"].perspective == "staff"

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

    def test_no_card_shows_verification_notes_and_every_card_has_its_teaching_note(self) -> None:
        # issue 16: verification lives in data/sources.yaml; students saw "Verified — verified" boxes
        explorer = MeasureExplorer()
        for measure in CATALOGUE:
            explorer.results.value = measure.abbreviation
            card = explorer.details.value
            assert "verified" not in card.lower(), measure.abbreviation
            assert "<th scope=\"row\">Notes</th>" in card and escape(measure.notes) in card, measure.abbreviation

    def test_a_range_the_sources_do_not_give_is_a_dash(self) -> None:
        explorer = MeasureExplorer()
        unknown = next(m for m in CATALOGUE if m.score_min is None or m.score_max is None)
        explorer.results.value = unknown.abbreviation
        assert "<th scope=\"row\">Score range</th><td>—</td>" in explorer.details.value

    def test_no_match_says_so(self) -> None:
        explorer = MeasureExplorer()
        explorer.construct.value = "wellbeing"
        explorer.perspective.value = "staff"
        assert explorer.results.options == () and "No measure matches" in explorer.details.value

    def test_catalogue_text_is_escaped(self) -> None:
        measure = dataclasses.replace(CATALOGUE[0], name="<script>alert(1)</script>")
        html = measure_details_html(measure)
        assert "<script>" not in html and "&lt;script&gt;" in html
