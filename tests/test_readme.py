"""README's Python examples run unchanged and print the figures README says they print."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
NUMBER = re.compile(r"[-+]?\d+\.\d+(?:[eE][-+]?\d+)?")


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def promised_numbers(block: str) -> list[str]:
    """Numbers README writes in a comment line of their own: what the code above prints."""
    numbers: list[str] = []
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and NUMBER.search(stripped):
            numbers += NUMBER.findall(stripped)
    return numbers


def test_readme_has_python_examples():
    assert python_blocks(), "README shows no Python example"


@pytest.mark.parametrize("block", python_blocks(), ids=lambda b: b.splitlines()[0][:40])
def test_readme_example_runs_and_prints_what_it_says(block: str):
    result = subprocess.run(
        [sys.executable, "-c", block], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    printed = NUMBER.findall(result.stdout)
    for number in promised_numbers(block):
        assert any(float(p) == float(number) for p in printed), (number, result.stdout)


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_ci_runs_exactly_readmes_test_command():
    """The first two shell commands of README start the app and run the tests, each making
    its virtual environment in the same line; .ci/run runs the second one as written."""
    start, test = (block.strip() for block in shell_blocks()[:2])
    assert start.startswith("python3 -m venv .venv && ") and start.endswith(".venv/bin/bpdesk")
    assert test.startswith("python3 -m venv .venv && ") and "-m pytest" in test
    ci_run = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci_run.splitlines()
