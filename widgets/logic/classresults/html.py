"""The class-results board's HTML: per-question bars and tables, the summary and the skipped files (all text escaped)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from ..markup import feedback_box
from .aggregate import REFLECTION_NOTE, ClassResults, QuestionResult
from .reading import ClassBatch, SkippedFile

__all__ = ["question_html", "results_html", "skipped_html", "summary_html"]


_MAX_LISTED = 50


# ----------------------------------------------------------------------------- HTML

_RIGHT = '<span class="rw-cr-key"><span aria-hidden="true">✔</span> correct</span>'


_WRONG = '<span class="rw-cr-wrongmark"><span aria-hidden="true">✘</span> most common wrong answer</span>'


_TYPE_WORDS = {
    "single_choice": "single choice",
    "multiple_choice": "multiple choice (tick all that apply)",
    "numeric": "number",
    "categorise": "sorting task",
    "likert": "self-rating (no right answer)",
    "reflection": "reflection (private)",
}


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _bar(count: int, whole: int, correct: bool | None) -> str:
    width = 100 * count / whole if whole else 0.0
    tone = "rw-cr-right" if correct else "rw-cr-none" if correct is None else "rw-cr-other"
    bar = f'<span class="rw-cr-bar {tone}" style="width:{width:.1f}%"></span>' if count else ""
    return (
        f'<span class="rw-cr-bararea" aria-hidden="true">{bar}</span> '
        f'<span class="rw-cr-count">{count} <span class="rw-cr-pct">({_percent(count, whole)})</span></span>'
    )


def _bars_table(result: QuestionResult, caption: str) -> str:
    whole = result.graded
    marked = result.common_wrong is not None and result.type in {"single_choice", "numeric"}
    wrong_label = result.common_wrong.label if marked and result.common_wrong else None
    rows = []
    for tally in result.tallies:
        marks = _RIGHT if tally.correct else (_WRONG if tally.label == wrong_label else "")
        rows.append(
            f'<tr><th scope="row">{escape(tally.label)} {marks}</th><td>{_bar(tally.count, whole, tally.correct)}</td></tr>'
        )
    return (
        f'<table class="rw-cr-spread"><caption>{escape(caption)}</caption><thead><tr><th scope="col">Answer</th>'
        f'<th scope="col">Files (of {whole} that fit the question)</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _matrix_table(result: QuestionResult, caption: str, *, first: str) -> str:
    head = "".join(f'<th scope="col">{escape(column)}</th>' for column in result.columns)
    extra = '<th scope="col">Right</th>' if result.type == "categorise" else '<th scope="col">Mean</th>'
    body = []
    for row in result.rows:
        cells = []
        for tally in row.cells:
            share = f'<br><span class="rw-cr-pct">{_percent(tally.count, row.answered)}</span>' if tally.count else ""
            if tally.correct:
                cells.append(f'<td class="rw-cr-keycell"><strong>{tally.count}</strong>{share}<br>{_RIGHT}</td>')
            else:
                cells.append(f"<td>{tally.count}{share}</td>")
        if result.type == "categorise":
            summary = f'{row.right}<br><span class="rw-cr-pct">of {row.answered}</span>' if row.answered else "–"
        else:
            summary = f'{row.mean:.2f}<br><span class="rw-cr-pct">n = {row.answered}</span>' if row.mean is not None else "–"
        body.append(f'<tr><th scope="row">{escape(row.label)}</th>{"".join(cells)}<td>{summary}</td></tr>')
    return (
        f'<div class="rw-cr-scroll" role="region" tabindex="0" aria-label="{escape(caption)}">'
        f'<table class="rw-cr-matrix"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(first)}</th>{head}{extra}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
    )


def question_html(result: QuestionResult) -> str:
    """One question's panel: prompt, completion, share correct, most common wrong answer and the spread."""
    anchor = "rw-cr-" + re.sub(r"[^A-Za-z0-9]", "-", result.question_id)
    kind = _TYPE_WORDS.get(result.type, result.type)
    parts = [
        (
            f'<section class="rw-cr-question" aria-labelledby="{anchor}"><h3 id="{anchor}">'
            f'{escape(result.question_id)} <span class="rw-cr-type">· {escape(kind)}</span></h3>'
            f'<p class="rw-cr-prompt">{escape(result.prompt)}</p>'
        ),
        (
            f'<p class="rw-cr-stats">Answered by <strong>{result.answered} of {result.files}</strong> '
            f"file{'s' if result.files != 1 else ''} ({_percent(result.answered, result.files)})."
        ),
    ]
    if result.share_correct is not None:
        parts.append(
            f' <strong><span aria-hidden="true">✔</span> {result.correct} of {result.graded} correct</strong> '
            f"({_percent(result.correct or 0, result.graded)})."
        )
    if result.key:
        parts.append(f' Answer key: {escape(result.key)}.')
    parts.append("</p>")
    if result.unfit:
        parts.append(
            f'<p class="rw-cr-note">{result.unfit} answer{"s do" if result.unfit != 1 else " does"} not fit this '
            "exercise as it is now (it was changed since they were saved) and "
            f"{'are' if result.unfit != 1 else 'is'} not counted below.</p>"
        )
    if result.common_wrong is not None:
        parts.append(
            f'<p class="rw-cr-wrong"><span aria-hidden="true">✘</span> Most common wrong answer: '
            f"<strong>{escape(result.common_wrong.label)}</strong> "
            f"({result.common_wrong.count} file{'s' if result.common_wrong.count != 1 else ''}).</p>"
        )
    elif result.correct is not None and result.graded:
        parts.append('<p class="rw-cr-wrong">No wrong answers.</p>')
    if result.type == "reflection":
        parts.append(f'<p class="rw-cr-note">{escape(REFLECTION_NOTE)}</p>')
    elif not result.graded:
        parts.append('<p class="rw-cr-note">No answers to show yet.</p>')
    elif result.type == "single_choice":
        parts.append(_bars_table(result, f"{result.question_id}: files choosing each option"))
    elif result.type == "multiple_choice":
        parts.append(_bars_table(result, f"{result.question_id}: files ticking each option (✔ correct = should be ticked)"))
    elif result.type == "numeric":
        parts.append(_bars_table(result, f"{result.question_id}: the values given, most common first"))
    elif result.type == "categorise":
        parts.append(_matrix_table(result, f"{result.question_id}: where each statement was sorted", first="Statement"))
    elif result.type == "likert":
        parts.append(_matrix_table(result, f"{result.question_id}: ratings per item", first="Item"))
    parts.append("</section>")
    return "".join(parts)


_LEGEND = (
    '<p class="rw-cr-legend"><span aria-hidden="true">✔</span> <strong>correct</strong> marks the answer key '
    '(<span class="rw-cr-swatch rw-cr-right" aria-hidden="true"></span> blue bars); other answers have '
    '<span class="rw-cr-swatch rw-cr-other" aria-hidden="true"></span> orange-red bars, and '
    '<span aria-hidden="true">✘</span> marks the most common wrong answer. Percentages are of the files that '
    "answered.</p>"
)


def results_html(results: ClassResults, chapter: str | None = None) -> str:
    """The results of one chapter (or of all, if ``chapter`` is ``None``), with unknown questions reported."""
    if not results.files:
        return ""
    numbers = [number for number, _title in results.chapters if chapter is None or number == chapter]
    titles = dict(results.chapters)
    sections = []
    for number in numbers:
        questions = results.chapter(number)
        body = "".join(question_html(q) for q in questions) or "<p>This chapter has no questions.</p>"
        sections.append(f"<h2>Chapter {escape(number)} · {escape(titles[number])}</h2>{body}")
    unknown = ""
    if results.unknown:
        listed = "; ".join(f"{escape(question_id)} ({count} file{'s' if count != 1 else ''})" for question_id, count in results.unknown)
        unknown = feedback_box(
            "warning",
            f"<p>Some files answer questions the workbook no longer has, so those answers are not shown: {listed}. "
            "The files may come from another version of the workbook.</p>",
            title="Questions not in the workbook",
        )
    return _LEGEND + "".join(sections) + unknown


def summary_html(batch: ClassBatch, results: ClassResults | None = None, *, synthetic: bool = False) -> str:
    """The line at the top: files read and skipped, and answers counted."""
    read, skipped = len(batch.files), len(batch.skipped)
    if not read and not skipped:
        return feedback_box(
            "info",
            "<p>No answers files on the board yet. Add the <code>.md</code> or <code>.html</code> files your students "
            "exported (you can choose many at once), or show the synthetic example class.</p>",
            title="Class results",
        )
    total = read + skipped
    what = f"{'synthetic ' if synthetic else ''}file{'' if total == 1 else 's'}"
    answers = results.answers if results is not None else batch.answers
    body = (
        f"<p><strong>{total:,} {what} read: {read:,} on the board, {skipped:,} skipped.</strong> "
        f"{answers:,} answer{'' if answers == 1 else 's'} counted (each file's latest answer to each question).</p>"
    )
    if not read:
        return feedback_box("error", body + "<p>None of the files could be used; the reasons are below.</p>", title="Class results")
    return feedback_box("warning" if skipped else "info", body, title="Class results")


def skipped_html(skipped: Sequence[SkippedFile]) -> str:
    """The files left off the board, each with its (escaped) name and reason; the first 50 listed."""
    if not skipped:
        return ""
    items = "".join(f"<li><strong>{escape(s.name)}</strong>: {escape(s.reason)}</li>" for s in skipped[:_MAX_LISTED])
    more = f"<p>… and {len(skipped) - _MAX_LISTED} more.</p>" if len(skipped) > _MAX_LISTED else ""
    return feedback_box("warning", f"<ul>{items}</ul>{more}", title=f"Files skipped ({len(skipped)})")
