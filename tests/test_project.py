"""The project's own promises: every dependency has a lower bound, notebooks are stripped and use their content.

(environment.yml is the runtime only; tests/test_packaging.py checks it against pyproject.toml.)
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from widgets.content.exercises import load_exercise_file

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT / "workbooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
CHAPTERS = [path for path in NOTEBOOKS if re.match(r"^\d{2}-", path.name)]
DASHBOARDS = [path for path in NOTEBOOKS if path.parent.name == "dashboards"]


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    requirements = [*project["dependencies"], *extras["postgres"], *extras["test"]]
    return {canonicalize_name(Requirement(r).name): str(Requirement(r).specifier) for r in requirements}


def test_every_dependency_has_a_lower_bound() -> None:
    for name, specifier in _pyproject_requirements().items():
        assert ">=" in specifier, f"{name} needs a lower bound"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(notebook: Path) -> None:
    cells = json.loads(notebook.read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] == "code" and "# NBVAL_CHECK_OUTPUT" not in "".join(cell["source"]):
            assert cell["outputs"] == [] and cell["execution_count"] is None, "strip it with nbstripout"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.name)
def test_chapter_calls_each_of_its_exercises_exactly_once(notebook: Path) -> None:
    exercise_file = load_exercise_file(ROOT / "data" / "exercises" / f"{notebook.stem}.yaml")
    code = "\n".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code")
    assert f'Chapter("{notebook.stem}")' in code
    called = re.findall(r'chapter\.exercise\("([\d.]+)"\)', code)
    assert sorted(called) == sorted(q.id for q in exercise_file.questions)


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.name)
def test_chapter_has_objectives_key_points_and_references(notebook: Path) -> None:
    markdown = "\n".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "markdown")
    for heading in ("Learning objectives", "**Time:**"):
        assert heading in markdown
    if notebook.stem != "00-start-here":
        assert "## Key points" in markdown and "## References" in markdown


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_links_point_to_files_that_exist(notebook: Path) -> None:
    text = notebook.read_text()
    for target in re.findall(r"\]\(([^)#:]+\.ipynb)\)", text):
        assert (notebook.parent / target).exists(), f"{notebook.name} links to missing {target}"


def test_no_placeholder_text_in_content_or_code() -> None:
    pattern = re.compile(r"\b(TODO|FIXME|XXX|lorem ipsum|TBD)\b", re.IGNORECASE)
    paths = [*NOTEBOOKS, *(ROOT / "data").rglob("*.yaml"), *(ROOT / "widgets").glob("*.py")]
    offenders = [str(p.relative_to(ROOT)) for p in paths if pattern.search(p.read_text())]
    assert offenders == []


def test_no_module_imports_ipywidgets_as_widgets() -> None:
    sources = [*(ROOT / "widgets").glob("*.py"), *(ROOT / "tests").glob("*.py"), *NOTEBOOKS]
    forbidden = re.compile(r"^\s*import ipywidgets as widgets\b", re.MULTILINE)
    assert not [p.name for p in sources if forbidden.search(p.read_text().replace('\\n', '\n'))]


@pytest.mark.parametrize("dashboard", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_is_a_heading_a_sentence_and_one_call(dashboard: Path) -> None:
    cells = json.loads(dashboard.read_text())["cells"]
    assert [cell["cell_type"] for cell in cells] == ["markdown", "code"]
    assert "".join(cells[0]["source"]).startswith("# ")
    calls = [line for line in "".join(cells[1]["source"]).splitlines() if line and not line.startswith(("from ", "import "))]
    assert len(calls) == 1, calls
