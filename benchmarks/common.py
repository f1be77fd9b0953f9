"""Shared helpers for the benchmarks: timing, summaries, the machine's description."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Summary:
    """Several timings of one thing, in seconds."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p95(self) -> float:
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)


def timed(function: Callable[[], object], repeat: int) -> Summary:
    """Run ``function`` ``repeat`` times; the wall-clock time of each run."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return Summary(tuple(times))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds * 1000:,.0f} ms"


def s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def verdict(met: bool) -> str:
    """A target's outcome in words, not colour."""
    return "met" if met else "**missed**"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def machine() -> list[str]:
    """The machine and the versions that matter, as Markdown bullet lines."""
    packages = ["jupyterlab", "voila", "ipywidgets", "ipykernel", "pandas", "plotly", "sqlalchemy", "playwright"]
    versions = ", ".join(f"{name} {version(name)}" for name in packages)
    return [
        f"- {platform.platform()}; {_cpu_model()}; {os.cpu_count()} logical CPUs; {_memory_gib()} RAM",
        f"- Python {platform.python_version()}; {versions}",
    ]
