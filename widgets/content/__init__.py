"""Content layer: the schemas of every data file and their loaders (pydantic and YAML; no widgets, no storage).

Each module reads one kind of file under ``data/`` through the helpers in
:mod:`widgets.content.loading`, so every error names the file, the item and the
field. This package re-exports the exercise-file API and those helpers.
"""

from .exercises import (
    COMPUTATIONS,
    CategoriseQuestion,
    Category,
    ChoiceOption,
    Computation,
    ExerciseFile,
    LikertItem,
    LikertQuestion,
    LikertScale,
    MultipleChoiceQuestion,
    NumericQuestion,
    Question,
    ReflectionQuestion,
    SingleChoiceQuestion,
    Statement,
    all_chapters,
    load_exercise_file,
    load_exercises,
)
from .loading import (
    ContentError,
    FieldProblem,
    FirstProblem,
    Slug,
    Strict,
    Text,
    data_dir,
    first_problem,
    read_yaml,
    require_unique,
)

__all__ = [
    "COMPUTATIONS",
    "CategoriseQuestion",
    "Category",
    "ChoiceOption",
    "Computation",
    "ContentError",
    "ExerciseFile",
    "FieldProblem",
    "FirstProblem",
    "LikertItem",
    "LikertQuestion",
    "LikertScale",
    "MultipleChoiceQuestion",
    "NumericQuestion",
    "Question",
    "ReflectionQuestion",
    "SingleChoiceQuestion",
    "Slug",
    "Statement",
    "Strict",
    "Text",
    "all_chapters",
    "data_dir",
    "first_problem",
    "load_exercise_file",
    "load_exercises",
    "read_yaml",
    "require_unique",
]
