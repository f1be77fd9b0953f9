"""How long a browser may keep each static file Voilà serves, so a reload fetches almost nothing.

A file whose address says its version (a ``?v=`` hash, or a content hash in its name, as every
JupyterLab extension chunk has) never changes at that address: the browser keeps it a year and does
not ask again. Voilà's own scripts (``/voila/static/``) carry no version, so they are kept an hour (a
seminar) and asked for again after. Everything else (pages, the kernel API, unversioned extension
metadata) is left as Voilà sends it. Pure and typed.

>>> cache_control("/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/84.09c61a35dce1705f.js", versioned=False)
'public, max-age=31536000, immutable'
>>> cache_control("/voila/static/7155.voila.js", versioned=False)
'public, max-age=3600'
>>> cache_control("/voila/labextensions/anywidget/package.json", versioned=False) is None
True
>>> cache_control("/voila/render/class-poll.ipynb", versioned=True) is None
True

A versioned file is also compressed once: its gzip bytes are kept (``GzipStore``) and served to every
later viewer that accepts gzip, instead of the server compressing the same file for each first visit.
Only a plain full GET uses them; a range, a conditional request or a HEAD goes the usual way.

>>> serve_stored_gzip("GET", "/voila/labextensions/x/static/remoteEntry.js", versioned=True,
...                   headers={"Accept-Encoding": "gzip, deflate, br"})
True
>>> serve_stored_gzip("GET", "/voila/static/voila.js", versioned=False, headers={"Accept-Encoding": "gzip"})
False
>>> serve_stored_gzip("GET", "/voila/static/voila.js", versioned=True, headers={"Accept-Encoding": "gzip;q=0"})
False
>>> serve_stored_gzip("GET", "/voila/static/voila.js", versioned=True, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
False
"""

from __future__ import annotations

import gzip
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping

__all__ = ["IMMUTABLE", "SEMINAR", "GzipStore", "cache_control", "compressible", "serve_stored_gzip"]

IMMUTABLE = "public, max-age=31536000, immutable"
SEMINAR = "public, max-age=3600"
_HASHED_NAME = re.compile(r"[.-][0-9a-f]{8,}\.(?:js|css|map|woff2?|ttf|eot|svg|png|gif|json|wasm)$")
_STATIC_ROOTS = ("/voila/static/", "/voila/labextensions/", "/voila/templates/")


def cache_control(path: str, *, versioned: bool) -> str | None:
    """The ``Cache-Control`` for a successful response to ``path``, or None to keep Voilà's own.

    ``versioned`` is whether the request carried a ``v`` (version hash) query argument.
    """
    root = next((start for start in _STATIC_ROOTS if start in path), None)
    if root is None:
        return None
    name = path.rsplit("/", 1)[-1]
    if versioned or _HASHED_NAME.search(name):
        return IMMUTABLE
    if root == "/voila/static/":
        return SEMINAR
    return None


GZIP_LEVEL = 6
"""tornado's own level for ``compress_response``."""
MIN_LENGTH = 1024
"""tornado sends shorter bodies uncompressed; so does the store."""
_COMPRESSIBLE = frozenset(
    {"application/javascript", "application/x-javascript", "application/xml", "application/atom+xml",
     "application/json", "application/xhtml+xml", "image/svg+xml"}
)  # fmt: skip
_BYPASSING = ("Range", "If-None-Match", "If-Modified-Since", "If-Range")


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value accepts gzip (``gzip;q=0`` refuses it).

    >>> accepts_gzip("gzip, deflate"), accepts_gzip("br"), accepts_gzip("GZIP;q=0.5"), accepts_gzip("gzip; q=0")
    (True, False, True, False)
    """
    for part in accept_encoding.split(","):
        name, _, params = part.partition(";")
        if name.strip().lower() in ("gzip", "x-gzip"):
            quality = params.strip().lower()
            if quality.startswith("q="):
                try:
                    return float(quality[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def compressible(content_type: str) -> bool:
    """Whether tornado's ``compress_response`` would compress this ``Content-Type``.

    >>> compressible("application/javascript"), compressible("text/css; charset=UTF-8"), compressible("font/woff2")
    (True, True, False)
    """
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind.startswith("text/") or kind in _COMPRESSIBLE


def serve_stored_gzip(method: str, path: str, *, versioned: bool, headers: Mapping[str, str]) -> bool:
    """Whether this request may get a versioned file's stored gzip bytes: a plain full GET that accepts gzip."""
    return (
        method == "GET"
        and cache_control(path, versioned=versioned) == IMMUTABLE
        and accepts_gzip(headers.get("Accept-Encoding", ""))
        and not any(name in headers for name in _BYPASSING)
    )


class GzipStore:
    """Each file's gzip bytes, compressed once, keyed by its absolute path, mtime and size; at most ``limit`` bytes.

    >>> store = GzipStore(limit=10_000)
    >>> body = store.fetch("/s/a.js", (1, 2000), lambda: b"x" * 2000)
    >>> gzip.decompress(body) == b"x" * 2000, store.fetch("/s/a.js", (1, 2000), lambda: b"y" * 2000) is body
    (True, True)
    >>> gzip.decompress(store.fetch("/s/a.js", (2, 2000), lambda: b"y" * 2000))[:1], store.compressions
    (b'y', 2)
    """

    def __init__(self, limit: int = 64 * 2**20) -> None:
        self.limit = limit
        self.size = 0
        self.compressions = 0
        self._kept: OrderedDict[str, tuple[tuple[int, int], bytes]] = OrderedDict()

    def fetch(self, path: str, stamp: tuple[int, int], read: Callable[[], bytes]) -> bytes:
        """The gzip bytes of ``path`` as ``stamp`` (mtime in ns, size) says it is; ``read`` is called only when needed.

        A file whose bytes do not match its stamp's size (changed while read) is compressed but not kept.
        """
        kept = self._kept.get(path)
        if kept is not None and kept[0] == stamp:
            self._kept.move_to_end(path)
            return kept[1]
        data = read()
        body = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
        self.compressions += 1
        if kept is not None:
            del self._kept[path]
            self.size -= len(kept[1])
        if len(data) == stamp[1] and len(body) <= self.limit:
            self._kept[path] = (stamp, body)
            self.size += len(body)
            while self.size > self.limit:
                _, (_, dropped) = self._kept.popitem(last=False)
                self.size -= len(dropped)
        return body
