"""The portfolio panel: progress, the reflective log downloads, the class answers file and importing answers."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as ipw

from ..content.cpd import CpdFile, load_cpd
from ..content.exercises import ExerciseFile, all_chapters
from ..content.loading import ContentError
from ..logic.attempts import with_tries
from ..logic.charts import spec_output
from ..logic.classresults.reading import class_file_name
from ..logic.cpd import (
    CpdEntry,
    CpdError,
    activity_text,
    check_entry,
    cpd_file_stem,
    cpd_html,
    cpd_markdown,
    draft_id,
    reflections,
    suggested_hours,
    suggestion_html,
    workbook_record,
)
from ..logic.export import (
    check_imported,
    export_sections,
)
from ..logic.markup import STYLE, feedback_box, markdown, notice
from ..logic.portfolio import (
    MAX_IMPORT_BYTES,
    PortfolioError,
    _download_link,
    _plural,
    _saved_html,
    _summary_html,
    class_answers,
    damaged_rows_text,
    export_class_answers,
    export_html,
    export_markdown,
    parse_export,
    progress,
    progress_alt_text,
    progress_spec,
    skipped_html,
)
from ..logic.records import SavedAnswer
from ..storage.store import AnswerStore, StoreError, open_store

__all__ = ["CpdView", "PortfolioView", "cpd_panel", "portfolio_panel"]


_PORTFOLIO_CSS = """<style>
.rw-portfolio details { margin: 0.3rem 0; } .rw-portfolio summary { cursor: pointer; }
.rw-portfolio .widget-upload { width: auto; align-self: flex-start; }
.rw-portfolio .rw-entry { border-left: 3px solid #bbb; padding-left: 0.7rem; margin: 0.6rem 0 0.8rem 0.2rem; }
.rw-portfolio .rw-entry h4 { margin: 0.2rem 0; font-size: 1em; }
.rw-portfolio .rw-saved { color: #444; font-size: 0.85em; margin: 0.1rem 0; }
.rw-portfolio blockquote { border-left: 4px solid #0072B2; background: #f3f7fb;
  margin: 0.3rem 0; padding: 0.1rem 0.8rem; }
.rw-portfolio h3 { font-size: 1.1em; margin: 1rem 0 0.3rem 0; }
</style>"""


class PortfolioView:
    """Progress chart, saved answers, reflective-log export, import, and deletion of the learner's answers.

    Parameters
    ----------
    store, store_problem
        As :func:`widgets.storage.store.open_store` returns them.
    chapters, content_problems
        Exercise files by chapter number and the problems of those that did not
        load; default :func:`widgets.content.exercises.all_chapters`.
    """

    def __init__(
        self,
        store: AnswerStore | None,
        store_problem: str | None = None,
        *,
        chapters: Mapping[str, ExerciseFile] | None = None,
        content_problems: Sequence[str] = (),
    ) -> None:
        if chapters is None:
            chapters, content_problems = all_chapters()
        self.store = store
        self.chapters = dict(chapters)
        problems = [notice("warning", f"Some chapters' questions could not be read: {p}") for p in content_problems]
        if store is None:
            problems.insert(0, notice("error", store_problem or "The answers file could not be opened."))
        self.problems = ipw.HTML("".join(problems))
        self.damage = ipw.HTML()
        self.summary = ipw.HTML()
        self.chart = ipw.Output()
        self.saved = ipw.HTML()
        self.refresh_button = ipw.Button(description="Refresh", tooltip="Read your saved answers again")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.include_id = ipw.Checkbox(
            value=False, description="Include my pseudonymous learner id in the log", indent=False
        )
        self.include_id.observe(lambda _change: self._clear_links(), names="value")
        self.export_button = ipw.Button(
            description="Prepare my reflective log", button_style="primary",
            tooltip="Prepare your answers and reflections as a Markdown file and a web page to download",
        )  # fmt: skip
        self.export_button.on_click(lambda _button: self.prepare_export())
        self.links = ipw.HTML()
        self.class_button = ipw.Button(
            description="Prepare a class answers file",
            tooltip="Prepare an anonymised file of your answers (no learner id, no reflections) for your lecturer",
            layout=ipw.Layout(width="auto"),
        )
        self.class_button.on_click(lambda _button: self.prepare_class_file())
        self.class_links = ipw.HTML()
        self.upload = ipw.FileUpload(
            accept=".md,.html", multiple=False, description="Import a log", layout=ipw.Layout(width="auto"),
            tooltip="Choose a reflective log (.md or .html) exported by this workbook",
        )  # fmt: skip
        self.upload.add_class(f"max-file-bytes-{MAX_IMPORT_BYTES}")
        self.upload.observe(self._on_upload, names="value")
        self.confirm = ipw.Checkbox(
            value=False, description="I understand this deletes all my saved answers", indent=False
        )
        self.delete_button: ipw.Button = ipw.Button(
            description="Delete my saved answers", button_style="danger", disabled=True,
            tooltip="Delete every answer saved in this workbook on this computer",
        )  # fmt: skip
        self.confirm.observe(lambda change: setattr(self.delete_button, "disabled", not change["new"]), names="value")
        self.delete_button.on_click(lambda _button: self.delete())
        self.status = ipw.HTML()
        if store is None:
            for control in (self.export_button, self.class_button, self.upload, self.confirm, self.refresh_button):
                control.disabled = True
        self.container = ipw.VBox(
            [
                ipw.HTML(STYLE + _PORTFOLIO_CSS), self.problems, self.damage,
                ipw.HTML("<h3>Your progress</h3>"), self.summary, self.chart,
                ipw.HTML("<h3>Your saved answers</h3>"), self.saved, self.refresh_button,
                ipw.HTML(
                    "<h3>Download your reflective log</h3><p>One file as Markdown (to edit or paste into a CPD "
                    "record) and one as a web page (to read or print). Both hold your latest answers as you wrote "
                    "them, and a copy that this chapter can import again.</p>"
                ),
                self.include_id, self.export_button, self.links,
                ipw.HTML(
                    "<h3>Share your answers with your lecturer</h3><p>A class answers file holds only your "
                    "answers to the choice, number, sorting and rating questions: no learner id, no name, no "
                    "reflections and nothing else you wrote. Your lecturer can drop the files of the whole class "
                    "onto the class-results board to see how the class answered. Its checksum detects damage, not "
                    "forgery (anyone can edit a file and recompute it), so the board is for discussion, not marks.</p>"
                ),
                self.class_button, self.class_links,
                ipw.HTML(
                    "<h3>Import a log</h3><p>Choose a <code>.md</code> or <code>.html</code> log exported by this "
                    "workbook, for example on another computer. Its answers are added to yours; answers you already "
                    "have are not repeated. "
                    f"Files up to {MAX_IMPORT_BYTES / 1_000_000:g} MB; a larger file is refused before it is sent.</p><p>Each answer is checked against its question: the option must be "
                    "one the question has, a number must be in range, and the time it was saved must not be in the "
                    "future. An answer that fails is skipped and named; the others are added.</p><p>The file's "
                    "checksum detects damage and careless edits (a file cut short, a changed letter). It is not a "
                    "signature: someone who edits the answers and recomputes the checksum makes a file this chapter "
                    "accepts, so a log shows what its holder says they answered, not proof of it.</p>"
                ),
                self.upload,
                ipw.HTML(
                    "<h3>Delete your saved answers</h3><p>This deletes every answer saved on this computer for "
                    "this workbook and cannot be undone. Download your log first if you want to keep a copy.</p>"
                ),
                self.confirm, self.delete_button, self.status,
            ]  # fmt: skip
        )
        self.container.add_class("rw-exercise")
        self.container.add_class("rw-portfolio")
        self.refresh()

    def _answers(self) -> list[SavedAnswer]:
        if self.store is None:
            return []
        try:
            return with_tries(self.store.all_latest(), self.store.all_history(), self.chapters)
        except StoreError as error:
            self.status.value = notice("error", str(error))
            return []

    def refresh(self) -> None:
        """Read the saved answers again and redraw the progress, the list of answers and any damaged rows."""
        answers = self._answers()
        try:
            damaged = self.store.damaged_rows() if self.store is not None else []
        except StoreError as error:
            damaged, self.status.value = [], notice("error", str(error))
        self.damage.value = notice("warning", damaged_rows_text(damaged)) if damaged else ""
        rows = progress(answers, self.chapters)
        self.summary.value = _summary_html(rows, answers)
        self.chart.outputs = (spec_output(progress_spec(rows), alt_text=progress_alt_text(rows)),)
        self.saved.value = _saved_html(export_sections(answers, self.chapters))

    def _clear_links(self) -> None:
        self.links.value = ""

    def _fresh_answers(self, message: ipw.HTML) -> list[SavedAnswer] | None:
        """Redraw the panel and read the latest answers; ``None`` (with the reason in ``message``) if they cannot be read."""
        self.refresh()
        if self.store is None:
            return None
        try:
            return with_tries(self.store.all_latest(), self.store.all_history(), self.chapters)
        except StoreError as error:
            message.value = notice("error", str(error))
            return None

    def prepare_class_file(self) -> None:
        """Build the anonymised class answers file from the latest answers and show its download link."""
        answers = self._fresh_answers(self.class_links)
        if answers is None:
            return
        now = datetime.now(UTC)
        try:
            text = export_class_answers(answers, self.chapters, now=now)
        except (TypeError, ValueError) as error:
            self.class_links.value = notice(
                "error", f"The class answers file could not be prepared ({error}). Your answers are unchanged."
            )
            return
        shared = len(class_answers(answers))
        if not shared:
            self.class_links.value = notice(
                "warning",
                "There is nothing to share yet: a class answers file holds answers to choice, number, sorting and "
                "rating questions, and you have not saved any.",
            )
            return
        link = _download_link(
            text, mime="text/markdown",
            filename=class_file_name([a.question_id.split(".")[0] for a in class_answers(answers)], now.date(), secrets.token_hex(3)),
            label="Download the class answers file (.md)",
        )  # fmt: skip
        left_out = len(answers) - shared
        left = (
            f" Left out: {_plural(left_out, 'other saved answer')} (reflections, case vignettes, language labs)."
            if left_out
            else ""
        )
        self.class_links.value = feedback_box(
            "info",
            f"<p>{link}</p><p>{_plural(shared, 'answer')}; no learner id.{left} Give the file to your lecturer "
            "as they ask (for example by uploading it to your course page).</p>",
            title="Your class answers file is ready",
        )

    def prepare_export(self) -> None:
        """Build both files from the latest answers and show their download links."""
        answers = self._fresh_answers(self.links)
        if answers is None:
            return
        learner_id = self.store.learner_id if self.store is not None and self.include_id.value else None
        now = datetime.now(UTC)
        try:
            markdown_text = export_markdown(answers, self.chapters, learner_id=learner_id, now=now)
            html_text = export_html(answers, self.chapters, learner_id=learner_id, now=now)
        except (TypeError, ValueError) as error:
            self.links.value = notice("error", f"Your log could not be prepared ({error}). Your answers are unchanged.")
            return
        stem = f"recovery-workbook-reflective-log-{now:%Y-%m-%d}"
        identity = "includes your pseudonymous learner id" if learner_id else "does not include your learner id"
        as_markdown = _download_link(
            markdown_text, filename=f"{stem}.md", mime="text/markdown", label="Download as Markdown (.md)"
        )
        as_html = _download_link(
            html_text, filename=f"{stem}.html", mime="text/html", label="Download as a web page (.html)"
        )
        self.links.value = feedback_box(
            "info",
            f"<ul><li>{as_markdown}</li><li>{as_html}</li>"
            f"</ul><p>{_plural(len(answers), 'answer')}; the log {identity}. It holds what you wrote, so keep it "
            "somewhere private.</p>",
            title="Your reflective log is ready",
        )

    def import_file(self, data: bytes, name: str) -> None:
        """Import the answers in ``data`` (an uploaded file called ``name``); a refused file changes nothing."""
        if self.store is None:
            self.status.value = notice("error", "There is no answers file to import into. Nothing was imported.")
            return
        try:
            imported = parse_export(data)
            checked = check_imported(imported.answers, self.chapters)
            added = self.store.import_answers(checked.kept)
        except (PortfolioError, StoreError) as error:
            self.status.value = notice("error", f"{Path(name).name}: nothing was imported. {error}")
            return
        skipped = len(checked.kept) - added
        verb = "was" if skipped == 1 else "were"
        already = f" {_plural(skipped, 'answer')} you already had {verb} skipped." if skipped else ""
        self.status.value = feedback_box(
            "correct" if added and not checked.skipped else "info" if not checked.skipped else "warning",
            f"<p>{_plural(added, 'answer')} added from {escape(Path(name).name)}.{already}</p>"
            + skipped_html(checked.skipped),
            title="Import finished",
        )
        self.refresh()

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        uploaded = files[0]
        self.import_file(bytes(uploaded["content"]), str(uploaded["name"]))
        self.upload.value = ()

    def delete(self) -> None:
        """Delete every saved answer of the learner, only if the confirmation box is ticked."""
        if not self.confirm.value:
            self.status.value = notice(
                "warning", "Nothing was deleted. Tick \u201cI understand this deletes all my saved answers\u201d first."
            )
            return
        if self.store is None:
            return
        try:
            deleted = self.store.delete_all()
        except StoreError as error:
            self.status.value = notice("error", str(error))
            return
        self.confirm.value = False
        self._clear_links()
        self.class_links.value = ""
        self.status.value = feedback_box(
            "info",
            f"<p>{_plural(deleted, 'saved answer')} deleted (including earlier versions). The answers file is kept, "
            "empty, for new answers. Chapters that are already open still show what was on screen until you "
            "reload them.</p>",
            title="Your saved answers were deleted",
        )
        self.refresh()


def portfolio_panel(db_path: Path | str | None = None) -> ipw.Widget:
    """The portfolio of the learner whose answers are in the default store (or ``db_path``)."""
    store, problem = open_store(db_path)
    return PortfolioView(store, problem).container


# --------------------------------------------------------------------------- the CPD record (issue 17)

_CPD_CSS = """<style>
.rw-cpd .widget-textarea.rw-stack { flex-direction: column; align-items: stretch; width: auto; align-self: stretch; }
.rw-cpd .rw-stack > .widget-label { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.rw-cpd .rw-stack textarea { box-sizing: border-box; width: 100%; }
.rw-cpd .rw-cpd-prompt h4 { margin: 0.9rem 0 0.1rem 0; font-size: 1em; }
.rw-cpd .rw-cpd-prompt p { margin: 0 0 0.2rem 0; color: #333; }
.rw-cpd .widget-radio-box label { white-space: normal; }
.rw-cpd .rw-hours { max-width: min(26rem, calc(100% - 8px)); }
.rw-cpd h3 { font-size: 1.1em; margin: 1rem 0 0.3rem 0; } .rw-cpd .rw-saved { color: #444; font-size: 0.85em; }
</style>"""


class CpdView:
    """Chapter 09's CPD record: pick a professional body's template, fill it in, download it as Markdown and a web page.

    The boxes start from the workbook's record of the activity and the student's chapter 09
    reflection; hours are the student's own (the chapters' time estimates are shown as a
    suggestion). What is typed is saved as a draft per template (question id ``09.cpd.<id>``,
    kind ``cpd_record``) whenever a box is left, and comes back when the panel is opened again.
    """

    def __init__(
        self,
        store: AnswerStore | None,
        store_problem: str | None = None,
        *,
        chapters: Mapping[str, ExerciseFile] | None = None,
        cpd: CpdFile | None = None,
    ) -> None:
        if chapters is None:
            chapters, _problems = all_chapters()
        self.store = store
        self.chapters = dict(chapters)
        self.problem = ipw.HTML(notice("error", store_problem or "The answers file could not be opened.") if store is None else "")
        try:
            self.cpd: CpdFile | None = cpd or load_cpd()
        except ContentError as error:
            self.cpd = None
            self.problem.value += notice("error", f"The CPD templates could not be read: {error}")
        templates = self.cpd.templates if self.cpd is not None else ()
        self.template = ipw.RadioButtons(
            options=[(t.name, t.id) for t in templates], value=None, description="Template",
            style={"description_width": "initial"}, layout=ipw.Layout(width="auto"),
        )  # fmt: skip
        self.template.add_class("rw-wrap")
        self.template.observe(lambda _change: self._show_template(), names="value")
        self.about = ipw.HTML()
        self.fields = ipw.VBox()
        self.texts: dict[tuple[str, str], ipw.Textarea] = {}
        self.ticks: dict[tuple[str, str], ipw.Checkbox] = {}
        self.drafts: dict[str, dict[str, Any]] = {}
        self._building = False
        self.draft_note = ipw.HTML()
        label = {"description_width": "initial"}
        self.hours = ipw.Text(
            description="Hours spent", placeholder="e.g. 2.5", style=label, layout=ipw.Layout(width="100%"),
            continuous_update=False,
        )  # fmt: skip
        self.participatory = ipw.Text(
            description="Of which participatory (with others)", placeholder="e.g. 0", style=label,
            layout=ipw.Layout(width="100%"), continuous_update=False,
        )  # fmt: skip
        for control in (self.hours, self.participatory):
            control.add_class("rw-hours")
            control.observe(lambda _change: self._save_draft(), names="value")
        self.suggestion = ipw.HTML()
        self.anonymised = ipw.Checkbox(
            value=False, indent=False, layout=ipw.Layout(width="auto"),
            description="I have left out anything that could identify a person I work with",
        )  # fmt: skip
        self.include_notes = ipw.Checkbox(
            value=True, indent=False, layout=ipw.Layout(width="auto"),
            description="Add my written reflections from the chapters as an appendix",
        )  # fmt: skip
        self.prepare_button = ipw.Button(
            description="Prepare my CPD record", button_style="primary", layout=ipw.Layout(width="auto"),
            tooltip="Check the template and prepare it as a Markdown file and a web page to download",
        )  # fmt: skip
        self.prepare_button.on_click(lambda _button: self.prepare())
        self.links = ipw.HTML()
        self.form = ipw.VBox(
            [self.about, self.fields, self.hours, self.participatory, self.suggestion, self.draft_note, self.anonymised,
             self.include_notes, self.prepare_button, self.links],
            layout=ipw.Layout(display="none"),
        )  # fmt: skip
        if store is None or self.cpd is None:
            self.template.disabled = True
        self.container = ipw.VBox(
            [
                ipw.HTML(STYLE + _CPD_CSS), self.problem,
                ipw.HTML(
                    "<h3>Your CPD record</h3><p>Choose the template of your professional body. Each follows what "
                    "that body asks a reflective record to hold, in the workbook's own words: copy what you write "
                    "into the body's own form or online account.</p>"
                ),
                self.template, self.form,
            ]  # fmt: skip
        )
        self.container.add_class("rw-exercise")
        self.container.add_class("rw-cpd")

    def _answers(self) -> list[SavedAnswer] | None:
        if self.store is None:
            return None
        try:
            return self.store.all_latest()
        except StoreError as error:
            self.links.value = notice("error", str(error))
            return None

    def _show_template(self) -> None:
        """Build the chosen template's boxes (text already typed into a template is kept when switching back)."""
        if self.cpd is None or self.template.value is None:
            self.form.layout.display = "none"
            return
        self._building = True
        try:
            self._build_template(self.cpd, str(self.template.value))
        finally:
            self._building = False

    def _build_template(self, cpd: CpdFile, template_id: str) -> None:
        template = cpd.template(template_id)
        answers = self._answers() or []
        work = workbook_record(answers, self.chapters, cpd.chapter_minutes)
        latest = {a.question_id: a for a in answers}
        draft = self.drafts.get(template.id)
        if draft is None and draft_id(template.id) in latest and isinstance(latest[draft_id(template.id)].answer, dict):
            draft = self.drafts[template.id] = dict(latest[draft_id(template.id)].answer)
        saved_texts = draft.get("texts", {}) if draft else {}
        self.about.value = "".join(markdown(paragraph) for paragraph in template.about)
        children: list[ipw.Widget] = []
        if template.checklist is not None:
            children.append(ipw.HTML(f"<p><strong>{escape(template.checklist.label)}</strong></p>"))
            for option in template.checklist.options:
                key = (template.id, option)
                if key not in self.ticks:
                    ticked = bool(draft) and option in draft.get("ticked", [])  # type: ignore[union-attr]
                    self.ticks[key] = ipw.Checkbox(value=ticked, description=option, indent=False, layout=ipw.Layout(width="auto"))
                    self.ticks[key].observe(lambda _change: self._save_draft(), names="value")
                children.append(self.ticks[key])
        for section in template.sections:
            key = (template.id, section.id)
            if key not in self.texts:
                start = ""
                if isinstance(saved_texts.get(section.id), str):
                    start = saved_texts[section.id]
                elif section.start_from == "activity":
                    start = activity_text(work)
                elif section.start_from is not None and section.start_from in latest:
                    text = latest[section.start_from].answer
                    start = str(text.get("text", "")) if isinstance(text, dict) else ""
                box = ipw.Textarea(
                    value=start, description=section.heading, placeholder=section.prompt, rows=5,
                    layout=ipw.Layout(width="auto"), continuous_update=False,
                )  # fmt: skip
                box.add_class("rw-stack")
                box.observe(lambda _change: self._save_draft(), names="value")
                self.texts[key] = box
            prompt = f'<div class="rw-cpd-prompt"><h4>{escape(section.heading)}</h4><p>{escape(section.prompt)}</p></div>'
            children += [ipw.HTML(prompt), self.texts[key]]
        self.fields.children = tuple(children)
        self.hours.description = "Hours spent" + (" (optional)" if template.hours == "optional" else "")
        self.participatory.layout.display = None if template.participatory else "none"
        self.hours.value = str(draft.get("hours", "")) if draft else ""
        self.participatory.value = str(draft.get("participatory", "")) if draft else ""
        suggestion = suggested_hours(work, cpd.hours)
        self.suggestion.value = suggestion_html(work, suggestion, cpd.hours.maximum)
        self.links.value = self.draft_note.value = ""
        self.form.layout.display = None

    def _save_draft(self) -> None:
        """Save what is typed for the chosen template as a draft, if it changed (one appended row)."""
        if self._building or self.store is None or self.template.value is None:
            return
        entry = self.entry()
        draft = {"template": entry.template_id, "texts": dict(entry.texts), "ticked": list(entry.ticked),
                 "hours": entry.hours, "participatory": entry.participatory}  # fmt: skip
        if draft == self.drafts.get(entry.template_id):
            return
        try:
            self.store.save(draft_id(entry.template_id), "cpd_record", draft)
        except StoreError as error:
            self.draft_note.value = notice("error", f"Your draft could not be saved; copy your text somewhere safe. {error}")
            return
        self.drafts[entry.template_id] = draft
        self.draft_note.value = (
            f'<p class="rw-saved">Draft saved in your answers file at {datetime.now(UTC):%H:%M} UTC; it comes back '
            "when you open this chapter again.</p>"
        )

    def entry(self) -> CpdEntry:
        """What is typed and ticked now, for the chosen template."""
        template_id = str(self.template.value)
        return CpdEntry(
            template_id,
            {section: box.value for (tid, section), box in self.texts.items() if tid == template_id},
            tuple(option for (tid, option), box in self.ticks.items() if tid == template_id and box.value),
            self.hours.value,
            self.participatory.value,
            self.anonymised.value,
        )

    def prepare(self) -> None:
        """Check the entry and show the download links, or list every problem to fix."""
        if self.cpd is None or self.template.value is None:
            self.links.value = notice("warning", "Choose a template first.")
            return
        answers = self._answers()
        if answers is None:
            return
        try:
            record = check_entry(self.entry(), self.cpd)
        except CpdError as error:
            items = "".join(f"<li>{escape(problem)}</li>" for problem in error.problems)
            self.links.value = feedback_box("incorrect", f"<ul>{items}</ul>", title="Not ready yet: please fix")
            return
        work = workbook_record(answers, self.chapters, self.cpd.chapter_minutes)
        notes = reflections(answers, self.chapters) if self.include_notes.value else ()
        suggestion = suggested_hours(work, self.cpd.hours)
        now = datetime.now(UTC)
        stem = cpd_file_stem(record, now)
        as_markdown = _download_link(
            cpd_markdown(record, work, notes, suggestion=suggestion, now=now),
            filename=f"{stem}.md", mime="text/markdown", label="Download as Markdown (.md)",
        )  # fmt: skip
        as_html = _download_link(
            cpd_html(record, work, notes, suggestion=suggestion, now=now),
            filename=f"{stem}.html", mime="text/html", label="Download as a web page (.html)",
        )  # fmt: skip
        self.links.value = feedback_box(
            "info",
            f"<ul><li>{as_markdown}</li><li>{as_html}</li></ul><p>{escape(record.template.name)}"
            + (f", with {_plural(len(notes), 'written reflection')} from the chapters as an appendix" if notes else "")
            + ". It holds what you wrote: keep the downloaded file somewhere private.</p>",
            title="Your CPD record is ready",
        )


def cpd_panel(db_path: Path | str | None = None) -> ipw.Widget:
    """The CPD record panel of the learner whose answers are in the default store (or ``db_path``)."""
    store, problem = open_store(db_path)
    return CpdView(store, problem).container
