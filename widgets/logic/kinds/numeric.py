"""Numeric questions: the answer is a number, right within the question's tolerance."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any, cast

from ...content.exercises import NumericQuestion
from ..grading import grade_numeric
from .base import (
    AnswerForm,
    BoardTally,
    QuestionKind,
    QuestionResult,
    TalliesResult,
    Tally,
    Traits,
    Unfit,
    sigmoid,
)
from .board import bars_table

__all__ = ["NumericKind"]

TOP_VALUES = 8
"""The board shows a numeric question's most common values one by one, and groups the rest."""


def number_text(value: float, unit: str | None) -> str:
    shown = f"{value:g}"
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


class _NumericTally(BoardTally[NumericQuestion, float]):
    def __init__(self, question: NumericQuestion, files: int) -> None:
        super().__init__(question, files)
        self.counts: Counter[tuple[float, bool]] = Counter()

    def add(self, answer: float, count: int) -> None:
        right = grade_numeric(self.question, answer).correct
        self.counts[(answer, right)] += count
        if right:
            self.correct += count
        else:
            self.wrong[answer] += count

    def result(self) -> TalliesResult:
        question = self.question
        ranked = sorted(self.counts.items(), key=lambda item: (-item[1], item[0][0]))
        tallies = [Tally(number_text(value, question.unit), count, right) for (value, right), count in ranked[:TOP_VALUES]]
        rest = ranked[TOP_VALUES:]
        for right, words in ((True, "other values within the tolerance"), (False, "other values")):
            group = [count for (_value, ok), count in rest if ok is right]
            if group:
                tallies.append(Tally(f"{len(group)} {words}", sum(group), right))
        worst = self.most_wrong(sorted(self.wrong))
        wrong = None if worst is None else Tally(number_text(worst[0], question.unit), worst[1], False)
        tolerance = f" (± {question.tolerance:g})" if question.tolerance else ""
        key = f"{number_text(question.answer, question.unit)}{tolerance}"
        return TalliesResult(**self.base(), correct=self.correct, tallies=tuple(tallies), common_wrong=wrong, key=key)


class NumericKind(QuestionKind[NumericQuestion, float]):
    """A number, right within ``tolerance`` of ``answer``."""

    type = "numeric"
    words = "number"

    def parse(self, question: NumericQuestion, payload: Any) -> float:
        value = payload["value"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Unfit
        return float(value)

    def tally(self, question: NumericQuestion, files: int) -> _NumericTally:
        return _NumericTally(question, files)

    def traits(self, question: NumericQuestion, traits: Traits, rng: random.Random) -> None:
        a = question.answer
        slips = [round(a * 2, 2), round(a / 2, 2), round(a + 1, 2), round(a * 10, 2)]
        if 0 < a < 100:
            slips.append(round(100 - a, 2))
        traits.favoured = rng.choice([s for s in slips if abs(s - a) > question.tolerance] or [a + 1 + question.tolerance])

    def synthesise(self, question: NumericQuestion, traits: Traits, ability: float, rng: random.Random) -> dict[str, Any]:
        if rng.random() < sigmoid(1.1 + ability - traits.difficulty):
            return {"value": question.answer}
        if rng.random() < 0.55:
            return {"value": traits.favoured}
        value = round(question.answer * rng.uniform(0.5, 1.5), 1)
        if abs(value - question.answer) <= question.tolerance:
            value = round(question.answer + 1 + question.tolerance, 2)
        return {"value": value}

    def log_lines(self, question: NumericQuestion, payload: Any) -> tuple[AnswerForm, list[str]]:
        return "plain", [f"{payload['value']:g}"]

    def board_html(self, result: QuestionResult) -> str:
        caption = f"{result.question_id}: the values given, most common first"
        return bars_table(cast(TalliesResult, result), caption, mark_wrong=True)
