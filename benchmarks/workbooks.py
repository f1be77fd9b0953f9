"""Headless execution of every workbook next to a floor notebook.

The floor notebook only starts a kernel and imports the stack (ipywidgets, numpy,
pandas, plotly, pydantic, yaml and the ``widgets`` package). Each run starts a fresh
kernel, as a student's "Restart and run all" does; runs alternate between the floor
and the workbooks, and medians are compared.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks.common import ROOT, Summary

FLOOR_SOURCE = "import ipywidgets, numpy, pandas, plotly, pydantic, yaml\nimport widgets"


def floor_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(FLOOR_SOURCE)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def execute(notebook: nbformat.NotebookNode, folder: Path) -> float:
    """Seconds to start a kernel, run every cell and shut the kernel down."""
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


def workbook_times(runs: int) -> dict[str, Summary]:
    """Execution times of the floor and of each ``workbooks/NN-*.ipynb``, ``runs`` each (after one warm-up round)."""
    notebooks = {"floor (kernel + imports)": floor_notebook()}
    notebooks |= {path.stem: nbformat.read(path, as_version=4) for path in sorted((ROOT / "workbooks").glob("[0-9][0-9]-*.ipynb"))}
    times: dict[str, list[float]] = {name: [] for name in notebooks}
    for run in range(runs + 1):
        for name, notebook in notebooks.items():
            elapsed = execute(nbformat.from_dict(notebook), ROOT / "workbooks")
            if run:
                times[name].append(elapsed)
    return {name: Summary(tuple(values)) for name, values in times.items()}
