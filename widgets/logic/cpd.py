"""Chapter 09's CPD record (pure): a professional body's template, filled with the student's writing and the workbook's record.

:func:`workbook_record` summarises what the answers file shows (chapters worked on, questions
answered, the first and last day); :func:`suggested_hours` adds up those chapters' own time
estimates, as a suggestion only; :func:`parse_hours` reads hours the student states
(more than 0, at most the file's maximum, in half hours). :func:`check_entry` turns what the
student typed into a :class:`CpdRecord` or raises :class:`CpdError` listing every problem.
:func:`cpd_markdown` and :func:`cpd_html` write the record; everything the student typed is
escaped for its format (:func:`widgets.logic.export.markdown_text`, :func:`html.escape`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape

from ..content.cpd import CpdFile, CpdSection, CpdTemplate, HoursRule
from ..content.exercises import ExerciseFile
from .export import TEXT_LIMIT, ExportEntry, export_sections, markdown_text, quote_markdown
from .markup import markdown
from .portfolio import _PAGE_CSS, _paragraphs, progress
from .records import SavedAnswer

__all__ = [
    "ChapterWork",
    "CpdEntry",
    "CpdError",
    "CpdRecord",
    "WorkbookRecord",
    "activity_text",
    "check_entry",
    "cpd_file_stem",
    "cpd_html",
    "cpd_markdown",
    "draft_id",
    "parse_hours",
    "reflections",
    "suggested_hours",
    "suggestion_html",
    "workbook_record",
]

WORKBOOK = "Recovery-Oriented Practice Workbook"


class CpdError(ValueError):
    """What the student typed cannot make a record yet; ``problems`` lists each thing to fix, in plain words."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = tuple(problems)


# --------------------------------------------------------------------------- the workbook's record


@dataclass(frozen=True)
class ChapterWork:
    """One chapter the student has saved answers in, with its own time estimate (minutes) where known."""

    chapter: str
    title: str
    answered: int
    total: int
    minutes: int | None


@dataclass(frozen=True)
class WorkbookRecord:
    """What the answers file shows: the chapters worked on and the first and last day an answer was saved."""

    chapters: tuple[ChapterWork, ...]
    first: date | None
    last: date | None

    @property
    def dates(self) -> str:
        """``"2025-01-02 to 2025-03-04"``, one day, or ``"no answers saved yet"``."""
        if self.first is None or self.last is None:
            return "no answers saved yet"
        return self.first.isoformat() if self.first == self.last else f"{self.first.isoformat()} to {self.last.isoformat()}"


def _day(saved_at: str) -> date | None:
    try:
        return datetime.fromisoformat(saved_at).astimezone(UTC).date()
    except (ValueError, OverflowError):
        return None


def workbook_record(
    answers: Iterable[SavedAnswer], chapters: Mapping[str, ExerciseFile], minutes: Mapping[str, int]
) -> WorkbookRecord:
    """The chapters with at least one saved answer (activities included, CPD drafts not), in order, and the days answers were saved.

    >>> from widgets.content import load_exercises
    >>> saved = [SavedAnswer("01.1", "single_choice", {}, "2025-01-02T10:00:00+00:00")]
    >>> record = workbook_record(saved, {"01": load_exercises("01-understanding-recovery")}, {"01": 70})
    >>> (record.chapters[0].answered, record.chapters[0].minutes, record.dates)
    (1, 70, '2025-01-02')
    """
    saved = [a for a in answers if a.kind != "cpd_record"]  # a CPD draft is writing about the work, not the work
    worked = {a.question_id.split(".")[0] for a in saved}
    rows = {row.chapter: row for row in progress(saved, chapters)}
    work = tuple(
        ChapterWork(
            number,
            rows[number].title if number in rows else f"Chapter {number}",
            rows[number].answered if number in rows else 0,
            rows[number].total if number in rows else 0,
            minutes.get(number),
        )
        for number in sorted(worked)
    )
    days = sorted(d for d in (_day(a.saved_at) for a in saved) if d is not None)
    return WorkbookRecord(work, days[0] if days else None, days[-1] if days else None)


def suggested_hours(record: WorkbookRecord, rule: HoursRule) -> tuple[float, int] | None:
    """The chapters' own time estimates added up: ``(hours to the nearest step, minutes)``, or ``None`` if none.

    Only a suggestion for the student to check against the time they actually spent.

    >>> from widgets.content.cpd import HoursRule
    >>> work = WorkbookRecord((ChapterWork("01", "x", 1, 2, 70), ChapterWork("09", "y", 1, 2, 20)), None, None)
    >>> suggested_hours(work, HoursRule(step=0.5, maximum=50))
    (1.5, 90)
    """
    minutes = sum(c.minutes for c in record.chapters if c.minutes is not None)
    if not minutes:
        return None
    steps = max(1, math.floor(minutes / 60 / rule.step + 0.5))
    return min(steps * rule.step, rule.maximum), minutes


def activity_text(record: WorkbookRecord) -> str:
    """The activity in words, from the record, for the student to edit: what, which chapters, when."""
    if not record.chapters:
        return f"Self-directed online learning with the {WORKBOOK}."
    names = "; ".join(f"{c.chapter} {c.title}" for c in record.chapters)
    return (
        f"Self-directed online learning with the {WORKBOOK}, on recovery-oriented mental-health practice. "
        f"Chapters worked on: {names} ({record.dates})."
    )


def reflections(answers: Iterable[SavedAnswer], chapters: Mapping[str, ExerciseFile]) -> tuple[ExportEntry, ...]:
    """The student's written reflections (latest answer to each reflection question), in question order."""
    return tuple(e for s in export_sections(answers, chapters) for e in s.entries if e.kind == "reflection")


# --------------------------------------------------------------------------- what the student typed

_HOURS = re.compile(r"^\d{1,4}(?:[.,]\d{1,3})?$")


def parse_hours(text: str, rule: HoursRule, *, what: str = "Hours", zero: bool = False) -> float:
    """Hours as the student typed them: a number (point or comma), more than 0 (or 0 if ``zero``), at most the maximum, in steps.

    >>> from widgets.content.cpd import HoursRule
    >>> parse_hours(" 2,5 ", HoursRule(step=0.5, maximum=50))
    2.5
    >>> parse_hours("2.3", HoursRule(step=0.5, maximum=50))
    Traceback (most recent call last):
    ...
    ValueError: Hours: state them in steps of 0.5 (half an hour), for example 2 or 2.5; you typed 2.3.
    """
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        raise ValueError(f"{what}: state the time you spent{' (0 if none)' if zero else ''}, for example 2.5.")
    if not _HOURS.match(cleaned):
        raise ValueError(f"{what}: \u201c{text.strip()[:20]}\u201d is not a number of hours; type digits, for example 2.5.")
    value = float(cleaned.replace(",", "."))
    if value == 0 and zero:
        return 0.0
    if value <= 0:
        raise ValueError(f"{what}: must be more than 0.")
    if value > rule.maximum:
        raise ValueError(f"{what}: at most {rule.maximum:g} for one record of this workbook; you typed {value:g}.")
    steps = value / rule.step
    if abs(steps - round(steps)) > 1e-9:
        half = " (half an hour)" if rule.step == 0.5 else ""
        raise ValueError(
            f"{what}: state them in steps of {rule.step:g}{half}, for example {math.floor(value):g} or "
            f"{math.floor(value) + rule.step:g}; you typed {value:g}."
        )
    return value


@dataclass(frozen=True)
class CpdEntry:
    """What the student typed and ticked, unchecked."""

    template_id: str
    texts: Mapping[str, str]
    ticked: tuple[str, ...] = ()
    hours: str = ""
    participatory: str = ""
    anonymised: bool = False


@dataclass(frozen=True)
class CpdRecord:
    """A checked entry, ready to write: the template, each section's text, the ticks and the hours."""

    template: CpdTemplate
    texts: tuple[tuple[CpdSection, str], ...]
    ticked: tuple[str, ...]
    hours: float | None
    participatory: float | None


def check_entry(entry: CpdEntry, cpd: CpdFile) -> CpdRecord:
    """Check ``entry`` against its template; raise :class:`CpdError` naming every problem at once."""
    template = cpd.template(entry.template_id)
    problems: list[str] = []
    texts = []
    for section in template.sections:
        text = entry.texts.get(section.id, "").strip()
        if section.required and not text:
            problems.append(f"Write something under \u201c{section.heading}\u201d.")
        elif len(text) > TEXT_LIMIT:
            problems.append(f"\u201c{section.heading}\u201d is longer than {TEXT_LIMIT:,} characters; shorten it.")
        texts.append((section, text))
    ticked: tuple[str, ...] = ()
    if template.checklist is not None:
        known = template.checklist.options
        ticked = tuple(option for option in known if option in entry.ticked)
        if len(ticked) < template.checklist.minimum:
            boxes = "one box" if template.checklist.minimum == 1 else f"{template.checklist.minimum} boxes"
            problems.append(f"Tick at least {boxes} under \u201c{template.checklist.label}\u201d")
    hours: float | None = None
    participatory: float | None = None
    if template.hours == "required" or entry.hours.strip():
        try:
            hours = parse_hours(entry.hours, cpd.hours)
        except ValueError as error:
            problems.append(str(error))
    if template.participatory:
        try:
            participatory = parse_hours(entry.participatory, cpd.hours, what="Participatory hours", zero=True)
        except ValueError as error:
            problems.append(str(error))
        if hours is not None and participatory is not None and participatory > hours:
            problems.append(f"Participatory hours ({participatory:g}) cannot be more than the hours in all ({hours:g}).")
    if not entry.anonymised:
        problems.append("Tick the box to confirm you have left out anything that could identify a person you work with.")
    if problems:
        raise CpdError(problems)
    return CpdRecord(template, tuple(texts), ticked, hours, participatory)


# --------------------------------------------------------------------------- writing the record


def _intro(template: CpdTemplate, stamp: str) -> str:
    return (
        f"Prepared with the {WORKBOOK} on {stamp}, for {template.for_whom}. Its structure follows the body's published "
        f"guidance ({template.source}), in the workbook's own words; copy it into the body's own form or account."
    )


def _hours(value: float | None) -> str:
    return "not stated" if value is None else f"{value:g}"


def _facts(record: CpdRecord, work: WorkbookRecord) -> list[tuple[str, str]]:
    """The record's table: label and value, none of them typed by the student."""
    rows = [
        ("Professional body", record.template.body),
        ("Dates", f"{work.dates} (from the days answers were saved in the workbook)"),
        ("Hours", _hours(record.hours)),
    ]
    if record.template.participatory:
        rows.append(("Of which participatory", _hours(record.participatory)))
        if record.hours is not None and record.participatory is not None:
            rows.append(("Of which not participatory", f"{record.hours - record.participatory:g}"))
    rows.append(("Evidence", f"keep the {WORKBOOK}'s reflective log (chapter 09, Prepare my reflective log) with this record"))
    return rows


def _cell(value: str) -> str:
    """A table cell of the workbook's own values (numbers, dates, labels): inline markers and tags made inert, no block escapes."""
    return re.sub(r"([\\`*_\[\]~|])", r"\\\1", value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _chapters_lines(work: WorkbookRecord) -> list[tuple[str, str, str]]:
    return [
        (f"{c.chapter} · {c.title}", f"{c.answered} of {c.total}", "" if c.minutes is None else f"about {c.minutes} min")
        for c in work.chapters
    ]


def cpd_file_stem(record: CpdRecord, now: datetime) -> str:
    """``recovery-workbook-cpd-nmc-2025-03-04``."""
    return f"recovery-workbook-cpd-{record.template.id}-{now:%Y-%m-%d}"


def _suggestion_line(suggestion: tuple[float, int] | None) -> str:
    if suggestion is None:
        return "The workbook has no time estimate for the chapters worked on."
    return (
        f"The chapters' own time estimates add up to {suggestion[1]} minutes (about {suggestion[0]:g} hours); "
        "the hours above are the time stated by the learner."
    )


def cpd_markdown(
    record: CpdRecord,
    work: WorkbookRecord,
    notes: Sequence[ExportEntry] = (),
    *,
    suggestion: tuple[float, int] | None = None,
    now: datetime | None = None,
) -> str:
    """The record as Markdown; every text the student typed is escaped line by line (:func:`markdown_text`)."""
    when = now or datetime.now(UTC)
    stamp = when.strftime("%Y-%m-%d %H:%M UTC")
    template = record.template
    lines = [
        f"# {template.name}",
        "",
        f"*{markdown_text(_intro(template, stamp))}*",
        "",
        "## Record",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {label} | {_cell(value)} |" for label, value in _facts(record, work)]
    if template.checklist is not None:
        lines += ["", f"## {template.checklist.label}", ""]
        lines += [f"- [{'x' if o in record.ticked else ' '}] {markdown_text(o)}" for o in template.checklist.options]
    for section, text in record.texts:
        lines += ["", f"## {section.heading}", ""]
        lines += quote_markdown(text.splitlines()) or ["*(left empty)*"]
    lines += ["", "## From the workbook", "", "| Chapter | Questions answered | Time estimate |", "|---|---|---|"]
    lines += [f"| {_cell(a)} | {_cell(b)} | {_cell(c)} |" for a, b, c in _chapters_lines(work)]
    lines += ["", _suggestion_line(suggestion)]
    lines += ["", "## Sources", ""] + [f"- {markdown_text(reference)}" for reference in template.references]
    if notes:
        lines += ["", "## Appendix: my written reflections in the workbook"]
        for note in notes:
            lines += ["", f"### {note.question_id}: {note.prompt}", "", f"*Saved {note.saved_label}*", ""]
            lines += quote_markdown(note.lines)
    return "\n".join(lines) + "\n"


def _quote_html(text: str) -> str:
    body = "".join(f"<p>{'<br>'.join(escape(line) for line in p)}</p>" for p in _paragraphs(text.splitlines()))
    return f"<blockquote>{body}</blockquote>" if body else "<p><em>(left empty)</em></p>"


def cpd_html(
    record: CpdRecord,
    work: WorkbookRecord,
    notes: Sequence[ExportEntry] = (),
    *,
    suggestion: tuple[float, int] | None = None,
    now: datetime | None = None,
) -> str:
    """The record as a standalone web page (inline CSS, no scripts); every text is escaped."""
    when = now or datetime.now(UTC)
    stamp = when.strftime("%Y-%m-%d %H:%M UTC")
    template = record.template
    facts = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td>{escape(value)}</td></tr>' for label, value in _facts(record, work)
    )
    parts = [
        f"<h1>{escape(template.name)}</h1>",
        f"<p>{escape(_intro(template, stamp))}</p>",
        f'<h2>Record</h2><table class="rw-facts rw-cpd"><tbody>{facts}</tbody></table>',
    ]
    if template.checklist is not None:
        items = "".join(
            f"<li><strong>{'Yes' if o in record.ticked else 'No'}</strong> \u00b7 {escape(o)}</li>"
            for o in template.checklist.options
        )
        parts.append(f"<h2>{escape(template.checklist.label)}</h2><ul>{items}</ul>")
    parts += [f"<h2>{escape(section.heading)}</h2>{_quote_html(text)}" for section, text in record.texts]
    rows = "".join(
        f'<tr><th scope="row">{escape(a)}</th><td>{escape(b)}</td><td>{escape(c)}</td></tr>' for a, b, c in _chapters_lines(work)
    )
    parts.append(
        '<h2>From the workbook</h2><table class="rw-facts"><thead><tr><th scope="col">Chapter</th>'
        f'<th scope="col">Questions answered</th><th scope="col">Time estimate</th></tr></thead><tbody>{rows}</tbody>'
        f"</table><p>{escape(_suggestion_line(suggestion))}</p>"
    )
    parts.append("<h2>Sources</h2><ul>" + "".join(f"<li>{escape(r)}</li>" for r in template.references) + "</ul>")
    if notes:
        parts.append("<h2>Appendix: my written reflections in the workbook</h2>")
        parts += [
            f"<h3>Exercise {escape(n.question_id)}</h3><div>{markdown(n.prompt)}</div>"
            f'<p class="rw-saved">Saved {escape(n.saved_label)}</p>' + _quote_html("\n".join(n.lines))
            for n in notes
        ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(template.name)}</title>\n<style>\n{_PAGE_CSS}\n.rw-cpd td {{ text-align: left; }}\n</style>\n"
        "</head>\n<body>\n<main>\n" + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
    )


def draft_id(template_id: str) -> str:
    """Where a template's draft is saved: ``09.cpd.nmc``."""
    return f"09.cpd.{template_id}"


def suggestion_html(work: WorkbookRecord, suggestion: tuple[float, int] | None, maximum: float) -> str:
    """The chapters' time estimates as a suggestion for the hours, never filled in for the student."""
    rule = f"State the time you actually spent, in half hours, up to {maximum:g} hours."
    if suggestion is None:
        return f'<p class="rw-saved">{escape(rule)} You have no saved answers yet, so there is no estimate to suggest.</p>'
    chapters = ", ".join(c.chapter for c in work.chapters)
    return (
        f'<p class="rw-saved">Suggestion: the chapters you have worked on ({escape(chapters)}) have time estimates '
        f"that add up to {suggestion[1]} minutes, about {suggestion[0]:g} hours. {escape(rule)}</p>"
    )
