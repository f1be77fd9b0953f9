#!/usr/bin/env python3
"""Set up and run the workbook with nothing but Python 3.11+.

    python3 tasks.py lab     # create/reuse .venv, install, start JupyterLab on workbooks/
    python3 tasks.py test    # create/reuse .venv with the test extra, run the whole suite (about 20 minutes)
    python3 tasks.py test --fast  # the quick subset: no notebooks, browsers, JupyterHub or wheel build
    python3 tasks.py present # serve the seminar dashboards with Voila on 127.0.0.1:8866, large type
                             #   (--students=30 preheats a kernel per student for the poll page)
    python3 tasks.py bench   # measure speed and memory and write BENCHMARKS.md (about 15 minutes)
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
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


EXTRAS = {None: set(), "test": {"test", "postgres"}}
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


def room_config(env: dict[str, str], students: int) -> dict[str, str]:
    """Preheat one kernel per student for the poll page, and refill the pool only after the room has arrived."""
    folder = VENV / "present-config"
    folder.mkdir(parents=True, exist_ok=True)
    pools = {"default": {"pool_size": 1}, "chime-explorer.ipynb": {"pool_size": max(students, 1)}}
    (folder / "voila.json").write_text(
        json.dumps({"VoilaKernelManager": {"kernel_pools_config": pools, "fill_delay": 60}}, indent=2)
    )
    print(f"Preheating {students} kernels for the CHIME poll page (about {students * 85} MiB); wait a minute before the room arrives.")
    return {**env, "JUPYTER_CONFIG_PATH": os.pathsep.join(filter(None, [str(folder), env.get("JUPYTER_CONFIG_PATH")]))}


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
        env = jupyter_environment()
        if not env.get("RECOVERY_LECTURER_CODE", "").strip():
            env["RECOVERY_LECTURER_CODE"] = secrets.token_hex(4)
            print(f"Lecturer code for the poll board: {env['RECOVERY_LECTURER_CODE']}", flush=True)
            print("(set RECOVERY_LECTURER_CODE to choose your own)", flush=True)
        students = [arg for arg in rest if arg.startswith("--students=")]
        rest = [arg for arg in rest if arg not in students]
        if students:
            env = room_config(env, int(students[-1].split("=", 1)[1]))
        look = ["--template=projector", "--preheat_kernel=True", "--pool_size=1"]
        defaults = [
            default for default, key in (("--Voila.ip=127.0.0.1", ("--Voila.ip=", "--ip=")), ("--port=8866", ("--port=", "--Voila.port=")))
            if not any(arg.startswith(key) for arg in rest)
        ]  # fmt: skip
        return run([BIN / "voila", *defaults, *look, *rest, ROOT / "workbooks" / "dashboards"], env)
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
