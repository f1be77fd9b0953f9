"""Branching case vignettes: the schema of ``data/vignettes/<id>.yaml``, the frameworks file, and their loaders.

A vignette is a small directed graph. Each node is a moment in a fictional
meeting; each choice leads to another node and carries feedback and the ids of
the ten top tips (Shepherd, Boardman & Slade 2008) and CHIME processes
(Leamy et al. 2011) it reflects, as listed in ``data/vignettes/frameworks.yaml``.

A file is validated on load, with pydantic for its shape and graph checks for
its links: every link names a node, every node is reachable from ``start``, and
from every reachable node some end can still be reached (so no loop traps the
student). Any problem raises one :class:`VignetteError` line per problem, naming
the file, the node and the field, like :class:`widgets.content.ContentError`.

Walking a vignette is pure logic in :mod:`widgets.logic.vignettes`; the view is
:mod:`widgets.views.vignettes`.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from .loading import ContentError, FieldProblem, Strict, content_cache, data_path, located, read_yaml

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]

NodeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]

__all__ = ["CHIME_IDS", "TIP_IDS", "Choice", "Framework", "FrameworkItem", "Frameworks", "Node", "Vignette", "VignetteError", "load_frameworks", "load_vignette", "load_vignette_file", "validate_vignette"]


TIP_IDS = tuple(f"tip-{number:02d}" for number in range(1, 11))
"""The ten top tips in the order of Shepherd, Boardman & Slade (2008)."""


CHIME_IDS = ("chime-connectedness", "chime-hope", "chime-identity", "chime-meaning", "chime-empowerment")
"""The five CHIME recovery processes (Leamy et al. 2011)."""


class VignetteError(ContentError):
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
    return located(path, message, noun="node", owner=node, field=field)


@content_cache(lambda: data_path("vignettes", "frameworks.yaml"))
def load_frameworks(path: Path) -> Frameworks:
    """Read ``data/vignettes/frameworks.yaml`` (or ``path``) and check it has the expected ids.

    Raises
    ------
    VignetteError
        The file is missing, not YAML, or does not list ``tip-01`` ... ``tip-10``
        and the five CHIME ids in order, each with a label, plus a title and
        ``source`` per framework.
    """
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise VignetteError(located(path, "expected a mapping with top_tips and chime", field="(whole file)"))
    try:
        return Frameworks.model_validate(raw)
    except ValidationError as error:
        lines = []
        for detail in error.errors(include_url=False):
            message, field = _message(detail)
            where = ".".join(str(part) for part in detail["loc"])
            field = ".".join(filter(None, [where, field])) or "(whole file)"
            lines.append(located(path, message, field=field))
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
    return load_vignette_file((folder or data_path("vignettes")) / f"{vignette_id}.yaml", frameworks=frameworks)
