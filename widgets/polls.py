"""Notebook entry points (poll board, students' poll page, CHIME explorer); the views live in :mod:`widgets.views.polls`."""

from .views.polls import chime_explorer, class_poll, poll_board

__all__ = ["chime_explorer", "class_poll", "poll_board"]
