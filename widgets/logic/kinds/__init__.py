"""One place per question kind: parse a saved payload, grade, tally for the class board, synthesise, log, render.

:data:`KINDS` maps each question ``type`` of the exercise files to its :class:`~.base.QuestionKind`.
The views (:mod:`widgets.views.exercises`) keep one view per kind under the same keys; a test
checks the three lists (content models, kinds, views) agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...content.exercises import Question
from .base import (
    FIT_ERRORS,
    AnswerForm,
    BoardTally,
    QuestionKind,
    QuestionResult,
    RowsResult,
    TalliesResult,
    Tally,
    TallyRow,
    Traits,
    Unfit,
)
from .categorise import CategoriseKind
from .choice import MultipleChoiceKind, SingleChoiceKind
from .likert import LikertKind
from .numeric import NumericKind
from .reflection import REFLECTION_NOTE, ReflectionKind

__all__ = [
    "CLASS_FILE_KINDS",
    "FIT_ERRORS",
    "KINDS",
    "REFLECTION_NOTE",
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
    "kind_of",
]

KINDS: Mapping[str, QuestionKind[Any, Any]] = {
    kind.type: kind
    for kind in (SingleChoiceKind(), MultipleChoiceKind(), NumericKind(), CategoriseKind(), LikertKind(), ReflectionKind())
}
"""Every question kind, by the ``type`` its questions carry."""

CLASS_FILE_KINDS = frozenset(name for name, kind in KINDS.items() if kind.in_class_file)
"""The kinds whose answers go into the anonymised class answers file."""


def kind_of(question: Question) -> QuestionKind[Any, Any]:
    """The kind of ``question`` (every content question type has one)."""
    return KINDS[question.type]
