"""Every charted figure carries the numbers the content brief gives, and only numbers that fit the 0-100 axis."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from widgets.content.evidence import load_figures

ROOT = Path(__file__).resolve().parent.parent

# The expected numbers, one tuple per row (one value per series), copied by hand from
# /work/shared/content/brief.md. A new figure must be added here, with its citation, before
# the test passes.
EXPECTED: dict[str, dict[str, object]] = {
    # Brief §3.3 (IPS evidence): EQOLISE, Burns et al. 2007, Lancet 370:1146-52, worked at least
    # one day, 55% with IPS vs 28% with vocational services; Bond, Drake & Becker 2008,
    # Psychiatr Rehabil J 31(4):280-290, 11 RCTs, competitive employment 61% vs 23%.
    "ips-employment": {"series": ("IPS", "Comparison"), "values": [(55, 28), (61, 23)]},
    # Brief §5(c) (ONS4): first-year figures, April 2011 to March 2012 [verified]:
    # 75.9% rated life satisfaction 7 or more and 80.0% rated worthwhile 7 or more.
    "ons4-first-year": {"series": ("Share rating 7 or more",), "values": [(75.9,), (80.0,)]},
}

FIGURES = load_figures()


def test_every_figure_has_expected_numbers_from_the_brief() -> None:
    assert set(FIGURES) == set(EXPECTED), "add the brief's numbers, with a citation, to EXPECTED"


@pytest.mark.parametrize("figure_id", sorted(EXPECTED))
def test_figure_numbers_match_the_brief(figure_id: str) -> None:
    figure = FIGURES[figure_id]
    assert figure.series == EXPECTED[figure_id]["series"]
    assert [row.values for row in figure.rows] == EXPECTED[figure_id]["values"]


@pytest.mark.parametrize("figure_id", sorted(EXPECTED))
def test_every_row_names_its_design_and_source(figure_id: str) -> None:
    for row in FIGURES[figure_id].rows:
        assert row.design.strip() and row.source.strip()
        assert re.search(r"\b(19|20)\d{2}\b", row.source), f"{row.label!r}: the source should give a year"


@pytest.mark.parametrize("figure_id", sorted(EXPECTED))
def test_figures_are_percentages_that_fit_the_chart_axis(figure_id: str) -> None:
    # The chart's axis runs from 0 to 100, so scores on other scales (for example the REFOCUS QPR
    # totals, 40.6 vs 40.0, brief §7) belong in text or a table, not in a figure.
    figure = FIGURES[figure_id]
    assert figure.measure.lstrip().startswith("%")
    assert all(0 <= value <= 100 for row in figure.rows for value in row.values)


def test_the_refocus_qpr_means_are_not_charted() -> None:
    # Brief §7: QPR total 40.6 (SD 10.1) vs 40.0 (10.2); not on a 0-100 scale.
    for figure in FIGURES.values():
        assert not any({40.6, 40.0} <= set(row.values) for row in figure.rows)


def test_every_chart_a_notebook_asks_for_exists() -> None:
    for notebook in sorted((ROOT / "workbooks").glob("*.ipynb")):
        code = "\n".join(
            "".join(cell["source"]) for cell in json.loads(notebook.read_text())["cells"] if cell["cell_type"] == "code"
        )
        for figure_id in re.findall(r'evidence_chart\("([^"]+)"\)', code):
            assert figure_id in FIGURES, f"{notebook.name} asks for unknown figure {figure_id!r}"
