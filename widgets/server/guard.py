"""Rules for serving the dashboards to a room: how many kernels, for whom, which pages, and when a kernel goes.

Pure and typed: no web framework, no widgets. ``widgets/server/wiring.py`` applies these rules inside
Voilà; the tests call them directly.

Two settings come from the environment (``python3 tasks.py present`` sets them):

- ``RECOVERY_MAX_KERNELS``: the most kernels the server runs at once, preheated ones included
  (default :data:`DEFAULT_MAX_KERNELS`). A viewer who would start one more gets a page that asks them
  to wait a minute and reload (HTTP 503).
- ``RECOVERY_PAGES``: comma-separated notebook file names, e.g. ``class-poll.ipynb,chime-explorer.ipynb``.
  When set, every other notebook is refused (404) and left out of Voilà's file list. Unset: all pages.

One network address (a class behind one NAT router shares one) may have at most
``max_pending_per_client`` pages *loading* at once: a page counts from its request until its browser
opens the kernel's websocket, which a browser does within seconds and ``curl`` never does. A kernel
whose websocket never opens is culled :data:`CONNECT_GRACE` seconds after its page was sent; a kernel
whose websockets have all closed (the page is gone) is culled :data:`DISCONNECT_GRACE` seconds later,
whatever Jupyter's own connection count says.

>>> rules = rules_from_env({"RECOVERY_MAX_KERNELS": "6"})
>>> ledger = RoomLedger(rules.limits)
>>> first = ledger.admit("10.0.0.7", running=0, pool_ready=False)
>>> first.refused is None
True
>>> ledger.assign(first.ticket, "k1", now=0.0)
>>> ledger.finish(first.ticket, now=1.0)
>>> ledger.cull_reason("k1", now=60.0)
<Verdict.WAITING: 'waiting for its page to connect'>
>>> ledger.cull_reason("k1", now=92.0)
<Verdict.NEVER_CONNECTED: 'its page never connected'>
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePosixPath

__all__ = [
    "CONNECT_GRACE",
    "DEFAULT_MAX_KERNELS",
    "DISCONNECT_GRACE",
    "Admission",
    "GuardSettingError",
    "Limits",
    "Refusal",
    "RoomLedger",
    "RoomRules",
    "Verdict",
    "may_start",
    "page_allowed",
    "pages_from_env",
    "pending_limit",
    "rules_from_env",
]

DEFAULT_MAX_KERNELS = 40
"""About 3.5 to 7 GiB of kernels (85-170 MiB each): what a lecturer's laptop with 8 GiB can spare."""
CONNECT_GRACE = 90.0
"""Seconds a page's kernel may wait for its browser to open the websocket (a browser takes a few)."""
DISCONNECT_GRACE = 300.0
"""Seconds a kernel is kept after its page's last websocket closed: time for a dropped connection to come back.

Five minutes, because a phone drops a page's connection when its student switches app or the screen
locks, and a page whose kernel was culled must be reloaded. A page closed in a browser stops its
kernel at once (the page's shutdown request), so this only holds kernels of pages that vanished.
"""
MAX_KERNELS_CEILING = 10_000
_PAGE_NAME = re.compile(r"[^/\\]+\.ipynb")


class GuardSettingError(ValueError):
    """A room setting in the environment cannot be used; the message says which and what to write."""


@dataclass(frozen=True)
class Limits:
    max_kernels: int
    max_pending_per_client: int
    connect_grace: float = CONNECT_GRACE
    disconnect_grace: float = DISCONNECT_GRACE


@dataclass(frozen=True)
class RoomRules:
    limits: Limits
    pages: frozenset[str] | None
    """Notebook file names served, or None for every notebook."""


def pending_limit(max_kernels: int) -> int:
    """Pages one address may have loading at once: half the cap (at least 4, at most the cap).

    A class behind one NAT address arriving together is not refused while half the room loads at
    the same second; a script on one address can hold at most half the kernels, and only until
    :data:`CONNECT_GRACE` culls them.

    >>> pending_limit(40), pending_limit(6), pending_limit(2)
    (20, 4, 2)
    """
    return min(max_kernels, max(4, max_kernels // 2))


def _max_kernels(env: Mapping[str, str]) -> int:
    raw = env.get("RECOVERY_MAX_KERNELS", "").strip()
    if not raw:
        return DEFAULT_MAX_KERNELS
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_KERNELS_CEILING:
        raise GuardSettingError(
            f"RECOVERY_MAX_KERNELS must be a whole number from 1 to {MAX_KERNELS_CEILING}, such as "
            f"{DEFAULT_MAX_KERNELS}; it is {raw!r}."
        )
    return value


def pages_from_env(env: Mapping[str, str]) -> frozenset[str] | None:
    """The notebook names ``RECOVERY_PAGES`` allows, or None (all pages) when it is unset or empty.

    >>> sorted(pages_from_env({"RECOVERY_PAGES": " class-poll.ipynb, chime-explorer.ipynb ,"}))
    ['chime-explorer.ipynb', 'class-poll.ipynb']
    >>> pages_from_env({}) is None
    True
    """
    raw = env.get("RECOVERY_PAGES", "")
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if not names:
        return None
    wrong = [name for name in names if not _PAGE_NAME.fullmatch(name)]
    if wrong:
        raise GuardSettingError(
            "RECOVERY_PAGES lists notebook file names separated by commas, such as "
            f"'class-poll.ipynb,chime-explorer.ipynb' (no folders); these are not: {', '.join(wrong)}."
        )
    return frozenset(names)


def rules_from_env(
    env: Mapping[str, str], *, connect_grace: float = CONNECT_GRACE, disconnect_grace: float = DISCONNECT_GRACE
) -> RoomRules:
    cap = _max_kernels(env)
    limits = Limits(cap, pending_limit(cap), connect_grace=connect_grace, disconnect_grace=disconnect_grace)
    return RoomRules(limits=limits, pages=pages_from_env(env))


def page_allowed(path: str, pages: frozenset[str] | None) -> bool:
    """Whether a page (a path under the served folder) may be shown: its file name is in ``pages``.

    >>> page_allowed("dashboards/class-poll.ipynb", frozenset({"class-poll.ipynb"}))
    True
    >>> page_allowed("class-poll-board.ipynb", frozenset({"class-poll.ipynb"}))
    False
    >>> page_allowed("anything.ipynb", None)
    True
    >>> page_allowed("../../etc/passwd", None)
    False
    """
    parts = PurePosixPath(path.replace("\\", "/").strip("/")).parts
    if ".." in parts:
        return False
    if pages is None:
        return True
    return bool(parts) and parts[-1] in pages


def listed(entry_type: str, name: str, pages: frozenset[str] | None) -> bool:
    """Whether an entry of a folder listing is shown: folders always, notebooks only when allowed."""
    if entry_type == "directory":
        return True
    if entry_type == "notebook" or name.endswith(".ipynb"):
        return page_allowed(name, pages)
    return True


def may_start(kernels: int, limits: Limits) -> bool:
    """Whether one more kernel may start when ``kernels`` are running or starting."""
    return kernels < limits.max_kernels


class Refusal(Enum):
    FULL = "full"
    """The server runs as many kernels as it may."""
    CLIENT = "client"
    """This address already has as many pages loading as it may."""


class Verdict(Enum):
    OPEN = "its page is open"
    WAITING = "waiting for its page to connect"
    RECENTLY_CLOSED = "its page closed moments ago"
    NEVER_CONNECTED = "its page never connected"
    PAGE_CLOSED = "its page is gone"
    UNKNOWN = "not a page kernel this guard started"

    @property
    def cull(self) -> bool:
        return self in (Verdict.NEVER_CONNECTED, Verdict.PAGE_CLOSED)


@dataclass(frozen=True)
class Admission:
    ticket: int
    refused: Refusal | None


@dataclass
class _Ticket:
    client: str
    needs_kernel: bool
    kernel_id: str | None = None


@dataclass
class _PageKernel:
    client: str
    sent_at: float | None = None
    """When the page's response ended (None while it is still being sent)."""
    sockets: int = 0
    ever_connected: bool = False
    closed_at: float | None = None


@dataclass
class RoomLedger:
    """Which address each page kernel was started for, and whether its page ever connected.

    One per server; every method is called from the server's one event loop, so no locks.
    """

    limits: Limits
    _tickets: dict[int, _Ticket] = field(default_factory=dict)
    _kernels: dict[str, _PageKernel] = field(default_factory=dict)
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    def pending(self, client: str) -> int:
        """Pages of ``client`` being sent or sent whose websocket has not opened yet."""
        loading = sum(1 for ticket in self._tickets.values() if ticket.client == client and ticket.kernel_id is None)
        waiting = sum(1 for kernel in self._kernels.values() if kernel.client == client and not kernel.ever_connected)
        return loading + waiting

    def unplaced(self) -> int:
        """Admitted requests that will start a kernel and have not yet."""
        return sum(1 for ticket in self._tickets.values() if ticket.needs_kernel and ticket.kernel_id is None)

    def admit(self, client: str, *, running: int, pool_ready: bool) -> Admission:
        """Admit a page request or say why not; ``running`` counts kernels running or starting.

        A request served by a preheated kernel already running is not refused for the cap (taking
        it starts nothing; its replacement waits for room).
        """
        number = next(self._numbers)
        if self.pending(client) >= self.limits.max_pending_per_client:
            return Admission(number, Refusal.CLIENT)
        if not pool_ready and not may_start(running + self.unplaced(), self.limits):
            return Admission(number, Refusal.FULL)
        self._tickets[number] = _Ticket(client, needs_kernel=not pool_ready)
        return Admission(number, None)

    def starting(self, ticket: int) -> None:
        """The request ``ticket`` is starting its kernel now (from here the kernel manager counts it)."""
        held = self._tickets.get(ticket)
        if held is not None:
            held.needs_kernel = False

    def assign(self, ticket: int, kernel_id: str, *, now: float) -> None:
        """The request ``ticket`` got kernel ``kernel_id``."""
        held = self._tickets.get(ticket)
        if held is None:
            return
        held.kernel_id = kernel_id
        self._kernels[kernel_id] = _PageKernel(held.client)

    def finish(self, ticket: int, *, now: float) -> None:
        """The request's response has ended (sent, refused or failed)."""
        held = self._tickets.pop(ticket, None)
        if held is not None and held.kernel_id is not None and held.kernel_id in self._kernels:
            self._kernels[held.kernel_id].sent_at = now

    def connected(self, kernel_id: str, *, now: float) -> None:
        kernel = self._kernels.get(kernel_id)
        if kernel is not None:
            kernel.sockets += 1
            kernel.ever_connected = True
            kernel.closed_at = None

    def disconnected(self, kernel_id: str, *, now: float) -> None:
        kernel = self._kernels.get(kernel_id)
        if kernel is not None and kernel.sockets > 0:
            kernel.sockets -= 1
            if kernel.sockets == 0:
                kernel.closed_at = now

    def forget(self, kernel_id: str) -> None:
        self._kernels.pop(kernel_id, None)

    def known(self) -> frozenset[str]:
        return frozenset(self._kernels)

    def cull_reason(self, kernel_id: str, *, now: float) -> Verdict:
        """Whether a page kernel is kept or culled, and why."""
        kernel = self._kernels.get(kernel_id)
        if kernel is None:
            return Verdict.UNKNOWN
        if kernel.sockets > 0:
            return Verdict.OPEN
        if not kernel.ever_connected:
            if kernel.sent_at is None or now - kernel.sent_at <= self.limits.connect_grace:
                return Verdict.WAITING
            return Verdict.NEVER_CONNECTED
        if kernel.closed_at is not None and now - kernel.closed_at <= self.limits.disconnect_grace:
            return Verdict.RECENTLY_CLOSED
        return Verdict.PAGE_CLOSED
