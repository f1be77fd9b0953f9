"""Sequence mode on the projector: a chapter's key points, discussion questions and polls, one slide at a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import anywidget
import ipywidgets as ipw

from ..content.loading import ContentError
from ..content.polls import Poll, load_polls
from ..content.seminars import Seminar, all_seminars
from ..content.vignettes import load_frameworks
from ..logic.markup import STYLE, escape, notice
from ..logic.polls import poll_options
from ..logic.seminars import SlideHtml, go_to, key_action, seminar_choices, slide_html, start, step
from ..storage.classstore import ClassStore
from .polls import PollView, open_class_store
from .ticker import close_tree

__all__ = ["SeminarDeck", "SeminarKeys", "seminar_deck"]


SEMINAR_CSS = """<style>
main#rendered_cells .rw-seminar.rw-exercise.widget-vbox { display: flex !important; column-count: auto !important; max-width: none; gap: 0.5rem; }
.rw-seminar .rw-seminar-bar { align-items: center; justify-content: space-between; gap: 0.6rem 1.5rem; }
.rw-seminar .rw-seminar-bar .widget-dropdown { width: auto; flex: 1 1 28rem; max-width: 46rem; }
.rw-seminar .rw-seminar-nav { align-items: center; gap: 0.8rem; flex: 0 0 auto; }
.rw-seminar .rw-seminar-nav .jupyter-button { font-size: 28px; font-weight: 600; min-height: 56px; min-width: 8.5em; }
.rw-seminar .rw-slide-counter { font-size: 30px; font-weight: 700; margin: 0; min-width: 5.2em; text-align: center; white-space: nowrap; }
.rw-seminar .rw-slide-frame { border: 3px solid var(--rw-control-border, #5f6368); border-radius: 12px; padding: 0.7rem 2rem 0.5rem;
  box-sizing: border-box; min-height: calc(100vh - 470px); justify-content: space-between; width: 100%; }
.rw-seminar .rw-slide-kind { font-size: 22px; font-weight: 700; letter-spacing: 0.05em; text-transform: uppercase; margin: 0 0 0.2rem; }
.rw-seminar .rw-slide-title { font-size: 50px; line-height: 1.15; font-weight: 700; margin: 0 0 0.7rem; }
.rw-seminar .rw-slide-points { padding-left: 1.3em; margin: 0; }
.rw-seminar .rw-slide-points li { font-size: 34px; line-height: 1.25; margin: 0 0 0.45em; }
.rw-seminar .rw-slide-question { font-size: 40px; line-height: 1.3; font-weight: 600; margin: 0 0 0.8em; }
.rw-seminar .rw-slide-prompts li { font-size: 32px; }
.rw-seminar .rw-slide-source .rw-slide-lead { font-size: 26px; margin: 0 0 0.3em; }
.rw-seminar .rw-slide-care { font-size: 26px; line-height: 1.35; border: 3px solid currentColor; border-left-width: 10px; border-radius: 6px;
  padding: 0.4rem 0.8rem; margin: 0.3rem 0 0.8rem; }
.rw-seminar .rw-slide-source { font-size: 21px; line-height: 1.3; border-top: 2px solid var(--rw-control-border, #5f6368); margin-top: 0.6rem; padding-top: 0.3rem; }
.rw-seminar .rw-slide-source p { margin: 0.15rem 0; }
.rw-seminar .rw-slide-frame .rw-board-question { font-size: 38px; }
.rw-seminar .rw-slide-frame .widget-radio-box label, .rw-seminar .rw-slide-frame .rw-exercise button { font-size: 28px; line-height: 1.2; margin: 0.1rem 0; }
.rw-seminar .rw-slide-frame .rw-exercise { margin: 0; }
.rw-seminar .rw-seminar-keys-help { font-size: 22px; margin: 0; }
.rw-seminar kbd { font: inherit; font-weight: 700; }
@media (min-width: 1500px) {
  .rw-seminar .rw-slide-refs-many { column-count: 2; column-gap: 2.5rem; }
  .rw-seminar .rw-slide-refs-many p { break-inside: avoid; }
  /* A poll slide in two columns: the question and the options across, Vote on the left, the results and the
     poll's note on the right (the note, and the results just before it: the view's last children are results,
     note and its hidden browser id). */
  .rw-seminar .rw-slide-frame .rw-exercise.widget-vbox { display: grid !important; grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr);
    column-gap: 3rem; align-items: start; grid-auto-rows: min-content; grid-auto-flow: row dense; }
  .rw-seminar .rw-slide-frame .rw-exercise.widget-vbox > * { grid-column: 1; }
  .rw-seminar .rw-slide-frame .rw-exercise.widget-vbox > :first-child,
  .rw-seminar .rw-slide-frame .rw-exercise.widget-vbox > :has(.rw-board-question) { grid-column: 1 / span 2; }
  .rw-seminar .rw-slide-frame .rw-exercise.widget-vbox > .widget-radio { grid-column: 1 / span 2; width: 100%; }
  .rw-seminar .rw-slide-frame .widget-radio-box:has(> label:nth-of-type(7)) { display: grid; grid-template-columns: 1fr 1fr; column-gap: 2.5rem; flex: 1 1 auto; }
  .rw-seminar .rw-slide-frame .rw-exercise.widget-vbox > :has(.rw-poll-note) { grid-column: 2; }
  .rw-seminar .rw-slide-frame .rw-exercise.widget-vbox > :nth-last-child(3) { grid-column: 2; }
  .rw-seminar .rw-slide-frame .rw-exercise.widget-vbox > .widget-button { justify-self: start; }
}
.rw-seminar .rw-seminar-keys { flex: 0 0 auto; }
/* Full screen (the F key or the button): the deck alone fills the projector, the slide to its foot. */
.rw-seminar:fullscreen { background: var(--jp-layout-color1, #fff); padding: 1rem 2.5rem; box-sizing: border-box; overflow-y: auto; margin: 0; }
.rw-seminar:fullscreen > * { flex-shrink: 0; }
@media (min-width: 1500px) {
  .rw-seminar:fullscreen .rw-slide-title { font-size: 60px; }
  .rw-seminar:fullscreen .rw-slide-points li { font-size: 40px; }
  .rw-seminar:fullscreen .rw-slide-question { font-size: 46px; }
  .rw-seminar:fullscreen .rw-slide-prompts li { font-size: 36px; }
}
.rw-seminar:fullscreen .rw-slide-frame { min-height: calc(100vh - 190px); }
.rw-seminar .widget-html-content { overflow-wrap: break-word; }
@media (max-width: 1499px) {
  .rw-seminar .rw-slide-title { font-size: 46px; }
  .rw-seminar .rw-slide-points li { font-size: 30px; }
  .rw-seminar .rw-slide-question { font-size: 36px; }
  .rw-seminar .rw-slide-prompts li { font-size: 28px; }
}
@media (max-width: 700px) {
  .rw-seminar .rw-slide-frame { padding: 0.6rem 0.9rem; min-height: 0; border-width: 2px; }
  .rw-seminar .rw-slide-title { font-size: 30px; }
  .rw-seminar .rw-slide-points li, .rw-seminar .rw-slide-prompts li { font-size: 22px; }
  .rw-seminar .rw-slide-question, .rw-seminar .rw-slide-frame .rw-board-question { font-size: 24px; }
  .rw-seminar .rw-slide-care, .rw-seminar .rw-slide-frame .widget-radio-box label { font-size: 20px; }
  .rw-seminar .rw-slide-source, .rw-seminar .rw-seminar-keys-help, .rw-seminar .rw-slide-kind, .rw-seminar .rw-slide-source .rw-slide-lead { font-size: 18px; }
  .rw-seminar .rw-seminar-nav { gap: 0.4rem; flex: 1 1 100%; justify-content: space-between; }
  .rw-seminar .rw-seminar-nav .jupyter-button { font-size: 20px; min-height: 48px; min-width: 0; padding: 0 0.6em; }
  .rw-seminar .rw-slide-counter { font-size: 20px; min-width: 0; }
  .rw-seminar .rw-seminar-bar .widget-dropdown { flex: 1 1 100%; min-width: 0; max-width: 100%; }
  .rw-seminar .rw-seminar-bar .widget-dropdown select { min-width: 0; width: 100%; }
}
</style>"""


class SeminarKeys(anywidget.AnyWidget):
    """The full-screen button, and the keys anywhere on the page: F toggles full screen in the browser; the keys
    that turn slides go to the kernel, which decides (``logic.key_action``)."""

    _esm = """
    const KEYS = new Set(["ArrowRight", "ArrowLeft", "PageDown", "PageUp"]);
    const FIELDS = 'input, select, textarea, [contenteditable=""], [contenteditable="true"], [role="radio"], [role="slider"], [role="textbox"], [role="listbox"]';
    function render({ model, el }) {
      // The full-screen button: the browser allows full screen only from a click or a key, so it is made here.
      const button = document.createElement("button");
      button.type = "button";
      button.className = "jupyter-button widget-button rw-seminar-fullscreen";
      const deck = () => el.closest(".rw-seminar") || document.documentElement;
      const label = () => { button.textContent = document.fullscreenElement ? "Leave full screen" : "Full screen"; };
      const toggle = () => {
        const done = document.fullscreenElement ? document.exitFullscreen() : deck().requestFullscreen();
        if (done && done.catch) done.catch(() => {});  // refused (an embedded page, say): the page stays as it is
      };
      button.addEventListener("click", toggle);
      document.addEventListener("fullscreenchange", label);
      label();
      el.appendChild(button);
      const onKey = (event) => {
        if (event.altKey || event.ctrlKey || event.metaKey) return;
        const target = event.target instanceof Element ? event.target : null;
        if ((event.key === "f" || event.key === "F") && !(target && target.closest(FIELDS))) { toggle(); return; }
        if (!KEYS.has(event.key) || event.shiftKey) return;
        // Page Down and Page Up scroll first while part of the slide is out of the window (a phone).
        const root = document.scrollingElement || document.documentElement;
        const frame = document.querySelector(".rw-slide-frame");
        const box = frame ? frame.getBoundingClientRect() : { top: 0, bottom: 0 };
        model.send({
          key: event.key,
          in_field: !!(target && target.closest(FIELDS)),
          can_scroll_down: root.scrollTop + window.innerHeight < root.scrollHeight - 2 && box.bottom > window.innerHeight + 2,
          can_scroll_up: root.scrollTop > 1 && box.top < -2,
        });
      };
      document.addEventListener("keydown", onKey);
      return () => {
        document.removeEventListener("keydown", onKey);
        document.removeEventListener("fullscreenchange", label);
      };
    }
    export default { render };
    """


class SeminarDeck:
    """The lecturer's slides: a seminar picker, Previous and Next, a counter ("3 of 9") and the slide.

    Keys anywhere on the page: right arrow or Page Down for the next slide, left arrow or Page Up
    for the previous one (a presenter's clicker sends these). A poll slide shows the class poll's
    live vote view for that poll; each poll's view is made once and kept while the deck is open.
    """

    def __init__(
        self,
        seminars: Mapping[str, Seminar],
        polls: Mapping[str, Poll],
        *,
        problems: tuple[str, ...] = (),
        chapter: str | None = None,
        class_store_url: str | None = None,
    ) -> None:
        if not seminars:
            raise ValueError("a deck needs at least one seminar")
        self.seminars, self.polls = dict(seminars), dict(polls)
        self._url = class_store_url
        self._store: tuple[ClassStore | None, str | None] | None = None
        self.poll_views: dict[str, ipw.Widget] = {}
        first = chapter if chapter in self.seminars else next(iter(sorted(self.seminars)))
        self.picker = ipw.Dropdown(
            options=seminar_choices(self.seminars), value=first, description="Seminar", style={"description_width": "initial"}
        )
        self.previous = ipw.Button(description="Previous", icon="arrow-left", tooltip="Previous slide (left arrow or Page Up)")
        self.next = ipw.Button(
            description="Next", icon="arrow-right", button_style="primary", tooltip="Next slide (right arrow or Page Down)"
        )
        self.counter = ipw.HTML()
        self.counter.add_class("rw-slide-counter-box")
        self.head, self.extra, self.foot = ipw.HTML(), ipw.VBox(), ipw.HTML()
        self.frame = ipw.VBox([ipw.VBox([self.head, self.extra]), self.foot])
        self.frame.add_class("rw-slide-frame")
        self.message = ipw.HTML(notice("warning", "Some seminars could not be loaded: " + " ".join(problems)) if problems else "")
        self.keys = SeminarKeys()
        self.keys.add_class("rw-seminar-keys")
        nav = ipw.HBox([self.previous, self.counter, self.next, self.keys])
        nav.add_class("rw-seminar-nav")
        bar = ipw.HBox([self.picker, nav])
        bar.add_class("rw-seminar-bar")
        help_line = ipw.HTML(
            '<p class="rw-seminar-keys-help">Keys: <kbd>→</kbd> or <kbd>Page Down</kbd> next slide, '
            "<kbd>←</kbd> or <kbd>Page Up</kbd> previous, <kbd>F</kbd> full screen (<kbd>Esc</kbd> leaves it); "
            "or Tab to a button and press Enter.</p>"
        )
        self.container = ipw.VBox([ipw.HTML(SEMINAR_CSS), bar, self.message, self.frame, help_line])
        self.container.add_class("rw-seminar")
        self.container.add_class("rw-exercise")
        self.position = start(self.seminar)
        self.previous.on_click(lambda _button: self.move(-1))
        self.next.on_click(lambda _button: self.move(1))
        self.picker.observe(self._on_pick, names="value")
        self.keys.on_msg(self._on_key)
        self.show()

    @property
    def seminar(self) -> Seminar:
        return self.seminars[self.picker.value]

    def close(self) -> None:
        """Close the deck's widgets; the poll views' refreshes stop with them."""
        for view in self.poll_views.values():
            close_tree(view)
        close_tree(self.container)

    # ------------------------------------------------------------------ moving

    def move(self, delta: int) -> None:
        self.position = step(self.position, delta)
        self.show()

    def go_to(self, number: int) -> None:
        """Slide ``number`` (from 1); a number the seminar does not have is said in the page, nothing moves."""
        try:
            self.position = go_to(self.position, number)
        except ValueError as error:
            self.message.value = notice("warning", str(error))
            return
        self.show()

    def _on_pick(self, _change: Mapping[str, Any]) -> None:
        self.position = start(self.seminar)
        self.show()

    def _on_key(self, _widget: object, content: Any, _buffers: object) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("key"), str):
            return
        action = key_action(
            content["key"],
            in_field=bool(content.get("in_field")),
            can_scroll_down=bool(content.get("can_scroll_down")),
            can_scroll_up=bool(content.get("can_scroll_up")),
        )
        if action is not None:
            self.move(1 if action == "next" else -1)

    # ------------------------------------------------------------------ showing

    def show(self) -> None:
        """Render the current slide, the counter and the buttons' states."""
        try:
            shown = slide_html(self.seminar, self.position, polls=self.polls)
        except ValueError as error:
            shown = SlideHtml(head=notice("error", str(error)), foot="", poll=None, title="")
        with self.container.hold_sync():
            self.head.value = shown.head
            self.foot.value = shown.foot
            self.extra.children = (self._poll_view(shown.poll),) if shown.poll else ()
            self.counter.value = (
                f'<p class="rw-slide-counter" role="status" aria-live="polite" aria-label="Slide {self.position.counter}: {escape(shown.title)}">'
                f"{self.position.counter}</p>"
            )
            self.previous.disabled = self.position.at_first
            self.next.disabled = self.position.at_last

    def _poll_view(self, poll_id: str) -> ipw.Widget:
        """The live vote view of one poll, made the first time its slide is shown and kept after."""
        if poll_id not in self.poll_views:
            if self._store is None:
                self._store = open_class_store(self._url)
            store, problem = self._store
            try:
                poll = self.polls[poll_id]
                view = PollView(poll, poll_options(poll, load_frameworks()), store, problem).container
            except ContentError as error:
                view = ipw.HTML(notice("error", str(error)))
            self.poll_views[poll_id] = view
        return self.poll_views[poll_id]


def seminar_deck(chapter: str | None = None, url: str | None = None) -> ipw.Widget:
    """The seminar slides of every chapter that has them, starting at ``chapter`` (one call in a dashboard)."""
    try:
        polls = load_polls()
    except ContentError as error:
        return ipw.HTML(STYLE + notice("error", str(error)))
    seminars, problems = all_seminars()
    if not seminars:
        return ipw.HTML(STYLE + notice("error", "No seminar could be loaded. " + " ".join(problems)))
    deck = SeminarDeck(seminars, polls, problems=tuple(problems), chapter=chapter, class_store_url=url)
    return ipw.VBox([ipw.HTML(STYLE), deck.container])
