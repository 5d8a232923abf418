"""The GUI benchmark runs small and off screen and ends with its JSON line; no timing is judged."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent / "bench_gui.py"

# Figures that must be positive; the rest may be zero or negative (memory can shrink,
# a timer can be on time) but must be finite.
POSITIVE = {
    "headless_rate",
    "window_rate",
    "rate_ratio",
    "run_seconds",
    "snapshot_rate",
    "shown_rate",
    "plot_fps",
    "canvas_fps",
    "rss_before_mb",
    "rss_after_mb",
    "memory_seconds",
    "startup_bpdesk_s",
    "startup_bare_s",
    "startup_ratio",
}
AT_LEAST_ZERO = {"probe_worst_ms", "probe_p99_ms", "probe_median_ms"}
SIGNED = {"rss_growth_mb"}
GOALS = {"probe_p99_ms", "rate_ratio", "snapshot_rate", "rss_growth_mb", "startup_ratio"}


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def test_quick_gui_benchmark_runs_and_ends_with_its_figures(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYQTGRAPH_QT_LIB="PySide6")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--with-load"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,  # the script finds bpdesk from wherever it is started
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) > 10  # the readable lines come before the JSON
    report = json.loads(lines[-1])
    assert isinstance(report, dict)
    assert report["quick"] is True
    assert report["with_load"] is True
    assert report["qt_platform"] == "offscreen"

    figures = report["figures"]
    assert set(figures) == POSITIVE | AT_LEAST_ZERO | SIGNED
    for name, value in figures.items():
        assert is_number(value), (name, value)
        if name in POSITIVE:
            assert value > 0, (name, value)
        elif name in AT_LEAST_ZERO:
            assert value >= 0, (name, value)
    assert figures["probe_worst_ms"] >= figures["probe_p99_ms"] >= figures["probe_median_ms"]

    counts = report["counts"]
    assert counts["probe_ticks"] > 1 and counts["snapshots"] > 1 and counts["plot_paints"] > 0
    assert counts["startup_samples"] == 1
    assert counts["memory_iterations"] >= 20_000  # the quick run's long run is 20,000 iterations

    assert set(report["goals"]) == GOALS
    assert all(is_number(v) and v > 0 for v in report["goals"].values())
    assert set(report["goals_met"]) == GOALS
    assert all(isinstance(v, bool) for v in report["goals_met"].values())
    # Every goal's verdict is printed next to its figure, met or missed.
    verdicts = [line for line in lines[:-1] if "goal " in line]
    assert len(verdicts) == len(GOALS)
    assert all(line.rstrip().endswith(("met", "MISSED")) for line in verdicts)
