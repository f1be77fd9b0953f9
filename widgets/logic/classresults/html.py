"""The class-results board's HTML: per-question bars and tables, the summary and the skipped files (all text escaped)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from html import escape

from ..kinds import KINDS, QuestionResult, RowsResult, TalliesResult, Tally
from ..kinds.board import bars_table, matrix_table, percent
from ..kinds.numeric import TOP_VALUES
from ..markup import feedback_box
from .aggregate import ClassResults
from .reading import SKIP_REASONS, ClassBatch, SkippedFile

__all__ = [
    "question_html",
    "results_html",
    "skipped_details_html",
    "skipped_html",
    "skipped_summary_html",
    "summary_html",
    "without_key",
]


_MAX_LISTED = 50


# ----------------------------------------------------------------------------- the answer key, hidden


def without_key(result: QuestionResult) -> QuestionResult:
    """``result`` with nothing that gives the answer key away: no key, no right or wrong marks, no counts correct.

    The spread stays (how many files gave each answer). A numeric question's values past the
    first :data:`~widgets.logic.kinds.numeric.TOP_VALUES` are grouped into one row, as its two groups
    ("within the tolerance" and not) would tell which values are right.
    """
    hidden = replace(
        result, key=None, correct=None, common_wrong=None, wrong_tied=0, first_try_correct=None, first_try_known=0
    )
    if isinstance(hidden, TalliesResult):
        tallies = [replace(t, correct=None) for t in hidden.tallies]
        if hidden.type == "numeric" and len(tallies) > TOP_VALUES:
            rest = tallies[TOP_VALUES:]
            values = sum(int(match.group(1)) for t in rest if (match := re.match(r"(\d+) other values", t.label)))
            tallies = [*tallies[:TOP_VALUES], Tally(f"{values} other values", sum(t.count for t in rest), None)]
        hidden = replace(hidden, tallies=tuple(tallies))
    if isinstance(hidden, RowsResult):
        rows = tuple(
            replace(row, right=None, cells=tuple(replace(cell, correct=None) for cell in row.cells)) for row in hidden.rows
        )
        hidden = replace(hidden, rows=rows)
    return hidden


def _spread_html(result: QuestionResult, *, key_shown: bool) -> str:
    question_kind = KINDS.get(result.type)
    if question_kind is None:
        return ""
    if not key_shown and isinstance(result, TalliesResult) and result.type == "multiple_choice":
        # The tick-all panel's caption explains its key marks; hidden, there are none.
        return bars_table(result, f"{result.question_id}: files ticking each option", mark_wrong=False)
    if not key_shown and isinstance(result, RowsResult) and result.type == "categorise":
        # The sorting panel's last column counts statements sorted right; hidden, it counts those sorted.
        caption = f"{result.question_id}: where each statement was sorted"
        return matrix_table(result, caption, first="Statement", last="Sorted", summary=lambda row: str(row.answered))
    return question_kind.board_html(result)


# ----------------------------------------------------------------------------- HTML

def question_html(result: QuestionResult, *, key_shown: bool = True) -> str:
    """One question's panel: prompt, completion, share correct, most common wrong answer and the spread.

    With ``key_shown=False`` the panel gives nothing of the key away (:func:`without_key`).
    """
    if not key_shown:
        result = without_key(result)
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
            "exercise as it is now (an option it does not have, a rating off its scale, a number with more decimal "
            "places than it takes, or an answer of another kind: the exercise may have changed since, or the file "
            f"was edited) and {'are' if result.unfit != 1 else 'is'} left out below.</p>"
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
    else:
        parts.append(_spread_html(result, key_shown=key_shown))
    parts.append("</section>")
    return "".join(parts)


_LEGEND = (
    '<p class="rw-cr-legend"><span aria-hidden="true">✔</span> <strong>correct</strong> marks the answer key '
    '(<span class="rw-cr-swatch rw-cr-right" aria-hidden="true"></span> blue bars); other answers have '
    '<span class="rw-cr-swatch rw-cr-other" aria-hidden="true"></span> orange-red bars, and '
    '<span aria-hidden="true">✘</span> marks the most common wrong answer. Percentages are of the files that '
    "answered.</p>"
)


_LEGEND_HIDDEN = (
    '<p class="rw-cr-legend"><strong>The answer key is hidden</strong> until you press \u201cShow the answer '
    'key\u201d: the bars show how many files gave each answer, all in one colour '
    '(<span class="rw-cr-swatch rw-cr-none" aria-hidden="true"></span> grey), with no answer marked right or wrong. '
    "Percentages are of the files that answered.</p>"
)


def results_html(results: ClassResults, chapter: str | None = None, *, key_shown: bool = True) -> str:
    """The results of one chapter (or of all, if ``chapter`` is ``None``), with unknown questions reported.

    ``key_shown=False`` leaves out everything that gives the answer key away (for a projector, until revealed).
    """
    if not results.files:
        return ""
    numbers = [number for number, _title in results.chapters if chapter is None or number == chapter]
    titles = dict(results.chapters)
    sections = []
    for number in numbers:
        questions = results.chapter(number)
        body = "".join(question_html(q, key_shown=key_shown) for q in questions) or "<p>This chapter has no questions.</p>"
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
    return (_LEGEND if key_shown else _LEGEND_HIDDEN) + "".join(sections) + unknown


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
    unfit = sum(q.unfit for q in results.questions) if results is not None else 0
    left_out = []
    if unfit:
        left_out.append(f"{unfit:,} do{'es' if unfit == 1 else ''} not fit {'its' if unfit == 1 else 'their'} question")
    if batch.future:
        left_out.append(f"{batch.future:,} {'is' if batch.future == 1 else 'are'} dated in the future")
    if left_out:
        total_out = unfit + batch.future
        where = "; each question below says how many of its own" if unfit else ""
        body += f"<p>{total_out:,} answer{'' if total_out == 1 else 's'} left out: {' and '.join(left_out)}{where}.</p>"
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


def skipped_summary_html(skipped: Sequence[SkippedFile]) -> str:
    """For the projected screen: how many files were skipped, grouped by a plain reason, with no file name."""
    if not skipped:
        return ""
    counts = Counter(s.category for s in skipped)
    order = list(SKIP_REASONS)
    items = "".join(
        f"<li>{count} file{'' if count == 1 else 's'}: {escape(SKIP_REASONS.get(category, SKIP_REASONS['unreadable']))}</li>"
        for category, count in sorted(counts.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    )
    return feedback_box(
        "info",
        f"<ul>{items}</ul><p>Which files these are is under \u201cDetails for the lecturer\u201d.</p>",
        title=f"{len(skipped)} file{'' if len(skipped) == 1 else 's'} not on the board",
    )


def skipped_details_html(skipped: Sequence[SkippedFile]) -> str:
    """For the lecturer only: a closed ``<details>`` naming each skipped file with the full reason (first 50)."""
    if not skipped:
        return ""
    items = "".join(f"<li><strong>{escape(s.name)}</strong>: {escape(s.reason)}</li>" for s in skipped[:_MAX_LISTED])
    more = f"<p>… and {len(skipped) - _MAX_LISTED} more.</p>" if len(skipped) > _MAX_LISTED else ""
    return (
        '<details class="rw-cr-details"><summary>Details for the lecturer: which files were not read, and why '
        f"({len(skipped)})</summary><ul>{items}</ul>{more}</details>"
    )
