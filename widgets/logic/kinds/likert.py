"""Self-rating (Likert) questions: each item rated on the question's scale; there is no right answer."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any, cast

from ...content.exercises import LikertQuestion
from .base import (
    AnswerForm,
    BoardTally,
    QuestionKind,
    QuestionResult,
    RowsResult,
    Tally,
    TallyRow,
    Traits,
    Unfit,
    plain,
)
from .board import matrix_table

__all__ = ["LikertKind"]

Ratings = dict[str, int]


class _RatingTally(BoardTally[LikertQuestion, Ratings]):
    def __init__(self, question: LikertQuestion, files: int) -> None:
        super().__init__(question, files)
        self.cells: dict[str, Counter[int]] = {item.id: Counter() for item in question.items}

    def add(self, answer: Ratings, count: int) -> None:
        for item_id, value in answer.items():
            self.cells[item_id][value] += count

    def result(self) -> RowsResult:
        question = self.question
        scale = range(question.scale.min, question.scale.max + 1)
        rows = []
        for item in question.items:
            cells = self.cells[item.id]
            rated = sum(cells.values())
            mean = sum(value * n for value, n in cells.items()) / rated if rated else None
            tallies = tuple(Tally(str(value), cells[value], None) for value in scale)
            rows.append(TallyRow(plain(item.text), tallies, rated, mean=mean))
        low, high = plain(question.scale.low_label), plain(question.scale.high_label)
        columns = tuple(
            f"{value} ({low})" if value == question.scale.min else f"{value} ({high})" if value == question.scale.max else str(value)
            for value in scale
        )
        return RowsResult(**self.base(), rows=tuple(rows), columns=columns)


class LikertKind(QuestionKind[LikertQuestion, Ratings]):
    """Rate each item; the answer maps item ids to whole ratings on the scale (``None`` = not rated)."""

    type = "likert"
    words = "self-rating (no right answer)"

    def parse(self, question: LikertQuestion, payload: Any) -> Ratings:
        ratings = payload["ratings"]
        if not isinstance(ratings, dict) or not all(type(v) is int or v is None for v in ratings.values()):
            raise Unfit
        items = {item.id for item in question.items}
        rated = {item_id: value for item_id, value in ratings.items() if value is not None}
        if not all(item_id in items and question.scale.min <= value <= question.scale.max for item_id, value in rated.items()):
            raise Unfit
        return rated

    def tally(self, question: LikertQuestion, files: int) -> _RatingTally:
        return _RatingTally(question, files)

    def traits(self, question: LikertQuestion, traits: Traits, rng: random.Random) -> None:
        low, high = question.scale.min, question.scale.max
        traits.extra = {item.id: rng.uniform(low + 0.5, high - 0.3) for item in question.items}

    def synthesise(self, question: LikertQuestion, traits: Traits, ability: float, rng: random.Random) -> dict[str, Any]:
        low, high = question.scale.min, question.scale.max
        ratings = {
            item.id: min(high, max(low, round(traits.extra[item.id] + 0.4 * ability + rng.gauss(0.0, 0.8))))
            for item in question.items
            if rng.random() > 0.04
        }
        return {"ratings": ratings or {question.items[0].id: low}}

    def log_lines(self, question: LikertQuestion, payload: Any) -> tuple[AnswerForm, list[str]]:
        texts = {item.id: item.text for item in question.items}
        return "list", [f"{texts.get(iid, iid)}: {value}" for iid, value in payload.get("ratings", {}).items()]

    def board_html(self, result: QuestionResult) -> str:
        def mean(row: TallyRow) -> str:
            return f'{row.mean:.2f}<br><span class="rw-cr-pct">n = {row.answered}</span>' if row.mean is not None else "–"

        caption = f"{result.question_id}: ratings per item"
        return matrix_table(cast(RowsResult, result), caption, first="Item", last="Mean", summary=mean)
