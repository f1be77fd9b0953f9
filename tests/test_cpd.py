"""Chapter 09's CPD record (issue 17): the professional bodies' templates, stated hours, and exports that escape what was typed."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import mistune
import pytest
import yaml

from tests.widget_tree import page_state
from widgets.content.cpd import CpdContentError, load_cpd
from widgets.content.exercises import load_exercises
from widgets.logic.cpd import (
    CpdEntry,
    CpdError,
    check_entry,
    cpd_html,
    cpd_markdown,
    parse_hours,
    reflections,
    suggested_hours,
    workbook_record,
)
from widgets.logic.records import SavedAnswer
from widgets.storage.store import AnswerStore
from widgets.views.portfolio import CpdView, cpd_panel

ROOT = Path(__file__).resolve().parent.parent
CPD = load_cpd()
CHAPTERS = {"01": load_exercises("01-understanding-recovery"), "09": load_exercises("09-my-portfolio")}
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)> # heading | pipe [link](javascript:x) --> *loud*"
"""Typed text that would run a script, add an image, open a heading, a link or a table cell if it were not escaped."""
PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "table", "thead", "tbody",
             "tr", "th", "td", "ul", "li", "strong", "em", "blockquote", "br", "div"}  # fmt: skip
"""The tags a CPD page is made of; what the student typed adds none."""
ANSWERS = [
    SavedAnswer("01.1", "single_choice", {"chosen": ["x"]}, "2025-01-02T10:00:00+00:00"),
    SavedAnswer("01.11", "reflection", {"text": "Hope is <b>shared</b>."}, "2025-01-03T10:00:00+00:00"),
    SavedAnswer("09.1", "reflection", {"text": "I will ask about goals first."}, "2025-02-01T09:00:00+00:00"),
]


def filled(template_id: str, *, text: str = "Written by me.", hours: str = "3.5", participatory: str = "1") -> CpdEntry:
    template = CPD.template(template_id)
    ticked = template.checklist.options[:2] if template.checklist else ()
    return CpdEntry(template_id, {s.id: text for s in template.sections}, ticked, hours, participatory, anonymised=True)


def downloads(links_html: str) -> dict[str, str]:
    found = re.findall(r'download="[^"]+\.(md|html)" href="data:[a-z/]+;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', links_html)
    return {extension: base64.b64decode(payload).decode("utf-8") for extension, payload in found}


# --------------------------------------------------------------------------- the templates file


class TestTemplatesFile:
    def test_the_four_bodies_have_a_template_each(self) -> None:
        assert [t.id for t in CPD.templates] == ["nmc", "hcpc", "swe", "gmc"]
        nmc = CPD.template("nmc")
        assert nmc.participatory and nmc.hours == "required" and nmc.checklist is not None
        assert nmc.checklist.options == (
            "Prioritise people", "Practise effectively", "Preserve safety", "Promote professionalism and trust",
        )  # fmt: skip
        assert [s.heading for s in CPD.template("gmc").sections] == [
            "What? The activity", "So what? What I learnt", "Now what? What I will do",
        ]  # fmt: skip
        assert len(CPD.template("swe").checklist.options) == 8  # type: ignore[union-attr]

    def test_chapter_time_estimates_match_each_notebooks_time_line(self) -> None:
        found = {}
        for path in sorted((ROOT / "workbooks").glob("[0-9][0-9]-*.ipynb")):
            text = "".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
            match = re.search(r"\*\*Time:\*\* about (\d+) minutes", text)
            assert match, f"{path.name} has no time estimate"
            found[path.name[:2]] = int(match.group(1))
        assert dict(CPD.chapter_minutes) == found

    def test_a_broken_file_names_the_template_and_field(self, tmp_path: Path) -> None:
        raw = yaml.safe_load((ROOT / "data" / "cpd" / "templates.yaml").read_text(encoding="utf-8"))
        raw["templates"][1]["sections"][1]["id"] = raw["templates"][1]["sections"][0]["id"]
        broken = tmp_path / "templates.yaml"
        broken.write_text(yaml.safe_dump(raw), encoding="utf-8")
        with pytest.raises(CpdContentError, match=r"template 'hcpc'.*duplicate id 'activity'"):
            load_cpd.__wrapped__(broken)

    def test_no_template_copies_a_forms_question_word_for_word(self) -> None:
        """The bodies' structures are paraphrased: the NMC form's and SWE's questions are not in the file."""
        text = (ROOT / "data" / "cpd" / "templates.yaml").read_text(encoding="utf-8").lower()
        for copied in (
            "what was the nature of the cpd activity",
            "what did you learn from the cpd activity",
            "how did you change or improve your practice as a result",
            "how is this relevant to the code",
            "describe what you have learnt from discussing this cpd activity with a peer",
        ):
            assert copied not in text


# --------------------------------------------------------------------------- hours


class TestHours:
    @pytest.mark.parametrize(("typed", "hours"), [("2.5", 2.5), (" 3 ", 3.0), ("1,5", 1.5), ("50", 50.0), ("0.5", 0.5)])
    def test_stated_hours_are_read(self, typed: str, hours: float) -> None:
        assert parse_hours(typed, CPD.hours) == hours

    @pytest.mark.parametrize(
        ("typed", "message"),
        [("", "state the time you spent"), ("two", "is not a number of hours"), ("0", "more than 0"),
         ("-1", "is not a number"), ("50.5", "at most 50"), ("2.3", "steps of 0.5 (half an hour)"), ("1e3", "not a number"),
         ("nan", "not a number")],
    )  # fmt: skip
    def test_bad_hours_get_a_clear_message(self, typed: str, message: str) -> None:
        with pytest.raises(ValueError, match=re.escape(message)):
            parse_hours(typed, CPD.hours)

    def test_the_suggestion_adds_the_worked_chapters_estimates_and_is_never_filled_in(self) -> None:
        work = workbook_record(ANSWERS, CHAPTERS, CPD.chapter_minutes)
        assert [c.chapter for c in work.chapters] == ["01", "09"] and work.dates == "2025-01-02 to 2025-02-01"
        assert suggested_hours(work, CPD.hours) == (1.5, 90)  # 70 + 20 minutes
        assert suggested_hours(workbook_record([], CHAPTERS, CPD.chapter_minutes), CPD.hours) is None
        draft = SavedAnswer("09.cpd.nmc", "cpd_record", {"template": "nmc", "texts": {}}, "2025-06-01T00:00:00+00:00")
        assert workbook_record([draft], CHAPTERS, CPD.chapter_minutes).chapters == ()  # a draft is not work done
        with pytest.raises(CpdError, match="Hours: state the time you spent"):
            check_entry(filled("nmc", hours=""), CPD)

    def test_participatory_hours_may_be_zero_but_not_more_than_all_hours(self) -> None:
        assert check_entry(filled("nmc", participatory="0"), CPD).participatory == 0
        with pytest.raises(CpdError, match=r"Participatory hours \(4\) cannot be more than the hours in all \(3.5\)"):
            check_entry(filled("nmc", participatory="4"), CPD)

    def test_hours_are_optional_where_the_body_sets_none(self) -> None:
        assert check_entry(filled("gmc", hours=""), CPD).hours is None
        with pytest.raises(CpdError, match="steps of 0.5"):
            check_entry(filled("gmc", hours="0.2"), CPD)


class TestCheckEntry:
    def test_every_problem_is_listed_at_once(self) -> None:
        with pytest.raises(CpdError) as caught:
            check_entry(CpdEntry("nmc", {}, (), "", "", anonymised=False), CPD)
        problems = caught.value.problems
        assert "Write something under \u201cWhat I learnt\u201d." in problems
        assert any(p.startswith("Tick at least one box under \u201cWhich themes of the Code") for p in problems)
        assert any(p.startswith("Hours:") for p in problems) and any(p.startswith("Participatory hours:") for p in problems)
        assert any("identify a person" in p for p in problems) and len(problems) == 8

    def test_an_optional_section_may_be_empty(self) -> None:
        entry = filled("swe")
        record = check_entry(CpdEntry("swe", {**entry.texts, "peer": "  "}, entry.ticked, "", "", True), CPD)
        assert {s.id: t for s, t in record.texts}["peer"] == ""


# --------------------------------------------------------------------------- exports


def _exports(template_id: str, text: str = HOSTILE) -> tuple[str, str]:
    record = check_entry(filled(template_id, text=text), CPD)
    work = workbook_record(ANSWERS, CHAPTERS, CPD.chapter_minutes)
    notes = reflections(ANSWERS, CHAPTERS)
    suggestion = suggested_hours(work, CPD.hours)
    return cpd_markdown(record, work, notes, suggestion=suggestion), cpd_html(record, work, notes, suggestion=suggestion)


class TestExports:
    def test_the_nmc_record_has_the_four_code_themes_and_the_hours(self) -> None:
        markdown, page = _exports("nmc", "Learnt it.")
        for theme in ("Prioritise people", "Practise effectively", "Preserve safety", "Promote professionalism and trust"):
            assert theme in markdown and theme in page
        assert "- [x] Prioritise people" in markdown and "- [ ] Preserve safety" in markdown
        assert "| Hours | 3\\.5 |" in markdown or "| Hours | 3.5 |" in markdown
        assert "| Of which participatory | 1 |" in markdown and "| Of which not participatory | 2.5 |" in markdown
        assert "<strong>Yes</strong> \u00b7 Prioritise people" in page and "<strong>No</strong> \u00b7 Preserve safety" in page
        assert '<th scope="row">Hours</th><td>3.5</td>' in page
        for heading in ("The activity", "What I learnt", "How my practice changed, or will change", "How this relates to the Code"):
            assert f"## {heading}" in markdown and f"<h2>{heading}</h2>" in page
        assert "add up to 90 minutes (about 1.5 hours)" in markdown and "## Sources" in markdown
        assert "Nursing and Midwifery Council. The Code" in page

    @pytest.mark.parametrize("template_id", ["nmc", "hcpc", "swe", "gmc"])
    def test_each_template_exports_markdown_and_html_with_hostile_text_escaped(self, template_id: str) -> None:
        markdown, page = _exports(template_id)
        rendered = str(mistune.create_markdown(escape=False, plugins=["table"])(markdown))  # lets raw HTML through
        assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
        assert "<b>" not in rendered and "<em>loud" not in rendered
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered and "# heading | pipe [link](javascript:x) --&gt; *loud*" in rendered
        assert "<script" not in page and "<img" not in page and "<b>shared" not in page and "-->" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; # heading | pipe" in page
        assert "Hope is &lt;b&gt;shared&lt;/b&gt;." in page  # the appendix of written reflections
        assert page.startswith("<!DOCTYPE html>") and not re.search(r"https?://", page)
        assert {t.lstrip("/") for t in re.findall(r"<(/?[A-Za-z][A-Za-z0-9]*)", page)} <= PAGE_TAGS
        template = CPD.template(template_id)
        for section in template.sections:
            assert section.heading in markdown and section.heading in page
        for reference in template.references:
            assert reference in page


# --------------------------------------------------------------------------- the view


@pytest.fixture
def answered(store: AnswerStore) -> AnswerStore:
    store.save("01.11", "reflection", {"text": "Hope is <b>shared</b>."})
    store.save("09.1", "reflection", {"text": "I will ask about goals first."})
    return store


class TestCpdView:
    def test_choosing_a_template_shows_its_boxes_started_from_the_record_and_the_chapter_09_reflection(self, answered: AnswerStore) -> None:
        view = CpdView(answered, chapters=CHAPTERS)
        assert view.form.layout.display == "none"
        view.template.value = "nmc"
        assert view.form.layout.display is None and "35 hours of CPD" in view.about.value
        assert view.texts[("nmc", "activity")].value.startswith("Self-directed online learning with the Recovery-Oriented")
        assert view.texts[("nmc", "change")].value == "I will ask about goals first."
        assert view.texts[("nmc", "learning")].value == "" and view.hours.value == ""  # hours are never filled in
        assert "about 1.5 hours" in view.suggestion.value and view.participatory.layout.display is None
        view.template.value = "gmc"
        assert view.participatory.layout.display == "none" and view.hours.description == "Hours spent (optional)"

    def test_a_filled_nmc_record_downloads_as_markdown_and_html(self, answered: AnswerStore) -> None:
        view = CpdView(answered, chapters=CHAPTERS)
        view.template.value = "nmc"
        view.prepare()
        assert "Not ready yet" in view.links.value and "download=" not in view.links.value
        view.texts[("nmc", "learning")].value = HOSTILE
        view.texts[("nmc", "code")].value = "It keeps people at the centre."
        view.ticks[("nmc", "Prioritise people")].value = True
        view.hours.value, view.participatory.value, view.anonymised.value = "2.5", "0", True
        view.prepare_button.click()
        files = downloads(view.links.value)
        assert set(files) == {"md", "html"}
        assert "- [x] Prioritise people" in files["md"] and '<th scope="row">Hours</th><td>2.5</td>' in files["html"]
        assert "<script" not in files["html"] and "&lt;script&gt;" in files["html"] and "<script" not in view.links.value
        assert re.search(r'download="recovery-workbook-cpd-nmc-\d{4}-\d{2}-\d{2}\.html"', view.links.value)

    def test_text_typed_into_a_template_is_kept_when_switching_back(self, answered: AnswerStore) -> None:
        view = CpdView(answered, chapters=CHAPTERS)
        view.template.value = "swe"
        view.texts[("swe", "learning")].value = "Mine."
        view.template.value = "hcpc"
        view.template.value = "swe"
        assert view.texts[("swe", "learning")].value == "Mine."

    def test_without_a_store_the_problem_is_shown_and_the_choice_is_off(self) -> None:
        view = CpdView(None, "Your answers are not being saved. The file is broken.", chapters=CHAPTERS)
        assert "The file is broken." in view.problem.value and view.template.disabled

    def test_cpd_panel_opens_the_store_at_the_given_path(self, tmp_path: Path) -> None:
        panel = cpd_panel(tmp_path / "p.sqlite3")
        assert "rw-cpd" in panel._dom_classes and "Your CPD record" in page_state(panel)


class TestDrafts:
    def test_what_is_typed_is_saved_as_a_draft_and_comes_back_in_a_new_view(self, answered: AnswerStore) -> None:
        view = CpdView(answered, chapters=CHAPTERS)
        view.template.value = "nmc"
        assert answered.latest("09.cpd.nmc") is None  # opening a template saves nothing
        view.texts[("nmc", "learning")].value = "Goals in the person's own words."
        view.ticks[("nmc", "Preserve safety")].value = True
        view.hours.value = "2.5"
        view.hours.value = "2.5"  # unchanged: no new row
        history = answered.history("09.cpd.nmc")
        assert len(history) == 3 and history[-1].kind == "cpd_record"
        assert history[-1].answer["texts"]["learning"] == "Goals in the person's own words." and history[-1].answer["hours"] == "2.5"
        assert "Draft saved in your answers file" in view.draft_note.value
        again = CpdView(answered, chapters=CHAPTERS)
        again.template.value = "nmc"
        assert again.texts[("nmc", "learning")].value == "Goals in the person's own words."
        assert again.ticks[("nmc", "Preserve safety")].value and not again.ticks[("nmc", "Preserve safety")].disabled
        assert again.hours.value == "2.5" and again.texts[("nmc", "change")].value == "I will ask about goals first."
        again.template.value = "gmc"
        assert again.hours.value == ""  # each template keeps its own hours

    def test_a_draft_goes_into_the_reflective_log_and_imports_back_without_counting_as_a_question(self, answered: AnswerStore, tmp_path: Path) -> None:
        from widgets.logic.export import check_imported
        from widgets.logic.portfolio import export_markdown, parse_export, progress

        view = CpdView(answered, chapters=CHAPTERS)
        view.template.value = "swe"
        view.texts[("swe", "peer")].value = "My supervisor asked <b>why</b>."
        log = export_markdown(answered.all_latest(), CHAPTERS)
        assert "### 09.cpd.swe: CPD record draft (swe)" in log and "- peer: My supervisor asked &lt;b&gt;why&lt;/b&gt;." in log
        checked = check_imported(parse_export(log).answers, CHAPTERS)
        assert "09.cpd.swe" in {a.question_id for a in checked.kept} and checked.skipped == ()
        assert [(r.chapter, r.answered) for r in progress(answered.all_latest(), CHAPTERS)] == [("01", 1), ("09", 1)]
        bad = SavedAnswer("09.cpd.swe", "cpd_record", {"template": "swe", "texts": {"peer": 5}}, "2025-01-01T00:00:00+00:00")
        assert check_imported([bad], CHAPTERS).skipped[0].reason == "it is not a CPD record draft"

    def test_a_draft_that_cannot_be_saved_says_so_in_the_panel(self, answered: AnswerStore) -> None:
        view = CpdView(answered, chapters=CHAPTERS)
        view.template.value = "gmc"
        answered._connection.execute("PRAGMA query_only=ON")  # what a read-only file looks like to SQLite
        view.texts[("gmc", "so-what")].value = "Something learnt."
        assert "Your draft could not be saved; copy your text somewhere safe." in view.draft_note.value


# --------------------------------------------------------------------------- in Voila, in a browser


def _wheel_to(page: object, locator: object, *, step: int = 300, limit: int = 120) -> None:
    """Turn the mouse wheel (down, or up if it is above) until ``locator`` is wholly inside the window."""
    height = page.viewport_size["height"]  # type: ignore[attr-defined]
    page.mouse.move(page.viewport_size["width"] / 2, height / 2)  # type: ignore[attr-defined]
    for _ in range(limit):
        box = locator.bounding_box()  # type: ignore[attr-defined]
        if box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height:
            return
        page.mouse.wheel(0, step if box is None or box["y"] > 0 else -step)  # type: ignore[attr-defined]
        page.wait_for_timeout(60)  # type: ignore[attr-defined]
    raise AssertionError(f"the wheel did not bring {locator} into the window")


@pytest.mark.browser
def test_chapter_09_in_voila_picks_the_nmc_template_fills_it_and_downloads_the_html(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.harness import voila_server, wait_until_rendered, watch
    from tests.pages import shot, too_wide

    with voila_server(ROOT / "workbooks", tmp_path / "answers.sqlite3", tmp_path / "voila.log") as server:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        seen = watch(page)
        page.goto(server.render_url("09-my-portfolio.ipynb"))
        wait_until_rendered(page, widgets=4)
        page.evaluate("window.__injected = false")
        panel = page.locator(".rw-cpd")
        nmc = panel.get_by_label("NMC revalidation: reflective account with CPD record")
        _wheel_to(page, nmc)
        nmc.check()
        learnt = panel.get_by_label("What I learnt")
        learnt.wait_for(timeout=30_000)
        shot(page, "cpd-nmc-chosen")
        _wheel_to(page, learnt)
        learnt.fill("Goals in the person's own words. <img src=x onerror='window.__injected=true'>")
        learnt.press("Tab")  # the box sends its value when it loses focus, as a student moves on
        change = panel.get_by_label("How my practice changed, or will change")
        _wheel_to(page, change)
        change.fill("I ask about goals first.")
        change.press("Tab")
        code = panel.get_by_label("How this relates to the Code")
        _wheel_to(page, code)
        code.fill("It puts the person first.")
        code.press("Tab")
        for theme in ("Prioritise people", "Practise effectively"):
            box = panel.get_by_label(theme)
            _wheel_to(page, box)
            box.check()
        hours = panel.get_by_label("Hours spent")
        _wheel_to(page, hours)
        hours.fill("2.5")
        hours.press("Tab")
        participatory = panel.get_by_label("Of which participatory (with others)")
        participatory.fill("1")
        participatory.press("Tab")
        confirm = panel.get_by_label("I have left out anything that could identify a person I work with")
        _wheel_to(page, confirm)
        confirm.check()
        prepare = panel.get_by_role("button", name="Prepare my CPD record")
        _wheel_to(page, prepare)
        prepare.click()
        link = panel.get_by_text("Download as a web page (.html)")
        link.wait_for(timeout=30_000)
        _wheel_to(page, link)
        shot(page, "cpd-nmc-ready")
        with page.expect_download() as info:
            link.click()
        assert re.fullmatch(r"recovery-workbook-cpd-nmc-\d{4}-\d{2}-\d{2}\.html", info.value.suggested_filename)
        html = Path(info.value.path()).read_text(encoding="utf-8")
        assert "<strong>Yes</strong> \u00b7 Prioritise people" in html and "<strong>No</strong> \u00b7 Preserve safety" in html
        assert '<th scope="row">Hours</th><td>2.5</td>' in html and '<th scope="row">Of which participatory</th><td>1</td>' in html
        assert "&lt;img src=x onerror=&#x27;window.__injected=true&#x27;&gt;" in html and "<img" not in html
        assert page.evaluate("window.__injected") is False
        page.set_viewport_size({"width": 390, "height": 844})  # on a phone the filled form still fits the screen
        page.wait_for_timeout(500)
        _wheel_to(page, panel.get_by_label("Of which participatory (with others)"))
        shot(page, "cpd-nmc-phone")
        assert too_wide(page)["elements"] == []
        assert seen.external_requests == [] and seen.unexpected_page_errors() == []
        page.close()
