"""Export a learner's saved answers as a Markdown document (pure; no widgets).

The export carries no learner id unless asked for. Every line a student wrote is
escaped for Markdown (:func:`markdown_text`): it renders as the same text in any
Markdown viewer, never as a tag, link or heading, as the HTML export escapes it.

An export can also carry a machine-readable copy of the answers, so that it can
be imported again (:func:`widgets.logic.portfolio.parse_export`): one HTML comment,
``<!-- recovery-workbook-data {json} -->``, whose JSON holds
``schema_version`` (:data:`EXPORT_SCHEMA_VERSION`), the answers and the SHA-256
of their canonical JSON (:func:`canonical_answers_json`). The comment is made of
ASCII only and has ``<``, ``>`` and ``&`` escaped as ``\\u003c``, ``\\u003e`` and
``\\u0026``, so no answer text can end the comment or open a tag, in Markdown or
in HTML.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..content.exercises import (
    ExerciseFile,
    Question,
)
from .kinds import FIT_ERRORS, AnswerForm, kind_of
from .records import SavedAnswer

__all__ = [
    "DATA_MARKER",
    "EXPORT_SCHEMA_VERSION",
    "NUMBER_LIMIT",
    "READABLE_SCHEMA_VERSIONS",
    "CheckedAnswers",
    "ExportEntry",
    "ExportSection",
    "SkippedAnswer",
    "answers_sha256",
    "canonical_answers_json",
    "check_imported",
    "data_block",
    "export_sections",
    "markdown_code",
    "markdown_text",
    "question_sort_key",
    "quote_markdown",
    "sections_markdown",
]

EXPORT_SCHEMA_VERSION = 2
"""The version of the data block's format written now. Version 2 adds, to an answer with a right
answer, ``tries`` (answers given to the question) and ``first_try_correct``; version 1 files
(without them) are still read. An import refuses any other version."""

READABLE_SCHEMA_VERSIONS = (1, 2)
"""The data block versions an import reads."""

DATA_MARKER = "recovery-workbook-data"
"""The word that opens the data block's HTML comment."""

DATA_FORMAT = "recovery-workbook"
"""The ``format`` field of the data block."""

_ACTIVITIES = {"vignette": "Case vignette", "language_lab": "Language lab", "cpd_record": "CPD record draft"}
"""Saved activities that are not questions in an exercise file, by their kind."""


def question_sort_key(question_id: str) -> tuple[int, ...]:
    """Sort ``"01.10"`` after ``"01.9"``."""
    return tuple(int(part) for part in re.findall(r"\d+", question_id))


@dataclass(frozen=True)
class ExportEntry:
    """One saved answer, ready to be written out.

    ``prompt`` is the question's prompt (content Markdown, white space collapsed)
    when ``from_content`` is true, otherwise a label made here. ``lines`` hold the
    student's text unescaped; each renderer escapes them for its own format.
    """

    question_id: str
    kind: str
    prompt: str
    from_content: bool
    saved_at: str
    form: AnswerForm
    lines: tuple[str, ...]
    tries: str | None = None
    """How many tries it took, in words (``SavedAnswer.tries_label``), where known."""

    @property
    def saved_label(self) -> str:
        """``"2025-01-02 03:04 UTC"``, then the tries where known: ``"2025-01-02 03:04 UTC · right at the first try"``."""
        when = f"{self.saved_at[:16].replace('T', ' ')} UTC"
        return f"{when} · {self.tries}" if self.tries else when


@dataclass(frozen=True)
class ExportSection:
    """The saved answers of one chapter, in question order."""

    chapter: str
    title: str
    entries: tuple[ExportEntry, ...]


def _answer_lines(question: Question | None, answer: Any) -> tuple[AnswerForm, list[str]]:
    """How an answer reads in a log; an answer of an unexpected shape (an old or damaged file) is shown as data."""
    try:
        return _shaped_lines(question, answer)
    except (TypeError, ValueError, AttributeError, KeyError):
        return "code", [repr(answer)[:2000]]


def _shaped_lines(question: Question | None, answer: Any) -> tuple[AnswerForm, list[str]]:
    if isinstance(answer, dict) and "path" in answer:
        steps = answer.get("path") or []
        state = "finished" if answer.get("finished") else "not finished"
        return "plain", [f"Case vignette: {len(steps)} choice{'s' if len(steps) != 1 else ''} made ({state})."]
    if isinstance(answer, dict) and "texts" in answer and "template" in answer:  # a CPD record's draft (chapter 09)
        texts = dict(answer["texts"])
        return "list", [f"{section}: {' '.join(str(text).split())}" for section, text in texts.items() if str(text).strip()]
    if isinstance(answer, dict) and "rewrites" in answer:
        return "list", [f"{sentence_id}: {text}" for sentence_id, text in dict(answer["rewrites"]).items()]
    if question is not None and isinstance(answer, dict):
        return kind_of(question).log_lines(question, answer)
    if isinstance(answer, dict) and "text" in answer:  # an answer to a question the content no longer has
        return "quote", str(answer["text"]).splitlines()
    if isinstance(answer, dict) and "chosen" in answer:
        return "list", [str(choice) for choice in answer["chosen"]]
    if isinstance(answer, dict) and "value" in answer:
        return "plain", [f"{answer['value']:g}"]
    return "code", [repr(answer)]


def export_sections(answers: Iterable[SavedAnswer], chapters: Mapping[str, ExerciseFile]) -> tuple[ExportSection, ...]:
    """The answers grouped by chapter, with prompts and chapter titles from ``chapters``."""
    by_chapter: dict[str, list[SavedAnswer]] = {}
    for saved in sorted(answers, key=lambda a: question_sort_key(a.question_id)):
        by_chapter.setdefault(saved.question_id.split(".")[0], []).append(saved)
    sections = []
    for chapter, saved_answers in by_chapter.items():
        exercise_file = chapters.get(chapter)
        entries = []
        for saved in saved_answers:
            question = None
            if exercise_file is not None:
                question = next((q for q in exercise_file.questions if q.id == saved.question_id), None)
            if question is not None:
                prompt = " ".join(question.prompt.split())
            elif saved.kind in _ACTIVITIES:
                prompt = f"{_ACTIVITIES[saved.kind]} ({saved.question_id.split('.', 2)[-1]})"
            else:
                prompt = "(exercise no longer in the workbook)"
            form, lines = _answer_lines(question, saved.answer)
            entry = ExportEntry(
                saved.question_id,
                saved.kind,
                prompt,
                question is not None,
                saved.saved_at,
                form,
                tuple(lines),
                saved.tries_label,
            )
            entries.append(entry)
        title = exercise_file.title if exercise_file else "Chapter " + chapter
        sections.append(ExportSection(chapter, title, tuple(entries)))
    return tuple(sections)


_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]~|])")
_MARKDOWN_BLOCK_START = re.compile(r"^([#+=-])|^(\d+)([.)])")


def markdown_text(line: str) -> str:
    """One line of user text made inert in Markdown: it renders as the same text, never as markup or HTML.

    ``&``, ``<`` and ``>`` become character references (so no tag, comment or
    autolink can open), inline markers are backslash-escaped, a leading heading
    or list marker is escaped, and leading white space is kept as references so
    it cannot start a code block.

    >>> markdown_text("<script>alert(1)</script> *loud* [x](y)")
    '&lt;script&gt;alert(1)&lt;/script&gt; \\\\*loud\\\\* \\\\[x\\\\](y)'
    >>> markdown_text("1. first")
    '1\\\\. first'
    """
    text = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    text = _MARKDOWN_BLOCK_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text)
    stripped = text.lstrip(" \t")
    indent = text[: len(text) - len(stripped)]
    return indent.replace(" ", "&#32;").replace("\t", "&#9;") + stripped


def markdown_code(line: str) -> str:
    """A code span holding ``line`` literally, its fence longer than any run of backticks in it."""
    longest = max((len(run) for run in re.findall(r"`+", line)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {line} {fence}" if line else ""


def quote_markdown(lines: Iterable[str]) -> list[str]:
    """User text as a Markdown block quote, each line escaped (:func:`markdown_text`); a blank line stays in the quote.

    >>> quote_markdown(["<b>hi</b>", " ", "ok"])
    ['> &lt;b&gt;hi&lt;/b&gt;', '>', '> ok']
    """
    return [f"> {markdown_text(line)}" if line.strip() else ">" for line in lines]


def _markdown_lines(entry: ExportEntry) -> list[str]:
    """The entry's lines in Markdown; every line is user text, so each is escaped (:func:`markdown_text`)."""
    if entry.form == "quote":
        return quote_markdown(entry.lines)
    if entry.form == "list":
        return [f"- {markdown_text(line)}" for line in entry.lines]
    if entry.form == "code":
        return [markdown_code(line) for line in entry.lines]
    return [markdown_text(line) for line in entry.lines]


def sections_markdown(sections: Iterable[ExportSection]) -> list[str]:
    """The Markdown lines of ``sections``: a level-2 heading per chapter, a level-3 heading per answer."""
    lines: list[str] = []
    for section in sections:
        lines += ["", f"## {section.chapter} · {section.title}"]
        for entry in section.entries:
            lines += ["", f"### {entry.question_id}: {entry.prompt}", "", f"*Saved {entry.saved_label}*", ""]
            lines += _markdown_lines(entry)
    return lines


def _answer_record(saved: SavedAnswer) -> dict[str, Any]:
    record = {"question_id": saved.question_id, "kind": saved.kind, "answer": saved.answer, "saved_at": saved.saved_at}
    if saved.tries is not None:
        record["tries"] = saved.tries
        record["first_try_correct"] = saved.first_try_correct
    return record


def _answer_records(answers: Iterable[SavedAnswer]) -> list[dict[str, Any]]:
    records = [_answer_record(a) for a in answers]
    return sorted(records, key=lambda r: (question_sort_key(r["question_id"]), r["question_id"], r["saved_at"]))


def canonical_answers_json(records: Iterable[Mapping[str, Any]]) -> str:
    """The canonical JSON of answer records (``question_id``, ``kind``, ``answer``, ``saved_at``), as checksummed.

    Keys sorted, no spaces, non-ASCII characters kept: the same records always
    give the same text.
    """
    return json.dumps(list(records), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def answers_sha256(records: Iterable[Mapping[str, Any]]) -> str:
    """The SHA-256 (hex) of :func:`canonical_answers_json` encoded as UTF-8."""
    return hashlib.sha256(canonical_answers_json(records).encode("utf-8")).hexdigest()


def data_block(answers: Iterable[SavedAnswer], *, learner_id: str | None = None, now: datetime | None = None) -> str:
    """The machine-readable copy of ``answers``: one HTML comment, safe in Markdown and in HTML.

    ``learner_id`` is included only when given.
    """
    records = _answer_records(answers)
    data: dict[str, Any] = {
        "format": DATA_FORMAT,
        "schema_version": EXPORT_SCHEMA_VERSION,
        "exported_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "answers": records,
        "answers_sha256": answers_sha256(records),
    }
    if learner_id:
        data["learner_id"] = learner_id
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, allow_nan=False)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f"<!-- {DATA_MARKER} {text} -->"


# --------------------------------------------------------------------------- checking imported answers

NUMBER_LIMIT = 1_000_000.0
"""An imported number further from zero than this is out of range (the workbook's answers are all under 100)."""

TEXT_LIMIT = 100_000
"""An imported reflection longer than this (in characters) is refused (a whole chapter's writing is far shorter)."""

FUTURE_SLACK_SECONDS = 600
"""How far ahead of this computer's clock an imported time may be (two computers' clocks differ a little)."""


@dataclass(frozen=True)
class SkippedAnswer:
    """An imported answer that does not fit its question, and why (in words fit to show a student)."""

    question_id: str
    saved_at: str
    reason: str


@dataclass(frozen=True)
class CheckedAnswers:
    """Imported answers split into those that fit their questions and those skipped."""

    kept: tuple[SavedAnswer, ...]
    skipped: tuple[SkippedAnswer, ...]


def _short(text: object, limit: int = 60) -> str:
    shown = " ".join(str(text).split())
    return shown if len(shown) <= limit else shown[: limit - 1] + "\u2026"


def _question(chapters: Mapping[str, ExerciseFile], question_id: str) -> Question | None:
    exercise_file = chapters.get(question_id.split(".")[0])
    return next((q for q in exercise_file.questions if q.id == question_id), None) if exercise_file else None


def _activity_problem(saved: SavedAnswer) -> str | None:
    """Why a case-vignette or language-lab record does not fit its shape, or ``None``."""
    answer = saved.answer
    if saved.kind == "vignette":  # {"path": [[node_id, choice_id], ...], "finished": bool}
        path = answer.get("path") if isinstance(answer, dict) else None
        fits = isinstance(path, list) and all(
            isinstance(step, str) or (isinstance(step, list) and all(isinstance(part, str) for part in step)) for step in path
        )
        fits = fits and isinstance(answer.get("finished", False), bool)
        return None if fits else "it is not a case-vignette path"
    if saved.kind == "cpd_record":
        if not isinstance(answer, dict) or not isinstance(answer.get("texts"), dict):
            return "it is not a CPD record draft"
        texts: dict[Any, Any] = answer["texts"]
        ticked = answer.get("ticked", [])
        fits = isinstance(answer.get("template"), str) and isinstance(ticked, list) and all(isinstance(t, str) for t in ticked)
        fits = fits and all(isinstance(k, str) and isinstance(v, str) and len(v) <= TEXT_LIMIT for k, v in texts.items())
        fits = fits and all(isinstance(answer.get(k, ""), str) for k in ("hours", "participatory"))
        return None if fits else "it is not a CPD record draft"
    fits = isinstance(answer, dict) and isinstance(answer.get("rewrites"), dict)
    fits = fits and all(isinstance(k, str) and isinstance(v, str) and len(v) <= TEXT_LIMIT for k, v in answer["rewrites"].items())
    return None if fits else "it is not a set of language-lab rewrites"


def _answer_problem(question: Question, saved: SavedAnswer) -> str | None:
    """Why ``saved`` does not fit ``question`` (an option it lacks, a number out of range, ...), or ``None``."""
    answer = saved.answer
    if saved.kind != question.type:
        return f"it is saved as a {saved.kind.replace('_', ' ')} answer, but {question.id} is a {question.type.replace('_', ' ')} question"
    if not isinstance(answer, dict):
        return "its answer is not in the form the workbook saves"
    if question.type in ("single_choice", "multiple_choice"):
        chosen = answer.get("chosen")
        if not isinstance(chosen, list) or not all(isinstance(text, str) for text in chosen):
            return "its choice is not in the form the workbook saves"
        texts = {option.text for option in question.options}
        unknown = [text for text in chosen if text not in texts]
        if unknown:
            return (
                f"the option \u201c{_short(unknown[0])}\u201d is not one of the question's options "
                "(it may have been reworded since the file was made)"
            )
        if question.type == "single_choice" and len(chosen) != 1:
            return f"it chooses {len(chosen)} options where the question takes one"
        return None
    if question.type == "numeric":
        value = answer.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            return "its number is not a number"
        if abs(value) > NUMBER_LIMIT:
            return f"its number, {_short(value, 30)}, is out of range (the workbook takes numbers from \u2212{NUMBER_LIMIT:,.0f} to {NUMBER_LIMIT:,.0f})"
        return None
    if question.type == "reflection":
        text = answer.get("text")
        if not isinstance(text, str):
            return "its text is not text"
        return f"its text is longer than {TEXT_LIMIT:,} characters" if len(text) > TEXT_LIMIT else None
    try:
        kind_of(question).parse(question, answer)
    except FIT_ERRORS:
        what = "sorting" if question.type == "categorise" else "rating"
        return f"its {what} names a statement, category or value the question does not have"
    return None


def check_imported(
    answers: Iterable[SavedAnswer], chapters: Mapping[str, ExerciseFile], *, now: datetime | None = None
) -> CheckedAnswers:
    """Check each imported answer against its question; keep those that fit, skip the rest with a reason.

    An answer is skipped when its question is not in the workbook, when it does not
    fit the question (an option the question lacks, more than one option for a
    single choice, a number out of range or not finite, a sorting or rating the
    question does not have, an overlong text), or when it was saved in the future
    (more than :data:`FUTURE_SLACK_SECONDS` ahead of ``now``). Case vignettes and
    language labs are checked for their shape. This is a check of fit, not of
    authorship: an answer edited into another valid answer passes.
    """
    limit = (now or datetime.now(UTC)).timestamp() + FUTURE_SLACK_SECONDS
    kept: list[SavedAnswer] = []
    skipped: list[SkippedAnswer] = []
    for saved in answers:
        if saved.kind in _ACTIVITIES:
            problem = _activity_problem(saved)
        else:
            question = _question(chapters, saved.question_id)
            problem = (
                f"the workbook has no question {saved.question_id}" if question is None else _answer_problem(question, saved)
            )
        if problem is None:
            try:
                future = datetime.fromisoformat(saved.saved_at).timestamp() > limit
            except (ValueError, OverflowError, OSError):
                future = True
            if future:
                problem = f"it was saved in the future ({_short(saved.saved_at, 30)}), which no workbook writes"
        if problem is None:
            kept.append(saved)
        else:
            skipped.append(SkippedAnswer(saved.question_id, saved.saved_at, problem))
    return CheckedAnswers(tuple(kept), tuple(skipped))
