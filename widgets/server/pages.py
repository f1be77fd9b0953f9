"""The plain pages a viewer sees when the server says no: too busy (503), not here (404), a bad address.

One standalone HTML document each, no scripts, no outside requests, large type in the viewer's light or
dark colours; every interpolated text is escaped. Pure and typed.

>>> page = refused_page(Refusal.FULL, Limits(40, 20))
>>> "Wait a minute" in page and "RECOVERY_MAX_KERNELS" in page and "Traceback" not in page
True
"""

from __future__ import annotations

from html import escape

from .guard import Limits, Refusal

__all__ = ["error_page", "refused_page"]

RETRY_SECONDS = 60
"""The refused page reloads itself after this long (and says so)."""

_STYLE = """
  :root { color-scheme: light dark; }
  body { margin: 0; font: 24px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         background: #fff; color: #000; }
  main { max-width: 38em; margin: 8vh auto; padding: 0 1.2em; }
  h1 { font-size: 1.6em; line-height: 1.2; margin: 0 0 0.6em; }
  p { margin: 0 0 0.9em; }
  .lecturer { margin-top: 2em; padding: 0.8em 1em; border: 2px solid #555; border-radius: 6px; font-size: 0.8em; }
  .lecturer h2 { font-size: 1em; margin: 0 0 0.4em; }
  code { font-size: 0.95em; background: #eee; padding: 0 0.2em; border-radius: 3px; }
  a { color: #0645ad; }
  @media (prefers-color-scheme: dark) {
    body { background: #111; color: #fff; }
    .lecturer { border-color: #aaa; }
    code { background: #333; }
    a { color: #8ab4f8; }
  }
"""


def _document(title: str, body: str, *, refresh: int | None = None) -> str:
    meta = f'\n  <meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{meta}\n  <title>{escape(title)}</title>\n  <style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def refused_page(reason: Refusal, limits: Limits) -> str:
    """The page for a viewer refused a kernel: what happened, what to do, and what the lecturer can change."""
    if reason is Refusal.FULL:
        student = (
            "<p>Too many pages are open on the lecturer's computer right now, so this one cannot start.</p>"
            f"<p><strong>Wait a minute, then reload this page.</strong> It tries again by itself after {RETRY_SECONDS} seconds.</p>"
        )
        lecturer = (
            f"<p>This server runs at most <strong>{limits.max_kernels}</strong> pages at once "
            f"(<code>RECOVERY_MAX_KERNELS={limits.max_kernels}</code>). A page closed in its browser frees its place at "
            "once; a page that vanished (a phone asleep, a lost connection) within about "
            f"{round((limits.disconnect_grace + 30) / 60)} minutes. If the room needs more and the computer has the memory "
            "(about 100 MiB a page), stop the server and start it again with a larger <code>RECOVERY_MAX_KERNELS</code> "
            "(or a larger <code>--students</code>).</p>"
        )
    else:
        student = (
            "<p>Too many pages are loading from your network at the same moment, so this one waits its turn.</p>"
            f"<p><strong>Wait a minute, then reload this page.</strong> It tries again by itself after {RETRY_SECONDS} seconds.</p>"
        )
        lecturer = (
            f"<p>One network address may have <strong>{limits.max_pending_per_client}</strong> pages loading at once "
            f"(half of <code>RECOVERY_MAX_KERNELS={limits.max_kernels}</code>); a page stops counting as soon as it is open. "
            "If the whole class shares one address and arrives in the same few seconds, ask half the room to open the page "
            "a minute later, or start the server with a larger <code>RECOVERY_MAX_KERNELS</code>.</p>"
        )
    body = (
        "<h1>This page cannot open yet</h1>\n"
        f"{student}\n"
        f'<section class="lecturer" aria-labelledby="for-lecturer"><h2 id="for-lecturer">For the lecturer</h2>{lecturer}</section>'
    )
    return _document("Please wait a minute and reload", body, refresh=RETRY_SECONDS)


_ERRORS = {
    400: ("This address is not right", "The address has a mistake in it. Check it, or ask the lecturer for the link."),
    403: ("This page is not shared", "This address is not one the lecturer shares. Ask the lecturer for the link."),
    404: (
        "There is no page here",
        "This address is not one of the pages the lecturer shares. Check it, or ask the lecturer for the link.",
    ),
    405: ("This address is not a page", "This address cannot be opened as a page. Ask the lecturer for the link."),
}


def error_page(status: int) -> str:
    """A plain page for an HTTP error: what happened in words, never a traceback or a file path."""
    title, text = _ERRORS.get(
        status,
        ("Something went wrong", "The server could not show this page. It is recorded there; reload the page to try again."),
    )
    body = f"<h1>{escape(title)}</h1>\n<p>{escape(text)}</p>\n<p>Error {int(status)}.</p>"
    return _document(title, body)
