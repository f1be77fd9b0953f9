"""Views for chapters 06 and 07: the measure explorer, scoring a fictional person, the synthetic cohort, the RCI explorer, upload and score.

Each public function returns one widget, so a notebook cell is one call. The
logic sits in :mod:`widgets.logic.measurement` (catalogue, cohort, change) and in :mod:`widgets.logic.measurement.scoring`,
:mod:`widgets.logic.measurement.psychometrics` and :mod:`widgets.logic.measurement.uploads`; the views read controls,
call one of them and render. All person-level data are synthetic and say so.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import ipywidgets as ipw
import pandas as pd

from ..content.instruments import load_instruments
from ..content.measures import (
    CONSTRUCTS,
    LENGTHS,
    PERSPECTIVES,
    Measure,
    load_catalogue,
)
from ..content.people import load_people
from ..logic import charts
from ..logic.markup import STYLE, Verdict, escape, feedback_box, notice
from ..logic.measurement import psychometrics
from ..logic.measurement.catalogue import filter_measures, measure_details_html
from ..logic.measurement.change import (
    _CLASS_WORDS,
    ILLUSTRATIVE_CUTOFF,
    ChangeExploration,
    explore_change,
)
from ..logic.measurement.cohort import (
    SYNTHETIC_LABEL,
    _cohort_pairs,
    cohort_path,
    cohort_scores,
)
from ..logic.measurement.people import person_result
from ..logic.measurement.scoring import scoring_working
from ..logic.measurement.uploads import (
    MAX_UPLOAD_BYTES,
    UploadError,
    UploadResult,
    results_csv,
    score_upload,
)

__all__ = ["PersonScoringView", "RCIExplorer", "UploadScoreView", "cohort_reliability", "floor_and_ceiling", "measure_explorer", "person_scoring", "rci_explorer", "upload_and_score"]


QPR15_TEST_RETEST = 0.74
"""QPR-15 test-retest reliability reported by Williams et al. (2015)."""


QPR15_ALPHA = 0.89
"""QPR-15 internal consistency reported by Williams et al. (2015)."""


_STYLE = {"description_width": "initial"}


def _synthetic_note() -> ipw.HTML:
    return ipw.HTML(f'<p class="rw-id"><strong>{escape(SYNTHETIC_LABEL)}</strong></p>')


def _panel(*children: ipw.Widget, name: str) -> ipw.VBox:
    box = ipw.VBox([ipw.HTML(STYLE), *children])
    box.add_class("rw-exercise")
    box.add_class(name)
    return box


def floor_and_ceiling() -> ipw.Widget:
    """Floor and ceiling percentages of the synthetic cohort, with Terwee et al.'s 15% rule."""
    instrument = load_instruments()["QPR-15"]
    low, high = instrument.score_range("total")
    rows = []
    for timepoint, group in cohort_scores().groupby("timepoint", sort=False):
        result = psychometrics.floor_ceiling(group["total"].dropna(), minimum=low, maximum=high)
        rows.append(
            f"<tr><th scope='row'>{escape(str(timepoint).replace('_', ' '))}</th><td>{result.n}</td>"
            f"<td>{result.floor_pct:.1f}% {'⚠ floor effect' if result.floor_effect else '✔ 15% or less'}</td>"
            f"<td>{result.ceiling_pct:.1f}% {'⚠ ceiling effect' if result.ceiling_effect else '✔ 15% or less'}</td></tr>"
        )
    table = (
        "<table class='rw-facts'><caption>QPR-15 totals at the lowest (0) and highest (60) possible score</caption>"
        "<tr><th scope='col'>Time</th><th scope='col'>People scored</th><th scope='col'>At the floor</th>"
        f"<th scope='col'>At the ceiling</th></tr>{''.join(rows)}</table>"
    )
    return _panel(ipw.HTML(table), _synthetic_note(), name="rw-floor-ceiling")


def cohort_reliability() -> ipw.Widget:
    """Cronbach's alpha (95% CI) of the synthetic cohort at each time, and the SEM it implies."""
    frame = pd.read_csv(cohort_path())
    instrument = load_instruments()["QPR-15"]
    _pre, _post, baseline_sd = _cohort_pairs()
    rows = []
    for timepoint, group in frame.groupby("timepoint", sort=False):
        alpha = psychometrics.cronbach_alpha(group[list(instrument.item_ids)].astype(float))
        rows.append(
            f"<tr><th scope='row'>{escape(str(timepoint).replace('_', ' '))}</th><td>{alpha.n}</td>"
            f"<td>{alpha.alpha:.3f}</td><td>{alpha.ci_low:.3f} to {alpha.ci_high:.3f}</td></tr>"
        )
    sem_alpha = psychometrics.standard_error_of_measurement(baseline_sd, QPR15_ALPHA)
    sem_retest = psychometrics.standard_error_of_measurement(baseline_sd, QPR15_TEST_RETEST)
    table = (
        "<table class='rw-facts'><caption>Cronbach's alpha of the 15 items (complete answer sets only)</caption>"
        "<tr><th scope='col'>Time</th><th scope='col'>Complete sets</th><th scope='col'>Alpha</th>"
        f"<th scope='col'>95% confidence interval</th></tr>{''.join(rows)}</table>"
        f"<p>Baseline SD of totals: {baseline_sd:.2f}. SEM with r = {QPR15_ALPHA} (published alpha): "
        f"{sem_alpha:.2f} points; with r = {QPR15_TEST_RETEST} (published test-retest): {sem_retest:.2f} points.</p>"
    )
    return _panel(ipw.HTML(table), _synthetic_note(), name="rw-cohort-reliability")


class PersonScoringView:
    """A fictional person's answers as a table, and the engine's score with its working on request."""

    def __init__(self, person_id: str) -> None:
        self.person = load_people()[person_id]
        self.instrument = load_instruments()[self.person.instrument]
        cells = "".join(
            f"<tr><th scope='row'>{escape(item.label)}</th>"
            f"<td>{'blank' if self.person.answers[item.id] is None else self.person.answers[item.id]}</td></tr>"
            for item in self.instrument.items
        )
        scale = self.instrument.response
        self.table = ipw.HTML(
            f"<p>{escape(self.person.context)}</p>"
            f"<table class='rw-facts'><caption>{escape(self.person.name)}'s {escape(self.instrument.id)} answers "
            f"({scale.min} to {scale.max}; item wording not shown)</caption>"
            f"<tr><th scope='col'>Item</th><th scope='col'>Answer</th></tr>{cells}</table>"
        )
        self.button = ipw.Button(description="Show the engine's score", tooltip=f"Score {self.person.name}'s answers")
        self.button.on_click(lambda _button: self._on_score())
        self.result = ipw.HTML()
        self.container = _panel(self.table, self.button, self.result, name=f"rw-person-{person_id}")

    def _on_score(self) -> None:
        value = person_result(self.person.id)["total"]
        working = scoring_working(self.instrument, self.person.answers)
        shown = "no score" if value.value is None else f"{value.value:.1f}"
        reason = f"<p>{escape(value.reason)}</p>" if value.reason else ""
        self.result.value = feedback_box(
            "info", f"<p>{escape(working)}</p>{reason}", title=f"{value.label}: {shown}"
        )


class RCIExplorer:
    """Pre, post, SD, reliability and cut-off as controls; the Jacobson-Truax chart of the synthetic cohort."""

    def __init__(self, *, pre: float = 36.0, post: float = 48.0) -> None:
        instrument = load_instruments()["QPR-15"]
        self.low, self.high = instrument.score_range("total")
        self.cohort_pre, self.cohort_post, baseline_sd = _cohort_pairs()

        def number(description: str, value: float, low: float, high: float, step: float) -> ipw.BoundedFloatText:
            return ipw.BoundedFloatText(
                value=value, min=low, max=high, step=step, description=description, style=_STYLE,
                layout=ipw.Layout(width="20rem"),
            )  # fmt: skip

        self.pre = number("Score before (0-60):", pre, self.low, self.high, 1)
        self.post = number("Score after (0-60):", post, self.low, self.high, 1)
        self.sd = number("Baseline SD:", round(baseline_sd, 2), 0.5, 30, 0.1)
        self.reliability = number("Reliability (0-0.99):", QPR15_TEST_RETEST, 0.0, 0.99, 0.01)
        self.cutoff = number("Cut-off (illustrative):", ILLUSTRATIVE_CUTOFF, self.low, self.high, 1)
        self.controls = (self.pre, self.post, self.sd, self.reliability, self.cutoff)
        for control in self.controls:
            control.observe(self._on_change, names="value")
        self.result = ipw.HTML()
        self.chart = ipw.HTML()
        grid = ipw.HBox([ipw.VBox([self.pre, self.post]), ipw.VBox([self.sd, self.reliability, self.cutoff])])
        self.container = _panel(grid, self.result, self.chart, _synthetic_note(), name="rw-rci-explorer")
        self._on_change()

    def _on_change(self, _change: object = None) -> None:
        exploration = explore_change(
            self.pre.value, self.post.value, sd_baseline=self.sd.value, reliability=self.reliability.value,
            cutoff=self.cutoff.value, cohort_pre=self.cohort_pre, cohort_post=self.cohort_post,
        )  # fmt: skip
        self.result.value = self._render(exploration)
        counts = ", ".join(f"{name} {count}" for name, count in exploration.counts.items())
        alt = f"Jacobson-Truax chart of {len(self.cohort_pre)} synthetic people: {counts}."
        self.chart.value = charts.jacobson_truax_svg(
            self.cohort_pre.tolist(), self.cohort_post.tolist(), exploration.cohort_classes.tolist(), threshold=exploration.person.threshold,
            cutoff=self.cutoff.value, scale_min=self.low, scale_max=self.high,
            person=(self.pre.value, self.post.value, exploration.person_class),
            title="QPR-15 before and after: synthetic cohort", description=alt,
        )  # fmt: skip

    def _render(self, exploration: ChangeExploration) -> str:
        rci = exploration.person
        change = self.post.value - self.pre.value
        person = (
            f"<p>Change = {self.post.value:g} − {self.pre.value:g} = {change:+g} points. "
            f"S<sub>diff</sub> = SD × √2 × √(1 − r) = {rci.s_diff:.2f}; RCI = {change:+g} ÷ {rci.s_diff:.2f} = "
            f"<strong>{rci.rci:+.2f}</strong>. A change is reliable when |RCI| &gt; 1.96, "
            f"that is, a change of more than {rci.threshold:.1f} points.</p>"
            f"<p><strong>{escape(_CLASS_WORDS[exploration.person_class])}</strong></p>"
        )
        rows = "".join(
            f"<tr><th scope='row'>{escape(name.capitalize())}</th><td>{count}</td>"
            f"<td>{100 * count / max(1, len(exploration.cohort_classes)):.0f}%</td></tr>"
            for name, count in exploration.counts.items()
        )
        cohort = (
            "<table class='rw-facts'><caption>The whole synthetic cohort under these settings</caption>"
            f"<tr><th scope='col'>Class</th><th scope='col'>People</th><th scope='col'>Share</th></tr>{rows}</table>"
        )
        return feedback_box("info", person, title="This person") + cohort


# ----------------------------------------------------------------------------- upload and score


class UploadScoreView:
    """Upload a CSV of QPR-15 answers; see scores, alpha, change classes and every problem row; download results."""

    def __init__(self, instrument_id: str = "QPR-15", score_id: str = "total") -> None:
        self.instrument = load_instruments()[instrument_id]
        self.score_id = score_id
        items = self.instrument.item_ids
        self.upload = ipw.FileUpload(
            accept=".csv", multiple=False, description="Choose a CSV file", layout=ipw.Layout(width="auto")
        )
        self.upload.add_class(f"max-file-bytes-{MAX_UPLOAD_BYTES}")
        self.reliability = ipw.BoundedFloatText(
            value=QPR15_TEST_RETEST, min=0.0, max=0.99, step=0.01, description="Reliability for the RCI:", style=_STYLE
        )
        self.cutoff = ipw.BoundedFloatText(
            value=ILLUSTRATIVE_CUTOFF, min=0, max=self.instrument.score_range(score_id)[1], step=1,
            description="Cut-off (illustrative):", style=_STYLE,
        )  # fmt: skip
        self.upload.observe(self._on_change, names="value")
        self.reliability.observe(self._on_change, names="value")
        self.cutoff.observe(self._on_change, names="value")
        example = base64.b64encode(cohort_path().read_bytes()).decode("ascii")
        self.help = ipw.HTML(
            f"<p>Columns: <code>person_id</code>, optional <code>timepoint</code> (<code>baseline</code> and one "
            f"later label), and <code>{items[0]}</code> … <code>{items[-1]}</code> (answers "
            f"{self.instrument.response.min}-{self.instrument.response.max}; leave a cell blank for a missing answer). "
            f"Files up to {MAX_UPLOAD_BYTES // 1_000_000} MB. "
            f'<a download="synthetic-qpr15-cohort.csv" href="data:text/csv;base64,{example}">'
            "Download the synthetic example file</a>.</p>"
        )
        self.summary = ipw.HTML()
        self.problems = ipw.HTML()
        self.preview = ipw.HTML()
        self.download = ipw.HTML()
        self.container = _panel(
            self.help, self.upload, ipw.HBox([self.reliability, self.cutoff]), self.summary, self.problems,
            self.preview, self.download, name="rw-upload",
        )  # fmt: skip

    def process(self, data: bytes, name: str) -> None:
        """Score ``data`` (the bytes of an uploaded file) and render; problems become messages."""
        try:
            result = score_upload(
                data, self.instrument, score_id=self.score_id, reliability=self.reliability.value, cutoff=self.cutoff.value
            )
        except UploadError as error:
            self.summary.value = notice("error", f"{name}: {error}")
            self.problems.value = self.preview.value = self.download.value = ""
            return
        self._render(result, name)

    def _on_change(self, _change: object = None) -> None:
        if self.upload.value:
            uploaded = self.upload.value[0]
            self.process(bytes(uploaded["content"]), str(uploaded["name"]))

    def _render(self, result: UploadResult, name: str) -> None:
        alpha = (
            f"Cronbach's alpha at baseline: {result.alpha.alpha:.3f} (95% CI {result.alpha.ci_low:.3f} to "
            f"{result.alpha.ci_high:.3f}; {result.alpha.n} complete sets)."
            if result.alpha
            else (result.alpha_note or "")
        )
        if result.changes is not None:
            counts = result.changes["change_class"].value_counts()
            change = "Change classes: " + ", ".join(
                f"{label} {int(counts.get(label, 0))}" for label in psychometrics.CHANGE_CLASSES
            ) + f". {result.change_note}"
        else:
            change = result.change_note or ""
        verdict: Verdict = "correct" if not result.problems else "partly"
        self.summary.value = feedback_box(
            verdict,
            f"<p>{result.rows_read} rows read; {len(result.scores)} scored; {len(result.problems)} set aside.</p>"
            f"<p>{escape(alpha)}</p><p>{escape(change)}</p>",
            title=f"{name}: scored",
        )
        shown = result.problems[:50]
        more = f"<p>… and {len(result.problems) - 50} more.</p>" if len(result.problems) > 50 else ""
        self.problems.value = (
            feedback_box(
                "warning",
                "<ul>"
                + "".join(f"<li>Line {p.line} ({escape(p.person_id)}): {escape(p.reason)}</li>" for p in shown)
                + f"</ul>{more}",
                title="Rows set aside",
            )
            if shown
            else ""
        )
        self.preview.value = result.scores.head(8).to_html(index=False, classes="rw-facts", border=0, na_rep="")
        payload = base64.b64encode(results_csv(result, self.score_id)).decode("ascii")
        self.download.value = (
            f'<p><a download="scored-{escape(name)}" href="data:text/csv;base64,{payload}">'
            "Download the results (CSV)</a></p>"
        )


# ----------------------------------------------------------------------------- one call per notebook cell


def measure_explorer() -> ipw.Widget:
    """The measure catalogue explorer."""
    return MeasureExplorer().container


def person_scoring(person_id: str) -> ipw.Widget:
    """A fictional person's answers and the engine's score with its working."""
    return PersonScoringView(person_id).container


def rci_explorer() -> ipw.Widget:
    """The reliable change explorer on the synthetic cohort."""
    return RCIExplorer().container


def upload_and_score() -> ipw.Widget:
    """Upload a CSV of QPR-15 answers and score it."""
    return UploadScoreView().container


ANY = ""
"""The value of each filter's "Any" option (``None`` would show as an empty dropdown)."""


def _any(options: Mapping[Any, str]) -> list[tuple[str, str]]:
    return [("Any", ANY), *((label, key) for key, label in options.items())]


class MeasureExplorer:
    """Filter the catalogue by construct, length and perspective; show one measure's facts."""

    def __init__(self, measures: tuple[Measure, ...] | None = None) -> None:
        self.measures = measures if measures is not None else load_catalogue()
        style = {"description_width": "initial"}
        self.construct = ipw.Dropdown(options=_any(CONSTRUCTS), value=ANY, description="What it measures:", style=style)
        self.length = ipw.Dropdown(options=_any(LENGTHS), value=ANY, description="Length:", style=style)
        self.perspective = ipw.Dropdown(options=_any(PERSPECTIVES), value=ANY, description="Who rates:", style=style)
        self.results = ipw.Select(
            options=[], rows=8, description="Matching measures:", style=style, layout=ipw.Layout(width="100%")
        )
        self.count = ipw.HTML()
        self.details = ipw.HTML()
        for control in (self.construct, self.length, self.perspective):
            control.observe(self._on_filter, names="value")
        self.results.observe(self._on_pick, names="value")
        filters = ipw.HBox([self.construct, self.length, self.perspective], layout=ipw.Layout(flex_flow="row wrap"))
        self.container = ipw.VBox([ipw.HTML(STYLE), filters, self.count, self.results, self.details])
        self.container.add_class("rw-exercise")
        self.container.add_class("rw-measure-explorer")
        self._on_filter()

    def _on_filter(self, _change: object = None) -> None:
        matching = filter_measures(
            self.measures,
            construct=self.construct.value or None,
            length=self.length.value or None,
            perspective=self.perspective.value or None,
        )
        self.count.value = f"<p>{len(matching)} of {len(self.measures)} measures match.</p>"
        self.results.options = [(f"{m.abbreviation}: {m.name}", m.abbreviation) for m in matching]
        self.results.value = matching[0].abbreviation if matching else None
        self._on_pick()

    def _on_pick(self, _change: object = None) -> None:
        chosen = next((m for m in self.measures if m.abbreviation == self.results.value), None)
        self.details.value = (
            measure_details_html(chosen)
            if chosen
            else feedback_box("info", "<p>No measure matches these filters. Set one of them back to Any.</p>")
        )
