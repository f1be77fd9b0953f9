"""Per-question class results: every distinct answer counted once with pandas and graded once."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...content.exercises import (
    CategoriseQuestion,
    ExerciseFile,
    LikertQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    Question,
    ReflectionQuestion,
    SingleChoiceQuestion,
    all_chapters,
)
from ..export import question_sort_key
from ..grading import (
    display_order,
    grade_categorise,
    grade_multiple_choice,
    grade_numeric,
    grade_single_choice,
    rate_likert,
)
from .reading import ClassFile

__all__ = ["ClassResults", "QuestionResult", "Tally", "TallyRow", "answers_frame", "class_results"]


REFLECTION_NOTE = (
    "Reflections are private: the board counts who wrote one and never reads or shows what was written. "
    "Class answers files leave reflections out, so only files such as reflective logs count here."
)


_TOP_VALUES = 8
"""A numeric question shows its most common values one by one, and groups the rest."""


# ----------------------------------------------------------------------------- aggregating


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
    """What the class answered to one question."""

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
    tallies: tuple[Tally, ...] = ()
    """Options or values with their counts (choice and numeric questions)."""
    rows: tuple[TallyRow, ...] = ()
    """Statements or items with their spread (sorting and rating questions)."""
    columns: tuple[str, ...] = ()
    """The column labels of ``rows``."""
    common_wrong: Tally | None = None
    """The most common wrong answer (for a sorting task, the most common misplacement)."""
    key: str | None = None
    """The answer key in words, where the question has one."""

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
class ClassResults:
    """Every question's result, in chapter and question order, and the answers to questions no longer known."""

    files: int
    answers: int
    questions: tuple[QuestionResult, ...]
    chapters: tuple[tuple[str, str], ...]
    """``(number, title)`` of each content chapter."""
    unknown: tuple[tuple[str, int], ...] = ()
    """``(question id, files)`` for answers to questions not in the content files."""

    def chapter(self, number: str) -> tuple[QuestionResult, ...]:
        return tuple(q for q in self.questions if q.chapter == number)


def answers_frame(files: Sequence[ClassFile]) -> pd.DataFrame:
    """One row per answer: ``file`` (position on the board), ``question_id``, ``kind``, ``answer_key``.

    The text columns are plain Python strings (object dtype), as :func:`read_class_file` interned them.
    """
    rows = [row for class_file in files for row in class_file.answers]
    lengths = [len(class_file.answers) for class_file in files]
    return pd.DataFrame(
        {
            "file": np.repeat(np.arange(len(files), dtype=np.int32), lengths),
            "question_id": pd.Series([row[0] for row in rows], dtype=object),
            "kind": pd.Series([row[1] for row in rows], dtype=object),
            "answer_key": pd.Series([row[2] for row in rows], dtype=object),
        }
    )


class _Unfit(Exception):
    """An answer that does not fit its question (the question changed, or the file was made up)."""


_READ_ERRORS = (_Unfit, KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError, RecursionError)


def _letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else f"#{index + 1}"


def _plain(text: str, limit: int | None = None) -> str:
    """Content Markdown as short plain text: emphasis marks removed, white space collapsed."""
    words = " ".join(re.sub(r"\*\*|\*|`", "", text).split())
    if limit is None or len(words) <= limit:
        return words
    cut = words.rfind(" ", 0, limit)
    return words[: cut if cut > 0 else limit].rstrip(",;:") + " …"


def _number(value: float, unit: str | None) -> str:
    shown = f"{value:g}"
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


def _chosen_indices(question: SingleChoiceQuestion | MultipleChoiceQuestion, answer: Any) -> list[int]:
    texts = [option.text for option in question.options]
    chosen = answer["chosen"]
    if not isinstance(chosen, list) or not all(isinstance(text, str) for text in chosen):
        raise _Unfit
    return [texts.index(text) for text in chosen]


class _Accumulator:
    """Counts for one question, fed once per distinct answer with how many files gave it."""

    def __init__(self, question: Question, files: int) -> None:
        self.question = question
        self.files = files
        self.answered = 0
        self.unfit = 0
        self.correct = 0
        self.counts: Counter[Any] = Counter()
        self.wrong: Counter[Any] = Counter()
        self.cells: dict[str, Counter[Any]] = {}
        self.table: dict[tuple[str, Any], bool] = {}
        """Every placement (sorting) or rating (self-rating) that fits the question, and whether it is right."""
        if isinstance(question, CategoriseQuestion):
            self.cells = {statement.id: Counter() for statement in question.statements}
            # Graded once per category: every statement placed there, then each one's verdict read off.
            for category in question.categories:
                graded = grade_categorise(question, {statement.id: category.id for statement in question.statements})
                self.table.update({(item.statement_id, category.id): item.correct for item in graded.statements})
            self.table.update({(statement.id, None): False for statement in question.statements})
        elif isinstance(question, LikertQuestion):
            self.cells = {item.id: Counter() for item in question.items}
            for value in range(question.scale.min, question.scale.max + 1):
                rated = rate_likert(question, {item.id: value for item in question.items})
                self.table.update({(item_id, rating): True for item_id, _text, rating in rated.ratings})

    def add(self, kind: str, key: str, count: int) -> None:
        self.answered += count
        question = self.question
        if isinstance(question, ReflectionQuestion):
            return
        try:
            if kind != question.type:
                raise _Unfit
            self._add(question, json.loads(key), count)
        except _READ_ERRORS:
            self.unfit += count

    def _add(self, question: Question, answer: Any, count: int) -> None:
        if isinstance(question, SingleChoiceQuestion):
            indices = _chosen_indices(question, answer)
            if len(indices) != 1:
                raise _Unfit
            result = grade_single_choice(question, indices[0])
            self.counts[indices[0]] += count
            if result.correct:
                self.correct += count
            else:
                self.wrong[indices[0]] += count
        elif isinstance(question, MultipleChoiceQuestion):
            indices = sorted(set(_chosen_indices(question, answer)))
            result = grade_multiple_choice(question, indices)
            for index in indices:
                self.counts[index] += count
            if result.correct:
                self.correct += count
            else:
                self.wrong[tuple(indices)] += count
        elif isinstance(question, NumericQuestion):
            value = answer["value"]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _Unfit
            numeric = grade_numeric(question, float(value))
            self.counts[(float(value), numeric.correct)] += count
            if numeric.correct:
                self.correct += count
            else:
                self.wrong[float(value)] += count
        elif isinstance(question, CategoriseQuestion):
            placements = answer["placements"]
            if not isinstance(placements, dict):
                raise _Unfit
            right = [self.table[pair] for pair in placements.items()]  # KeyError (or TypeError): does not fit
            for (statement_id, chosen), ok in zip(placements.items(), right, strict=True):
                self.cells[statement_id][chosen] += count
                if chosen is not None and not ok:
                    self.wrong[(statement_id, chosen)] += count
            if sum(right) == len(question.statements):
                self.correct += count
        elif isinstance(question, LikertQuestion):
            ratings = answer["ratings"]
            if not isinstance(ratings, dict) or not all(type(v) is int or v is None for v in ratings.values()):
                raise _Unfit
            rated = [(item_id, value) for item_id, value in ratings.items() if value is not None]
            if not all(type(value) is int and (item_id, value) in self.table for item_id, value in rated):
                raise _Unfit
            for item_id, value in rated:
                self.cells[item_id][value] += count

    def result(self) -> QuestionResult:
        question = self.question
        base = {
            "question_id": question.id,
            "chapter": question.id.split(".")[0],
            "type": question.type,
            "prompt": _plain(question.prompt, 220),
            "files": self.files,
            "answered": self.answered,
            "unfit": self.unfit,
        }
        if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
            return QuestionResult(**base, **self._choice(question))
        if isinstance(question, NumericQuestion):
            return QuestionResult(**base, **self._numeric(question))
        if isinstance(question, CategoriseQuestion):
            return QuestionResult(**base, **self._categorise(question))
        if isinstance(question, LikertQuestion):
            return QuestionResult(**base, **self._likert(question))
        return QuestionResult(**base)

    def _most_wrong(self, order: Sequence[Any]) -> tuple[Any, int] | None:
        """The wrong answer given most often; a tie goes to the first in ``order``."""
        if not self.wrong:
            return None
        rank = {value: position for position, value in enumerate(order)}
        best = min(self.wrong.items(), key=lambda item: (-item[1], rank.get(item[0], len(rank)), str(item[0])))
        return best

    def _choice(self, question: SingleChoiceQuestion | MultipleChoiceQuestion) -> dict[str, Any]:
        options = question.options
        order = display_order(question.id, len(options))  # letters follow the order students saw
        letter = {index: _letter(position) for position, index in enumerate(order)}
        by_index = {
            i: Tally(f"{letter[i]}. {_plain(option.text)}", self.counts[i], option.correct) for i, option in enumerate(options)
        }
        tallies = tuple(by_index[i] for i in order)
        right = [letter[i] for i in order if options[i].correct]
        if isinstance(question, SingleChoiceQuestion):
            worst = self._most_wrong(order)
            wrong = None if worst is None else Tally(by_index[worst[0]].label, worst[1], False)
            key = f"{right[0]}"
        else:
            combos = sorted(self.wrong, key=lambda c: (len(c), c))
            worst = self._most_wrong(combos)
            wrong = None
            if worst is not None:
                label = " + ".join(sorted((letter[i] for i in worst[0]), key=lambda x: x)) or "nothing ticked"
                wrong = Tally(f"ticked {label}", worst[1], False)
            key = "tick " + " + ".join(right)
        return {"correct": self.correct, "tallies": tallies, "common_wrong": wrong, "key": key}

    def _numeric(self, question: NumericQuestion) -> dict[str, Any]:
        ranked = sorted(self.counts.items(), key=lambda item: (-item[1], item[0][0]))
        shown = ranked[:_TOP_VALUES]
        tallies = [Tally(_number(value, question.unit), count, right) for (value, right), count in shown]
        rest = ranked[_TOP_VALUES:]
        for right, words in ((True, "other values within the tolerance"), (False, "other values")):
            group = [count for (_value, ok), count in rest if ok is right]
            if group:
                tallies.append(Tally(f"{len(group)} {words}", sum(group), right))
        worst = self._most_wrong(sorted(self.wrong))
        wrong = None if worst is None else Tally(_number(worst[0], question.unit), worst[1], False)
        tolerance = f" (± {question.tolerance:g})" if question.tolerance else ""
        key = f"{_number(question.answer, question.unit)}{tolerance}"
        return {"correct": self.correct, "tallies": tuple(tallies), "common_wrong": wrong, "key": key}

    def _categorise(self, question: CategoriseQuestion) -> dict[str, Any]:
        labels = {category.id: _plain(category.label) for category in question.categories}
        order = [category.id for category in question.categories]
        unsorted = any(cells[None] for cells in self.cells.values())
        columns = [*(labels[c] for c in order), *(["not sorted"] if unsorted else [])]
        rows = []
        for statement in question.statements:
            cells = self.cells[statement.id]
            tallies = [Tally(labels[c], cells[c], c == statement.category) for c in order]
            if unsorted:
                tallies.append(Tally("not sorted", cells[None], False))
            rows.append(
                TallyRow(
                    _plain(statement.text), tuple(tallies), sum(cells.values()), right=cells[statement.category]
                )
            )
        texts = {statement.id: _plain(statement.text, 90) for statement in question.statements}
        worst = self._most_wrong([(s.id, c) for s in question.statements for c in order])
        wrong = None
        if worst is not None:
            (statement_id, category_id), count = worst
            wrong = Tally(f"\u201c{texts[statement_id]}\u201d sorted as {labels[category_id]}", count, False)
        return {"correct": self.correct, "rows": tuple(rows), "columns": tuple(columns), "common_wrong": wrong}

    def _likert(self, question: LikertQuestion) -> dict[str, Any]:
        scale = range(question.scale.min, question.scale.max + 1)
        rows = []
        for item in question.items:
            cells = self.cells[item.id]
            rated = sum(cells.values())
            mean = sum(value * n for value, n in cells.items()) / rated if rated else None
            tallies = tuple(Tally(str(value), cells[value], None) for value in scale)
            rows.append(TallyRow(_plain(item.text), tallies, rated, mean=mean))
        low, high = _plain(question.scale.low_label), _plain(question.scale.high_label)
        columns = tuple(
            f"{value} ({low})" if value == question.scale.min else f"{value} ({high})" if value == question.scale.max else str(value)
            for value in scale
        )
        return {"rows": tuple(rows), "columns": columns}


def _questions(chapters: Mapping[str, ExerciseFile]) -> dict[str, Question]:
    return {q.id: q for number in sorted(chapters) for q in chapters[number].questions}


def class_results(files: Sequence[ClassFile], chapters: Mapping[str, ExerciseFile] | None = None) -> ClassResults:
    """Aggregate the files' answers against the content (default: every chapter that loads).

    Every distinct ``(question, kind, answer)`` is counted with one pandas
    ``groupby`` and graded once; spreads and counts are weighted by how many
    files gave it. Every content question gets a result, answered or not.
    """
    if chapters is None:
        chapters, _problems = all_chapters()
    questions = _questions(chapters)
    frame = answers_frame(files)
    accumulators = {question_id: _Accumulator(question, len(files)) for question_id, question in questions.items()}
    unknown: Counter[str] = Counter()
    if len(frame):
        distinct = frame.groupby(["question_id", "kind", "answer_key"], sort=False, observed=True).size()
        for (question_id, kind, key), count in distinct.items():
            accumulator = accumulators.get(question_id)
            if accumulator is None:
                unknown[question_id] += int(count)
            else:
                accumulator.add(kind, key, int(count))
    return ClassResults(
        files=len(files),
        answers=len(frame),
        questions=tuple(accumulator.result() for accumulator in accumulators.values()),
        chapters=tuple((number, chapters[number].title) for number in sorted(chapters)),
        unknown=tuple(sorted(unknown.items(), key=lambda item: (question_sort_key(item[0]), item[0]))),
    )
