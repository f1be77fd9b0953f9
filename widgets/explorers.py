"""Explorer views for the measures chapters: the measure catalogue and the reliable change explorer.

Each explorer builds its controls once, wires them to one ``_on_change``, calls a
pure function and renders. Everything shown from data is escaped.
"""

from __future__ import annotations

import ipywidgets as ipw

from .markup import STYLE, escape, feedback_box
from .measures import CONSTRUCTS, LENGTHS, PERSPECTIVES, Measure, filter_measures, load_catalogue

__all__ = ["MeasureExplorer", "measure_details_html"]


ANY = ""
"""The value of each filter's "Any" option (``None`` would show as an empty dropdown)."""


def _any(options: dict[str, str]) -> list[tuple[str, str]]:
    return [("Any", ANY), *((label, key) for key, label in options.items())]


def measure_details_html(measure: Measure) -> str:
    """The facts of one measure, with its confidence caveat always visible."""

    def score_range() -> str:
        if measure.score_min is None or measure.score_max is None:
            return "not verified"
        return f"{measure.score_min:g} to {measure.score_max:g}"

    rows = [
        ("Construct", CONSTRUCTS[measure.construct]),
        ("Developers", measure.developers_year),
        ("Items", measure.items),
        ("Response scale", measure.response_scale),
        ("Score range", score_range()),
        ("Subscales", measure.subscales),
        ("Reliability and validity", measure.reliability_note),
        ("Perspective", PERSPECTIVES[measure.perspective]),
        ("Licence", measure.licence),
        ("Source", measure.source),
    ]
    table = "".join(f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in rows)
    verdict = "info" if measure.fully_verified else "warning"
    caveat = feedback_box(
        verdict,
        f"<p>{escape(measure.confidence)}</p>",
        title="Verified" if measure.fully_verified else "Not fully verified",
    )
    return (
        f'<div class="rw-measure"><h4>{escape(measure.abbreviation)}: {escape(measure.name)}</h4>'
        f'<table class="rw-facts"><caption>Facts about {escape(measure.abbreviation)}</caption>{table}</table>'
        f"{caveat}</div>"
    )


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
