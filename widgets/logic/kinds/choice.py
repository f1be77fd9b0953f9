"""Single- and multiple-choice questions: answers are the chosen options' texts."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any, cast

from ...content.exercises import MultipleChoiceQuestion, SingleChoiceQuestion
from ..grading import display_order, grade_multiple_choice, grade_single_choice
from .base import (
    AnswerForm,
    BoardTally,
    QuestionKind,
    QuestionResult,
    TalliesResult,
    Tally,
    Traits,
    Unfit,
    plain,
    sigmoid,
)
from .board import bars_table

__all__ = ["MultipleChoiceKind", "SingleChoiceKind"]


def _letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else f"#{index + 1}"


def _chosen_indices(question: SingleChoiceQuestion | MultipleChoiceQuestion, payload: Any) -> list[int]:
    texts = [option.text for option in question.options]
    chosen = payload["chosen"]
    if not isinstance(chosen, list) or not all(isinstance(text, str) for text in chosen):
        raise Unfit
    return [texts.index(text) for text in chosen]


def _letters(question: SingleChoiceQuestion | MultipleChoiceQuestion) -> tuple[list[int], dict[int, str]]:
    order = list(display_order(question.id, len(question.options)))  # letters follow the order students saw
    return order, {index: _letter(position) for position, index in enumerate(order)}


def _favour_a_mistake(question: SingleChoiceQuestion | MultipleChoiceQuestion, traits: Traits, rng: random.Random) -> None:
    wrong = [i for i, option in enumerate(question.options) if not option.correct]
    right = [i for i, option in enumerate(question.options) if option.correct]
    traits.favoured = rng.choice(wrong) if wrong else rng.choice(right)


def _option_tallies(
    question: SingleChoiceQuestion | MultipleChoiceQuestion, counts: Counter[Any]
) -> tuple[dict[int, Tally], list[int], dict[int, str]]:
    order, letter = _letters(question)
    by_index = {
        i: Tally(f"{letter[i]}. {plain(option.text)}", counts[i], option.correct) for i, option in enumerate(question.options)
    }
    return by_index, order, letter


class _SingleTally(BoardTally[SingleChoiceQuestion, int]):
    def __init__(self, question: SingleChoiceQuestion, files: int) -> None:
        super().__init__(question, files)
        self.counts: Counter[int] = Counter()

    def add(self, answer: int, count: int) -> None:
        self.counts[answer] += count
        if grade_single_choice(self.question, answer).correct:
            self.correct += count
        else:
            self.wrong[answer] += count

    def result(self) -> TalliesResult:
        by_index, order, letter = _option_tallies(self.question, self.counts)
        worst = self.most_wrong(order)
        wrong = None if worst is None else Tally(by_index[worst[0]].label, worst[1], False)
        key = next(letter[i] for i in order if self.question.options[i].correct)
        return TalliesResult(
            **self.base(), correct=self.correct, tallies=tuple(by_index[i] for i in order), common_wrong=wrong, key=key
        )


class _MultipleTally(BoardTally[MultipleChoiceQuestion, tuple[int, ...]]):
    def __init__(self, question: MultipleChoiceQuestion, files: int) -> None:
        super().__init__(question, files)
        self.counts: Counter[int] = Counter()

    def add(self, answer: tuple[int, ...], count: int) -> None:
        for index in answer:
            self.counts[index] += count
        if grade_multiple_choice(self.question, answer).correct:
            self.correct += count
        else:
            self.wrong[answer] += count

    def result(self) -> TalliesResult:
        by_index, order, letter = _option_tallies(self.question, self.counts)
        combos = sorted(self.wrong, key=lambda c: (len(c), c))
        worst = self.most_wrong(combos)
        wrong = None
        if worst is not None:
            label = " + ".join(sorted(letter[i] for i in worst[0])) or "nothing ticked"
            wrong = Tally(f"ticked {label}", worst[1], False)
        key = "tick " + " + ".join(letter[i] for i in order if self.question.options[i].correct)
        return TalliesResult(
            **self.base(), correct=self.correct, tallies=tuple(by_index[i] for i in order), common_wrong=wrong, key=key
        )


class SingleChoiceKind(QuestionKind[SingleChoiceQuestion, int]):
    """One option is right; the answer is the index of the option chosen."""

    type = "single_choice"
    words = "single choice"

    def parse(self, question: SingleChoiceQuestion, payload: Any) -> int:
        indices = _chosen_indices(question, payload)
        if len(indices) != 1:
            raise Unfit
        return indices[0]

    def tally(self, question: SingleChoiceQuestion, files: int) -> _SingleTally:
        return _SingleTally(question, files)

    def traits(self, question: SingleChoiceQuestion, traits: Traits, rng: random.Random) -> None:
        _favour_a_mistake(question, traits, rng)

    def synthesise(self, question: SingleChoiceQuestion, traits: Traits, ability: float, rng: random.Random) -> dict[str, Any]:
        p = sigmoid(1.1 + ability - traits.difficulty)
        texts = [option.text for option in question.options]
        right = next(i for i, option in enumerate(question.options) if option.correct)
        if rng.random() < p:
            return {"chosen": [texts[right]]}
        others = [i for i in range(len(texts)) if i != right]
        return {"chosen": [texts[traits.favoured if rng.random() < 0.6 else rng.choice(others)]]}

    def log_lines(self, question: SingleChoiceQuestion, payload: Any) -> tuple[AnswerForm, list[str]]:
        return "list", [str(choice) for choice in payload["chosen"]]

    def board_html(self, result: QuestionResult) -> str:
        return bars_table(cast(TalliesResult, result), f"{result.question_id}: files choosing each option", mark_wrong=True)


class MultipleChoiceKind(QuestionKind[MultipleChoiceQuestion, tuple[int, ...]]):
    """Tick all that apply; the answer is the sorted indices of the options ticked."""

    type = "multiple_choice"
    words = "multiple choice (tick all that apply)"

    def parse(self, question: MultipleChoiceQuestion, payload: Any) -> tuple[int, ...]:
        return tuple(sorted(set(_chosen_indices(question, payload))))

    def tally(self, question: MultipleChoiceQuestion, files: int) -> _MultipleTally:
        return _MultipleTally(question, files)

    def traits(self, question: MultipleChoiceQuestion, traits: Traits, rng: random.Random) -> None:
        _favour_a_mistake(question, traits, rng)

    def synthesise(self, question: MultipleChoiceQuestion, traits: Traits, ability: float, rng: random.Random) -> dict[str, Any]:
        p = sigmoid(1.1 + ability - traits.difficulty)
        texts = [option.text for option in question.options]
        chosen = {i for i, option in enumerate(question.options) if option.correct}
        if rng.random() >= p:
            flip = traits.favoured if rng.random() < 0.6 else rng.randrange(len(texts))
            chosen ^= {flip}
            if rng.random() < 0.3:
                chosen ^= {rng.randrange(len(texts))}
            if not chosen:
                chosen = {traits.favoured}
        return {"chosen": [texts[i] for i in sorted(chosen)]}

    def log_lines(self, question: MultipleChoiceQuestion, payload: Any) -> tuple[AnswerForm, list[str]]:
        return "list", [str(choice) for choice in payload["chosen"]]

    def board_html(self, result: QuestionResult) -> str:
        caption = f"{result.question_id}: files ticking each option (✔ correct = should be ticked)"
        return bars_table(cast(TalliesResult, result), caption, mark_wrong=False)
