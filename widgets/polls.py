"""Live class polls and the CHIME explorer: a student's vote, the lecturer's board.

Poll questions live in ``data/class/polls.yaml``; their options are the items of
one framework in ``data/vignettes/frameworks.yaml``. Votes go to the shared
:class:`~widgets.classstore.ClassStore`, so every viewer's kernel sees the same
totals; each page re-reads them every two seconds.

A voter is a random id kept in the browser's local storage (made by a tiny
anywidget), so reloading the page does not give a second vote. Where the browser
cannot keep it, the id lives as long as the page's kernel.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import anywidget
import ipywidgets as ipw
import traitlets
from pydantic import Field, StringConstraints, ValidationError, model_validator

from .classstore import ClassStore, ClassStoreError, PollClosed, PollState, WrongCode, valid_voter_id
from .content import FieldProblem, Strict, Text, data_dir, first_problem, read_yaml, require_unique
from .markup import STYLE, escape, feedback_box, notice
from .vignettes import CHIME_IDS, Frameworks, VignetteError, load_frameworks

__all__ = [
    "REFRESH_SECONDS",
    "BrowserId",
    "ChimeFile",
    "Poll",
    "PollBoard",
    "PollError",
    "PollOption",
    "PollView",
    "chime_explorer",
    "load_chime",
    "load_polls",
    "poll_board",
    "poll_options",
    "tally_html",
]

REFRESH_SECONDS = 2.0
MAX_WRONG_CODES = 5
_log = logging.getLogger(__name__)

PollId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


class PollError(ValueError):
    """A polls or CHIME file is missing, unreadable or breaks the schema; the message names file, item and field."""


class Poll(Strict):
    id: PollId
    question: Text
    framework: Literal["chime", "top_tips"]
    note: Text
    source: Text


class PollFile(Strict):
    polls: tuple[Poll, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> PollFile:
        require_unique([poll.id for poll in self.polls], "polls", field="id")
        return self


class Process(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^chime-[a-z]+$")]
    letter: Literal["C", "H", "I", "M", "E"]
    sub_themes: tuple[Text, ...] = Field(min_length=1)


class ChimeFile(Strict):
    source: Text
    about: Text
    sub_themes_status: Text
    processes: tuple[Process, ...]
    beyond_chime: Text

    @model_validator(mode="after")
    def _five_processes_in_order(self) -> ChimeFile:
        found = tuple(process.id for process in self.processes)
        if found != CHIME_IDS:
            raise FieldProblem(f"expected {', '.join(CHIME_IDS)} in that order, found {', '.join(found) or 'none'}", field="processes")
        return self


def _first_problem(path: Path, error: ValidationError, items: Sequence[Any], kind: str) -> PollError:
    """One message naming the file, the item (by id where it has one) and the field."""
    problem = first_problem(error)
    owner, skip = problem.owner, 0
    if owner is None and len(problem.location) >= 2 and problem.location[1].isdigit():
        index, skip = int(problem.location[1]), 2
        entry = items[index] if index < len(items) else None
        owner = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else f"#{index + 1}"
    field = problem.field_path("(whole file)", skip=skip)
    return PollError(f"{path}: {kind} {owner or '(file)'!r}, field {field!r}: {problem.message}")


def _load(path: Path, model: type[Strict], items_key: str, kind: str) -> Any:
    """Read a YAML mapping and validate it as ``model``; any problem is one :class:`PollError` naming file, item and field."""
    raw = read_yaml(path, PollError)
    if not isinstance(raw, dict):
        raise PollError(f"{path}: {kind} '(file)', field '(whole file)': expected a mapping with a {items_key!r} list")
    items = raw.get(items_key) if isinstance(raw.get(items_key), list) else []
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise _first_problem(path, error, items, kind) from None


@lru_cache(maxsize=4)
def load_polls(path: Path | None = None) -> dict[str, Poll]:
    """The polls by id, from ``data/class/polls.yaml`` (or ``path``); :class:`PollError` if the file is bad."""
    polls = _load(path or data_dir() / "class" / "polls.yaml", PollFile, "polls", "poll")
    return {poll.id: poll for poll in polls.polls}


@lru_cache(maxsize=4)
def load_chime(path: Path | None = None) -> ChimeFile:
    """The CHIME explorer's content, from ``data/class/chime.yaml`` (or ``path``)."""
    return _load(path or data_dir() / "class" / "chime.yaml", ChimeFile, "processes", "process")


@dataclass(frozen=True)
class PollOption:
    id: str
    label: str


def poll_options(poll: Poll, frameworks: Frameworks) -> tuple[PollOption, ...]:
    """The poll's options: its framework's items, in order."""
    return tuple(PollOption(item.id, item.label) for item in getattr(frameworks, poll.framework).items)


# --------------------------------------------------------------------------- tally


def tally_html(poll: Poll, options: Sequence[PollOption], state: PollState, counts: Mapping[str, int]) -> str:
    """The class's votes as labelled text bars: every option with its count and share, and the poll's state in words."""
    total = sum(counts.values())
    status = (
        '<span aria-hidden="true">●</span> Open: voting now'
        if state.is_open
        else '<span aria-hidden="true">■</span> Closed: not taking votes'
    )
    rows = [(option.label, counts.get(option.id, 0)) for option in options]
    known = {option.id for option in options}
    stale = sum(n for choice, n in counts.items() if choice not in known)
    if stale:
        rows.append(("Another option (no longer offered)", stale))
    most = max((n for _, n in rows), default=0)
    body = []
    for label, n in rows:
        share = n / total if total else 0.0
        width = 100 * n / most if most else 0
        lead = ' <strong>(most votes)</strong>' if n == most and n > 0 else ""
        body.append(
            f'<tr><th scope="row">{escape(label)}</th>'
            f'<td class="rw-bar-cell"><div class="rw-bar" style="width:{width:.1f}%"></div></td>'
            f'<td class="rw-count">{n} ({share:.0%}){lead}</td></tr>'
        )
    votes = "1 vote" if total == 1 else f"{total} votes"
    return (
        f'<div class="rw-tally" role="status" aria-live="polite">'
        f'<p class="rw-poll-state"><strong>{status}</strong> · {votes} · round {state.round}</p>'
        f'<table class="rw-facts rw-tally-table"><caption>{escape(poll.question)}</caption>'
        f'<thead><tr><th scope="col">Option</th><th scope="col">Share of votes</th><th scope="col">Votes</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


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


def every(seconds: float, callback: Callable[[], None]) -> asyncio.Task[None] | None:
    """Run ``callback`` every ``seconds`` on the kernel's event loop; ``None`` where no loop runs (plain Python)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = asyncio.get_event_loop_policy().get_event_loop()
        if not loop.is_running():
            return None

    async def tick() -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                callback()
            except Exception:  # a refresh must never end the loop or reach the page as a traceback
                _log.exception("poll refresh failed")

    return loop.create_task(tick())


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
        self.widget = ipw.VBox([ipw.HTML(_POLL_CSS), header, self.choice, self.vote_button, self.status, self.tally, self.browser])
        self.widget.add_class("rw-exercise")
        if store is None:
            self.vote_button.disabled = True
        else:
            self.refresh()
            self._ticker = every(REFRESH_SECONDS, self.refresh)

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
        self.widget = ipw.VBox([ipw.HTML(_POLL_CSS), self.picker, self.question, self.tally, controls])
        self.widget.add_class("rw-exercise")
        if store is None:
            for button in (self.open_button, self.close_button, self.reset_button):
                button.disabled = True
        else:
            self.refresh()
            self._ticker = every(REFRESH_SECONDS, self.refresh)

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


def _content() -> tuple[dict[str, Poll], Frameworks]:
    return load_polls(), load_frameworks()


def poll_board(url: str | None = None) -> ipw.Widget:
    """The lecturer's live poll board (one call in a dashboard)."""
    try:
        polls, frameworks = _content()
    except (PollError, VignetteError) as error:
        return ipw.HTML(STYLE + notice("error", str(error)))
    store, problem = open_class_store(url)
    return ipw.VBox([ipw.HTML(STYLE), PollBoard(polls, frameworks, store, problem).widget])


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
    explorer = ipw.VBox([intro, picker, detail, beyond, ipw.HTML("<h2>Class poll</h2>"), vote.widget])
    explorer.add_class("rw-exercise")
    return ipw.VBox([ipw.HTML(STYLE), explorer])
