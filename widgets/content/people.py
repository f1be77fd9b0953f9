"""The fictional people of chapters 06-07 (``data/measures/people.yaml``): schema and loader."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .instruments import ScoringError, checked_value, load_instruments
from .loading import ContentError, content_cache, data_path, first_problem, located, read_yaml

__all__ = ["PeopleError", "Person", "load_people"]


class PeopleError(ContentError):
    """The people file is unreadable or a person does not fit their instrument."""


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    instrument: str
    context: str
    answers: dict[str, int | None]


@content_cache(lambda: data_path("measures", "people.yaml"))
def load_people(path: Path) -> Mapping[str, Person]:
    """Read and check every person: known instrument, every item answered or blank, answers scorable.

    Raises
    ------
    PeopleError
        The file is unreadable, not YAML or not a list of people, or a person names an
        unknown instrument, lacks an item or has an answer off its scale; the message
        names the file, the person and the field.
    """
    raw = read_yaml(path, PeopleError)
    if not isinstance(raw, dict) or not isinstance(raw.get("people"), list):
        raise PeopleError(located(path, "expected a mapping with a list of people", noun="person", owner="(file)", field="people"))
    people: list[Person] = []
    for index, entry in enumerate(raw["people"]):
        name = entry["id"] if isinstance(entry, dict) and isinstance(entry.get("id"), str) else f"#{index + 1}"
        try:
            person = Person.model_validate(entry)
        except ValidationError as error:
            problem = first_problem(error)
            raise PeopleError(located(path, problem.message, noun="person", owner=name, field=problem.field_path("(whole person)"))) from None
        if any(other.id == person.id for other in people):
            raise PeopleError(located(path, "duplicate", noun="person", owner=name, field="id"))
        people.append(person)
    instruments = load_instruments()
    for person in people:
        instrument = instruments.get(person.instrument)
        if instrument is None:
            raise PeopleError(located(path, f"unknown {person.instrument!r}", noun="person", owner=person.id, field="instrument"))
        if set(person.answers) != set(instrument.item_ids):
            raise PeopleError(located(path, f"needs exactly the items of {instrument.id}", noun="person", owner=person.id, field="answers"))
        try:
            for item in instrument.items:
                checked_value(instrument, item, person.answers[item.id])
        except ScoringError as error:  # names the item and the value
            raise PeopleError(located(path, str(error), noun="person", owner=person.id, field="answers")) from None
    return {person.id: person for person in people}
