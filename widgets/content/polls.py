"""The poll and CHIME-process files (``data/class/polls.yaml``, ``data/class/chime.yaml``): schema and loaders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, StringConstraints, ValidationError, model_validator

from .loading import (
    ContentError,
    FieldProblem,
    Strict,
    Text,
    content_cache,
    data_path,
    first_problem,
    located,
    read_yaml,
    require_unique,
)
from .vignettes import CHIME_IDS

PollId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]

__all__ = ["MAX_TEXT_LENGTH", "ChimeFile", "Poll", "PollError", "load_chime", "load_polls"]


MAX_TEXT_LENGTH = 280
"""The longest answer an open-text poll may allow (the store's column holds 4 times this, in characters)."""


M = TypeVar("M", bound=Strict)


class PollError(ContentError):
    """A polls or CHIME file is missing, unreadable or breaks the schema; the message names file, item and field."""


class Poll(Strict):
    """One poll. ``kind: choice`` (the default) offers a framework's items; ``kind: open_text`` takes a short typed answer.

    An open-text poll has no framework and says how long an answer may be (``max_length``, 20 to
    :data:`MAX_TEXT_LENGTH` characters); a choice poll names its framework and has no ``max_length``.
    """

    id: PollId
    question: Text
    kind: Literal["choice", "open_text"] = "choice"
    framework: Literal["chime", "top_tips"] | None = None
    max_length: Annotated[int, Field(ge=20, le=MAX_TEXT_LENGTH)] | None = None
    note: Text
    source: Text

    @model_validator(mode="after")
    def _fields_fit_the_kind(self) -> Poll:
        if self.kind == "choice":
            if self.framework is None:
                raise FieldProblem("a choice poll names its framework (chime or top_tips)", field="framework")
            if self.max_length is not None:
                raise FieldProblem("only an open_text poll has a max_length", field="max_length")
        else:
            if self.framework is not None:
                raise FieldProblem("an open_text poll has no framework: students type their own answer", field="framework")
            if self.max_length is None:
                raise FieldProblem("an open_text poll says how long an answer may be (20 to 280 characters)", field="max_length")
        return self


class PollFile(Strict):
    polls: tuple[Poll, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> PollFile:
        require_unique([poll.id for poll in self.polls], "polls", field="id")
        return self


class Process(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^chime-[a-z]+$")]
    letter: Literal["C", "H", "I", "M", "E"]
    sub_themes: tuple[Text, ...] = Field(min_length=1)


class ChimeFile(Strict):
    source: Text
    about: Text
    sub_themes_status: Text
    processes: tuple[Process, ...]
    beyond_chime: Text

    @model_validator(mode="after")
    def _five_processes_in_order(self) -> ChimeFile:
        found = tuple(process.id for process in self.processes)
        if found != CHIME_IDS:
            raise FieldProblem(f"expected {', '.join(CHIME_IDS)} in that order, found {', '.join(found) or 'none'}", field="processes")
        return self


def _first_problem(path: Path, error: ValidationError, items: Sequence[Any], kind: str) -> PollError:
    """One message naming the file, the item (by id where it has one) and the field."""
    problem = first_problem(error)
    owner, skip = problem.owner, 0
    if owner is None and len(problem.location) >= 2 and problem.location[1].isdigit():
        index, skip = int(problem.location[1]), 2
        entry = items[index] if index < len(items) else None
        owner = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else f"#{index + 1}"
    field = problem.field_path("(whole file)", skip=skip)
    return PollError(located(path, problem.message, noun=kind, owner=owner or "(file)", field=field))


def _load(path: Path, model: type[M], items_key: str, kind: str) -> M:
    """Read a YAML mapping and validate it as ``model``; any problem is one :class:`PollError` naming file, item and field."""
    raw = read_yaml(path, PollError)
    if not isinstance(raw, dict):
        raise PollError(located(path, f"expected a mapping with a {items_key!r} list", noun=kind, owner="(file)", field="(whole file)"))
    found = raw.get(items_key)
    items: Sequence[Any] = found if isinstance(found, list) else []
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise _first_problem(path, error, items, kind) from None


@content_cache(lambda: data_path("class", "polls.yaml"))
def load_polls(path: Path) -> Mapping[str, Poll]:
    """The polls by id, from ``data/class/polls.yaml`` (or ``path``); :class:`PollError` if the file is bad."""
    polls = _load(path, PollFile, "polls", "poll")
    return {poll.id: poll for poll in polls.polls}


@content_cache(lambda: data_path("class", "chime.yaml"))
def load_chime(path: Path) -> ChimeFile:
    """The CHIME explorer's content, from ``data/class/chime.yaml`` (or ``path``)."""
    return _load(path, ChimeFile, "processes", "process")
