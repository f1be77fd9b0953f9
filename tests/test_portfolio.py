"""Chapter 09's portfolio: progress, the reflective log, import of a log, deletion; logic first, then the view."""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import mistune
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.widget_tree import page_state
from widgets.content.exercises import SingleChoiceQuestion, load_exercises
from widgets.logic.attempts import with_tries
from widgets.logic.export import DATA_MARKER, EXPORT_SCHEMA_VERSION, answers_sha256
from widgets.logic.portfolio import (
    CLASS_ANSWER_KINDS,
    MAX_IMPORT_BYTES,
    ChapterProgress,
    PortfolioError,
    class_answers,
    export_class_answers,
    export_html,
    export_markdown,
    parse_export,
    progress,
    progress_spec,
)
from widgets.logic.records import SavedAnswer
from widgets.storage.store import AnswerStore
from widgets.views.portfolio import PortfolioView, portfolio_panel

CHAPTERS = {
    "01": load_exercises("01-understanding-recovery"),
    "09": load_exercises("09-my-portfolio"),
}
NOW = datetime(2025, 3, 4, 5, 6, tzinfo=UTC)
EARLIER = "2025-01-02T03:04:05.678+00:00"
HOSTILE = "I will listen first.\n<script>alert(1)</script> and <b>bold</b> & --> end"
"""A reflection that would run a script, open a tag or end an HTML comment if it were not escaped."""
PAGE_TAGS = {
    f"{end}{tag}"
    for tag in ("html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "table", "caption",
                "thead", "tbody", "tr", "th", "td", "section", "article", "div", "blockquote", "br", "ul", "li", "code",
                "strong", "em")
    for end in ("", "/")
}  # fmt: skip
"""The tags an exported page is made of; user text must add none."""


def saved(question_id: str, answer: object, *, kind: str = "reflection", at: str = EARLIER) -> SavedAnswer:
    return SavedAnswer(question_id, kind, answer, at)


@pytest.fixture
def filled(store: AnswerStore) -> AnswerStore:
    """A learner's answers file with a choice, a number, two reflections (one hostile) and a vignette path."""
    store.save("01.1", "single_choice", {"chosen": ["A personal, individual process"]})
    store.save("01.4", "numeric", {"value": 26.5})
    store.save("01.11", "reflection", {"text": HOSTILE})
    store.save("09.1", "reflection", {"text": "Ask about goals in the person's own words."})
    store.save("03.vignette.example-first-meeting", "vignette", {"path": ["a", "b"], "finished": True})
    return store


@pytest.fixture
def empty(tmp_path: Path) -> AnswerStore:
    return AnswerStore(tmp_path / "empty.sqlite3")


def rows(filled: AnswerStore) -> list[tuple[object, ...]]:
    """Every row of the answers table, read through a separate connection."""
    with closing(sqlite3.connect(filled.path)) as connection:
        return connection.execute("SELECT * FROM answers ORDER BY id").fetchall()


def data_of(text: str) -> dict[str, object]:
    match = re.search(r"<!-- " + DATA_MARKER + r" (.*?) -->", text, re.DOTALL)
    assert match, "no data block"
    return json.loads(match.group(1))


def without_data(text: str) -> str:
    return re.sub(r"<!-- " + DATA_MARKER + r" .*? -->", "", text, flags=re.DOTALL)




def downloads(links_html: str) -> dict[str, str]:
    """The data-URI downloads in ``links_html``, by file extension."""
    found = re.findall(r'download="[^"]+\.(md|html)" href="data:[a-z/]+;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', links_html)
    return {extension: base64.b64decode(payload).decode("utf-8") for extension, payload in found}


# --------------------------------------------------------------------------- progress


class TestProgress:
    def test_counts_answered_questions_per_chapter_against_the_exercise_files(self) -> None:
        answers = [saved("01.1", {}), saved("01.4", {}), saved("09.2", {}, kind="single_choice")]
        assert progress(answers, CHAPTERS) == (
            ChapterProgress("01", "Understanding recovery", 2, len(CHAPTERS["01"].questions)),
            ChapterProgress("09", "My portfolio", 1, 2),
        )

    def test_activities_unknown_questions_and_repeats_are_not_counted(self) -> None:
        answers = [
            saved("01.1", {}), saved("01.1", {"again": True}), saved("01.99", {}),
            saved("03.vignette.x", {}, kind="vignette"), saved("02.lab.y", {}, kind="language_lab"),
        ]  # fmt: skip
        assert [(p.chapter, p.answered) for p in progress(answers, CHAPTERS)] == [("01", 1), ("09", 0)]

    def test_no_answers_gives_zero_for_every_chapter_in_order(self) -> None:
        assert [(p.chapter, p.answered, p.total) for p in progress([], CHAPTERS)] == [("01", 0, 11), ("09", 0, 2)]

    def test_chart_stacks_answered_and_remaining_with_every_count_as_text(self) -> None:
        rows_ = progress([saved("01.1", {}), saved("01.4", {})], CHAPTERS)
        spec = progress_spec(rows_)
        answered, remaining = spec["data"]
        assert answered["x"] == [2, 0] and remaining["x"] == [9, 2]
        assert answered["text"] == ["2", ""] and remaining["text"] == ["9 to go", "2 to go"]
        assert spec["data"][0]["y"] == ["01 · Understanding recovery (2 of 11)", "09 · My portfolio (0 of 2)"]
        assert answered["marker"]["color"] == "#0072B2" and spec["layout"]["barmode"] == "stack"


# --------------------------------------------------------------------------- export


class TestExportMarkdown:
    def test_log_holds_the_answers_the_progress_and_a_data_block_without_the_learner_id(self, filled: AnswerStore) -> None:
        text = export_markdown(filled.all_latest(), CHAPTERS, now=NOW)
        assert text.startswith("# Reflective log") and "Exported 2025-03-04 05:06 UTC" in text
        assert "| 01 · Understanding recovery | 3 | 11 |" in text
        assert "> Ask about goals in the person's own words." in text and "26.5" in text
        assert filled.learner_id not in text and "learner_id" not in data_of(text)

    def test_learner_id_is_included_when_asked(self, filled: AnswerStore) -> None:
        text = export_markdown(filled.all_latest(), CHAPTERS, learner_id=filled.learner_id, now=NOW)
        assert f"Pseudonymous learner id: `{filled.learner_id}`" in text
        assert data_of(text)["learner_id"] == filled.learner_id

    def test_user_text_is_escaped_in_the_visible_log_and_in_the_data_block(self, filled: AnswerStore) -> None:
        text = export_markdown(filled.all_latest(), CHAPTERS, now=NOW)
        visible = without_data(text)
        assert "<script" not in visible and "<b>" not in visible and "-->" not in visible
        rendered = mistune.create_markdown(escape=False)(visible)  # a renderer that lets raw HTML through
        assert "<script" not in str(rendered) and "<b>" not in str(rendered)
        assert "&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt; &amp; --&gt; end" in str(rendered)
        block = re.search(r"<!-- " + DATA_MARKER + r" .*", text, re.DOTALL)
        assert block and "<script>" not in block.group(0) and block.group(0).count("-->") == 1
        assert block.group(0).isascii()

    def test_markdown_in_user_text_stays_plain_text(self, store: AnswerStore) -> None:
        hostile = "# Heading\n[click](javascript:alert(1)) *loud* `code` <img src=x onerror=alert(1)>\n- item"
        store.save("01.11", "reflection", {"text": hostile})
        page = str(mistune.create_markdown(escape=False)(without_data(export_markdown(store.all_latest(), CHAPTERS, now=NOW))))
        quoted = re.search(r"<blockquote>(.*?)</blockquote>", page, re.DOTALL)
        assert quoted
        rendered = quoted.group(1)
        assert "<a " not in rendered and "<em>" not in rendered and "<img" not in rendered and "<h1>" not in rendered
        assert "<code>" not in rendered and "<li>item" not in rendered
        assert "[click](javascript:alert(1)) *loud* `code` &lt;img src=x onerror=alert(1)&gt;" in rendered

    def test_data_block_carries_schema_version_answers_and_checksum(self, filled: AnswerStore) -> None:
        data = data_of(export_markdown(filled.all_latest(), CHAPTERS, now=NOW))
        assert data["schema_version"] == EXPORT_SCHEMA_VERSION
        assert len(data["answers"]) == 5 and re.fullmatch(r"[0-9a-f]{64}", data["answers_sha256"])  # type: ignore[arg-type]


class TestExportHtml:
    def test_is_a_standalone_page_with_language_title_and_inline_style(self, filled: AnswerStore) -> None:
        page = export_html(filled.all_latest(), CHAPTERS, now=NOW)
        assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
        assert "<title>Reflective log: Recovery-Oriented Practice Workbook</title>" in page and "<style>" in page
        assert not re.search(r"<(script|link|img|iframe)\b|src=|https?://", without_data(page))

    def test_every_user_text_is_escaped(self, filled: AnswerStore) -> None:
        page = export_html(filled.all_latest(), CHAPTERS, now=NOW)
        assert "&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt; &amp; --&gt; end" in page
        assert "<script" not in page and "<b>" not in page and page.count("-->") == 1

    def test_learner_id_only_when_asked(self, filled: AnswerStore) -> None:
        assert filled.learner_id not in export_html(filled.all_latest(), CHAPTERS, now=NOW)
        page = export_html(filled.all_latest(), CHAPTERS, learner_id=filled.learner_id, now=NOW)
        assert f"<code>{filled.learner_id}</code>" in page and data_of(page)["learner_id"] == filled.learner_id

    def test_an_empty_store_still_gives_a_valid_page(self, empty: AnswerStore) -> None:
        page = export_html(empty.all_latest(), CHAPTERS, now=NOW)
        assert "No answers saved yet." in page and data_of(page)["answers"] == []


# --------------------------------------------------------------------------- import


class TestParseExportAndImport:
    @pytest.mark.parametrize("export", [export_markdown, export_html], ids=["markdown", "html"])
    def test_round_trip_into_a_new_store_gives_the_same_answers_and_times(
        self, filled: AnswerStore, empty: AnswerStore, export: Callable[..., str]
    ) -> None:
        text = export(filled.all_latest(), CHAPTERS, now=NOW)
        imported = parse_export(text.encode("utf-8"))
        assert imported.schema_version == EXPORT_SCHEMA_VERSION and imported.learner_id is None
        assert empty.import_answers(imported.answers) == 5
        assert empty.all_latest() == filled.all_latest()
        assert {row[1] for row in rows(empty)} == {empty.learner_id}

    def test_importing_the_same_log_twice_adds_nothing(self, filled: AnswerStore, empty: AnswerStore) -> None:
        answers = parse_export(export_html(filled.all_latest(), CHAPTERS)).answers
        empty.import_answers(answers)
        before = rows(empty)
        assert empty.import_answers(answers) == 0
        assert rows(empty) == before

    def test_importing_into_the_store_it_came_from_adds_nothing(self, filled: AnswerStore) -> None:
        before = rows(filled)
        assert filled.import_answers(parse_export(export_markdown(filled.all_latest(), CHAPTERS)).answers) == 0
        assert rows(filled) == before

    def test_an_imported_answer_becomes_current_and_the_earlier_one_stays_in_the_history(self, filled: AnswerStore) -> None:
        other = saved("09.1", {"text": "From my other computer."}, at="2025-06-01T00:00:00.000+00:00")
        assert filled.import_answers([other]) == 1
        assert filled.latest("09.1") == other
        texts = [a.answer["text"] for a in filled.history("09.1")]
        assert texts == ["Ask about goals in the person's own words.", "From my other computer."]

    def test_utf8_bom_and_non_ascii_text_survive(self, empty: AnswerStore) -> None:
        answers = [saved("09.1", {"text": "Hoffnung — «Zuversicht» ✔ 希望"})]
        text = export_markdown(answers, CHAPTERS)
        assert parse_export(b"\xef\xbb\xbf" + text.encode("utf-8")).answers == tuple(answers)

    def _refused(self, filled: AnswerStore, data: str | bytes, message: str) -> None:
        before = rows(filled)
        with pytest.raises(PortfolioError, match=message):
            imported = parse_export(data)
            filled.import_answers(imported.answers)
        assert rows(filled) == before

    def test_another_schema_version_is_refused_and_nothing_changes(self, filled: AnswerStore, empty: AnswerStore) -> None:
        text = export_markdown(filled.all_latest(), CHAPTERS).replace('"schema_version": 2', '"schema_version": 3')
        self._refused(empty, text, r"format version is 3; this workbook reads versions 1 and 2 only")

    def test_a_version_1_file_from_before_tries_were_counted_is_still_read(self, empty: AnswerStore) -> None:
        records = [{"question_id": "01.4", "kind": "numeric", "answer": {"value": 26.5}, "saved_at": "2025-01-02T03:04:05+00:00"}]
        block = {"format": "recovery-workbook", "schema_version": 1, "exported_at": "2025-01-02T03:04:05+00:00",
                 "answers": records, "answers_sha256": answers_sha256(records)}  # fmt: skip
        imported = parse_export(f"# Old log\n\n<!-- {DATA_MARKER} {json.dumps(block)} -->\n")
        assert imported.schema_version == 1
        assert imported.answers == (SavedAnswer("01.4", "numeric", {"value": 26.5}, "2025-01-02T03:04:05+00:00"),)
        assert empty.import_answers(imported.answers) == 1

    def test_a_version_1_file_with_tries_is_refused(self, empty: AnswerStore) -> None:
        records = [{"question_id": "01.4", "kind": "numeric", "answer": {"value": 26.5}, "saved_at": "2025-01-02T03:04:05+00:00",
                    "tries": 2, "first_try_correct": False}]  # fmt: skip
        block = {"format": "recovery-workbook", "schema_version": 1, "exported_at": "2025-01-02T03:04:05+00:00",
                 "answers": records, "answers_sha256": answers_sha256(records)}  # fmt: skip
        self._refused(empty, f"<!-- {DATA_MARKER} {json.dumps(block)} -->", "expected fields")

    def test_tries_go_out_in_the_log_and_the_class_file_and_come_back(self, store: AnswerStore) -> None:
        store.save("01.4", "numeric", {"value": 20.0})
        store.save("01.4", "numeric", {"value": 26.5})
        single = CHAPTERS["01"].question("01.1")
        assert isinstance(single, SingleChoiceQuestion)
        store.save("01.1", "single_choice", {"chosen": [next(o.text for o in single.options if o.correct)]})
        store.save("01.11", "reflection", {"text": "mine"})
        marked = with_tries(store.all_latest(), store.all_history(), CHAPTERS)
        by_id = {a.question_id: a for a in marked}
        assert (by_id["01.4"].tries, by_id["01.4"].first_try_correct) == (2, False)
        assert (by_id["01.1"].tries, by_id["01.1"].first_try_correct) == (1, True)
        assert by_id["01.11"].tries is None
        log = export_markdown(marked, CHAPTERS, now=NOW)
        assert "2 tries; the first was not right" in log and "right at the first try" in log
        assert "2 tries; the first was not right" in export_html(marked, CHAPTERS, now=NOW)
        back = {a.question_id: a for a in parse_export(export_class_answers(marked, CHAPTERS, now=NOW)).answers}
        assert (back["01.4"].tries, back["01.4"].first_try_correct) == (2, False) and back["01.1"].first_try_correct

    def test_a_truncated_file_is_refused_and_nothing_changes(self, filled: AnswerStore, empty: AnswerStore) -> None:
        text = export_html(filled.all_latest(), CHAPTERS)
        self._refused(empty, text[: text.index("answers_sha256")], "cut short")
        self._refused(empty, text[: len(text) // 3], "no workbook data")

    def test_a_hand_edited_answer_fails_the_checksum_and_nothing_changes(self, filled: AnswerStore, empty: AnswerStore) -> None:
        text = export_markdown(filled.all_latest(), CHAPTERS)
        edited = text.replace("Ask about goals in the person", "Ask about goals in the patient")
        assert edited != text
        self._refused(empty, edited, "do not match their checksum")

    def test_an_edited_time_stamp_or_checksum_is_refused(self, filled: AnswerStore, empty: AnswerStore) -> None:
        text = export_markdown(filled.all_latest(), CHAPTERS)
        self._refused(empty, text.replace('"saved_at": "20', '"saved_at": "19', 1), "checksum")
        self._refused(empty, text.replace(str(data_of(text)["answers_sha256"]), "0" * 64), "checksum")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"# My notes\n\nNothing to import here.\n", "no workbook data"),
            (b"", "no workbook data"),
            (b"\xff\xfe# notes in UTF-16", "not UTF-8"),
            (b"<!-- recovery-workbook-data {not json} -->", "cannot be read"),
            (b'<!-- recovery-workbook-data {"format": "something-else"} -->', "not a Recovery-Oriented"),
            (b'<!-- recovery-workbook-data {"format": "recovery-workbook", "schema_version": 1} -->', "checksum are missing"),
            (b"x" * (MAX_IMPORT_BYTES + 1), "too large"),
        ],
        ids=["no-block", "empty", "not-utf8", "not-json", "other-format", "no-answers", "too-large"],
    )
    def test_a_file_that_is_not_an_export_is_refused_with_a_clear_message(self, empty: AnswerStore, data: bytes, message: str) -> None:
        self._refused(empty, data, message)

    def test_two_data_blocks_are_refused(self, filled: AnswerStore, empty: AnswerStore) -> None:
        text = export_markdown(filled.all_latest(), CHAPTERS)
        self._refused(empty, text + text, "more than one block")

    def test_records_with_a_valid_checksum_but_bad_fields_are_refused(self, empty: AnswerStore) -> None:
        from widgets.logic.export import answers_sha256

        records = [{"question_id": "<b>", "kind": "reflection", "answer": {"text": "x"}, "saved_at": EARLIER}]
        block = {"format": "recovery-workbook", "schema_version": 1, "answers": records}
        block["answers_sha256"] = answers_sha256(records)
        self._refused(empty, f"<!-- {DATA_MARKER} {json.dumps(block)} -->", "invalid question id")

    @settings(max_examples=60, deadline=None)
    @given(text=st.text(max_size=300), question=st.sampled_from(["01.11", "09.1", "05.3"]))
    def test_any_reflection_round_trips_and_adds_no_tag_to_the_page(self, text: str, question: str) -> None:
        answers = [saved(question, {"text": text})]
        page = export_html(answers, CHAPTERS)
        assert parse_export(page).answers == tuple(answers)
        assert parse_export(export_markdown(answers, CHAPTERS)).answers == tuple(answers)
        assert set(re.findall(r"<(/?[A-Za-z][A-Za-z0-9]*)", without_data(page))) <= PAGE_TAGS
        assert page.count("<!--") == 1 and page.count("-->") == 1


# --------------------------------------------------------------------------- the class answers file


class TestClassAnswersFile:
    def test_holds_only_choice_number_sorting_and_rating_answers_and_no_learner_id(self, filled: AnswerStore) -> None:
        filled.save("01.5", "categorise", {"placements": {"a": "connectedness"}})
        filled.save("01.6", "likert", {"ratings": {"c": 4}})
        filled.save("02.lab.care-plan", "language_lab", {"rewrites": {"s1": "MY-OWN-REWRITE"}})
        text = export_class_answers(filled.all_latest(), CHAPTERS, now=NOW)
        imported = parse_export(text.encode("utf-8"))
        assert [(a.question_id, a.kind) for a in imported.answers] == [
            ("01.1", "single_choice"), ("01.4", "numeric"), ("01.5", "categorise"), ("01.6", "likert"),
        ]  # fmt: skip
        assert imported.learner_id is None and "learner_id" not in data_of(text)
        assert filled.learner_id not in text
        assert text.startswith("# Class answers")
        assert "It holds 4 answers in 1 chapter, to questions 01.1, 01.4, 01.5, 01.6." in text

    def test_no_reflection_text_anywhere_in_the_file(self, filled: AnswerStore) -> None:
        text = export_class_answers(filled.all_latest(), CHAPTERS, now=NOW)
        assert "Ask about goals" not in text and "alert(1)" not in text and "I will listen" not in text
        assert '"reflection"' not in text and "vignette" not in text and "01.11" not in text and "09.1" not in text

    def test_the_answers_it_holds_are_the_latest_ones_as_saved(self, filled: AnswerStore) -> None:
        filled.save("01.4", "numeric", {"value": 30.0})
        answers = parse_export(export_class_answers(filled.all_latest(), CHAPTERS)).answers
        assert [a.answer for a in answers if a.question_id == "01.4"] == [{"value": 30.0}]

    def test_class_answers_keeps_exactly_the_class_kinds(self) -> None:
        kinds = ["single_choice", "multiple_choice", "numeric", "categorise", "likert", "reflection", "vignette", "language_lab"]
        answers = [saved(f"01.{n}", {}, kind=kind) for n, kind in enumerate(kinds, start=1)]
        assert [a.kind for a in class_answers(answers)] == kinds[:5]
        assert set(kinds[:5]) == CLASS_ANSWER_KINDS

    def test_an_empty_file_still_parses_with_no_answers(self) -> None:
        text = export_class_answers([saved("01.11", {"text": "private"})], CHAPTERS, now=NOW)
        assert parse_export(text).answers == () and "private" not in text and "It holds no answers yet." in text


# --------------------------------------------------------------------------- filled additions


class TestStoreImportAndDelete:
    def test_an_import_that_fails_part_way_adds_nothing(self, filled: AnswerStore, empty: AnswerStore) -> None:
        from widgets.storage.store import StoreError

        pages = empty._connection.execute("PRAGMA page_count").fetchone()[0]
        empty._connection.execute(f"PRAGMA max_page_count={pages + 2}")  # room for a few rows only
        many = [saved(f"01.{n}", {"text": "y" * 3000}, at=f"2025-01-01T00:00:{n:02d}.000+00:00") for n in range(40)]
        with pytest.raises(StoreError, match="Nothing was added"):
            empty.import_answers(many)
        assert rows(empty) == []

    def test_delete_all_empties_this_learners_answers_and_keeps_the_file_and_id(self, filled: AnswerStore) -> None:
        learner = filled.learner_id
        assert filled.delete_all() == 5
        assert filled.all_latest() == [] and rows(filled) == []
        assert filled.path.exists() and AnswerStore(filled.path).learner_id == learner
        filled.save("01.1", "single_choice", {"chosen": ["again"]})
        assert [a.question_id for a in filled.all_latest()] == ["01.1"]

    def test_deleted_text_does_not_linger_in_the_file(self, filled: AnswerStore) -> None:
        filled.save("09.1", "reflection", {"text": "QUITE-DISTINCTIVE-PRIVATE-WORDS " * 20})
        filled._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the text is now in the main file
        filled.delete_all()  # the kernel keeps the file open afterwards
        files = [filled.path, filled.path.with_name(filled.path.name + "-wal")]
        assert not any(b"QUITE-DISTINCTIVE-PRIVATE-WORDS" in f.read_bytes() for f in files if f.exists())


# --------------------------------------------------------------------------- the view


class TestPortfolioView:
    def test_container_has_the_classes_the_progress_chart_and_the_saved_answers(self, filled: AnswerStore) -> None:
        view = PortfolioView(filled, None)
        assert {"rw-exercise", "rw-portfolio"} <= set(view.container._dom_classes)
        bundle = view.chart.outputs[0]["data"]
        assert "application/vnd.plotly.v1+json" in bundle and "01 · Understanding recovery: 3 of 11" in bundle["text/plain"]
        assert "Ask about goals in the person" in view.saved.value and "Exercise 09.1" in view.saved.value

    def test_user_text_is_escaped_everywhere_in_the_page(self, filled: AnswerStore) -> None:
        view = PortfolioView(filled, None)
        view.prepare_export()
        state = page_state(view.container)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in view.saved.value
        assert "<script>alert" not in state and "<b>bold" not in state

    def test_export_links_hold_both_files_without_the_learner_id_by_default(self, filled: AnswerStore) -> None:
        view = PortfolioView(filled, None)
        view.export_button.click()
        files = downloads(view.links.value)
        assert set(files) == {"md", "html"}
        assert "<script>" not in without_data(files["md"]) and "&lt;script&gt;" in files["md"] and "&lt;script&gt;" in files["html"]
        assert all(filled.learner_id not in text for text in files.values())
        assert "does not include your learner id" in view.links.value

    def test_ticking_include_id_clears_old_links_and_the_next_export_has_the_id(self, filled: AnswerStore) -> None:
        view = PortfolioView(filled, None)
        view.export_button.click()
        view.include_id.value = True
        assert view.links.value == ""
        view.export_button.click()
        assert all(filled.learner_id in text for text in downloads(view.links.value).values())

    def test_export_after_answering_elsewhere_includes_the_new_answer(self, filled: AnswerStore) -> None:
        view = PortfolioView(filled, None)
        filled.save("09.2", "single_choice", {"chosen": ["Your latest saved answers"]})
        view.export_button.click()
        assert "Your latest saved answers" in downloads(view.links.value)["md"]
        assert "09 · My portfolio: 2 of 2" in view.chart.outputs[0]["data"]["text/plain"]

    def test_class_file_button_gives_a_download_without_reflections_or_learner_id(self, filled: AnswerStore) -> None:
        view = PortfolioView(filled, None)
        view.include_id.value = True  # the class file never carries the id, whatever this box says
        view.class_button.click()
        found = re.findall(r'download="([^"]+)" href="data:text/markdown;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', view.class_links.value)
        assert len(found) == 1 and re.fullmatch(r"recovery-workbook-class-answers-ch01-\d{4}-\d{2}-\d{2}-[0-9a-f]{6}\.md", found[0][0])
        view.class_button.click()  # a second file (another student, the same day) gets another name
        again = re.findall(r'download="([^"]+)"', view.class_links.value)
        assert len(again) == 1 and again[0] != found[0][0]
        text = base64.b64decode(found[0][1]).decode("utf-8")
        assert [a.question_id for a in parse_export(text).answers] == ["01.1", "01.4"]
        assert [(a.tries, a.first_try_correct) for a in parse_export(text).answers] == [(1, None), (1, True)]  # 01.1: an option since rewritten
        assert filled.learner_id not in text and "Ask about goals" not in text and "alert(1)" not in text
        assert "2 answers; no learner id." in view.class_links.value
        assert "Left out: 3 other saved answers" in view.class_links.value
        assert view.links.value == ""

    def test_class_file_button_with_nothing_to_share_says_so(self, empty: AnswerStore) -> None:
        empty.save("09.1", "reflection", {"text": "only a reflection"})
        view = PortfolioView(empty, None)
        view.class_button.click()
        assert "nothing to share yet" in view.class_links.value and "download=" not in view.class_links.value

    def test_uploading_an_export_imports_it_and_shows_the_counts(self, filled: AnswerStore, empty: AnswerStore) -> None:
        data = export_html(filled.all_latest(), CHAPTERS).encode("utf-8")
        view = PortfolioView(empty, None)
        upload = {"name": "log.html", "type": "text/html", "size": len(data), "content": memoryview(data), "last_modified": NOW}
        view.upload.value = (upload,)
        # 01.1's saved option is not one of the question's options now (reworded since): skipped and named
        assert "4 answers added from log.html" in view.status.value
        assert "01.1 (saved " in view.status.value and "is not one of the question&#x27;s options" in view.status.value
        assert empty.all_latest() == [a for a in filled.all_latest() if a.question_id != "01.1"] and view.upload.value == ()
        assert "Ask about goals" in view.saved.value
        view.import_file(data, "log.html")
        assert "0 answers added" in view.status.value and "4 answers you already had were skipped" in view.status.value

    def test_a_refused_upload_says_why_and_changes_nothing(self, filled: AnswerStore) -> None:
        view = PortfolioView(filled, None)
        before = rows(filled)
        edited = export_markdown(filled.all_latest(), CHAPTERS).replace("own words", "own wordz").encode("utf-8")
        view.import_file(edited, "../../etc/log.md")
        assert "log.md: nothing was imported" in view.status.value and "checksum" in view.status.value
        assert "../" not in view.status.value and rows(filled) == before

    def test_delete_without_confirmation_deletes_nothing(self, filled: AnswerStore) -> None:
        view = PortfolioView(filled, None)
        before = rows(filled)
        assert view.delete_button.disabled
        view.delete_button.click()
        assert rows(filled) == before and "Nothing was deleted" in view.status.value

    def test_delete_with_confirmation_empties_the_answers_and_clears_the_links(self, filled: AnswerStore) -> None:
        view = PortfolioView(filled, None)
        view.export_button.click()
        view.class_button.click()
        view.confirm.value = True
        assert not view.delete_button.disabled
        view.delete_button.click()
        assert filled.all_latest() == [] and rows(filled) == []
        assert "5 saved answers deleted" in view.status.value
        assert view.links.value == "" and not view.confirm.value and view.delete_button.disabled
        assert view.class_links.value == ""
        assert "No answers saved yet" in view.saved.value

    def test_without_a_store_the_problem_is_shown_and_the_actions_are_off(self) -> None:
        view = PortfolioView(None, "Your answers are not being saved. The file is broken.")
        assert "The file is broken." in view.problems.value
        assert view.export_button.disabled and view.upload.disabled and view.confirm.disabled
        assert view.class_button.disabled
        view.import_file(b"anything", "x.md")
        assert "Nothing was imported" in view.status.value

    def test_portfolio_panel_opens_the_store_at_the_given_path(self, tmp_path: Path) -> None:
        AnswerStore(tmp_path / "p.sqlite3").save("09.1", "reflection", {"text": "Panel text"})
        panel = portfolio_panel(tmp_path / "p.sqlite3")
        assert "rw-portfolio" in panel._dom_classes and "Panel text" in page_state(panel)


@pytest.mark.parametrize("answer", [{"value": "x"}, {"value": [1]}, {"chosen": 5}, {"path": 5}, {"rewrites": 5}])
def test_an_imported_answer_of_an_unexpected_shape_is_shown_as_data_not_a_crash(answer: object) -> None:
    """Found by fuzzing: parse_export accepted these (their checksum matched) and the log then raised."""
    from widgets.content.exercises import all_chapters
    from widgets.logic.records import SavedAnswer

    saved = SavedAnswer("01.4", "numeric", answer, "2025-01-02T03:04:05+00:00")
    text = export_markdown([saved], all_chapters()[0])
    assert repr(answer) in text


# --------------------------------------------------------------------------- imported answers checked against their questions (issue 14, point 7)


def _forged(records: list[dict[str, object]]) -> bytes:
    """A log whose answers were edited and whose checksum was recomputed: the checksum cannot tell."""
    block = {"format": "recovery-workbook", "schema_version": 2, "exported_at": "2025-01-02T03:04:05+00:00",
             "answers": records, "answers_sha256": answers_sha256(records)}  # fmt: skip
    return f"# Log\n\n<!-- {DATA_MARKER} {json.dumps(block)} -->\n".encode()


def _record(question_id: str, kind: str, answer: object, at: str = "2025-01-02T03:04:05+00:00") -> dict[str, object]:
    return {"question_id": question_id, "kind": kind, "answer": answer, "saved_at": at}


class TestImportedAnswersAreChecked:
    RIGHT = next(o.text for o in CHAPTERS["09"].questions[1].options if o.correct)  # type: ignore[union-attr]

    def test_unknown_option_out_of_range_number_and_future_time_are_skipped_with_a_reason(self, empty: AnswerStore) -> None:
        from widgets.logic.export import check_imported

        answers = parse_export(_forged([
            _record("09.2", "single_choice", {"chosen": [self.RIGHT]}),
            _record("09.2", "single_choice", {"chosen": ["An option nobody wrote"]}, at="2025-01-03T00:00:00+00:00"),
            _record("01.4", "numeric", {"value": 1e300}),
            _record("01.4", "numeric", {"value": 26.5}, at="2999-01-01T00:00:00+00:00"),
            _record("01.11", "reflection", {"text": "fine"}),
            _record("01.99", "reflection", {"text": "no such question"}),
            _record("01.11", "numeric", {"value": 3}),
            _record("09.2", "single_choice", {"chosen": [self.RIGHT, self.RIGHT]}),
        ])).answers  # fmt: skip
        checked = check_imported(answers, CHAPTERS, now=NOW)
        assert [(a.question_id, a.saved_at[:10]) for a in checked.kept] == [("09.2", "2025-01-02"), ("01.11", "2025-01-02")]
        reasons = [(s.question_id, s.saved_at[:4], s.reason) for s in checked.skipped]
        assert reasons == [
            ("09.2", "2025", "the option \u201cAn option nobody wrote\u201d is not one of the question's options (it may have been reworded since the file was made)"),
            ("01.4", "2025", "its number, 1e+300, is out of range (the workbook takes numbers from \u22121,000,000 to 1,000,000)"),
            ("01.4", "2999", "it was saved in the future (2999-01-01T00:00:00+00:00), which no workbook writes"),
            ("01.99", "2025", "the workbook has no question 01.99"),
            ("01.11", "2025", "it is saved as a numeric answer, but 01.11 is a reflection question"),
            ("09.2", "2025", "it chooses 2 options where the question takes one"),
        ]

    def test_vignettes_and_language_labs_are_checked_for_their_shape(self) -> None:
        from widgets.logic.export import check_imported

        answers = [
            saved("03.vignette.x", {"path": [["start", "listen"], ["next", "ask"]], "finished": True}, kind="vignette"),
            saved("03.vignette.y", {"path": "not a list"}, kind="vignette"),
            saved("02.lab.z", {"rewrites": {"s1": "mine"}}, kind="language_lab"),
            saved("02.lab.w", {"rewrites": ["x"]}, kind="language_lab"),
        ]
        checked = check_imported(answers, CHAPTERS, now=NOW)
        assert [a.question_id for a in checked.kept] == ["03.vignette.x", "02.lab.z"]
        assert [s.question_id for s in checked.skipped] == ["03.vignette.y", "02.lab.w"]

    def test_the_view_imports_the_rows_that_fit_and_names_each_skipped_one(self, empty: AnswerStore) -> None:
        data = _forged([
            _record("01.11", "reflection", {"text": "fine"}),
            _record("09.2", "single_choice", {"chosen": ["<b>forged</b> option"]}),
            _record("01.4", "numeric", {"value": 26.5}, at="2999-01-01T00:00:00+00:00"),
        ])  # fmt: skip
        view = PortfolioView(empty, None, chapters=CHAPTERS)
        view.import_file(data, "forged.md")
        assert [a.question_id for a in empty.all_latest()] == ["01.11"]
        status = view.status.value
        assert "1 answer added from forged.md" in status
        assert "2 answers in the file do not fit their question and were skipped; nothing else changed" in status
        assert "09.2 (saved 2025-01-02 03:04): the option \u201c&lt;b&gt;forged&lt;/b&gt; option\u201d is not one" in status
        assert "01.4 (saved 2999-01-01 00:00): it was saved in the future" in status and "<b>forged" not in status

    def test_the_widget_says_what_the_checksum_is_and_is_not(self, empty: AnswerStore) -> None:
        text = page_state(PortfolioView(empty, None, chapters=CHAPTERS).container)
        assert "detects damage and careless edits" in text and "It is not a signature" in text
        assert "recomputes the checksum" in text


class TestDamagedRowsInThePortfolio:
    def test_a_damaged_row_is_reported_in_plain_words_and_the_rest_is_shown_and_exported(self, filled: AnswerStore) -> None:
        with closing(sqlite3.connect(filled.path)) as connection, connection:
            connection.execute("UPDATE answers SET answer = '{broken' WHERE question_id = '01.4'")
        view = PortfolioView(filled, None, chapters=CHAPTERS)
        warning = view.damage.value
        assert "1 saved answer cannot be read and is left out: your answer to 01.4 saved" in warning
        assert "stays in the file exactly as it is" in warning and "saving new answers goes on" in warning
        assert "Ask about goals in the person" in view.saved.value and "Traceback" not in page_state(view.container)
        view.export_button.click()
        files = downloads(view.links.value)
        assert "Ask about goals" in files["md"] and [a.question_id for a in parse_export(files["md"]).answers] == [
            "01.1", "01.11", "03.vignette.example-first-meeting", "09.1",
        ]  # fmt: skip


def test_answers_the_workbook_itself_writes_all_pass_the_import_check() -> None:
    """The check refuses what does not fit, never what the views save: every synthetic class answer (all kinds) is kept."""
    from widgets.content.exercises import all_chapters
    from widgets.logic.classresults.synthetic import synthetic_class_files
    from widgets.logic.export import check_imported

    chapters = all_chapters()[0]
    answers = [a for _name, data in synthetic_class_files(8) for a in parse_export(data).answers]
    checked = check_imported(answers, chapters)
    assert len(answers) > 100 and checked.skipped == () and len(checked.kept) == len(answers)
