"""Make the README's screenshots: ``python3 tasks.py screenshots`` (or ``python -m tests.screenshots``).

Serves the workbook with Voilà on 127.0.0.1 in the students' template and in the projector
template, opens the pages in Debian's Chromium, and writes PNGs into ``docs/screenshots/``:

- ``chapter.png``: chapter 01 on a 1280x800 laptop, an exercise answered, with its feedback;
- ``chapter-phone.png``: the same chapter on a 390x844 phone;
- ``projector-rci.png`` and ``projector-poll-board.png``: two dashboards on a 1920x1080 projector.

Everything shown is fictional or synthetic.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.harness import CHROMIUM_ARGS, ROOT, chromium_path, voila_server, wait_until_rendered

OUT = ROOT / "docs" / "screenshots"


def _open(browser: object, url: str, size: tuple[int, int]) -> object:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})  # type: ignore[attr-defined]
    page.goto(url, timeout=120_000)
    wait_until_rendered(page)
    page.wait_for_function("!document.body.innerText.includes('Loading widget...')", timeout=90_000)
    page.wait_for_timeout(500)
    return page


def _wheel_to(page: object, selector: str) -> None:
    """Turn the wheel until ``selector``'s top is in the upper third of the window."""
    page.mouse.move(400, 300)  # type: ignore[attr-defined]
    for _ in range(80):
        top = page.locator(selector).first.evaluate("el => el.getBoundingClientRect().top")  # type: ignore[attr-defined]
        if top < 260:
            break
        page.mouse.wheel(0, min(400, top - 120))  # type: ignore[attr-defined]
        page.wait_for_timeout(120)  # type: ignore[attr-defined]


def make(out: Path = OUT) -> list[Path]:
    executable = chromium_path()
    if executable is None:
        sys.exit("Debian's chromium is needed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        folder = Path(scratch)
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        with voila_server(ROOT / "workbooks", folder / "a.sqlite3", folder / "workbook.log", extra=["--template=workbook"]) as server:
            page = _open(browser, server.render_url("01-understanding-recovery.ipynb"), (1280, 800))
            exercise = page.locator(".rw-exercise:has(input[type='radio'])").first  # type: ignore[attr-defined]
            _wheel_to(page, ".rw-exercise:has(input[type='radio'])")
            exercise.locator("input[type='radio']").nth(1).check()
            exercise.get_by_role("button", name="Check answer").click()
            exercise.locator(".rw-box").first.wait_for(timeout=30_000)
            _wheel_to(page, ".rw-exercise:has(input[type='radio'])")
            written.append(out / "chapter.png")
            page.screenshot(path=str(written[-1]))
            page.close()
            page = _open(browser, server.render_url("01-understanding-recovery.ipynb"), (390, 844))
            written.append(out / "chapter-phone.png")
            page.screenshot(path=str(written[-1]))
            page.close()
        with voila_server(ROOT / "workbooks", folder / "b.sqlite3", folder / "projector.log", extra=["--template=projector"]) as server:
            for notebook, name in (("rci-explorer", "projector-rci.png"), ("class-poll-board", "projector-poll-board.png")):
                page = _open(browser, server.render_url(f"dashboards/{notebook}.ipynb"), (1920, 1080))
                written.append(out / name)
                page.screenshot(path=str(written[-1]))
                page.close()
        browser.close()
    return written


if __name__ == "__main__":
    for path in make():
        print(path.relative_to(ROOT))
