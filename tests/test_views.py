"""The exercise views, driven as Python objects (no browser)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import ipywidgets as ipw
import pytest

from tests import widget_tree
from tests.widget_tree import descendants
from widgets import Chapter
from widgets.content.exercises import load_exercises
from widgets.content.vignettes import VignetteError
from widgets.storage.store import AnswerStore
from widgets.views.exercises import (
    CategoriseView,
    LikertView,
    MultipleChoiceView,
    NumericView,
    ReflectionView,
    SingleChoiceView,
    view_for,
)

CHAPTER = load_exercises("01-understanding-recovery")


def first(kind: type) -> str:
    """The id of the first chapter-01 question with a view of ``kind``."""
    for question in CHAPTER.questions:
        if type(view_for(question, store=None)) is kind:
            return question.id
    raise LookupError(kind)



def page_state(view: object) -> str:
    """Everything the views have sent (or would send) to the page, as one string."""
    return widget_tree.page_state(view.container)  # type: ignore[attr-defined]


@pytest.fixture
def chapter(tmp_path: Path) -> Chapter:
    return Chapter("01-understanding-recovery", db_path=tmp_path / "chapter.sqlite3")


class TestAnswerKeysStayInTheKernel:
    @pytest.mark.parametrize("question", CHAPTER.questions, ids=lambda q: q.id)
    def test_no_feedback_solution_or_key_is_on_the_page_before_answering(self, question, store) -> None:
        view = view_for(question, store=store)
        state = page_state(view)
        secrets = [question.solution or ""]
        secrets += [option.feedback for option in getattr(question, "options", ())]
        secrets += [statement.feedback for statement in getattr(question, "statements", ())]
        secrets += [getattr(question, "model_answer", None) or "", getattr(question, "feedback_correct", "")]
        for secret in filter(None, secrets):
            assert secret[:40] not in state
        assert '"correct":' not in state and '"category":' not in state


class TestSingleChoiceView:
    def test_right_answer_gets_a_verdict_in_words_and_is_saved(self, store) -> None:
        question = CHAPTER.question(first(SingleChoiceView))
        view = view_for(question, store=store)
        right = next(i for i, option in enumerate(question.options) if option.correct)
        view.choice.value = right
        view.check_button.click()
        assert "Correct." in view.feedback.value and "✔" in view.feedback.value
        saved = store.latest(question.id)
        assert saved is not None and saved.answer == {"chosen": [question.options[right].text]}
        assert "Saved" in view.status.value

    def test_wrong_answer_shows_that_options_feedback(self, store) -> None:
        question = CHAPTER.question(first(SingleChoiceView))
        view = view_for(question, store=store)
        wrong = next(i for i, option in enumerate(question.options) if not option.correct)
        view.choice.value = wrong
        view.check_button.click()
        assert "Not quite." in view.feedback.value
        assert question.options[wrong].feedback.split("*")[0][:30] in view.feedback.value

    def test_checking_with_nothing_chosen_asks_for_a_choice_and_saves_nothing(self, store) -> None:
        question = CHAPTER.question(first(SingleChoiceView))
        view = view_for(question, store=store)
        view.check_button.click()
        assert "Choose one option first" in view.feedback.value
        assert store.latest(question.id) is None

    def test_reopening_shows_the_earlier_answer_and_its_feedback(self, store) -> None:
        question = CHAPTER.question(first(SingleChoiceView))
        view = view_for(question, store=store)
        view.choice.value = 1
        view.check_button.click()
        again = view_for(question, store=store)
        assert again.choice.value == 1
        assert again.feedback.value == view.feedback.value
        assert "Your answer from" in again.status.value

    def test_an_answer_that_no_longer_fits_the_question_is_kept_and_explained(self, store) -> None:
        question = CHAPTER.question(first(SingleChoiceView))
        store.save(question.id, "single_choice", {"chosen": ["an option that was edited away"]})
        view = view_for(question, store=store)
        assert view.choice.value is None
        assert "no longer fits" in view.status.value
        assert store.latest(question.id) is not None


class TestMultipleChoiceView:
    def test_part_of_the_right_set_is_partly_right_and_says_how_many_were_missed(self, store) -> None:
        question = CHAPTER.question(first(MultipleChoiceView))
        view = view_for(question, store=store)
        right = [i for i, option in enumerate(question.options) if option.correct]
        assert len(right) >= 2, "this test needs a question with two or more correct options"
        view.boxes[right[0]].value = True
        view.check_button.click()
        assert "Partly right." in view.feedback.value and "You missed" in view.feedback.value

    def test_exactly_the_right_set_is_correct_and_restored(self, store) -> None:
        question = CHAPTER.question(first(MultipleChoiceView))
        view = view_for(question, store=store)
        for index, option in enumerate(question.options):
            view.boxes[index].value = option.correct
        view.check_button.click()
        assert "Correct." in view.feedback.value
        again = view_for(question, store=store)
        assert [box.value for box in again.boxes] == [option.correct for option in question.options]


class TestNumericView:
    def test_text_that_is_not_a_number_gets_a_message_not_a_traceback(self, store) -> None:
        question = CHAPTER.question(first(NumericView))
        view = view_for(question, store=store)
        view.entry.value = "about twenty"
        view.check_button.click()
        assert "is not a number" in view.feedback.value
        assert store.latest(question.id) is None

    def test_the_answer_within_tolerance_is_correct(self, store) -> None:
        question = CHAPTER.question(first(NumericView))
        view = view_for(question, store=store)
        places = question.decimals or 0
        view.entry.value = f"{question.answer:.{places}f}".replace(".", ",")
        view.check_button.click()
        assert "Correct." in view.feedback.value
        view.entry.value = f"{question.answer + question.tolerance + 1:.{places}f}"
        view.check_button.click()
        assert "Not quite." in view.feedback.value

    def test_an_answer_short_of_the_stated_precision_is_refused_and_not_saved(self, store) -> None:
        question = load_exercises("07-is-the-change-real").question("07.3")
        view = view_for(question, store=store)
        view.entry.value = "5,2"
        assert "two decimal places" in view.feedback.value and "Not quite." not in view.feedback.value
        assert store.latest(question.id) is None
        view.entry.value = "5.20"
        assert store.latest(question.id) is not None

    def test_a_saved_answer_is_restored_to_the_stated_precision(self, store) -> None:
        question = load_exercises("07-is-the-change-real").question("07.3")
        store.save(question.id, "numeric", {"value": 5.2})
        view = view_for(question, store=store)
        assert view.entry.value == "5.20" and "Not quite." in view.feedback.value

    def test_typed_html_in_a_bad_number_is_escaped(self, store) -> None:
        view = view_for(CHAPTER.question(first(NumericView)), store=store)
        view.entry.value = "<img src=x onerror=alert(1)>"
        view.check_button.click()
        assert "<img" not in view.feedback.value and "&lt;img" in view.feedback.value


class TestGraduatedFeedback:
    """A first wrong try explains without the answer; the answer comes after a second wrong try or the worked solution."""

    question = load_exercises("07-is-the-change-real").question("07.3")

    def check(self, view, typed: str) -> str:
        view.entry.value = typed
        view.check_button.click()
        return str(view.feedback.value)

    def test_the_answer_appears_only_after_the_second_wrong_try(self, store) -> None:
        view = view_for(self.question, store=store)
        first = self.check(view, "5.20")
        assert "Not quite." in first and "5.15" not in first and "second wrong try" in first
        view.check_button.click()  # checking the same answer again is not a new try
        assert "5.15" not in view.feedback.value
        second = self.check(view, "6.00")
        assert "Not quite." in second and "The answer:</strong> 5.15 points" in second
        assert [row.answer["value"] for row in store.history(self.question.id)] == [5.2, 6.0]

    def test_the_answer_is_still_shown_when_the_page_is_opened_again(self, store) -> None:
        store.save(self.question.id, "numeric", {"value": 5.2})
        assert "5.15" not in view_for(self.question, store=store).feedback.value
        store.save(self.question.id, "numeric", {"value": 6.0})
        assert "5.15 points" in view_for(self.question, store=store).feedback.value

    def test_the_worked_solution_releases_the_answer_in_the_feedback(self, store) -> None:
        view = view_for(self.question, store=store)
        view.solution_button.click()
        assert "5.15 points" in self.check(view, "5.20")

    def test_without_a_store_the_tries_are_counted_in_the_session(self) -> None:
        view = view_for(self.question, store=None)
        assert "5.15" not in self.check(view, "5.20")
        assert "5.15 points" in self.check(view, "5.30")

    def test_a_first_wrong_sorting_never_names_where_a_wrong_statement_belongs(self, store) -> None:
        question = CHAPTER.question(first(CategoriseView))
        view = view_for(question, store=store)
        wrong = {s.id: next(c.id for c in question.categories if c.id != s.category) for s in question.statements}
        labels = {c.id: c.label for c in question.categories}
        for statement in question.statements:
            view.dropdowns[statement.id].value = wrong[statement.id]
        view.check_button.click()
        first_try = view.feedback.value
        assert "✘ not right" in first_try and "It belongs in" not in first_try and "second wrong try" in first_try
        for statement in question.statements:
            assert statement.feedback[:40] not in first_try
        view.dropdowns[question.statements[0].id].value = None  # a second, different, still wrong sorting
        view.check_button.click()
        second_try = view.feedback.value
        for statement in question.statements:
            assert f"It belongs in: {labels[statement.category]}" in second_try.replace("&#x27;", "'")


class TestCategoriseView:
    def test_every_statement_sorted_right_scores_full_marks_and_is_restored(self, store) -> None:
        question = CHAPTER.question(first(CategoriseView))
        assert len(question.statements) >= 10
        view = view_for(question, store=store)
        for statement in question.statements:
            view.dropdowns[statement.id].value = statement.category
        view.check_button.click()
        total = len(question.statements)
        assert f"{total} of {total} sorted correctly" in view.feedback.value
        again = view_for(question, store=store)
        assert {sid: d.value for sid, d in again.dropdowns.items()} == {s.id: s.category for s in question.statements}

    def test_feedback_is_given_per_statement_with_words_not_only_colour(self, store) -> None:
        question = CHAPTER.question(first(CategoriseView))
        view = view_for(question, store=store)
        wrong = next(c.id for c in question.categories if c.id != question.statements[0].category)
        view.dropdowns[question.statements[0].id].value = wrong
        view.dropdowns[question.statements[1].id].value = question.statements[1].category
        view.check_button.click()
        assert f"1 of {len(question.statements)}" in view.feedback.value
        assert view.feedback.value.count("✘ not right") == 1
        assert view.feedback.value.count("– not sorted") == len(question.statements) - 2


class TestLikertView:
    def test_ratings_are_shown_back_as_a_chart_and_saved(self, store) -> None:
        question = CHAPTER.question(first(LikertView))
        view = view_for(question, store=store)
        item = question.items[0]
        view.ratings[item.id].value = question.scale.max
        view.check_button.click()
        (output,) = view.chart.outputs
        assert "application/vnd.plotly.v1+json" in output["data"]
        assert item.text in output["data"]["text/plain"]
        saved = store.latest(question.id)
        assert saved is not None and saved.answer == {"ratings": {item.id: question.scale.max}}

    def test_no_rating_asks_for_one(self, store) -> None:
        view = view_for(CHAPTER.question(first(LikertView)), store=store)
        view.check_button.click()
        assert "Rate at least one item" in view.feedback.value
        assert view.chart.outputs == ()


class TestReflectionView:
    def test_model_answer_is_revealed_only_after_writing_something(self, store) -> None:
        question = CHAPTER.question(first(ReflectionView))
        view = view_for(question, store=store)
        view.model_button.click()
        assert "Write your own reflection first" in view.extra.value
        view.text.value = "Recovery can happen with continuing symptoms."
        view.model_button.click()
        assert "A model answer" in view.extra.value

    def test_reflection_is_saved_as_typed_and_never_shown_as_html(self, store) -> None:
        question = CHAPTER.question(first(ReflectionView))
        view = view_for(question, store=store)
        text = "<script>alert('x')</script> <b>bold?</b>"
        view.text.value = text
        saved = store.latest(question.id)
        assert saved is not None and saved.answer == {"text": text}
        assert "<script>" not in view.feedback.value + view.status.value + view.extra.value
        again = view_for(question, store=store)
        assert again.text.value == text
        assert len(store.history(question.id)) == 1, "re-opening must not save a second copy"

    def test_blank_reflection_is_not_saved(self, store) -> None:
        question = CHAPTER.question(first(ReflectionView))
        view = view_for(question, store=store)
        view.check_button.click()
        assert "Write something first" in view.feedback.value
        assert store.latest(question.id) is None


class TestHintsAndSolutions:
    def test_hints_come_one_at_a_time_and_the_solution_on_request(self, store) -> None:
        question = next(q for q in CHAPTER.questions if q.hints and q.solution)
        view = view_for(question, store=store)
        assert view.extra.value == ""
        view.hint_button.click()
        assert f"Hint 1 of {len(question.hints)}" in view.extra.value
        for _ in question.hints[1:]:
            view.hint_button.click()
        assert view.hint_button.disabled
        view.solution_button.click()
        assert "Worked solution" in view.extra.value


class TestChapter:
    def test_every_exercise_of_chapter_01_builds(self, chapter: Chapter) -> None:
        assert chapter.content_problem is None and chapter.store_problem is None
        for question in CHAPTER.questions:
            assert isinstance(chapter.exercise(question.id), ipw.VBox)

    def test_unknown_exercise_id_is_a_message_in_the_page(self, chapter: Chapter) -> None:
        widget = chapter.exercise("01.99")
        assert isinstance(widget, ipw.HTML) and "01.99" in widget.value and "known ids" in widget.value

    def test_a_broken_content_file_is_a_message_in_the_page(self, tmp_path: Path) -> None:
        chapter = Chapter("99-no-such-chapter", db_path=tmp_path / "a.sqlite3")
        widget = chapter.exercise("99.1")
        assert isinstance(widget, ipw.HTML) and "99-no-such-chapter.yaml" in widget.value

    def test_a_corrupt_answers_file_is_reported_and_the_exercises_still_work(self, tmp_path: Path) -> None:
        path = tmp_path / "corrupt.sqlite3"
        path.write_bytes(b"garbage" * 1000)
        chapter = Chapter("01-understanding-recovery", db_path=path)
        view = chapter.view(first(SingleChoiceView))
        assert "not being saved" in view.status.value and str(path) in view.status.value
        view.choice.value = 0
        view.check_button.click()
        assert "rw-box" in view.feedback.value
        assert path.read_bytes() == b"garbage" * 1000


class TestStoragePanel:
    def _download(self, html: str) -> str:
        match = re.search(r'base64,([A-Za-z0-9+/=]+)"', html)
        assert match, html
        return base64.b64decode(match.group(1)).decode("utf-8")

    def test_export_has_the_answers_and_no_learner_id_unless_asked(self, chapter: Chapter) -> None:
        question = CHAPTER.question(first(ReflectionView))
        chapter.view(question.id).text.value = "My reflection <script>x</script>"
        panel_widget = chapter.storage_panel()
        panel = next(w for w in descendants(panel_widget) if isinstance(w, ipw.Button))
        panel.click()
        link = [w for w in descendants(panel_widget) if isinstance(w, ipw.HTML)][-1].value
        text = self._download(link)
        assert "My reflection &lt;script&gt;x&lt;/script&gt;" in text and "<script>" not in text.split("<!--")[0]
        assert chapter.store is not None and chapter.store.learner_id not in text
        assert "<script>" not in link

    def test_the_panel_downloads_the_same_reflective_log_as_the_portfolio(self, chapter: Chapter) -> None:
        from widgets.logic.portfolio import LOG_TITLE, parse_export
        from widgets.views.chapter import StoragePanel

        assert chapter.store is not None
        chapter.store.save("01.4", "numeric", {"value": 26.5})
        panel = StoragePanel(chapter.store, None)
        panel.export_button.click()
        text = self._download(panel.link.value)
        assert text.startswith(f"# {LOG_TITLE}") and "## Progress" in text
        assert [a.question_id for a in parse_export(text).answers] == ["01.4"]

    def test_export_includes_the_learner_id_when_ticked(self, chapter: Chapter) -> None:
        from widgets.views.chapter import StoragePanel

        panel = StoragePanel(chapter.store, None)
        panel.include_id.value = True
        panel.export_button.click()
        assert chapter.store is not None and chapter.store.learner_id in self._download(panel.link.value)


def test_a_reflection_that_could_not_be_saved_never_says_saved(store: AnswerStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from widgets.storage.store import StoreError

    question = next(q for q in load_exercises("01-understanding-recovery").questions if q.type == "reflection")
    view = view_for(question, store=store)
    view.text.value = "First thoughts on hope."
    view.check_button.click()
    assert "Saved." in view.feedback.value

    def full(*_args, **_kwargs):
        raise StoreError("Your answer could not be saved: the disk is full.")

    monkeypatch.setattr(store, "save", full)
    view.text.value = "Second thoughts on hope and connectedness."
    view.check_button.click()
    assert "Saved." not in view.feedback.value and "NOT saved" in view.feedback.value
    assert "disk is full" in view.status.value


def test_choice_options_are_shown_in_a_fixed_shuffle_so_the_key_is_not_always_first() -> None:
    from widgets.content.exercises import all_chapters
    from widgets.logic.grading import display_order

    chapters, _ = all_chapters()
    positions = []
    for exercise_file in chapters.values():
        for question in exercise_file.questions:
            if question.type != "single_choice":
                continue
            view = view_for(question, store=None)
            order = display_order(question.id, len(question.options))
            assert [value for _label, value in view.choice.options] == list(order)
            assert view_for(question, store=None).choice.options == view.choice.options  # the same for everyone
            positions.append(order.index(next(i for i, o in enumerate(question.options) if o.correct)))
    assert len(set(positions)) >= 3, "the right option should not sit in the same place every time"


class TestOnlyExpectedErrorsBecomeNotices:
    """Bad data gets a notice; a bug in our own code is raised, not disguised as bad data."""

    def test_a_sorting_answer_of_the_wrong_shape_is_kept_and_explained(self, store) -> None:
        question = CHAPTER.question(first(CategoriseView))
        store.save(question.id, "categorise", {"placements": ["not", "a", "mapping"]})
        view = view_for(question, store=store)
        assert "no longer fits" in view.status.value

    def test_a_bug_while_restoring_an_answer_is_raised(self, store, monkeypatch: pytest.MonkeyPatch) -> None:
        """Before, AttributeError was among the errors read as "your earlier answer no longer fits"."""
        question = CHAPTER.question(first(SingleChoiceView))
        store.save(question.id, "single_choice", {"chosen": [question.options[0].text]})

        def broken(self: object, answer: object) -> None:
            raise AttributeError("a bug in _restore")

        monkeypatch.setattr(SingleChoiceView, "_restore", broken)
        with pytest.raises(AttributeError, match="a bug in _restore"):
            view_for(question, store=store)

    def test_a_bug_while_building_a_widget_is_raised_not_called_a_data_problem(self) -> None:
        """Before, any ValueError while building a vignette, lab or figure became "Cannot show ...: <message>"."""

        def buggy() -> ipw.Widget:
            raise ValueError("a bug in a view")

        with pytest.raises(ValueError, match="a bug in a view"):
            Chapter._shown(buggy, "figure 'x'")

    def test_a_content_problem_while_building_a_widget_is_a_notice(self) -> None:
        def bad_file() -> ipw.Widget:
            raise VignetteError("data/vignettes/x.yaml: node 'n1', field 'choices': at least one choice")

        shown = Chapter._shown(bad_file, "vignette 'x'")
        assert isinstance(shown, ipw.HTML) and "Cannot show vignette" in shown.value and "field" in shown.value

    def test_an_unknown_vignette_is_a_notice(self, chapter: Chapter) -> None:
        shown = chapter.vignette("no-such-vignette")
        assert isinstance(shown, ipw.HTML) and "Cannot show vignette" in shown.value
