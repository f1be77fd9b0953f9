"""The evidence figures (``data/evidence/*.yaml``): schema and loader; every value carries its source."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from .loading import ContentError, content_cache, data_path, first_problem, located, read_yaml

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

Percent = Annotated[float, Field(ge=0, le=100)]

__all__ = ["EvidenceError", "Figure", "load_figures"]


class EvidenceError(ContentError):
    """The figures file is unreadable or a figure is malformed."""


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    label: Text
    values: tuple[Percent, ...]
    design: Text
    source: Text


class Figure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Text
    title: Text
    measure: Text
    series: tuple[Text, ...] = Field(min_length=1)
    rows: tuple[Row, ...] = Field(min_length=1)
    note: Text | None = None

    @model_validator(mode="after")
    def _one_value_per_series(self) -> Figure:
        for row in self.rows:
            if len(row.values) != len(self.series):
                raise ValueError(f"row {row.label!r} has {len(row.values)} values for {len(self.series)} series")
        return self


@content_cache(lambda: data_path("evidence", "figures.yaml"))
def load_figures(path: Path) -> Mapping[str, Figure]:
    raw = read_yaml(path, EvidenceError)
    if raw is not None and not isinstance(raw, dict):
        raise EvidenceError(located(path, "expected a mapping with a 'figures' list", noun="figure", owner="(file)", field="(whole file)"))
    entries = (raw or {}).get("figures") or []
    if not isinstance(entries, list):
        raise EvidenceError(located(path, "expected a list of figures", noun="figure", owner="(file)", field="figures"))
    figures: dict[str, Figure] = {}
    for index, entry in enumerate(entries):
        name = entry.get("id", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
        try:
            figure = Figure.model_validate(entry)
        except ValidationError as error:
            problem = first_problem(error)
            raise EvidenceError(located(path, problem.message, noun="figure", owner=name, field=problem.field_path("(figure)"))) from None
        if figure.id in figures:
            raise EvidenceError(located(path, "duplicate", noun="figure", owner=name, field="id"))
        figures[figure.id] = figure
    if not figures:
        raise EvidenceError(f"{path}: no figures")
    return figures
