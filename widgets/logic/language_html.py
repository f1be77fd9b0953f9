"""The recovery-language checker's feedback panel and list of findings, as escaped HTML (no widgets)."""

from __future__ import annotations

from collections.abc import Sequence

from ..content.language import SOURCES, Lexicon
from .language import IDENTITY_NOTE, SUPPORT_NOTE, Finding, LanguageCheck, label
from .markup import escape, feedback_box

__all__ = ["LANGUAGE_STYLE", "findings_list_html", "plural", "render_check"]


# --------------------------------------------------------------------------- rendering

LANGUAGE_STYLE = """<style>
.rw-exercise mark.rw-flag { background: #fff1a8; color: #111; padding: 0 0.1em; border-bottom: 2px solid #5c3c00; }
.rw-exercise mark.rw-flag-note { background: #e8f1fb; border-bottom: 2px dotted #0b3b66; }
.rw-exercise .rw-flag-label { color: #5c3c00; font-size: 0.75em; font-weight: 600; margin-left: 0.1em; }
.rw-exercise .rw-checked-text { white-space: pre-wrap; border: 1px solid #bbb; border-radius: 4px;
  padding: 0.4rem 0.6rem; margin: 0.3rem 0; background: #fff; color: #111; }
.rw-exercise .rw-original { margin: 0.6rem 0 0.2rem 0; }
</style>"""


def _source_html(lexicon: Lexicon, entry_id: str) -> str:
    try:
        source = lexicon.entry(entry_id).source
    except KeyError:
        return ""
    return f' <span class="rw-id">Source: {escape(SOURCES.get(source, source))}</span>'


def _finding_html(finding: Finding, lexicon: Lexicon) -> str:
    said = f"<strong>“{escape(finding.text)}”</strong> [{escape(label(finding))}]"
    if not finding.is_flag:
        return f"<li>{said}: {escape(finding.note)}</li>"
    if finding.replacement is not None:
        how = f" The suggested rewrite uses “{escape(finding.replacement)}”."
    else:
        how = " No automatic rewrite: this needs your own words."
    return (
        f"<li>{said}: {escape(finding.reason)} <strong>Instead:</strong> {escape(finding.alternative)}.{how}"
        f"{_source_html(lexicon, finding.entry_id)}</li>"
    )


def findings_list_html(findings: Sequence[Finding], lexicon: Lexicon) -> str:
    items = "".join(_finding_html(f, lexicon) for f in findings)
    extra = ""
    if any(f.category == "labelling" and f.context != "third-party" for f in findings):
        extra += f"<p>{escape(IDENTITY_NOTE)}</p>"
    if any(f.support for f in findings):
        extra += f'<p class="rw-support"><strong>Support:</strong> {escape(SUPPORT_NOTE)}</p>'
    return f"<ul>{items}</ul>{extra}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_check(check: LanguageCheck, lexicon: Lexicon) -> str:
    """The checker's feedback panel for one :class:`LanguageCheck` (user text escaped)."""
    highlighted = f'<div class="rw-checked-text">{check.highlighted_html}</div>'
    known = f"The checker knows {plural(len(lexicon.entries), 'kind')} of phrase"
    flags, notes = check.flags, check.notes
    if not flags:
        body = (
            f"{highlighted}{findings_list_html(notes, lexicon) if notes else ''}"
            f"<p>{known}; none of them needs changing in this text. Read it once more as the person it "
            "describes would: respectful language is more than avoiding a list.</p>"
        )
        title = "✔ No flagged phrases." if not notes else f"✔ No flagged phrases; {plural(len(notes), 'note')}."
        return feedback_box("info", body, title=title)
    by_hand = sum(1 for f in flags if f.replacement is None)
    if check.rewrite != check.text:
        rewrite = (
            f'<p><strong>Suggested rewrite:</strong></p><div class="rw-checked-text">{escape(check.rewrite)}</div>'
        )
    else:
        rewrite = "<p><strong>No automatic rewrite.</strong></p>"
    left = (
        f"<p>{plural(by_hand, 'flagged phrase')} {'is' if by_hand == 1 else 'are'} left for you to rewrite "
        "by hand: the checker cannot know the facts, so it does not guess them.</p>"
        if by_hand
        else ""
    )
    body = (
        f"{highlighted}{findings_list_html(check.findings, lexicon)}{rewrite}{left}"
        "<p>The rewrite only swaps phrases it can swap safely and never changes words in quotation marks: "
        "check it reads well, and where you can, use the person's own words.</p>"
    )
    return feedback_box("warning", body, title=f"{plural(len(flags), 'phrase')} to reconsider.")
