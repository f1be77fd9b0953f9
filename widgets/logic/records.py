"""Plain records passed between storage and the pure logic (no database code here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SavedAnswer"]


@dataclass(frozen=True)
class SavedAnswer:
    question_id: str
    kind: str
    answer: Any
    saved_at: str
