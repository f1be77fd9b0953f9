"""Voilà in Chromium: each dashboard next to an empty notebook, kernel memory, and a crowd of viewers.

    .venv/bin/python benchmarks/voila_render.py [--runs 3]      # prints the dashboard table only

"Interactive" means Voilà has shown the cells and the dashboard's widget is on the
page (an element with the class ``rw-exercise``), so its controls respond; for the
empty notebook, that the cells are shown. Every dashboard and the empty notebook
are served by one Voilà, with the projector template as ``tasks.py present`` uses.
Runs alternate between the pages; the first round only warms caches. With
preheated kernels the script waits for each pool to refill between runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
import psutil

from benchmarks.common import ROOT, Summary
from tests.harness import (
    CHROMIUM_ARGS,
    VoilaServer,
    chromium_path,
    voila_server,
    wait_until_rendered,
    watch,
)

DASHBOARDS = sorted(path.name for path in (ROOT / "workbooks" / "dashboards").glob("*.ipynb"))
EMPTY = "empty.ipynb"
REFILL_SECONDS = 8.0
FILL_DELAY_SECONDS = 60.0
"""For the crowd: Voilà waits this long before replacing a used preheated kernel, so refills do not compete with arrivals."""


@contextmanager
def serving(*, preheat: bool, pool: dict[str, int] | None = None) -> Iterator[tuple[VoilaServer, Path]]:
    """A Voilà on 127.0.0.1 serving a copy of the dashboards plus an empty notebook."""
    folder = Path(tempfile.mkdtemp(prefix="bench-voila-"))
    for name in DASHBOARDS:
        shutil.copy(ROOT / "workbooks" / "dashboards" / name, folder)
    empty = nbformat.v4.new_notebook()
    empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(empty, folder / EMPTY)
    extra = ["--template=projector"]
    saved_config_path = os.environ.get("JUPYTER_CONFIG_PATH")
    if preheat:
        extra += ["--preheat_kernel=True", "--pool_size=1"]
        if pool:
            pools = {"default": {"pool_size": 1}} | {name: {"pool_size": size} for name, size in pool.items()}
            config = folder / "config"
            config.mkdir()
            (config / "voila.json").write_text(
                json.dumps({"VoilaKernelManager": {"kernel_pools_config": pools, "fill_delay": FILL_DELAY_SECONDS}})
            )
            os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(config), saved_config_path]))
    try:
        with voila_server(folder, folder / "answers.sqlite3", folder / "voila.log", extra=extra) as server:
            if preheat:
                time.sleep(REFILL_SECONDS + 2 * len(DASHBOARDS) + sum((pool or {}).values()))  # let every pool fill
            yield server, folder
    finally:
        if saved_config_path is None:
            os.environ.pop("JUPYTER_CONFIG_PATH", None)
        else:
            os.environ["JUPYTER_CONFIG_PATH"] = saved_config_path
        shutil.rmtree(folder, ignore_errors=True)


def _open(browser: object, server: VoilaServer, notebook: str) -> float:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    seen = watch(page)
    start = time.perf_counter()
    page.goto(server.render_url(notebook))
    wait_until_rendered(page, widgets=0 if notebook == EMPTY else 1)
    elapsed = time.perf_counter() - start
    page.close()
    if seen.external_requests:
        raise RuntimeError(f"{notebook} asked for {seen.external_requests}")
    return elapsed


def dashboard_times(*, preheat: bool, runs: int) -> dict[str, Summary]:
    """Seconds until each dashboard (and the empty notebook) is interactive, ``runs`` times each."""
    from playwright.sync_api import sync_playwright

    pages = [EMPTY, *DASHBOARDS]
    times: dict[str, list[float]] = {name: [] for name in pages}
    with serving(preheat=preheat) as (server, _folder), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for run in range(runs + 1):
            for notebook in pages:
                elapsed = _open(browser, server, notebook)
                if run:
                    times[notebook].append(elapsed)
                if preheat:
                    time.sleep(REFILL_SECONDS)  # the used kernel's replacement starts now: keep it out of the next timing
        browser.close()
    return {name: Summary(tuple(values)) for name, values in times.items()}


def _kernels() -> set[int]:
    """Process ids of the ipykernels running on this machine."""
    found = set()
    for process in psutil.process_iter(["pid", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if "ipykernel_launcher" in command:
            found.add(process.info["pid"])
    return found


def kernel_memory() -> dict[str, float]:
    """Resident memory (MiB) of the kernel behind each page, 3 s after it became interactive."""
    from playwright.sync_api import sync_playwright

    memory: dict[str, float] = {}
    with serving(preheat=False) as (server, _folder), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for notebook in [EMPTY, *DASHBOARDS]:
            before = _kernels()
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.render_url(notebook))
            wait_until_rendered(page, widgets=0 if notebook == EMPTY else 1)
            page.wait_for_timeout(3000)
            new = _kernels() - before
            memory[notebook] = sum(psutil.Process(pid).memory_info().rss for pid in new) / 2**20 if new else float("nan")
            page.close()
        browser.close()
    return memory


async def _crowd_async(url: str, viewers: int, timeout_s: float) -> list[tuple[float, float]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        # One browser profile for every viewer: the pages share the HTTP cache, as if each viewer's own
        # machine had the page's scripts cached; their rendering still competes for this machine's CPUs.
        # No request interception here (it would send every request through Playwright's driver); the
        # browser tests check that pages ask nothing of other hosts.
        context = await browser.new_context(viewport={"width": 1024, "height": 768})

        async def one() -> tuple[float, float]:
            page = await context.new_page()
            start = time.perf_counter()
            await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
            first_byte = time.perf_counter() - start
            await page.wait_for_function("document.querySelectorAll('.rw-exercise').length >= 1", timeout=timeout_s * 1000)
            return first_byte, time.perf_counter() - start

        try:
            return list(await asyncio.gather(*(one() for _ in range(viewers))))
        finally:
            await browser.close()


def crowd(notebook: str, *, viewers: int, preheat_pool: int, timeout_s: float = 120) -> tuple[Summary, Summary]:
    """``viewers`` pages open ``notebook`` at the same moment: seconds to the page's first byte, and to interactive."""
    pool = {notebook: preheat_pool} if preheat_pool else None
    with serving(preheat=bool(preheat_pool), pool=pool) as (server, _folder):
        times = asyncio.run(_crowd_async(server.render_url(notebook), viewers, timeout_s))
    return Summary(tuple(t for t, _ in times)), Summary(tuple(t for _, t in times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--preheat", action="store_true")
    options = parser.parse_args()
    results = dashboard_times(preheat=options.preheat, runs=options.runs)
    empty = results[EMPTY].median
    for name, summary in results.items():
        print(f"{name:32s} median {summary.median:5.2f} s  ratio {summary.median / empty:4.2f}")


if __name__ == "__main__":
    main()
