"""Live class polls: the student's voting view, the lecturer's board, and the CHIME explorer."""

from __future__ import annotations

import logging
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
    valid_voter_id,
)
from .ticker import REFRESH_SECONDS, TICKER, close_tree

__all__ = [
    "KERNEL_VOTER",
    "REFRESH_SECONDS",
    "BrowserId",
    "PollBoard",
    "PollPage",
    "PollView",
    "VoterIdentity",
    "chime_explorer",
    "class_poll",
    "poll_board",
]


_LOG = logging.getLogger(__name__)



FALLBACK_TICKS = 3
"""Refreshes to wait for the browser's id before the page votes with the kernel's own id (about 4-6 s)."""


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
        // No local storage (a private window, say): one id for this page, so the kernel still hears one.
        id = globalThis.__recoveryWorkbookVoter || (globalThis.__recoveryWorkbookVoter = fresh());
      }
      model.set("browser_id", id);
      model.save_changes();
      el.setAttribute("aria-hidden", "true");
    }
    export default { render };
    """
    browser_id = traitlets.Unicode("").tag(sync=True)


class VoterIdentity:
    """The voter of one kernel (one Voila page): fixed at the first exchange and never changed by the client after.

    The first well-formed id the browser sends is kept; if none arrives in time, the kernel's own
    random id is kept instead. A later change of the synced ``browser_id``
    trait is ignored and logged, so one page is one voter: it has at most one vote per poll round.
    """

    def __init__(self) -> None:
        self.kernel_id = uuid.uuid4().hex
        self.voter_id: str | None = None
        self.ignored = 0

    def offer(self, sent: object) -> bool:
        """Take ``sent`` as the voter if none is fixed yet; True if ``sent`` is this kernel's voter."""
        if not valid_voter_id(sent):
            return False
        if self.voter_id is None:
            self.voter_id = str(sent)
            return True
        if sent != self.voter_id:
            self.ignored += 1
            _LOG.warning("Ignored a browser's attempt to change this page's voter id (%d so far); the first id is kept.", self.ignored)
            return False
        return True

    def settle(self) -> str:
        """The voter id, fixing it to the kernel's own if the browser has not sent one."""
        if self.voter_id is None:
            self.voter_id = self.kernel_id
        return self.voter_id


KERNEL_VOTER = VoterIdentity()
"""This kernel's voter: Voila runs one kernel per page, so every poll view of a page votes as one voter."""


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
    """One poll for a student: choose, vote, change the vote; the class totals appear once you have voted.

    The view votes as ``identity`` (default: this kernel's :data:`KERNEL_VOTER`), so setting the
    browser id to other values never adds voters. A vote belongs to one round: when the lecturer
    starts a new round, the view clears the choice and asks again.
    """

    def __init__(
        self,
        poll: Poll,
        options: Sequence[PollOption],
        store: ClassStore | None,
        problem: str | None = None,
        *,
        identity: VoterIdentity | None = None,
    ) -> None:
        self.poll, self.options, self.store = poll, tuple(options), store
        self.identity = identity if identity is not None else KERNEL_VOTER
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
        self.vote_round: int | None = None
        """The round this page's shown vote was counted in; ``None`` while the page has no vote to show."""
        self._ticks = 0
        self.vote_button.on_click(lambda _button: self.cast())
        self.browser.observe(self._on_browser_id, names="browser_id")
        header = ipw.HTML(
            f'<p class="rw-board-question">{escape(poll.question)}</p><p>{escape(poll.note)} (Framework: {escape(poll.source)}.)</p>'
        )
        self.container = ipw.VBox([ipw.HTML(_POLL_CSS), header, self.choice, self.vote_button, self.status, self.tally, self.browser])
        self.container.add_class("rw-exercise")
        if store is None:
            self.vote_button.disabled = True
        elif self.voter_id is not None:
            self.restore()
            TICKER.subscribe(self.container, self._tick)
        else:
            self.refresh()
            TICKER.subscribe(self.container, self._tick)

    def close(self) -> None:
        """Close the view's widgets; its refresh stops with them."""
        close_tree(self.container)

    @property
    def voter_id(self) -> str | None:
        """This page's voter: the browser's first id (or the kernel's own); ``None`` until one is fixed."""
        return self.identity.voter_id

    def _on_browser_id(self, change: Mapping[str, object]) -> None:
        if self.identity.offer(change["new"]):
            self.restore()

    def _tick(self) -> None:
        """The ticker's call: after a few refreshes without the browser's id, vote with the kernel's own."""
        self._ticks += 1
        if self.voter_id is None and self._ticks >= FALLBACK_TICKS:
            self.identity.settle()
            self.status.value = notice(
                "info", "This browser did not give the page an id, so after a reload the page will not show your vote (it still counts)."
            )
        self.refresh()

    def _label(self, choice: str | None) -> str:
        return next((option.label for option in self.options if option.id == choice), "another option")

    def restore(self) -> None:
        """Show the vote this voter already gave in the current round, if any."""
        if self.store is None or self.voter_id is None:
            self.refresh()
            return
        try:
            state = self.store.state(self.poll.id)  # read first: a round started in between only makes the page ask again
            mine = self.store.my_vote(self.poll.id, self.voter_id)
        except ClassStoreError as error:
            self.status.value = notice("error", str(error))
            return
        if mine is not None and mine in {option.id for option in self.options}:
            self.choice.value = mine
            self.vote_round = state.round
            self.status.value = feedback_box("info", f"<p>Your vote: <strong>{escape(self._label(mine))}</strong>. You can change it while the poll is open.</p>")
        self.refresh()

    def cast(self) -> None:
        """Send the chosen option; the store keeps one vote per voter per round, the latest."""
        if self.store is None:
            return
        if self.voter_id is None:
            self.status.value = notice("warning", "The page is still connecting. Press Vote again in a moment.")
            return
        if self.choice.value is None:
            self.status.value = notice("warning", "Choose one option first, then press Vote.")
            return
        try:
            state = self.store.vote(self.poll.id, self.voter_id, self.choice.value)
        except PollClosed as error:
            self.status.value = notice("warning", str(error))
        except ClassStoreError as error:
            self.status.value = notice("error", f"Your vote was not saved. {error}")
        else:
            self.vote_round = state.round
            self.status.value = feedback_box(
                "correct",
                f"<p>Vote saved: <strong>{escape(self._label(self.choice.value))}</strong>. "
                "You can change it while the poll is open; only your latest vote counts.</p>",
                title="Saved.",
            )
        self.refresh()

    def refresh(self) -> None:
        """Re-read the poll: enable voting only while open; show the totals once this voter has voted or the poll closed.

        A vote from an earlier round is not shown as this round's: the choice is cleared and the page asks again.
        """
        if self.store is None:
            return
        try:
            state, counts = self.store.tally(self.poll.id)
        except ClassStoreError as error:
            self.tally.value = notice("error", str(error))
            self.vote_button.disabled = True  # no voting into a store that cannot be read
            return
        if self.vote_round is not None and self.vote_round != state.round:
            self.vote_round = None
            self.choice.value = None
            self.status.value = feedback_box(
                "info",
                f"<p>The lecturer started round {state.round}: your earlier vote is not counted in it. "
                "Choose an option and press Vote to take part.</p>",
                title="New round: vote again.",
            )
        self.vote_button.disabled = not state.is_open or self.voter_id is None
        voted = self.vote_round is not None
        if voted or not state.is_open:
            html = tally_html(self.poll, self.options, state, counts)
            if not state.is_open and not voted:
                html = notice("info", "The poll is closed. The lecturer opens it when it is time to vote.") + html
        elif self.voter_id is None:
            html = notice("info", "The poll is open. Connecting this page... the Vote button turns on in a moment.")
        else:
            html = notice("info", f"The poll is open (round {state.round}). The class totals appear here after you vote.")
        if self.tally.value != html:
            self.tally.value = html


# --------------------------------------------------------------------------- the students' poll page


_PAGE_INTRO = (
    "<p>This page shows the poll the lecturer has opened; keep it open and the question appears here. "
    "Your vote is anonymous: the class store keeps a random id of this browser and your choice, "
    "and the lecturer sees only the totals.</p>"
)


class PollPage:
    """The students' poll page: every poll the lecturer has open, each answerable; when none is open, the last ones shown.

    So every poll in ``data/class/polls.yaml`` can be answered from one address: the board opens a
    poll and the page follows within a refresh. All the page's polls vote as one voter.
    """

    def __init__(
        self,
        polls: Mapping[str, Poll],
        frameworks: Frameworks,
        store: ClassStore | None,
        problem: str | None = None,
        *,
        identity: VoterIdentity | None = None,
    ) -> None:
        self.polls, self.frameworks, self.store = dict(polls), frameworks, store
        self.identity = identity if identity is not None else KERNEL_VOTER
        self.views: dict[str, PollView] = {}
        self.message = ipw.HTML(notice("error", problem) if problem else "")
        self.body = ipw.VBox()
        self.container = ipw.VBox([ipw.HTML(_POLL_CSS), ipw.HTML(_PAGE_INTRO), self.message, self.body])
        self.container.add_class("rw-exercise")
        if store is not None:
            self.refresh()
            TICKER.subscribe(self.container, self.refresh)

    def close(self) -> None:
        close_tree(self.container)

    def refresh(self) -> None:
        """Show the open polls (in the file's order); keep the ones shown while none is open."""
        if self.store is None:
            return
        try:
            open_ids = [poll_id for poll_id in self.polls if self.store.state(poll_id).is_open]
        except ClassStoreError as error:
            self.message.value = notice("error", str(error))
            return
        shown = open_ids or list(self.views)
        if set(shown) != set(self.views):
            for poll_id in [p for p in self.views if p not in shown]:
                self.views.pop(poll_id).close()
            for poll_id in shown:
                if poll_id not in self.views:
                    poll = self.polls[poll_id]
                    self.views[poll_id] = PollView(poll, poll_options(poll, self.frameworks), self.store, identity=self.identity)
            self.body.children = tuple(self.views[poll_id].container for poll_id in shown)
        waiting = "" if shown else notice(
            "info", "No poll is open just now. Keep this page open: the question appears here when the lecturer opens a poll."
        )
        if self.message.value != waiting:
            self.message.value = waiting


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
        self.open_button.on_click(lambda _b: self.control("open"))
        self.close_button.on_click(lambda _b: self.control("close"))
        self.reset_button.on_click(lambda _b: self.control("reset"))
        self.picker.observe(lambda _change: self.refresh(), names="value")
        controls = ipw.VBox(
            [
                ipw.HTML(
                    "<h2>Lecturer controls</h2><p>Students vote on the <em>class-poll</em> page, which shows every open poll. "
                    "They can vote only while a poll is open. A new round empties the totals and asks every open page again.</p>"
                ),
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
        poll_id, code = self.poll.id, self.code.value
        try:
            if action == "reset":
                state = self.store.reset(poll_id, code=code)
                done = f"Round {state.round} started: the totals are empty."
            else:
                state = self.store.set_open(poll_id, action == "open", code=code)
                done = "The poll is open: students can vote." if state.is_open else "The poll is closed; the votes are kept."
        except ClassStoreError as error:  # a wrong code, or the store's lock after too many (counted per poll in the store)
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


def class_poll(url: str | None = None) -> ipw.Widget:
    """The students' poll page: whichever poll the lecturer opens (one call in a dashboard)."""
    try:
        polls, frameworks = _content()
    except (PollError, VignetteError) as error:
        return ipw.HTML(STYLE + notice("error", str(error)))
    store, problem = open_class_store(url)
    return ipw.VBox([ipw.HTML(STYLE), PollPage(polls, frameworks, store, problem).container])
