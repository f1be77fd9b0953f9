"""Seminar slide sequences (``data/seminars/*.yaml``): schema and loader.

A seminar is one chapter's key points, discussion questions and class polls, in the order a
lecturer shows them. Each file is validated on load: a slide is one of three kinds
(``key_point``, ``discussion``, ``poll``), a key point has 2-4 short points and at least one
reference, and a poll slide names a poll that ``data/class/polls.yaml`` has. Any problem is
one :class:`SeminarError` naming the file, the slide and the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, model_validator

from .loading import ContentCache, ContentError, FieldProblem, Strict, Text, data_path, first_problem, located, read_yaml
from .polls import Poll, PollError, load_polls

__all__ = [
    "DiscussionSlide",
    "KeyPointSlide",
    "PollSlide",
    "Seminar",
    "SeminarError",
    "Slide",
    "all_seminars",
    "load_seminar",
]

MAX_POINT = 180
"""Characters in one bullet point: what reads in at most two lines on a projector."""

ChapterId = Annotated[str, StringConstraints(pattern=r"^\d\d-[a-z0-9-]+$")]
Point = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_POINT)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class SeminarError(ContentError):
    """A seminar file is missing, unreadable or breaks the schema; the message names file, slide and field."""


class _Slide(Strict):
    section: Text
    """The chapter's section (its heading) the slide comes from, shown on the slide."""
    care: Text | None = None
    """A content note shown above the slide (suicide, self-harm, coercion): what it covers and where support is."""


class KeyPointSlide(_Slide):
    kind: Literal["key_point"]
    title: Title
    points: tuple[Point, ...] = Field(min_length=2, max_length=4)
    references: tuple[Text, ...] = Field(min_length=1, max_length=4)


class DiscussionSlide(_Slide):
    kind: Literal["discussion"]
    title: Title
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=260)]
    prompts: tuple[Point, ...] = Field(default=(), max_length=3)
    references: tuple[Text, ...] = Field(default=(), max_length=4)


class PollSlide(_Slide):
    kind: Literal["poll"]
    poll: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


Slide = Annotated[KeyPointSlide | DiscussionSlide | PollSlide, Field(discriminator="kind")]


class Seminar(Strict):
    chapter: ChapterId
    title: Text
    slides: tuple[Slide, ...] = Field(min_length=2, max_length=30)

    @model_validator(mode="after")
    def _a_seminar_has_key_points(self) -> Seminar:
        if not any(isinstance(slide, KeyPointSlide) for slide in self.slides):
            raise FieldProblem("a seminar needs at least one key_point slide", field="slides")
        return self

    @property
    def id(self) -> str:
        return self.chapter

    def polls(self) -> tuple[str, ...]:
        """The ids of the polls this seminar shows, in order."""
        return tuple(slide.poll for slide in self.slides if isinstance(slide, PollSlide))


def _error(path: Path, error: ValidationError, slides: Sequence[Any]) -> SeminarError:
    """One message naming the file, the slide (by number and title) and the field."""
    problem = first_problem(error)
    location = problem.location
    if len(location) >= 2 and location[0] == "slides" and location[1].isdigit():
        index = int(location[1])
        raw = slides[index] if index < len(slides) else None
        title = raw.get("title") or raw.get("poll") if isinstance(raw, dict) else None
        owner = f"#{index + 1}" + (f" {title}" if isinstance(title, str) else "")
        skip = 3 if len(location) >= 3 and location[2] in {"key_point", "discussion", "poll"} else 2
        field = problem.field_path("(whole slide)", skip=skip)
        return SeminarError(located(path, problem.message, noun="slide", owner=owner, field=field))
    return SeminarError(located(path, problem.message, field=problem.field_path("(whole file)")))


def _load_seminar(path: Path) -> Seminar:
    """One seminar file, validated; a poll slide must name a poll of ``data/class/polls.yaml``."""
    raw = read_yaml(path, SeminarError)
    if not isinstance(raw, dict):
        raise SeminarError(located(path, "expected a mapping with chapter, title and slides", field="(whole file)"))
    found = raw.get("slides")
    slides: Sequence[Any] = found if isinstance(found, list) else []
    try:
        seminar = Seminar.model_validate(raw)
    except ValidationError as error:
        raise _error(path, error, slides) from None
    if path.stem != seminar.chapter:
        raise SeminarError(
            located(path, f"the file is named {path.stem!r} but says chapter {seminar.chapter!r}", field="chapter")
        )
    _check_polls(path, seminar, _polls())
    return seminar


load_seminar = ContentCache(_load_seminar)
"""Read one seminar file (again only when it changed); :class:`SeminarError` if it is bad."""


def _polls() -> Mapping[str, Poll]:
    try:
        return load_polls()
    except PollError as error:
        raise SeminarError(f"the seminars' polls cannot be read: {error}") from None


def _check_polls(path: Path, seminar: Seminar, polls: Mapping[str, Poll]) -> None:
    for index, slide in enumerate(seminar.slides):
        if isinstance(slide, PollSlide) and slide.poll not in polls:
            known = ", ".join(sorted(polls))
            raise SeminarError(
                located(
                    path,
                    f"no poll {slide.poll!r} in data/class/polls.yaml (it has {known})",
                    noun="slide",
                    owner=f"#{index + 1}",
                    field="poll",
                )
            )


def all_seminars(folder: Path | None = None) -> tuple[dict[str, Seminar], list[str]]:
    """Every seminar file that loads, by chapter (in chapter order), and the problems with those that do not."""
    seminars: dict[str, Seminar] = {}
    problems: list[str] = []
    for path in sorted((folder or data_path("seminars")).glob("*.yaml")):
        try:
            seminar = load_seminar(path)
        except ContentError as error:
            problems.append(str(error))
            continue
        seminars[seminar.chapter] = seminar
    return seminars, problems
