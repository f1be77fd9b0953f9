"""Voilà pages as a person meets them: they scroll, their controls look like controls, they fit.

Every scroll is a mouse wheel, a key or a finger (never a locator's auto-scroll). Screenshots of
every page go to ``test-artifacts/pages/``; look at them when a layout changes.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import ROOT, VoilaServer, voila_server, wait_until_rendered, watch
from tests.pages import (
    CHAPTERS,
    DASHBOARDS,
    LAPTOP,
    PHONE,
    PROJECTOR,
    SIZES,
    at_end,
    box_of,
    clipped,
    faint_controls,
    last_cell,
    luminance,
    shot,
    small_text,
    swipe_up,
    too_wide,
    wheel_to_end,
)

pytestmark = pytest.mark.browser

LOOKS = {
    "workbook": ["--template=workbook", "--theme=light"],
    "projector": ["--template=projector", "--theme=light"],
    "workbook-dark": ["--template=workbook", "--theme=dark"],
    "projector-dark": ["--template=projector", "--theme=dark"],
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, VoilaServer]]:
    """One Voilà server per template and theme, all serving ``workbooks/``."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        started = {}
        for look, extra in LOOKS.items():
            folder = tmp_path_factory.mktemp(look)
            started[look] = stack.enter_context(
                voila_server(ROOT / "workbooks", folder / "answers.sqlite3", folder / "voila.log", extra=extra)
            )
        yield started


def open_page(browser: object, server: VoilaServer, notebook: str, size: tuple[int, int], *, touch: bool = False) -> object:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, has_touch=touch)  # type: ignore[attr-defined]
    page = context.new_page()
    seen = watch(page)
    page.goto(server.render_url(notebook), timeout=120_000)
    wait_until_rendered(page)
    page.wait_for_function("!document.body.innerText.includes('Loading widget...')", timeout=90_000)
    page.wait_for_timeout(300)
    page.seen = seen  # type: ignore[attr-defined]
    return page


def close(page: object) -> None:
    page.context.close()  # type: ignore[attr-defined]


def stem(notebook: str) -> str:
    return Path(notebook).stem


# Chapters in the students' template and dashboards on the projector, plus each kind in the other
# template, so both templates are scrolled with both kinds of page.
READING = [(chapter, "workbook") for chapter in CHAPTERS] + [(board, "projector") for board in DASHBOARDS] + [
    ("00-start-here.ipynb", "projector"),
    ("03-skills-in-practice.ipynb", "projector"),
    ("dashboards/class-poll-board.ipynb", "workbook"),
    ("dashboards/imroc-team-board.ipynb", "workbook"),
]


@pytest.mark.parametrize(("notebook", "look"), READING, ids=[f"{stem(n)}-{look}" for n, look in READING])
def test_page_can_be_read_to_its_end_at_every_width(browser, servers, notebook: str, look: str) -> None:
    """Wheel, PageDown/End/Home and (on a phone) touch reach the last cell; nothing runs off the side."""
    problems: list[str] = []
    page = open_page(browser, servers[look], notebook, PHONE, touch=True)
    try:
        for name, size in SIZES.items():
            page.set_viewport_size({"width": size[0], "height": size[1]})  # type: ignore[attr-defined]
            page.keyboard.press("Home")  # type: ignore[attr-defined]
            page.wait_for_timeout(300)  # type: ignore[attr-defined]
            shot(page, f"{stem(notebook)}-{look}-{name}")
            where = f"{name} {size[0]}x{size[1]}"
            cell = last_cell(page)
            room = max(cell["scrollHeight"] - cell["innerHeight"], 0)  # how far the page can scroll at all
            wide = too_wide(page)
            if wide["documentWidth"] > wide["width"] + 1 or wide["elements"]:
                problems.append(f"{where}: wider than the window: {wide}")
            if name == "phone":
                swipe_up(page)
                page.wait_for_timeout(600)  # type: ignore[attr-defined]
                if page.evaluate("window.scrollY") < min(100, room):  # type: ignore[attr-defined]
                    problems.append(f"{where}: a finger swipe did not scroll the page")
                page.keyboard.press("Home")  # type: ignore[attr-defined]
                page.wait_for_timeout(300)  # type: ignore[attr-defined]
            wheel_to_end(page)
            if not at_end(page):
                problems.append(f"{where}: the mouse wheel stopped before the last cell: {last_cell(page)}")
            shot(page, f"{stem(notebook)}-{look}-{name}-end")
            page.keyboard.press("Home")  # type: ignore[attr-defined]
            page.wait_for_timeout(300)  # type: ignore[attr-defined]
            if page.evaluate("window.scrollY") != 0:  # type: ignore[attr-defined]
                problems.append(f"{where}: Home did not return to the top")
            page.keyboard.press("PageDown")  # type: ignore[attr-defined]
            page.wait_for_timeout(400)  # type: ignore[attr-defined]
            if page.evaluate("window.scrollY") < min(size[1] / 3, room) - 1:  # type: ignore[attr-defined]
                problems.append(f"{where}: PageDown did not move the page")
            page.keyboard.press("End")  # type: ignore[attr-defined]
            page.wait_for_timeout(600)  # type: ignore[attr-defined]
            if not at_end(page):
                problems.append(f"{where}: End did not reach the last cell")
        # WCAG 1.4.11 on the same page (light theme): each button's fill, border or icon at 3:1 with what is behind it.
        problems += [f"faint control {problem}" for problem in faint_controls(page)]
        problems += [f"page error: {error}" for error in page.seen.unexpected_page_errors()]  # type: ignore[attr-defined]
    finally:
        close(page)
    assert not problems, "\n".join(problems)


DARK_PAGES = ["03-skills-in-practice.ipynb", "09-my-portfolio.ipynb", "dashboards/class-poll-board.ipynb", "dashboards/imroc-team-board.ipynb"]


@pytest.mark.parametrize("look", ["workbook-dark", "projector-dark"])
def test_every_button_is_visibly_a_control_in_the_dark_theme(browser, servers, look: str) -> None:
    """WCAG 1.4.11 in the dark theme (the light theme is checked on every page by the reading test)."""
    pages = DARK_PAGES
    faint: list[str] = []
    for notebook in pages:
        page = open_page(browser, servers[look], notebook, LAPTOP)
        try:
            faint += [f"{stem(notebook)}: {problem}" for problem in faint_controls(page)]
        finally:
            close(page)
    assert not faint, "\n".join(faint)


def test_contrast_check_sees_a_button_that_looks_like_text(browser, servers) -> None:
    """The check itself: a button painted like the page behind it, with no border, is reported."""
    page = open_page(browser, servers["workbook"], "00-start-here.ipynb", LAPTOP)
    try:
        page.evaluate(  # type: ignore[attr-defined]
            """() => { const b = document.querySelector('#rendered_cells button');
                b.style.setProperty('border', 'none', 'important');
                b.style.setProperty('background', getComputedStyle(document.querySelector('main')).backgroundColor, 'important'); }"""
        )
        assert faint_controls(page)
    finally:
        close(page)


# At 1920x1080 on the projector, what must be on the first screen of each dashboard (its main
# control and its result), before anything is scrolled.
FIRST_SCREEN = {
    "chime-explorer": ["text=Connectedness >> visible=true", ".rw-exercise .widget-radio-box >> visible=true"],
    "class-poll-board": [
        "select >> visible=true",
        ".rw-tally-table tr:nth-child(5)",
        "button:has-text('Open poll')",
        "button:has-text('Close poll')",
        "button:has-text('Start a new round')",
        "input[type='password'] >> visible=true",
    ],
    "class-poll": ["text=No poll is open just now"],
    "class-results": ["button:has-text('synthetic example')", ".widget-upload"],
    "join": [".rw-join-screen .rw-box"],  # plain Voila: no students' address, so the join screen says how to get one
    "imroc-team-board": [".rw-heatmap tbody tr:last-child", ".rw-heatmap caption"],
    "ips-evidence": ["input[type='checkbox'] >> nth=0", ".rw-bars"],
    "measure-explorer": ["select >> nth=0", "select[size] >> nth=0", "text=Facts about"],
    "rci-explorer": ["input >> nth=0", "text=This person", "svg[role='img']"],
    "seminar": [".rw-slide-title", ".rw-slide-source", ".rw-slide-counter", "button:has-text('Previous')", "button:has-text('Next')"],
}


@pytest.mark.parametrize("notebook", DASHBOARDS, ids=[stem(n) for n in DASHBOARDS])
def test_dashboard_fills_the_projector_screen(browser, servers, notebook: str) -> None:
    """Main control and result on the first 1920x1080 screen; type and chart labels >= 20 px; nothing cut; full width."""
    page = open_page(browser, servers["projector"], notebook, PROJECTOR)
    problems: list[str] = []
    try:
        if stem(notebook) == "imroc-team-board":
            page.get_by_role("button", name="Show the synthetic example").click()  # type: ignore[attr-defined]
            page.wait_for_selector(".rw-heatmap", timeout=30_000)  # type: ignore[attr-defined]
        shot(page, f"{stem(notebook)}-projector-first-screen")
        for selector in FIRST_SCREEN[stem(notebook)]:
            box = box_of(page, selector)
            if box is None:
                problems.append(f"not on the page: {selector}")
            elif box.bottom > PROJECTOR[1] + 1 or box.right > PROJECTOR[0] + 1:
                problems.append(f"below or beside the first screen: {selector} (bottom {box.bottom:.0f}, right {box.right:.0f})")
        problems += [f"small text {item}" for item in small_text(page, 20)]
        problems += [f"clipped {item}" for item in clipped(page)]
        used = page.evaluate(  # type: ignore[attr-defined]
            """() => Math.max(...[...document.querySelectorAll('#rendered_cells .rw-exercise, #rendered_cells .jp-OutputArea-output')]
                  .map((el) => el.getBoundingClientRect().right))"""
        )
        if used < PROJECTOR[0] * 0.75:
            problems.append(f"content stops at {used:.0f} px of {PROJECTOR[0]}")
    finally:
        close(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("notebook", DASHBOARDS, ids=[stem(n) for n in DASHBOARDS])
def test_dark_projector_has_no_light_panels(browser, servers, notebook: str) -> None:
    """In the dark theme, charts and notice boxes are dark too: no large light rectangle on the page."""
    page = open_page(browser, servers["projector-dark"], notebook, PROJECTOR)
    try:
        if stem(notebook) == "imroc-team-board":
            page.get_by_role("button", name="Show the synthetic example").click()  # type: ignore[attr-defined]
            page.wait_for_selector(".rw-heatmap", timeout=30_000)  # type: ignore[attr-defined]
        shot(page, f"{stem(notebook)}-projector-dark")
        panels = page.evaluate(  # type: ignore[attr-defined]
            """() => {
              const out = [];
              for (const el of document.querySelectorAll('#rendered_cells *')) {
                const box = el.getBoundingClientRect();
                if (box.width * box.height < 20000) continue;
                let colour = getComputedStyle(el).backgroundColor;
                if (el.tagName.toLowerCase() === 'svg') {
                  const rect = el.querySelector('rect'); colour = rect ? getComputedStyle(rect).fill : colour;
                  const filter = getComputedStyle(el).filter; if (filter && filter.includes('invert')) colour = 'inverted';
                }
                out.push({what: `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 40)}`, colour});
              }
              return out;
            }"""
        )
    finally:
        close(page)
    light = [p for p in panels if p["colour"] not in ("inverted",) and "rgba(0, 0, 0, 0)" not in p["colour"]
             and p["colour"] != "none" and luminance(p["colour"]) > 0.4]  # fmt: skip
    assert not light, light


def test_prose_and_exercises_share_one_readable_measure(browser, servers) -> None:
    """About 60-90 characters a line of prose; every exercise at least as wide as the prose."""
    page = open_page(browser, servers["workbook"], "01-understanding-recovery.ipynb", LAPTOP)
    try:
        facts = page.evaluate(  # type: ignore[attr-defined]
            """() => {
              const paragraphs = [...document.querySelectorAll('.jp-RenderedMarkdown p')].filter((p) => p.innerText.length > 250);
              const perLine = paragraphs.map((p) => {
                const range = document.createRange(); range.selectNodeContents(p);
                const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                return p.innerText.length / tops.size;
              });
              const prose = Math.max(...[...document.querySelectorAll('.jp-RenderedMarkdown')].map((m) => m.getBoundingClientRect().width));
              const exercises = [...document.querySelectorAll('.rw-exercise')].map((e) => e.getBoundingClientRect().width);
              return {perLine, prose, narrowest: Math.min(...exercises)};
            }"""
        )
    finally:
        close(page)
    assert facts["perLine"], "no long paragraph found"
    average = sum(facts["perLine"]) / len(facts["perLine"])
    assert 60 <= average <= 90, facts
    assert facts["narrowest"] >= facts["prose"] - 24, facts


def test_radio_options_are_one_tab_stop_and_arrow_keys_choose(browser, servers) -> None:
    """As chapter 00 says: Tab reaches a set of options once; the arrow keys move the choice; the focus ring shows whole."""
    page = open_page(browser, servers["workbook"], "01-understanding-recovery.ipynb", LAPTOP)
    try:
        group = page.locator(".rw-exercise .widget-radio-box:has(input[type='radio'])").first  # type: ignore[attr-defined]
        # Reach the group from the element before it with Tab, as a keyboard user would.
        group.evaluate(
            """(box) => { const all = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')];
                const first = box.querySelector('input[type="radio"]'); const before = all[all.indexOf(first) - 1];
                if (before) { before.focus(); } else { document.activeElement.blur(); } }"""
        )
        for _ in range(10):  # Tab from just before the group until it is reached (links may come first)
            page.keyboard.press("Tab")  # type: ignore[attr-defined]
            if group.evaluate("(box) => box.contains(document.activeElement)"):
                break
        inputs = group.locator("input[type='radio']")
        assert page.evaluate("document.activeElement.type") == "radio"  # type: ignore[attr-defined]
        page.keyboard.press("ArrowDown")  # type: ignore[attr-defined]
        page.wait_for_timeout(200)  # type: ignore[attr-defined]
        assert inputs.nth(1).is_checked()
        ring = page.evaluate(  # type: ignore[attr-defined]
            """() => { const el = document.activeElement; const s = getComputedStyle(el); const box = el.getBoundingClientRect();
                const reach = parseFloat(s.outlineWidth) + parseFloat(s.outlineOffset);
                for (let a = el.parentElement; a; a = a.parentElement) {
                  const o = getComputedStyle(a); if (o.overflowX !== 'visible') {
                    return {ringLeft: box.left - reach, clipLeft: a.getBoundingClientRect().left, outline: s.outlineStyle}; } }
                return {ringLeft: box.left - reach, clipLeft: 0, outline: s.outlineStyle}; }"""
        )
        assert ring["outline"] != "none" and ring["ringLeft"] >= ring["clipLeft"], ring
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        still_in_group = group.evaluate("(box) => box.contains(document.activeElement)")
        assert not still_in_group, "Tab stopped on another option of the same question"
    finally:
        close(page)


@pytest.fixture
def busy_cpus() -> Iterator[None]:
    """Keep both CPUs busy, as a seminar laptop is while a class arrives."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def test_thirty_loads_under_cpu_load_show_every_widget(browser, servers, busy_cpus) -> None:
    """Chapters 03 and 09 and the poll page, loaded 30 times in turn on busy CPUs: no widget fails to show."""
    pages = ["03-skills-in-practice.ipynb", "09-my-portfolio.ipynb", "dashboards/chime-explorer.ipynb"]
    failures = []
    for turn in range(30):
        notebook = pages[turn % len(pages)]
        page = open_page(browser, servers["workbook"], notebook, LAPTOP)
        try:
            text = page.inner_text("#rendered_cells")  # type: ignore[attr-defined]
            if "Error displaying widget" in text or "model not found" in text:
                failures.append(f"load {turn + 1}: {notebook}")
                shot(page, f"widget-error-{turn + 1}")
        finally:
            close(page)
    assert not failures, failures


def test_voila_preview_in_jupyterlab_scrolls_to_the_end(browser, tmp_path: Path) -> None:
    """JupyterLab's 'Render with Voilà' preview: the wheel over the preview reads chapter 00 to its end."""
    import shutil

    from tests.harness import jupyterlab_server

    shutil.copytree(ROOT / "workbooks", tmp_path / "workbooks")
    with jupyterlab_server(tmp_path, tmp_path / "answers.sqlite3", tmp_path / "lab.log") as url:
        context = browser.new_context(viewport={"width": 1800, "height": 900})  # type: ignore[attr-defined]
        page = context.new_page()
        try:
            # ?reset: start from an empty workspace, not the one an earlier test of this session left (chapter 01 open)
            page.goto(f"{url}/lab/tree/workbooks/00-start-here.ipynb?reset")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
            # The notebook toolbar's "Render with Voilà" button (a wide window, so it is not in the overflow menu).
            page.locator(".voilaRender").first.click()
            # The notebooks ship stripped, so JupyterLab calls them untrusted and asks first, as it would a student.
            page.get_by_role("button", name="Render anyway").click(timeout=30_000)
            preview = "iframe[src*='voila/render/workbooks/00-start-here']"
            page.wait_for_selector(preview, timeout=60_000)
            frame = page.locator(preview).element_handle().content_frame()
            assert frame is not None
            frame.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
            frame.wait_for_function("document.querySelectorAll('.rw-exercise').length > 0", timeout=90_000)
            box = page.locator(preview).bounding_box()
            assert box is not None
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            still, previous = 0, -1.0
            while still < 4:
                page.mouse.wheel(0, 600)
                page.wait_for_timeout(100 + 120 * still)
                position = frame.evaluate("window.scrollY")
                still = still + 1 if position == previous else 0
                previous = position
            shot(page, "00-start-here-jupyterlab-voila-preview-end")
            assert previous > 500, "the preview did not scroll"
            assert at_end(frame), last_cell(frame)
        finally:
            context.close()
