"""The actions benchmark runs quick on the lecture size and ends with its JSON; no timing judged."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent / "bench_actions.py"
# The actions the issue names, each of which must have a cell (a figure or a reason).
NAMED = {
    "open",
    "Forward",
    "Backward",
    "Update",
    "step back",
    "Run/Pause",
    "edit a weight",
    "import data (load_data)",
    "save",
    "show Explain",
    "show Practice",
    "show Decision boundary",
    "show Error landscape",
    "show Side-by-side runs",
    "presentation mode on",
}


def test_quick_actions_benchmark_runs_and_ends_with_its_table(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYQTGRAPH_QT_LIB="PySide6")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--sizes", "lecture"],
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
    assert report["quick"] is True
    assert report["qt_platform"] == "offscreen"
    assert report["sizes"] == ["lecture"]
    assert report["goal_ms"] > 0
    assert set(report) >= {
        "worst_ms",
        "wall_ms",
        "cpu_ms",
        "skipped",
        "over_goal",
        "notes",
        "actions",
        "parameters",
    }
    assert report["parameters"] == {"lecture": 10}
    # Every action has a cell: a figure, or a reason it was not driven.
    actions = report["actions"]
    assert set(actions) >= NAMED
    for action in actions:
        worst = report["worst_ms"][action]["lecture"]
        if worst is None:
            assert report["skipped"][action]["lecture"]
        else:
            assert isinstance(worst, float) and math.isfinite(worst) and worst >= 0
            assert report["wall_ms"][action]["lecture"] >= 0
            assert report["cpu_ms"][action]["lecture"] >= 0
    goal = report["goal_ms"]
    over = {f"{a} @ lecture" for a, v in report["worst_ms"].items() if (v["lecture"] or 0) >= goal}
    assert set(report["over_goal"]) == over
    # The readable tables: one row per action, the lecture's column, twice (pause and CPU).
    for action in actions:
        rows = [line for line in lines if line[:26].rstrip() == action]
        assert len(rows) == 2, action
    assert any(line.startswith("action (worst pause, ms)") for line in lines)
    assert any(line.startswith("action (window CPU, ms)") for line in lines)
