"""One registry per question kind: content models, kinds and views agree, and each kind's pieces fit together."""

from __future__ import annotations

import json
import random
import typing
from typing import Any

import pytest

from widgets.content.exercises import Question, all_chapters
from widgets.logic.classresults import (
    class_results,
    read_class_files,
    synthetic_class_files,
)
from widgets.logic.kinds import (
    CLASS_FILE_KINDS,
    FIT_ERRORS,
    KINDS,
    Traits,
    Unfit,
    kind_of,
)
from widgets.logic.kinds import choice as choice_kind
from widgets.views.exercises import _VIEWS

CHAPTERS, _PROBLEMS = all_chapters()
QUESTIONS = [q for number in sorted(CHAPTERS) for q in CHAPTERS[number].questions]


def content_types() -> set[str]:
    union = typing.get_args(Question)[0]
    return {typing.get_args(model.model_fields["type"].annotation)[0] for model in typing.get_args(union)}


def test_every_content_question_type_has_one_kind_and_one_view() -> None:
    assert content_types() == set(KINDS) == set(_VIEWS)


def test_each_kind_is_registered_under_its_own_type() -> None:
    assert all(kind.type == name for name, kind in KINDS.items())
    assert {"single_choice", "multiple_choice", "numeric", "categorise", "likert"} == CLASS_FILE_KINDS


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.type in CLASS_FILE_KINDS], ids=lambda q: q.id)
def test_a_synthesised_answer_parses_and_tallies(question: Any) -> None:
    kind = kind_of(question)
    rng = random.Random(question.id)
    traits = Traits(difficulty=0.0)
    kind.traits(question, traits, rng)
    for ability in (-2.0, 0.0, 2.0):
        payload = json.loads(json.dumps(kind.synthesise(question, traits, ability, rng)))
        tally = kind.tally(question, files=1)
        tally.add(kind.parse(question, payload), 1)
        result = tally.result()
        assert result.question_id == question.id and result.type == kind.type
        form, lines = kind.log_lines(question, payload)
        assert form in {"quote", "list", "plain", "code"} and lines


@pytest.mark.parametrize("name", sorted(CLASS_FILE_KINDS))
@pytest.mark.parametrize("payload", [{}, {"chosen": 5}, {"value": "x"}, {"placements": []}, {"ratings": {"x": 1.5}}, []])
def test_a_payload_of_another_shape_is_unfit(name: str, payload: Any) -> None:
    question = next(q for q in QUESTIONS if q.type == name)
    with pytest.raises(FIT_ERRORS):
        KINDS[name].parse(question, payload)


def test_an_option_the_question_no_longer_has_is_unfit() -> None:
    question = next(q for q in QUESTIONS if q.type == "single_choice")
    with pytest.raises(FIT_ERRORS):
        KINDS["single_choice"].parse(question, {"chosen": ["an option that was reworded"]})
    assert issubclass(Unfit, ValueError)


def test_a_bug_in_a_grader_is_raised_not_counted_as_an_unfit_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, AttributeError (and RecursionError) counted as "answers that no longer fit", hiding grader bugs."""

    def broken(question: Any, index: int) -> Any:
        raise AttributeError("a bug in the grader")

    monkeypatch.setattr(choice_kind, "grade_single_choice", broken)
    batch = read_class_files(synthetic_class_files(3, seed=5, chapters={"01": CHAPTERS["01"]}))
    with pytest.raises(AttributeError, match="a bug in the grader"):
        class_results(batch.files, {"01": CHAPTERS["01"]})
