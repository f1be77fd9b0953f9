"""Kept for :mod:`widgets.language` (owned by the language checker work, issue 16) until it follows ARCHITECTURE.md: use :mod:`widgets.logic.markup`."""

from .logic.markup import STYLE, escape, feedback_box, markdown, notice

__all__ = ["STYLE", "escape", "feedback_box", "markdown", "notice"]
