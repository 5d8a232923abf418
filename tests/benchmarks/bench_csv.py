"""Measures how long File → Import data (CSV) keeps the window's thread from its events.

Run from anywhere: ``python tests/benchmarks/bench_csv.py [--quick]``. Without a display
it draws off screen. For each generated file (10,000 columns × 20 rows, 1,000,000 rows ×
3 columns, 200,000 rows × 3 columns; much smaller with ``--quick``) it opens the import
dialog on a bare window, as the File menu does, and records the largest lateness of a
10 ms timer in the window's thread (the longest the window could not answer) while

1. the file is chosen and previewed (the dialog lists its columns),
2. the columns are changed (one input ticked off and on again),
3. the data are imported (OK, until the data set is handed to the window).

Each phase's wall-clock seconds are printed beside it. The figures are printed line by
line with the goal, beside the worst lateness of the same probe in an idle window (the
baseline, which a busy machine raises); the last line is one JSON object holding them
all. A missed goal is reported, never an error: a benchmark is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QObject, Qt, QTimer, Slot  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QMainWindow, QMenu  # noqa: E402

from bpdesk.app import ensure_application, use_headless_platform_if_needed  # noqa: E402
from bpdesk.gui.tools.csv_dialog import DataImport  # noqa: E402

PROBE_MS = 10  # the probe timer's interval
PAUSE_GOAL_MS = 100.0  # the window's longest pause stays below this
PHASES = ("open", "columns", "import")


class Host:
    """The least a window offers the data import: a parent, a File menu, messages, loading."""

    def __init__(self) -> None:
        self.widget = QMainWindow()
        self.file_menu = QMenu("File", self.widget)
        for title in ("New", "Open", "Save"):
            self.file_menu.addAction(title)
        self.messages: list[str] = []
        self.loaded: list[Any] = []

    def as_parent(self) -> QMainWindow:
        return self.widget

    def menu(self, title: str) -> QMenu:
        return self.file_menu

    def show_message(self, text: str) -> None:
        self.messages.append(text)

    def load_data(self, dataset: Any) -> None:
        self.loaded.append(dataset)


class Probe(QObject):
    """A 10 ms timer on the window's thread: the worst gap between two ticks, minus 10 ms."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = QElapsedTimer()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self.tick)
        self.last = 0.0
        self.worst = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.clock.start()
        self.last, self.worst, self.ticks = 0.0, 0.0, 0
        self.timer.start()

    @Slot()
    def tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        self.worst = max(self.worst, now - self.last - PROBE_MS)
        self.last = now
        self.ticks += 1

    def stop(self) -> float:
        """The worst lateness in ms, counting the time since the last tick."""
        self.tick()
        self.timer.stop()
        return max(0.0, self.worst)


def write_csv(path: Path, rows: int, columns: int, seed: int = 1) -> None:
    """``rows`` rows of random numbers under a header x0, x1, …; the last column is 0 or 1."""
    rng = np.random.default_rng(seed)
    header = ",".join(f"x{i}" for i in range(columns - 1)) + ",y"
    block = 100_000
    with path.open("w", encoding="utf-8") as handle:
        handle.write(header + "\n")
        for start in range(0, rows, block):
            count = min(block, rows - start)
            data = rng.random((count, columns)).round(4)
            data[:, -1] = (data[:, -1] > 0.5).astype(float)
            lines = "\n".join(",".join(f"{v:g}" for v in row) for row in data.tolist())
            handle.write(lines + "\n")


def measured(probe: Probe, action: Callable[[], Any]) -> tuple[Any, float, float]:
    """What ``action`` returned, the window's worst pause (ms) during it, and its seconds."""
    app = QGuiApplication.instance()
    assert app is not None
    probe.start()
    app.processEvents()
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    app.processEvents()
    return result, probe.stop(), seconds


def idle(seconds: float) -> None:
    """Let the window's thread handle its events for ``seconds``, doing nothing else."""
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def choose_rows(dialog: Any) -> str:
    """Answer the row limit, should the dialog ask for one: the first rows the app takes."""
    first = getattr(dialog, "take_first", None)
    if first is not None and first.isVisibleTo(dialog):
        first.setChecked(True)
        return "first rows"
    return "every row"


def bench_file(path: Path, label: str, probe: Probe) -> dict[str, Any]:
    """The three phases of importing ``path``, measured."""
    host = Host()
    importer = DataImport(host)
    dialog, open_ms, open_s = measured(probe, lambda: importer.open(str(path), False))
    if dialog is None:
        return {"label": label, "error": host.messages[-1] if host.messages else "?"}
    dialog.as_numbers.setChecked(True)

    def toggle() -> None:
        item = dialog.inputs.item(0)
        item.setCheckState(Qt.CheckState.Unchecked)
        item.setCheckState(Qt.CheckState.Checked)

    _, columns_ms, columns_s = measured(probe, toggle)
    rows = choose_rows(dialog)
    accepted, import_ms, import_s = measured(probe, dialog.try_accept)
    samples = dialog.dataset.n_samples if accepted and dialog.dataset is not None else 0
    dialog.deleteLater()
    host.widget.deleteLater()
    return {
        "label": label,
        "rows_taken": rows,
        "samples": samples,
        "message": "" if accepted else dialog.message.text(),
        "pause_ms": {"open": open_ms, "columns": columns_ms, "import": import_ms},
        "seconds": {"open": open_s, "columns": columns_s, "import": import_s},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small files (seconds)")
    args = parser.parse_args()
    use_headless_platform_if_needed()
    ensure_application()
    if args.quick:
        files = [("wide", 5, 300), ("long", 20_000, 3)]
    else:
        files = [("wide", 20, 10_000), ("long", 1_000_000, 3), ("limit", 200_000, 3)]
    probe = Probe()
    _, baseline, _ = measured(probe, lambda: idle(0.3 if args.quick else 2.0))
    print(f"idle window: longest pause {baseline:.1f} ms over the same probe (the baseline)")
    results = []
    with tempfile.TemporaryDirectory(prefix="bpdesk-bench-csv-") as folder:
        for name, rows, columns in files:
            path = Path(folder) / f"{name}.csv"
            write_csv(path, rows, columns)
            label = f"{rows:,} rows × {columns:,} columns ({path.stat().st_size / 1e6:.1f} MB)"
            result = bench_file(path, label, probe)
            result.update(name=name, rows=rows, columns=columns)
            results.append(result)
            print(f"{label}:")
            if "error" in result:
                print(f"  refused: {result['error']}")
                continue
            for phase in PHASES:
                pause = result["pause_ms"][phase]
                verdict = "met" if pause < PAUSE_GOAL_MS else "MISSED"
                print(
                    f"  {phase:8s} longest pause {pause:8.1f} ms in "
                    f"{result['seconds'][phase]:6.2f} s (goal < {PAUSE_GOAL_MS:.0f} ms: {verdict})"
                )
            print(f"  imported {result['samples']:,} samples ({result['rows_taken']})")
            if result["message"]:
                print(f"  message: {result['message']}")
    worst = max((max(r["pause_ms"].values()) for r in results if "pause_ms" in r), default=0.0)
    print(
        f"longest pause over every file and phase: {worst:.1f} ms "
        f"({worst / max(baseline, 1.0):.1f} × the idle window's {baseline:.1f} ms)"
    )
    report = {
        "quick": args.quick,
        "qt_platform": QGuiApplication.platformName(),
        "python": platform.python_version(),
        "worst_pause_ms": worst,
        "idle_pause_ms": baseline,
        "goal_ms": PAUSE_GOAL_MS,
        "files": results,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
