"""Recovery language, the pure part: find the lexicon's phrases in context, highlight them, suggest safe rewrites.

The language used in care records shapes the story told about a person, and
such stories can support hope or entrench chronicity (Shepherd, Boardman &
Slade, 2008). "Compliance" in particular is an inadequate construct rooted in
medical paternalism (Deegan & Drake, 2006).

* :func:`find_phrases` finds the phrases of a :class:`~widgets.content.language.Lexicon`
  in any text (whole words, ignoring case, hyphen/space variants and listed
  endings) and reads the context: a phrase inside quotation marks is the
  person's own words and is only noted; a phrase that describes another
  person's behaviour (abuse by a partner) is a safeguarding note, never
  softened; a phrase about a thing or about staff ("Her coat was kept on the
  ward", "our own lack of insight") is not flagged;
* :func:`highlight_html` marks the findings and :func:`suggest_rewrite` swaps in
  a replacement only where the lexicon lists one that is grammatical and says
  the same thing; every other flag is advice for the writer, not a rewrite;
* :func:`check_language` does all three; :mod:`widgets.logic.language_html`
  renders the feedback panel the views show (all user text escaped).

The checker is a teaching aid, not a judge: it knows a short list of phrases,
and a text with none of them can still be disrespectful.
``data/language/corpus.yaml`` holds fictional care-note sentences with the
expected flags; ``tests/test_language_corpus.py`` measures the checker on them.

Example
-------
>>> from widgets.content.language import load_lexicon
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
from typing import Literal

from ..content.language import Lexicon, LexiconEntry
from .markup import escape

__all__ = [
    "IDENTITY_NOTE",
    "QUOTED_NOTE",
    "SUPPORT_NOTE",
    "Finding",
    "LanguageCheck",
    "check_language",
    "find_phrases",
    "highlight_html",
    "label",
    "suggest_rewrite",
]

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

Context = Literal["", "quoted", "third-party"]
_NEARBY_WORDS = 4
_WINDOW = 300
"""How far (in characters) the context rules look around a phrase, so long texts stay fast."""


# --------------------------------------------------------------------------- reading the context

def _words(text: str) -> frozenset[str]:
    """The set of whitespace-separated words in ``text`` (lists of words read better as prose)."""
    return frozenset(text.split())


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

_SKIP = _words(
    """a an the some any this own as with of to due despite given because about into in on at for by from
    is was were are am be been being has have had having do does did will would can could should may might must
    not also still now currently often always never sometimes again very quite rather really clearly
    apparently reportedly seems seemed appears appeared remains remained continues continued shows showed shown
    displays displayed demonstrates demonstrated presents presented called known"""
)
"""Words passed over when looking back for who a phrase is about."""
_REPORTING = _words(
    """noted notes reported reports says said described describes observed documented recorded felt feels
    thinks thought considered deemed found told"""
)
"""Verbs whose subject reports what someone else is like ("Staff noted poor insight ...")."""
_PASSIVE = frozenset({"is", "was", "were", "are", "be", "been", "being"})
_RELATIVE = frozenset({"who", "whom", "which", "that", "whose"})
_CONJUNCTIONS = frozenset({"and", "but", "or", "then", "yet"})
_STAFF = _words(
    """we us our ours ourselves i me my staff team teams service services nurse nurses doctor doctors
    clinician clinicians psychiatrist psychiatrists consultant consultants professional professionals
    practitioner practitioners worker workers colleague colleagues trust gp"""
)
_THIRD_PARTY = _words(
    """partner ex-partner expartner ex husband ex-husband wife ex-wife boyfriend ex-boyfriend girlfriend
    ex-girlfriend spouse father mother dad mum stepfather stepmother stepdad stepmum brother sister son daughter
    parent parents uncle aunt cousin grandfather grandmother grandparent grandparents nephew niece neighbour
    neighbours landlord employer boss friend friends flatmate housemate carer carers perpetrator abuser dealer
    family relative relatives"""
)
_SERVICE_USER = _words(
    """he she they him her them his hers their theirs himself herself themselves patient patients client clients
    resident residents person man woman gentleman lady user individual mr ms mrs mx miss pt inpatient outpatient
    lad boy girl teenager adult"""
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
    >>> from widgets.content.language import load_lexicon
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


def label(finding: Finding) -> str:
    return _NOTE_LABELS.get(finding.context, finding.category)


def highlight_html(text: str, findings: Sequence[Finding]) -> str:
    """``text`` as escaped HTML with each finding in ``<mark>`` and a visible ``[label]``.

    A flag's label is its category; a note's is ``[own words]`` or
    ``[safeguarding]``. The label is text, so nothing relies on colour; the
    ``title`` gives the advice on hover. Raises ``ValueError`` if the findings do
    not fit ``text`` (see :func:`find_phrases`).

    >>> from widgets.content.language import load_lexicon
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
            f'<sup class="rw-flag-label">[{escape(label(finding))}]</sup>'
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

    >>> from widgets.content.language import load_lexicon
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
