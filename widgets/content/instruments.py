"""The instrument scoring rules (``data/measures/instruments.yaml``): schema and loader.

Every rule carries its source; the loader checks the file against the schema and
names the instrument, the item and the field of the first problem.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
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

from .loading import (
    ContentError,
    FieldProblem,
    Strict,
    Text,
    content_cache,
    data_path,
    located,
    read_yaml,
    require_unique,
)


class ScoringError(ValueError):
    """Responses cannot be scored: an unknown item, or a value off the response scale."""
def shown_number(value: float) -> str:
    return f"{value:g}"
def checked_value(instrument: Instrument, item: Item, raw: object) -> float | None:
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
            f"{instrument.id}: item {item.id!r}: value {shown_number(value)} is outside the response scale "
            f"{scale.min}-{scale.max}"
        )
    if not value.is_integer():
        raise ScoringError(
            f"{instrument.id}: item {item.id!r}: value {shown_number(value)} is not a whole number on the "
            f"{scale.min}-{scale.max} scale"
        )
    return value

__all__ = ["Band", "Instrument", "InstrumentError", "InstrumentsFile", "Item", "MissingRule", "ResponseScale", "Score", "ScoringError", "StageRule", "checked_value", "instruments_path", "load_instrument_file", "load_instruments"]


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
"""An item, subscale or score id: lower case, digits and underscores (a valid column name)."""


InstrumentId = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Za-z0-9-]*$")]


Construct = Literal["personal_recovery", "service_recovery_orientation", "wellbeing"]


Method = Literal["sum", "mean_percent", "mean_percent_important", "single_item"]


class InstrumentError(ContentError):
    """The instruments file is missing, unreadable or does not match its schema."""


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
        require_unique([instrument.id for instrument in self.instruments], "instruments", field="id")
        return self


# --------------------------------------------------------------------------- loading


def instruments_path() -> Path:
    """The default instruments file, ``data/measures/instruments.yaml``."""
    return data_path("measures", "instruments.yaml")


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
    raw = read_yaml(path, InstrumentError)
    if not isinstance(raw, dict):
        raise InstrumentError(
            located(path, "expected a mapping with about and instruments", noun="instrument", owner="(file)", field="(whole file)")
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
            lines.append(located(path, message, noun="instrument", owner=instrument_id, field=field))
        raise InstrumentError("\n".join(lines)) from None


@content_cache(lambda: instruments_path())
def load_instruments(path: Path) -> Mapping[str, Instrument]:
    """Load the instruments by id (default ``data/measures/instruments.yaml``).

    Cached by path and modification time, so an edited file is read again; the
    mapping and the instruments in it are read-only.
    """
    return {i.id: i for i in load_instrument_file(path).instruments}
