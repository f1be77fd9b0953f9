"""Trial figures from ``data/evidence/figures.yaml``, validated and drawn as grouped bar charts.

The bars are HTML, not plotly: every figure is a percentage, so a bar is a width
with its number written beside it, and the page does not need plotly's 4.7 MB
script (which made these pages slow to open in Voilà). Series differ by colour
(Okabe-Ito), by pattern and by their name written on each bar.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

import ipywidgets as ipw
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from . import charts
from .content import data_dir, first_problem, read_yaml
from .markup import STYLE, escape

__all__ = ["EvidenceError", "Figure", "bars_html", "evidence_chart", "gaps_html", "load_figures"]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class EvidenceError(ValueError):
    """The figures file is unreadable or a figure is malformed."""


Percent = Annotated[float, Field(ge=0, le=100)]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    label: Text
    values: tuple[Percent, ...]
    design: Text
    source: Text


class Figure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Text
    title: Text
    measure: Text
    series: tuple[Text, ...] = Field(min_length=1)
    rows: tuple[Row, ...] = Field(min_length=1)
    note: Text | None = None

    @model_validator(mode="after")
    def _one_value_per_series(self) -> Figure:
        for row in self.rows:
            if len(row.values) != len(self.series):
                raise ValueError(f"row {row.label!r} has {len(row.values)} values for {len(self.series)} series")
        return self


@lru_cache(maxsize=2)
def load_figures(path: Path | None = None) -> dict[str, Figure]:
    path = path or data_dir() / "evidence" / "figures.yaml"
    raw = read_yaml(path, EvidenceError)
    if raw is not None and not isinstance(raw, dict):
        raise EvidenceError(f"{path}: figure '(file)', field '(whole file)': expected a mapping with a 'figures' list")
    entries = (raw or {}).get("figures") or []
    if not isinstance(entries, list):
        raise EvidenceError(f"{path}: figure '(file)', field 'figures': expected a list of figures")
    figures: dict[str, Figure] = {}
    for index, entry in enumerate(entries):
        name = entry.get("id", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
        try:
            figure = Figure.model_validate(entry)
        except ValidationError as error:
            problem = first_problem(error)
            raise EvidenceError(f"{path}: figure {name!r}, field {problem.field_path('(figure)')!r}: {problem.message}") from None
        if figure.id in figures:
            raise EvidenceError(f"{path}: figure {name!r}, field 'id': duplicate")
        figures[figure.id] = figure
    if not figures:
        raise EvidenceError(f"{path}: no figures")
    return figures


_PATTERNS = ("none", "repeating-linear-gradient(45deg, rgba(255,255,255,.45) 0 4px, transparent 4px 9px)")

_BARS_CSS = """<style>
.rw-bars { max-width: 54rem; margin: 0.4rem 0 0.8rem 0; }
.rw-bars h4 { margin: 0.6rem 0 0.2rem 0; font-weight: 600; }
.rw-bar-row { display: grid; grid-template-columns: 9rem 1fr 4rem; align-items: center; gap: 0.5rem; margin: 0.15rem 0; }
.rw-bar-track { background: #f2f2f2; border: 1px solid #8c8c8c; height: 1.5em; }
.rw-bar-fill { height: 100%; border-right: 2px solid #111; }
.rw-bar-value { font-weight: 600; }
.rw-bars .rw-gap { margin: 0.1rem 0 0.5rem 9.5rem; }
</style>"""


def bars_html(figure: Figure) -> str:
    """One group of bars per row (study), one bar per series, each with its series name and value as text."""
    groups = []
    for row in figure.rows:
        bars = "".join(
            f'<div class="rw-bar-row"><span>{escape(series)}</span>'
            f'<span class="rw-bar-track" aria-hidden="true"><span class="rw-bar-fill" style="display:block;width:{value:g}%;'
            f'background:{charts.OKABE_ITO[i % len(charts.OKABE_ITO)]};background-image:{_PATTERNS[i % len(_PATTERNS)]}"></span></span>'
            f'<span class="rw-bar-value">{value:g}%</span></div>'
            for i, (series, value) in enumerate(zip(figure.series, row.values, strict=True))
        )
        groups.append(f"<h4>{escape(row.label)}</h4>{bars}")
    return (
        f'<figure class="rw-bars"><figcaption><strong>{escape(figure.title)}</strong><br>{escape(figure.measure)}'
        f"; bars run from 0 to 100%.</figcaption>{''.join(groups)}</figure>"
    )


def gaps_html(figure: Figure) -> str:
    """The gap between the first two series in each row, in percentage points, as sentences."""
    if len(figure.series) < 2:
        return "<p>This figure has one series, so there is no gap to show.</p>"
    first, second = figure.series[0], figure.series[1]
    items = "".join(
        f"<li>{escape(row.label)}: {escape(first)} {row.values[0]:g}% vs {escape(second)} {row.values[1]:g}%, "
        f"a gap of <strong>{row.values[0] - row.values[1]:+g} percentage points</strong>.</li>"
        for row in figure.rows
    )
    return f"<ul class='rw-gaps'>{items}</ul>"


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
