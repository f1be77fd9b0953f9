"""Scoring engine for the questionnaires in ``data/measures/instruments.yaml``.

The instruments file holds *structure only* (items with neutral labels, response
scales, scores, missing-item rules, bands, stage rules), never item wording. It is
validated on load with pydantic; a broken file raises one :class:`InstrumentError`
whose lines name the file, the instrument and the field, e.g.
``instruments.yaml: instrument 'QPR-22', field 'items.3.subscale': ...``.

Two scorers share one set of rules:

* :func:`score_responses` scores one person's answers in plain Python, with a
  reason for every score it cannot give. It is the reference implementation.
* :func:`score_frame` scores a table (one row per person, one column per item)
  with numpy, without a per-row Python loop, and is tested to agree with
  :func:`score_responses` row by row.

Score methods
-------------
``sum``
    Sum of the item values (after reversal). With ``n`` of ``k`` items answered
    and prorating allowed, the total is the person's mean times ``k``:
    ``total = (sum of answered / n) * k``.
``mean_percent``
    Mean of the answered items, each rescaled to 0-1 as
    ``(value - min) / (max - min)``, times 100. With a 0-4 scale and ``k``
    items this is ``sum / (4k) * 100`` when nothing is missing.
``mean_percent_important``
    As ``mean_percent``, over only the items whose paired importance item is 1
    ("yes"). Items rated 0 ("no") are left out whatever their rating; an item is
    missing when its importance is unanswered, or it is rated important and its
    rating is unanswered. Used for the INSPIRE Support score, whose answers are
    stored as ``support_01`` .. ``support_20`` (0-4) beside ``important_01`` ..
    ``important_20`` (0 = no, 1 = yes).
``single_item``
    The one item's value; never prorated (``max_missing`` must be 0).

Missing items
-------------
``missing: {max_missing: m, rule: prorate}`` gives a score when at most ``m``
items are missing (prorated as above) and no score otherwise; ``rule: none``
gives no score when any item is missing. The workbook's instruments use
``m = floor(0.2 * k)``, a common convention and not the instruments' own
published rules (each score's ``basis`` says so).

Reverse-scored items (``reverse: true``) are scored as ``min + max - value``
before any method is applied. None of the workbook's instruments has one.

Examples
--------
>>> from widgets.scoring import load_instruments, score_responses
>>> qpr15 = load_instruments()["QPR-15"]
>>> answers = {f"qpr15_{i:02d}": 2 for i in range(1, 16)}
>>> answers["qpr15_01"] = None                     # one item missing
>>> result = score_responses(qpr15, answers)       # 14 answered, sum 28
>>> result.value("total")                          # 28 / 14 * 15
30.0
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import (
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from . import content
from .content import FieldProblem, Strict, Text

__all__ = [
    "Band",
    "Instrument",
    "InstrumentError",
    "InstrumentsFile",
    "Item",
    "MissingRule",
    "ResponseScale",
    "Score",
    "ScoreResult",
    "ScoreValue",
    "ScoringError",
    "StageRule",
    "instruments_path",
    "load_instrument_file",
    "load_instruments",
    "score_frame",
    "score_responses",
]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
"""An item, subscale or score id: lower case, digits and underscores (a valid column name)."""

InstrumentId = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Za-z0-9-]*$")]

Construct = Literal["personal_recovery", "service_recovery_orientation", "wellbeing"]
Method = Literal["sum", "mean_percent", "mean_percent_important", "single_item"]


class InstrumentError(ValueError):
    """The instruments file is missing, unreadable or does not match its schema."""


class ScoringError(ValueError):
    """Responses cannot be scored: an unknown item, or a value off the response scale."""


# --------------------------------------------------------------------------- schema


class ResponseScale(Strict):
    """Whole-number answers from ``min`` to ``max``; ``labels`` name some points (anchors)."""

    min: int
    max: int
    labels: dict[int, Text] | None = None

    @model_validator(mode="after")
    def _ordered_and_labels_on_scale(self) -> ResponseScale:
        if self.min >= self.max:
            raise ValueError(f"min must be below max, got min={self.min}, max={self.max}")
        for point in self.labels or {}:
            if not self.min <= point <= self.max:
                raise ValueError(f"label for {point} is outside the scale {self.min}-{self.max}")
        return self


class Item(Strict):
    """One item: a stable id (the column name in data), a neutral label, never wording."""

    id: Slug
    label: Text
    subscale: Slug | None = None
    reverse: bool
    response: ResponseScale | None = None
    """Overrides the instrument's scale for this item (INSPIRE's yes/no importance items)."""
    importance_item: Slug | None = None
    """The 0/1 item saying whether this item matters to the person (``mean_percent_important``)."""
    group: int | None = Field(default=None, ge=1)
    """Block of items the item is printed in (STORI: 10 groups, one item per stage)."""


class MissingRule(Strict):
    max_missing: int = Field(ge=0)
    rule: Literal["prorate", "none"]


class Band(Strict):
    """A named range of whole-number scores, ``min`` and ``max`` included."""

    label: Text
    min: int
    max: int

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.min > self.max:
            raise ValueError(f"band {self.label!r} has min {self.min} above max {self.max}")
        return self


class Score(Strict):
    id: Slug
    label: Text
    items: Literal["all"] | tuple[Slug, ...]
    """``all`` or a list of subscale names whose items make up the score."""
    method: Method
    missing: MissingRule
    basis: Text
    """How the score is computed and where the rule comes from (a source or "workbook convention")."""
    higher_is_better: bool | None = None
    """Overrides the instrument's direction for this score (ONS4 anxiety)."""
    bands: tuple[Band, ...] | None = None

    @field_validator("items", mode="before")
    @classmethod
    def _all_or_subscale_names(cls, value: Any) -> Any:
        if value == "all":
            return value
        if not isinstance(value, list | tuple) or not value:
            raise ValueError(f"must be 'all' or a non-empty list of subscale names, got {value!r}")
        return value


class StageRule(Strict):
    """Pick one stage from several stage scores (STORI)."""

    scores: tuple[Slug, ...] = Field(min_length=2)
    """The stage scores in stage order, earliest first; a stage is named by its score's label."""
    pick: Literal["highest"]
    ties: Literal["later", "earlier"]
    """Which of several stages sharing the highest score is reported."""
    basis: Text


class Instrument(Strict):
    """The scoring structure of one questionnaire."""

    id: InstrumentId
    name: Text
    construct_type: Construct = Field(alias="construct")
    """What the instrument measures; ``construct`` in the file (the name would shadow ``BaseModel.construct``)."""
    source: Text
    wording_published_at: Text
    timeframe: Text | None = None
    response: ResponseScale
    higher_is_better: bool | None
    """``None`` when scores have no better direction (STORI stage subscales)."""
    items: tuple[Item, ...] = Field(min_length=1)
    scores: tuple[Score, ...] = Field(min_length=1)
    stage_rule: StageRule | None = None
    unconfirmed: tuple[Text, ...] = ()

    # ------------------------------------------------------------------ look-ups

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"{self.id} has no item {item_id!r}")

    def score(self, score_id: str) -> Score:
        for score in self.scores:
            if score.id == score_id:
                return score
        known = ", ".join(score.id for score in self.scores)
        raise KeyError(f"{self.id} has no score {score_id!r}; its scores are {known}")

    def scale_of(self, item: Item) -> ResponseScale:
        return item.response or self.response

    def score_items(self, score_id: str) -> tuple[Item, ...]:
        """The items a score is computed from, in file order."""
        return self._items_of(self.score(score_id))

    def _items_of(self, score: Score) -> tuple[Item, ...]:
        if score.items == "all":
            gating = {item.importance_item for item in self.items if item.importance_item}
            return tuple(item for item in self.items if item.id not in gating)
        wanted = set(score.items)
        return tuple(item for item in self.items if item.subscale in wanted)

    def score_range(self, score_id: str) -> tuple[float, float]:
        """The lowest and highest possible value of a score."""
        return self._range_of(self.score(score_id))

    def _range_of(self, score: Score) -> tuple[float, float]:
        if score.method in ("mean_percent", "mean_percent_important"):
            return 0.0, 100.0
        scales = [self.scale_of(item) for item in self._items_of(score)]
        return float(sum(s.min for s in scales)), float(sum(s.max for s in scales))

    def higher_is_better_for(self, score_id: str) -> bool | None:
        """Whether a higher value of this score is the better one (``None``: no direction)."""
        score = self.score(score_id)
        return self.higher_is_better if score.higher_is_better is None else score.higher_is_better

    # ------------------------------------------------------------------ cross-field checks

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        self._check_items()
        self._check_scores()
        self._check_stage_rule()
        return self

    def _check_items(self) -> None:
        seen: set[str] = set()
        by_id = {item.id: item for item in self.items}
        for index, item in enumerate(self.items):
            if item.id in seen:
                raise FieldProblem(f"duplicate item id {item.id!r}", field=f"items.{index}.id")
            seen.add(item.id)
        for index, item in enumerate(self.items):
            if item.importance_item is None:
                continue
            where = f"items.{index}.importance_item"
            gate = by_id.get(item.importance_item)
            if gate is None:
                raise FieldProblem(
                    f"item {item.id!r} names unknown importance item {item.importance_item!r}", field=where
                )
            if gate.id == item.id or gate.importance_item is not None:
                raise FieldProblem(
                    f"item {item.id!r}: importance item {gate.id!r} must be a plain item, not itself or gated",
                    field=where,
                )
            scale = self.scale_of(gate)
            if (scale.min, scale.max) != (0, 1) or gate.reverse:
                raise FieldProblem(
                    f"item {item.id!r}: importance item {gate.id!r} must be scored 0 (no) to 1 (yes) and not reversed, "
                    f"got {scale.min}-{scale.max}" + (" reversed" if gate.reverse else ""),
                    field=where,
                )
        groups = [item.group is not None for item in self.items]
        if any(groups) and not all(groups):
            index = groups.index(False)
            raise FieldProblem(
                f"item {self.items[index].id!r} has no group, but other items do: give every item a group or none",
                field=f"items.{index}.group",
            )

    def _check_scores(self) -> None:
        seen: set[str] = set()
        used_subscales: set[str] = set()
        subscales = {item.subscale for item in self.items if item.subscale}
        for index, score in enumerate(self.scores):
            where = f"scores.{index}"
            if score.id in seen:
                raise FieldProblem(f"duplicate score id {score.id!r}", field=f"{where}.id")
            seen.add(score.id)
            if score.items != "all":
                for position, name in enumerate(score.items):
                    if name not in subscales:
                        known = ", ".join(sorted(subscales)) or "none"
                        raise FieldProblem(
                            f"score {score.id!r}: no item has subscale {name!r}; subscales on items: {known}",
                            field=f"{where}.items.{position}",
                        )
                used_subscales.update(score.items)
            self._check_method(score, where)
            self._check_bands(score, where)
        for index, item in enumerate(self.items):
            if item.subscale and item.subscale not in used_subscales:
                known = ", ".join(sorted(used_subscales)) or "none"
                raise FieldProblem(
                    f"item {item.id!r}: subscale {item.subscale!r} is used by no score; scores use: {known}",
                    field=f"items.{index}.subscale",
                )
        scored = {item.id for score in self.scores for item in self._items_of(score)}
        gating = {item.importance_item for item in self.items if item.id in scored and item.importance_item}
        for index, item in enumerate(self.items):
            if item.id not in scored and item.id not in gating:
                raise FieldProblem(
                    f"item {item.id!r} is in no score and is no scored item's importance item", field=f"items.{index}"
                )

    def _check_method(self, score: Score, where: str) -> None:
        items = self._items_of(score)
        k = len(items)
        if score.method == "single_item" and k != 1:
            raise FieldProblem(
                f"score {score.id!r}: single_item needs exactly 1 item, found {k}", field=f"{where}.items"
            )
        if score.method == "mean_percent_important":
            ungated = [item.id for item in items if item.importance_item is None]
            if ungated:
                raise FieldProblem(
                    f"score {score.id!r}: mean_percent_important needs an importance_item on every item; "
                    f"{ungated[0]!r} has none",
                    field=f"{where}.method",
                )
        missing = score.missing
        if missing.rule == "none" and missing.max_missing != 0:
            raise FieldProblem(
                f"score {score.id!r}: rule 'none' means no prorating, so max_missing must be 0, "
                f"got {missing.max_missing}",
                field=f"{where}.missing.max_missing",
            )
        if missing.rule == "prorate" and missing.max_missing >= k:
            raise FieldProblem(
                f"score {score.id!r}: max_missing {missing.max_missing} leaves no answered item out of {k}",
                field=f"{where}.missing.max_missing",
            )

    def _check_bands(self, score: Score, where: str) -> None:
        if score.bands is None:
            return
        whole = score.method == "single_item" or (score.method == "sum" and score.missing.rule == "none")
        if not whole:
            raise FieldProblem(
                f"score {score.id!r}: bands need whole-number scores (single_item, or sum without prorating), "
                f"not {score.method} with rule {score.missing.rule!r}",
                field=f"{where}.bands",
            )
        low, high = self._range_of(score)
        expected = low
        for position, band in enumerate(score.bands):
            if band.min != expected:
                raise FieldProblem(
                    f"score {score.id!r}: band {band.label!r} starts at {band.min}, expected {expected:g} "
                    "(bands must run in order without gaps or overlaps)",
                    field=f"{where}.bands.{position}.min",
                )
            expected = band.max + 1
        if expected - 1 != high:
            raise FieldProblem(
                f"score {score.id!r}: bands end at {expected - 1:g} but the score runs to {high:g}",
                field=f"{where}.bands.{len(score.bands) - 1}.max",
            )

    def _check_stage_rule(self) -> None:
        rule = self.stage_rule
        if rule is None:
            return
        by_id = {score.id: score for score in self.scores}
        for position, score_id in enumerate(rule.scores):
            if score_id not in by_id:
                raise FieldProblem(
                    f"unknown score {score_id!r}; scores are {', '.join(by_id)}", field=f"stage_rule.scores.{position}"
                )
        if len(set(rule.scores)) != len(rule.scores):
            raise FieldProblem("a stage score is listed twice", field="stage_rule.scores")
        stages = [by_id[score_id] for score_id in rule.scores]
        shapes = {(score.method, len(self._items_of(score)), self._range_of(score)) for score in stages}
        if len(shapes) != 1 or stages[0].method != "sum":
            raise FieldProblem(
                "stage scores must all be sums of the same number of items on the same scale, "
                "so that 'highest' is fair",
                field="stage_rule.scores",
            )
        if self.items[0].group is None:
            return
        stage_subscales = [set(self._subscales_of(score)) for score in stages]
        for group in sorted({item.group for item in self.items if item.group is not None}):
            members = [item for item in self.items if item.group == group]
            counts = [sum(item.subscale in names for item in members) for names in stage_subscales]
            if counts != [1] * len(stages):
                index = self.items.index(members[0])
                raise FieldProblem(
                    f"group {group} must hold exactly one item of each stage, found "
                    + ", ".join(f"{score.id}: {n}" for score, n in zip(stages, counts, strict=True)),
                    field=f"items.{index}.group",
                )

    def _subscales_of(self, score: Score) -> tuple[str, ...]:
        return () if score.items == "all" else score.items


class InstrumentsFile(Strict):
    about: Text
    instruments: tuple[Instrument, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> InstrumentsFile:
        content.require_unique([instrument.id for instrument in self.instruments], "instruments", field="id")
        return self


# --------------------------------------------------------------------------- loading


def instruments_path() -> Path:
    """The default instruments file, ``data/measures/instruments.yaml``."""
    return content.data_dir() / "measures" / "instruments.yaml"


def _instrument_at(raw: Any, loc: tuple[int | str, ...]) -> str:
    if len(loc) >= 2 and loc[0] == "instruments" and isinstance(loc[1], int):
        try:
            return str(raw["instruments"][loc[1]].get("id", f"#{loc[1] + 1} (no id)"))
        except (AttributeError, IndexError, KeyError, TypeError):
            return f"#{loc[1] + 1}"
    return "(file)"


def _named_part(raw: Any, loc: tuple[int | str, ...]) -> str:
    """`` (item 'qpr22_04')`` when the location is inside an item or score that has an id."""
    if len(loc) >= 4 and loc[0] == "instruments" and loc[2] in ("items", "scores") and isinstance(loc[3], int):
        try:
            entry_id = raw["instruments"][loc[1]][loc[2]][loc[3]]["id"]
        except (IndexError, KeyError, TypeError):
            return ""
        return f" ({str(loc[2])[:-1]} {entry_id!r})"
    return ""


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts = loc[2:] if len(loc) >= 2 and loc[0] == "instruments" else loc
    return ".".join(str(part) for part in parts) or "(whole instrument)"


def load_instrument_file(path: Path) -> InstrumentsFile:
    """Read and validate an instruments file.

    Raises
    ------
    InstrumentError
        The file is missing, is not valid YAML, or does not match the schema. Each
        line of the message names the file, the instrument and the field.
    """
    raw = content.read_yaml(path, InstrumentError)
    if not isinstance(raw, dict):
        raise InstrumentError(
            f"{path}: instrument '(file)', field '(whole file)': expected a mapping with about and instruments"
        )
    try:
        return InstrumentsFile.model_validate(raw)
    except ValidationError as error:
        details = error.errors(include_url=False)
        # A bad entry in a list also makes pydantic report the list as too short:
        # keep only the error inside it.
        inner = [tuple(detail["loc"]) for detail in details]
        lines = []
        for detail in details:
            loc = tuple(detail["loc"])
            if detail["type"] == "too_short" and any(len(o) > len(loc) and o[: len(loc)] == loc for o in inner):
                continue
            instrument_id, field, message = _instrument_at(raw, loc), _field_path(loc), detail["msg"]
            if detail["type"] == "value_error":
                message = message.removeprefix("Value error, ")
            problem = detail.get("ctx", {}).get("error")
            if isinstance(problem, FieldProblem):
                instrument_id = problem.owner or instrument_id
                field = problem.field if field == "(whole instrument)" else f"{field}.{problem.field}"
                message = str(problem)
            else:
                message += _named_part(raw, loc)
            lines.append(f"{path}: instrument {instrument_id!r}, field {field!r}: {message}")
        raise InstrumentError("\n".join(lines)) from None


@lru_cache(maxsize=8)
def _load_cached(path: Path, _mtime_ns: int, _size: int) -> InstrumentsFile:
    return load_instrument_file(path)


def load_instruments(path: Path | None = None) -> dict[str, Instrument]:
    """Load the instruments by id (default ``data/measures/instruments.yaml``).

    Cached by path and modification time, so an edited file is read again. The
    returned dict is new on every call; the instruments in it are immutable.
    """
    path = (path or instruments_path()).resolve()
    try:
        stat = os.stat(path)
    except OSError:
        return {i.id: i for i in load_instrument_file(path).instruments}  # raises the readable error
    return {i.id: i for i in _load_cached(path, stat.st_mtime_ns, stat.st_size).instruments}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ScoreValue:
    """One score of one person. ``reason`` says why ``value`` is ``None`` (and only then)."""

    score_id: str
    label: str
    value: float | None
    prorated: bool
    """True when the value was computed with some items missing."""
    n_missing: int
    reason: str | None
    band: str | None = None


@dataclass(frozen=True)
class ScoreResult:
    instrument_id: str
    scores: tuple[ScoreValue, ...]
    stage: str | None = None
    """The stage (STORI), or ``None`` when the instrument has no stage rule or a stage score is missing."""
    stage_note: str | None = None
    """Why there is no stage, or which stages tied; ``None`` when one stage is clearly highest."""

    def __getitem__(self, score_id: str) -> ScoreValue:
        for score in self.scores:
            if score.score_id == score_id:
                return score
        known = ", ".join(score.score_id for score in self.scores)
        raise KeyError(f"{self.instrument_id} has no score {score_id!r}; its scores are {known}")

    def value(self, score_id: str) -> float | None:
        """The value of one score, ``None`` when it could not be given (see its ``reason``)."""
        return self[score_id].value


# --------------------------------------------------------------------------- scoring one person


def _show(value: float) -> str:
    return f"{value:g}"


def _known_items(instrument: Instrument) -> str:
    ids = instrument.item_ids
    if len(ids) <= 12:
        return ", ".join(ids)
    return f"{', '.join(ids[:3])}, ..., {ids[-1]} ({len(ids)} in all; see Instrument.item_ids)"


def _checked_value(instrument: Instrument, item: Item, raw: object) -> float | None:
    """``None`` for a missing answer, else the answer as a float; raise when it is off the scale."""
    if raw is None or raw is pd.NA or raw is pd.NaT:
        return None
    if isinstance(raw, bool | np.bool_) or not isinstance(raw, numbers.Real):
        raise ScoringError(f"{instrument.id}: item {item.id!r}: value {raw!r} is not a number (use None for missing)")
    value = float(raw)
    if math.isnan(value):
        return None
    scale = instrument.scale_of(item)
    if not scale.min <= value <= scale.max:
        raise ScoringError(
            f"{instrument.id}: item {item.id!r}: value {_show(value)} is outside the response scale "
            f"{scale.min}-{scale.max}"
        )
    if not value.is_integer():
        raise ScoringError(
            f"{instrument.id}: item {item.id!r}: value {_show(value)} is not a whole number on the "
            f"{scale.min}-{scale.max} scale"
        )
    return value


def _scored(instrument: Instrument, item: Item, value: float) -> float:
    scale = instrument.scale_of(item)
    return scale.min + scale.max - value if item.reverse else value


def _unit(instrument: Instrument, item: Item, value: float) -> float:
    scale = instrument.scale_of(item)
    return (_scored(instrument, item, value) - scale.min) / (scale.max - scale.min)


def _too_many_missing(score: Score, n_missing: int, k: int) -> str | None:
    if n_missing <= score.missing.max_missing:
        return None
    if score.missing.rule == "none":
        if k == 1:
            return "the item is missing; a single item is not prorated"
        return f"{n_missing} of {k} items missing; this score is not prorated"
    return f"{n_missing} of {k} items missing; at most {score.missing.max_missing} may be prorated"


def _band(score: Score, value: float | None) -> str | None:
    if value is None or score.bands is None:
        return None
    for band in score.bands:
        if band.min <= value <= band.max:
            return band.label
    return None


def _score_one(instrument: Instrument, score: Score, values: Mapping[str, float | None]) -> ScoreValue:
    items = instrument._items_of(score)
    k = len(items)
    if score.method == "mean_percent_important":
        answered: list[tuple[Item, float]] = []
        n_missing = 0
        for item in items:
            assert item.importance_item is not None  # guaranteed by the schema
            important, rating = values[item.importance_item], values[item.id]
            if important is None or (important == 1 and rating is None):
                n_missing += 1
            elif important == 1 and rating is not None:
                answered.append((item, rating))
    else:
        answered = [(item, v) for item in items if (v := values[item.id]) is not None]
        n_missing = k - len(answered)

    def unscored(reason: str) -> ScoreValue:
        return ScoreValue(score.id, score.label, None, False, n_missing, reason)

    reason = _too_many_missing(score, n_missing, k)
    if reason is not None:
        return unscored(reason)
    if not answered:
        return unscored(f"no item rated important, so {score.label} is undefined")
    n = len(answered)
    if score.method == "sum":
        total = sum(_scored(instrument, item, v) for item, v in answered)
        value = total if n_missing == 0 else total / n * k
    elif score.method in ("mean_percent", "mean_percent_important"):
        value = 100 * sum(_unit(instrument, item, v) for item, v in answered) / n
    else:  # single_item
        item, v = answered[0]
        value = _scored(instrument, item, v)
    return ScoreValue(score.id, score.label, value, n_missing > 0, n_missing, None, _band(score, value))


def _stage(instrument: Instrument, by_id: Mapping[str, ScoreValue]) -> tuple[str | None, str | None]:
    rule = instrument.stage_rule
    if rule is None:
        return None, None
    stages = [by_id[score_id] for score_id in rule.scores]
    for stage in stages:
        if stage.value is None:
            return None, f"no stage: the {stage.label} score is not available ({stage.reason})"
    best = max(stage.value for stage in stages if stage.value is not None)
    tied = [stage for stage in stages if stage.value == best]
    chosen = tied[-1] if rule.ties == "later" else tied[0]
    if len(tied) == 1:
        return chosen.label, None
    names = ", ".join(stage.label for stage in tied)
    return chosen.label, (
        f"tie: {names} all score {_show(best)}; by this workbook's convention the {rule.ties} stage, "
        f"{chosen.label}, is reported"
    )


def score_responses(instrument: Instrument, responses: Mapping[str, float | None]) -> ScoreResult:
    """Score one person's answers.

    Parameters
    ----------
    instrument
        From :func:`load_instruments`.
    responses
        Answers by item id. ``None`` or NaN, or leaving an item out, means missing.

    Returns
    -------
    ScoreResult
        One :class:`ScoreValue` per score in file order; a score with too many
        missing items has value ``None`` and a ``reason``. For STORI, ``stage``.

    Raises
    ------
    ScoringError
        An unknown item id, a value that is not a number, is off the response
        scale or is not a whole number. The message names the item and the value.
    """
    by_item = {item.id: item for item in instrument.items}
    values: dict[str, float | None] = dict.fromkeys(by_item)
    for item_id, raw in responses.items():
        item = by_item.get(item_id) if isinstance(item_id, str) else None
        if item is None:
            raise ScoringError(
                f"{instrument.id}: unknown item {item_id!r} (value {raw!r}); known items: {_known_items(instrument)}"
            )
        values[item_id] = _checked_value(instrument, item, raw)
    scores = tuple(_score_one(instrument, score, values) for score in instrument.scores)
    stage, note = _stage(instrument, {score.score_id: score for score in scores})
    return ScoreResult(instrument.id, scores, stage, note)


# --------------------------------------------------------------------------- scoring a table


def _column_values(instrument: Instrument, frame: pd.DataFrame, item: Item) -> np.ndarray:
    column = frame[item.id]
    if pd.api.types.is_bool_dtype(column.dtype):
        raise ScoringError(f"{instrument.id}: column {item.id!r} holds True/False; use numbers (and NaN for missing)")
    if pd.api.types.is_numeric_dtype(column.dtype):
        return column.to_numpy(dtype=float, na_value=np.nan)
    numeric = pd.to_numeric(column, errors="coerce")
    bad = numeric.isna().to_numpy() & column.notna().to_numpy()
    if bad.any():
        row = int(np.argmax(bad))
        raise ScoringError(
            f"{instrument.id}: column {item.id!r}, row {frame.index[row]!r}: value {column.iloc[row]!r} is not a number"
        )
    return numeric.to_numpy(dtype=float, na_value=np.nan)


def _frame_matrix(instrument: Instrument, frame: pd.DataFrame) -> np.ndarray:
    """The answers as an (n, items) float array with NaN for missing, checked against every scale."""
    absent = [item_id for item_id in instrument.item_ids if item_id not in frame.columns]
    if absent:
        shown = ", ".join(repr(item_id) for item_id in absent[:5]) + (", ..." if len(absent) > 5 else "")
        raise ScoringError(
            f"{instrument.id}: the frame has no column for {len(absent)} item(s): {shown}; "
            "name the columns by item id (see Instrument.item_ids)"
        )
    repeated = [item_id for item_id in instrument.item_ids if (frame.columns == item_id).sum() > 1]
    if repeated:
        raise ScoringError(f"{instrument.id}: column {repeated[0]!r} appears more than once")
    matrix = np.column_stack([_column_values(instrument, frame, item) for item in instrument.items])
    low = np.array([instrument.scale_of(item).min for item in instrument.items], dtype=float)
    high = np.array([instrument.scale_of(item).max for item in instrument.items], dtype=float)
    with np.errstate(invalid="ignore"):
        off_scale = (matrix < low) | (matrix > high)
        fractional = ~off_scale & (matrix != np.floor(matrix)) & ~np.isnan(matrix)
    bad = off_scale | fractional
    if bad.any():
        row = int(np.argmax(bad.any(axis=1)))
        col = int(np.argmax(bad[row]))
        item, value = instrument.items[col], float(matrix[row, col])
        scale = instrument.scale_of(item)
        problem = (
            f"is outside the response scale {scale.min}-{scale.max}"
            if off_scale[row, col]
            else f"is not a whole number on the {scale.min}-{scale.max} scale"
        )
        raise ScoringError(
            f"{instrument.id}: column {item.id!r}, row {frame.index[row]!r}: value {_show(value)} {problem}"
        )
    return matrix


def _frame_score(
    instrument: Instrument, score: Score, matrix: np.ndarray, column_of: Mapping[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Values (NaN when not scorable) and missing counts of one score for every row."""
    items = instrument._items_of(score)
    k = len(items)
    columns = [column_of[item.id] for item in items]
    low = np.array([instrument.scale_of(item).min for item in items], dtype=float)
    high = np.array([instrument.scale_of(item).max for item in items], dtype=float)
    reverse = np.array([item.reverse for item in items])
    raw = matrix[:, columns]
    scored = np.where(reverse, low + high - raw, raw)
    if score.method == "mean_percent_important":
        important = matrix[:, [column_of[item.importance_item or ""] for item in items]]
        counted = important == 1
        missing = np.isnan(important) | (counted & np.isnan(raw))
        answered = counted & ~np.isnan(raw)
    else:
        answered = ~np.isnan(raw)
        missing = ~answered
    n_missing = missing.sum(axis=1)
    n_answered = answered.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if score.method == "sum":
            total = np.where(answered, scored, 0.0).sum(axis=1)
            value = np.where(n_missing == 0, total, total / n_answered * k)
        elif score.method in ("mean_percent", "mean_percent_important"):
            unit = (scored - low) / (high - low)
            value = 100 * np.where(answered, unit, 0.0).sum(axis=1) / n_answered
        else:  # single_item
            value = scored[:, 0].copy()
    scorable = (n_missing <= score.missing.max_missing) & (n_answered > 0)
    return np.where(scorable, value, np.nan), n_missing.astype(np.int64)


def _frame_bands(score: Score, value: np.ndarray) -> np.ndarray:
    assert score.bands is not None
    conditions = [(value >= band.min) & (value <= band.max) for band in score.bands]
    return np.select(conditions, [band.label for band in score.bands], default=None).astype(object)


def score_frame(instrument: Instrument, frame: pd.DataFrame) -> pd.DataFrame:
    """Score every row of a table of answers, vectorised.

    Parameters
    ----------
    instrument
        From :func:`load_instruments`.
    frame
        One row per answer set, one column per item id (NaN for missing). Every
        item needs a column; other columns (a person id, a time point) are ignored.

    Returns
    -------
    pandas.DataFrame
        On the same index: for each score, a float column named by its id (NaN
        when the row cannot be scored) and an int column ``"<id>_missing"``;
        ``"<id>_band"`` for scores with bands; for instruments with a stage rule,
        ``"stage"`` (the stage label, missing when a stage score is) and
        ``"stage_tied"`` (True when the tie rule chose between stages).

    Raises
    ------
    ScoringError
        A missing item column, or a value that is not a number, is off the scale or
        is not whole. The message names the column, the first bad row and the value.
    """
    matrix = _frame_matrix(instrument, frame)
    column_of = {item.id: j for j, item in enumerate(instrument.items)}
    columns: dict[str, Any] = {}
    values: dict[str, np.ndarray] = {}
    for score in instrument.scores:
        value, n_missing = _frame_score(instrument, score, matrix, column_of)
        values[score.id] = value
        columns[score.id] = value
        columns[f"{score.id}_missing"] = n_missing
        if score.bands is not None:
            columns[f"{score.id}_band"] = _frame_bands(score, value)
    rule = instrument.stage_rule
    if rule is not None:
        stage_values = np.column_stack([values[score_id] for score_id in rule.scores])
        labels = np.array([instrument.score(score_id).label for score_id in rule.scores], dtype=object)
        complete = ~np.isnan(stage_values).any(axis=1)
        if rule.ties == "later":
            chosen = stage_values.shape[1] - 1 - np.argmax(stage_values[:, ::-1], axis=1)
        else:
            chosen = np.argmax(stage_values, axis=1)
        best = np.max(stage_values, axis=1, initial=-np.inf)
        columns["stage"] = np.where(complete, labels[chosen], None)
        columns["stage_tied"] = complete & ((stage_values == best[:, None]).sum(axis=1) > 1)
    return pd.DataFrame(columns, index=frame.index)
