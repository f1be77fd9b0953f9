"""Recovery language: flag deficit, paternalistic, labelling and stigmatising phrases, and suggest safe rewrites.

The language used in care records shapes the story told about a person, and
such stories can support hope or entrench chronicity (Shepherd, Boardman &
Slade, 2008). "Compliance" in particular is an inadequate construct rooted in
medical paternalism (Deegan & Drake, 2006). This module is the logic and the
two views of the workbook's language checker:

* :func:`load_lexicon` reads ``data/language/lexicon.yaml``, the phrases to
  flag, each with a category, advice on what to write instead, a reason and a
  source, and optionally drop-in rewrites and the context a phrase needs;
* :func:`find_phrases` finds them in any text (whole words, ignoring case,
  hyphen/space variants and listed endings) and reads the context:
  a phrase inside quotation marks is the person's own words and is only noted;
  a phrase that describes another person's behaviour (abuse by a partner) is a
  safeguarding note, never softened; a phrase about a thing or about staff
  ("Her coat was kept on the ward", "our own lack of insight") is not flagged;
* :func:`highlight_html` marks the findings and :func:`suggest_rewrite` swaps in
  a replacement only where the lexicon lists one that is grammatical and says
  the same thing; every other flag is advice for the writer, not a rewrite;
* :class:`LanguageChecker` (paste any text) and :class:`LanguageLab` (rewrite
  the sentences of a lab from ``data/language/labs.yaml``, saved to the answer
  store) are the thin views.

The checker is a teaching aid, not a judge: it knows a short list of phrases,
and a text with none of them can still be disrespectful.
``data/language/corpus.yaml`` holds fictional care-note sentences with the
expected flags; ``tests/test_language_corpus.py`` measures the checker on them.

Example
-------
>>> from widgets.language import find_phrases, load_lexicon, suggest_rewrite
>>> lexicon = load_lexicon()
>>> text = "Mr K refused his medication and lacks insight."
>>> [(f.text, f.category) for f in find_phrases(text, lexicon)]
[('refused', 'paternalistic'), ('lacks insight', 'deficit')]
>>> suggest_rewrite(text, find_phrases(text, lexicon))
'Mr K declined his medication and sees things differently from the team.'
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

QUOTED_NOTE = (
    "These look like the person's own words in quotation marks, so the checker leaves them exactly as said. "
    "If the quotation marks are around a label of your own, rephrase it."
)
"""Shown for a lexicon phrase inside quotation marks (never flagged or rewritten)."""

IDENTITY_NOTE = (
    "Person-first wording (\"a person with schizophrenia\") is the checker's default, but identity-first "
    "language is a person's choice: some people choose words such as \"disabled people\" or \"addict\" "
    "for themselves. Follow the words the person uses about themselves (Dunn & Andrews, 2015)."
)
"""Shown with any labelling finding."""

SUPPORT_NOTE = (
    "Reading and writing about suicide and self-harm can be hard, especially with experience of it. "
    "If this brings things up for you, you can talk to Samaritans in the UK at any time, free, on 116 123, "
    "or to your university's wellbeing service."
)
"""Shown with any suicide or self-harm finding."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Word = Annotated[str, StringConstraints(pattern=r"^[a-z]+$")]
NextWord = Annotated[str, StringConstraints(pattern=r"^(?:[a-z]+|\.)$")]
Context = Literal["", "quoted", "third-party"]

_WORD = r"[a-z]+(?:'[a-z]+)?(?:\([a-z]+\))?"
_PATTERN_SYNTAX = re.compile(rf"^{_WORD}(?:[ -]{_WORD})*$")
_DASHES = "\\-\u2010\u2011\u2012\u2013"
"""Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash."""
_APOSTROPHES = "'\u2019"
_SEPARATOR = rf"[\s{_DASHES}]"
_BEFORE = rf"(?<![\w{_DASHES}])"
_AFTER = rf"(?![\w{_DASHES}])"
_MAX_REASON = 160
_NEARBY_WORDS = 4
_WINDOW = 300
"""How far (in characters) the context rules look around a phrase, so long texts stay fast."""


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


# --------------------------------------------------------------------------- reading the context

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\u2019\-]*")
_SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bMx)(?<!\bDr)[.!?\n]")
_CLAUSE_END = re.compile(r"[.!?;:,\n()\"\u201c\u201d]")
_QUOTES = re.compile(
    r"\"[^\"]*(?:\"|\Z)|\u201c[^\u201d]*(?:\u201d|\Z)"  # over line breaks, or unclosed to the end:
    r"|(?<![\w'\u2019])['\u2018](?=\S)(?:[^'\u2018\u2019\n]|(?<=\w)['\u2019](?=\w))+?['\u2019](?!\w)"
)
"""Quoted spans: straight or curly, double or single quotation marks (an apostrophe inside a word is not one).

A double quotation mark left open quotes to the end of the text: a wrong guess only means no rewrite.
"""
_DETAINED = re.compile(
    r"\b(?:section\s*\d+[a-z]?|s\.?\s?\d+[a-z]?|sectioned|detained|detention|mental\s+health\s+act|mha|cto"
    r"|community\s+treatment\s+order)\b",
    re.IGNORECASE,
)

_SKIP = frozenset(
    """a an the some any this own as with of to due despite given because about into in on at for by from
    is was were are am be been being has have had having do does did will would can could should may might must
    not also still now currently often always never sometimes again very quite rather really clearly
    apparently reportedly seems seemed appears appeared remains remained continues continued shows showed shown
    displays displayed demonstrates demonstrated presents presented called known""".split()
)
"""Words passed over when looking back for who a phrase is about."""
_REPORTING = frozenset(
    """noted notes reported reports says said described describes observed documented recorded felt feels
    thinks thought considered deemed found told""".split()
)
"""Verbs whose subject reports what someone else is like ("Staff noted poor insight ...")."""
_PASSIVE = frozenset({"is", "was", "were", "are", "be", "been", "being"})
_RELATIVE = frozenset({"who", "whom", "which", "that", "whose"})
_CONJUNCTIONS = frozenset({"and", "but", "or", "then", "yet"})
_STAFF = frozenset(
    """we us our ours ourselves i me my staff team teams service services nurse nurses doctor doctors
    clinician clinicians psychiatrist psychiatrists consultant consultants professional professionals
    practitioner practitioners worker workers colleague colleagues trust gp""".split()
)
_THIRD_PARTY = frozenset(
    """partner ex-partner expartner ex husband ex-husband wife ex-wife boyfriend ex-boyfriend girlfriend
    ex-girlfriend spouse father mother dad mum stepfather stepmother stepdad stepmum brother sister son daughter
    parent parents uncle aunt cousin grandfather grandmother grandparent grandparents nephew niece neighbour
    neighbours landlord employer boss friend friends flatmate housemate carer carers perpetrator abuser dealer
    family relative relatives""".split()
)
_SERVICE_USER = frozenset(
    """he she they him her them his hers their theirs himself herself themselves patient patients client clients
    resident residents person man woman gentleman lady user individual mr ms mrs mx miss pt inpatient outpatient
    lad boy girl teenager adult""".split()
)
_POSSESSIVES = frozenset({"her", "his", "their", "its", "our", "my", "your"})
_OBJECT_PRONOUNS = frozenset({"him", "her", "them", "us", "people", "patients", "families", "carers"})
_TITLES = frozenset({"mr", "ms", "mrs", "mx", "miss", "dr"})

Who = Literal["service-user", "staff", "third-party", "thing", "unknown"]


def _normal(token: str) -> str:
    """Lower case, without quotation marks around it or a possessive 's ("Team's" -> "team")."""
    return re.sub(r"['\u2019]s$", "", token.lower().strip("'\u2019-"))


def _sentence_start(text: str, position: int) -> int:
    """Where the sentence holding ``position`` starts, looking back at most ``_WINDOW`` characters."""
    window = max(0, position - _WINDOW)
    ends = [match.end() for match in _SENTENCE_END.finditer(text, window, position)]
    return ends[-1] if ends else window


def _sentence(text: str, start: int, end: int) -> str:
    after = _SENTENCE_END.search(text, end, end + _WINDOW)
    return text[_sentence_start(text, start) : after.start() if after else min(len(text), end + _WINDOW)]


def _classify(token: str, first_in_sentence: bool) -> Who:
    word = _normal(token)
    if word in _STAFF:
        return "staff"
    if word in _THIRD_PARTY:
        return "third-party"
    if word in _SERVICE_USER:
        return "service-user"
    if token[:1].isupper() and not first_in_sentence:
        return "service-user"  # a name or an initial: "Ms J", "Ewan"
    return "thing"


def _first_subject(tokens: list[str]) -> Who:
    """Who the sentence is about, read from its first words ("Her ex-partner ...", "Mr D ...")."""
    for index, token in enumerate(tokens):
        word = _normal(token)
        if word in {"the", "a", "an", "this", "these", "those"} or (word in _POSSESSIVES and index + 1 < len(tokens)):
            continue
        return _classify(token, first_in_sentence=index == 0)
    return "unknown"


def _who_before(text: str, start: int, *, owner_counts: bool = False) -> Who:
    """Who a phrase starting at ``start`` is about, looking back through its sentence.

    The first word that is not an auxiliary, an adverb or a little word decides:
    staff ("we", "our", "the team"), another person ("her ex-partner"), the
    person who uses the service (a pronoun, "patient", a name or initial), or a
    thing ("Her coat was kept ..."). After "and"/"but" the sentence's own subject
    decides ("Mr D ... and is kept on the ward"). With ``owner_counts`` a thing's
    owner decides instead ("His behaviour is ...", "her mother's behaviour ...").
    """
    sentence_start = _sentence_start(text, start)
    before = _APPOSITIVE.sub(" ", text[sentence_start:start])  # "Ms J, a frequent flyer, is ..." -> "Ms J is ..."
    before = _PLACE_PHRASE.sub(" ", before)  # "His behaviour on the ward was ..." -> "His behaviour was ..."
    tokens = _TOKEN.findall(before)
    for index in range(len(tokens) - 1, -1, -1):
        word = _normal(tokens[index])
        if word in _SKIP or word in _RELATIVE:
            continue
        if word in _REPORTING:
            if index > 0 and _normal(tokens[index - 1]) in _PASSIVE:
                continue  # "was described as ...": look further back for who was described
            return "unknown"  # "Staff noted ...": the reporter is not who the phrase is about
        if word in _CONJUNCTIONS:
            return _first_subject(tokens[:index])
        if index > 0 and _normal(tokens[index - 1]) in _TITLES:
            return "service-user"  # "Mr I", "Ms A": an initial, not a pronoun or an article
        who = _classify(tokens[index], first_in_sentence=index == 0)
        if who == "thing" and owner_counts and index > 0:
            owner = tokens[index - 1]
            if _normal(owner) in {"his", "her", "their"}:
                return "service-user"
            if re.search(r"['\u2019]s$", owner):
                return _classify(owner, first_in_sentence=index - 1 == 0)
        return who
    return "unknown"


_APPOSITIVE = re.compile(r",[^,]*,(?=[^,]*$)")
_PLACE_PHRASE = re.compile(
    r"\b(?:on|in|at|during|after|before|with|from|for|about|towards?|to)\s+"
    r"(?:the|a|an|his|her|their|this|that)\s+[A-Za-z][A-Za-z\-]*(?=\s+\S)",
    re.IGNORECASE,
)


_BY_ANOTHER = re.compile(
    r"^\s*(?:[A-Za-z]+\s+){0,2}?(?:by|from)\s+(?:(?:his|her|their|the|a|an|my|our)\s+)?([A-Za-z][A-Za-z\-]*)"
)


def _done_by_another(text: str, end: int) -> bool:
    """Whether the words after a phrase say another person did it ("... behaviour by her ex-partner")."""
    match = _BY_ANOTHER.match(text[end : end + 80])
    return match is not None and _normal(match[1]) in _THIRD_PARTY


def _someone_else_follows(text: str, end: int) -> bool:
    """Whether a person comes straight after the phrase: "failed to engage Ms J", "... engage her family"."""
    tokens = _TOKEN.findall(_CLAUSE_END.split(text[end : end + 60], maxsplit=1)[0])  # bounded
    if not tokens:
        return False
    first, word = tokens[0], _normal(tokens[0])
    if word in _TITLES or (first[:1].isupper() and word not in _SKIP):
        return True
    if word in {"her", "his", "their"}:
        following = _normal(tokens[1]) if len(tokens) > 1 else ""
        object_pronoun = word == "her" and (not following or following in _SKIP)  # "engage her in ..."
        return object_pronoun or following in _THIRD_PARTY  # "engage her family"
    return word in _OBJECT_PRONOUNS


def _next_words(text: str, end: int, count: int) -> list[str]:
    clause = _CLAUSE_END.split(text[end : end + _WINDOW], maxsplit=1)[0]
    return [_normal(token) for token in _TOKEN.findall(clause)[:count]]


def _followed_by_ok(text: str, end: int, allowed: tuple[str, ...]) -> bool:
    rest = text[end : end + 40].lstrip()
    if not rest or not (rest[0].isalnum()):
        return "." in allowed
    words = _TOKEN.findall(rest[:40])
    return bool(words) and _normal(words[0]) in allowed


def _nearby_ok(text: str, start: int, end: int, wanted: tuple[str, ...]) -> bool:
    words = [_normal(token) for token in _TOKEN.findall(text[start:end])] + _next_words(text, end, _NEARBY_WORDS)
    return any(word in wanted for word in words)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(left <= start and end <= right for left, right in spans)


# --------------------------------------------------------------------------- finding phrases


@dataclass(frozen=True)
class Finding:
    """One phrase found: ``text == checked_text[start:end]``.

    ``replacement`` is the drop-in rewrite, or ``None`` when the lexicon gives
    advice only (``alternative``). ``context`` is ``""`` for a flag,
    ``"quoted"`` for the person's own words in quotation marks and
    ``"third-party"`` for a term describing another person's behaviour; those
    two are notes (``note`` says why) and are never rewritten.
    """

    start: int
    end: int
    text: str
    entry_id: str
    category: str
    alternative: str
    reason: str
    replacement: str | None = None
    context: Context = ""
    note: str = ""
    support: bool = False

    @property
    def is_flag(self) -> bool:
        """A phrase to reconsider (not a note about quoted words or another person)."""
        return self.context == ""


def _applies(entry: LexiconEntry, text: str, start: int, end: int) -> tuple[bool, Context]:
    """Whether a match of ``entry`` at ``start:end`` counts, and as a flag or a third-party note."""
    if entry.needs_nearby and not _nearby_ok(text, start, end, entry.needs_nearby):
        return False, ""
    if entry.followed_by and not _followed_by_ok(text, end, entry.followed_by):
        return False, ""
    if entry.about is None:
        return True, ""
    if entry.about == "service-user" and _done_by_another(text, end):
        who: Who = "third-party"
    else:
        who = _who_before(text, start, owner_counts=entry.about == "service-user")
    if who in ("thing", "staff"):
        return False, ""
    if entry.about == "service-user":
        if entry.object_is_someone_else and _someone_else_follows(text, end):
            return False, ""
        if who == "third-party":
            return (True, "third-party") if entry.third_party_note else (False, "")
    return True, ""


def find_phrases(text: str, lexicon: Lexicon) -> tuple[Finding, ...]:
    """Find the lexicon's phrases in ``text``: left to right, never overlapping.

    Matching ignores case and only takes whole words. A hyphen in a pattern also
    matches a space or nothing; a space matches any run of spaces or hyphens.
    A match counts only where its entry's context rules allow (see
    ``data/language/lexicon.yaml``). Where matches overlap, the one that starts
    first wins, and of those starting at the same place the longest (then the
    one earlier in the lexicon). A match inside quotation marks is a note, not a flag.

    Examples
    --------
    >>> lexicon = load_lexicon()
    >>> [f.entry_id for f in find_phrases("NON COMPLIANT; (refused medication).", lexicon)]
    ['non-compliant', 'refused-medication']
    >>> find_phrases("She has a diagnosis of schizophrenia and declined the injection.", lexicon)
    ()
    >>> [(f.entry_id, f.is_flag) for f in find_phrases('He says he "suffers from voices".', lexicon)]
    [('suffers-from', False)]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    candidates: list[tuple[int, int, int, LexiconEntry, str, Context]] = []
    for order, (compiled, entry, form) in enumerate(lexicon._compiled):
        position = 0
        while (match := compiled.search(text, position)) is not None:
            counts, context = _applies(entry, text, match.start(), match.end())
            if counts:
                candidates.append((match.start(), -match.end(), order, entry, form, context))
            position = match.start() + 1
    candidates.sort(key=lambda c: c[:3])
    quoted = [match.span() for match in _QUOTES.finditer(text)] if candidates else []
    findings: list[Finding] = []
    reached = 0
    for start, negative_end, _order, entry, form, context in candidates:
        end = -negative_end
        if start < reached:
            continue
        alternative = entry.alternative
        if entry.when_detained and _DETAINED.search(_sentence(text, start, end)):
            alternative = entry.when_detained
        note = ""
        if _inside(quoted, start, end):
            context, note = "quoted", QUOTED_NOTE
        elif context == "third-party":
            note = entry.third_party_note or ""
        findings.append(
            Finding(
                start,
                end,
                text[start:end],
                entry.id,
                entry.category,
                alternative,
                entry.reason,
                replacement=entry.rewrites.get(form),
                context=context,
                note=note,
                support=entry.support,
            )
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


_NOTE_LABELS = {"quoted": "own words", "third-party": "safeguarding"}


def _label(finding: Finding) -> str:
    return _NOTE_LABELS.get(finding.context, finding.category)


def highlight_html(text: str, findings: Sequence[Finding]) -> str:
    """``text`` as escaped HTML with each finding in ``<mark>`` and a visible ``[label]``.

    A flag's label is its category; a note's is ``[own words]`` or
    ``[safeguarding]``. The label is text, so nothing relies on colour; the
    ``title`` gives the advice on hover. Raises ``ValueError`` if the findings do
    not fit ``text`` (see :func:`find_phrases`).

    >>> lexicon = load_lexicon()
    >>> text = "<b>Non-compliant</b>"
    >>> print(highlight_html(text, find_phrases(text, lexicon)))  # doctest: +NORMALIZE_WHITESPACE
    &lt;b&gt;<mark class="rw-flag rw-flag-paternalistic"
    title="paternalistic: consider &#x27;say what the person is or is not taking, and their reasons in their own
    words&#x27;">Non-compliant</mark><sup class="rw-flag-label">[paternalistic]</sup>&lt;/b&gt;
    """
    pieces: list[str] = []
    reached = 0
    for finding in _check_findings(text, findings):
        if finding.is_flag:
            css = escape(finding.category)
            title = escape(f"{finding.category}: consider '{finding.alternative}'", quote=True)
        else:
            css = "note"
            title = escape(f"note: {finding.note}", quote=True)
        pieces.append(escape(text[reached : finding.start]))
        pieces.append(
            f'<mark class="rw-flag rw-flag-{css}" title="{title}">{escape(finding.text)}</mark>'
            f'<sup class="rw-flag-label">[{escape(_label(finding))}]</sup>'
        )
        reached = finding.end
    pieces.append(escape(text[reached:]))
    return "".join(pieces)


_STARTS_SENTENCE = re.compile(r"(?:^|[.!?]|\n)[\s\"'\u201c\u2018(]*$")


def _match_case(replacement: str, original: str, before: str) -> str:
    """A capital first letter where the replaced words began a sentence with one ("Suffers from" -> "Has")."""
    if replacement and original[:1].isupper() and _STARTS_SENTENCE.search(before):
        return replacement[0].upper() + replacement[1:]
    return replacement


def suggest_rewrite(text: str, findings: Sequence[Finding]) -> str:
    """``text`` with each flag that has a drop-in replacement replaced (plain text, not HTML).

    Flags with advice only, and notes (quoted words, another person's
    behaviour), are left exactly as written. A capital letter starting a sentence is kept.

    >>> lexicon = load_lexicon()
    >>> text = "Suffers from psychosis; a frequent flyer."
    >>> suggest_rewrite(text, find_phrases(text, lexicon))
    'Has psychosis; a person who often uses the service.'
    """
    pieces: list[str] = []
    reached = 0
    for finding in _check_findings(text, findings):
        if not finding.is_flag or finding.replacement is None:
            continue
        pieces.append(text[reached : finding.start])
        pieces.append(_match_case(finding.replacement, finding.text, text[: finding.start]))
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

    @property
    def flags(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_flag)

    @property
    def notes(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.is_flag)


def check_language(text: str, lexicon: Lexicon) -> LanguageCheck:
    """Find, highlight and rewrite in one call (what the views show)."""
    findings = find_phrases(text, lexicon)
    return LanguageCheck(text, findings, highlight_html(text, findings), suggest_rewrite(text, findings))


# --------------------------------------------------------------------------- rendering

_LANGUAGE_STYLE = """<style>
.rw-exercise mark.rw-flag { background: #fff1a8; color: #111; padding: 0 0.1em; border-bottom: 2px solid #5c3c00; }
.rw-exercise mark.rw-flag-note { background: #e8f1fb; border-bottom: 2px dotted #0b3b66; }
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


def _finding_html(finding: Finding, lexicon: Lexicon) -> str:
    said = f"<strong>“{escape(finding.text)}”</strong> [{escape(_label(finding))}]"
    if not finding.is_flag:
        return f"<li>{said}: {escape(finding.note)}</li>"
    if finding.replacement is not None:
        how = f" The suggested rewrite uses “{escape(finding.replacement)}”."
    else:
        how = " No automatic rewrite: this needs your own words."
    return (
        f"<li>{said}: {escape(finding.reason)} <strong>Instead:</strong> {escape(finding.alternative)}.{how}"
        f"{_source_html(lexicon, finding.entry_id)}</li>"
    )


def _findings_list_html(findings: Sequence[Finding], lexicon: Lexicon) -> str:
    items = "".join(_finding_html(f, lexicon) for f in findings)
    extra = ""
    if any(f.category == "labelling" and f.context != "third-party" for f in findings):
        extra += f"<p>{escape(IDENTITY_NOTE)}</p>"
    if any(f.support for f in findings):
        extra += f'<p class="rw-support"><strong>Support:</strong> {escape(SUPPORT_NOTE)}</p>'
    return f"<ul>{items}</ul>{extra}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_check(check: LanguageCheck, lexicon: Lexicon) -> str:
    """The checker's feedback panel for one :class:`LanguageCheck` (user text escaped)."""
    highlighted = f'<div class="rw-checked-text">{check.highlighted_html}</div>'
    known = f"The checker knows {_plural(len(lexicon.entries), 'kind')} of phrase"
    flags, notes = check.flags, check.notes
    if not flags:
        body = (
            f"{highlighted}{_findings_list_html(notes, lexicon) if notes else ''}"
            f"<p>{known}; none of them needs changing in this text. Read it once more as the person it "
            "describes would: respectful language is more than avoiding a list.</p>"
        )
        title = "✔ No flagged phrases." if not notes else f"✔ No flagged phrases; {_plural(len(notes), 'note')}."
        return feedback_box("info", body, title=title)
    by_hand = sum(1 for f in flags if f.replacement is None)
    if check.rewrite != check.text:
        rewrite = (
            f'<p><strong>Suggested rewrite:</strong></p><div class="rw-checked-text">{escape(check.rewrite)}</div>'
        )
    else:
        rewrite = "<p><strong>No automatic rewrite.</strong></p>"
    left = (
        f"<p>{_plural(by_hand, 'flagged phrase')} {'is' if by_hand == 1 else 'are'} left for you to rewrite "
        "by hand: the checker cannot know the facts, so it does not guess them.</p>"
        if by_hand
        else ""
    )
    body = (
        f"{highlighted}{_findings_list_html(check.findings, lexicon)}{rewrite}{left}"
        "<p>The rewrite only swaps phrases it can swap safely and never changes words in quotation marks: "
        "check it reads well, and where you can, use the person's own words.</p>"
    )
    return feedback_box("warning", body, title=f"{_plural(len(flags), 'phrase')} to reconsider.")


MAX_TEXT = 20_000
"""The most characters the checker view reads at once (a long care record is checked in parts)."""

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
        if len(self.text.value) > MAX_TEXT:
            self.result.value = notice(
                "warning",
                f"This text has {len(self.text.value):,} characters; the checker reads at most {MAX_TEXT:,} at a "
                "time. Paste a few paragraphs at a time.",
            )
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
        flags = [f for f in findings if f.is_flag]
        unchanged = " It is the same as the original sentence." if rewrite.strip() == sentence.text.strip() else ""
        if not flags:
            notes = (
                f'<div class="rw-checked-text">{highlight_html(rewrite, findings)}</div>'
                f"{_findings_list_html(findings, lexicon)}"
                if findings
                else ""
            )
            return f"<p><strong>✔ no flagged phrases</strong> in rewrite {number}.{unchanged}</p>{notes}{model}", True
        flagged = (
            f"<p><strong>⚠ {_plural(len(flags), 'flagged phrase')}</strong> still in rewrite {number}.{unchanged}</p>"
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
        verdict: Literal["correct", "partly", "incorrect"] = (
            "correct" if clean == total else ("partly" if clean else "incorrect")
        )
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


