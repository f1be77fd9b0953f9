"""The evidence figure view: one figure's bars, with a control to show the gap."""

from __future__ import annotations

import ipywidgets as ipw

from ..content.evidence import load_figures
from ..logic.evidence import _BARS_CSS, bars_html, gaps_html
from ..logic.markup import STYLE, escape

__all__ = ["evidence_chart"]






def evidence_chart(figure_id: str) -> ipw.Widget:
    """The chart of one figure with a table of the same numbers, each row's design and source."""
    figure = load_figures()[figure_id]
    rows = "".join(
        f"<tr><th scope='row'>{escape(row.label)}</th>"
        + "".join(f"<td>{value:g}</td>" for value in row.values)
        + f"<td>{escape(row.design)}</td><td>{escape(row.source)}</td></tr>"
        for row in figure.rows
    )
    heads = "".join(f"<th scope='col'>{escape(series)}</th>" for series in figure.series)
    table = (
        f"<table class='rw-facts'><caption>{escape(figure.title)}: {escape(figure.measure)}</caption>"
        f"<tr><th scope='col'>Study</th>{heads}<th scope='col'>Design</th><th scope='col'>Source</th></tr>{rows}</table>"
    )
    note = f"<p>{escape(figure.note)}</p>" if figure.note else ""
    bars = ipw.HTML(_BARS_CSS + bars_html(figure))
    gaps = ipw.HTML()
    controls: list[ipw.Widget] = []
    if len(figure.series) >= 2:
        show_gap = ipw.Checkbox(
            value=False, description=f"Show the gap between {figure.series[0]} and {figure.series[1]} in each study", indent=False,
            layout=ipw.Layout(width="auto"),
        )  # fmt: skip
        show_gap.observe(lambda change: setattr(gaps, "value", gaps_html(figure) if change["new"] else ""), names="value")
        controls = [show_gap, gaps]
    box = ipw.VBox([ipw.HTML(STYLE), bars, *controls, ipw.HTML(table + note)])
    box.add_class("rw-exercise")
    box.add_class(f"rw-figure-{figure.id}")
    return box
