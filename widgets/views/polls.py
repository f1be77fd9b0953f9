"""Live class polls: the student's voting view, the lecturer's board, and the CHIME explorer."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Literal

import anywidget
import ipywidgets as ipw
import traitlets

from ..content.polls import ChimeFile, Poll, PollError, load_chime, load_polls
from ..content.vignettes import Frameworks, VignetteError, load_frameworks
from ..logic.markup import STYLE, escape, feedback_box, notice
from ..logic.polls import PollOption, poll_options, tally_html
from ..storage.classstore import (
    ClassStore,
    ClassStoreError,
    PollClosed,
    WrongCode,
    valid_voter_id,
)
from .ticker import REFRESH_SECONDS, TICKER, close_tree

__all__ = ["REFRESH_SECONDS", "BrowserId", "PollBoard", "PollView", "chime_explorer", "poll_board"]




MAX_WRONG_CODES = 5






_POLL_CSS = """<style>
.rw-tally-table { width: 100%; max-width: 54rem; }
.rw-tally-table th[scope="row"] { width: 40%; font-weight: 500; }
.rw-bar-cell { width: 40%; }
.rw-bar { height: 1.1em; min-width: 2px; background: #0072B2; border: 1px solid #003f63; }
.rw-count { white-space: nowrap; }
.rw-poll-state { font-size: 1.1em; }
.rw-board-question { font-size: 1.6em; font-weight: 600; line-height: 1.3; margin: 0.4rem 0; }
.rw-chime-letter { font-size: 2em; font-weight: 700; margin-right: 0.4rem; }
.rw-hidden-id { display: none; }
</style>"""


# --------------------------------------------------------------------------- browser id


class BrowserId(anywidget.AnyWidget):
    """A random voter id kept in the browser's local storage, sent to the kernel when the page shows it."""

    _esm = """
    const KEY = "recovery-workbook-voter";
    function fresh() {
      const bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    }
    function render({ model, el }) {
      let id = "";
      try {
        id = localStorage.getItem(KEY) || "";
        if (!/^[0-9a-f]{32}$/.test(id)) { id = fresh(); localStorage.setItem(KEY, id); }
      } catch (error) {
        id = "";
      }
      if (id) { model.set("browser_id", id); model.save_changes(); }
      el.setAttribute("aria-hidden", "true");
    }
    export default { render };
    """
    browser_id = traitlets.Unicode("").tag(sync=True)


# --------------------------------------------------------------------------- refreshing


@lru_cache(maxsize=2)
def _shared_store(url: str | None) -> ClassStore:
    return ClassStore(url)


def open_class_store(url: str | None = None) -> tuple[ClassStore | None, str | None]:
    """The kernel's class store, or ``(None, message)`` saying why it cannot be used."""
    try:
        return _shared_store(url), None
    except ClassStoreError as error:
        return None, f"The class poll is not available: {error}"


# --------------------------------------------------------------------------- student's vote


class PollView:
    """One poll for a student: choose, vote, change the vote; the class totals appear once you have voted."""

    def __init__(self, poll: Poll, options: Sequence[PollOption], store: ClassStore | None, problem: str | None = None) -> None:
        self.poll, self.options, self.store = poll, tuple(options), store
        self._kernel_voter = uuid.uuid4().hex
        self.browser = BrowserId(layout=ipw.Layout(width="0px", height="0px"))
        self.browser.add_class("rw-hidden-id")
        self.choice = ipw.RadioButtons(
            options=[(option.label, option.id) for option in self.options],
            value=None,
            description="Your vote",
            layout=ipw.Layout(width="auto"),
            style={"description_width": "initial"},
        )
        self.vote_button = ipw.Button(description="Vote", button_style="primary", tooltip="Send your vote; you can change it")
        self.status = ipw.HTML(notice("error", problem) if problem else "")
        self.tally = ipw.HTML()
        self._voted = False
        self.vote_button.on_click(lambda _button: self.cast())
        self.browser.observe(lambda _change: self.restore(), names="browser_id")
        header = ipw.HTML(
            f'<p class="rw-board-question">{escape(poll.question)}</p><p>{escape(poll.note)} (Framework: {escape(poll.source)}.)</p>'
        )
        self.container = ipw.VBox([ipw.HTML(_POLL_CSS), header, self.choice, self.vote_button, self.status, self.tally, self.browser])
        self.container.add_class("rw-exercise")
        if store is None:
            self.vote_button.disabled = True
        else:
            self.refresh()
            TICKER.subscribe(self.container, self.refresh)

    def close(self) -> None:
        """Close the view's widgets; its refresh stops with them."""
        close_tree(self.container)

    @property
    def voter_id(self) -> str:
        """The browser's id when it sent a well-formed one, else this kernel's."""
        sent = self.browser.browser_id
        return sent if valid_voter_id(sent) else self._kernel_voter

    def _label(self, choice: str | None) -> str:
        return next((option.label for option in self.options if option.id == choice), "another option")

    def restore(self) -> None:
        """Show the vote this browser already gave in the current round, if any."""
        if self.store is None:
            return
        try:
            mine = self.store.my_vote(self.poll.id, self.voter_id)
        except ClassStoreError as error:
            self.status.value = notice("error", str(error))
            return
        if mine is not None and mine in {option.id for option in self.options}:
            self.choice.value = mine
            self._voted = True
            self.status.value = feedback_box("info", f"<p>Your vote: <strong>{escape(self._label(mine))}</strong>. You can change it while the poll is open.</p>")
        self.refresh()

    def cast(self) -> None:
        """Send the chosen option; the store keeps one vote per voter, the latest."""
        if self.store is None:
            return
        if self.choice.value is None:
            self.status.value = notice("warning", "Choose one option first, then press Vote.")
            return
        try:
            self.store.vote(self.poll.id, self.voter_id, self.choice.value)
        except PollClosed as error:
            self.status.value = notice("warning", str(error))
        except ClassStoreError as error:
            self.status.value = notice("error", f"Your vote was not saved. {error}")
        else:
            self._voted = True
            self.status.value = feedback_box(
                "correct",
                f"<p>Vote saved: <strong>{escape(self._label(self.choice.value))}</strong>. "
                "You can change it while the poll is open; only your latest vote counts.</p>",
                title="Saved.",
            )
        self.refresh()

    def refresh(self) -> None:
        """Re-read the poll: enable voting only while open; show the totals once this voter has voted or the poll closed."""
        if self.store is None:
            return
        try:
            state, counts = self.store.tally(self.poll.id)
        except ClassStoreError as error:
            self.tally.value = notice("error", str(error))
            self.vote_button.disabled = True  # no voting into a store that cannot be read
            return
        self.vote_button.disabled = not state.is_open
        if self._voted or not state.is_open:
            html = tally_html(self.poll, self.options, state, counts)
            if not state.is_open and not self._voted:
                html = notice("info", "The poll is closed. The lecturer opens it when it is time to vote.") + html
        else:
            html = notice("info", "The poll is open. The class totals appear here after you vote.")
        if self.tally.value != html:
            self.tally.value = html


# --------------------------------------------------------------------------- lecturer's board


class PollBoard:
    """The lecturer's board: pick a poll, see the totals live, and open, close or restart it with the lecturer code."""

    def __init__(self, polls: Mapping[str, Poll], frameworks: Frameworks, store: ClassStore | None, problem: str | None = None) -> None:
        self.polls, self.frameworks, self.store = dict(polls), frameworks, store
        self.picker = ipw.Dropdown(
            options=[(poll.question, poll.id) for poll in self.polls.values()],
            description="Poll",
            layout=ipw.Layout(width="100%", max_width="54rem"),
        )
        self.question = ipw.HTML()
        self.tally = ipw.HTML(notice("error", problem) if problem else "")
        self.code = ipw.Password(description="Lecturer code", placeholder="as printed when the dashboards started", style={"description_width": "initial"})
        self.open_button = ipw.Button(description="Open poll", tooltip="Start taking votes")
        self.close_button = ipw.Button(description="Close poll", tooltip="Stop taking votes; the votes are kept")
        self.reset_button = ipw.Button(description="Start a new round", tooltip="Empty totals; earlier votes stay in the store")
        self.message = ipw.HTML()
        self.wrong_codes = 0
        self.open_button.on_click(lambda _b: self.control("open"))
        self.close_button.on_click(lambda _b: self.control("close"))
        self.reset_button.on_click(lambda _b: self.control("reset"))
        self.picker.observe(lambda _change: self.refresh(), names="value")
        controls = ipw.VBox(
            [
                ipw.HTML("<h2>Lecturer controls</h2><p>Students can vote only while a poll is open. A new round empties the totals.</p>"),
                self.code,
                ipw.HBox([self.open_button, self.close_button, self.reset_button]),
                self.message,
            ]
        )
        self.container = ipw.VBox([ipw.HTML(_POLL_CSS), self.picker, self.question, self.tally, controls])
        self.container.add_class("rw-exercise")
        if store is None:
            for button in (self.open_button, self.close_button, self.reset_button):
                button.disabled = True
        else:
            self.refresh()
            TICKER.subscribe(self.container, self.refresh)

    def close(self) -> None:
        """Close the board's widgets; its refresh stops with them."""
        close_tree(self.container)

    @property
    def poll(self) -> Poll:
        return self.polls[self.picker.value]

    def refresh(self) -> None:
        """Re-read the chosen poll's totals and state."""
        poll = self.poll
        question = f'<p class="rw-board-question">{escape(poll.question)}</p><p>{escape(poll.note)}</p>'
        if self.question.value != question:
            self.question.value = question
        if self.store is None:
            return
        try:
            state, counts = self.store.tally(poll.id)
        except ClassStoreError as error:
            self.tally.value = notice("error", str(error))
            return
        html = tally_html(poll, poll_options(poll, self.frameworks), state, counts)
        if self.tally.value != html:
            self.tally.value = html

    def control(self, action: Literal["open", "close", "reset"]) -> None:
        """Open, close or restart the chosen poll if the code is right; a wrong code changes nothing."""
        if self.store is None:
            return
        if self.wrong_codes >= MAX_WRONG_CODES:
            self.message.value = notice("error", "Too many wrong codes on this page. Reload the page to try again.")
            return
        poll_id, code = self.poll.id, self.code.value
        try:
            if action == "reset":
                state = self.store.reset(poll_id, code=code)
                done = f"Round {state.round} started: the totals are empty."
            else:
                state = self.store.set_open(poll_id, action == "open", code=code)
                done = "The poll is open: students can vote." if state.is_open else "The poll is closed; the votes are kept."
        except WrongCode as error:
            self.wrong_codes += 1
            self.message.value = notice("error", str(error))
        except ClassStoreError as error:
            self.message.value = notice("error", str(error))
        else:
            self.message.value = notice("info", done)
        self.refresh()


# --------------------------------------------------------------------------- entry points


def _content() -> tuple[Mapping[str, Poll], Frameworks]:
    return load_polls(), load_frameworks()


def poll_board(url: str | None = None) -> ipw.Widget:
    """The lecturer's live poll board (one call in a dashboard)."""
    try:
        polls, frameworks = _content()
    except (PollError, VignetteError) as error:
        return ipw.HTML(STYLE + notice("error", str(error)))
    store, problem = open_class_store(url)
    return ipw.VBox([ipw.HTML(STYLE), PollBoard(polls, frameworks, store, problem).container])


def _process_html(chime: ChimeFile, frameworks: Frameworks, process_id: str) -> str:
    process = next(p for p in chime.processes if p.id == process_id)
    themes = "".join(f"<li>{escape(theme)}</li>" for theme in process.sub_themes)
    return (
        f'<h2><span class="rw-chime-letter" aria-hidden="true">{process.letter}</span>{escape(frameworks.label(process.id))}</h2>'
        f"<h3>Sub-themes</h3><ul>{themes}</ul>"
        + feedback_box("info", f"<p>{escape(chime.sub_themes_status)}</p>", title="About the sub-themes")
    )


def chime_explorer(url: str | None = None, poll_id: str = "chime-hardest") -> ipw.Widget:
    """The five CHIME processes, one at a time, then a class poll (one call in a dashboard)."""
    try:
        chime, (polls, frameworks) = load_chime(), _content()
        poll = polls[poll_id]
    except (PollError, VignetteError) as error:
        return ipw.HTML(STYLE + notice("error", str(error)))
    except KeyError:
        return ipw.HTML(STYLE + notice("error", f"There is no poll {poll_id!r} in data/class/polls.yaml."))
    picker = ipw.ToggleButtons(
        options=[(f"{p.letter}: {frameworks.label(p.id)}", p.id) for p in chime.processes],
        description="Process",
        style={"button_width": "auto", "description_width": "initial"},
    )
    detail = ipw.HTML(_process_html(chime, frameworks, picker.value))
    picker.observe(lambda change: setattr(detail, "value", _process_html(chime, frameworks, change["new"])), names="value")
    intro = ipw.HTML(f"<p>{escape(chime.about)}</p><p><em>Source:</em> {escape(chime.source)}</p>")
    beyond = ipw.HTML(f"<h2>Beyond CHIME</h2><p>{escape(chime.beyond_chime)}</p>")
    store, problem = open_class_store(url)
    vote = PollView(poll, poll_options(poll, frameworks), store, problem)
    explorer = ipw.VBox([intro, picker, detail, beyond, ipw.HTML("<h2>Class poll</h2>"), vote.container])
    explorer.add_class("rw-exercise")
    return ipw.VBox([ipw.HTML(STYLE), explorer])
