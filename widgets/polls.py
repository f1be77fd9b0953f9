"""Notebook entry points (poll board, students' poll page, CHIME explorer); the views live in :mod:`widgets.views.polls`
and :mod:`widgets.views.pollboard`."""

from .views.pollboard import poll_board
from .views.polls import chime_explorer, class_poll

__all__ = ["chime_explorer", "class_poll", "poll_board"]
