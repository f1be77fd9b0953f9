"""Scoring a questionnaire's answers by its published rules: one person (:func:`score_responses`) or a frame (:func:`score_frame`).

The rules (items, reverse keying, missing-data limits, bands) come from
``data/measures/instruments.yaml`` through :mod:`widgets.content.instruments`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...content.instruments import (
    Instrument,
    Item,
    Score,
    ScoringError,
    checked_value,
    shown_number,
)

__all__ = ["ScoreResult", "ScoreValue", "ScoringError", "score_frame", "score_responses"]




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




def _known_items(instrument: Instrument) -> str:
    ids = instrument.item_ids
    if len(ids) <= 12:
        return ", ".join(ids)
    return f"{', '.join(ids[:3])}, ..., {ids[-1]} ({len(ids)} in all; see Instrument.item_ids)"




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
        f"tie: {names} all score {shown_number(best)}; by this workbook's convention the {rule.ties} stage, "
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
        values[item_id] = checked_value(instrument, item, raw)
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
            f"{instrument.id}: column {item.id!r}, row {frame.index[row]!r}: value {shown_number(value)} {problem}"
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
    labels: list[Any] = [band.label for band in score.bands]
    bands: np.ndarray = np.select(conditions, labels, default=np.array(None, dtype=object)).astype(object)
    return bands


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


def scoring_working(instrument: Instrument, answers: dict[str, int | None], score_id: str = "total") -> str:
    """The arithmetic behind one score, in words (for a sum score with the prorating rule)."""
    score = instrument.score(score_id)
    items = instrument.score_items(score_id)
    given = [answers[item.id] for item in items if answers.get(item.id) is not None]
    missing = len(items) - len(given)
    total = sum(value for value in given if value is not None)
    if missing == 0:
        return f"All {len(items)} items answered: {' + '.join(str(v) for v in given)} = {total}."
    if missing > score.missing.max_missing:
        return (
            f"{missing} of {len(items)} items are blank; at most {score.missing.max_missing} may be prorated, "
            "so there is no score."
        )
    prorated = total / len(given) * len(items)
    return (
        f"{missing} of {len(items)} items are blank (at most {score.missing.max_missing} may be). "
        f"The {len(given)} answers add up to {total}; prorated: {total} ÷ {len(given)} × {len(items)} = {prorated:.1f}."
    )
