"""Tries and graduated feedback: pure functions over the answers given, oldest first."""

from __future__ import annotations

import pytest

from widgets.content.exercises import CategoriseQuestion, NumericQuestion, all_chapters, load_exercises
from widgets.logic.attempts import Attempts, answer_correct, attempts, attempts_by_question, reveals_answer
from widgets.logic.feedback import categorise_feedback, numeric_answer_text, numeric_feedback
from widgets.logic.grading import grade_categorise, grade_numeric
from widgets.logic.records import SavedAnswer

CHAPTERS = all_chapters()[0]
QUESTIONS = {q.id: q for chapter in CHAPTERS.values() for q in chapter.questions}
SEM = load_exercises("07-is-the-change-real").question("07.3")
NUMERIC = [q for q in QUESTIONS.values() if isinstance(q, NumericQuestion)]
SORTING = [q for q in QUESTIONS.values() if isinstance(q, CategoriseQuestion)]
AT = "2025-01-0{}T00:00:00+00:00"


def row(question_id: str, kind: str, answer: object, day: int = 1) -> SavedAnswer:
    return SavedAnswer(question_id, kind, answer, AT.format(day))


class TestAttempts:
    def test_right_first_time(self) -> None:
        assert attempts(SEM, [{"value": 5.15}]) == Attempts(tries=1, wrong=0, solved_on=1, first_try_correct=True)

    def test_right_at_the_third_try_then_changed(self) -> None:
        result = attempts(SEM, [{"value": 1.0}, {"value": 2.0}, {"value": 5.15}, {"value": 9.0}])
        assert result == Attempts(tries=4, wrong=3, solved_on=3, first_try_correct=False)
        assert result.label == "right at try 3"

    def test_never_right_and_an_answer_that_no_longer_fits(self) -> None:
        result = attempts(SEM, [{"value": "five"}, {"value": 2.0}])
        assert result == Attempts(tries=2, wrong=1, solved_on=None, first_try_correct=None)
        assert result.label == "2 tries, not yet right"

    def test_kinds_without_a_right_answer_are_not_graded(self) -> None:
        reflection = next(q for q in QUESTIONS.values() if q.type == "reflection")
        assert answer_correct(reflection, {"text": "x"}) is None

    def test_by_question_from_the_rows_of_an_answers_file(self) -> None:
        history = [
            row("07.3", "numeric", {"value": 5.2}, 1),
            row("01.11", "reflection", {"text": "mine"}, 2),
            row("07.3", "numeric", {"value": 5.15}, 3),
            row("99.1", "numeric", {"value": 1}, 4),
        ]
        found = attempts_by_question(history, QUESTIONS)
        assert set(found) == {"07.3"} and found["07.3"].solved_on == 2 and found["07.3"].first_try_correct is False

    @pytest.mark.parametrize(("wrong", "shown", "reveal"), [(0, False, False), (1, False, False), (2, False, True), (1, True, True)])
    def test_reveal_after_the_second_wrong_try_or_the_solution(self, wrong: int, shown: bool, reveal: bool) -> None:
        assert reveals_answer(wrong, solution_shown=shown) is reveal


class TestGraduatedFeedback:
    @pytest.mark.parametrize("question", NUMERIC, ids=lambda q: q.id)
    def test_a_first_wrong_numeric_try_never_holds_the_answer_and_the_second_does(self, question: NumericQuestion) -> None:
        wrong = grade_numeric(question, question.answer + question.tolerance + 7)
        first = numeric_feedback(question, wrong, wrong_tries=1)
        key = numeric_answer_text(question).split()[0].removesuffix("%")
        assert key not in first and f"{question.answer:g}" not in first
        assert key in numeric_feedback(question, wrong, wrong_tries=2)

    @pytest.mark.parametrize("question", SORTING, ids=lambda q: q.id)
    def test_a_first_wrong_sorting_never_names_a_wrong_statement_s_category(self, question: CategoriseQuestion) -> None:
        ids = [c.id for c in question.categories]
        placements: dict[str, str | None] = {s.id: next(c for c in ids if c != s.category) for s in question.statements}
        result = grade_categorise(question, placements)
        first = categorise_feedback(question, result, wrong_tries=1)
        chosen = {c.label for c in question.categories if c.id in placements.values()}
        for statement in question.statements:
            label = next(c.label for c in question.categories if c.id == statement.category)
            assert "It belongs in" not in first and statement.feedback[:40] not in first
            if label not in chosen:  # a label the student did not choose must not appear at all
                assert label not in first.replace("&#x27;", "'")
        assert "It belongs in" in categorise_feedback(question, result, wrong_tries=2)


class TestWhatIsNotATry:
    """Only answers the learner gives are tries: not looking at the worked solution, not reopening the chapter."""

    def test_viewing_the_worked_solution_before_answering_is_not_a_try(self, store) -> None:
        from widgets.views.exercises import NumericView, view_for

        question = QUESTIONS["04.6"]
        assert question.solution
        view = view_for(question, store=store)
        assert isinstance(view, NumericView)
        view.solution_button.click()
        assert "Worked solution" in view.extra.value
        assert store.history("04.6") == []
        view.entry.value = "27"
        rows = store.history("04.6")
        assert attempts(question, [r.answer for r in rows]) == Attempts(tries=1, wrong=0, solved_on=1, first_try_correct=True)

    def test_the_worked_solution_then_a_wrong_answer_is_one_wrong_try(self, store) -> None:
        from widgets.views.exercises import view_for

        sorting = next(q for q in SORTING if q.solution)
        view = view_for(sorting, store=store)
        view.solution_button.click()
        first = sorting.statements[0]
        wrong = next(c.id for c in sorting.categories if c.id != first.category)
        view.dropdowns[first.id].value = wrong  # type: ignore[attr-defined]
        view.check_button.click()
        rows = store.history(sorting.id)
        assert len(rows) == 1 and attempts(sorting, [r.answer for r in rows]).tries == 1

    def test_reopening_a_chapter_does_not_add_a_try(self, store) -> None:
        """A saved number with more than six significant digits came back rounded ('26.7654'), was saved again
        as a new answer and counted as a second try each time the chapter was opened."""
        from widgets.views.exercises import view_for

        question = QUESTIONS["04.6"]
        view_for(question, store=store).entry.value = "26.7654321"  # type: ignore[attr-defined]
        for _ in range(2):
            again = view_for(question, store=store)
            assert again.entry.value == "26.7654321"  # type: ignore[attr-defined]
        rows = store.history("04.6")
        assert [r.answer for r in rows] == [{"value": 26.7654321}]
        assert attempts(question, [r.answer for r in rows]).tries == 1
