"""Every seminar dashboard as a lecturer presents it: Voilà with the projector template, light and dark.

Each dashboard must respond to one interaction with no traceback, no source code and
no request beyond localhost, and axe must find no serious or critical violation.
The live poll is played through: lecturer code, a student's vote, the board updating.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.harness import (
    LECTURER_CODE,
    ROOT,
    PageWatch,
    VoilaServer,
    voila_server,
    wait_until_rendered,
    watch,
)
from widgets.content.measures import load_catalogue

pytestmark = pytest.mark.browser

DASHBOARDS = sorted(p.relative_to(ROOT / "workbooks").as_posix() for p in (ROOT / "workbooks" / "dashboards").glob("*.ipynb"))


def _projector(tmp_path_factory: pytest.TempPathFactory, theme: str) -> Iterator[VoilaServer]:
    folder = tmp_path_factory.mktemp(f"voila-projector-{theme}")
    extra = ["--template=projector", f"--theme={theme}"]
    with voila_server(ROOT / "workbooks", folder / "answers.sqlite3", folder / "voila.log", extra=extra) as running:
        yield running


@pytest.fixture(scope="module")
def light(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    yield from _projector(tmp_path_factory, "light")


@pytest.fixture(scope="module")
def dark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    yield from _projector(tmp_path_factory, "dark")


def open_dashboard(browser: object, server: VoilaServer, notebook: str) -> tuple[object, PageWatch]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    seen = watch(page)
    page.goto(server.render_url(notebook))
    wait_until_rendered(page, widgets=1)
    return page, seen


def serious_axe_violations(page: object) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def assert_clean(page: object, seen: PageWatch) -> None:
    text = page.inner_text("body")  # type: ignore[attr-defined]
    assert "Traceback" not in text and "Error" not in text.replace("Errors", "")
    assert "from widgets" not in page.content()  # type: ignore[attr-defined]
    assert page.locator(".jp-InputArea-editor").count() == 0  # type: ignore[attr-defined]
    assert seen.external_requests == [] and seen.unexpected_page_errors() == []


# ---------------------------------------------------------------- one interaction per dashboard


def _measure_explorer(page) -> None:
    every = len(load_catalogue())  # the catalogue grows as measures are added (29 with ReQoL, DIALOG, HoNOS)
    page.get_by_text(f"{every} of {every} measures match").wait_for(timeout=30_000)
    page.get_by_label("Length:").select_option(index=1)
    page.get_by_text(f"{every} of {every} measures match").wait_for(state="detached", timeout=30_000)
    assert f"of {every} measures match" in page.inner_text("body")


def _rci_explorer(page) -> None:
    page.get_by_text("Unchanged: the change is within").wait_for(timeout=45_000)
    page.get_by_label("Score before (0-60):").fill("36")
    page.get_by_label("Score before (0-60):").press("Enter")
    page.get_by_label("Score after (0-60):").fill("56")
    page.get_by_label("Score after (0-60):").press("Enter")
    page.get_by_text("Recovered: a reliable improvement").wait_for(timeout=45_000)


def upload(page, button: str, files: list[tuple[str, bytes]]) -> None:
    """Choose ``files`` (name, content) through the FileUpload button labelled ``button``."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=button).click()
    chooser.value.set_files([{"name": name, "mimeType": "text/plain", "buffer": data} for name, data in files])


def _imroc_team_board(page) -> None:
    upload(page, "Choose a CSV file", [("<b>broken</b>.csv", b"team,ch01\nWard A,9\n")])
    page.get_by_text("<b>broken</b>.csv", exact=False).first.wait_for(timeout=30_000)
    assert page.locator("b", has_text="broken").count() == 0  # the file name stays text


def _ips_evidence(page) -> None:
    page.get_by_label("Show the gap between IPS and Comparison in each study").check()
    page.get_by_text("+27 percentage points").wait_for(timeout=30_000)


def _chime_explorer(page) -> None:
    page.get_by_role("button", name="E: Empowerment").click()
    page.get_by_text("Focusing on strengths").wait_for(timeout=30_000)
    page.get_by_text("The poll is closed").wait_for(timeout=30_000)


def _class_poll_board(page) -> None:
    page.get_by_label("Lecturer code").fill("not the code")
    page.get_by_role("button", name="Open poll").click()
    page.get_by_text("That lecturer code is not right").wait_for(timeout=30_000)
    assert "Closed: not taking votes" in page.inner_text("body")


def _class_poll(page) -> None:
    page.get_by_text("No poll is open just now").wait_for(timeout=30_000)


def _class_results(page) -> None:
    upload(page, "Add answers files", [("<b>broken</b>.md", b"not an export")])
    page.get_by_text("1 file read: 0 on the board, 1 skipped").wait_for(timeout=30_000)
    assert page.locator("b", has_text="broken").count() == 0  # the file name stays text
    page.get_by_role("button", name="Show a synthetic example class").click()
    page.get_by_text("40 synthetic files read").wait_for(timeout=60_000)


def _join(page) -> None:
    page.get_by_text("No students' address is set").wait_for(timeout=30_000)  # plain Voila; tests/test_room.py has present's


def _seminar(page) -> None:
    page.get_by_role("heading", name="What is recovery?").wait_for(timeout=30_000)
    page.get_by_role("button", name="Next").click()
    page.get_by_role("heading", name="Clinical and personal recovery").wait_for(timeout=30_000)


INTERACTIONS: dict[str, Callable[[object], None]] = {
    "dashboards/class-results.ipynb": _class_results,
    "dashboards/measure-explorer.ipynb": _measure_explorer,
    "dashboards/rci-explorer.ipynb": _rci_explorer,
    "dashboards/imroc-team-board.ipynb": _imroc_team_board,
    "dashboards/ips-evidence.ipynb": _ips_evidence,
    "dashboards/chime-explorer.ipynb": _chime_explorer,
    "dashboards/class-poll-board.ipynb": _class_poll_board,
    "dashboards/class-poll.ipynb": _class_poll,
    "dashboards/seminar.ipynb": _seminar,
    "dashboards/join.ipynb": _join,
}


def test_every_dashboard_has_an_interaction_test() -> None:
    assert sorted(INTERACTIONS) == DASHBOARDS


@pytest.mark.parametrize("dashboard", sorted(INTERACTIONS))
def test_dashboard_responds_to_one_interaction_on_the_projector(browser, light: VoilaServer, dashboard: str) -> None:
    page, seen = open_dashboard(browser, light, dashboard)
    assert page.locator("body").evaluate("b => getComputedStyle(b).getPropertyValue('--jp-content-font-size1').trim()") == "24px"
    INTERACTIONS[dashboard](page)
    assert_clean(page, seen)
    assert serious_axe_violations(page) == []
    page.close()


@pytest.mark.parametrize("dashboard", DASHBOARDS)
def test_dashboard_on_the_dark_projector_is_axe_clean(browser, dark: VoilaServer, dashboard: str) -> None:
    page, seen = open_dashboard(browser, dark, dashboard)
    page.locator("body.theme-dark").wait_for(state="attached", timeout=30_000)
    page.locator("#loading").wait_for(state="hidden", timeout=60_000)  # Voila has run every cell
    assert page.locator("body.theme-dark").count() == 1
    assert serious_axe_violations(page) == [] and seen.external_requests == []
    page.close()


# ---------------------------------------------------------------- the live poll, end to end


def test_a_vote_reaches_the_lecturers_board_within_seconds_and_survives_a_reload(browser, light: VoilaServer) -> None:
    board, board_seen = open_dashboard(browser, light, "dashboards/class-poll-board.ipynb")
    board.get_by_label("Poll").select_option(label="Which of the ten top tips is hardest to follow on a busy day?")
    board.get_by_text("Closed: not taking votes").wait_for(timeout=30_000)
    board.get_by_label("Lecturer code").fill(LECTURER_CODE)
    board.get_by_role("button", name="Open poll").click()
    board.get_by_text("Open: voting now").wait_for(timeout=30_000)

    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    student = context.new_page()
    student_seen = watch(student)
    student.goto(light.render_url("dashboards/chime-explorer.ipynb"))
    wait_until_rendered(student, widgets=1)
    # the explorer's poll is chime-hardest, which is still closed: the vote button is disabled
    assert student.get_by_role("button", name="Vote").is_disabled()
    board.get_by_label("Poll").select_option(label="Which CHIME process do you think mental-health services find hardest to support?")
    board.get_by_role("button", name="Open poll").click()
    board.get_by_text("Open: voting now").wait_for(timeout=30_000)
    student.get_by_text("The poll is open").wait_for(timeout=10_000)  # the student's page re-reads the poll by itself
    student.get_by_role("radio", name="Identity").check()
    student.get_by_role("button", name="Vote").click()
    student.get_by_text("Vote saved").wait_for(timeout=30_000)
    started = time.monotonic()
    board.wait_for_function("document.body.innerText.includes('1 vote ·')", timeout=10_000)
    assert time.monotonic() - started < 5
    board.get_by_role("button", name="Reveal results").click()  # results are hidden until the lecturer reveals them (issue 15)
    board.get_by_text("Results shown here and on students' pages").wait_for(timeout=30_000)

    student.get_by_role("radio", name="Empowerment").check()  # change the vote: still one vote
    student.get_by_role("button", name="Vote").click()
    student.get_by_text("Vote saved: Empowerment").wait_for(timeout=30_000)
    board.wait_for_function(
        "[...document.querySelectorAll('.rw-tally-table tr')].some(r => r.innerText.includes('Empowerment') && r.innerText.includes('1 (100%)'))",
        timeout=10_000,
    )
    assert "1 vote ·" in board.inner_text("body")

    student.reload()  # a new kernel, the same browser: the vote is recognised, not doubled
    wait_until_rendered(student, widgets=1)
    student.get_by_text("Your vote: Empowerment").wait_for(timeout=30_000)
    for page, seen in ((board, board_seen), (student, student_seen)):
        assert_clean(page, seen)
    context.close()
    board.close()


def test_a_poll_answer_containing_html_is_never_run(browser, light: VoilaServer, tmp_path: Path) -> None:
    """Votes are option ids checked by the store; a forged id in the store is shown escaped, never executed."""
    import sqlite3

    from widgets.storage.classstore import ClassStore

    board, seen = open_dashboard(browser, light, "dashboards/class-poll-board.ipynb")
    database = Path(light.log).with_name("class.sqlite3")
    store = ClassStore(f"sqlite:///{database}", lecturer_code=LECTURER_CODE)
    store.set_open("chime-my-practice", True, code=LECTURER_CODE)
    store.close()
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO votes VALUES ('chime-my-practice', 1, ?, ?, '2026-01-01T00:00:00+00:00')",
            ("f" * 32, "<img src=x onerror=window.__pwned=1>"),
        )
    board.get_by_label("Poll").select_option(label="Which CHIME process would you most like to support better in your own practice?")
    board.get_by_text("Another option (no longer offered)").wait_for(timeout=30_000)
    assert board.evaluate("window.__pwned === undefined")
    assert_clean(board, seen)
    board.close()


def test_voila_with_the_workbooks_settings_hides_sources_and_tracebacks(browser, tmp_path: Path) -> None:
    """A notebook that fails shows neither its code nor the error's traceback or message to the room."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A page that fails"),
        nbformat.v4.new_code_cell("# source-marker-7f3\nraise ValueError('error-marker-9c1 in /home/lecturer/secret.py')"),
    ]
    nbformat.write(notebook, tmp_path / "fails.ipynb")
    with voila_server(tmp_path, tmp_path / "answers.sqlite3", tmp_path / "voila.log") as server:
        page = browser.new_page()  # type: ignore[attr-defined]
        seen = watch(page)
        page.goto(server.render_url("fails.ipynb"))
        page.get_by_text("A page that fails").wait_for(timeout=60_000)
        page.locator("#loading").wait_for(state="hidden", timeout=60_000)  # the end marker: every cell has run
        html = page.content()
        assert "source-marker-7f3" not in html and "error-marker-9c1" not in html and "secret.py" not in html
        assert "Traceback" not in page.inner_text("body") and seen.external_requests == []
        page.close()


def test_a_class_upload_larger_than_tornados_default_10_mib_message_arrives(browser, light: VoilaServer) -> None:
    """450 files (15 MB) in one choice: the servers accept websocket messages up to 64 MB (etc/jupyter)."""
    from widgets.logic.classresults.synthetic import synthetic_class_files

    files = [(name, data + b"\n" + b"padding line of notes\n" * 600) for name, data in synthetic_class_files(450, 7)]
    assert sum(len(data) for _name, data in files) > 12 * 2**20
    page, seen = open_dashboard(browser, light, "dashboards/class-results.ipynb")
    upload(page, "Add answers files", files)
    page.get_by_text("450 files read").wait_for(timeout=120_000)
    assert_clean(page, seen)
    page.close()
