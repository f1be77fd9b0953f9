"""Walking a vignette (pure: a walk is a tuple of choices) and its debrief against the frameworks.

The walk is plain data, ``Walk(path=((node, choice), ...))``; the functions
below move it and never change it, so the view only stores and redraws::

    >>> from widgets.content.vignettes import load_vignette
    >>> vignette = load_vignette("example-first-meeting")
    >>> walk = choose(vignette, Walk(), "a")
    >>> current_node(vignette, walk)
    'n2'
    >>> is_finished(vignette, choose(vignette, walk, "a"))
    True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..content.vignettes import Choice, Framework, Frameworks, Vignette
from .markup import escape, markdown

__all__ = ["Debrief", "Walk", "back", "choose", "current_node", "debrief", "is_finished", "walk_from_saved"]


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
