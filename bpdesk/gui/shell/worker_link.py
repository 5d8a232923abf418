"""The window's line to its worker thread: queued commands out, and the one guard on steps."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from PySide6.QtCore import QObject, QThread, Signal

from bpdesk.core.files.datasets import Dataset
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.steps import STEP_KINDS, parse_commands
from bpdesk.gui.workers.stepper_worker import StepperWorker

__all__ = ["WorkerLink"]

# A command as the link sends it: its name (a step kind, back, reset, run, epochs) and count.
Command = tuple[str, int]


def _split(command: str) -> Command:
    name, _, count = command.partition(":")
    return name, int(count) if count else 0


class WorkerLink(QObject):
    """Owns the worker and its thread, and knows what the window has asked of it.

    Every step, step back, reset and run goes through :meth:`request_commands`: refused
    while the answer to a step is awaited or a run goes, so no press is ever lost in a
    queue the user cannot see. A sequence (a lesson's slide) is sent one command at a
    time, each after the snapshot of the one before.
    """

    # Queued to the worker, which lives on its own thread.
    step_requested = Signal(str)
    step_back_requested = Signal()
    reset_requested = Signal()
    run_requested = Signal(int)
    run_iterations_requested = Signal(int)
    pause_requested = Signal()
    speed_requested = Signal(float)  # steps a second during runs (inf: full speed)
    open_requested = Signal(str)
    save_requested = Signal(str)
    refresh_requested = Signal()
    roll_back_requested = Signal()
    data_requested = Signal(object)
    data_edit_requested = Signal(object)  # a core DataEdit: a training point added, moved…
    autosave_to_requested = Signal(str, str)
    autosave_requested = Signal()
    mark_unsaved_requested = Signal()

    def __init__(self, stepper: Stepper, path: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = StepperWorker(stepper, path, paced=True)
        self.worker_thread = QThread(self)
        self.worker_thread.setObjectName("bpdesk-worker")
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.start()
        self._pending = False  # a command was sent and its snapshot has not come back
        self._running = False  # a run was asked for and has not ended (the worker says)
        self._runs_finished = 0
        self._queue: deque[Command] = deque()
        self._connect()

    def _connect(self) -> None:
        w = self.worker
        self.step_requested.connect(w.step)
        self.step_back_requested.connect(w.step_back)
        self.reset_requested.connect(w.reset)
        self.run_requested.connect(w.run)
        self.run_iterations_requested.connect(w.run_iterations)
        self.pause_requested.connect(w.pause)
        self.speed_requested.connect(w.set_speed)
        self.open_requested.connect(w.open_session)
        self.save_requested.connect(w.save_session)
        self.refresh_requested.connect(w.refresh)
        self.roll_back_requested.connect(w.roll_back_to_best)
        self.data_requested.connect(w.load_data)
        self.data_edit_requested.connect(w.edit_data)
        self.autosave_to_requested.connect(w.autosave_to)
        self.autosave_requested.connect(w.autosave)
        self.mark_unsaved_requested.connect(w.mark_unsaved)

    # ------------------------------------------------------------ what was asked
    @property
    def pending(self) -> bool:
        """A command was sent and its snapshot has not come back yet."""
        return self._pending

    @property
    def running(self) -> bool:
        """A run was asked for (or goes) and the worker has not said it ended."""
        return self._running

    @property
    def runs_finished(self) -> int:
        return self._runs_finished

    @property
    def queued(self) -> int:
        """Commands of a sequence still waiting for their turn."""
        return len(self._queue)

    # ------------------------------------------------------------ the guarded path
    def request_commands(self, commands: Sequence[str]) -> bool:
        """Send ``commands`` (step commands: forward, neuron, back, reset, run:N, epochs:N…)
        one after the other. False, and nothing sent, when the guard refuses the first one
        or an earlier sequence is still going. ConfigError for an unknown command."""
        parsed = [_split(c) for c in parse_commands(",".join(commands))]
        if not parsed:
            return not (self._queue or self._pending or self._running)
        first = parsed[0]
        if first[0] == "reset":
            self._queue.clear()  # a reset starts over
        if self._queue or not self._accepts(first):
            return False
        self._queue.extend(parsed[1:])
        self._send(first)
        return True

    def run(self, epochs: int) -> bool:
        """Train ``epochs`` epochs, or until paused (0)."""
        return self._request(("epochs", max(0, int(epochs))))

    def _request(self, command: Command) -> bool:
        if self._queue or not self._accepts(command):
            return False
        self._send(command)
        return True

    def _accepts(self, command: Command) -> bool:
        name = command[0]
        if name in ("run", "epochs"):
            return not self._running
        if name == "reset":
            return not self._pending
        return not (self._pending or self._running)

    def _send(self, command: Command) -> None:
        name, count = command
        if name in ("run", "epochs"):
            self._running = True
            signal = self.run_iterations_requested if name == "run" else self.run_requested
            signal.emit(count)
            return
        self._pending = True
        if name in STEP_KINDS:
            self.step_requested.emit(name)
        elif name == "back":
            self.step_back_requested.emit()
        else:
            self.worker.pause_event.set()  # a run in progress stops at once
            self.reset_requested.emit()

    def _send_next(self) -> None:
        if self._queue and not (self._pending or self._running):
            command = self._queue.popleft()
            if self._accepts(command):
                self._send(command)
            else:
                self._queue.clear()

    def pause(self) -> None:
        """Pause a run (the worker sees the flag between two chunks); a sequence stops."""
        self._queue.clear()
        self.worker.pause_event.set()
        self.pause_requested.emit()

    # ------------------------------------------------------------ what came back
    def snapshot_arrived(self) -> None:
        """The worker answered: the next queued command, if any, goes."""
        self._pending = False
        self._send_next()

    def error_arrived(self) -> None:
        """A command failed: what was queued after it is dropped."""
        self._pending = False
        self._queue.clear()

    def run_state_arrived(self, running: bool) -> None:
        self._running = running
        if not running:
            self._runs_finished += 1
            self._send_next()

    # ------------------------------------------------------------ documents and data
    def open_source(self, source: str) -> None:
        """Open a session file or a preset; a sequence for the old lesson is dropped."""
        self._queue.clear()
        self.worker.pause_event.set()
        self.open_requested.emit(source)

    def load_data(self, dataset: Dataset) -> None:
        self.data_requested.emit(dataset)

    def shutdown(self) -> None:
        """Stop the worker and wait for its thread."""
        self._queue.clear()
        self.worker.stop()
        self.worker_thread.quit()
        self.worker_thread.wait()
