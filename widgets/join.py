"""Notebook entry point: the join screen for the projector; the view lives in :mod:`widgets.views.join`."""

from .views.join import join_screen

__all__ = ["join_screen"]
