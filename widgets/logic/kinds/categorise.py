"""Sorting tasks: each statement placed in one category (or left unsorted)."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any, cast

from ...content.exercises import CategoriseQuestion
from ..grading import grade_categorise
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
    sigmoid,
)
from .board import matrix_table

__all__ = ["CategoriseKind"]

Placements = dict[str, str | None]


class _SortingTally(BoardTally[CategoriseQuestion, Placements]):
    def __init__(self, question: CategoriseQuestion, files: int) -> None:
        super().__init__(question, files)
        self.cells: dict[str, Counter[str | None]] = {statement.id: Counter() for statement in question.statements}
        # Graded once per category: every statement placed there, then each one's verdict read off.
        self.table: dict[tuple[str, str | None], bool] = {(statement.id, None): False for statement in question.statements}
        for category in question.categories:
            graded = grade_categorise(question, {statement.id: category.id for statement in question.statements})
            self.table.update({(item.statement_id, category.id): item.correct for item in graded.statements})

    def add(self, answer: Placements, count: int) -> None:
        right = [self.table[pair] for pair in answer.items()]
        for (statement_id, chosen), ok in zip(answer.items(), right, strict=True):
            self.cells[statement_id][chosen] += count
            if chosen is not None and not ok:
                self.wrong[(statement_id, chosen)] += count
        if sum(right) == len(self.question.statements):
            self.correct += count

    def result(self) -> RowsResult:
        question = self.question
        labels = {category.id: plain(category.label) for category in question.categories}
        order = [category.id for category in question.categories]
        unsorted = any(cells[None] for cells in self.cells.values())
        columns = [*(labels[c] for c in order), *(["not sorted"] if unsorted else [])]
        rows = []
        for statement in question.statements:
            cells = self.cells[statement.id]
            tallies = [Tally(labels[c], cells[c], c == statement.category) for c in order]
            if unsorted:
                tallies.append(Tally("not sorted", cells[None], False))
            rows.append(TallyRow(plain(statement.text), tuple(tallies), sum(cells.values()), right=cells[statement.category]))
        texts = {statement.id: plain(statement.text, 90) for statement in question.statements}
        worst = self.most_wrong([(s.id, c) for s in question.statements for c in order])
        wrong = None
        if worst is not None:
            (statement_id, category_id), count = worst
            wrong = Tally(f"\u201c{texts[statement_id]}\u201d sorted as {labels[category_id]}", count, False)
        return RowsResult(**self.base(), correct=self.correct, rows=tuple(rows), columns=tuple(columns), common_wrong=wrong)


class CategoriseKind(QuestionKind[CategoriseQuestion, Placements]):
    """Sort statements into categories; the answer maps each statement id to a category id or ``None``."""

    type = "categorise"
    words = "sorting task"

    def parse(self, question: CategoriseQuestion, payload: Any) -> Placements:
        placements = payload["placements"]
        if not isinstance(placements, dict):
            raise Unfit
        statements = {statement.id for statement in question.statements}
        categories = {category.id for category in question.categories}
        for statement_id, chosen in placements.items():
            if statement_id not in statements or not (chosen is None or (isinstance(chosen, str) and chosen in categories)):
                raise Unfit
        return dict(placements)

    def tally(self, question: CategoriseQuestion, files: int) -> _SortingTally:
        return _SortingTally(question, files)

    def traits(self, question: CategoriseQuestion, traits: Traits, rng: random.Random) -> None:
        ids = [category.id for category in question.categories]
        traits.extra = {s.id: rng.choice([c for c in ids if c != s.category]) for s in question.statements}

    def synthesise(self, question: CategoriseQuestion, traits: Traits, ability: float, rng: random.Random) -> dict[str, Any]:
        ids = [category.id for category in question.categories]
        placements: dict[str, str | None] = {}
        for statement in question.statements:
            roll = rng.random()
            if roll < 0.03:
                placements[statement.id] = None
            elif rng.random() < sigmoid(1.6 + ability - traits.difficulty):
                placements[statement.id] = statement.category
            elif rng.random() < 0.65:
                placements[statement.id] = traits.extra[statement.id]
            else:
                placements[statement.id] = rng.choice([c for c in ids if c != statement.category])
        if all(value is None for value in placements.values()):
            first = question.statements[0]
            placements[first.id] = first.category
        return {"placements": placements}

    def log_lines(self, question: CategoriseQuestion, payload: Any) -> tuple[AnswerForm, list[str]]:
        labels = {category.id: category.label for category in question.categories}
        texts = {statement.id: statement.text for statement in question.statements}
        return "list", [
            f"{texts.get(sid, sid)} → {labels.get(cid, 'not sorted') if cid else 'not sorted'}"
            for sid, cid in payload.get("placements", {}).items()
        ]

    def board_html(self, result: QuestionResult) -> str:
        def right(row: TallyRow) -> str:
            return f'{row.right}<br><span class="rw-cr-pct">of {row.answered}</span>' if row.answered else "–"

        caption = f"{result.question_id}: where each statement was sorted"
        return matrix_table(cast(RowsResult, result), caption, first="Statement", last="Right", summary=right)
