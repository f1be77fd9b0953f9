"""Every CSV the workbook writes is safe to open in a spreadsheet (issue 14, point 6: CSV injection)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from widgets.logic.csvsafe import FORMULA_STARTS, frame_to_csv_bytes, neutralise_cell
from widgets.logic.measurement.cohort import to_csv_bytes


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_starting_like_a_formula_gets_a_quote(start: str) -> None:
    assert neutralise_cell(start + "SUM(A1:A9)") == "'" + start + "SUM(A1:A9)"


def test_other_text_and_numbers_are_unchanged() -> None:
    assert [neutralise_cell(v) for v in ("A-1", "", " =x", -4, -0.5, None)] == ["A-1", "", " =x", -4, -0.5, None]


def test_a_written_frame_reads_back_with_text_neutralised_and_numbers_as_numbers() -> None:
    frame = pd.DataFrame(
        {
            "team": ["=1+1", "\tcmd", "\rcmd", "@SUM(1)", "+44 20", "-x", "Ward 3"],
            "rating": [-3, -1, 0, 1, 2, 3, -2],
            "change": [-0.5, 1.5, -2.25, 0.0, float("nan"), 4.0, -1.0],
            "=evil": ["a"] * 7,
        }
    )
    for data in (frame_to_csv_bytes(frame), to_csv_bytes(frame)):
        rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
        assert rows[0] == ["team", "rating", "change", "'=evil"]
        assert [r[0] for r in rows[1:]] == ["'=1+1", "'\tcmd", "'\rcmd", "'@SUM(1)", "'+44 20", "'-x", "Ward 3"]
        assert [int(r[1]) for r in rows[1:]] == [-3, -1, 0, 1, 2, 3, -2]
        assert rows[1][2] == "-0.5" and rows[3][2] == "-2.25"
        back = pd.read_csv(io.BytesIO(data))
        assert back["rating"].dtype.kind == "i" and back["change"].dtype.kind == "f"


def test_every_csv_the_package_writes_goes_through_csvsafe() -> None:
    """A new ``to_csv`` or ``csv.writer`` elsewhere in widgets/ would skip the formula guard."""
    package = Path(__file__).parents[1] / "widgets"
    writers = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(")
    found = sorted(
        str(path.relative_to(package)) for path in package.rglob("*.py") if writers.search(path.read_text(encoding="utf-8"))
    )
    assert found == ["logic/csvsafe.py"]
