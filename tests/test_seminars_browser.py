"""Sequence mode on a 1920x1080 projector (Voilà, the projector template, Chromium).

The lecturer steps through a seminar with the keyboard (arrow keys, Page Down as a clicker sends
it, Tab and Enter) and with clicks, and F shows the deck alone on the whole screen; the counter follows; every key-point slide of chapters 01,
03 and 06 fits the first screen with bullets of 28 px or more and a larger title, nothing cut
off and nothing wider than the window; a poll slide takes a vote that reaches the class store.
Screenshots go to ``test-artifacts/pages/seminar-*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import LECTURER_CODE, ROOT, VoilaServer, voila_server, wait_until_rendered, watch
from tests.pages import PROJECTOR, box_of, clipped, faint_controls, shot, small_text, too_wide
from widgets.content.seminars import KeyPointSlide, PollSlide, all_seminars

pytestmark = pytest.mark.browser

SEMINARS, _ = all_seminars()
CHAPTERS = [
    "03-skills-in-practice",
    "06-measuring-recovery",
    "01-understanding-recovery",
]  # 01 last: picking it changes the picker

_SLIDE_FACTS = """() => {
  const frame = document.querySelector('.rw-slide-frame').getBoundingClientRect();
  const size = (el) => parseFloat(getComputedStyle(el).fontSize);
  const points = [...document.querySelectorAll('.rw-slide-points li, .rw-slide-question')].map(size);
  const title = document.querySelector('.rw-slide-title');
  const buttons = [...document.querySelectorAll('.rw-seminar-nav button')].map((b) => b.getBoundingClientRect().bottom);
  return {frameTop: frame.top, frameBottom: frame.bottom, frameHeight: frame.height, points,
          title: title ? size(title) : null, buttonsBottom: Math.max(...buttons), scrollY: window.scrollY};
}"""


@pytest.fixture(scope="module")
def projector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    folder = tmp_path_factory.mktemp("voila-seminar")
    extra = ["--template=projector", "--theme=light"]
    with voila_server(ROOT / "workbooks", folder / "answers.sqlite3", folder / "voila.log", extra=extra) as running:
        yield running


def _open(browser: object, server: VoilaServer) -> object:
    context = browser.new_context(viewport={"width": PROJECTOR[0], "height": PROJECTOR[1]})  # type: ignore[attr-defined]
    page = context.new_page()
    page.seen = watch(page)  # type: ignore[attr-defined]
    page.goto(server.render_url("dashboards/seminar.ipynb"), timeout=120_000)
    wait_until_rendered(page, widgets=1)
    page.wait_for_selector(".rw-slide-title", timeout=90_000)
    page.wait_for_timeout(300)
    return page


def _counter(page: object) -> str:
    return page.inner_text(".rw-slide-counter").strip()  # type: ignore[attr-defined,no-any-return]


def _wait_counter(page: object, text: str) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "(text) => (document.querySelector('.rw-slide-counter') || {}).innerText === text", arg=text, timeout=15_000
    )


def _pick(page: object, chapter: str) -> None:
    label = next(label for label, value in _choices() if value == chapter)
    page.get_by_label("Seminar").select_option(label=label)  # type: ignore[attr-defined]
    _wait_counter(page, f"1 of {len(SEMINARS[chapter].slides)}")


def _choices() -> tuple[tuple[str, str], ...]:
    from widgets.logic.seminars import seminar_choices

    return seminar_choices(SEMINARS)


def test_a_lecturer_steps_through_with_keys_and_clicks_and_every_key_point_fits_the_projector(browser, projector) -> None:
    page = _open(browser, projector)
    problems: list[str] = []
    try:
        total = len(SEMINARS["01-understanding-recovery"].slides)
        assert _counter(page) == f"1 of {total}"
        shot(page, "seminar-projector-first-screen")
        page.mouse.click(PROJECTOR[0] // 2, 40)  # the page, not a control, has the focus: a clicker's keys reach it
        page.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
        _wait_counter(page, f"2 of {total}")
        page.keyboard.press("PageDown")  # the slide fits the window, so Page Down turns it as a clicker's does
        _wait_counter(page, f"3 of {total}")
        page.keyboard.press("ArrowLeft")
        _wait_counter(page, f"2 of {total}")
        page.keyboard.press("PageUp")
        _wait_counter(page, f"1 of {total}")
        # Tab to Next, as a keyboard user does, and press Enter twice.
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.innerText.trim() === 'Next'"):
                break
        assert page.evaluate("document.activeElement.innerText.trim()") == "Next"
        page.keyboard.press("Enter")
        _wait_counter(page, f"2 of {total}")
        page.keyboard.press("Enter")
        _wait_counter(page, f"3 of {total}")
        page.get_by_role("button", name="Previous").click()
        _wait_counter(page, f"2 of {total}")
        assert page.evaluate("window.scrollY") == 0  # turning slides never scrolled the page away

        # F: the deck alone fills the screen, its controls and the whole slide on it; F again leaves.
        page.mouse.click(PROJECTOR[0] // 2, 40)
        page.keyboard.press("f")
        page.wait_for_function("document.fullscreenElement && document.fullscreenElement.classList.contains('rw-seminar')")
        page.wait_for_timeout(300)
        shot(page, "seminar-projector-full-screen")
        full = page.evaluate(_SLIDE_FACTS)
        assert full["frameBottom"] <= PROJECTOR[1] + 1 and full["frameHeight"] > PROJECTOR[1] * 0.75, full
        assert full["buttonsBottom"] < full["frameTop"] and min(full["points"]) >= 34, full
        assert page.get_by_role("button", name="Leave full screen").is_visible()
        page.keyboard.press("ArrowRight")
        _wait_counter(page, f"3 of {total}")
        page.keyboard.press("f")
        page.wait_for_function("!document.fullscreenElement")
        page.get_by_role("button", name="Full screen").wait_for()

        for chapter in CHAPTERS:
            _pick(page, chapter)
            slides = SEMINARS[chapter].slides
            for number, slide in enumerate(slides, 1):
                if number > 1:
                    page.keyboard.press("ArrowRight")
                    _wait_counter(page, f"{number} of {len(slides)}")
                page.wait_for_timeout(150)
                where = f"{chapter} slide {number}"
                if number in (1, len(slides)) or slide.care:  # a sample to look at: first, last, content notes
                    shot(page, f"seminar-{chapter[:2]}-{number:02d}")
                facts = page.evaluate(_SLIDE_FACTS)
                if facts["buttonsBottom"] > PROJECTOR[1]:
                    problems.append(f"{where}: Previous/Next below the first screen")
                if isinstance(slide, KeyPointSlide) or slide.kind == "discussion":
                    if facts["frameBottom"] > PROJECTOR[1] + 1:
                        problems.append(f"{where}: the slide ends at {facts['frameBottom']:.0f} px, below the first screen")
                    if facts["frameHeight"] < PROJECTOR[1] * 0.55:
                        problems.append(f"{where}: the slide fills only {facts['frameHeight']:.0f} px of the screen")
                    if not facts["points"] or min(facts["points"]) < 28:
                        problems.append(f"{where}: bullet text {facts['points']} px (28 px or more)")
                    if facts["title"] is None or facts["title"] < max(facts["points"]) + 8:
                        problems.append(f"{where}: title {facts['title']} px is not larger than the text")
                problems += [f"{where}: small text {item}" for item in small_text(page, 20)]
                problems += [f"{where}: clipped {item}" for item in clipped(page)]
                wide = too_wide(page)
                if wide["elements"] or wide["documentWidth"] > wide["width"] + 1:
                    problems.append(f"{where}: wider than the window: {wide}")
        problems += [f"faint control {item}" for item in faint_controls(page)]
        problems += [f"page error {error}" for error in page.seen.unexpected_page_errors()]  # type: ignore[attr-defined]
        assert page.seen.external_requests == []  # type: ignore[attr-defined]
    finally:
        page.context.close()  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)


def test_a_poll_slide_takes_a_vote_and_its_arrow_keys_choose_options_not_slides(browser, projector) -> None:
    from widgets.storage.classstore import ClassStore

    chapter = "01-understanding-recovery"
    slides = SEMINARS[chapter].slides
    number, slide = next((i, s) for i, s in enumerate(slides, 1) if isinstance(s, PollSlide) and s.poll == "chime-hardest")
    database = Path(projector.log).with_name("class.sqlite3")
    store = ClassStore(f"sqlite:///{database}", lecturer_code=LECTURER_CODE)
    try:
        store.set_open(slide.poll, True, code=LECTURER_CODE)
        page = _open(browser, projector)
        try:
            for step in range(2, number + 1):
                page.get_by_role("button", name="Next").click()
                _wait_counter(page, f"{step} of {len(slides)}")
            counter = f"{number} of {len(slides)}"
            vote = page.get_by_role("button", name="Vote")
            vote.wait_for(timeout=30_000)
            page.wait_for_function(
                "() => [...document.querySelectorAll('button')].some((b) => b.innerText.trim() === 'Vote' && !b.disabled)",
                timeout=30_000,
            )
            shot(page, "seminar-projector-poll")
            for selector in ("text=Class poll", ".rw-board-question", "input[type='radio'] >> nth=4", "button:has-text('Vote')"):
                box = box_of(page, selector)
                assert box is not None and box.bottom <= PROJECTOR[1], f"{selector} is not on the first screen: {box}"
            page.get_by_role("radio", name="Identity").check()
            page.keyboard.press("ArrowRight")  # in a set of options the arrow chooses the next option ...
            page.wait_for_timeout(600)
            assert _counter(page) == counter  # ... and does not turn the slide
            assert page.get_by_role("radio", name="Meaning in life").is_checked()
            vote.click()
            page.get_by_text("Vote saved").wait_for(timeout=30_000)
            shot(page, "seminar-projector-poll-voted")
            _state, counts = store.tally(slide.poll)
            assert sum(counts.values()) == 1 and counts.get("chime-meaning") == 1, counts
            page.get_by_role("button", name="Next").click()  # step away and back: the vote is still shown
            page.get_by_role("button", name="Previous").click()
            _wait_counter(page, counter)
            assert page.get_by_role("radio", name="Meaning in life").is_checked()
            assert page.seen.unexpected_page_errors() == [] and page.seen.external_requests == []  # type: ignore[attr-defined]
        finally:
            page.context.close()  # type: ignore[attr-defined]
    finally:
        store.close()
