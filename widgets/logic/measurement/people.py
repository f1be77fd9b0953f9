"""A fictional person's scores, computed from their answers by the scoring engine."""

from __future__ import annotations

from ...content.instruments import load_instruments
from ...content.people import load_people
from .scoring import ScoreResult, score_responses

__all__ = ["person_result"]


def person_result(person_id: str) -> ScoreResult:
    """The scoring engine's result for one fictional person."""
    person = load_people()[person_id]
    return score_responses(load_instruments()[person.instrument], person.answers)
