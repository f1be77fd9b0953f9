"""Chapter 09, My portfolio (the pure part): progress, the reflective log, the class answers file, reading a log back.

:func:`progress` counts answered questions per chapter;
:func:`export_markdown` and :func:`export_html` write the reflective log (a
Markdown file, and a standalone HTML page), each ending with the
machine-readable data block of :mod:`widgets.logic.export`; :func:`parse_export`
reads that block back and checks its schema version and checksum.
:func:`export_class_answers` writes the anonymised class answers file that a
student hands to the lecturer's class-results board
(:mod:`widgets.logic.classresults`): the same data block, with no learner id and only
the answers in :data:`CLASS_ANSWER_KINDS` (no reflections, no other writing).

The view (:class:`widgets.views.portfolio.PortfolioView`) reads the answer store, calls
these functions and puts their results into its widgets. Anything the student wrote is
escaped before it is put into HTML; the Markdown file keeps it as written.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from ..content.exercises import ExerciseFile
from .charts import OKABE_ITO
from .export import (
    DATA_FORMAT,
    DATA_MARKER,
    EXPORT_SCHEMA_VERSION,
    READABLE_SCHEMA_VERSIONS,
    ExportEntry,
    ExportSection,
    SkippedAnswer,
    answers_sha256,
    data_block,
    export_sections,
    question_sort_key,
    sections_markdown,
)
from .kinds import CLASS_FILE_KINDS
from .markup import markdown
from .records import DamagedRow, SavedAnswer

__all__ = ["CLASS_ANSWER_KINDS", "CLASS_FILE_TITLE", "LOG_TITLE", "MAX_IMPORT_BYTES", "ChapterProgress", "ImportedAnswers", "PortfolioError", "class_answers", "damaged_rows_text", "export_class_answers", "export_html", "export_markdown", "parse_export", "progress", "progress_spec", "skipped_html"]


LOG_TITLE = "Reflective log: Recovery-Oriented Practice Workbook"


MAX_IMPORT_BYTES = 5_000_000
"""Files larger than this are refused before they are read (an export of every answer is far smaller)."""


_QUESTION_ID = re.compile(r"^\d{2}\.[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


_KIND = re.compile(r"^[a-z][a-z_]{0,40}$")


class PortfolioError(ValueError):
    """A file cannot be imported. The message says why, in words fit to show a student."""


# --------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class ChapterProgress:
    """How many of a chapter's questions have a saved answer."""

    chapter: str
    title: str
    answered: int
    total: int

    @property
    def label(self) -> str:
        """``"01 · Understanding recovery"``."""
        return f"{self.chapter} · {self.title}"


def progress(answers: Iterable[SavedAnswer], chapters: Mapping[str, ExerciseFile]) -> tuple[ChapterProgress, ...]:
    """Answered and total questions per chapter, in chapter order.

    A question counts as answered if ``answers`` hold any answer to it. Saved
    activities that are not questions (case vignettes, language labs) and answers
    to questions no longer in ``chapters`` are not counted.

    Examples
    --------
    >>> from widgets.content import load_exercises
    >>> chapter = load_exercises("01-understanding-recovery")
    >>> saved = [SavedAnswer("01.1", "single_choice", {"chosen": ["x"]}, "2025-01-01T00:00:00+00:00")]
    >>> row = progress(saved, {"01": chapter})[0]
    >>> (row.answered, row.total)
    (1, 11)
    """
    answered = {saved.question_id for saved in answers}
    return tuple(
        ChapterProgress(number, file.title, sum(q.id in answered for q in file.questions), len(file.questions))
        for number, file in sorted(chapters.items())
    )


def progress_alt_text(rows: Sequence[ChapterProgress]) -> str:
    """The chart's content as one sentence, for screen readers and plain-text displays."""
    if not rows:
        return "No chapters to show."
    return "Questions answered per chapter. " + "; ".join(f"{r.label}: {r.answered} of {r.total}" for r in rows) + "."


def progress_spec(rows: Sequence[ChapterProgress]) -> dict[str, Any]:
    """A horizontal stacked bar per chapter (answered, then not yet answered), every count written on the chart.

    Answered is Okabe-Ito blue with white text, not yet answered a light grey
    with black text; each chapter's label also says "n of m", so nothing relies
    on colour.
    """
    labels = [f"{r.label} ({r.answered} of {r.total})" for r in rows]
    answered = [r.answered for r in rows]
    remaining = [r.total - r.answered for r in rows]
    bar = {"type": "bar", "orientation": "h", "y": labels, "textposition": "inside", "insidetextanchor": "middle"}
    data = [
        {
            **bar, "name": "Answered", "x": answered, "text": [str(n) if n else "" for n in answered],
            "marker": {"color": OKABE_ITO[0]}, "textfont": {"color": "#ffffff"},
            "hovertemplate": "%{y}: %{x} answered<extra></extra>",
        },
        {
            **bar, "name": "Not yet answered", "x": remaining, "text": [f"{n} to go" if n else "" for n in remaining],
            "marker": {"color": "#d9d9d9", "line": {"color": "#767676", "width": 1}}, "textfont": {"color": "#111111"},
            "hovertemplate": "%{y}: %{x} not yet answered<extra></extra>",
        },
    ]  # fmt: skip
    longest = max([r.total for r in rows], default=1)
    layout = {
        "title": {"text": "Your progress: questions answered per chapter"},
        "barmode": "stack",
        "xaxis": {"title": {"text": "Questions"}, "range": [0, longest * 1.02], "dtick": 2},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "traceorder": "normal"},
        "height": 170 + 34 * len(rows),
        "margin": {"l": 10, "r": 20, "t": 90, "b": 60},
        "font": {"size": 14},
        "template": {"layout": {"plot_bgcolor": "white", "paper_bgcolor": "white"}},
    }
    return {"data": data, "layout": layout}


# --------------------------------------------------------------------------- export


def _stamp(now: datetime | None) -> tuple[datetime, str]:
    when = now or datetime.now(UTC)
    return when, when.strftime("%Y-%m-%d %H:%M UTC")


_LOG_PURPOSE = (
    "A record of my answers and reflections from the Recovery-Oriented Practice Workbook, kept for continuing "
    "professional development (CPD). Each answer is the latest one I saved, with the date it was saved."
)


def _table_cell(text: str) -> str:
    """Text for a Markdown table cell: a ``|`` would end the cell."""
    return text.replace("|", "\\|")


def export_markdown(
    answers: Iterable[SavedAnswer],
    chapters: Mapping[str, ExerciseFile],
    *,
    learner_id: str | None = None,
    now: datetime | None = None,
) -> str:
    """The reflective log as Markdown: progress table, answers by chapter, then the data block.

    Parameters
    ----------
    answers
        The answers to write (normally ``AnswerStore.all_latest()``).
    chapters
        Exercise files by chapter number, for titles, prompts and totals.
    learner_id
        Written (in the text and in the data block) only when given.
    """
    saved = list(answers)
    when, stamp = _stamp(now)
    lines = [f"# {LOG_TITLE}", "", f"Exported {stamp}. {_LOG_PURPOSE}"]
    if learner_id:
        lines += ["", f"Pseudonymous learner id: `{learner_id}`."]
    lines += ["", "## Progress", "", "| Chapter | Answered | Questions |", "|---|---:|---:|"]
    lines += [f"| {_table_cell(row.label)} | {row.answered} | {row.total} |" for row in progress(saved, chapters)]
    sections = export_sections(saved, chapters)
    if not sections:
        lines += ["", "No answers saved yet."]
    lines += sections_markdown(sections)
    lines += ["", data_block(saved, learner_id=learner_id, now=when)]
    return "\n".join(lines) + "\n"


def _paragraphs(lines: Sequence[str]) -> list[list[str]]:
    """Group lines into paragraphs at blank lines."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def _answer_html(entry: ExportEntry) -> str:
    """The student's answer as HTML; every line is escaped."""
    if entry.form == "quote":
        body = "".join(f"<p>{'<br>'.join(escape(line) for line in p)}</p>" for p in _paragraphs(entry.lines))
        return f"<blockquote>{body or '<p>(empty)</p>'}</blockquote>"
    if entry.form == "list":
        return "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in entry.lines) + "</ul>"
    if entry.form == "code":
        return "".join(f"<p><code>{escape(line)}</code></p>" for line in entry.lines)
    return "".join(f"<p>{escape(line)}</p>" for line in entry.lines)


def _entry_html(entry: ExportEntry, *, heading: str) -> str:
    prompt = markdown(entry.prompt) if entry.from_content else f"<p>{escape(entry.prompt)}</p>"
    return (
        f'<article class="rw-entry"><{heading}>Exercise {escape(entry.question_id)}</{heading}>'
        f'<div class="rw-entry-prompt">{prompt}</div>'
        f'<p class="rw-saved">Saved {escape(entry.saved_label)}</p>{_answer_html(entry)}</article>'
    )


def _progress_table(rows: Sequence[ChapterProgress], *, caption: str) -> str:
    body = "".join(
        f'<tr><th scope="row">{escape(r.label)}</th><td>{r.answered}</td><td>{r.total}</td></tr>' for r in rows
    )
    return (
        f'<table class="rw-facts"><caption>{escape(caption)}</caption><thead><tr><th scope="col">Chapter</th>'
        f'<th scope="col">Answered</th><th scope="col">Questions</th></tr></thead><tbody>{body}</tbody></table>'
    )


_PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.5; color: #111; background: #fff;
  max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-bottom: 1px solid #999; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.2rem 0; }
.rw-saved { color: #444; font-size: 0.9em; margin: 0.2rem 0; }
blockquote { border-left: 4px solid #0072B2; background: #f3f7fb; margin: 0.4rem 0; padding: 0.2rem 0.9rem; }
table { border-collapse: collapse; margin: 0.5rem 0; } caption { text-align: left; font-weight: 600; }
th, td { border-bottom: 1px solid #bbb; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
td { text-align: right; }
code { white-space: pre-wrap; overflow-wrap: anywhere; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } article { break-inside: avoid; } }
""".strip()


def export_html(
    answers: Iterable[SavedAnswer],
    chapters: Mapping[str, ExerciseFile],
    *,
    learner_id: str | None = None,
    now: datetime | None = None,
) -> str:
    """The reflective log as a standalone HTML page (inline CSS, no scripts, no external resources).

    The same content as :func:`export_markdown`, ending with the same data block;
    every text a student wrote is escaped. ``learner_id`` is written only when given.
    """
    saved = list(answers)
    when, stamp = _stamp(now)
    identity = f"<p>Pseudonymous learner id: <code>{escape(learner_id)}</code>.</p>" if learner_id else ""
    sections = export_sections(saved, chapters)
    body = "".join(
        f'<section aria-labelledby="chapter-{escape(s.chapter)}"><h2 id="chapter-{escape(s.chapter)}">'
        f"{escape(s.chapter)} · {escape(s.title)}</h2>"
        + "".join(_entry_html(entry, heading="h3") for entry in s.entries)
        + "</section>"
        for s in sections
    ) or "<p>No answers saved yet.</p>"
    table = _progress_table(progress(saved, chapters), caption="Questions answered per chapter")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(LOG_TITLE)}</title>\n<style>\n{_PAGE_CSS}\n</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{escape(LOG_TITLE)}</h1>\n<p>Exported {escape(stamp)}. {escape(_LOG_PURPOSE)}</p>\n{identity}\n"
        f"<h2>Progress</h2>\n{table}\n{body}\n</main>\n"
        f"{data_block(saved, learner_id=learner_id, now=when)}\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- the class answers file

CLASS_FILE_TITLE = "Class answers: Recovery-Oriented Practice Workbook"


CLASS_ANSWER_KINDS = CLASS_FILE_KINDS
"""The kinds of answer a class answers file carries: choices, numbers, sortings and ratings (each kind says so).

Reflections, case-vignette paths and language-lab rewrites are left out: they are
the student's own writing (or of no use to the class board)."""


_CLASS_PURPOSE = (
    "Your latest answers to the workbook's choice, number, sorting and rating questions, for your lecturer's "
    "class-results board. The file is anonymised: it has no learner id and no name, and it leaves out your "
    "reflections and everything else you wrote in your own words."
)


def class_answers(answers: Iterable[SavedAnswer]) -> list[SavedAnswer]:
    """The answers that go into a class answers file: only the kinds in :data:`CLASS_ANSWER_KINDS`.

    Examples
    --------
    >>> kept = class_answers([
    ...     SavedAnswer("01.1", "single_choice", {"chosen": ["x"]}, "2025-01-01T00:00:00+00:00"),
    ...     SavedAnswer("01.11", "reflection", {"text": "private"}, "2025-01-01T00:00:00+00:00"),
    ... ])
    >>> [a.question_id for a in kept]
    ['01.1']
    """
    return [saved for saved in answers if saved.kind in CLASS_ANSWER_KINDS]


def export_class_answers(
    answers: Iterable[SavedAnswer], chapters: Mapping[str, ExerciseFile], *, now: datetime | None = None
) -> str:
    """The anonymised class answers file (Markdown): a short note naming the questions it answers, then the data block.

    Only the kinds in :data:`CLASS_ANSWER_KINDS` are written, never a learner id;
    :func:`parse_export` reads the file like any other export. Pass the latest
    answers (``AnswerStore.all_latest()``). The file is kept small (no prompts,
    no readable copy of the answers: about 25 kB for the whole workbook) because
    a lecturer uploads a whole class's files at once.
    """
    shared = class_answers(answers)
    when, stamp = _stamp(now)
    ids = sorted({saved.question_id for saved in shared}, key=question_sort_key)
    chapter_count = len({question_id.split(".")[0] for question_id in ids})
    lines = [f"# {CLASS_FILE_TITLE}", "", f"Exported {stamp}. {_CLASS_PURPOSE}", ""]
    if ids:
        lines.append(
            f"It holds {_plural(len(shared), 'answer')} in {_plural(chapter_count, 'chapter')}, to questions "
            f"{', '.join(ids)}. Your answers in full are in chapter 09 and in your reflective log."
        )
    else:
        lines.append("It holds no answers yet.")
    lines += ["", data_block(shared, learner_id=None, now=when)]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportedAnswers:
    """The answers read back from an export, checked against their checksum."""

    schema_version: int
    exported_at: str
    answers: tuple[SavedAnswer, ...]
    learner_id: str | None


_OPENING = re.compile(r"<!--\s*" + re.escape(DATA_MARKER) + r"\b")


def _decoded(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    if len(data) > MAX_IMPORT_BYTES:
        raise PortfolioError(
            f"The file is too large ({len(data):,} bytes; the limit is {MAX_IMPORT_BYTES:,}). "
            "Choose the .md or .html file that the workbook exported."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PortfolioError(
            f"The file is not UTF-8 text (byte {error.start:,} cannot be read), so it is not a log exported by "
            "the workbook. Choose the .md or .html file that the workbook exported."
        ) from None


_FIELDS = frozenset({"question_id", "kind", "answer", "saved_at"})
_TRIES_FIELDS = frozenset({"tries", "first_try_correct"})


def _record(index: int, record: Any, *, version: int = EXPORT_SCHEMA_VERSION) -> SavedAnswer:
    where = f"Answer {index + 1} in the file"
    allowed = {frozenset(_FIELDS)} if version == 1 else {frozenset(_FIELDS), _FIELDS | _TRIES_FIELDS}
    if not isinstance(record, dict) or frozenset(record) not in allowed:
        extra = " and, from format 2, tries and first_try_correct" if version >= 2 else ""
        raise PortfolioError(f"{where} does not have the expected fields (question_id, kind, answer, saved_at{extra}).")
    tries, first = record.get("tries"), record.get("first_try_correct")
    if "tries" in record and (type(tries) is not int or tries < 1 or not (first is None or isinstance(first, bool))):
        raise PortfolioError(f"{where} has an invalid count of tries ({str(tries)[:20]!r}, {str(first)[:20]!r}).")
    question_id, kind, saved_at = record["question_id"], record["kind"], record["saved_at"]
    if not isinstance(question_id, str) or not _QUESTION_ID.match(question_id):
        raise PortfolioError(f"{where} has an invalid question id ({str(question_id)[:40]!r}).")
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise PortfolioError(f"{where} ({question_id}) has an invalid kind ({str(kind)[:40]!r}).")
    try:
        moment = datetime.fromisoformat(saved_at) if isinstance(saved_at, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise PortfolioError(f"{where} ({question_id}) has an invalid time stamp ({str(saved_at)[:40]!r}).")
    return SavedAnswer(question_id, kind, record["answer"], saved_at, tries, first if "tries" in record else None)


def parse_export(data: str | bytes) -> ImportedAnswers:
    """Read the data block of a Markdown or HTML export made by :func:`export_markdown` or :func:`export_html`.

    Raises
    ------
    PortfolioError
        The file is not UTF-8, is too large, has no data block or more than one,
        is cut short, is of another schema version, or its answers do not match
        their SHA-256 (the file was edited or damaged). The message says which.
    """
    text = _decoded(data)
    openings = list(_OPENING.finditer(text))
    if not openings:
        raise PortfolioError(
            "This file has no workbook data in it: it is not a reflective log exported by this workbook, "
            "or it is incomplete. Choose a file made with \u201cPrepare my reflective log\u201d."
        )
    if len(openings) > 1:
        raise PortfolioError("This file holds more than one block of workbook data; import one exported log at a time.")
    start = openings[0].end()
    end = text.find("-->", start)
    if end == -1:
        raise PortfolioError("The workbook data in this file is incomplete: the file seems to have been cut short.")
    try:
        block = json.loads(text[start:end])
    except json.JSONDecodeError as error:
        raise PortfolioError(
            f"The workbook data in this file cannot be read ({error.msg} at character {error.pos:,}); "
            "the file may have been cut short or edited."
        ) from None
    except RecursionError:
        raise PortfolioError("The workbook data in this file cannot be read (nested too deeply).") from None
    if not isinstance(block, dict) or block.get("format") != DATA_FORMAT:
        raise PortfolioError("The data in this file is not a Recovery-Oriented Practice Workbook export.")
    version = block.get("schema_version")
    if type(version) is not int or version not in READABLE_SCHEMA_VERSIONS:
        shown = "missing" if version is None else str(version)[:20]
        readable = " and ".join(str(v) for v in READABLE_SCHEMA_VERSIONS)
        raise PortfolioError(
            f"This file's export format version is {shown}; this workbook reads versions {readable} "
            "only. Import it with the workbook version that made it, or export it again from there."
        )
    records, checksum = block.get("answers"), block.get("answers_sha256")
    if not isinstance(records, list) or not isinstance(checksum, str):
        raise PortfolioError("The workbook data in this file is incomplete: its answers or their checksum are missing.")
    try:
        actual = answers_sha256(records)
    except (TypeError, ValueError):
        actual = None
    if actual != checksum.lower():
        raise PortfolioError(
            "The answers in this file do not match their checksum, so the file has been changed since it was "
            "exported (edited by hand, or damaged). To change an answer, change it in its chapter and export again."
        )
    answers = tuple(_record(index, record, version=version) for index, record in enumerate(records))
    learner_id = block.get("learner_id")
    exported_at = block.get("exported_at")
    return ImportedAnswers(
        schema_version=version,
        exported_at=exported_at if isinstance(exported_at, str) else "",
        answers=answers,
        learner_id=learner_id if isinstance(learner_id, str) else None,
    )


# --------------------------------------------------------------------------- view


def _download_link(text: str, *, filename: str, mime: str, label: str) -> str:
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f'<a download="{escape(filename)}" href="data:{mime};charset=utf-8;base64,{payload}">{escape(label)}</a>'


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _saved_html(sections: Sequence[ExportSection]) -> str:
    """Every saved answer, one collapsible block per chapter; user text escaped."""
    if not sections:
        return "<p>No answers saved yet. Your answers appear here as you work through the chapters.</p>"
    return "".join(
        f"<details><summary><strong>{escape(s.chapter)} · {escape(s.title)}</strong>: "
        f"{_plural(len(s.entries), 'saved answer')}</summary>"
        f"{''.join(_entry_html(e, heading='h4') for e in s.entries)}</details>"
        for s in sections
    )


def _summary_html(rows: Sequence[ChapterProgress], answers: Sequence[SavedAnswer]) -> str:
    answered, total = sum(r.answered for r in rows), sum(r.total for r in rows)
    table = _progress_table(rows, caption="Questions answered per chapter")
    return (
        f"<p>You have answered <strong>{answered} of {total}</strong> questions across "
        f"{_plural(len(rows), 'chapter')}, and saved {_plural(len(answers), 'answer')} in all "
        "(including case vignettes and language labs).</p>"
        f"<details><summary>Show the progress as a table</summary>{table}</details>"
    )


def damaged_rows_text(rows: Sequence[DamagedRow], *, shown: int = 5) -> str:
    """What the page says about saved rows that cannot be read: which, that they are kept, that the rest is shown.

    >>> damaged_rows_text([DamagedRow(17, "01.2", "2025-01-02T03:04:05+00:00", "bad JSON")])[:86]
    '1 saved answer cannot be read and is left out: your answer to 01.2 saved 2025-01-02 03'
    """
    if not rows:
        return ""
    listed = "; ".join(row.label for row in rows[:shown])
    more = f"; and {len(rows) - shown} more" if len(rows) > shown else ""
    return (
        f"{_plural(len(rows), 'saved answer')} cannot be read and {'is' if len(rows) == 1 else 'are'} left out: "
        f"{listed}{more}. Its bytes in the answers file have changed (damage on disk, or another program wrote to "
        "it). It stays in the file exactly as it is; everything else you saved is shown and exported, and saving "
        "new answers goes on. Where you answered that question before, your earlier answer is shown instead. "
        "Ask for help if you need the damaged answer back."
    )


def skipped_html(skipped: Sequence[SkippedAnswer], *, shown: int = 10) -> str:
    """The answers an import skipped, each with its reason (escaped), at most ``shown`` listed."""
    if not skipped:
        return ""
    verb = "does" if len(skipped) == 1 else "do"
    items = "".join(
        f"<li>{escape(s.question_id)} (saved {escape(s.saved_at[:16].replace('T', ' '))}): {escape(s.reason)}.</li>"
        for s in skipped[:shown]
    )
    more = f"<p>And {len(skipped) - shown} more.</p>" if len(skipped) > shown else ""
    return (
        f"<p>{_plural(len(skipped), 'answer')} in the file {verb} not fit {'its' if len(skipped) == 1 else 'their'} "
        f"question and {'was' if len(skipped) == 1 else 'were'} skipped; nothing else changed:</p><ul>{items}</ul>{more}"
    )
