"""Notebook entry point (the team comparison dashboard); the view lives in :mod:`widgets.views.teams`."""

from .views.teams import team_comparison

__all__ = ["team_comparison"]
