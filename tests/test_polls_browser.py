"""Issue 15 in the browser: the lecturer controls what the room sees (Voilà, Chromium, one class store).

One board (a laptop) and one student's page (a phone) on one Voilà server, played through as a seminar:
the vote (the ten top tips, the longest) is the first thing on the student's first screen; results stay hidden on both until the
lecturer reveals them; the export downloads a CSV and a picture that match the votes; a timer shows
the time left in large type and closes the poll on the student's page; an open-text poll shows
answers holding HTML as text. Every scroll is a mouse-wheel turn; screenshots go to test-artifacts/polls/.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import LECTURER_CODE, ROOT, VoilaServer, voila_server, wait_until_rendered, watch
from tests.pages import too_wide
from widgets.storage.classstore import ClassStore

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "polls"
TIPS = "Which of the ten top tips is hardest to follow on a busy day?"
SETBACKS = "Expect setbacks, and stay hopeful about the person's own goals"
WORDS = "In a few words: what should recovery mean for the people you will work with?"
HOSTILE = ["<img src=x onerror=window.__pwned=1>", '=HYPERLINK("http://evil.example","hope")', "hope and choice"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    folder = tmp_path_factory.mktemp("voila-polls")
    with voila_server(ROOT / "workbooks", folder / "answers.sqlite3", folder / "voila.log") as running:
        yield running


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # type: ignore[attr-defined]


def wheel_into_view(page: object, selector: str, *, limit: int = 40) -> None:
    """Turn the mouse wheel over the page until the element is wholly inside the window (no locator auto-scroll)."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]  # type: ignore[attr-defined]
    page.mouse.move(width / 2, height / 2)  # type: ignore[attr-defined]
    for _ in range(limit):
        box = page.locator(selector).first.evaluate("el => { const b = el.getBoundingClientRect(); return [b.top, b.bottom]; }")  # type: ignore[attr-defined]
        if box[0] >= 0 and box[1] <= height:
            return
        page.mouse.wheel(0, 300 if box[1] > height else -300)  # type: ignore[attr-defined]
        page.wait_for_timeout(120)  # type: ignore[attr-defined]
    raise AssertionError(f"{selector} never came into view")


def download(page: object, link_text: str) -> tuple[str, bytes]:
    """Click the download link (after wheeling it into view); the file's suggested name and its bytes."""
    selector = f"a:has-text('{link_text}')"
    wheel_into_view(page, selector)
    # the middle of the link's first line (a link wrapped over two lines has a gap in its bounding box's middle)
    x, y = page.locator(selector).first.evaluate(  # type: ignore[attr-defined]
        "el => { const r = el.getClientRects()[0]; return [r.left + r.width / 2, r.top + r.height / 2]; }"
    )
    with page.expect_download() as caught:  # type: ignore[attr-defined]
        page.mouse.click(x, y)  # type: ignore[attr-defined]
    return caught.value.suggested_filename, Path(caught.value.path()).read_bytes()


def body(page: object) -> str:
    return page.inner_text("body")  # type: ignore[attr-defined,no-any-return]


def test_the_lecturer_reveals_exports_times_and_collects_open_text_while_a_phone_follows(browser: object, server: VoilaServer) -> None:
    database = Path(server.log).with_name("class.sqlite3")
    board = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    board_seen = watch(board)
    board.goto(server.render_url("dashboards/class-poll-board.ipynb"))
    wait_until_rendered(board, widgets=1)
    board.get_by_label("Poll").select_option(label=TIPS)  # ten options: the longest vote
    board.get_by_label("Lecturer code").fill(LECTURER_CODE)
    board.get_by_role("button", name="Open poll").click()
    board.get_by_text("Open: voting now").wait_for(timeout=30_000)
    assert board.locator(".rw-tally-table th[scope='row']").count() == 10  # the options are listed while hidden

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)  # type: ignore[attr-defined]
    student = phone.new_page()
    student_seen = watch(student)
    student.goto(server.render_url("dashboards/class-poll.ipynb"))
    wait_until_rendered(student, widgets=1)
    student.get_by_text(TIPS).wait_for(timeout=30_000)
    student.get_by_role("button", name="Vote").wait_for(timeout=30_000)

    # the vote is the first thing on the phone's first screen, with the anonymity line
    assert student.evaluate("window.scrollY") == 0
    first_screen = {
        name: student.locator(selector).first.evaluate("el => el.getBoundingClientRect().bottom")
        for name, selector in {
            "question": ".rw-board-question",
            "options": ".widget-radio-box",
            "button": "button:has-text('Vote')",
            "anonymity line": ".rw-anonymity",
        }.items()
    }
    assert all(0 < bottom <= 844 for name, bottom in first_screen.items() if name != "anonymity line"), first_screen
    question_top = student.locator(".rw-board-question").first.evaluate("el => el.getBoundingClientRect().top")
    assert question_top < 844 / 3, question_top  # nothing long comes before the vote
    shot(student, "phone-first-screen")
    student.get_by_role("radio", name=SETBACKS).check()
    student.get_by_role("button", name="Vote").click()
    student.get_by_text("Vote saved: Expect setbacks").wait_for(timeout=30_000)
    wheel_into_view(student, ".rw-anonymity")
    assert "Anonymous: the class store keeps a random id of this browser" in body(student)
    shot(student, "phone-voted-hidden")

    # hidden: the board shows how many voted, not the spread; the student sees no totals at all
    board.get_by_text("1 vote so far").wait_for(timeout=10_000)
    assert "%" not in board.inner_text(".rw-tally") and "most votes" not in body(board)
    student.get_by_text("Your vote is counted").wait_for(timeout=10_000)
    assert "%" not in body(student) and "1 vote" not in body(student)
    shot(board, "board-hidden")

    board.get_by_role("button", name="Reveal results").click()
    board.get_by_text("1 (100%) (most votes)").wait_for(timeout=10_000)
    student.get_by_text("1 (100%) (most votes)").wait_for(timeout=10_000)  # the phone follows by itself
    wheel_into_view(student, ".rw-poll-state")
    shot(student, "phone-revealed")
    wide = too_wide(student)
    assert wide["documentWidth"] <= 390 and wide["elements"] == [], wide  # the revealed table fits the phone
    board.get_by_role("button", name="Hide results").click()
    student.wait_for_function("!document.body.innerText.includes('(100%)')", timeout=10_000)
    assert "(100%)" not in board.inner_text(".rw-tally")

    # export: a CSV and a picture whose contents match the votes
    store = ClassStore(f"sqlite:///{database}", lecturer_code=LECTURER_CODE)
    for choice in ("tip-01", "tip-10"):
        store.vote("top-tip-hardest", uuid.uuid4().hex, choice)
    board.get_by_text("3 votes so far").wait_for(timeout=10_000)
    wheel_into_view(board, "button:has-text('Export results')")
    board.get_by_role("button", name="Export results").click()
    board.get_by_text("The results are ready to download").wait_for(timeout=10_000)
    name, data = download(board, "Download the results (CSV)")
    assert name.startswith("poll-top-tip-hardest-round-1-") and name.endswith(".csv") and time.strftime("%Y-%m-%d") in name
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 10 and {row["option"]: int(row["votes"]) for row in rows if row["votes"] != "0"} == {
        "Listen so the person can make sense of what is happening to them": 1,
        SETBACKS: 2,
    }
    name, data = download(board, "Download the chart (SVG picture)")
    assert name.startswith("poll-top-tip-hardest-round-1-") and name.endswith(".svg")
    labels = [t.text for t in ET.fromstring(data).iter("{http://www.w3.org/2000/svg}text")]
    assert "2 (67%)" in labels and "1 (33%)" in labels and any("3 votes" in (t or "") for t in labels)
    shot(board, "board-exported")

    # the timer: the time left in large type; when it runs out the poll closes on the phone too
    board.mouse.wheel(0, -3000)
    board.get_by_label("Timer").select_option(label="30 s")
    board.get_by_role("button", name="Open poll").click()  # opened again, timed
    board.locator(".rw-countdown strong").wait_for(timeout=10_000)
    left = board.locator(".rw-countdown strong").inner_text()
    assert left.startswith("0:") and 20 <= int(left[2:]) <= 30, left
    assert float(board.locator(".rw-countdown").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 2 * 14
    student.get_by_text("Time left:").wait_for(timeout=10_000)
    wheel_into_view(board, ".rw-countdown")
    shot(board, "board-timer")
    with sqlite3.connect(database) as connection:  # the test does not wait 30 s: the round now ends in 3
        connection.execute("UPDATE rounds SET closes_at = ? WHERE poll_id = 'top-tip-hardest' AND round = 1", (time.time() + 3,))
    board.get_by_text("Time is up: the poll closed itself").wait_for(timeout=15_000)
    student.get_by_text("Time is up: the lecturer's timer closed this poll").wait_for(timeout=10_000)
    assert student.get_by_role("button", name="Vote").is_disabled()
    assert "Closed: the time ran out" in body(board)

    # open text: answers holding HTML stay text on both pages
    board.get_by_label("Timer").select_option(label="Off")
    board.get_by_label("Poll").select_option(label=WORDS)
    board.get_by_role("button", name="Open poll").click()
    board.get_by_text("0 answers so far").wait_for(timeout=10_000)
    student.get_by_text(WORDS).wait_for(timeout=10_000)
    field = student.get_by_label("Your answer (up to 120 characters)")
    field.fill("<script>window.__pwned=1</script> being heard")
    student.get_by_role("button", name="Send answer").click()
    student.get_by_text("Answer saved: “<script>window.__pwned=1</script> being heard”").wait_for(timeout=10_000)
    for answer in HOSTILE:
        store.answer("recovery-in-a-few-words", uuid.uuid4().hex, answer)
    store.close()
    board.get_by_text("4 answers so far").wait_for(timeout=10_000)
    assert "being heard" not in body(board) and student.locator(".rw-tally").count() == 0  # hidden on both
    board.get_by_role("button", name="Reveal results").click()
    board.get_by_text("Words used most").wait_for(timeout=10_000)
    student.get_by_text("Words used most").wait_for(timeout=10_000)
    assert board.locator(".rw-answers[open]").count() == 1  # open on the board, so the projector shows every answer
    wheel_into_view(student, ".rw-answers summary")
    student.locator(".rw-answers summary").first.focus()
    student.keyboard.press("Enter")  # the phone opens "Every answer" from the keyboard
    for page in (board, student):
        wheel_into_view(page, ".rw-answers li")
        page.get_by_text("<img src=x onerror=window.__pwned=1>").wait_for(timeout=10_000)
        page.get_by_text("<script>window.__pwned=1</script> being heard").last.wait_for(timeout=10_000)
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator(".rw-tally img, .rw-tally script").count() == 0
    shot(board, "board-open-text")
    shot(student, "phone-open-text")
    wide = too_wide(student)
    assert wide["documentWidth"] <= 390 and wide["elements"] == [], wide  # long answers wrap on the phone
    for seen in (board_seen, student_seen):
        assert seen.external_requests == [] and seen.unexpected_page_errors() == []
    phone.close()
    board.close()
