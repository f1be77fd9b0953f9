"""The measures catalogue as pure functions: filtering it and one measure's details as HTML (all text escaped)."""

from __future__ import annotations

from ...content.measures import (
    CONSTRUCTS,
    PERSPECTIVES,
    Construct,
    Length,
    Measure,
    Perspective,
)
from ..markup import escape

__all__ = ["measure_details_html"]


def measure_details_html(measure: Measure) -> str:
    """The facts of one measure as a captioned table, every value escaped.

    A bound the sources do not give is shown as a dash, as chapter 06 tells students to expect.
    """

    def score_range() -> str:
        if measure.score_min is None or measure.score_max is None:
            return "—"
        return f"{measure.score_min:g} to {measure.score_max:g}"

    rows = [
        ("Construct", CONSTRUCTS[measure.construct]),
        ("Developers", measure.developers_year),
        ("Items", measure.items),
        ("Response scale", measure.response_scale),
        ("Score range", score_range()),
        ("Subscales", measure.subscales),
        ("Notes", measure.notes),
        ("Reliability and validity", measure.reliability_note),
        ("Perspective", PERSPECTIVES[measure.perspective]),
        ("Licence", measure.licence),
        ("Source", measure.source),
    ]
    table = "".join(f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in rows)
    return (
        f'<div class="rw-measure"><h4>{escape(measure.abbreviation)}: {escape(measure.name)}</h4>'
        f'<table class="rw-facts"><caption>Facts about {escape(measure.abbreviation)}</caption>{table}</table>'
        "</div>"
    )


def filter_measures(
    measures: tuple[Measure, ...],
    *,
    construct: Construct | None = None,
    length: Length | None = None,
    perspective: Perspective | None = None,
) -> tuple[Measure, ...]:
    """The measures matching every filter given (``None`` means any)."""
    return tuple(
        measure
        for measure in measures
        if (construct is None or measure.construct == construct)
        and (length is None or measure.length == length)
        and (perspective is None or measure.perspective == perspective)
    )
