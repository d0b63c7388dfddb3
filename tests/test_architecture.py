"""The import layers of docs/architecture.md, kept true: read from the source with ``ast``
(module-level and function-level imports alike), so a layering slip fails here instead of
in review. Also: no import cycle between modules, models import no adapter, only an app's
``wiring`` imports its Celery tasks, and only ``wiring`` modules register anything."""

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Top to bottom: an app may import its own modules and any app in a lower layer; apps in
# one layer are independent of each other. docs/architecture.md shows the same table.
LAYERS: list[tuple[str, ...]] = [
    ("servicedesk",),
    ("portal", "demo", "imports", "mailin"),
    ("postmortems", "metrics"),
    ("response",),
    ("statuspage", "alerts"),
    ("changes", "oncall", "sla"),
    ("problems",),
    ("incidents",),
    ("notifications",),
    ("kernel",),
    ("catalog",),
    ("accounts",),
]
LAYER = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}

# Known crossings, each with its reason. Keep this list short.
ALLOWED: dict[tuple[str, str], str] = {
    ("catalog.api", "kernel.api"): "the catalog's endpoints use the shared API plumbing "
    "(cursor pagination, IsAgent, error schema), which lives in kernel.api",
}

ADAPTERS = {"admin", "api", "views", "tasks"}
REGISTRATIONS = {
    "register_relation",
    "register_admin_panel",
    "register_admin_actions",
    "register_list_column",
    "register_list_filter",
    "register_priority_recalculation",
    "subscribe",
    "set_publisher",
    "register_personal_link",
    "register_reference_links",
    "register_detail_field",
    "register_move_guard",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for app in LAYER
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, *, runtime_only: bool) -> Iterator[ast.AST]:
    """Every node, inside functions too; ``if TYPE_CHECKING:`` bodies only when asked,
    since they never run (they count for layers, not for cycles)."""
    for child in ast.iter_child_nodes(node):
        if runtime_only and isinstance(child, ast.If) and _type_checking(child):
            for other in child.orelse:
                yield other
                yield from _walk(other, runtime_only=runtime_only)
            continue
        yield child
        yield from _walk(child, runtime_only=runtime_only)


def _resolve(name: str) -> str | None:
    """The project module ``name`` refers to (a module, or the package holding a name)."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


@cache
def imports_of(module: str, *, runtime_only: bool) -> frozenset[str]:
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str | None] = set()
    for node in _walk(ast.parse(path.read_text()), runtime_only=runtime_only):
        if isinstance(node, ast.Import):
            found.update(_resolve(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                kept = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*kept, base] if base else kept)
            found.update(_resolve(f"{base}.{alias.name}") for alias in node.names)
    found.discard(None)
    found.discard(module)
    return frozenset(name for name in found if name is not None)


def graph(*, runtime_only: bool) -> dict[str, frozenset[str]]:
    return {module: imports_of(module, runtime_only=runtime_only) for module in modules()}


def app_of(module: str) -> str:
    return module.split(".")[0]


def allowed(importer: str, imported: str) -> bool:
    # Management commands are entry points, like servicedesk (run_periodic drives the
    # Celery app's beat schedule).
    if app_of(importer) == app_of(imported) or ".management." in importer:
        return True
    if any(importer.startswith(low) and imported.startswith(high) for low, high in ALLOWED):
        return True
    return LAYER[app_of(imported)] > LAYER[app_of(importer)]


def test_the_scan_sees_the_project():
    assert {"kernel.models", "incidents.workflow", "servicedesk.settings"} <= set(modules())
    assert "kernel.models" in imports_of("incidents.models", runtime_only=False)


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYER), apps - set(LAYER)


def test_lower_layers_never_import_higher_ones():
    wrong = [
        f"{importer} imports {imported}"
        for importer, imported_modules in graph(runtime_only=False).items()
        for imported in imported_modules
        if not allowed(importer, imported)
    ]
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycle():
    edges = graph(runtime_only=True)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan: each strongly connected part is a cycle
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in edges[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            part = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.append(member)
                if member == module:
                    break
            if len(part) > 1:
                cycles.append(sorted(part))

    for module in edges:
        if module not in index:
            visit(module)
    assert not cycles, cycles


@pytest.mark.parametrize("module", [m for m in sorted(modules()) if m.endswith(".models")])
def test_models_import_no_adapter(module):
    adapters = [
        imported
        for imported in imports_of(module, runtime_only=False)
        if ADAPTERS & set(imported.split(".")[1:])
    ]
    assert not adapters, adapters


def test_only_an_apps_wiring_imports_its_tasks():
    wrong = [
        f"{importer} imports {imported}"
        for importer, imported_modules in graph(runtime_only=False).items()
        for imported in imported_modules
        if imported.endswith(".tasks") and importer != f"{app_of(imported)}.wiring"
    ]
    assert not wrong, wrong


def test_only_wiring_modules_register():
    """Nothing registers itself as a side effect of importing a file: every call to a
    registry is in some ``<app>.wiring``."""
    wrong = []
    for module, path in modules().items():
        if module.endswith(".wiring"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in REGISTRATIONS:
                    wrong.append(f"{module}:{node.lineno} calls {name}")
    assert not wrong, wrong
