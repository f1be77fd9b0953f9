"""Answer keys that the library computes are rechecked against the library."""

from __future__ import annotations

import pytest

from widgets.content.exercises import COMPUTATIONS, NumericQuestion, load_exercise_file
from widgets.content.loading import data_dir
from widgets.logic.computed import COMPUTE, compute

COMPUTED = [
    question
    for path in sorted((data_dir() / "exercises").glob("*.yaml"))
    for question in load_exercise_file(path).questions
    if isinstance(question, NumericQuestion) and question.compute is not None
]


def test_the_schema_and_the_registry_name_the_same_computations() -> None:
    assert set(COMPUTE) == set(COMPUTATIONS)


def test_there_are_computed_keys_to_check() -> None:
    assert COMPUTED, "at least one numeric question should say how its key is computed"


@pytest.mark.parametrize("question", COMPUTED, ids=lambda q: q.id)
def test_each_computed_key_matches_the_library(question: NumericQuestion) -> None:
    assert question.compute is not None
    value = compute(question.compute)
    assert abs(value - question.answer) <= question.tolerance + 1e-9, (
        f"{question.id}: the key is {question.answer} ± {question.tolerance}, the library gives {value:.4f}"
    )


def test_percentage_refuses_a_zero_whole() -> None:
    with pytest.raises(ValueError, match="whole"):
        COMPUTE["percentage"](part=1, whole=0)


def test_psychometric_computations_give_the_worked_example() -> None:
    # SEM = 10 * sqrt(1 - 0.8) = 4.4721; threshold = 1.96 * sqrt(2) * SEM = 12.396
    assert COMPUTE["standard_error_of_measurement"](sd=10, reliability=0.8) == pytest.approx(4.4721, abs=1e-4)
    assert COMPUTE["reliable_change_threshold"](sd_baseline=10, reliability=0.8) == pytest.approx(12.396, abs=1e-3)
    assert COMPUTE["smallest_detectable_change"](sd=10, reliability=0.8) == pytest.approx(12.396, abs=1e-3)
    assert COMPUTE["reliable_change_index"](pre=30, post=42, sd_baseline=10, reliability=0.8) == pytest.approx(1.8974, abs=1e-4)
