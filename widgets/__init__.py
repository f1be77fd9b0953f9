"""The Recovery-Oriented Practice Workbook's widgets: exercise logic, views, charts and storage.

Notebooks use one object per chapter::

    from widgets import Chapter
    chapter = Chapter("01-understanding-recovery")
    chapter.exercise("01.1")
"""

from .content.exercises import load_exercises
from .content.loading import ContentError
from .storage.store import AnswerStore, StoreError
from .views.chapter import Chapter

__all__ = ["AnswerStore", "Chapter", "ContentError", "StoreError", "load_exercises"]
__version__ = "0.1.0"
