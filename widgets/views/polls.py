"""Live class polls: the student's voting view, the lecturer's board, and the CHIME explorer."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from functools import lru_cache

import anywidget
import ipywidgets as ipw
import traitlets

from ..content.polls import ChimeFile, Poll, PollError, load_chime, load_polls
from ..content.vignettes import Frameworks, VignetteError, load_frameworks
from ..logic.markup import STYLE, escape, feedback_box, notice
from ..logic.polls import (
    AnswerError,
    PollOption,
    PollState,
    clean_answer,
    clock_text,
    poll_options,
    tally_html,
    text_results_html,
)
from ..storage.classstore import (
    ClassStore,
    ClassStoreError,
    PollClosed,
    TimeUp,
    valid_voter_id,
)
from .ticker import REFRESH_SECONDS, TICKER, close_tree

__all__ = [
    "KERNEL_VOTER",
    "POLL_CSS",
    "REFRESH_SECONDS",
    "BrowserId",
    "PollPage",
    "PollView",
    "VoterIdentity",
    "anonymity_line",
    "chime_explorer",
    "class_poll",
    "content",
    "open_class_store",
    "page_attached",
    "style_widget",
]


_LOG = logging.getLogger(__name__)


FALLBACK_TICKS = 3
"""Refreshes, with a page open, to wait for the browser's id before the page votes with the kernel's own id (about 4-6 s)."""


def page_attached() -> bool:
    """True once a browser has opened this kernel's page: its widget manager opened the "jupyter.widget.control"
    comm to fetch the widgets' state, and ipywidgets keeps that comm on ``Widget._control_comm``.

    A kernel Voila preheats waits in its pool with no page: there the browser's id cannot have arrived yet.
    """
    return getattr(ipw.Widget, "_control_comm", None) is not None


POLL_CSS = """<style>
.rw-tally-table { width: 100%; max-width: 54rem; }
.rw-tally-table th[scope="row"] { width: 40%; font-weight: 500; }
.rw-bar-cell { width: 40%; }
.rw-bar { height: 1.1em; min-width: 2px; background: #0072B2; border: 1px solid #003f63; }
.rw-count { white-space: nowrap; }
.rw-poll-state { font-size: 1.1em; }
.rw-board-question { font-size: 1.6em; font-weight: 600; line-height: 1.3; margin: 0.4rem 0; }
.rw-chime-letter { font-size: 2em; font-weight: 700; margin-right: 0.4rem; }
.rw-hidden-id { display: none; }
.rw-anonymity { margin: 0.4rem 0 0.2rem 0; }
.rw-poll-note { margin: 0.2rem 0; }
.rw-countdown { font-size: 2.4em; line-height: 1.2; margin: 0.3rem 0; }
.rw-countdown strong { font-variant-numeric: tabular-nums; }
.rw-countdown-label { font-size: 0.5em; font-weight: 600; margin-right: 0.3em; }
.rw-countdown-done { font-size: 1.6em; }
.rw-text-answer.widget-textarea { flex-direction: column; align-items: stretch; align-self: stretch; height: auto; max-width: 100%; }
.rw-text-answer .widget-label { width: auto !important; max-width: none; text-align: left; }
.rw-text-answer textarea { width: 100%; box-sizing: border-box; min-height: 3.2em; }
.rw-word-list { list-style: none; padding-left: 0; display: flex; flex-wrap: wrap; gap: 0.2rem 1.2rem; align-items: baseline; }
.rw-word-list .rw-count { font-size: var(--jp-content-font-size1, 14px); }
.rw-tally, .rw-answers li, .rw-word-list li, .rw-exercise .rw-box p { overflow-wrap: anywhere; }
.rw-board-caption { font-weight: 600; margin: 0.3rem 0; }
@media (max-width: 600px) {
  .rw-exercise .rw-board-question { font-size: 1.25em; margin-top: 0; }
  .rw-exercise .widget-radio-box label { line-height: 1.3; margin: 0.1rem 0; }
  .rw-tally-table th[scope="row"] { width: auto; min-width: 0; }
  .rw-tally-table .rw-bar-cell { width: 22%; }
  .rw-tally-table .rw-count { white-space: normal; }
  .rw-tally-table th, .rw-tally-table td { padding: 0.25rem 0.3rem; }
}
</style>"""


def style_widget() -> ipw.HTML:
    """The poll CSS in a widget that takes no room (a ``<style>`` applies inside an element that is not displayed)."""
    return ipw.HTML(POLL_CSS, layout=ipw.Layout(display="none"))


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
            _LOG.warning(
                "Ignored a browser's attempt to change this page's voter id (%d so far); the first id is kept.", self.ignored
            )
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


def anonymity_line(poll: Poll) -> str:
    """The one line under every vote: what is stored, and what the lecturer sees."""
    if poll.kind == "open_text":
        stored, seen = "your words", "the answers without any id"
    else:
        stored, seen = "your choice", "only the totals"
    return (
        f'<p class="rw-anonymity"><strong>Anonymous:</strong> the class store keeps a random id of this browser, {stored} '
        f"and the time, never your name; the lecturer sees {seen}.</p>"
    )


class PollView:
    """One poll for a student: choose (or type a short answer), send, change it while the poll is open.

    The class's results appear only once the lecturer reveals them (so nobody votes with the crowd).
    The view votes as ``identity`` (default: this kernel's :data:`KERNEL_VOTER`), so setting the
    browser id to other values never adds voters. A vote belongs to one round: when the lecturer
    starts a new round, the view clears the choice and asks again. An open-text poll (``kind:
    open_text``) has no options: pass ``()``.
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
        self.is_text = poll.kind == "open_text"
        self.browser = BrowserId(layout=ipw.Layout(width="0px", height="0px"))
        self.browser.add_class("rw-hidden-id")
        self.choice: ipw.RadioButtons | None = None
        self.answer: ipw.Textarea | None = None
        if self.is_text:
            limit = poll.max_length or 0
            self.answer = ipw.Textarea(
                description=f"Your answer (up to {limit} characters)",
                placeholder="A few words",
                rows=2,
                layout=ipw.Layout(width="auto"),
                style={"description_width": "initial"},
            )
            self.answer.add_class("rw-text-answer")
            entry: ipw.Widget = self.answer
            send, tip = "Send answer", "Send your answer; you can change it while the poll is open"
        else:
            self.choice = ipw.RadioButtons(
                options=[(option.label, option.id) for option in self.options],
                value=None,
                description="Your vote",
                layout=ipw.Layout(width="auto"),
                style={"description_width": "initial"},
            )
            entry = self.choice
            send, tip = "Vote", "Send your vote; you can change it"
        self.vote_button = ipw.Button(description=send, button_style="primary", tooltip=tip)
        self.status = ipw.HTML(notice("error", problem) if problem else "")
        self.tally = ipw.HTML()
        self.vote_round: int | None = None
        """The round this page's shown vote was counted in; ``None`` while the page has no vote to show."""
        self._ticks = 0
        self.vote_button.on_click(lambda _button: self.cast())
        self.browser.observe(self._on_browser_id, names="browser_id")
        header = ipw.HTML(f'<p class="rw-board-question">{escape(poll.question)}</p>')
        background = "Background" if self.is_text else "Framework"
        anonymity = ipw.HTML(anonymity_line(poll))  # right under the vote: what is stored, what the lecturer sees
        about = ipw.HTML(f'<p class="rw-poll-note">{escape(poll.note)} ({background}: {escape(poll.source)}.)</p>')
        self.container = ipw.VBox(
            [style_widget(), header, entry, self.vote_button, anonymity, self.status, self.tally, about, self.browser]
        )
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
        """The ticker's call: after a few refreshes of an open page without the browser's id, vote with the kernel's own.

        Only refreshes while a browser has the page open count: a preheated kernel keeps waiting for its browser's id.
        """
        if self.voter_id is None and page_attached():
            self._ticks += 1
        if self.voter_id is None and self._ticks >= FALLBACK_TICKS:
            self.identity.settle()
            self.status.value = notice(
                "info",
                "This browser did not give the page an id, so after a reload the page will not show your vote (it still counts).",
            )
        self.refresh()

    def _label(self, choice: str | None) -> str:
        return next((option.label for option in self.options if option.id == choice), "another option")

    def _clear(self) -> None:
        if self.choice is not None:
            self.choice.value = None
        if self.answer is not None:
            self.answer.value = ""

    def restore(self) -> None:
        """Show the vote (or answer) this voter already gave in the current round, if any."""
        if self.store is None or self.voter_id is None:
            self.refresh()
            return
        try:
            state = self.store.state(self.poll.id)  # read first: a round started in between only makes the page ask again
            if self.answer is not None:
                mine = self.store.my_answer(self.poll.id, self.voter_id)
            else:
                mine = self.store.my_vote(self.poll.id, self.voter_id)
        except ClassStoreError as error:
            self.status.value = notice("error", str(error))
            return
        if mine is not None and self.answer is not None:
            self.answer.value = mine
            self.vote_round = state.round
            self.status.value = feedback_box(
                "info", f"<p>Your answer: “{escape(mine)}”. You can change it while the poll is open.</p>"
            )
        elif mine is not None and self.choice is not None and mine in {option.id for option in self.options}:
            self.choice.value = mine
            self.vote_round = state.round
            self.status.value = feedback_box(
                "info",
                f"<p>Your vote: <strong>{escape(self._label(mine))}</strong>. You can change it while the poll is open.</p>",
            )
        self.refresh()

    def cast(self) -> None:
        """Send the chosen option (or the typed answer); the store keeps one per voter per round, the latest."""
        if self.store is None:
            return
        if self.voter_id is None:
            self.status.value = notice(
                "warning", f"The page is still connecting. Press {self.vote_button.description} again in a moment."
            )
            return
        try:
            if self.answer is not None:
                text = clean_answer(self.answer.value, max_length=self.poll.max_length or 0)
                state = self.store.answer(self.poll.id, self.voter_id, text)
                saved = f"<p>Answer saved: “{escape(text)}”. You can change it while the poll is open; only your latest answer counts.</p>"
            else:
                if self.choice is None or self.choice.value is None:
                    self.status.value = notice("warning", "Choose one option first, then press Vote.")
                    return
                state = self.store.vote(self.poll.id, self.voter_id, self.choice.value)
                saved = (
                    f"<p>Vote saved: <strong>{escape(self._label(self.choice.value))}</strong>. "
                    "You can change it while the poll is open; only your latest vote counts.</p>"
                )
        except AnswerError as error:
            self.status.value = notice("warning", str(error))
        except TimeUp as error:
            self.status.value = notice("warning", str(error))
        except PollClosed as error:
            self.status.value = notice(
                "warning", str(error) if not self.is_text else str(error).replace("your vote", "your answer")
            )
        except ClassStoreError as error:
            self.status.value = notice("error", f"Your {'answer' if self.is_text else 'vote'} was not saved. {error}")
        else:
            self.vote_round = state.round
            self.status.value = feedback_box("correct", saved, title="Saved.")
        self.refresh()

    def _read(self) -> tuple[PollState, Mapping[str, int], tuple[str, ...]]:
        assert self.store is not None
        if self.is_text:
            state, answers = self.store.answers(self.poll.id)
            return state, {}, answers
        state, counts = self.store.tally(self.poll.id)
        return state, counts, ()

    def refresh(self) -> None:
        """Re-read the poll: enable voting only while open; show the class's results only once the lecturer reveals them.

        A vote from an earlier round is not shown as this round's: the choice is cleared and the page asks again.
        """
        if self.store is None:
            return
        try:
            state, counts, answers = self._read()
            now = self.store.now()
        except ClassStoreError as error:
            self.tally.value = notice("error", str(error))
            self.vote_button.disabled = True  # no voting into a store that cannot be read
            return
        if self.vote_round is not None and self.vote_round != state.round:
            self.vote_round = None
            self._clear()
            self.status.value = feedback_box(
                "info",
                f"<p>The lecturer started round {state.round}: your earlier {'answer' if self.is_text else 'vote'} is not counted in it. "
                f"{'Type an answer and press Send answer' if self.is_text else 'Choose an option and press Vote'} to take part.</p>",
                title="New round: vote again.",
            )
        self.vote_button.disabled = not state.is_open or self.voter_id is None
        html = self._results_html(state, counts, answers, now)
        if self.tally.value != html:
            self.tally.value = html

    def _results_html(self, state: PollState, counts: Mapping[str, int], answers: Sequence[str], now: float) -> str:
        """One notice saying where the poll stands and what this page has sent; the class's results once revealed."""
        voted = self.vote_round is not None
        what = "answer" if self.is_text else "vote"
        left = state.seconds_left(now)
        if state.timed_out:
            words = ["Time is up: the lecturer's timer closed this poll."]
        elif not state.is_open:
            words = ["The poll is closed." if voted else "The poll is closed. The lecturer opens it when it is time to vote."]
        elif self.voter_id is None:
            words = [f"The poll is open. Connecting this page... the {self.vote_button.description} button turns on in a moment."]
        else:
            words = [
                f"The poll is open (round {state.round})." + (f" Time left: {clock_text(left)}." if left is not None else "")
            ]
        if voted:
            words.append(f"Your {what} is counted.")
        if not state.revealed:
            words.append("The class's results appear here when the lecturer reveals them.")
            return notice("info", " ".join(words))
        results = (
            text_results_html(self.poll, state, answers, now=now)
            if self.is_text
            else tally_html(self.poll, self.options, state, counts, now=now)
        )
        return notice("info", " ".join(words)) + results


# --------------------------------------------------------------------------- the students' poll page


_PAGE_NOTE = "<p>Keep this page open: when the lecturer opens a poll, it appears here by itself.</p>"


class PollPage:
    """The students' poll page: every poll the lecturer has open, each answerable; when none is open, the last ones shown.

    So every poll in ``data/class/polls.yaml`` can be answered from one address: the board opens a
    poll and the page follows within a refresh. All the page's polls vote as one voter. The vote
    comes first on the page; what the page is for follows it.
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
        self.message.layout.display = None if problem else "none"  # an empty message takes no room above the vote
        self.container = ipw.VBox([style_widget(), self.message, self.body, ipw.HTML(_PAGE_NOTE)])
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
            self.message.layout.display = None
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
        waiting = (
            ""
            if shown
            else notice(
                "info", "No poll is open just now. Keep this page open: the question appears here when the lecturer opens a poll."
            )
        )
        if self.message.value != waiting:
            self.message.value = waiting
        self.message.layout.display = None if waiting else "none"


# --------------------------------------------------------------------------- entry points


def content() -> tuple[Mapping[str, Poll], Frameworks]:
    """The polls and the frameworks their options come from."""
    return load_polls(), load_frameworks()


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
        chime, (polls, frameworks) = load_chime(), content()
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
        polls, frameworks = content()
    except (PollError, VignetteError) as error:
        return ipw.HTML(STYLE + notice("error", str(error)))
    store, problem = open_class_store(url)
    return ipw.VBox([ipw.HTML(STYLE), PollPage(polls, frameworks, store, problem).container])


def __getattr__(name: str) -> object:
    """``PollBoard`` and ``poll_board`` moved to :mod:`widgets.views.pollboard`; old imports from here still work."""
    if name in {"PollBoard", "poll_board"}:
        from . import pollboard

        return getattr(pollboard, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
