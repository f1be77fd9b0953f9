"""Speed of the measures code: scoring and classifying 100,000 QPR-15 rows; RCI explorer callbacks.

    .venv/bin/python benchmarks/measures.py [--repeat 7]

Reports medians (and the 95th percentile for callbacks). Nothing is asserted.
The explorer is driven in-process: the callback time is the kernel's work
(reading controls, classifying the cohort, building the chart spec) plus
serialising the changed widget state to JSON as the kernel would send it; the
browser's drawing is not included.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from widgets import psychometrics  # noqa: E402
from widgets.measuring import RCIExplorer  # noqa: E402
from widgets.scoring import load_instruments, score_frame  # noqa: E402


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rows", type=int, default=100_000)
    options = parser.parse_args()
    instrument = load_instruments()["QPR-15"]
    rng = np.random.default_rng(1)
    rows = options.rows
    pre_items = pd.DataFrame(rng.integers(0, 5, size=(rows, 15)).astype(float), columns=list(instrument.item_ids))
    post_items = pd.DataFrame(rng.integers(0, 5, size=(rows, 15)).astype(float), columns=list(instrument.item_ids))
    pre_items.iloc[::50, 3] = np.nan

    def score_and_classify() -> None:
        pre = score_frame(instrument, pre_items)["total"].to_numpy()
        post = score_frame(instrument, post_items)["total"].to_numpy()
        psychometrics.classify_changes(pre, post, sd_baseline=10.1, reliability=0.74, cutoff=50)

    batch = timed(score_and_classify, options.repeat)
    explorer = RCIExplorer()
    values = [float(v) for v in range(10, 61)] * 2
    callbacks = []

    def change(control, value: float) -> None:
        start = time.perf_counter()
        control.value = value
        json.dumps(explorer.chart.get_state(), default=str)
        json.dumps(explorer.result.get_state())
        callbacks.append(time.perf_counter() - start)

    for value in values:
        change(explorer.post, value)
    for reliability in np.linspace(0.5, 0.95, 40):
        change(explorer.reliability, float(round(reliability, 2)))
    p95 = float(np.percentile(callbacks, 95))
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}")
    print("| measurement | median | 95th percentile |")
    print("|---|---|---|")
    print(f"| score {rows:,} QPR-15 rows twice + classify change ({options.repeat} runs) | {statistics.median(batch) * 1000:.1f} ms | |")
    print(f"| RCI explorer callback ({len(callbacks)} control changes) | {statistics.median(callbacks) * 1000:.2f} ms | {p95 * 1000:.2f} ms |")


if __name__ == "__main__":
    main()
