"""Progress within a chapter, and where a learner left off (pure: answers in, counts and HTML out).

An exercise counts as done once an answer to it is saved (right or not, as the
portfolio counts it). Saved activities that are not exercises (case vignettes,
language labs) and answers to questions no longer in the content are not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..content.exercises import ExerciseFile
from .markup import escape, feedback_box
from .records import SavedAnswer

__all__ = [
    "PROGRESS_STYLE",
    "ChapterDone",
    "LastWorked",
    "chapter_done",
    "continue_html",
    "exercise_anchor",
    "last_worked",
    "progress_html",
]

PROGRESS_STYLE = """<style>
.rw-progress { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3rem 0.8rem; margin: 0.4rem 0;
  font-size: var(--jp-content-font-size1, 14px); line-height: 1.5; }
.rw-progress-bar { display: inline-block; width: 12rem; max-width: 100%; height: 0.8rem; border: 1px solid #767676;
  border-radius: 3px; background: transparent; overflow: hidden; }
.rw-progress-bar > span { display: block; height: 100%; background: #0072b2; }
</style>"""
"""The progress line: the count in words, then a bar (Okabe-Ito blue in a grey-bordered box, on light and dark pages alike) that repeats it."""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class ChapterDone:
    """How many of one chapter's exercises have a saved answer."""

    chapter: str
    title: str
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    @property
    def label(self) -> str:
        """``"3 of 11 exercises done"``."""
        return f"{self.done} of {_plural(self.total, 'exercise')} done"


def chapter_done(answers: Iterable[SavedAnswer], chapter: ExerciseFile) -> ChapterDone:
    """How many of ``chapter``'s exercises have an answer in ``answers``.

    >>> from widgets.content import load_exercises
    >>> chapter = load_exercises("01-understanding-recovery")
    >>> saved = [SavedAnswer(q, "x", {}, "2026-01-01T00:00:00+00:00") for q in ("01.1", "01.1", "01.2", "02.1", "vignette")]
    >>> chapter_done(saved, chapter).label
    '2 of 11 exercises done'
    """
    answered = {saved.question_id for saved in answers}
    done = sum(question.id in answered for question in chapter.questions)
    return ChapterDone(chapter.chapter, chapter.title, done, len(chapter.questions))


def progress_html(done: ChapterDone) -> str:
    """The progress line at the top of a chapter: the count in words (read out when it changes) and a bar."""
    share = 0 if done.total == 0 else round(100 * done.done / done.total)
    finished = " All of this chapter's exercises have an answer." if done.complete else ""
    return (
        f'<div class="rw-progress" role="status" aria-live="polite">'
        f"<span><strong>Your progress:</strong> {escape(done.label)} in this chapter.{finished}</span>"
        f'<span class="rw-progress-bar" aria-hidden="true"><span style="width:{share}%"></span></span>'
        f"</div>"
    )


@dataclass(frozen=True)
class LastWorked:
    """The exercise a learner last answered, and when."""

    chapter: str
    question_id: str
    saved_at: str


def last_worked(history: Sequence[SavedAnswer], chapters: Mapping[str, ExerciseFile]) -> LastWorked | None:
    """The exercise answered most recently in ``history`` (all rows, oldest first), or ``None`` if there is none.

    "Most recently" goes by the time an answer was saved, so an answer imported later
    with an older time does not count as the latest; rows saved at the same moment go by order.

    >>> from widgets.content import load_exercises
    >>> chapters = {"01": load_exercises("01-understanding-recovery")}
    >>> rows = [SavedAnswer("01.4", "x", {}, "2026-01-02T00:00:00+00:00"), SavedAnswer("01.2", "x", {}, "2025-01-01T00:00:00+00:00")]
    >>> last_worked(rows, chapters)
    LastWorked(chapter='01', question_id='01.4', saved_at='2026-01-02T00:00:00+00:00')
    """
    owner = {question.id: number for number, chapter in chapters.items() for question in chapter.questions}
    rows = [(saved.saved_at, order, saved) for order, saved in enumerate(history) if saved.question_id in owner]
    if not rows:
        return None
    _at, _order, saved = max(rows, key=lambda row: (row[0], row[1]))
    return LastWorked(owner[saved.question_id], saved.question_id, saved.saved_at)


def exercise_anchor(question_id: str) -> str:
    """The id of an exercise on its chapter's page: ``exercise-01-4``."""
    return "exercise-" + question_id.replace(".", "-")


def _when(saved_at: str) -> str:
    return saved_at.replace("T", " ")[:16] + " UTC"


def _link(stem: str, text: str, *, anchor: str | None = None) -> str:
    target = f"{stem}.ipynb" + (f"#{anchor}" if anchor else "")
    return f'<a href="{escape(target)}" style="text-decoration: underline;">{escape(text)}</a>'


def continue_html(
    answers: Sequence[SavedAnswer],
    chapters: Mapping[str, ExerciseFile],
    stems: Mapping[str, str],
) -> str:
    """Where to carry on: the chapter and exercise last worked on, with a link; a plain start when nothing is saved.

    ``answers`` is every row of the answers file, oldest first; ``stems`` maps a chapter
    number to its notebook's name without ``.ipynb`` (``"01"`` -> ``"01-understanding-recovery"``).
    Links are relative, so they work beside the chapters in JupyterLab and in Voilà.
    """
    order = [number for number in sorted(chapters) if number in stems]
    last = last_worked(answers, {number: chapters[number] for number in order})
    if last is None:
        first = next((number for number in order if number != "00"), None)
        onward = (
            f" When you have read this chapter, go on to {_link(stems[first], f'{first} · {chapters[first].title}')}."
            if first
            else ""
        )
        return feedback_box(
            "info",
            "<p>Nothing is saved yet, so there is no place to continue from: start with this chapter. "
            f"Once you answer an exercise, this panel links back to the last one you worked on.{onward}</p>",
            title="Continue where you left off",
        )
    chapter = chapters[last.chapter]
    done = chapter_done(answers, chapter)
    name = f"{last.chapter} · {chapter.title}"
    said = (
        f"<p>You last worked on exercise {escape(last.question_id)} in {escape(name)} "
        f"(saved {escape(_when(last.saved_at))}); {escape(done.label)} there.</p>"
    )
    if not done.complete:
        go = _link(stems[last.chapter], f"Continue with exercise {last.question_id} in {name}", anchor=exercise_anchor(last.question_id))
        return feedback_box("info", f"{said}<p>{go}</p>", title="Continue where you left off")
    later = [number for number in order if number > last.chapter and not chapter_done(answers, chapters[number]).complete]
    if later:
        number = later[0]
        go = _link(stems[number], f"Go on to {number} · {chapters[number].title}")
        return feedback_box("info", f"{said}<p>That chapter is finished. {go}</p>", title="Continue where you left off")
    return feedback_box(
        "info",
        f"{said}<p>That chapter is finished, and so is every chapter after it. "
        f"{_link(stems[last.chapter], f'Back to {name}', anchor=exercise_anchor(last.question_id))}</p>",
        title="Continue where you left off",
    )
