"""Grading: small pure functions from a question and an answer to a frozen result.

Nothing here touches widgets or storage, so every rule can be tested directly.
Results carry the feedback text the views show; ``correct`` is ``None`` where a
question has no right answer (Likert self-ratings, reflections).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..content.exercises import (
    CategoriseQuestion,
    LikertQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    SingleChoiceQuestion,
)

__all__ = [
    "CategoriseResult",
    "ChoiceResult",
    "LikertResult",
    "NumericResult",
    "OptionFeedback",
    "ReflectionResult",
    "StatementFeedback",
    "check_reflection",
    "grade_categorise",
    "grade_multiple_choice",
    "grade_numeric",
    "grade_single_choice",
    "parse_number",
    "rate_likert",
    "read_numeric_answer",
]


@dataclass(frozen=True)
class OptionFeedback:
    text: str
    chosen: bool
    correct: bool
    feedback: str


@dataclass(frozen=True)
class ChoiceResult:
    correct: bool
    options: tuple[OptionFeedback, ...]
    """Feedback for every option the student chose (correct or not)."""
    missed: int
    """Correct options that were not chosen (multiple choice only)."""


@dataclass(frozen=True)
class NumericResult:
    correct: bool
    value: float
    feedback: str


@dataclass(frozen=True)
class StatementFeedback:
    statement_id: str
    text: str
    chosen_label: str | None
    correct: bool
    feedback: str


@dataclass(frozen=True)
class CategoriseResult:
    score: int
    total: int
    statements: tuple[StatementFeedback, ...]

    @property
    def correct(self) -> bool:
        return self.score == self.total


@dataclass(frozen=True)
class LikertResult:
    ratings: tuple[tuple[str, str, int], ...]
    """``(item id, item text, rating)`` for each rated item, in the question's order."""
    unrated: tuple[str, ...]
    correct: None = None


@dataclass(frozen=True)
class ReflectionResult:
    text: str
    words: int
    can_reveal_model_answer: bool
    correct: None = None


def display_order(question_id: str, count: int) -> tuple[int, ...]:
    """The order in which a choice question's ``count`` options are shown: a fixed shuffle seeded by the question id.

    The content files may list the right option anywhere (often first); shuffling stops the key
    being guessable from its position. Every student and the class board see the same order,
    and answers are stored by option text, so the order can change without touching saved answers.

    >>> display_order("01.1", 4) == display_order("01.1", 4)
    True
    >>> sorted(display_order("01.1", 4))
    [0, 1, 2, 3]
    """
    order = list(range(count))
    random.Random(f"option-order:{question_id}").shuffle(order)
    return tuple(order)


def _check_indices(indices: Iterable[int], n_options: int) -> None:
    for index in indices:
        if not 0 <= index < n_options:
            raise ValueError(f"option index {index} is out of range (0 to {n_options - 1})")


def grade_single_choice(question: SingleChoiceQuestion, chosen: int) -> ChoiceResult:
    """Grade the option at index ``chosen``."""
    _check_indices([chosen], len(question.options))
    option = question.options[chosen]
    return ChoiceResult(
        correct=option.correct,
        options=(OptionFeedback(option.text, True, option.correct, option.feedback),),
        missed=0,
    )


def grade_multiple_choice(question: MultipleChoiceQuestion, chosen: Iterable[int]) -> ChoiceResult:
    """Grade a set of chosen option indices: right only if it is exactly the correct set."""
    picked = sorted(set(chosen))
    _check_indices(picked, len(question.options))
    feedback = tuple(
        OptionFeedback(question.options[i].text, True, question.options[i].correct, question.options[i].feedback)
        for i in picked
    )
    missed = sum(1 for i, option in enumerate(question.options) if option.correct and i not in picked)
    all_right = missed == 0 and all(item.correct for item in feedback)
    return ChoiceResult(correct=all_right, options=feedback, missed=missed)


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_number(text: str) -> float:
    """Read a number typed by a student; accepts a decimal point or comma, and a trailing ``%``.

    Raises
    ------
    ValueError
        With a message fit to show the student.
    """
    cleaned = text.strip().removesuffix("%").strip().replace(" ", "")
    if not cleaned:
        raise ValueError("Type a number first.")
    if not _NUMBER.match(cleaned):
        raise ValueError(f"{text.strip()!r} is not a number. Use digits, with a point or comma for decimals.")
    return float(cleaned.replace(",", "."))


_PLACES_WORDS = {0: "a whole number", 1: "one decimal place", 2: "two decimal places", 3: "three decimal places"}


def places_words(decimals: int) -> str:
    """``"two decimal places"``: how a question's precision is said to a student."""
    return _PLACES_WORDS.get(decimals, f"{decimals} decimal places")


def read_numeric_answer(question: NumericQuestion, text: str) -> float:
    """Read a student's answer to ``question``: a number (:func:`parse_number`) given to the precision it asks for.

    When the question carries ``decimals``, the answer must have exactly that many
    digits after the decimal point or comma (``5.2`` is not an answer to two
    decimal places; ``5.20`` is). The message names the precision asked for and
    never the answer.

    Raises
    ------
    ValueError
        With a message fit to show the student.
    """
    value = parse_number(text)
    if question.decimals is None:
        return value
    cleaned = text.strip().removesuffix("%").strip().replace(" ", "")
    given = len(re.split(r"[.,]", cleaned, maxsplit=1)[1]) if re.search(r"[.,]", cleaned) else 0
    if given != question.decimals:
        asked = places_words(question.decimals)
        have = "no decimal places" if given == 0 else places_words(given)
        how = (
            "Give a whole number, without a decimal point."
            if question.decimals == 0
            else f"Round your result to {asked}: {question.decimals} digit{'s' if question.decimals != 1 else ''} "
            "after the decimal point or comma, keeping a final zero if there is one."
        )
        raise ValueError(f"This question asks for {asked}; {text.strip()!r} has {have}. {how}")
    return value


def grade_numeric(question: NumericQuestion, value: float) -> NumericResult:
    """Right when ``|value - answer| <= tolerance`` (a tiny float slack is allowed)."""
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a finite number")
    correct = abs(value - question.answer) <= question.tolerance + 1e-9 * max(1.0, abs(question.answer))
    return NumericResult(
        correct=correct,
        value=value,
        feedback=question.feedback_correct if correct else question.feedback_incorrect,
    )


def grade_categorise(question: CategoriseQuestion, placements: Mapping[str, str | None]) -> CategoriseResult:
    """Score statement placements ``{statement id: category id or None}``; unplaced ones count as wrong."""
    labels = {category.id: category.label for category in question.categories}
    statement_ids = {statement.id for statement in question.statements}
    unknown_statements = set(placements) - statement_ids
    if unknown_statements:
        raise ValueError(f"unknown statement id(s): {', '.join(sorted(unknown_statements))}")
    feedback = []
    for statement in question.statements:
        chosen = placements.get(statement.id)
        if chosen is not None and chosen not in labels:
            raise ValueError(f"unknown category {chosen!r} for statement {statement.id!r}")
        feedback.append(
            StatementFeedback(
                statement_id=statement.id,
                text=statement.text,
                chosen_label=labels[chosen] if chosen is not None else None,
                correct=chosen == statement.category,
                feedback=statement.feedback,
            )
        )
    score = sum(item.correct for item in feedback)
    return CategoriseResult(score=score, total=len(feedback), statements=tuple(feedback))


def rate_likert(question: LikertQuestion, ratings: Mapping[str, int | None]) -> LikertResult:
    """Check self-ratings against the scale; there is no right answer.

    Raises
    ------
    ValueError
        If an item id is unknown or a rating is outside ``scale.min`` to ``scale.max``.
    """
    known = {item.id for item in question.items}
    unknown = set(ratings) - known
    if unknown:
        raise ValueError(f"unknown item id(s): {', '.join(sorted(unknown))}")
    low, high = question.scale.min, question.scale.max
    rated = []
    unrated = []
    for item in question.items:
        value = ratings.get(item.id)
        if value is None:
            unrated.append(item.id)
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"rating {value!r} for {item.text!r} is outside the scale {low} to {high}")
        rated.append((item.id, item.text, value))
    return LikertResult(ratings=tuple(rated), unrated=tuple(unrated))


def check_reflection(text: str) -> ReflectionResult:
    """Count the words of a reflection; the model answer may be revealed once something is written."""
    words = len(text.split())
    return ReflectionResult(text=text, words=words, can_reveal_model_answer=words > 0)
