"""Reading class answers files: each file parsed, checked and kept (latest answer per question) or skipped with a reason."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..export import DATA_MARKER, question_sort_key
from ..kinds import KINDS
from ..portfolio import (
    PortfolioError,
    parse_export,
)
from ..records import SavedAnswer

__all__ = [
    "MAX_CLASS_BYTES",
    "MAX_CLASS_FILES",
    "NOT_A_CLASS_FILE",
    "SKIP_REASONS",
    "ClassBatch",
    "ClassFile",
    "SkippedFile",
    "class_file_name",
    "display_name",
    "read_class_file",
    "read_class_files",
]


MAX_CLASS_FILES = 500
"""A board reads at most this many files at once; the rest are listed as skipped."""


MAX_CLASS_BYTES = 50_000_000
"""The files on a board together may hold at most this many bytes (one class answers file is about 20 kB)."""


_MAX_NAME = 120


NOT_A_CLASS_FILE = (
    "This file has no workbook data in it, so the board cannot read it. The board reads the "
    "class answers file a student makes in chapter 09 with \u201cPrepare a class answers file\u201d (.md), "
    "or their reflective log (.md or .html)."
)
"""The reason given for a file with no workbook data (a note, a photo): the pointer a lecturer needs."""


FUTURE_SLACK = timedelta(minutes=10)
"""An answer dated more than this after the board's clock is left out (a student's clock may run a little fast)."""


SKIP_REASONS: dict[str, str] = {
    "checksum": "could not be read: the check-sum does not match",
    "version": "made by another version of the workbook",
    "not-workbook": "not a class answers file (no workbook data in it)",
    "too-large": "too large to read",
    "unreadable": "could not be read (cut short or damaged)",
    "empty": "no answers to choice, number, sorting or rating questions",
    "duplicate": "the same answers as a file already on the board",
    "limit": "not read: past the board's limit of files or bytes",
}
"""Why a file was skipped, by category, in words fit for a projected screen: no file name, no blame."""


CHECKSUM_REASON = (
    "Could not be read: its check-sum does not match its answers, so the file changed after the workbook made it "
    "(damaged on the way, or edited). Ask the student to make the file again in chapter 09."
)
"""The lecturer's detail for a file whose answers do not match their check-sum."""


_TAG = re.compile(r"^[0-9a-z]{4,12}$")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


# ----------------------------------------------------------------------------- reading the files


@dataclass(frozen=True)
class SkippedFile:
    """A file left off the board, and why (in words fit to show the lecturer)."""

    name: str
    reason: str
    category: str = "unreadable"
    """One of :data:`SKIP_REASONS`' keys: what the projected board says, without the name."""


@dataclass(frozen=True)
class ClassFile:
    """One student's file, as the board uses it.

    ``answers`` holds ``(question id, kind, answer key)`` for the latest answer
    to each question, in question order. The key is the answer's canonical JSON;
    for a reflection it is empty (the text is dropped as the file is read).
    """

    name: str
    answers: tuple[tuple[str, str, str], ...]
    fingerprint: str
    """SHA-256 of the answers the board uses (with their times): equal for two copies of one student's answers."""
    first_tries: tuple[tuple[str, bool], ...] = ()
    """``(question id, first try right)`` for each latest answer whose file says (format 2 and later)."""
    future: tuple[str, ...] = ()
    """Question ids of answers left out because they are dated in the future (after the board's clock)."""


@dataclass(frozen=True)
class ClassBatch:
    """The files read onto the board, in upload order, and those skipped."""

    files: tuple[ClassFile, ...]
    skipped: tuple[SkippedFile, ...]

    @property
    def answers(self) -> int:
        """The number of answers (one per question per file) the board counts."""
        return sum(len(f.answers) for f in self.files)

    @property
    def future(self) -> int:
        """Answers left out because they are dated in the future."""
        return sum(len(f.future) for f in self.files)


def display_name(name: str) -> str:
    """The file name as given, with runs of white space or control characters made one space, cut to 120 characters.

    Not escaped (the HTML writers escape it); ``(unnamed file)`` if blank.

    >>> display_name("  class\\tanswers\\n.md"), display_name(""), len(display_name("x" * 500))
    ('class answers .md', '(unnamed file)', 120)
    """
    shown = " ".join(_CONTROL.sub(" ", str(name)).split())
    if not shown:
        return "(unnamed file)"
    return shown if len(shown) <= _MAX_NAME else shown[: _MAX_NAME - 1] + "…"


def class_file_name(chapters: Sequence[str], day: date, tag: str) -> str:
    """The download name of one student's class answers file: the chapters it answers, the day and a short random tag.

    Two students' files (even from one chapter, on one day) get different names, so they do not replace each
    other when a lecturer collects them into one folder. ``tag`` is random, made by the caller
    (e.g. ``secrets.token_hex(3)``); it carries nothing about the student.

    >>> from datetime import date
    >>> class_file_name(["04", "02", "04"], date(2026, 3, 9), "3fa9c1")
    'recovery-workbook-class-answers-ch02-ch04-2026-03-09-3fa9c1.md'
    >>> class_file_name(["01", "02", "03", "04", "05"], date(2026, 3, 9), "3fa9c1")
    'recovery-workbook-class-answers-ch01-to-ch05-2026-03-09-3fa9c1.md'
    """
    if not _TAG.match(tag):
        raise ValueError(f"A file tag is 4 to 12 lowercase letters or digits, not {tag!r}.")
    numbers = sorted({str(number) for number in chapters if re.fullmatch(r"\d{2}", str(number))})
    if not numbers:
        part = "no-chapter"
    elif len(numbers) <= 3:
        part = "-".join(f"ch{number}" for number in numbers)
    else:
        part = f"ch{numbers[0]}-to-ch{numbers[-1]}"
    return f"recovery-workbook-class-answers-{part}-{day:%Y-%m-%d}-{tag}.md"


def _canonical(answer: Any) -> str:
    return json.dumps(answer, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _latest(answers: Sequence[SavedAnswer]) -> list[SavedAnswer]:
    """The latest answer per question (by ``saved_at``; a tie goes to the later one in the file), question order."""
    latest: dict[str, tuple[datetime, SavedAnswer]] = {}
    for saved in answers:
        moment = datetime.fromisoformat(saved.saved_at)
        current = latest.get(saved.question_id)
        if current is None or moment >= current[0]:
            latest[saved.question_id] = (moment, saved)
    return [latest[question_id][1] for question_id in sorted(latest, key=lambda q: (question_sort_key(q), q))]


def _category(message: str) -> str:
    """The :data:`SKIP_REASONS` category of a :class:`PortfolioError` message from :func:`read_class_file`."""
    if message == CHECKSUM_REASON:
        return "checksum"
    if message == NOT_A_CLASS_FILE:
        return "not-workbook"
    for words, category in (
        ("export format version", "version"),
        ("too large", "too-large"),
        ("nothing from it to show", "empty"),
        ("not a Recovery-Oriented Practice Workbook export", "not-workbook"),
    ):
        if words in message:
            return category
    return "unreadable"


def _in_the_future(answers: Sequence[SavedAnswer], now: datetime) -> tuple[list[SavedAnswer], tuple[str, ...]]:
    """``answers`` split into those dated up to ``now`` (plus :data:`FUTURE_SLACK`) and the ids of those after."""
    latest_allowed = now + FUTURE_SLACK
    kept: list[SavedAnswer] = []
    future: list[str] = []
    for saved in answers:
        if datetime.fromisoformat(saved.saved_at) > latest_allowed:
            future.append(saved.question_id)
        else:
            kept.append(saved)
    return kept, tuple(sorted(set(future), key=lambda q: (question_sort_key(q), q)))


def read_class_file(name: str, data: bytes, *, now: datetime | None = None) -> ClassFile:
    """Read one student's file (a class answers file or a reflective log exported by the workbook).

    An answer dated after ``now`` (default: the clock now) by more than :data:`FUTURE_SLACK`
    cannot have been given yet: it is left out and its question id kept in :attr:`ClassFile.future`.
    Whether an answer fits its question (an option that exists, a rating on the scale, a number to the
    question's precision) is checked as the board counts it (:func:`.aggregate.class_results`).

    Raises
    ------
    PortfolioError
        The file cannot be read (see :func:`widgets.logic.portfolio.parse_export`) or has
        no answers to choice, number, sorting or rating questions. The message says which.
    """
    try:
        imported = parse_export(data)
    except PortfolioError as error:
        # parse_export's pointer is for a student importing their own log; the lecturer needs the class answers file.
        if "no workbook data" in str(error) and DATA_MARKER.encode("ascii") not in data:
            raise PortfolioError(NOT_A_CLASS_FILE) from None
        if "do not match their checksum" in str(error):
            raise PortfolioError(CHECKSUM_REASON) from None
        raise
    except (ValueError, TypeError, RecursionError, OverflowError, KeyError, AttributeError, IndexError):
        raise PortfolioError("The workbook data in this file cannot be read; it may have been edited or damaged.") from None
    used = [a for a in imported.answers if a.kind in KINDS]
    try:
        used, future = _in_the_future(used, now if now is not None else datetime.now(UTC))
        latest = _latest(used)
        graded = [(a.question_id, a.kind, _canonical(a.answer), a.saved_at) for a in latest if a.kind != "reflection"]
    except (ValueError, TypeError, RecursionError, OverflowError):
        raise PortfolioError("The answers in this file cannot be read; it may have been edited or damaged.") from None
    if not graded:
        reflections = len(latest)
        only = f" It holds only {reflections} reflection{'s' if reflections != 1 else ''}." if reflections else ""
        if future:
            only += f" {len(future)} answer{'s are' if len(future) != 1 else ' is'} dated in the future and left out."
        raise PortfolioError(
            "This file has no answers to the workbook's choice, number, sorting or rating questions, so there is "
            f"nothing from it to show.{only}"
        )
    keys = {question_id: key for question_id, _kind, key, _at in graded}
    # Interned, so that equal ids, kinds and answers are one object each: grouping them is then much faster.
    answers = tuple(
        (sys.intern(a.question_id), sys.intern(a.kind), sys.intern(keys.get(a.question_id, ""))) for a in latest
    )
    fingerprint = hashlib.sha256("\n".join("\x1f".join(row) for row in graded).encode("utf-8")).hexdigest()
    first_tries = tuple(
        (sys.intern(a.question_id), a.first_try_correct) for a in latest if a.first_try_correct is not None
    )
    return ClassFile(display_name(name), answers, fingerprint, first_tries, future)


def read_class_files(
    uploads: Sequence[tuple[str, bytes]],
    *,
    max_files: int | None = MAX_CLASS_FILES,
    max_total_bytes: int | None = MAX_CLASS_BYTES,
    now: datetime | None = None,
) -> ClassBatch:
    """Read every uploaded ``(name, content)``; skip, with the reason, each file that cannot be used.

    A file is skipped if :func:`read_class_file` refuses it, if its answers (and
    their times) are the same as those of a file read earlier (a duplicate; the
    reason names the earlier file), or if it comes after the first ``max_files``
    files or takes the total past ``max_total_bytes``. Never raises for any
    content or name. ``now`` (default: the clock now) is the time after which an answer is dated in the future.
    """
    when = now if now is not None else datetime.now(UTC)
    files: list[ClassFile] = []
    skipped: list[SkippedFile] = []
    first_with: dict[str, tuple[str, int]] = {}
    total = 0
    for position, (name, data) in enumerate(uploads, start=1):
        shown = display_name(name)
        if max_files is not None and position > max_files:
            skipped.append(SkippedFile(shown, f"Not read: a board takes at most {max_files:,} files at once.", "limit"))
            continue
        size = len(data)
        if max_total_bytes is not None and total + size > max_total_bytes:
            skipped.append(
                SkippedFile(
                    shown, f"Not read: the files together would pass the limit of {max_total_bytes:,} bytes.", "limit"
                )
            )
            continue
        total += size
        try:
            read = read_class_file(shown, bytes(data), now=when)
        except PortfolioError as error:
            skipped.append(SkippedFile(shown, str(error), _category(str(error))))
            continue
        earlier = first_with.get(read.fingerprint)
        if earlier is not None:
            skipped.append(
                SkippedFile(
                    shown,
                    f"Duplicate: its answers are the same as those in {earlier[0]} (file {earlier[1]}), "
                    "which is already on the board.",
                    "duplicate",
                )
            )
            continue
        first_with[read.fingerprint] = (shown, position)
        files.append(read)
    return ClassBatch(tuple(files), tuple(skipped))
