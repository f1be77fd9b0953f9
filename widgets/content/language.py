"""The recovery-language checker's data: the lexicon and lab schemas and their loaders (no widgets).

``data/language/lexicon.yaml`` lists the phrases to flag, each with a category,
advice, a reason, a checked source and, optionally, drop-in rewrites and the
context it needs (see the file's header); ``data/language/labs.yaml`` holds the
rewrite labs. :func:`load_lexicon` and :func:`load_labs` validate them; every
problem is one :class:`LexiconError` line naming the file, the item and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from .loading import FieldProblem, Strict, data_dir, read_yaml, require_unique

__all__ = [
    "CATEGORIES",
    "SOURCES",
    "Lab",
    "LabSentence",
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "lab_question_id",
    "load_labs",
    "load_lexicon",
]

CATEGORIES = ("deficit", "paternalistic", "labelling", "stigmatising")
"""The kinds of phrase the lexicon flags."""

Category = Literal["deficit", "paternalistic", "labelling", "stigmatising"]

SOURCES: dict[str, str] = {
    "Deegan & Drake (2006)": (
        "Deegan PE, Drake RE (2006). Shared decision making and medication management in the "
        "recovery process. Psychiatric Services 57(11):1636-1639. doi:10.1176/ps.2006.57.11.1636"
    ),
    "Shepherd, Boardman & Slade (2008)": (
        "Shepherd G, Boardman J, Slade M (2008). Making Recovery a Reality. "
        "Sainsbury Centre for Mental Health."
    ),
    "Dunn & Andrews (2015)": (
        "Dunn DS, Andrews EE (2015). Person-first and identity-first language: developing psychologists' "
        "cultural competence using disability language. American Psychologist 70(3):255-264. "
        "doi:10.1037/a0038636"
    ),
    "Mental Health Act 1983, s18": (
        "Mental Health Act 1983, section 18: return and readmission of patients absent without leave. "
        "https://www.legislation.gov.uk/ukpga/1983/20/section/18"
    ),
    "Suicide Act 1961, s1": (
        "Suicide Act 1961, section 1: suicide to cease to be a crime (England and Wales). "
        "https://www.legislation.gov.uk/ukpga/Eliz2/9-10/60/section/1"
    ),
    "Workbook teaching convention (not from a published source)": (
        "A teaching convention of this workbook, not taken from a published source."
    ),
}
"""The sources a lexicon entry may cite (short form -> how it is shown to students).

A new one needs a reference that has been checked, never one recalled or invented.
"""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Word = Annotated[str, StringConstraints(pattern=r"^[a-z]+$")]
NextWord = Annotated[str, StringConstraints(pattern=r"^(?:[a-z]+|\.)$")]

_WORD = r"[a-z]+(?:'[a-z]+)?(?:\([a-z]+\))?"
_PATTERN_SYNTAX = re.compile(rf"^{_WORD}(?:[ -]{_WORD})*$")
_DASHES = "\\-\u2010\u2011\u2012\u2013"
"""Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash."""
_APOSTROPHES = "'\u2019"
_SEPARATOR = rf"[\s{_DASHES}]"
_BEFORE = rf"(?<![\w{_DASHES}])"
_AFTER = rf"(?![\w{_DASHES}])"
_MAX_REASON = 160


class LexiconError(ValueError):
    """A language data file (lexicon or labs) is missing, unreadable or does not match its schema."""


# --------------------------------------------------------------------------- patterns


def _pattern_forms(pattern: str) -> list[str]:
    """Every spelling a pattern lists: each bracketed ending present or absent."""
    forms = [""]
    for token in re.split(r"([ -])", pattern):
        match = re.fullmatch(r"([a-z']+)\(([a-z]+)\)", token)
        endings = [match[1], match[1] + match[2]] if match else [token]
        forms = [form + ending for form in forms for ending in endings]
    return forms


def _pattern_key(form: str) -> str:
    """What two spellings must differ in to count as different patterns."""
    return re.sub(r"[ '-]", "", form)


def _compile(form: str) -> re.Pattern[str]:
    """The regular expression for one spelling of a pattern (see the module's lexicon format)."""
    parts = []
    for token in re.split(r"([ -])", form):
        if token == " ":
            parts.append(f"{_SEPARATOR}+")
        elif token == "-":
            parts.append(f"{_SEPARATOR}*")
        elif re.fullmatch(r"[a-z]+(?:'[a-z]+)?", token):
            parts.append(f"[{_APOSTROPHES}]?".join(re.escape(piece) for piece in token.split("'")))
        else:
            raise ValueError(f"malformed pattern spelling {form!r} (word {token!r})")
    return re.compile(_BEFORE + "".join(parts) + _AFTER, re.IGNORECASE)


# --------------------------------------------------------------------------- lexicon schema


class LexiconEntry(Strict):
    """One flagged idea: the phrases that express it, what to write instead, and when it applies."""

    id: Slug
    patterns: tuple[str, ...] = Field(min_length=1)
    category: Category
    alternative: Text
    reason: Text
    source: Text
    rewrites: dict[str, Text] = Field(default_factory=dict)
    about: Literal["person", "service-user"] | None = None
    third_party_note: Text | None = None
    object_is_someone_else: bool = False
    needs_nearby: tuple[Word, ...] = ()
    followed_by: tuple[NextWord, ...] = ()
    when_detained: Text | None = None
    support: bool = False

    @field_validator("patterns")
    @classmethod
    def _patterns_well_formed(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for index, pattern in enumerate(patterns):
            if not isinstance(pattern, str) or not _PATTERN_SYNTAX.fullmatch(pattern):
                raise FieldProblem(
                    f"pattern {pattern!r} must be lower-case words separated by single spaces or hyphens, "
                    "with an optional ending in brackets, e.g. 'frequent flyer(s)'",
                    field=f"patterns.{index}",
                )
            for form in _pattern_forms(pattern):
                key = _pattern_key(form)
                if key in seen:
                    raise FieldProblem(
                        f"pattern {pattern!r} repeats pattern {seen[key]!r} (spaces, hyphens and endings aside)",
                        field=f"patterns.{index}",
                    )
                seen[key] = pattern
        return patterns

    @field_validator("reason")
    @classmethod
    def _reason_short(cls, reason: str) -> str:
        if len(reason) > _MAX_REASON:
            raise ValueError(f"reason has {len(reason)} characters; keep it to one short sentence (at most {_MAX_REASON})")
        return reason

    @field_validator("source")
    @classmethod
    def _source_known(cls, source: str) -> str:
        if source not in SOURCES:
            known = "; ".join(repr(name) for name in SOURCES)
            raise ValueError(f"unknown source {source!r}; use one of {known}")
        return source

    @model_validator(mode="after")
    def _rewrites_and_context_fit(self) -> LexiconEntry:
        spellings = set(self.forms)
        for spelling in self.rewrites:
            if spelling not in spellings:
                raise FieldProblem(
                    f"rewrite for {spelling!r}, which is not a spelling of any pattern "
                    f"(spellings: {', '.join(sorted(spellings))})",
                    field="rewrites",
                )
        if self.third_party_note is not None and self.about != "service-user":
            raise FieldProblem("third_party_note needs about: service-user", field="third_party_note")
        if self.object_is_someone_else and self.about != "service-user":
            raise FieldProblem("object_is_someone_else needs about: service-user", field="object_is_someone_else")
        return self

    @property
    def forms(self) -> tuple[str, ...]:
        """Every spelling of every pattern, in order."""
        return tuple(form for pattern in self.patterns for form in _pattern_forms(pattern))


class Lexicon(Strict):
    """The flagged phrases, validated, with their regular expressions compiled once."""

    entries: tuple[LexiconEntry, ...] = Field(min_length=1)
    _compiled: tuple[tuple[re.Pattern[str], LexiconEntry, str], ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _ids_and_patterns_unique(self) -> Lexicon:
        ids: set[str] = set()
        owners: dict[str, tuple[str, str]] = {}
        for entry in self.entries:
            if entry.id in ids:
                raise FieldProblem(f"duplicate id {entry.id!r} in entries", field="id", owner=entry.id)
            ids.add(entry.id)
            for index, pattern in enumerate(entry.patterns):
                for form in _pattern_forms(pattern):
                    key = _pattern_key(form)
                    if key in owners and owners[key][0] != entry.id:
                        other_id, other_pattern = owners[key]
                        raise FieldProblem(
                            f"pattern {pattern!r} is already a pattern of entry {other_id!r} ({other_pattern!r})",
                            field=f"patterns.{index}",
                            owner=entry.id,
                        )
                    owners[key] = (entry.id, pattern)
        return self

    def model_post_init(self, __context: Any) -> None:
        self._compiled = tuple((_compile(form), entry, form) for entry in self.entries for form in entry.forms)

    def entry(self, entry_id: str) -> LexiconEntry:
        """The entry with ``entry_id``; ``KeyError`` naming the known ids otherwise."""
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise KeyError(f"no lexicon entry {entry_id!r}; known ids: {', '.join(e.id for e in self.entries)}")


# --------------------------------------------------------------------------- labs schema


class LabSentence(Strict):
    id: Slug
    text: Text
    model_rewrite: Text


class Lab(Strict):
    """A rewrite exercise: fictional care-record sentences, each with a model rewrite."""

    id: Slug
    chapter: Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
    prompt: Text
    sentences: tuple[LabSentence, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _sentence_ids_unique_and_id_in_chapter(self) -> Lab:
        seen: set[str] = set()
        for index, sentence in enumerate(self.sentences):
            if sentence.id in seen:
                raise FieldProblem(f"duplicate sentence id {sentence.id!r}", field=f"sentences.{index}.id")
            seen.add(sentence.id)
        if not self.id.startswith(f"{self.chapter}-"):
            raise FieldProblem(f"lab id {self.id!r} does not start with its chapter {self.chapter!r}", field="id")
        return self

    @property
    def question_id(self) -> str:
        """Where answers to this lab are saved, e.g. ``"02.lab.02-care-plan"``."""
        return lab_question_id(self)


class _LabFile(Strict):
    labs: tuple[Lab, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> _LabFile:
        require_unique([lab.id for lab in self.labs], "labs", field="id")
        return self


def lab_question_id(lab: Lab) -> str:
    """The answer-store question id of a lab: ``f"{lab.chapter}.lab.{lab.id}"``."""
    return f"{lab.chapter}.lab.{lab.id}"


# --------------------------------------------------------------------------- loading


def _read_yaml(path: Path) -> Any:
    return read_yaml(path, LexiconError)


def _item_id_at(raw: Any, collection: str, loc: tuple[int | str, ...]) -> str:
    if len(loc) >= 2 and loc[0] == collection and isinstance(loc[1], int):
        try:
            return str(raw[collection][loc[1]].get("id", f"#{loc[1] + 1} (no id)"))
        except (AttributeError, IndexError, KeyError, TypeError):
            return f"#{loc[1] + 1}"
    return "(file)"


def _field_path(collection: str, loc: tuple[int | str, ...]) -> str:
    parts = loc[2:] if len(loc) >= 2 and loc[0] == collection else loc
    return ".".join(str(part) for part in parts) or "(whole item)"


def _validate(model: type[BaseModel], raw: Any, path: Path, *, collection: str, noun: str) -> Any:
    """Validate ``raw``; one :class:`LexiconError` line per problem, naming file, item and field."""
    if not isinstance(raw, dict):
        raise LexiconError(f"{path}: {noun} '(file)', field '(whole file)': expected a mapping with {collection!r}")
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        details = error.errors(include_url=False)
        locs = [tuple(detail["loc"]) for detail in details]
        lines = []
        for detail in details:
            loc = tuple(detail["loc"])
            if detail["type"] == "too_short" and any(other[: len(loc)] == loc and other != loc for other in locs):
                continue  # a list left short only because its own items failed: report the items
            item_id, field = _item_id_at(raw, collection, loc), _field_path(collection, loc)
            problem = detail.get("ctx", {}).get("error")
            message = detail["msg"]
            if isinstance(problem, FieldProblem):
                item_id = problem.owner or item_id
                if field == "(whole item)" or problem.field.startswith(field):
                    field = problem.field
                elif not field.endswith(problem.field):
                    field = f"{field}.{problem.field}"
                message = str(problem)
            lines.append(f"{path}: {noun} {item_id!r}, field {field!r}: {message}")
        raise LexiconError("\n".join(lines)) from None


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read and validate the lexicon (default ``data/language/lexicon.yaml``).

    Raises
    ------
    LexiconError
        The file is missing, not valid YAML, or does not match the schema (unknown
        category or source, a malformed pattern, a repeated id or pattern, ...).
        The message names the file, the entry id and the field.
    """
    path = Path(path) if path is not None else data_dir() / "language" / "lexicon.yaml"
    lexicon: Lexicon = _validate(Lexicon, _read_yaml(path), path, collection="entries", noun="entry")
    return lexicon


def load_labs(path: Path | None = None) -> dict[str, Lab]:
    """Read and validate the rewrite labs (default ``data/language/labs.yaml``), by lab id.

    Raises
    ------
    LexiconError
        As :func:`load_lexicon`; the message names the file, the lab id and the field.
    """
    path = Path(path) if path is not None else data_dir() / "language" / "labs.yaml"
    lab_file: _LabFile = _validate(_LabFile, _read_yaml(path), path, collection="labs", noun="lab")
    return {lab.id: lab for lab in lab_file.labs}
