"""A real JupyterHub on 127.0.0.1: three students and a lecturer, live polls in one PostgreSQL class store.

JupyterHub (from PyPI) with configurable-http-proxy (from npm, as ``.ci/run`` installs
it), the dummy authenticator and the simple local-process spawner: every user gets
their own single-user server (their own home folder, answers file and kernels),
all sharing the class store through ``RECOVERY_CLASS_DB_URL`` on a throw-away
PostgreSQL server (``tests/postgres.py``). The hub runs the ``hub.extraConfig`` hook
from ``deploy/config.yaml``, so the lecturer code reaches only the lecturer's server.

Each student signs in through the hub's login page in Debian's Chromium, opens
chapter 01 and the CHIME poll page through ``/user/<name>/voila/render/...`` and
votes; the lecturer's board (a fourth user) shows the three votes. No request
leaves localhost. The memory of each user's server and its kernels is measured
(``test-artifacts/jupyterhub.json``; the README's sizing comes from it).

The Zero to JupyterHub example (``deploy/config.yaml``) cannot be run here (no
Kubernetes); a quick test parses it and checks the keys it relies on.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy
import yaml

from tests.harness import PageWatch, chromium_path, free_port, watch
from tests.postgres import postgres_server, server_binaries

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = yaml.safe_load((ROOT / "deploy" / "config.yaml").read_text())
STUDENTS = {"amara": "Identity", "bilal": "Empowerment", "chen": "Identity"}
"""Fictional students and the CHIME process each votes for."""
LECTURER = "lena"
LECTURER_CODE = "hub-test-lecturer-code"
TOKEN = "workbook-hub-test-" + os.urandom(8).hex()
POLL = "Which CHIME process do you think mental-health services find hardest to support?"
FOLDER = "recovery-workbook/workbooks"
"""Where each user's copy of the notebooks is (nbgitpuller's target in deploy/config.yaml)."""
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts"


# --- the Zero to JupyterHub example --------------------------------------------------------


def lookup(tree: object, dotted: str) -> object:
    for key in dotted.split("."):
        assert isinstance(tree, dict) and key in tree, f"deploy/config.yaml lacks {dotted}"
        tree = tree[key]
    return tree


def test_zero_to_jupyterhub_config_has_the_keys_it_relies_on() -> None:
    assert set(DEPLOY) <= {"hub", "proxy", "singleuser", "cull", "scheduling", "prePuller", "ingress", "debug"}
    assert lookup(DEPLOY, "hub.config.JupyterHub.authenticator_class")
    secret = lookup(DEPLOY, "singleuser.extraEnv.RECOVERY_CLASS_DB_URL.valueFrom.secretKeyRef")
    assert secret == {"name": "recovery-class-store", "key": "url"}
    assert lookup(DEPLOY, "hub.extraEnv.RECOVERY_LECTURER_CODE.valueFrom.secretKeyRef.name")
    assert "RECOVERY_LECTURER_CODE" not in lookup(DEPLOY, "singleuser.extraEnv")  # type: ignore[operator]
    assert lookup(DEPLOY, "singleuser.image.name") and lookup(DEPLOY, "singleuser.image.tag")
    pull = lookup(DEPLOY, "singleuser.lifecycleHooks.postStart.exec.command")
    assert isinstance(pull, list) and pull[0] == "gitpuller" and len(pull) == 4
    target = pull[3]
    assert lookup(DEPLOY, "singleuser.defaultUrl") == f"/lab/tree/{target}/workbooks/00-start-here.ipynb"
    assert FOLDER == f"{target}/workbooks"
    for key in ("memory.guarantee", "memory.limit", "cpu.limit"):
        assert lookup(DEPLOY, f"singleuser.{key}")
    assert lookup(DEPLOY, "cull.enabled") is True and int(lookup(DEPLOY, "cull.timeout")) >= 600  # type: ignore[call-overload]
    rule = lookup(DEPLOY, "singleuser.networkPolicy.egress")[0]  # type: ignore[index]
    assert {"port": 5432, "protocol": "TCP"} in rule["ports"]


def run_hook(user: str, environment: dict[str, str], hub_env: dict[str, str]) -> dict[str, str]:
    """Run deploy/config.yaml's extraConfig as the hub would, then its pre-spawn hook for ``user``."""
    config = SimpleNamespace(Spawner=SimpleNamespace())
    saved = dict(os.environ)
    os.environ.update(hub_env)
    try:
        exec(compile(str(lookup(DEPLOY, "hub.extraConfig.recovery-workbook")), "extraConfig", "exec"), {"c": config})  # noqa: S102
        spawner = SimpleNamespace(user=SimpleNamespace(name=user), environment=environment)
        config.Spawner.pre_spawn_hook(spawner)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return spawner.environment


def test_lecturer_code_reaches_only_the_lecturers_server() -> None:
    shared = {"RECOVERY_CLASS_DB_URL": "postgresql+psycopg://db/seminar"}
    hub_env = {"RECOVERY_LECTURERS": "lena, lecturer2", "RECOVERY_LECTURER_CODE": "s3cret"}
    assert run_hook("lena", shared, hub_env) == {**shared, "RECOVERY_LECTURER_CODE": "s3cret"}
    assert run_hook("amara", shared, hub_env) == shared
    assert run_hook("amara", {**shared, "RECOVERY_LECTURER_CODE": "leaked"}, hub_env) == shared
    assert shared == {"RECOVERY_CLASS_DB_URL": "postgresql+psycopg://db/seminar"}, "the shared dict was changed"


# --- a real hub ----------------------------------------------------------------------------


def needed() -> str | None:
    missing = []
    if not shutil.which("configurable-http-proxy"):
        missing.append("configurable-http-proxy (npm install -g configurable-http-proxy)")
    if not (BIN / "jupyterhub").exists():
        missing.append('jupyterhub (pip install -e ".[test]")')
    if server_binaries() is None:
        missing.append("PostgreSQL (apt-get install -y postgresql)")
    if chromium_path() is None:
        missing.append("chromium (apt-get install -y chromium)")
    return ", ".join(missing) or None


def api(hub: Hub, path: str, method: str = "GET") -> object:
    request = urllib.request.Request(f"{hub.url}/hub/api{path}", method=method)
    request.add_header("Authorization", f"token {TOKEN}")
    with urllib.request.urlopen(request, timeout=30) as answer:
        body = answer.read()
    return json.loads(body) if body else None


@dataclass
class Hub:
    url: str
    folder: Path
    log: Path
    process: subprocess.Popen[bytes]
    class_store: str

    def home(self, user: str) -> Path:
        return self.folder / "homes" / user


def hub_config(folder: Path, port: int, class_store: str) -> str:
    hook = lookup(DEPLOY, "hub.extraConfig.recovery-workbook")
    environment = {
        "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
        "RECOVERY_CLASS_DB_URL": class_store,
        # in the test the package is an editable install: the checkout's templates and settings stand in
        # for the ones a wheel installs (tests/test_packaging.py checks those)
        "JUPYTER_PATH": str(ROOT / "share" / "jupyter"),
        "JUPYTER_CONFIG_PATH": str(ROOT / "etc" / "jupyter"),
    }
    users = sorted([*STUDENTS, LECTURER])
    return f"""
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{shutil.which("configurable-http-proxy")!r}]
c.ConfigurableHTTPProxy.pid_file = {str(folder / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{folder / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(folder / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(folder / "hub.pid")!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = set({users!r})
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(folder / "homes" / "{username}")!r}
c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
c.Spawner.args = ["--allow-root", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {environment!r}
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.services = [{{"name": "workbook-test", "api_token": {TOKEN!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "workbook-test",
    "scopes": ["admin:users", "admin:servers", "list:users", "read:users"],
    "services": ["workbook-test"],
}}]
{hook}
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    problem = needed()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"missing: {problem}")
        pytest.skip(f"missing: {problem}")
    folder = tmp_path_factory.mktemp("hub")
    for user in [*STUDENTS, LECTURER]:  # what nbgitpuller does at each start on a real hub
        shutil.copytree(ROOT / "workbooks", folder / "homes" / user / FOLDER, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    with postgres_server() as class_store:
        port = free_port()
        (folder / "jupyterhub_config.py").write_text(hub_config(folder, port, class_store))
        env = {**os.environ, "RECOVERY_LECTURERS": LECTURER, "RECOVERY_LECTURER_CODE": LECTURER_CODE}
        env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
        log = folder / "jupyterhub.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(folder / "jupyterhub_config.py")],
                cwd=folder, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        running = Hub(f"http://127.0.0.1:{port}", folder, log, process, class_store)
        try:
            wait(lambda: api(running, "/") is not None, 90, running, "the hub did not answer")
            yield running
        finally:
            stop(running)


def wait(check: object, seconds: float, hub: Hub, message: str) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():  # type: ignore[operator]
                return
        except OSError:
            pass
        if hub.process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{message}; hub log:\n{hub.log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.5)


def stop(hub: Hub) -> None:
    """Stop the hub (it stops the proxy and the servers); then anything of the session left over."""
    import psutil

    try:
        group = [p for p in psutil.Process(hub.process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        group = []
    hub.process.send_signal(signal.SIGTERM)
    try:
        hub.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        hub.process.kill()
    for process in group:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


def start_servers(hub: Hub) -> None:
    users = [*STUDENTS, LECTURER]
    for user in users:
        api(hub, f"/users/{user}/server", method="POST")

    def ready() -> bool:
        return all(api(hub, f"/users/{user}")["servers"].get("", {}).get("ready") for user in users)  # type: ignore[index]

    wait(ready, 240, hub, "the four single-user servers did not start")


def sign_in(browser: Any, hub: Hub, user: str, path: str) -> tuple[Any, Any, PageWatch]:
    """A browser of the user's own: the hub's login page, then straight to ``path`` on their server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    seen = watch(page)
    page.goto(f"{hub.url}/hub/login?next={urllib.parse.quote(f'/user/{user}/{path}')}", timeout=60_000)
    page.fill("#username_input", user)
    page.fill("#password_input", "any password (dummy authenticator)")
    page.click("#login_submit")
    return context, page, seen


def voila(notebook: str) -> str:
    return f"voila/render/{FOLDER}/{notebook}"


def rendered(page: object, widgets: int = 1) -> None:
    page.wait_for_selector("main#rendered_cells", state="visible", timeout=180_000)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        f"document.querySelectorAll('.rw-exercise').length >= {widgets}", timeout=180_000
    )


def servers(hub: Hub) -> dict[str, object]:
    """Each user's single-user server process (found by its environment), with its kernels."""
    import psutil

    found: dict[str, object] = {}
    for process in psutil.Process(hub.process.pid).children(recursive=True):
        try:
            if "jupyterhub-singleuser" in " ".join(process.cmdline()):
                found[process.environ().get("JUPYTERHUB_USER", "?")] = process
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def memory(process: object) -> dict[str, object]:
    """Server and kernel memory in MiB: RSS (what one user alone in a container holds, the sizing figure)
    and PSS (shared libraries split between the users' processes on this one machine)."""
    kernels = [p for p in process.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]  # type: ignore[attr-defined]
    info = {p.pid: p.memory_full_info() for p in [process, *kernels]}  # type: ignore[list-item]
    rss = {pid: round(i.rss / 2**20, 1) for pid, i in info.items()}
    pss = {pid: round(i.pss / 2**20, 1) for pid, i in info.items()}
    return {
        "server_rss_mib": rss[process.pid],  # type: ignore[attr-defined]
        "kernels": len(kernels),
        "kernel_rss_mib": [rss[k.pid] for k in kernels],
        "total_rss_mib": round(sum(rss.values()), 1),
        "total_pss_mib": round(sum(pss.values()), 1),
    }


@pytest.mark.hub
@pytest.mark.browser
def test_three_students_vote_and_the_lecturers_board_shows_three_votes(hub: Hub, browser: Any) -> None:
    started = time.monotonic()
    start_servers(hub)
    spawned = time.monotonic() - started
    processes = servers(hub)
    assert set(processes) == {*STUDENTS, LECTURER}
    idle = {user: memory(process) for user, process in processes.items()}
    environments = {user: process.environ() for user, process in processes.items()}  # type: ignore[attr-defined]
    assert environments[LECTURER].get("RECOVERY_LECTURER_CODE") == LECTURER_CODE
    assert all("RECOVERY_LECTURER_CODE" not in environments[user] for user in STUDENTS)
    assert {environments[user]["RECOVERY_CLASS_DB_URL"] for user in processes} == {hub.class_store}

    board_context, board, board_seen = sign_in(browser, hub, LECTURER, voila("dashboards/class-poll-board.ipynb"))
    rendered(board)
    board.get_by_label("Poll").select_option(label=POLL)
    board.get_by_label("Lecturer code").fill(LECTURER_CODE)
    board.get_by_role("button", name="Open poll").click()
    board.get_by_text("Open: voting now").wait_for(timeout=60_000)

    watched = [board_seen]
    contexts = [board_context]
    for user, choice in STUDENTS.items():
        context, chapter, seen = sign_in(browser, hub, user, voila("01-understanding-recovery.ipynb"))
        contexts.append(context)
        watched.append(seen)
        rendered(chapter, widgets=3)
        assert f"/user/{user}/voila/render/" in chapter.url
        poll = context.new_page()
        watched.append(watch(poll))
        poll.goto(f"{hub.url}/user/{user}/{voila('dashboards/chime-explorer.ipynb')}", timeout=60_000)
        rendered(poll)
        poll.get_by_text("The poll is open").wait_for(timeout=60_000)
        poll.get_by_role("radio", name=choice).check()
        poll.get_by_role("button", name="Vote").click()
        poll.get_by_text(f"Vote saved: {choice}").wait_for(timeout=60_000)

    board.wait_for_function("document.body.innerText.includes('3 votes ·')", timeout=30_000)
    board.get_by_role("button", name="Reveal results").click()  # results are hidden until revealed (issue 15)
    board.wait_for_function(
        "[...document.querySelectorAll('.rw-tally-table tr')].some(r => r.innerText.includes('Identity') && r.innerText.includes('2 ('))",
        timeout=30_000,
    )
    busy = {user: memory(process) for user, process in servers(hub).items()}
    engine = sqlalchemy.create_engine(hub.class_store)
    with engine.connect() as connection:  # one store for the class: three voters, each their own learner id
        rows = connection.execute(sqlalchemy.text("SELECT voter_id, choice FROM votes")).all()
    engine.dispose()
    assert len(rows) == 3 and len({voter for voter, _ in rows}) == 3, rows
    for seen in watched:
        assert seen.external_requests == [] and seen.unexpected_page_errors() == []
    for context in contexts:
        context.close()

    # two pages open, two kernels: one kernel per open page (Voila gives every page view its own)
    assert all(busy[user]["kernels"] == 2 for user in STUDENTS), busy
    assert busy[LECTURER]["kernels"] == 1, busy
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "jupyterhub.json").write_text(
        json.dumps(
            {
                "seconds_to_start_four_servers": round(spawned, 1),
                "idle_server_rss_mib": [idle[user]["server_rss_mib"] for user in sorted(idle)],
                "student_with_chapter_01_and_poll_open_rss_mib": [busy[user]["total_rss_mib"] for user in STUDENTS],
                "student_with_chapter_01_and_poll_open_pss_mib": [busy[user]["total_pss_mib"] for user in STUDENTS],
                "kernel_per_page_rss_mib": [mib for user in STUDENTS for mib in busy[user]["kernel_rss_mib"]],  # type: ignore[attr-defined]
                "lecturer_with_board_open_rss_mib": busy[LECTURER]["total_rss_mib"],
                "per_user": busy,
            },
            indent=2,
        )
    )
