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
"""

from __future__ import annotations

import re

__all__ = ["IMMUTABLE", "SEMINAR", "cache_control"]

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
