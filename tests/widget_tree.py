"""Walking a widget tree in kernel-side tests: every descendant, and what the page is sent."""

from __future__ import annotations

import json
from collections.abc import Iterator

import ipywidgets as ipw


def descendants(widget: ipw.Widget) -> Iterator[ipw.Widget]:
    """``widget`` and every widget inside it, depth first."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def page_state(widget: ipw.Widget) -> str:
    """Everything the widgets send to the page (bar an upload's own copy of the files), as one string."""
    return json.dumps([w.get_state() for w in descendants(widget) if not isinstance(w, ipw.FileUpload)], default=str)
