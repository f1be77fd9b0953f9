"""Speed of the class-results board: aggregating 1,000, 10,000 and 100,000 answers.

    .venv/bin/python benchmarks/class_results.py [--runs 7] [--seed 20250113]

The answers come from :func:`widgets.logic.classresults.synthetic_class_files` (fictional
students' class answers files in the exact export format). For each size it
reports the median of ``--runs`` runs of

- *aggregate*: :func:`~widgets.logic.classresults.class_results` on files already read
  (the pandas frame, one ``groupby``, grading each distinct answer once, every
  question's result); reading is not included;
- *read + aggregate*: :func:`~widgets.logic.classresults.read_class_files` on the raw
  bytes (``parse_export``, checksums, latest answer per question, duplicates),
  then the same aggregation;
- *render*: the board's HTML for every chapter (:func:`~widgets.logic.classresults.results_html`).

The exercise files are loaded once beforehand. Nothing is asserted: the target is
that 100,000 answers aggregate in well under a second.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import timed
from widgets.content.exercises import all_chapters
from widgets.logic.classresults.aggregate import class_results
from widgets.logic.classresults.html import results_html
from widgets.logic.classresults.reading import ClassFile, read_class_files
from widgets.logic.classresults.synthetic import CLASS_SEED, synthetic_class_files

SIZES = (1_000, 10_000, 100_000)


def take(files: tuple[ClassFile, ...], answers: int) -> tuple[int, list[ClassFile]]:
    """The first files holding ``answers`` answers in all (the last one cut short), and how many files that is."""
    taken: list[ClassFile] = []
    left = answers
    for class_file in files:
        if left <= 0:
            break
        kept = class_file.answers[:left]
        taken.append(dataclasses.replace(class_file, answers=kept))
        left -= len(kept)
    if left > 0:
        raise SystemExit(f"the synthetic pool holds fewer than {answers:,} answers; make it larger")
    return len(taken), taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=CLASS_SEED)
    options = parser.parse_args()
    chapters, problems = all_chapters()
    if problems:
        raise SystemExit("\n".join(problems))
    started = time.perf_counter()
    pool = synthetic_class_files(1_600, options.seed, chapters=chapters)
    made = time.perf_counter() - started
    everything = read_class_files(pool, max_files=None, max_total_bytes=None)
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, pandas {pd.__version__}")
    print(
        f"Synthetic pool: {len(pool):,} files, {everything.answers:,} answers, "
        f"{sum(len(data) for _name, data in pool) / 1e6:.1f} MB (made in {made:.1f} s)\n"
    )
    print(f"| answers | files | aggregate (median of {options.runs}) | read + aggregate | render every chapter |")
    print("|---:|---:|---:|---:|---:|")
    for size in SIZES:
        n_files, files = take(everything.files, size)
        raw = pool[:n_files]
        aggregate = timed(lambda files=files: class_results(files, chapters), options.runs).median
        read_and_aggregate = timed(
            lambda raw=raw: class_results(read_class_files(raw, max_files=None, max_total_bytes=None).files, chapters),
            options.runs,
        ).median
        results = class_results(files, chapters)
        render = timed(lambda results=results: results_html(results), options.runs).median
        print(
            f"| {size:,} | {n_files:,} | {aggregate * 1000:.1f} ms | {read_and_aggregate * 1000:.0f} ms "
            f"| {render * 1000:.1f} ms |"
        )
    print(
        "\n'read + aggregate' parses the files whole (the last one is not cut), so it reads a few more answers."
    )


if __name__ == "__main__":
    main()
