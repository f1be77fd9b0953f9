"""Answer keys the library can compute: each numeric question may say ``compute:``.

A test recomputes every such key, so an answer in ``data/exercises`` cannot drift
from the code that students check their work against.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..content.exercises import Computation
from .measurement import psychometrics

__all__ = ["COMPUTE", "compute"]


def _percentage(*, part: float, whole: float) -> float:
    if whole == 0:
        raise ValueError("whole must not be 0")
    return 100.0 * part / whole


def _rci(*, pre: float, post: float, sd_baseline: float, reliability: float) -> float:
    return psychometrics.reliable_change_index(pre, post, sd_baseline=sd_baseline, reliability=reliability).rci


def _threshold(*, sd_baseline: float, reliability: float) -> float:
    return psychometrics.reliable_change_index(0.0, 0.0, sd_baseline=sd_baseline, reliability=reliability).threshold


def _person_score(*, person: str, score: str) -> float:
    from .measurement.people import person_result

    value = person_result(person).value(score)
    if value is None:
        raise ValueError(f"{person}'s {score} score cannot be computed")
    return value


COMPUTE: Mapping[str, Callable[..., float]] = {
    "percentage": _percentage,
    "standard_error_of_measurement": lambda *, sd, reliability: psychometrics.standard_error_of_measurement(sd, reliability),
    "smallest_detectable_change": lambda *, sd, reliability: psychometrics.smallest_detectable_change(sd, reliability),
    "reliable_change_index": _rci,
    "reliable_change_threshold": _threshold,
    "person_score": _person_score,
}


def compute(computation: Computation) -> float:
    """Evaluate a question's ``compute:`` entry."""
    return float(COMPUTE[computation.function](**computation.arguments))
