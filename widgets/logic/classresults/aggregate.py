"""Per-question class results: every distinct answer counted once with pandas and graded once."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

import numpy as np
import pandas as pd

from ...content.exercises import ExerciseFile, NumericQuestion, Question, all_chapters
from ..export import question_sort_key
from ..kinds import (
    FIT_ERRORS,
    REFLECTION_NOTE,
    BoardTally,
    QuestionKind,
    QuestionResult,
    RowsResult,
    TalliesResult,
    Tally,
    TallyRow,
    Unfit,
    kind_of,
)
from .reading import ClassFile

__all__ = [
    "REFLECTION_NOTE",
    "ClassResults",
    "QuestionResult",
    "RowsResult",
    "TalliesResult",
    "Tally",
    "TallyRow",
    "answers_frame",
    "class_results",
]


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


def _check_precision(question: Question, answer: Any) -> None:
    """Raise :class:`Unfit` for a number with more decimal places than its question takes (its view refuses it)."""
    decimals = question.decimals if isinstance(question, NumericQuestion) else None
    if decimals is not None and isinstance(answer, float) and round(answer, decimals) != answer:
        raise Unfit(f"a number with more than {decimals} decimal places")


def _tally_answer(tally: BoardTally[Any, Any], kind: QuestionKind[Any, Any], answer_kind: str, key: str, count: int) -> None:
    """Count one distinct saved answer (``key``: its canonical JSON) given by ``count`` files; a misfit is counted as unfit."""
    tally.answered += count
    if kind.private:  # counted, never read
        return
    try:
        if answer_kind != kind.type:
            raise Unfit(f"a {answer_kind} answer to a {kind.type} question")
        answer = kind.parse(tally.question, json.loads(key))
        _check_precision(tally.question, answer)
    except FIT_ERRORS:
        tally.unfit += count
        return
    tally.add(answer, count)


def _with_first_tries(result: QuestionResult, first_tries: Mapping[str, Sequence[bool]]) -> QuestionResult:
    """``result`` with how many files were right at the first try, where files say (graded questions only)."""
    said = first_tries.get(result.question_id, ())
    if result.correct is None or not said:
        return result
    return replace(result, first_try_correct=sum(said), first_try_known=len(said))


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
    tallies = {question_id: (kind_of(question), kind_of(question).tally(question, len(files))) for question_id, question in questions.items()}
    unknown: Counter[str] = Counter()
    if len(frame):
        distinct = frame.groupby(["question_id", "kind", "answer_key"], sort=False, observed=True).size()
        for (question_id, kind, key), count in cast("Iterable[tuple[tuple[str, str, str], int]]", distinct.items()):
            known = tallies.get(question_id)
            if known is None:
                unknown[question_id] += int(count)
            else:
                _tally_answer(known[1], known[0], kind, key, int(count))
    first_tries: dict[str, list[bool]] = {}
    for class_file in files:
        for question_id, right in class_file.first_tries:
            first_tries.setdefault(question_id, []).append(right)
    return ClassResults(
        files=len(files),
        answers=len(frame),
        questions=tuple(_with_first_tries(tally.result(), first_tries) for _kind, tally in tallies.values()),
        chapters=tuple((number, chapters[number].title) for number in sorted(chapters)),
        unknown=tuple(sorted(unknown.items(), key=lambda item: (question_sort_key(item[0]), item[0]))),
    )
