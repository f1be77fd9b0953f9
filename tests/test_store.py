"""The answer store: durable, append-only, honest about files it cannot use."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from widgets.logic.records import SavedAnswer
from widgets.storage.store import ENV_VAR, AnswerStore, StoreError, default_db_path


class TestAnswerStore:
    def test_saved_answer_is_the_latest_and_history_keeps_every_answer(self, tmp_path: Path) -> None:
        store = AnswerStore(tmp_path / "a.sqlite3")
        store.save("01.1", "single_choice", {"chosen": ["first"]})
        store.save("01.1", "single_choice", {"chosen": ["second"]})
        latest = store.latest("01.1")
        assert latest is not None and latest.answer == {"chosen": ["second"]}
        assert [a.answer["chosen"][0] for a in store.history("01.1")] == ["first", "second"]
        assert store.latest("01.2") is None

    def test_answers_and_learner_id_survive_reopening(self, tmp_path: Path) -> None:
        path = tmp_path / "a.sqlite3"
        first = AnswerStore(path)
        first.save("01.11", "reflection", {"text": "Hope matters — «quoted» <b>text</b>"})
        learner = first.learner_id
        first.close()
        again = AnswerStore(path)
        assert again.learner_id == learner
        saved = again.latest("01.11")
        assert saved is not None and saved.answer["text"] == "Hope matters — «quoted» <b>text</b>"

    def test_learner_id_is_random_hex_not_a_name(self, tmp_path: Path) -> None:
        one = AnswerStore(tmp_path / "one.sqlite3").learner_id
        two = AnswerStore(tmp_path / "two.sqlite3").learner_id
        assert one != two
        assert len(one) == 32 and int(one, 16) >= 0

    def test_all_latest_gives_one_current_answer_per_question(self, tmp_path: Path) -> None:
        store = AnswerStore(tmp_path / "a.sqlite3")
        for question_id, value in [("01.2", 1), ("01.10", 2), ("01.2", 3)]:
            store.save(question_id, "numeric", {"value": value})
        current = {a.question_id: a.answer["value"] for a in store.all_latest()}
        assert current == {"01.2": 3, "01.10": 2}

    def test_corrupt_file_is_reported_and_left_untouched(self, tmp_path: Path) -> None:
        path = tmp_path / "answers.sqlite3"
        junk = b"this is not a database, but it might be the student's only copy" * 100
        path.write_bytes(junk)
        with pytest.raises(StoreError, match="cannot be read") as error:
            AnswerStore(path)
        assert str(path) in str(error.value)
        assert path.read_bytes() == junk

    def test_truncated_database_is_reported_not_replaced(self, tmp_path: Path) -> None:
        path = tmp_path / "answers.sqlite3"
        store = AnswerStore(path)
        for n in range(200):
            store.save(f"01.{n}", "reflection", {"text": "x" * 500})
        store.close()
        (tmp_path / "answers.sqlite3-wal").unlink(missing_ok=True)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
        with pytest.raises(StoreError):
            AnswerStore(path).all_latest()
        assert path.read_bytes() == data[: len(data) // 3]

    def test_database_from_a_newer_workbook_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "answers.sqlite3"
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA user_version=99")
        with pytest.raises(StoreError, match="newer workbook"):
            AnswerStore(path)

    def test_path_that_is_a_folder_is_reported(self, tmp_path: Path) -> None:
        (tmp_path / "answers.sqlite3").mkdir()
        with pytest.raises(StoreError):
            AnswerStore(tmp_path / "answers.sqlite3")

    def test_read_only_database_gives_a_clear_error_on_save_and_keeps_earlier_answers(self, tmp_path: Path) -> None:
        store = AnswerStore(tmp_path / "a.sqlite3")
        store.save("01.1", "numeric", {"value": 1})
        store._connection.execute("PRAGMA query_only=ON")  # what a read-only file looks like to SQLite
        with pytest.raises(StoreError, match="could not be saved"):
            store.save("01.2", "numeric", {"value": 2})
        saved = store.latest("01.1")
        assert saved is not None and saved.answer == {"value": 1}

    def test_full_disk_gives_a_clear_error_on_save(self, tmp_path: Path) -> None:
        store = AnswerStore(tmp_path / "a.sqlite3")
        store.save("01.1", "numeric", {"value": 1})
        pages = store._connection.execute("PRAGMA page_count").fetchone()[0]
        store._connection.execute(f"PRAGMA max_page_count={pages}")  # no room for one more page
        with pytest.raises(StoreError, match="could not be saved") as error:
            store.save("01.2", "reflection", {"text": "y" * 50_000})
        # SQLite has already rolled back; the message must name the full disk, not the failed ROLLBACK.
        assert "disk is full" in str(error.value) and "free some space" in str(error.value)
        assert "rollback" not in str(error.value)
        assert [a.question_id for a in store.all_latest()] == ["01.1"]
        store._connection.execute("PRAGMA max_page_count=1073741823")  # room again: saving works without reopening
        store.save("01.2", "reflection", {"text": "y" * 50_000})
        assert [a.question_id for a in store.all_latest()] == ["01.1", "01.2"]

    def test_a_damaged_answer_is_reported_for_its_question_skipped_in_the_rest_and_left_alone(self, tmp_path: Path) -> None:
        path = tmp_path / "a.sqlite3"
        store = AnswerStore(path)
        store.save("01.1", "reflection", {"text": "kept"})
        store.save("01.2", "reflection", {"text": "earlier"})
        store.save("01.2", "reflection", {"text": "damaged"})
        store.close()
        data = path.read_bytes()
        where = data.index(b'{"text": "damaged"}')
        path.write_bytes(data[:where] + b"#" + data[where + 1 :])  # SQLite cannot see this; json can
        store = AnswerStore(path)
        assert store.latest("01.1") is not None
        with pytest.raises(StoreError, match=r"cannot be read \(the saved answer to 01\.2 is damaged"):
            store.latest("01.2")
        # the whole-workbook reads skip the damaged row: 01.2's earlier answer is its current one
        assert [(a.question_id, a.answer["text"]) for a in store.all_latest()] == [("01.1", "kept"), ("01.2", "earlier")]
        assert [a.answer["text"] for a in store.all_history()] == ["kept", "earlier"]
        (damaged,) = store.damaged_rows()
        assert (damaged.row, damaged.question_id) == (3, "01.2") and "your answer to 01.2 saved" in damaged.label
        store.save("01.3", "reflection", {"text": "saving goes on"})
        store.close()
        assert b"#" + data[where + 1 : where + 19] in path.read_bytes()  # the damaged row is still there, as it was

    def test_one_damaged_row_among_7920_is_skipped_and_reported_while_the_rest_shows(self, tmp_path: Path) -> None:
        """Issue 14, point 8: one damaged row made the whole portfolio fail while saving went on."""
        path = tmp_path / "a.sqlite3"
        store = AnswerStore(path)
        many = [
            SavedAnswer(f"0{n % 9 + 1}.{n // 9}", "reflection", {"text": f"answer {n}"}, f"2025-01-01T00:00:00.{n:06d}+00:00")
            for n in range(7920)
        ]
        assert store.import_answers(many) == 7920
        with sqlite3.connect(path) as other:  # what a changed byte on disk or another writer leaves behind
            other.execute("UPDATE answers SET answer = '{\"text\": broken' WHERE id = 4000")
            other.execute("UPDATE answers SET answer = CAST(X'7B2274657874223A2022FF227D' AS TEXT) WHERE id = 5000")
        before = path.read_bytes()
        store = AnswerStore(path)
        latest = store.all_latest()
        assert len(store.all_history()) == 7918 and len(latest) == 7918  # every question has one answer here
        assert [d.row for d in store.damaged_rows()] == [4000, 5000]
        assert {d.question_id for d in store.damaged_rows()} == {many[3999].question_id, many[4999].question_id}
        assert "not UTF-8" in store.damaged_rows()[1].reason
        assert path.read_bytes() == before  # reading changed nothing
        store.save("01.new", "reflection", {"text": "saving goes on"})
        assert store.import_answers(many[:10]) == 0  # an import still reads past the damaged rows
        assert len(store.all_latest()) == 7919

    def test_an_unversioned_database_holding_only_a_meta_table_is_refused_and_left_untouched(self, tmp_path: Path) -> None:
        """Issue 14, point 8: a meta(key, value) table has our name and shape, but the file is not ours."""
        path = tmp_path / "settings.sqlite3"
        with closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            connection.execute("INSERT INTO meta VALUES ('theme', 'dark')")
        before = path.read_bytes()
        with pytest.raises(StoreError, match=r"another program's database.*no workbook format mark.*meta") as error:
            AnswerStore(path)
        assert "left exactly as it is" in str(error.value)
        assert path.read_bytes() == before
        with closing(sqlite3.connect(path)) as connection:
            assert connection.execute("PRAGMA user_version").fetchone()[0] == 0
            assert connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == [("meta",)]

    def test_a_workbook_file_with_a_table_that_is_not_ours_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "a.sqlite3"
        AnswerStore(path).close()
        with closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("CREATE TABLE bookmarks (url TEXT)")
        before = path.read_bytes()
        with pytest.raises(StoreError, match="another program's database.*bookmarks"):
            AnswerStore(path)
        assert path.read_bytes() == before

    def test_a_marked_file_missing_the_answers_table_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "a.sqlite3"
        with closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            connection.execute("PRAGMA user_version=1")
        with pytest.raises(StoreError, match="table answers is missing"):
            AnswerStore(path)

    def test_an_empty_file_is_set_up_as_a_new_answers_file(self, tmp_path: Path) -> None:
        path = tmp_path / "new.sqlite3"
        path.write_bytes(b"")
        store = AnswerStore(path)
        store.save("01.1", "numeric", {"value": 1})
        assert [a.question_id for a in store.all_latest()] == ["01.1"]

    def test_another_programs_database_is_refused_not_taken_over(self, tmp_path: Path) -> None:
        path = tmp_path / "other.sqlite3"
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE bookmarks (url TEXT)")
        before = path.read_bytes()
        with pytest.raises(StoreError, match="another program's database.*bookmarks"):
            AnswerStore(path)
        assert path.read_bytes() == before

    def test_opening_a_file_that_is_set_up_writes_nothing(self, tmp_path: Path) -> None:
        """So a read-only answers file can be read, and a kernel opening the file never waits for another's write."""
        path = tmp_path / "a.sqlite3"
        store = AnswerStore(path)
        store.save("01.1", "numeric", {"value": 1})
        writer = sqlite3.connect(path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # another notebook holds the write lock
        try:
            started = time.monotonic()
            again = AnswerStore(path)
            assert time.monotonic() - started < 5  # a write while opening would wait 15 s, then fail
            assert again.learner_id == store.learner_id and again.latest("01.1") is not None
        finally:
            writer.execute("ROLLBACK")
            writer.close()

    def test_default_path_follows_the_environment_variable(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv(ENV_VAR, str(tmp_path / "mine.sqlite3"))
        assert default_db_path() == tmp_path / "mine.sqlite3"
        monkeypatch.delenv(ENV_VAR)
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
        assert default_db_path() == tmp_path / "xdg" / "recovery-workbook" / "answers.sqlite3"


def _write_many(path: str, writer: int, count: int) -> None:
    store = AnswerStore(path)
    for n in range(count):
        store.save(f"01.{n}", "numeric", {"writer": writer, "n": n})


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite3")
    AnswerStore(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(path, writer, 150)) for writer in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    rows = sqlite3.connect(path).execute("SELECT answer FROM answers").fetchall()
    assert len(rows) == 300
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


_KILLED_WRITER = """
import sys
from widgets.storage.store import AnswerStore
store = AnswerStore(sys.argv[1])
n = 0
while True:
    store.save(f"07.{n}", "reflection", {"text": "answer %d " % n + "x" * 2000})
    print(n, flush=True)
    n += 1
"""


def test_writer_killed_mid_session_loses_no_committed_answer(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    for round_ in range(3):
        process = subprocess.Popen(
            [sys.executable, "-c", _KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        committed = -1
        deadline = time.monotonic() + 60
        while committed < 40 + round_ * 7 and time.monotonic() < deadline:
            committed = int(process.stdout.readline())
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        store = AnswerStore(path)
        assert len(store.history("07.0")) == round_ + 1
        for n in range(committed + 1):
            saved = store.latest(f"07.{n}")
            assert saved is not None, f"answer {n} was reported saved but is missing after kill -9"
            assert saved.answer["text"].startswith(f"answer {n} ")
        store.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
