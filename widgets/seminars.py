"""Notebook entry point for sequence mode (a chapter's seminar as slides); the view lives in :mod:`widgets.views.seminars`."""

from .views.seminars import seminar_deck

__all__ = ["seminar_deck"]
