"""The team comparison view: upload a team ratings CSV (or use the synthetic teams) and see the heatmap."""

from __future__ import annotations

import base64

import ipywidgets as ipw

from ..content.teams import load_challenges
from ..logic.markup import STYLE, escape, feedback_box, notice
from ..logic.measurement.uploads import UploadError
from ..logic.teams import (
    _HEATMAP_CSS,
    MAX_TEAM_FILE_BYTES,
    MAX_TEAMS,
    SYNTHETIC_LABEL,
    TeamComparison,
    TeamRowProblem,
    compare_teams,
    synthetic_teams_path,
)

__all__ = ["TeamComparisonView", "team_comparison"]




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
        self.upload.add_class(f"max-file-bytes-{MAX_TEAM_FILE_BYTES}")
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


