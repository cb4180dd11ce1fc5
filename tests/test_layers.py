"""The layers hold: ui -> services -> data. Read from the source, not by convention."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "imp_desktop"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules(where: str | None = None):
    root = PACKAGE / where if where else PACKAGE
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_qt_outside_the_ui_package():
    offenders = [str(p.relative_to(PACKAGE)) for p in _modules()
                 if "ui" not in p.relative_to(PACKAGE).parts[:1]
                 and any(m.split(".")[0] == "PySide6" for m in _imports(p))]
    assert offenders == []


def test_the_ui_reaches_the_data_only_through_services():
    offenders = [f"{p.relative_to(PACKAGE)}: {m}" for p in _modules("ui")
                 for m in sorted(_imports(p)) if m.startswith("imp_desktop.data")]
    assert offenders == []


def test_services_and_data_never_import_the_ui():
    offenders = [f"{p.relative_to(PACKAGE)}: {m}" for p in _modules()
                 if p.relative_to(PACKAGE).parts[0] != "ui"
                 for m in sorted(_imports(p)) if m.startswith("imp_desktop.ui")]
    # the program's entry point starts the window; nothing else may
    assert [o for o in offenders if not o.startswith(("cli.py", "__main__.py"))] == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _internal_imports(path: Path, known: set[str]) -> set[str]:
    """The package's own modules a file imports (``from a import b`` may name module b)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found.update(name for name in names if name in known)
    return found


def test_reports_know_neither_services_nor_data():
    offenders = [f"{p.relative_to(PACKAGE)}: {m}" for p in _modules("reports")
                 for m in sorted(_imports(p))
                 if m.startswith(("imp_desktop.services", "imp_desktop.data", "imp_desktop.ui"))]
    assert offenders == []


def test_data_never_imports_services_or_reports():
    offenders = [f"{p.relative_to(PACKAGE)}: {m}" for p in _modules("data")
                 for m in sorted(_imports(p))
                 if m.startswith(("imp_desktop.services", "imp_desktop.reports"))]
    assert offenders == []


def test_migrations_import_no_live_module():
    """A migration keeps working however the program changes: frozen model copies,
    its own helpers; from the package only ``paths`` (to find a shipped file)."""
    offenders = [f"{p.relative_to(PACKAGE)}: {m}" for p in _modules("data/migrations")
                 if p.name != "__init__.py"
                 for m in sorted(_imports(p))
                 if m.startswith("imp_desktop") and m != "imp_desktop.paths"]
    assert offenders == []


def test_no_import_circles():
    """No module reaches itself through imports (also those inside functions)."""
    modules = {_module_name(p): p for p in _modules()}
    graph = {name: _internal_imports(path, set(modules)) - {name}
             for name, path in modules.items()}
    # a package's __init__ that re-exports its own modules is its face, not a circle
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    circles, index, low, stack, on_stack = [], {}, {}, [], set()

    def visit(node: str) -> None:    # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    assert circles == []
