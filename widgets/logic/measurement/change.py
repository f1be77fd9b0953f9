"""Reliable change for a pair of scores: the numbers the RCI explorer shows (Jacobson & Truax, 1991)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import psychometrics

__all__ = ["ChangeExploration", "explore_change"]


ILLUSTRATIVE_CUTOFF = 50.0
"""A teaching cut-off, not a published threshold: no QPR-15 norms for a functional population are in our sources."""


# ----------------------------------------------------------------------------- reliable change


@dataclass(frozen=True)
class ChangeExploration:
    person: psychometrics.RCIResult
    person_class: psychometrics.ChangeClass
    cohort_classes: np.ndarray
    counts: dict[str, int]


def explore_change(
    pre: float,
    post: float,
    *,
    sd_baseline: float,
    reliability: float,
    cutoff: float,
    cohort_pre: np.ndarray,
    cohort_post: np.ndarray,
    higher_is_better: bool = True,
) -> ChangeExploration:
    """One person's reliable change and class, and the classes of a whole cohort, under the same settings."""
    options = {"sd_baseline": sd_baseline, "reliability": reliability}
    person = psychometrics.reliable_change_index(pre, post, higher_is_better=higher_is_better, **options)
    person_class = psychometrics.classify_change(pre, post, cutoff=cutoff, higher_is_better=higher_is_better, **options)
    classes = psychometrics.classify_changes(
        cohort_pre, cohort_post, cutoff=cutoff, higher_is_better=higher_is_better, **options
    )
    counts: dict[str, int] = {name: int(np.count_nonzero(classes == name)) for name in psychometrics.CHANGE_CLASSES}
    return ChangeExploration(person, person_class, classes, counts)


_CLASS_WORDS = {
    "recovered": "✔✔ Recovered: a reliable improvement that crosses the cut-off.",
    "improved": "✔ Improved: a reliable improvement that does not cross the cut-off.",
    "unchanged": "● Unchanged: the change is within what measurement error could produce.",
    "deteriorated": "✘ Deteriorated: a reliable worsening.",
}
