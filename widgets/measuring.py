"""Notebook entry points for chapters 06-07 (measuring recovery); the views live in :mod:`widgets.views.measuring`."""

from .views.measuring import (
    cohort_reliability,
    floor_and_ceiling,
    measure_explorer,
    person_scoring,
    rci_explorer,
    upload_and_score,
)

__all__ = ["cohort_reliability", "floor_and_ceiling", "measure_explorer", "person_scoring", "rci_explorer", "upload_and_score"]
