"""The longest pause of the window's thread for each thing a person does, at four sizes.

Run from anywhere: ``python tests/benchmarks/bench_actions.py [--quick] [--sizes lecture,...]``.
Without a display it draws off screen. For each network size it opens the real main
window (``bpdesk.app.create_window``), shows it, and for each action (open, Forward,
Backward, Update, step back, editing a weight, showing each Teach tool, Run/Pause,
saving, importing data) measures the worst lateness of a 10 ms precise timer in the
window's thread, from the action's trigger until its snapshot is shown and the event loop
has been idle for a moment. That lateness is the longest time the window could not react.

The sizes: the lecture's 2-2-2, spirals 2-16-16-1, digits 64-32-10, and six hidden layers
of 32 on digits, built through the network editor's own Apply button (as a person would).

The table (rows: actions, columns: sizes, goal < 100 ms) is printed, then one JSON line.
An action that cannot be driven is printed with the reason, never left out silently.
A missed goal is reported, never an error: a benchmark is not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import platform
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ["BPDESK_NO_PROMPTS"] = "1"  # opening over unsaved changes must not ask
SETTINGS_DIR = tempfile.TemporaryDirectory(prefix="bpdesk-bench-actions-")
os.environ["BPDESK_SETTINGS_DIR"] = SETTINGS_DIR.name

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Slot  # noqa: E402
from PySide6.QtGui import QAction, QGuiApplication  # noqa: E402

from bpdesk.app import create_window, ensure_application, use_headless_platform_if_needed  # noqa: E402
from bpdesk.core.files.datasets import Dataset, load_builtin  # noqa: E402
from bpdesk.gui.shell.main_window import MainWindow  # noqa: E402
from bpdesk.gui.views.parameters.table_model import VALUE  # noqa: E402

PROBE_MS = 10  # the probe timer's interval
GOAL_MS = 100.0  # no pause of the window's thread longer than this
PROFILE_TOP = 25  # lines of a profile printed
WAIT_TIMEOUT = 180.0  # seconds to wait for an answer before giving up on an action
SIZES = ("lecture", "spirals", "digits", "digits-6x32")
SIZE_TITLES = {
    "lecture": "lecture 2-2-2",
    "spirals": "spirals 2-16-16-1",
    "digits": "digits 64-32-10",
    "digits-6x32": "digits 6x32",
}
TEACH_TOOLS = (
    ("Explain", "explain_dock"),
    ("Practice", "practice_dock"),
    ("Decision boundary", "boundary_dock"),
    ("Error landscape", "landscape_dock"),
    ("Side-by-side runs", "comparison_dock"),
)
ACTIONS = (
    "open",
    "Forward",
    "Backward",
    "Update",
    "step back",
    "edit a weight",
    *(f"show {name}" for name, _ in TEACH_TOOLS),
    "presentation mode on",
    "presentation mode off",
    "Forward (Explain shown)",
    "Backward (Explain shown)",
    "Update (Explain shown)",
    "Run/Pause",
    "save",
    "import data (load_data)",
)
NOTES = (
    "import data: only the window's part, window.load_data(Dataset) with a data set of the "
    "digits size (64 inputs, 10 classes, 1797 samples); the CSV dialog itself is not measured.",
    "open: File > Open of the size's own preset, or of the saved 6x32 session, in a window "
    "that shows it already.",
    "Teach > Lesson is not measured: it opens the lecture's example whatever the size.",
)


@dataclass(frozen=True)
class Budget:
    """How long the waits are."""

    settle: float  # seconds of event loop after an action's answer (deferred redraws)
    run: float  # seconds a Run goes before Pause


FULL = Budget(0.4, 1.5)
QUICK = Budget(0.25, 0.3)


@dataclass
class Cell:
    """One action's measurement at one size (``worst_ms`` None: not driven, ``why`` says)."""

    worst_ms: float | None = None
    wall_ms: float | None = None
    cpu_ms: float | None = None  # CPU time of the window's thread over the action
    why: str = ""


@dataclass
class Column:
    """Every action measured at one size."""

    size: str
    cells: dict[str, Cell] = field(default_factory=dict)
    params: int = 0
    samples: int = 0


# ------------------------------------------------------------------ the event loop
class Probe(QObject):
    """A 10 ms precise timer in the window's thread and a way to run the loop until a
    condition holds. ``worst(since)`` is the largest lateness of a tick after ``since``."""

    def __init__(self) -> None:
        super().__init__()
        self.ticks: list[float] = []
        self.profiler: cProfile.Profile | None = None  # set: the next measure is profiled
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)
        self.loop = QEventLoop()
        self.condition: Callable[[], bool] | None = None
        self.poll = QTimer(self)
        self.poll.setInterval(5)
        self.poll.timeout.connect(self._check)
        self.deadline = QTimer(self)
        self.deadline.setTimerType(Qt.TimerType.PreciseTimer)
        self.deadline.setSingleShot(True)
        self.deadline.timeout.connect(self.loop.quit)

    @Slot()
    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())

    @Slot()
    def _check(self) -> None:
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

    def measure(
        self,
        action: Callable[[], object],
        answered: Callable[[], bool],
        settle: float,
        timeout: float = WAIT_TIMEOUT,
    ) -> Cell:
        """Trigger ``action`` from inside the event loop, wait for ``answered()``, let the
        loop settle; the worst tick lateness over that time and the wall time to the answer."""
        self.ticks = []
        self.timer.start()
        self.spin(0.05)  # a few ticks on time before the action
        if self.profiler is not None:
            self.profiler.enable()  # profiles this (the window's) thread only
        cpu = time.thread_time()
        started = time.perf_counter()
        QTimer.singleShot(0, action)
        self.spin(0.0)  # runs the action
        ok = self.spin(timeout, answered)
        answered_at = time.perf_counter()
        self.spin(settle)
        cpu = time.thread_time() - cpu
        if self.profiler is not None:
            self.profiler.disable()
        self.timer.stop()
        if not ok:
            return Cell(why=f"no answer within {timeout:g} s")
        ticks = np.asarray(self.ticks, dtype=np.float64)
        gaps = np.diff(ticks)
        ends = ticks[1:]
        late = (gaps[ends >= started] * 1000.0) - PROBE_MS  # each gap that ends after the trigger
        worst = float(max(0.0, late.max())) if late.size else math.nan
        return Cell(worst_ms=worst, wall_ms=(answered_at - started) * 1000.0, cpu_ms=cpu * 1000.0)


# ------------------------------------------------------------------ driving the window
def action_named(window: MainWindow, name: str) -> QAction:
    found = window.findChild(QAction, f"action_{name}")
    if found is None:
        raise RuntimeError(f"the window has no action_{name}")
    return found


def seq(window: MainWindow) -> int:
    snapshot = window.snapshot
    return -1 if snapshot is None else snapshot.seq


def shown_after(window: MainWindow, seen: int) -> Callable[[], bool]:
    """The window shows a snapshot newer than ``seen`` and waits for no answer."""
    return lambda: seq(window) > seen and not window.step_in_flight and not window.running


def settle_until_phase(window: Any, probe: Probe, phase: str) -> None:
    """Step (unmeasured) until the next press is ``phase``."""
    for _ in range(8):
        snapshot = window.snapshot
        if snapshot is None or snapshot.phase == phase:
            return
        seen = seq(window)
        window.request_step(snapshot.phase)
        probe.spin(WAIT_TIMEOUT, shown_after(window, seen))
    raise RuntimeError(f"could not reach the {phase} phase")


def press(window: Any, probe: Probe, budget: Budget, name: str) -> Cell:
    """Trigger the stepping action ``name`` (forward, backward, update, step_back)."""
    if name != "step_back":
        settle_until_phase(window, probe, name)
    action = action_named(window, name)
    if not action.isEnabled():
        return Cell(why=f"{action.text().replace('&', '')} is not enabled here")
    seen = seq(window)
    return probe.measure(action.trigger, shown_after(window, seen), budget.settle)


def edit_weight(window: Any, probe: Probe, budget: Budget) -> Cell:
    """Type a new value for the first weight in the parameter table (its model's setData)."""
    model = window.parameters.table.model
    if model.rowCount() == 0:
        return Cell(why="the parameter table has no rows")
    index = model.index(0, VALUE)
    row = model.rows()[0]
    new = f"{row.value + 0.125:.6f}"
    seen = seq(window)
    return probe.measure(
        lambda: model.setData(index, new), shown_after(window, seen), budget.settle
    )


def show_tool(window: Any, probe: Probe, budget: Budget, attribute: str) -> Cell:
    """Show one Teach dock from the Teach menu (its toggle action), then hide it again."""
    dock = getattr(window.teaching, attribute)
    toggle = dock.toggleViewAction()
    if dock.isVisible():
        toggle.trigger()  # hide it first, to measure showing it
        probe.spin(budget.settle)

    def show() -> None:
        toggle.trigger()
        dock.raise_()

    cell = probe.measure(show, dock.isVisible, budget.settle)
    if dock.isVisible() and attribute != "explain_dock":
        toggle.trigger()
        probe.spin(budget.settle)
    return cell


def presentation(window: Any, probe: Probe, budget: Budget, on: bool) -> Cell:
    action = window.teaching.action_presentation
    if action.isChecked() == on:
        return Cell(why=f"presentation mode is already {'on' if on else 'off'}")
    return probe.measure(
        action.trigger, lambda: window.teaching.presenting == on, budget.settle + 0.2
    )


def run_pause(window: Any, probe: Probe, budget: Budget) -> Cell:
    """Press Run, let it train ``budget.run`` seconds, press Pause; until the end is shown."""
    run = action_named(window, "run")
    if not run.isEnabled():
        return Cell(why="Run is not enabled here")
    finished = window.runs_finished
    pause = action_named(window, "pause")

    def go() -> None:
        run.trigger()
        QTimer.singleShot(round(budget.run * 1000), pause.trigger)

    return probe.measure(
        go, lambda: window.runs_finished > finished and not window.running, budget.settle
    )


def save(window: Any, probe: Probe, budget: Budget, path: str) -> Cell:
    """Save as ``path`` (the file chooser answers at once)."""
    saved: list[str] = []
    window.files.saved.connect(saved.append)
    window.file_chooser = lambda mode, suggested: path
    try:
        return probe.measure(window.save_as, lambda: bool(saved), budget.settle)
    finally:
        window.files.saved.disconnect(saved.append)


def open_again(window: Any, probe: Probe, budget: Budget, source: str) -> Cell:
    seen = seq(window)
    return probe.measure(
        lambda: window.open_source(source), shown_after(window, seen), budget.settle
    )


def digits_sized() -> Dataset:
    """A data set of the digits' size, as an imported CSV file would give."""
    digits = load_builtin("digits")
    return Dataset(
        name="imported digits",
        inputs=np.array(digits.inputs),
        targets=np.array(digits.targets),
        input_names=tuple(f"x{k}" for k in range(digits.n_inputs)),
        target_names=tuple(f"class {k}" for k in range(digits.n_outputs)),
        task="multiclass",
        source="bench_actions",
        description="The digits as an imported table",
    )


def import_data(window: Any, probe: Probe, budget: Budget) -> Cell:
    dataset = digits_sized()
    seen = seq(window)
    return probe.measure(
        lambda: window.load_data(dataset), shown_after(window, seen), budget.settle
    )


def build_6x32(window: Any, probe: Probe, budget: Budget) -> Cell:
    """Six hidden layers of 32 through the network editor: + Add layer, then Apply."""
    editor = window.parameters.network
    while editor.hidden_rows() < 6:
        editor.add_layer()
    if editor.hidden_sizes() != [32] * 6:
        raise RuntimeError(f"the editor shows {editor.hidden_sizes()}, not six layers of 32")
    seen = seq(window)
    return probe.measure(editor.apply, shown_after(window, seen), budget.settle)


# ------------------------------------------------------------------ one size
def open_window(source: str, probe: Probe) -> Any:
    window = create_window(source, restore_layout=False)
    window.show()
    if not probe.spin(WAIT_TIMEOUT, lambda: window.snapshot is not None):
        raise RuntimeError(f"the {source} window never showed its first snapshot")
    probe.spin(0.5)
    return window


def close_window(window: Any, probe: Probe) -> None:
    window.shutdown()
    window.close()
    window.deleteLater()
    probe.spin(0.2)
    gc.collect()


def profile_lines(profiler: cProfile.Profile, title: str, top: int) -> list[str]:
    """The ``top`` functions by cumulative time on the window's thread, as text lines."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    return [f"profile of {title} (window's thread, by cumulative time):", *lines]


def measure_size(
    size: str, probe: Probe, budget: Budget, folder: str, profiled: frozenset[str] = frozenset()
) -> Column:
    """Every action on one size, in an order that leaves each one drivable."""
    column = Column(size)
    preset = "digits" if size == "digits-6x32" else size
    window = open_window(preset, probe)
    cells = column.cells
    path = os.path.join(folder, f"{size}.bpdesk")
    try:
        source = preset
        if size == "digits-6x32":
            cells["apply 6x32 (editor)"] = build_6x32(window, probe, budget)
            save(window, probe, budget, path)
            source = path
        snapshot = window.snapshot
        column.params = len(snapshot.spec.parameter_names)
        column.samples = int(snapshot.n_samples)
        steps: list[tuple[str, Callable[[], Cell]]] = [
            ("open", lambda: open_again(window, probe, budget, source)),
            ("Forward", lambda: press(window, probe, budget, "forward")),
            ("Backward", lambda: press(window, probe, budget, "backward")),
            ("Update", lambda: press(window, probe, budget, "update")),
            ("step back", lambda: press(window, probe, budget, "step_back")),
            ("edit a weight", lambda: edit_weight(window, probe, budget)),
        ]
        for name, attribute in TEACH_TOOLS:
            steps.append((f"show {name}", lambda a=attribute: show_tool(window, probe, budget, a)))
        steps += [
            ("presentation mode on", lambda: presentation(window, probe, budget, True)),
            ("presentation mode off", lambda: presentation(window, probe, budget, False)),
            ("Forward (Explain shown)", lambda: press(window, probe, budget, "forward")),
            ("Backward (Explain shown)", lambda: press(window, probe, budget, "backward")),
            ("Update (Explain shown)", lambda: press(window, probe, budget, "update")),
            ("Run/Pause", lambda: run_pause(window, probe, budget)),
            ("save", lambda: save(window, probe, budget, path)),
            ("import data (load_data)", lambda: import_data(window, probe, budget)),
        ]
        for name, step in steps:
            probe.profiler = cProfile.Profile() if name in profiled else None
            try:
                cells[name] = step()
            except Exception as error:  # a benchmark reports, it does not stop
                cells[name] = Cell(why=f"could not be driven: {error}")
            print(f"  {SIZE_TITLES[size]:<18} {name:<26} {describe(cells[name])}", flush=True)
            if probe.profiler is not None:
                for line in profile_lines(probe.profiler, f"{name} @ {size}", PROFILE_TOP):
                    print(f"    {line}")
                probe.profiler = None
    finally:
        close_window(window, probe)
    return column


# ------------------------------------------------------------------ report
def describe(cell: Cell) -> str:
    if cell.worst_ms is None:
        return f"not measured: {cell.why}"
    return (
        f"worst pause {cell.worst_ms:8.1f} ms, answered after {cell.wall_ms:8.1f} ms, "
        f"window thread CPU {cell.cpu_ms:8.1f} ms"
    )


def table(columns: list[Column], figure: str = "worst_ms") -> list[str]:
    """Rows: actions; columns: sizes; ``figure`` (worst_ms or cpu_ms) of each cell."""
    rows = list(ACTIONS)
    for column in columns:
        rows += [name for name in column.cells if name not in rows]
    width = 26
    title = "action (worst pause, ms)" if figure == "worst_ms" else "action (window CPU, ms)"
    head = f"{title:<{width}}" + "".join(f"{SIZE_TITLES[c.size]:>19}" for c in columns)
    lines = [head, "-" * len(head)]
    for name in rows:
        texts = []
        for column in columns:
            cell = column.cells.get(name)
            value = None if cell is None else getattr(cell, figure)
            if cell is None:
                texts.append("-")
            elif value is None:
                texts.append("n/a")
            else:
                mark = "" if value < GOAL_MS else " !"
                texts.append(f"{value:.0f}{mark}")
        lines.append(f"{name:<{width}}" + "".join(f"{t:>19}" for t in texts))
    lines.append(
        f"{'parameters / samples':<{width}}"
        + "".join(f"{f'{c.params} / {c.samples}':>19}" for c in columns)
    )
    return lines


def as_json(columns: list[Column], quick: bool) -> dict[str, Any]:
    worst: dict[str, dict[str, float | None]] = {}
    wall: dict[str, dict[str, float | None]] = {}
    cpu: dict[str, dict[str, float | None]] = {}
    skipped: dict[str, dict[str, str]] = {}
    for column in columns:
        for name, cell in column.cells.items():
            worst.setdefault(name, {})[column.size] = cell.worst_ms
            wall.setdefault(name, {})[column.size] = cell.wall_ms
            cpu.setdefault(name, {})[column.size] = cell.cpu_ms
            if cell.worst_ms is None:
                skipped.setdefault(name, {})[column.size] = cell.why
    over = sorted(
        f"{name} @ {size}"
        for name, by_size in worst.items()
        for size, value in by_size.items()
        if value is not None and value >= GOAL_MS
    )
    return {
        "quick": quick,
        "qt_platform": QGuiApplication.platformName(),
        "goal_ms": GOAL_MS,
        "probe_ms": PROBE_MS,
        "sizes": [c.size for c in columns],
        "parameters": {c.size: c.params for c in columns},
        "actions": list(worst),
        "worst_ms": worst,
        "wall_ms": wall,
        "cpu_ms": cpu,
        "load_average": os.getloadavg()[0],
        "skipped": skipped,
        "over_goal": over,
        "notes": list(NOTES),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short waits, to check the script")
    parser.add_argument(
        "--sizes", default=",".join(SIZES), help=f"comma-separated, of {', '.join(SIZES)}"
    )
    parser.add_argument(
        "--profile",
        default="",
        help="comma-separated action names to profile (cProfile, window's thread), e.g. Forward",
    )
    args = parser.parse_args(argv)
    profiled = frozenset(s.strip() for s in args.profile.split(",") if s.strip())
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}")
    budget = QUICK if args.quick else FULL
    use_headless_platform_if_needed()
    app = ensure_application()
    probe = Probe()
    print(
        f"bpdesk actions benchmark{' (quick)' if args.quick else ''}: Python "
        f"{platform.python_version()}, Qt platform '{QGuiApplication.platformName()}', "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start; "
        f"a {PROBE_MS} ms precise timer, goal: no pause over {GOAL_MS:g} ms",
        flush=True,
    )
    columns = []
    with tempfile.TemporaryDirectory(prefix="bpdesk-bench-actions-files-") as folder:
        for size in sizes:
            columns.append(measure_size(size, probe, budget, folder, profiled))
    print()
    for line in table(columns):
        print(line)
    print("(! = over the goal; n/a = not driven, the reason is printed above)")
    print()
    print("The same actions by the CPU time of the window's thread (less swayed by other")
    print("programs running than the pauses, which wait for a CPU too):")
    for line in table(columns, "cpu_ms"):
        print(line)
    for note in NOTES:
        print(f"note: {note}")
    report = as_json(columns, args.quick)
    print(
        f"{len(report['over_goal'])} cells over {GOAL_MS:g} ms"
        + (f": {', '.join(report['over_goal'])}" if report["over_goal"] else "")
    )
    print(json.dumps(report), flush=True)
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
