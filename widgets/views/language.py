"""The recovery-language checker's two views: paste any text, or rewrite a lab's sentences.

Both build their controls once and call :func:`widgets.logic.language.check_language`
/ :func:`~widgets.logic.language.render_check` on each press; a broken lexicon file
is a message in the widget, not a traceback.
"""

from __future__ import annotations

from typing import Any, Literal

import ipywidgets as ipw

from ..content.language import Lab, LabSentence, Lexicon, LexiconError, lab_question_id, load_lexicon
from ..logic.language import check_language, find_phrases, highlight_html
from ..logic.language_html import LANGUAGE_STYLE, findings_list_html, plural, render_check
from ..logic.markup import STYLE, escape, feedback_box, markdown, notice
from ..storage.store import AnswerStore
from .exercises import AnswerSlot

__all__ = ["LanguageChecker", "LanguageLab"]


MAX_TEXT = 20_000
"""The most characters the checker view reads at once (a long care record is checked in parts)."""

_FULL = ipw.Layout(width="100%")
_LABEL_STYLE = {"description_width": "initial"}


def _lexicon_or_problem(lexicon: Lexicon | None) -> tuple[Lexicon | None, str | None]:
    if lexicon is not None:
        return lexicon, None
    try:
        return load_lexicon(), None
    except LexiconError as error:
        return None, f"The language checker cannot start: {error}"


# --------------------------------------------------------------------------- views


class LanguageChecker:
    """Paste or type any text, press *Check language*, see flagged phrases and a suggested rewrite.

    Parameters
    ----------
    lexicon
        The phrases to flag; default :func:`load_lexicon`. A broken lexicon file
        becomes a message in the widget, not a traceback.
    text
        Text to start with.
    """

    def __init__(self, *, lexicon: Lexicon | None = None, text: str = "") -> None:
        self.lexicon, problem = _lexicon_or_problem(lexicon)
        self.text = ipw.Textarea(
            value=text,
            placeholder="Paste or type a sentence from a (fictional) care record.",
            description="Text to check:",
            rows=5,
            continuous_update=False,
            style=_LABEL_STYLE,
            layout=_FULL,
        )
        self.button = ipw.Button(
            description="Check language", button_style="primary", tooltip="Check the text for flagged phrases"
        )
        self.button.on_click(lambda _button: self._on_change())
        self.button.disabled = self.lexicon is None
        self.result = ipw.HTML(notice("error", problem) if problem else "")
        self.container = ipw.VBox([ipw.HTML(STYLE + LANGUAGE_STYLE), self.text, self.button, self.result])
        self.container.add_class("rw-exercise")
        self.container.add_class("rw-language-checker")

    def _on_change(self) -> None:
        if self.lexicon is None:
            return
        if not self.text.value.strip():
            self.result.value = notice("warning", "Type or paste some text first.")
            return
        if len(self.text.value) > MAX_TEXT:
            self.result.value = notice(
                "warning",
                f"This text has {len(self.text.value):,} characters; the checker reads at most {MAX_TEXT:,} at a "
                "time. Paste a few paragraphs at a time.",
            )
            return
        self.result.value = render_check(check_language(self.text.value, self.lexicon), self.lexicon)


class LanguageLab:
    """Rewrite each sentence of a lab, check the rewrites, then compare with model rewrites.

    The rewrites are saved as ``{"rewrites": {sentence_id: text}}`` under
    :func:`lab_question_id` each time they are checked, and restored (and checked
    again) when the lab is shown again.

    Parameters
    ----------
    lab
        From :func:`load_labs`.
    store
        The answer store, or ``None`` to save nothing.
    store_problem
        Why there is no store, shown as a warning.
    lexicon
        Default :func:`load_lexicon`.
    """

    kind = "language_lab"

    def __init__(
        self,
        lab: Lab,
        *,
        store: AnswerStore | None,
        store_problem: str | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.lab = lab
        self.store = store
        self.question_id = lab_question_id(lab)
        self.lexicon, problem = _lexicon_or_problem(lexicon)
        self.prompt = ipw.HTML(
            f'<div class="rw-prompt"><span class="rw-id">Language lab {escape(self.question_id)}</span>'
            f"{markdown(lab.prompt)}</div>"
        )
        self.rewrites: dict[str, ipw.Textarea] = {}
        self.results: dict[str, ipw.HTML] = {}
        rows: list[ipw.Widget] = []
        for number, sentence in enumerate(lab.sentences, start=1):
            original = ipw.HTML(
                f'<p class="rw-original"><strong>Sentence {number}:</strong> {escape(sentence.text)}</p>'
            )
            area = ipw.Textarea(
                value=sentence.text,
                description=f"Rewrite {number}:",
                rows=3,
                continuous_update=False,
                style=_LABEL_STYLE,
                layout=_FULL,
            )
            self.rewrites[sentence.id] = area
            self.results[sentence.id] = ipw.HTML("")
            rows += [original, area, self.results[sentence.id]]
        self.button = ipw.Button(
            description="Check my rewrites", button_style="primary", tooltip=f"Check my rewrites for {self.question_id}"
        )
        self.button.on_click(lambda _button: self._on_change())
        self.button.disabled = self.lexicon is None
        self.feedback = ipw.HTML(notice("error", problem) if problem else "")
        self.status = ipw.HTML(notice("warning", store_problem) if store_problem else "")
        self.slot = AnswerSlot(store, self.question_id, self.kind, self.status)
        self.container = ipw.VBox(
            [ipw.HTML(STYLE + LANGUAGE_STYLE), self.prompt, *rows, self.button, self.feedback, self.status]
        )
        self.container.add_class("rw-exercise")
        self.container.add_class("rw-language-lab")
        self._load_saved()

    def answer(self) -> dict[str, dict[str, str]]:
        """What would be saved now."""
        return {"rewrites": {sentence_id: area.value for sentence_id, area in self.rewrites.items()}}

    def _sentence_html(self, number: int, sentence: LabSentence, rewrite: str, lexicon: Lexicon) -> tuple[str, bool]:
        model = (
            f"<p><strong>Model rewrite {number}:</strong> {escape(sentence.model_rewrite)} "
            '<span class="rw-id">(one way to say it, not the only right one)</span></p>'
        )
        if not rewrite.strip():
            return f"<p><strong>⚠ Rewrite {number} is empty.</strong> Write your version first.</p>", False
        findings = find_phrases(rewrite, lexicon)
        flags = [f for f in findings if f.is_flag]
        unchanged = " It is the same as the original sentence." if rewrite.strip() == sentence.text.strip() else ""
        if not flags:
            notes = (
                f'<div class="rw-checked-text">{highlight_html(rewrite, findings)}</div>'
                f"{findings_list_html(findings, lexicon)}"
                if findings
                else ""
            )
            return f"<p><strong>✔ no flagged phrases</strong> in rewrite {number}.{unchanged}</p>{notes}{model}", True
        flagged = (
            f"<p><strong>⚠ {plural(len(flags), 'flagged phrase')}</strong> still in rewrite {number}.{unchanged}</p>"
            f'<div class="rw-checked-text">{highlight_html(rewrite, findings)}</div>'
            f"{findings_list_html(findings, lexicon)}"
        )
        return flagged + model, False

    def _on_change(self) -> None:
        if self.lexicon is None:
            return
        answer = self.answer()
        self._render(answer["rewrites"], self.lexicon)
        self._save(answer)

    def _render(self, rewrites: dict[str, str], lexicon: Lexicon) -> None:
        clean = 0
        for number, sentence in enumerate(self.lab.sentences, start=1):
            html, ok = self._sentence_html(number, sentence, rewrites[sentence.id], lexicon)
            colour = "#0b4d1e" if ok else "#5c3c00"
            self.results[sentence.id].value = f'<div class="rw-box" style="border-color:{colour};">{html}</div>'
            clean += ok
        total = len(self.lab.sentences)
        verdict: Literal["correct", "partly", "incorrect"] = (
            "correct" if clean == total else ("partly" if clean else "incorrect")
        )
        self.feedback.value = feedback_box(
            verdict,
            "<p>Compare each of your rewrites with the model rewrite shown under it.</p>",
            title=f"Rewrites free of flagged phrases: {clean} of {total}.",
        )

    def _save(self, answer: dict[str, Any]) -> None:
        self.slot.save(answer)

    def _load_saved(self) -> None:
        saved = self.slot.latest()
        if saved is None:
            return
        rewrites = saved.answer.get("rewrites") if isinstance(saved.answer, dict) else None
        if not isinstance(rewrites, dict) or not all(isinstance(v, str) for v in rewrites.values()):
            self.status.value = notice(
                "warning",
                "Your earlier rewrites no longer fit this lab (it was changed). They are still kept in your answers file.",
            )
            return
        for sentence_id, text in rewrites.items():
            if sentence_id in self.rewrites:
                self.rewrites[sentence_id].value = text
        self.slot.remember(saved.answer)
        if self.lexicon is not None:
            self._render(self.answer()["rewrites"], self.lexicon)
        self.slot.shown(saved, "Your rewrites")
