"""Progress within a chapter, "continue where you left off" on chapter 00, and honest time estimates (issue 17)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.harness import ROOT
from widgets import Chapter
from widgets.content.exercises import all_chapters, load_exercises
from widgets.logic.progress import chapter_done, continue_html, exercise_anchor, last_worked, progress_html
from widgets.logic.records import SavedAnswer
from widgets.storage.store import AnswerStore
from widgets.views.exercises import NumericView, SingleChoiceView
from widgets.views.progress import chapter_stems

CHAPTERS = all_chapters()[0]
STEMS = chapter_stems()
AT = "2026-01-{:02d}T10:00:00.000+00:00"


def row(question_id: str, day: int = 1) -> SavedAnswer:
    return SavedAnswer(question_id, "single_choice", {"chosen": ["x"]}, AT.format(day))


def every(chapter: str) -> list[SavedAnswer]:
    return [row(q.id) for q in CHAPTERS[chapter].questions]


# --------------------------------------------------------------------------- pure logic


def test_done_counts_each_exercise_of_the_chapter_once() -> None:
    answers = [row("03.1"), row("03.1", 2), row("03.4"), row("04.1"), row("vignette-ewan"), row("03.99")]
    done = chapter_done(answers, CHAPTERS["03"])
    assert (done.done, done.total, done.complete) == (2, 14, False)
    assert done.label == "2 of 14 exercises done"
    html = progress_html(done)
    assert "2 of 14 exercises done in this chapter" in html and 'role="status"' in html and "width:14%" in html
    finished = progress_html(chapter_done(every("00"), CHAPTERS["00"]))
    assert "2 of 2 exercises done" in finished and "All of this chapter's exercises have an answer." in finished


def test_the_last_exercise_worked_on_goes_by_when_it_was_saved() -> None:
    assert last_worked([], CHAPTERS) is None
    assert last_worked([row("vignette-ewan")], CHAPTERS) is None
    history = [row("03.4", 5), row("01.2", 2), row("vignette-ewan", 9)]  # 01.2 imported later, saved earlier
    assert last_worked(history, CHAPTERS) is not None
    assert last_worked(history, CHAPTERS).question_id == "03.4"  # type: ignore[union-attr]
    assert last_worked([row("01.1", 3), row("01.2", 3)], CHAPTERS).question_id == "01.2"  # type: ignore[union-attr]


def test_continue_says_where_to_start_when_nothing_is_saved() -> None:
    html = continue_html([row("vignette-ewan")], CHAPTERS, STEMS)
    assert "Nothing is saved yet" in html
    assert '<a href="01-understanding-recovery.ipynb" style="text-decoration: underline;">01 · Understanding recovery</a>' in html


def test_continue_links_to_the_exercise_last_worked_on() -> None:
    html = continue_html([row("01.1", 1), row("03.4", 2)], CHAPTERS, STEMS)
    assert "You last worked on exercise 03.4 in 03 · Skills in practice (saved 2026-01-02 10:00 UTC)" in html
    assert "1 of 14 exercises done there" in html
    assert 'href="03-skills-in-practice.ipynb#exercise-03-4" style="text-decoration: underline;">Continue with exercise 03.4 in 03' in html


def test_continue_goes_on_to_the_next_unfinished_chapter_when_the_last_one_is_finished() -> None:
    finished_01 = [*every("02"), *every("01")]  # 02 finished before 01: next unfinished after 01 is 03
    html = continue_html(finished_01, CHAPTERS, STEMS)
    assert "That chapter is finished." in html
    assert 'href="03-skills-in-practice.ipynb" style="text-decoration: underline;">Go on to 03 · Skills in practice</a>' in html
    everything = [answer for number in sorted(CHAPTERS) for answer in every(number)]
    assert "every chapter after it" in continue_html(everything, CHAPTERS, STEMS)


def test_chapter_titles_in_the_links_are_escaped() -> None:
    from widgets.content.exercises import ExerciseFile

    odd = ExerciseFile.model_validate(
        {**CHAPTERS["01"].model_dump(), "title": "<b>Recovery</b> & more"}
    )
    html = continue_html([row("01.1")], {"01": odd}, {"01": "01-understanding-recovery"})
    assert "<b>" not in html and "&lt;b&gt;Recovery&lt;/b&gt; &amp; more" in html


# --------------------------------------------------------------------------- views


def test_progress_on_the_page_updates_as_exercises_are_answered(tmp_path: Path) -> None:
    chapter = Chapter("07-is-the-change-real", db_path=tmp_path / "answers.sqlite3")
    panel = chapter.progress()
    line = panel.children[1]  # type: ignore[attr-defined]
    assert "0 of 14 exercises done" in line.value
    view = chapter.view("07.3")
    assert isinstance(view, NumericView)
    view.entry.value = "5.20"
    assert "1 of 14 exercises done" in line.value
    view.entry.value = "5.15"  # a second try at the same exercise is still one exercise
    assert "1 of 14 exercises done" in line.value
    choice = next(q.id for q in chapter.exercises.questions if q.type == "single_choice")  # type: ignore[union-attr]
    single = chapter.view(choice)
    assert isinstance(single, SingleChoiceView)
    single.choice.value = 0
    single._on_check()
    assert "2 of 14 exercises done" in line.value
    again = Chapter("07-is-the-change-real", db_path=tmp_path / "answers.sqlite3").progress()
    assert "2 of 14 exercises done" in again.children[1].value  # type: ignore[attr-defined]


def test_chapter_00_continues_where_the_learner_left_off(tmp_path: Path) -> None:
    db = tmp_path / "answers.sqlite3"
    start = Chapter("00-start-here", db_path=db).continue_link()
    assert "Nothing is saved yet" in start.children[0].value  # type: ignore[attr-defined]
    view = Chapter("03-skills-in-practice", db_path=db).view("03.4")
    assert f'id="{exercise_anchor("03.4")}"' in view.prompt.value  # the link's target is on the chapter's page
    AnswerStore(db).save("03.4", "categorise", {"placements": {}})
    shown = Chapter("00-start-here", db_path=db).continue_link().children[0].value  # type: ignore[attr-defined]
    assert 'href="03-skills-in-practice.ipynb#exercise-03-4"' in shown and "exercise 03.4" in shown


def test_a_missing_answers_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    chapter = Chapter("01-understanding-recovery", db_path=blocked / "answers.sqlite3")
    assert chapter.store is None
    assert "Progress cannot be shown" in chapter.progress().children[1].value  # type: ignore[attr-defined]
    assert "cannot tell where you left off" in chapter.continue_link().children[0].value  # type: ignore[attr-defined]


@pytest.mark.parametrize("stem", sorted(STEMS.values()))
def test_every_chapter_shows_its_progress_near_the_top(stem: str) -> None:
    """Every chapter, 00-09, shows 'n of m exercises done' within its first five cells."""
    cells = json.loads((ROOT / "workbooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    code = [index for index, cell in enumerate(cells) if "chapter.progress()" in "".join(cell["source"])]
    assert len(code) == 1 and code[0] <= 4, f"{stem}: one chapter.progress() call, within the first five cells"
    if stem.startswith("00"):
        assert "chapter.continue_link()" in "".join(cells[1]["source"])


# --------------------------------------------------------------------------- time estimates

TIME_RE = re.compile(r"\*\*Time:\*\* about (\d+) minutes")
TOTAL_RE = re.compile(r"takes about (\d+) hours in all: the estimates each chapter gives add up to (\d+) hours (\d+) minutes")
WORDS_A_MINUTE = 200
"""A slow reading pace for study text (adults read non-fiction silently at about 240 words a minute)."""
MINUTES_AN_EXERCISE = 2


def _markdown(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown"]


def _estimates() -> dict[str, int]:
    found = {}
    for path in sorted((ROOT / "workbooks").glob("[0-9][0-9]-*.ipynb")):
        minutes = [int(m.group(1)) for text in _markdown(path) for m in TIME_RE.finditer(text)]
        assert len(minutes) == 1, f"{path.name}: one '**Time:** about N minutes', found {minutes}"
        found[path.stem] = minutes[0]
    return found


def test_chapter_00_states_exactly_what_the_chapter_estimates_add_up_to() -> None:
    total = sum(_estimates().values())
    stated = TOTAL_RE.search(" ".join(_markdown(ROOT / "workbooks" / "00-start-here.ipynb")))
    assert stated, "chapter 00 says 'takes about N hours in all: the estimates each chapter gives add up to H hours M minutes'"
    about, hours, minutes = (int(group) for group in stated.groups())
    assert hours * 60 + minutes == total, f"the chapters' estimates add up to {total} minutes"
    assert abs(about * 60 - total) <= 15, f"'about {about} hours' for {total} minutes"


def test_no_chapter_promises_less_time_than_reading_it_and_trying_each_exercise_takes() -> None:
    """A floor, not a forecast: the chapter's words (exercises included) at a slow reading pace, plus 2 minutes an exercise."""
    low = []
    for stem, minutes in _estimates().items():
        text = " ".join(t for t in _markdown(ROOT / "workbooks" / f"{stem}.ipynb") if not t.lstrip().startswith("## References"))
        exercises = load_exercises(stem).questions
        words = len(re.findall(r"[A-Za-z][\w'-]*", text)) + sum(
            len(re.findall(r"[A-Za-z][\w'-]*", q.model_dump_json(include={"prompt", "options", "statements", "items"})))
            for q in exercises
        )
        floor = words / WORDS_A_MINUTE + MINUTES_AN_EXERCISE * len(exercises)
        if not floor <= minutes <= 3 * floor:
            low.append(f"{stem}: {minutes} minutes for {words} words and {len(exercises)} exercises (floor {floor:.0f})")
    assert not low, "\n".join(low)


# --------------------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_progress_updates_on_the_page_and_chapter_00_leads_back_to_the_exercise(browser, tmp_path: Path) -> None:
    """Voilà: answering 01.1 turns '0 of 11' into '1 of 11' at the top of chapter 01; chapter 00's link lands on 01.1.

    (Checked by hand in JupyterLab too: Run All, answer 01.1, and the line reads '1 of 11'.)
    """
    from tests.harness import voila_server, wait_until_rendered, watch
    from tests.pages import LAPTOP, shot

    def wheel_to(page: object, selector: str) -> dict[str, float]:
        page.mouse.move(LAPTOP[0] / 2, LAPTOP[1] / 2)  # type: ignore[attr-defined]
        for _ in range(80):
            box = page.locator(selector).first.bounding_box()  # type: ignore[attr-defined]
            if box and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP[1] - 20:
                return box  # type: ignore[no-any-return]
            page.mouse.wheel(0, 300)  # type: ignore[attr-defined]
            page.wait_for_timeout(120)  # type: ignore[attr-defined]
        raise AssertionError(f"the wheel never brought {selector} into view")

    def click(page: object, selector: str) -> None:
        box = wheel_to(page, selector)
        page.mouse.click(box["x"] + min(box["width"] / 2, 12), box["y"] + box["height"] / 2)  # type: ignore[attr-defined]

    def opened(page: object, url: str) -> None:
        page.goto(url, timeout=120_000)  # type: ignore[attr-defined]
        wait_until_rendered(page, widgets=1)
        page.wait_for_function("!document.body.innerText.includes('Loading widget...')", timeout=90_000)  # type: ignore[attr-defined]

    progress = "document.querySelector('.rw-progress') && document.querySelector('.rw-progress').innerText"
    with voila_server(ROOT / "workbooks", tmp_path / "answers.sqlite3", tmp_path / "voila.log", extra=["--template=workbook"]) as server:
        page = browser.new_context(viewport={"width": LAPTOP[0], "height": LAPTOP[1]}).new_page()  # type: ignore[attr-defined]
        seen = watch(page)
        try:
            opened(page, server.render_url("01-understanding-recovery.ipynb"))
            assert "0 of 11 exercises done" in page.evaluate(progress)
            click(page, ".rw-q-01-1 input[type='radio']")
            click(page, ".rw-q-01-1 button:has-text('Check answer')")
            page.wait_for_function(f"({progress} || '').includes('1 of 11 exercises done')", timeout=30_000)
            page.keyboard.press("Home")
            page.wait_for_timeout(300)
            shot(page, "progress-01-after-one-answer")
            opened(page, server.render_url("00-start-here.ipynb"))
            assert "You last worked on exercise 01.1" in page.inner_text(".rw-continue")
            shot(page, "continue-00")
            click(page, ".rw-continue a[href='01-understanding-recovery.ipynb#exercise-01-1']")
            page.wait_for_url("**/01-understanding-recovery.ipynb#exercise-01-1", timeout=60_000)
            wait_until_rendered(page, widgets=1)
            page.wait_for_function(
                "(() => { const e = document.getElementById('exercise-01-1'); return e && window.scrollY > 200"
                " && Math.abs(e.getBoundingClientRect().top) < 80; })()",
                timeout=30_000,
            )
            shot(page, "continue-lands-on-01-1")
            assert not seen.external_requests and not seen.unexpected_page_errors()
        finally:
            page.context.close()
