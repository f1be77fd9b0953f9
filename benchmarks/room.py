"""A seminar room, served as ``python3 tasks.py present`` serves it: bytes per viewer, and 60 viewers voting at once.

    .venv/bin/python -m benchmarks.room [--viewers 60]        # prints both tables

*Bytes per viewer*: one Chromium page opens the students' poll page on the students' server,
as a first visit (empty cache) and as a reload, and Chrome DevTools counts what crossed the
wire (``Network.loadingFinished``'s ``encodedDataLength``: headers and bodies as sent,
compressed or not) and the kernel websocket's frames. Measured twice: with the project's
settings (``etc/jupyter``: compression and caching, the room guard) and with Voilà's
defaults (the same settings without compression and without the room guard's cache rules).

*A room*: the students' server with one preheated kernel per viewer for the poll page and a
poll open. ``viewers - 1`` simulated viewers do what Voilà's page does, all at the same moment,
each from its own address (127.0.0.x, as each student's device has its own): request the page
and the files it loads, open the kernel's websocket, ask for the widgets' state, send the
browser's voter id (as the page's script does), choose an option and press Vote. One real
Chromium page does the same under that load. For each viewer: seconds from the request until
the Vote button is ready (the kernel turned it on after hearing the voter id) and until the
vote is saved; then the votes in the class store are counted, and the memory of the server
and its kernels is read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlparse

import psutil

import tasks
from benchmarks.common import ROOT, Summary
from tests.harness import CHROMIUM_ARGS, chromium_path, free_port, jupyter_env

PAGE = tasks.STUDENT_HOME
POLL_ID = "chime-hardest"
CODE = "room-benchmark-code"
READY_TARGET_S = 10.0


@dataclass
class Served:
    base: str
    process: subprocess.Popen[bytes]
    log: Path
    class_db: Path


def _without_guard(folder: Path) -> str:
    """A copy of ``etc/jupyter`` without compression and without the room guard (Voilà's own handlers, no cache rules)."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in (ROOT / "etc" / "jupyter").glob("*.json"):
        settings = json.loads(source.read_text())
        for section in ("Voila", "ServerApp"):
            settings.get(section, {}).get("tornado_settings", {}).pop("compress_response", None)
            settings.get(section, {}).pop("identity_provider_class", None)
        settings.get("VoilaConfiguration", {}).pop("multi_kernel_manager_class", None)
        (folder / source.name).write_text(json.dumps(settings, indent=2))
    return str(folder)


@contextmanager
def students_server(students: int, *, defaults: bool = False, open_poll: bool = False) -> Iterator[Served]:
    """The students' server exactly as ``present --students=N --ip=127.0.0.1`` starts it (its command and environment)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-room-"))
    room = tasks.Room(ip="127.0.0.1", port=free_port(), student_port=free_port(), students=students)
    env = jupyter_env(folder / "answers.sqlite3")
    if defaults:
        env["JUPYTER_CONFIG_PATH"] = _without_guard(folder / "etc-defaults")
    command, server_env = tasks.room_servers(room, env, folder / "config")["students"]
    class_db = Path(server_env["RECOVERY_CLASS_DB"])
    if open_poll:
        from widgets.storage.classstore import ClassStore

        store = ClassStore(f"sqlite:///{class_db}", lecturer_code=CODE)
        store.set_open(POLL_ID, True, code=CODE)
        store.close()
    log = folder / "students.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([str(c) for c in command], cwd=ROOT, env=server_env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{room.student_port}"
    try:
        deadline = time.monotonic() + 120
        while not tasks.answers(base):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the students' server did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield Served(base, process, log, class_db)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _kernels(served: Served) -> list[psutil.Process]:
    """The server's kernels now running (a kernel that is just ending is left out)."""
    found = []
    for child in psutil.Process(served.process.pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def wait_for_pool(served: Served, size: int, timeout_s: float = 1200) -> float:
    """Seconds until the poll page's pool holds ``size`` kernels that have run the page and gone quiet.

    Voilà says the pool is filled as soon as it has asked for the kernels; they then start and run
    the notebook, all at once. The room arrives after that: when the kernels together use less than
    a tenth of a CPU over 5 seconds.
    """
    started = time.monotonic()
    pattern = f"Kernel pool of {PAGE} is filled with {size} kernel"
    while True:
        if served.process.poll() is not None or time.monotonic() - started > timeout_s:
            raise RuntimeError(f"the pool of {size} kernels did not fill:\n{served.log.read_text(errors='replace')[-3000:]}")
        kernels = _kernels(served)
        if pattern in served.log.read_text(errors="replace") and len(kernels) >= size:
            try:
                before = sum(sum(k.cpu_times()[:2]) for k in kernels)
                time.sleep(5)
                used = sum(sum(k.cpu_times()[:2]) for k in kernels) - before
            except psutil.Error:
                continue
            if used < 0.5:
                return time.monotonic() - started
        else:
            time.sleep(1)


def server_memory(served: Served) -> tuple[float, float, int]:
    """Resident memory (MiB) of the Voilà server and of its kernels, and how many kernels run."""
    server = psutil.Process(served.process.pid)
    memory = []
    for kernel in _kernels(served):
        try:
            memory.append(kernel.memory_info().rss)
        except psutil.Error:
            continue
    return server.memory_info().rss / 2**20, sum(memory) / 2**20, len(memory)


# --------------------------------------------------------------------------- bytes per viewer


@dataclass
class Wire:
    """What one page load moved: bytes by HTTP (headers and bodies as sent), requests, compressed responses, websocket bytes."""

    http_bytes: int = 0
    requests: int = 0
    compressed: int = 0
    from_cache: int = 0
    websocket_bytes: int = 0
    urls: list[str] = field(default_factory=list)


def _record(page: object) -> Wire:
    wire = Wire()
    session = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    session.send("Network.enable")

    def finished(event: dict[str, object]) -> None:
        wire.http_bytes += int(float(event.get("encodedDataLength", 0)))  # type: ignore[arg-type]

    def response(event: dict[str, object]) -> None:
        answer = event["response"]
        assert isinstance(answer, dict)
        wire.requests += 1
        wire.urls.append(str(answer["url"]))
        headers = {str(k).lower(): str(v) for k, v in dict(answer.get("headers", {})).items()}
        if headers.get("content-encoding") in ("gzip", "br", "deflate"):
            wire.compressed += 1
        if answer.get("fromDiskCache") or answer.get("fromMemoryCache"):
            wire.from_cache += 1

    def frame(event: dict[str, object]) -> None:
        data = event.get("response", {})
        assert isinstance(data, dict)
        wire.websocket_bytes += len(str(data.get("payloadData", "")).encode())

    session.on("Network.loadingFinished", finished)
    session.on("Network.responseReceived", response)
    session.on("Network.webSocketFrameReceived", frame)
    session.on("Network.webSocketFrameSent", frame)
    return wire


def _settle(page: object, timeout_ms: float = 120_000) -> None:
    page.wait_for_function("document.querySelectorAll('.rw-exercise').length >= 1", timeout=timeout_ms)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle", timeout=60_000)  # type: ignore[attr-defined]
    page.wait_for_timeout(2000)  # type: ignore[attr-defined]


def bytes_per_viewer(*, defaults: bool) -> tuple[Wire, Wire]:
    """A first visit (empty cache) and a reload of the poll page, on the wire."""
    from playwright.sync_api import sync_playwright

    with students_server(2, defaults=defaults) as served, sync_playwright() as playwright:
        time.sleep(20)  # the preheated kernels start
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        first = _record(page)
        page.goto(f"{served.base}/voila/render/{PAGE}")
        _settle(page)
        page.close()
        time.sleep(8)  # the used preheated kernel is replaced
        page = context.new_page()  # same browser profile: its cache
        reload = _record(page)
        page.goto(f"{served.base}/voila/render/{PAGE}")
        _settle(page)
        browser.close()
    return first, reload


# --------------------------------------------------------------------------- a simulated viewer


def _message(session: str, msg_type: str, content: dict[str, object], metadata: dict[str, object] | None = None) -> str:
    header = {
        "msg_id": uuid.uuid4().hex, "username": "viewer", "session": session, "msg_type": msg_type,
        "version": "5.3", "date": datetime.now(UTC).isoformat(),
    }  # fmt: skip
    return json.dumps(
        {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell", "buffers": []}
    )


@dataclass
class Visit:
    """One viewer's times (seconds from its request), or what went wrong."""

    ready: float | None = None
    saved: float | None = None
    error: str | None = None
    page_bytes: int = 0
    page: float | None = None
    """Seconds until the page's HTML had arrived."""
    files: float | None = None
    """Seconds until the page's scripts and styles had arrived too."""
    state: float | None = None
    """Seconds until the kernel had sent the widgets' state over the websocket."""


async def simulated_viewer(base: str, address: str, files: list[str], start: asyncio.Event, timeout_s: float) -> Visit:
    """Do what Voilà's page does, from ``address``: page, its files, websocket, widget state, voter id, vote."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    visit = Visit()
    await start.wait()
    began = time.perf_counter()
    client = AsyncHTTPClient(force_instance=True)
    try:
        page = await client.fetch(
            HTTPRequest(f"{base}/voila/render/{PAGE}", network_interface=address, request_timeout=timeout_s, decompress_response=True,
                        headers={"Accept-Encoding": "gzip"})
        )  # fmt: skip
        html = page.body.decode()
        visit.page_bytes = len(page.body)
        visit.page = time.perf_counter() - began
        found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html)
        if not found:
            said = re.sub(r"<[^>]+>|\s+", " ", re.search(r"(?s)<body.*", html).group(0) if "<body" in html else html)
            visit.error = f"no kernel id in the page (HTTP {page.code}; it says: {said.strip()[:160]!r})"
            return visit
        kernel = found.group(1)
        for url in files:  # the page's scripts and styles, fetched as a first-time browser does (compressed when offered)
            await client.fetch(  # a device unpacks its own files: that work is kept off this machine
                HTTPRequest(url, network_interface=address, request_timeout=timeout_s, headers={"Accept-Encoding": "gzip"},
                            decompress_response=False)
            )  # fmt: skip
        visit.files = time.perf_counter() - began
        session = uuid.uuid4().hex
        socket = await websocket_connect(
            HTTPRequest(f"{base.replace('http', 'ws', 1)}/api/kernels/{kernel}/channels?session_id={session}", network_interface=address,
                        request_timeout=timeout_s)
        )  # fmt: skip
        control = uuid.uuid4().hex
        opening = {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}
        await socket.write_message(_message(session, "comm_open", opening, {"version": "1.0.0"}))  # ipywidgets' control protocol
        await socket.write_message(_message(session, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}}))
        models: dict[str, dict[str, object]] = {}
        button = radio = None
        voted = False
        voter = uuid.uuid4().hex
        deadline = began + timeout_s
        while visit.saved is None:
            left = deadline - time.perf_counter()
            if left <= 0:
                visit.error = "timed out" + (
                    " after the Vote button was ready" if visit.ready else " before the Vote button was ready"
                )
                break
            raw = await asyncio.wait_for(socket.read_message(), timeout=left)
            if raw is None:
                visit.error = "the websocket closed"
                break
            message = json.loads(raw)
            if message.get("msg_type") not in ("comm_msg", "comm_open"):
                continue
            data = message["content"].get("data", {})
            if data.get("method") == "update_states":
                visit.state = time.perf_counter() - began
                models = {model_id: dict(model["state"]) | {"_name": model["model_name"]} for model, model_id in
                          ((m, i) for i, m in data["states"].items())}  # fmt: skip
                browser_ids = [i for i, state in models.items() if "browser_id" in state]
                button = next(
                    (i for i, s in models.items() if s["_name"] == "ButtonModel" and s.get("description") == "Vote"), None
                )
                radio = next((i for i, s in models.items() if s["_name"] == "RadioButtonsModel"), None)
                for model_id in browser_ids:  # what BrowserId's script does when the page shows it
                    update = {"method": "update", "state": {"browser_id": voter}, "buffer_paths": []}
                    await socket.write_message(_message(session, "comm_msg", {"comm_id": model_id, "data": update}))
                if button is None or radio is None:
                    visit.error = "no Vote button or options in the widget state"
                    break
                comm, state = button, {"disabled": models[button].get("disabled")}  # already on when the kernel knows a voter
            else:
                comm = message["content"].get("comm_id")
                state = data.get("state", {}) if data.get("method") in ("update", "echo_update") else {}
            if comm == button and state.get("disabled") is False and visit.ready is None:
                visit.ready = time.perf_counter() - began
            if visit.ready is not None and not voted:
                choose = {"method": "update", "state": {"index": 0}, "buffer_paths": []}
                await socket.write_message(_message(session, "comm_msg", {"comm_id": radio, "data": choose}))
                click = {"method": "custom", "content": {"event": "click"}}
                await socket.write_message(_message(session, "comm_msg", {"comm_id": button, "data": click}))
                voted = True
            if voted and "Vote saved" in str(state.get("value", "")):
                visit.saved = time.perf_counter() - began
        socket.close()
    except Exception as error:  # a viewer that fails is a result, not a crash
        visit.error = f"{type(error).__name__}: {str(error)[:120]}"
    finally:
        client.close()
    return visit


async def chromium_viewer(base: str, start: asyncio.Event, timeout_s: float, *, warm: bool = False) -> Visit:
    """A real phone-sized Chromium page; ``warm``: its profile has opened the page once before (its files are cached)."""
    from playwright.async_api import async_playwright

    visit = Visit()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 390, "height": 844})
        if warm:
            earlier = await context.new_page()
            await earlier.goto(f"{base}/voila/render/{PAGE}", timeout=timeout_s * 1000)
            await earlier.wait_for_function("document.querySelectorAll('.rw-exercise').length >= 1", timeout=timeout_s * 1000)
            await earlier.close()
        page = await context.new_page()
        await start.wait()
        began = time.perf_counter()
        try:
            await page.goto(f"{base}/voila/render/{PAGE}", timeout=timeout_s * 1000)
            vote = page.locator(".rw-exercise button:has-text('Vote'):not([disabled])").first
            await vote.wait_for(timeout=timeout_s * 1000)
            visit.ready = time.perf_counter() - began
            await page.locator(".rw-exercise .widget-radio-box input[type='radio']").first.check()
            await page.wait_for_timeout(300)  # the choice reaches the kernel before the click
            await vote.click()
            await page.get_by_text("Vote saved").wait_for(timeout=timeout_s * 1000)
            visit.saved = time.perf_counter() - began
        except Exception as error:
            visit.error = f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
        finally:
            await browser.close()
    return visit


@dataclass
class RoomResult:
    viewers: int
    simulated: list[Visit]
    browser: Visit
    votes_counted: int
    pool_fill_s: float
    memory_before: tuple[float, float, int]
    memory_after: tuple[float, float, int]
    page_files: int
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU-seconds used while the room arrived and voted: the Voilà server, its kernels, the simulated viewers' process."""
    wall: float = 0.0

    @property
    def ready(self) -> Summary:
        return Summary(tuple(v.ready for v in [*self.simulated, self.browser] if v.ready is not None))

    @property
    def failures(self) -> list[str]:
        return [v.error for v in [*self.simulated, self.browser] if v.error]


def _page_files(base: str) -> list[str]:
    """The same-origin scripts and styles the poll page loads (as a browser's first visit fetches them)."""
    from playwright.sync_api import sync_playwright

    urls: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on(
            "request",
            lambda request: urls.append(request.url) if request.resource_type in ("script", "stylesheet", "font") else None,
        )
        page.goto(f"{base}/voila/render/{PAGE}", timeout=600_000)
        _settle(page, 600_000)  # the first page of a freshly filled pool may wait for its kernel to finish the notebook
        browser.close()
    host = urlparse(base).netloc
    return sorted({urljoin(base, url) for url in urls if urlparse(url).netloc == host})


def room(viewers: int = 60, timeout_s: float = 120, *, cached: bool = False) -> RoomResult:
    """``viewers - 1`` simulated viewers and one Chromium page vote at once on the students' server.

    ``cached``: the devices have the page's files already (they opened it before), so they fetch only the page.
    """
    extra = 2 if cached else 1  # the page is opened once to learn its files (and once more by a warm Chromium)
    with students_server(viewers + extra, open_poll=True) as served:
        pool_fill = wait_for_pool(served, viewers + extra)
        files = _page_files(served.base)  # uses one preheated kernel: the pool holds one more than the room
        time.sleep(3)
        before = server_memory(served)

        async def everyone() -> tuple[list[Visit], Visit]:
            start = asyncio.Event()
            simulated = [
                asyncio.create_task(
                    simulated_viewer(
                        served.base, f"127.0.{1 + i // 250}.{2 + i % 250}", [] if cached else files, start, timeout_s
                    )
                )
                for i in range(viewers - 1)
            ]
            real = asyncio.create_task(chromium_viewer(served.base, start, timeout_s, warm=cached))
            await asyncio.sleep(20 if cached else 3)  # Chromium is up (and has opened the page once)
            start.set()
            return list(await asyncio.gather(*simulated)), await real

        server = psutil.Process(served.process.pid)
        kernels = _kernels(served)
        me = psutil.Process()

        def cpu() -> dict[str, float]:
            used = {"server": sum(server.cpu_times()[:2]), "viewers": sum(me.cpu_times()[:2]), "kernels": 0.0}
            for kernel in kernels:
                try:
                    used["kernels"] += sum(kernel.cpu_times()[:2])
                except psutil.Error:
                    continue
            return used

        cpu_before, wall_before = cpu(), time.perf_counter()
        simulated, browser = asyncio.run(everyone())
        cpu_after, wall = cpu(), time.perf_counter() - wall_before
        time.sleep(3)
        after = server_memory(served)
        from widgets.storage.classstore import ClassStore

        store = ClassStore(f"sqlite:///{served.class_db}", lecturer_code=CODE)
        _state, counts = store.tally(POLL_ID)
        store.close()
    used = {kind: cpu_after[kind] - cpu_before[kind] for kind in cpu_before}
    return RoomResult(viewers, simulated, browser, sum(counts.values()), pool_fill, before, after, len(files), used, wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=60)
    parser.add_argument("--skip-bytes", action="store_true")
    options = parser.parse_args()
    if not options.skip_bytes:
        for label, defaults in (("project settings", False), ("Voilà defaults", True)):
            first, again = bytes_per_viewer(defaults=defaults)
            print(f"{label}: first visit {first.http_bytes / 2**20:.2f} MiB in {first.requests} requests ({first.compressed} compressed); "
                  f"reload {again.http_bytes / 2**20:.3f} MiB ({again.from_cache} from cache); websocket {first.websocket_bytes / 1024:.0f} KiB")  # fmt: skip
    result = room(options.viewers)
    ready = result.ready
    print(f"{result.viewers} viewers: ready median {ready.median:.2f} s, slowest {ready.high:.2f} s; browser {result.browser}")
    print(f"votes counted {result.votes_counted}; failures {result.failures[:5]}")
    print(f"memory before {result.memory_before}, after {result.memory_after}; pool filled in {result.pool_fill_s:.0f} s")


if __name__ == "__main__":
    os.environ.setdefault("RECOVERY_LECTURER_CODE", CODE)
    main()
