"""Plain records passed between storage and the pure logic (no database code here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["DamagedRow", "SavedAnswer"]


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


@dataclass(frozen=True)
class DamagedRow:
    """A saved row that cannot be read back (its bytes changed on disk, or something else wrote it).

    ``question_id`` and ``saved_at`` are what could still be read of the row (``"?"`` where
    even that is damaged); ``row`` is its number in the file; ``reason`` says what is wrong.
    """

    row: int
    question_id: str
    saved_at: str
    reason: str

    @property
    def label(self) -> str:
        """``"your answer to 01.2 saved 2025-01-02 03:04 UTC (row 17)"``, in plain words."""
        when = f" saved {self.saved_at[:16].replace('T', ' ')} UTC" if self.saved_at != "?" else ""
        what = f"your answer to {self.question_id}" if self.question_id != "?" else "an answer"
        return f"{what}{when} (row {self.row})"
