"""View layer: the only modules that import ipywidgets. Each view builds its controls once, calls the
pure logic in :mod:`widgets.logic`, and exposes ``.container``.

Submodules load on first use, so a dashboard imports only its own view.
"""

from __future__ import annotations

from typing import Any

_EXERCISES = frozenset({"AnswerSlot", "ExerciseView", "view_for"})


def __getattr__(name: str) -> Any:  # `from widgets.views import AnswerSlot` keeps working
    if name in _EXERCISES:
        from . import exercises

        return getattr(exercises, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
