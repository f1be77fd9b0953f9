"""A seminar room (issue 15): the join screen, and the students' and lecturer's pages served apart by ``tasks.py present``.

Unit tests check the join screen's logic (which address, its QR code) and how ``present`` sets
up its two servers. The served tests start both servers exactly as ``present`` does (its own
commands and environments): a student at the students' server's network address gets the poll
page at ``/`` and a 404 for the board, class results and the join screen, which are not listed
either; on the lecturer's server the join screen shows the students' address in large type, and
the QR code decoded from a screenshot of the 1920x1080 projector is that address.
"""

from __future__ import annotations

import io
import json
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import tasks
from tests.harness import ROOT, free_port, jupyter_env, watch
from tests.pages import PROJECTOR, shot
from widgets.logic.join import JoinAddress, join_html, qr_svg, student_address
from widgets.views.join import join_screen

# --------------------------------------------------------------------------- the join screen's logic


def decode_png(data: bytes) -> list[str]:
    """The texts of every QR code found in a PNG image (zxing-cpp)."""
    import zxingcpp
    from PIL import Image

    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)).convert("L"))]


def test_student_address_comes_from_the_environment_present_sets() -> None:
    assert student_address({"RECOVERY_STUDENT_URL": " http://192.168.1.20:8867/ "}) == JoinAddress("http://192.168.1.20:8867/")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "python3 tasks.py present"),
        ("javascript:alert(1)", "not a web address"),
        ("http://", "not a web address"),
        ("http://host:notaport/", "not a web address"),
        ("http://a b/", "not a web address"),
        ("http://example.org/" + "x" * 500, "characters long"),
    ],
)
def test_a_missing_or_unusable_address_is_explained_not_shown(value: str, expected: str) -> None:
    address = student_address({"RECOVERY_STUDENT_URL": value})
    assert address.url is None and expected in (address.problem or "")
    html = join_html(address)
    assert "<img" not in html and expected.split()[0] in html
    assert "column-count: 1" in html  # one block across the projector, not the template's two reading columns


def test_a_loopback_address_is_shown_with_a_caution() -> None:
    address = student_address({"RECOVERY_STUDENT_URL": "http://127.0.0.1:8867/"})
    assert address.url == "http://127.0.0.1:8867/" and "only on this computer" in (address.caution or "")
    assert "only on this computer" in join_html(address)


def test_join_html_escapes_the_address_and_carries_its_qr_code() -> None:
    url = "http://example.org/?a=<b>&c='d'"
    html = join_html(JoinAddress(url))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert 'class="rw-join-url"' in html and 'alt="QR code for http://example.org/?a=&lt;b&gt;' in html
    assert re.search(r'<img src="data:image/svg\+xml;[^"]+"', html)


def test_qr_code_decodes_to_the_address() -> None:
    """The same segno settings as the screen, drawn as a PNG, read back by zxing-cpp."""
    import segno

    url = "http://192.168.1.20:8867/"
    assert qr_svg(url).startswith("<svg") and 'viewBox="0 0 ' in qr_svg(url)
    png = io.BytesIO()
    segno.make(url, error="m", micro=False, boost_error=False).save(png, kind="png", scale=8, border=4)
    assert decode_png(png.getvalue()) == [url]


def test_join_screen_view_reads_the_given_environment() -> None:
    screen = join_screen({"RECOVERY_STUDENT_URL": "http://10.0.0.5:8867/"})
    html = "".join(getattr(child, "value", "") for child in screen.children)
    assert "rw-exercise" in screen._dom_classes and "http://10.0.0.5:8867/" in html
    missing = "".join(getattr(child, "value", "") for child in join_screen({}).children)
    assert "<code>python3 tasks.py present</code>" in missing and "`" not in missing and "<img" not in missing


# --------------------------------------------------------------------------- how present sets up the room


def test_present_parses_its_options_and_passes_the_rest_to_voila() -> None:
    room = tasks.parse_room(["--students=40", "--ip=0.0.0.0", "--port=9000", "--theme=dark"])
    assert (room.students, room.ip, room.port, room.student_port, room.extra) == (40, "0.0.0.0", 9000, 9001, ("--theme=dark",))
    assert tasks.parse_room(["--Voila.ip=127.0.0.1"]).public is False
    assert tasks.parse_room([]).public is True  # the room's network by default: present warns
    with pytest.raises(SystemExit):
        tasks.parse_room(["--students=many"])
    with pytest.raises(SystemExit):
        tasks.parse_room(["--port=9000", "--student-port=9000"])


def test_present_serves_students_and_lecturer_apart(tmp_path: Path) -> None:
    room = tasks.Room(ip="0.0.0.0", port=9000, student_port=9001, students=30, student_url="http://10.1.2.3:9001/")
    env = {"RECOVERY_LECTURER_CODE": "a-secret-code", "JUPYTER_CONFIG_PATH": "/etc/x", "RECOVERY_CLASS_DB": "/tmp/c.sqlite3"}
    servers = tasks.room_servers(room, env, tmp_path)
    student_command, student_env = servers["students"]
    lecturer_command, lecturer_env = servers["lecturer"]
    assert "--Voila.ip=0.0.0.0" in student_command and "--port=9001" in student_command
    assert "--Voila.ip=127.0.0.1" in lecturer_command and "--port=9000" in lecturer_command
    assert student_env["RECOVERY_PAGES"].split(",") == list(tasks.STUDENT_PAGES)
    assert not set(LECTURER_ONLY) & set(tasks.STUDENT_PAGES)
    assert student_env["RECOVERY_MAX_KERNELS"] == str(tasks.kernel_cap(30)) == "45"
    assert "RECOVERY_LECTURER_CODE" not in student_env and "RECOVERY_STUDENT_URL" not in student_env
    assert lecturer_env["RECOVERY_LECTURER_CODE"] == "a-secret-code" and "RECOVERY_PAGES" not in lecturer_env
    assert lecturer_env["RECOVERY_STUDENT_URL"] == "http://10.1.2.3:9001/"
    assert student_env["RECOVERY_CLASS_DB"] == lecturer_env["RECOVERY_CLASS_DB"]  # one class store
    pools = json.loads((Path(student_env["JUPYTER_CONFIG_PATH"].split(":")[0]) / "voila.json").read_text())
    assert pools["VoilaKernelManager"]["kernel_pools_config"]["class-poll.ipynb"] == {"pool_size": 30}


def test_present_warns_what_the_network_can_reach() -> None:
    warning = tasks.room_warning(tasks.Room(ip="0.0.0.0", student_port=8867, student_url="http://10.1.2.3:8867/"))
    assert "WARNING" in warning and "http://10.1.2.3:8867/" in warning and "no sign-in and no encryption" in warning
    assert "class-poll" in warning and "cannot open the poll board, class results" in warning


def test_present_names_the_postgres_driver_it_needs() -> None:
    assert tasks.postgres_driver({"RECOVERY_CLASS_DB_URL": "postgresql+psycopg://w@db/s"}) == "psycopg"
    assert tasks.postgres_driver({"RECOVERY_CLASS_DB_URL": "postgresql://w@db/s"}) == "psycopg2"
    assert tasks.postgres_driver({}) is None
    assert tasks.EXTRAS["postgres"] == {"postgres"}


def test_present_installs_the_postgres_extra_when_the_driver_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []

    class Missing:
        returncode = 1

    monkeypatch.setattr(tasks.subprocess, "run", lambda *args, **kwargs: Missing())
    monkeypatch.setattr(tasks, "ensure_environment", lambda extra: calls.append(extra))
    tasks.ensure_postgres_driver({"RECOVERY_CLASS_DB_URL": "postgresql+psycopg://w@db/s"})
    assert calls == ["postgres"]
    with pytest.raises(SystemExit, match="pip install psycopg2"):
        tasks.ensure_postgres_driver({"RECOVERY_CLASS_DB_URL": "postgresql+psycopg2://w@db/s"})


# --------------------------------------------------------------------------- both servers, as present starts them


def network_address() -> str:
    """This machine's address on its network, as a student's device would use it (loopback if it has none)."""
    return tasks.lan_address() or "127.0.0.1"


@dataclass
class Seminar:
    student_base: str
    lecturer_base: str
    student_url: str


def _wait(base: str, processes: list[object], log: Path) -> None:
    deadline = time.monotonic() + 120
    while not tasks.answers(base):
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):  # type: ignore[attr-defined]
            raise RuntimeError(f"a present server did not start; see {log}:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def seminar(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seminar]:
    import subprocess

    folder = tmp_path_factory.mktemp("present")
    host = network_address()
    room = tasks.Room(ip="0.0.0.0", port=free_port(), student_port=free_port(), students=2)
    room = tasks.Room(
        ip=room.ip, port=room.port, student_port=room.student_port, students=2, student_url=f"http://{host}:{room.student_port}/"
    )
    servers = tasks.room_servers(room, jupyter_env(folder / "answers.sqlite3"), folder / "config")
    processes = []
    logs = []
    for name, (command, env) in servers.items():
        log = folder / f"{name}.log"
        logs.append(log)
        with log.open("wb") as sink:
            processes.append(
                subprocess.Popen([str(c) for c in command], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
            )
    try:
        _wait(f"http://{host}:{room.student_port}", processes, logs[0])
        _wait(f"http://127.0.0.1:{room.port}", processes, logs[1])
        yield Seminar(f"http://{host}:{room.student_port}", f"http://127.0.0.1:{room.port}", room.address())
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _status(url: str) -> int:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


LECTURER_ONLY = ("class-poll-board.ipynb", "class-results.ipynb", "join.ipynb", "seminar.ipynb")


@pytest.mark.browser
def test_a_student_reaches_the_poll_page_and_never_the_lecturers_pages(seminar: Seminar) -> None:
    """At the students' server's network address: ``/`` leads to the poll page; lecturer pages are 404 and unlisted."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(seminar.student_base + "/", timeout=30)
        raise AssertionError("/ did not redirect")
    except urllib.error.HTTPError as error:
        assert error.code == 302 and error.headers["Location"].endswith("/voila/render/class-poll.ipynb")
    for page in LECTURER_ONLY:
        assert _status(f"{seminar.student_base}/voila/render/{page}") == 404, page
    # The file list's page asks this for its entries.
    listing = json.loads(urllib.request.urlopen(seminar.student_base + "/voila/api/contents", timeout=30).read())
    names = {entry["name"] for entry in listing["content"]}
    assert "class-poll.ipynb" in names and not names & set(LECTURER_ONLY), names
    assert _status(f"{seminar.lecturer_base}/voila/render/class-poll-board.ipynb") == 200  # the lecturer has them


@pytest.mark.browser
def test_the_lecturers_server_is_not_on_the_network(seminar: Seminar) -> None:
    host = seminar.student_url.split("//", 1)[1].split(":", 1)[0]
    if host == "127.0.0.1":
        pytest.skip("this machine has no network address besides loopback")
    port = int(seminar.lecturer_base.rsplit(":", 1)[1])
    with socket.socket() as sock:
        sock.settimeout(5)
        assert sock.connect_ex((host, port)) != 0


@pytest.mark.browser
def test_join_screen_shows_the_address_large_and_its_qr_code_opens_the_poll_page(browser, seminar: Seminar) -> None:
    page = browser.new_page(viewport={"width": PROJECTOR[0], "height": PROJECTOR[1]})  # type: ignore[attr-defined]
    seen = watch(page)
    try:
        page.goto(f"{seminar.lecturer_base}/voila/render/join.ipynb")
        page.wait_for_selector(".rw-join-url", timeout=90_000)
        page.wait_for_function("() => [...document.images].every((img) => img.complete && img.naturalWidth > 0)")
        url_text = page.locator(".rw-join-url")
        assert url_text.inner_text().strip() == seminar.student_url
        facts = url_text.evaluate(
            "el => { const b = el.getBoundingClientRect(); return {size: parseFloat(getComputedStyle(el).fontSize), bottom: b.bottom, right: b.right}; }"
        )
        assert facts["size"] >= 48, facts
        assert facts["bottom"] <= PROJECTOR[1] and facts["right"] <= PROJECTOR[0], facts
        qr = page.locator(".rw-join-qr img").evaluate(
            "el => { const b = el.getBoundingClientRect(); return [b.top, b.bottom, b.width]; }"
        )
        assert qr[1] <= PROJECTOR[1] and qr[2] >= 500, qr  # on the first screen, large enough to scan from the room
        shot(page, "join-projector-first-screen")
        decoded = decode_png(page.screenshot())
        assert decoded == [seminar.student_url]
        assert seen.external_requests == [] and seen.unexpected_page_errors() == []
        page.unroute("**/*")  # the students' server is at the network address, which watch() would refuse
        page.goto(decoded[0])  # what a phone does with the code
        try:
            page.get_by_text("No poll is open just now").wait_for(timeout=90_000)
        finally:
            shot(page, "join-qr-opens-class-poll")
        assert page.url.endswith("/voila/render/class-poll.ipynb")
    finally:
        page.close()


# --------------------------------------------------------------------------- the room's benchmark report


def test_bench_only_room_rewrites_the_room_sections_and_keeps_the_rest() -> None:
    from benchmarks.run import splice_room

    text = (
        "# Benchmarks\n\nWritten by bench.\n\n## Machine\n\n- a machine\n\n## Summary\n\n- Viewers at once: 0 of 2 targets met\n\n"
        "## 30 viewers at once\n\ncrowd table\n\n## What profiling changed\n\nhistory\n"
    )
    once = splice_room(text, ["## Bytes per viewer\n\nold bytes", "## A room of 60 viewers voting at once\n\nold room"],
                       ["- Bytes per viewer: 0 of 1 targets met"], "2026-12-06 19:00")  # fmt: skip
    twice = splice_room(once, ["## Bytes per viewer\n\nnew bytes", "## A room of 60 viewers voting at once\n\nnew room"],
                        ["- Bytes per viewer: 1 of 1 targets met"], "2026-12-06 20:00")  # fmt: skip
    headings = [line for line in twice.splitlines() if line.startswith("## ")]
    assert headings == ["## Machine", "## Summary", "## 30 viewers at once", "## Bytes per viewer",
                        "## A room of 60 viewers voting at once", "## What profiling changed"]  # fmt: skip
    assert "new bytes" in twice and "old bytes" not in twice and "crowd table" in twice and "history" in twice
    assert twice.count("- Bytes per viewer:") == 1 and "- Bytes per viewer: 1 of 1 targets met" in twice
    assert twice.count("rewritten by `python3 tasks.py bench --only room`") == 1 and "2026-12-06 20:00" in twice
    closed = splice_room(
        twice, [], ["- Bytes per viewer: 1 of 1 targets met"], "2026-12-06 21:00", "## What profiling changed\n\nnew history\n"
    )
    assert closed.endswith("## What profiling changed\n\nnew history\n") and "\nhistory\n" not in closed
