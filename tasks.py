#!/usr/bin/env python3
"""Set up and run the workbook with nothing but Python 3.11+.

    python3 tasks.py lab     # create/reuse .venv, install, start JupyterLab on workbooks/
    python3 tasks.py test    # create/reuse .venv with the test extra, run the whole suite
    python3 tasks.py present # serve the seminar dashboards with Voila on 127.0.0.1:8866, large type
                             #   (--students=30 preheats a kernel per student for the poll page)
    python3 tasks.py bench   # measure speed and memory and write BENCHMARKS.md (about 15 minutes)

The virtual environment lives in ``.venv`` beside this file and is reinstalled
only when ``pyproject.toml`` changes. Extra arguments after ``test`` go to pytest.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment(extra: str | None) -> None:
    """Create ``.venv`` if needed and install the package (with ``extra``) when pyproject changes."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    stamp = VENV / f".installed-{extra or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing the workbook ({target}) into {VENV} ...", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--editable", target], cwd=ROOT, check=True)
    stamp.write_text(digest)


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
    return subprocess.run(command, cwd=ROOT, env=env or jupyter_environment()).returncode


def main(argv: list[str]) -> int:
    task, *rest = argv or ["help"]
    if task == "lab":
        ensure_environment(None)
        as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        return run(
            [BIN / "jupyter", "lab", "--notebook-dir", ROOT, "--ServerApp.default_url=/lab/tree/workbooks/00-start-here.ipynb", *as_root, *rest]
        )
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
    if task == "test":
        ensure_environment("test")
        return run([PYTHON, "-m", "pytest", "--nbval-lax", "--doctest-modules", "tests", "widgets", "workbooks", *rest])
    print(__doc__)
    return 0 if task in {"help", "-h", "--help"} else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
