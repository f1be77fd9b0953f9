"""Keep every test, notebook run and Jupyter server away from the user's own files.

Set before anything imports Jupyter, so this process and every server, kernel and
browser test it starts (they inherit the environment) read and write Jupyter,
IPython and home-folder state inside one temporary folder per session:

- answers and class store: ``RECOVERY_WORKBOOK_DB`` in that folder;
- ``~/.jupyter`` (config, JupyterLab workspaces and settings), ``~/.local/share/jupyter``
  (data, runtime files), ``~/.ipython`` and ``HOME`` itself;
- the repository's templates and settings (``share/jupyter``, ``etc/jupyter``) are
  found first through ``JUPYTER_PATH`` and ``JUPYTER_CONFIG_PATH``, as with tasks.py.

The user's real home is kept in ``RECOVERY_TESTS_REAL_HOME`` so a test can check
that it is left alone.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SESSION_DIR = Path(tempfile.mkdtemp(prefix="recovery-workbook-tests-"))
atexit.register(shutil.rmtree, SESSION_DIR, ignore_errors=True)


def _isolate(environ: os._Environ[str] | dict[str, str], session: Path) -> None:
    home = session / "home"
    folders = {
        "JUPYTER_CONFIG_DIR": home / ".jupyter",
        "JUPYTER_DATA_DIR": home / ".local" / "share" / "jupyter",
        "JUPYTER_RUNTIME_DIR": home / ".local" / "share" / "jupyter" / "runtime",
        "JUPYTERLAB_WORKSPACES_DIR": home / ".jupyter" / "lab" / "workspaces",
        "JUPYTERLAB_SETTINGS_DIR": home / ".jupyter" / "lab" / "user-settings",
        "IPYTHONDIR": home / ".ipython",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_CACHE_HOME": home / ".cache",
    }
    environ.setdefault("RECOVERY_TESTS_REAL_HOME", environ.get("HOME", str(Path.home())))
    environ["HOME"] = str(home)
    for variable, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        environ[variable] = str(folder)
    environ["RECOVERY_WORKBOOK_DB"] = str(session / "answers.sqlite3")
    for variable, folder in (("JUPYTER_PATH", ROOT / "share" / "jupyter"), ("JUPYTER_CONFIG_PATH", ROOT / "etc" / "jupyter")):
        kept = [entry for entry in environ.get(variable, "").split(os.pathsep) if entry and entry != str(folder)]
        environ[variable] = os.pathsep.join([str(folder), *kept])


_isolate(os.environ, SESSION_DIR)
