"""Exercise views: thin ipywidgets front ends over :mod:`widgets.logic.grading` and :mod:`widgets.storage.store`.

Each view builds its controls once, grades in the kernel when the student asks,
writes the feedback into an ``HTML`` widget (``.feedback``) and saves the answer.
Only option texts, statements and labels reach the page before the student
answers; the keys and feedback stay in Python until then.

Every view exposes ``.container`` (what the notebook displays) and its controls,
so tests drive it without a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

from ..content.exercises import (
    CategoriseQuestion,
    LikertQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    Question,
    ReflectionQuestion,
    SingleChoiceQuestion,
)
from ..logic import charts, grading
from ..logic.attempts import attempts
from ..logic.feedback import categorise_feedback, numeric_feedback
from ..logic.kinds import FIT_ERRORS, kind_of
from ..logic.markup import STYLE, Verdict, escape, feedback_box, markdown, notice
from ..logic.progress import exercise_anchor
from ..logic.records import SavedAnswer
from ..storage.store import AnswerStore, StoreError

__all__ = [
    "AnswerSlot",
    "CategoriseView",
    "ExerciseView",
    "LikertView",
    "MultipleChoiceView",
    "NumericView",
    "ReflectionView",
    "SingleChoiceView",
    "css_class",
    "view_for",
    "when",
]

def when(saved: SavedAnswer) -> str:
    """When an answer was saved, for people: ``2026-11-27 21:04 UTC``."""
    return saved.saved_at.replace("T", " ")[:16] + " UTC"


class AnswerSlot:
    """One activity's answers in the store, as a view uses them.

    ``save`` stores a new answer (an unchanged one is not stored again) and
    ``latest`` fetches the current one; a store problem becomes a message in
    ``status``, never an exception. ``remember`` marks a restored answer as saved.
    """

    def __init__(self, store: AnswerStore | None, question_id: str, kind: str, status: ipw.HTML) -> None:
        self.store, self.question_id, self.kind, self.status = store, question_id, kind, status
        self.last: Any = None

    def remember(self, answer: Any) -> None:
        self.last = answer

    def save(self, answer: Any) -> bool:
        """Store ``answer``; ``True`` if it is now in the store (saved now or before), ``False`` if it is not."""
        if self.store is None:
            return False
        if answer == self.last:
            return True
        try:
            saved = self.store.save(self.question_id, self.kind, answer)
        except StoreError as error:
            self.status.value = notice("error", str(error))
            return False
        self.last = answer
        self.status.value = f'<p class="rw-id">Saved {escape(when(saved))}.</p>'
        return True

    def latest(self) -> SavedAnswer | None:
        if self.store is None:
            return None
        try:
            return self.store.latest(self.question_id)
        except StoreError as error:
            self.status.value = notice("error", str(error))
            return None

    def history(self) -> list[SavedAnswer]:
        """Every answer given to this activity, oldest first (empty without a store or when it cannot be read)."""
        if self.store is None:
            return []
        try:
            return self.store.history(self.question_id)
        except StoreError as error:
            self.status.value = notice("error", str(error))
            return []

    def shown(self, saved: SavedAnswer, what: str) -> None:
        """Say that ``what`` (e.g. "Your answer") from ``saved`` is on the page."""
        self.status.value = f'<p class="rw-id">{escape(what)} from {escape(when(saved))} is shown.</p>'


_FULL = ipw.Layout(width="100%")
_LABEL_STYLE = {"description_width": "initial"}


class ExerciseView:
    """Shared parts: prompt, feedback, hints, worked solution, save status.

    Subclasses build ``self.controls`` (a list of widgets), implement ``_grade``
    (read controls, call one grading function, return ``(html, answer)``) and
    ``_restore`` (put a saved answer back into the controls).
    """

    check_label = "Check answer"

    def __init__(
        self,
        question: Question,
        *,
        store: AnswerStore | None,
        store_problem: str | None = None,
        on_saved: Callable[[], None] | None = None,
    ) -> None:
        self.question = question
        self.store = store
        self.on_saved = on_saved
        """Called after an answer is in the store (the chapter's progress line refreshes)."""
        self.prompt = ipw.HTML(
            f'<div class="rw-prompt" id="{exercise_anchor(question.id)}"><span class="rw-id">Exercise {escape(question.id)}</span>'
            f"{markdown(question.prompt)}</div>"
        )
        self.feedback = ipw.HTML("")
        self.status = ipw.HTML(notice("warning", store_problem) if store_problem else "")
        self.check_button = ipw.Button(
            description=self.check_label, button_style="primary", tooltip=f"{self.check_label} for exercise {question.id}"
        )
        self.check_button.on_click(lambda _button: self._on_check())
        self.hint_button = ipw.Button(description="Show a hint", tooltip=f"Show a hint for exercise {question.id}")
        self.hint_button.on_click(lambda _button: self._on_hint())
        self.hint_button.layout.display = None if question.hints else "none"
        self.solution_button = ipw.Button(
            description="Show worked solution", tooltip=f"Show the worked solution for exercise {question.id}"
        )
        self.solution_button.on_click(lambda _button: self._on_solution())
        self.solution_button.layout.display = None if question.solution else "none"
        self.extra = ipw.HTML("")
        self._hints_shown = 0
        self._given: list[Any] = []
        """The answers given so far, oldest first (the store's rows, then this session's): the tries."""
        self._solution_shown = False
        self.slot = AnswerSlot(store, question.id, question.type, self.status)
        self.controls: list[ipw.Widget] = self._build()
        buttons = ipw.HBox([self.check_button, *self._extra_buttons(), self.hint_button, self.solution_button])
        self.container = ipw.VBox(
            [ipw.HTML(STYLE), self.prompt, *self.controls, buttons, self.feedback, self.extra, self.status]
        )
        self.container.add_class("rw-exercise")
        self.container.add_class(css_class(question.id))
        self._load_saved()

    # -- to implement -----------------------------------------------------
    def _build(self) -> list[ipw.Widget]:
        raise NotImplementedError

    def _grade(self) -> tuple[str, Any] | None:
        """Return ``(feedback html, answer to save)``, or ``None`` after writing a message to ``feedback``."""
        raise NotImplementedError

    def _restore(self, answer: Any) -> None:
        raise NotImplementedError

    def _extra_buttons(self) -> list[ipw.Button]:
        """Buttons to show after the check button."""
        return []

    # -- shared behaviour -------------------------------------------------
    def _on_check(self) -> None:
        try:
            graded = self._grade()
        except ValueError as error:
            self.feedback.value = notice("error", str(error))
            return
        if graded is None:
            return
        html, answer = graded
        saved = self._save(answer)
        if not saved and self.feedback_says_saved:
            html = notice("error", "Your text was NOT saved (see the message below). Copy it somewhere safe before you leave.")
        self.feedback.value = html

    feedback_says_saved = False
    """True where the feedback itself tells the learner their answer was saved (a reflection)."""

    def _save(self, answer: Any) -> bool:
        if not self._given or self._given[-1] != answer:
            self._given.append(answer)
        saved = self.slot.save(answer)
        if saved and self.on_saved is not None:
            self.on_saved()
        return saved

    def _wrong_tries(self, answer: Any) -> int:
        """Wrong tries so far, counting ``answer`` as a new try unless it repeats the last one."""
        given = self._given if self._given and self._given[-1] == answer else [*self._given, answer]
        return attempts(self.question, given).wrong

    def _load_saved(self) -> None:
        history = self.slot.history()
        if not history:
            return
        self._given = [row.answer for row in history]
        saved = history[-1]
        self.slot.remember(saved.answer)
        try:
            kind_of(self.question).parse(self.question, saved.answer)  # raises if it no longer fits the question
            self._restore(saved.answer)
            graded = self._grade()
        except FIT_ERRORS:
            self.status.value = notice(
                "warning",
                "Your earlier answer to this exercise no longer fits it (the exercise was changed). "
                "It is still kept in your answers file.",
            )
            return
        if graded is not None:
            self.feedback.value = graded[0]
        self.slot.shown(saved, "Your answer")

    def _on_hint(self) -> None:
        hints = self.question.hints
        self._hints_shown = min(self._hints_shown + 1, len(hints))
        shown = "".join(f"<p>{markdown(hint)}</p>" for hint in hints[: self._hints_shown])
        more = "" if self._hints_shown < len(hints) else "<p><em>That was the last hint.</em></p>"
        self.extra.value = feedback_box("info", shown + more, title=f"Hint {self._hints_shown} of {len(hints)}")
        if self._hints_shown == len(hints):
            self.hint_button.disabled = True

    def _on_solution(self) -> None:
        self._solution_shown = True
        if self.question.solution:
            self.extra.value = feedback_box("info", markdown(self.question.solution), title="Worked solution")


def css_class(question_id: str) -> str:
    """The CSS class that marks one exercise's container, e.g. ``rw-q-01-4``."""
    return "rw-q-" + question_id.replace(".", "-")


def _choice_html(result: grading.ChoiceResult) -> str:
    items = "".join(
        f"<li><strong>{'✔ right' if option.correct else '✘ not right'}:</strong> {escape(option.text)}"
        f"<br>{markdown(option.feedback)}</li>"
        for option in result.options
    )
    missed = (
        f"<p>You missed {result.missed} correct option{'s' if result.missed != 1 else ''}.</p>" if result.missed else ""
    )
    verdict: Verdict = "correct" if result.correct else ("partly" if any(o.correct for o in result.options) else "incorrect")
    return feedback_box(verdict, f"<ul>{items}</ul>{missed}")


class SingleChoiceView(ExerciseView):
    question: SingleChoiceQuestion

    def _build(self) -> list[ipw.Widget]:
        options = self.question.options
        self.choice = ipw.RadioButtons(
            options=[(options[index].text, index) for index in grading.display_order(self.question.id, len(options))],
            value=None,
            description="Your answer:",
            style=_LABEL_STYLE,
            layout=_FULL,
        )
        return [self.choice]

    def _grade(self) -> tuple[str, Any] | None:
        if self.choice.value is None:
            self.feedback.value = notice("warning", "Choose one option first.")
            return None
        result = grading.grade_single_choice(self.question, self.choice.value)
        return _choice_html(result), {"chosen": [self.question.options[self.choice.value].text]}

    def _restore(self, answer: Any) -> None:
        texts = [option.text for option in self.question.options]
        self.choice.value = texts.index(answer["chosen"][0])


class MultipleChoiceView(ExerciseView):
    question: MultipleChoiceQuestion

    def _build(self) -> list[ipw.Widget]:
        self.boxes = [
            ipw.Checkbox(value=False, description=option.text, indent=False, layout=_FULL)
            for option in self.question.options
        ]
        shown = [self.boxes[index] for index in grading.display_order(self.question.id, len(self.boxes))]
        return [ipw.HTML("<p>Tick every option that applies.</p>"), *shown]

    def _grade(self) -> tuple[str, Any] | None:
        chosen = [index for index, box in enumerate(self.boxes) if box.value]
        if not chosen:
            self.feedback.value = notice("warning", "Tick at least one option first.")
            return None
        result = grading.grade_multiple_choice(self.question, chosen)
        return _choice_html(result), {"chosen": [self.question.options[i].text for i in chosen]}

    def _restore(self, answer: Any) -> None:
        texts = [option.text for option in self.question.options]
        chosen = {texts.index(text) for text in answer["chosen"]}
        for index, box in enumerate(self.boxes):
            box.value = index in chosen


class NumericView(ExerciseView):
    question: NumericQuestion

    def _build(self) -> list[ipw.Widget]:
        unit = f" ({self.question.unit})" if self.question.unit else ""
        self.entry = ipw.Text(
            value="",
            placeholder=(
                "Type a number, then press Enter"
                if self.question.decimals is None
                else f"Type a number to {grading.places_words(self.question.decimals)}, then press Enter"
            ),
            description=f"Your answer{unit}:",
            continuous_update=False,
            style=_LABEL_STYLE,
        )
        self.entry.observe(lambda change: self._on_check() if change["new"].strip() else None, names="value")
        return [self.entry]

    def _grade(self) -> tuple[str, Any] | None:
        value = grading.read_numeric_answer(self.question, self.entry.value)
        result = grading.grade_numeric(self.question, value)
        answer = {"value": value}
        wrong = self._wrong_tries(answer)
        return numeric_feedback(self.question, result, wrong_tries=wrong, solution_shown=self._solution_shown), answer

    def _restore(self, answer: Any) -> None:
        value = float(answer["value"])
        places = self.question.decimals
        # As many digits as were saved (up to 15 significant): a rounded number would be read back as a
        # different answer, saved again and counted as another try each time the chapter is opened.
        self.entry.value = f"{value:.15g}" if places is None else f"{value:.{places}f}"


class CategoriseView(ExerciseView):
    question: CategoriseQuestion
    check_label = "Check my sorting"

    def _build(self) -> list[ipw.Widget]:
        options = [("Choose…", None)] + [(category.label, category.id) for category in self.question.categories]
        self.dropdowns: dict[str, ipw.Dropdown] = {}
        rows = []
        for number, statement in enumerate(self.question.statements, start=1):
            dropdown = ipw.Dropdown(
                options=options,
                value=None,
                description=f"{number}. {statement.text}",
                style=_LABEL_STYLE,
                layout=ipw.Layout(width="100%"),
            )
            dropdown.add_class("rw-wrap")
            self.dropdowns[statement.id] = dropdown
            rows.append(dropdown)
        labels = ", ".join(escape(category.label) for category in self.question.categories)
        intro = ipw.HTML(f"<p>Choose a category for each statement ({labels}).</p>")
        return [intro, *rows]

    def _placements(self) -> dict[str, str | None]:
        return {statement_id: dropdown.value for statement_id, dropdown in self.dropdowns.items()}

    def _grade(self) -> tuple[str, Any] | None:
        placements = self._placements()
        if all(value is None for value in placements.values()):
            self.feedback.value = notice("warning", "Choose a category for at least one statement first.")
            return None
        result = grading.grade_categorise(self.question, placements)
        answer = {"placements": placements}
        wrong = self._wrong_tries(answer)
        html = categorise_feedback(self.question, result, wrong_tries=wrong, solution_shown=self._solution_shown)
        return html, answer

    def _restore(self, answer: Any) -> None:
        for statement_id, category in answer["placements"].items():
            if statement_id in self.dropdowns:
                self.dropdowns[statement_id].value = category


class LikertView(ExerciseView):
    question: LikertQuestion
    check_label = "Save my ratings"

    def _build(self) -> list[ipw.Widget]:
        scale = self.question.scale
        options: list[tuple[str, int | None]] = [("Not rated", None)]
        for value in range(scale.min, scale.max + 1):
            label = {scale.min: f" – {scale.low_label}", scale.max: f" – {scale.high_label}"}.get(value, "")
            options.append((f"{value}{label}", value))
        self.ratings = {
            item.id: ipw.Dropdown(
                options=options, value=None, description=item.text, style=_LABEL_STYLE, layout=ipw.Layout(width="100%")
            )
            for item in self.question.items
        }
        for dropdown in self.ratings.values():
            dropdown.add_class("rw-wrap")
        self.chart = ipw.Output()
        intro = ipw.HTML(
            f"<p>Rate each from {scale.min} ({escape(scale.low_label)}) to {scale.max} ({escape(scale.high_label)}). "
            "There is no right answer; your ratings are shown back as a chart.</p>"
        )
        return [intro, *self.ratings.values(), self.chart]

    def _grade(self) -> tuple[str, Any] | None:
        ratings = {item_id: dropdown.value for item_id, dropdown in self.ratings.items()}
        result = grading.rate_likert(self.question, ratings)
        if not result.ratings:
            self.feedback.value = notice("warning", "Rate at least one item first.")
            return None
        summary = "; ".join(f"{text}: {value}" for _item, text, value in result.ratings)
        draw = charts.likert_radar if self.question.chart == "radar" and len(result.ratings) >= 3 else charts.likert_chart
        figure = draw(result, self.question.scale, title=self.question.id)
        self.chart.outputs = (charts.display_output(figure, alt_text=f"Chart of your ratings. {summary}."),)
        unrated = f" Not rated: {len(result.unrated)}." if result.unrated else ""
        html = feedback_box("info", f"<p>{escape(summary)}.{unrated}</p>", title="Your ratings")
        return html, {"ratings": {item: value for item, _text, value in result.ratings}}

    def _restore(self, answer: Any) -> None:
        for item_id, value in answer["ratings"].items():
            if item_id in self.ratings:
                self.ratings[item_id].value = value


class ReflectionView(ExerciseView):
    question: ReflectionQuestion
    check_label = "Save reflection"

    def _build(self) -> list[ipw.Widget]:
        self.text = ipw.Textarea(
            value="",
            placeholder="Write your reflection here. It is saved when you press Save or leave the box.",
            description="Your reflection:",
            rows=6,
            continuous_update=False,
            style=_LABEL_STYLE,
            layout=_FULL,
        )
        self.text.observe(lambda _change: self._on_check(), names="value")
        self.model_button = ipw.Button(
            description="Compare with a model answer",
            tooltip=f"Show a model answer for exercise {self.question.id}",
            layout=ipw.Layout(width="auto", display=None if self.question.model_answer else "none"),
        )
        self.model_button.on_click(lambda _button: self._on_model_answer())
        return [self.text]

    def _extra_buttons(self) -> list[ipw.Button]:
        return [self.model_button]

    feedback_says_saved = True

    def _grade(self) -> tuple[str, Any] | None:
        result = grading.check_reflection(self.text.value)
        if not result.words:
            self.feedback.value = notice("warning", "Write something first; your reflection is private to you.")
            return None
        html = feedback_box("info", f"<p>{result.words} word{'s' if result.words != 1 else ''} saved.</p>", title="Saved.")
        return html, {"text": result.text}

    def _restore(self, answer: Any) -> None:
        self.text.value = str(answer["text"])

    def _on_model_answer(self) -> None:
        result = grading.check_reflection(self.text.value)
        if not result.can_reveal_model_answer or not self.question.model_answer:
            self.extra.value = notice("info", "Write your own reflection first, then compare it with the model answer.")
            return
        self._on_check()
        self.extra.value = feedback_box("info", markdown(self.question.model_answer), title="A model answer")


_VIEWS: dict[str, Callable[..., ExerciseView]] = {
    "single_choice": SingleChoiceView,
    "multiple_choice": MultipleChoiceView,
    "numeric": NumericView,
    "categorise": CategoriseView,
    "likert": LikertView,
    "reflection": ReflectionView,
}


def view_for(
    question: Question,
    *,
    store: AnswerStore | None,
    store_problem: str | None = None,
    on_saved: Callable[[], None] | None = None,
) -> ExerciseView:
    """The view that fits ``question.type``; ``on_saved`` is called after each answer is in the store."""
    return _VIEWS[question.type](question, store=store, store_problem=store_problem, on_saved=on_saved)
