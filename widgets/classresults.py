"""Notebook entry point (the class-results dashboard); the board lives in :mod:`widgets.views.classresults`."""

from .views.classresults import class_results_board

__all__ = ["class_results_board"]
