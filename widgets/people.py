"""Fictional people with synthetic answers (``data/measures/people.yaml``), scored by the engine."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .content import data_dir, read_yaml
from .scoring import ScoreResult, load_instruments, score_responses

__all__ = ["Person", "PeopleError", "load_people", "person_result"]


class PeopleError(ValueError):
    """The people file is unreadable or a person does not fit their instrument."""


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    instrument: str
    context: str
    answers: dict[str, int | None]


@lru_cache(maxsize=2)
def load_people(path: Path | None = None) -> dict[str, Person]:
    """Read and check every person: known instrument, every item answered or blank, answers scorable."""
    path = path or data_dir() / "measures" / "people.yaml"
    raw = read_yaml(path, PeopleError)
    try:
        people = [Person.model_validate(entry) for entry in raw["people"]]
    except (KeyError, TypeError, ValidationError) as error:
        raise PeopleError(f"{path}: not a valid people file ({str(error).splitlines()[0]})") from None
    instruments = load_instruments()
    for person in people:
        instrument = instruments.get(person.instrument)
        if instrument is None:
            raise PeopleError(f"{path}: person {person.id!r}, field 'instrument': unknown {person.instrument!r}")
        if set(person.answers) != set(instrument.item_ids):
            raise PeopleError(f"{path}: person {person.id!r}, field 'answers': needs exactly the items of {instrument.id}")
        score_responses(instrument, person.answers)  # raises ScoringError naming item and value
    return {person.id: person for person in people}


def person_result(person_id: str) -> ScoreResult:
    """The scoring engine's result for one fictional person."""
    person = load_people()[person_id]
    return score_responses(load_instruments()[person.instrument], person.answers)
