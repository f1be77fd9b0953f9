"""The catalogue of recovery and well-being measures: schema and loader.

``data/measures/catalogue.csv`` holds one row per instrument with its facts, its
source and a short teaching note (``notes``). Every fact in it is verified: the
checks are recorded in ``data/sources.yaml`` for maintainers, never shown to
students. Rows are validated on load;
a bad file raises one :class:`CatalogueError` naming the file, the instrument and
the field. Filtering it is the pure :func:`widgets.logic.measurement.catalogue.filter_measures`,
so the explorer view only reads controls and renders.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    ConfigDict,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
)
from pydantic.dataclasses import dataclass

from .loading import ContentError, content_cache, data_path, first_problem, located

__all__ = ["CONSTRUCTS", "LENGTHS", "PERSPECTIVES", "CatalogueError", "Measure", "load_catalogue"]


Construct = Literal["personal_recovery", "service_recovery_orientation", "wellbeing", "other"]


Perspective = Literal["self_report", "staff", "collaborative", "service_level", "multiple"]


Length = Literal["short", "medium", "long", "unknown"]


CONSTRUCTS: dict[Construct, str] = {
    "personal_recovery": "Personal recovery",
    "service_recovery_orientation": "Recovery orientation of services and staff",
    "wellbeing": "Well-being",
    "other": "Routine clinical and quality-of-life outcomes",
}


PERSPECTIVES: dict[Perspective, str] = {
    "self_report": "Self-report (service user or respondent)",
    "staff": "Staff",
    "collaborative": "Worker and service user together",
    "service_level": "Service or organisation",
    "multiple": "Several versions or sources",
}


LENGTHS: dict[Length, str] = {
    "short": "Short (10 items or fewer)",
    "medium": "Medium (11 to 25 items)",
    "long": "Long (more than 25 items)",
    "unknown": "Item count varies or is not a single number",
}


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class CatalogueError(ContentError):
    """The catalogue file is missing, unreadable or has a bad row."""


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Measure:
    """One instrument, as the catalogue describes it."""

    abbreviation: Text
    name: Text
    construct: Construct
    developers_year: Text
    items: Text
    response_scale: Text
    score_min: float | None
    score_max: float | None
    subscales: Text
    reliability_note: Text
    source: Text
    notes: Text
    perspective: Perspective
    licence: Text

    @field_validator("score_min", "score_max", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("score_min", "score_max")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number")
        return value

    @property
    def item_count(self) -> int | None:
        """The number of items when the catalogue gives a plain number, else ``None``."""
        return int(self.items) if self.items.isdigit() else None

    @property
    def length(self) -> Length:
        count = self.item_count
        if count is None:
            return "unknown"
        return "short" if count <= 10 else "medium" if count <= 25 else "long"


_MEASURE = TypeAdapter(Measure)


@content_cache(lambda: data_path("measures", "catalogue.csv"))
def load_catalogue(path: Path) -> tuple[Measure, ...]:
    """Read and validate the catalogue (default ``data/measures/catalogue.csv``)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CatalogueError(f"{path}: cannot read the catalogue ({error})") from None
    measures: list[Measure] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        name = row.get("abbreviation") or f"(row on line {line})"
        if None in row:
            raise CatalogueError(f"{path}: measure {name!r} (line {line}): more fields than the header names")
        try:
            measure = _MEASURE.validate_python(row)
        except ValidationError as error:
            problem = first_problem(error)
            raise CatalogueError(
                located(path, problem.message, noun="measure", owner=name, where=f"line {line}", field=problem.field_path("(row)"))
            ) from None
        if measure.abbreviation in seen:
            raise CatalogueError(located(path, "duplicate", noun="measure", owner=name, where=f"line {line}", field="abbreviation"))
        seen.add(measure.abbreviation)
        measures.append(measure)
    if not measures:
        raise CatalogueError(f"{path}: the catalogue has no measures")
    return tuple(measures)
