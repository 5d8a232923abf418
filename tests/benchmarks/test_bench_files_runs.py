"""The session-file benchmark runs (tiny) and ends with its JSON line; no timing is judged."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent / "bench_files.py"

ROW_KEYS = {
    "label",
    "parameters",
    "samples",
    "file_bytes",
    "save_s",
    "load_s",
    "save_s_per_mb",
    "load_s_per_mb",
    "save_cpu_s_per_mb",
    "load_cpu_s_per_mb",
    "save_peak_bytes",
    "load_peak_bytes",
    "save_peak_per_mb",
    "load_peak_per_mb",
    "round_trip_exact",
}
RATIOS = {
    "networks_save_linearity",
    "networks_load_linearity",
    "samples_save_linearity",
    "samples_load_linearity",
}


def is_positive_number(value: object) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def check_row(row: dict) -> None:
    assert set(row) == ROW_KEYS
    assert row["round_trip_exact"] is True, row["label"]
    for key in ROW_KEYS - {"label", "round_trip_exact"}:
        assert is_positive_number(row[key]), (row["label"], key, row[key])
    assert row["save_s_per_mb"] == row["save_s"] / (row["file_bytes"] / 1e6)


def test_quick_benchmark_runs_and_ends_with_its_figures(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,  # the script finds bpdesk from wherever it is started
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) > 15  # the readable table comes before the JSON
    report = json.loads(lines[-1])
    assert report["quick"] is True and report["repeat"] == 1
    limits = report["limits"]
    assert is_positive_number(limits["max_samples"]) and is_positive_number(
        limits["max_file_bytes"]
    )
    networks, samples = report["networks"], report["samples"]
    assert len(networks) == 3 and len(samples) == 3
    for row in [*networks, *samples, report["reference"]]:
        check_row(row)
    # Each family grows: more parameters, more samples, bigger files.
    assert [r["parameters"] for r in networks] == sorted({r["parameters"] for r in networks})
    assert [r["samples"] for r in samples] == sorted({r["samples"] for r in samples})
    assert all(r["samples"] <= limits["max_samples"] for r in samples)
    assert report["samples_refused"] == []
    # One sample more than a session holds is refused both ways, and nothing is written.
    refusals = report["refusals"]
    assert refusals["samples"] == limits["max_samples"] + 1
    assert refusals["save_refused"] is True and refusals["open_refused"] is True
    assert any("file written: no" in line for line in lines)
    assert set(report["ratios"]) == RATIOS | {f"{name}_wall" for name in RATIOS}
    assert all(is_positive_number(v) for v in report["ratios"].values())
    assert set(report["goals_met"]) == RATIOS | {"reference_load"}
    assert all(isinstance(v, bool) for v in report["goals_met"].values())
    for heading in ("1. Networks", "2. Embedded samples", "3. Refusals", "4. Reference"):
        assert any(line.startswith(heading) for line in lines), heading
