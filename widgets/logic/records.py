"""Plain records passed between storage and the pure logic (no database code here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SavedAnswer"]


@dataclass(frozen=True)
class SavedAnswer:
    """One saved answer. ``tries`` and ``first_try_correct`` are filled in for exports
    (:func:`widgets.logic.attempts.with_tries`): the answers given to the question up
    to this one, and whether the first of them was right; ``None`` where not known."""

    question_id: str
    kind: str
    answer: Any
    saved_at: str
    tries: int | None = None
    first_try_correct: bool | None = None

    @property
    def tries_label(self) -> str | None:
        """``"right at the first try"``, ``"3 tries; the first was not right"``, or ``None`` if not known."""
        if self.tries is None:
            return None
        if self.first_try_correct:
            return "right at the first try" if self.tries == 1 else f"right at the first try ({self.tries} answers given)"
        if self.tries == 1:
            return "1 try; not right" if self.first_try_correct is False else "1 try"
        first = "; the first was not right" if self.first_try_correct is False else ""
        return f"{self.tries} tries{first}"
