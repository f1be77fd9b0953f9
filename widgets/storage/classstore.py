"""The class store: live-poll votes shared by every viewer's kernel.

Voilà starts one kernel per viewer, so votes must live outside the kernels. One
SQLAlchemy Core schema serves both back ends:

- **SQLite** (the default): a file whose path is ``$RECOVERY_CLASS_DB``, or
  ``class.sqlite3`` beside the answers file. Right when every dashboard is served
  from one machine.
- **PostgreSQL**: set ``$RECOVERY_CLASS_DB_URL`` to a SQLAlchemy URL such as
  ``postgresql+psycopg://workbook@db.example/seminar`` (install the ``postgres``
  extra). Right for a JupyterHub class whose users run on several machines.

A vote is keyed by (poll, round, voter): voting again replaces that voter's vote,
so nobody is counted twice. Resetting a poll starts a new round and keeps the old
votes. Opening, closing and resetting need the lecturer code,
``$RECOVERY_LECTURER_CODE`` (at least 8 characters); without one, or with a shorter
one, the controls refuse every code. Wrong codes are counted in the store per poll,
so every page and every reload shares one count: after :data:`FREE_TRIES` wrong codes
the poll's controls refuse every code for 30 seconds, doubling with each further wrong
code up to :data:`MAX_LOCK_SECONDS`.

Each round also has its own row in ``rounds``: whether its results are revealed (hidden until
the lecturer reveals them) and, for a timed round, when it closes. A timed round closes itself:
every reader derives "closed" from the time, so no kernel has to be awake when it runs out, and
a late vote is refused. Open-text answers are kept in ``texts``, keyed like votes.
"""

from __future__ import annotations

import hmac
import math
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from ..content.polls import MAX_TEXT_LENGTH
from ..logic.polls import PollState
from .store import default_db_path

__all__ = [
    "CODE_VAR",
    "FREE_TRIES",
    "MAX_LOCK_SECONDS",
    "MIN_CODE_LENGTH",
    "PATH_VAR",
    "URL_VAR",
    "ClassStore",
    "ClassStoreError",
    "CodeLocked",
    "PollClosed",
    "TimeUp",
    "WrongCode",
    "class_store_url",
    "code_matches",
    "describe_url",
    "valid_voter_id",
]


URL_VAR = "RECOVERY_CLASS_DB_URL"


PATH_VAR = "RECOVERY_CLASS_DB"


CODE_VAR = "RECOVERY_LECTURER_CODE"


MIN_CODE_LENGTH = 8
"""A lecturer code shorter than this turns the controls off (``tasks.py present`` makes 8 hex characters)."""


FREE_TRIES = 5
"""Wrong lecturer codes allowed per poll before its controls are locked for a while."""


FIRST_LOCK_SECONDS = 30.0


MAX_LOCK_SECONDS = 600.0


_VOTER_ID = re.compile(r"^[0-9a-f]{32}$")


_POLL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


metadata = sa.MetaData()


polls = sa.Table(
    "polls",
    metadata,
    sa.Column("poll_id", sa.String(64), primary_key=True),
    sa.Column("is_open", sa.Boolean, nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("changed_at", sa.String(40), nullable=False),
)


votes = sa.Table(
    "votes",
    metadata,
    sa.Column("poll_id", sa.String(64), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True),
    sa.Column("voter_id", sa.String(32), primary_key=True),
    sa.Column("choice", sa.String(64), nullable=False),
    sa.Column("cast_at", sa.String(40), nullable=False),
)


rounds = sa.Table(
    "rounds",
    metadata,
    sa.Column("poll_id", sa.String(64), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True),
    sa.Column("revealed", sa.Boolean, nullable=False),
    sa.Column("closes_at", sa.Float, nullable=True),
)
"""Per round: results revealed or hidden, and the timer's end (seconds since the epoch) if the round is timed."""


texts = sa.Table(
    "texts",
    metadata,
    sa.Column("poll_id", sa.String(64), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True),
    sa.Column("voter_id", sa.String(32), primary_key=True),
    sa.Column("answer", sa.String(4 * MAX_TEXT_LENGTH), nullable=False),
    sa.Column("cast_at", sa.String(40), nullable=False),
)
"""Open-text answers: one per voter per round, the latest."""


code_tries = sa.Table(
    "code_tries",
    metadata,
    sa.Column("poll_id", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.Float, nullable=False),
)


class ClassStoreError(RuntimeError):
    """The class store cannot be reached or used; the message says why and what to do."""


class WrongCode(ClassStoreError):
    """A lecturer control was used without the right lecturer code."""


class CodeLocked(WrongCode):
    """Too many wrong lecturer codes for this poll; every code is refused until the lock ends."""


class PollClosed(ClassStoreError):
    """A vote arrived while its poll was closed."""


class TimeUp(PollClosed):
    """A vote arrived after the lecturer's timer had closed the round."""


MAX_TIMER_SECONDS = 3600


def class_store_url(environ: Mapping[str, str] | None = None) -> str:
    """The store's SQLAlchemy URL: ``$RECOVERY_CLASS_DB_URL``, else SQLite at ``$RECOVERY_CLASS_DB``, else beside the answers.

    >>> class_store_url({"RECOVERY_CLASS_DB": "/tmp/seminar.sqlite3"})
    'sqlite:////tmp/seminar.sqlite3'
    >>> class_store_url({"RECOVERY_CLASS_DB_URL": "postgresql+psycopg://u@db/seminar"})
    'postgresql+psycopg://u@db/seminar'
    """
    environ = os.environ if environ is None else environ
    if environ.get(URL_VAR, "").strip():
        return environ[URL_VAR].strip()
    path = Path(environ.get(PATH_VAR, "").strip() or default_db_path().with_name("class.sqlite3"))
    return f"sqlite:///{path.expanduser().resolve()}"


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages.

    >>> describe_url("postgresql+psycopg://lecturer:secret@db/seminar")
    'postgresql+psycopg://lecturer:***@db/seminar'
    """
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable database URL)"


def code_matches(given: str, expected: str | None) -> bool:
    """True only when a lecturer code is set and ``given`` equals it (compared in constant time).

    >>> code_matches("river-42", "river-42"), code_matches("river", "river-42"), code_matches("", None)
    (True, False, False)
    """
    if not expected:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.strip().encode())


def valid_voter_id(voter_id: object) -> bool:
    """A voter id is 32 lowercase hex characters (a random id made in the browser or kernel)."""
    return isinstance(voter_id, str) and bool(_VOTER_ID.match(voter_id))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _sqlite_engine(url: sa.URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:":
        folder = Path(database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ClassStoreError(
                f"Cannot create the folder for the class store ({folder}): {error.strerror or error}."
            ) from None
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # Take the write lock at the start, so concurrent voters queue instead of failing mid-transaction.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class ClassStore:
    """Polls and votes in one SQL database shared by every kernel of a class.

    Every method is one short transaction. Errors from the database come out as
    :class:`ClassStoreError` with a message a lecturer can act on.
    """

    def __init__(
        self, url: str | None = None, *, lecturer_code: str | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.url = url or class_store_url()
        self._code = os.environ.get(CODE_VAR) if lecturer_code is None else lecturer_code
        self._clock = clock
        try:
            parsed = sa.make_url(self.url)
            if parsed.get_backend_name() == "sqlite":
                self.engine = _sqlite_engine(parsed)
            elif parsed.get_backend_name() == "postgresql":
                # No pool: a connection is opened per operation and closed after it, so the server's
                # connections follow the votes in flight, not the pages open (PostgreSQL allows 100 by default).
                self.engine = sa.create_engine(parsed, poolclass=NullPool)
            else:
                raise ClassStoreError(
                    f"The class store must be SQLite or PostgreSQL, not {parsed.get_backend_name()!r} ({describe_url(self.url)})."
                )
        except (NoSuchModuleError, ModuleNotFoundError) as error:
            raise ClassStoreError(
                f"The database driver for {describe_url(self.url)} is not installed ({error}). "
                "For PostgreSQL install the workbook with its 'postgres' extra."
            ) from None
        except ArgumentError:  # after NoSuchModuleError, its subclass
            raise ClassStoreError(f"${URL_VAR} is not a database URL SQLAlchemy can read.") from None
        with self._failures("set up"):
            if self.backend == "sqlite":
                self._check_sqlite_file()
            metadata.create_all(self.engine)

    def _check_sqlite_file(self) -> None:
        """Refuse a damaged file before anything is written to it (SQLite would let some writes through)."""
        with self.engine.connect() as connection:
            problems = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise ClassStoreError(
                f"The class store at {describe_url(self.url)} is damaged ({problems[0][:120]}); it was left as it is. "
                f"Move it aside (or point ${PATH_VAR} at a new file) and start the dashboards again."
            )

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def has_lecturer_code(self) -> bool:
        """True when a lecturer code long enough to use is set."""
        return len((self._code or "").strip()) >= MIN_CODE_LENGTH

    @contextmanager
    def _failures(self, action: str) -> Iterator[None]:
        try:
            yield
        except ClassStoreError:
            raise
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
            raise ClassStoreError(f"Could not {action} the class store at {describe_url(self.url)}: {reason}") from None

    @contextmanager
    def _transaction(self, action: str) -> Iterator[Connection]:
        with self._failures(action), self.engine.begin() as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()

    # ---------------------------------------------------------------- reading

    def state(self, poll_id: str) -> PollState:
        """The poll's state; a poll never opened is closed, round 1, hidden. A timed round past its end is closed."""
        with self._transaction("read") as connection:
            return self._state(connection, poll_id)

    def now(self) -> float:
        """The store's clock (seconds since the epoch): the one timers are set and checked with."""
        return self._clock()

    def _state(self, connection: Connection, poll_id: str) -> PollState:
        row = connection.execute(
            sa.select(polls.c.is_open, polls.c.round, rounds.c.revealed, rounds.c.closes_at)
            .select_from(polls.outerjoin(rounds, sa.and_(rounds.c.poll_id == polls.c.poll_id, rounds.c.round == polls.c.round)))
            .where(polls.c.poll_id == poll_id)
        ).first()
        if row is None:
            return PollState(poll_id, False, 1)
        closes_at = None if row.closes_at is None else float(row.closes_at)
        is_open = bool(row.is_open) and (closes_at is None or closes_at > self._clock())
        return PollState(poll_id, is_open, int(row.round), bool(row.revealed), closes_at)

    def tally(self, poll_id: str) -> tuple[PollState, dict[str, int]]:
        """The poll's state and its current round's votes per choice, read in one transaction."""
        with self._transaction("read") as connection:
            state = self._state(connection, poll_id)
            rows = connection.execute(
                sa.select(votes.c.choice, sa.func.count().label("n"))
                .where(votes.c.poll_id == poll_id, votes.c.round == state.round)
                .group_by(votes.c.choice)
            )
            return state, {row.choice: int(row.n) for row in rows}

    def answers(self, poll_id: str) -> tuple[PollState, tuple[str, ...]]:
        """The poll's state and its current round's open-text answers (oldest first), read in one transaction."""
        with self._transaction("read") as connection:
            state = self._state(connection, poll_id)
            rows = connection.execute(
                sa.select(texts.c.answer)
                .where(texts.c.poll_id == poll_id, texts.c.round == state.round)
                .order_by(texts.c.cast_at, texts.c.voter_id)
            )
            return state, tuple(row.answer for row in rows)

    def my_answer(self, poll_id: str, voter_id: str) -> str | None:
        """This voter's open-text answer in the current round, if any."""
        with self._transaction("read") as connection:
            state = self._state(connection, poll_id)
            return connection.execute(
                sa.select(texts.c.answer).where(
                    texts.c.poll_id == poll_id, texts.c.round == state.round, texts.c.voter_id == voter_id
                )
            ).scalar_one_or_none()

    def my_vote(self, poll_id: str, voter_id: str) -> str | None:
        """This voter's choice in the current round, if any."""
        with self._transaction("read") as connection:
            state = self._state(connection, poll_id)
            return connection.execute(
                sa.select(votes.c.choice).where(
                    votes.c.poll_id == poll_id, votes.c.round == state.round, votes.c.voter_id == voter_id
                )
            ).scalar_one_or_none()

    # ---------------------------------------------------------------- voting

    def vote(self, poll_id: str, voter_id: str, choice: str) -> PollState:
        """Record ``voter_id``'s ``choice``, replacing their earlier vote in this round.

        Raises :class:`PollClosed` if the poll is not open, ``ValueError`` for a
        malformed id, and :class:`ClassStoreError` if the database fails.
        """
        if not _POLL_ID.match(poll_id) or not valid_voter_id(voter_id) or not 0 < len(choice) <= 64:
            raise ValueError("malformed poll id, voter id or choice")
        with self._transaction("save a vote in") as connection:
            state = self._open_state(connection, poll_id)
            values = {"poll_id": poll_id, "round": state.round, "voter_id": voter_id, "choice": choice, "cast_at": _now()}
            insert = self._upsert_into(votes).values(**values)
            connection.execute(
                insert.on_conflict_do_update(
                    index_elements=[votes.c.poll_id, votes.c.round, votes.c.voter_id],
                    set_={"choice": insert.excluded.choice, "cast_at": insert.excluded.cast_at},
                )
            )
            return state

    def answer(self, poll_id: str, voter_id: str, text: str) -> PollState:
        """Record ``voter_id``'s open-text answer, replacing their earlier one in this round.

        The text is stored as given (the view cleans it with :func:`widgets.logic.polls.clean_answer` and
        checks the poll's own limit); here only the absolute limit is enforced. Raises like :meth:`vote`.
        """
        if not _POLL_ID.match(poll_id) or not valid_voter_id(voter_id) or not 0 < len(text) <= MAX_TEXT_LENGTH:
            raise ValueError("malformed poll id, voter id or answer")
        with self._transaction("save an answer in") as connection:
            state = self._open_state(connection, poll_id)
            values = {"poll_id": poll_id, "round": state.round, "voter_id": voter_id, "answer": text, "cast_at": _now()}
            insert = self._upsert_into(texts).values(**values)
            connection.execute(
                insert.on_conflict_do_update(
                    index_elements=[texts.c.poll_id, texts.c.round, texts.c.voter_id],
                    set_={"answer": insert.excluded.answer, "cast_at": insert.excluded.cast_at},
                )
            )
            return state

    def _upsert_into(self, table: sa.Table) -> Any:
        """An INSERT on ``table`` in this database's dialect, which can take ``on_conflict_do_update``."""
        return (postgresql.insert if self.backend == "postgresql" else sqlite.insert)(table)

    def _open_state(self, connection: Connection, poll_id: str) -> PollState:
        """The poll's state if it takes votes now; :class:`TimeUp` or :class:`PollClosed` if not."""
        state = self._state(connection, poll_id)
        if state.timed_out:
            raise TimeUp("Time is up: the lecturer's timer closed this poll, so your answer was not counted.")
        if not state.is_open:
            raise PollClosed("This poll is closed, so your vote was not counted. Wait for the lecturer to open it.")
        return state

    # ---------------------------------------------------------------- lecturer

    def _require(self, poll_id: str, code: str) -> None:
        """Refuse unless ``code`` is the lecturer code and the poll is not locked; count a wrong code in the store."""
        if not self._code:
            raise WrongCode(
                f"Lecturer controls are off: no lecturer code was set. Start the dashboards with ${CODE_VAR} set "
                "(python3 tasks.py present sets one and prints it)."
            )
        if not self.has_lecturer_code:
            raise WrongCode(
                f"Lecturer controls are off: the lecturer code set in ${CODE_VAR} is shorter than {MIN_CODE_LENGTH} "
                "characters, so it could be guessed. Set a longer one (python3 tasks.py present makes one)."
            )
        refusal: WrongCode | None = None
        with self._transaction("check the lecturer code in") as connection:
            now = self._clock()
            row = connection.execute(
                sa.select(code_tries.c.failures, code_tries.c.locked_until).where(code_tries.c.poll_id == poll_id)
            ).first()
            if row is not None and row.locked_until > now:
                wait = math.ceil(row.locked_until - now)
                raise CodeLocked(
                    f"Too many wrong lecturer codes for this poll: every code is refused for {wait} more seconds "
                    "(reloading the page does not change this). Nothing was changed."
                )
            if code_matches(code, self._code):
                if row is not None and row.failures:
                    connection.execute(
                        code_tries.update().where(code_tries.c.poll_id == poll_id).values(failures=0, locked_until=0.0)
                    )
                return
            insert = self._upsert_into(code_tries).values(poll_id=poll_id, failures=1, locked_until=0.0)
            connection.execute(
                insert.on_conflict_do_update(index_elements=[code_tries.c.poll_id], set_={"failures": code_tries.c.failures + 1})
            )
            failures = connection.execute(sa.select(code_tries.c.failures).where(code_tries.c.poll_id == poll_id)).scalar_one()
            if failures >= FREE_TRIES:
                lock = min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** min(failures - FREE_TRIES, 20))
                connection.execute(code_tries.update().where(code_tries.c.poll_id == poll_id).values(locked_until=now + lock))
                refusal = CodeLocked(
                    f"That lecturer code is not right; nothing was changed. After {failures} wrong codes this poll's "
                    f"controls refuse every code for {lock:.0f} seconds."
                )
            else:
                left = FREE_TRIES - failures
                refusal = WrongCode(
                    f"That lecturer code is not right; nothing was changed ({left} {'try' if left == 1 else 'tries'} left "
                    "before this poll's controls are locked for a while)."
                )
        raise refusal  # after the count is committed

    def _upsert_state(self, connection: Connection, poll_id: str, *, is_open: bool, round_: int) -> None:
        values = {"poll_id": poll_id, "is_open": is_open, "round": round_, "changed_at": _now()}
        insert = self._upsert_into(polls).values(**values)
        connection.execute(
            insert.on_conflict_do_update(
                index_elements=[polls.c.poll_id],
                set_={
                    "is_open": insert.excluded.is_open,
                    "round": insert.excluded.round,
                    "changed_at": insert.excluded.changed_at,
                },
            )
        )

    def _upsert_round(
        self, connection: Connection, poll_id: str, round_: int, *, revealed: bool, closes_at: float | None
    ) -> None:
        values = {"poll_id": poll_id, "round": round_, "revealed": revealed, "closes_at": closes_at}
        insert = self._upsert_into(rounds).values(**values)
        connection.execute(
            insert.on_conflict_do_update(
                index_elements=[rounds.c.poll_id, rounds.c.round],
                set_={"revealed": insert.excluded.revealed, "closes_at": insert.excluded.closes_at},
            )
        )

    def _closes_at(self, seconds: float | None) -> float | None:
        if seconds is None or seconds == 0:
            return None
        if not 0 < seconds <= MAX_TIMER_SECONDS:
            raise ValueError(f"a timer runs for 1 to {MAX_TIMER_SECONDS} seconds, not {seconds!r}")
        return self._clock() + float(seconds)

    def set_open(self, poll_id: str, is_open: bool, *, code: str, seconds: float | None = None) -> PollState:
        """Open or close a poll (lecturer code needed). Closing keeps the votes.

        Opening with ``seconds`` starts a timer for this round: the round closes itself when it runs out.
        Opening without ``seconds``, or closing, ends any timer.
        """
        closes_at = self._closes_at(seconds) if is_open else None
        self._require(poll_id, code)
        with self._transaction("change a poll in") as connection:
            state = self._state(connection, poll_id)
            self._upsert_state(connection, poll_id, is_open=is_open, round_=state.round)
            self._upsert_round(connection, poll_id, state.round, revealed=state.revealed, closes_at=closes_at)
            return self._state(connection, poll_id)

    def reset(self, poll_id: str, *, code: str, seconds: float | None = None) -> PollState:
        """Start a new, empty round (lecturer code needed); earlier rounds stay in the store.

        The new round's results are hidden. A poll taking votes stays open (timed by ``seconds``, if
        given); a closed one, or one whose time ran out, stays closed.
        """
        closes_at = self._closes_at(seconds)
        self._require(poll_id, code)
        with self._transaction("reset a poll in") as connection:
            state = self._state(connection, poll_id)
            self._upsert_state(connection, poll_id, is_open=state.is_open, round_=state.round + 1)
            self._upsert_round(
                connection, poll_id, state.round + 1, revealed=False, closes_at=closes_at if state.is_open else None
            )
            return self._state(connection, poll_id)

    def set_revealed(self, poll_id: str, revealed: bool, *, code: str) -> PollState:
        """Show or hide the current round's results on every page (lecturer code needed); votes are not touched."""
        self._require(poll_id, code)
        with self._transaction("change a poll in") as connection:
            state = self._state(connection, poll_id)
            if connection.execute(sa.select(polls.c.poll_id).where(polls.c.poll_id == poll_id)).first() is None:
                self._upsert_state(connection, poll_id, is_open=False, round_=state.round)
            self._upsert_round(connection, poll_id, state.round, revealed=revealed, closes_at=state.closes_at)
            return self._state(connection, poll_id)

    def check_code(self, poll_id: str, code: str) -> None:
        """Raise :class:`WrongCode` (counted towards the poll's lock) unless ``code`` is the lecturer code; for exports."""
        self._require(poll_id, code)
