"""The CPD templates (``data/cpd/templates.yaml``): what each professional body asks a reflective record to hold.

Each :class:`CpdTemplate` paraphrases one body's structure (the NMC's reflective account
and CPD record, the HCPC's CPD standards and profile, Social Work England's CPD record,
the reflective-practitioner guidance for doctors): its sections to write, an optional
checklist (the Code's four themes, the parts of a standard), and whether hours and
participatory hours are asked for. :class:`CpdFile` adds the rule for stated hours and the
chapters' own time estimates (offered as a suggestion, never filled in).

:func:`load_cpd` reads and validates the file; any problem is one :class:`CpdContentError`
naming the file, the template and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, model_validator

from .loading import (
    ContentError,
    FieldProblem,
    Slug,
    Strict,
    Text,
    content_cache,
    data_path,
    first_problem,
    located,
    read_yaml,
    require_unique,
)

__all__ = ["CpdChecklist", "CpdContentError", "CpdFile", "CpdSection", "CpdTemplate", "HoursRule", "load_cpd"]


class CpdContentError(ContentError):
    """The CPD templates file is missing, unreadable or breaks the schema; the message names file, template and field."""


class CpdSection(Strict):
    """One part of the record the student writes: a heading and a prompt in the workbook's own words.

    ``start_from`` names what the box starts with: ``activity`` (the workbook's record of
    the activity, in words) or the id of a reflection question whose saved answer is copied
    in (the student edits both); ``required`` sections must not be left empty.
    """

    id: Slug
    heading: Text
    prompt: Text
    required: bool = True
    start_from: Literal["activity"] | Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d+$")] | None = None


class CpdChecklist(Strict):
    """Boxes to tick (the Code's four themes, the parts of a standard); at least ``minimum`` must be ticked."""

    label: Text
    options: tuple[Text, ...] = Field(min_length=2)
    minimum: int = Field(default=1, ge=0)

    @model_validator(mode="after")
    def _options_unique(self) -> CpdChecklist:
        if len(set(self.options)) != len(self.options):
            raise FieldProblem("an option is listed twice", field="options")
        if self.minimum > len(self.options):
            raise FieldProblem(f"minimum {self.minimum} is more than the {len(self.options)} options", field="minimum")
        return self


class CpdTemplate(Strict):
    """One professional body's reflective record, as a template the student fills in."""

    id: Slug
    name: Text
    body: Text
    for_whom: Text
    about: tuple[Text, ...] = Field(min_length=1)
    """What the body asks for, paraphrased, one paragraph each (with citations)."""
    hours: Literal["required", "optional"]
    participatory: bool = False
    """Ask for participatory hours too (the NMC counts them separately)."""
    checklist: CpdChecklist | None = None
    sections: tuple[CpdSection, ...] = Field(min_length=2)
    source: Text
    """The citations of ``about``, as the record names them (``NMC, 2021; NMC, 2018``)."""
    references: tuple[Text, ...] = Field(min_length=1)
    """The full references, written at the end of the record."""

    @model_validator(mode="after")
    def _sections_unique(self) -> CpdTemplate:
        require_unique([s.id for s in self.sections], "sections")
        if self.participatory and self.hours != "required":
            raise FieldProblem("participatory hours are asked only where hours are required", field="participatory")
        return self


class HoursRule(Strict):
    """What a stated number of hours must be: more than 0, at most ``maximum``, a whole number of ``step``s."""

    step: float = Field(gt=0, le=1)
    maximum: float = Field(gt=0, le=1000)


class CpdFile(Strict):
    """The whole file: the hours rule, the chapters' time estimates in minutes, and the templates."""

    hours: HoursRule
    chapter_minutes: Mapping[Annotated[str, StringConstraints(pattern=r"^\d{2}$")], Annotated[int, Field(gt=0, le=600)]]
    templates: tuple[CpdTemplate, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> CpdFile:
        require_unique([t.id for t in self.templates], "templates")
        return self

    def template(self, template_id: str) -> CpdTemplate:
        """The template with ``template_id``; ``KeyError`` naming the known ids otherwise."""
        for template in self.templates:
            if template.id == template_id:
                return template
        raise KeyError(f"no CPD template {template_id!r}; known: {', '.join(t.id for t in self.templates)}")


def _problem(path: Path, error: ValidationError, raw: Any) -> CpdContentError:
    problem = first_problem(error)
    owner, skip = problem.owner, 0
    location = problem.location
    if len(location) >= 2 and location[0] == "templates" and location[1].isdigit():
        index, skip = int(location[1]), 2
        items = raw.get("templates") if isinstance(raw, dict) else None
        entry = items[index] if isinstance(items, list) and index < len(items) else None
        owner = owner or (entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else f"#{index + 1}")
    field = problem.field_path("(whole file)", skip=skip)
    return CpdContentError(located(path, problem.message, noun="template", owner=owner or "(file)", field=field))


@content_cache(lambda: data_path("cpd", "templates.yaml"))
def load_cpd(path: Path) -> CpdFile:
    """The CPD templates, from ``data/cpd/templates.yaml`` (or ``path``); :class:`CpdContentError` if the file is bad."""
    raw = read_yaml(path, CpdContentError)
    if not isinstance(raw, dict):
        raise CpdContentError(located(path, "expected a mapping with hours, chapter_minutes and templates", field="(whole file)"))
    try:
        return CpdFile.model_validate(raw)
    except ValidationError as error:
        raise _problem(path, error, raw) from None
