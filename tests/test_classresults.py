"""The class-results board: reading many answers files, aggregating them per question, and the view."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any

import ipywidgets as ipw
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.widget_tree import page_state
from widgets.content.exercises import load_exercises
from widgets.logic.classresults.aggregate import (
    ClassResults,
    QuestionResult,
    Tally,
    answers_frame,
    class_results,
)
from widgets.logic.classresults.html import (
    question_html,
    results_html,
    skipped_details_html,
    skipped_html,
    skipped_summary_html,
    summary_html,
)
from widgets.logic.classresults.reading import (
    MAX_CLASS_BYTES,
    MAX_CLASS_FILES,
    class_file_name,
    display_name,
    read_class_files,
)
from widgets.logic.classresults.synthetic import (
    CLASS_SEED,
    SYNTHETIC_CLASS_LABEL,
    synthetic_class_files,
)
from widgets.logic.export import (
    DATA_FORMAT,
    DATA_MARKER,
    EXPORT_SCHEMA_VERSION,
    answers_sha256,
)
from widgets.logic.grading import display_order
from widgets.logic.kinds import TalliesResult, choice
from widgets.logic.portfolio import (
    MAX_IMPORT_BYTES,
    export_class_answers,
    export_markdown,
    parse_export,
)
from widgets.logic.records import SavedAnswer
from widgets.views.classresults import ClassResultsView, class_results_board

CHAPTER_01 = load_exercises("01-understanding-recovery")
CHAPTERS = {"01": CHAPTER_01}
NOW = datetime(2025, 3, 4, 5, 6, tzinfo=UTC)
SECRET = "MY-PRIVATE-REFLECTION <script>alert('x')</script> & more"
"""Reflection text that must never reach the board."""
NASTY_NAME = "<script>alert(1)</script>.md"


def option(question_id: str, index: int) -> str:
    return CHAPTER_01.question(question_id).options[index].text  # type: ignore[union-attr]


def chosen(question_id: str, *indices: int) -> dict[str, list[str]]:
    return {"chosen": [option(question_id, i) for i in indices]}


def at(minute: int, *, offset: str = "+00:00", hour: int = 10) -> str:
    return f"2025-01-02T{hour:02d}:{minute:02d}:00.000{offset}"


def answer(question_id: str, kind: str, value: Any, when: str = "") -> SavedAnswer:
    return SavedAnswer(question_id, kind, value, when or at(int(question_id.split(".")[1])))


ALL_RIGHT = {f"s{n:02d}": c for n, c in enumerate(
    ["connectedness"] * 3 + ["hope"] * 2 + ["identity"] * 2 + ["meaning"] * 2 + ["empowerment"] * 3, start=1
)}  # fmt: skip


def student(number: int) -> list[SavedAnswer]:
    """Four hand-made students; see TestAggregation for what the class adds up to."""
    if number == 1:
        return [
            answer("01.1", "single_choice", chosen("01.1", 0)),
            answer("01.2", "multiple_choice", chosen("01.2", 0, 1, 2, 3)),
            answer("01.4", "numeric", {"value": 26.5}),
            answer("01.5", "categorise", {"placements": dict(ALL_RIGHT)}),
            answer("01.6", "likert", {"ratings": {"c": 5, "h": 4}}),
        ]
    if number == 2:
        return [
            answer("01.1", "single_choice", chosen("01.1", 1)),
            answer("01.2", "multiple_choice", chosen("01.2", 0, 1, 2, 3, 4)),
            answer("01.4", "numeric", {"value": 27.5}),
            answer("01.5", "categorise", {"placements": {**ALL_RIGHT, "s02": "identity", "s06": "hope"}}),
            answer("01.6", "likert", {"ratings": {"c": 3, "h": 2, "i": 1}}),
            answer("01.11", "reflection", {"text": SECRET}),
        ]
    if number == 3:
        return [
            answer("01.1", "single_choice", chosen("01.1", 1)),
            answer("01.2", "multiple_choice", chosen("01.2", 0, 1, 2)),
            answer("01.4", "numeric", {"value": 26.46}),
            answer("01.5", "categorise", {"placements": {**ALL_RIGHT, "s02": "identity", "s12": None}}),
        ]
    return [
        answer("01.1", "single_choice", chosen("01.1", 2)),
        answer("01.2", "multiple_choice", chosen("01.2", 0, 1, 2, 3, 4)),
        answer("01.6", "likert", {"ratings": {"c": 4}}),
    ]


def class_file(answers: Sequence[SavedAnswer]) -> bytes:
    return export_class_answers(answers, CHAPTERS, now=NOW).encode("utf-8")


def log_file(answers: Sequence[SavedAnswer]) -> bytes:
    """A reflective log (keeps reflections), as a student might hand in instead."""
    return export_markdown(answers, CHAPTERS, now=NOW).encode("utf-8")


def hand_made_class() -> list[tuple[str, bytes]]:
    return [
        ("ana.md", class_file(student(1))),
        ("ben.md", log_file(student(2))),
        ("cai.md", class_file(student(3))),
        ("dee.md", class_file(student(4))),
    ]


def shown_at(question_id: str, index: int) -> int:
    """Where option ``index`` (content-file order) is shown: students and the board use the same shuffled order."""
    question = next(q for q in CHAPTER_01.questions if q.id == question_id)
    return display_order(question_id, len(question.options)).index(index)


def letter(question_id: str, index: int) -> str:
    return "ABCDEFGH"[shown_at(question_id, index)]


def tally(result: QuestionResult, index: int) -> Tally:
    return result.tallies[shown_at(result.question_id, index)]


def result_of(results: ClassResults, question_id: str) -> QuestionResult:
    return next(q for q in results.questions if q.question_id == question_id)


def block(records: list[dict[str, Any]], **changes: Any) -> bytes:
    """A data block with a valid checksum around ``records`` (which need not be valid answers)."""
    data = {"format": DATA_FORMAT, "schema_version": EXPORT_SCHEMA_VERSION, "answers": records}
    data["answers_sha256"] = answers_sha256(records)
    data.update(changes)
    return f"<!-- {DATA_MARKER} {json.dumps(data)} -->".encode()


def record(question_id: str, kind: str, value: Any, when: str = "2025-01-02T10:00:00.000+00:00") -> dict[str, Any]:
    return {"question_id": question_id, "kind": kind, "answer": value, "saved_at": when}




def uploaded(files: Sequence[tuple[str, bytes]]) -> tuple[dict[str, Any], ...]:
    """The value a FileUpload widget gets when ``files`` are chosen."""
    return tuple(
        {"name": name, "type": "text/markdown", "size": len(data), "content": memoryview(data), "last_modified": NOW}
        for name, data in files
    )


# ----------------------------------------------------------------------------- reading files


class TestReadingFiles:
    @pytest.mark.parametrize(
        ("data", "reason"),
        [
            (b"\xff\xfe# notes in UTF-16", "not UTF-8"),
            (b"# My notes\n\nNothing here.\n", "no workbook data"),
            (b"", "no workbook data"),
            (b"x" * (MAX_IMPORT_BYTES + 1), "too large"),
            (b"<!-- recovery-workbook-data {not json} -->", "cannot be read"),
            (b'<!-- recovery-workbook-data {"format": "something-else"} -->', "not a Recovery-Oriented"),
        ],
        ids=["not-utf8", "no-data-block", "empty", "too-large", "not-json", "other-format"],
    )
    def test_a_file_that_is_not_an_export_is_skipped_with_its_name_and_reason(self, data: bytes, reason: str) -> None:
        batch = read_class_files([("broken.md", data)])
        assert batch.files == () and len(batch.skipped) == 1
        assert batch.skipped[0].name == "broken.md" and reason in batch.skipped[0].reason

    def test_an_edited_answer_fails_the_checksum_and_is_skipped(self) -> None:
        text = class_file(student(1)).decode()
        edited = text.replace('"value": 26.5', '"value": 99.0')
        assert edited != text
        batch = read_class_files([("edited.md", edited.encode())])
        assert batch.files == () and batch.skipped[0].reason.startswith("Could not be read: its check-sum does not match")
        assert batch.skipped[0].category == "checksum" and "edited by hand" not in batch.skipped[0].reason

    def test_another_schema_version_is_skipped(self) -> None:
        text = class_file(student(1)).decode().replace('"schema_version": 2', '"schema_version": 3')
        batch = read_class_files([("v3.md", text.encode())])
        assert "version is 3; this workbook reads versions 1 and 2 only" in batch.skipped[0].reason

    def test_a_truncated_file_is_skipped(self) -> None:
        text = class_file(student(1)).decode()
        cut = read_class_files([("cut.md", text[: text.index("answers_sha256")].encode())])
        assert "cut short" in cut.skipped[0].reason
        half = read_class_files([("half.md", text[: len(text) // 2].encode())])
        assert "cut short" in half.skipped[0].reason
        head = read_class_files([("head.md", text[: text.index("<!--")].encode())])
        assert "no workbook data" in head.skipped[0].reason

    def test_a_file_with_no_gradeable_answers_is_skipped_with_a_reason(self) -> None:
        only_reflection = log_file([answer("01.11", "reflection", {"text": SECRET})])
        only_vignette = log_file([answer("03.vignette.x", "vignette", {"path": ["a"], "finished": True}, at(1))])
        empty = class_file([])
        batch = read_class_files([("r.md", only_reflection), ("v.md", only_vignette), ("e.md", empty)])
        assert batch.files == ()
        reasons = {s.name: s.reason for s in batch.skipped}
        assert "no answers to the workbook's choice, number, sorting or rating questions" in reasons["r.md"]
        assert "It holds only 1 reflection." in reasons["r.md"] and SECRET not in reasons["r.md"]
        assert "nothing from it to show" in reasons["v.md"] and "nothing from it to show" in reasons["e.md"]

    def test_a_duplicate_is_skipped_naming_the_earlier_file(self) -> None:
        same = class_file(student(1))
        batch = read_class_files([("ana.md", same), ("ben.md", class_file(student(2))), ("ana-again.md", same)])
        assert [f.name for f in batch.files] == ["ana.md", "ben.md"]
        (skipped,) = batch.skipped
        assert skipped.name == "ana-again.md"
        assert skipped.reason.startswith("Duplicate") and "ana.md (file 1)" in skipped.reason

    def test_a_log_and_a_class_file_of_the_same_answers_are_duplicates(self) -> None:
        answers = student(2)
        batch = read_class_files([("log.html", log_file(answers)), ("class.md", class_file(answers))])
        assert len(batch.files) == 1 and "the same as those in log.html (file 1)" in batch.skipped[0].reason

    def test_two_students_with_the_same_choices_at_different_times_are_not_duplicates(self) -> None:
        first = [answer("01.1", "single_choice", chosen("01.1", 0), at(1))]
        second = [answer("01.1", "single_choice", chosen("01.1", 0), at(2))]
        batch = read_class_files([("a.md", class_file(first)), ("b.md", class_file(second))])
        assert len(batch.files) == 2 and batch.skipped == ()

    def test_a_mixed_batch_keeps_the_good_files_in_order(self) -> None:
        good = hand_made_class()
        mixed = [good[0], ("junk.md", b"junk"), good[1], ("bad.html", b"\xff"), good[2], ("dup.md", good[0][1]), good[3]]
        batch = read_class_files(mixed)
        assert [f.name for f in batch.files] == ["ana.md", "ben.md", "cai.md", "dee.md"]
        assert [s.name for s in batch.skipped] == ["junk.md", "bad.html", "dup.md"]
        assert class_results(batch.files, CHAPTERS).files == 4

    def test_files_beyond_the_cap_are_listed_not_read(self) -> None:
        files = synthetic_class_files(5, seed=3, chapters=CHAPTERS)
        batch = read_class_files(files, max_files=3)
        assert len(batch.files) == 3
        assert [s.name for s in batch.skipped] == ["synthetic-student-004.md", "synthetic-student-005.md"]
        assert all("at most 3 files" in s.reason for s in batch.skipped)
        assert MAX_CLASS_FILES == 500

    def test_files_beyond_the_total_size_are_listed_not_read(self) -> None:
        files = synthetic_class_files(3, seed=3, chapters=CHAPTERS)
        limit = len(files[0][1]) + len(files[1][1])
        batch = read_class_files(files, max_total_bytes=limit)
        assert len(batch.files) == 2 and "limit of" in batch.skipped[0].reason

    def test_the_latest_answer_by_time_is_used_not_the_last_in_the_file(self) -> None:
        # 11:30 at +02:00 is 09:30 UTC: earlier than 10:00 UTC although it sorts later as text.
        answers = [
            answer("01.1", "single_choice", chosen("01.1", 0), at(0, hour=10)),
            answer("01.1", "single_choice", chosen("01.1", 3), at(30, hour=11, offset="+02:00")),
            answer("01.4", "numeric", {"value": 1.0}, at(0, hour=9)),
            answer("01.4", "numeric", {"value": 26.5}, at(0, hour=12)),
        ]
        batch = read_class_files([("history.md", log_file(answers))])
        results = class_results(batch.files, CHAPTERS)
        assert tally(result_of(results, "01.1"), 0).count == 1 and tally(result_of(results, "01.1"), 3).count == 0
        assert result_of(results, "01.4").correct == 1 and result_of(results, "01.4").answered == 1

    def test_reflection_text_is_dropped_as_the_file_is_read(self) -> None:
        (read,) = read_class_files([("ben.md", log_file(student(2)))]).files
        assert ("01.11", "reflection", "") in read.answers
        assert SECRET not in repr(read) and "MY-PRIVATE" not in repr(read)

    def test_names_are_shown_as_given_but_tidied(self) -> None:
        assert display_name(NASTY_NAME) == NASTY_NAME
        assert display_name("a\x00b\r\nc.md") == "a b c.md" and display_name(" \t") == "(unnamed file)"
        assert len(display_name("n" * 1000)) == 120

    def test_answers_frame_has_one_row_per_answer(self) -> None:
        batch = read_class_files(hand_made_class())
        frame = answers_frame(batch.files)
        assert list(frame.columns) == ["file", "question_id", "kind", "answer_key"]
        assert len(frame) == batch.answers == 5 + 6 + 4 + 3
        assert frame.groupby("file").size().tolist() == [5, 6, 4, 3]
        assert frame.loc[frame["kind"] == "reflection", "answer_key"].tolist() == [""]
        assert answers_frame([]).empty


# ----------------------------------------------------------------------------- aggregation


@pytest.fixture(scope="module")
def results() -> ClassResults:
    batch = read_class_files(hand_made_class())
    assert batch.skipped == ()
    return class_results(batch.files, CHAPTERS)


class TestAggregation:
    def test_every_question_of_the_content_gets_a_result_in_order(self, results: ClassResults) -> None:
        assert [q.question_id for q in results.questions] == [q.id for q in CHAPTER_01.questions]
        assert results.files == 4 and results.answers == 18 and results.unknown == ()
        assert results.chapters == (("01", "Understanding recovery"),)

    def test_single_choice_spread_share_correct_and_most_common_wrong(self, results: ClassResults) -> None:
        q = result_of(results, "01.1")
        assert (q.answered, q.files, q.graded, q.correct, q.unfit) == (4, 4, 4, 1, 0)
        assert [(tally(q, i).count, tally(q, i).correct) for i in range(4)] == [(1, True), (2, False), (1, False), (0, False)]
        assert tally(q, 0).label.startswith(f"{letter('01.1', 0)}. A personal, individual process")
        assert q.common_wrong == Tally(tally(q, 1).label, 2, False)
        assert q.share_correct == 0.25 and q.completion == 1.0 and q.key == letter("01.1", 0)

    def test_multiple_choice_counts_ticks_per_option_and_the_commonest_wrong_combination(self, results: ClassResults) -> None:
        q = result_of(results, "01.2")
        assert [tally(q, i).count for i in range(6)] == [4, 4, 4, 3, 2, 0]
        assert [tally(q, i).correct for i in range(6)] == [True, True, True, True, False, False]
        ticked = " + ".join(sorted(letter("01.2", i) for i in range(5)))
        assert q.correct == 1 and q.common_wrong == Tally(f"ticked {ticked}", 2, False)
        assert q.key == "tick " + " + ".join(sorted(letter("01.2", i) for i in range(4)))

    def test_numeric_values_tolerance_and_completion(self, results: ClassResults) -> None:
        q = result_of(results, "01.4")
        # 01.4 takes one decimal place: 26.46 is within 0.05 of the key, but its view refuses two decimal places
        assert (q.answered, q.files, q.correct, q.unfit) == (3, 4, 1, 1)
        assert {(t.label, t.count, t.correct) for t in q.tallies} == {("26.5%", 1, True), ("27.5%", 1, False)}
        assert q.common_wrong == Tally("27.5%", 1, False) and q.key == "26.5% (± 0.05)"
        assert q.completion == 0.75

    def test_categorise_placements_per_statement_and_the_most_common_misplacement(self, results: ClassResults) -> None:
        q = result_of(results, "01.5")
        assert (q.answered, q.correct) == (3, 1)
        assert q.columns == ("Connectedness", "Hope and optimism about the future", "Identity", "Meaning in life",
                             "Empowerment", "not sorted")  # fmt: skip
        s02 = q.rows[1]
        assert [(c.label, c.count, c.correct) for c in s02.cells] == [
            ("Connectedness", 1, True), ("Hope and optimism about the future", 0, False), ("Identity", 2, False),
            ("Meaning in life", 0, False), ("Empowerment", 0, False), ("not sorted", 0, False),
        ]  # fmt: skip
        assert (s02.answered, s02.right) == (3, 1)
        assert (q.rows[11].right, q.rows[11].cells[-1].count) == (2, 1)  # s12 left unsorted once
        assert q.common_wrong is not None and q.common_wrong.count == 2
        assert q.common_wrong.label.startswith("\u201cWith help from his support worker") and q.common_wrong.label.endswith("sorted as Identity")

    def test_a_statement_left_unsorted_is_not_a_misplacement(self) -> None:
        unsorted = {**ALL_RIGHT, "s01": None}
        files = [(f"u{n}.md", class_file([answer("01.5", "categorise", {"placements": unsorted}, at(n))])) for n in range(3)]
        files.append(("w.md", class_file([answer("01.5", "categorise", {"placements": {**ALL_RIGHT, "s04": "meaning"}}, at(9))])))
        q = result_of(class_results(read_class_files(files).files, CHAPTERS), "01.5")
        assert q.correct == 0 and q.rows[0].cells[-1] == Tally("not sorted", 3, False) and q.rows[0].right == 1
        assert q.common_wrong is not None and q.common_wrong.count == 1 and q.common_wrong.label.endswith("sorted as Meaning in life")

    def test_likert_distribution_and_mean_per_item_without_a_key(self, results: ClassResults) -> None:
        q = result_of(results, "01.6")
        assert q.answered == 3 and q.correct is None and q.share_correct is None and q.common_wrong is None
        c, h, i = q.rows[0], q.rows[1], q.rows[2]
        assert [t.count for t in c.cells] == [0, 0, 1, 1, 1] and c.mean == 4.0 and c.answered == 3
        assert [t.count for t in h.cells] == [0, 1, 0, 1, 0] and h.mean == 3.0
        assert (i.answered, i.mean) == (1, 1.0) and q.rows[3].mean is None
        assert q.columns[0] == "1 (Not at all confident)" and q.columns[-1] == "5 (Very confident)"

    def test_reflections_count_completion_only(self, results: ClassResults) -> None:
        q = result_of(results, "01.11")
        assert (q.answered, q.unfit, q.correct) == (1, 0, None)
        assert type(q) is QuestionResult  # no tallies or rows: the board never reads a reflection

    def test_unanswered_questions_show_zero_of_all_files(self, results: ClassResults) -> None:
        q = result_of(results, "01.3")
        assert (q.answered, q.files, q.correct, q.common_wrong) == (0, 4, 0, None)
        assert "Answered by <strong>0 of 4</strong>" in question_html(q) and "No answers to show yet" in question_html(q)

    def test_each_distinct_answer_is_graded_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        calls: list[int] = []
        real = choice.grade_single_choice

        def counting(question: Any, index: int) -> Any:
            calls.append(index)
            return real(question, index)

        monkeypatch.setattr(choice, "grade_single_choice", counting)
        files = [(f"s{n}.md", class_file([answer("01.1", "single_choice", chosen("01.1", n % 2), at(n))])) for n in range(30)]
        results = class_results(read_class_files(files).files, CHAPTERS)
        assert sorted(calls) == [0, 1] and result_of(results, "01.1").correct == 15

    def test_questions_not_in_the_content_are_reported_not_shown(self) -> None:
        files = [
            ("a.md", block([record("01.1", "single_choice", chosen("01.1", 0)), record("01.99", "single_choice", {"chosen": ["Gone"]})])),
            ("b.md", block([record("01.99", "numeric", {"value": 3}, "2025-01-03T00:00:00+00:00")])),
        ]  # fmt: skip
        results = class_results(read_class_files(files).files, CHAPTERS)
        assert results.unknown == (("01.99", 2),) and results.files == 2
        page = results_html(results)
        assert "Questions not in the workbook" in page and "01.99 (2 files)" in page and "Gone" not in page

    def test_answers_that_no_longer_fit_are_counted_apart(self) -> None:
        files = [
            ("a.md", block([record("01.1", "single_choice", {"chosen": ["An option the exercise no longer has"]})])),
            ("b.md", block([record("01.1", "numeric", {"value": 2}, "2025-01-03T00:00:00+00:00")])),
            ("c.md", block([record("01.1", "single_choice", chosen("01.1", 0), "2025-01-04T00:00:00+00:00")])),
            ("d.md", block([record("01.5", "categorise", {"placements": {"s01": "nowhere"}})])),
            ("e.md", block([record("01.6", "likert", {"ratings": {"c": 9}}), record("01.4", "numeric", {"value": True})])),
            ("f.md", block([record("01.1", "multiple_choice", chosen("01.1", 0), "2025-01-05T00:00:00+00:00")])),
        ]
        results = class_results(read_class_files(files).files, CHAPTERS)
        q = result_of(results, "01.1")
        assert (q.answered, q.unfit, q.graded, q.correct) == (4, 3, 1, 1)  # a kind that is not the question's type does not fit
        assert "3 answers do not fit this exercise" in question_html(q) and "no longer has" not in question_html(q)
        assert [result_of(results, i).unfit for i in ("01.5", "01.6", "01.4")] == [1, 1, 1]
        assert sum(t.count for row in result_of(results, "01.6").rows for t in row.cells) == 0

    def test_content_loaded_by_default_covers_every_chapter(self) -> None:
        results = class_results(read_class_files(hand_made_class()).files)
        assert len(results.chapters) >= 10 and result_of(results, "01.1").correct == 1


# ----------------------------------------------------------------------------- HTML


class TestHtml:
    def test_question_panel_shows_completion_correct_key_and_wrong_answer_with_symbols_and_words(self, results: ClassResults) -> None:
        html = question_html(result_of(results, "01.1"))
        assert "Answered by <strong>4 of 4</strong> files (100%)" in html
        assert "1 of 4 correct</strong> (25%)" in html and f"Answer key: {letter('01.1', 0)}." in html
        assert f"Most common wrong answer: <strong>{letter('01.1', 1)}. The point at which" in html and "(2 files)" in html
        assert html.count("✔</span> correct") == 1 and "✘</span> most common wrong answer" in html
        assert re.search(r'class="rw-cr-bar rw-cr-other" style="width:50\.0%"', html)  # B: 2 of 4
        assert '<caption>01.1: files choosing each option</caption>' in html and 'scope="row"' in html

    def test_sorting_and_rating_tables_mark_the_key_cells(self, results: ClassResults) -> None:
        sorting = question_html(result_of(results, "01.5"))
        assert sorting.count('class="rw-cr-keycell"') == 12 and sorting.count("✔</span> correct") == 12
        assert "sorted as Identity</strong> (2 files)" in sorting
        rating = question_html(result_of(results, "01.6"))
        assert '4.00<br><span class="rw-cr-pct">n = 3</span>' in rating and "rw-cr-keycell" not in rating
        assert "correct" not in rating and '2<br><span class="rw-cr-pct">of 3</span>' in sorting  # s12: 2 of 3 right

    def test_results_html_per_chapter_with_a_legend(self, results: ClassResults) -> None:
        page = results_html(results, "01")
        assert "<h2>Chapter 01 · Understanding recovery</h2>" in page and "marks the answer key" in page
        assert all(f'id="rw-cr-{q.id.replace(".", "-")}"' in page for q in CHAPTER_01.questions)
        assert results_html(results, "07").count("<h2>") == 0
        empty = class_results((), CHAPTERS)
        assert results_html(empty) == ""

    def test_reflections_never_appear_in_the_board(self, results: ClassResults) -> None:
        page = results_html(results) + question_html(result_of(results, "01.11"))
        assert "MY-PRIVATE" not in page and "alert(" not in page
        assert "the board counts who wrote one and never reads or shows what was written" in page
        assert "Answered by <strong>1 of 4</strong>" in question_html(result_of(results, "01.11"))

    def test_summary_and_skipped_list(self) -> None:
        batch = read_class_files([*hand_made_class(), (NASTY_NAME, b"nothing")])
        results = class_results(batch.files, CHAPTERS)
        summary = summary_html(batch, results)
        assert "5 files read: 4 on the board, 1 skipped." in summary and "18 answers counted" in summary
        skipped = skipped_html(batch.skipped)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;.md" in skipped and "<script>" not in skipped
        assert "Files skipped (1)" in skipped and skipped_html(()) == ""
        nothing = read_class_files([("x.md", b"")])
        assert "None of the files could be used" in summary_html(nothing, None)
        assert "No answers files on the board yet" in summary_html(read_class_files([]))

    def test_a_long_skipped_list_is_cut_at_fifty(self) -> None:
        batch = read_class_files([(f"f{n}.md", b"") for n in range(60)])
        html = skipped_html(batch.skipped)
        assert html.count("<li>") == 50 and "… and 10 more." in html


# ----------------------------------------------------------------------------- synthetic class


class TestSyntheticClass:
    def test_is_seeded_and_in_the_export_format_without_ids_or_reflections(self) -> None:
        files = synthetic_class_files(6, seed=7, chapters=CHAPTERS)
        assert files == synthetic_class_files(6, seed=7, chapters=CHAPTERS)
        assert files != synthetic_class_files(6, seed=8, chapters=CHAPTERS)
        assert [name for name, _ in files] == [f"synthetic-student-{n:03d}.md" for n in range(1, 7)]
        for _name, data in files:
            imported = parse_export(data)
            assert imported.learner_id is None and imported.answers
            assert {a.kind for a in imported.answers} <= {"single_choice", "multiple_choice", "numeric", "categorise", "likert"}

    def test_every_synthetic_answer_fits_its_question(self) -> None:
        batch = read_class_files(synthetic_class_files(40, seed=CLASS_SEED))
        results = class_results(batch.files)
        assert batch.skipped == () and results.unknown == ()
        assert all(q.unfit == 0 for q in results.questions)
        answered = [q for q in results.questions if q.answered]
        assert len(answered) > 60 and any(q.common_wrong for q in answered)


# ----------------------------------------------------------------------------- the view


class TestView:
    def test_starts_empty_with_the_controls_labelled(self) -> None:
        view = ClassResultsView(chapters=CHAPTERS)
        assert {"rw-exercise", "rw-class-results"} <= set(view.container._dom_classes)
        assert view.upload.multiple and view.upload.accept == ".md,.html" and view.upload.description
        assert view.chapter.description == "Chapter:" and view.chapter.disabled and view.clear_button.disabled
        assert "No answers files on the board yet" in view.summary.value and view.board.value == ""
        assert view.example_button.description == "Show a synthetic example class"

    def test_uploading_files_fills_the_board_and_lists_skipped_files(self) -> None:
        view = ClassResultsView(chapters=CHAPTERS)
        view.upload.value = uploaded([*hand_made_class(), (NASTY_NAME, b"\xff\xfe")])
        assert "5 files read: 4 on the board, 1 skipped." in view.summary.value
        assert "&lt;script&gt;alert(1)&lt;/script&gt;.md" in view.skipped_details.value and "not UTF-8" in view.skipped_details.value
        assert "1 file not on the board" in view.skipped.value and "alert" not in view.skipped.value
        assert view.chapter.value == "01" and not view.chapter.disabled
        assert "Answered by <strong>4 of 4</strong>" in view.board.value
        assert view.note.value == "" and not view.clear_button.disabled

    def test_a_later_upload_adds_to_the_board_and_catches_duplicates_across_uploads(self) -> None:
        view = ClassResultsView(chapters=CHAPTERS)
        first, *rest = hand_made_class()
        view.upload.value = uploaded([first])
        assert "1 file read: 1 on the board, 0 skipped." in view.summary.value and "5 answers counted" in view.summary.value
        view.upload.value = uploaded([*rest, ("copy.md", first[1])])
        assert "5 files read: 4 on the board, 1 skipped." in view.summary.value
        assert "copy.md" in view.skipped_details.value and "ana.md (file 1)" in view.skipped_details.value
        assert "1 file: the same answers as a file already on the board" in view.skipped.value and ".md" not in view.skipped.value

    def test_reflections_and_script_names_never_reach_the_page(self) -> None:
        view = ClassResultsView(chapters=CHAPTERS)
        view.upload.value = uploaded([(NASTY_NAME, log_file(student(2))), ("again " + NASTY_NAME, log_file(student(2)))])
        view.chapter.value = "all"
        state = page_state(view.container)
        assert "MY-PRIVATE" not in state and "alert('x')" not in state
        assert "<script>" not in state and "&lt;script&gt;alert(1)&lt;/script&gt;.md (file 1)" in view.skipped_details.value

    def test_the_synthetic_example_is_labelled_and_replaced_by_an_upload(self) -> None:
        view = ClassResultsView()
        view.example_button.click()
        assert "SYNTHETIC" in view.note.value and "fictional students" in view.note.value
        assert SYNTHETIC_CLASS_LABEL.startswith("SYNTHETIC:")
        assert "40 synthetic files read: 40 on the board, 0 skipped." in view.summary.value
        assert view.chapter.value != "all" and "Answered by" in view.board.value
        view.upload.value = uploaded(hand_made_class()[:2])
        assert view.note.value == "" and "2 files read: 2 on the board" in view.summary.value

    def test_choosing_a_chapter_shows_that_chapter(self) -> None:
        view = ClassResultsView()
        view.upload.value = uploaded(hand_made_class())
        assert view.chapter.value == "01" and "Chapter 01" in view.board.value
        labels = {value: label for label, value in view.chapter.options}
        assert labels["01"].endswith("(6 of 11 questions answered)")
        view.chapter.value = "07"
        assert "Chapter 07" in view.board.value and "Chapter 01" not in view.board.value
        view.chapter.value = "all"
        assert "Chapter 01" in view.board.value and "Chapter 07" in view.board.value
        view.upload.value = uploaded([("more.md", class_file([answer("01.3", "single_choice", chosen("01.3", 0))]))])
        assert view.chapter.value == "all"  # a later upload keeps the lecturer's choice

    def test_clear_empties_the_board(self) -> None:
        view = ClassResultsView(chapters=CHAPTERS)
        view.upload.value = uploaded(hand_made_class())
        view.clear_button.click()
        assert view.uploads == [] and view.board.value == "" and view.skipped.value == ""
        assert "No answers files on the board yet" in view.summary.value and view.clear_button.disabled

    def test_an_upload_of_only_bad_files_says_so_and_never_raises(self) -> None:
        view = ClassResultsView(chapters=CHAPTERS)
        view.upload.value = uploaded([("a.md", b""), ("b.md", b"\x00" * 10)])
        assert "None of the files could be used" in view.summary.value and view.board.value == ""
        view._on_upload({"new": ({"name": "odd", "content": None},)})  # content that is not bytes
        assert "could not be received" in view.summary.value

    def test_class_results_board_returns_the_container(self) -> None:
        board = class_results_board()
        assert isinstance(board, ipw.VBox) and "rw-class-results" in board._dom_classes


# ----------------------------------------------------------------------------- fuzz

QUESTION_IDS = [q.id for q in CHAPTER_01.questions] + ["01.99", "02.1", "03.vignette.x"]
KINDS = ["single_choice", "multiple_choice", "numeric", "categorise", "likert", "reflection", "vignette", "other"]
MARK = "Zq9-marker"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8).map(lambda t: MARK + t)
    | st.sampled_from([o.text for o in CHAPTER_01.question("01.1").options] + ["s01", "hope", "c", "connectedness"]),  # type: ignore[union-attr]
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["chosen", "value", "placements", "ratings", "text", "s01", "s02", "c", "h"]) | st.text(max_size=4),
        children, max_size=4,
    ),
    max_leaves=12,
)  # fmt: skip
shaped_answers = st.one_of(
    json_values,
    st.fixed_dictionaries({"chosen": st.lists(json_values, max_size=3)}),
    st.fixed_dictionaries({"value": json_values}),
    st.fixed_dictionaries({"placements": st.dictionaries(st.sampled_from(["s01", "s02", "s99"]), json_values, max_size=3)}),
    st.fixed_dictionaries({"ratings": st.dictionaries(st.sampled_from(["c", "h", "zz"]), json_values, max_size=3)}),
    st.fixed_dictionaries({"text": st.text(max_size=10).map(lambda t: MARK + t)}),
)
records = st.builds(
    record,
    st.sampled_from(QUESTION_IDS),
    st.sampled_from(KINDS),
    shaped_answers,
    st.sampled_from(["2025-01-02T10:00:00+00:00", "2025-01-02T10:00:00+05:00", "2025-01-03T00:00:00.123+00:00"]),
)


class TestFuzz:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(uploads=st.lists(st.tuples(st.text(max_size=40), st.binary(max_size=400)), max_size=6))
    def test_arbitrary_bytes_and_names_never_raise(self, uploads: list[tuple[str, bytes]]) -> None:
        batch = read_class_files(uploads)
        assert len(batch.files) + len(batch.skipped) == len(uploads)
        html = skipped_html(batch.skipped)
        assert all(escape(display_name(name)) in html for name, _ in uploads[:50] if display_name(name))

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(files=st.lists(st.lists(records, max_size=6), max_size=5), cut=st.integers(0, 3))
    def test_any_valid_data_block_aggregates_without_raising_or_leaking_text(self, files: list[list[dict[str, Any]]], cut: int) -> None:
        uploads = [(f"f{n}.md", block(rs)) for n, rs in enumerate(files)]
        if cut and uploads:
            uploads.append(("cut.md", uploads[0][1][: len(uploads[0][1]) // (cut + 1)]))
        batch = read_class_files(uploads)
        results = class_results(batch.files, CHAPTERS)
        page = results_html(results, None) + summary_html(batch, results) + skipped_html(batch.skipped)
        assert MARK not in page
        for q in results.questions:
            assert 0 <= q.unfit <= q.answered <= results.files
            if q.type == "single_choice":
                assert sum(t.count for t in q.tallies) == q.graded
            if q.correct is not None:
                assert 0 <= q.correct <= q.graded


# ----------------------------------------------------------------------------- issue 15: ties, pointers, names, the counter


class TestIssue15:
    def test_a_one_to_one_tie_of_wrong_answers_is_shown_as_a_tie(self) -> None:
        """Before, two wrong answers given by one file each were shown as "Most common wrong answer"."""
        files = read_class_files([("ben.md", class_file(student(2))), ("dee.md", class_file(student(4)))]).files
        result = result_of(class_results(files, CHAPTERS), "01.1")
        assert result.correct == 0 and result.wrong_tied == 1
        html = question_html(result)
        assert "Most common wrong answer" not in html and "most common wrong answer</span>" not in html
        assert "Wrong answers tied: 2 different wrong answers were each given by 1 file, so none is the most common." in html
        single = result_of(class_results(files[:1], CHAPTERS), "01.1")  # one wrong answer: no tie
        assert single.wrong_tied == 0 and "Most common wrong answer" in question_html(single)

    @pytest.mark.parametrize("name", ["notes.txt", "photo.jpg", "notes.md"])
    def test_a_file_that_is_not_from_the_workbook_points_to_the_class_answers_file(self, name: str) -> None:
        """Before, notes.txt was told to choose a file made with "Prepare my reflective log" (the student's own import)."""
        (skipped,) = read_class_files([(name, b"Things to ask in the seminar.\n")]).skipped
        assert "Prepare my reflective log" not in skipped.reason
        assert "no workbook data" in skipped.reason and "Prepare a class answers file" in skipped.reason and "chapter 09" in skipped.reason

    def test_each_class_answers_file_gets_its_own_download_name_with_its_chapters(self) -> None:
        """Before, every student's file was recovery-workbook-class-answers-<date>.md, so collected files replaced each other."""
        import secrets

        day = NOW.date()
        names = {class_file_name(["04"], day, secrets.token_hex(3)) for _ in range(200)}
        assert len(names) == 200
        assert all(re.fullmatch(r"recovery-workbook-class-answers-ch04-2025-03-04-[0-9a-f]{6}\.md", n) for n in names)
        assert class_file_name(["07", "06", "07"], day, "a1b2c3") == "recovery-workbook-class-answers-ch06-ch07-2025-03-04-a1b2c3.md"
        assert "ch01-to-ch09" in class_file_name([f"{n:02d}" for n in range(1, 10)], day, "a1b2c3")
        for bad in ("", "../x", "A1B2C3", "x" * 40):
            with pytest.raises(ValueError, match="tag"):
                class_file_name(["04"], day, bad)

    def test_the_upload_counter_shows_the_files_added(self) -> None:
        """Before, the button read "Add answers files (0)" after 9 files: the value was emptied after reading."""
        view = ClassResultsView(chapters=CHAPTERS)
        files = [(f"student-{n}.md", class_file([answer("01.4", "numeric", {"value": 20.0 + n})])) for n in range(9)]
        view.upload.value = uploaded(files)
        assert len(view.upload.value) == 9 and "9 files read: 9 on the board" in view.summary.value
        view.upload.value = uploaded(hand_made_class()[:2])
        assert len(view.upload.value) == 2 and "11 files read: 11 on the board" in view.summary.value
        view.clear_button.click()
        assert view.upload.value == () and view.uploads == []
        view.upload.value = uploaded(files[:3])
        view.example_button.click()
        assert view.upload.value == ()  # the board shows the synthetic class, not the files added


class TestFirstTryCorrectness:
    """Class answers files of format 2 carry each graded answer's tries; the board counts first-try correctness."""

    @staticmethod
    def class_file(first_try: bool | None, tries: int = 1, schema_version: int | None = None) -> bytes:
        when = at(tries * 7 + (first_try is True))  # another time per file, so that none is a duplicate
        saved = SavedAnswer("01.4", "numeric", {"value": 26.5}, when, tries, first_try)
        record = {"question_id": "01.4", "kind": "numeric", "answer": {"value": 26.5}, "saved_at": when}
        if schema_version == 1:
            return block([record], schema_version=1)
        return export_class_answers([saved], CHAPTERS, now=NOW).encode("utf-8")

    def test_the_board_counts_first_try_correctness_per_question(self) -> None:
        uploads = [("a.md", self.class_file(True)), ("b.md", self.class_file(False, 3)), ("c.md", self.class_file(False, 2))]
        batch = read_class_files(uploads)
        assert not batch.skipped
        result = result_of(class_results(batch.files, CHAPTERS), "01.4")
        assert (result.correct, result.first_try_correct, result.first_try_known) == (3, 1, 3)
        assert "Right at the first try: <strong>1 of 3</strong> (33%)" in question_html(result)

    def test_an_old_file_without_tries_is_read_and_left_out_of_the_first_try_count(self) -> None:
        uploads = [("old.md", self.class_file(None, schema_version=1)), ("new.md", self.class_file(True))]
        batch = read_class_files(uploads)
        assert not batch.skipped and len(batch.files) == 2
        result = result_of(class_results(batch.files, CHAPTERS), "01.4")
        assert (result.correct, result.first_try_correct, result.first_try_known) == (2, 1, 1)
        assert "Right at the first try: <strong>1 of 1</strong> file that says" in question_html(result)

    def test_no_first_try_line_when_no_file_says(self) -> None:
        batch = read_class_files([("old.md", self.class_file(None, schema_version=1))])
        result = result_of(class_results(batch.files, CHAPTERS), "01.4")
        assert result.first_try_known == 0 and "first try" not in question_html(result)

    def test_the_synthetic_class_says_its_first_tries(self) -> None:
        batch = read_class_files(synthetic_class_files(12, chapters=CHAPTERS))
        result = result_of(class_results(batch.files, CHAPTERS), "01.4")
        assert result.first_try_known == result.graded > 0
        assert result.first_try_correct is not None and result.first_try_correct <= (result.correct or 0)
        assert "Right at the first try" in question_html(result)


# ----------------------------------------------------------------------------- issue 15: the board on a projector


def hidden_parts(html: str) -> list[str]:
    """What gives the answer key away in board HTML, found in ``html``."""
    tells = ["Answer key", "✔", "✘", "correct", "wrong answer", "rw-cr-right", "rw-cr-other", "rw-cr-keycell", "within the tolerance"]
    return [tell for tell in tells if tell in html]


class TestProjector:
    def test_the_answer_key_is_hidden_until_shown(self, results: ClassResults) -> None:
        """Before, the board always showed the key, the counts correct and the wrong answers: the room saw them at once."""
        hidden = results_html(results, "01", key_shown=False)
        assert hidden_parts(hidden) == [] and "The answer key is hidden" in hidden
        assert "Answered by <strong>4 of 4</strong>" in hidden and 'class="rw-cr-bar rw-cr-none" style="width:50.0%"' in hidden
        shown = results_html(results, "01", key_shown=True)
        assert {"Answer key", "✔", "correct", "rw-cr-keycell"} <= set(hidden_parts(shown))

    def test_a_hidden_sorting_task_counts_statements_sorted_not_right(self, results: ClassResults) -> None:
        html = question_html(result_of(results, "01.5"), key_shown=False)
        assert hidden_parts(html) == [] and ">Sorted</th>" in html and ">Right</th>" not in html and "None" not in html

    def test_hidden_numeric_values_are_grouped_without_saying_which_are_within_the_tolerance(self) -> None:
        values = [20.0 + n for n in range(6)] + [26.5, 26.5, 26.5, 26.5] + [30.0 + n for n in range(6)]
        files = [(f"s{n}.md", class_file([answer("01.4", "numeric", {"value": v})])) for n, v in enumerate(values)]
        result = result_of(class_results(read_class_files(files).files, CHAPTERS), "01.4")
        assert isinstance(result, TalliesResult) and result.tallies[-1] == Tally("5 other values", 5, False)
        # a question with a wider tolerance groups the right values past the first eight apart from the others
        wide = replace(result, tallies=(*result.tallies[:8], Tally("2 other values within the tolerance", 3, True), Tally("4 other values", 5, False)))
        assert "within the tolerance" in question_html(wide)
        html = question_html(wide, key_shown=False)
        assert hidden_parts(html) == [] and "6 other values" in html and "26.5%" in html

    def test_the_view_hides_the_key_until_the_lecturer_shows_it(self) -> None:
        view = ClassResultsView(chapters=CHAPTERS)
        assert view.key_button.disabled and view.key_button.description == "Show the answer key"
        view.upload.value = uploaded(hand_made_class())
        assert not view.key_button.disabled and hidden_parts(view.board.value) == []
        view.key_button.click()
        assert "Answer key:" in view.board.value and view.key_button.description == "Hide the answer key"
        view.chapter.value = "all"
        assert "Answer key:" in view.board.value  # stays shown across chapters
        view.key_button.click()
        assert hidden_parts(view.board.value) == [] and view.key_button.description == "Show the answer key"
        view.key_button.click()
        view.clear_button.click()  # the next class starts with the key hidden again
        view.upload.value = uploaded(hand_made_class())
        assert hidden_parts(view.board.value) == [] and view.key_button.description == "Show the answer key"
        assert "each up to 5 MB" in view.upload.tooltip

    def test_skipped_files_are_counted_on_screen_by_a_plain_reason_and_named_only_in_the_lecturers_details(self) -> None:
        """Before, every skipped file was listed by name on the board, an edited one as "edited by hand, or damaged"."""
        edited = class_file(student(1)).decode().replace('"value": 26.5', '"value": 99.0').encode()
        batch = read_class_files(
            [("amy-jones.md", edited), ("bob-notes.txt", b"notes"), ("ann-lee.md", class_file(student(1))),
             ("ann-lee-again.md", class_file(student(1))), ("cut-file.md", edited[:200] + b"<!-- recovery-workbook-data {")]
        )  # fmt: skip
        screen = skipped_summary_html(batch.skipped)
        assert "4 files not on the board" in screen
        assert "1 file: could not be read: the check-sum does not match" in screen
        assert "1 file: not a class answers file" in screen and "1 file: the same answers as a file already on the board" in screen
        assert "1 file: could not be read (cut short or damaged)" in screen
        assert not any(name in screen for name in ("amy-jones", "bob-notes", "ann-lee", "cut-file", ".md", ".txt"))
        assert not re.search(r"edited by hand|forg|cheat|tamper", screen, re.IGNORECASE)
        details = skipped_details_html(batch.skipped)
        assert details.startswith('<details class="rw-cr-details"><summary>Details for the lecturer')
        assert " open" not in details.split(">", 1)[0]  # closed until the lecturer opens it
        assert all(name in details for name in ("amy-jones.md", "bob-notes.txt", "ann-lee-again.md", "ann-lee.md (file 3)", "cut-file.md"))
        assert skipped_summary_html(()) == skipped_details_html(()) == ""

    def test_the_view_puts_names_only_in_the_closed_details(self) -> None:
        view = ClassResultsView(chapters=CHAPTERS)
        view.upload.value = uploaded([*hand_made_class(), ("zed-smith.md", b"nothing")])
        assert "zed-smith" not in view.skipped.value + view.summary.value + view.board.value
        assert "zed-smith.md" in view.skipped_details.value and "<details" in view.skipped_details.value
        view.clear_button.click()
        assert view.skipped.value == view.skipped_details.value == ""


# ----------------------------------------------------------------------------- issue 14.7: what the check-sum is, and answers checked


def forged(data: bytes, change: Any) -> bytes:
    """``data`` (an export) with its answer records changed by ``change`` and the SHA-256 recomputed, as a forger would."""
    text = data.decode()
    start = text.index(DATA_MARKER) + len(DATA_MARKER)
    end = text.index("-->", start)
    block = json.loads(text[start:end])
    change(block["answers"])
    block["answers_sha256"] = answers_sha256(block["answers"])
    return (text[:start] + " " + json.dumps(block) + " " + text[end:]).encode()


def set_answer(question_id: str, **fields: Any) -> Any:
    def change(records: list[dict[str, Any]]) -> None:
        for item in records:
            if item["question_id"] == question_id:
                item.update(fields)

    return change


class TestForgedFiles:
    def test_a_forged_file_whose_answers_fit_is_accepted_and_the_board_says_the_check_is_not_a_signature(self) -> None:
        """The check-sum detects damage, not forgery: the widget must not promise more."""
        right = forged(class_file(student(4)), set_answer("01.1", answer=chosen("01.1", 0)))
        batch = read_class_files([("forged.md", right)], now=NOW)
        assert batch.skipped == () and result_of(class_results(batch.files, CHAPTERS), "01.1").correct == 1
        intro = " ".join(page_state(ClassResultsView(chapters=CHAPTERS).container).split())
        assert "It is not a signature" in intro and "for discussion, not assessment" in intro

    def test_an_option_the_question_does_not_have_is_left_out_and_counted(self) -> None:
        data = forged(class_file(student(1)), set_answer("01.1", answer={"chosen": ["All of the above, obviously"]}))
        batch = read_class_files([("a.md", data), ("b.md", class_file(student(3)))], now=NOW)
        results = class_results(batch.files, CHAPTERS)
        q = result_of(results, "01.1")
        assert (q.answered, q.unfit, q.graded) == (2, 1, 1) and "All of the above" not in results_html(results)
        assert "1 answer does not fit this exercise as it is now (an option it does not have" in question_html(q)
        assert "2 answers left out: 2 do not fit their question" in summary_html(batch, results)  # with 01.4's 26.46

    def test_a_rating_off_the_scale_and_a_number_past_the_questions_precision_are_left_out(self) -> None:
        data = forged(
            class_file(student(1)),
            lambda records: [set_answer("01.6", answer={"ratings": {"c": 50}})(records), set_answer("01.4", answer={"value": 26.4999})(records)],
        )
        results = class_results(read_class_files([("a.md", data)], now=NOW).files, CHAPTERS)
        assert result_of(results, "01.6").unfit == 1 and result_of(results, "01.4").unfit == 1
        assert result_of(results, "01.4").correct == 0  # 26.4999 is within the tolerance, but the view takes one decimal place

    def test_an_answer_dated_in_the_future_is_left_out_and_counted(self) -> None:
        """Before, a forged time stamp years ahead made a file's answer the latest and counted it."""
        later = (NOW + timedelta(days=400)).isoformat(timespec="milliseconds")
        soon = (NOW + timedelta(minutes=5)).isoformat(timespec="milliseconds")  # a clock a little fast: kept

        def change(records: list[dict[str, Any]]) -> None:
            first = next(item for item in records if item["question_id"] == "01.1")
            records.append({**first, "answer": chosen("01.1", 3), "saved_at": later})
            set_answer("01.2", saved_at=soon)(records)

        batch = read_class_files([("a.md", forged(class_file(student(1)), change))], now=NOW)
        (read,) = batch.files
        assert read.future == ("01.1",) and batch.future == 1
        results = class_results(batch.files, CHAPTERS)
        assert tally(result_of(results, "01.1"), 0).count == 1 and tally(result_of(results, "01.1"), 3).count == 0
        assert result_of(results, "01.2").answered == 1
        assert "1 is dated in the future" in summary_html(batch, results)

    def test_a_file_with_only_future_answers_is_skipped_with_a_plain_reason(self) -> None:
        later = (NOW + timedelta(days=2)).isoformat()
        data = forged(class_file(student(4)), lambda records: [item.update(saved_at=later) for item in records])
        (skipped,) = read_class_files([("a.md", data)], now=NOW).skipped
        assert skipped.category == "empty" and "3 answers are dated in the future and left out" in skipped.reason


# ----------------------------------------------------------------------------- issue 14.6: the upload says its limits, the browser refuses early


class TestUploadLimits:
    def test_the_upload_states_its_limits_and_carries_them_for_the_browser(self) -> None:
        view = ClassResultsView(chapters=CHAPTERS)
        classes = set(view.upload._dom_classes)
        assert {f"max-file-bytes-{MAX_IMPORT_BYTES}", f"max-bytes-{MAX_CLASS_BYTES}"} <= classes
        intro = " ".join(page_state(view.container).split())
        assert "each file up to 5 MB" in intro and f"up to {MAX_CLASS_FILES} files and 50 MB on the board in all" in intro
        assert "refused in the browser before it is sent" in intro

    def test_the_browsers_limit_shrinks_as_the_board_fills_and_resets_when_cleared(self) -> None:
        view = ClassResultsView(chapters=CHAPTERS)
        files = hand_made_class()
        view.upload.value = uploaded(files)
        room = MAX_CLASS_BYTES - sum(len(data) for _name, data in files)
        assert [c for c in view.upload._dom_classes if c.startswith("max-bytes-")] == [f"max-bytes-{room}"]
        view.clear_button.click()
        assert [c for c in view.upload._dom_classes if c.startswith("max-bytes-")] == [f"max-bytes-{MAX_CLASS_BYTES}"]
