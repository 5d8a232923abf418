"""The core benchmark script runs (small) and ends with its JSON line; no timing is judged."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent / "bench_core.py"

FIGURES = {
    "lecture_core_s",
    "lecture_core_numpy_path_s",
    "lecture_numpy_s",
    "lecture_python_s",
    "spirals_core_s",
    "spirals_numpy_s",
    "digits_core_s",
    "digits_numpy_s",
    "sweep_s",
    "sweep_separate_s",
    "sweep_one_run_s",
    "sweep_minimal_stacked_s",
    "lecture_sweep_s",
    "lecture_sweep_separate_s",
    "lecture_sweep_one_run_s",
}
RATIOS = {
    "lecture_core_over_numpy",
    "lecture_core_over_python",
    "lecture_numpy_path_over_numpy",
    "spirals_core_over_numpy",
    "digits_core_over_numpy",
    "sweep_over_one_run",
    "sweep_speedup_over_separate",
    "sweep_minimal_stacked_over_one_run",
    "sweep_over_minimal_stacked",
    "lecture_sweep_over_one_run",
}


def is_positive_number(value: object) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def test_quick_benchmark_runs_and_ends_with_its_figures(tmp_path):
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
    assert len(lines) > 10  # the readable lines come before the JSON
    report = json.loads(lines[-1])
    assert isinstance(report, dict)
    assert report["quick"] is True and report["repeat"] == 2
    assert report["errors_recorded_every_iteration"] is True
    assert set(report["figures"]) == FIGURES
    assert set(report["ratios"]) == RATIOS
    for section in ("figures", "ratios"):
        for name, value in report[section].items():
            assert is_positive_number(value), (name, value)
    assert set(report["goals_met"]) == {
        "lecture_core_over_numpy",
        "lecture_core_over_python",
        "spirals_core_over_numpy",
        "digits_core_over_numpy",
        "sweep_over_one_run",
        "sweep_over_minimal_stacked",
    }
    assert all(isinstance(v, bool) for v in report["goals_met"].values())
    # The three lecture loops must agree on the weights, and every loop kept every error.
    checks = report["checks"]
    assert checks["lecture_weights_match"] is True
    assert isinstance(checks["lecture_small_net_path"], bool)
    assert all(
        checks[f"{name}_errors_recorded"] is True for name in ("lecture", "spirals", "digits")
    )
    # The landscape and side-by-side rows (bench_teaching) come with the core's.
    teaching = report["teaching"]
    assert teaching["quick"] is True and set(teaching["ratios"]) == set(teaching["goals_met"])
    assert len(teaching["ratios"]) == 5
    assert all(is_positive_number(v) for v in teaching["ratios"].values())
    if importlib.util.find_spec("torch") is None:
        assert report["torch"] is None
        assert any("torch not installed" in line for line in lines)
    else:
        torch_figures = {k: v for k, v in report["torch"].items() if k != "version"}
        assert len(torch_figures) == 6
        assert all(is_positive_number(v) for v in torch_figures.values())
