"""One background refresh per kernel, tied to the lifetime of the views that use it.

Live views (the poll board, a student's poll) re-read the class store every
:data:`REFRESH_SECONDS`. They do not each start a task: they :meth:`~Ticker.subscribe`
to the kernel's one :data:`TICKER` with their container. Closing the container
(``container.close()``, or the view's ``close()``) ends the subscription; when no
view is left the task ends too. Re-running a cell therefore never adds an endless
loop, and a closed view never touches the database again.

A countdown on screen needs whole seconds: :data:`CLOCK` ticks every second for the views that
subscribe to it while a timer runs (the poll board), and redraws without reading the store. Nothing
here writes to an ``Output`` widget (``with out:`` while Voilà executes the notebook can hang the page):
every refresh assigns widget values.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

__all__ = ["CLOCK", "CLOCK_SECONDS", "REFRESH_SECONDS", "TICKER", "Ticker", "close_tree", "kernel_loop"]

REFRESH_SECONDS = 2.0

CLOCK_SECONDS = 1.0

_log = logging.getLogger(__name__)


def kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop of this kernel, or ``None`` (plain Python, a test without a loop)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    ipython = sys.modules.get("IPython")  # loaded in every kernel; not imported here if it is not
    get_shell = getattr(ipython, "get_ipython", None)
    kernel = getattr(get_shell() if callable(get_shell) else None, "kernel", None)
    loop = getattr(getattr(kernel, "io_loop", None), "asyncio_loop", None)
    return loop if isinstance(loop, asyncio.AbstractEventLoop) and loop.is_running() else None


def close_tree(widget: ipw.Widget) -> None:
    """Close ``widget`` and every widget inside it (children of boxes), innermost first."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


class Ticker:
    """Calls every subscribed view's refresh every ``seconds``, from one task, while any view is open."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._subscribers: dict[int, tuple[ipw.Widget, Callable[[], None]]] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def subscribe(self, owner: ipw.Widget, refresh: Callable[[], None]) -> None:
        """Call ``refresh`` on every tick until ``owner`` is closed."""
        if owner.comm is None:  # already closed
            return
        key = id(owner)
        self._subscribers[key] = (owner, refresh)

        def closed(change: dict[str, Any]) -> None:
            if change["new"] is None:
                self.unsubscribe(owner)

        owner.observe(closed, names="comm")
        self._start()

    def unsubscribe(self, owner: ipw.Widget) -> None:
        self._subscribers.pop(id(owner), None)
        if not self._subscribers and self._task is not None:
            self._task.cancel()
            self._task = None

    def tick(self) -> None:
        """Refresh every open view once (the task calls this; tests may too)."""
        for key, (owner, refresh) in list(self._subscribers.items()):
            if owner.comm is None:
                self._subscribers.pop(key, None)
                continue
            try:
                refresh()
            except Exception:  # a refresh must never end the loop or reach the page as a traceback
                _log.exception("refresh of %s failed", type(owner).__name__)

    def _start(self) -> None:
        if self.running:
            return
        loop = kernel_loop()
        if loop is not None:
            self._task = loop.create_task(self._run())

    async def _run(self) -> None:
        while self._subscribers:
            await asyncio.sleep(self.seconds)
            self.tick()


TICKER = Ticker(REFRESH_SECONDS)
"""The kernel's one ticker."""

CLOCK = Ticker(CLOCK_SECONDS)
"""A second, faster ticker for countdowns on screen. Its subscribers read no database (they redraw a time left
from a state already read); a view subscribes only while a timer runs, so with no timer it runs no task."""
