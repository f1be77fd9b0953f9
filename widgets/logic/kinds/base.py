"""What every question kind provides, and the typed class-board results the kinds build.

A kind (one module per kind in this package, listed in :data:`widgets.logic.kinds.KINDS`) knows
how to read a saved answer's payload (:meth:`QuestionKind.parse`), grade it, tally a class's
answers for the board, make up a fictional student's answer, write the answer into a log and
draw its board panel. Adding a kind means: a content model in :mod:`widgets.content.exercises`,
one module here, and one view in :mod:`widgets.views.exercises`.
"""

from __future__ import annotations

import math
import random
import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar

from ...content.exercises import Question

__all__ = [
    "FIT_ERRORS",
    "AnswerForm",
    "BoardTally",
    "QuestionKind",
    "QuestionResult",
    "RowsResult",
    "TalliesResult",
    "Tally",
    "TallyRow",
    "Traits",
    "Unfit",
    "plain",
    "sigmoid",
]

AnswerForm = Literal["quote", "list", "plain", "code"]
"""How an answer is laid out in a log: a quotation, a list, one plain line, or data."""


class Unfit(ValueError):
    """A saved answer that does not fit its question (the question changed, or the file was made up)."""


FIT_ERRORS: tuple[type[Exception], ...] = (Unfit, KeyError, TypeError, ValueError, IndexError, OverflowError)
"""What reading a foreign payload may raise when it does not fit; anything else is a bug and propagates."""


def plain(text: str, limit: int | None = None) -> str:
    """Content Markdown as short plain text: emphasis marks removed, white space collapsed."""
    words = " ".join(re.sub(r"\*\*|\*|`", "", text).split())
    if limit is None or len(words) <= limit:
        return words
    cut = words.rfind(" ", 0, limit)
    return words[: cut if cut > 0 else limit].rstrip(",;:") + " …"


def sigmoid(x: float) -> float:
    """The logistic function, for how likely a fictional student of some ability gets a question right."""
    return 1 / (1 + math.exp(-x))


@dataclass(frozen=True)
class Tally:
    """One answer (or part of one) and how many files gave it.

    ``correct`` is ``True`` for the answer key, ``False`` for any other answer and
    ``None`` where there is no key (ratings) or the row mixes both.
    """

    label: str
    count: int
    correct: bool | None


@dataclass(frozen=True)
class TallyRow:
    """One statement of a sorting task or one item of a rating question, with its spread across the columns."""

    label: str
    cells: tuple[Tally, ...]
    answered: int
    right: int | None = None
    """How many placed this statement in its key category (sorting tasks only)."""
    mean: float | None = None
    """The mean rating (rating questions only)."""


@dataclass(frozen=True)
class QuestionResult:
    """What the class answered to one question (a reflection's result is just this: who wrote one)."""

    question_id: str
    chapter: str
    type: str
    prompt: str
    """The prompt as short plain text (unescaped)."""
    files: int
    """Files on the board."""
    answered: int
    """Files with an answer to this question (however it fits)."""
    unfit: int = 0
    """Answers that no longer fit the question (it was changed since they were saved); not graded."""
    correct: int | None = None
    """Answers wholly right; ``None`` where the question has no answer key."""
    common_wrong: Tally | None = None
    """The most common wrong answer (for a sorting task, the most common misplacement)."""
    wrong_tied: int = 0
    """How many other wrong answers were given as often as ``common_wrong`` (then none is the most common)."""
    key: str | None = None
    """The answer key in words, where the question has one."""
    first_try_correct: int | None = None
    """Files whose first try at this question was right, of ``first_try_known``; ``None`` where no file says."""
    first_try_known: int = 0
    """Files that say whether their first try was right (format 2 class files; older files do not)."""

    @property
    def graded(self) -> int:
        """Answers that fit the question."""
        return self.answered - self.unfit

    @property
    def completion(self) -> float:
        return self.answered / self.files if self.files else 0.0

    @property
    def share_correct(self) -> float | None:
        if self.correct is None or not self.graded:
            return None
        return self.correct / self.graded


@dataclass(frozen=True)
class TalliesResult(QuestionResult):
    """A choice or numeric question's result: options or values with their counts."""

    tallies: tuple[Tally, ...] = ()


@dataclass(frozen=True)
class RowsResult(QuestionResult):
    """A sorting or rating question's result: one row per statement or item, spread over ``columns``."""

    rows: tuple[TallyRow, ...] = ()
    columns: tuple[str, ...] = ()


@dataclass
class Traits:
    """A question's difficulty and the mistake most fictional students make on it (fixed per question by the seed)."""

    difficulty: float
    favoured: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


Q = TypeVar("Q", bound=Question)
A = TypeVar("A")


class BoardTally(Generic[Q, A]):
    """The counts of one question on the class board, fed once per distinct answer with how many files gave it."""

    def __init__(self, question: Q, files: int) -> None:
        self.question = question
        self.files = files
        self.answered = 0
        self.unfit = 0
        self.correct = 0
        self.wrong: Counter[Any] = Counter()

    def add(self, answer: A, count: int) -> None:
        """Count ``answer`` (already parsed, so it fits) given by ``count`` files."""

    def base(self) -> dict[str, Any]:
        question = self.question
        return {
            "question_id": question.id,
            "chapter": question.id.split(".")[0],
            "type": question.type,
            "prompt": plain(question.prompt, 220),
            "files": self.files,
            "answered": self.answered,
            "unfit": self.unfit,
            "wrong_tied": self.wrong_tied(),
        }

    def result(self) -> QuestionResult:
        return QuestionResult(**self.base())

    def wrong_tied(self) -> int:
        """How many wrong answers share the top count with another, less one (0: no tie)."""
        top = max(self.wrong.values(), default=0)
        return max(0, sum(1 for count in self.wrong.values() if count == top) - 1) if top else 0

    def most_wrong(self, order: Sequence[Any]) -> tuple[Any, int] | None:
        """The wrong answer given most often; a tie goes to the first in ``order``."""
        if not self.wrong:
            return None
        rank = {value: position for position, value in enumerate(order)}
        best: tuple[Any, int] = min(self.wrong.items(), key=lambda item: (-item[1], rank.get(item[0], len(rank)), str(item[0])))
        return best


class QuestionKind(ABC, Generic[Q, A]):
    """Everything the workbook does with one kind of question outside its view."""

    type: ClassVar[str]
    """The ``type`` field of the question in the exercise files."""
    words: ClassVar[str]
    """The kind in words, for the class board."""
    private: ClassVar[bool] = False
    """The board never shows this kind's answers, only who gave one."""
    in_class_file: ClassVar[bool] = True
    """Whether the anonymised class answers file carries this kind's answers (reflections stay private)."""

    @abstractmethod
    def parse(self, question: Q, payload: Any) -> A:
        """A saved answer's JSON payload as this kind's typed answer; raise :class:`Unfit` (or a FIT_ERRORS error) if it does not fit."""

    @abstractmethod
    def tally(self, question: Q, files: int) -> BoardTally[Q, A]:
        """An empty tally of the class's answers to ``question``."""

    def traits(self, question: Q, traits: Traits, rng: random.Random) -> None:
        """Fix the question's favoured mistake for a synthetic class (draws from ``rng`` in a fixed order)."""

    def synthesise(self, question: Q, traits: Traits, ability: float, rng: random.Random) -> dict[str, Any]:
        """A fictional student's answer payload, as the view would save it."""
        raise ValueError(f"no synthetic answers for {self.type} questions")

    @abstractmethod
    def log_lines(self, question: Q, payload: Any) -> tuple[AnswerForm, list[str]]:
        """How an answer reads in the reflective log (raise a FIT_ERRORS error if the payload does not fit)."""

    @abstractmethod
    def board_html(self, result: QuestionResult) -> str:
        """The spread of the class's answers (the board writes the heading, counts and key around it)."""
