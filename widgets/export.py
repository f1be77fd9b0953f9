"""Export a learner's saved answers as a Markdown document (pure; no widgets).

The export carries no learner id unless asked for. Answers are written as the
student gave them; the Markdown is a file for the student, never rendered as
HTML by the workbook.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from .content import CategoriseQuestion, ExerciseFile, LikertQuestion, Question
from .store import SavedAnswer

__all__ = ["EXPORT_SCHEMA_VERSION", "answers_to_markdown", "question_sort_key"]

EXPORT_SCHEMA_VERSION = 1


_ACTIVITIES = {"vignette": "Case vignette", "language_lab": "Language lab"}
"""Saved activities that are not questions in an exercise file, by their kind."""


def question_sort_key(question_id: str) -> tuple[int, ...]:
    """Sort ``"01.10"`` after ``"01.9"``."""
    return tuple(int(part) for part in re.findall(r"\d+", question_id))


def _format_answer(question: Question | None, answer: Any) -> list[str]:
    if isinstance(answer, dict) and "path" in answer:
        steps = answer.get("path") or []
        state = "finished" if answer.get("finished") else "not finished"
        return [f"Case vignette: {len(steps)} choice{'s' if len(steps) != 1 else ''} made ({state})."]
    if isinstance(answer, dict) and "rewrites" in answer:
        return [f"- {sentence_id}: {text}" for sentence_id, text in dict(answer["rewrites"]).items()]
    if isinstance(answer, dict) and "text" in answer:
        return [f"> {line}" if line else ">" for line in str(answer["text"]).splitlines()]
    if isinstance(answer, dict) and "chosen" in answer:
        return [f"- {choice}" for choice in answer["chosen"]]
    if isinstance(answer, dict) and "value" in answer:
        return [f"{answer['value']:g}"]
    if isinstance(question, CategoriseQuestion) and isinstance(answer, dict):
        labels = {category.id: category.label for category in question.categories}
        texts = {statement.id: statement.text for statement in question.statements}
        return [
            f"- {texts.get(sid, sid)} → {labels.get(cid, 'not sorted') if cid else 'not sorted'}"
            for sid, cid in answer.get("placements", {}).items()
        ]
    if isinstance(question, LikertQuestion) and isinstance(answer, dict):
        texts = {item.id: item.text for item in question.items}
        return [f"- {texts.get(iid, iid)}: {value}" for iid, value in answer.get("ratings", {}).items()]
    return [f"`{answer!r}`"]


def answers_to_markdown(
    answers: Iterable[SavedAnswer],
    chapters: Mapping[str, ExerciseFile],
    *,
    learner_id: str | None = None,
    now: datetime | None = None,
) -> str:
    """A readable Markdown record of the latest answers, grouped by chapter.

    Parameters
    ----------
    answers
        The answers to export (normally ``AnswerStore.all_latest()``).
    chapters
        Exercise files by chapter number (``"01"``), used for titles and prompts.
    learner_id
        Included only when given.
    """
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# My answers: Recovery-Oriented Practice Workbook",
        "",
        f"<!-- recovery-workbook export, schema version {EXPORT_SCHEMA_VERSION} -->",
        f"Exported {stamp}.",
    ]
    if learner_id:
        lines.append(f"Pseudonymous learner id: `{learner_id}`.")
    by_chapter: dict[str, list[SavedAnswer]] = {}
    for saved in sorted(answers, key=lambda a: question_sort_key(a.question_id)):
        by_chapter.setdefault(saved.question_id.split(".")[0], []).append(saved)
    if not by_chapter:
        lines += ["", "No answers saved yet."]
    for chapter, saved_answers in by_chapter.items():
        exercise_file = chapters.get(chapter)
        lines += ["", f"## {chapter} · {exercise_file.title if exercise_file else 'Chapter ' + chapter}"]
        for saved in saved_answers:
            question = None
            if exercise_file is not None:
                question = next((q for q in exercise_file.questions if q.id == saved.question_id), None)
            if question is not None:
                prompt = " ".join(question.prompt.split())
            elif saved.kind in _ACTIVITIES:
                prompt = f"{_ACTIVITIES[saved.kind]} ({saved.question_id.split('.', 2)[-1]})"
            else:
                prompt = "(exercise no longer in the workbook)"
            lines += ["", f"### {saved.question_id}: {prompt}", "", f"*Saved {saved.saved_at[:16].replace('T', ' ')} UTC*", ""]
            lines += _format_answer(question, saved.answer)
    return "\n".join(lines) + "\n"
