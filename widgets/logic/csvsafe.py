"""Every CSV the workbook writes goes through here, so no cell is run as a spreadsheet formula.

A spreadsheet treats a text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (CSV injection, OWASP). :func:`neutralise_cell` prefixes such
text with a single quote, OWASP's rule; numbers (also negative ones) stay numbers, because
only text cells are changed.

>>> neutralise_cell("=HYPERLINK(\\"http://x\\")"), neutralise_cell("-3"), neutralise_cell(-3.5), neutralise_cell("A-12")
('\\'=HYPERLINK("http://x")', "'-3", -3.5, 'A-12')
"""

from __future__ import annotations

import csv
from typing import Any

import pandas as pd

__all__ = ["FORMULA_STARTS", "frame_to_csv_bytes", "neutralise_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a text cell as a formula."""


def neutralise_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def frame_to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV (``\\n`` line ends, no index), every text cell and column name neutralised."""
    safe = frame.copy()
    carriage_return = False
    safe.columns = [neutralise_cell(str(column)) for column in safe.columns]
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
            safe.isetitem(position, column.map(neutralise_cell).to_numpy())
            carriage_return = carriage_return or bool(column.map(lambda v: isinstance(v, str) and "\r" in v).any())
    # Python's csv writer (3.11) does not quote a lone CR when lines end in LF, so such a cell would split its row:
    # then every text cell is quoted (numbers stay bare), which every spreadsheet reads back as the same text.
    if carriage_return:
        return safe.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).encode("utf-8")
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")
