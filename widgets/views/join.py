"""The join screen for the projector: the students' address in very large type and its QR code."""

from __future__ import annotations

import os
from collections.abc import Mapping

import ipywidgets as ipw

from ..logic.join import join_html, student_address
from ..logic.markup import STYLE

__all__ = ["join_screen"]


def join_screen(environ: Mapping[str, str] | None = None) -> ipw.Widget:
    """The room's way in: the address ``tasks.py present`` gives the students' server, large, with its QR code.

    ``environ`` defaults to this kernel's environment (the lecturer's server passes on ``present``'s).
    """
    address = student_address(os.environ if environ is None else environ)
    screen = ipw.VBox([ipw.HTML(STYLE), ipw.HTML(join_html(address))])
    screen.add_class("rw-exercise")
    screen.add_class("rw-join-screen")
    return screen
