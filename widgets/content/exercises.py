"""The exercise files (``data/exercises/NN-*.yaml``): one pydantic model per question kind, and their loader.

:func:`load_exercises` reads ``data/exercises/<stem>.yaml``; an error names the file, the question id and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from .loading import (
    ContentCache,
    ContentError,
    FieldProblem,
    Slug,
    Strict,
    Text,
    data_path,
    located,
    read_yaml,
    require_unique,
)

__all__ = ["CategoriseQuestion", "ChoiceOption", "ExerciseFile", "LikertQuestion", "MultipleChoiceQuestion", "NumericQuestion", "Question", "ReflectionQuestion", "SingleChoiceQuestion", "load_exercise_file", "load_exercises"]


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
"""Names a numeric key may be computed by; :mod:`widgets.logic.computed` implements each one."""


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
    decimals: int | None = Field(default=None, ge=0, le=6)
    """The decimal places an answer must be given to, when the prompt asks for a precision."""
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
        raise ContentError(located(path, "expected a mapping with chapter, title and questions", noun="question", owner="(file)", field="(whole file)"))
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
            lines.append(located(path, str(detail["msg"]), noun="question", owner=question_id, field=field))
        raise ContentError("\n".join(lines)) from None


_exercise_files: ContentCache[ExerciseFile] = ContentCache(load_exercise_file)
"""Every exercise file read so far, read again when it changes."""


def load_exercises(stem: str) -> ExerciseFile:
    """Load ``data/exercises/<stem>.yaml`` (cached; the notebook stem names the file)."""
    exercise_file = _exercise_files(data_path("exercises") / f"{stem}.yaml")
    if not stem.startswith(exercise_file.chapter):
        raise ContentError(
            f"{data_path('exercises', stem)}.yaml: question '(file)', field 'chapter': "
            f"{exercise_file.chapter!r} does not match the file name"
        )
    return exercise_file


def all_chapters() -> tuple[dict[str, ExerciseFile], list[str]]:
    """Every exercise file that loads, by chapter number, and the problems with those that do not."""
    chapters: dict[str, ExerciseFile] = {}
    problems: list[str] = []
    for path in sorted((data_path("exercises")).glob("*.yaml")):
        try:
            exercise_file = _exercise_files(path)
        except ContentError as error:
            problems.append(str(error))
            continue
        chapters[exercise_file.chapter] = exercise_file
    return chapters, problems
