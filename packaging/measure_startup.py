"""Time bpdesk's start-up from a built bundle against the source tree, in turns, offscreen."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "--version (interpreter and imports of the entry point)": ["--version"],
    "--self-test (window built, lecture stepped and checked)": ["--self-test"],
    "--screenshot (window painted and saved)": ["--screenshot", "{tmp}/shot.png"],
}


def wall_time(command: list[str], env: dict[str, str]) -> float | None:
    """Seconds from start to exit, or None if the command failed."""
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=120)
    elapsed = time.perf_counter() - started
    return elapsed if result.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bundle", type=Path, help="the bundle's bpdesk program")
    parser.add_argument("--runs", type=int, default=7, help="runs of each (default 7)")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    print("| start | bundle median (min) | source median (min) |")
    print("| --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for label, extra in CASES.items():
            extra = [a.format(tmp=tmp) for a in extra]
            programs = {
                "bundle": [str(args.bundle), *extra],
                "source": [sys.executable, "-m", "bpdesk", *extra],
            }
            times: dict[str, list[float | None]] = {name: [] for name in programs}
            wall_time(programs["source"], env)  # compile the source's bytecode first
            for _ in range(args.runs):
                for name, command in programs.items():
                    times[name].append(wall_time(command, env))
            cells = []
            for name in programs:
                runs = [t for t in times[name] if t is not None]
                failed = len(times[name]) - len(runs)
                cell = f"{statistics.median(runs):.2f} s ({min(runs):.2f})" if runs else "–"
                cells.append(cell + (f", {failed} failed" if failed else ""))
            print(f"| {label} | {cells[0]} | {cells[1]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
