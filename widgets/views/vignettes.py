"""The case-vignette view: walk a branching vignette, then read the debrief."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as ipw

from ..content.vignettes import (
    Frameworks,
    Vignette,
    VignetteError,
    load_frameworks,
    load_vignette,
)
from ..logic.markup import STYLE, escape, feedback_box, markdown, notice
from ..logic.vignettes import (
    _CHOICE_STYLE,
    Walk,
    _answer,
    _choice,
    _debrief_html,
    back,
    choose,
    current_node,
    debrief,
    walk_from_saved,
)
from ..storage.store import AnswerStore
from .exercises import AnswerSlot

__all__ = ["VignetteView", "vignette_widget"]








class VignetteView:
    """A branching vignette: the current moment, one button per choice, feedback, Back, and a debrief at the end.

    Every step saves the whole path under ``vignette.answer_id``; on construction
    the latest saved path is restored. Exposes ``.container``, ``.scene``,
    ``.choice_buttons`` (the buttons now shown), ``.feedback``, ``.back_button``,
    ``.restart_button``, ``.debrief`` and ``.status`` for tests.
    """

    def __init__(
        self,
        vignette: Vignette,
        *,
        store: AnswerStore | None,
        store_problem: str | None = None,
        frameworks: Frameworks | None = None,
    ) -> None:
        self.vignette = vignette
        self.store = store
        self.frameworks = frameworks or load_frameworks()
        self.walk = Walk()
        self.header = ipw.HTML(
            f'<div class="rw-v-header"><p><strong>{escape(vignette.title)}</strong></p>'
            f"<p>{escape(vignette.person)}</p></div>"
        )
        self.scene = ipw.HTML("")
        self.prompt = ipw.HTML("<p>What do you do?</p>")
        self._pool: list[ipw.Button] = []
        self.choices_box = ipw.VBox([])
        self.feedback = ipw.HTML("")
        self.back_button = ipw.Button(
            description="Back", tooltip="Go back one step and choose again", icon="arrow-left"
        )
        self.back_button.on_click(lambda _button: self._on_change(back(self.walk)))
        self.restart_button = ipw.Button(
            description="Start again", tooltip="Start this vignette again from the beginning"
        )
        self.restart_button.on_click(lambda _button: self._on_change(Walk()))
        self.debrief = ipw.HTML("")
        self.status = ipw.HTML(notice("warning", store_problem) if store_problem else "")
        self.slot = AnswerSlot(store, vignette.answer_id, "vignette", self.status)
        self.container = ipw.VBox(
            [
                ipw.HTML(STYLE + _CHOICE_STYLE),
                self.header,
                self.scene,
                self.prompt,
                self.choices_box,
                self.feedback,
                self.debrief,
                ipw.HBox([self.back_button, self.restart_button]),
                self.status,
            ]
        )
        for name in ("rw-exercise", "rw-vignette", f"rw-v-{vignette.id}"):
            self.container.add_class(name)
        self._load_saved()
        self._render()

    @property
    def choice_buttons(self) -> list[ipw.Button]:
        """The buttons for the current node's choices, in order."""
        return list(self.choices_box.children)

    # -- events -----------------------------------------------------------
    def _on_choice(self, index: int) -> None:
        node = self.vignette.nodes[current_node(self.vignette, self.walk)]
        if index < len(node.choices):
            self._on_change(choose(self.vignette, self.walk, node.choices[index].id))

    def _on_change(self, walk: Walk) -> None:
        self.walk = walk
        self._render()
        self._save()
        buttons = self.choice_buttons
        (buttons[0] if buttons else self.back_button).focus()

    # -- rendering --------------------------------------------------------
    def _button(self, index: int) -> ipw.Button:
        while len(self._pool) <= index:
            button = ipw.Button(layout=ipw.Layout(width="auto", height="auto"))
            button.add_class("rw-choice")
            number = len(self._pool)
            button.on_click(lambda _button, number=number: self._on_choice(number))
            self._pool.append(button)
        return self._pool[index]

    def _render(self) -> None:
        vignette, walk = self.vignette, self.walk
        node_id = current_node(vignette, walk)
        node = vignette.nodes[node_id]
        self.scene.value = f'<div class="rw-v-scene">{markdown(node.text)}</div>'
        buttons = []
        for index, choice in enumerate(node.choices):
            button = self._button(index)
            button.description = choice.label
            button.tooltip = choice.label
            buttons.append(button)
        self.choices_box.children = tuple(buttons)
        self.prompt.layout.display = None if buttons else "none"
        if walk.path:
            last_node, last_choice = walk.path[-1]
            choice = _choice(vignette, last_node, last_choice)
            self.feedback.value = feedback_box(
                "info",
                f"<p><strong>You chose:</strong> {escape(choice.label)}</p>{markdown(choice.feedback)}",
                title="About your last choice",
            )
        else:
            self.feedback.value = ""
        self.back_button.disabled = not walk.path
        finished = node.end
        self.restart_button.layout.display = None if finished else "none"
        self.debrief.value = (
            _debrief_html(debrief(vignette, walk, self.frameworks), self.frameworks) if finished else ""
        )

    # -- storage ----------------------------------------------------------
    def _save(self) -> None:
        self.slot.save(_answer(self.vignette, self.walk))

    def _load_saved(self) -> None:
        saved = self.slot.latest()
        if saved is None:
            return
        try:
            self.walk = walk_from_saved(self.vignette, saved.answer)
        except ValueError:
            self.status.value = notice(
                "warning",
                "Your saved route through this vignette no longer fits it (the vignette was changed), "
                "so it starts afresh. The saved route is still kept in your answers file.",
            )
            return
        self.slot.remember(saved.answer)
        if self.walk.path:
            self.slot.shown(saved, "Your route")


def vignette_widget(
    vignette_id: str,
    *,
    store: AnswerStore | None,
    store_problem: str | None = None,
    folder: Path | None = None,
) -> ipw.Widget:
    """The view's container for a notebook cell, or a readable problem notice if the files do not load."""
    try:
        vignette = load_vignette(vignette_id, folder=folder)
        frameworks = load_frameworks()
    except VignetteError as error:
        message = escape(str(error)).replace("\n", "<br>")
        return ipw.HTML(feedback_box("error", f"<p>This vignette could not be loaded.</p><p>{message}</p>"))
    return VignetteView(vignette, store=store, store_problem=store_problem, frameworks=frameworks).container
