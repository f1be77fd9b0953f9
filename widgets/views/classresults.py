"""The lecturer's class-results board (the view): drop class answers files, read the per-question results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import ipywidgets as ipw

from ..content.exercises import (
    ExerciseFile,
    all_chapters,
)
from ..content.loading import ContentError
from ..logic.classresults.aggregate import REFLECTION_NOTE, ClassResults, class_results
from ..logic.classresults.html import results_html, skipped_details_html, skipped_summary_html, summary_html
from ..logic.classresults.reading import MAX_CLASS_BYTES, MAX_CLASS_FILES, ClassBatch, read_class_files
from ..logic.classresults.synthetic import (
    CLASS_SEED,
    SYNTHETIC_CLASS_LABEL,
    synthetic_class_files,
)
from ..logic.markup import STYLE, notice
from ..logic.portfolio import (
    MAX_IMPORT_BYTES,
    PortfolioError,
)

__all__ = ["ClassResultsView", "class_results_board"]


# ----------------------------------------------------------------------------- the view

_BOARD_CSS = """<style>
.rw-exercise.rw-class-results { max-width: 72rem; }
.rw-exercise.rw-class-results .widget-html-content, .rw-exercise.rw-class-results .widget-label,
.rw-exercise.rw-class-results button, .rw-exercise.rw-class-results select {
  font-size: max(var(--jp-content-font-size1, 14px), 18px); line-height: 1.45; }
.rw-class-results .widget-upload { width: auto; }
.rw-class-results .widget-html, .rw-class-results .widget-html-content { min-width: 0; max-width: 100%; }
.rw-class-results .widget-html-content { overflow-wrap: break-word; }
.rw-class-results h2 { font-size: 1.35em; margin: 1.2rem 0 0.4rem 0; border-bottom: 2px solid currentColor; }
.rw-class-results h3 { font-size: 1.15em; margin: 1rem 0 0.2rem 0; }
.rw-cr-type { font-weight: normal; }
.rw-cr-question { margin: 0.4rem 0 1.4rem 0; }
.rw-cr-prompt { margin: 0.2rem 0; }
.rw-cr-stats, .rw-cr-wrong, .rw-cr-note { margin: 0.25rem 0; }
.rw-cr-spread, .rw-cr-matrix { border-collapse: collapse; margin: 0.4rem 0; }
.rw-cr-spread { width: 100%; }
.rw-cr-spread caption, .rw-cr-matrix caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
.rw-cr-spread th, .rw-cr-spread td, .rw-cr-matrix th, .rw-cr-matrix td {
  border-bottom: 1px solid #888; padding: 0.3rem 0.5rem; text-align: left; vertical-align: middle; }
.rw-cr-spread th[scope="row"] { font-weight: normal; width: 48%; }
.rw-cr-matrix th[scope="row"] { font-weight: normal; min-width: 10em; max-width: 22em; }
.rw-cr-matrix { font-size: 0.9em; }
.rw-cr-matrix thead th { vertical-align: bottom; min-width: 4em; font-size: 0.85em; hyphens: auto; }
.rw-cr-matrix td { text-align: center; }
.rw-cr-keycell { outline: 3px solid #0072B2; outline-offset: -3px; }
.rw-cr-scroll { overflow-x: auto; }
.rw-cr-bararea { display: inline-block; width: 55%; height: 1.1em; vertical-align: middle; }
.rw-cr-bar { display: block; height: 1.1em; min-width: 2px; }
.rw-cr-right { background: #0072B2; }
.rw-cr-other { background: #D55E00; }
.rw-cr-none { background: #6a6a6a; }
body.theme-dark .rw-cr-none { background: #9a9a9a; } /* 3:1 and more on the dark page, as #6a6a6a is on white */
.rw-cr-swatch { display: inline-block; width: 1.4em; height: 0.8em; vertical-align: middle; }
.rw-cr-count { font-weight: 600; }
.rw-cr-pct { font-weight: normal; font-size: 0.85em; }
.rw-cr-key, .rw-cr-wrongmark { font-weight: 700; white-space: nowrap; }
.rw-cr-synthetic { font-weight: 700; border: 2px dashed currentColor; padding: 0.3rem 0.6rem; }
.rw-cr-details { margin: 0.3rem 0; }
.rw-cr-details > summary { cursor: pointer; font-weight: 600; padding: 0.2rem 0; }
.rw-cr-details > summary:focus-visible { outline: 3px solid var(--jp-brand-color1, #1976d2); outline-offset: 2px; }
</style>"""


def _megabytes(count: int) -> str:
    return f"{count / 1_000_000:g} MB"


_INTRO = (
    "<p>Add your students' anonymised <em>class answers files</em> (chapter 09, \u201cPrepare a class answers "
    "file\u201d) or reflective logs, many at once; each batch joins the files on the board. Files are read in memory "
    "here and not saved.</p>"
)


_LIMITS = (
    f'<p class="rw-cr-limits"><strong>Limits:</strong> each file up to {_megabytes(MAX_IMPORT_BYTES)}; up to '
    f"{MAX_CLASS_FILES} files and {_megabytes(MAX_CLASS_BYTES)} on the board in all. A choice past a limit is "
    "refused in the browser before it is sent.</p>"
)


_ABOUT = (
    '<details class="rw-cr-details"><summary>What the board checks (a check-sum finds damage; it is not a '
    "signature), and privacy</summary>"
    "<p>Each file carries a check-sum of its answers, which finds a file damaged on the way or changed by mistake. "
    "It is not a signature: anyone can change the answers in a file and make its check-sum match again, so the board "
    "is for discussion, not assessment. Each answer is also checked against its question (an option it has, a "
    "rating on its scale, a number to its precision, a time not in the future); an answer that fails is left out "
    "and counted. Files that cannot be used are counted on the board and named under \u201cDetails for the "
    "lecturer\u201d, which stays closed until you open it.</p>"
    f"<p><strong>Privacy:</strong> {escape(REFLECTION_NOTE)}</p></details>"
)


_SHOW_KEY, _HIDE_KEY = "Show the answer key", "Hide the answer key"


class ClassResultsView:
    """The class-results board: upload many answers files (or show a synthetic class) and see per-question results.

    Parameters
    ----------
    chapters, content_problems
        Exercise files by chapter number and the problems of those that did not
        load; default :func:`widgets.content.exercises.all_chapters`.
    """

    def __init__(
        self, *, chapters: Mapping[str, ExerciseFile] | None = None, content_problems: Sequence[str] = ()
    ) -> None:
        if chapters is None:
            chapters, content_problems = all_chapters()
        self.chapters = dict(chapters)
        self.uploads: list[tuple[str, bytes]] = []
        self.synthetic = False
        self.batch = ClassBatch((), ())
        self.results: ClassResults | None = None
        self.problems = ipw.HTML(
            "".join(notice("warning", f"Some chapters' questions could not be read: {p}") for p in content_problems)
        )
        self.upload = ipw.FileUpload(
            accept=".md,.html", multiple=True, description="Add answers files", layout=ipw.Layout(width="auto"),
            tooltip=(
                "Choose students' class answers files or reflective logs (.md or .html); many at once, "
                f"each up to {_megabytes(MAX_IMPORT_BYTES)}"
            ),
        )  # fmt: skip
        self.upload.add_class(f"max-file-bytes-{MAX_IMPORT_BYTES}")
        self._byte_class = ""
        self.upload.observe(self._on_upload, names="value")
        self.example_button = ipw.Button(
            description="Show a synthetic example class", layout=ipw.Layout(width="auto"),
            tooltip="Replace the board with a made-up class of fictional students (SYNTHETIC)",
        )  # fmt: skip
        self.example_button.on_click(lambda _button: self.show_example())
        self.clear_button = ipw.Button(
            description="Clear", tooltip="Remove every file from the board", layout=ipw.Layout(width="auto")
        )
        self.clear_button.on_click(lambda _button: self.clear())
        self.summary = ipw.HTML()
        self.skipped = ipw.HTML()
        self.skipped_details = ipw.HTML()
        self.note = ipw.HTML()
        self.key_shown = False
        self.key_button = ipw.Button(
            description=_SHOW_KEY, layout=ipw.Layout(width="auto"),
            tooltip="Mark the right answers on the board (hidden until you press this)",
        )  # fmt: skip
        self.key_button.add_class("rw-cr-keybutton")
        self.key_button.on_click(lambda _button: self.show_key(not self.key_shown))
        self.chapter = ipw.Dropdown(
            description="Chapter:", options=self._chapter_options(), value="all",
            style={"description_width": "initial"}, layout=ipw.Layout(width="auto"),
        )  # fmt: skip
        self._updating = False
        self.chapter.observe(lambda _change: None if self._updating else self._show_results(), names="value")
        self.board = ipw.HTML()
        self.container = ipw.VBox(
            [
                ipw.HTML(STYLE + _BOARD_CSS), self.problems, ipw.HTML(_INTRO),
                ipw.HBox([self.upload, self.example_button, self.clear_button]), ipw.HTML(_LIMITS),
                self.summary, self.note, self.skipped, self.skipped_details, ipw.HTML(_ABOUT),
                ipw.HBox([self.chapter, self.key_button]), self.board,
            ]
        )  # fmt: skip
        self.container.add_class("rw-exercise")
        self.container.add_class("rw-class-results")
        self._render()

    def show_key(self, shown: bool = True) -> None:
        """Show (or hide again) the answer key: the right answers, counts correct and the most common wrong answers."""
        self.key_shown = bool(shown)
        self.key_button.description = _HIDE_KEY if self.key_shown else _SHOW_KEY
        self._show_results()

    def _limit_upload(self) -> None:
        """Tell the browser how many bytes one choice may still hold (the upload-limit script reads the class)."""
        used = 0 if self.synthetic else sum(len(content) for _name, content in self.uploads)
        room = max(0, MAX_CLASS_BYTES - used)
        wanted = f"max-bytes-{room}"
        if wanted != self._byte_class:
            if self._byte_class:
                self.upload.remove_class(self._byte_class)
            self.upload.add_class(wanted)
            self._byte_class = wanted

    def _chapter_options(self) -> list[tuple[str, str]]:
        options = [("All chapters", "all")]
        for number in sorted(self.chapters):
            title = self.chapters[number].title
            answered = ""
            if self.results is not None and self.results.files:
                count = sum(1 for q in self.results.chapter(number) if q.answered)
                answered = f" ({count} of {len(self.chapters[number].questions)} questions answered)"
            options.append((f"{number} · {title}{answered}", number))
        return options

    def add_files(self, files: Sequence[tuple[str, bytes]]) -> None:
        """Add uploaded ``(name, content)`` files to the board (replacing the synthetic class, if shown)."""
        if self.synthetic:
            self.uploads, self.synthetic = [], False
        self.uploads.extend((str(name), bytes(content)) for name, content in files)
        self._render()

    def show_example(self) -> None:
        """Replace the board with the seeded synthetic class (40 fictional students)."""
        try:
            example = synthetic_class_files(40, CLASS_SEED, chapters=self.chapters)
        except (ContentError, ValueError) as error:
            self.summary.value = notice("error", f"The synthetic class could not be made: {error}")
            return
        self.uploads, self.synthetic = list(example), True
        self.upload.value = ()
        self._render()

    def clear(self) -> None:
        """Remove every file from the board (and hide the answer key again, for the next class)."""
        self.uploads, self.synthetic = [], False
        self.upload.value = ()
        self.key_shown = False
        self.key_button.description = _SHOW_KEY
        self._render()

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        try:
            received = [(str(f.get("name", "")), bytes(f.get("content", b""))) for f in files]
        except (TypeError, ValueError, AttributeError) as error:
            self.upload.value = ()
            self.summary.value = notice("error", f"The chosen files could not be received ({error}). Try again.")
            return
        # The value is kept (not emptied), so the button's counter, "Add answers files (N)", shows the files just added.
        self.add_files(received)

    def _render(self) -> None:
        first_results = self.results is None
        try:
            self.batch = read_class_files(self.uploads)
            self.results = class_results(self.batch.files, self.chapters) if self.batch.files else None
        except (PortfolioError, ContentError, ValueError, TypeError, KeyError) as error:
            self.batch, self.results = ClassBatch((), ()), None
            self.summary.value = notice("error", f"The files could not be shown on the board: {error}")
            self.skipped.value = self.skipped_details.value = self.note.value = self.board.value = ""
            self._limit_upload()
            return
        self._limit_upload()
        self.summary.value = summary_html(self.batch, self.results, synthetic=self.synthetic)
        self.skipped.value = skipped_summary_html(self.batch.skipped)
        self.skipped_details.value = skipped_details_html(self.batch.skipped)
        self.note.value = (
            f'<p class="rw-cr-synthetic" role="note">{escape(SYNTHETIC_CLASS_LABEL)}</p>' if self.synthetic else ""
        )
        current = self.chapter.value
        options = self._chapter_options()
        if first_results and self.results is not None:
            current = next((n for n in sorted(self.chapters) if any(q.answered for q in self.results.chapter(n))), "all")
        self._updating = True
        try:
            self.chapter.options = options
            self.chapter.value = current if current in {value for _label, value in options} else "all"
        finally:
            self._updating = False
        self.chapter.disabled = self.key_button.disabled = self.results is None
        self.clear_button.disabled = not self.uploads
        self._show_results()

    def _show_results(self) -> None:
        if self.results is None:
            self.board.value = ""
            return
        chosen = None if self.chapter.value == "all" else self.chapter.value
        self.board.value = results_html(self.results, chosen, key_shown=self.key_shown)


def class_results_board() -> ipw.Widget:
    """The class-results board (one call per notebook cell)."""
    return ClassResultsView().container
