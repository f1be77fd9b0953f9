"""The package's layers, checked from the import graph (ast, so imports inside functions count too).

See ARCHITECTURE.md: content <- logic <- storage <- views <- entry points. A module may import
its own layer and the layers below it, never above; only views import ipywidgets.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "widgets"

LAYERS = ("content", "logic", "storage", "views")
"""Lowest first. Modules at the package's top are entry points (and may import anything)."""

WIDGET_LIBRARIES = ("ipywidgets", "anywidget", "traitlets", "IPython")

FOUNDATION = {
    # locates the package's own files (importlib.resources); below every layer, imports none of them
    "widgets.resources",
}

SERVER = "server"
"""``widgets/server/``: serving the dashboards to a room (kernel cap, culling, error pages, caching).

It sits beside the layers: it imports none of them and none of them imports it. Its rules are pure;
only ``SERVER_WIRING`` touches Voilà, jupyter_server and tornado (and traitlets, for Jupyter's settings).
"""
SERVER_WIRING = "widgets.server.wiring"
WEB_LIBRARIES = ("voila", "jupyter_server", "jupyter_client", "tornado", "traitlets")

NOT_YET_SPLIT: set[str] = set()
"""Modules allowed outside the layers while someone splits them (none now)."""

COHESIVE_LONG_MODULES = {
    # one topic, many small statistics functions with their formulas and references (pingouin style)
    "widgets.logic.measurement.psychometrics",
}
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute, at any depth of the file."""
    return imports_in(path.read_text(encoding="utf-8"), module_name(path), is_package=path.name == "__init__.py")


def imports_in(source: str, module: str, *, is_package: bool = False) -> set[str]:
    here = module.split(".")
    package = here if is_package else here[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # `from . import charts`
    return found


def layer(module: str) -> int | None:
    """The index of ``module``'s layer in LAYERS, or None for an entry point at the top of the package."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    return None


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def in_server(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 1 and parts[1] == SERVER


def _layered() -> list[str]:
    return [name for name in MODULES if layer(name) is not None and name not in NOT_YET_SPLIT]


@pytest.mark.parametrize("module", _layered())
def test_a_module_imports_only_its_own_layer_and_the_layers_below(module: str) -> None:
    own = layer(module)
    assert own is not None
    upward = sorted(
        target
        for target in imports(MODULES[module])
        if target in MODULES and (other := layer(target)) is not None and other > own
    )
    entry_points = sorted(
        target for target in imports(MODULES[module]) if target in MODULES and layer(target) is None and target not in {"widgets", *NOT_YET_SPLIT, *FOUNDATION}
    )
    assert not upward, f"{module} ({LAYERS[own]}) imports a higher layer: {upward}"
    assert not entry_points, f"{module} imports an entry-point module: {entry_points}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_import_of_the_package_names_a_module_that_exists(module: str) -> None:
    """A relative import left pointing at a module's old place fails only when that line runs; catch it here."""
    here = module.split(".")
    package = here if MODULES[module].name == "__init__.py" else here[:-1]
    missing = []
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("widgets")):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            if target in MODULES:
                continue
            if all(f"{target}.{alias.name}" in MODULES for alias in node.names):
                continue  # `from . import charts`
            missing.append(target)
    assert not missing, f"{module} imports modules that do not exist: {missing}"


@pytest.mark.parametrize("module", [name for name in MODULES if name not in NOT_YET_SPLIT])
def test_only_views_import_ipywidgets(module: str) -> None:
    if layer(module) == LAYERS.index("views"):
        return
    allowed = {"traitlets"} if module == SERVER_WIRING else set()  # Jupyter's settings system, not widgets
    widget_imports = sorted(
        target for target in imports(MODULES[module]) if target.split(".")[0] in set(WIDGET_LIBRARIES) - allowed
    )
    assert not widget_imports, f"{module} is not a view but imports {widget_imports}"


def test_the_foundation_imports_no_layer() -> None:
    for name in FOUNDATION:
        assert not {t for t in imports(MODULES[name]) if t.startswith("widgets.") and t != name}, name


def test_entry_points_hold_no_code_of_their_own() -> None:
    """A module at the package's top only re-exports (notebooks import these names)."""
    for name, path in MODULES.items():
        if layer(name) is not None or name in NOT_YET_SPLIT | FOUNDATION or name == "widgets" or in_server(name):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        kinds = {type(node).__name__ for node in tree.body} - {"Expr", "ImportFrom", "Import", "Assign"}
        assert not kinds, f"{name} defines {kinds}; put the code in a layer"


@pytest.mark.parametrize("module", sorted(set(MODULES) - COHESIVE_LONG_MODULES - NOT_YET_SPLIT))
def test_no_module_is_over_600_lines(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by topic or layer"


def test_the_layer_check_sees_an_upward_import_inside_a_function() -> None:
    source = "def f():\n    from ..views import exercises\n    import ipywidgets as ipw\n"
    found = imports_in(source, "widgets.content.bad")
    assert {"widgets.views.exercises", "ipywidgets"} <= found
    assert layer("widgets.views.exercises") == LAYERS.index("views")
    assert layer("widgets.content.bad") == LAYERS.index("content")
    assert layer("widgets.polls") is None


def test_tests_and_benchmarks_import_only_modules_the_package_has() -> None:
    """An editable install can quietly satisfy an old module name from another checkout; check the names here."""
    root = PACKAGE.parent
    missing = []
    for path in sorted([*(root / "tests").glob("*.py"), *(root / "benchmarks").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names if alias.name.startswith("widgets.")]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("widgets."):
                targets = [node.module or ""]
            else:
                continue
            missing += [f"{path.name}:{node.lineno} {target}" for target in targets if target not in MODULES]
    assert not missing, missing


@pytest.mark.parametrize("module", sorted(MODULES))
def test_the_server_package_and_the_layers_do_not_import_each_other(module: str) -> None:
    own = {target for target in imports(MODULES[module]) if target in MODULES and target != "widgets"}
    if in_server(module):
        outside = sorted(target for target in own if not in_server(target))
        assert not outside, f"{module} (server) imports the widget layers: {outside}"
    else:
        into = sorted(target for target in own if in_server(target))
        assert not into, f"{module} imports the server package: {into}"


@pytest.mark.parametrize("module", sorted(name for name in MODULES if in_server(name) and name != SERVER_WIRING))
def test_the_server_rules_are_pure(module: str) -> None:
    """Voilà, jupyter_server and tornado are reached only through widgets.server.wiring."""
    web = sorted(target for target in imports(MODULES[module]) if target.split(".")[0] in WEB_LIBRARIES + WIDGET_LIBRARIES)
    assert not web, f"{module} imports {web}; keep it pure and put the Voilà side in {SERVER_WIRING}"


def test_the_server_check_sees_the_server_package() -> None:
    assert in_server("widgets.server.guard") and not in_server("widgets.logic.polls")
    assert SERVER_WIRING in MODULES and layer(SERVER_WIRING) is None
