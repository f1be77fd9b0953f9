"""Upload and score: a CSV of item answers in, scores, alpha and change classes out.

Pure functions. Every problem becomes a plain message: a file that cannot be used
at all raises :class:`UploadError`; a bad row is set aside as a :class:`RowProblem`
with its line number and reason, and the good rows are still scored.

Expected columns: ``person_id``, optionally ``timepoint`` (``baseline`` and one
later label, e.g. ``12_months``), and one column per item of the instrument
(for the QPR-15: ``qpr15_01`` ... ``qpr15_15``); a blank cell is a missing answer.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from ...content.instruments import Instrument
from ..csvsafe import frame_to_csv_bytes
from . import psychometrics
from .scoring import score_frame

__all__ = [
    "MAX_COLUMNS",
    "MAX_UPLOAD_BYTES",
    "RowProblem",
    "UploadError",
    "UploadResult",
    "check_header",
    "decode_upload",
    "listed",
    "read_responses",
    "results_csv",
    "score_upload",
]

MAX_UPLOAD_BYTES = 2_000_000
"""Files larger than this (about 2 MB, some 40,000 QPR-15 rows) are refused."""
MAX_COLUMNS = 100
"""A first line naming more columns than this is refused before the file is parsed."""
BASELINE = "baseline"


class UploadError(ValueError):
    """The file cannot be used at all; the message says why and what to do."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    """The line in the file (the header is line 1)."""
    person_id: str
    reason: str


@dataclass(frozen=True)
class UploadResult:
    scores: pd.DataFrame
    """``person_id``, ``timepoint``, the score and ``<score>_missing`` for every good row."""
    problems: tuple[RowProblem, ...]
    alpha: psychometrics.AlphaResult | None
    alpha_note: str | None
    changes: pd.DataFrame | None
    """``person_id``, ``pre``, ``post``, ``rci``, ``change_class`` for people with both scores."""
    change_note: str | None
    rows_read: int


def decode_upload(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise UploadError(
            f"The file is {len(data):,} bytes; the limit is {max_bytes:,} bytes. Split it into smaller files."
        )
    if not data.strip():
        raise UploadError("The file is empty.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadError(f"The file is not UTF-8 text (byte {error.start}). Save it as CSV (UTF-8).") from None


def check_header(text: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[str]:
    """The first line's column names, checked before the file is parsed; raises :class:`UploadError` if unusable.

    Only the first record is read (linear in its length), so a hostile header (say 50,000
    repeated names, which ``pandas.read_csv`` takes quadratic time over) is refused at once:
    more than :data:`MAX_COLUMNS` names, a name twice, a required name missing, or a name
    that is neither required nor optional.

    >>> check_header("person_id,x\\n1,2", required=("person_id",))
    Traceback (most recent call last):
    ...
    widgets.logic.measurement.uploads.UploadError: Unknown column(s): 'x'. Remove or rename them.
    """
    try:
        first = next((record for record in csv.reader(io.StringIO(text, newline="")) if record), [])
        names = [name.strip() for name in first]
    except csv.Error as error:
        raise UploadError(f"The first line could not be read as CSV: {error}") from None
    if len(names) > MAX_COLUMNS:
        raise UploadError(
            f"The first line names {len(names):,} columns; at most {MAX_COLUMNS} are allowed, so the file was not read."
        )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise UploadError(f"The column name {name[:40]!r} appears twice in the first line.")
        seen.add(name)
    missing = [column for column in required if column not in seen]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        expected = required[0] if len(required) < 3 else f"{required[0]} and {required[1]} ... {required[-1]}"
        raise UploadError(f"Missing column(s): {shown}. The first line must name {expected}.")
    unknown = [name for name in names if name not in {*required, *optional}]
    if unknown:
        raise UploadError(f"Unknown column(s): {', '.join(repr(c[:40]) for c in unknown[:5])}. Remove or rename them.")
    return names


def read_responses(
    data: bytes, instrument: Instrument, *, max_bytes: int = MAX_UPLOAD_BYTES
) -> tuple[pd.DataFrame, tuple[RowProblem, ...], int]:
    """Parse and check an uploaded CSV.

    Returns
    -------
    (good rows, problems, rows read)
        Good rows have ``person_id``, ``timepoint`` and float item columns (NaN missing),
        indexed by their line number in the file.

    Raises
    ------
    UploadError
        Too large, empty, not UTF-8, not CSV, or a required column missing or an unknown one present.
    """
    text = decode_upload(data, max_bytes)
    items = list(instrument.item_ids)
    names = check_header(text, required=("person_id", *items), optional=("timepoint",))
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UploadError(f"The file could not be read as CSV: {first}") from None
    raw.columns = [str(column).strip() for column in raw.columns]
    if list(raw.columns) != names:  # the parser took another line as the header than the check did
        raise UploadError("The first line could not be read as the column names. Make it the header line.")
    raw.index = pd.RangeIndex(2, len(raw) + 2)  # line numbers: the header is line 1
    if "timepoint" not in raw.columns:
        raw["timepoint"] = BASELINE
    raw["person_id"] = raw["person_id"].str.strip()
    raw["timepoint"] = raw["timepoint"].str.strip()
    reasons: dict[int, list[str]] = {}

    def flag(lines: pd.Index, reason: str | pd.Series) -> None:
        for line in lines:
            reasons.setdefault(int(line), []).append(reason if isinstance(reason, str) else str(reason[line]))

    flag(raw.index[raw["person_id"] == ""], "no person_id")
    flag(raw.index[raw["timepoint"] == ""], "no timepoint")
    duplicated = raw.duplicated(subset=["person_id", "timepoint"], keep="first") & (raw["person_id"] != "")
    flag(raw.index[duplicated], "duplicate id: this person_id and timepoint appear on an earlier line")
    values = pd.DataFrame(index=raw.index)
    not_numbers: dict[int, list[str]] = {}
    off_scales: dict[int, list[str]] = {}
    for item_id in items:
        cells = raw[item_id].str.strip()
        numbers = pd.to_numeric(cells, errors="coerce").astype(float)
        scale = instrument.scale_of(instrument.item(item_id))
        not_number = (cells != "") & numbers.isna()
        off_scale = numbers.notna() & ((numbers < scale.min) | (numbers > scale.max) | (numbers % 1 != 0))
        for line in raw.index[not_number]:
            not_numbers.setdefault(int(line), []).append(f"{item_id} {cells[line][:20]!r}")
        for line in raw.index[off_scale]:
            off_scales.setdefault(int(line), []).append(f"{item_id} {numbers[line]:g}")
        values[item_id] = numbers.where(~(not_number | off_scale))
    scale = instrument.scale_of(instrument.item(items[0]))
    for line, found in not_numbers.items():
        flag(pd.Index([line]), f"not a number: {listed(found)}")
    for line, found in off_scales.items():
        flag(pd.Index([line]), f"outside the answer scale {scale.min}-{scale.max} (whole numbers): {listed(found)}")
    good = raw.index.difference(sorted(reasons))
    frame = pd.concat([raw.loc[good, ["person_id", "timepoint"]], values.loc[good]], axis=1)
    problems = tuple(
        RowProblem(line, str(raw.at[line, "person_id"]) or "(blank)", "; ".join(found)) for line, found in sorted(reasons.items())
    )
    return frame, problems, len(raw)


def listed(found: list[str], most: int = 4) -> str:
    return ", ".join(found[:most]) + (f" and {len(found) - most} more" if len(found) > most else "")


def score_upload(
    data: bytes,
    instrument: Instrument,
    *,
    score_id: str,
    reliability: float,
    cutoff: float,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> UploadResult:
    """Read, score, and (where there are two time points) classify change for an uploaded file."""
    frame, problems, rows_read = read_responses(data, instrument, max_bytes=max_bytes)
    scored = score_frame(instrument, frame[list(instrument.item_ids)])
    unscorable = scored[score_id].isna()
    too_many = tuple(
        RowProblem(int(line), str(frame.at[line, "person_id"]), f"too many missing answers ({int(cast(float, scored.at[line, f'{score_id}_missing']))} blank)")
        for line in frame.index[unscorable]
    )
    problems = tuple(sorted(problems + too_many, key=lambda problem: problem.line))
    scores = pd.concat([frame[["person_id", "timepoint"]], scored[[score_id, f"{score_id}_missing"]]], axis=1)[~unscorable]
    baseline_items = frame.loc[frame["timepoint"] == BASELINE, list(instrument.item_ids)]
    alpha, alpha_note = None, None
    try:
        alpha = psychometrics.cronbach_alpha(baseline_items)
    except ValueError as error:
        alpha_note = f"Alpha could not be computed from the baseline rows: {error}"
    changes, change_note = _changes(scores, score_id, instrument, reliability=reliability, cutoff=cutoff)
    return UploadResult(scores, problems, alpha, alpha_note, changes, change_note, rows_read)


def _changes(
    scores: pd.DataFrame, score_id: str, instrument: Instrument, *, reliability: float, cutoff: float
) -> tuple[pd.DataFrame | None, str | None]:
    labels = [label for label in pd.unique(scores["timepoint"]) if label != BASELINE]
    if BASELINE not in set(scores["timepoint"]) or len(labels) != 1:
        return None, "Change needs a timepoint column with 'baseline' and exactly one later label."
    wide = scores.pivot(index="person_id", columns="timepoint", values=score_id)
    pairs = wide[[BASELINE, labels[0]]].dropna()
    baseline_sd = float(scores.loc[scores["timepoint"] == BASELINE, score_id].std())
    if len(pairs) < 1 or not np.isfinite(baseline_sd) or baseline_sd <= 0:
        return None, "Change needs at least two baseline scores that differ and one person scored at both times."
    higher = bool(instrument.higher_is_better_for(score_id))
    pre, post = pairs[BASELINE].to_numpy(), pairs[labels[0]].to_numpy()
    table = pd.DataFrame(
        {
            "person_id": pairs.index,
            "pre": pre,
            "post": post,
            "rci": psychometrics.reliable_change_indices(pre, post, sd_baseline=baseline_sd, reliability=reliability),
            "change_class": psychometrics.classify_changes(
                pre, post, sd_baseline=baseline_sd, reliability=reliability, cutoff=cutoff, higher_is_better=higher
            ),
        }
    )
    note = f"Baseline SD {baseline_sd:.2f} (from this file), reliability {reliability:g}, cut-off {cutoff:g}."
    return table.reset_index(drop=True), note


def results_csv(result: UploadResult, score_id: str) -> bytes:
    """One row per scored answer set, with the change class where there is one."""
    table = result.scores.rename(columns={score_id: "score", f"{score_id}_missing": "items_missing"})
    if result.changes is not None:
        table = table.merge(result.changes[["person_id", "rci", "change_class"]], on="person_id", how="left")
    return frame_to_csv_bytes(table)
