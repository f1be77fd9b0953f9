"""Charts: plotly figures built from results, with a colour-blind-safe palette.

Colours follow Okabe & Ito's palette; every bar carries its value as text, so a
chart never relies on colour alone. Figures are returned, not shown: the views
put them into an ``Output`` widget as a plotly MIME bundle (:func:`display_output`),
which is safe while Voilà executes the notebook (no ``with out:``) and is drawn by
the plotly renderer that JupyterLab and Voilà already have.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from html import escape
from typing import Any

import plotly.graph_objects as go

from ..content.exercises import LikertScale
from .grading import LikertResult

__all__ = ["OKABE_ITO", "display_output", "jacobson_truax_svg", "likert_chart", "likert_radar", "spec_output"]

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def likert_chart(result: LikertResult, scale: LikertScale, *, title: str) -> go.Figure:
    """A horizontal bar per rated item, on the question's own scale."""
    labels = [text for _item, text, _value in result.ratings]
    values = [value for _item, _text, value in result.ratings]
    figure = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker_color=OKABE_ITO[0],
            text=[str(value) for value in values],
            textposition="outside",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    figure.update_layout(
        title=f"Your ratings ({title})",
        xaxis={"range": [scale.min - 0.5, scale.max + 0.7], "dtick": 1, "title": f"{scale.min} = {scale.low_label}, {scale.max} = {scale.high_label}"},
        yaxis={"autorange": "reversed", "automargin": True},
        height=120 + 40 * len(labels),
        margin={"l": 10, "r": 20, "t": 50, "b": 60},
        font={"size": 15},
        template="simple_white",
    )
    return figure


def likert_radar(result: LikertResult, scale: LikertScale, *, title: str) -> go.Figure:
    """The ratings on a radar, one spoke per rated item, each point labelled with its value."""
    labels = [text for _item, text, _value in result.ratings]
    values = [value for _item, _text, value in result.ratings]
    figure = go.Figure(
        go.Scatterpolar(
            r=[*values, values[0]],
            theta=[*labels, labels[0]],
            mode="lines+markers+text",
            text=[str(v) for v in [*values, values[0]]],
            textposition="top center",
            fill="toself",
            line_color=OKABE_ITO[0],
            marker={"size": 9, "symbol": "circle"},
            hovertemplate="%{theta}: %{r}<extra></extra>",
        )
    )
    figure.update_layout(
        title=f"Your ratings ({title})",
        # The centre is one below the scale, so the lowest rating is still a visible point.
        polar={"radialaxis": {"range": [scale.min - 1, scale.max], "tickvals": list(range(scale.min, scale.max + 1))}},
        height=520,
        margin={"l": 120, "r": 120, "t": 70, "b": 50},
        font={"size": 14},
        showlegend=False,
        template="simple_white",
    )
    return figure


def display_output(figure: go.Figure, *, alt_text: str) -> dict[str, Any]:
    """An ``Output``-widget output holding ``figure``, with ``alt_text`` as its plain-text form.

    ``IPython``'s formatter cannot be used here: plotly figures display themselves
    through ``_ipython_display_``, which would write into the running cell instead.
    """
    spec = json.loads(figure.to_json())
    return spec_output({"data": spec["data"], "layout": spec["layout"]}, alt_text=alt_text)


_CLASS_STYLE = {
    # class: (colour, marker shape, legend label); colour and shape both carry the class
    "recovered": (OKABE_ITO[2], "star", "Recovered"),
    "improved": (OKABE_ITO[0], "triangle-up", "Improved"),
    "unchanged": ("#6b6b6b", "circle-open", "Unchanged"),
    "deteriorated": (OKABE_ITO[5], "triangle-down", "Deteriorated"),
}


def _marker(shape: str, x: float, y: float, size: float, colour: str, *, outline: str | None = None) -> str:
    """One SVG marker centred on (x, y): a star, an up or down triangle, or an open circle."""
    stroke = f' stroke="{outline or colour}" stroke-width="{2.5 if outline else 1}"'
    if shape == "circle-open":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size / 2:.1f}" fill="{"#fff" if outline else "none"}"{stroke}/>'
    if shape == "star":
        points = []
        for k in range(10):
            radius = size / 2 if k % 2 == 0 else size / 4.5
            angle = math.pi / 2 + k * math.pi / 5
            points.append(f"{x + radius * math.cos(angle):.1f},{y - radius * math.sin(angle):.1f}")
        return f'<polygon points="{" ".join(points)}" fill="{colour}"{stroke}/>'
    direction = -1 if shape == "triangle-up" else 1
    half = size / 2
    corners = f"{x:.1f},{y + direction * half:.1f} {x - half:.1f},{y - direction * half:.1f} {x + half:.1f},{y - direction * half:.1f}"
    return f'<polygon points="{corners}" fill="{colour}"{stroke}/>'


def jacobson_truax_svg(
    pre: Sequence[float],
    post: Sequence[float],
    classes: Sequence[str],
    *,
    threshold: float,
    cutoff: float,
    scale_min: float,
    scale_max: float,
    person: tuple[float, float, str] | None = None,
    title: str,
    description: str,
) -> str:
    """A Jacobson-Truax plot as an SVG image: pre-score against post-score.

    The no-change diagonal, the reliable-change band (diagonal ± ``threshold``), the
    cut-off as a horizontal and a vertical line, and each person's class shown by
    colour *and* marker shape, with a legend that counts each class. ``person`` is an
    optional ``(pre, post, class)`` drawn large with a black outline. ``description``
    becomes the image's accessible text. It is plain SVG, so a page that shows it needs
    no charting script, and redrawing it after a change is cheap.
    """
    width, height, left, top, size = 920, 580, 80, 56, 440
    low, high = scale_min, scale_max
    span = (high - low) or 1.0
    pad = span * 0.03

    def sx(value: float) -> float:
        return left + (value - low + pad) / (span + 2 * pad) * size

    def sy(value: float) -> float:
        return top + size - (value - low + pad) / (span + 2 * pad) * size

    def line(x0: float, y0: float, x1: float, y1: float, colour: str, width_: float, dash: str = "") -> str:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        return f'<line x1="{sx(x0):.1f}" y1="{sy(y0):.1f}" x2="{sx(x1):.1f}" y2="{sy(y1):.1f}" stroke="{colour}" stroke-width="{width_}"{dashes}/>'

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'role="img" aria-labelledby="rw-jt-title rw-jt-desc" font-family="sans-serif" font-size="21">',
        f'<title id="rw-jt-title">{escape(title)}</title><desc id="rw-jt-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{left}" y="32" font-size="23" font-weight="600" fill="#000">{escape(title)}</text>',
        f'<clipPath id="rw-jt-plot"><rect x="{left}" y="{top}" width="{size}" height="{size}"/></clipPath>',
        f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" stroke="#000"/>',
    ]
    step = 10 if span > 30 else 5 if span > 10 else 1
    tick = math.ceil(low / step) * step
    while tick <= high:
        parts.append(line(tick, low - pad, tick, high + pad, "#e3e3e3", 1))
        parts.append(line(low - pad, tick, high + pad, tick, "#e3e3e3", 1))
        parts.append(f'<text x="{sx(tick):.1f}" y="{top + size + 24}" text-anchor="middle" fill="#000">{tick:g}</text>')
        parts.append(f'<text x="{left - 8}" y="{sy(tick) + 7:.1f}" text-anchor="end" fill="#000">{tick:g}</text>')
        tick += step
    parts.append(f'<text x="{left + size / 2}" y="{top + size + 52}" text-anchor="middle" fill="#000">Score before</text>')
    parts.append(
        f'<text x="20" y="{top + size / 2}" text-anchor="middle" fill="#000" transform="rotate(-90 20 {top + size / 2})">Score after</text>'
    )
    guides = [
        line(low, low, high, high, "#000", 1),
        line(low, low + threshold, high, high + threshold, "#000", 1, "6 4"),
        line(low, low - threshold, high, high - threshold, "#000", 1, "6 4"),
        line(low, cutoff, high, cutoff, OKABE_ITO[3], 2.5, "2 4"),
        line(cutoff, low, cutoff, high, OKABE_ITO[3], 2.5, "2 4"),
    ]
    parts.append(f'<g clip-path="url(#rw-jt-plot)">{"".join(guides)}')
    counts: dict[str, int] = {}
    for x, y, name in zip(pre, post, classes, strict=True):
        colour, shape, _label = _CLASS_STYLE.get(name, ("#000", "circle-open", name))
        counts[name] = counts.get(name, 0) + 1
        parts.append(_marker(shape, sx(x), sy(y), 9, colour))
    if person is not None:
        x, y, name = person
        colour, shape, _label = _CLASS_STYLE.get(name, ("#000", "circle-open", name))
        parts.append(_marker(shape, sx(x), sy(y), 24, colour, outline="#000"))
    parts.append("</g>")
    legend_x, legend_y = left + size + 24, top + 10
    entries = [
        (_marker(shape, legend_x + 8, 0, 12, colour), f"{label} ({counts.get(name, 0)})")
        for name, (colour, shape, label) in _CLASS_STYLE.items()
    ]
    entries += [
        ('<line x1="{0}" y1="0" x2="{1}" y2="0" stroke="#000" stroke-width="1"/>', "No change"),
        ('<line x1="{0}" y1="0" x2="{1}" y2="0" stroke="#000" stroke-width="1" stroke-dasharray="6 4"/>', f"Reliable change band (±{threshold:.1f})"),
        (f'<line x1="{{0}}" y1="0" x2="{{1}}" y2="0" stroke="{OKABE_ITO[3]}" stroke-width="2.5" stroke-dasharray="2 4"/>', f"Cut-off ({cutoff:g})"),
    ]  # fmt: skip
    if person is not None:
        colour, shape, label = _CLASS_STYLE.get(person[2], ("#000", "circle-open", person[2]))
        entries.append((_marker(shape, legend_x + 8, 0, 16, colour, outline="#000"), f"This person: {label.lower()}"))
    for index, (symbol, text) in enumerate(entries):
        y = legend_y + 34 * index
        drawn = symbol.format(legend_x, legend_x + 18) if symbol.startswith("<line") else symbol
        parts.append(f'<g transform="translate(0 {y})">{drawn}<text x="{legend_x + 26}" y="7" fill="#000">{escape(text)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def spec_output(spec: dict[str, Any], *, alt_text: str) -> dict[str, Any]:
    """An ``Output``-widget output for a plain plotly spec (see :func:`display_output`)."""
    bundle = {
        # Not "responsive": in Voila a responsive chart far down the page can be drawn into a zero-height box.
        "application/vnd.plotly.v1+json": {**spec, "config": {"displaylogo": False}},
        "text/plain": alt_text,
    }
    return {"output_type": "display_data", "data": bundle, "metadata": {}}
