"""The implementation challenges and rating scale (``data/teams/challenges.yaml``): schema and loader."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, ValidationError, model_validator

from .loading import ContentError, Strict, Text, content_cache, data_path, located, read_yaml

__all__ = ["Challenge", "ChallengeSet", "load_challenges"]


# ----------------------------------------------------------------------------- the ten challenges


class Challenge(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^ch(0[1-9]|10)$")]
    label: Text
    """A short label in our own words."""
    summary: Text


class RatingScale(Strict):
    min: int
    max: int

    @model_validator(mode="after")
    def _ordered(self) -> RatingScale:
        if not self.min < self.max <= self.min + 10:
            raise ValueError(f"scale must satisfy min < max <= min + 10, got min={self.min}, max={self.max}")
        return self


class Stages(Strict):
    confirmed: bool
    labels: tuple[Text, ...]
    note: Text


class ChallengeSet(Strict):
    """The ten challenges, their source, and the rating scale with its stage labels."""

    citation: Text
    source: Text
    reviewed: Text
    wording: Text
    scale: RatingScale
    stages: Stages
    challenges: tuple[Challenge, ...] = Field(min_length=10, max_length=10)

    @model_validator(mode="after")
    def _ids_in_order_and_one_label_per_stage(self) -> ChallengeSet:
        expected = [f"ch{number:02d}" for number in range(1, 11)]
        found = [challenge.id for challenge in self.challenges]
        if found != expected:
            raise ValueError(f"challenge ids must be ch01 ... ch10 in order, found {', '.join(found)}")
        steps = self.scale.max - self.scale.min + 1
        if len(self.stages.labels) != steps:
            raise ValueError(f"stages.labels has {len(self.stages.labels)} labels but the scale has {steps} points")
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(challenge.id for challenge in self.challenges)

    def label(self, challenge_id: str) -> str:
        return next(c.label for c in self.challenges if c.id == challenge_id)

    def stage_words(self) -> str:
        """E.g. ``1 = Engagement, 2 = Development, 3 = Transformation``."""
        return ", ".join(f"{self.scale.min + i} = {label}" for i, label in enumerate(self.stages.labels))


def load_challenges(path: Path | None = None) -> ChallengeSet:
    """Read and validate ``data/teams/challenges.yaml`` (or ``path``).

    Raises
    ------
    ContentError
        The file is missing, not valid YAML, or does not match the schema; the message
        names the file and the field.
    """
    if path is None:
        return _default_challenges()
    raw = read_yaml(path, ContentError)
    try:
        return ChallengeSet.model_validate(raw)
    except ValidationError as error:
        lines = [
            located(path, str(d["msg"]), field=".".join(str(p) for p in d["loc"]) or "(whole file)")
            for d in error.errors(include_url=False)
        ]
        raise ContentError("\n".join(lines)) from None


@content_cache(lambda: data_path("teams", "challenges.yaml"))
def _default_challenges(path: Path) -> ChallengeSet:
    return load_challenges(path)
