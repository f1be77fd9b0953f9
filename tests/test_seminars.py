"""Sequence mode (issue 15): the seminar files, slide navigation, and the deck driven without a browser.

Content a subject expert would sign: every reference on a slide is copied word for word from
its chapter's reference list, every (Author, year) citation on a slide has its reference on
the same slide and a source in the ledger, every slide names the chapter section it comes from,
and a slide that touches suicide, self-harm or coercion carries a content note with support.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests import test_content_sources as sources
from widgets.content.polls import load_polls
from widgets.content.seminars import (
    DiscussionSlide,
    KeyPointSlide,
    PollSlide,
    Seminar,
    SeminarError,
    all_seminars,
    load_seminar,
)
from widgets.logic.seminars import Position, go_to, key_action, seminar_choices, slide_html, start, step

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "data" / "seminars"
FILES = sorted(FOLDER.glob("*.yaml"))
SEMINARS, PROBLEMS = all_seminars()


def _notebook_markdown(chapter: str) -> list[str]:
    cells = json.loads((ROOT / "workbooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]


def _reference_list(chapter: str) -> list[str]:
    return sources.reference_entries(f"workbooks/{chapter}.ipynb")


def _texts(slide: KeyPointSlide | DiscussionSlide | PollSlide) -> list[str]:
    if isinstance(slide, KeyPointSlide):
        return [slide.title, *slide.points]
    if isinstance(slide, DiscussionSlide):
        return [slide.title, slide.question, *slide.prompts]
    return []


# --------------------------------------------------------------------------- the files


def test_every_seminar_file_loads_and_the_required_chapters_have_one() -> None:
    assert PROBLEMS == []
    assert {"01-understanding-recovery", "03-skills-in-practice", "06-measuring-recovery"} <= set(SEMINARS)
    assert len(SEMINARS) == len(FILES)


def test_the_sources_checks_read_the_seminar_files() -> None:
    """tests/test_content_sources.py checks citations and hedges in every data file: these included."""
    assert {f"data/seminars/{path.name}" for path in FILES} <= set(sources.STUDENT_FILES)


@pytest.mark.parametrize("chapter", sorted(SEMINARS))
def test_each_seminar_has_key_points_and_discussion_and_a_notebook(chapter: str) -> None:
    seminar = SEMINARS[chapter]
    kinds = {slide.kind for slide in seminar.slides}
    assert {"key_point", "discussion"} <= kinds
    assert (ROOT / "workbooks" / f"{chapter}.ipynb").is_file()
    assert seminar.title.startswith(chapter[:2] + " · ")


@pytest.mark.parametrize("chapter", sorted(SEMINARS))
def test_every_reference_is_copied_from_a_chapters_reference_list(chapter: str) -> None:
    """Word for word from the chapter's own list, or (where the chapter's entry would read as an unmatched
    citation in a data file) from another chapter's list of the same work."""
    entries = set(_reference_list(chapter)) | {entry for other in sorted(SEMINARS) for entry in _reference_list(other)}
    for number, slide in enumerate(SEMINARS[chapter].slides, 1):
        for reference in getattr(slide, "references", ()):
            assert reference in entries, f"{chapter} slide {number}: not in the chapter's reference list: {reference[:80]}"


@pytest.mark.parametrize("chapter", sorted(SEMINARS))
def test_every_citation_on_a_slide_has_its_reference_on_that_slide_and_a_ledger_source(chapter: str) -> None:
    problems = []
    for number, slide in enumerate(SEMINARS[chapter].slides, 1):
        references = getattr(slide, "references", ())
        for text in _texts(slide):
            for authors, year, context in sources.citations(text):
                names = sources._names(authors)
                if not sources._matches(names, year):
                    problems.append(f"slide {number}: no ledger source for {context}")
                on_slide = [ref[: ref.index(f"({year})")] for ref in references if f"({year})" in ref]
                # a reference's first author, or an organisation's initials ("Department of Health" cited as DH)
                first_names = {(sources.NAME_RE.findall(authors) or [""])[0] for authors in on_slide}
                first_names |= {sources._initialism(authors) for authors in on_slide}
                if not names & first_names:
                    problems.append(f"slide {number}: no reference on the slide for {context}")
        if isinstance(slide, KeyPointSlide) and not any(sources.citations(text) for text in _texts(slide)):
            problems.append(f"slide {number}: a key point cites none of its references")
    assert not problems, f"{chapter}:\n" + "\n".join(problems)


@pytest.mark.parametrize("chapter", sorted(SEMINARS))
def test_every_slide_names_a_section_of_its_chapter(chapter: str) -> None:
    headings = {
        line.lstrip("#").strip() for text in _notebook_markdown(chapter) for line in text.splitlines() if line.startswith("#")
    }
    for number, slide in enumerate(SEMINARS[chapter].slides, 1):
        assert slide.section in headings, f"{chapter} slide {number}: no section {slide.section!r} in the chapter"


SENSITIVE = re.compile(r"suicid|self-harm|self harm|coerc|detention|detained|restraint|without (?:their )?consent", re.IGNORECASE)


@pytest.mark.parametrize("chapter", sorted(SEMINARS))
def test_slides_on_suicide_self_harm_or_coercion_carry_a_content_note_with_support(chapter: str) -> None:
    for number, slide in enumerate(SEMINARS[chapter].slides, 1):
        if any(SENSITIVE.search(text) for text in _texts(slide)):
            assert slide.care is not None, f"{chapter} slide {number} needs a content note"
            assert "00 · Start here" in slide.care and "Samaritans 116 123" in slide.care


def test_the_sensitive_topic_check_sees_the_words_it_must() -> None:
    for text in ("a suicide safety plan", "assessment and detention", "coercion", "treatment without consent"):
        assert SENSITIVE.search(text)
    assert not SENSITIVE.search("shared decision-making")


@pytest.mark.parametrize("chapter", sorted(SEMINARS))
def test_poll_slides_name_polls_of_the_polls_file(chapter: str) -> None:
    assert set(SEMINARS[chapter].polls()) <= set(load_polls())


# --------------------------------------------------------------------------- the schema


def _write(tmp_path: Path, data: object, name: str = "01-understanding-recovery.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _raw_number(kind: str) -> int:
    """The number (from 1) of the first slide of ``kind`` in chapter 01's file."""
    return next(i for i, slide in enumerate(_good()["slides"], 1) if slide["kind"] == kind)


def _raw(data: dict, kind: str) -> dict:
    return data["slides"][_raw_number(kind) - 1]


def _good() -> dict:
    return yaml.safe_load((FOLDER / "01-understanding-recovery.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["slides"][0].update(points=["only one"]), ["slide '#1 What is recovery?'", "points"]),
        (lambda d: d["slides"][0].update(points=["a", "b", "c", "d", "e"]), ["slide '#1", "points"]),
        (lambda d: d["slides"][0].pop("references"), ["slide '#1", "references"]),
        (lambda d: d["slides"][0].update(kind="slideshow"), ["slide '#1", "kind"]),
        (lambda d: d["slides"][0].update(colour="red"), ["slide '#1", "colour"]),
        (lambda d: d["slides"][0].update(points=["x" * 181, "b"]), ["slide '#1", "points.0"]),
        (lambda d: _raw(d, "discussion").pop("question"), [f"slide '#{_raw_number('discussion')} Whose recovery?'", "question"]),
        (
            lambda d: _raw(d, "poll").update(poll="no-such-poll"),
            [f"slide '#{_raw_number('poll')}'", "poll", "no poll 'no-such-poll'"],
        ),
        (lambda d: d.update(chapter="1-recovery"), ["chapter"]),
        (lambda d: d.update(slides=[s for s in d["slides"] if s["kind"] != "key_point"]), ["slides", "key_point"]),
    ],
)
def test_a_broken_seminar_file_is_refused_naming_file_slide_and_field(tmp_path: Path, change, words: list[str]) -> None:
    data = _good()
    change(data)
    with pytest.raises(SeminarError) as caught:
        load_seminar.__wrapped__(_write(tmp_path, data))
    message = str(caught.value)
    assert "01-understanding-recovery.yaml" in message
    for word in words:
        assert word in message, message


def test_a_file_named_for_another_chapter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SeminarError, match="named '03-skills-in-practice'"):
        load_seminar.__wrapped__(_write(tmp_path, _good(), "03-skills-in-practice.yaml"))


def test_not_yaml_and_not_a_mapping_are_refused_in_words(tmp_path: Path) -> None:
    broken = tmp_path / "01-understanding-recovery.yaml"
    broken.write_text("slides: [unclosed", encoding="utf-8")
    with pytest.raises(SeminarError, match="not valid YAML"):
        load_seminar.__wrapped__(broken)
    broken.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(SeminarError, match="expected a mapping"):
        load_seminar.__wrapped__(broken)


def test_all_seminars_keeps_the_good_files_and_names_the_bad(tmp_path: Path) -> None:
    _write(tmp_path, _good())
    data = _good()
    data["chapter"] = "03-skills-in-practice"
    data["slides"][0]["points"] = ["one"]
    _write(tmp_path, data, "03-skills-in-practice.yaml")
    found, problems = all_seminars(tmp_path)
    assert list(found) == ["01-understanding-recovery"]
    assert len(problems) == 1 and "03-skills-in-practice.yaml" in problems[0]


# --------------------------------------------------------------------------- navigation


def test_the_counter_and_the_ends() -> None:
    here = Position(index=2, total=9)
    assert here.counter == "3 of 9" and here.number == 3
    assert start(SEMINARS["03-skills-in-practice"]).counter == f"1 of {len(SEMINARS['03-skills-in-practice'].slides)}"
    assert Position(0, 9).at_first and not Position(0, 9).at_last and Position(8, 9).at_last


@pytest.mark.parametrize(("index", "delta", "expected"), [(0, -1, 0), (0, 1, 1), (8, 1, 8), (4, -10, 0), (4, 10, 8), (3, 0, 3)])
def test_step_stops_at_the_first_and_last_slide(index: int, delta: int, expected: int) -> None:
    assert step(Position(index, 9), delta) == Position(expected, 9)


@given(total=st.integers(1, 40), moves=st.lists(st.integers(-50, 50), max_size=30))
def test_any_run_of_steps_stays_on_a_slide_and_lands_where_the_sum_clamped_says(total: int, moves: list[int]) -> None:
    here = Position(0, total)
    for delta in moves:
        here = step(here, delta)
        assert 0 <= here.index < total and here.counter == f"{here.index + 1} of {total}"
    expected = 0
    for delta in moves:
        expected = min(max(expected + delta, 0), total - 1)
    assert here.index == expected


def test_go_to_a_slide_the_seminar_does_not_have_is_refused_in_words() -> None:
    assert go_to(Position(0, 9), 9) == Position(8, 9)
    for number in (0, 10, -1):
        with pytest.raises(ValueError, match="slides 1 to 9"):
            go_to(Position(0, 9), number)


def test_a_position_outside_the_seminar_cannot_be_made() -> None:
    for index, total in ((9, 9), (-1, 9), (0, 0)):
        with pytest.raises(ValueError):
            Position(index, total)


@pytest.mark.parametrize(
    ("key", "in_field", "down", "up", "expected"),
    [
        ("ArrowRight", False, True, True, "next"),
        ("ArrowLeft", False, True, True, "previous"),
        ("ArrowRight", True, False, False, None),  # a poll's options: the arrow chooses an option
        ("PageDown", False, False, True, "next"),  # the slide fits: a clicker's Page Down turns it
        ("PageDown", False, True, False, None),  # a tall slide (a phone): Page Down scrolls first
        ("PageUp", False, True, False, "previous"),
        ("PageUp", False, False, True, None),
        ("Enter", False, False, False, None),
        ("ArrowDown", False, False, False, None),
    ],
)
def test_key_action(key: str, in_field: bool, down: bool, up: bool, expected: str | None) -> None:
    assert key_action(key, in_field=in_field, can_scroll_down=down, can_scroll_up=up) == expected


def test_the_picker_lists_every_seminar_in_chapter_order_with_its_length() -> None:
    choices = seminar_choices(SEMINARS)
    assert [value for _label, value in choices] == sorted(SEMINARS)
    assert choices[0][0] == f"01 · Understanding recovery ({len(SEMINARS['01-understanding-recovery'].slides)} slides)"


# --------------------------------------------------------------------------- slide HTML


def test_a_key_point_slide_shows_kind_title_points_section_and_references() -> None:
    seminar = SEMINARS["01-understanding-recovery"]
    shown = slide_html(seminar, start(seminar), polls=load_polls())
    slide = seminar.slides[0]
    assert isinstance(slide, KeyPointSlide)
    assert "Key point" in shown.head and f">{slide.title}</h2>" in shown.head
    assert shown.head.count("<li>") == len(slide.points)
    assert "From 01 · Understanding recovery: What is recovery?" in shown.foot
    assert "<em>Psychosocial Rehabilitation Journal</em>" in shown.foot and shown.poll is None


def test_content_markup_is_rendered_and_raw_html_escaped(tmp_path: Path) -> None:
    data = _good()
    data["slides"][0]["points"] = ["Recovery *with* illness (Anthony, 1993).", "<script>alert(1)</script> (Anthony, 1993)"]
    seminar = load_seminar.__wrapped__(_write(tmp_path, data))
    head = slide_html(seminar, start(seminar), polls=load_polls()).head
    assert "<em>with</em>" in head and "<script>" not in head and "&lt;script&gt;" in head


def test_a_poll_slide_names_its_poll_and_says_where_to_vote() -> None:
    seminar = SEMINARS["01-understanding-recovery"]
    number = next(i for i, s in enumerate(seminar.slides) if isinstance(s, PollSlide))
    shown = slide_html(seminar, Position(number, len(seminar.slides)), polls=load_polls())
    assert shown.poll == seminar.slides[number].poll and "Class poll" in shown.head and "class-poll" in shown.foot


def test_a_content_note_is_shown_above_the_title() -> None:
    seminar = SEMINARS["03-skills-in-practice"]
    number = next(i for i, s in enumerate(seminar.slides) if s.care)
    head = slide_html(seminar, Position(number, len(seminar.slides)), polls=load_polls()).head
    assert head.index("Content note.") < head.index("<h2") and 'role="note"' in head


def test_slide_html_refuses_a_position_for_another_seminar() -> None:
    seminar: Seminar = SEMINARS["06-measuring-recovery"]
    with pytest.raises(ValueError, match="position is for 99 slides"):
        slide_html(seminar, Position(0, 99), polls=load_polls())


# --------------------------------------------------------------------------- the deck, driven without a browser


@pytest.fixture
def deck(tmp_path: Path):
    from widgets.views.seminars import SeminarDeck

    made = SeminarDeck(
        SEMINARS, load_polls(), chapter="01-understanding-recovery", class_store_url=f"sqlite:///{tmp_path / 'class.sqlite3'}"
    )
    yield made
    made.close()


def test_the_deck_steps_with_its_buttons_and_shows_the_counter(deck) -> None:
    total = len(SEMINARS["01-understanding-recovery"].slides)
    assert f"1 of {total}" in deck.counter.value and deck.previous.disabled and not deck.next.disabled
    deck.next.click()
    deck.next.click()
    assert f"3 of {total}" in deck.counter.value and not deck.previous.disabled
    deck.previous.click()
    assert f"2 of {total}" in deck.counter.value and "Clinical and personal recovery" in deck.head.value
    for _ in range(total + 3):
        deck.next.click()
    assert f"{total} of {total}" in deck.counter.value and deck.next.disabled


def test_the_deck_follows_the_keys_the_page_sends_and_ignores_others(deck) -> None:
    deck._on_key(deck.keys, {"key": "ArrowRight", "in_field": False, "can_scroll_down": False, "can_scroll_up": False}, [])
    deck._on_key(deck.keys, {"key": "PageDown", "in_field": False, "can_scroll_down": False, "can_scroll_up": True}, [])
    assert deck.position.number == 3
    deck._on_key(deck.keys, {"key": "ArrowRight", "in_field": True, "can_scroll_down": False, "can_scroll_up": False}, [])
    deck._on_key(deck.keys, {"key": "PageDown", "in_field": False, "can_scroll_down": True, "can_scroll_up": True}, [])
    deck._on_key(deck.keys, "not a mapping", [])
    deck._on_key(deck.keys, {"key": 7}, [])
    assert deck.position.number == 3
    deck._on_key(deck.keys, {"key": "PageUp", "in_field": False, "can_scroll_down": True, "can_scroll_up": False}, [])
    assert deck.position.number == 2


def test_choosing_another_seminar_starts_it_at_its_first_slide(deck) -> None:
    deck.next.click()
    deck.picker.value = "06-measuring-recovery"
    assert deck.position.number == 1 and f"1 of {len(SEMINARS['06-measuring-recovery'].slides)}" in deck.counter.value
    assert "Different things to measure" in deck.head.value


def test_a_seminar_file_that_did_not_load_is_named_above_the_slides() -> None:
    from widgets.views.seminars import SeminarDeck

    deck = SeminarDeck(SEMINARS, load_polls(), problems=("data/seminars/09-x.yaml: slide '#2', field 'points': too short",))
    try:
        assert "Some seminars could not be loaded" in deck.message.value and "09-x.yaml" in deck.message.value
        assert deck.position.number == 1 and deck.picker.value == "01-understanding-recovery"
    finally:
        deck.close()


def test_go_to_a_missing_slide_says_so_and_stays(deck) -> None:
    deck.go_to(4)
    assert deck.position.number == 4
    deck.go_to(99)
    assert deck.position.number == 4 and "there is no slide 99" in deck.message.value


def _poll_slide(chapter: str, poll_id: str) -> int:
    return next(i for i, s in enumerate(SEMINARS[chapter].slides, 1) if isinstance(s, PollSlide) and s.poll == poll_id)


def test_an_open_text_poll_slide_embeds_its_answer_box(deck) -> None:
    deck.go_to(_poll_slide("01-understanding-recovery", "recovery-in-a-few-words"))
    boxes = [w for w in _walk(deck.extra.children[0]) if type(w).__name__ == "Textarea"]
    assert len(boxes) == 1 and "Class poll" in deck.head.value


def test_a_poll_slide_embeds_the_class_polls_vote_view_once(deck) -> None:
    number = _poll_slide("01-understanding-recovery", "chime-hardest")
    deck.go_to(number)
    assert len(deck.extra.children) == 1
    view = deck.extra.children[0]
    radios = [w for w in _walk(view) if type(w).__name__ == "RadioButtons"]
    assert radios and "Connectedness" in radios[0].options[0][0]
    deck.move(1)
    assert deck.extra.children == ()
    deck.move(-1)
    assert deck.extra.children[0] is view  # kept: a vote in progress is not lost by stepping away


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_the_entry_point_returns_the_deck_and_a_clear_notice_without_seminars(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from widgets import seminars as entry
    from widgets.views import seminars as view

    shown = entry.seminar_deck()
    assert any("rw-seminar" in w._dom_classes for w in _walk(shown) if hasattr(w, "_dom_classes"))
    monkeypatch.setattr(view, "all_seminars", lambda: ({}, ["data/seminars/x.yaml: broken"]))
    empty = entry.seminar_deck()
    assert "No seminar could be loaded" in empty.value and "broken" in empty.value
