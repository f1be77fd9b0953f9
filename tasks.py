#!/usr/bin/env python3
"""Set up and run the workbook with nothing but Python 3.11+.

    python3 tasks.py lab     # create/reuse .venv, install, start JupyterLab on workbooks/
    python3 tasks.py test    # create/reuse .venv with the test extra, run the whole suite (about 20 minutes)
    python3 tasks.py test --fast  # the quick subset: no notebooks, browsers, JupyterHub or wheel build
    python3 tasks.py present # a seminar: students' pages on the network (:8867, / opens the class poll),
                             #   the lecturer's (board, class results, join screen) on 127.0.0.1:8866 only
                             #   (--students=30 preheats a kernel per student; --ip=127.0.0.1 for a rehearsal)
    python3 tasks.py bench   # measure speed and memory and write BENCHMARKS.md (about 20 minutes)
                             #   (--only room: just the room of 60 viewers and the bytes per viewer)
    python3 tasks.py screenshots  # write the README's screenshots into docs/screenshots/

The virtual environment lives in ``.venv`` beside this file and is reinstalled
only when ``pyproject.toml`` or ``setup.py`` changes; ``lab`` reuses the install
``test`` made (its extra is a superset). Extra arguments after ``test`` go to pytest.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


EXTRAS = {None: set(), "postgres": {"postgres"}, "test": {"test", "postgres"}}
"""What each install brings; the ``test`` extra is a superset of the base install (and has the PostgreSQL driver)."""


def step(message: str) -> None:
    print(f"[tasks.py] {message}", flush=True)


def ensure_environment(extra: str | None) -> None:
    """Create ``.venv`` if needed and install the package (with ``extra``) when pyproject changes.

    One install serves every task: ``.venv/.installed`` records the hash of
    pyproject.toml and setup.py and the extras installed with it. A task whose
    extras are already there (``lab`` after ``test``) starts at once; anything
    else reinstalls, with pip's own progress on screen.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 (tasks.py runs under whatever python3 is)
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        step(f"Creating a virtual environment in {VENV} ...")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in ("pyproject.toml", "setup.py"))).hexdigest()
    stamp = VENV / ".installed"
    wanted = EXTRAS[extra]
    try:
        recorded = json.loads(stamp.read_text())
        have, current = set(recorded["extras"]), recorded["digest"] == digest
    except (OSError, ValueError, KeyError, TypeError):
        have, current = set(), False
    if current and wanted <= have:
        return
    extras = sorted(wanted | have)  # reinstall what was there too, so the next task need not
    target = f".[{','.join(extras)}]" if extras else "."
    step("Upgrading pip (1 of 2) ...")
    subprocess.run([PYTHON, "-m", "pip", "install", "--upgrade", "pip"], check=True)
    step(f"Installing the workbook and what it needs ({target}) into {VENV} (2 of 2; a few minutes the first time) ...")
    subprocess.run([PYTHON, "-m", "pip", "install", "--editable", target], cwd=ROOT, check=True)
    stamp.write_text(json.dumps({"digest": digest, "extras": extras}))
    step("Installed.")


def jupyter_environment() -> dict[str, str]:
    """Our Voila template (no CDN links) and settings, found through Jupyter's search paths."""
    env = dict(os.environ)
    for variable, folder in (("JUPYTER_PATH", ROOT / "share" / "jupyter"), ("JUPYTER_CONFIG_PATH", ROOT / "etc" / "jupyter")):
        env[variable] = os.pathsep.join(filter(None, [str(folder), env.get(variable, "")]))
    return env


STUDENT_PAGES = (
    "class-poll.ipynb",
    "chime-explorer.ipynb",
    "measure-explorer.ipynb",
    "rci-explorer.ipynb",
    "ips-evidence.ipynb",
    "imroc-team-board.ipynb",
)
"""What the students' server serves: the poll page first, then the explorers. Never the board, class results or join screen."""
STUDENT_HOME = STUDENT_PAGES[0]
JOIN_PAGE = "join.ipynb"
LECTURER_KERNELS = 20
"""Kernel cap of the lecturer's server (127.0.0.1 only): the lecturer's own pages and reloads."""
DEFAULT_ROOM = 30
"""Students assumed when ``present`` is not told ``--students=N`` (it sizes the kernel cap, not the preheating)."""
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
KERNEL_MIB = 126
"""Resident memory of one poll-page kernel (BENCHMARKS.md, the room of 60)."""


def kernel_cap(students: int) -> int:
    """Kernels the students' server may run: a preheated one per student plus room for reloads and explorers.

    A reload starts a new kernel and the old one is culled only after 10 idle minutes, so the margin is
    half the class (at least 10).

    >>> kernel_cap(30), kernel_cap(60), kernel_cap(4)
    (45, 90, 14)
    """
    return students + max(10, students // 2)


def lan_address() -> str | None:
    """This computer's address on its network (the one its default route uses), or None when it has none.

    Connecting a UDP socket sends nothing; it only asks the system which address it would send from.
    """
    for probe in ("192.0.2.1", "10.255.255.255"):  # TEST-NET-1 and a private address: never contacted
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            try:
                sock.connect((probe, 9))
                address = str(sock.getsockname()[0])
            except OSError:
                continue
        if address not in LOOPBACK and not address.startswith(("127.", "0.")):
            return address
    return None


def _pools_config(folder: Path, pools: dict[str, int], *, fill_delay: int) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    config = {"default": {"pool_size": pools.get("default", 0)}} | {
        name: {"pool_size": size} for name, size in pools.items() if name != "default"
    }
    (folder / "voila.json").write_text(
        json.dumps({"VoilaKernelManager": {"kernel_pools_config": config, "fill_delay": fill_delay}}, indent=2)
    )
    return str(folder)


@dataclass(frozen=True)
class Room:
    """How ``present`` serves a seminar: the students' server on the network, the lecturer's on this computer only."""

    ip: str = "0.0.0.0"
    port: int = 8866
    student_port: int = 8867
    students: int | None = None
    student_url: str | None = None
    extra: tuple[str, ...] = ()

    @property
    def public(self) -> bool:
        return self.ip not in LOOPBACK

    def address(self) -> str:
        """The students' address: what the join screen shows, pointing straight to the poll page."""
        if self.student_url:
            return self.student_url
        host = self.ip
        if host in ("0.0.0.0", "::", ""):
            host = lan_address() or "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.student_port}/"

    def lecturer_url(self, page: str = JOIN_PAGE) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{page}"


def parse_room(rest: list[str]) -> Room:
    """``present``'s options; anything else goes to both Voila servers unchanged."""
    values: dict[str, str] = {}
    extra = []
    names = {
        "--ip": "ip", "--Voila.ip": "ip", "--port": "port", "--Voila.port": "port",
        "--student-port": "student_port", "--students": "students", "--student-url": "student_url",
    }  # fmt: skip
    for arg in rest:
        key, _, value = arg.partition("=")
        if key in names and value:
            values[names[key]] = value
        else:
            extra.append(arg)
    try:
        port = int(values.get("port", 8866))
        room = Room(
            ip=values.get("ip", "0.0.0.0"),
            port=port,
            student_port=int(values.get("student_port", port + 1)),
            students=int(values["students"]) if "students" in values else None,
            student_url=values.get("student_url"),
            extra=tuple(extra),
        )
    except ValueError as error:
        sys.exit(f"present: {error}; --port, --student-port and --students take whole numbers.")
    if room.students is not None and not 1 <= room.students <= 500:
        sys.exit("present: --students=N takes a number from 1 to 500.")
    if room.port == room.student_port:
        sys.exit("present: the lecturer's and the students' servers need different ports.")
    return room


def room_servers(room: Room, env: dict[str, str], config_root: Path) -> dict[str, tuple[list[str | Path], dict[str, str]]]:
    """The two Voila servers of a seminar: their commands and environments, sharing one class store.

    - *students*: listens on ``room.ip`` (the room's network), serves only :data:`STUDENT_PAGES`
      (``RECOVERY_PAGES``: other notebooks answer 404 and are not listed), ``/`` opens the poll page,
      at most :func:`kernel_cap` kernels (``RECOVERY_MAX_KERNELS``), one preheated kernel per student
      for the poll page, and no lecturer code in its environment.
    - *lecturer*: 127.0.0.1 only, every dashboard (board, class results, the join screen), the lecturer
      code, and ``RECOVERY_STUDENT_URL`` for the join screen.
    """
    folder = str(ROOT / "workbooks" / "dashboards")
    look = ["--template=projector", "--preheat_kernel=True", *room.extra]
    students = room.students or DEFAULT_ROOM
    shared = {
        key: value for key, value in env.items() if key not in ("RECOVERY_PAGES", "RECOVERY_MAX_KERNELS", "RECOVERY_STUDENT_URL")
    }
    student_config = _pools_config(
        config_root / "students", {STUDENT_HOME: room.students or 2, "chime-explorer.ipynb": 1}, fill_delay=60
    )
    student_env = {k: v for k, v in shared.items() if k != "RECOVERY_LECTURER_CODE"}
    student_env |= {
        "RECOVERY_PAGES": ",".join(STUDENT_PAGES),
        "RECOVERY_MAX_KERNELS": str(kernel_cap(students)),
        "JUPYTER_CONFIG_PATH": os.pathsep.join(filter(None, [student_config, env.get("JUPYTER_CONFIG_PATH")])),
    }
    lecturer_config = _pools_config(config_root / "lecturer", {"default": 1}, fill_delay=0)
    lecturer_env = shared | {
        "RECOVERY_MAX_KERNELS": str(LECTURER_KERNELS),
        "RECOVERY_STUDENT_URL": room.address(),
        "JUPYTER_CONFIG_PATH": os.pathsep.join(filter(None, [lecturer_config, env.get("JUPYTER_CONFIG_PATH")])),
    }
    student_command: list[str | Path] = [
        PYTHON, Path(__file__).resolve(), "_voila-with-home", STUDENT_HOME,
        f"--Voila.ip={room.ip}", f"--port={room.student_port}", "--Voila.port_retries=0", "--no-browser", *look, folder,
    ]  # fmt: skip
    lecturer_command: list[str | Path] = [
        PYTHON, Path(__file__).resolve(), "_voila-with-home", JOIN_PAGE,
        "--Voila.ip=127.0.0.1", f"--port={room.port}", "--Voila.port_retries=0", "--no-browser", *look, folder,
    ]  # fmt: skip
    return {"students": (student_command, student_env), "lecturer": (lecturer_command, lecturer_env)}


def voila_with_home(home: str, args: list[str]) -> None:
    """Run Voila (in .venv's Python) with ``/`` leading straight to ``home`` instead of the file list.

    The redirect is a temporary one (302), so a phone that once scanned the code does not keep it
    for another seminar, and it is put in front of every other route (the room guard's included).
    """
    from tornado.routing import HostMatches, Rule
    from tornado.web import RedirectHandler, _ApplicationRouter
    from voila.app import Voila as PlainVoila

    class Voila(PlainVoila):  # type: ignore[misc]  # the same name, so its log lines read as Voila's
        def init_handlers(self) -> list[object]:
            handlers: list[object] = super().init_handlers()
            target = f"{self.server_url.rstrip('/')}/voila/render/{home}"
            home_route = [(self.server_url, RedirectHandler, {"url": target, "permanent": False})]
            self.app.default_router.rules.insert(0, Rule(HostMatches(".*$"), _ApplicationRouter(self.app, home_route)))
            return handlers

    Voila.launch_instance(argv=args)


def postgres_driver(env: dict[str, str]) -> str | None:
    """When ``RECOVERY_CLASS_DB_URL`` names PostgreSQL: the driver module it needs, else None.

    >>> postgres_driver({"RECOVERY_CLASS_DB_URL": "postgresql+psycopg://w@db/seminar"})
    'psycopg'
    >>> postgres_driver({"RECOVERY_CLASS_DB_URL": "postgresql+psycopg2://w@db/seminar"})
    'psycopg2'
    >>> postgres_driver({"RECOVERY_CLASS_DB_URL": "sqlite:////tmp/class.sqlite3"}) is None
    True
    """
    scheme = env.get("RECOVERY_CLASS_DB_URL", "").strip().split("://", 1)[0].lower()
    if not scheme.startswith(("postgresql", "postgres")):
        return None
    driver = scheme.partition("+")[2]
    return driver or "psycopg2"  # SQLAlchemy's default driver for a bare postgresql:// URL


def ensure_postgres_driver(env: dict[str, str]) -> None:
    """Install the PostgreSQL driver the class store's URL needs (the ``postgres`` extra), or say exactly what to run."""
    driver = postgres_driver(env)
    if driver is None:
        return
    if subprocess.run([PYTHON, "-c", f"import {driver}"], capture_output=True, check=False).returncode == 0:
        return
    if driver == "psycopg":
        step("RECOVERY_CLASS_DB_URL names PostgreSQL: installing its driver (the postgres extra) ...")
        try:
            ensure_environment("postgres")
            return
        except subprocess.CalledProcessError:
            pass
        sys.exit(
            f'Could not install the PostgreSQL driver. Run:\n    {PYTHON} -m pip install -e "{ROOT}[postgres]"\nthen start present again.'
        )
    sys.exit(
        f"RECOVERY_CLASS_DB_URL asks for the {driver!r} driver, which is not installed. Either write the URL as "
        f"postgresql+psycopg://... (the workbook's driver; present installs it), or run:\n    {PYTHON} -m pip install {driver}"
    )


def room_warning(room: Room) -> str:
    """What ``present`` says before it listens beyond this computer: who can reach what."""
    where = "every network this computer is on" if room.ip in ("0.0.0.0", "::") else f"the network of {room.ip}"
    return (
        f"WARNING: the students' server listens on {room.ip}, port {room.student_port} ({where}).\n"
        f"  Anyone who can reach {room.address()} can open the students' pages ({', '.join(p.removesuffix('.ipynb') for p in STUDENT_PAGES)})\n"
        "  and vote, with no sign-in and no encryption (someone on the same Wi-Fi can read the traffic).\n"
        f"  They cannot open the poll board, class results or this join screen: those are served on\n"
        f"  http://127.0.0.1:{room.port}/ to this computer only. Use a network you trust, allow port {room.student_port}\n"
        "  on private networks only if your firewall asks, and stop with Ctrl+C after the seminar.\n"
        "  (--ip=127.0.0.1 keeps the students' server on this computer, for a rehearsal.)"
    )


def answers(base: str) -> bool:
    """True once a server answers at ``base`` (any HTTP status counts: ``/voila/static/`` itself is a 404)."""
    try:
        urllib.request.urlopen(f"{base}/voila/static/", timeout=2).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def present(rest: list[str]) -> int:
    """Serve a seminar: the students' pages on the room's network, the lecturer's on this computer only."""
    room = parse_room(rest)
    env = jupyter_environment()
    ensure_postgres_driver(env)
    if not env.get("RECOVERY_LECTURER_CODE", "").strip():
        env["RECOVERY_LECTURER_CODE"] = secrets.token_hex(4)
        print(f"Lecturer code for the poll board: {env['RECOVERY_LECTURER_CODE']}", flush=True)
        print("(set RECOVERY_LECTURER_CODE to choose your own)", flush=True)
    students = room.students or DEFAULT_ROOM
    preheat = room.students or 2
    print(
        f"Students' server: at most {kernel_cap(students)} kernels (about {kernel_cap(students) * KERNEL_MIB / 1024:.1f} GiB at most), "
        f"{preheat} preheated for the poll page (about {preheat * KERNEL_MIB / 1024:.1f} GiB); give it a minute before the room arrives.",
        flush=True,
    )
    if room.public:
        print(room_warning(room), flush=True)
    servers = room_servers(room, env, VENV / "present-config")
    processes = {name: subprocess.Popen(command, cwd=ROOT, env=server_env) for name, (command, server_env) in servers.items()}

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        deadline = time.monotonic() + 180
        student_host = room.ip if room.ip not in ("0.0.0.0", "::", *LOOPBACK) else "127.0.0.1"
        waiting = {f"http://{student_host}:{room.student_port}", f"http://127.0.0.1:{room.port}"}
        while waiting and time.monotonic() < deadline and all(p.poll() is None for p in processes.values()):
            waiting = {base for base in waiting if not answers(base)}
            time.sleep(0.5)
        if not waiting:
            step("The seminar is served.")
            print(f"\n    Students open:        {room.address()}   (the poll page; the join screen shows it with a QR code)")
            print(f"    You open (this computer only): {room.lecturer_url()}   (the join screen)")
            print(f"                                   {room.lecturer_url('class-poll-board.ipynb')}   (the poll board)")
            print(f"                                   {room.lecturer_url('seminar.ipynb')}   (the seminar slides)")
            print(f"                                   http://127.0.0.1:{room.port}/   (every dashboard)\n", flush=True)
            step("Press Ctrl+C to stop both servers after the seminar.")
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        return next(p.returncode for p in processes.values() if p.poll() is not None) or 1
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def run(command: list[str | Path], env: dict[str, str] | None = None) -> int:
    return subprocess.run(command, check=False, cwd=ROOT, env=env or jupyter_environment()).returncode


CHAPTER_00 = "lab/tree/workbooks/00-start-here.ipynb"
FAST = ["-m", "not browser and not faults and not hub and not packaging", "tests", "widgets"]
"""``test --fast``: unit, view and doctest checks; no notebooks, browsers, JupyterHub, wheel or fault runs."""


def free_port(start: int = 8888) -> int:
    for port in range(start, start + 50):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    sys.exit(f"No free port between {start} and {start + 49}; pass --port=N.")


def lab(rest: list[str]) -> int:
    """Start JupyterLab on the repository and print the exact address of chapter 00 once it answers."""
    env = jupyter_environment()
    env.setdefault("JUPYTER_TOKEN", secrets.token_hex(16))
    given = [arg for arg in rest if arg.startswith(("--port=", "--ServerApp.port="))]
    port = int(given[-1].split("=", 1)[1]) if given else free_port()
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    command: list[str | Path] = [
        BIN / "jupyter", "lab", "--notebook-dir", ROOT, f"--ServerApp.default_url=/{CHAPTER_00}",
        *([] if given else [f"--port={port}", "--ServerApp.port_retries=0"]), *as_root, *rest,
    ]  # fmt: skip
    step("Starting JupyterLab ...")
    process = subprocess.Popen(command, cwd=ROOT, env=env)

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)  # stopping tasks.py stops JupyterLab too
    try:
        deadline = time.monotonic() + 180
        while process.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={env['JUPYTER_TOKEN']}", timeout=2).read()
            except OSError:
                time.sleep(0.5)
                continue
            step("JupyterLab is running. Open chapter 00 at:")
            print(f"\n    http://127.0.0.1:{port}/{CHAPTER_00}?token={env['JUPYTER_TOKEN']}\n", flush=True)
            step("Press Ctrl+C to stop it.")
            break
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()


def main(argv: list[str]) -> int:
    task, *rest = argv or ["help"]
    if task == "lab":
        ensure_environment(None)
        return lab(rest)
    if task == "present":
        ensure_environment(None)
        return present(rest)
    if task == "_voila-with-home":  # present's servers, started in .venv's Python
        voila_with_home(rest[0], rest[1:])
        return 0
    if task == "bench":
        ensure_environment("test")
        return run([PYTHON, "-m", "benchmarks.run", *rest])
    if task == "screenshots":
        ensure_environment("test")
        step("Writing the README's screenshots into docs/screenshots/ ...")
        return run([PYTHON, "-m", "tests.screenshots", *rest])
    if task == "test":
        ensure_environment("test")
        if "--fast" in rest:
            rest = [arg for arg in rest if arg != "--fast"]
            step(f"Fast subset: pytest {' '.join(FAST)}")
            return run([PYTHON, "-m", "pytest", "--doctest-modules", *FAST, *rest])
        return run([PYTHON, "-m", "pytest", "--nbval-lax", "--doctest-modules", "tests", "widgets", "workbooks", *rest])
    print(__doc__)
    return 0 if task in {"help", "-h", "--help"} else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
