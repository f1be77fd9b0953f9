"""Exercise content: the real files load, and every broken file fails with one readable ContentError."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.strategies import exercise_like_documents, yaml_data
from widgets.content import loading
from widgets.content.exercises import (
    CategoriseQuestion,
    ExerciseFile,
    LikertQuestion,
    MultipleChoiceQuestion,
    NumericQuestion,
    ReflectionQuestion,
    SingleChoiceQuestion,
    load_exercise_file,
    load_exercises,
)
from widgets.content.loading import ContentError, data_dir
from widgets.content.polls import PollError, load_polls

EXERCISE_FILES = sorted((data_dir() / "exercises").glob("*.yaml"))


# --------------------------------------------------------------------------- the real files


class TestRealExerciseFiles:
    def test_the_exercise_folder_holds_the_chapter_files(self) -> None:
        stems = [path.stem for path in EXERCISE_FILES]
        assert "00-start-here" in stems
        assert "01-understanding-recovery" in stems

    @pytest.mark.parametrize("path", EXERCISE_FILES, ids=lambda p: p.stem)
    def test_every_real_file_loads_with_unique_ids_in_its_own_chapter(self, path: Path) -> None:
        exercise_file = load_exercise_file(path)
        ids = [question.id for question in exercise_file.questions]
        assert len(ids) == len(set(ids))
        assert all(question_id.startswith(f"{exercise_file.chapter}.") for question_id in ids)

    @pytest.mark.parametrize("path", EXERCISE_FILES, ids=lambda p: p.stem)
    def test_chapter_matches_the_file_name_prefix(self, path: Path) -> None:
        exercise_file = load_exercises(path.stem)
        assert path.stem.split("-", 1)[0] == exercise_file.chapter

    def test_question_ids_are_unique_across_all_files(self) -> None:
        ids = [question.id for path in EXERCISE_FILES for question in load_exercise_file(path).questions]
        assert len(ids) == len(set(ids))

    def test_chapter_01_uses_every_question_type(self) -> None:
        kinds = {type(question) for question in load_exercises("01-understanding-recovery").questions}
        assert kinds == {
            SingleChoiceQuestion,
            MultipleChoiceQuestion,
            NumericQuestion,
            CategoriseQuestion,
            LikertQuestion,
            ReflectionQuestion,
        }


class TestExerciseFileQuestion:
    def test_known_id_returns_that_question(self) -> None:
        question = load_exercises("01-understanding-recovery").question("01.4")
        assert isinstance(question, NumericQuestion)
        assert question.id == "01.4"

    def test_unknown_id_raises_key_error_naming_the_id_and_the_known_ids(self) -> None:
        exercise_file = load_exercises("01-understanding-recovery")
        with pytest.raises(KeyError) as caught:
            exercise_file.question("01.99")
        message = str(caught.value)
        assert "'01.99'" in message
        for question in exercise_file.questions:
            assert question.id in message


class TestLoadExercises:
    @pytest.fixture
    def fake_data_dir(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
        (tmp_path / "exercises").mkdir()
        monkeypatch.setattr(loading, "data_dir", lambda: tmp_path)
        yield tmp_path  # the cache is keyed by path and modification time, so nothing needs clearing

    def test_chapter_that_does_not_match_the_file_name_is_a_content_error(self, fake_data_dir: Path) -> None:
        document = base_document()
        (fake_data_dir / "exercises" / "02-misfiled.yaml").write_text(dump(document), encoding="utf-8")
        with pytest.raises(ContentError) as caught:
            load_exercises("02-misfiled")
        message = str(caught.value)
        assert str(fake_data_dir / "exercises" / "02-misfiled.yaml") in message
        assert "chapter" in message
        assert "'01'" in message

    def test_missing_stem_is_a_content_error_naming_the_path(self, fake_data_dir: Path) -> None:
        with pytest.raises(ContentError) as caught:
            load_exercises("07-not-written-yet")
        assert str(fake_data_dir / "exercises" / "07-not-written-yet.yaml") in str(caught.value)


# --------------------------------------------------------------------------- broken files


def base_document() -> dict[str, Any]:
    """A small valid exercise file with one question of every type."""
    source = "Test fixture (2024)"
    return {
        "chapter": "01",
        "title": "A small chapter",
        "questions": [
            {
                "id": "01.1",
                "type": "single_choice",
                "prompt": "Pick the right one.",
                "options": [
                    {"text": "Right", "correct": True, "feedback": "Yes."},
                    {"text": "Wrong", "correct": False, "feedback": "No."},
                ],
                "source": source,
            },
            {
                "id": "01.2",
                "type": "multiple_choice",
                "prompt": "Pick all the right ones.",
                "options": [
                    {"text": "Right", "correct": True, "feedback": "Yes."},
                    {"text": "Also right", "correct": True, "feedback": "Yes, too."},
                    {"text": "Wrong", "correct": False, "feedback": "No."},
                ],
                "hints": ["There are two."],
                "source": source,
            },
            {
                "id": "01.3",
                "type": "numeric",
                "prompt": "Give a number.",
                "answer": 26.5,
                "tolerance": 0.6,
                "unit": "%",
                "feedback_correct": "Yes.",
                "feedback_incorrect": "No.",
                "source": source,
            },
            {
                "id": "01.4",
                "type": "categorise",
                "prompt": "Sort these.",
                "categories": [{"id": "hope", "label": "Hope"}, {"id": "meaning", "label": "Meaning"}],
                "statements": [
                    {"id": "s1", "text": "A dream for the future.", "category": "hope", "feedback": "Hope."},
                    {"id": "s2", "text": "A sense of purpose.", "category": "meaning", "feedback": "Meaning."},
                ],
                "source": source,
            },
            {
                "id": "01.5",
                "type": "likert",
                "prompt": "Rate yourself.",
                "scale": {"min": 1, "max": 5, "low_label": "Low", "high_label": "High"},
                "items": [{"id": "a", "text": "Item A"}, {"id": "b", "text": "Item B"}],
                "source": source,
            },
            {
                "id": "01.6",
                "type": "reflection",
                "prompt": "Write a few sentences.",
                "model_answer": "A model answer.",
                "source": source,
            },
        ],
    }


def dump(document: Any) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def question(document: dict[str, Any], question_id: str) -> dict[str, Any]:
    return next(q for q in document["questions"] if q["id"] == question_id)


def _yaml_syntax_error() -> tuple[str, int]:
    """The base document with one line broken; returns the text and the 1-based broken line."""
    lines = dump(base_document()).splitlines()
    index = next(i for i, line in enumerate(lines) if "prompt: Give a number." in line)
    lines[index] = lines[index].replace("Give a number.", "Give: a number.")
    return "\n".join(lines) + "\n", index + 1


@dataclass(frozen=True)
class Breakage:
    """One way to break an exercise file and what the error must then name."""

    name: str
    text: Callable[[], str] | None
    """The file's text, or ``None`` for a file that does not exist."""
    question_id: str | None
    fields: tuple[str, ...]
    also: tuple[str, ...] = ()


def broken(edit: Callable[[dict[str, Any]], None]) -> Callable[[], str]:
    def text() -> str:
        document = copy.deepcopy(base_document())
        edit(document)
        return dump(document)

    return text


def _set(question_id: str, field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda document: question(document, question_id).__setitem__(field, value)


def _delete(question_id: str, field: str) -> Callable[[dict[str, Any]], None]:
    return lambda document: question(document, question_id).pop(field)


def _set_correct(question_id: str, flags: list[bool]) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        for option, flag in zip(question(document, question_id)["options"], flags, strict=True):
            option["correct"] = flag

    return edit


BREAKAGES = [
    Breakage("missing source", broken(_delete("01.2", "source")), "01.2", ("source",), ("Field required",)),
    Breakage("missing prompt", broken(_delete("01.6", "prompt")), "01.6", ("prompt",), ("Field required",)),
    Breakage("tolerance not a number", broken(_set("01.3", "tolerance", "abc")), "01.3", ("tolerance",)),
    Breakage(
        "correct not a boolean",
        broken(lambda d: question(d, "01.2")["options"][1].__setitem__("correct", "maybe")),
        "01.2",
        ("options.1.correct",),
        ("valid boolean",),
    ),
    Breakage(
        "duplicate question id",
        broken(lambda d: question(d, "01.2").__setitem__("id", "01.1")),
        "01.1",
        ("id", "questions"),
        ("duplicate",),
    ),
    Breakage(
        "single choice with no correct option",
        broken(_set_correct("01.1", [False, False])),
        "01.1",
        ("options",),
        ("exactly one correct option, found 0",),
    ),
    Breakage(
        "single choice with two correct options",
        broken(_set_correct("01.1", [True, True])),
        "01.1",
        ("options",),
        ("exactly one correct option, found 2",),
    ),
    Breakage(
        "multiple choice with no correct option",
        broken(_set_correct("01.2", [False, False, False])),
        "01.2",
        ("options",),
        ("at least one correct option",),
    ),
    Breakage(
        "choice question with one option",
        broken(lambda d: question(d, "01.1").__setitem__("options", question(d, "01.1")["options"][:1])),
        "01.1",
        ("options",),
    ),
    Breakage(
        "statement with unknown category",
        broken(lambda d: question(d, "01.4")["statements"][1].__setitem__("category", "nowhere")),
        "01.4",
        ("category",),
        ("'s2'", "'nowhere'"),
    ),
    Breakage(
        "duplicate statement id",
        broken(lambda d: question(d, "01.4")["statements"][1].__setitem__("id", "s1")),
        "01.4",
        ("statements",),
        ("duplicate id 's1'",),
    ),
    Breakage("infinite answer", broken(_set("01.3", "answer", float("inf"))), "01.3", ("answer",), ("finite",)),
    Breakage("not-a-number answer", broken(_set("01.3", "answer", float("nan"))), "01.3", ("answer",)),
    Breakage("negative tolerance", broken(_set("01.3", "tolerance", -0.1)), "01.3", ("tolerance",)),
    Breakage("infinite tolerance", broken(_set("01.3", "tolerance", float("inf"))), "01.3", ("tolerance",)),
    Breakage("empty prompt", broken(_set("01.6", "prompt", "")), "01.6", ("prompt",)),
    Breakage("blank prompt", broken(_set("01.5", "prompt", "  \t ")), "01.5", ("prompt",)),
    Breakage(
        "blank option feedback",
        broken(lambda d: question(d, "01.2")["options"][2].__setitem__("feedback", " ")),
        "01.2",
        ("options.2.feedback",),
    ),
    Breakage(
        "likert scale upside down",
        broken(_set("01.5", "scale", {"min": 5, "max": 1, "low_label": "Low", "high_label": "High"})),
        "01.5",
        ("scale",),
    ),
    Breakage("unknown question type", broken(_set("01.6", "type", "essay")), "01.6", ("type",), ("'essay'",)),
    Breakage("extra unknown field", broken(_set("01.1", "colour", "blue")), "01.1", ("colour",), ("Extra inputs",)),
    Breakage(
        "question id from another chapter",
        broken(lambda d: question(d, "01.5").__setitem__("id", "02.5")),
        "02.5",
        ("chapter",),
    ),
    Breakage("malformed chapter", broken(lambda d: d.__setitem__("chapter", "1")), None, ("chapter",)),
    Breakage("no questions", broken(lambda d: d.__setitem__("questions", [])), None, ("questions",)),
    Breakage("file is a list", lambda: dump(base_document()["questions"]), None, ("(whole file)",), ("mapping",)),
    Breakage("file is empty", lambda: "", None, ("(whole file)",), ("mapping",)),
    Breakage("missing file", None, None, (), ("cannot read",)),
]


class TestLoadExerciseFileErrors:
    def test_base_document_is_valid(self, tmp_path: Path) -> None:
        path = tmp_path / "01-base.yaml"
        path.write_text(dump(base_document()), encoding="utf-8")
        exercise_file = load_exercise_file(path)
        assert [q.id for q in exercise_file.questions] == ["01.1", "01.2", "01.3", "01.4", "01.5", "01.6"]

    @pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.name)
    def test_broken_file_raises_one_content_error_naming_file_question_and_field(
        self, breakage: Breakage, tmp_path: Path
    ) -> None:
        path = tmp_path / "01-broken.yaml"
        if breakage.text is not None:
            path.write_text(breakage.text(), encoding="utf-8")
        with pytest.raises(ContentError) as caught:
            load_exercise_file(path)
        error = caught.value
        message = str(error)
        assert type(error) is ContentError and not isinstance(error, ValidationError)
        assert error.__cause__ is None, "the pydantic/YAML error must not be chained"
        assert error.__context__ is None or error.__suppress_context__, "the pydantic/YAML error must not be shown"
        assert len(message.splitlines()) == 1, f"expected exactly one problem reported, got:\n{message}"
        assert message.startswith(f"{path}: ")
        if breakage.question_id is not None:
            assert f"'{breakage.question_id}'" in message
        for field in breakage.fields:
            assert field in message
        for fragment in breakage.also:
            assert fragment in message

    def test_yaml_syntax_error_names_the_file_and_the_line(self, tmp_path: Path) -> None:
        text, line = _yaml_syntax_error()
        path = tmp_path / "01-broken.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ContentError) as caught:
            load_exercise_file(path)
        message = str(caught.value)
        assert type(caught.value) is ContentError
        assert caught.value.__cause__ is None and caught.value.__suppress_context__, "the YAML error must not be shown"
        assert message.startswith(f"{path}: not valid YAML")
        assert f"line {line}," in message
        assert line > 10, "the broken line should be deep in the file, so a wrong line number shows"

    def test_a_folder_in_place_of_the_file_is_a_content_error_naming_it(self, tmp_path: Path) -> None:
        path = tmp_path / "01-folder.yaml"
        path.mkdir()
        with pytest.raises(ContentError) as caught:
            load_exercise_file(path)
        assert type(caught.value) is ContentError
        assert str(caught.value).startswith(f"{path}: cannot read the file")

    def test_a_file_that_is_not_utf8_is_a_content_error(self, tmp_path: Path) -> None:
        path = tmp_path / "01-latin1.yaml"
        path.write_bytes("chapter: '01'\ntitle: Caf\u00e9\n".encode("latin-1"))
        with pytest.raises(ContentError, match="not UTF-8") as error:
            load_exercise_file(path)
        assert str(path) in str(error.value)

    def test_yaml_nested_too_deeply_is_a_content_error(self, tmp_path: Path) -> None:
        path = tmp_path / "01-deep.yaml"
        path.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
        with pytest.raises(ContentError, match=str(path).replace(".", r"\.")):
            load_exercise_file(path)

    @pytest.mark.parametrize(
        ("text", "line", "shown"),
        [
            ("chapter: '01'\ntitle: 2024-13-01\n", 2, "'2024-13-01' (month must be in 1..12)"),
            ("chapter: '01'\nquestions:\n  - id: 2001-12-14t21:59:43.10-99:00\n", 3, "timestamp value"),
            ("chapter: !!timestamp 2001\n", 1, "timestamp value '2001'"),
            ("title: x\nchapter: !!int one\n", 2, "int value 'one'"),
            ("chapter: !!float x\n", 1, "float value 'x'"),
        ],
    )
    def test_a_value_yaml_cannot_build_is_a_content_error_naming_the_file_and_line(
        self, tmp_path: Path, text: str, line: int, shown: str
    ) -> None:
        # Found by tests/test_fuzz.py: PyYAML's constructors let ValueError and AttributeError out.
        path = tmp_path / "01-value.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ContentError) as caught:
            load_exercise_file(path)
        message = str(caught.value)
        assert type(caught.value) is ContentError and caught.value.__suppress_context__
        assert message.startswith(f"{path}: not valid YAML at line {line},") and shown in message

    def test_each_problem_gets_its_own_line_when_a_file_has_several(self, tmp_path: Path) -> None:
        document = base_document()
        del question(document, "01.2")["source"]
        question(document, "01.3")["tolerance"] = -1
        path = tmp_path / "01-broken.yaml"
        path.write_text(dump(document), encoding="utf-8")
        with pytest.raises(ContentError) as caught:
            load_exercise_file(path)
        lines = str(caught.value).splitlines()
        assert len(lines) == 2
        assert all(line.startswith(f"{path}: ") for line in lines)
        assert "'01.2'" in lines[0] and "source" in lines[0]
        assert "'01.3'" in lines[1] and "tolerance" in lines[1]


# --------------------------------------------------------------------------- any input


def _load_or_content_error(path: Path) -> None:
    try:
        exercise_file = load_exercise_file(path)
    except ContentError as error:
        assert str(error).startswith(f"{path}: ")
    else:
        assert isinstance(exercise_file, ExerciseFile)


_property_settings = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestLoadExerciseFileOnAnyInput:
    @_property_settings
    @given(text=st.text())
    def test_any_text_loads_or_raises_content_error(self, tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
        path = tmp_path_factory.mktemp("text") / "01-any.yaml"
        path.write_text(text, encoding="utf-8")
        _load_or_content_error(path)

    @_property_settings
    @given(data=st.one_of(yaml_data(), exercise_like_documents()))
    def test_any_yaml_data_loads_or_raises_content_error(
        self, tmp_path_factory: pytest.TempPathFactory, data: Any
    ) -> None:
        path = tmp_path_factory.mktemp("data") / "01-any.yaml"
        path.write_text(dump(data), encoding="utf-8")
        _load_or_content_error(path)


class TestContentCache:
    """One cache policy for every loader: read again when the file changes; hand out read-only data."""

    def test_an_edited_file_is_read_again_and_an_unchanged_one_is_not(self, tmp_path: Path) -> None:
        calls: list[str] = []

        def read(path: Path) -> dict[str, str]:
            calls.append(path.read_text())
            return {"text": path.read_text()}

        cached = loading.ContentCache(read)
        path = tmp_path / "x.yaml"
        path.write_text("one")
        assert cached(path)["text"] == "one" and cached(path)["text"] == "one" and calls == ["one"]
        path.write_text("two, longer")
        assert cached(path)["text"] == "two, longer" and len(calls) == 2

    def test_a_cached_mapping_cannot_be_changed_by_a_caller(self) -> None:
        polls = load_polls()
        with pytest.raises(TypeError):
            polls["new"] = polls[next(iter(polls))]  # type: ignore[index]
        assert "new" not in load_polls()

    def test_a_missing_file_raises_the_loaders_own_error_every_time(self, tmp_path: Path) -> None:
        for _ in range(2):
            with pytest.raises(PollError, match="cannot read the file"):
                load_polls(tmp_path / "missing.yaml")
