"""The class store on SQLite and on a real PostgreSQL server: votes, lecturer code, 30 voters at once."""

from __future__ import annotations

import multiprocessing
import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.postgres import postgres_server, server_binaries
from widgets.logic.polls import PollState
from widgets.storage.classstore import (
    ClassStore,
    ClassStoreError,
    CodeLocked,
    PollClosed,
    TimeUp,
    WrongCode,
    class_store_url,
    code_matches,
    votes,
)

CODE = "seminar-code-7"


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if server_binaries() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run installs Debian's postgresql package")
        pytest.skip("PostgreSQL is not installed here (apt-get install -y postgresql)")
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'class.sqlite3'}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # each test starts from empty tables
        connection.exec_driver_sql("DROP TABLE IF EXISTS votes, polls, code_tries")
    engine.dispose()


@pytest.fixture
def either_store(store_url: str) -> Iterator[ClassStore]:
    """A class store on each backend (SQLite, PostgreSQL)."""
    opened = ClassStore(store_url, lecturer_code=CODE)
    yield opened
    opened.close()


def voter() -> str:
    return uuid.uuid4().hex


def test_a_poll_never_opened_is_closed_and_refuses_votes(either_store: ClassStore) -> None:
    assert either_store.state("chime-hardest") == PollState("chime-hardest", False, 1)
    with pytest.raises(PollClosed, match="closed"):
        either_store.vote("chime-hardest", voter(), "chime-hope")
    assert either_store.tally("chime-hardest")[1] == {}


def test_a_voter_can_change_their_vote_but_is_counted_once(either_store: ClassStore) -> None:
    either_store.set_open("chime-hardest", True, code=CODE)
    me, other = voter(), voter()
    either_store.vote("chime-hardest", me, "chime-hope")
    either_store.vote("chime-hardest", other, "chime-hope")
    either_store.vote("chime-hardest", me, "chime-identity")
    assert either_store.tally("chime-hardest")[1] == {"chime-hope": 1, "chime-identity": 1}
    assert either_store.my_vote("chime-hardest", me) == "chime-identity"


def test_closing_keeps_votes_and_refuses_new_ones(either_store: ClassStore) -> None:
    either_store.set_open("p", True, code=CODE)
    either_store.vote("p", voter(), "a")
    assert either_store.set_open("p", False, code=CODE).is_open is False
    with pytest.raises(PollClosed):
        either_store.vote("p", voter(), "a")
    assert either_store.tally("p")[1] == {"a": 1}


def test_reset_starts_an_empty_round_and_keeps_the_old_votes(either_store: ClassStore) -> None:
    either_store.set_open("p", True, code=CODE)
    me = voter()
    either_store.vote("p", me, "a")
    assert either_store.reset("p", code=CODE) == PollState("p", True, 2)
    assert either_store.tally("p")[1] == {} and either_store.my_vote("p", me) is None
    either_store.vote("p", me, "b")
    with either_store.engine.connect() as connection:
        kept = connection.execute(sa.select(votes.c.round, votes.c.choice).order_by(votes.c.round)).all()
    assert [tuple(row) for row in kept] == [(1, "a"), (2, "b")]


@pytest.mark.parametrize("code", ["", "wrong", "seminar-code-", "seminar-code-77", " seminar-code-8"])
def test_lecturer_controls_refuse_a_wrong_code_and_change_nothing(either_store: ClassStore, code: str) -> None:
    for action in (lambda: either_store.set_open("p", True, code=code), lambda: either_store.reset("p", code=code)):
        with pytest.raises(WrongCode, match="not right"):
            action()
    assert either_store.state("p") == PollState("p", False, 1)


def test_without_a_lecturer_code_every_code_is_refused(store_url: str) -> None:
    either_store = ClassStore(store_url, lecturer_code="")
    with pytest.raises(WrongCode, match="no lecturer code was set"):
        either_store.set_open("p", True, code="")
    assert not either_store.has_lecturer_code


@pytest.mark.parametrize("voter_id,choice", [("not-hex", "a"), ("A" * 32, "a"), (uuid.uuid4().hex, ""), (uuid.uuid4().hex, "x" * 65)])
def test_malformed_votes_are_refused(either_store: ClassStore, voter_id: str, choice: str) -> None:
    either_store.set_open("p", True, code=CODE)
    with pytest.raises(ValueError):
        either_store.vote("p", voter_id, choice)


def _simulated_voter(url: str, index: int, barrier: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue) -> None:
    """One student's kernel: its own connection, a first vote, then (for every third voter) a changed vote."""
    either_store = ClassStore(url, lecturer_code="")
    voter_id = f"{index:032x}"
    barrier.wait(timeout=60)
    first = ["a", "b", "c"][index % 3]
    either_store.vote("crowd", voter_id, first)
    final = "d" if index % 3 == 0 else first
    if final != first:
        either_store.vote("crowd", voter_id, final)
    either_store.close()
    results.put((voter_id, final))


def test_thirty_voters_at_once_lose_nothing_and_count_nobody_twice(either_store: ClassStore) -> None:
    either_store.set_open("crowd", True, code=CODE)
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(30), context.Queue()
    processes = [context.Process(target=_simulated_voter, args=(either_store.url, i, barrier, results)) for i in range(30)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * 30
    finals = dict(results.get(timeout=5) for _ in range(30))
    expected: dict[str, int] = {}
    for choice in finals.values():
        expected[choice] = expected.get(choice, 0) + 1
    assert either_store.tally("crowd")[1] == expected and sum(expected.values()) == 30
    assert expected == {"d": 10, "b": 10, "c": 10}
    assert all(either_store.my_vote("crowd", voter_id) == choice for voter_id, choice in finals.items())


def test_the_url_comes_from_the_environment(tmp_path: Path) -> None:
    assert class_store_url({"RECOVERY_CLASS_DB": str(tmp_path / "x.sqlite3")}) == f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert class_store_url({"RECOVERY_CLASS_DB_URL": " postgresql+psycopg://u@h/d ", "RECOVERY_CLASS_DB": "x"}) == (
        "postgresql+psycopg://u@h/d"
    )
    assert class_store_url({}).endswith("class.sqlite3")


@pytest.mark.parametrize(
    "url,message",
    [
        ("not a url", "not a database URL"),
        ("mysql://u@h/d", "must be SQLite or PostgreSQL"),
        ("postgresql+nosuchdriver://u@h/d", "driver"),
        ("postgresql+psycopg://nobody:secret@127.0.0.1:1/none", "Could not set up"),
    ],
)
def test_an_unusable_store_gives_one_clear_error_and_hides_the_password(url: str, message: str) -> None:
    with pytest.raises(ClassStoreError, match=message) as caught:
        ClassStore(url)
    assert "secret" not in str(caught.value)


def test_a_store_in_a_folder_that_cannot_be_made_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ClassStoreError, match="Cannot create the folder"):
        ClassStore(f"sqlite:///{blocker / 'sub' / 'class.sqlite3'}")


def test_a_corrupt_sqlite_file_is_reported_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "class.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ClassStoreError, match="Could not set up"):
        ClassStore(f"sqlite:///{path}")
    assert path.read_bytes() == b"this is not a database" * 100


def test_code_matches_needs_a_set_code() -> None:
    assert code_matches("x", "x") and not code_matches("x", "") and not code_matches("x", None)


def test_a_sqlite_store_damaged_inside_is_refused_before_any_vote_is_written(tmp_path: Path) -> None:
    import random

    path = tmp_path / "class.sqlite3"
    either_store = ClassStore(f"sqlite:///{path}", lecturer_code=CODE)
    either_store.set_open("chime-hardest", True, code=CODE)
    for _ in range(300):
        either_store.vote("chime-hardest", voter(), "chime-hope")
    either_store.close()
    data = bytearray(path.read_bytes())
    data[6 * 4096 : 7 * 4096] = random.Random(6).randbytes(4096)
    path.write_bytes(bytes(data))
    with pytest.raises(ClassStoreError, match="damaged"):
        ClassStore(f"sqlite:///{path}")
    assert path.read_bytes() == bytes(data)


def test_forty_open_pages_hold_no_postgresql_connections_and_voting_still_works(postgres_url: str) -> None:
    """Each page kernel opens its own class store; idle pages must not keep server connections (issue 14, point 3)."""
    pages = [ClassStore(postgres_url, lecturer_code=CODE) for _ in range(40)]
    try:
        for page in pages:
            page.tally("pg-slots")  # every page has read the board once, as a loaded page does
        watcher = sa.create_engine(postgres_url, poolclass=sa.pool.NullPool)
        with watcher.connect() as connection:
            held = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).scalar_one()
        watcher.dispose()
        assert held <= 3, f"{held} connections held by 40 idle pages"
        pages[0].set_open("pg-slots", True, code=CODE)
        for page in pages:
            page.vote("pg-slots", voter(), "a")
        assert pages[-1].tally("pg-slots")[1] == {"a": 40}
    finally:
        for page in pages:
            page.close()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_codes_are_counted_per_poll_in_the_store_so_a_reload_gives_no_new_tries(store_url: str) -> None:
    """Issue 14, point 5: each page kernel opens its own store; the count and the lock are shared."""
    clock = FakeClock()
    first_page = ClassStore(store_url, lecturer_code=CODE, clock=clock)
    for tries_left in (4, 3, 2, 1):
        with pytest.raises(WrongCode, match=f"{tries_left} tr"):
            first_page.set_open("p", True, code="guess-guess")
    with pytest.raises(CodeLocked, match="30 seconds"):
        first_page.reset("p", code="guess-guess")
    first_page.close()
    reloaded = ClassStore(store_url, lecturer_code=CODE, clock=clock)  # the page reloaded: a new kernel, a new store
    with pytest.raises(CodeLocked, match="30 more seconds"):
        reloaded.set_open("p", True, code=CODE)  # even the right code waits for the lock
    assert reloaded.state("p") == PollState("p", False, 1)
    reloaded.set_open("other-poll", True, code=CODE)  # the count is per poll
    clock.now += 31
    with pytest.raises(CodeLocked, match="60 seconds"):  # one more wrong code: the lock doubles
        reloaded.set_open("p", True, code="guess-again")
    clock.now += 61
    assert reloaded.set_open("p", True, code=CODE).is_open  # the right code works once the lock ends
    with pytest.raises(WrongCode, match="4 tries left"):  # ... and starts the count afresh
        reloaded.set_open("p", False, code="guess-guess")
    reloaded.close()


def test_the_lock_is_capped(class_store: ClassStore) -> None:
    clock = FakeClock()
    class_store._clock = clock
    for _ in range(20):
        clock.now += 10_000
        with pytest.raises(WrongCode):
            class_store.set_open("p", True, code="guess-guess")
    with pytest.raises(CodeLocked, match="600 more seconds"):
        class_store.set_open("p", True, code="seminar-code-7")


@pytest.mark.parametrize("short", ["1234567", "abc", "  river1  "])
def test_a_lecturer_code_shorter_than_8_characters_turns_the_controls_off(tmp_path: Path, short: str) -> None:
    store = ClassStore(f"sqlite:///{tmp_path / 'class.sqlite3'}", lecturer_code=short)
    assert not store.has_lecturer_code
    with pytest.raises(WrongCode, match="shorter than 8 characters"):
        store.set_open("p", True, code=short)
    assert store.state("p") == PollState("p", False, 1)
    assert ClassStore(f"sqlite:///{tmp_path / 'class.sqlite3'}", lecturer_code="a1b2c3d4").has_lecturer_code


def test_present_makes_a_code_of_at_least_8_characters() -> None:
    source = (Path(__file__).parents[1] / "tasks.py").read_text()
    assert 'env["RECOVERY_LECTURER_CODE"] = secrets.token_hex(4)' in source  # 4 bytes: 8 hex characters
    assert len(secrets.token_hex(4)) >= 8


# ---------------------------------------------------------------- issue 15: reveal, timer, open text


def test_results_are_hidden_until_revealed_and_each_new_round_starts_hidden(store_url: str) -> None:
    lecturer = ClassStore(store_url, lecturer_code=CODE)
    other_kernel = ClassStore(store_url, lecturer_code="")
    lecturer.set_open("p", True, code=CODE)
    assert not lecturer.state("p").revealed
    with pytest.raises(WrongCode):
        lecturer.set_revealed("p", True, code="guess-guess")
    assert not other_kernel.state("p").revealed
    assert lecturer.set_revealed("p", True, code=CODE).revealed and other_kernel.state("p").revealed
    assert other_kernel.state("p").is_open  # revealing does not close
    assert lecturer.reset("p", code=CODE) == PollState("p", True, 2, False, None)
    assert not other_kernel.state("p").revealed
    with lecturer.engine.connect() as connection:  # round 1 keeps its own reveal state
        kept = connection.exec_driver_sql("SELECT round, revealed FROM rounds WHERE poll_id = 'p' ORDER BY round").all()
    assert [(r, bool(v)) for r, v in kept] == [(1, True), (2, False)]
    assert lecturer.set_revealed("never-opened", True, code=CODE) == PollState("never-opened", False, 1, True, None)
    lecturer.close()
    other_kernel.close()


def test_a_timed_round_closes_itself_for_every_kernel_and_refuses_late_votes(store_url: str) -> None:
    clock = FakeClock()
    lecturer = ClassStore(store_url, lecturer_code=CODE, clock=clock)
    student = ClassStore(store_url, lecturer_code="", clock=clock)
    opened = lecturer.set_open("p", True, code=CODE, seconds=30)
    assert opened.is_open and opened.closes_at == clock.now + 30 and opened.seconds_left(clock.now) == 30
    student.vote("p", (me := voter()), "a")
    clock.now += 29.5
    assert student.state("p").seconds_left(clock.now) == 1
    student.answer("p", me, "still in time")
    clock.now += 1
    state = student.state("p")
    assert not state.is_open and state.timed_out and state.seconds_left(clock.now) is None
    with pytest.raises(TimeUp, match="Time is up"):
        student.vote("p", me, "b")
    with pytest.raises(TimeUp):
        student.answer("p", voter(), "too late")
    assert student.tally("p")[1] == {"a": 1} and student.answers("p")[1] == ("still in time",)
    assert lecturer.reset("p", code=CODE).is_open is False  # a round whose time ran out stays closed in the next
    again = lecturer.set_open("p", True, code=CODE)  # opened without a timer: no end
    assert again.is_open and again.closes_at is None and not again.timed_out
    assert lecturer.set_open("p", False, code=CODE) == PollState("p", False, 2, False, None)  # closed by hand: not timed out
    with pytest.raises(ValueError, match="timer"):
        lecturer.set_open("p", True, code=CODE, seconds=-5)
    lecturer.close()
    student.close()


def test_open_text_answers_are_one_per_voter_per_round_and_the_latest_counts(either_store: ClassStore) -> None:
    either_store.set_open("words", True, code=CODE)
    me, other = voter(), voter()
    either_store.answer("words", me, "hope")
    either_store.answer("words", other, "<script>alert(1)</script>")
    either_store.answer("words", me, "=HYPERLINK(\"http://x\")")
    state, answers = either_store.answers("words")
    assert state.round == 1 and sorted(answers) == sorted(["<script>alert(1)</script>", "=HYPERLINK(\"http://x\")"])
    assert either_store.my_answer("words", me) == "=HYPERLINK(\"http://x\")"
    with pytest.raises(ValueError):
        either_store.answer("words", me, "x" * 281)
    with pytest.raises(ValueError):
        either_store.answer("words", me, "")
    either_store.reset("words", code=CODE)
    assert either_store.answers("words")[1] == () and either_store.my_answer("words", me) is None
    assert either_store.tally("words")[1] == {}  # answers are not votes


def test_a_store_made_before_reveal_and_timers_gains_their_tables_and_keeps_its_votes(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "class.sqlite3"
    with sqlite3.connect(path) as connection:  # the schema before issue 15: no rounds, no texts
        connection.executescript(
            "CREATE TABLE polls (poll_id VARCHAR(64) PRIMARY KEY, is_open BOOLEAN NOT NULL, round INTEGER NOT NULL, changed_at VARCHAR(40) NOT NULL);"
            "CREATE TABLE votes (poll_id VARCHAR(64), round INTEGER, voter_id VARCHAR(32), choice VARCHAR(64) NOT NULL, cast_at VARCHAR(40) NOT NULL,"
            " PRIMARY KEY (poll_id, round, voter_id));"
            "INSERT INTO polls VALUES ('p', 1, 3, '2026-01-01');"
            f"INSERT INTO votes VALUES ('p', 3, '{'a' * 32}', 'x', '2026-01-01');"
        )
    store = ClassStore(f"sqlite:///{path}", lecturer_code=CODE)
    assert store.tally("p") == (PollState("p", True, 3), {"x": 1})
    store.answer("p", voter(), "works")
    assert store.set_revealed("p", True, code=CODE).revealed
    store.close()


def test_an_export_needs_the_lecturer_code_and_counts_towards_the_lock(class_store: ClassStore) -> None:
    with pytest.raises(WrongCode, match="4 tries left"):
        class_store.check_code("p", "guess-guess")
    class_store.check_code("p", CODE)  # the right code: no error
