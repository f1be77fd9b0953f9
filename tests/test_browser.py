"""Chapters in a real browser: Voila and JupyterLab on 127.0.0.1, Debian's Chromium driven by Playwright, axe-core."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.harness import (
    ROOT,
    PageWatch,
    VoilaServer,
    jupyterlab_server,
    voila_server,
    wait_until_rendered,
    watch,
)
from widgets.content.exercises import load_exercises
from widgets.views.exercises import css_class

pytestmark = pytest.mark.browser

CHAPTER = "01-understanding-recovery"
EXERCISES = load_exercises(CHAPTER)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    folder = tmp_path_factory.mktemp("voila")
    with voila_server(ROOT / "workbooks", folder / "answers.sqlite3", folder / "voila.log") as running:
        yield running


@pytest.fixture(scope="module")
def chapter_page(browser, server: VoilaServer) -> Iterator[tuple[object, PageWatch]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    seen = watch(page)
    page.goto(server.render_url(f"{CHAPTER}.ipynb"))
    wait_until_rendered(page, widgets=len(EXERCISES.questions))
    yield page, seen
    page.close()


def exercise(page: object, question_id: str) -> object:
    return page.locator(f".{css_class(question_id)}")  # type: ignore[attr-defined]


def expect_verdict(box: object, words: str) -> None:
    """Wait for a feedback heading (symbol and words) containing ``words``."""
    box.locator("[role=status] strong").filter(has_text=words).first.wait_for(timeout=30_000)  # type: ignore[attr-defined]


def test_choice_question_gives_feedback_in_words(chapter_page) -> None:
    page, _ = chapter_page
    question = next(q for q in EXERCISES.questions if q.type == "single_choice")
    box = exercise(page, question.id)
    wrong = next(o for o in question.options if not o.correct)
    box.get_by_label(wrong.text).check()
    box.get_by_role("button", name="Check answer").click()
    expect_verdict(box, "Not quite.")
    right = next(o for o in question.options if o.correct)
    box.get_by_label(right.text).check()
    box.get_by_role("button", name="Check answer").click()
    expect_verdict(box, "Correct.")


def test_categorise_exercise_scores_every_statement(chapter_page) -> None:
    page, _ = chapter_page
    question = next(q for q in EXERCISES.questions if q.type == "categorise")
    labels = {category.id: category.label for category in question.categories}
    box = exercise(page, question.id)
    for number, statement in enumerate(question.statements, start=1):
        box.get_by_label(f"{number}. {statement.text}").select_option(label=labels[statement.category])
    box.get_by_role("button", name="Check my sorting").click()
    total = len(question.statements)
    expect_verdict(box, f"{total} of {total} sorted correctly.")


def test_exercise_can_be_answered_with_the_keyboard_alone(chapter_page) -> None:
    page, _ = chapter_page
    question = next(q for q in EXERCISES.questions if q.type == "numeric")
    box = exercise(page, question.id)
    box.locator("input[type=text]").focus()
    page.keyboard.type(f"{question.answer:g}")  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    expect_verdict(box, "Correct.")


def test_typed_html_is_shown_as_text_and_never_run(chapter_page) -> None:
    page, _ = chapter_page
    question = next(q for q in EXERCISES.questions if q.type == "numeric")
    box = exercise(page, question.id)
    page.evaluate("window.__injected = false")  # type: ignore[attr-defined]
    box.locator("input[type=text]").fill("<img src=x onerror='window.__injected=true'>")
    box.get_by_role("button", name="Check answer").click()
    box.get_by_text("is not a number").first.wait_for(timeout=15_000)
    assert page.evaluate("window.__injected") is False  # type: ignore[attr-defined]


NOTEBOOKS = sorted(
    str(path.relative_to(ROOT / "workbooks"))
    for path in (ROOT / "workbooks").rglob("*.ipynb")
    if ".ipynb_checkpoints" not in path.parts
)


def widget_calls(notebook: str) -> int:
    """Every code cell after the set-up cell shows one exercise-like widget (not the progress line); a dashboard shows one."""
    if notebook.startswith("dashboards/"):
        return 1
    cells = json.loads((ROOT / "workbooks" / notebook).read_text(encoding="utf-8"))["cells"]
    code = ["".join(cell["source"]).strip() for cell in cells if cell["cell_type"] == "code"]
    return sum(1 for source in code[1:] if source != "chapter.progress()")


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_renders_in_voila_without_traceback_source_or_outside_requests(browser, server: VoilaServer, notebook: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    seen = watch(page)
    page.goto(server.render_url(notebook))
    wait_until_rendered(page, widgets=widget_calls(notebook))
    page.wait_for_function(  # every chart has drawn its SVG (the end marker; no fixed sleep)
        "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('svg.main-svg'))", timeout=60_000
    )
    charts = page.locator(".js-plotly-plot")
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()
        box = charts.nth(index).bounding_box()
        assert box is not None and box["height"] > 150, f"chart {index} is drawn {box} high"
    text = page.inner_text("body")
    assert "Traceback" not in text and "Error" not in text.replace("Errors", "")
    assert "from widgets import" not in page.content()
    assert page.locator(".jp-InputArea-editor").count() == 0
    assert seen.external_requests == []
    assert seen.unexpected_page_errors() == []
    results = Axe().run(page)
    bad = [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == []
    page.close()


def test_answers_given_in_voila_are_shown_again_on_reload(browser, server: VoilaServer) -> None:
    question = next(q for q in EXERCISES.questions if q.type == "single_choice")
    right = next(o for o in question.options if o.correct)
    page = browser.new_page()  # type: ignore[attr-defined]
    seen = watch(page)
    page.goto(server.render_url(f"{CHAPTER}.ipynb"))
    wait_until_rendered(page, widgets=len(EXERCISES.questions))
    box = exercise(page, question.id)
    box.get_by_label(right.text).check()
    box.get_by_role("button", name="Check answer").click()
    expect_verdict(box, "Correct.")
    page.reload()
    wait_until_rendered(page, widgets=len(EXERCISES.questions))
    box = exercise(page, question.id)
    expect_verdict(box, "Correct.")
    assert box.get_by_label(right.text).is_checked()
    assert seen.external_requests == []
    page.close()


def test_start_here_renders_with_its_storage_panel(browser, server: VoilaServer) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    seen = watch(page)
    page.goto(server.render_url("00-start-here.ipynb"))
    wait_until_rendered(page, widgets=3)
    page.get_by_text("Where your answers are kept").first.wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Prepare my export").click()
        page.get_by_text("Download my answers").click()
    path = Path(download_info.value.path())
    assert path.read_text(encoding="utf-8").startswith("# Reflective log: Recovery-Oriented Practice Workbook")
    assert seen.external_requests == [] and seen.unexpected_page_errors() == []
    page.close()


def test_chapter_01_runs_and_answers_in_jupyterlab(browser, tmp_path: Path) -> None:
    question = next(q for q in EXERCISES.questions if q.type == "single_choice")
    right = next(o for o in question.options if o.correct)
    shutil.copytree(ROOT / "workbooks", tmp_path / "workbooks")
    with jupyterlab_server(tmp_path, tmp_path / "answers.sqlite3", tmp_path / "lab.log") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        seen = watch(page)
        page.goto(f"{url}/lab/tree/workbooks/{CHAPTER}.ipynb")
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        all_shown = f"document.querySelectorAll('.rw-exercise').length >= {len(EXERCISES.questions)}"
        for attempt in range(3):  # a Run All sent while the kernel is still connecting can be dropped
            dialogs = page.locator(".jp-Dialog")
            if dialogs.count():  # say what JupyterLab asked, then close it, so the retry is not blocked
                print(f"JupyterLab dialog before Run All: {dialogs.first.inner_text()[:300]!r}")
                page.keyboard.press("Escape")
            page.get_by_role("menuitem", name="Run").click()
            page.get_by_text("Run All Cells", exact=True).click()
            try:
                page.wait_for_function(all_shown, timeout=45_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        box = exercise(page, question.id)
        box.get_by_label(right.text).check()
        box.get_by_role("button", name="Check answer").click()
        expect_verdict(box, "Correct.")
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        assert seen.external_requests == []
        page.close()


def test_rci_explorer_reclassifies_when_a_control_moves(browser, server: VoilaServer) -> None:
    notebook = "07-is-the-change-real.ipynb"
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    seen = watch(page)
    page.goto(server.render_url(notebook))
    wait_until_rendered(page, widgets=widget_calls(notebook))
    explorer = page.locator(".rw-rci-explorer")
    explorer.locator("svg[role=img]").first.wait_for(timeout=45_000)
    explorer.get_by_text("Unchanged: the change is within").wait_for(timeout=45_000)  # the first render: 36 -> 48
    after = explorer.get_by_label("Score after (0-60):")
    before = explorer.get_by_label("Score before (0-60):")
    before.fill("36")
    before.press("Enter")
    after.fill("56")
    after.press("Enter")
    explorer.get_by_text("Recovered: a reliable improvement").wait_for(timeout=45_000)
    after.fill("40")
    after.press("Tab")
    explorer.get_by_text("Unchanged: the change is within").wait_for(timeout=45_000)
    assert seen.external_requests == [] and seen.unexpected_page_errors() == []
    page.close()


def test_a_numeric_answer_is_shown_only_after_the_second_wrong_try(browser, server: VoilaServer) -> None:
    notebook = "07-is-the-change-real.ipynb"
    question = load_exercises("07-is-the-change-real").question("07.3")
    assert question.type == "numeric" and question.decimals == 2
    key = f"{question.answer:.2f}"
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    seen = watch(page)
    page.goto(server.render_url(notebook))
    wait_until_rendered(page, widgets=widget_calls(notebook))
    box = exercise(page, question.id)
    entry = box.locator("input[type=text]")
    assert key not in box.inner_html()  # type: ignore[attr-defined]
    entry.fill("5,2")  # type: ignore[attr-defined]
    entry.press("Enter")  # type: ignore[attr-defined]
    box.get_by_text("This question asks for two decimal places").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    entry.fill("5.20")  # type: ignore[attr-defined]
    entry.press("Enter")  # type: ignore[attr-defined]
    box.get_by_text("after a second wrong try").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    expect_verdict(box, "Not quite.")
    assert key not in box.inner_html() and key not in page.locator("body").inner_text()  # type: ignore[attr-defined]
    entry.fill("6.00")  # type: ignore[attr-defined]
    entry.press("Enter")  # type: ignore[attr-defined]
    box.get_by_text("The answer:").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    assert f"The answer: {key} points." in box.inner_text()  # type: ignore[attr-defined]
    assert seen.external_requests == [] and seen.unexpected_page_errors() == []
    page.close()


def test_a_vignette_can_be_played_to_its_end_by_keyboard_and_mouse(browser, server: VoilaServer) -> None:
    from widgets.content.vignettes import load_vignette
    from widgets.logic.vignettes import Walk, choose, current_node, is_finished

    notebook = "03-skills-in-practice.ipynb"
    vignette = load_vignette("03-medication-decision")
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    seen = watch(page)
    page.goto(server.render_url(notebook))
    wait_until_rendered(page, widgets=widget_calls(notebook))
    box = page.locator(f".rw-v-{vignette.id}")
    walk, step = Walk(), 0
    while not is_finished(vignette, walk):
        node = vignette.nodes[current_node(vignette, walk)]
        box.get_by_text(markdown_first_words(node.text)).first.wait_for(timeout=15_000)
        choice = node.choices[-1] if step % 2 else node.choices[0]
        button = box.get_by_role("button", name=choice.label, exact=True)
        if step == 0:
            button.focus()
            page.keyboard.press("Enter")  # type: ignore[attr-defined]
        else:
            button.click()
        walk = choose(vignette, walk, choice.id)
        step += 1
    end = vignette.nodes[current_node(vignette, walk)]
    assert end.debrief is not None
    box.get_by_text(markdown_first_words(end.debrief)).first.wait_for(timeout=15_000)
    box.get_by_role("button", name="Back").click()
    box.get_by_role("button", name=vignette.nodes[current_node(vignette, Walk(walk.path[:-1]))].choices[0].label).first.wait_for()
    assert seen.external_requests == [] and seen.unexpected_page_errors() == []
    page.close()


def markdown_first_words(text: str, count: int = 5) -> str:
    """The first few plain words of a Markdown text, for finding it on the page."""
    words = [word.strip("*_`") for word in text.split()[:count]]
    return " ".join(words)


def test_portfolio_exports_from_voila_and_typed_html_stays_text_everywhere(browser, server: VoilaServer) -> None:
    notebook = "09-my-portfolio.ipynb"
    reflection = "I will ask first. <script>window.__injected = true</script><b>bold?</b>"
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    seen = watch(page)
    page.goto(server.render_url(notebook))
    wait_until_rendered(page, widgets=widget_calls(notebook))
    page.evaluate("window.__injected = false")  # type: ignore[attr-defined]
    box = exercise(page, "09.1")
    box.locator("textarea").fill(reflection)
    box.get_by_role("button", name="Save reflection").click()
    expect_verdict(box, "Saved.")
    panel = page.locator(".rw-portfolio")
    panel.get_by_role("button", name="Refresh").click()
    panel.get_by_role("button", name="Prepare my reflective log").click()
    downloads = {}
    for label in ("Download as Markdown (.md)", "Download as a web page (.html)"):
        link = panel.get_by_text(label)
        link.wait_for(timeout=30_000)
        with page.expect_download() as info:
            link.click()
        downloads[label] = Path(info.value.path()).read_text(encoding="utf-8")
    markdown_file, html_file = downloads.values()
    assert "<script>window.__injected" not in markdown_file and "<b>bold?</b>" not in markdown_file  # escaped, as in HTML
    assert "I will ask first. &lt;script&gt;window.\\_\\_injected = true&lt;/script&gt;&lt;b&gt;bold?&lt;/b&gt;" in markdown_file
    assert "&lt;script&gt;window.__injected" in html_file and "<script>window.__injected" not in html_file
    assert "<b>bold?</b>" not in html_file
    assert page.evaluate("window.__injected") is False  # type: ignore[attr-defined]
    assert page.locator(".rw-portfolio b", has_text="bold?").count() == 0
    assert seen.external_requests == [] and seen.unexpected_page_errors() == []
    page.close()
