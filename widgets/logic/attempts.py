"""Tries: how many answers a learner gave to a question, and whether the first was right (pure).

The answers file is append-only and a view stores an answer only when it differs
from the one before, so the rows of one question, oldest first, are the learner's
tries. Nothing extra is stored: the count is derived from the rows, so every
answers file written before tries were counted reads the same way.

Graduated feedback follows from the count: a first wrong try explains the method
or the misconception; the answer is shown after a second wrong try (or when the
learner asks for the worked solution), see :func:`reveals_answer`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..content.exercises import (
    CategoriseQuestion,
    ExerciseFile,
    MultipleChoiceQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
)
from .grading import grade_categorise, grade_multiple_choice, grade_numeric, grade_single_choice
from .kinds import FIT_ERRORS, kind_of
from .records import SavedAnswer

__all__ = ["GRADED_KINDS", "REVEAL_AFTER", "Attempts", "answer_correct", "attempts", "attempts_by_question", "reveals_answer", "with_tries"]

GRADED_KINDS = frozenset({"single_choice", "multiple_choice", "numeric", "categorise"})
"""The kinds with a right answer, whose tries are counted."""

REVEAL_AFTER = 2
"""The answer is shown after this many wrong tries."""


@dataclass(frozen=True)
class Attempts:
    """A learner's tries at one question.

    ``tries`` counts every answer given (a right one too); ``solved_on`` is the try
    on which the answer was first right, ``None`` if never; ``first_try_correct``
    is ``None`` when no try could be graded (the question was changed since).
    """

    tries: int
    wrong: int
    solved_on: int | None
    first_try_correct: bool | None

    @property
    def label(self) -> str:
        """``"right at the first try"``, ``"right at try 3"``, ``"2 tries, not yet right"``."""
        if self.solved_on == 1:
            return "right at the first try"
        if self.solved_on is not None:
            return f"right at try {self.solved_on}"
        return f"{self.tries} tr{'y' if self.tries == 1 else 'ies'}, not yet right"


def answer_correct(question: Question, payload: Any) -> bool | None:
    """Whether a saved answer is right; ``None`` for a kind without a right answer or an answer that no longer fits."""
    if question.type not in GRADED_KINDS:
        return None
    try:
        parsed = kind_of(question).parse(question, payload)
        if isinstance(question, SingleChoiceQuestion):
            return grade_single_choice(question, parsed).correct
        if isinstance(question, MultipleChoiceQuestion):
            return grade_multiple_choice(question, parsed).correct
        if isinstance(question, NumericQuestion):
            return grade_numeric(question, parsed).correct
        if isinstance(question, CategoriseQuestion):
            return grade_categorise(question, parsed).correct
    except FIT_ERRORS:
        return None
    return None


def attempts(question: Question, payloads: Sequence[Any]) -> Attempts:
    """The tries in ``payloads`` (the answers given to ``question``, oldest first).

    >>> from widgets.content.exercises import load_exercises
    >>> q = load_exercises("07-is-the-change-real").question("07.3")
    >>> attempts(q, [{"value": 5.2}, {"value": 5.15}])
    Attempts(tries=2, wrong=1, solved_on=2, first_try_correct=False)
    """
    verdicts = [answer_correct(question, payload) for payload in payloads]
    solved_on = next((number for number, ok in enumerate(verdicts, start=1) if ok), None)
    first = verdicts[0] if verdicts else None
    return Attempts(
        tries=len(verdicts),
        wrong=sum(ok is False for ok in verdicts),
        solved_on=solved_on,
        first_try_correct=first,
    )


def attempts_by_question(history: Iterable[SavedAnswer], questions: Mapping[str, Question]) -> dict[str, Attempts]:
    """The tries at every graded question in ``history`` (all rows, oldest first), by question id.

    Rows of a question the content no longer has, or of a kind without a right answer, are left out.
    """
    given: dict[str, list[Any]] = {}
    for saved in history:
        question = questions.get(saved.question_id)
        if question is not None and question.type in GRADED_KINDS and saved.kind == question.type:
            given.setdefault(saved.question_id, []).append(saved.answer)
    return {question_id: attempts(questions[question_id], payloads) for question_id, payloads in given.items()}


def with_tries(
    latest: Iterable[SavedAnswer], history: Iterable[SavedAnswer], chapters: Mapping[str, ExerciseFile]
) -> list[SavedAnswer]:
    """The ``latest`` answers, each graded one carrying its ``tries`` and ``first_try_correct`` from ``history``.

    ``history`` is every row of the answers file, oldest first (``AnswerStore.all_history()``).
    An answer to a question without a right answer, or no longer in ``chapters``, is returned unchanged.
    """
    questions = {q.id: q for chapter in chapters.values() for q in chapter.questions}
    found = attempts_by_question(history, questions)
    marked = []
    for saved in latest:
        tries = found.get(saved.question_id)
        if tries is not None and tries.tries:
            saved = replace(saved, tries=tries.tries, first_try_correct=tries.first_try_correct)
        marked.append(saved)
    return marked


def reveals_answer(wrong_tries: int, *, solution_shown: bool = False) -> bool:
    """Whether feedback may show the answer: after :data:`REVEAL_AFTER` wrong tries, or once the worked solution is shown."""
    return solution_shown or wrong_tries >= REVEAL_AFTER
