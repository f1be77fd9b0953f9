"""HTML fragments shared by the views: content Markdown, feedback boxes, notices.

Content text (prompts, feedback) is Markdown from ``data/`` and is rendered with
raw HTML escaped. Anything a user typed goes through :func:`html.escape` before
it is put in a fragment. Verdicts carry a symbol *and* a word, so feedback never
relies on colour alone; colours are dark text on light tints (contrast > 7:1).
"""

from __future__ import annotations

from html import escape
from typing import Literal

import mistune

__all__ = ["STYLE", "Verdict", "escape", "feedback_box", "markdown", "notice"]

_render = mistune.create_markdown(escape=True)

Verdict = Literal["correct", "partly", "incorrect", "info", "warning", "error"]

_VERDICTS: dict[Verdict, tuple[str, str, str, str]] = {
    # verdict: (symbol, word, text colour, background)
    "correct": ("✔", "Correct.", "#0b4d1e", "#e6f4ea"),
    "partly": ("◐", "Partly right.", "#5c3c00", "#fff4e0"),
    "incorrect": ("✘", "Not quite.", "#8a1022", "#fdecee"),
    "info": ("ℹ", "", "#0b3b66", "#e8f1fb"),
    "warning": ("⚠", "Note:", "#5c3c00", "#fff4e0"),
    "error": ("⚠", "Problem:", "#8a1022", "#fdecee"),
}

STYLE = """<style>
.rw-exercise { max-width: 54rem; line-height: 1.5; margin: 0.5rem 0 1rem 0; }
.rw-exercise, .rw-exercise .widget-label, .rw-exercise label, .rw-exercise select, .rw-exercise button,
.rw-exercise input, .rw-exercise textarea, .rw-exercise .widget-html-content { font-size: var(--jp-content-font-size1, 14px); }
.rw-exercise .widget-label, .rw-wrap .widget-label { white-space: normal; overflow: visible; height: auto; line-height: 1.4; }
.rw-wrap { height: auto !important; align-items: flex-start; }
.rw-wrap .widget-label { text-align: left; width: auto !important; max-width: 36rem; min-width: 12rem; flex: 1 1 auto; }
.rw-wrap select { max-width: 16rem; flex: 0 0 16rem; }
.rw-exercise .widget-radio-box { height: auto; }
.rw-exercise .widget-radio-box label { display: flex; flex-direction: row-reverse; justify-content: flex-end;
  align-items: flex-start; gap: 0.5rem; white-space: normal;
  height: auto; line-height: 1.4; margin: 0.15rem 0; }
.rw-exercise .widget-radio-box input { flex: none; margin-top: 0.25em; }
.rw-exercise .widget-checkbox { height: auto; width: auto; }
.rw-exercise .widget-checkbox label { display: flex; align-items: flex-start; gap: 0.5rem; white-space: normal; height: auto; line-height: 1.4; }
.rw-exercise .widget-checkbox input { flex: none; margin-top: 0.25em; }
.rw-exercise .widget-button { width: auto; align-self: flex-start; }
.rw-exercise button { height: auto; min-height: 2.2em; padding: 0.2em 0.9em; }
.rw-exercise button:focus-visible, .rw-exercise select:focus-visible, .rw-exercise input:focus-visible,
.rw-exercise textarea:focus-visible { outline: 3px solid #0b3b66; outline-offset: 2px; }
.rw-box { border-left: 6px solid; border-radius: 4px; padding: 0.5rem 0.8rem; margin: 0.3rem 0; color: #111; }
.rw-box p { margin: 0.2rem 0; }
.rw-box ul { margin: 0.2rem 0; padding-left: 1.4rem; }
.rw-prompt p { margin: 0.2rem 0 0.5rem 0; font-weight: 600; }
.rw-id { color: var(--jp-ui-font-color1, #333); font-size: 0.85em; }
.rw-facts { border-collapse: collapse; margin: 0.4rem 0; }
.rw-facts caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
.rw-facts th, .rw-facts td { border-bottom: 1px solid #bbb; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
.rw-facts th[scope="row"] { min-width: 8rem; }
.rw-exercise a, .rw-exercise a:link, .rw-exercise a:visited { text-decoration: underline; color: var(--jp-content-link-color, #0b3b66); }
.rw-box a, .rw-box a:link, .rw-box a:visited { color: #0b3b66; }
</style>"""


def markdown(text: str) -> str:
    """Render trusted content Markdown to HTML, escaping any raw HTML in it."""
    return str(_render(text)).strip()


def feedback_box(verdict: Verdict, body_html: str, *, title: str | None = None) -> str:
    """A feedback panel: symbol, verdict word and body, announced politely to screen readers.

    ``body_html`` must already be safe HTML (escape user text first).
    """
    symbol, word, colour, background = _VERDICTS[verdict]
    heading = escape(title) if title is not None else word
    return (
        f'<div class="rw-box rw-{verdict}" role="status" aria-live="polite" '
        f'style="border-color:{colour};background:{background};">'
        f'<p style="color:{colour};"><strong><span aria-hidden="true">{symbol}</span> {heading}</strong></p>'
        f"{body_html}</div>"
    )


def notice(verdict: Verdict, message: str) -> str:
    """A one-line notice from plain text (escaped)."""
    return feedback_box(verdict, f"<p>{escape(message)}</p>")
