"""Trial figures from ``data/evidence/figures.yaml``, validated and drawn as grouped bar charts."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

import ipywidgets as ipw
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from . import charts
from .content import data_dir, read_yaml
from .markup import STYLE, escape

__all__ = ["EvidenceError", "Figure", "evidence_chart", "figure_spec", "load_figures"]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class EvidenceError(ValueError):
    """The figures file is unreadable or a figure is malformed."""


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    label: Text
    values: tuple[float, ...]
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
            detail = error.errors(include_url=False)[0]
            field = ".".join(str(part) for part in detail["loc"]) or "(figure)"
            raise EvidenceError(f"{path}: figure {name!r}, field {field!r}: {detail['msg']}") from None
        if figure.id in figures:
            raise EvidenceError(f"{path}: figure {name!r}, field 'id': duplicate")
        figures[figure.id] = figure
    if not figures:
        raise EvidenceError(f"{path}: no figures")
    return figures


def figure_spec(figure: Figure) -> dict:
    """Grouped horizontal bars, one group per study, values printed on the bars, Okabe-Ito colours."""
    patterns = ["", "/", "x", "."]
    data = [
        {
            "type": "bar", "orientation": "h", "name": series,
            "y": [row.label for row in figure.rows], "x": [row.values[i] for row in figure.rows],
            "text": [f"{row.values[i]:g}" for row in figure.rows], "textposition": "outside",
            "marker": {"color": charts.OKABE_ITO[i], "pattern": {"shape": patterns[i % len(patterns)]}},
        }
        for i, series in enumerate(figure.series)
    ]  # fmt: skip
    layout = {
        "title": {"text": figure.title},
        "barmode": "group",
        "xaxis": {"title": {"text": figure.measure}, "range": [0, 100]},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "height": 200 + 90 * len(figure.rows),
        "font": {"size": 15},
        "legend": {"orientation": "h", "y": -0.35},
        "margin": {"l": 10, "r": 30, "t": 60, "b": 100},
        "template": {"layout": {"plot_bgcolor": "white", "paper_bgcolor": "white"}},
    }
    return {"data": data, "layout": layout}


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
    alt = "; ".join(
        f"{row.label}: " + ", ".join(f"{s} {v:g}" for s, v in zip(figure.series, row.values, strict=True))
        for row in figure.rows
    )
    chart = ipw.Output()
    chart.outputs = (charts.spec_output(figure_spec(figure), alt_text=f"{figure.title}. {alt}."),)
    box = ipw.VBox([ipw.HTML(STYLE), chart, ipw.HTML(table + note)])
    box.add_class("rw-exercise")
    box.add_class(f"rw-figure-{figure.id}")
    return box
