"""Installed anywhere: the wheel carries the content, templates and settings; plain ``voila`` and ``jupyter lab`` work.

The slow tests (marked ``packaging``) build the wheel, install it (not editable)
into a fresh virtual environment with no access to this checkout, run chapter 01
there with ``jupyter nbconvert --execute``, serve a copy of the notebooks from a
folder far from the checkout with plain ``voila`` (no ``JUPYTER_PATH`` or
``JUPYTER_CONFIG_PATH``), open the page in Debian's Chromium and check that no
request leaves localhost. Dependencies come from a wheel cache in
``.venv/wheel-cache`` (filled with ``pip download`` the first time), so a second
run needs no network.

Measurements (wheel size, install time) go to ``test-artifacts/packaging.json``.

The quick tests check the project files: every imported package is declared,
and the test session keeps Jupyter's state out of the user's home folder.
"""

from __future__ import annotations

import ast
import functools
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tests.harness import free_port, watch

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
WHEEL_CACHE = ROOT / ".venv" / "wheel-cache"
ARTIFACTS = ROOT / "test-artifacts"
CHAPTER = "01-understanding-recovery"
CONTENT_PROBLEM = "cannot be shown because its content file has a problem"
LOCAL_PACKAGES = {"widgets", "tests", "benchmarks", "tasks", "conftest", "setup"}


def tracked(pattern: str) -> list[str]:
    """Files git tracks under ``pattern`` (the content authors commit)."""
    out = subprocess.run(["git", "ls-files", pattern], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if (ROOT / line).is_file()]


# --- every imported package is declared -------------------------------------------------------


def third_party_imports(folders: list[str | Path]) -> dict[str, set[str]]:
    """Top-level modules imported by the Python files under ``folders`` (stdlib and our own left out)."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in LOCAL_PACKAGES and top != "__future__":
                        found.setdefault(top, set()).add(path.name)
    return found


def declared(*groups: str) -> set[str]:
    requirements = list(PYPROJECT["project"]["dependencies"])
    for group in groups:
        requirements += PYPROJECT["project"]["optional-dependencies"][group]
    return {canonicalize_name(Requirement(line).name) for line in requirements}


@functools.cache
def module_distributions() -> Mapping[str, list[str]]:
    return metadata.packages_distributions()


def distributions_of(module: str) -> set[str]:
    return {canonicalize_name(name) for name in module_distributions().get(module, [])}


@pytest.mark.parametrize(
    ("folders", "groups"),
    [(["widgets"], ()), (["widgets", "tests", "benchmarks"], ("test",))],
    ids=["runtime", "tests-and-benchmarks"],
)
def test_every_imported_package_is_declared(folders: list[str], groups: tuple[str, ...]) -> None:
    missing = undeclared(list(folders), groups)
    assert not missing, f"imported but not declared in pyproject.toml {groups or '[project]'}: {missing}"


def undeclared(folders: list[str | Path], groups: tuple[str, ...]) -> dict[str, list[str]]:
    allowed = declared(*groups)
    return {
        module: sorted(files)
        for module, files in third_party_imports(folders).items()
        if not distributions_of(module) & allowed
    }


def test_import_scan_finds_an_undeclared_import(tmp_path: Path) -> None:
    """The check can fail: a runtime module importing a test-only package is reported."""
    (tmp_path / "view.py").write_text("import os\nimport traitlets\nfrom pingouin import cronbach_alpha\nfrom . import x\n")
    assert undeclared([tmp_path], ()) == {"pingouin": ["view.py"]}
    assert undeclared([tmp_path], ("test",)) == {}


# --- where the content is found --------------------------------------------------------------


@pytest.mark.parametrize("layout", ["installed", "checkout", "missing"])
def test_data_dir_prefers_the_packaged_copy_then_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str) -> None:
    from widgets import resources

    package = tmp_path / "site" / "widgets"
    package.mkdir(parents=True)
    if layout == "installed":
        (package / "data").mkdir()
        (package / "data" / "manifest.yaml").write_text("seed: 1\n")
    if layout in {"installed", "checkout"}:
        (tmp_path / "site" / "data").mkdir()
        (tmp_path / "site" / "data" / "manifest.yaml").write_text("seed: 2\n")
    monkeypatch.setattr(resources, "package_root", lambda: package)
    expected = {"installed": package / "data", "checkout": tmp_path / "site" / "data", "missing": tmp_path / "site" / "data"}
    assert resources.data_dir() == expected[layout]


# --- tasks.py: one install shared by lab and test -------------------------------------------


def test_lab_after_test_does_not_reinstall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tasks

    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").touch()
    monkeypatch.setattr(tasks, "VENV", tmp_path)
    monkeypatch.setattr(tasks, "PYTHON", tmp_path / "bin" / "python")
    installs: list[list[str]] = []
    monkeypatch.setattr(tasks.subprocess, "run", lambda command, **_: installs.append([str(c) for c in command]))
    tasks.ensure_environment("test")
    assert installs[-1][-2:] == ["--editable", ".[postgres,test]"]
    count = len(installs)
    tasks.ensure_environment(None)  # lab
    tasks.ensure_environment("test")
    assert len(installs) == count, "lab after test reinstalled"
    monkeypatch.setattr(tasks, "ROOT", tmp_path)  # pyproject.toml changes: reinstall, keeping the test extra
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'changed'\n")
    (tmp_path / "setup.py").write_text("")
    tasks.ensure_environment(None)
    assert installs[-1][-2:] == ["--editable", ".[postgres,test]"]


# --- conda and Binder (repo2docker) ----------------------------------------------------------

REPO2DOCKER_PYTHON = re.compile(r"python\s*=+\s*([\d\.]*)")
"""repo2docker's own pattern for the Python pin (repo2docker/buildpacks/conda/__init__.py, PYTHON_REGEX)."""
REPO2DOCKER_FROZEN_PYTHONS = {"3.10", "3.11", "3.12", "3.13", "3.14"}
"""Pythons with a frozen base environment in repo2docker (environment.py-X.Y.yml); others fall back to its default."""


def environment() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def test_environment_yml_is_the_runtime_and_nothing_else() -> None:
    """Same packages and lower bounds as pyproject's runtime plus the PostgreSQL driver; no test tool."""
    conda: dict[str, str] = {}
    pip_lines: list[str] = []
    for entry in environment()["dependencies"]:
        if isinstance(entry, dict):
            pip_lines += entry["pip"]
        elif entry.split("=")[0].split(">")[0] not in {"python", "pip"}:
            requirement = Requirement(entry)
            conda[canonicalize_name(requirement.name)] = str(requirement.specifier)
    project = PYPROJECT["project"]
    runtime = [*project["dependencies"], *project["optional-dependencies"]["postgres"]]
    expected = {canonicalize_name(Requirement(r).name): str(Requirement(r).specifier) for r in runtime}
    assert conda == expected
    assert pip_lines == ["."], "the workbook itself, not editable: its wheel brings templates and settings"
    test_only = declared("test") - declared() - {canonicalize_name(Requirement(r).name) for r in runtime}
    assert test_only and not test_only & conda.keys()


def test_binder_follows_repo2docker_rules() -> None:
    """What repo2docker documents and does, checked on our files (Binder itself cannot be reached from here).

    - config files are read from ``binder/`` or ``.binder/`` if either exists, else from the root; not both folders;
    - the Python version comes only from a ``python=X.Y`` entry (a range such as ``python>=3.11`` is ignored);
    - ``runtime.txt`` is ignored beside ``environment.yml``; a local pip requirement (``.``) is installed after
      the repository is copied in, so the wheel's data files land in the image's environment;
    - ``postBuild`` and ``start`` are not needed: the wheel installs the templates and settings itself.
    """
    folders = [name for name in ("binder", ".binder") if (ROOT / name).is_dir()]
    assert len(folders) <= 1
    config = ROOT / (folders[0] if folders else "")
    assert (config / "environment.yml").is_file()
    pins = [
        match.group(1)
        for entry in environment()["dependencies"]  # type: ignore[index]
        if isinstance(entry, str) and (match := REPO2DOCKER_PYTHON.match(entry))
    ]
    assert len(pins) == 1 and pins[0] in REPO2DOCKER_FROZEN_PYTHONS, pins
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(pins[0] + ".0")
    for ignored_or_unneeded in ("runtime.txt", "requirements.txt", "postBuild", "start", "apt.txt", "Dockerfile"):
        assert not (config / ignored_or_unneeded).exists(), ignored_or_unneeded


def test_repo2docker_pin_pattern_rejects_a_range() -> None:
    """The bug this guards: ``python>=3.11`` was read by nobody, and Binder built its default Python."""
    assert REPO2DOCKER_PYTHON.match("python>=3.11") is None
    assert REPO2DOCKER_PYTHON.match("python=3.11").group(1) == "3.11"  # type: ignore[union-attr]


# --- the test session keeps ~/.jupyter alone ---------------------------------------------------


def test_jupyter_state_lives_in_the_session_folder() -> None:
    from IPython.paths import get_ipython_dir
    from jupyter_core import paths

    real_home = Path(os.environ["RECOVERY_TESTS_REAL_HOME"])
    session_home = Path(os.environ["HOME"])
    assert session_home != real_home and "recovery-workbook-tests-" in str(session_home)
    for folder in (paths.jupyter_config_dir(), paths.jupyter_data_dir(), paths.jupyter_runtime_dir(), get_ipython_dir()):
        assert Path(folder).is_relative_to(session_home), folder
    assert paths.jupyter_path()[0] == str(ROOT / "share" / "jupyter")
    assert paths.jupyter_config_path()[0] == str(ROOT / "etc" / "jupyter")
    assert str(real_home / ".jupyter") not in paths.jupyter_config_path()
    assert str(session_home / ".jupyter") in paths.jupyter_config_path()


def test_jupyterlab_workspace_is_saved_in_the_session_folder_not_in_home(tmp_path: Path) -> None:
    """The bug: a browser test saved a JupyterLab workspace into the real ~/.jupyter."""
    from tests.harness import jupyterlab_server

    real = Path(os.environ["RECOVERY_TESTS_REAL_HOME"]) / ".jupyter" / "lab" / "workspaces"
    before = {p.name: p.stat().st_mtime for p in real.glob("*")} if real.is_dir() else {}
    workspace = {"data": {"layout-restorer:data": {}}, "metadata": {"id": "isolation-check"}}
    with jupyterlab_server(tmp_path, tmp_path / "answers.sqlite3", tmp_path / "lab.log") as url:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(f"{url}/lab", timeout=60).read()  # sets the _xsrf cookie, as a browser gets it
        xsrf = next(str(cookie.value) for cookie in jar if cookie.name == "_xsrf")
        request = urllib.request.Request(
            f"{url}/lab/api/workspaces/isolation-check", data=json.dumps(workspace).encode(), method="PUT"
        )
        request.add_header("Content-Type", "application/json")
        request.add_header("X-XSRFToken", xsrf)
        assert opener.open(request, timeout=30).status in {200, 204}
    saved = list(Path(os.environ["JUPYTERLAB_WORKSPACES_DIR"]).glob("isolation-check*"))
    assert saved, "JupyterLab did not save the workspace where the session points it"
    after = {p.name: p.stat().st_mtime for p in real.glob("*")} if real.is_dir() else {}
    assert after == before, f"the test session wrote into {real}"


# --- the wheel, installed into a fresh environment --------------------------------------------


def pip(python: Path | str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    env.pop("PIP_REQUIRE_VIRTUALENV", None)
    return subprocess.run([str(python), "-m", "pip", *args], check=False, cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
    offline = ["--no-index", "--find-links", str(WHEEL_CACHE)]
    built = pip(sys.executable, "wheel", "--no-deps", *offline, "-w", str(out), str(ROOT))
    if built.returncode:  # first run: fetch the build back-end into the cache
        fetched = pip(sys.executable, "download", "-d", str(WHEEL_CACHE), "setuptools>=77", "wheel")
        assert fetched.returncode == 0, fetched.stderr[-3000:]
        built = pip(sys.executable, "wheel", "--no-deps", *offline, "-w", str(out), str(ROOT))
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    (found,) = out.glob("recovery_workbook-*.whl")
    return found


@pytest.mark.packaging
def test_wheel_carries_content_templates_settings_and_licence(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    data = "recovery_workbook-0.1.0.data/data/"
    expected = {f"widgets/data/{path.removeprefix('data/')}" for path in tracked("data")}
    expected |= {path for path in tracked("widgets") if path.endswith((".py", "py.typed"))}
    expected |= {data + path for path in tracked("share/jupyter") + tracked("etc/jupyter")}
    expected |= {"recovery_workbook-0.1.0.dist-info/licenses/LICENSE"}
    assert expected - names == set()
    assert not {name for name in names if name.startswith(("data/", "tests/", "workbooks/"))}
    meta = zipfile.ZipFile(wheel).read("recovery_workbook-0.1.0.dist-info/METADATA").decode()
    assert "License-Expression: MIT" in meta and "Requires-Dist: traitlets" in meta
    record(wheel_kib=round(wheel.stat().st_size / 1024), wheel_files=len(names))


def record(**numbers: float | str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "packaging.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**known, **numbers}, indent=2))


@dataclass
class Installed:
    prefix: Path
    bin: Path
    env: dict[str, str]
    far: Path

    def run(self, *command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / command[0]), *command[1:]], check=False, cwd=self.far, env=self.env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """``pip install`` the wheel (not editable) into a fresh venv; notebooks copied to a folder far from the checkout."""
    base = tmp_path_factory.mktemp("installed")
    prefix = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(prefix)], check=True)
    python = prefix / "bin" / "python"
    offline = ["--no-index", "--find-links", str(WHEEL_CACHE)]
    started = time.monotonic()
    done = pip(python, "install", *offline, str(wheel), cwd=base)
    if done.returncode:  # first run (or new dependencies): fill the wheel cache, then install offline
        for stale in WHEEL_CACHE.glob("recovery_workbook-*.whl"):  # pip download would read the old wheel's dependencies
            stale.unlink()
        fetched = pip(sys.executable, "download", "-d", str(WHEEL_CACHE), str(wheel))
        assert fetched.returncode == 0, fetched.stderr[-3000:]
        started = time.monotonic()
        done = pip(python, "install", *offline, str(wheel), cwd=base)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    record(install_seconds_from_local_wheels=round(time.monotonic() - started, 1))
    far = base / "course" / "recovery"
    shutil.copytree(ROOT / "workbooks", far, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = {
        key: value for key, value in os.environ.items()
        if key not in {"JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "PYTHONPATH", "VIRTUAL_ENV", "RECOVERY_CLASS_DB_URL"}
    }  # fmt: skip
    env |= {
        "PATH": os.pathsep.join([str(prefix / "bin"), os.environ.get("PATH", "")]),
        "RECOVERY_WORKBOOK_DB": str(base / "answers.sqlite3"),
        "RECOVERY_CLASS_DB": str(base / "class.sqlite3"),
    }
    return Installed(prefix, prefix / "bin", env, far)


@pytest.mark.packaging
def test_installed_package_reads_its_content_from_site_packages(installed: Installed) -> None:
    probe = (
        "import json, widgets, widgets.content as c; from jupyter_core.paths import jupyter_path, jupyter_config_path;"
        "print(json.dumps([widgets.__file__, str(c.data_dir()), len(c.load_exercises('01-understanding-recovery').questions),"
        " jupyter_path(), jupyter_config_path()]))"
    )
    done = installed.run("python", "-c", probe)
    assert done.returncode == 0, done.stderr
    module, data, questions, data_path, config_path = json.loads(done.stdout)
    site = str(installed.prefix / "lib")
    assert module.startswith(site) and data.startswith(site) and data.endswith("widgets/data"), (module, data)
    assert questions > 0
    assert (installed.prefix / "share/jupyter/voila/templates/workbook/index.html.j2").is_file()
    assert str(installed.prefix / "share" / "jupyter") in data_path
    assert (installed.prefix / "etc/jupyter/voila.json").is_file()
    assert str(installed.prefix / "etc" / "jupyter") in config_path


@pytest.mark.packaging
def test_installed_chapter_runs_headless(installed: Installed) -> None:
    out = installed.far.parent / "executed"
    done = installed.run(
        "jupyter", "nbconvert", "--to", "notebook", "--execute", f"--output-dir={out}",
        "--ExecutePreprocessor.timeout=240", f"{CHAPTER}.ipynb", timeout=400,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    notebook = json.loads((out / f"{CHAPTER}.ipynb").read_text())
    outputs = [output for cell in notebook["cells"] for output in cell.get("outputs", [])]
    assert outputs and not [o for o in outputs if o["output_type"] == "error"]
    assert CONTENT_PROBLEM not in json.dumps(notebook)


@pytest.fixture
def plain_voila(installed: Installed) -> Iterator[str]:
    port = free_port()
    log = installed.far.parent / "voila.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(installed.bin / "voila"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", "."],
            cwd=installed.far, env=installed.env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/voila/tree", process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5).read().decode()
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{url} did not answer; log:\n{log.read_text(errors='replace')[-3000:]}") from None
            time.sleep(0.3)


@pytest.mark.packaging
@pytest.mark.browser
def test_plain_voila_renders_the_installed_chapter_offline(installed: Installed, plain_voila: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = watch(page)
    try:
        page.goto(f"{plain_voila}/voila/render/{CHAPTER}.ipynb", timeout=120_000)
        page.wait_for_selector("main#rendered_cells", state="visible", timeout=120_000)  # our template, not Voila's lab
        page.wait_for_function("document.querySelectorAll('.rw-exercise').length >= 3", timeout=120_000)
        text = page.inner_text("body")
        html = page.content()
    finally:
        page.close()
    assert CONTENT_PROBLEM not in text
    assert "from widgets import" not in html, "sources are shown: etc/jupyter/voila.json was not applied"
    assert seen.external_requests == []
    assert seen.unexpected_page_errors() == []


@pytest.mark.packaging
def test_plain_jupyter_lab_serves_voila_with_the_workbook_template(installed: Installed) -> None:
    """Plain ``jupyter lab`` in the fresh environment: Voila's server extension uses our template and settings."""
    port, log = free_port(), installed.far.parent / "lab.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                str(installed.bin / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
                "--ServerApp.token=", "--ServerApp.password=", "--allow-root", "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            cwd=installed.far, env=installed.env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/api", process, log)
        html = wait_for(f"http://127.0.0.1:{port}/voila/render/{CHAPTER}.ipynb", process, log, timeout=240)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    assert 'id="rendered_cells"' in html and "<main" in html
    assert re.findall(r'(?:href|src)="(https?://[^"]+)"', html) == [], "a stylesheet or script from another host"
    assert "font-awesome" not in html.lower()
    # Voila's page script loads MathJax 2 from cdnjs unless both of these are null (the server extension's
    # defaults are not; standalone voila's are): etc/jupyter/jupyter_server_config.json sets them
    page_config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', html, re.DOTALL).group(1))  # type: ignore[union-attr]
    assert page_config["fullMathjaxUrl"] is None and page_config["mathjaxConfig"] is None
    assert CONTENT_PROBLEM not in html
    assert "from widgets import" not in html
