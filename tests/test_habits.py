"""The house rules, checked: lint, format, types, and modules and functions of readable size."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "bpdesk"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False
    )


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_ruff_check_is_clean():
    result = run(sys.executable, "-m", "ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = run(sys.executable, "-m", "ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_on_bpdesk_strict_on_core():
    result = run(sys.executable, "-m", "mypy", "bpdesk")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_module_is_readable_in_one_sitting(path: Path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    tree = ast.parse(text)
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []
    assert ast.get_docstring(tree), "every module opens with a line saying its one job"


def test_no_type_ignore_in_the_window_code():
    offenders = [
        f"{p.relative_to(REPO)}:{n}"
        for p in sorted((PACKAGE / "gui").rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "type: ignore" in line
    ]
    assert offenders == []


def test_the_checkers_are_installed():
    """The checks above need ruff and mypy: the test extra installs both."""
    assert shutil.which("ruff") or run(sys.executable, "-m", "ruff", "--version").returncode == 0
    assert run(sys.executable, "-m", "mypy", "--version").returncode == 0
