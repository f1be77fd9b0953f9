"""The lecturer's class-results board: many students' answers files in, per-question results out.

Students export an anonymised class answers file (chapter 09, "Prepare a class
answers file"; see :func:`widgets.portfolio.export_class_answers`), or hand in
their reflective log. The lecturer drops the files onto the board and sees, per
question, how many answered it, the spread of answers, the share correct and the
most common wrong answer.

Pure logic first, then one thin view:

- :func:`read_class_files` reads uploaded files ``(name, bytes)`` with
  :func:`widgets.portfolio.parse_export`. A file that cannot be read, a duplicate
  (the same answers, at the same times, as a file read earlier) and a file with
  no answers to use are skipped as a :class:`SkippedFile` naming the file and the
  reason; nothing else is raised. Each file keeps its latest answer per
  question. Reflection text is dropped as the file is read: the board counts who
  wrote a reflection and never reads what they wrote.
- :func:`answers_frame` puts every kept answer in one pandas frame (file,
  question id, kind, a canonical JSON key of the answer);
  :func:`class_results` counts each distinct answer per question with one
  ``groupby``, grades each *distinct* answer once with :mod:`widgets.grading`,
  and builds a :class:`QuestionResult` per question of the content files.
  Answers to questions the content no longer has are counted and reported.
- :func:`synthetic_class_files` makes a seeded class of fictional students'
  class answers files, in the exact export format.
- :func:`question_html`, :func:`results_html`, :func:`summary_html` and
  :func:`skipped_html` write the board's HTML; every text from a file is escaped.
- :class:`ClassResultsView` / :func:`class_results_board`: the board itself.

Example
-------
>>> batch = read_class_files(synthetic_class_files(5, seed=1))
>>> len(batch.files), batch.skipped
(5, ())
>>> results = class_results(batch.files)
>>> results.files
5
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

import ipywidgets as ipw
import numpy as np
import pandas as pd

from .chapter import all_chapters
from .content import (
    CategoriseQuestion,
    ContentError,
    ExerciseFile,
    LikertQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    Question,
    ReflectionQuestion,
    SingleChoiceQuestion,
)
from .export import question_sort_key
from .grading import (
    display_order,
    grade_categorise,
    grade_multiple_choice,
    grade_numeric,
    grade_single_choice,
    rate_likert,
)
from .markup import STYLE, feedback_box, notice
from .portfolio import (
    CLASS_ANSWER_KINDS,
    PortfolioError,
    export_class_answers,
    parse_export,
)
from .store import SavedAnswer

__all__ = [
    "CLASS_SEED",
    "MAX_CLASS_BYTES",
    "MAX_CLASS_FILES",
    "SYNTHETIC_CLASS_LABEL",
    "ClassBatch",
    "ClassFile",
    "ClassResults",
    "ClassResultsView",
    "QuestionResult",
    "SkippedFile",
    "Tally",
    "TallyRow",
    "answers_frame",
    "class_results",
    "class_results_board",
    "display_name",
    "question_html",
    "read_class_file",
    "read_class_files",
    "results_html",
    "skipped_html",
    "summary_html",
    "synthetic_class_files",
]

MAX_CLASS_FILES = 500
"""A board reads at most this many files at once; the rest are listed as skipped."""
MAX_CLASS_BYTES = 50_000_000
"""The files on a board together may hold at most this many bytes (one class answers file is about 20 kB)."""
CLASS_SEED = 20250113
"""The seed of the synthetic example class."""
SYNTHETIC_CLASS_LABEL = (
    "SYNTHETIC: a made-up class of fictional students with generated answers, for trying the board out. "
    "No real student's answers are shown."
)
REFLECTION_NOTE = (
    "Reflections are private: the board counts who wrote one and never reads or shows what was written. "
    "Class answers files leave reflections out, so only files such as reflective logs count here."
)
_MAX_NAME = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MAX_LISTED = 50
_TOP_VALUES = 8
"""A numeric question shows its most common values one by one, and groups the rest."""


# ----------------------------------------------------------------------------- reading the files


@dataclass(frozen=True)
class SkippedFile:
    """A file left off the board, and why (in words fit to show the lecturer)."""

    name: str
    reason: str


@dataclass(frozen=True)
class ClassFile:
    """One student's file, as the board uses it.

    ``answers`` holds ``(question id, kind, answer key)`` for the latest answer
    to each question, in question order. The key is the answer's canonical JSON;
    for a reflection it is empty (the text is dropped as the file is read).
    """

    name: str
    answers: tuple[tuple[str, str, str], ...]
    fingerprint: str
    """SHA-256 of the answers the board uses (with their times): equal for two copies of one student's answers."""


@dataclass(frozen=True)
class ClassBatch:
    """The files read onto the board, in upload order, and those skipped."""

    files: tuple[ClassFile, ...]
    skipped: tuple[SkippedFile, ...]

    @property
    def answers(self) -> int:
        """The number of answers (one per question per file) the board counts."""
        return sum(len(f.answers) for f in self.files)


def display_name(name: str) -> str:
    """The file name as given, with runs of white space or control characters made one space, cut to 120 characters.

    Not escaped (the HTML writers escape it); ``(unnamed file)`` if blank.

    >>> display_name("  class\\tanswers\\n.md"), display_name(""), len(display_name("x" * 500))
    ('class answers .md', '(unnamed file)', 120)
    """
    shown = " ".join(_CONTROL.sub(" ", str(name)).split())
    if not shown:
        return "(unnamed file)"
    return shown if len(shown) <= _MAX_NAME else shown[: _MAX_NAME - 1] + "…"


def _canonical(answer: Any) -> str:
    return json.dumps(answer, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _latest(answers: Sequence[SavedAnswer]) -> list[SavedAnswer]:
    """The latest answer per question (by ``saved_at``; a tie goes to the later one in the file), question order."""
    latest: dict[str, tuple[datetime, SavedAnswer]] = {}
    for saved in answers:
        moment = datetime.fromisoformat(saved.saved_at)
        current = latest.get(saved.question_id)
        if current is None or moment >= current[0]:
            latest[saved.question_id] = (moment, saved)
    return [latest[question_id][1] for question_id in sorted(latest, key=lambda q: (question_sort_key(q), q))]


def read_class_file(name: str, data: bytes) -> ClassFile:
    """Read one student's file (a class answers file or a reflective log exported by the workbook).

    Raises
    ------
    PortfolioError
        The file cannot be read (see :func:`widgets.portfolio.parse_export`) or has
        no answers to choice, number, sorting or rating questions. The message says which.
    """
    try:
        imported = parse_export(data)
    except PortfolioError:
        raise
    except (ValueError, TypeError, RecursionError, OverflowError, KeyError, AttributeError, IndexError):
        raise PortfolioError("The workbook data in this file cannot be read; it may have been edited or damaged.") from None
    used = [a for a in imported.answers if a.kind in CLASS_ANSWER_KINDS or a.kind == "reflection"]
    try:
        latest = _latest(used)
        graded = [(a.question_id, a.kind, _canonical(a.answer), a.saved_at) for a in latest if a.kind != "reflection"]
    except (ValueError, TypeError, RecursionError, OverflowError):
        raise PortfolioError("The answers in this file cannot be read; it may have been edited or damaged.") from None
    if not graded:
        reflections = len(latest)
        only = f" It holds only {reflections} reflection{'s' if reflections != 1 else ''}." if reflections else ""
        raise PortfolioError(
            "This file has no answers to the workbook's choice, number, sorting or rating questions, so there is "
            f"nothing from it to show.{only}"
        )
    keys = {question_id: key for question_id, _kind, key, _at in graded}
    # Interned, so that equal ids, kinds and answers are one object each: grouping them is then much faster.
    answers = tuple(
        (sys.intern(a.question_id), sys.intern(a.kind), sys.intern(keys.get(a.question_id, ""))) for a in latest
    )
    fingerprint = hashlib.sha256("\n".join("\x1f".join(row) for row in graded).encode("utf-8")).hexdigest()
    return ClassFile(display_name(name), answers, fingerprint)


def read_class_files(
    uploads: Sequence[tuple[str, bytes]],
    *,
    max_files: int | None = MAX_CLASS_FILES,
    max_total_bytes: int | None = MAX_CLASS_BYTES,
) -> ClassBatch:
    """Read every uploaded ``(name, content)``; skip, with the reason, each file that cannot be used.

    A file is skipped if :func:`read_class_file` refuses it, if its answers (and
    their times) are the same as those of a file read earlier (a duplicate; the
    reason names the earlier file), or if it comes after the first ``max_files``
    files or takes the total past ``max_total_bytes``. Never raises for any
    content or name.
    """
    files: list[ClassFile] = []
    skipped: list[SkippedFile] = []
    first_with: dict[str, tuple[str, int]] = {}
    total = 0
    for position, (name, data) in enumerate(uploads, start=1):
        shown = display_name(name)
        if max_files is not None and position > max_files:
            skipped.append(SkippedFile(shown, f"Not read: a board takes at most {max_files:,} files at once."))
            continue
        size = len(data)
        if max_total_bytes is not None and total + size > max_total_bytes:
            skipped.append(
                SkippedFile(shown, f"Not read: the files together would pass the limit of {max_total_bytes:,} bytes.")
            )
            continue
        total += size
        try:
            read = read_class_file(shown, bytes(data))
        except PortfolioError as error:
            skipped.append(SkippedFile(shown, str(error)))
            continue
        earlier = first_with.get(read.fingerprint)
        if earlier is not None:
            skipped.append(
                SkippedFile(
                    shown,
                    f"Duplicate: its answers are the same as those in {earlier[0]} (file {earlier[1]}), "
                    "which is already on the board.",
                )
            )
            continue
        first_with[read.fingerprint] = (shown, position)
        files.append(read)
    return ClassBatch(tuple(files), tuple(skipped))


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


# ----------------------------------------------------------------------------- a synthetic class


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@dataclass
class _Traits:
    """A question's difficulty and the mistake most students make on it (fixed per question by the seed)."""

    difficulty: float
    favoured: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def _traits(question: Question, rng: random.Random) -> _Traits:
    traits = _Traits(difficulty=rng.gauss(0.0, 0.9))
    if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
        wrong = [i for i, option in enumerate(question.options) if not option.correct]
        right = [i for i, option in enumerate(question.options) if option.correct]
        traits.favoured = rng.choice(wrong) if wrong else rng.choice(right)
    elif isinstance(question, NumericQuestion):
        a = question.answer
        slips = [round(a * 2, 2), round(a / 2, 2), round(a + 1, 2), round(a * 10, 2)]
        if 0 < a < 100:
            slips.append(round(100 - a, 2))
        traits.favoured = rng.choice([s for s in slips if abs(s - a) > question.tolerance] or [a + 1 + question.tolerance])
    elif isinstance(question, CategoriseQuestion):
        ids = [category.id for category in question.categories]
        traits.extra = {s.id: rng.choice([c for c in ids if c != s.category]) for s in question.statements}
    elif isinstance(question, LikertQuestion):
        low, high = question.scale.min, question.scale.max
        traits.extra = {item.id: rng.uniform(low + 0.5, high - 0.3) for item in question.items}
    return traits


def _synthetic_answer(question: Question, traits: _Traits, ability: float, rng: random.Random) -> Any:
    p = _sigmoid(1.1 + ability - traits.difficulty)
    if isinstance(question, SingleChoiceQuestion):
        texts = [option.text for option in question.options]
        right = next(i for i, option in enumerate(question.options) if option.correct)
        if rng.random() < p:
            return {"chosen": [texts[right]]}
        others = [i for i in range(len(texts)) if i != right]
        return {"chosen": [texts[traits.favoured if rng.random() < 0.6 else rng.choice(others)]]}
    if isinstance(question, MultipleChoiceQuestion):
        texts = [option.text for option in question.options]
        key = {i for i, option in enumerate(question.options) if option.correct}
        chosen = set(key)
        if rng.random() >= p:
            flip = traits.favoured if rng.random() < 0.6 else rng.randrange(len(texts))
            chosen ^= {flip}
            if rng.random() < 0.3:
                chosen ^= {rng.randrange(len(texts))}
            if not chosen:
                chosen = {traits.favoured}
        return {"chosen": [texts[i] for i in sorted(chosen)]}
    if isinstance(question, NumericQuestion):
        if rng.random() < p:
            return {"value": question.answer}
        if rng.random() < 0.55:
            return {"value": traits.favoured}
        value = round(question.answer * rng.uniform(0.5, 1.5), 1)
        if abs(value - question.answer) <= question.tolerance:
            value = round(question.answer + 1 + question.tolerance, 2)
        return {"value": value}
    if isinstance(question, CategoriseQuestion):
        ids = [category.id for category in question.categories]
        placements: dict[str, str | None] = {}
        for statement in question.statements:
            roll = rng.random()
            if roll < 0.03:
                placements[statement.id] = None
            elif rng.random() < _sigmoid(1.6 + ability - traits.difficulty):
                placements[statement.id] = statement.category
            elif rng.random() < 0.65:
                placements[statement.id] = traits.extra[statement.id]
            else:
                placements[statement.id] = rng.choice([c for c in ids if c != statement.category])
        if all(value is None for value in placements.values()):
            first = question.statements[0]
            placements[first.id] = first.category
        return {"placements": placements}
    if isinstance(question, LikertQuestion):
        low, high = question.scale.min, question.scale.max
        ratings = {
            item.id: min(high, max(low, round(traits.extra[item.id] + 0.4 * ability + rng.gauss(0.0, 0.8))))
            for item in question.items
            if rng.random() > 0.04
        }
        return {"ratings": ratings or {question.items[0].id: low}}
    raise ValueError(f"no synthetic answers for {question.type} questions")


def synthetic_class_files(
    n_students: int = 40,
    seed: int = CLASS_SEED,
    *,
    chapters: Mapping[str, ExerciseFile] | None = None,
    start: datetime = datetime(2025, 1, 13, 9, 0, tzinfo=UTC),
) -> tuple[tuple[str, bytes], ...]:
    """Class answers files of ``n_students`` fictional students, as :func:`read_class_files` takes them.

    Seeded: the same arguments give the same bytes. Each file is made by
    :func:`widgets.portfolio.export_class_answers`, exactly as a student's would
    be. Students differ in ability and in how far they got (later chapters are
    answered by fewer); each question has one favoured mistake, so the most
    common wrong answer stands out as in a real class.
    """
    if chapters is None:
        chapters, _problems = all_chapters()
    rng = random.Random(seed)
    numbers = sorted(chapters)
    questions = [q for number in numbers for q in chapters[number].questions if q.type in CLASS_ANSWER_KINDS]
    traits = {q.id: _traits(q, rng) for q in questions}
    chapter_at = {number: position for position, number in enumerate(numbers)}
    files = []
    for student in range(n_students):
        ability = rng.gauss(0.0, 1.0)
        reached = len(numbers) * rng.betavariate(4.0, 1.2)
        moment = start + timedelta(days=rng.randrange(21), minutes=rng.randrange(600))
        answers = []
        for question in questions:
            if chapter_at[question.id.split(".")[0]] > reached or rng.random() < 0.06:
                continue
            moment += timedelta(seconds=rng.randrange(40, 400), milliseconds=rng.randrange(1000))
            answer = _synthetic_answer(question, traits[question.id], ability, rng)
            answers.append(SavedAnswer(question.id, question.type, answer, moment.isoformat(timespec="milliseconds")))
        text = export_class_answers(answers, chapters, now=moment + timedelta(minutes=5))
        files.append((f"synthetic-student-{student + 1:03d}.md", text.encode("utf-8")))
    return tuple(files)


# ----------------------------------------------------------------------------- HTML

_RIGHT = '<span class="rw-cr-key"><span aria-hidden="true">✔</span> correct</span>'
_WRONG = '<span class="rw-cr-wrongmark"><span aria-hidden="true">✘</span> most common wrong answer</span>'
_TYPE_WORDS = {
    "single_choice": "single choice",
    "multiple_choice": "multiple choice (tick all that apply)",
    "numeric": "number",
    "categorise": "sorting task",
    "likert": "self-rating (no right answer)",
    "reflection": "reflection (private)",
}


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _bar(count: int, whole: int, correct: bool | None) -> str:
    width = 100 * count / whole if whole else 0.0
    tone = "rw-cr-right" if correct else "rw-cr-none" if correct is None else "rw-cr-other"
    bar = f'<span class="rw-cr-bar {tone}" style="width:{width:.1f}%"></span>' if count else ""
    return (
        f'<span class="rw-cr-bararea" aria-hidden="true">{bar}</span> '
        f'<span class="rw-cr-count">{count} <span class="rw-cr-pct">({_percent(count, whole)})</span></span>'
    )


def _bars_table(result: QuestionResult, caption: str) -> str:
    whole = result.graded
    marked = result.common_wrong is not None and result.type in {"single_choice", "numeric"}
    wrong_label = result.common_wrong.label if marked and result.common_wrong else None
    rows = []
    for tally in result.tallies:
        marks = _RIGHT if tally.correct else (_WRONG if tally.label == wrong_label else "")
        rows.append(
            f'<tr><th scope="row">{escape(tally.label)} {marks}</th><td>{_bar(tally.count, whole, tally.correct)}</td></tr>'
        )
    return (
        f'<table class="rw-cr-spread"><caption>{escape(caption)}</caption><thead><tr><th scope="col">Answer</th>'
        f'<th scope="col">Files (of {whole} that fit the question)</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _matrix_table(result: QuestionResult, caption: str, *, first: str) -> str:
    head = "".join(f'<th scope="col">{escape(column)}</th>' for column in result.columns)
    extra = '<th scope="col">Right</th>' if result.type == "categorise" else '<th scope="col">Mean</th>'
    body = []
    for row in result.rows:
        cells = []
        for tally in row.cells:
            share = f'<br><span class="rw-cr-pct">{_percent(tally.count, row.answered)}</span>' if tally.count else ""
            if tally.correct:
                cells.append(f'<td class="rw-cr-keycell"><strong>{tally.count}</strong>{share}<br>{_RIGHT}</td>')
            else:
                cells.append(f"<td>{tally.count}{share}</td>")
        if result.type == "categorise":
            summary = f'{row.right}<br><span class="rw-cr-pct">of {row.answered}</span>' if row.answered else "–"
        else:
            summary = f'{row.mean:.2f}<br><span class="rw-cr-pct">n = {row.answered}</span>' if row.mean is not None else "–"
        body.append(f'<tr><th scope="row">{escape(row.label)}</th>{"".join(cells)}<td>{summary}</td></tr>')
    return (
        f'<div class="rw-cr-scroll" role="region" tabindex="0" aria-label="{escape(caption)}">'
        f'<table class="rw-cr-matrix"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(first)}</th>{head}{extra}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
    )


def question_html(result: QuestionResult) -> str:
    """One question's panel: prompt, completion, share correct, most common wrong answer and the spread."""
    anchor = "rw-cr-" + re.sub(r"[^A-Za-z0-9]", "-", result.question_id)
    kind = _TYPE_WORDS.get(result.type, result.type)
    parts = [
        (
            f'<section class="rw-cr-question" aria-labelledby="{anchor}"><h3 id="{anchor}">'
            f'{escape(result.question_id)} <span class="rw-cr-type">· {escape(kind)}</span></h3>'
            f'<p class="rw-cr-prompt">{escape(result.prompt)}</p>'
        ),
        (
            f'<p class="rw-cr-stats">Answered by <strong>{result.answered} of {result.files}</strong> '
            f"file{'s' if result.files != 1 else ''} ({_percent(result.answered, result.files)})."
        ),
    ]
    if result.share_correct is not None:
        parts.append(
            f' <strong><span aria-hidden="true">✔</span> {result.correct} of {result.graded} correct</strong> '
            f"({_percent(result.correct or 0, result.graded)})."
        )
    if result.key:
        parts.append(f' Answer key: {escape(result.key)}.')
    parts.append("</p>")
    if result.unfit:
        parts.append(
            f'<p class="rw-cr-note">{result.unfit} answer{"s do" if result.unfit != 1 else " does"} not fit this '
            "exercise as it is now (it was changed since they were saved) and "
            f"{'are' if result.unfit != 1 else 'is'} not counted below.</p>"
        )
    if result.common_wrong is not None:
        parts.append(
            f'<p class="rw-cr-wrong"><span aria-hidden="true">✘</span> Most common wrong answer: '
            f"<strong>{escape(result.common_wrong.label)}</strong> "
            f"({result.common_wrong.count} file{'s' if result.common_wrong.count != 1 else ''}).</p>"
        )
    elif result.correct is not None and result.graded:
        parts.append('<p class="rw-cr-wrong">No wrong answers.</p>')
    if result.type == "reflection":
        parts.append(f'<p class="rw-cr-note">{escape(REFLECTION_NOTE)}</p>')
    elif not result.graded:
        parts.append('<p class="rw-cr-note">No answers to show yet.</p>')
    elif result.type == "single_choice":
        parts.append(_bars_table(result, f"{result.question_id}: files choosing each option"))
    elif result.type == "multiple_choice":
        parts.append(_bars_table(result, f"{result.question_id}: files ticking each option (✔ correct = should be ticked)"))
    elif result.type == "numeric":
        parts.append(_bars_table(result, f"{result.question_id}: the values given, most common first"))
    elif result.type == "categorise":
        parts.append(_matrix_table(result, f"{result.question_id}: where each statement was sorted", first="Statement"))
    elif result.type == "likert":
        parts.append(_matrix_table(result, f"{result.question_id}: ratings per item", first="Item"))
    parts.append("</section>")
    return "".join(parts)


_LEGEND = (
    '<p class="rw-cr-legend"><span aria-hidden="true">✔</span> <strong>correct</strong> marks the answer key '
    '(<span class="rw-cr-swatch rw-cr-right" aria-hidden="true"></span> blue bars); other answers have '
    '<span class="rw-cr-swatch rw-cr-other" aria-hidden="true"></span> orange-red bars, and '
    '<span aria-hidden="true">✘</span> marks the most common wrong answer. Percentages are of the files that '
    "answered.</p>"
)


def results_html(results: ClassResults, chapter: str | None = None) -> str:
    """The results of one chapter (or of all, if ``chapter`` is ``None``), with unknown questions reported."""
    if not results.files:
        return ""
    numbers = [number for number, _title in results.chapters if chapter is None or number == chapter]
    titles = dict(results.chapters)
    sections = []
    for number in numbers:
        questions = results.chapter(number)
        body = "".join(question_html(q) for q in questions) or "<p>This chapter has no questions.</p>"
        sections.append(f"<h2>Chapter {escape(number)} · {escape(titles[number])}</h2>{body}")
    unknown = ""
    if results.unknown:
        listed = "; ".join(f"{escape(question_id)} ({count} file{'s' if count != 1 else ''})" for question_id, count in results.unknown)
        unknown = feedback_box(
            "warning",
            f"<p>Some files answer questions the workbook no longer has, so those answers are not shown: {listed}. "
            "The files may come from another version of the workbook.</p>",
            title="Questions not in the workbook",
        )
    return _LEGEND + "".join(sections) + unknown


def summary_html(batch: ClassBatch, results: ClassResults | None = None, *, synthetic: bool = False) -> str:
    """The line at the top: files read and skipped, and answers counted."""
    read, skipped = len(batch.files), len(batch.skipped)
    if not read and not skipped:
        return feedback_box(
            "info",
            "<p>No answers files on the board yet. Add the <code>.md</code> or <code>.html</code> files your students "
            "exported (you can choose many at once), or show the synthetic example class.</p>",
            title="Class results",
        )
    total = read + skipped
    what = f"{'synthetic ' if synthetic else ''}file{'' if total == 1 else 's'}"
    answers = results.answers if results is not None else batch.answers
    body = (
        f"<p><strong>{total:,} {what} read: {read:,} on the board, {skipped:,} skipped.</strong> "
        f"{answers:,} answer{'' if answers == 1 else 's'} counted (each file's latest answer to each question).</p>"
    )
    if not read:
        return feedback_box("error", body + "<p>None of the files could be used; the reasons are below.</p>", title="Class results")
    return feedback_box("warning" if skipped else "info", body, title="Class results")


def skipped_html(skipped: Sequence[SkippedFile]) -> str:
    """The files left off the board, each with its (escaped) name and reason; the first 50 listed."""
    if not skipped:
        return ""
    items = "".join(f"<li><strong>{escape(s.name)}</strong>: {escape(s.reason)}</li>" for s in skipped[:_MAX_LISTED])
    more = f"<p>… and {len(skipped) - _MAX_LISTED} more.</p>" if len(skipped) > _MAX_LISTED else ""
    return feedback_box("warning", f"<ul>{items}</ul>{more}", title=f"Files skipped ({len(skipped)})")


# ----------------------------------------------------------------------------- the view

_BOARD_CSS = """<style>
.rw-exercise.rw-class-results { max-width: 72rem; }
.rw-exercise.rw-class-results .widget-html-content, .rw-exercise.rw-class-results .widget-label,
.rw-exercise.rw-class-results button, .rw-exercise.rw-class-results select {
  font-size: max(var(--jp-content-font-size1, 14px), 18px); line-height: 1.45; }
.rw-class-results .widget-upload { width: auto; }
.rw-class-results .widget-html, .rw-class-results .widget-html-content { min-width: 0; max-width: 100%; }
.rw-class-results .widget-html-content { overflow-wrap: break-word; }
.rw-class-results h2 { font-size: 1.35em; margin: 1.2rem 0 0.4rem 0; border-bottom: 2px solid currentColor; }
.rw-class-results h3 { font-size: 1.15em; margin: 1rem 0 0.2rem 0; }
.rw-cr-type { font-weight: normal; }
.rw-cr-question { margin: 0.4rem 0 1.4rem 0; }
.rw-cr-prompt { margin: 0.2rem 0; }
.rw-cr-stats, .rw-cr-wrong, .rw-cr-note { margin: 0.25rem 0; }
.rw-cr-spread, .rw-cr-matrix { border-collapse: collapse; margin: 0.4rem 0; }
.rw-cr-spread { width: 100%; }
.rw-cr-spread caption, .rw-cr-matrix caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
.rw-cr-spread th, .rw-cr-spread td, .rw-cr-matrix th, .rw-cr-matrix td {
  border-bottom: 1px solid #888; padding: 0.3rem 0.5rem; text-align: left; vertical-align: middle; }
.rw-cr-spread th[scope="row"] { font-weight: normal; width: 48%; }
.rw-cr-matrix th[scope="row"] { font-weight: normal; min-width: 10em; max-width: 22em; }
.rw-cr-matrix { font-size: 0.9em; }
.rw-cr-matrix thead th { vertical-align: bottom; min-width: 4em; font-size: 0.85em; hyphens: auto; }
.rw-cr-matrix td { text-align: center; }
.rw-cr-keycell { outline: 3px solid #0072B2; outline-offset: -3px; }
.rw-cr-scroll { overflow-x: auto; }
.rw-cr-bararea { display: inline-block; width: 55%; height: 1.1em; vertical-align: middle; }
.rw-cr-bar { display: block; height: 1.1em; min-width: 2px; }
.rw-cr-right { background: #0072B2; }
.rw-cr-other { background: #D55E00; }
.rw-cr-none { background: #6a6a6a; }
.rw-cr-swatch { display: inline-block; width: 1.4em; height: 0.8em; vertical-align: middle; }
.rw-cr-count { font-weight: 600; }
.rw-cr-pct { font-weight: normal; font-size: 0.85em; }
.rw-cr-key, .rw-cr-wrongmark { font-weight: 700; white-space: nowrap; }
.rw-cr-synthetic { font-weight: 700; border: 2px dashed currentColor; padding: 0.3rem 0.6rem; }
</style>"""

_INTRO = (
    "<p>Add the files your students exported: the anonymised <em>class answers file</em> from chapter 09 "
    "(\u201cPrepare a class answers file\u201d), or a reflective log. Choose many files at once: the browser "
    "sends each choice as one message, which the workbook's servers accept up to 64 MB (a class answers file is "
    f"about 25 kB, a reflective log more). Each batch is added to the files already on the board, up to {MAX_CLASS_FILES}. Files are read in memory on this computer and not saved. "
    "Duplicate and unreadable files are listed with the reason and left out.</p>"
    f"<p><strong>Privacy:</strong> {escape(REFLECTION_NOTE)}</p>"
)


class ClassResultsView:
    """The class-results board: upload many answers files (or show a synthetic class) and see per-question results.

    Parameters
    ----------
    chapters, content_problems
        Exercise files by chapter number and the problems of those that did not
        load; default :func:`widgets.chapter.all_chapters`.
    """

    def __init__(
        self, *, chapters: Mapping[str, ExerciseFile] | None = None, content_problems: Sequence[str] = ()
    ) -> None:
        if chapters is None:
            chapters, content_problems = all_chapters()
        self.chapters = dict(chapters)
        self.uploads: list[tuple[str, bytes]] = []
        self.synthetic = False
        self.batch = ClassBatch((), ())
        self.results: ClassResults | None = None
        self.problems = ipw.HTML(
            "".join(notice("warning", f"Some chapters' questions could not be read: {p}") for p in content_problems)
        )
        self.upload = ipw.FileUpload(
            accept=".md,.html", multiple=True, description="Add answers files", layout=ipw.Layout(width="auto"),
            tooltip="Choose students' class answers files or reflective logs (.md or .html); many at once",
        )  # fmt: skip
        self.upload.observe(self._on_upload, names="value")
        self.example_button = ipw.Button(
            description="Show a synthetic example class", layout=ipw.Layout(width="auto"),
            tooltip="Replace the board with a made-up class of fictional students (SYNTHETIC)",
        )  # fmt: skip
        self.example_button.on_click(lambda _button: self.show_example())
        self.clear_button = ipw.Button(
            description="Clear", tooltip="Remove every file from the board", layout=ipw.Layout(width="auto")
        )
        self.clear_button.on_click(lambda _button: self.clear())
        self.summary = ipw.HTML()
        self.skipped = ipw.HTML()
        self.note = ipw.HTML()
        self.chapter = ipw.Dropdown(
            description="Chapter:", options=self._chapter_options(), value="all",
            style={"description_width": "initial"}, layout=ipw.Layout(width="auto"),
        )  # fmt: skip
        self._updating = False
        self.chapter.observe(lambda _change: None if self._updating else self._show_results(), names="value")
        self.board = ipw.HTML()
        self.container = ipw.VBox(
            [
                ipw.HTML(STYLE + _BOARD_CSS), self.problems, ipw.HTML(_INTRO),
                ipw.HBox([self.upload, self.example_button, self.clear_button]),
                self.summary, self.note, self.skipped, self.chapter, self.board,
            ]
        )  # fmt: skip
        self.container.add_class("rw-exercise")
        self.container.add_class("rw-class-results")
        self._render()

    def _chapter_options(self) -> list[tuple[str, str]]:
        options = [("All chapters", "all")]
        for number in sorted(self.chapters):
            title = self.chapters[number].title
            answered = ""
            if self.results is not None and self.results.files:
                count = sum(1 for q in self.results.chapter(number) if q.answered)
                answered = f" ({count} of {len(self.chapters[number].questions)} questions answered)"
            options.append((f"{number} · {title}{answered}", number))
        return options

    def add_files(self, files: Sequence[tuple[str, bytes]]) -> None:
        """Add uploaded ``(name, content)`` files to the board (replacing the synthetic class, if shown)."""
        if self.synthetic:
            self.uploads, self.synthetic = [], False
        self.uploads.extend((str(name), bytes(content)) for name, content in files)
        self._render()

    def show_example(self) -> None:
        """Replace the board with the seeded synthetic class (40 fictional students)."""
        try:
            example = synthetic_class_files(40, CLASS_SEED, chapters=self.chapters)
        except (ContentError, ValueError) as error:
            self.summary.value = notice("error", f"The synthetic class could not be made: {error}")
            return
        self.uploads, self.synthetic = list(example), True
        self._render()

    def clear(self) -> None:
        """Remove every file from the board."""
        self.uploads, self.synthetic = [], False
        self._render()

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        try:
            received = [(str(f.get("name", "")), bytes(f.get("content", b""))) for f in files]
        except (TypeError, ValueError, AttributeError) as error:
            self.summary.value = notice("error", f"The chosen files could not be received ({error}). Try again.")
            return
        finally:
            self.upload.value = ()
        self.add_files(received)

    def _render(self) -> None:
        first_results = self.results is None
        try:
            self.batch = read_class_files(self.uploads)
            self.results = class_results(self.batch.files, self.chapters) if self.batch.files else None
        except (PortfolioError, ContentError, ValueError, TypeError, KeyError) as error:
            self.batch, self.results = ClassBatch((), ()), None
            self.summary.value = notice("error", f"The files could not be shown on the board: {error}")
            self.skipped.value = self.note.value = self.board.value = ""
            return
        self.summary.value = summary_html(self.batch, self.results, synthetic=self.synthetic)
        self.skipped.value = skipped_html(self.batch.skipped)
        self.note.value = (
            f'<p class="rw-cr-synthetic" role="note">{escape(SYNTHETIC_CLASS_LABEL)}</p>' if self.synthetic else ""
        )
        current = self.chapter.value
        options = self._chapter_options()
        if first_results and self.results is not None:
            current = next((n for n in sorted(self.chapters) if any(q.answered for q in self.results.chapter(n))), "all")
        self._updating = True
        try:
            self.chapter.options = options
            self.chapter.value = current if current in {value for _label, value in options} else "all"
        finally:
            self._updating = False
        self.chapter.disabled = self.results is None
        self.clear_button.disabled = not self.uploads
        self._show_results()

    def _show_results(self) -> None:
        if self.results is None:
            self.board.value = ""
            return
        chosen = None if self.chapter.value == "all" else self.chapter.value
        self.board.value = results_html(self.results, chosen)


def class_results_board() -> ipw.Widget:
    """The class-results board (one call per notebook cell)."""
    return ClassResultsView().container
