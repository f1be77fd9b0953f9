"""Exercise content: the schema of ``data/exercises/<notebook-stem>.yaml`` and its loader.

Questions are data, in the manner of jupyterquiz's JSON schema, but validated in
Python with pydantic so that a broken file fails loudly on load, with one
:class:`ContentError` naming the file, the question id and the field.

Answer keys stay in the kernel: the views only send option texts, statements and
category labels to the page, and grade in Python (see :mod:`widgets.grading`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

__all__ = [
    "FirstProblem",
    "CategoriseQuestion",
    "ChoiceOption",
    "ContentError",
    "ExerciseFile",
    "FieldProblem",
    "first_problem",
    "require_unique",
    "Strict",
    "LikertQuestion",
    "NumericQuestion",
    "Question",
    "ReflectionQuestion",
    "SingleChoiceQuestion",
    "MultipleChoiceQuestion",
    "data_dir",
    "load_exercise_file",
    "load_exercises",
    "read_yaml",
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""A non-blank string (leading and trailing white space is ignored)."""

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class ContentError(ValueError):
    """A content file is missing, unreadable or does not match its schema."""


class FieldProblem(ValueError):
    """A validation problem that knows its field and, where it can, the item it belongs to.

    Raised inside pydantic validators of every data file (questions, instruments,
    lexicon entries); the loaders read ``field`` and ``owner`` back from pydantic's
    error to name the item and field in one clear message.
    """

    def __init__(self, message: str, *, field: str, owner: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.owner = owner


class Strict(BaseModel):
    """Base of every data-file model: unknown fields are refused and instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _QuestionBase(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d+$")]
    prompt: Text
    hints: tuple[Text, ...] = ()
    solution: Text | None = None
    source: Text


class ChoiceOption(Strict):
    text: Text
    correct: bool
    feedback: Text


class SingleChoiceQuestion(_QuestionBase):
    type: Literal["single_choice"]
    options: tuple[ChoiceOption, ...] = Field(min_length=2)

    @field_validator("options")
    @classmethod
    def _exactly_one_correct(cls, options: tuple[ChoiceOption, ...]) -> tuple[ChoiceOption, ...]:
        n_correct = sum(option.correct for option in options)
        if n_correct != 1:
            raise ValueError(f"a single-choice question needs exactly one correct option, found {n_correct}")
        return options


class MultipleChoiceQuestion(_QuestionBase):
    type: Literal["multiple_choice"]
    options: tuple[ChoiceOption, ...] = Field(min_length=2)

    @field_validator("options")
    @classmethod
    def _at_least_one_correct(cls, options: tuple[ChoiceOption, ...]) -> tuple[ChoiceOption, ...]:
        if not any(option.correct for option in options):
            raise ValueError("a multiple-choice question needs at least one correct option, found none")
        return options


COMPUTATIONS = (
    "percentage",
    "standard_error_of_measurement",
    "smallest_detectable_change",
    "reliable_change_index",
    "reliable_change_threshold",
    "person_score",
)
"""Names a numeric key may be computed by; :mod:`widgets.computed` implements each one."""


class Computation(Strict):
    """How the library computes a numeric answer, so a test can check the key."""

    function: Literal[COMPUTATIONS]  # type: ignore[valid-type]
    arguments: dict[str, float | str]


class NumericQuestion(_QuestionBase):
    type: Literal["numeric"]
    answer: float = Field(allow_inf_nan=False)
    compute: Computation | None = None
    tolerance: float = Field(ge=0, allow_inf_nan=False)
    unit: Text | None = None
    feedback_correct: Text
    feedback_incorrect: Text


class Category(Strict):
    id: Slug
    label: Text


class Statement(Strict):
    id: Slug
    text: Text
    category: Slug
    feedback: Text


class CategoriseQuestion(_QuestionBase):
    type: Literal["categorise"]
    categories: tuple[Category, ...] = Field(min_length=2)
    statements: tuple[Statement, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _categories_known_and_ids_unique(self) -> CategoriseQuestion:
        known = [category.id for category in self.categories]
        require_unique(known, "categories")
        require_unique([statement.id for statement in self.statements], "statements")
        for index, statement in enumerate(self.statements):
            if statement.category not in known:
                raise FieldProblem(
                    f"statement {statement.id!r} has unknown category {statement.category!r}; "
                    f"known categories are {', '.join(known)}",
                    field=f"statements.{index}.category",
                )
        return self


class LikertScale(Strict):
    min: int
    max: int
    low_label: Text
    high_label: Text

    @model_validator(mode="after")
    def _ordered(self) -> LikertScale:
        if not self.min < self.max <= self.min + 10:
            raise ValueError(f"scale must satisfy min < max <= min + 10, got min={self.min}, max={self.max}")
        return self


class LikertItem(Strict):
    id: Slug
    text: Text


class LikertQuestion(_QuestionBase):
    type: Literal["likert"]
    scale: LikertScale
    items: tuple[LikertItem, ...] = Field(min_length=1)
    chart: Literal["bar", "radar"] = "bar"
    """How the ratings are shown back: bars, or a radar (at least three items)."""

    @field_validator("items")
    @classmethod
    def _unique_items(cls, items: tuple[LikertItem, ...]) -> tuple[LikertItem, ...]:
        require_unique([item.id for item in items], "items")
        return items

    @model_validator(mode="after")
    def _radar_needs_three_items(self) -> LikertQuestion:
        if self.chart == "radar" and len(self.items) < 3:
            raise FieldProblem("a radar chart needs at least three items", field="chart")
        return self


class ReflectionQuestion(_QuestionBase):
    type: Literal["reflection"]
    model_answer: Text | None = None


Question = Annotated[
    SingleChoiceQuestion
    | MultipleChoiceQuestion
    | NumericQuestion
    | CategoriseQuestion
    | LikertQuestion
    | ReflectionQuestion,
    Field(discriminator="type"),
]


class ExerciseFile(Strict):
    """The questions for one notebook, in reading order."""

    chapter: Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
    title: Text
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique_and_in_chapter(self) -> ExerciseFile:
        ids = [question.id for question in self.questions]
        require_unique(ids, "questions", field="id")
        for question_id in ids:
            if not question_id.startswith(f"{self.chapter}."):
                raise FieldProblem(
                    f"question id {question_id!r} does not start with chapter {self.chapter!r}",
                    field="id",
                    owner=question_id,
                )
        return self

    def question(self, question_id: str) -> Question:
        """Return the question with ``question_id`` or raise ``KeyError`` naming the known ids."""
        for question in self.questions:
            if question.id == question_id:
                return question
        known = ", ".join(q.id for q in self.questions)
        raise KeyError(f"no question {question_id!r} in chapter {self.chapter}; known ids: {known}")


def require_unique(ids: list[str], what: str, *, field: str | None = None) -> None:
    """Raise naming the first repeated id; ``field`` set means the ids are question ids."""
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            if field is not None:
                raise FieldProblem(f"duplicate id {item_id!r} in {what}", field=field, owner=item_id)
            raise FieldProblem(f"duplicate id {item_id!r} in {what}", field=what)
        seen.add(item_id)


def data_dir() -> Path:
    """The folder holding the workbook's content (see :func:`widgets.resources.data_dir`)."""
    from .resources import data_dir as located

    return located()


def _question_id_at(raw: Any, loc: tuple[int | str, ...]) -> str:
    """The id of the question that a pydantic error location points into, if any."""
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        try:
            return str(raw["questions"][loc[1]].get("id", f"#{loc[1] + 1} (no id)"))
        except (AttributeError, IndexError, KeyError, TypeError):
            return f"#{loc[1] + 1}"
    return "(file)"


def _field_path(loc: tuple[int | str, ...]) -> str:
    """A readable field path: drop the question index and pydantic's union tag."""
    parts = list(loc[2:] if len(loc) >= 2 and loc[0] == "questions" else loc)
    if parts and parts[0] in _QUESTION_TYPES:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "(whole item)"


_QUESTION_TYPES = {"single_choice", "multiple_choice", "numeric", "categorise", "likert", "reflection"}


class _SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but a value its constructor cannot build is a ``ConstructorError`` with the line.

    PyYAML itself lets ``ValueError`` (``2024-13-01``, ``!!int x``) and ``AttributeError``
    (``!!timestamp 2001``) out of its constructors, with no position.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, AttributeError, OverflowError, IndexError, KeyError) as problem:
            kind = str(node.tag).rsplit(":", 1)[-1]
            shown = f" {str(node.value)[:40]!r}" if isinstance(node, yaml.ScalarNode) else ""
            detail = str(problem) if type(problem) is ValueError and str(problem) else "not a valid value of that type"
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the {kind} value{shown} ({detail})", node.start_mark
            ) from None


@dataclass(frozen=True)
class FirstProblem:
    """The first thing pydantic found wrong with an item: where, what, and whose (when a validator said)."""

    location: tuple[str, ...]
    field: str | None
    message: str
    owner: str | None

    def field_path(self, whole: str, *, skip: int = 0) -> str:
        """The field as ``a.b.c`` (after dropping ``skip`` leading parts of the location), or ``whole`` if none."""
        where = ".".join(self.location[skip:])
        if self.field and not where.endswith(self.field):
            where = ".".join(filter(None, [where, self.field]))
        return where or whole


def first_problem(error: ValidationError) -> FirstProblem:
    """The first error of ``error``; a :class:`FieldProblem` raised by our validators keeps its own words, field and owner."""
    detail = error.errors(include_url=False)[0]
    location = tuple(str(part) for part in detail["loc"])
    problem = detail.get("ctx", {}).get("error")
    if isinstance(problem, FieldProblem):
        return FirstProblem(location, problem.field, str(problem), problem.owner)
    return FirstProblem(location, None, str(detail["msg"]), None)


def read_yaml(path: Path, error: type[ValueError]) -> Any:
    """Parse a YAML file; any way it can fail becomes one ``error`` naming the file (and line, if known)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as problem:
        raise error(f"{path}: cannot read the file ({problem.strerror or problem})") from None
    except UnicodeDecodeError as problem:
        raise error(f"{path}: not UTF-8 text (byte {problem.start}); save it as UTF-8") from None
    except ValueError as problem:  # e.g. a NUL character in the path
        raise error(f"{path}: cannot read the file ({problem})") from None
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 (a SafeLoader subclass)
    except RecursionError:
        raise error(f"{path}: not valid YAML: nested too deeply") from None
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        detail = getattr(problem, "problem", None) or str(problem)
        raise error(f"{path}: not valid YAML{where}: {detail}") from None


def load_exercise_file(path: Path) -> ExerciseFile:
    """Read and validate one exercise file.

    Raises
    ------
    ContentError
        The file is missing, is not valid YAML, or does not match the schema. The
        message names the file, the question id and the field.
    """
    raw = read_yaml(path, ContentError)
    if not isinstance(raw, dict):
        raise ContentError(f"{path}: question '(file)', field '(whole file)': expected a mapping with chapter, title and questions")
    try:
        return ExerciseFile.model_validate(raw)
    except ValidationError as error:
        lines = []
        for detail in error.errors(include_url=False):
            loc = tuple(detail["loc"])
            question_id, field = _question_id_at(raw, loc), _field_path(loc)
            problem = detail.get("ctx", {}).get("error")
            if isinstance(problem, FieldProblem):
                question_id = problem.owner or question_id
                if field == "(whole item)":
                    field = problem.field
                elif not field.endswith(problem.field):
                    field = f"{field}.{problem.field}"
            lines.append(f"{path}: question {question_id!r}, field {field!r}: {detail['msg']}")
        raise ContentError("\n".join(lines)) from None


@lru_cache(maxsize=32)
def load_exercises(stem: str) -> ExerciseFile:
    """Load ``data/exercises/<stem>.yaml`` (cached; the notebook stem names the file)."""
    exercise_file = load_exercise_file(data_dir() / "exercises" / f"{stem}.yaml")
    if not stem.startswith(exercise_file.chapter):
        raise ContentError(
            f"{data_dir() / 'exercises' / stem}.yaml: question '(file)', field 'chapter': "
            f"{exercise_file.chapter!r} does not match the file name"
        )
    return exercise_file
