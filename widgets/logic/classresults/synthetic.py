"""A seeded class of fictional students' class answers files, in the exact export format (for trying the board)."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ...content.exercises import (
    CategoriseQuestion,
    ExerciseFile,
    LikertQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    Question,
    SingleChoiceQuestion,
    all_chapters,
)
from ..portfolio import (
    CLASS_ANSWER_KINDS,
    export_class_answers,
)
from ..records import SavedAnswer

__all__ = ["CLASS_SEED", "SYNTHETIC_CLASS_LABEL", "synthetic_class_files"]


CLASS_SEED = 20250113
"""The seed of the synthetic example class."""


SYNTHETIC_CLASS_LABEL = (
    "SYNTHETIC: a made-up class of fictional students with generated answers, for trying the board out. "
    "No real student's answers are shown."
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
