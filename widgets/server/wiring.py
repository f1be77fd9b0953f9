"""The room guard inside Voilà: thin classes that apply ``widgets.server``'s pure rules to requests.

``etc/jupyter/voila.json`` names two of them, so plain ``voila`` (and ``python3 tasks.py present``)
runs with them:

- ``VoilaConfiguration.multi_kernel_manager_class = widgets.server.wiring.GuardedKernelManager``: every
  kernel start passes the cap; the culler culls a page kernel whose page never connected or is gone,
  whatever Jupyter's connection count says (a websocket cut during its setup leaves that count stuck).
- ``Voila.identity_provider_class = widgets.server.wiring.GuardedIdentityProvider``: Voilà's usual
  identity provider, which, when Voilà asks it for its handlers (after the web application exists, the
  only hook Voilà offers at that moment), also puts the guarded handlers in front of Voilà's own and
  turns on ``compress_response`` and the static cache policy.

Only standalone Voilà uses these; JupyterLab's Voilà preview does not read either setting.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.base.handlers import FileFindHandler, path_regex
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from tornado import httputil, web
from tornado.routing import HostMatches, Rule
from traitlets import Float
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from .caching import MIN_LENGTH, GzipStore, cache_control, compressible, serve_stored_gzip
from .guard import (
    CONNECT_GRACE,
    DISCONNECT_GRACE,
    Refusal,
    RoomLedger,
    RoomRules,
    listed,
    may_start,
    page_allowed,
    rules_from_env,
)
from .messages import hide_tracebacks
from .pages import error_page, refused_page

__all__ = ["GuardedIdentityProvider", "GuardedKernelManager", "RoomFull", "install"]

_KERNEL_ID = r"(?P<kernel_id>\w+-\w+-\w+-\w+-\w+)"
_TEMPLATE_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


class RoomFull(web.HTTPError):
    """No room for one more kernel: the viewer gets the refused page."""

    def __init__(self) -> None:
        super().__init__(503, "room full")


class GuardedKernelManager(AsyncMappingKernelManager):
    """Voilà's kernel manager, with a cap on kernels and a culler that knows which pages are gone."""

    connect_grace = Float(CONNECT_GRACE, config=True, help="Seconds a page kernel may wait for its websocket.")
    disconnect_grace = Float(DISCONNECT_GRACE, config=True, help="Seconds a kernel is kept after its page closed.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rules: RoomRules = rules_from_env(
            os.environ, connect_grace=self.connect_grace, disconnect_grace=self.disconnect_grace
        )
        self.ledger = RoomLedger(self.rules.limits)
        self._starting = 0
        self.log.info(
            "Room guard: at most %s kernels, %s pages loading per address; pages: %s",
            self.rules.limits.max_kernels,
            self.rules.limits.max_pending_per_client,
            ", ".join(sorted(self.rules.pages)) if self.rules.pages else "all",
        )

    def kernel_count(self) -> int:
        """Kernels running or starting."""
        return len(self.list_kernel_ids()) + self._starting

    def pool_ready(self, notebook_path: str) -> bool:
        """Whether a preheated kernel for this page is running and free (taking it starts nothing)."""
        for task in getattr(self, "_pools", {}).get(notebook_path, []):
            if task.done() and not task.cancelled() and task.exception() is None:
                return True
        return False

    async def _counted_start(self, **kwargs: Any) -> str:
        self._starting += 1
        try:
            started: Any = super().start_kernel(**kwargs)
            return str(await ensure_async(started))
        finally:
            self._starting -= 1

    async def start_kernel(self, **kwargs: Any) -> str:  # type: ignore[override]
        """A kernel not for a viewer's request (a preheated one): it waits until there is room."""
        while not may_start(self.kernel_count(), self.rules.limits):
            await asyncio.sleep(1)
        return await self._counted_start(**kwargs)

    async def start_page_kernel(self, **kwargs: Any) -> str:
        """A kernel for a viewer's request: refused at once (RoomFull) when the cap is reached."""
        if not may_start(self.kernel_count(), self.rules.limits):
            raise RoomFull()
        return await self._counted_start(**kwargs)

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        try:
            await ensure_async(super().shutdown_kernel(kernel_id, *args, **kwargs))
        finally:
            self.ledger.forget(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        verdict = self.ledger.cull_reason(kernel_id, now=time.monotonic())
        if verdict.cull:
            self.log.warning("Culling kernel %s: %s.", kernel_id, verdict.value)
            await self.shutdown_kernel(kernel_id)
        elif verdict.name == "UNKNOWN":
            await ensure_async(super().cull_kernel_if_idle(kernel_id))


class _PageKernels:
    """The kernel manager as one page request sees it: the kernel it gets is recorded for its address."""

    def __init__(self, manager: GuardedKernelManager, ticket: int) -> None:
        self._manager = manager
        self._ticket = ticket

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    async def start_kernel(self, **kwargs: Any) -> str:
        self._manager.ledger.starting(self._ticket)
        kernel_id = await self._manager.start_page_kernel(**kwargs)
        self._manager.ledger.assign(self._ticket, kernel_id, now=time.monotonic())
        return kernel_id

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        manager: Any = self._manager  # Voilà adds get_rendered_notebook when kernels are preheated
        result = await manager.get_rendered_notebook(*args, **kwargs)
        self._manager.ledger.assign(self._ticket, result[2], now=time.monotonic())
        return result


class _PlainErrors:
    """A handler's errors as the plain pages of ``widgets.server.pages`` (no traceback, no paths)."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        handler: Any = self
        handler.clear_header("Content-Encoding")
        handler.set_header("Content-Type", "text/html; charset=UTF-8")
        handler.set_header("Cache-Control", "no-store")
        handler.finish(error_page(status_code))


def _manager(handler: web.RequestHandler) -> GuardedKernelManager:
    manager = handler.settings["kernel_manager"]
    assert isinstance(manager, GuardedKernelManager), "voila.json must name widgets.server.wiring.GuardedKernelManager"
    return manager


class GuardedVoilaHandler(_PlainErrors, TornadoVoilaHandler):  # type: ignore[misc]
    """``/voila/render/<page>``: the page allow-list, then admission, then Voilà's own rendering."""

    _room_view: _PageKernels | None = None

    @property
    def kernel_manager(self) -> Any:
        return self._room_view or self.settings["kernel_manager"]

    def _refuse(self, reason: Refusal, manager: GuardedKernelManager) -> None:
        self.clear()
        self.set_status(503)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Retry-After", "60")
        self.finish(refused_page(reason, manager.rules.limits))

    async def get(self, path: str | None = None) -> None:
        manager = _manager(self)
        page = (path or "").strip("/")
        if not page_allowed(page, manager.rules.pages):
            raise web.HTTPError(404)
        self.xsrf_token  # noqa: B018 (sets the _xsrf cookie Voilà's page sends when it closes, so its kernel is shut down at once)
        admission = manager.ledger.admit(
            self.request.remote_ip or "", running=manager.kernel_count(), pool_ready=manager.pool_ready(page)
        )
        if admission.refused is not None:
            self.log.warning("Refused %s for %s: %s", page, self.request.remote_ip, admission.refused.value)
            self._refuse(admission.refused, manager)
            return
        self._room_view = _PageKernels(manager, admission.ticket)
        try:
            await super().get(path=path)
        except RoomFull:
            if self._headers_written:
                raise
            self._refuse(Refusal.FULL, manager)
        finally:
            self._room_view = None
            manager.ledger.finish(admission.ticket, now=time.monotonic())


class _ListedPages:
    """The contents manager as the file list sees it: pages not in ``RECOVERY_PAGES`` do not exist."""

    def __init__(self, contents: Any, pages: frozenset[str]) -> None:
        self._contents = contents
        self._pages = pages

    def __getattr__(self, name: str) -> Any:
        return getattr(self._contents, name)

    async def file_exists(self, path: str = "") -> bool:
        return listed("file", path, self._pages) and bool(await ensure_async(self._contents.file_exists(path)))

    async def get(self, path: str, **kwargs: Any) -> Any:
        if not listed("file", path, self._pages):
            raise web.HTTPError(404)
        model = await ensure_async(self._contents.get(path, **kwargs))
        if isinstance(model, dict) and model.get("type") == "directory" and model.get("content") is not None:
            model["content"] = [
                entry for entry in model["content"] if listed(entry.get("type", ""), entry.get("name", ""), self._pages)
            ]
        return model


class _ListsAllowedPages:
    @property
    def contents_manager(self) -> Any:
        handler: Any = self
        contents = handler.settings["contents_manager"]
        pages = _manager(handler).rules.pages
        return contents if pages is None else _ListedPages(contents, pages)


class GuardedTreeHandler(_ListsAllowedPages, _PlainErrors, TornadoVoilaTreeHandler):  # type: ignore[misc]
    """Voilà's file list, without the pages ``RECOVERY_PAGES`` leaves out."""


class GuardedContentsHandler(_ListsAllowedPages, VoilaContentsHandler):  # type: ignore[misc]
    """The file list's contents API, without the pages ``RECOVERY_PAGES`` leaves out."""


class GuardedWebsocketHandler(VoilaKernelWebsocketHandler):  # type: ignore[misc]
    """A page's kernel websocket: opening and closing it is recorded; tracebacks never reach the browser."""

    _room_state = "new"
    """"new", then "open" once the page connected, "closed" once the socket closed (in either order)."""

    def initialize(self, show_tracebacks: bool = False) -> None:
        self._show_tracebacks = show_tracebacks

    async def open(self, kernel_id: str) -> None:
        if self._room_state == "closed" or self.connection is None:
            return  # the browser hung up while the kernel was being reached: nothing to connect, nothing to count
        self._room_state = "open"
        _manager(self).ledger.connected(kernel_id, now=time.monotonic())
        await super().open(kernel_id)

    def on_close(self) -> None:
        if self._room_state == "open":
            _manager(self).ledger.disconnected(self.kernel_id, now=time.monotonic())
        self._room_state = "closed"
        if self.connection is not None:
            super().on_close()

    def select_subprotocol(self, subprotocols: list[str]) -> str | None:
        if self.connection is None:  # the browser left while the kernel was being reached
            return None
        return super().select_subprotocol(subprotocols)  # type: ignore[no-any-return]

    def write_message(self, message: Any, binary: bool = False) -> Any:
        if not self._show_tracebacks:
            message = hide_tracebacks(message)
        return super().write_message(message, binary)


class _StoredGzip:
    """A static file handler that serves a versioned file's gzip bytes from the app's ``GzipStore``.

    Compressed once per file (path, mtime, size) instead of once per response; sent with
    ``Content-Encoding: gzip``, so tornado's ``compress_response`` passes it on untouched (and adds
    ``Vary: Accept-Encoding``). Anything else (HEAD, ranges, conditional requests, no gzip, short or
    incompressible files) goes through the handler's usual ``get``.
    """

    @allow_unauthenticated
    async def get(self, path: str, include_body: bool = True) -> None:
        handler: Any = self
        store: GzipStore | None = getattr(handler.application, "_room_gzip_store", None)
        request = handler.request
        if (
            store is None
            or not include_body
            or not serve_stored_gzip(
                request.method or "", request.path, versioned="v" in request.query_arguments, headers=request.headers
            )
        ):
            await super().get(path, include_body)  # type: ignore[misc]
            return
        handler.path = handler.parse_url_path(path)
        found = handler.get_absolute_path(handler.root, handler.path)  # Voilà's handlers may set handler.root here
        absolute = handler.validate_absolute_path(handler.root, found)
        if absolute is None:
            return
        handler.absolute_path = absolute
        info = os.stat(absolute)
        if info.st_size < MIN_LENGTH or not compressible(handler.get_content_type() or ""):
            await super().get(path, include_body)  # type: ignore[misc]
            return

        def read() -> bytes:
            with open(absolute, "rb") as file:
                return file.read()

        body = store.fetch(absolute, (info.st_mtime_ns, info.st_size), read)
        handler.modified = handler.get_modified_time()
        handler.set_headers()
        handler.set_header("Content-Encoding", "gzip")
        handler.set_header("Content-Length", len(body))
        handler.write(body)


class SafeTemplateStaticFileHandler(_StoredGzip, _PlainErrors, TemplateStaticFileHandler):  # type: ignore[misc]
    """``/voila/templates/<template>/static/<file>``; any other shape (``..``, no ``static``) is a 404, not a 500."""

    def parse_url_path(self, url_path: str) -> str:
        template, slash, rest = url_path.partition("/")
        if not slash or not template or not set(template) <= _TEMPLATE_NAME_CHARS or not rest.startswith("static/"):
            raise web.HTTPError(404)
        try:
            return str(super().parse_url_path(url_path))
        except (ValueError, AssertionError, OSError) as error:
            raise web.HTTPError(404) from error

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        try:
            return str(super().get_absolute_path(root, path))
        except (ValueError, AssertionError, OSError) as error:
            raise web.HTTPError(404) from error


class PlainStaticFileHandler(_StoredGzip, _PlainErrors, MultiStaticFileHandler):  # type: ignore[misc]
    """Voilà's ``/voila/static/`` files, with plain error pages."""


class LabExtensionFileHandler(_StoredGzip, FileFindHandler):
    """Voilà's ``/voila/labextensions/`` files (most of a page's scripts), versioned ones compressed once."""


class GuardedShutdownHandler(_PlainErrors, VoilaShutdownKernelHandler):  # type: ignore[misc]
    """Voilà's page-closed beacon (``/voila/api/shutdown/<kernel>``), with plain error pages."""


class StaticCache(web.OutputTransform):
    """Sets ``Cache-Control`` on Voilà's static files (``widgets.server.caching``)."""

    def __init__(self, request: httputil.HTTPServerRequest) -> None:
        self._policy = cache_control(request.path, versioned="v" in request.query_arguments)

    def transform_first_chunk(
        self, status_code: int, headers: httputil.HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, httputil.HTTPHeaders, bytes]:
        if self._policy is not None and status_code in (200, 304):
            headers["Cache-Control"] = self._policy
        return status_code, headers, chunk


def install(voila_app: Any) -> None:
    """Put the guarded handlers in front of Voilà's and apply the compression and cache settings."""
    app: web.Application = voila_app.app
    if getattr(app, "_room_guard_installed", False):
        return
    app._room_guard_installed = True  # type: ignore[attr-defined]
    if app.settings.get("compress_response") and web.GZipContentEncoding not in app.transforms:
        app.add_transform(web.GZipContentEncoding)  # Voilà applies tornado_settings after the app exists
    app.add_transform(StaticCache)
    if app.settings.get("compress_response"):
        app._room_gzip_store = GzipStore()  # type: ignore[attr-defined]
    base = voila_app.server_url
    configuration = voila_app.voila_configuration
    handlers: list[Any] = [
        (
            url_path_join(base, rf"/api/kernels/{_KERNEL_ID}/channels"),
            GuardedWebsocketHandler,
            {"show_tracebacks": configuration.show_tracebacks},
        ),
        (url_path_join(base, r"/voila/templates/(.*)"), SafeTemplateStaticFileHandler),
        (
            url_path_join(base, r"/voila/static/(.*)"),
            PlainStaticFileHandler,
            {"paths": voila_app.static_paths, "default_filename": "index.html"},
        ),
        (url_path_join(base, r"/voila/api/shutdown/(.*)"), GuardedShutdownHandler),
        (
            url_path_join(base, r"/voila/labextensions/(.*)"),
            LabExtensionFileHandler,
            {"path": voila_app.labextensions_path, "no_cache_paths": ["/"]},
        ),
    ]
    if not voila_app.notebook_path:
        tree = {"voila_configuration": configuration}
        handlers += [
            (base, GuardedTreeHandler, tree),
            (url_path_join(base, r"/voila/tree" + path_regex), GuardedTreeHandler, tree),
            (
                url_path_join(base, r"/voila/render/(.*)"),
                GuardedVoilaHandler,
                {"template_paths": voila_app.template_paths, "config": voila_app.config, "voila_configuration": configuration},
            ),
            (url_path_join(base, r"/voila/api/contents%s" % path_regex), GuardedContentsHandler, tree),
        ]
    from tornado.web import _ApplicationRouter

    app.default_router.rules.insert(0, Rule(HostMatches(".*$"), _ApplicationRouter(app, handlers)))


class GuardedIdentityProvider(PasswordIdentityProvider):
    """Voilà's identity provider; asked for its handlers once the web application exists, it installs the guard."""

    def get_handlers(self) -> list[tuple[str, object]]:
        handlers: list[tuple[str, object]] = super().get_handlers()
        if getattr(self.parent, "app", None) is not None and hasattr(self.parent, "voila_configuration"):
            install(self.parent)
        return handlers
