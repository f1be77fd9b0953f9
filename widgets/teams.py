"""Chapter 05: ImROC's ten organisational challenges and a comparison of team self-ratings.

Pure logic first, then one thin view:

- :func:`load_challenges` reads ``data/teams/challenges.yaml`` (the ten challenges of
  Shepherd, Boardman & Burns 2010, with short labels in our own words, and the
  rating scale). The three stage labels (Engagement, Development, Transformation)
  are those ImROC uses to describe an organisation's progress.
- :func:`read_team_csv` parses an uploaded CSV (``team, ch01 ... ch10``). A file that
  cannot be used at all raises :class:`~widgets.uploads.UploadError`; a bad row is set
  aside as a :class:`TeamRowProblem` with its line number and reason.
- :func:`weakest_challenges` ranks the challenges by mean rating, lowest first.
- :func:`heatmap_html` draws teams against challenges as an HTML table whose cells are
  coloured on a colour-blind-safe sequential scale (Cividis) with each rating written in
  it. It is HTML, not a plotly chart, so the page does not need plotly's 4.7 MB script.
- :func:`synthetic_teams` is the seeded generator of ``data/teams/synthetic_teams.csv``
  (fictional teams; run ``python -m widgets.teams`` to rewrite the file).
- :class:`TeamComparisonView` / :func:`team_comparison`: upload a file or use the
  bundled synthetic example, then see the ranking, the heatmap and every problem row.

Example
-------
>>> frame, problems = read_team_csv(b"team,ch01,ch02,ch03,ch04,ch05,ch06,ch07,ch08,ch09,ch10\\nA,1,2,3,1,2,3,1,2,3,1\\n")
>>> problems, int(frame.loc[2, "ch03"])
((), 3)
>>> weakest_challenges(frame).iloc[0]["challenge"]
'ch01'
"""

from __future__ import annotations

import base64
import csv
import io
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import ipywidgets as ipw
import numpy as np
import pandas as pd
from pydantic import Field, StringConstraints, ValidationError, model_validator

from .content import ContentError, Strict, Text, data_dir, read_yaml
from .markup import STYLE, escape, feedback_box, notice
from .synthetic import sha256_of, to_csv_bytes
from .uploads import UploadError, decode_upload, listed

__all__ = [
    "MAX_TEAMS",
    "MAX_TEAM_FILE_BYTES",
    "SYNTHETIC_LABEL",
    "TEAMS_SEED",
    "Challenge",
    "ChallengeSet",
    "TeamComparison",
    "TeamComparisonView",
    "TeamRowProblem",
    "compare_teams",
    "heatmap_html",
    "load_challenges",
    "read_team_csv",
    "synthetic_teams",
    "synthetic_teams_path",
    "team_comparison",
    "weakest_challenges",
]

MAX_TEAM_FILE_BYTES = 200_000
"""Files larger than this (200 kB) are refused; a file of 50 teams is about 3 kB."""
MAX_TEAMS = 50
"""At most this many teams are compared at once, so every cell of the chart stays readable."""
TEAMS_SEED = 20130006
SYNTHETIC_LABEL = "Synthetic data: fictional teams with generated ratings, made for teaching (not real teams)."


# ----------------------------------------------------------------------------- the ten challenges


class Challenge(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^ch(0[1-9]|10)$")]
    label: Text
    """A short label in our own words."""
    summary: Text


class RatingScale(Strict):
    min: int
    max: int

    @model_validator(mode="after")
    def _ordered(self) -> RatingScale:
        if not self.min < self.max <= self.min + 10:
            raise ValueError(f"scale must satisfy min < max <= min + 10, got min={self.min}, max={self.max}")
        return self


class Stages(Strict):
    confirmed: bool
    labels: tuple[Text, ...]
    note: Text


class ChallengeSet(Strict):
    """The ten challenges, their source, and the rating scale with its stage labels."""

    citation: Text
    source: Text
    reviewed: Text
    wording: Text
    scale: RatingScale
    stages: Stages
    challenges: tuple[Challenge, ...] = Field(min_length=10, max_length=10)

    @model_validator(mode="after")
    def _ids_in_order_and_one_label_per_stage(self) -> ChallengeSet:
        expected = [f"ch{number:02d}" for number in range(1, 11)]
        found = [challenge.id for challenge in self.challenges]
        if found != expected:
            raise ValueError(f"challenge ids must be ch01 ... ch10 in order, found {', '.join(found)}")
        steps = self.scale.max - self.scale.min + 1
        if len(self.stages.labels) != steps:
            raise ValueError(f"stages.labels has {len(self.stages.labels)} labels but the scale has {steps} points")
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(challenge.id for challenge in self.challenges)

    def label(self, challenge_id: str) -> str:
        return next(c.label for c in self.challenges if c.id == challenge_id)

    def stage_words(self) -> str:
        """E.g. ``1 = Engagement, 2 = Development, 3 = Transformation``."""
        return ", ".join(f"{self.scale.min + i} = {label}" for i, label in enumerate(self.stages.labels))


def load_challenges(path: Path | None = None) -> ChallengeSet:
    """Read and validate ``data/teams/challenges.yaml`` (or ``path``).

    Raises
    ------
    ContentError
        The file is missing, not valid YAML, or does not match the schema; the message
        names the file and the field.
    """
    if path is None:
        return _default_challenges()
    raw = read_yaml(path, ContentError)
    try:
        return ChallengeSet.model_validate(raw)
    except ValidationError as error:
        lines = [
            f"{path}: field {'.'.join(str(p) for p in d['loc']) or '(whole file)'!r}: {d['msg']}"
            for d in error.errors(include_url=False)
        ]
        raise ContentError("\n".join(lines)) from None


@lru_cache(maxsize=1)
def _default_challenges() -> ChallengeSet:
    return load_challenges(data_dir() / "teams" / "challenges.yaml")


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
    repeated = sorted({column for column in columns if columns.count(column) > 1})
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
    frame = frame.astype({"team": str, **{challenge_id: "int64" for challenge_id in challenges.ids}})
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
_TEAM_SD, _NOISE_SD = 0.4, 0.45
_OFFSETS = (0.3, -0.2, 0.0, 0.1, -0.3, -0.7, -0.4, -0.5, -0.8, 0.0)
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
    return data_dir() / "teams" / "synthetic_teams.csv"


# ----------------------------------------------------------------------------- the view


def _panel(*children: ipw.Widget) -> ipw.VBox:
    box = ipw.VBox([ipw.HTML(STYLE), *children])
    box.add_class("rw-exercise")
    box.add_class("rw-team-comparison")
    return box


class TeamComparisonView:
    """Upload a CSV of team self-ratings, or use the synthetic example; see the weakest challenges and a heatmap."""

    def __init__(self) -> None:
        self.challenges = load_challenges()
        self.example = synthetic_teams_path().read_bytes()
        scale = self.challenges.scale
        link = base64.b64encode(self.example).decode("ascii")
        self.help = ipw.HTML(
            f"<p>Columns: <code>team</code> and <code>ch01</code> … <code>ch10</code>, one line per team, "
            f"each rating a whole number from {scale.min} to {scale.max}. "
            f"Stages as described by ImROC: {escape(self.challenges.stage_words())}. "
            f"Up to {MAX_TEAMS} teams and {MAX_TEAM_FILE_BYTES // 1000} kB; the file is read in memory and not saved. "
            f'<a download="synthetic-teams.csv" href="data:text/csv;base64,{link}">'
            "Download the synthetic example file</a> to see the layout.</p>"
        )
        self.upload = ipw.FileUpload(
            accept=".csv", multiple=False, description="Choose a CSV file", layout=ipw.Layout(width="auto")
        )
        self.upload.observe(self._on_change, names="value")
        self.example_button = ipw.Button(
            description="Show the synthetic example", tooltip="Compare the bundled fictional teams again"
        )
        self.example_button.on_click(lambda _button: self.show_example())
        self.summary = ipw.HTML()
        self.problems = ipw.HTML()
        self.ranking = ipw.HTML()
        self.chart = ipw.HTML()
        self.table = ipw.HTML()
        self.note = ipw.HTML()
        self.container = _panel(
            self.help, ipw.HBox([self.upload, self.example_button]), self.summary, self.problems, self.ranking,
            self.chart, self.table, self.note,
        )  # fmt: skip
        self.show_example()

    def show_example(self) -> None:
        """Compare the bundled synthetic teams."""
        self.process(self.example, "Synthetic example", synthetic=True)

    def _on_change(self, _change: object = None) -> None:
        if self.upload.value:
            uploaded = self.upload.value[0]
            self.process(bytes(uploaded["content"]), str(uploaded["name"]))

    def process(self, data: bytes, name: str, *, synthetic: bool = False) -> None:
        """Compare the teams in ``data`` (the bytes of a file) and render; problems become messages."""
        title = f"{name}: {'fictional teams, synthetic ratings' if synthetic else 'team self-ratings'}"
        try:
            result = compare_teams(data, challenges=self.challenges, title=title)
        except UploadError as error:
            self.summary.value = notice("error", f"{name}: {error}")
            self.problems.value = self.ranking.value = self.table.value = self.note.value = self.chart.value = ""
            return
        self._render(result, name, synthetic=synthetic)

    def _render(self, result: TeamComparison, name: str, *, synthetic: bool) -> None:
        good, bad = len(result.ratings), len(result.problems)
        self.note.value = (
            f'<p class="rw-id"><strong>{escape(SYNTHETIC_LABEL)}</strong> {escape(self.challenges.stages.note)}</p>'
            if synthetic
            else f'<p class="rw-id">{escape(self.challenges.stages.note)}</p>'
        )
        self.problems.value = self._problems_html(result.problems)
        if result.ranking is None or result.heatmap is None:
            self.summary.value = notice("error", f"{name}: none of the {bad} team rows could be used; see the reasons below.")
            self.ranking.value = self.table.value = self.chart.value = ""
            return
        weakest = result.ranking[result.ranking["rank"] == 1]
        names = "; ".join(escape(str(label)) for label in weakest["label"])
        self.summary.value = feedback_box(
            "correct" if not bad else "partly",
            f"<p>{good + bad} team rows read; {good} compared; {bad} set aside.</p>"
            f"<p>Lowest mean rating ({weakest['mean'].iloc[0]:.2f}): <strong>{names}</strong>.</p>",
            title=f"{name}: compared",
        )
        rows = "".join(
            f"<tr><td>{row['rank']}</td><th scope='row'>{escape(str(row['challenge']))} · {escape(str(row['label']))}</th>"
            f"<td>{row['mean']:.2f}</td><td>{row['teams']}</td></tr>"
            for row in result.ranking.to_dict("records")
        )
        scale = self.challenges.scale
        self.ranking.value = (
            f"<table class='rw-facts'><caption>Challenges from the lowest mean rating (weakest) to the highest "
            f"(scale {scale.min}-{scale.max})</caption><tr><th scope='col'>Rank</th><th scope='col'>Challenge</th>"
            f"<th scope='col'>Mean rating</th><th scope='col'>Teams</th></tr>{rows}</table>"
        )
        self.chart.value = _HEATMAP_CSS + result.heatmap
        shown = result.ratings.rename(columns={"team": "Team"}).to_html(index=False, classes="rw-facts", border=0, escape=True)
        self.table.value = f"<details><summary>Show every team's ratings as a table</summary>{shown}</details>"

    @staticmethod
    def _problems_html(problems: tuple[TeamRowProblem, ...]) -> str:
        if not problems:
            return ""
        items = "".join(f"<li>Line {p.line} ({escape(p.team)}): {escape(p.reason)}</li>" for p in problems[:50])
        more = f"<p>… and {len(problems) - 50} more.</p>" if len(problems) > 50 else ""
        return feedback_box("warning", f"<ul>{items}</ul>{more}", title="Rows set aside")


def team_comparison() -> ipw.Widget:
    """The team comparison: upload a file or use the synthetic example (one call per notebook cell)."""
    return TeamComparisonView().container


def main() -> None:
    data = to_csv_bytes(synthetic_teams())
    synthetic_teams_path().write_bytes(data)
    print(f"wrote {synthetic_teams_path()} ({len(data)} bytes), sha256 {sha256_of(data)}", file=sys.stderr)


if __name__ == "__main__":
    main()
