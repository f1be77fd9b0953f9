"""Graduated feedback for numeric and sorting questions, as safe HTML (pure; the views only show it).

A first wrong try explains the method (numeric) or marks what is not right yet
(sorting) without giving the answer: a numeric message never holds the number,
a sorting message never names the category a wrongly sorted statement belongs
in (its per-statement feedback often does, so it waits too). The answer comes
after a second wrong try or once the learner has asked for the worked solution
(:func:`widgets.logic.attempts.reveals_answer`).
"""

from __future__ import annotations

from ..content.exercises import CategoriseQuestion, NumericQuestion
from .attempts import REVEAL_AFTER, reveals_answer
from .grading import CategoriseResult, NumericResult
from .markup import Verdict, escape, feedback_box, markdown

__all__ = ["categorise_feedback", "numeric_answer_text", "numeric_feedback"]

def _later(what: str, has_solution: bool) -> str:
    """``"The answer is shown after a second wrong try, or with “Show worked solution”."``"""
    after = "a second wrong try" if REVEAL_AFTER == 2 else f"{REVEAL_AFTER} wrong tries"
    button = ", or with \u201cShow worked solution\u201d" if has_solution else ""
    return f"{what} shown after {after}{button}."


def numeric_answer_text(question: NumericQuestion) -> str:
    """The key as a student reads it: ``"5.15 points"``, ``"26.5%"`` (to the stated decimals)."""
    shown = f"{question.answer:g}" if question.decimals is None else f"{question.answer:.{question.decimals}f}"
    if not question.unit:
        return shown
    return f"{shown}{question.unit}" if question.unit == "%" else f"{shown} {question.unit}"


def numeric_feedback(question: NumericQuestion, result: NumericResult, *, wrong_tries: int, solution_shown: bool = False) -> str:
    """The feedback box for a graded numeric answer; ``wrong_tries`` counts this answer if it is wrong."""
    if result.correct:
        return feedback_box("correct", markdown(question.feedback_correct))
    body = markdown(question.feedback_incorrect)
    if reveals_answer(wrong_tries, solution_shown=solution_shown):
        body += f"<p><strong>The answer:</strong> {escape(numeric_answer_text(question))}.</p>"
    else:
        body += f"<p>Try again. {escape(_later('The answer is', bool(question.solution)))}</p>"
    return feedback_box("incorrect", body)


def categorise_feedback(
    question: CategoriseQuestion, result: CategoriseResult, *, wrong_tries: int, solution_shown: bool = False
) -> str:
    """The feedback box for a graded sorting; ``wrong_tries`` counts this sorting if it is not all right."""
    reveal = result.correct or reveals_answer(wrong_tries, solution_shown=solution_shown)
    labels = {category.id: category.label for category in question.categories}
    belongs = {statement.id: labels[statement.category] for statement in question.statements}
    rows = []
    for item in result.statements:
        if item.correct:
            mark, detail = "✔ right", "<br>" + markdown(item.feedback)
        else:
            mark = "– not sorted" if item.chosen_label is None else "✘ not right"
            if reveal:
                detail = f"<br>It belongs in: {escape(belongs[item.statement_id])}.<br>{markdown(item.feedback)}"
            elif item.chosen_label is not None:
                detail = "<br>Not this category: think again about what the statement is mainly about."
            else:
                detail = ""
        chosen = "" if item.chosen_label is None else " → " + escape(item.chosen_label)
        rows.append(f"<li><strong>{mark}:</strong> {escape(item.text)}{chosen}{detail}</li>")
    later = "" if reveal else f"<p>{escape(_later('Where each statement belongs is', bool(question.solution)))}</p>"
    verdict: Verdict = "correct" if result.correct else ("partly" if result.score else "incorrect")
    body = f"<p>Score: {result.score} of {result.total}.</p><ul>{''.join(rows)}</ul>{later}"
    return feedback_box(verdict, body, title=f"{result.score} of {result.total} sorted correctly.")
