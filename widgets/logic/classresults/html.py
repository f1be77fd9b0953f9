"""The class-results board's HTML: per-question bars and tables, the summary and the skipped files (all text escaped)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from ..kinds import KINDS, QuestionResult
from ..kinds.board import percent
from ..markup import feedback_box
from .aggregate import ClassResults
from .reading import ClassBatch, SkippedFile

__all__ = ["question_html", "results_html", "skipped_html", "summary_html"]


_MAX_LISTED = 50


# ----------------------------------------------------------------------------- HTML

def question_html(result: QuestionResult) -> str:
    """One question's panel: prompt, completion, share correct, most common wrong answer and the spread."""
    anchor = "rw-cr-" + re.sub(r"[^A-Za-z0-9]", "-", result.question_id)
    question_kind = KINDS.get(result.type)
    kind = question_kind.words if question_kind else result.type
    parts = [
        (
            f'<section class="rw-cr-question" aria-labelledby="{anchor}"><h3 id="{anchor}">'
            f'{escape(result.question_id)} <span class="rw-cr-type">· {escape(kind)}</span></h3>'
            f'<p class="rw-cr-prompt">{escape(result.prompt)}</p>'
        ),
        (
            f'<p class="rw-cr-stats">Answered by <strong>{result.answered} of {result.files}</strong> '
            f"file{'s' if result.files != 1 else ''} ({percent(result.answered, result.files)})."
        ),
    ]
    if result.share_correct is not None:
        parts.append(
            f' <strong><span aria-hidden="true">✔</span> {result.correct} of {result.graded} correct</strong> '
            f"({percent(result.correct or 0, result.graded)})."
        )
    if result.first_try_known and result.first_try_correct is not None:
        known = result.first_try_known
        of_whom = "" if known == result.graded else f" file{' that says' if known == 1 else 's that say'}"
        parts.append(
            f" Right at the first try: <strong>{result.first_try_correct} of {known}</strong>{of_whom} "
            f"({percent(result.first_try_correct, known)})."
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
    if result.common_wrong is not None and result.wrong_tied:
        each = result.common_wrong.count
        parts.append(
            f'<p class="rw-cr-wrong"><span aria-hidden="true">✘</span> Wrong answers tied: {result.wrong_tied + 1} different '
            f"wrong answers were each given by {each} file{'s' if each != 1 else ''}, so none is the most common.</p>"
        )
    elif result.common_wrong is not None:
        parts.append(
            f'<p class="rw-cr-wrong"><span aria-hidden="true">✘</span> Most common wrong answer: '
            f"<strong>{escape(result.common_wrong.label)}</strong> "
            f"({result.common_wrong.count} file{'s' if result.common_wrong.count != 1 else ''}).</p>"
        )
    elif result.correct is not None and result.graded:
        parts.append('<p class="rw-cr-wrong">No wrong answers.</p>')
    if question_kind is not None and question_kind.private:
        parts.append(question_kind.board_html(result))
    elif not result.graded:
        parts.append('<p class="rw-cr-note">No answers to show yet.</p>')
    elif question_kind is not None:
        parts.append(question_kind.board_html(result))
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
