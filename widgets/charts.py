"""Charts: plotly figures built from results, with a colour-blind-safe palette.

Colours follow Okabe & Ito's palette; every bar carries its value as text, so a
chart never relies on colour alone. Figures are returned, not shown: the views
put them into an ``Output`` widget as a plotly MIME bundle (:func:`display_output`),
which is safe while Voilà executes the notebook (no ``with out:``) and is drawn by
the plotly renderer that JupyterLab and Voilà already have.
"""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go

from .content import LikertScale
from .grading import LikertResult

__all__ = ["OKABE_ITO", "display_output", "likert_chart"]

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


def display_output(figure: go.Figure, *, alt_text: str) -> dict[str, Any]:
    """An ``Output``-widget output holding ``figure``, with ``alt_text`` as its plain-text form.

    ``IPython``'s formatter cannot be used here: plotly figures display themselves
    through ``_ipython_display_``, which would write into the running cell instead.
    """
    spec = json.loads(figure.to_json())
    bundle = {
        "application/vnd.plotly.v1+json": {
            "data": spec["data"],
            "layout": spec["layout"],
            "config": {"displaylogo": False, "responsive": True},
        },
        "text/plain": alt_text,
    }
    return {"output_type": "display_data", "data": bundle, "metadata": {}}
