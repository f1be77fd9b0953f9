"""HTML pieces the kinds' board panels share: bars of counts and tables of spreads (all text escaped)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from .base import RowsResult, TalliesResult, TallyRow

__all__ = ["RIGHT", "WRONG", "bars_table", "matrix_table", "percent"]

RIGHT = '<span class="rw-cr-key"><span aria-hidden="true">✔</span> correct</span>'
WRONG = '<span class="rw-cr-wrongmark"><span aria-hidden="true">✘</span> most common wrong answer</span>'


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _bar(count: int, whole: int, correct: bool | None) -> str:
    width = 100 * count / whole if whole else 0.0
    tone = "rw-cr-right" if correct else "rw-cr-none" if correct is None else "rw-cr-other"
    bar = f'<span class="rw-cr-bar {tone}" style="width:{width:.1f}%"></span>' if count else ""
    return (
        f'<span class="rw-cr-bararea" aria-hidden="true">{bar}</span> '
        f'<span class="rw-cr-count">{count} <span class="rw-cr-pct">({percent(count, whole)})</span></span>'
    )


def bars_table(result: TalliesResult, caption: str, *, mark_wrong: bool) -> str:
    """One bar per option or value; ``mark_wrong`` marks the most common wrong answer among them."""
    whole = result.graded
    wrong_label = result.common_wrong.label if mark_wrong and result.common_wrong and not result.wrong_tied else None
    rows = []
    for tally in result.tallies:
        marks = RIGHT if tally.correct else (WRONG if tally.label == wrong_label else "")
        rows.append(
            f'<tr><th scope="row">{escape(tally.label)} {marks}</th><td>{_bar(tally.count, whole, tally.correct)}</td></tr>'
        )
    return (
        f'<table class="rw-cr-spread"><caption>{escape(caption)}</caption><thead><tr><th scope="col">Answer</th>'
        f'<th scope="col">Files (of {whole} that fit the question)</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def matrix_table(
    result: RowsResult, caption: str, *, first: str, last: str, summary: Callable[[TallyRow], str]
) -> str:
    """One row per statement or item, one column per category or rating, and a last ``summary`` column."""
    head = "".join(f'<th scope="col">{escape(column)}</th>' for column in result.columns)
    body = []
    for row in result.rows:
        cells = []
        for tally in row.cells:
            share = f'<br><span class="rw-cr-pct">{percent(tally.count, row.answered)}</span>' if tally.count else ""
            if tally.correct:
                cells.append(f'<td class="rw-cr-keycell"><strong>{tally.count}</strong>{share}<br>{RIGHT}</td>')
            else:
                cells.append(f"<td>{tally.count}{share}</td>")
        body.append(f'<tr><th scope="row">{escape(row.label)}</th>{"".join(cells)}<td>{summary(row)}</td></tr>')
    return (
        f'<div class="rw-cr-scroll" role="region" tabindex="0" aria-label="{escape(caption)}">'
        f'<table class="rw-cr-matrix"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(first)}</th>{head}<th scope="col">{escape(last)}</th></tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table></div>'
    )
