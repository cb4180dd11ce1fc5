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
