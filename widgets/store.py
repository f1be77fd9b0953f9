"""Kept for :mod:`widgets.language` (issue 16) until it follows ARCHITECTURE.md: use :mod:`widgets.storage.store`."""

from .storage.store import (
    ENV_VAR,
    AnswerStore,
    SavedAnswer,
    StoreError,
    default_db_path,
)

__all__ = ["ENV_VAR", "AnswerStore", "SavedAnswer", "StoreError", "default_db_path"]
