"""Time Voilà rendering of chapter 01 next to an empty notebook, in the same server run.

    .venv/bin/python benchmarks/voila_render.py [--runs 5] [--preheat]

"Interactive" means Voilà has shown the cells and every exercise widget of the
chapter is on the page (for the empty notebook: the cells are shown). Runs
alternate between the two notebooks; medians are reported. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.harness import CHROMIUM_ARGS, ROOT, chromium_path, voila_server, wait_until_rendered, watch  # noqa: E402
from widgets.content import load_exercises  # noqa: E402

CHAPTER = "01-understanding-recovery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--preheat", action="store_true", help="serve with preheated kernels")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="voila-bench-"))
    shutil.copy(ROOT / "workbooks" / f"{CHAPTER}.ipynb", folder)
    empty = nbformat.v4.new_notebook()
    empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(empty, folder / "empty.ipynb")
    widgets = len(load_exercises(CHAPTER).questions)
    extra = ["--preheat_kernel=True", "--pool_size=2"] if options.preheat else []
    times: dict[str, list[float]] = {"empty.ipynb": [], f"{CHAPTER}.ipynb": []}
    with voila_server(folder, folder / "answers.sqlite3", folder / "voila.log", extra=extra) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        if options.preheat:
            time.sleep(15)  # let the pool fill
        for run in range(options.runs + 1):
            for notebook, expected in (("empty.ipynb", 0), (f"{CHAPTER}.ipynb", widgets)):
                page = browser.new_page()
                watch(page)
                start = time.perf_counter()
                page.goto(server.render_url(notebook))
                wait_until_rendered(page, widgets=expected)
                elapsed = time.perf_counter() - start
                page.close()
                if run:  # the first round warms the server and the browser cache
                    times[notebook].append(elapsed)
                if options.preheat:
                    time.sleep(4)
        browser.close()
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, {options.runs} runs, preheat={options.preheat}")
    print("| notebook | median s | min s | max s |")
    print("|---|---|---|---|")
    for notebook, values in times.items():
        print(f"| {notebook} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} |")
    ratio = statistics.median(times[f"{CHAPTER}.ipynb"]) / statistics.median(times["empty.ipynb"])
    print(f"ratio chapter/empty: {ratio:.2f}")


if __name__ == "__main__":
    main()
