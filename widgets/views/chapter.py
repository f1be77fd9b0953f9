"""One object per notebook: loads the chapter's questions and the answer store once.

A notebook does ``chapter = Chapter("01-understanding-recovery")`` and then one
call per exercise, ``chapter.exercise("01.4")``. Problems with the content file
or the answers file become a clear message in the page, never a traceback.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import ipywidgets as ipw

from ..content.exercises import ExerciseFile, all_chapters, load_exercises
from ..content.loading import ContentError
from ..logic.attempts import with_tries
from ..logic.markup import STYLE, escape, feedback_box, notice
from ..logic.portfolio import damaged_rows_text, export_markdown
from ..storage.store import (
    ENV_VAR,
    AnswerStore,
    StoreError,
    default_db_path,
    open_store,
)
from .exercises import ExerciseView, view_for
from .progress import ChapterProgressView, ContinueView

__all__ = ["Chapter", "StoragePanel"]


class StoragePanel:
    """Where answers are kept, the pseudonymous learner id, and the Markdown export (the same reflective log as the portfolio's)."""

    def __init__(self, store: AnswerStore | None, store_problem: str | None) -> None:
        self.store = store
        path = store.path if store else default_db_path()
        if store is None:
            where = notice("error", store_problem or "The answers file could not be opened.")
        else:
            where = feedback_box(
                "info",
                f"<p>Your answers are saved in <code>{escape(str(path))}</code> on this computer.</p>"
                f"<p>Your pseudonymous learner id is <code>{escape(store.learner_id)}</code>. "
                "It is random and is not linked to your name.</p>"
                f"<p>To keep answers elsewhere, set the environment variable <code>{ENV_VAR}</code> "
                "to a file path before starting JupyterLab.</p>",
                title="Where your answers are kept",
            )
        self.info = ipw.HTML(where)
        self.include_id = ipw.Checkbox(value=False, description="Include my learner id in the export", indent=False)
        self.export_button = ipw.Button(
            description="Prepare my export", tooltip="Prepare a Markdown file of your saved answers"
        )
        self.export_button.on_click(lambda _button: self._on_export())
        self.export_button.disabled = store is None
        self.link = ipw.HTML("")
        self.container = ipw.VBox([ipw.HTML(STYLE), self.info, self.include_id, self.export_button, self.link])
        self.container.add_class("rw-exercise")

    def export_markdown(self) -> str:
        if self.store is None:
            raise StoreError("There is no answers file to export from.")
        chapters, _problems = all_chapters()
        learner_id = self.store.learner_id if self.include_id.value else None
        answers = with_tries(self.store.all_latest(), self.store.all_history(), chapters)
        return export_markdown(answers, chapters, learner_id=learner_id)  # the one Markdown export: the reflective log

    def _on_export(self) -> None:
        try:
            text = self.export_markdown()
        except StoreError as error:
            self.link.value = notice("error", str(error))
            return
        payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
        count = sum(1 for line in text.splitlines() if line.startswith("### "))
        self.link.value = feedback_box(
            "info",
            f'<p><a download="my-recovery-workbook-answers.md" href="data:text/markdown;charset=utf-8;base64,{payload}">'
            f"Download my answers (Markdown, {count} answer{'s' if count != 1 else ''})</a></p>",
            title="Your export is ready",
        )
        damaged = damaged_rows_text(self.store.damaged_rows()) if self.store is not None else ""
        if damaged:  # the export left out rows that cannot be read: say so, as chapter 09 does
            self.link.value += notice("warning", damaged)


class Chapter:
    """The exercises of one notebook, bound to the learner's answer store.

    Parameters
    ----------
    stem
        The notebook's file name without ``.ipynb``; its questions are in
        ``data/exercises/<stem>.yaml``.
    db_path
        The answers file; default ``$RECOVERY_WORKBOOK_DB`` or a per-user file.
    """

    def __init__(self, stem: str, *, db_path: Path | str | None = None) -> None:
        self.stem = stem
        self.content_problem: str | None = None
        self.exercises: ExerciseFile | None = None
        try:
            self.exercises = load_exercises(stem)
        except ContentError as error:
            self.content_problem = str(error)
        self.store, self.store_problem = open_store(db_path)
        self.views: dict[str, ExerciseView] = {}
        self.panels: list[ChapterProgressView | ContinueView] = []
        """The progress and continue panels shown so far; each refreshes when an exercise saves an answer."""

    def view(self, question_id: str) -> ExerciseView:
        """Build (or rebuild) the view of one exercise."""
        if self.exercises is None:
            raise ContentError(self.content_problem or f"no exercises for {self.stem}")
        question = self.exercises.question(question_id)
        self.views[question_id] = view_for(
            question, store=self.store, store_problem=self.store_problem, on_saved=self._answer_saved
        )
        return self.views[question_id]

    def _answer_saved(self) -> None:
        for panel in self.panels:
            panel.refresh()

    def progress(self) -> ipw.Widget:
        """"n of m exercises done" in this chapter, updated as exercises are answered.

        It also takes a Voilà page to the exercise or term a link pointed at (``#exercise-01-4``).
        """
        if self.exercises is None:
            return ipw.HTML(notice("error", f"Progress cannot be shown: {self.content_problem}"))
        panel = ChapterProgressView(self.exercises, self.store, self.store_problem)
        self.panels.append(panel)
        return panel.container

    def continue_link(self) -> ipw.Widget:
        """The chapter and exercise last worked on, as a link (chapter 00), or where to start if nothing is saved."""
        panel = ContinueView(self.store, self.store_problem)
        self.panels.append(panel)
        return panel.container

    def exercise(self, question_id: str) -> ipw.Widget:
        """The widget of one exercise, or a clear message if it cannot be shown."""
        try:
            return self.view(question_id).container
        except ContentError as error:
            message = f"This exercise cannot be shown because its content file has a problem. {error}"
        except KeyError as error:
            message = f"This exercise cannot be shown: {error.args[0]}"
        return ipw.HTML(notice("error", message))

    def storage_panel(self) -> ipw.Widget:
        """Where answers are saved, the learner id, and an export button."""
        return StoragePanel(self.store, self.store_problem).container

    def vignette(self, vignette_id: str) -> ipw.Widget:
        """A branching case vignette from ``data/vignettes/<vignette_id>.yaml``; the path taken is saved."""
        from ..content.vignettes import load_vignette
        from .vignettes import VignetteView

        return self._shown(
            lambda: VignetteView(load_vignette(vignette_id), store=self.store, store_problem=self.store_problem).container,
            f"vignette {vignette_id!r}",
        )

    def language_lab(self, lab_id: str) -> ipw.Widget:
        """Rewrite care-plan sentences and check them against the recovery-language lexicon."""
        from ..content.language import load_labs
        from .language import LanguageLab

        return self._shown(
            lambda: LanguageLab(load_labs()[lab_id], store=self.store, store_problem=self.store_problem).container,
            f"language lab {lab_id!r}",
        )

    def language_checker(self) -> ipw.Widget:
        """Check any text against the recovery-language lexicon."""
        from .language import LanguageChecker

        return self._shown(lambda: LanguageChecker().container, "the language checker")

    def evidence_chart(self, figure_id: str) -> ipw.Widget:
        """A chart of trial figures from ``data/evidence/figures.yaml``, with its table and sources."""
        from .evidence import evidence_chart

        return self._shown(lambda: evidence_chart(figure_id), f"figure {figure_id!r}")

    @staticmethod
    def _shown(build: Callable[[], ipw.Widget], what: str) -> ipw.Widget:
        """The widget ``build`` makes, or a clear message naming ``what`` if its data has a problem.

        Only the errors the content loaders raise (:class:`ContentError` and its kinds, the
        language checker's :class:`LexiconError`) and an unknown id become a notice; any other
        error is a bug and is raised, not shown as "the data has a problem".
        """
        from ..content.language import LexiconError

        try:
            return build()
        except KeyError as error:
            return ipw.HTML(notice("error", f"Cannot show {what}: no such entry ({error.args[0]})."))
        except (ContentError, LexiconError) as error:  # a content file's problem, in words; a bug still raises
            return ipw.HTML(notice("error", f"Cannot show {what}: {error}"))
