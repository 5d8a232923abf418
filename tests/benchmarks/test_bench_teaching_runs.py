"""The teaching benchmark runs (small), prints its rows and ends with its JSON line; no timing
is judged."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent / "bench_teaching.py"
ROWS = (
    "landscape_lecture",
    "landscape_spirals",
    "landscape_digits",
    "rates_lecture",
    "restarts_xor",
)


def is_positive_number(value: object) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def test_quick_teaching_benchmark_runs_and_ends_with_its_figures(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--repeat", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,  # the script finds bpdesk from wherever it is started
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    report = json.loads(lines[-1])
    assert report["quick"] is True and report["repeat"] == 2
    assert set(report["figures"]) == {f"{r}{s}" for r in ROWS for s in ("_s", "_numpy_s")}
    assert set(report["ratios"]) == {f"{r}_over_numpy" for r in ROWS}
    for section in ("figures", "ratios"):
        for name, value in report[section].items():
            assert is_positive_number(value), (name, value)
    assert report["goals"] == {"over_numpy_max": 1.2}
    assert set(report["goals_met"]) == set(report["ratios"])
    assert all(isinstance(v, bool) for v in report["goals_met"].values())
    # bpdesk and every hand-written baseline computed the same numbers.
    for row in ROWS:
        assert report["checks"][f"{row}_agree"] is True, row
        assert report["checks"][f"{row}_max_diff"] <= 1e-9, row
    # One readable ratio line per row, with its goal, before the JSON.
    ratio_lines = [line for line in lines[:-1] if "bpdesk / stacked NumPy" in line]
    assert len(ratio_lines) == len(ROWS)
    assert all("goal ≤ 1.2×" in line for line in ratio_lines)


def test_run_returns_the_same_object_it_prints(capsys):
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import bench_teaching
    finally:
        sys.path.remove(str(SCRIPT.parent))
    report = bench_teaching.run(quick=True, repeat=1)
    printed = capsys.readouterr().out
    assert "Landscape, digits" in printed and "random restarts" in printed
    assert report["repeat"] == 1
    assert set(report["ratios"]) == {f"{r}_over_numpy" for r in ROWS}
    json.dumps(report, allow_nan=False, default=bench_teaching.plain)  # JSON can hold it
