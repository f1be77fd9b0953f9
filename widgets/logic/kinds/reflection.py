"""Reflections: free text, never graded, never read by the class board."""

from __future__ import annotations

from html import escape
from typing import Any

from ...content.exercises import ReflectionQuestion
from .base import AnswerForm, BoardTally, QuestionKind, QuestionResult

__all__ = ["REFLECTION_NOTE", "ReflectionKind"]

REFLECTION_NOTE = (
    "Reflections are private: the board counts who wrote one and never reads or shows what was written. "
    "Class answers files leave reflections out, so only files such as reflective logs count here."
)


class ReflectionKind(QuestionKind[ReflectionQuestion, None]):
    """Free text; the board only counts who wrote one."""

    type = "reflection"
    words = "reflection (private)"
    private = True
    in_class_file = False

    def parse(self, question: ReflectionQuestion, payload: Any) -> None:
        return None  # the board never reads what was written

    def tally(self, question: ReflectionQuestion, files: int) -> BoardTally[ReflectionQuestion, None]:
        return BoardTally(question, files)

    def log_lines(self, question: ReflectionQuestion, payload: Any) -> tuple[AnswerForm, list[str]]:
        return "quote", str(payload["text"]).splitlines()

    def board_html(self, result: QuestionResult) -> str:
        return f'<p class="rw-cr-note">{escape(REFLECTION_NOTE)}</p>'
