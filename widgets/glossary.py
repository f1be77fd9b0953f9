"""Notebook entry point of the glossary page (``workbooks/glossary.ipynb``); the view lives in :mod:`widgets.views.progress`."""

from .views.progress import follow_link

__all__ = ["follow_link"]
