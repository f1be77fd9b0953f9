"""Branching case vignettes: the schema of ``data/vignettes/<id>.yaml``, a pure walking API and a view.

A vignette is a small directed graph. Each node is a moment in a fictional
meeting; each choice leads to another node and carries feedback and the ids of
the ten top tips (Shepherd, Boardman & Slade 2008) and CHIME processes
(Leamy et al. 2011) it reflects, as listed in ``data/vignettes/frameworks.yaml``.

A file is validated on load, with pydantic for its shape and graph checks for
its links: every link names a node, every node is reachable from ``start``, and
from every reachable node some end can still be reached (so no loop traps the
student). Any problem raises one :class:`VignetteError` line per problem, naming
the file, the node and the field, like :class:`widgets.content.ContentError`.

The walk is plain data, ``Walk(path=((node, choice), ...))``; the functions
below move it and never change it, so the view only stores and redraws::

    >>> vignette = load_vignette("example-first-meeting")
    >>> walk = choose(vignette, Walk(), "a")
    >>> current_node(vignette, walk)
    'n2'
    >>> is_finished(vignette, choose(vignette, walk, "a"))
    True
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import ipywidgets as ipw
from pydantic import (
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from .content import FieldProblem, Strict, data_dir, read_yaml
from .markup import STYLE, escape, feedback_box, markdown, notice
from .store import AnswerStore
from .views import AnswerSlot

__all__ = [
    "CHIME_IDS",
    "TIP_IDS",
    "Choice",
    "Debrief",
    "Framework",
    "FrameworkItem",
    "Frameworks",
    "Node",
    "Vignette",
    "VignetteError",
    "VignetteView",
    "Walk",
    "back",
    "choose",
    "current_node",
    "debrief",
    "is_finished",
    "load_frameworks",
    "load_vignette",
    "load_vignette_file",
    "validate_vignette",
    "vignette_widget",
    "walk_from_saved",
]

TIP_IDS = tuple(f"tip-{number:02d}" for number in range(1, 11))
"""The ten top tips in the order of Shepherd, Boardman & Slade (2008)."""

CHIME_IDS = ("chime-connectedness", "chime-hope", "chime-identity", "chime-meaning", "chime-empowerment")
"""The five CHIME recovery processes (Leamy et al. 2011)."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
NodeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]


class VignetteError(ValueError):
    """A vignette or frameworks file is missing, unreadable, or breaks the schema or the graph rules."""


# --------------------------------------------------------------------------- frameworks


class FrameworkItem(Strict):
    id: Slug
    label: Text


class Framework(Strict):
    title: Text
    source: Text
    items: tuple[FrameworkItem, ...] = Field(min_length=1)


class Frameworks(Strict):
    """The ten top tips and the five CHIME processes, with short paraphrased labels."""

    top_tips: Framework
    chime: Framework

    @model_validator(mode="after")
    def _expected_ids_in_order(self) -> Frameworks:
        for name, expected in (("top_tips", TIP_IDS), ("chime", CHIME_IDS)):
            found = tuple(item.id for item in getattr(self, name).items)
            if found != expected:
                raise FieldProblem(
                    f"expected the ids {', '.join(expected)} in that order, found {', '.join(found) or 'none'}",
                    field=f"{name}.items",
                )
        return self

    @property
    def ids(self) -> frozenset[str]:
        """Every id a vignette choice may map to."""
        return frozenset(item.id for framework in (self.top_tips, self.chime) for item in framework.items)

    def label(self, item_id: str) -> str:
        """The label of a tip or CHIME process; ``KeyError`` naming the id if unknown."""
        for framework in (self.top_tips, self.chime):
            for item in framework.items:
                if item.id == item_id:
                    return item.label
        raise KeyError(f"unknown framework id {item_id!r}")


# --------------------------------------------------------------------------- vignettes


class Choice(Strict):
    id: Slug
    label: Text
    next: NodeId
    feedback: Text
    maps_to: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _has_feedback(cls, raw: Any) -> Any:
        if isinstance(raw, Mapping):
            feedback = raw.get("feedback")
            if feedback is None or (isinstance(feedback, str) and not feedback.strip()):
                choice = f" (choice {raw['id']!r})" if isinstance(raw.get("id"), str) else ""
                raise FieldProblem(
                    f"choice with no feedback{choice}; write what the student hears after choosing it",
                    field="feedback",
                )
        return raw


class Node(Strict):
    text: Text
    choices: tuple[Choice, ...] = ()
    end: bool = False
    debrief: Text | None = None


class Vignette(Strict):
    """One branching case. ``nodes`` keeps the file's order."""

    id: Slug
    title: Text
    chapter: Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
    person: Text
    source: Text
    start: NodeId
    nodes: dict[NodeId, Node] = Field(min_length=1)

    @property
    def answer_id(self) -> str:
        """The id its walks are saved under, e.g. ``"03.vignette.example-first-meeting"``."""
        return f"{self.chapter}.vignette.{self.id}"


# --------------------------------------------------------------------------- loading


def _read_yaml(path: Path) -> Any:
    return read_yaml(path, VignetteError)


def _message(detail: Mapping[str, Any]) -> tuple[str, str | None]:
    """pydantic's message, or ours without its "Value error, " prefix, and the field it names."""
    problem = detail.get("ctx", {}).get("error")
    if isinstance(problem, FieldProblem):
        return str(problem), problem.field
    return str(detail["msg"]), None


def _line(path: Path | str, node: str, field: str, message: str) -> str:
    return f"{path}: node {node!r}, field {field!r}: {message}"


def load_frameworks(path: Path | None = None) -> Frameworks:
    """Read ``data/vignettes/frameworks.yaml`` (or ``path``) and check it has the expected ids.

    Raises
    ------
    VignetteError
        The file is missing, not YAML, or does not list ``tip-01`` ... ``tip-10``
        and the five CHIME ids in order, each with a label, plus a title and
        ``source`` per framework.
    """
    path = path or data_dir() / "vignettes" / "frameworks.yaml"
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise VignetteError(f"{path}: field '(whole file)': expected a mapping with top_tips and chime")
    try:
        return Frameworks.model_validate(raw)
    except ValidationError as error:
        lines = []
        for detail in error.errors(include_url=False):
            message, field = _message(detail)
            where = ".".join(str(part) for part in detail["loc"])
            field = ".".join(filter(None, [where, field])) or "(whole file)"
            lines.append(f"{path}: field {field!r}: {message}")
        raise VignetteError("\n".join(lines)) from None


def _shape_problems(path: Path | str, error: ValidationError) -> list[str]:
    lines = []
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        message, extra_field = _message(detail)
        if len(loc) >= 2 and loc[0] == "nodes":
            node, parts = str(loc[1]), loc[2:]
            if parts == ("[key]",):  # the node id itself breaks the pattern
                parts = ("(node id)",)
        else:
            node, parts = "(file)", loc
        field = ".".join(str(part) for part in parts)
        if extra_field and not field.endswith(extra_field):
            field = f"{field}.{extra_field}" if field else extra_field
        lines.append(_line(path, node, field or "(whole node)", message))
    return lines


def _structure_problems(vignette: Vignette, *, stem: str, known_ids: frozenset[str]) -> list[tuple[str, str, str]]:
    """Problems a node can have on its own: ids, links, ends, feedback targets."""
    problems: list[tuple[str, str, str]] = []
    nodes = vignette.nodes
    if vignette.id != stem:
        problems.append(("(file)", "id", f"{vignette.id!r} does not match the file name {stem!r}"))
    if vignette.start not in nodes:
        problems.append(("(file)", "start", f"unknown node {vignette.start!r}; the nodes are {', '.join(nodes)}"))
    for node_id, node in nodes.items():
        if node.end and node.choices:
            problems.append(
                (
                    node_id,
                    "choices",
                    f"an end node has no choices, found {len(node.choices)}; remove them or drop end: true",
                )
            )
        if node.end and node.debrief is None:
            problems.append((node_id, "debrief", "an end node needs a debrief for the student"))
        if not node.end and node.debrief is not None:
            problems.append((node_id, "debrief", "only end nodes have a debrief; set end: true or remove it"))
        if not node.end and not node.choices:
            problems.append(
                (node_id, "choices", "a node that is not an end needs at least one choice; add one or set end: true")
            )
        seen: set[str] = set()
        for index, choice in enumerate(node.choices):
            if choice.id in seen:
                problems.append((node_id, f"choices.{index}.id", f"duplicate choice id {choice.id!r}"))
            seen.add(choice.id)
            if choice.next not in nodes:
                problems.append((node_id, f"choices.{index}.next", f"unknown node {choice.next!r}"))
            for item_id in sorted(set(choice.maps_to) - known_ids):
                problems.append(
                    (
                        node_id,
                        f"choices.{index}.maps_to",
                        f"unknown framework id {item_id!r}; use tip-01 ... tip-10 or {', '.join(CHIME_IDS)}",
                    )
                )
            for item_id, times in Counter(choice.maps_to).items():
                if times > 1 and item_id in known_ids:
                    problems.append((node_id, f"choices.{index}.maps_to", f"{item_id!r} is listed {times} times"))
    return problems


def _reachable(start: str, edges: Mapping[str, Iterable[str]]) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _graph_problems(vignette: Vignette) -> list[tuple[str, str, str]]:
    """Nodes the start cannot reach, and reachable nodes from which no end can be reached."""
    nodes = vignette.nodes
    forward = {node_id: [choice.next for choice in node.choices] for node_id, node in nodes.items()}
    backward: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for source, targets in forward.items():
        for target in targets:
            backward[target].append(source)
    reachable = _reachable(vignette.start, forward)
    can_end: set[str] = set()
    for node_id, node in nodes.items():
        if node.end:
            can_end |= _reachable(node_id, backward)
    problems = [
        (node_id, "(whole node)", f"not reachable from the start node {vignette.start!r}: no choice leads here")
        for node_id in nodes
        if node_id not in reachable
    ]
    trapped = [node_id for node_id in nodes if node_id in reachable and node_id not in can_end]
    if trapped:
        problems.append(
            (
                trapped[0],
                "choices",
                f"no end node can be reached from here: a loop with no way out through {', '.join(trapped)}",
            )
        )
    return problems


def validate_vignette(raw: Any, *, path: Path | str, frameworks: Frameworks | None = None) -> Vignette:
    """Check parsed YAML against the schema and the graph rules; ``path``'s stem must equal the id.

    Raises
    ------
    VignetteError
        One line per problem, ``<file>: node 'n3', field 'choices.1.next': unknown node 'n9'``.
    """
    if not isinstance(raw, dict):
        raise VignetteError(
            _line(
                path, "(file)", "(whole file)", "expected a mapping with id, title, chapter, person, source, start and nodes"
            )
        )
    try:
        vignette = Vignette.model_validate(raw)
    except ValidationError as error:
        raise VignetteError("\n".join(_shape_problems(path, error))) from None
    known_ids = (frameworks or load_frameworks()).ids
    problems = _structure_problems(vignette, stem=Path(path).stem, known_ids=known_ids)
    if not problems:  # the graph checks assume every link and the start name a node
        problems = _graph_problems(vignette)
    if problems:
        raise VignetteError("\n".join(_line(path, *problem) for problem in problems))
    return vignette


def load_vignette_file(path: Path, *, frameworks: Frameworks | None = None) -> Vignette:
    """Read and validate one vignette file (its id must equal the file's stem)."""
    return validate_vignette(_read_yaml(path), path=path, frameworks=frameworks)


def load_vignette(vignette_id: str, *, folder: Path | None = None, frameworks: Frameworks | None = None) -> Vignette:
    """Load ``data/vignettes/<vignette_id>.yaml`` (or the file in ``folder``).

    ``frameworks`` defaults to :func:`load_frameworks` (the workbook's own file).
    """
    return load_vignette_file((folder or data_dir() / "vignettes") / f"{vignette_id}.yaml", frameworks=frameworks)


# --------------------------------------------------------------------------- walking


@dataclass(frozen=True)
class Walk:
    """The choices taken so far, in order, as ``(node id, choice id)`` pairs."""

    path: tuple[tuple[str, str], ...] = ()


def _choice(vignette: Vignette, node_id: str, choice_id: str) -> Choice:
    node = vignette.nodes[node_id]
    if node.end:
        raise ValueError(f"node {node_id!r} of vignette {vignette.id!r} is an end: it has no choice {choice_id!r}")
    for choice in node.choices:
        if choice.id == choice_id:
            return choice
    known = ", ".join(choice.id for choice in node.choices)
    raise ValueError(
        f"{choice_id!r} is not a choice of node {node_id!r} in vignette {vignette.id!r}; its choices are {known}"
    )


def current_node(vignette: Vignette, walk: Walk) -> str:
    """The id of the node the walk has reached; ``ValueError`` if a step does not fit the vignette."""
    node_id = vignette.start
    for number, (step_node, choice_id) in enumerate(walk.path, start=1):
        if step_node != node_id:
            raise ValueError(
                f"step {number} of the walk is at node {step_node!r}, but the walk had reached node {node_id!r}"
            )
        node_id = _choice(vignette, node_id, choice_id).next
    return node_id


def choose(vignette: Vignette, walk: Walk, choice_id: str) -> Walk:
    """The walk after taking ``choice_id`` at the current node; ``ValueError`` naming both if it is not there."""
    node_id = current_node(vignette, walk)
    _choice(vignette, node_id, choice_id)
    return Walk(walk.path + ((node_id, choice_id),))


def back(walk: Walk) -> Walk:
    """The walk one step shorter; at the start it stays at the start."""
    return Walk(walk.path[:-1])


def is_finished(vignette: Vignette, walk: Walk) -> bool:
    """Whether the walk has reached an end node."""
    return vignette.nodes[current_node(vignette, walk)].end


@dataclass(frozen=True)
class Debrief:
    """What a finished walk shows: each step, the frameworks it touched, and the end's debrief.

    ``tips`` and ``chime`` list every tip and CHIME process in the frameworks'
    order as ``(id, label, count)``, where ``count`` is how many of the choices
    taken map to it (0 for those not touched).
    """

    steps: tuple[tuple[str, str, str], ...]
    """``(node text, choice label, feedback)`` for each choice taken."""
    tips: tuple[tuple[str, str, int], ...]
    chime: tuple[tuple[str, str, int], ...]
    text: str
    """The end node's debrief."""


def debrief(vignette: Vignette, walk: Walk, frameworks: Frameworks) -> Debrief:
    """Summarise a finished walk; ``ValueError`` if it has not reached an end."""
    end_id = current_node(vignette, walk)
    end = vignette.nodes[end_id]
    if not end.end or end.debrief is None:
        raise ValueError(f"the walk through vignette {vignette.id!r} has not reached an end (it is at node {end_id!r})")
    choices = [_choice(vignette, node_id, choice_id) for node_id, choice_id in walk.path]
    counts = Counter(item_id for choice in choices for item_id in choice.maps_to)
    steps = tuple(
        (vignette.nodes[node_id].text, choice.label, choice.feedback)
        for (node_id, _choice_id), choice in zip(walk.path, choices, strict=True)
    )

    def tally(framework: Framework) -> tuple[tuple[str, str, int], ...]:
        return tuple((item.id, item.label, counts[item.id]) for item in framework.items)

    return Debrief(steps=steps, tips=tally(frameworks.top_tips), chime=tally(frameworks.chime), text=end.debrief)


def walk_from_saved(vignette: Vignette, saved: object) -> Walk:
    """Rebuild a walk from a saved answer ``{"path": [[node, choice], ...], ...}`` (or the bare list).

    Raises ``ValueError`` if the answer has another shape or a step no longer fits
    the vignette (for instance after the vignette was edited).
    """
    path = saved.get("path") if isinstance(saved, Mapping) else saved
    if not isinstance(path, Sequence) or isinstance(path, (str, bytes)):
        raise ValueError(f"a saved walk needs a list of [node, choice] steps under 'path', got {saved!r:.80}")
    steps: list[tuple[str, str]] = []
    for number, step in enumerate(path, start=1):
        if not (
            isinstance(step, Sequence)
            and not isinstance(step, (str, bytes))
            and len(step) == 2
            and all(isinstance(part, str) for part in step)
        ):
            raise ValueError(f"step {number} of the saved walk is not a [node, choice] pair: {step!r:.80}")
        steps.append((step[0], step[1]))
    walk = Walk(tuple(steps))
    current_node(vignette, walk)
    return walk


def _answer(vignette: Vignette, walk: Walk) -> dict[str, Any]:
    return {"path": [[node_id, choice_id] for node_id, choice_id in walk.path], "finished": is_finished(vignette, walk)}


# --------------------------------------------------------------------------- view

_CHOICE_STYLE = (
    "<style>\n"
    ".rw-choice { height: auto !important; white-space: normal !important; text-align: left; "
    "max-width: 48rem; padding: 0.4rem 0.8rem; }\n"
    ".rw-vignette .rw-v-steps > li { margin-bottom: 0.5rem; }\n"
    "</style>"
)


def _count_cell(count: int) -> str:
    if count:
        return f'<span aria-hidden="true">✔</span> yes, {count} choice{"s" if count != 1 else ""}'
    return '<span aria-hidden="true">–</span> not touched'


def _framework_table(
    caption: str, rows: tuple[tuple[str, str, int], ...], framework: Framework, column: str, *, numbered: bool
) -> str:
    body = "".join(
        f'<tr><th scope="row">{f"{number}. " if numbered else ""}{escape(label)}</th><td>{_count_cell(count)}</td></tr>'
        for number, (_id, label, count) in enumerate(rows, start=1)
    )
    return (
        f'<table class="rw-facts"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(column)}</th><th scope="col">Touched by your choices?</th></tr></thead>'
        f'<tbody>{body}</tbody></table><p class="rw-id">Labels paraphrased from: {escape(framework.source)}.</p>'
    )


def _debrief_html(result: Debrief, frameworks: Frameworks) -> str:
    steps = "".join(
        f"<li>{markdown(text)}<p><strong>You chose:</strong> {escape(label)}</p>{markdown(feedback)}</li>"
        for text, label, feedback in result.steps
    )
    return (
        '<div class="rw-v-debrief">'
        f'<p><strong>Debrief</strong></p>{markdown(result.text)}'
        f'<p><strong>Your route, step by step</strong></p><ol class="rw-v-steps">{steps}</ol>'
        "<p>The tables show which of the ten top tips and CHIME processes your choices drew on. "
        "They are prompts for reflection, not a score.</p>"
        + _framework_table(
            "Ten top tips for recovery-oriented practice", result.tips, frameworks.top_tips, "Tip", numbered=True
        )
        + _framework_table("CHIME recovery processes", result.chime, frameworks.chime, "Process", numbered=False)
        + "</div>"
    )


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
        return list(self.choices_box.children)  # type: ignore[arg-type]

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
