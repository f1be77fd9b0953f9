"""The recovery-language checker (issue 16): the names the notebooks and tests use.

Layers (ARCHITECTURE.md): the lexicon and lab schemas and loaders are in
:mod:`widgets.content.language`, the phrase finding, context rules and rewriting in
:mod:`widgets.logic.language`, the feedback HTML in :mod:`widgets.logic.language_html`,
and the two views in :mod:`widgets.views.language`.
"""

from .content.language import (
    CATEGORIES,
    SOURCES,
    Lab,
    LabSentence,
    Lexicon,
    LexiconEntry,
    LexiconError,
    lab_question_id,
    load_labs,
    load_lexicon,
)
from .logic.language import (
    IDENTITY_NOTE,
    QUOTED_NOTE,
    SUPPORT_NOTE,
    Finding,
    LanguageCheck,
    check_language,
    find_phrases,
    highlight_html,
    suggest_rewrite,
)
from .logic.language_html import render_check
from .views.language import LanguageChecker, LanguageLab

__all__ = [
    "CATEGORIES",
    "IDENTITY_NOTE",
    "QUOTED_NOTE",
    "SOURCES",
    "SUPPORT_NOTE",
    "Finding",
    "Lab",
    "LabSentence",
    "LanguageCheck",
    "LanguageChecker",
    "LanguageLab",
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "check_language",
    "find_phrases",
    "highlight_html",
    "lab_question_id",
    "load_labs",
    "load_lexicon",
    "render_check",
    "suggest_rewrite",
]
