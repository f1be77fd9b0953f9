"""Branching vignettes: the files load, broken files fail with one clear VignetteError, walks and the view behave."""

from __future__ import annotations

import copy
import doctest
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as ipw
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import widgets.logic.vignettes as vignettes
from tests import widget_tree
from tests.widget_tree import descendants
from widgets.content.loading import data_dir
from widgets.content.vignettes import (
    CHIME_IDS,
    TIP_IDS,
    Frameworks,
    Vignette,
    VignetteError,
    load_frameworks,
    load_vignette,
    load_vignette_file,
    validate_vignette,
)
from widgets.logic.records import SavedAnswer
from widgets.logic.vignettes import (
    Debrief,
    Walk,
    back,
    choose,
    current_node,
    debrief,
    is_finished,
    walk_from_saved,
)
from widgets.storage.store import AnswerStore, StoreError
from widgets.views.vignettes import VignetteView, vignette_widget

FOLDER = data_dir() / "vignettes"
VIGNETTE_FILES = sorted(path for path in FOLDER.glob("*.yaml") if path.name != "frameworks.yaml")
EXAMPLE = "example-first-meeting"
FRAMEWORKS = load_frameworks()


def example() -> Vignette:
    return load_vignette(EXAMPLE)


def walk_of(vignette: Vignette, *choice_ids: str) -> Walk:
    walk = Walk()
    for choice_id in choice_ids:
        walk = choose(vignette, walk, choice_id)
    return walk


def can_reach_an_end(vignette: Vignette, node_id: str) -> bool:
    """An independent breadth-first search: is some end node reachable from ``node_id``?"""
    seen, queue = {node_id}, deque([node_id])
    while queue:
        node = vignette.nodes[queue.popleft()]
        if node.end:
            return True
        for choice in node.choices:
            if choice.next not in seen:
                seen.add(choice.next)
                queue.append(choice.next)
    return False


def is_acyclic(vignette: Vignette) -> bool:
    state: dict[str, str] = {}

    def visit(node_id: str) -> bool:
        if state.get(node_id) == "open":
            return False
        if state.get(node_id) == "done":
            return True
        state[node_id] = "open"
        ok = all(visit(choice.next) for choice in vignette.nodes[node_id].choices)
        state[node_id] = "done"
        return ok

    return all(visit(node_id) for node_id in vignette.nodes)


# --------------------------------------------------------------------------- the real files


class TestRealFiles:
    def test_the_example_vignette_is_there(self) -> None:
        assert EXAMPLE in [path.stem for path in VIGNETTE_FILES]

    @pytest.mark.parametrize("path", VIGNETTE_FILES, ids=lambda p: p.stem)
    def test_every_vignette_file_loads_and_every_reachable_node_can_still_end(self, path: Path) -> None:
        vignette = load_vignette(path.stem)
        assert vignette.id == path.stem
        assert all(can_reach_an_end(vignette, node_id) for node_id in vignette.nodes)

    @pytest.mark.parametrize("path", VIGNETTE_FILES, ids=lambda p: p.stem)
    def test_every_person_is_marked_fictional(self, path: Path) -> None:
        assert "fictional" in load_vignette(path.stem).person.lower()

    def test_vignette_ids_are_unique_across_files(self) -> None:
        ids = [load_vignette_file(path).id for path in VIGNETTE_FILES]
        assert len(ids) == len(set(ids))

    def test_the_example_is_acyclic_so_any_walk_ends(self) -> None:
        assert is_acyclic(example())

    def test_the_module_docstring_example_runs(self) -> None:
        failures, tried = doctest.testmod(vignettes, verbose=False)
        assert tried > 0 and failures == 0


class TestFrameworks:
    def test_ten_tips_and_five_chime_processes_in_order_each_with_a_source(self) -> None:
        assert tuple(item.id for item in FRAMEWORKS.top_tips.items) == TIP_IDS
        assert tuple(item.id for item in FRAMEWORKS.chime.items) == CHIME_IDS
        assert "Shepherd" in FRAMEWORKS.top_tips.source and "2008" in FRAMEWORKS.top_tips.source
        assert "Leamy" in FRAMEWORKS.chime.source and "2011" in FRAMEWORKS.chime.source

    def test_labels_are_short_and_ids_known(self) -> None:
        assert FRAMEWORKS.ids == frozenset(TIP_IDS + CHIME_IDS)
        for item_id in FRAMEWORKS.ids:
            assert 0 < len(FRAMEWORKS.label(item_id)) <= 80

    def test_unknown_label_is_a_key_error_naming_the_id(self) -> None:
        with pytest.raises(KeyError, match="tip-11"):
            FRAMEWORKS.label("tip-11")

    def test_a_frameworks_file_missing_a_tip_names_the_field(self, tmp_path: Path) -> None:
        document = yaml.safe_load((FOLDER / "frameworks.yaml").read_text(encoding="utf-8"))
        del document["top_tips"]["items"][3]
        path = tmp_path / "frameworks.yaml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
        with pytest.raises(VignetteError) as caught:
            load_frameworks(path)
        assert str(path) in str(caught.value) and "top_tips.items" in str(caught.value)
        assert "tip-04" in str(caught.value)

    def test_a_frameworks_file_without_a_source_names_the_field(self, tmp_path: Path) -> None:
        document = yaml.safe_load((FOLDER / "frameworks.yaml").read_text(encoding="utf-8"))
        del document["chime"]["source"]
        path = tmp_path / "frameworks.yaml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
        with pytest.raises(VignetteError, match=r"field 'chime\.source': Field required"):
            load_frameworks(path)


# --------------------------------------------------------------------------- broken files


def base_document() -> dict[str, Any]:
    return yaml.safe_load((FOLDER / f"{EXAMPLE}.yaml").read_text(encoding="utf-8"))


def dump(document: Any) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def _yaml_syntax_error() -> str:
    return dump(base_document()).replace("start: n1", "start: [n1", 1)


def broken(edit: Callable[[dict[str, Any]], None]) -> Callable[[], str]:
    def text() -> str:
        document = copy.deepcopy(base_document())
        edit(document)
        return dump(document)

    return text


def _choice(node: str, index: int, field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["nodes"][node]["choices"][index].__setitem__(field, value)


def _add_node(node_id: str, node: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["nodes"].__setitem__(node_id, node)


def _trap(document: dict[str, Any]) -> None:
    """n3 now leads only to a new n6 and n6 only back to n3: reachable, but no way out."""
    document["nodes"]["n3"]["choices"][0]["next"] = "n6"
    document["nodes"]["n3"]["choices"][1]["next"] = "n6"
    document["nodes"]["n6"] = {
        "text": "Round again.",
        "choices": [{"id": "a", "label": "Go back.", "next": "n3", "feedback": "Again.", "maps_to": []}],
    }
    # n5 is now reached only through n2's choice c, so it stays reachable.


def _duplicate_choice_id(document: dict[str, Any]) -> None:
    document["nodes"]["n2"]["choices"][1]["id"] = "a"


@dataclass(frozen=True)
class Breakage:
    """One way to break a vignette file and the one line the error must then contain."""

    name: str
    text: Callable[[], str]
    expected: tuple[str, ...]
    stem: str = EXAMPLE


BREAKAGES = [
    Breakage("YAML syntax error", _yaml_syntax_error, ("not valid YAML at line",)),
    Breakage("top level is a list", lambda: dump([1, 2]), ("node '(file)', field '(whole file)'", "expected a mapping")),
    Breakage("missing title", broken(lambda d: d.pop("title")), ("node '(file)', field 'title': Field required",)),
    Breakage(
        "node missing its text",
        broken(lambda d: d["nodes"]["n2"].pop("text")),
        ("node 'n2', field 'text': Field required",),
    ),
    Breakage(
        "misspelt field", broken(_choice("n1", 0, "feedbak", "x")), ("node 'n1', field 'choices.0.feedbak'", "Extra inputs")
    ),
    Breakage(
        "blank feedback",
        broken(_choice("n1", 1, "feedback", "   ")),
        ("node 'n1', field 'choices.1.feedback': choice with no feedback (choice 'b')",),
    ),
    Breakage(
        "missing feedback",
        broken(lambda d: d["nodes"]["n2"]["choices"][0].pop("feedback")),
        ("node 'n2', field 'choices.0.feedback': choice with no feedback",),
    ),
    Breakage(
        "dangling link",
        broken(_choice("n3", 1, "next", "n9")),
        ("node 'n3', field 'choices.1.next': unknown node 'n9'",),
    ),
    Breakage(
        "unreachable node",
        broken(_add_node("n6", {"text": "Nobody gets here.", "end": True, "debrief": "Unseen."})),
        ("node 'n6', field '(whole node)': not reachable from the start node 'n1'",),
    ),
    Breakage("loop with no way out", broken(_trap), ("node 'n3', field 'choices': no end node can be reached", "n3, n6")),
    Breakage(
        "end node with choices",
        broken(lambda d: d["nodes"]["n4"].__setitem__("choices", copy.deepcopy(d["nodes"]["n3"]["choices"]))),
        ("node 'n4', field 'choices': an end node has no choices, found 2",),
    ),
    Breakage(
        "non-end node without choices",
        broken(lambda d: d["nodes"]["n2"].__setitem__("choices", [])),
        ("node 'n2', field 'choices': a node that is not an end needs at least one choice",),
    ),
    Breakage(
        "end node without debrief",
        broken(lambda d: d["nodes"]["n5"].pop("debrief")),
        ("node 'n5', field 'debrief': an end node needs a debrief",),
    ),
    Breakage(
        "debrief on a node that is not an end",
        broken(lambda d: d["nodes"]["n2"].__setitem__("debrief", "Too early.")),
        ("node 'n2', field 'debrief': only end nodes have a debrief",),
    ),
    Breakage(
        "unknown maps_to id",
        broken(_choice("n2", 0, "maps_to", ["tip-03", "tip-11"])),
        ("node 'n2', field 'choices.0.maps_to': unknown framework id 'tip-11'",),
    ),
    Breakage(
        "maps_to id listed twice",
        broken(_choice("n2", 0, "maps_to", ["tip-03", "tip-03"])),
        ("node 'n2', field 'choices.0.maps_to': 'tip-03' is listed 2 times",),
    ),
    Breakage("duplicate choice id", broken(_duplicate_choice_id), ("node 'n2', field 'choices.1.id': duplicate choice id 'a'",)),
    Breakage(
        "id differs from the file stem",
        broken(lambda d: d.__setitem__("id", "another-meeting")),
        ("node '(file)', field 'id': 'another-meeting' does not match the file name 'example-first-meeting'",),
    ),
    Breakage(
        "start is not a node",
        broken(lambda d: d.__setitem__("start", "n0")),
        ("node '(file)', field 'start': unknown node 'n0'",),
    ),
    Breakage("chapter not two digits", broken(lambda d: d.__setitem__("chapter", "3")), ("node '(file)', field 'chapter'",)),
    Breakage(
        "node id with a space",
        broken(lambda d: d["nodes"].__setitem__("n 7", {"text": "x", "end": True, "debrief": "y"})),
        ("node 'n 7', field '(node id)'",),
    ),
]


class TestBrokenFiles:
    @pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.name)
    def test_each_problem_is_one_line_naming_the_file_node_and_field(self, breakage: Breakage, tmp_path: Path) -> None:
        path = tmp_path / f"{breakage.stem}.yaml"
        path.write_text(breakage.text(), encoding="utf-8")
        with pytest.raises(VignetteError) as caught:
            load_vignette(breakage.stem, folder=tmp_path)
        message = str(caught.value)
        assert message.startswith(f"{path}: ")
        assert "\n" not in message, message
        for expected in breakage.expected:
            assert expected in message, message

    def test_a_missing_file_names_the_path(self, tmp_path: Path) -> None:
        with pytest.raises(VignetteError, match="cannot read the file") as caught:
            load_vignette("not-written-yet", folder=tmp_path)
        assert str(tmp_path / "not-written-yet.yaml") in str(caught.value)

    def test_the_unmodified_base_document_loads(self, tmp_path: Path) -> None:
        (tmp_path / f"{EXAMPLE}.yaml").write_text(dump(base_document()), encoding="utf-8")
        assert load_vignette(EXAMPLE, folder=tmp_path) == example()

    def test_several_problems_give_one_line_each(self, tmp_path: Path) -> None:
        document = base_document()
        document["nodes"]["n1"]["choices"][0]["next"] = "n8"
        document["nodes"]["n3"]["choices"][1]["next"] = "n9"
        (tmp_path / f"{EXAMPLE}.yaml").write_text(dump(document), encoding="utf-8")
        with pytest.raises(VignetteError) as caught:
            load_vignette(EXAMPLE, folder=tmp_path)
        assert str(caught.value).count("\n") == 1
        assert "unknown node 'n8'" in str(caught.value) and "unknown node 'n9'" in str(caught.value)

    def test_vignette_error_is_a_value_error(self) -> None:
        assert issubclass(VignetteError, ValueError)


def _yaml_like() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.sampled_from(["n1", "a", "end"]))
    keys = st.sampled_from(["id", "title", "chapter", "person", "source", "start", "nodes", "text", "choices", "next"])
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=5)),
        max_leaves=20,
    )


@st.composite
def graph_documents(draw: st.DrawFn) -> dict[str, Any]:
    """Random small graphs: some valid, some with unreachable nodes or loops that trap the walker."""
    names = [f"n{i}" for i in range(draw(st.integers(1, 6)))]
    nodes: dict[str, Any] = {}
    for name in names:
        if draw(st.booleans()):
            nodes[name] = {"text": f"End {name}.", "end": True, "debrief": "Debrief."}
        else:
            targets = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
            nodes[name] = {
                "text": f"At {name}.",
                "choices": [
                    {"id": f"c{j}", "label": f"Go to {t}", "next": t, "feedback": "Noted.", "maps_to": []}
                    for j, t in enumerate(targets)
                ],
            }
    header = {"id": "graph", "title": "T", "chapter": "03", "person": "P (fictional)", "source": "S", "start": "n0"}
    return {**header, "nodes": nodes}


class TestValidationProperties:
    @settings(max_examples=150, deadline=None)
    @given(document=_yaml_like())
    def test_any_yaml_data_gives_a_vignette_or_a_vignette_error(self, document: Any) -> None:
        try:
            validate_vignette(document, path="graph.yaml", frameworks=FRAMEWORKS)
        except VignetteError as error:
            assert str(error).startswith("graph.yaml: ")

    @settings(max_examples=200, deadline=None)
    @given(document=graph_documents())
    def test_a_graph_loads_exactly_when_every_node_is_reachable_and_can_end(self, document: dict[str, Any]) -> None:
        nodes = document["nodes"]
        forward = {name: {c["next"] for c in node.get("choices", [])} for name, node in nodes.items()}

        def closure(start: set[str], step: Callable[[str], set[str]]) -> set[str]:
            seen, queue = set(start), deque(start)
            while queue:
                for target in step(queue.popleft()) - seen:
                    seen.add(target)
                    queue.append(target)
            return seen

        reachable = closure({"n0"}, lambda name: forward[name])
        ends = {name for name, node in nodes.items() if node.get("end")}
        can_end = closure(ends, lambda name: {source for source in nodes if name in forward[source]})
        expected_to_load = reachable == set(nodes) and reachable <= can_end
        try:
            validate_vignette(document, path="graph.yaml", frameworks=FRAMEWORKS)
        except VignetteError as error:
            assert not expected_to_load, str(error)
            if reachable != set(nodes):
                assert "not reachable from the start node" in str(error)
            else:
                assert "no end node can be reached" in str(error)
            return
        assert expected_to_load


# --------------------------------------------------------------------------- walking


class TestWalk:
    def test_the_walk_starts_at_the_start_and_is_not_finished(self) -> None:
        vignette = example()
        assert current_node(vignette, Walk()) == "n1"
        assert not is_finished(vignette, Walk())

    def test_choose_follows_the_link_and_leaves_the_old_walk_unchanged(self) -> None:
        vignette, start = example(), Walk()
        walk = choose(vignette, start, "b")
        assert walk.path == (("n1", "b"),) and start.path == ()
        assert current_node(vignette, walk) == "n3"

    def test_the_example_walks_to_an_end(self) -> None:
        vignette = example()
        walk = walk_of(vignette, "b", "a", "b")
        assert [node for node, _choice in walk.path] == ["n1", "n3", "n2"]
        assert current_node(vignette, walk) == "n4" and is_finished(vignette, walk)

    def test_choosing_something_not_offered_names_the_node_and_the_choice(self) -> None:
        vignette = example()
        with pytest.raises(ValueError, match=r"'z' is not a choice of node 'n1'.*choices are a, b"):
            choose(vignette, Walk(), "z")

    def test_choosing_at_an_end_is_refused(self) -> None:
        vignette = example()
        with pytest.raises(ValueError, match=r"node 'n5'.*is an end"):
            choose(vignette, walk_of(vignette, "b", "b"), "a")

    def test_back_goes_one_step_and_stays_at_the_start(self) -> None:
        vignette = example()
        walk = walk_of(vignette, "a", "c")
        assert current_node(vignette, back(walk)) == "n2"
        assert back(back(walk)) == Walk() and back(Walk()) == Walk()

    def test_a_walk_that_skips_a_node_is_refused(self) -> None:
        with pytest.raises(ValueError, match=r"step 2 .* at node 'n3', but the walk had reached node 'n2'"):
            current_node(example(), Walk((("n1", "a"), ("n3", "a"))))

    def test_debrief_lists_steps_and_counts_every_tip_and_chime_process(self) -> None:
        vignette = example()
        result = debrief(vignette, walk_of(vignette, "b", "a", "a"), FRAMEWORKS)
        assert isinstance(result, Debrief)
        assert [label for _text, label, _feedback in result.steps] == [
            vignette.nodes["n1"].choices[1].label,
            vignette.nodes["n3"].choices[0].label,
            vignette.nodes["n2"].choices[0].label,
        ]
        assert result.steps[0][0] == vignette.nodes["n1"].text
        assert result.steps[0][2] == vignette.nodes["n1"].choices[1].feedback
        tips = {item_id: count for item_id, _label, count in result.tips}
        chime = {item_id: count for item_id, _label, count in result.chime}
        assert list(tips) == list(TIP_IDS) and list(chime) == list(CHIME_IDS)
        assert {k: v for k, v in tips.items() if v} == {"tip-03": 1, "tip-05": 1, "tip-09": 1}
        assert {k: v for k, v in chime.items() if v} == {"chime-empowerment": 1, "chime-identity": 1, "chime-meaning": 1}
        assert result.text == vignette.nodes["n4"].debrief
        assert result.tips[2][1] == FRAMEWORKS.label("tip-03")

    def test_debrief_counts_a_process_each_time_it_is_touched(self) -> None:
        vignette = example()
        result = debrief(vignette, walk_of(vignette, "a", "a"), FRAMEWORKS)
        assert {i: c for i, _l, c in result.chime}["chime-empowerment"] == 1
        result = debrief(vignette, walk_of(vignette, "b", "a", "b"), FRAMEWORKS)
        chime = {i: c for i, _l, c in result.chime}
        assert chime["chime-empowerment"] == 1 and chime["chime-connectedness"] == 1
        tips = {i: c for i, _l, c in result.tips}
        assert tips["tip-09"] == 2 and tips["tip-06"] == 1

    def test_a_route_with_no_mapped_choices_touches_nothing(self) -> None:
        vignette = example()
        result = debrief(vignette, walk_of(vignette, "b", "b"), FRAMEWORKS)
        assert all(count == 0 for _id, _label, count in result.tips + result.chime)
        assert result.text == vignette.nodes["n5"].debrief

    def test_debrief_before_the_end_is_refused(self) -> None:
        vignette = example()
        with pytest.raises(ValueError, match="has not reached an end"):
            debrief(vignette, walk_of(vignette, "a"), FRAMEWORKS)

    def test_walk_from_saved_round_trips(self) -> None:
        vignette = example()
        walk = walk_of(vignette, "b", "a", "c")
        saved = json.loads(json.dumps({"path": [list(step) for step in walk.path], "finished": True}))
        assert walk_from_saved(vignette, saved) == walk
        assert walk_from_saved(vignette, saved["path"]) == walk
        assert walk_from_saved(vignette, {"path": [], "finished": False}) == Walk()

    @pytest.mark.parametrize(
        "saved",
        [
            None,
            "n1,a",
            {"finished": True},
            {"path": "n1"},
            {"path": [["n1"]]},
            {"path": [["n1", 1]]},
            {"path": [["n1", "z"]]},
            {"path": [["n2", "a"]]},
            {"path": [["n1", "a"], ["n2", "a"], ["n4", "a"]]},
        ],
        ids=repr,
    )
    def test_walk_from_saved_refuses_what_no_longer_fits(self, saved: object) -> None:
        with pytest.raises(ValueError):
            walk_from_saved(example(), saved)


ACTIONS = st.lists(st.one_of(st.just("back"), st.integers(min_value=0, max_value=5)), max_size=40)


class TestWalkProperties:
    @pytest.mark.parametrize("path", VIGNETTE_FILES, ids=lambda p: p.stem)
    @settings(max_examples=100, deadline=None)
    @given(actions=ACTIONS)
    def test_random_choices_and_backs_stay_on_a_node_from_which_an_end_is_reachable(
        self, path: Path, actions: list[Any]
    ) -> None:
        vignette = load_vignette(path.stem)
        walk = Walk()
        for action in actions:
            node = vignette.nodes[current_node(vignette, walk)]
            if action == "back":
                walk = back(walk)
            elif node.choices:
                walk = choose(vignette, walk, node.choices[action % len(node.choices)].id)
            node_id = current_node(vignette, walk)
            assert node_id in vignette.nodes
            assert can_reach_an_end(vignette, node_id)
            assert walk_from_saved(vignette, {"path": [list(s) for s in walk.path]}) == walk

    @settings(max_examples=100, deadline=None)
    @given(picks=st.lists(st.integers(min_value=0, max_value=5), min_size=25, max_size=25))
    def test_choosing_only_from_offered_choices_ends_within_len_nodes_steps(self, picks: list[int]) -> None:
        vignette = example()  # acyclic (checked above), so every route is a simple path
        walk = Walk()
        for pick in picks:
            if is_finished(vignette, walk):
                break
            node = vignette.nodes[current_node(vignette, walk)]
            walk = choose(vignette, walk, node.choices[pick % len(node.choices)].id)
        assert is_finished(vignette, walk)
        assert len(walk.path) < len(vignette.nodes)


# --------------------------------------------------------------------------- the view



def page_state(view: VignetteView) -> str:
    """Everything the view has sent (or would send) to the page, as one string."""
    return widget_tree.page_state(view.container)


def html_values(view: VignetteView) -> str:
    return "\n".join(w.value for w in descendants(view.container) if isinstance(w, ipw.HTML))


def labels(view: VignetteView) -> list[str]:
    return [button.description for button in view.choice_buttons]


ANSWER_ID = f"03.vignette.{EXAMPLE}"


class TestVignetteView:
    def test_container_classes_person_scene_and_one_wrapping_button_per_choice(self) -> None:
        vignette = example()
        view = VignetteView(vignette, store=None)
        assert {"rw-exercise", "rw-vignette", f"rw-v-{EXAMPLE}"} <= set(view.container._dom_classes)
        assert vignette.answer_id == ANSWER_ID
        assert "Jo (fictional)" in view.header.value
        assert "the first time" in view.scene.value
        assert labels(view) == [choice.label for choice in vignette.nodes["n1"].choices]
        for button in view.choice_buttons:
            assert isinstance(button, ipw.Button)
            assert button.tooltip == button.description
            assert "rw-choice" in button._dom_classes
        assert ".rw-choice { height: auto !important; white-space: normal !important;" in html_values(view)
        assert view.back_button.disabled and view.restart_button.layout.display == "none"
        assert view.feedback.value == "" and view.debrief.value == ""

    def test_feedback_stays_in_the_kernel_until_chosen(self) -> None:
        vignette = example()
        view = VignetteView(vignette, store=None)
        state = page_state(view)
        secrets = [choice.feedback for node in vignette.nodes.values() for choice in node.choices]
        secrets += [node.debrief for node in vignette.nodes.values() if node.debrief]
        for secret in secrets:
            assert secret[:40] not in state

    def test_clicking_advances_shows_feedback_and_saves_the_whole_path(self, store: AnswerStore) -> None:
        vignette = example()
        view = VignetteView(vignette, store=store)
        view.choice_buttons[1].click()
        assert labels(view) == [choice.label for choice in vignette.nodes["n3"].choices]
        assert "all decided" in view.scene.value
        assert 'role="status"' in view.feedback.value
        assert "drafted before the meeting" in view.feedback.value  # the label of the choice made
        assert "decisions are made" in view.feedback.value  # and its feedback
        assert store.latest(ANSWER_ID).answer == {"path": [["n1", "b"]], "finished": False}
        assert store.latest(ANSWER_ID).kind == "vignette"
        assert "Saved" in view.status.value
        assert not view.back_button.disabled

    def test_back_returns_one_step_and_saves_the_shorter_path(self, store: AnswerStore) -> None:
        view = VignetteView(example(), store=store)
        view.choice_buttons[0].click()
        view.choice_buttons[2].click()
        view.back_button.click()
        assert view.walk == Walk((("n1", "a"),))
        assert "choir" in view.scene.value and len(view.choice_buttons) == 3
        assert "what matters most" in view.feedback.value
        assert store.latest(ANSWER_ID).answer == {"path": [["n1", "a"]], "finished": False}
        view.back_button.click()
        assert view.walk == Walk() and view.back_button.disabled and view.feedback.value == ""

    def test_the_end_shows_the_debrief_with_steps_and_tables_in_words(self, store: AnswerStore) -> None:
        vignette = example()
        view = VignetteView(vignette, store=store)
        view.choice_buttons[0].click()
        view.choice_buttons[0].click()
        assert view.choice_buttons == []
        page = view.debrief.value
        assert "goal in Jo" in page  # the end's debrief
        assert page.count("You chose:") == 2
        assert "✔" in page and "yes, 1 choice" in page and "not touched" in page
        assert "<table" in page and "<caption>" in page and 'scope="row"' in page
        assert "1. Listen" in page
        assert store.latest(ANSWER_ID).answer == {"path": [["n1", "a"], ["n2", "a"]], "finished": True}
        assert view.restart_button.layout.display is None

    def test_start_again_goes_back_to_the_start_and_saves(self, store: AnswerStore) -> None:
        view = VignetteView(example(), store=store)
        view.choice_buttons[1].click()
        view.choice_buttons[1].click()
        view.restart_button.click()
        assert view.walk == Walk() and view.debrief.value == ""
        assert store.latest(ANSWER_ID).answer == {"path": [], "finished": False}
        assert len(store.history(ANSWER_ID)) == 3

    def test_a_new_view_restores_the_saved_path(self, store: AnswerStore) -> None:
        first = VignetteView(example(), store=store)
        first.choice_buttons[0].click()
        first.choice_buttons[1].click()
        second = VignetteView(example(), store=store)
        assert second.walk == first.walk and second.debrief.value == first.debrief.value
        assert second.feedback.value == first.feedback.value
        assert "is shown" in second.status.value
        assert len(store.history(ANSWER_ID)) == 2  # restoring saves nothing

    @pytest.mark.parametrize(
        "corrupt", [{"path": [["n1", "zzz"]], "finished": False}, "garbage", {"path": [["n2", "a"]]}], ids=repr
    )
    def test_a_corrupt_saved_path_warns_and_starts_afresh_leaving_it_saved(
        self, store: AnswerStore, corrupt: Any
    ) -> None:
        store.save(ANSWER_ID, "vignette", corrupt)
        view = VignetteView(example(), store=store)
        assert view.walk == Walk()
        assert "no longer fits" in view.status.value and "⚠" in view.status.value
        assert store.latest(ANSWER_ID).answer == corrupt and len(store.history(ANSWER_ID)) == 1
        view.choice_buttons[0].click()
        assert store.latest(ANSWER_ID).answer == {"path": [["n1", "a"]], "finished": False}

    def test_store_none_works_and_shows_the_store_problem(self) -> None:
        view = VignetteView(example(), store=None, store_problem="Your answers are not being saved.")
        assert "not being saved" in view.status.value
        view.choice_buttons[0].click()
        view.choice_buttons[0].click()
        assert is_finished(view.vignette, view.walk) and "Debrief" in view.debrief.value

    def test_a_store_error_on_save_becomes_a_message(self) -> None:
        class BrokenStore:
            def latest(self, question_id: str) -> SavedAnswer | None:
                return None

            def save(self, question_id: str, kind: str, answer: Any) -> SavedAnswer:
                raise StoreError("The disk is full.")

        view = VignetteView(example(), store=BrokenStore())  # type: ignore[arg-type]
        view.choice_buttons[0].click()
        assert "The disk is full." in view.status.value
        assert current_node(view.vignette, view.walk) == "n2"

    def test_a_store_error_on_restore_becomes_a_message(self) -> None:
        class UnreadableStore:
            def latest(self, question_id: str) -> SavedAnswer | None:
                raise StoreError("Cannot read your answers.")

        view = VignetteView(example(), store=UnreadableStore())  # type: ignore[arg-type]
        assert "Cannot read your answers." in view.status.value and view.walk == Walk()

    def test_markup_in_a_vignette_is_escaped(self) -> None:
        script = "<script>alert(1)</script>"
        document = base_document()
        document["title"] = f"Title {script}"
        document["person"] = f"Jo (fictional) {script}"
        document["nodes"]["n1"]["text"] = f"Start {script}"
        document["nodes"]["n1"]["choices"][0]["label"] = f"Label {script}"
        document["nodes"]["n1"]["choices"][0]["feedback"] = f"Feedback {script}"
        document["nodes"]["n2"]["choices"][0]["label"] = f"Second {script}"
        document["nodes"]["n4"]["debrief"] = f"Debrief {script}"
        vignette = validate_vignette(document, path=f"{EXAMPLE}.yaml", frameworks=FRAMEWORKS)
        view = VignetteView(vignette, store=None)
        view.choice_buttons[0].click()
        view.choice_buttons[0].click()
        page = html_values(view)
        assert "<script>" not in page and "&lt;script&gt;" in page
        assert page.count("&lt;script&gt;") >= 6
        # Button descriptions are plain text, set as text (not HTML) by the front end.
        view.back_button.click()
        assert labels(view)[0] == f"Second {script}"

    def test_vignette_widget_returns_the_container_or_a_readable_problem(self, tmp_path: Path) -> None:
        widget = vignette_widget(EXAMPLE, store=None)
        assert "rw-vignette" in widget._dom_classes
        problem = vignette_widget("not-written-yet", store=None, folder=tmp_path)
        assert isinstance(problem, ipw.HTML)
        assert "could not be loaded" in problem.value and "not-written-yet.yaml" in problem.value


def test_frameworks_type_is_exported() -> None:
    assert isinstance(FRAMEWORKS, Frameworks)
