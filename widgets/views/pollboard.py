"""The lecturer's live poll board: open (optionally on a timer), close, restart, reveal or hide, and export a round."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime
from typing import Literal

import ipywidgets as ipw

from ..content.polls import Poll, PollError
from ..content.vignettes import Frameworks, VignetteError
from ..logic.markup import STYLE, escape, notice
from ..logic.polls import (
    TIMER_CHOICES,
    PollState,
    ResultRow,
    choice_rows,
    clock_text,
    countdown_html,
    export_name,
    poll_options,
    results_csv,
    results_svg,
    tally_html,
    text_results_html,
    word_frequencies,
)
from ..storage.classstore import ClassStore, ClassStoreError
from .polls import content, open_class_store, style_widget
from .ticker import CLOCK, TICKER, close_tree

__all__ = ["PollBoard", "poll_board"]


# --------------------------------------------------------------------------- lecturer's board


class PollBoard:
    """The lecturer's board: pick a poll, see it live, and with the lecturer code open it (optionally on a timer),
    close it, start a new round, reveal or hide the results on every page, and export the round (CSV and SVG)."""

    def __init__(self, polls: Mapping[str, Poll], frameworks: Frameworks, store: ClassStore | None, problem: str | None = None) -> None:
        self.polls, self.frameworks, self.store = dict(polls), frameworks, store
        self.picker = ipw.Dropdown(
            options=[(poll.question, poll.id) for poll in self.polls.values()],
            description="Poll",
            layout=ipw.Layout(width="100%", max_width="54rem"),
        )
        self.question = ipw.HTML()
        self.countdown = ipw.HTML()
        self.tally = ipw.HTML(notice("error", problem) if problem else "")
        self.code = ipw.Password(description="Lecturer code", placeholder="as printed when the dashboards started", style={"description_width": "initial"})
        self.timer = ipw.Dropdown(
            options=list(TIMER_CHOICES), value=0, description="Timer", style={"description_width": "initial"}, layout=ipw.Layout(width="auto")
        )
        self.open_button = ipw.Button(description="Open poll", tooltip="Start taking votes (with the timer, if one is chosen)")
        self.close_button = ipw.Button(description="Close poll", tooltip="Stop taking votes; the votes are kept")
        self.reset_button = ipw.Button(description="Start a new round", tooltip="Empty totals; earlier votes stay in the store")
        self.reveal_button = ipw.Button(description="Reveal results", tooltip="Show the spread on this board and on students' pages")
        self.hide_button = ipw.Button(description="Hide results", tooltip="Show only the number of votes, here and on students' pages")
        self.export_button = ipw.Button(description="Export results", tooltip="Make this round's results as a CSV file and a picture to download")
        self.downloads = ipw.HTML()
        self.message = ipw.HTML()
        self._state: PollState | None = None
        self._clock_on = False
        self.open_button.on_click(lambda _b: self.control("open"))
        self.close_button.on_click(lambda _b: self.control("close"))
        self.reset_button.on_click(lambda _b: self.control("reset"))
        self.reveal_button.on_click(lambda _b: self.control("reveal"))
        self.hide_button.on_click(lambda _b: self.control("hide"))
        self.export_button.on_click(lambda _b: self.export())
        self.picker.observe(lambda _change: self._on_pick(), names="value")
        controls = ipw.VBox(
            [
                ipw.HTML(
                    "<h2>Lecturer controls</h2><p>Students vote on the <em>class-poll</em> page, which shows every open poll. "
                    "Results stay hidden, here and on their pages, until you reveal them. "
                    "A new round empties the totals and asks every open page again.</p>"
                ),
                self.code,
                ipw.HBox([self.timer, self.open_button, self.close_button, self.reset_button], layout=ipw.Layout(flex_flow="row wrap")),
                ipw.HBox([self.reveal_button, self.hide_button, self.export_button], layout=ipw.Layout(flex_flow="row wrap")),
                self.message,
                self.downloads,
            ]
        )
        self.container = ipw.VBox([style_widget(), self.picker, self.question, self.countdown, self.tally, controls])
        self.container.add_class("rw-exercise")
        if store is None:
            for button in (self.open_button, self.close_button, self.reset_button, self.reveal_button, self.hide_button, self.export_button):
                button.disabled = True
        else:
            self.refresh()
            TICKER.subscribe(self.container, self.refresh)

    def close(self) -> None:
        """Close the board's widgets; its refresh stops with them."""
        CLOCK.unsubscribe(self.countdown)
        close_tree(self.container)

    @property
    def poll(self) -> Poll:
        return self.polls[self.picker.value]

    def _on_pick(self) -> None:
        self.downloads.value = ""  # a download belongs to the poll it was made for
        self.refresh()

    def refresh(self) -> None:
        """Re-read the chosen poll's state and votes (or answers); show the spread only when revealed."""
        poll = self.poll
        question = f'<p class="rw-board-question">{escape(poll.question)}</p><p>{escape(poll.note)}</p>'
        if self.question.value != question:
            self.question.value = question
        if self.store is None:
            return
        try:
            now = self.store.now()
            if poll.kind == "open_text":
                state, answers = self.store.answers(poll.id)
                html = text_results_html(poll, state, answers, hidden=not state.revealed, expanded=True)
            else:
                state, counts = self.store.tally(poll.id)
                html = tally_html(poll, poll_options(poll, self.frameworks), state, counts, hidden=not state.revealed)
        except ClassStoreError as error:
            self.tally.value = notice("error", str(error))
            return
        self._state = state
        if self.tally.value != html:
            self.tally.value = html
        self._show_countdown(now)

    def _show_countdown(self, now: float) -> None:
        state = self._state
        if state is None:
            return
        html = countdown_html(state, now=now)
        if self.countdown.value != html:
            self.countdown.value = html
        running = state.seconds_left(now) not in (None, 0)
        if running and not self._clock_on:
            CLOCK.subscribe(self.countdown, self._tick_clock)
            self._clock_on = True
        elif not running and self._clock_on:
            CLOCK.unsubscribe(self.countdown)
            self._clock_on = False

    def _tick_clock(self) -> None:
        """Every second while a timer runs: redraw the time left; when it runs out, read the store again."""
        if self.store is None or self._state is None:
            return
        now = self.store.now()
        if self._state.seconds_left(now) == 0:
            self.refresh()
        else:
            self._show_countdown(now)

    def control(self, action: Literal["open", "close", "reset", "reveal", "hide"]) -> None:
        """Open, close, restart, reveal or hide the chosen poll if the code is right; a wrong code changes nothing."""
        if self.store is None:
            return
        poll_id, code, seconds = self.poll.id, self.code.value, self.timer.value or None
        try:
            if action == "reset":
                state = self.store.reset(poll_id, code=code, seconds=seconds)
                done = f"Round {state.round} started: the totals are empty and hidden."
            elif action in ("reveal", "hide"):
                state = self.store.set_revealed(poll_id, action == "reveal", code=code)
                done = "Results shown here and on students' pages." if state.revealed else "Results hidden: only the number of votes is shown."
            else:
                state = self.store.set_open(poll_id, action == "open", code=code, seconds=seconds if action == "open" else None)
                if state.is_open and state.closes_at is not None:
                    done = f"The poll is open for {clock_text(int(seconds or 0))}: it closes itself when the time runs out."
                elif state.is_open:
                    done = "The poll is open: students can vote."
                else:
                    done = "The poll is closed; the votes are kept."
        except ClassStoreError as error:  # a wrong code, or the store's lock after too many (counted per poll in the store)
            self.message.value = notice("error", str(error))
        else:
            self.message.value = notice("info", done)
        self.refresh()

    def export(self) -> None:
        """With the lecturer code: this round's results as a CSV file and an SVG bar chart, offered as downloads."""
        if self.store is None:
            return
        poll = self.poll
        try:
            self.store.check_code(poll.id, self.code.value)
            when = datetime.now().astimezone()
            if poll.kind == "open_text":
                state, answers = self.store.answers(poll.id)
                table = results_csv(poll, state, answers=answers, when=when)
                rows = tuple(ResultRow(w.word, w.answers) for w in word_frequencies(answers, top=15))
                picture = results_svg(poll, state, rows, when=when, noun="answer", answers=len(answers))
                what = f"{len(answers)} answer{'' if len(answers) == 1 else 's'}"
            else:
                state, counts = self.store.tally(poll.id)
                options = poll_options(poll, self.frameworks)
                table = results_csv(poll, state, options=options, counts=counts, when=when)
                picture = results_svg(poll, state, choice_rows(options, counts), when=when)
                total = sum(counts.values())
                what = f"{total} vote{'' if total == 1 else 's'}"
        except ClassStoreError as error:
            self.message.value = notice("error", str(error))
            return
        self.downloads.value = (
            f'<p>Round {state.round}, {what}, exported at {when:%H:%M:%S}: '
            + _download(table, export_name(poll.id, state.round, when, "csv"), "text/csv", "Download the results (CSV)")
            + " · "
            + _download(picture.encode("utf-8"), export_name(poll.id, state.round, when, "svg"), "image/svg+xml", "Download the chart (SVG picture)")
            + "</p>"
        )
        self.message.value = notice("info", "The results are ready to download below.")


def _download(data: bytes, filename: str, mime: str, label: str) -> str:
    payload = base64.b64encode(data).decode("ascii")
    return f'<a download="{escape(filename)}" href="data:{mime};base64,{payload}">{escape(label)}</a>'


def poll_board(url: str | None = None) -> ipw.Widget:
    """The lecturer's live poll board (one call in a dashboard)."""
    try:
        polls, frameworks = content()
    except (PollError, VignetteError) as error:
        return ipw.HTML(STYLE + notice("error", str(error)))
    store, problem = open_class_store(url)
    return ipw.VBox([ipw.HTML(STYLE), PollBoard(polls, frameworks, store, problem).container])


