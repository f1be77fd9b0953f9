"""Team ratings: reading a team CSV row by row, the weakest challenges, the heatmap HTML and the synthetic teams."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..content.loading import data_path
from ..content.teams import ChallengeSet, RatingScale, load_challenges
from .markup import escape
from .measurement.cohort import sha256_of, to_csv_bytes
from .measurement.uploads import MAX_COLUMNS, UploadError, decode_upload, listed

__all__ = ["MAX_TEAMS", "MAX_TEAM_FILE_BYTES", "SYNTHETIC_LABEL", "TEAMS_SEED", "TeamComparison", "TeamRowProblem", "compare_teams", "heatmap_html", "read_team_csv", "synthetic_teams", "synthetic_teams_path", "weakest_challenges"]


MAX_TEAM_FILE_BYTES = 200_000
"""Files larger than this (200 kB) are refused; a file of 50 teams is about 3 kB."""


MAX_TEAMS = 50
"""At most this many teams are compared at once, so every cell of the chart stays readable."""


TEAMS_SEED = 20130006


SYNTHETIC_LABEL = "Synthetic data: fictional teams with generated ratings, made for teaching (not real teams)."


# ----------------------------------------------------------------------------- reading a team file


@dataclass(frozen=True)
class TeamRowProblem:
    line: int
    """The line in the file where the row starts (the header is normally line 1)."""
    team: str
    """The team name as written, or ``(blank)``."""
    reason: str


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _records(text: str) -> list[tuple[int, list[str]]]:
    """Every non-blank CSV record with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise UploadError(f"The file could not be read as CSV (line {reader.line_num}): {error}") from None
    return records


def _header(cells: list[str], challenges: ChallengeSet) -> list[str]:
    if len(cells) > MAX_COLUMNS:  # before any per-name work, so a hostile first line costs one pass
        raise UploadError(f"The first line names {len(cells):,} columns; at most {MAX_COLUMNS} are allowed, so the file was not read.")
    columns = [cell.strip().lower() for cell in cells]
    required = ["team", *challenges.ids]
    missing = [column for column in required if column not in columns]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise UploadError(f"Missing column(s): {shown}. The first line must name team and ch01 ... ch10.")
    unknown = [column for column in columns if column not in required]
    if unknown:
        named = ", ".join(repr(c) if c else "an unnamed column" for c in unknown[:5])
        raise UploadError(f"Unknown column(s): {named}. Remove or rename them.")
    repeated = sorted(column for column, count in Counter(columns).items() if count > 1)
    if repeated:
        raise UploadError(f"Column(s) named more than once in the first line: {', '.join(repeated)}.")
    return columns


def _rating(cell: str, scale: RatingScale) -> tuple[int | None, str | None]:
    """The rating in ``cell``, or the kind of problem: ``missing``, ``not a number`` or ``out of range``."""
    text = cell.strip()
    if not text:
        return None, "missing"
    if not _NUMBER.fullmatch(text):
        return None, "not a number"
    value = float(text)
    if not value.is_integer() or not scale.min <= value <= scale.max:
        return None, "out of range"
    return int(value), None


def _check_row(cells: list[str], columns: list[str], challenges: ChallengeSet) -> tuple[dict[str, Any], list[str]]:
    """One row's team name and ratings, and every reason it cannot be used (duplicates are checked by the caller)."""
    reasons: list[str] = []
    if len(cells) > len(columns):
        reasons.append(f"{len(cells)} values but the first line names {len(columns)} columns")
    row = dict(zip(columns, [*cells, *[""] * (len(columns) - len(cells))], strict=False))
    values: dict[str, Any] = {"team": row["team"].strip()}
    if not values["team"]:
        reasons.append("no team name")
    found: dict[str, list[str]] = {"missing": [], "not a number": [], "out of range": []}
    for challenge_id in challenges.ids:
        values[challenge_id], kind = _rating(row[challenge_id], challenges.scale)
        if kind == "missing":
            found[kind].append(challenge_id)
        elif kind is not None:
            found[kind].append(f"{challenge_id} {row[challenge_id].strip()[:20]!r}")
    scale = challenges.scale
    labels = {
        "missing": "missing rating",
        "not a number": "not a number",
        "out of range": f"out of range (whole numbers {scale.min}-{scale.max} only)",
    }
    reasons += [f"{labels[kind]}: {listed(cells_found)}" for kind, cells_found in found.items() if cells_found]
    return values, reasons


def read_team_csv(
    data: bytes, *, challenges: ChallengeSet | None = None, max_bytes: int = MAX_TEAM_FILE_BYTES
) -> tuple[pd.DataFrame, tuple[TeamRowProblem, ...]]:
    """Parse and check a CSV of team self-ratings.

    The first line names ``team`` and ``ch01`` ... ``ch10`` (any order, any case);
    each further line is one team with a whole-number rating on the stated scale
    (1-3) for every challenge. Wholly blank lines are skipped.

    Returns
    -------
    (ratings, problems)
        ``ratings``: one row per good team, columns ``team`` and ``ch01`` ... ``ch10``
        (integers), indexed by the line the row starts on. ``problems``: every row set
        aside, with its line number and all its reasons (blank team, duplicate team,
        not a number, out of range, missing rating, wrong number of values).

    Raises
    ------
    UploadError
        Too large, empty, not UTF-8, not CSV, a column missing or unknown or repeated,
        no teams, or more than :data:`MAX_TEAMS` teams.
    """
    challenges = challenges or load_challenges()
    records = _records(decode_upload(data, max_bytes))
    if not records:
        raise UploadError("The file is empty.")
    (_header_line, header_cells), rows = records[0], records[1:]
    columns = _header(header_cells, challenges)
    if not rows:
        raise UploadError("The file has a first line of column names but no teams below it.")
    if len(rows) > MAX_TEAMS:
        raise UploadError(f"The file has {len(rows)} teams; at most {MAX_TEAMS} can be compared at once. Split it.")
    good: list[dict[str, Any]] = []
    lines: list[int] = []
    problems: list[TeamRowProblem] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        values, reasons = _check_row(cells, columns, challenges)
        team = values["team"]
        if team in seen:
            reasons.insert(0, f"duplicate team: {team[:40]!r} is already on line {seen[team]}")
        elif team:
            seen[team] = line
        if reasons:
            problems.append(TeamRowProblem(line, team[:40] or "(blank)", "; ".join(reasons)))
        else:
            good.append(values)
            lines.append(line)
    frame = pd.DataFrame(good, columns=["team", *challenges.ids], index=pd.Index(lines, name="line"))
    frame = frame.astype({"team": str, **dict.fromkeys(challenges.ids, "int64")})
    return frame, tuple(problems)


# ----------------------------------------------------------------------------- ranking and the heatmap


def weakest_challenges(frame: pd.DataFrame, *, challenges: ChallengeSet | None = None) -> pd.DataFrame:
    """The challenges ranked by mean rating across teams, lowest (weakest) first.

    Returns a table with ``rank`` (ties share the lower rank), ``challenge`` (id),
    ``label``, ``mean`` and ``teams`` (how many teams rated it). Ties keep the
    order ch01 ... ch10.

    Raises
    ------
    ValueError
        ``frame`` has no teams, or lacks a challenge column.
    """
    challenges = challenges or load_challenges()
    missing = [c for c in challenges.ids if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks challenge column(s) {', '.join(missing)}")
    if len(frame) == 0:
        raise ValueError("there are no teams to rank")
    ratings = frame[list(challenges.ids)].astype(float)
    table = pd.DataFrame(
        {
            "challenge": list(challenges.ids),
            "label": [c.label for c in challenges.challenges],
            "mean": ratings.mean().to_numpy(),
            "teams": ratings.notna().sum().to_numpy().astype(int),
        }
    )
    table = table.sort_values("mean", kind="stable").reset_index(drop=True)
    table.insert(0, "rank", table["mean"].round(9).rank(method="min").astype(int))
    return table


def _short(text: str, most: int = 28) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour given as 0-255 channels."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def cell_colours(value: float, low: int, high: int) -> tuple[str, str]:
    """The Cividis background for ``value`` on the scale ``low``-``high`` and the text colour (black or white) with more contrast.

    >>> cell_colours(1, 1, 3)
    ('rgb(0, 34, 78)', '#ffffff')
    >>> cell_colours(3, 1, 3)
    ('rgb(254, 232, 56)', '#000000')
    """
    from plotly.colors import sample_colorscale, unlabel_rgb

    position = 0.0 if high == low else min(1.0, max(0.0, (value - low) / (high - low)))
    background = sample_colorscale("Cividis", [position])[0]
    shade = _luminance(tuple(unlabel_rgb(background)))
    on_white, on_black = (1.05) / (shade + 0.05), (shade + 0.05) / 0.05
    return background, "#ffffff" if on_white > on_black else "#000000"


def heatmap_html(frame: pd.DataFrame, challenges: ChallengeSet, *, title: str) -> str:
    """Challenges (rows) against teams (columns) as a table of coloured cells, each with its rating written in it.

    Colour follows the sequential, colour-blind-safe Cividis scale fixed to the rating scale,
    with black or white text, whichever contrasts more; the number is always there, so
    colour never carries the rating alone. Team names and the title are escaped.
    """
    scale = challenges.scale
    teams = [str(team) for team in frame["team"]]
    head = "".join(f'<th scope="col">{escape(_short(team))}</th>' for team in teams)
    body = []
    for challenge in challenges.challenges:
        cells = []
        for value in frame[challenge.id].to_numpy(dtype=float):
            if not np.isfinite(value):
                cells.append('<td class="rw-heat-empty">no rating</td>')
                continue
            background, text = cell_colours(value, scale.min, scale.max)
            cells.append(f'<td style="background:{background};color:{text}">{value:g}</td>')
        body.append(f'<tr><th scope="row">{challenge.id[2:]}. {escape(challenge.label)}</th>{"".join(cells)}</tr>')
    key = "".join(
        f'<span class="rw-heat-key" style="background:{bg};color:{fg}">{point}</span>'
        for point in range(scale.min, scale.max + 1)
        for bg, fg in [cell_colours(point, scale.min, scale.max)]
    )
    return (
        f'<div class="rw-heat-wrap" role="region" aria-label="{escape(title)}" tabindex="0">'
        f'<table class="rw-facts rw-heatmap"><caption>{escape(title)}. Each cell is the team\'s rating of the challenge '
        f"({scale.min}-{scale.max}); darker is lower. Key: {key}</caption>"
        f'<thead><tr><th scope="col">Challenge</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
    )


_HEATMAP_CSS = """<style>
.rw-heat-wrap { overflow-x: auto; max-width: 100%; }
.rw-heatmap td { text-align: center; font-weight: 600; min-width: 3.2em; border: 2px solid #fff; }
.rw-heatmap thead th { vertical-align: bottom; max-width: 9em; }
.rw-heat-key { display: inline-block; min-width: 1.8em; text-align: center; font-weight: 600; margin-left: 0.2em; }
.rw-heat-empty { color: #333; background: #eee; font-weight: 400; }
</style>"""


@dataclass(frozen=True)
class TeamComparison:
    ratings: pd.DataFrame
    problems: tuple[TeamRowProblem, ...]
    ranking: pd.DataFrame | None
    """``None`` when no row could be used."""
    heatmap: str | None


def compare_teams(data: bytes, *, challenges: ChallengeSet | None = None, title: str) -> TeamComparison:
    """Read a team file, rank the challenges and draw the heatmap (raises :class:`UploadError`)."""
    challenges = challenges or load_challenges()
    frame, problems = read_team_csv(data, challenges=challenges)
    if frame.empty:
        return TeamComparison(frame, problems, None, None)
    ranking = weakest_challenges(frame, challenges=challenges)
    return TeamComparison(frame, problems, ranking, heatmap_html(frame, challenges, title=title))


# ----------------------------------------------------------------------------- the synthetic example

SYNTHETIC_TEAM_NAMES = (
    "Alder Ward",
    "Birch Community Team",
    "Cedar Rehabilitation Unit",
    "Damson Early Intervention",
    "Elder Crisis Team",
    "Hawthorn Ward",
    "Juniper Community Team",
)


_OFFSETS = (0.3, -0.2, 0.0, 0.1, -0.3, -0.7, -0.4, -0.5, -0.8, 0.0)
_TEAM_SD, _NOISE_SD = 0.4, 0.45
"""Invented per-challenge offsets so that the ranking has something to find. They are not findings."""


def synthetic_teams(n: int = len(SYNTHETIC_TEAM_NAMES), *, seed: int = TEAMS_SEED) -> pd.DataFrame:
    """Fictional teams' self-ratings (1-3) on the ten challenges. **Synthetic**: no real team was rated.

    Model: each team has a level ``u ~ N(0, 0.4)``; each challenge an invented offset
    (:data:`_OFFSETS`, lowest for ch09 and ch06); a rating is
    ``round(2.2 + u + offset + e)`` with ``e ~ N(0, 0.45)``, clipped to 1-3.
    Teams are named from :data:`SYNTHETIC_TEAM_NAMES` (then ``Team 8`` ...).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    rng = np.random.default_rng(seed)
    level = rng.normal(0.0, _TEAM_SD, size=n)
    raw = 2.2 + level[:, None] + np.array(_OFFSETS)[None, :] + rng.normal(0.0, _NOISE_SD, size=(n, len(_OFFSETS)))
    ratings = np.clip(np.rint(raw), 1, 3).astype(int)
    names = [*SYNTHETIC_TEAM_NAMES, *(f"Team {i}" for i in range(len(SYNTHETIC_TEAM_NAMES) + 1, n + 1))][:n]
    frame = pd.DataFrame(ratings, columns=[f"ch{i:02d}" for i in range(1, 11)])
    frame.insert(0, "team", names)
    return frame


def synthetic_teams_path() -> Path:
    return data_path("teams", "synthetic_teams.csv")


def main() -> None:
    data = to_csv_bytes(synthetic_teams())
    synthetic_teams_path().write_bytes(data)
    print(f"wrote {synthetic_teams_path()} ({len(data)} bytes), sha256 {sha256_of(data)}", file=sys.stderr)


if __name__ == "__main__":
    main()
