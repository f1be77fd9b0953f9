"""The join screen's logic: which address the room is given, and its QR code, made here (segno), with no web service.

``python3 tasks.py present`` starts the students' server and puts its address in the
environment variable :data:`STUDENT_URL_VARIABLE` of the lecturer's server; this module
reads that address (the environment is passed in, so the logic stays pure), checks it,
and draws the screen the projector shows: the address in very large type and a QR code
that a phone's camera turns into the same address.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import segno

from .markup import escape, feedback_box

__all__ = ["STUDENT_URL_VARIABLE", "JoinAddress", "join_html", "qr_svg", "qr_svg_data_uri", "student_address"]

STUDENT_URL_VARIABLE = "RECOVERY_STUDENT_URL"
"""The environment variable holding the students' address (set by ``tasks.py present``, or by hand on a hub)."""

_NOT_SET = (
    "No students' address is set, so this screen cannot show one. Start the seminar with "
    "`python3 tasks.py present`: it starts the students' server and shows its address here. "
    f"On a JupyterHub, set {STUDENT_URL_VARIABLE} to the address of the class-poll page before starting this server."
)

_MAX_URL = 400
"""Longer addresses are refused: nobody types them, and their QR code is too dense to scan from the back of a room."""


@dataclass(frozen=True)
class JoinAddress:
    """The address to give the room, or why there is none; ``caution`` is shown beside a usable address."""

    url: str | None
    problem: str | None = None
    caution: str | None = None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def student_address(environ: Mapping[str, str]) -> JoinAddress:
    """The students' address from ``environ`` (see :data:`STUDENT_URL_VARIABLE`), checked.

    >>> student_address({"RECOVERY_STUDENT_URL": "http://192.168.1.20:8867/"}).url
    'http://192.168.1.20:8867/'
    >>> student_address({}).url is None
    True
    >>> student_address({"RECOVERY_STUDENT_URL": "javascript:alert(1)"}).problem
    "RECOVERY_STUDENT_URL is not a web address (it must start with http:// or https:// and name a host): 'javascript:alert(1)'."
    """
    raw = environ.get(STUDENT_URL_VARIABLE, "").strip()
    if not raw:
        return JoinAddress(None, problem=_NOT_SET)
    if len(raw) > _MAX_URL:
        return JoinAddress(
            None, problem=f"{STUDENT_URL_VARIABLE} is {len(raw)} characters long; give the room an address of at most {_MAX_URL}."
        )
    try:
        parts = urlsplit(raw)
        host, _port = parts.hostname, parts.port
    except ValueError:
        host = None
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not host or any(char.isspace() for char in raw):
        return JoinAddress(
            None,
            problem=f"{STUDENT_URL_VARIABLE} is not a web address (it must start with http:// or https:// and name a host): {raw!r}.",
        )
    if _loopback(host):
        return JoinAddress(
            raw,
            caution=(
                "This address works only on this computer: students' devices cannot open it. To serve the room, start "
                "`python3 tasks.py present --ip=0.0.0.0` on a network you trust."
            ),
        )
    return JoinAddress(raw)


def qr_svg(url: str, *, scale: int = 1) -> str:
    """The QR code of ``url`` as an SVG document: black modules on white, with the 4-module quiet zone readers need.

    Error correction level M (15% of the code may be lost, a projector's glare or keystone) is kept
    even when a higher level would fit (segno's ``boost_error`` is off), so the code stays coarse.
    """
    code = segno.make(url, error="m", micro=False, boost_error=False)
    return str(code.svg_inline(scale=scale, border=4, dark="#000000", light="#ffffff", omitsize=True))


def qr_svg_data_uri(url: str) -> str:
    """The QR code as a ``data:`` URI (an ``<img>`` source), drawn by the browser at any size."""
    code = segno.make(url, error="m", micro=False, boost_error=False)
    return str(code.svg_data_uri(scale=1, border=4, dark="#000000", light="#ffffff", omitsize=True))


_JOIN_CSS = """<style>
/* One block across the screen: the projector template's two reading columns would split the address from its code. */
main#rendered_cells .jp-OutputArea-output > .rw-exercise.rw-join-screen.widget-vbox,
.rw-exercise.rw-join-screen { display: flex !important; column-count: 1 !important; max-width: none; }
.rw-join { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 2rem 3rem; width: 100%; }
.rw-join-text { flex: 1 1 24rem; min-width: 0; }
.rw-join-url { font-size: clamp(28px, 3.6vw, 110px); font-weight: 700; line-height: 1.15; margin: 0.2rem 0 1rem 0;
  overflow-wrap: anywhere; font-family: var(--jp-code-font-family, monospace); letter-spacing: 0.01em; }
.rw-join-qr { flex: 0 0 auto; margin: 0; max-width: 100%; }
.rw-join-qr img { display: block; width: min(52vh, 38vw); max-width: 100%; min-width: min(220px, 100%); height: auto; aspect-ratio: 1 / 1;
  image-rendering: pixelated; }
@media (max-width: 700px) { .rw-join-qr img { width: 100%; } }
</style>"""


def _breakable(url: str) -> str:
    """``url`` escaped, with line-break opportunities after ``//`` and before a port or a path, never inside a number.

    >>> _breakable("http://10.0.0.5:8867/a")
    'http://<wbr>10.0.0.5<wbr>:8867<wbr>/a'
    """
    scheme, separator, rest = url.partition("://")
    if not separator:
        return escape(url)
    pieces = [piece for piece in re.split(r"(?=[:/?])", rest) if piece]
    return escape(scheme + separator) + "<wbr>" + "<wbr>".join(escape(piece) for piece in pieces)


def _box(message: str) -> str:
    """A warning box for ``message``, escaped, with its `commands` set as code."""
    return feedback_box("warning", "<p>" + re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(message)) + "</p>")


def join_html(address: JoinAddress) -> str:
    """The join screen: the students' address in very large type and its QR code, or what to do when there is none."""
    if address.url is None:
        return _JOIN_CSS + _box(address.problem or _NOT_SET)
    url = escape(address.url)
    caution = _box(address.caution) if address.caution else ""
    return (
        _JOIN_CSS
        + '<div class="rw-join">'
        + '<div class="rw-join-text">'
        + f'<p class="rw-join-url" id="rw-join-url">{_breakable(address.url)}</p>'
        + "<p>The page shows the question the lecturer opens. There is no sign-in and no name: your vote is kept "
        + "under a random id that your browser makes, and the lecturer sees only the totals.</p>"
        + caution
        + "</div>"
        + f'<figure class="rw-join-qr"><img src="{escape(qr_svg_data_uri(address.url))}" alt="QR code for {url}"></figure>'
        + "</div>"
    )
