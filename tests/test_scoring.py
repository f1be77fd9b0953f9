"""Scoring engine: the instruments file loads, broken files fail readably, and scores are right.

Hand-worked examples carry their arithmetic in comments. ``score_frame`` (numpy) is
cross-checked row by row against ``score_responses`` (plain Python) on
Hypothesis-generated frames with missing answers.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import widgets.content as content
from widgets.content.instruments import (
    Instrument,
    InstrumentError,
    instruments_path,
    load_instrument_file,
    load_instruments,
)
from widgets.logic.measurement.scoring import (
    ScoreResult,
    ScoringError,
    score_frame,
    score_responses,
)

INSTRUMENTS = load_instruments()
REAL_IDS = ("QPR-15", "QPR-22", "STORI", "INSPIRE", "WEMWBS", "SWEMWBS", "ONS4")
STAGES = ("Moratorium", "Awareness", "Preparation", "Rebuilding", "Growth")
ONS4_SCORES = ("life_satisfaction", "worthwhile", "happiness", "anxiety")


def qpr15(values: list[float | None]) -> dict[str, float | None]:
    return {f"qpr15_{i:02d}": value for i, value in enumerate(values, start=1)}


def constant(instrument: Instrument, value: float) -> dict[str, float | None]:
    return dict.fromkeys(instrument.item_ids, value)


def stori(by_stage: Mapping[str, float | None]) -> dict[str, float | None]:
    """Every item of a stage gets the same value; item n belongs to stage (n - 1) mod 5."""
    return {f"stori_{n:02d}": by_stage[STAGES[(n - 1) % 5]] for n in range(1, 51)}


def inspire(
    *, important: list[float | None], support: list[float | None], relationship: list[float | None]
) -> dict[str, float | None]:
    answers: dict[str, float | None] = {}
    for i, (flag, rating) in enumerate(zip(important, support, strict=True), start=1):
        answers[f"important_{i:02d}"] = flag
        answers[f"support_{i:02d}"] = rating
    for i, rating in enumerate(relationship, start=1):
        answers[f"relationship_{i:02d}"] = rating
    return answers


# --------------------------------------------------------------------------- a synthetic spec


def toy_document() -> dict[str, Any]:
    """Four small synthetic instruments that use every feature of the schema.

    TOY: 6 items 0-4, item t2 reverse-scored; subscale a = t1-t4, b = t5-t6.
    ONE: a single 0-10 item with bands. STAGES: 6 items 0-5 in 2 groups, one item
    per stage in each group, 3 stage scores. IMP: 3 ratings gated by 3 yes/no items.
    """
    fixture = "Test fixture (synthetic)"
    stage_names = ("early", "middle", "late")
    return {
        "about": "Synthetic instruments for the scoring tests.",
        "instruments": [
            {
                "id": "TOY",
                "name": "Toy scale",
                "construct": "personal_recovery",
                "source": fixture,
                "wording_published_at": "nowhere: synthetic",
                "response": {"min": 0, "max": 4, "labels": {0: "low", 4: "high"}},
                "higher_is_better": True,
                "items": [
                    {"id": f"t{i}", "label": f"Toy item {i}", "subscale": "a" if i <= 4 else "b", "reverse": i == 2}
                    for i in range(1, 7)
                ],
                "scores": [
                    {
                        "id": "total",
                        "label": "Toy total",
                        "items": "all",
                        "method": "sum",
                        "missing": {"max_missing": 1, "rule": "prorate"},
                        "basis": "Test",
                    },
                    {
                        "id": "a",
                        "label": "Toy A (0-100)",
                        "items": ["a"],
                        "method": "mean_percent",
                        "missing": {"max_missing": 1, "rule": "prorate"},
                        "basis": "Test",
                    },
                    {
                        "id": "b",
                        "label": "Toy B",
                        "items": ["b"],
                        "method": "sum",
                        "missing": {"max_missing": 0, "rule": "none"},
                        "basis": "Test",
                        "bands": [{"label": "low", "min": 0, "max": 3}, {"label": "high", "min": 4, "max": 8}],
                    },
                ],
                "unconfirmed": ["Everything: it is a toy."],
            },
            {
                "id": "ONE",
                "name": "One item",
                "construct": "wellbeing",
                "source": fixture,
                "wording_published_at": "nowhere: synthetic",
                "response": {"min": 0, "max": 10},
                "higher_is_better": False,
                "items": [{"id": "only", "label": "The only item", "subscale": "only", "reverse": True}],
                "scores": [
                    {
                        "id": "only",
                        "label": "Only",
                        "items": ["only"],
                        "method": "single_item",
                        "missing": {"max_missing": 0, "rule": "none"},
                        "basis": "Test",
                        "bands": [{"label": "bottom", "min": 0, "max": 4}, {"label": "top", "min": 5, "max": 10}],
                    }
                ],
            },
            {
                "id": "STAGES",
                "name": "Three stages",
                "construct": "personal_recovery",
                "source": fixture,
                "wording_published_at": "nowhere: synthetic",
                "response": {"min": 0, "max": 5},
                "higher_is_better": None,
                "items": [
                    {
                        "id": f"s{i}",
                        "label": f"Stage item {i}",
                        "subscale": stage_names[(i - 1) % 3],
                        "group": (i - 1) // 3 + 1,
                        "reverse": False,
                    }
                    for i in range(1, 7)
                ],
                "scores": [
                    {
                        "id": name,
                        "label": name.capitalize(),
                        "items": [name],
                        "method": "sum",
                        "missing": {"max_missing": 0, "rule": "prorate"},
                        "basis": "Test",
                    }
                    for name in stage_names
                ],
                "stage_rule": {"scores": list(stage_names), "pick": "highest", "ties": "earlier", "basis": "Test"},
            },
            {
                "id": "IMP",
                "name": "Importance-gated ratings",
                "construct": "service_recovery_orientation",
                "source": fixture,
                "wording_published_at": "nowhere: synthetic",
                "response": {"min": 0, "max": 4},
                "higher_is_better": True,
                "items": [
                    *(
                        {
                            "id": f"r{i}",
                            "label": f"Rating {i}",
                            "subscale": "ratings",
                            "importance_item": f"i{i}",
                            "reverse": i == 3,
                        }
                        for i in range(1, 4)
                    ),
                    *(
                        {"id": f"i{i}", "label": f"Importance {i}", "response": {"min": 0, "max": 1}, "reverse": False}
                        for i in range(1, 4)
                    ),
                ],
                "scores": [
                    {
                        "id": "support",
                        "label": "Support",
                        "items": ["ratings"],
                        "method": "mean_percent_important",
                        "missing": {"max_missing": 1, "rule": "prorate"},
                        "basis": "Test",
                    }
                ],
            },
        ],
    }


def dump(document: Any) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Instrument]:
    path = tmp_path_factory.mktemp("toy") / "instruments.yaml"
    path.write_text(dump(toy_document()), encoding="utf-8")
    return load_instruments(path)


# --------------------------------------------------------------------------- the real file


class TestRealInstrumentsFile:
    def test_the_file_holds_the_seven_instruments_in_order(self) -> None:
        assert tuple(INSTRUMENTS) == REAL_IDS

    @pytest.mark.parametrize(
        ("instrument_id", "score_id", "n_items", "low", "high"),
        [
            ("QPR-15", "total", 15, 0, 60),
            ("QPR-22", "total", 22, 0, 88),
            ("QPR-22", "intrapersonal", 17, 0, 68),
            ("QPR-22", "interpersonal", 5, 0, 20),
            *(("STORI", stage.lower(), 10, 0, 50) for stage in STAGES),
            ("INSPIRE", "support", 20, 0, 100),
            ("INSPIRE", "relationship", 7, 0, 100),
            ("WEMWBS", "total", 14, 14, 70),
            ("SWEMWBS", "raw_total", 7, 7, 35),
            *(("ONS4", name, 1, 0, 10) for name in ONS4_SCORES),
        ],
    )
    def test_item_counts_and_score_ranges_match_the_sources(
        self, instrument_id: str, score_id: str, n_items: int, low: float, high: float
    ) -> None:
        instrument = INSTRUMENTS[instrument_id]
        assert len(instrument.score_items(score_id)) == n_items
        assert instrument.score_range(score_id) == (low, high)

    @pytest.mark.parametrize(
        ("instrument_id", "n_items", "low", "high"),
        [
            ("QPR-15", 15, 0, 4),
            ("QPR-22", 22, 0, 4),
            ("STORI", 50, 0, 5),
            ("INSPIRE", 47, 0, 4),
            ("WEMWBS", 14, 1, 5),
            ("SWEMWBS", 7, 1, 5),
            ("ONS4", 4, 0, 10),
        ],
    )
    def test_item_count_and_response_scale_match_the_sources(
        self, instrument_id: str, n_items: int, low: int, high: int
    ) -> None:
        instrument = INSTRUMENTS[instrument_id]
        assert len(instrument.items) == n_items
        assert (instrument.response.min, instrument.response.max) == (low, high)

    def test_inspire_importance_items_are_yes_no_and_pair_with_support_items_by_number(self) -> None:
        instrument = INSTRUMENTS["INSPIRE"]
        for n in range(1, 21):
            support = instrument.item(f"support_{n:02d}")
            assert support.importance_item == f"important_{n:02d}"
            scale = instrument.scale_of(instrument.item(f"important_{n:02d}"))
            assert (scale.min, scale.max) == (0, 1)

    def test_every_prorated_score_allows_the_floor_of_20_percent_missing_and_says_it_is_a_convention(self) -> None:
        for instrument in INSTRUMENTS.values():
            for score in instrument.scores:
                if score.missing.rule == "prorate":
                    k = len(instrument.score_items(score.id))
                    assert score.missing.max_missing == math.floor(0.2 * k), (instrument.id, score.id)
                    assert "convention" in score.basis and "not a rule published with the instrument" in score.basis, (instrument.id, score.id)

    def test_ons4_scores_are_single_items_never_prorated_or_combined(self) -> None:
        ons4 = INSTRUMENTS["ONS4"]
        assert [score.id for score in ons4.scores] == list(ONS4_SCORES)
        for score in ons4.scores:
            assert score.method == "single_item"
            assert (score.missing.rule, score.missing.max_missing) == ("none", 0)
            assert "composite" in score.basis

    def test_no_item_is_reverse_scored(self) -> None:
        assert not any(item.reverse for instrument in INSTRUMENTS.values() for item in instrument.items)

    def test_item_labels_are_neutral_numbers_except_the_ons4_construct_paraphrases(self) -> None:
        neutral = re.compile(
            r"^(QPR-15|QPR-22|STORI|WEMWBS|SWEMWBS) item \d{1,2}$"
            r"|^INSPIRE (Support|Relationship) item \d{1,2}( importance \(no or yes\))?$"
        )
        for instrument in INSTRUMENTS.values():
            if instrument.id == "ONS4":
                assert [item.label for item in instrument.items] == [
                    "Life satisfaction nowadays",
                    "Things done in life feel worthwhile",
                    "Happiness yesterday",
                    "Anxiety yesterday",
                ]
                continue
            for item in instrument.items:
                assert neutral.match(item.label), (instrument.id, item.label)

    def test_every_instrument_says_where_the_wording_is_and_wemwbs_is_not_reproduced(self) -> None:
        assert "PhenX toolkit protocol 661101" in INSTRUMENTS["QPR-15"].wording_published_at
        for instrument_id in ("WEMWBS", "SWEMWBS"):
            where = INSTRUMENTS[instrument_id].wording_published_at
            assert where.startswith("not reproduced:") and "licence" in where

    @pytest.mark.parametrize(
        ("instrument_id", "fragment"),
        [
            ("QPR-22", "teaching simplification"),
            ("STORI", "teaching simplification"),
            ("STORI", "convention"),
            ("INSPIRE", "teaching simplification"),
            ("SWEMWBS", "Rasch"),
        ],
    )
    def test_uncertain_points_are_listed_as_unconfirmed(self, instrument_id: str, fragment: str) -> None:
        assert any(fragment in note for note in INSTRUMENTS[instrument_id].unconfirmed)

    def test_qpr22_subscales_are_items_1_to_17_and_18_to_22(self) -> None:
        qpr22 = INSTRUMENTS["QPR-22"]
        assert [item.id for item in qpr22.score_items("intrapersonal")] == [f"qpr22_{n:02d}" for n in range(1, 18)]
        assert [item.id for item in qpr22.score_items("interpersonal")] == [f"qpr22_{n:02d}" for n in range(18, 23)]

    def test_stori_has_ten_groups_of_five_with_one_item_per_stage(self) -> None:
        items = INSTRUMENTS["STORI"].items
        for group in range(1, 11):
            members = [item for item in items if item.group == group]
            assert sorted(item.subscale or "" for item in members) == sorted(stage.lower() for stage in STAGES)

    def test_stori_ties_go_to_the_later_stage_by_stated_convention(self) -> None:
        rule = INSTRUMENTS["STORI"].stage_rule
        assert rule is not None
        assert [INSTRUMENTS["STORI"].score(score_id).label for score_id in rule.scores] == list(STAGES)
        assert rule.ties == "later"
        assert "workbook's convention" in rule.basis and "not by the STORI" in rule.basis

    def test_directions_anxiety_is_lower_better_and_stori_has_none(self) -> None:
        ons4 = INSTRUMENTS["ONS4"]
        assert [ons4.higher_is_better_for(s) for s in ("life_satisfaction", "worthwhile", "happiness")] == [True] * 3
        assert ons4.higher_is_better_for("anxiety") is False
        assert INSTRUMENTS["STORI"].higher_is_better_for("growth") is None
        assert INSTRUMENTS["QPR-15"].higher_is_better_for("total") is True

    def test_inspire_is_filed_under_service_recovery_orientation(self) -> None:
        constructs = {instrument.id: instrument.construct_type for instrument in INSTRUMENTS.values()}
        assert constructs == {
            "QPR-15": "personal_recovery",
            "QPR-22": "personal_recovery",
            "STORI": "personal_recovery",
            "INSPIRE": "service_recovery_orientation",
            "WEMWBS": "wellbeing",
            "SWEMWBS": "wellbeing",
            "ONS4": "wellbeing",
        }


class TestLoadInstruments:
    def test_default_path_is_data_measures_instruments_yaml(self) -> None:
        assert instruments_path() == content.data_dir() / "measures" / "instruments.yaml"

    def test_cached_instruments_are_shared_and_read_only(self) -> None:
        first, second = load_instruments(), load_instruments()
        assert first is second
        with pytest.raises(TypeError):
            first["NEW"] = first["QPR-15"]  # type: ignore[index]

    def test_an_edited_file_is_read_again(self, tmp_path: Path) -> None:
        path = tmp_path / "instruments.yaml"
        path.write_text(dump(toy_document()), encoding="utf-8")
        assert load_instruments(path)["TOY"].name == "Toy scale"
        document = toy_document()
        document["instruments"][0]["name"] = "A renamed toy scale"
        path.write_text(dump(document), encoding="utf-8")
        assert load_instruments(path)["TOY"].name == "A renamed toy scale"

    def test_default_path_follows_data_dir(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (tmp_path / "measures").mkdir()
        (tmp_path / "measures" / "instruments.yaml").write_text(dump(toy_document()), encoding="utf-8")
        monkeypatch.setattr(content.loading, "data_dir", lambda: tmp_path)
        assert set(load_instruments()) == {"TOY", "ONE", "STAGES", "IMP"}

    def test_the_toy_spec_loads(self, toy: dict[str, Instrument]) -> None:
        assert [item.id for item in toy["TOY"].score_items("a")] == ["t1", "t2", "t3", "t4"]
        assert toy["IMP"].score_range("support") == (0.0, 100.0)


# --------------------------------------------------------------------------- broken files


@dataclass(frozen=True)
class Breakage:
    """One way to break an instruments file and what the error must then name."""

    name: str
    text: Callable[[], str] | None
    """The file's text, or ``None`` for a file that does not exist."""
    instrument_id: str | None
    field: str | None
    also: tuple[str, ...] = ()


def broken(edit: Callable[[dict[str, Any]], None]) -> Callable[[], str]:
    def text() -> str:
        document = copy.deepcopy(toy_document())
        edit(document)
        return dump(document)

    return text


def instrument(document: dict[str, Any], instrument_id: str) -> dict[str, Any]:
    return next(i for i in document["instruments"] if i["id"] == instrument_id)


def _set(instrument_id: str, path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set a dotted path inside one instrument, e.g. ``items.3.subscale``."""

    def edit(document: dict[str, Any]) -> None:
        target: Any = instrument(document, instrument_id)
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return edit


def _delete(instrument_id: str, path: str) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        target: Any = instrument(document, instrument_id)
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return edit


BREAKAGES = [
    Breakage(
        "item subscale used by no score",
        broken(_set("TOY", "items.3.subscale", "aa")),
        "TOY",
        "items.3.subscale",
        ("'t4'", "'aa'", "used by no score"),
    ),
    Breakage(
        "score names a subscale no item has",
        broken(_set("TOY", "scores.1.items", ["c"])),
        "TOY",
        "scores.1.items.0",
        ("no item has subscale 'c'",),
    ),
    Breakage("duplicate item id", broken(_set("TOY", "items.2.id", "t1")), "TOY", "items.2.id", ("duplicate",)),
    Breakage("duplicate score id", broken(_set("TOY", "scores.2.id", "a")), "TOY", "scores.2.id", ("duplicate",)),
    Breakage(
        "duplicate instrument id", broken(_set("ONE", "id", "TOY")), "TOY", "id", ("duplicate id 'TOY' in instruments",)
    ),
    Breakage("malformed instrument id", broken(_set("ONE", "id", "one item")), "one item", "id"),
    Breakage("malformed item id", broken(_set("TOY", "items.0.id", "Item 1")), "TOY", "items.0.id"),
    Breakage("unknown construct", broken(_set("TOY", "construct", "happiness")), "TOY", "construct"),
    Breakage("blank source", broken(_set("TOY", "source", " ")), "TOY", "source"),
    Breakage(
        "missing wording pointer",
        broken(_delete("TOY", "wording_published_at")),
        "TOY",
        "wording_published_at",
        ("Field required",),
    ),
    Breakage(
        "response scale upside down",
        broken(_set("TOY", "response", {"min": 4, "max": 0})),
        "TOY",
        "response",
        ("min must be below max",),
    ),
    Breakage(
        "response label off the scale",
        broken(_set("TOY", "response.labels", {0: "low", 5: "too high"})),
        "TOY",
        "response",
        ("label for 5",),
    ),
    Breakage(
        "item without reverse flag",
        broken(_delete("TOY", "items.4.reverse")),
        "TOY",
        "items.4.reverse",
        ("Field required", "(item 't5')"),
    ),
    Breakage(
        "item with wording field",
        broken(_set("TOY", "items.0.wording", "How are you?")),
        "TOY",
        "items.0.wording",
        ("Extra inputs",),
    ),
    Breakage("unknown method", broken(_set("TOY", "scores.0.method", "median")), "TOY", "scores.0.method"),
    Breakage(
        "score items neither all nor a list",
        broken(_set("TOY", "scores.0.items", "everything")),
        "TOY",
        "scores.0.items",
        ("'all' or a non-empty list",),
    ),
    Breakage(
        "negative max_missing",
        broken(_set("TOY", "scores.0.missing.max_missing", -1)),
        "TOY",
        "scores.0.missing.max_missing",
        ("greater than or equal to 0",),
    ),
    Breakage(
        "max_missing leaves nothing answered",
        broken(_set("TOY", "scores.1.missing.max_missing", 4)),
        "TOY",
        "scores.1.missing.max_missing",
        ("leaves no answered item out of 4",),
    ),
    Breakage(
        "rule none with max_missing above 0",
        broken(_set("TOY", "scores.2.missing.max_missing", 1)),
        "TOY",
        "scores.2.missing.max_missing",
        ("rule 'none'",),
    ),
    Breakage(
        "bands with a gap",
        broken(_set("TOY", "scores.2.bands.1.min", 5)),
        "TOY",
        "scores.2.bands.1.min",
        ("starts at 5, expected 4",),
    ),
    Breakage(
        "bands that stop short",
        broken(_set("TOY", "scores.2.bands.1.max", 7)),
        "TOY",
        "scores.2.bands.1.max",
        ("end at 7", "runs to 8"),
    ),
    Breakage(
        "band upside down",
        broken(_set("ONE", "scores.0.bands.0", {"label": "bottom", "min": 4, "max": 0})),
        "ONE",
        "scores.0.bands.0",
        ("min 4 above max 0",),
    ),
    Breakage(
        "bands on a prorated score",
        broken(_set("TOY", "scores.0.bands", [{"label": "all", "min": 0, "max": 24}])),
        "TOY",
        "scores.0.bands",
        ("whole-number scores",),
    ),
    Breakage(
        "single_item score over several items",
        broken(_set("TOY", "scores.2.method", "single_item")),
        "TOY",
        "scores.2.items",
        ("exactly 1 item, found 2",),
    ),
    Breakage(
        "stage rule names an unknown score",
        broken(_set("STAGES", "stage_rule.scores.2", "final")),
        "STAGES",
        "stage_rule.scores.2",
        ("'final'",),
    ),
    Breakage(
        "stage scores of different sizes",
        broken(_set("STAGES", "items.5.subscale", "middle")),
        "STAGES",
        "stage_rule.scores",
        ("same number of items",),
    ),
    Breakage(
        "group with two items of one stage",
        broken(_set("STAGES", "items.4.group", 1)),
        "STAGES",
        "items.0.group",
        ("group 1 must hold exactly one item of each stage",),
    ),
    Breakage(
        "item without a group among grouped items",
        broken(_delete("STAGES", "items.2.group")),
        "STAGES",
        "items.2.group",
        ("'s3' has no group",),
    ),
    Breakage(
        "importance item unknown",
        broken(_set("IMP", "items.0.importance_item", "i9")),
        "IMP",
        "items.0.importance_item",
        ("'i9'",),
    ),
    Breakage(
        "importance item not yes/no",
        broken(_delete("IMP", "items.3.response")),
        "IMP",
        "items.0.importance_item",
        ("0 (no) to 1 (yes)", "got 0-4"),
    ),
    Breakage(
        "importance-weighted score with an ungated item",
        broken(_delete("IMP", "items.1.importance_item")),
        "IMP",
        "scores.0.method",
        ("'r2' has none",),
    ),
    Breakage(
        "item in no score",
        broken(lambda d: instrument(d, "IMP")["items"].append({"id": "extra", "label": "Extra", "reverse": False})),
        "IMP",
        "items.6",
        ("item 'extra' is in no score",),
    ),
    Breakage("no items", broken(_set("ONE", "items", [])), "ONE", "items"),
    Breakage("file is a list", lambda: dump(toy_document()["instruments"]), "(file)", "(whole file)", ("mapping",)),
    Breakage("file is empty", lambda: "", "(file)", "(whole file)", ("mapping",)),
    Breakage("missing file", None, None, None, ("cannot read",)),
]


class TestBrokenInstrumentFiles:
    @pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.name)
    def test_broken_file_raises_one_instrument_error_naming_file_instrument_and_field(
        self, breakage: Breakage, tmp_path: Path
    ) -> None:
        path = tmp_path / "instruments.yaml"
        if breakage.text is not None:
            path.write_text(breakage.text(), encoding="utf-8")
        with pytest.raises(InstrumentError) as caught:
            load_instruments(path)
        error = caught.value
        message = str(error)
        assert type(error) is InstrumentError and not isinstance(error, ValidationError)
        assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
        assert len(message.splitlines()) == 1, f"expected exactly one problem reported, got:\n{message}"
        assert message.startswith(f"{path}: ")
        if breakage.instrument_id is not None:
            assert f"instrument '{breakage.instrument_id}'" in message
        if breakage.field is not None:
            assert f"field '{breakage.field}'" in message
        for fragment in breakage.also:
            assert fragment in message

    def test_the_real_file_with_a_misspelt_subscale_names_qpr22_item_4(self, tmp_path: Path) -> None:
        text = instruments_path().read_text(encoding="utf-8")
        line = "{id: qpr22_04, label: QPR-22 item 4, subscale: intrapersonal,"
        assert line in text
        path = tmp_path / "instruments.yaml"
        path.write_text(text.replace(line, line.replace("intrapersonal", "intrapersonl")), encoding="utf-8")
        with pytest.raises(InstrumentError) as caught:
            load_instrument_file(path)
        assert str(caught.value).startswith(f"{path}: instrument 'QPR-22', field 'items.3.subscale': ")
        assert "'qpr22_04'" in str(caught.value) and "'intrapersonl'" in str(caught.value)

    def test_yaml_syntax_error_names_the_file_and_the_line(self, tmp_path: Path) -> None:
        lines = dump(toy_document()).splitlines()
        index = next(i for i, line in enumerate(lines) if "name: Three stages" in line)
        lines[index] = lines[index].replace("Three stages", "Three: stages")
        path = tmp_path / "instruments.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with pytest.raises(InstrumentError) as caught:
            load_instrument_file(path)
        assert str(caught.value).startswith(f"{path}: not valid YAML at line {index + 1},")

    def test_a_file_that_is_not_utf8_is_an_instrument_error(self, tmp_path: Path) -> None:
        path = tmp_path / "instruments.yaml"
        path.write_bytes("about: Caf\u00e9\n".encode("latin-1"))
        with pytest.raises(InstrumentError, match="not UTF-8"):
            load_instrument_file(path)

    def test_several_problems_give_one_line_each(self, tmp_path: Path) -> None:
        document = toy_document()
        _set("TOY", "construct", "mood")(document)
        _set("ONE", "source", "")(document)
        path = tmp_path / "instruments.yaml"
        path.write_text(dump(document), encoding="utf-8")
        with pytest.raises(InstrumentError) as caught:
            load_instrument_file(path)
        lines = str(caught.value).splitlines()
        assert len(lines) == 2
        assert "instrument 'TOY', field 'construct'" in lines[0]
        assert "instrument 'ONE', field 'source'" in lines[1]


# --------------------------------------------------------------------------- hand-worked examples


class TestQPR15:
    qpr = INSTRUMENTS["QPR-15"]

    def test_total_is_the_sum_of_the_items(self) -> None:
        # 0+1+2+3+4 = 10, three times over = 30
        result = score_responses(self.qpr, qpr15([0, 1, 2, 3, 4] * 3))
        assert result.value("total") == 30
        assert result["total"] == result.scores[0]
        assert (result["total"].prorated, result["total"].n_missing, result["total"].reason) == (False, 0, None)

    @pytest.mark.parametrize(("answer", "total"), [(0, 0), (4, 60)])
    def test_range_ends_are_0_and_60(self, answer: int, total: int) -> None:
        assert score_responses(self.qpr, constant(self.qpr, answer)).value("total") == total

    def test_three_missing_is_the_limit_and_is_prorated(self) -> None:
        # 12 answered: 4 x 12 = 48, minus 8 (eight 3s instead of 4s) = 40;
        # prorated: 40 / 12 * 15 = 50.0
        answers = qpr15([None, None, None] + [4] * 4 + [3] * 8)
        total = score_responses(self.qpr, answers)["total"]
        assert total.value == pytest.approx(50.0)
        assert (total.prorated, total.n_missing, total.reason) == (True, 3, None)

    def test_four_missing_is_one_beyond_the_limit_and_gives_no_score(self) -> None:
        total = score_responses(self.qpr, qpr15([None] * 4 + [2] * 11))["total"]
        assert total.value is None
        assert (total.prorated, total.n_missing) == (False, 4)
        assert total.reason == "4 of 15 items missing; at most 3 may be prorated"

    def test_nan_and_left_out_items_count_as_missing(self) -> None:
        # item 1 NaN, item 2 left out: 13 answered 2s = 26; 26 / 13 * 15 = 30
        answers = qpr15([float("nan")] + [2] * 14)
        del answers["qpr15_02"]
        total = score_responses(self.qpr, answers)["total"]
        assert (total.value, total.n_missing) == (30, 2)


class TestQPR22:
    qpr = INSTRUMENTS["QPR-22"]

    def answers(self, intra: list[float | None], inter: list[float | None]) -> dict[str, float | None]:
        return {f"qpr22_{n:02d}": value for n, value in enumerate(intra + inter, start=1)}

    def test_subscales_and_total(self) -> None:
        # intrapersonal: 17 x 3 = 51; interpersonal: 5 x 2 = 10; total 51 + 10 = 61
        result = score_responses(self.qpr, self.answers([3] * 17, [2] * 5))
        assert (result.value("intrapersonal"), result.value("interpersonal"), result.value("total")) == (51, 10, 61)

    def test_a_subscale_can_fail_while_the_total_is_prorated(self) -> None:
        # interpersonal: 2 of 5 missing, limit 1 -> no score.
        # total: 2 of 22 missing, limit 4 -> (51 + 3 x 2) / 20 * 22 = 57 / 20 * 22 = 62.7
        result = score_responses(self.qpr, self.answers([3] * 17, [2, 2, 2, None, None]))
        assert result.value("intrapersonal") == 51
        assert result["interpersonal"].reason == "2 of 5 items missing; at most 1 may be prorated"
        assert result.value("total") == pytest.approx(62.7)
        assert result["total"].prorated

    def test_one_missing_interpersonal_item_is_prorated(self) -> None:
        # (4 + 4 + 3 + 3) / 4 * 5 = 14 / 4 * 5 = 17.5
        result = score_responses(self.qpr, self.answers([0] * 17, [4, 4, 3, 3, None]))
        assert result.value("interpersonal") == pytest.approx(17.5)


class TestSTORI:
    stori = INSTRUMENTS["STORI"]

    def test_stage_is_the_highest_stage_subscale(self) -> None:
        # each stage has 10 items: 1 -> 10, 2 -> 20, 3 -> 30, 4 -> 40, 2 -> 20; highest is Rebuilding (40)
        result = score_responses(
            self.stori, stori({"Moratorium": 1, "Awareness": 2, "Preparation": 3, "Rebuilding": 4, "Growth": 2})
        )
        assert [score.value for score in result.scores] == [10, 20, 30, 40, 20]
        assert (result.stage, result.stage_note) == ("Rebuilding", None)

    def test_a_tie_goes_to_the_later_stage_and_is_stated(self) -> None:
        # Awareness 5 x 10 = 50 and Growth 5 x 10 = 50 tie; the later stage, Growth, is reported
        result = score_responses(
            self.stori, stori({"Moratorium": 0, "Awareness": 5, "Preparation": 3, "Rebuilding": 4, "Growth": 5})
        )
        assert result.stage == "Growth"
        assert result.stage_note is not None
        assert result.stage_note.startswith("tie: Awareness, Growth all score 50")
        assert "later stage, Growth" in result.stage_note

    def test_a_prorated_stage_score_can_tie(self) -> None:
        # Preparation: 9 answered 4s, 1 missing: 36 / 9 * 10 = 40 = Rebuilding's 10 x 4
        answers = stori({"Moratorium": 1, "Awareness": 1, "Preparation": 4, "Rebuilding": 4, "Growth": 1})
        answers["stori_03"] = None  # group 1, Preparation
        result = score_responses(self.stori, answers)
        assert result["preparation"].prorated and result.value("preparation") == 40
        assert result.stage == "Rebuilding" and result.stage_note is not None

    def test_no_stage_when_a_stage_score_is_missing(self) -> None:
        # Growth items are 5, 10 and 15 -> 3 of 10 missing, limit 2
        answers = stori(dict.fromkeys(STAGES, 3))
        for n in (5, 10, 15):
            answers[f"stori_{n:02d}"] = None
        result = score_responses(self.stori, answers)
        assert result.value("growth") is None
        assert result.stage is None
        assert result.stage_note == (
            "no stage: the Growth score is not available (3 of 10 items missing; at most 2 may be prorated)"
        )

    def test_the_earlier_tie_rule_is_supported(self, toy: dict[str, Instrument]) -> None:
        # toy STAGES, ties: earlier. early = 2 + 3 = 5, middle = 5 + 0 = 5, late = 1 + 1 = 2
        result = score_responses(toy["STAGES"], {"s1": 2, "s4": 3, "s2": 5, "s5": 0, "s3": 1, "s6": 1})
        assert result.stage == "Early"
        assert result.stage_note is not None and "earlier stage, Early" in result.stage_note

    def test_instruments_without_a_stage_rule_have_no_stage(self) -> None:
        result = score_responses(INSTRUMENTS["QPR-15"], {})
        assert (result.stage, result.stage_note) == (None, None)


class TestINSPIRE:
    inspire_ = INSTRUMENTS["INSPIRE"]

    def test_support_uses_only_items_rated_important(self) -> None:
        # important: items 1-5 with support 4, 3, 2, 1, 0 -> mean 10 / 5 = 2 -> 2 / 4 * 100 = 50
        # items 6-20 are not important; their support (4) is ignored
        answers = inspire(important=[1] * 5 + [0] * 15, support=[4, 3, 2, 1, 0] + [4] * 15, relationship=[4] * 7)
        support = score_responses(self.inspire_, answers)["support"]
        assert (support.value, support.prorated, support.n_missing) == (50, False, 0)

    def test_support_ratings_on_unimportant_items_may_be_missing(self) -> None:
        answers = inspire(important=[1] * 5 + [0] * 15, support=[4, 3, 2, 1, 0] + [None] * 15, relationship=[4] * 7)
        assert score_responses(self.inspire_, answers).value("support") == 50

    def test_no_item_rated_important_gives_no_support_score(self) -> None:
        support = score_responses(
            self.inspire_, inspire(important=[0] * 20, support=[4] * 20, relationship=[4] * 7)
        )["support"]
        assert support.value is None
        assert support.reason == "no item rated important, so INSPIRE Support (0-100) is undefined"

    def test_unknown_importance_counts_as_missing_up_to_four(self) -> None:
        # 4 importance answers missing (the limit): the 16 important items all have support 3 -> 3 / 4 * 100 = 75
        four = inspire(important=[None] * 4 + [1] * 16, support=[3] * 20, relationship=[4] * 7)
        support = score_responses(self.inspire_, four)["support"]
        assert (support.value, support.prorated, support.n_missing) == (75, True, 4)
        five = inspire(important=[None] * 4 + [1] * 16, support=[3] * 4 + [None] + [3] * 15, relationship=[4] * 7)
        # item 5 is important but its support is missing: 5 of 20 missing, limit 4
        support = score_responses(self.inspire_, five)["support"]
        assert support.value is None
        assert support.reason == "5 of 20 items missing; at most 4 may be prorated"

    def test_relationship_is_sum_over_28_times_100(self) -> None:
        # 4 + 4 + 4 + 3 + 3 + 2 + 1 = 21; 21 / 28 * 100 = 75
        answers = inspire(important=[1] * 20, support=[0] * 20, relationship=[4, 4, 4, 3, 3, 2, 1])
        result = score_responses(self.inspire_, answers)
        assert result.value("relationship") == pytest.approx(75.0)
        assert result.value("support") == 0

    def test_relationship_prorates_one_missing_item_but_not_two(self) -> None:
        # 4 + 4 + 4 + 3 + 3 + 2 = 20 over 6 items; prorated sum 20 / 6 * 7 = 23.33; / 28 * 100 = 83.33
        one = inspire(important=[1] * 20, support=[0] * 20, relationship=[4, 4, 4, 3, 3, 2, None])
        assert score_responses(self.inspire_, one).value("relationship") == pytest.approx(20 / 6 * 7 / 28 * 100)
        two = inspire(important=[1] * 20, support=[0] * 20, relationship=[4, 4, 4, 3, 3, None, None])
        assert score_responses(self.inspire_, two)["relationship"].reason == (
            "2 of 7 items missing; at most 1 may be prorated"
        )

    def test_importance_must_be_0_or_1(self) -> None:
        with pytest.raises(ScoringError, match=r"item 'important_01': value 2 is outside the response scale 0-1"):
            score_responses(self.inspire_, {"important_01": 2})


class TestWEMWBS:
    @pytest.mark.parametrize(
        ("instrument_id", "score_id", "answer", "total"),
        [
            ("WEMWBS", "total", 1, 14),
            ("WEMWBS", "total", 5, 70),
            ("SWEMWBS", "raw_total", 1, 7),
            ("SWEMWBS", "raw_total", 5, 35),
        ],
    )
    def test_range_ends_are_raw_totals(self, instrument_id: str, score_id: str, answer: int, total: int) -> None:
        # 14 x 1 = 14, 14 x 5 = 70; SWEMWBS 7 x 1 = 7, 7 x 5 = 35 (raw: no Rasch conversion)
        instrument = INSTRUMENTS[instrument_id]
        assert score_responses(instrument, constant(instrument, answer)).value(score_id) == total

    def test_zero_is_off_the_1_to_5_scale(self) -> None:
        wemwbs = INSTRUMENTS["WEMWBS"]
        with pytest.raises(ScoringError, match=r"item 'wemwbs_01': value 0 is outside the response scale 1-5"):
            score_responses(wemwbs, {"wemwbs_01": 0})

    def test_two_missing_is_prorated_three_is_not(self) -> None:
        # 12 answered 3s = 36; 36 / 12 * 14 = 42
        wemwbs = INSTRUMENTS["WEMWBS"]
        answers = constant(wemwbs, 3)
        answers["wemwbs_01"] = answers["wemwbs_02"] = None
        assert score_responses(wemwbs, answers).value("total") == 42
        answers["wemwbs_03"] = None
        assert score_responses(wemwbs, answers)["total"].reason == "3 of 14 items missing; at most 2 may be prorated"


POSITIVE_BANDS = ["low"] * 5 + ["medium"] * 2 + ["high"] * 2 + ["very high"] * 2  # 0-4, 5-6, 7-8, 9-10
ANXIETY_BANDS = ["very low"] * 2 + ["low"] * 2 + ["medium"] * 2 + ["high"] * 5  # 0-1, 2-3, 4-5, 6-10


class TestONS4:
    ons4 = INSTRUMENTS["ONS4"]

    @pytest.mark.parametrize("score_id", ["life_satisfaction", "worthwhile", "happiness"])
    @pytest.mark.parametrize("answer", range(11))
    def test_positive_item_bands_at_every_value(self, score_id: str, answer: int) -> None:
        score = score_responses(self.ons4, {score_id: answer})[score_id]
        assert (score.value, score.band) == (answer, POSITIVE_BANDS[answer])

    @pytest.mark.parametrize("answer", range(11))
    def test_anxiety_bands_at_every_value(self, answer: int) -> None:
        score = score_responses(self.ons4, {"anxiety": answer})["anxiety"]
        assert (score.value, score.band) == (answer, ANXIETY_BANDS[answer])

    def test_anxiety_runs_the_other_way_high_anxiety_is_the_worse_end(self) -> None:
        # the same answer, 9, is "very high" (good) for happiness but "high" (bad) for anxiety
        result = score_responses(self.ons4, {"happiness": 9, "anxiety": 9})
        assert (result["happiness"].band, result["anxiety"].band) == ("very high", "high")
        assert self.ons4.higher_is_better_for("happiness") is True
        assert self.ons4.higher_is_better_for("anxiety") is False

    def test_a_missing_item_is_not_prorated_and_the_others_stand_alone(self) -> None:
        result = score_responses(self.ons4, {"life_satisfaction": 8, "worthwhile": None, "happiness": 6, "anxiety": 2})
        assert [score.score_id for score in result.scores] == list(ONS4_SCORES)
        assert [score.value for score in result.scores] == [8, None, 6, 2]
        assert result["worthwhile"].reason == "the item is missing; a single item is not prorated"
        assert result["worthwhile"].band is None


class TestReverseScoredItems:
    def test_a_reversed_item_scores_min_plus_max_minus_value(self, toy: dict[str, Instrument]) -> None:
        # t2 is reversed on 0-4: 4 -> 0. total = 4 + 0 + 1 + 3 + 2 + 2 = 12
        # a (t1-t4, mean_percent) = (4 + 0 + 1 + 3) / 4 = 2 -> 2 / 4 * 100 = 50; b = 2 + 2 = 4 -> "high"
        result = score_responses(toy["TOY"], {"t1": 4, "t2": 4, "t3": 1, "t4": 3, "t5": 2, "t6": 2})
        assert (result.value("total"), result.value("a"), result.value("b")) == (12, 50, 4)
        assert result["b"].band == "high"
        # t2 = 0 reverses to 4: total = 4 + 4 + 1 + 3 + 2 + 2 = 16
        assert score_responses(toy["TOY"], {"t1": 4, "t2": 0, "t3": 1, "t4": 3, "t5": 2, "t6": 2}).value("total") == 16

    def test_reversal_happens_before_prorating(self, toy: dict[str, Instrument]) -> None:
        # t1 missing; t2 = 3 -> 1; answered 1 + 1 + 1 + 1 + 1 = 5 over 5 items; 5 / 5 * 6 = 6
        result = score_responses(toy["TOY"], {"t1": None, "t2": 3, "t3": 1, "t4": 1, "t5": 1, "t6": 1})
        assert result.value("total") == 6 and result["total"].prorated

    @pytest.mark.parametrize(
        ("answer", "scored", "band"),
        [(0, 10, "top"), (4, 6, "top"), (5, 5, "top"), (6, 4, "bottom"), (10, 0, "bottom")],
    )
    def test_a_reversed_single_item_scores_10_minus_the_answer_and_is_banded_after_reversal(
        self, toy: dict[str, Instrument], answer: int, scored: int, band: str
    ) -> None:
        only = score_responses(toy["ONE"], {"only": answer})["only"]
        assert (only.value, only.band) == (scored, band)

    def test_a_reversed_importance_gated_rating(self, toy: dict[str, Instrument]) -> None:
        # r3 is reversed: 1 -> 3. r1 (4) and r3 important, r2 not: (4 / 4 + 3 / 4) / 2 * 100 = 87.5
        result = score_responses(toy["IMP"], {"i1": 1, "i2": 0, "i3": 1, "r1": 4, "r2": 0, "r3": 1})
        assert result.value("support") == pytest.approx(87.5)


class TestResponseErrors:
    qpr = INSTRUMENTS["QPR-15"]

    @pytest.mark.parametrize(
        ("value", "problem"),
        [
            (5, "value 5 is outside the response scale 0-4"),
            (-1, "value -1 is outside the response scale 0-4"),
            (float("inf"), "value inf is outside the response scale 0-4"),
            (2.5, "value 2.5 is not a whole number on the 0-4 scale"),
            ("3", "value '3' is not a number"),
            (True, "value True is not a number"),
        ],
    )
    def test_a_bad_value_names_the_item_and_the_value(self, value: object, problem: str) -> None:
        with pytest.raises(ScoringError) as caught:
            score_responses(self.qpr, {"qpr15_03": value})  # type: ignore[dict-item]
        assert str(caught.value) == f"QPR-15: item 'qpr15_03': {problem}" + (
            " (use None for missing)" if "not a number" in problem else ""
        )

    def test_numpy_numbers_are_accepted(self) -> None:
        answers = {item_id: np.int64(2) for item_id in self.qpr.item_ids}
        assert score_responses(self.qpr, answers).value("total") == 30  # type: ignore[arg-type]

    def test_an_unknown_item_names_the_item_its_value_and_the_known_items(self) -> None:
        with pytest.raises(ScoringError) as caught:
            score_responses(self.qpr, {"qpr15_16": 3})
        message = str(caught.value)
        assert message.startswith("QPR-15: unknown item 'qpr15_16' (value 3); known items: qpr15_01, qpr15_02")
        assert "qpr15_15" in message

    def test_an_unknown_item_on_a_long_instrument_gives_a_short_list(self) -> None:
        pattern = r"unknown item 'support_21'.*support_01, .*, relationship_07 \(47 in all"
        with pytest.raises(ScoringError, match=pattern):
            score_responses(INSTRUMENTS["INSPIRE"], {"support_21": 1})

    def test_unknown_score_id_is_a_key_error_naming_the_scores(self) -> None:
        result = score_responses(INSTRUMENTS["QPR-22"], {})
        with pytest.raises(KeyError, match="total, intrapersonal, interpersonal"):
            result.value("interpersonl")


class TestScoreFrameErrors:
    qpr = INSTRUMENTS["QPR-15"]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([dict.fromkeys(self.qpr.item_ids, 2.0)] * 4, index=["p1", "p2", "p3", "p4"])

    def test_an_off_scale_value_names_the_column_the_first_bad_row_and_the_value(self) -> None:
        frame = self.frame()
        frame.loc["p3", "qpr15_07"] = 9
        frame.loc["p4", "qpr15_01"] = -2
        with pytest.raises(ScoringError) as caught:
            score_frame(self.qpr, frame)
        assert str(caught.value) == "QPR-15: column 'qpr15_07', row 'p3': value 9 is outside the response scale 0-4"

    def test_a_fraction_names_the_column_row_and_value(self) -> None:
        frame = self.frame()
        frame.loc["p2", "qpr15_15"] = 1.5
        with pytest.raises(ScoringError, match=r"column 'qpr15_15', row 'p2': value 1.5 is not a whole number"):
            score_frame(self.qpr, frame)

    def test_a_text_value_names_the_column_row_and_value(self) -> None:
        frame = self.frame().astype(object)
        frame.loc["p4", "qpr15_02"] = "three"
        with pytest.raises(ScoringError, match=r"column 'qpr15_02', row 'p4': value 'three' is not a number"):
            score_frame(self.qpr, frame)

    def test_a_true_false_column_is_refused(self) -> None:
        frame = self.frame()
        frame["qpr15_05"] = True
        with pytest.raises(ScoringError, match="column 'qpr15_05' holds True/False"):
            score_frame(self.qpr, frame)

    def test_a_missing_item_column_is_named(self) -> None:
        with pytest.raises(ScoringError, match=r"no column for 1 item\(s\): 'qpr15_09'"):
            score_frame(self.qpr, self.frame().drop(columns="qpr15_09"))

    def test_other_columns_are_ignored_and_the_index_is_kept(self) -> None:
        frame = self.frame()
        frame.insert(0, "person_id", ["a", "b", "c", "d"])
        out = score_frame(self.qpr, frame)
        assert list(out.columns) == ["total", "total_missing"]
        assert list(out.index) == ["p1", "p2", "p3", "p4"]
        assert out["total"].tolist() == [30.0] * 4

    def test_an_empty_frame_gives_an_empty_result(self) -> None:
        out = score_frame(INSTRUMENTS["STORI"], pd.DataFrame(columns=list(INSTRUMENTS["STORI"].item_ids), dtype=float))
        assert len(out) == 0 and "stage" in out.columns


# --------------------------------------------------------------------------- score_frame agrees with score_responses


def assert_frame_matches_responses(instrument: Instrument, frame: pd.DataFrame) -> None:
    """Every row of ``score_frame`` equals ``score_responses`` on that row's answers."""
    out = score_frame(instrument, frame)
    assert list(out.index) == list(frame.index)
    for label, row in frame.iterrows():
        answers = {item_id: (None if pd.isna(row[item_id]) else float(row[item_id])) for item_id in instrument.item_ids}
        result = score_responses(instrument, answers)
        for score in result.scores:
            assert (score.reason is None) == (score.value is not None), "a reason exactly when there is no value"
            frame_value = out.at[label, score.score_id]
            if score.value is None:
                assert math.isnan(frame_value), (label, score.score_id)
            else:
                assert frame_value == pytest.approx(score.value, rel=1e-12, abs=1e-12), (label, score.score_id)
                low, high = instrument.score_range(score.score_id)
                assert low - 1e-9 <= score.value <= high + 1e-9
            assert out.at[label, f"{score.score_id}_missing"] == score.n_missing
            if f"{score.score_id}_band" in out.columns:
                band = out.at[label, f"{score.score_id}_band"]
                assert (None if pd.isna(band) else band) == score.band
        if instrument.stage_rule is not None:
            stage = out.at[label, "stage"]
            assert (None if pd.isna(stage) else stage) == result.stage
            tied = result.stage_note is not None and result.stage_note.startswith("tie")
            assert bool(out.at[label, "stage_tied"]) == tied


@st.composite
def answer_frames(draw: st.DrawFn, instrument: Instrument) -> pd.DataFrame:
    """1-8 rows of whole answers on each item's scale, with some items left blank.

    Each row first draws how many items are blank (often near the prorating limits),
    then which; values cluster on a few levels so that STORI ties happen.
    """
    k = len(instrument.items)
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        n_blank = draw(st.one_of(st.integers(0, min(3, k)), st.integers(0, k)))
        blank = set(draw(st.lists(st.integers(0, k - 1), min_size=n_blank, max_size=n_blank, unique=True)))
        level = draw(st.integers(instrument.response.min, instrument.response.max))
        row: dict[str, float | None] = {}
        for j, item in enumerate(instrument.items):
            scale = instrument.scale_of(item)
            value = draw(st.one_of(st.just(min(max(level, scale.min), scale.max)), st.integers(scale.min, scale.max)))
            row[item.id] = None if j in blank else value
        rows.append(row)
    return pd.DataFrame(rows, index=[f"r{i}" for i in range(len(rows))])


class TestScoreFrameAgreesWithScoreResponses:
    @pytest.mark.parametrize("instrument_id", REAL_IDS)
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def test_real_instruments_row_by_row(self, instrument_id: str, data: st.DataObject) -> None:
        instrument = INSTRUMENTS[instrument_id]
        assert_frame_matches_responses(instrument, data.draw(answer_frames(instrument)))

    @pytest.mark.parametrize("instrument_id", ["TOY", "ONE", "STAGES", "IMP"])
    def test_synthetic_instruments_with_reversed_items_row_by_row(
        self, instrument_id: str, toy: dict[str, Instrument]
    ) -> None:
        instrument = toy[instrument_id]

        @settings(max_examples=80, deadline=None)
        @given(frame=answer_frames(instrument))
        def check(frame: pd.DataFrame) -> None:
            assert_frame_matches_responses(instrument, frame)

        check()

    @pytest.mark.parametrize("instrument_id", REAL_IDS)
    def test_seeded_frames_around_the_prorating_limits(self, instrument_id: str) -> None:
        # 300 rows; per row 0-30% of items blank, so both sides of every limit occur
        instrument = INSTRUMENTS[instrument_id]
        rng = np.random.default_rng(20240601)
        low = np.array([instrument.scale_of(item).min for item in instrument.items])
        high = np.array([instrument.scale_of(item).max for item in instrument.items])
        values = rng.integers(low, high + 1, size=(300, len(low))).astype(float)
        values[rng.random(values.shape) < rng.uniform(0, 0.3, size=(300, 1))] = np.nan
        assert_frame_matches_responses(instrument, pd.DataFrame(values, columns=list(instrument.item_ids)))

    def test_stori_frame_reports_ties_to_the_later_stage(self) -> None:
        stori_ = INSTRUMENTS["STORI"]
        rows = [
            stori({"Moratorium": 1, "Awareness": 2, "Preparation": 3, "Rebuilding": 4, "Growth": 2}),
            stori({"Moratorium": 0, "Awareness": 5, "Preparation": 3, "Rebuilding": 4, "Growth": 5}),
            stori(dict.fromkeys(STAGES, None)),
        ]
        out = score_frame(stori_, pd.DataFrame(rows, dtype=float))
        assert out["stage"].iloc[0] == "Rebuilding" and not out["stage_tied"].iloc[0]
        assert out["stage"].iloc[1] == "Growth" and out["stage_tied"].iloc[1]
        assert pd.isna(out["stage"].iloc[2]) and not out["stage_tied"].iloc[2]


class TestScoreFrameAtScale:
    def test_100000_qpr15_rows(self) -> None:
        qpr = INSTRUMENTS["QPR-15"]
        rng = np.random.default_rng(1)
        values = rng.integers(0, 5, size=(100_000, 15)).astype(float)
        values[rng.random(values.shape) < 0.05] = np.nan
        out = score_frame(qpr, pd.DataFrame(values, columns=list(qpr.item_ids)))
        assert out.shape == (100_000, 2)
        n_missing = np.isnan(values).sum(axis=1)
        expected = np.where(n_missing <= 3, np.nansum(values, axis=1) / (15 - n_missing) * 15, np.nan)
        np.testing.assert_allclose(out["total"].to_numpy(), expected, rtol=1e-12)
        np.testing.assert_array_equal(out["total_missing"].to_numpy(), n_missing)

    def test_the_synthetic_qpr15_cohort_scores_in_range(self) -> None:
        path = content.data_dir() / "synthetic" / "qpr15_cohort.csv"
        cohort = pd.read_csv(path)
        out = score_frame(INSTRUMENTS["QPR-15"], cohort)
        scored = out["total"].dropna()
        assert len(scored) > 0
        assert scored.between(0, 60).all()
        assert out["total_missing"].between(0, 15).all()


def test_score_result_is_immutable() -> None:
    result = score_responses(INSTRUMENTS["QPR-15"], {})
    assert isinstance(result, ScoreResult)
    with pytest.raises(AttributeError):
        result.stage = "Growth"  # type: ignore[misc]
