"""The CSV import benchmark runs small and off screen and ends with its JSON line; no timing is
judged."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent / "bench_csv.py"
PHASES = {"open", "columns", "import"}


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def test_quick_csv_benchmark_runs_and_ends_with_its_figures(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYQTGRAPH_QT_LIB="PySide6")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,  # the script finds bpdesk from wherever it is started
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    report = json.loads(lines[-1])
    assert report["quick"] is True and report["qt_platform"] == "offscreen"
    assert is_number(report["worst_pause_ms"]) and report["worst_pause_ms"] >= 0
    assert is_number(report["idle_pause_ms"]) and report["idle_pause_ms"] >= 0
    files = report["files"]
    assert [f["name"] for f in files] == ["wide", "long"]
    for figures in files:
        assert "error" not in figures, figures
        assert figures["samples"] == figures["rows"]  # every row imported
        assert set(figures["pause_ms"]) == PHASES == set(figures["seconds"])
        assert all(is_number(v) and v >= 0 for v in figures["pause_ms"].values())
        assert all(is_number(v) and v >= 0 for v in figures["seconds"].values())
    # Every phase's verdict is printed next to its figure, met or missed.
    verdicts = [line for line in lines[:-1] if "goal <" in line]
    assert len(verdicts) == len(PHASES) * len(files)
    assert all(line.rstrip().endswith(("met)", "MISSED)")) for line in verdicts)
