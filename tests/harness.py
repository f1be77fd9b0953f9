"""Serve notebooks with Voilà on 127.0.0.1 and open them in Debian's Chromium.

Shared by the browser tests and ``benchmarks/voila_render.py``. Nothing here
reaches beyond localhost: requests to any other host are recorded and aborted.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LECTURER_CODE = "test-lecturer-code"
"""The lecturer code the test servers start with."""
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
ALLOWED_PAGE_ERRORS = ("r.setData is not a function",)
"""jupyterlab-plotly's harmless error after each ``fig.show()`` chart in Voilà."""


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def jupyter_env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(ROOT / "share" / "jupyter"), env.get("JUPYTER_PATH")]))
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "etc" / "jupyter"), env.get("JUPYTER_CONFIG_PATH")])
    )
    env["RECOVERY_WORKBOOK_DB"] = str(db_path)
    env["RECOVERY_CLASS_DB"] = str(db_path.with_name("class.sqlite3"))
    env["RECOVERY_LECTURER_CODE"] = LECTURER_CODE
    return env


@dataclass
class VoilaServer:
    url: str
    log: Path

    def render_url(self, notebook: str) -> str:
        return f"{self.url}/voila/render/{notebook}"


@contextmanager
def _server(name: str, command: list[str], *, cwd: Path, env: dict[str, str], url: str, probe: str, log: Path) -> Iterator[None]:
    """Run ``command`` until the block ends; wait (60 s at most) until ``url + probe`` answers."""
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(url + probe, timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start; see {log}:\n{log.read_text(errors='replace')[-3000:]}") from None
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def voila_server(root_dir: Path, db_path: Path, log: Path, *, extra: list[str] | None = None) -> Iterator[VoilaServer]:
    """Start ``voila`` on 127.0.0.1 serving ``root_dir``; stop it afterwards."""
    port = free_port()
    command = [
        sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
        "--Voila.open_browser=False", *(extra or []), str(root_dir),
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with _server("Voila", command, cwd=root_dir, env=jupyter_env(db_path), url=url, probe="/voila/tree", log=log):
        yield VoilaServer(url, log)


@dataclass
class PageWatch:
    """What a page did: requests beyond localhost, page errors, console errors."""

    external_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def unexpected_page_errors(self) -> list[str]:
        return [e for e in self.page_errors if not any(allowed in e for allowed in ALLOWED_PAGE_ERRORS)]


def watch(page: object) -> PageWatch:
    """Record (and abort) requests to hosts other than localhost; record page errors."""
    seen = PageWatch()

    def route(route_: object) -> None:
        request = route_.request  # type: ignore[attr-defined]
        host = urlparse(request.url).hostname or ""
        if request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route_.continue_()  # type: ignore[attr-defined]
        else:
            seen.external_requests.append(request.url)
            route_.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))  # type: ignore[attr-defined]
    return seen


def wait_until_rendered(page: object, *, widgets: int = 0, timeout_ms: float = 90_000) -> None:
    """Wait until Voilà has shown the cells and at least ``widgets`` exercise widgets are on the page."""
    page.wait_for_selector("#rendered_cells", state="visible", timeout=timeout_ms)  # type: ignore[attr-defined]
    if widgets:
        page.wait_for_function(  # type: ignore[attr-defined]
            f"document.querySelectorAll('.rw-exercise').length >= {widgets}", timeout=timeout_ms
        )


@contextmanager
def jupyterlab_server(root_dir: Path, db_path: Path, log: Path) -> Iterator[str]:
    """Start JupyterLab on 127.0.0.1 serving ``root_dir`` (no token, no update checks); yield its URL.

    Serve a copy of the notebooks: JupyterLab autosaves what it runs.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
        "--ServerApp.token=", "--ServerApp.password=", "--allow-root", f"--ServerApp.root_dir={root_dir}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with _server("JupyterLab", command, cwd=root_dir, env=jupyter_env(db_path), url=url, probe="/api", log=log):
        yield url
