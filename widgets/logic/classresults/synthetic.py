"""A seeded class of fictional students' class answers files, in the exact export format (for trying the board)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from ...content.exercises import ExerciseFile, NumericQuestion, Question, all_chapters
from ..attempts import answer_correct
from ..kinds import CLASS_FILE_KINDS, Traits, kind_of
from ..portfolio import export_class_answers
from ..records import SavedAnswer

__all__ = ["CLASS_SEED", "SYNTHETIC_CLASS_LABEL", "synthetic_class_files"]


CLASS_SEED = 20250113
"""The seed of the synthetic example class."""


SYNTHETIC_CLASS_LABEL = (
    "SYNTHETIC: a made-up class of fictional students with generated answers, for trying the board out. "
    "No real student's answers are shown."
)


# ----------------------------------------------------------------------------- a synthetic class


def _traits(question: Question, rng: random.Random) -> Traits:
    traits = Traits(difficulty=rng.gauss(0.0, 0.9))
    kind_of(question).traits(question, traits, rng)
    return traits


def synthetic_class_files(
    n_students: int = 40,
    seed: int = CLASS_SEED,
    *,
    chapters: Mapping[str, ExerciseFile] | None = None,
    start: datetime = datetime(2025, 1, 13, 9, 0, tzinfo=UTC),
) -> tuple[tuple[str, bytes], ...]:
    """Class answers files of ``n_students`` fictional students, as :func:`read_class_files` takes them.

    Seeded: the same arguments give the same bytes. Each file is made by
    :func:`widgets.logic.portfolio.export_class_answers`, exactly as a student's would
    be. Students differ in ability and in how far they got (later chapters are
    answered by fewer); each question has one favoured mistake, so the most
    common wrong answer stands out as in a real class. Each graded answer says
    how many tries it took and whether the first was right (drawn from a
    separate stream, so the answers are those of the same seed without tries).
    """
    if chapters is None:
        chapters, _problems = all_chapters()
    rng = random.Random(seed)
    tries_rng = random.Random(f"{seed}:tries")
    numbers = sorted(chapters)
    questions = [q for number in numbers for q in chapters[number].questions if q.type in CLASS_FILE_KINDS]
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
            answer = kind_of(question).synthesise(question, traits[question.id], ability, rng)
            if isinstance(question, NumericQuestion) and question.decimals is not None:
                answer = {"value": round(float(answer["value"]), question.decimals)}  # typed as the question asks
            saved = SavedAnswer(question.id, question.type, answer, moment.isoformat(timespec="milliseconds"))
            right = answer_correct(question, answer)
            if right is not None:
                first = right and tries_rng.random() < 0.7
                tries = 1 if first else tries_rng.randint(1 if not right else 2, 3)
                saved = SavedAnswer(saved.question_id, saved.kind, saved.answer, saved.saved_at, tries, first)
            answers.append(saved)
        text = export_class_answers(answers, chapters, now=moment + timedelta(minutes=5))
        files.append((f"synthetic-student-{student + 1:03d}.md", text.encode("utf-8")))
    return tuple(files)
