"""Hypothesis strategies shared by the content and grading tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from widgets.content.exercises import MultipleChoiceQuestion

# Names and values that the exercise schema knows about, so that generated
# documents reach the deeper validators rather than failing on the first key.
FIELD_NAMES = (
    "chapter",
    "title",
    "questions",
    "id",
    "type",
    "prompt",
    "hints",
    "solution",
    "source",
    "options",
    "text",
    "correct",
    "feedback",
    "answer",
    "tolerance",
    "unit",
    "feedback_correct",
    "feedback_incorrect",
    "categories",
    "statements",
    "category",
    "label",
    "scale",
    "min",
    "max",
    "low_label",
    "high_label",
    "items",
    "model_answer",
)
QUESTION_TYPES = ("single_choice", "multiple_choice", "numeric", "categorise", "likert", "reflection")

yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # includes NaN and infinities, which YAML writes as .nan / .inf
    st.text(max_size=20),
    st.sampled_from(FIELD_NAMES + QUESTION_TYPES + ("00", "01", "01.1", "01.2", "02.1", "")),
)
"""Leaves that ``yaml.safe_dump`` can write."""

yaml_keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10), st.integers(), st.booleans(), st.none())


def yaml_data(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    """Arbitrary nested lists and mappings of YAML scalars, biased towards schema field names."""
    return st.recursive(
        yaml_scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=5),
            st.dictionaries(yaml_keys, children, max_size=6),
        ),
        max_leaves=max_leaves,
    )


@st.composite
def exercise_like_documents(draw: st.DrawFn) -> dict[Any, Any]:
    """Mappings shaped roughly like an exercise file, with arbitrary data in the question fields."""
    document: dict[Any, Any] = {}
    if draw(st.booleans()):
        document["chapter"] = draw(st.one_of(st.sampled_from(["01", "1", "001", "ab"]), yaml_scalars))
    if draw(st.booleans()):
        document["title"] = draw(yaml_scalars)
    questions = []
    for _ in range(draw(st.integers(0, 3))):
        question = draw(st.dictionaries(st.sampled_from(FIELD_NAMES), yaml_data(max_leaves=8), max_size=8))
        if draw(st.booleans()):
            question["type"] = draw(st.sampled_from(QUESTION_TYPES))
        if draw(st.booleans()):
            question["id"] = draw(st.sampled_from(["01.1", "01.2", "02.1", "1.1", "01.x"]))
        questions.append(question)
    document["questions"] = questions
    document.update(draw(st.dictionaries(yaml_keys, yaml_data(max_leaves=5), max_size=2)))
    return document


@st.composite
def multiple_choice_questions(draw: st.DrawFn) -> MultipleChoiceQuestion:
    """A valid multiple-choice question with 2 to 8 options and at least one correct option."""
    flags = draw(st.lists(st.booleans(), min_size=2, max_size=8).filter(any))
    return MultipleChoiceQuestion.model_validate(
        {
            "id": "01.1",
            "type": "multiple_choice",
            "prompt": "Select all that apply.",
            "options": [
                {"text": f"Option {i}", "correct": flag, "feedback": f"Feedback {i}"} for i, flag in enumerate(flags)
            ],
            "source": "Test fixture",
        }
    )


# --- Psychometrics (tests/test_psychometrics.py) ------------------------------

reliabilities = st.floats(min_value=0.0, max_value=0.99, allow_nan=False)
"""Reliabilities for which the RCI is defined (below 1)."""

standard_deviations = st.floats(min_value=0.1, max_value=100.0, allow_nan=False)

raw_scores = st.one_of(
    st.integers(min_value=0, max_value=80).map(float),
    st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False),
)
"""Finite scores, mostly whole numbers on a short scale so that cut-offs and thresholds are hit."""

scores_or_missing = st.one_of(raw_scores, st.just(float("nan")))


@st.composite
def likert_item_matrices(draw: st.DrawFn, max_rows: int = 30, max_items: int = 8) -> list[list[int]]:
    """Rows of 0-4 answers (respondents x items, at least 2 x 2) whose total score varies."""
    k = draw(st.integers(min_value=2, max_value=max_items))
    rows = draw(
        st.lists(
            st.lists(st.integers(min_value=0, max_value=4), min_size=k, max_size=k),
            min_size=2,
            max_size=max_rows,
        ).filter(lambda matrix: len({sum(row) for row in matrix}) > 1)
    )
    return rows


@st.composite
def paired_scores(draw: st.DrawFn, max_size: int = 40) -> tuple[list[float], list[float]]:
    """Equal-length lists of pre and post scores, some of them missing (NaN)."""
    pairs = draw(st.lists(st.tuples(scores_or_missing, scores_or_missing), min_size=0, max_size=max_size))
    return [pre for pre, _ in pairs], [post for _, post in pairs]


@st.composite
def bounded_scores(draw: st.DrawFn) -> tuple[list[float], int, int]:
    """Whole-number scores within ``[minimum, maximum]`` (plus some NaN), with at least one present."""
    minimum = draw(st.integers(min_value=-20, max_value=20))
    maximum = minimum + draw(st.integers(min_value=1, max_value=60))
    present = st.integers(min_value=minimum, max_value=maximum).map(float)
    scores = draw(st.lists(st.one_of(present, st.just(float("nan"))), min_size=0, max_size=50))
    scores.append(draw(present))
    return scores, minimum, maximum
