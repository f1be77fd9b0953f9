"""Saved answers: a local SQLite file, one append-only row per answer given.

Every answer is written in its own transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``,
write-ahead log, ``synchronous=FULL``), so an answer is either wholly on disk or
not at all, and a kernel that dies loses at most the answer it was writing.
Earlier answers are never updated or deleted by saving; the latest row for a
question is the student's current answer. Two deliberate exceptions, each one
transaction: :meth:`AnswerStore.import_answers` appends answers from an export
(keeping their time stamps), and :meth:`AnswerStore.delete_all` removes every
answer of the learner when the student asks for it.

A file that cannot be opened, is not a healthy SQLite database or is another
program's database (any table that is not the workbook's, or not in its shape, or
tables in a file without the workbook's version mark) raises :class:`StoreError`
with a message fit to show a student, saying what went wrong (damage, a full disk, a read-only folder) and
what to do. Such a file is never replaced, repaired or deleted here, and opening
a file that is already set up writes nothing to it (so a read-only answers file
can still be read).

One damaged row (bytes changed on disk, or a row written by another program) does
not stop the rest being read: :meth:`AnswerStore.all_latest` and
:meth:`AnswerStore.all_history` leave it out, :meth:`AnswerStore.damaged_rows`
lists it for the page to report, and the row stays in the file untouched.
:meth:`AnswerStore.latest` and :meth:`AnswerStore.history` (one question's answers)
raise :class:`StoreError` for it, so the exercise says so where it is shown.

The learner is identified only by a random id made on first use (``uuid4``);
no name is asked for or stored.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..logic.records import DamagedRow, SavedAnswer

__all__ = ["ENV_VAR", "AnswerStore", "DamagedRow", "SavedAnswer", "StoreError", "default_db_path", "open_store"]


ENV_VAR = "RECOVERY_WORKBOOK_DB"


SCHEMA_VERSION = 1


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    learner_id  TEXT NOT NULL,
    question_id TEXT NOT NULL,
    kind        TEXT NOT NULL,
    answer      TEXT NOT NULL,
    saved_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_by_question ON answers (learner_id, question_id, id);
"""


_OWN_COLUMNS = {
    "meta": ["key", "value"],
    "answers": ["id", "learner_id", "question_id", "kind", "answer", "saved_at"],
}


_OWN_TABLES = frozenset({*_OWN_COLUMNS, "sqlite_sequence"})


class StoreError(RuntimeError):
    """The answers file cannot be opened, read or written. The message says what to do."""


def default_db_path() -> Path:
    """``$RECOVERY_WORKBOOK_DB`` if set, otherwise a per-user file.

    Linux and macOS: ``$XDG_DATA_HOME/recovery-workbook/answers.sqlite3`` (default
    ``~/.local/share/...``); Windows: ``%APPDATA%\\recovery-workbook\\answers.sqlite3``.
    """
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "recovery-workbook" / "answers.sqlite3"


def _unreadable(path: Path, reason: object) -> StoreError:
    return StoreError(
        f"Your saved answers at {path} cannot be read ({reason}). The file has been left exactly as it is. "
        f"Ask for help, or move the file aside (keep it: it may be recoverable) or set {ENV_VAR} to another "
        f"path, then restart the kernel."
    )


_NEARLY_FULL = 1 << 20  # bytes; below this SQLite cannot count on room for its log and shared-memory files


def _cause(path: Path, error: sqlite3.Error) -> str:
    """Why SQLite refused: ``"full"``, ``"read-only"``, ``"busy"`` or ``"other"``.

    A full disk shows as ``SQLITE_FULL``, or as an I/O error when SQLite could not
    grow its shared-memory file; so an I/O error on a disk with (almost) no room
    left counts as full.
    """
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL"):
        return "full"
    if name.startswith("SQLITE_IOERR"):
        try:
            if shutil.disk_usage(path.parent).free < _NEARLY_FULL:
                return "full"
        except OSError:
            pass
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN", "SQLITE_AUTH")):
        return "read-only"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "busy"
    return "other"


def _cannot_open(path: Path, error: sqlite3.Error) -> StoreError:
    """The message for a file SQLite would not open: full disk, no permission, busy, or damaged."""
    cause = _cause(path, error)
    if cause == "full":
        return StoreError(
            f"Your answers file {path} cannot be opened because the disk holding it is full ({error}). "
            "The file has been left exactly as it is and your saved answers are still in it. "
            "Free some space on that disk, then restart the kernel."
        )
    if cause == "read-only" and path.is_dir():
        return StoreError(f"{path} is a folder, not an answers file. Set {ENV_VAR} to a file path, then restart the kernel.")
    if cause == "read-only":
        return StoreError(
            f"Your answers file {path} cannot be opened for saving: the file or its folder {path.parent} is "
            f"read-only or belongs to someone else ({error}). Nothing has been changed. "
            f"Set {ENV_VAR} to a file in a folder you can write to (or ask for help), then restart the kernel."
        )
    if cause == "busy":
        return StoreError(
            f"Your answers file {path} is busy: another program has kept it locked for more than 15 seconds "
            f"({error}). The file has been left exactly as it is. Close that program, then restart the kernel."
        )
    return _unreadable(path, error)


def _advice(path: Path, error: sqlite3.Error) -> str:
    """What to do after a write failed, fitted to its cause."""
    return {
        "full": f"The disk holding {path} is full: free some space on it, then try again.",
        "read-only": f"{path} or its folder is read-only or belongs to someone else: ask for help.",
        "busy": "Another program has kept the file locked for more than 15 seconds: close it, then try again.",
    }.get(_cause(path, error), "Ask for help if this happens again.")


def _text(value: object) -> str | None:
    """A column read as bytes, decoded as UTF-8; ``None`` if it is not UTF-8 text."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None if value is None else str(value)


class AnswerStore:
    """Append-only answers of one learner in one SQLite file.

    Parameters
    ----------
    path
        The database file; its folder is created if missing.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"Cannot create the folder for your answers, {self.path.parent} ({error.strerror or error}). "
                f"Set {ENV_VAR} to a file in a folder you can write to."
            ) from None
        try:
            self._connection = sqlite3.connect(self.path, timeout=15.0, isolation_level=None)
        except sqlite3.Error as error:
            raise _cannot_open(self.path, error) from None
        try:
            self._prepare()
            self.learner_id = self._learner_id()
        except sqlite3.Error as error:
            self._connection.close()
            raise _cannot_open(self.path, error) from None

    def _prepare(self) -> None:
        connection = self._connection
        check = connection.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {check}")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"it was written by a newer workbook (format {version}; this one reads up to {SCHEMA_VERSION})"
            )
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == 0 and tables:
            # The workbook marks its file (user_version) in the transaction that creates its tables, so an
            # unmarked file with tables, even ones named like ours (a meta(key, value) table), is not ours.
            raise sqlite3.DatabaseError(
                "it is another program's database, not a workbook answers file: it has no workbook format mark "
                f"and already holds the tables {', '.join(sorted(tables))}"
            )
        foreign = sorted(tables - _OWN_TABLES)
        foreign += [
            table
            for table, columns in _OWN_COLUMNS.items()
            if table in tables and [row[1] for row in connection.execute(f"PRAGMA table_info({table})")] != columns
        ]
        if foreign:
            raise sqlite3.DatabaseError(
                f"it is another program's database, not a workbook answers file: it holds the tables {', '.join(foreign)}"
            )
        missing = sorted(set(_OWN_COLUMNS) - tables) if version == SCHEMA_VERSION else []
        if missing:
            raise sqlite3.DatabaseError(
                f"it is marked as a workbook answers file but the table {', '.join(missing)} is missing"
            )
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        if version == SCHEMA_VERSION and tables >= _OWN_TABLES:
            return  # nothing to write, so a file on a full disk still opens and can be read
        with self._transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            # SQLite may already have rolled back (a full disk does that); then ROLLBACK itself fails
            # and its message would hide the real one. A failed COMMIT can also leave the transaction
            # open, holding the write lock: end it either way.
            if connection.in_transaction:
                try:
                    connection.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            raise

    def _learner_id(self) -> str:
        row = self._connection.execute("SELECT value FROM meta WHERE key = 'learner_id'").fetchone()
        if row is not None:
            return str(row[0])
        with self._transaction() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('learner_id', ?)", (uuid.uuid4().hex,)
            )
            row = connection.execute("SELECT value FROM meta WHERE key = 'learner_id'").fetchone()
        return str(row[0])

    def save(self, question_id: str, kind: str, answer: Any) -> SavedAnswer:
        """Append one answer (JSON-serialisable) in its own transaction and return it.

        Raises
        ------
        StoreError
            If the file cannot be written (read-only folder, full disk, locked too long).
        """
        saved_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        payload = json.dumps(answer, ensure_ascii=False, sort_keys=True)
        try:
            with self._transaction() as connection:
                connection.execute(
                    "INSERT INTO answers (learner_id, question_id, kind, answer, saved_at) VALUES (?, ?, ?, ?, ?)",
                    (self.learner_id, question_id, kind, payload, saved_at),
                )
        except sqlite3.Error as error:
            raise StoreError(
                f"Your answer to {question_id} could not be saved to {self.path} ({error}). "
                f"Your earlier answers are unchanged; copy this answer somewhere safe. {_advice(self.path, error)}"
            ) from None
        return SavedAnswer(question_id, kind, json.loads(payload), saved_at)

    def _read(self, where: str, parameters: tuple[Any, ...], *, order: str = "id") -> tuple[list[SavedAnswer], list[DamagedRow]]:
        """The rows matching ``where``, split into readable answers and damaged rows.

        Columns are read as bytes and decoded here, so a row whose text is not UTF-8
        (a changed byte on disk) is one damaged row, not a failed query.
        """
        try:
            rows = self._connection.execute(
                "SELECT id, CAST(question_id AS BLOB), CAST(kind AS BLOB), CAST(answer AS BLOB), "
                f"CAST(saved_at AS BLOB) FROM answers WHERE {where} ORDER BY {order}",
                parameters,
            ).fetchall()
        except sqlite3.Error as error:
            raise _unreadable(self.path, error) from None
        answers, damaged = [], []
        for row_id, *columns in rows:
            texts = [_text(column) for column in columns]
            question_id, kind, payload, saved_at = texts
            try:
                if None in texts:
                    raise ValueError("its text is not readable (not UTF-8)")
                answer = json.loads(str(payload))
            except (TypeError, ValueError, RecursionError) as error:  # bytes changed on disk, or another writer
                damaged.append(DamagedRow(int(row_id), question_id or "?", saved_at or "?", str(error)[:200]))
                continue
            answers.append(SavedAnswer(str(question_id), str(kind), answer, str(saved_at)))
        return answers, damaged

    def _rows(self, where: str, parameters: tuple[Any, ...], *, order: str = "id") -> list[SavedAnswer]:
        """Like :meth:`_read`, but a damaged row raises :class:`StoreError` (one question's reads)."""
        answers, damaged = self._read(where, parameters, order=order)
        if damaged:
            first = damaged[0]
            raise _unreadable(self.path, f"the saved answer to {first.question_id} is damaged: {first.reason}")
        return answers

    def latest(self, question_id: str) -> SavedAnswer | None:
        """The learner's most recent answer to ``question_id``, or ``None``.

        Raises :class:`StoreError` if that row is damaged (the file is left as it is).
        """
        try:
            row = self._connection.execute(
                "SELECT MAX(id) FROM answers WHERE learner_id = ? AND question_id = ?", (self.learner_id, question_id)
            ).fetchone()
        except sqlite3.Error as error:
            raise _unreadable(self.path, error) from None
        if row is None or row[0] is None:
            return None
        rows = self._rows("id = ?", (row[0],))
        return rows[0] if rows else None

    def history(self, question_id: str) -> list[SavedAnswer]:
        """Every answer given to ``question_id``, oldest first. A damaged row raises :class:`StoreError`."""
        return self._rows("learner_id = ? AND question_id = ?", (self.learner_id, question_id))

    def all_history(self) -> list[SavedAnswer]:
        """Every readable answer of the learner, oldest first: each question's rows are its tries (see ``logic.attempts``).

        Damaged rows are left out (see :meth:`damaged_rows`).
        """
        return self._read("learner_id = ?", (self.learner_id,))[0]

    def all_latest(self) -> list[SavedAnswer]:
        """The current answer to every question answered, ordered by question id.

        A damaged row is left out (see :meth:`damaged_rows`); if it was a question's
        latest, that question's newest readable answer is its current one.
        """
        current: dict[str, SavedAnswer] = {}
        for saved in self._read("learner_id = ?", (self.learner_id,))[0]:
            current[saved.question_id] = saved
        return [current[question_id] for question_id in sorted(current, key=lambda q: q.encode("utf-8"))]

    def damaged_rows(self) -> list[DamagedRow]:
        """The learner's rows that cannot be read, in the order they were saved (normally none).

        They stay in the file untouched; the whole-workbook reads leave them out.
        """
        return self._read("learner_id = ?", (self.learner_id,))[1]

    def import_answers(self, answers: Iterable[SavedAnswer]) -> int:
        """Append ``answers`` under this learner's id, keeping their ``saved_at``; return how many were added.

        An answer identical to one already stored (same question, kind, answer and
        ``saved_at``) is skipped, so importing the same file twice adds nothing.
        All rows are written in one transaction, oldest first: if any of them
        cannot be written, none is. An imported answer becomes the current one for
        its question, as any newly saved answer does; earlier answers stay in the
        history.

        Raises
        ------
        StoreError
            If the file cannot be written; nothing has been added.
        TypeError, ValueError
            If an answer is not JSON-serialisable; nothing has been added.
        """
        rows = [
            (a.question_id, a.kind, json.dumps(a.answer, ensure_ascii=False, sort_keys=True), a.saved_at)
            for a in sorted(answers, key=lambda a: (a.saved_at, a.question_id))
        ]
        added = 0
        try:
            with self._transaction() as connection:
                seen = set(
                    connection.execute(  # as bytes, so a damaged row (not UTF-8) cannot stop an import
                        "SELECT CAST(question_id AS BLOB), CAST(kind AS BLOB), CAST(answer AS BLOB), "
                        "CAST(saved_at AS BLOB) FROM answers WHERE learner_id = ?",
                        (self.learner_id,),
                    ).fetchall()
                )
                for row in rows:
                    key = tuple(column.encode("utf-8") for column in row)
                    if key in seen:
                        continue
                    seen.add(key)
                    connection.execute(
                        "INSERT INTO answers (learner_id, question_id, kind, answer, saved_at) VALUES (?, ?, ?, ?, ?)",
                        (self.learner_id, *row),
                    )
                    added += 1
        except sqlite3.Error as error:
            raise StoreError(
                f"The answers could not be imported into {self.path} ({error}). Nothing was added; "
                f"your earlier answers are unchanged. {_advice(self.path, error)}"
            ) from None
        return added

    def delete_all(self) -> int:
        """Delete every answer of this learner in one transaction; return how many rows were deleted.

        The file and the pseudonymous learner id are kept. Deleted rows are
        overwritten on disk (``secure_delete``) and the write-ahead log is
        emptied afterwards, so the answers do not linger in the file.

        Raises
        ------
        StoreError
            If the file cannot be written; nothing has been deleted.
        """
        try:
            self._connection.execute("PRAGMA secure_delete=ON")
            with self._transaction() as connection:
                deleted = connection.execute("DELETE FROM answers WHERE learner_id = ?", (self.learner_id,)).rowcount
        except sqlite3.Error as error:
            raise StoreError(
                f"Your answers in {self.path} could not be deleted ({error}). Nothing was deleted. "
                f"{_advice(self.path, error)}"
            ) from None
        try:
            self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # another notebook is reading; SQLite empties the log when it can
        return int(deleted)

    def close(self) -> None:
        self._connection.close()


@lru_cache(maxsize=8)
def _open_store_at(path: Path) -> tuple[AnswerStore | None, str | None]:
    try:
        return AnswerStore(path), None
    except StoreError as error:
        return None, f"Your answers are not being saved. {error}"


def open_store(path: Path | str | None = None) -> tuple[AnswerStore | None, str | None]:
    """The answer store at ``path`` (default :func:`default_db_path`) or ``(None, message)``."""
    return _open_store_at(Path(path or default_db_path()).expanduser().resolve())
