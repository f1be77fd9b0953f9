"""Notebook entry points (poll board, CHIME explorer); the views live in :mod:`widgets.views.polls`."""

from .views.polls import chime_explorer, poll_board

__all__ = ["chime_explorer", "poll_board"]
