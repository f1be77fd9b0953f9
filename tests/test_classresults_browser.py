"""The class-results board on a 1920x1080 projector (Voilà, projector template, Chromium).

What the room sees before the lecturer chooses: no answer key and no file names, only how many
files were not read and why in plain words; the names are under a closed "Details for the lecturer".
And an upload larger than its limit is refused in the browser: the websocket never carries it.
Scrolling is done by the mouse wheel, clicks at the pointer's position, never by a locator's auto-scroll.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.harness import ROOT, PageWatch, VoilaServer, voila_server, wait_until_rendered, watch
from tests.pages import PROJECTOR, contrast, shot
from tests.test_dashboards_browser import assert_clean, upload
from widgets.logic.classresults.synthetic import synthetic_class_files
from widgets.logic.export import DATA_MARKER, answers_sha256
from widgets.logic.portfolio import MAX_IMPORT_BYTES

pytestmark = pytest.mark.browser

TEMPLATES = ROOT / "share" / "jupyter" / "voila" / "templates"
SCRIPT = TEMPLATES / "workbook" / "upload-limit.js"
BOARD = "dashboards/class-results.ipynb"
NAMES = ("amy-jones", "zed-smith", "copy-of-student")


@pytest.fixture(scope="module")
def projector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    folder = tmp_path_factory.mktemp("voila-class-results")
    extra = ["--template=projector", "--theme=light"]
    with voila_server(ROOT / "workbooks", folder / "answers.sqlite3", folder / "voila.log", extra=extra) as running:
        yield running


def template_includes_the_script() -> bool:
    """Whether the workbook template (which the projector extends) includes upload-limit.js itself."""
    return "upload-limit.js" in (TEMPLATES / "workbook" / "index.html.j2").read_text(encoding="utf-8")


def open_board(browser: object, server: VoilaServer) -> tuple[object, PageWatch, list[int]]:
    """The board at projector size; returns the page, what it requested and the size of every websocket frame it sent."""
    page = browser.new_page(viewport={"width": PROJECTOR[0], "height": PROJECTOR[1]})  # type: ignore[attr-defined]
    assert template_includes_the_script(), "the workbook template must include upload-limit.js (the projector extends it)"
    sent: list[int] = []
    page.on("websocket", lambda socket: socket.on("framesent", lambda payload: sent.append(len(payload))))
    seen = watch(page)
    page.goto(server.render_url(BOARD))
    wait_until_rendered(page, widgets=1)
    page.locator("#loading").wait_for(state="hidden", timeout=60_000)
    return page, seen, sent


def edited(data: bytes) -> bytes:
    """A file whose answers were changed and whose check-sum was not."""
    return data.replace(b'"chosen": ["', b'"chosen": ["X', 1)


def visible_text(page: object) -> str:
    return str(page.evaluate("document.body.innerText"))  # type: ignore[attr-defined]


def in_window(page: object, selector: str) -> dict[str, float]:
    """The box of ``selector`` and whether it lies in the window now."""
    return page.evaluate(  # type: ignore[attr-defined,no-any-return]
        """(selector) => { const b = document.querySelector(selector).getBoundingClientRect();
             return {top: b.top, bottom: b.bottom, x: b.left + Math.min(b.width / 2, 40), y: b.top + b.height / 2,
                     inside: b.top >= 0 && b.bottom <= window.innerHeight && b.height > 0}; }""",
        selector,
    )


def wheel_until_in_window(page: object, selector: str, *, limit: int = 40) -> dict[str, float]:
    """Turn the mouse wheel (down or up) until ``selector`` is wholly in the window."""
    page.mouse.move(PROJECTOR[0] / 2, PROJECTOR[1] / 2)  # type: ignore[attr-defined]
    for _ in range(limit):
        box = in_window(page, selector)
        if box["inside"]:
            return box
        page.mouse.wheel(0, 300 if box["top"] > 0 else -300)  # type: ignore[attr-defined]
        page.wait_for_timeout(150)  # type: ignore[attr-defined]
    raise AssertionError(f"{selector} never came into the window: {in_window(page, selector)}")


def test_the_projected_board_hides_the_key_and_the_names_until_the_lecturer_opens_them(browser, projector: VoilaServer) -> None:
    page, seen, _sent = open_board(browser, projector)
    good = list(synthetic_class_files(5, 11))
    files = [
        *good,
        ("amy-jones-answers.md", edited(good[0][1])),
        ("zed-smith-notes.txt", b"Questions to ask in the seminar.\n"),
        ("copy-of-student-2.md", good[1][1]),
    ]
    upload(page, "Add answers files", files)
    page.get_by_text("8 files read: 5 on the board, 3 skipped").wait_for(timeout=60_000)
    page.mouse.move(PROJECTOR[0] / 2, PROJECTOR[1] / 2)
    page.mouse.wheel(0, -5000)  # back to the top, where the room looks first
    page.wait_for_function("window.scrollY === 0", timeout=10_000)
    shot(page, "class-results-projector-first-screen")

    # The first screen: how many files were not read and why, in plain words; no name, no key.
    count = in_window(page, ".rw-class-results .rw-box:has(li)")
    assert count["inside"], count
    text = visible_text(page)
    assert "3 files not on the board" in text and "1 file: could not be read: the check-sum does not match" in text
    assert not any(name in text for name in NAMES), "a file name is on the projected screen"
    board = str(page.locator(".rw-class-results").inner_text())
    assert "Answer key" not in board and "✔" not in board and "most common wrong answer" not in board.lower()
    assert page.locator(".rw-class-results .rw-cr-bar.rw-cr-right, .rw-class-results .rw-cr-keycell").count() == 0
    colours = page.evaluate(
        """() => [getComputedStyle(document.querySelector('.rw-cr-bar.rw-cr-none')).backgroundColor,
                  getComputedStyle(document.body).backgroundColor]"""
    )
    assert contrast(*colours) >= 3, colours  # the one colour of the hidden-key bars stands out from the page
    assert page.locator("details.rw-cr-details[open]").count() == 0

    # The lecturer opens the details: now the names are there, with the full reasons.
    box = wheel_until_in_window(page, "details.rw-cr-details > summary")
    page.mouse.click(box["x"], box["y"])
    page.locator("details.rw-cr-details[open]").wait_for(timeout=10_000)
    text = visible_text(page)
    assert all(name in text for name in NAMES) and "Ask the student to make the file again in chapter 09" in text
    shot(page, "class-results-projector-details-open")

    # ... and shows the key.
    box = wheel_until_in_window(page, ".rw-cr-keybutton")
    page.mouse.click(box["x"], box["y"])
    page.get_by_role("button", name="Hide the answer key").wait_for(timeout=30_000)
    page.get_by_text("Answer key:").first.wait_for(state="attached", timeout=30_000)
    assert page.locator(".rw-class-results .rw-cr-bar.rw-cr-right").count() > 0
    shot(page, "class-results-projector-key-shown")
    assert_clean(page, seen)
    page.close()


def test_an_upload_past_its_limit_is_refused_in_the_browser_and_never_sent(browser, projector: VoilaServer) -> None:
    """A 5.2 MB file (each file may be 5 MB): the page says so, and no websocket frame carries it."""
    page, seen, sent = open_board(browser, projector)
    page.get_by_text("No answers files on the board yet").wait_for(timeout=30_000)
    before = len(sent)
    big = b"# notes\n" + b"x" * (MAX_IMPORT_BYTES + 200_000)
    upload(page, "Add answers files", [("big-notes.md", big)])
    note = page.locator(".rw-upload-refused")
    note.wait_for(timeout=10_000)
    page.wait_for_timeout(1500)  # time for anything the widget would send
    assert max(sent[before:], default=0) < 100_000, f"a frame of {max(sent[before:])} bytes was sent"
    message = note.inner_text()
    assert message.startswith("⚠ Not sent: “big-notes.md” is 5.2 MB; each file may be at most 5 MB.")
    assert note.get_attribute("role") == "alert"
    assert "No answers files on the board yet" in visible_text(page)
    assert page.get_by_role("button", name="Add answers files (0)").count() == 1
    shot(page, "class-results-upload-refused")

    # A choice within the limit goes through as before, and the message goes.
    good = synthetic_class_files(1, 3)
    upload(page, "Add answers files", list(good))
    page.get_by_text("1 file read: 1 on the board, 0 skipped").wait_for(timeout=30_000)
    assert note.count() == 0 and max(sent[before:]) > len(good[0][1])

    # The files of one choice together: the board's room (max-bytes-N) is checked as well.
    page.locator(".widget-upload").evaluate(
        "el => { for (const c of [...el.classList]) if (/^max-bytes-/.test(c)) el.classList.remove(c); el.classList.add('max-bytes-10000'); }"
    )
    page.locator(".widget-upload").focus()  # by keyboard this time: Enter presses the button
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files([{"name": n, "mimeType": "text/plain", "buffer": d} for n, d in (("a.md", b"a" * 6000), ("b.md", b"b" * 6000))])
    note.wait_for(timeout=10_000)
    assert "The 2 files chosen come to 12 kB; this upload takes at most 10 kB at a time." in note.inner_text()
    assert "1 file read: 1 on the board" in visible_text(page)
    assert_clean(page, seen)
    page.close()


def test_a_forged_file_with_its_check_sum_recomputed_reaches_the_board_but_its_misfits_do_not(browser, projector: VoilaServer) -> None:
    """The check-sum is damage detection: the board says so, and still leaves out answers that do not fit."""
    page, seen, _sent = open_board(browser, projector)
    name, data = synthetic_class_files(1, 5)[0]
    text = data.decode()
    start = text.index(DATA_MARKER) + len(DATA_MARKER)
    end = text.index("-->", start)
    block = json.loads(text[start:end])
    choice = next(r for r in block["answers"] if r["kind"] == "single_choice")
    choice["answer"] = {"chosen": ["<img src=x onerror=window.__pwned=1> an option nobody offered"]}
    block["answers_sha256"] = answers_sha256(block["answers"])
    forged = (text[:start] + " " + json.dumps(block) + " " + text[end:]).encode()
    upload(page, "Add answers files", [(name, forged)])
    page.get_by_text("1 file read: 1 on the board, 0 skipped").wait_for(timeout=30_000)
    body = visible_text(page)
    assert "1 answer left out: 1 does not fit its question" in body and "a check-sum finds damage; it is not a signature" in body
    assert page.evaluate("window.__pwned === undefined") and "an option nobody offered" not in page.content()
    assert_clean(page, seen)
    page.close()


def test_the_script_has_no_template_syntax() -> None:
    """It is included into a Jinja template as it is: no ``{{``, ``{%`` or ``{#`` may appear in it."""
    source = SCRIPT.read_text(encoding="utf-8")
    assert not any(mark in source for mark in ("{{", "{%", "{#", "</script"))


def test_the_wheel_carries_the_script() -> None:
    """pyproject's data files take every file directly in templates/workbook/, where the script is."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"share/jupyter/voila/templates/workbook" = ["share/jupyter/voila/templates/workbook/*"]' in pyproject
    assert SCRIPT.parent == TEMPLATES / "workbook" and SCRIPT.is_file()
