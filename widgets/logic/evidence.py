"""HTML bars for an evidence figure (no plotly): values, patterns as well as colour, and the gaps."""

from __future__ import annotations

from ..content.evidence import Figure
from . import charts
from .markup import escape

__all__ = ["bars_html", "gaps_html"]


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
