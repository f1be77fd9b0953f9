"""Progress at the top of a chapter, the "continue where you left off" panel of chapter 00, and link following.

Both panels read the learner's answers file through :mod:`widgets.storage.store` and
render with :mod:`widgets.logic.progress`; :class:`~widgets.views.chapter.Chapter`
refreshes them whenever one of its exercises saves an answer. A store problem becomes
a message in the panel, never a traceback.
"""

from __future__ import annotations

import anywidget
import ipywidgets as ipw

from ..content.exercises import ExerciseFile, all_chapters
from ..content.loading import data_path
from ..logic.markup import escape, notice
from ..logic.progress import PROGRESS_STYLE, chapter_done, continue_html, progress_html
from ..storage.store import AnswerStore, StoreError

__all__ = ["ChapterProgressView", "ContinueView", "FollowLink", "chapter_stems", "follow_link"]


class FollowLink(anywidget.AnyWidget):
    """Scrolls a Voilà page to the target of the link that opened it (``page.ipynb#Some-term``), and focuses it.

    Voilà builds its page after the browser has looked for the ``#target``, so the browser
    never scrolls there itself. This invisible widget does, once the page is built (it
    retries for a few seconds while later cells appear). In JupyterLab, which follows
    such links itself, it does nothing.
    """

    _esm = """
    function render({ el }) {
      el.setAttribute("aria-hidden", "true");
      const id = decodeURIComponent(window.location.hash.slice(1));
      if (!id || !document.querySelector("#rendered_cells")) return;
      let tries = 60;
      const go = () => {
        const target = document.getElementById(id);
        if (target && target.getBoundingClientRect().height > 0) {
          target.scrollIntoView({ block: "start" });
          // Keyboard users carry on from the target: focus it (a heading, so no focus ring is drawn).
          if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); target.style.outline = "none"; }
          target.focus({ preventScroll: true });
        } else if (tries-- > 0) {
          setTimeout(go, 100);
        }
      };
      setTimeout(go, 0);
    }
    export default { render };
    """


def follow_link() -> ipw.Widget:
    """An invisible widget that takes a Voilà page to the ``#target`` of the link that opened it."""
    return FollowLink()


def chapter_stems() -> dict[str, str]:
    """Each chapter number's notebook name without ``.ipynb`` (its exercise file has the same name)."""
    return {path.stem[:2]: path.stem for path in sorted(data_path("exercises").glob("[0-9][0-9]-*.yaml"))}


class ChapterProgressView:
    """"n of m exercises done" for one chapter, with a bar; :meth:`refresh` reads the store again."""

    def __init__(self, chapter: ExerciseFile, store: AnswerStore | None, store_problem: str | None = None) -> None:
        self.chapter, self.store, self.store_problem = chapter, store, store_problem
        self.html = ipw.HTML("")
        self.container = ipw.VBox([ipw.HTML(PROGRESS_STYLE), self.html, FollowLink()])
        self.container.add_class("rw-progress-panel")
        self.refresh()

    def refresh(self) -> None:
        if self.store is None:
            self.html.value = notice("warning", f"Progress cannot be shown: {self.store_problem or 'the answers file could not be opened.'}")
            return
        try:
            answers = self.store.all_latest()
        except StoreError as error:
            self.html.value = notice("warning", f"Progress cannot be shown: {error}")
            return
        self.html.value = progress_html(chapter_done(answers, self.chapter))


class ContinueView:
    """The chapter and exercise last worked on, linked; :meth:`refresh` reads the store again."""

    def __init__(self, store: AnswerStore | None, store_problem: str | None = None) -> None:
        self.store, self.store_problem = store, store_problem
        self.html = ipw.HTML("")
        self.container = ipw.VBox([self.html])
        self.container.add_class("rw-continue")
        self.refresh()

    def refresh(self) -> None:
        if self.store is None:
            reason = self.store_problem or "The answers file could not be opened."
            self.html.value = notice("warning", f"The workbook cannot tell where you left off. {reason}")
            return
        chapters, problems = all_chapters()
        try:
            history = self.store.all_history()
        except StoreError as error:
            self.html.value = notice("warning", f"The workbook cannot tell where you left off: {error}")
            return
        html = continue_html(history, chapters, chapter_stems())
        if problems:
            html += f'<p class="rw-id">{escape(str(len(problems)))} exercise file(s) could not be read and are left out.</p>'
        self.html.value = html
