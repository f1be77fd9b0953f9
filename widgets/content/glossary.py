"""The glossary file (``data/glossary.yaml``): schema and loader.

Each term has the heading shown on the glossary page (which is also its link anchor),
the forms in which the chapters write it, a short definition in Markdown, the ids of
the sources it rests on (``data/sources.yaml``) and, optionally, related terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

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

__all__ = ["GlossaryError", "GlossaryFile", "Term", "load_glossary"]

TermName = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9 ,-]*[A-Za-z0-9]$", max_length=60)]
"""A term's heading: it becomes the anchor (spaces to hyphens), so only letters, digits, spaces, commas and hyphens."""

Form = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9 ,'-]*[A-Za-z]$", max_length=80)]
SourceId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]


class GlossaryError(ContentError):
    """The glossary file is missing, unreadable or breaks the schema; the message names file, term and field."""


class Term(Strict):
    term: TermName
    forms: tuple[Form, ...] = Field(min_length=1)
    definition: Text
    sources: tuple[SourceId, ...] = Field(min_length=1)
    see_also: tuple[TermName, ...] = ()

    @property
    def anchor(self) -> str:
        """The link anchor of the term on the glossary page: ``Personal-recovery``."""
        return self.term.replace(" ", "-")


class GlossaryFile(Strict):
    terms: tuple[Term, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_and_known(self) -> GlossaryFile:
        names = [term.term for term in self.terms]
        require_unique(names, "terms", field="term")
        forms = [form.lower() for term in self.terms for form in term.forms]
        require_unique(forms, "forms")
        known = set(names)
        for term in self.terms:
            for other in term.see_also:
                if other not in known:
                    raise FieldProblem(f"see_also names {other!r}, which is not a term here", field="see_also", owner=term.term)
                if other == term.term:
                    raise FieldProblem("a term cannot refer to itself", field="see_also", owner=term.term)
        return self

    def term(self, name: str) -> Term:
        """The term called ``name``; ``KeyError`` if there is none."""
        for term in self.terms:
            if term.term == name:
                return term
        raise KeyError(f"no glossary term {name!r}")


def _problem(path: Path, error: ValidationError, items: Sequence[Any]) -> GlossaryError:
    problem = first_problem(error)
    owner, skip = problem.owner, 0
    if owner is None and len(problem.location) >= 2 and problem.location[1].isdigit():
        index, skip = int(problem.location[1]), 2
        entry = items[index] if index < len(items) else None
        owner = entry.get("term") if isinstance(entry, dict) and isinstance(entry.get("term"), str) else f"#{index + 1}"
    field = problem.field_path("(whole file)", skip=skip)
    return GlossaryError(located(path, problem.message, noun="term", owner=owner or "(file)", field=field))


@content_cache(lambda: data_path("glossary.yaml"))
def load_glossary(path: Path) -> GlossaryFile:
    """The glossary, from ``data/glossary.yaml`` (or ``path``); :class:`GlossaryError` if the file is bad."""
    raw = read_yaml(path, GlossaryError)
    if not isinstance(raw, dict):
        raise GlossaryError(located(path, "expected a mapping with a 'terms' list", noun="term", owner="(file)", field="(whole file)"))
    found = raw.get("terms")
    items: Sequence[Any] = found if isinstance(found, list) else []
    try:
        return GlossaryFile.model_validate(raw)
    except ValidationError as error:
        raise _problem(path, error, items) from None
