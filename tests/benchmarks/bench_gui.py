"""Measures how the main window keeps up while the worker trains, its memory and its start-up.

Run from anywhere: ``python tests/benchmarks/bench_gui.py [--quick] [--with-load]``. Without a
display it draws off screen. In one process it measures

1. how late a 10 ms timer in the window's thread fires while the worker trains the
   2-16-16-1 spirals network at full speed;
2. that run's training rate against the same network trained by ``Trainer.run`` without Qt;
3. how often the error plot repainted and how many snapshots arrived per second, and the
   window thread's CPU time per second of run (what the worker loses: the two share one
   interpreter lock);
4. resident memory before and after a million iterations of the lecture's network;
5. the start-up time to the first painted main window against a bare PySide6 + pyqtgraph
   window, each in a fresh interpreter.

The figures are printed line by line with their goals; the last line is one JSON object
holding them all. A missed goal is reported, never an error: a benchmark is not a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ["BPDESK_NO_PROMPTS"] = "1"  # closing a trained lesson must not ask to save it
# The measured windows must not read or change the user's remembered settings.
SETTINGS_DIR = tempfile.TemporaryDirectory(prefix="bpdesk-bench-gui-")
os.environ["BPDESK_SETTINGS_DIR"] = SETTINGS_DIR.name

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, Slot  # noqa: E402
from PySide6.QtGui import QAction, QGuiApplication  # noqa: E402

from bpdesk.app import (  # noqa: E402
    create_window,
    ensure_application,
    use_headless_platform_if_needed,
)
from bpdesk.core.files.documents import open_source  # noqa: E402
from bpdesk.core.stepping.snapshot import Snapshot  # noqa: E402
from bpdesk.gui.shell.main_window import MainWindow  # noqa: E402

PROBE_MS = 10  # the probe timer's interval
P99_GOAL_MS = 20.0  # the probe's 99th-percentile delay stays below this
RATE_GOAL = 0.9  # training with the window attached at least this share of the headless rate
SNAPSHOT_GOAL = 60.0  # snapshots a second, at most (about)
MEMORY_GOAL_MB = 50.0  # growth of resident memory over the long run, below this
STARTUP_GOAL = 1.3  # bpdesk's start-up at most this many times the bare window's (issue 11)
CHUNK_SECONDS = 0.007  # the headless loop trains in chunks this long, as the worker does
WAIT_TIMEOUT = 60.0  # seconds to wait for the window or the worker before giving up
STARTUP_TIMEOUT = 120.0
WORKER_THREAD = "bpdesk-worker"  # the name the window gives its worker thread
MB = 1024.0 * 1024.0


@dataclass(frozen=True)
class Sizes:
    """How long and how big each measurement is."""

    run_seconds: float  # the window run (and the headless runs, together)
    memory_iterations: int
    startup_samples: int


FULL = Sizes(5.0, 1_000_000, 3)
QUICK = Sizes(0.5, 20_000, 1)


# ------------------------------------------------------------------ small helpers
def resident_mb() -> float:
    """Resident memory of this process now (from /proc), or its peak where /proc is missing."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / MB
    except (OSError, ValueError, IndexError):
        return peak_mb()


def peak_mb() -> float:
    """The most resident memory this process has used so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024.0


def thread_cpu_seconds(name: str) -> float | None:
    """CPU seconds used so far by this process's thread called ``name`` (Linux only)."""
    try:
        tasks = list(Path("/proc/self/task").iterdir())
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    for task in tasks:
        try:
            if (task / "comm").read_text().strip() != name:
                continue
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return None


def load_average() -> float:
    """The system's load average over the last minute (NaN where unknown)."""
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return math.nan


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else math.nan


# ------------------------------------------------------------------ headless training
def headless_rate(seconds: float) -> tuple[float, int]:
    """Iterations a second of the spirals network trained by ``Trainer.run`` in chunks of
    about CHUNK_SECONDS (as the worker does), no Qt involved; and the iterations done."""
    trainer = open_source("spirals").trainer
    chunk = 1
    done = 0
    started = time.perf_counter()
    now = started
    while now - started < seconds:
        before = time.perf_counter()
        done += trainer.run(iterations=chunk).iterations
        now = time.perf_counter()
        took = now - before
        wanted = chunk * CHUNK_SECONDS / took if took > 0 else chunk * 4.0
        chunk = int(max(1.0, min(wanted, chunk * 4.0)))
    return done / (now - started), done


# ------------------------------------------------------------------ the window runs
class Recorder(QObject):
    """Watches one window: the probe timer's ticks, the snapshots the worker sends (seen in
    the worker's thread as they leave) and shows, and the paints of two views."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.ticks: list[float] = []
        # (time, seq, iteration, running, rate) as each snapshot leaves the worker
        self.sent: list[tuple[float, int, int, bool, float]] = []
        self.shown: list[tuple[float, int]] = []  # (time, seq) as each one is on screen
        self.plot_paints = 0
        self.canvas_paints = 0
        self.probe = QTimer(self)
        self.probe.setTimerType(Qt.TimerType.PreciseTimer)
        self.probe.setInterval(PROBE_MS)
        self.probe.timeout.connect(self.on_tick)
        self.plot_viewport = window.error_plot.plot_widget.viewport()
        self.canvas_viewport = window.canvas.viewport()
        for watched in (self.plot_viewport, self.canvas_viewport):
            watched.installEventFilter(self)
        window.worker.snapshot_ready.connect(self.on_sent, Qt.ConnectionType.DirectConnection)
        window.snapshot_shown.connect(self.on_shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            if watched is self.plot_viewport:
                self.plot_paints += 1
            elif watched is self.canvas_viewport:
                self.canvas_paints += 1
        return False

    @Slot()
    def on_tick(self) -> None:
        self.ticks.append(time.perf_counter())

    @Slot(object)
    def on_sent(self, snapshot: Snapshot) -> None:
        """Called in the worker's thread: only appends to a list."""
        self.sent.append(
            (
                time.perf_counter(),
                snapshot.seq,
                snapshot.iteration,
                snapshot.running,
                snapshot.rate,
            )
        )

    @Slot(object)
    def on_shown(self, snapshot: Snapshot) -> None:
        self.shown.append((time.perf_counter(), snapshot.seq))

    def last_sent_iteration(self) -> int:
        sent = self.sent
        return sent[-1][2] if sent else -1

    def detach(self) -> None:
        self.probe.stop()
        for watched in (self.plot_viewport, self.canvas_viewport):
            watched.removeEventFilter(self)
        self.window.worker.snapshot_ready.disconnect(self.on_sent)
        self.window.snapshot_shown.disconnect(self.on_shown)


class Waiter(QObject):
    """Runs the event loop until a condition holds or time is up."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = QEventLoop()
        self.condition: Callable[[], bool] | None = None
        self.poll = QTimer(self)
        self.poll.setInterval(5)
        self.poll.timeout.connect(self.check)
        self.deadline = QTimer(self)
        self.deadline.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse one may fire 5 % early
        self.deadline.setSingleShot(True)
        self.deadline.timeout.connect(self.loop.quit)

    @Slot()
    def check(self) -> None:
        if self.condition is not None and self.condition():
            self.loop.quit()

    def spin(self, seconds: float, condition: Callable[[], bool] | None = None) -> bool:
        """Handle events for ``seconds`` (or until ``condition()``); True if it held."""
        if condition is not None and condition():
            return True
        self.condition = condition
        self.deadline.start(max(1, round(seconds * 1000)))
        if condition is not None:
            self.poll.start()
        self.loop.exec()
        self.poll.stop()
        self.deadline.stop()
        self.condition = None
        return condition is None or condition()


def open_window(source: str, waiter: Waiter) -> tuple[MainWindow, Recorder]:
    """The whole window on ``source``, shown, its first snapshot drawn."""
    window = create_window(source, restore_layout=False)
    recorder = Recorder(window)
    window.show()
    if not waiter.spin(
        WAIT_TIMEOUT, lambda: window.snapshot is not None and recorder.canvas_paints > 0
    ):
        raise RuntimeError(f"the {source} window never showed its first snapshot")
    waiter.spin(0.5)  # let the docks and views settle
    return window, recorder


def close_window(window: MainWindow, recorder: Recorder, waiter: Waiter) -> None:
    recorder.detach()
    window.shutdown()
    window.close()
    window.deleteLater()
    waiter.spin(0.2)
    gc.collect()


def trigger(window: MainWindow, name: str) -> None:
    """Trigger the window's QAction called ``action_<name>``, as its button would."""
    found = window.findChild(QAction, f"action_{name}")
    if found is None:
        raise RuntimeError(f"the window has no action_{name}")
    found.trigger()


def stop_run(window: MainWindow, waiter: Waiter, timeout: float) -> float:
    """Press Pause; wait until the window has shown the end of the run; return the seconds
    that took (the snapshots still queued for the window are drawn first)."""
    finished = window.runs_finished
    started = time.perf_counter()
    trigger(window, "pause")
    if not waiter.spin(timeout, lambda: window.runs_finished > finished):
        raise RuntimeError("the window never showed the end of the run after Pause")
    took = time.perf_counter() - started
    waiter.spin(0.1)
    return took


def measure_run(sizes: Sizes, waiter: Waiter) -> dict[str, Any]:
    """Measurements 1–3: spirals at full speed with the window attached, between two
    headless runs half as long each (a drifting machine then affects both alike)."""
    half = sizes.run_seconds / 2.0
    rate_before, _ = headless_rate(half)
    window, recorder = open_window("spirals", waiter)
    cpu_gui = time.thread_time()
    cpu_worker = thread_cpu_seconds(WORKER_THREAD)
    started = time.perf_counter()
    recorder.probe.start()
    trigger(window, "run")
    waiter.spin(sizes.run_seconds)
    # A very busy machine may not have sent enough snapshots yet to measure the rate.
    waiter.spin(WAIT_TIMEOUT, lambda: sum(1 for s in recorder.sent if s[3]) >= 3)
    recorder.probe.stop()
    stopped = time.perf_counter()
    cpu_gui = time.thread_time() - cpu_gui
    cpu_worker_after = thread_cpu_seconds(WORKER_THREAD)
    plot_paints, canvas_paints = recorder.plot_paints, recorder.canvas_paints
    catch_up = stop_run(window, waiter, WAIT_TIMEOUT)
    close_window(window, recorder, waiter)
    rate_after, _ = headless_rate(half)

    seconds = stopped - started
    ticks = recorder.ticks
    sent = [s for s in recorder.sent if s[3] and started <= s[0] <= stopped]
    if len(sent) < 2 or len(ticks) < 2:
        raise RuntimeError("the run sent too few snapshots to measure it")
    delays = np.maximum(0.0, np.diff(ticks) * 1000.0 - PROBE_MS).tolist()  # each tick's lateness
    sent_at = {s[1]: s[0] for s in sent}
    lags = [(t - sent_at[seq]) * 1000.0 for t, seq in recorder.shown if seq in sent_at]
    shown = sum(1 for t, _ in recorder.shown if started <= t <= stopped)
    reported = [s[4] for s in sent if s[4] > 0]
    return {
        "run_seconds": seconds,
        "probe_ticks": len(ticks),
        "probe_worst_ms": max(delays),
        "probe_p99_ms": percentile(delays, 99),
        "probe_median_ms": percentile(delays, 50),
        "headless_rate": (rate_before + rate_after) / 2.0,
        "headless_rate_before": rate_before,
        "headless_rate_after": rate_after,
        "window_rate": (sent[-1][2] - sent[0][2]) / (sent[-1][0] - sent[0][0]),
        "window_rate_reported": percentile(reported, 50),
        "snapshots": len(sent),
        "snapshot_rate": len(sent) / seconds,
        "shown_rate": shown / seconds,
        "lag_median_ms": percentile(lags, 50),
        "lag_worst_ms": max(lags) if lags else math.nan,
        "catch_up_s": catch_up,
        "plot_paints": plot_paints,
        "plot_fps": plot_paints / seconds,
        "canvas_fps": canvas_paints / seconds,
        "gui_thread_cpu_share": cpu_gui / seconds,
        "worker_thread_cpu_share": (
            None
            if cpu_worker is None or cpu_worker_after is None
            else (cpu_worker_after - cpu_worker) / seconds
        ),
    }


def measure_memory(sizes: Sizes, waiter: Waiter) -> dict[str, Any]:
    """Measurement 4: resident memory before and after a long run of the lecture's network
    (until the worker's iteration count has passed ``sizes.memory_iterations``)."""
    window, recorder = open_window("lecture", waiter)
    gc.collect()
    before = resident_mb()
    peak_before = peak_mb()
    snapshot = window.snapshot
    first = snapshot.iteration if snapshot is not None else 0
    target = first + sizes.memory_iterations
    started = time.perf_counter()
    trigger(window, "run")
    reached = waiter.spin(
        max(WAIT_TIMEOUT, sizes.memory_iterations / 1000.0),
        lambda: recorder.last_sent_iteration() >= target,
    )
    seconds = time.perf_counter() - started
    catch_up = stop_run(window, waiter, max(WAIT_TIMEOUT, 4.0 * seconds))
    done = recorder.last_sent_iteration() - first
    if not reached:
        raise RuntimeError(f"the lecture's run reached only {done} of {target - first} iterations")
    waiter.spin(0.2)
    gc.collect()
    after = resident_mb()
    results = {
        "memory_iterations": done,
        "memory_seconds": seconds,
        "memory_catch_up_s": catch_up,
        "rss_before_mb": before,
        "rss_after_mb": after,
        "rss_growth_mb": after - before,
        "peak_growth_mb": peak_mb() - peak_before,
    }
    close_window(window, recorder, waiter)
    return results


# ------------------------------------------------------------------ start-up
# Both children leave at once (os._exit) once the first paint of the window is done.
FIRST_PAINT = """
import os, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

class FirstPaint(QObject):
    # The first widget of the window painted ends the program once that drawing pass is done.
    def eventFilter(self, watched, event):
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is WINDOW
        ):
            QTimer.singleShot(0, leave)
        return False

def leave():
    sys.stdout.flush()
    os._exit(0)

def fail():
    sys.stderr.write("the window was never painted")
    sys.stderr.flush()
    os._exit(3)
"""

BPDESK_CHILD = (
    FIRST_PAINT
    + """
from bpdesk.app import create_window, ensure_application
app = ensure_application()
WINDOW = create_window("lecture", restore_layout=False)
watcher = FirstPaint()
app.installEventFilter(watcher)
WINDOW.show()
QTimer.singleShot({timeout_ms}, fail)
app.exec()
"""
)

BARE_CHILD = (
    FIRST_PAINT
    + """
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg
app = QApplication(sys.argv[:1])
WINDOW = QMainWindow()
plot = pg.PlotWidget()
plot.plot([0.0, 1.0, 2.0], [1.0, 0.5, 0.25])
WINDOW.setCentralWidget(plot)
WINDOW.resize(1600, 900)
watcher = FirstPaint()
app.installEventFilter(watcher)
WINDOW.show()
QTimer.singleShot({timeout_ms}, fail)
app.exec()
"""
)


def child_environment(pycache: str) -> dict[str, str]:
    """This process's environment (platform, settings folder) with bpdesk importable and
    compiled modules kept in ``pycache``: an installed bpdesk starts from compiled
    modules, as pyqtgraph in site-packages does, so neither side pays for compiling."""
    env = dict(os.environ)
    paths = [str(ROOT), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def start_once(code: str, env: dict[str, str], cwd: str) -> float:
    """Wall seconds from starting a fresh interpreter running ``code`` until it exits."""
    program = code.format(timeout_ms=round(STARTUP_TIMEOUT * 1000))
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", program],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT + 30,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"a start-up child failed ({result.returncode}): {result.stderr}")
    return elapsed


def measure_startup(samples: int) -> dict[str, Any]:
    """Best of ``samples`` start-ups of each window, the two taking turns, after one
    untimed start of each (which compiles the modules and warms the disk cache)."""
    best = {"bpdesk": math.inf, "bare": math.inf}
    codes = {"bpdesk": BPDESK_CHILD, "bare": BARE_CHILD}
    with tempfile.TemporaryDirectory(prefix="bpdesk-bench-start-") as folder:
        env = child_environment(os.path.join(folder, "pycache"))
        for name in codes:
            start_once(codes[name], env, folder)
        for k in range(samples):
            order = ["bpdesk", "bare"] if k % 2 == 0 else ["bare", "bpdesk"]
            for name in order:
                best[name] = min(best[name], start_once(codes[name], env, folder))
    return {
        "startup_samples": samples,
        "startup_bpdesk_s": best["bpdesk"],
        "startup_bare_s": best["bare"],
        "startup_ratio": best["bpdesk"] / best["bare"],
    }


# ------------------------------------------------------------------ report
def judge(r: dict[str, Any]) -> dict[str, bool]:
    """Whether each goal is met."""
    return {
        "probe_p99_ms": r["probe_p99_ms"] < P99_GOAL_MS,
        "rate_ratio": r["rate_ratio"] >= RATE_GOAL,
        "snapshot_rate": r["snapshot_rate"] <= SNAPSHOT_GOAL,
        "rss_growth_mb": r["rss_growth_mb"] < MEMORY_GOAL_MB,
        "startup_ratio": r["startup_ratio"] <= STARTUP_GOAL,
    }


def readable(r: dict[str, Any], goals: dict[str, bool], quick: bool) -> list[str]:
    """The report, one figure a line, goals next to their figures."""

    def figure(label: str, value: str) -> str:
        return f"  {label:<46} {value:>16}"

    def goal(label: str, value: str, key: str, wanted: str) -> str:
        return f"{figure(label, value)}   goal {wanted:<10} {'met' if goals[key] else 'MISSED'}"

    worker = r["worker_thread_cpu_share"]
    missed = [name for name, met in goals.items() if not met]
    return [
        f"bpdesk GUI benchmark{' (quick)' if quick else ''}: Python {platform.python_version()}, "
        f"Qt platform '{r['qt_platform']}', {os.cpu_count()} CPUs, "
        f"GIL switch interval {1000 * sys.getswitchinterval():g} ms, load average "
        f"{r['load_average']:.2f} at the start (other programs running skew every figure)"
        + ("; one CPU-bound process runs beside measurements 1-3" if r["with_load"] else ""),
        f"1. Event loop while the worker trains spirals 2-16-16-1 for {r['run_seconds']:.2f} s "
        f"(a {PROBE_MS} ms timer, {r['probe_ticks']} ticks)",
        figure("median delay", f"{r['probe_median_ms']:.2f} ms"),
        figure("worst delay", f"{r['probe_worst_ms']:.2f} ms"),
        goal(
            "99th-percentile delay",
            f"{r['probe_p99_ms']:.2f} ms",
            "probe_p99_ms",
            f"< {P99_GOAL_MS:g} ms",
        ),
        "2. Training rate",
        figure("headless Trainer.run (mean of before, after)", f"{r['headless_rate']:,.0f} it/s"),
        figure(
            "  before / after the window run",
            f"{r['headless_rate_before']:,.0f} / {r['headless_rate_after']:,.0f}",
        ),
        figure("with the window (from the snapshots sent)", f"{r['window_rate']:,.0f} it/s"),
        figure(
            "with the window (the worker's meter, median)", f"{r['window_rate_reported']:,.0f} it/s"
        ),
        goal("window / headless", f"{r['rate_ratio']:.3f}", "rate_ratio", f">= {RATE_GOAL:g}"),
        "3. Frames",
        goal(
            "snapshots sent by the worker",
            f"{r['snapshot_rate']:.1f} /s",
            "snapshot_rate",
            f"<= ~{SNAPSHOT_GOAL:g} /s",
        ),
        figure("snapshots shown by the window", f"{r['shown_rate']:.1f} /s"),
        figure("error plot repaints (plot frames)", f"{r['plot_fps']:.1f} /s"),
        figure("network drawing repaints", f"{r['canvas_fps']:.1f} /s"),
        figure(
            "snapshot sent -> shown, median / worst",
            f"{r['lag_median_ms']:.0f} / {r['lag_worst_ms']:.0f} ms",
        ),
        figure("Pause -> end of run shown", f"{1000 * r['catch_up_s']:.0f} ms"),
        figure("window thread CPU", f"{100 * r['gui_thread_cpu_share']:.0f} %"),
        figure("worker thread CPU", "unknown" if worker is None else f"{100 * worker:.0f} %"),
        f"4. Memory over {r['memory_iterations']:,} iterations of the lecture's network "
        f"({r['memory_seconds']:.1f} s, {r['memory_iterations'] / r['memory_seconds']:,.0f} it/s)",
        figure("resident before / after", f"{r['rss_before_mb']:.1f} / {r['rss_after_mb']:.1f} MB"),
        goal("growth", f"{r['rss_growth_mb']:.1f} MB", "rss_growth_mb", f"< {MEMORY_GOAL_MB:g} MB"),
        figure("Pause -> end of run shown", f"{1000 * r['memory_catch_up_s']:.0f} ms"),
        f"5. Start-up to the first painted window (best of {r['startup_samples']}, "
        "compiled modules, after one untimed start)",
        figure("bpdesk main window", f"{r['startup_bpdesk_s']:.3f} s"),
        figure("bare PySide6 + pyqtgraph window", f"{r['startup_bare_s']:.3f} s"),
        goal(
            "bpdesk / bare", f"{r['startup_ratio']:.2f}x", "startup_ratio", f"<= {STARTUP_GOAL:g}x"
        ),
        f"goals missed: {', '.join(missed)}" if missed else "all goals met",
    ]


FIGURES = (
    "probe_worst_ms",
    "probe_p99_ms",
    "probe_median_ms",
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
    "rss_growth_mb",
    "memory_seconds",
    "startup_bpdesk_s",
    "startup_bare_s",
    "startup_ratio",
)
COUNTS = ("probe_ticks", "snapshots", "plot_paints", "memory_iterations", "startup_samples")
DIAGNOSTICS = (
    "load_average",
    "headless_rate_before",
    "headless_rate_after",
    "window_rate_reported",
    "lag_median_ms",
    "lag_worst_ms",
    "catch_up_s",
    "memory_catch_up_s",
    "gui_thread_cpu_share",
    "worker_thread_cpu_share",
    "peak_growth_mb",
)


def as_json(r: dict[str, Any], goals: dict[str, bool], quick: bool) -> dict[str, Any]:
    def number(value: Any) -> float | None:
        return float(value) if value is not None and math.isfinite(value) else None

    return {
        "quick": quick,
        "with_load": bool(r["with_load"]),
        "qt_platform": r["qt_platform"],
        "figures": {key: float(r[key]) for key in FIGURES},
        "counts": {key: int(r[key]) for key in COUNTS},
        "diagnostics": {key: number(r[key]) for key in DIAGNOSTICS},
        "goals": {
            "probe_p99_ms": P99_GOAL_MS,
            "rate_ratio": RATE_GOAL,
            "snapshot_rate": SNAPSHOT_GOAL,
            "rss_growth_mb": MEMORY_GOAL_MB,
            "startup_ratio": STARTUP_GOAL,
        },
        "goals_met": goals,
    }


def start_load() -> subprocess.Popen[bytes]:
    """One CPU-bound process beside the benchmark (``--with-load``): a busy machine."""
    return subprocess.Popen([sys.executable, "-c", "while True:\n    pass"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny runs, to check the script")
    parser.add_argument(
        "--with-load",
        action="store_true",
        help="run one CPU-bound process beside the measurements 1-3 (a busy machine)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    use_headless_platform_if_needed()
    app = ensure_application()
    waiter = Waiter()
    results: dict[str, Any] = {
        "qt_platform": QGuiApplication.platformName(),
        "load_average": load_average(),
    }
    load = start_load() if args.with_load else None
    try:
        results.update(measure_run(sizes, waiter))
    finally:
        if load is not None:
            load.kill()
            load.wait()
    results["with_load"] = load is not None
    results.update(measure_memory(sizes, waiter))
    results.update(measure_startup(sizes.startup_samples))
    results["rate_ratio"] = results["window_rate"] / results["headless_rate"]
    goals = judge(results)
    for line in readable(results, goals, args.quick):
        print(line)
    print(json.dumps(as_json(results, goals, args.quick)), flush=True)
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
