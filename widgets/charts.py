"""Charts: plotly figures built from results, with a colour-blind-safe palette.

Colours follow Okabe & Ito's palette; every bar carries its value as text, so a
chart never relies on colour alone. Figures are returned, not shown: the views
put them into an ``Output`` widget as a plotly MIME bundle (:func:`display_output`),
which is safe while Voilà executes the notebook (no ``with out:``) and is drawn by
the plotly renderer that JupyterLab and Voilà already have.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from .content import LikertScale
from .grading import LikertResult

__all__ = ["OKABE_ITO", "display_output", "jacobson_truax_spec", "likert_chart", "likert_radar", "spec_output"]

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
    # class: (colour, marker symbol, legend label); colour and shape both carry the class
    "recovered": (OKABE_ITO[2], "star", "Recovered"),
    "improved": (OKABE_ITO[0], "triangle-up", "Improved"),
    "unchanged": ("#6b6b6b", "circle-open", "Unchanged"),
    "deteriorated": (OKABE_ITO[5], "triangle-down", "Deteriorated"),
}


def jacobson_truax_spec(
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
) -> dict[str, Any]:
    """A Jacobson-Truax plot as a plain plotly spec (no ``go.Figure`` validation: redraws stay fast).

    Pre-score against post-score; the no-change diagonal; the reliable-change band
    (diagonal ± ``threshold``); the cut-off as a horizontal and a vertical line; each
    person's class shown by colour *and* marker shape. ``person`` is an optional
    ``(pre, post, class)`` drawn as a large outlined marker.
    """
    low, high = scale_min, scale_max
    data: list[dict[str, Any]] = []
    for name, (colour, symbol, label) in _CLASS_STYLE.items():
        xs = [x for x, c in zip(pre, classes, strict=True) if c == name]
        ys = [y for y, c in zip(post, classes, strict=True) if c == name]
        data.append(
            {
                "type": "scatter", "mode": "markers", "x": xs, "y": ys, "name": f"{label} ({len(xs)})",
                "marker": {"color": colour, "symbol": symbol, "size": 8, "line": {"width": 1, "color": colour}},
                "hovertemplate": f"{label}<br>before %{{x}}<br>after %{{y}}<extra></extra>",
            }
        )  # fmt: skip
    line = {"type": "scatter", "mode": "lines", "hoverinfo": "skip"}
    data.append({**line, "x": [low, high], "y": [low, high], "name": "No change", "line": {"color": "#000", "width": 1}})
    band = {"color": "#000", "width": 1, "dash": "dash"}
    data.append(
        {**line, "x": [low, high], "y": [low + threshold, high + threshold], "name": f"Reliable change band (±{threshold:.1f})", "line": band}
    )
    data.append({**line, "x": [low, high], "y": [low - threshold, high - threshold], "showlegend": False, "line": band})
    cut = {"color": OKABE_ITO[3], "width": 2, "dash": "dot"}
    data.append({**line, "x": [low, high], "y": [cutoff, cutoff], "name": f"Cut-off ({cutoff:g})", "line": cut})
    data.append({**line, "x": [cutoff, cutoff], "y": [low, high], "showlegend": False, "line": cut})
    if person is not None:
        x, y, name = person
        colour, symbol, label = _CLASS_STYLE.get(name, ("#000", "circle", name))
        data.append(
            {
                "type": "scatter", "mode": "markers", "x": [x], "y": [y], "name": f"This person: {label.lower()}",
                "marker": {"color": colour, "symbol": symbol, "size": 20, "line": {"width": 3, "color": "#000"}},
            }
        )  # fmt: skip
    pad = (high - low) * 0.03
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": "Score before"}, "range": [low - pad, high + pad], "constrain": "domain"},
        "yaxis": {"title": {"text": "Score after"}, "range": [low - pad, high + pad], "scaleanchor": "x"},
        "height": 560,
        "font": {"size": 15},
        "legend": {"orientation": "v", "x": 1.02, "y": 1},
        "margin": {"l": 60, "r": 10, "t": 60, "b": 60},
        "template": {"layout": {"plot_bgcolor": "white", "paper_bgcolor": "white"}},
    }
    return {"data": data, "layout": layout}


def spec_output(spec: dict[str, Any], *, alt_text: str) -> dict[str, Any]:
    """An ``Output``-widget output for a plain plotly spec (see :func:`display_output`)."""
    bundle = {
        # Not "responsive": in Voila a responsive chart far down the page can be drawn into a zero-height box.
        "application/vnd.plotly.v1+json": {**spec, "config": {"displaylogo": False}},
        "text/plain": alt_text,
    }
    return {"output_type": "display_data", "data": bundle, "metadata": {}}
