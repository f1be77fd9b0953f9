"""Recovery language: flag deficit, paternalistic and labelling phrases, and suggest rewrites.

The language used in care records shapes the story told about a person, and
such stories can support hope or entrench chronicity (Shepherd, Boardman &
Slade, 2008). "Compliance" in particular is an inadequate construct rooted in
medical paternalism (Deegan & Drake, 2006). This module is the logic and the
two views of the workbook's language checker:

* :func:`load_lexicon` reads ``data/language/lexicon.yaml``, the phrases to
  flag, each with a category, a suggested alternative, a reason and a source;
* :func:`find_phrases` finds them in any text (whole words, ignoring case,
  hyphen/space variants and listed endings), :func:`highlight_html` marks them,
  :func:`suggest_rewrite` swaps in the alternatives;
* :class:`LanguageChecker` (paste any text) and :class:`LanguageLab` (rewrite
  the sentences of a lab from ``data/language/labs.yaml``, saved to the answer
  store) are the thin views.

The checker is a teaching aid, not a judge: it knows a short list of phrases,
and a text with none of them can still be disrespectful.

Example
-------
>>> from widgets.language import find_phrases, load_lexicon, suggest_rewrite
>>> lexicon = load_lexicon()
>>> text = "Mr K is non-compliant with his medication."
>>> [(f.text, f.category) for f in find_phrases(text, lexicon)]
[('non-compliant with', 'paternalistic')]
>>> suggest_rewrite(text, find_phrases(text, lexicon))
'Mr K is choosing not to take his medication.'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import ipywidgets as ipw
from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from .content import FieldProblem, Strict, data_dir, read_yaml, require_unique
from .markup import STYLE, escape, feedback_box, markdown, notice
from .store import AnswerStore
from .views import AnswerSlot

__all__ = [
    "CATEGORIES",
    "SOURCES",
    "Finding",
    "LanguageCheck",
    "LanguageChecker",
    "LanguageLab",
    "Lab",
    "LabSentence",
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

CATEGORIES = ("deficit", "paternalistic", "labelling")
"""The kinds of phrase the lexicon flags."""

Category = Literal["deficit", "paternalistic", "labelling"]

SOURCES: dict[str, str] = {
    "Deegan & Drake (2006)": (
        "Deegan PE, Drake RE (2006). Shared decision making and medication management in the "
        "recovery process. Psychiatric Services 57(11):1636-1639."
    ),
    "Shepherd, Boardman & Slade (2008)": (
        "Shepherd G, Boardman J, Slade M (2008). Making Recovery a Reality. "
        "Sainsbury Centre for Mental Health."
    ),
    "Person-first language: common teaching point (from memory; not confirmed against a source)": (
        "Person-first language is a common teaching point; this workbook has not confirmed it against a "
        "published source."
    ),
    "Workbook teaching convention (not from a published source)": (
        "A teaching convention of this workbook, not taken from a published source."
    ),
}
"""The sources a lexicon entry may cite (short form -> how it is shown to students).

Only sources that the workbook's content brief supports are listed; a new one
needs a reference that has been checked, never one recalled or invented.
"""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]

_WORD = r"[a-z]+(?:\([a-z]+\))?"
_PATTERN_SYNTAX = re.compile(rf"^{_WORD}(?:[ -]{_WORD})*$")
_DASHES = "\\-\u2010\u2011\u2012\u2013"
"""Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash."""
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
        match = re.fullmatch(r"([a-z]+)\(([a-z]+)\)", token)
        endings = [match[1], match[1] + match[2]] if match else [token]
        forms = [form + ending for form in forms for ending in endings]
    return forms


def _pattern_key(form: str) -> str:
    """What two spellings must differ in to count as different patterns."""
    return re.sub(r"[ -]", "", form)


def _compile(pattern: str) -> re.Pattern[str]:
    """The regular expression for one pattern (see the module's lexicon format)."""
    parts = []
    for token in re.split(r"([ -])", pattern):
        if token == " ":
            parts.append(f"{_SEPARATOR}+")
        elif token == "-":
            parts.append(f"{_SEPARATOR}*")
        else:
            match = re.fullmatch(r"([a-z]+)(?:\(([a-z]+)\))?", token)
            if match is None:
                raise ValueError(f"malformed pattern {pattern!r} (word {token!r})")
            parts.append(re.escape(match[1]) + (f"(?:{re.escape(match[2])})?" if match[2] else ""))
    return re.compile(_BEFORE + "".join(parts) + _AFTER, re.IGNORECASE)


# --------------------------------------------------------------------------- lexicon schema


class LexiconEntry(Strict):
    """One flagged idea: the phrases that express it and what to write instead."""

    id: Slug
    patterns: tuple[str, ...] = Field(min_length=1)
    category: Category
    alternative: Text
    reason: Text
    source: Text

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


class Lexicon(Strict):
    """The flagged phrases, validated, with their regular expressions compiled once."""

    entries: tuple[LexiconEntry, ...] = Field(min_length=1)
    _compiled: tuple[tuple[re.Pattern[str], LexiconEntry], ...] = PrivateAttr(default=())

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
        self._compiled = tuple((_compile(pattern), entry) for entry in self.entries for pattern in entry.patterns)

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


# --------------------------------------------------------------------------- finding phrases


@dataclass(frozen=True)
class Finding:
    """One flagged phrase: ``text == checked_text[start:end]``."""

    start: int
    end: int
    text: str
    entry_id: str
    category: str
    alternative: str
    reason: str


def find_phrases(text: str, lexicon: Lexicon) -> tuple[Finding, ...]:
    """Find the lexicon's phrases in ``text``: left to right, never overlapping.

    Matching ignores case and only takes whole words. A hyphen in a pattern also
    matches a space or nothing; a space matches any run of spaces or hyphens.
    Where matches overlap, the one that starts first wins, and of those starting
    at the same place the longest (then the one earlier in the lexicon).

    Examples
    --------
    >>> lexicon = load_lexicon()
    >>> [f.entry_id for f in find_phrases("NON COMPLIANT; (refused medication).", lexicon)]
    ['non-compliant', 'refused-medication']
    >>> find_phrases("She has a diagnosis of schizophrenia and declined the injection.", lexicon)
    ()
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    candidates: list[tuple[int, int, int, LexiconEntry]] = []
    for order, (compiled, entry) in enumerate(lexicon._compiled):
        position = 0
        while (match := compiled.search(text, position)) is not None:
            candidates.append((match.start(), -match.end(), order, entry))
            position = match.start() + 1
    candidates.sort(key=lambda c: c[:3])
    findings: list[Finding] = []
    reached = 0
    for start, negative_end, _order, entry in candidates:
        end = -negative_end
        if start >= reached:
            findings.append(
                Finding(start, end, text[start:end], entry.id, entry.category, entry.alternative, entry.reason)
            )
            reached = end
    return tuple(findings)


def _check_findings(text: str, findings: Iterable[Finding]) -> list[Finding]:
    """The findings in order; ``ValueError`` if one is out of bounds, overlaps or does not fit ``text``."""
    ordered = sorted(findings, key=lambda f: (f.start, f.end))
    reached = 0
    for finding in ordered:
        if not 0 <= finding.start < finding.end <= len(text) or text[finding.start : finding.end] != finding.text:
            raise ValueError(f"finding {finding.text!r} at {finding.start}-{finding.end} does not fit the text")
        if finding.start < reached:
            raise ValueError(f"finding {finding.text!r} at {finding.start}-{finding.end} overlaps an earlier one")
        reached = finding.end
    return ordered


def highlight_html(text: str, findings: Sequence[Finding]) -> str:
    """``text`` as escaped HTML with each finding in ``<mark>`` and a visible ``[category]`` label.

    The label is text, so the category does not rely on colour; the ``title``
    gives the suggestion on hover. Raises ``ValueError`` if the findings do not
    fit ``text`` (see :func:`find_phrases`).

    >>> lexicon = load_lexicon()
    >>> text = "<b>Non-compliant</b>"
    >>> print(highlight_html(text, find_phrases(text, lexicon)))  # doctest: +NORMALIZE_WHITESPACE
    &lt;b&gt;<mark class="rw-flag rw-flag-paternalistic"
    title="paternalistic: consider &#x27;choosing not to take medication&#x27;">Non-compliant</mark><sup
    class="rw-flag-label">[paternalistic]</sup>&lt;/b&gt;
    """
    pieces: list[str] = []
    reached = 0
    for finding in _check_findings(text, findings):
        category = escape(finding.category)
        title = escape(f"{finding.category}: consider '{finding.alternative}'", quote=True)
        pieces.append(escape(text[reached : finding.start]))
        pieces.append(
            f'<mark class="rw-flag rw-flag-{category}" title="{title}">{escape(finding.text)}</mark>'
            f'<sup class="rw-flag-label">[{category}]</sup>'
        )
        reached = finding.end
    pieces.append(escape(text[reached:]))
    return "".join(pieces)


def _match_case(replacement: str, original: str) -> str:
    if replacement and original[:1].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def suggest_rewrite(text: str, findings: Sequence[Finding]) -> str:
    """``text`` with each finding replaced by its alternative (plain text, not HTML).

    A capital first letter is kept. The result is a mechanical suggestion: its
    grammar may need a touch, and the person's own words are better still.

    >>> lexicon = load_lexicon()
    >>> text = "Suffers from psychosis; a frequent flyer."
    >>> suggest_rewrite(text, find_phrases(text, lexicon))
    'Lives with psychosis; a person who often uses the service.'
    """
    pieces: list[str] = []
    reached = 0
    for finding in _check_findings(text, findings):
        pieces.append(text[reached : finding.start])
        pieces.append(_match_case(finding.alternative, finding.text))
        reached = finding.end
    pieces.append(text[reached:])
    return "".join(pieces)


@dataclass(frozen=True)
class LanguageCheck:
    """The result of :func:`check_language`."""

    text: str
    findings: tuple[Finding, ...]
    highlighted_html: str
    rewrite: str


def check_language(text: str, lexicon: Lexicon) -> LanguageCheck:
    """Find, highlight and rewrite in one call (what the views show)."""
    findings = find_phrases(text, lexicon)
    return LanguageCheck(text, findings, highlight_html(text, findings), suggest_rewrite(text, findings))


# --------------------------------------------------------------------------- rendering

_LANGUAGE_STYLE = """<style>
.rw-exercise mark.rw-flag { background: #fff1a8; color: #111; padding: 0 0.1em; border-bottom: 2px solid #5c3c00; }
.rw-exercise .rw-flag-label { color: #5c3c00; font-size: 0.75em; font-weight: 600; margin-left: 0.1em; }
.rw-exercise .rw-checked-text { white-space: pre-wrap; border: 1px solid #bbb; border-radius: 4px;
  padding: 0.4rem 0.6rem; margin: 0.3rem 0; background: #fff; color: #111; }
.rw-exercise .rw-original { margin: 0.6rem 0 0.2rem 0; }
</style>"""


def _source_html(lexicon: Lexicon, entry_id: str) -> str:
    try:
        source = lexicon.entry(entry_id).source
    except KeyError:
        return ""
    return f' <span class="rw-id">Source: {escape(SOURCES.get(source, source))}</span>'


def _findings_list_html(findings: Sequence[Finding], lexicon: Lexicon) -> str:
    items = "".join(
        f"<li><strong>“{escape(f.text)}”</strong> [{escape(f.category)}]: consider "
        f"“{escape(f.alternative)}”. {escape(f.reason)}{_source_html(lexicon, f.entry_id)}</li>"
        for f in findings
    )
    return f"<ul>{items}</ul>"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_check(check: LanguageCheck, lexicon: Lexicon) -> str:
    """The checker's feedback panel for one :class:`LanguageCheck` (user text escaped)."""
    highlighted = f'<div class="rw-checked-text">{check.highlighted_html}</div>'
    known = f"The checker knows {_plural(len(lexicon.entries), 'kind')} of phrase"
    if not check.findings:
        body = (
            f"{highlighted}<p>{known}; none of them is in this text. Read it once more as the person it "
            "describes would: respectful language is more than avoiding a list.</p>"
        )
        return feedback_box("info", body, title="✔ No flagged phrases.")
    body = (
        f"{highlighted}{_findings_list_html(check.findings, lexicon)}"
        f'<p><strong>Suggested rewrite:</strong></p><div class="rw-checked-text">{escape(check.rewrite)}</div>'
        "<p>The rewrite only swaps phrases: check its grammar, and where you can, use the person's own words.</p>"
    )
    return feedback_box("warning", body, title=f"{_plural(len(check.findings), 'phrase')} to reconsider.")


_FULL = ipw.Layout(width="100%")
_LABEL_STYLE = {"description_width": "initial"}


def _lexicon_or_problem(lexicon: Lexicon | None) -> tuple[Lexicon | None, str | None]:
    if lexicon is not None:
        return lexicon, None
    try:
        return load_lexicon(), None
    except LexiconError as error:
        return None, f"The language checker cannot start: {error}"


# --------------------------------------------------------------------------- views


class LanguageChecker:
    """Paste or type any text, press *Check language*, see flagged phrases and a suggested rewrite.

    Parameters
    ----------
    lexicon
        The phrases to flag; default :func:`load_lexicon`. A broken lexicon file
        becomes a message in the widget, not a traceback.
    text
        Text to start with.
    """

    def __init__(self, *, lexicon: Lexicon | None = None, text: str = "") -> None:
        self.lexicon, problem = _lexicon_or_problem(lexicon)
        self.text = ipw.Textarea(
            value=text,
            placeholder="Paste or type a sentence from a (fictional) care record.",
            description="Text to check:",
            rows=5,
            continuous_update=False,
            style=_LABEL_STYLE,
            layout=_FULL,
        )
        self.button = ipw.Button(
            description="Check language", button_style="primary", tooltip="Check the text for flagged phrases"
        )
        self.button.on_click(lambda _button: self._on_change())
        self.button.disabled = self.lexicon is None
        self.result = ipw.HTML(notice("error", problem) if problem else "")
        self.container = ipw.VBox([ipw.HTML(STYLE + _LANGUAGE_STYLE), self.text, self.button, self.result])
        self.container.add_class("rw-exercise")
        self.container.add_class("rw-language-checker")

    def _on_change(self) -> None:
        if self.lexicon is None:
            return
        if not self.text.value.strip():
            self.result.value = notice("warning", "Type or paste some text first.")
            return
        self.result.value = render_check(check_language(self.text.value, self.lexicon), self.lexicon)


class LanguageLab:
    """Rewrite each sentence of a lab, check the rewrites, then compare with model rewrites.

    The rewrites are saved as ``{"rewrites": {sentence_id: text}}`` under
    :func:`lab_question_id` each time they are checked, and restored (and checked
    again) when the lab is shown again.

    Parameters
    ----------
    lab
        From :func:`load_labs`.
    store
        The answer store, or ``None`` to save nothing.
    store_problem
        Why there is no store, shown as a warning.
    lexicon
        Default :func:`load_lexicon`.
    """

    kind = "language_lab"

    def __init__(
        self,
        lab: Lab,
        *,
        store: AnswerStore | None,
        store_problem: str | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.lab = lab
        self.store = store
        self.question_id = lab_question_id(lab)
        self.lexicon, problem = _lexicon_or_problem(lexicon)
        self.prompt = ipw.HTML(
            f'<div class="rw-prompt"><span class="rw-id">Language lab {escape(self.question_id)}</span>'
            f"{markdown(lab.prompt)}</div>"
        )
        self.rewrites: dict[str, ipw.Textarea] = {}
        self.results: dict[str, ipw.HTML] = {}
        rows: list[ipw.Widget] = []
        for number, sentence in enumerate(lab.sentences, start=1):
            original = ipw.HTML(
                f'<p class="rw-original"><strong>Sentence {number}:</strong> {escape(sentence.text)}</p>'
            )
            area = ipw.Textarea(
                value=sentence.text,
                description=f"Rewrite {number}:",
                rows=3,
                continuous_update=False,
                style=_LABEL_STYLE,
                layout=_FULL,
            )
            self.rewrites[sentence.id] = area
            self.results[sentence.id] = ipw.HTML("")
            rows += [original, area, self.results[sentence.id]]
        self.button = ipw.Button(
            description="Check my rewrites", button_style="primary", tooltip=f"Check my rewrites for {self.question_id}"
        )
        self.button.on_click(lambda _button: self._on_change())
        self.button.disabled = self.lexicon is None
        self.feedback = ipw.HTML(notice("error", problem) if problem else "")
        self.status = ipw.HTML(notice("warning", store_problem) if store_problem else "")
        self.slot = AnswerSlot(store, self.question_id, self.kind, self.status)
        self.container = ipw.VBox(
            [ipw.HTML(STYLE + _LANGUAGE_STYLE), self.prompt, *rows, self.button, self.feedback, self.status]
        )
        self.container.add_class("rw-exercise")
        self.container.add_class("rw-language-lab")
        self._load_saved()

    def answer(self) -> dict[str, dict[str, str]]:
        """What would be saved now."""
        return {"rewrites": {sentence_id: area.value for sentence_id, area in self.rewrites.items()}}

    def _sentence_html(self, number: int, sentence: LabSentence, rewrite: str, lexicon: Lexicon) -> tuple[str, bool]:
        model = (
            f"<p><strong>Model rewrite {number}:</strong> {escape(sentence.model_rewrite)} "
            '<span class="rw-id">(one way to say it, not the only right one)</span></p>'
        )
        if not rewrite.strip():
            return f"<p><strong>⚠ Rewrite {number} is empty.</strong> Write your version first.</p>", False
        findings = find_phrases(rewrite, lexicon)
        unchanged = " It is the same as the original sentence." if rewrite.strip() == sentence.text.strip() else ""
        if not findings:
            return f"<p><strong>✔ no flagged phrases</strong> in rewrite {number}.{unchanged}</p>{model}", True
        flagged = (
            f"<p><strong>⚠ {_plural(len(findings), 'flagged phrase')}</strong> still in rewrite {number}.{unchanged}</p>"
            f'<div class="rw-checked-text">{highlight_html(rewrite, findings)}</div>'
            f"{_findings_list_html(findings, lexicon)}"
        )
        return flagged + model, False

    def _on_change(self) -> None:
        if self.lexicon is None:
            return
        answer = self.answer()
        self._render(answer["rewrites"], self.lexicon)
        self._save(answer)

    def _render(self, rewrites: dict[str, str], lexicon: Lexicon) -> None:
        clean = 0
        for number, sentence in enumerate(self.lab.sentences, start=1):
            html, ok = self._sentence_html(number, sentence, rewrites[sentence.id], lexicon)
            colour = "#0b4d1e" if ok else "#5c3c00"
            self.results[sentence.id].value = f'<div class="rw-box" style="border-color:{colour};">{html}</div>'
            clean += ok
        total = len(self.lab.sentences)
        verdict = "correct" if clean == total else ("partly" if clean else "incorrect")
        self.feedback.value = feedback_box(
            verdict,
            "<p>Compare each of your rewrites with the model rewrite shown under it.</p>",
            title=f"Rewrites free of flagged phrases: {clean} of {total}.",
        )

    def _save(self, answer: dict[str, Any]) -> None:
        self.slot.save(answer)

    def _load_saved(self) -> None:
        saved = self.slot.latest()
        if saved is None:
            return
        rewrites = saved.answer.get("rewrites") if isinstance(saved.answer, dict) else None
        if not isinstance(rewrites, dict) or not all(isinstance(v, str) for v in rewrites.values()):
            self.status.value = notice(
                "warning",
                "Your earlier rewrites no longer fit this lab (it was changed). They are still kept in your answers file.",
            )
            return
        for sentence_id, text in rewrites.items():
            if sentence_id in self.rewrites:
                self.rewrites[sentence_id].value = text
        self.slot.remember(saved.answer)
        if self.lexicon is not None:
            self._render(self.answer()["rewrites"], self.lexicon)
        self.slot.shown(saved, "Your rewrites")


