"""Grading: pure functions from a question and an answer to a result with feedback."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import multiple_choice_questions
from widgets.content.exercises import (
    CategoriseQuestion,
    LikertQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    SingleChoiceQuestion,
    all_chapters,
    load_exercises,
)
from widgets.logic.grading import (
    check_reflection,
    grade_categorise,
    grade_multiple_choice,
    grade_numeric,
    grade_single_choice,
    parse_number,
    rate_likert,
    read_numeric_answer,
)

CHAPTER_01 = load_exercises("01-understanding-recovery")


def real(question_id: str, kind: type) -> Any:
    question = CHAPTER_01.question(question_id)
    assert isinstance(question, kind)
    return question


def correct_indices(question: SingleChoiceQuestion | MultipleChoiceQuestion) -> set[int]:
    return {i for i, option in enumerate(question.options) if option.correct}


REAL_MULTIPLE_CHOICE = [q for q in CHAPTER_01.questions if isinstance(q, MultipleChoiceQuestion)]


def numeric_question(answer: float, tolerance: float) -> NumericQuestion:
    return NumericQuestion.model_validate(
        {
            "id": "01.1",
            "type": "numeric",
            "prompt": "Give a number.",
            "answer": answer,
            "tolerance": tolerance,
            "feedback_correct": "Well done.",
            "feedback_incorrect": "Try again.",
            "source": "Test fixture",
        }
    )


SINGLE: SingleChoiceQuestion = real("01.1", SingleChoiceQuestion)
SINGLE_WRONG = sorted(set(range(len(SINGLE.options))) - correct_indices(SINGLE))
MULTIPLE: MultipleChoiceQuestion = real("01.2", MultipleChoiceQuestion)
MULTIPLE_RIGHT = sorted(correct_indices(MULTIPLE))
MULTIPLE_WRONG = sorted(set(range(len(MULTIPLE.options))) - correct_indices(MULTIPLE))


class TestGradeSingleChoice:
    question = SINGLE

    def test_right_option_is_correct_with_its_own_feedback(self) -> None:
        (right,) = correct_indices(self.question)
        result = grade_single_choice(self.question, right)
        assert result.correct is True
        assert result.missed == 0
        (feedback,) = result.options
        option = self.question.options[right]
        assert (feedback.text, feedback.chosen, feedback.correct, feedback.feedback) == (
            option.text,
            True,
            True,
            option.feedback,
        )

    def test_the_real_question_has_wrong_options(self) -> None:
        assert len(SINGLE_WRONG) >= 1

    @pytest.mark.parametrize("wrong", SINGLE_WRONG)
    def test_wrong_option_is_incorrect_with_its_own_feedback(self, wrong: int) -> None:
        result = grade_single_choice(self.question, wrong)
        assert result.correct is False
        (feedback,) = result.options
        assert feedback.chosen is True
        assert feedback.correct is False
        assert feedback.feedback == self.question.options[wrong].feedback
        assert feedback.text == self.question.options[wrong].text

    @pytest.mark.parametrize("offset", [-1, 0, 10], ids=["minus-one", "one-past-the-end", "far-past-the-end"])
    def test_out_of_range_index_raises_value_error_naming_the_index(self, offset: int) -> None:
        n = len(self.question.options)
        index = -1 if offset == -1 else n + offset
        with pytest.raises(ValueError, match=rf"option index {index} is out of range \(0 to {n - 1}\)"):
            grade_single_choice(self.question, index)


class TestGradeMultipleChoice:
    question = MULTIPLE

    def test_the_real_question_has_several_right_and_some_wrong_options(self) -> None:
        assert len(MULTIPLE_RIGHT) >= 2
        assert len(MULTIPLE_WRONG) >= 1

    def test_exactly_the_correct_set_is_right_with_feedback_for_each_chosen_option(self) -> None:
        result = grade_multiple_choice(self.question, reversed(MULTIPLE_RIGHT))
        assert result.correct is True
        assert result.missed == 0
        assert [f.text for f in result.options] == [self.question.options[i].text for i in MULTIPLE_RIGHT]
        assert [f.feedback for f in result.options] == [self.question.options[i].feedback for i in MULTIPLE_RIGHT]
        assert all(f.chosen and f.correct for f in result.options)

    def test_a_subset_is_not_right_and_reports_how_many_were_missed(self) -> None:
        subset = MULTIPLE_RIGHT[1:]
        result = grade_multiple_choice(self.question, subset)
        assert result.correct is False
        assert result.missed == 1
        assert [f.correct for f in result.options] == [True] * len(subset)

    def test_a_wrong_extra_option_makes_it_not_right(self) -> None:
        extra = MULTIPLE_WRONG[-1]
        result = grade_multiple_choice(self.question, [*MULTIPLE_RIGHT, extra])
        assert result.correct is False
        assert result.missed == 0
        wrong = [f for f in result.options if not f.correct]
        assert [(f.text, f.feedback) for f in wrong] == [
            (self.question.options[extra].text, self.question.options[extra].feedback)
        ]

    def test_nothing_chosen_is_not_right_and_misses_every_correct_option(self) -> None:
        result = grade_multiple_choice(self.question, [])
        assert result.correct is False
        assert result.missed == len(MULTIPLE_RIGHT)
        assert result.options == ()

    def test_duplicate_indices_are_ignored(self) -> None:
        once = grade_multiple_choice(self.question, MULTIPLE_RIGHT)
        twice = grade_multiple_choice(self.question, MULTIPLE_RIGHT + MULTIPLE_RIGHT[::-1] + MULTIPLE_RIGHT[:1])
        assert twice == once
        assert twice.correct is True
        assert len(twice.options) == len(MULTIPLE_RIGHT)

    def test_out_of_range_index_raises_value_error(self) -> None:
        n = len(self.question.options)
        for chosen in ([0, n], [-1], [*MULTIPLE_RIGHT, n + 50]):
            with pytest.raises(ValueError, match="out of range"):
                grade_multiple_choice(self.question, chosen)

    @given(question=st.sampled_from(REAL_MULTIPLE_CHOICE), data=st.data())
    def test_real_question_is_right_iff_the_subset_is_the_correct_set(
        self, question: MultipleChoiceQuestion, data: st.DataObject
    ) -> None:
        chosen = data.draw(st.sets(st.integers(0, len(question.options) - 1)), label="chosen")
        result = grade_multiple_choice(question, chosen)
        assert result.correct is (chosen == correct_indices(question))
        assert result.missed == len(correct_indices(question) - chosen)
        assert [f.text for f in result.options] == [question.options[i].text for i in sorted(chosen)]

    @given(question=multiple_choice_questions(), data=st.data())
    def test_any_question_is_right_iff_the_chosen_indices_are_the_correct_set(
        self, question: MultipleChoiceQuestion, data: st.DataObject
    ) -> None:
        chosen = data.draw(st.lists(st.integers(0, len(question.options) - 1)), label="chosen")
        result = grade_multiple_choice(question, chosen)
        assert result.correct is (set(chosen) == correct_indices(question))
        assert result.missed == len(correct_indices(question) - set(chosen))


class TestParseNumber:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("26.5", 26.5),
            ("26,5", 26.5),
            (" 26.5 % ", 26.5),
            ("26.5%", 26.5),
            ("-3", -3.0),
            ("+3", 3.0),
            (".5", 0.5),
            (",5", 0.5),
            ("7.", 7.0),
            ("0", 0.0),
        ],
    )
    def test_student_typed_numbers_parse(self, text: str, expected: float) -> None:
        assert parse_number(text) == expected

    @pytest.mark.parametrize("text", ["", "   ", "%", " % "])
    def test_empty_input_asks_for_a_number(self, text: str) -> None:
        with pytest.raises(ValueError, match="^Type a number first.$"):
            parse_number(text)

    @pytest.mark.parametrize("text", ["abc", "1.2.3", "1e5", "1,2,3", "--3", "26.5 percent", "nan", "inf", "0x1A"])
    def test_non_numbers_raise_a_student_readable_message_quoting_the_input(self, text: str) -> None:
        with pytest.raises(ValueError) as caught:
            parse_number(text)
        message = str(caught.value)
        assert message.startswith(f"{text!r} is not a number.")
        assert "Use digits, with a point or comma for decimals." in message

    @given(whole=st.integers(0, 10**6), fraction=st.integers(0, 999), sign=st.sampled_from(["", "-", "+"]))
    def test_point_and_comma_decimals_read_the_same(self, whole: int, fraction: int, sign: str) -> None:
        point = parse_number(f"{sign}{whole}.{fraction:03d}")
        assert parse_number(f"{sign}{whole},{fraction:03d}") == point
        assert parse_number(f"  {sign}{whole}.{fraction:03d} % ") == point
        assert point == float(f"{sign}{whole}.{fraction:03d}")

    @given(text=st.text(max_size=30))
    def test_any_text_parses_to_a_float_or_raises_value_error(self, text: str) -> None:
        try:
            value = parse_number(text)
        except ValueError as error:
            assert str(error)
        else:
            assert isinstance(value, float) and not math.isnan(value)


class TestGradeNumeric:
    question: NumericQuestion = real("01.4", NumericQuestion)

    def test_the_real_answer_is_right_with_the_correct_feedback(self) -> None:
        result = grade_numeric(self.question, self.question.answer)
        assert result.correct is True
        assert result.value == self.question.answer
        assert result.feedback == self.question.feedback_correct

    @pytest.mark.parametrize("sign", [-1, 1], ids=["below", "above"])
    def test_the_real_answer_exactly_at_tolerance_is_right(self, sign: int) -> None:
        value = self.question.answer + sign * self.question.tolerance
        assert grade_numeric(self.question, value).correct is True

    @pytest.mark.parametrize("sign", [-1, 1], ids=["below", "above"])
    def test_the_real_answer_just_beyond_tolerance_is_wrong_with_the_incorrect_feedback(self, sign: int) -> None:
        beyond = self.question.tolerance + max(0.2 * self.question.tolerance, 1e-3)
        result = grade_numeric(self.question, self.question.answer + sign * beyond)
        assert result.correct is False
        assert result.feedback == self.question.feedback_incorrect

    def test_parsed_student_answer_with_comma_and_percent_grades_like_the_number(self) -> None:
        typed = f" {self.question.answer}".replace(".", ",") + " % "
        assert grade_numeric(self.question, parse_number(typed)).correct is True

    @pytest.mark.parametrize(
        ("answer", "tolerance", "value", "correct"),
        [
            (26.5, 0.6, 27.1, True),
            (26.5, 0.6, 25.9, True),
            (26.5, 0.6, 27.11, False),
            (26.5, 0.6, 25.89, False),
            (26.5, 0.05, 26.55, True),
            (26.5, 0.05, 26.56, False),
            (10.0, 0.0, 10.0, True),
            (10.0, 0.0, 10.001, False),
            (0.0, 0.5, 0.5, True),
            (0.0, 0.5, -0.5, True),
            (0.0, 0.5, 0.5001, False),
            (-3.0, 1.0, -4.0, True),
            (-3.0, 1.0, -4.01, False),
            (-3.0, 1.0, 3.0, False),
        ],
    )
    def test_tolerance_boundary_is_inclusive(self, answer: float, tolerance: float, value: float, correct: bool) -> None:
        result = grade_numeric(numeric_question(answer, tolerance), value)
        assert result.correct is correct
        assert result.feedback == ("Well done." if correct else "Try again.")

    @pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
    def test_nan_and_infinity_raise_value_error(self, value: float) -> None:
        with pytest.raises(ValueError, match="not a finite number"):
            grade_numeric(self.question, value)


ALL_NUMERIC = [q for chapter in all_chapters()[0].values() for q in chapter.questions if isinstance(q, NumericQuestion)]
_PLACES = {"one decimal place": 1, "two decimal places": 2, "three decimal places": 3}


def stated_decimals(question: NumericQuestion) -> int | None:
    prompt = " ".join(question.prompt.split()).lower()
    found = {places for words, places in _PLACES.items() if words in prompt}
    assert len(found) <= 1, question.id
    return found.pop() if found else None


class TestPrecision:
    sem: NumericQuestion = next(q for q in ALL_NUMERIC if q.id == "07.3")
    percentage: NumericQuestion = real("01.4", NumericQuestion)

    @pytest.mark.parametrize("typed", ["5,2", "5.2", "5", "5.150", " 5,1 "])
    def test_an_answer_short_of_two_decimal_places_is_refused_saying_the_precision(self, typed: str) -> None:
        with pytest.raises(ValueError, match="two decimal places") as refused:
            read_numeric_answer(self.sem, typed)
        message = str(refused.value).replace(repr(typed.strip()), "")  # the student's own text is echoed
        assert "5.15" not in message and "5,15" not in message

    @pytest.mark.parametrize(("typed", "value"), [("5.15", 5.15), ("5,15", 5.15), (" 5.20 ", 5.2), ("-0.07", -0.07)])
    def test_an_answer_with_two_decimal_places_is_read(self, typed: str, value: float) -> None:
        assert read_numeric_answer(self.sem, typed) == value

    def test_one_decimal_place_with_a_percent_sign(self) -> None:
        assert read_numeric_answer(self.percentage, "26,5 %") == 26.5
        with pytest.raises(ValueError, match="one decimal place"):
            read_numeric_answer(self.percentage, "26%")

    def test_a_question_without_stated_precision_takes_any(self) -> None:
        question = numeric_question(3.0, 0.5)
        assert question.decimals is None
        assert read_numeric_answer(question, "3") == 3.0 and read_numeric_answer(question, "3,0001") == 3.0001

    def test_not_a_number_is_still_refused_as_such(self) -> None:
        with pytest.raises(ValueError, match="is not a number"):
            read_numeric_answer(self.sem, "five")

    @pytest.mark.parametrize("question", ALL_NUMERIC, ids=lambda q: q.id)
    def test_every_stated_precision_is_in_the_data_and_the_key_meets_it(self, question: NumericQuestion) -> None:
        assert question.decimals == stated_decimals(question), f"{question.id}: the prompt and `decimals:` disagree"
        if question.decimals is not None:
            typed = f"{question.answer:.{question.decimals}f}"
            assert grade_numeric(question, read_numeric_answer(question, typed)).correct


class TestGradeCategorise:
    question: CategoriseQuestion = real("01.5", CategoriseQuestion)

    def all_correct(self) -> dict[str, str | None]:
        return {statement.id: statement.category for statement in self.question.statements}

    def another_category(self, category_id: str) -> str:
        return next(c.id for c in self.question.categories if c.id != category_id)

    def test_all_placed_correctly_scores_full_marks(self) -> None:
        result = grade_categorise(self.question, self.all_correct())
        total = len(self.question.statements)
        assert (result.score, result.total) == (total, total)
        assert result.correct is True
        labels = {category.id: category.label for category in self.question.categories}
        for statement, item in zip(self.question.statements, result.statements, strict=True):
            assert item.statement_id == statement.id
            assert item.text == statement.text
            assert item.chosen_label == labels[statement.category]
            assert item.correct is True
            assert item.feedback == statement.feedback

    def test_score_counts_the_right_placements(self) -> None:
        first, second = self.question.statements[0], self.question.statements[-1]
        placements = self.all_correct()
        placements[first.id] = self.another_category(first.category)
        placements[second.id] = self.another_category(second.category)
        result = grade_categorise(self.question, placements)
        total = len(self.question.statements)
        assert (result.score, result.total) == (total - 2, total)
        assert result.correct is False
        labels = {category.id: category.label for category in self.question.categories}
        wrong = {item.statement_id: item for item in result.statements if not item.correct}
        assert set(wrong) == {first.id, second.id}
        assert wrong[first.id].chosen_label == labels[placements[first.id]]
        assert wrong[first.id].feedback == first.feedback

    def test_unplaced_statements_count_as_wrong_with_no_chosen_label(self) -> None:
        missing, empty = self.question.statements[0].id, self.question.statements[1].id
        placements = self.all_correct()
        del placements[missing]
        placements[empty] = None
        result = grade_categorise(self.question, placements)
        assert (result.score, result.total) == (len(self.question.statements) - 2, len(self.question.statements))
        unplaced = [item for item in result.statements if item.statement_id in {missing, empty}]
        assert [(item.correct, item.chosen_label) for item in unplaced] == [(False, None), (False, None)]

    def test_nothing_placed_scores_zero(self) -> None:
        result = grade_categorise(self.question, {})
        assert (result.score, result.total) == (0, len(self.question.statements))
        assert result.correct is False
        assert all(item.chosen_label is None and not item.correct for item in result.statements)

    def test_unknown_statement_id_raises_value_error_naming_it(self) -> None:
        with pytest.raises(ValueError, match="unknown statement id.*no-such-statement"):
            grade_categorise(self.question, {**self.all_correct(), "no-such-statement": None})

    def test_unknown_category_id_raises_value_error_naming_it_and_the_statement(self) -> None:
        statement_id = self.question.statements[1].id
        with pytest.raises(ValueError, match=rf"unknown category 'despair' for statement '{statement_id}'"):
            grade_categorise(self.question, {**self.all_correct(), statement_id: "despair"})

    def test_category_label_is_not_accepted_in_place_of_its_id(self) -> None:
        label = next(c.label for c in self.question.categories if c.label != c.id)
        with pytest.raises(ValueError, match="unknown category"):
            grade_categorise(self.question, {self.question.statements[0].id: label})


LIKERT: LikertQuestion = real("01.6", LikertQuestion)
LIKERT_IDS = [item.id for item in LIKERT.items]
LIKERT_TEXT = {item.id: item.text for item in LIKERT.items}
LOW, HIGH = LIKERT.scale.min, LIKERT.scale.max


class TestRateLikert:
    question = LIKERT

    def test_the_real_question_has_at_least_three_items(self) -> None:
        assert len(LIKERT_IDS) >= 3

    def test_in_range_ratings_are_kept_in_item_order_and_unrated_items_listed(self) -> None:
        first, middle, last = LIKERT_IDS[0], LIKERT_IDS[1], LIKERT_IDS[-1]
        result = rate_likert(self.question, {last: HIGH, first: LOW, middle: LOW + 1})
        assert result.ratings == (
            (first, LIKERT_TEXT[first], LOW),
            (middle, LIKERT_TEXT[middle], LOW + 1),
            (last, LIKERT_TEXT[last], HIGH),
        )
        assert result.unrated == tuple(LIKERT_IDS[2:-1])
        assert result.correct is None

    def test_none_counts_as_unrated(self) -> None:
        first, second = LIKERT_IDS[0], LIKERT_IDS[1]
        result = rate_likert(self.question, {first: None, second: HIGH})
        assert result.ratings == ((second, LIKERT_TEXT[second], HIGH),)
        assert result.unrated == (first, *LIKERT_IDS[2:])

    def test_no_ratings_leaves_every_item_unrated(self) -> None:
        result = rate_likert(self.question, {})
        assert result.ratings == ()
        assert result.unrated == tuple(LIKERT_IDS)

    @pytest.mark.parametrize("value", [LOW - 1, HIGH + 1, -1, 100])
    def test_out_of_range_rating_raises_value_error_naming_the_value_and_scale(self, value: int) -> None:
        item = LIKERT_IDS[1]
        with pytest.raises(ValueError) as caught:
            rate_likert(self.question, {item: value})
        message = str(caught.value)
        assert f"rating {value!r}" in message
        assert LIKERT_TEXT[item] in message
        assert f"{LOW} to {HIGH}" in message

    @pytest.mark.parametrize("value", [True, False, float(LOW), str(LOW)])
    def test_bool_or_non_integer_rating_raises_value_error_naming_the_value(self, value: Any) -> None:
        with pytest.raises(ValueError) as caught:
            rate_likert(self.question, {LIKERT_IDS[0]: value})
        assert f"rating {value!r}" in str(caught.value)

    def test_unknown_item_id_raises_value_error_naming_it(self) -> None:
        with pytest.raises(ValueError, match="unknown item id.*no-such-item"):
            rate_likert(self.question, {"no-such-item": LOW})

    @given(ratings=st.dictionaries(st.sampled_from(LIKERT_IDS), st.integers(LOW, HIGH)))
    def test_every_item_is_either_rated_or_unrated_exactly_once(self, ratings: dict[str, int]) -> None:
        result = rate_likert(self.question, ratings)
        rated_ids = [item_id for item_id, _, _ in result.ratings]
        assert rated_ids == [item_id for item_id in LIKERT_IDS if item_id in ratings]
        assert list(result.unrated) == [item_id for item_id in LIKERT_IDS if item_id not in ratings]
        assert {item_id: value for item_id, _, value in result.ratings} == ratings


class TestCheckReflection:
    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("Hope matters.", 2),
            ("  one two\nthree\tfour  ", 4),
            ("Recovery is personal — it's defined by Joe.", 8),
            ("word", 1),
        ],
    )
    def test_counts_words_and_allows_the_model_answer_once_something_is_written(self, text: str, words: int) -> None:
        result = check_reflection(text)
        assert result.words == words
        assert result.text == text
        assert result.can_reveal_model_answer is True
        assert result.correct is None

    @pytest.mark.parametrize("text", ["", " ", "\n\t  \n"])
    def test_blank_text_cannot_reveal_the_model_answer(self, text: str) -> None:
        result = check_reflection(text)
        assert result.words == 0
        assert result.can_reveal_model_answer is False
