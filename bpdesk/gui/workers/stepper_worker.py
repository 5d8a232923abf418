"""The step-machine worker: owns the live Stepper on its own thread and sends snapshots back."""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import RunResult, TrainConfig
from bpdesk.core.errors import ConfigError
from bpdesk.core.files import documents
from bpdesk.core.files.datasets import Dataset
from bpdesk.core.files.documents import is_session_path
from bpdesk.core.files.splits import with_split
from bpdesk.core.stepping.data_edit import DataEdit
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.steps import STEP_DOING, STEP_KINDS, take_step
from bpdesk.gui.workers.chunked import Chunk, ChunkedRun, describe_failure

__all__ = ["StepperWorker", "describe_failure", "open_lesson"]


# During a run, one snapshot per frame of the error plot: at most twelve a second (more would
# cost the run its time and the screen work, for nothing a person can see).
SNAPSHOT_INTERVAL = 1.0 / 12.0
IDLE_SHARE = 0.5  # paced: the screen rests this share of its drawing time between snapshots


def open_lesson(source: str) -> tuple[Stepper, str]:
    """A preset or session file, opened; with the file's absolute path ("" for a preset)."""
    stepper = documents.open_source(source)
    return stepper, os.path.abspath(source) if is_session_path(source) else ""


class _RateMeter:
    """Iterations per second over about the last second."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int]] = deque()

    def clear(self) -> None:
        self._samples.clear()

    def add(self, now: float, iteration: int) -> float:
        samples = self._samples
        samples.append((now, iteration))
        while len(samples) > 2 and now - samples[1][0] >= 1.0:
            samples.popleft()
        first_time, first_iteration = samples[0]
        span = now - first_time
        if span <= 0.0:
            return 0.0
        return max(0.0, (iteration - first_iteration) / span)


@dataclass
class _RunGoal:
    """Where a run stops: at an epoch, after a number of iterations, or when paused."""

    end_epoch: int | None = None
    left: int | None = None  # iterations still to train
    first: bool = True  # the first chunk goes through the step machine
    stepwise: bool = False  # the last chunk went step by step (a slow run)

    def reached(self, epoch: int) -> bool:
        if self.left is not None and self.left <= 0:
            return True
        return self.end_epoch is not None and epoch >= self.end_epoch


class StepperWorker(QObject):
    """Runs every command on the live ``Stepper``; widgets only ever see its snapshots.

    Lives on a worker thread: the window's signals reach these slots queued. A run is cut
    into chunks of a few milliseconds (``ChunkedRun``), so edits and pause requests queued
    meanwhile are handled between iterations.
    """

    snapshot_ready = Signal(object)
    errored = Signal(str)
    run_state_changed = Signal(bool)
    saved = Signal(str)
    # The open document: its file ("" for a preset) and whether it has unsaved changes.
    document_changed = Signal(str, bool)
    autosave_failed = Signal(str)  # the crash-recovery copy could not be written (why)

    def __init__(
        self,
        stepper: Stepper,
        path: str = "",
        parent: QObject | None = None,
        *,
        paced: bool = False,
    ):
        super().__init__(parent)
        # Paced: during a run, the next snapshot waits until the last one was drawn
        # (``acknowledge``) and the screen has rested for a while after drawing it, so a
        # busy screen never falls behind and always has time for the user's clicks.
        self._paced = paced
        self._drawn: tuple[int, float, float] = (0, 0.0, 0.0)  # seq, when, seconds it took
        self._stepper = stepper
        self._path = path
        self._modified = False
        self._autosave: tuple[str, str] | None = None  # the copy's session and origin files
        self._autosaved = False  # the copy holds the lesson as it is now
        self._seq = 0
        self._sent = (0, 0)  # error-history lengths the views already hold
        self._goal = _RunGoal()
        self._rate = _RateMeter()
        self._current_rate = 0.0
        self._run = ChunkedRun(
            self,
            chunk=self._train_chunk,
            report=self._safe_snapshot,
            finish=self._finish_run,
            on_error=self.errored.emit,
            doing="training",
            report_interval=SNAPSHOT_INTERVAL,
            may_report=self._screen_ready,
        )

    # ------------------------------------------------------------ state
    @property
    def running(self) -> bool:
        return self._run.running

    @property
    def pause_event(self) -> threading.Event:
        """Set from any thread: the run pauses before its next chunk."""
        return self._run.pause_event

    @property
    def path(self) -> str:
        return self._path

    def acknowledge(self, seq: int, seconds: float = 0.0) -> None:
        """The snapshot ``seq`` is on screen, drawing it took ``seconds``; safe to call
        from any thread."""
        if seq >= self._drawn[0]:
            self._drawn = (int(seq), time.perf_counter(), max(0.0, float(seconds)))

    def _screen_ready(self, now: float) -> bool:
        if not self._paced:
            return True
        seq, when, seconds = self._drawn
        return seq >= self._seq and now - when >= IDLE_SHARE * seconds

    def stop(self) -> None:
        """Stop for good (the window is closing); safe to call from any thread."""
        self._run.stop()

    # ------------------------------------------------------------ snapshots
    def _emit_snapshot(self, message: str | None = None) -> None:
        stepper = self._stepper
        running = self._run.running
        self._seq += 1
        snapshot = make_snapshot(
            stepper,
            seq=self._seq,
            running=running,
            history_from=self._sent[0],
            epoch_history_from=self._sent[1],
            rate=self._current_rate if running else 0.0,
            message=message,
        )
        trainer = stepper.trainer
        self._sent = (len(trainer.iteration_errors), len(trainer.epoch_errors))
        self._run.reported()
        self.snapshot_ready.emit(snapshot)

    def _safe_snapshot(self, message: str | None = None) -> None:
        try:
            self._emit_snapshot(message)
        except Exception as error:  # the views keep their last picture
            self.errored.emit(describe_failure(error, "preparing the figures for the screen"))

    def _fail(self, error: BaseException, doing: str) -> None:
        self.errored.emit(describe_failure(error, doing))
        self._safe_snapshot()

    def _set_document(self, path: str, modified: bool) -> None:
        if modified:
            self._autosaved = False  # whatever changed, the copy no longer holds it
        if (path, modified) != (self._path, self._modified):
            self._path, self._modified = path, modified
            self.document_changed.emit(path, modified)

    def _changed(self) -> None:
        self._autosaved = False
        self._set_document(self._path, True)

    def _command(self, doing: str, action: Callable[[], Any]) -> bool:
        """Run one command on the step machine: snapshot after it, a plain message if it fails."""
        if self._run.stopped:
            return False
        try:
            action()
        except Exception as error:
            self._fail(error, doing)
            return False
        self._changed()
        self._safe_snapshot()
        return True

    def _halt_run(self) -> None:
        """End a run (if one is going) before a command that needs the machine still."""
        if self._run.running:
            self._run.end(None)

    # ------------------------------------------------------------ stepping commands
    @Slot()
    def refresh(self) -> None:
        """Send a snapshot of things as they are (the whole error history)."""
        self._sent = (0, 0)
        self._safe_snapshot()
        self.document_changed.emit(self._path, self._modified)

    @Slot(str)
    def step(self, kind: str) -> None:
        """One press of Forward, Backward, Update, Next neuron or Full step."""
        self._halt_run()
        if kind not in STEP_KINDS:
            self._fail(ConfigError(f"Unknown kind of step '{kind}'."), "stepping")
            return
        self._command(STEP_DOING[kind], lambda: take_step(self._stepper, kind))

    @Slot()
    def step_back(self) -> None:
        self._halt_run()
        self._command("stepping back", self._stepper.step_back)

    @Slot()
    def reset(self) -> None:
        self._halt_run()
        self._command("resetting the network", self._stepper.reset)

    @Slot(str, float)
    def set_parameter(self, name: str, value: float) -> None:
        """Change a weight or bias; during a run it applies before the next chunk."""
        self._command(f"changing {name}", lambda: self._stepper.set_parameter(name, float(value)))

    @Slot(object)
    def set_config(self, config: TrainConfig) -> None:
        self._command("changing the training settings", lambda: self._stepper.set_config(config))

    @Slot(object)
    def edit_data(self, edit: DataEdit) -> None:
        """Add, move or remove a training point; during a run it applies before the next
        chunk (the run goes on with the new data)."""
        self._command("changing the training points", lambda: self._stepper.edit_data(edit))

    @Slot()
    def roll_back_to_best(self) -> None:
        """Put back the weights of the epoch with the lowest test error."""
        self._halt_run()
        self._command("rolling back to the best epoch", self._stepper.roll_back_to_best)

    # ------------------------------------------------------------ new lessons
    def _replace(self, doing: str, make: Callable[[], Stepper], path: str | None) -> bool:
        self._halt_run()
        if self._run.stopped:
            return False
        try:
            stepper = make()
        except Exception as error:
            self._fail(error, doing)
            return False
        self._stepper = stepper
        self._sent = (0, 0)
        self._set_document(self._path if path is None else path, path is None)
        if path is not None:
            self._drop_autosave()  # the lesson it kept was saved or let go
        self._safe_snapshot()
        return True

    @Slot(object, str, int)
    def set_network(self, spec: NetworkSpec, init_method: str, seed: int) -> None:
        self._replace(
            "building the new network",
            lambda: documents.with_network(self._stepper, spec, init_method, int(seed)),
            None,
        )

    @Slot(str)
    def load_dataset(self, name: str) -> None:
        self._replace(
            f"loading the data set '{name}'",
            lambda: documents.with_dataset(self._stepper, name),
            None,
        )

    @Slot(float, float, int)
    def set_split(self, validation: float, test: float, seed: int) -> None:
        """Hold out new validation and test parts (same weights and settings)."""
        self._replace(
            "splitting the data",
            lambda: with_split(self._stepper, validation, test, int(seed)),
            None,
        )

    @Slot(object)
    def load_data(self, dataset: Dataset) -> None:
        """Imported data: the current hidden layers on it, freshly initialised."""
        self._replace(
            "loading the imported data",
            lambda: documents.with_data(self._stepper, dataset),
            None,
        )

    @Slot(str)
    def open_session(self, source: str) -> None:
        """Open a session file, or a preset by name (a new, unsaved lesson)."""
        is_file = is_session_path(source)
        doing = f"opening {source}" if is_file else f"opening the {source} example"
        self._replace(
            doing,
            lambda: documents.open_source(source),
            os.path.abspath(source) if is_file else "",
        )

    @Slot(str)
    def save_session(self, path: str) -> None:
        self._halt_run()
        if self._run.stopped:
            return
        try:
            documents.save_session(path, self._stepper)
        except Exception as error:
            self.errored.emit(describe_failure(error, f"saving to {path}"))
            return
        self._set_document(os.path.abspath(path), False)
        self._drop_autosave()  # saved: nothing left to recover
        self.saved.emit(os.path.abspath(path))

    # ------------------------------------------------------------ crash recovery
    @Slot(str, str)
    def autosave_to(self, session_path: str, origin_path: str) -> None:
        """Where :meth:`autosave` writes: the session copy, and a note of the document's own
        file ("" for both: no autosave)."""
        self._autosave = (session_path, origin_path) if session_path else None

    @Slot()
    def autosave(self) -> None:
        """Write the crash-recovery copy if there are unsaved changes. The document's own
        file and its modified flag stay as they are."""
        if self._autosave is None or not self._modified or self._run.stopped or self._autosaved:
            return  # nothing to keep, or the copy is up to date
        session_path, origin_path = self._autosave
        try:
            os.makedirs(os.path.dirname(session_path) or ".", exist_ok=True)
            documents.save_session(session_path, self._stepper)
            with open(origin_path, "w", encoding="utf-8") as origin:
                origin.write(self._path)
            self._autosaved = True
        except Exception as error:
            self.autosave_failed.emit(describe_failure(error, "autosaving the lesson"))

    @Slot()
    def mark_unsaved(self) -> None:
        """The lesson has changes no file holds (it was restored from an autosave)."""
        self._changed()

    def _drop_autosave(self) -> None:
        if self._autosave is not None:
            for name in self._autosave:
                try:
                    os.remove(name)
                except OSError:
                    pass  # not there, or already gone

    # ------------------------------------------------------------ runs
    @Slot(int)
    def run(self, epochs: int) -> None:
        """Train fast for ``epochs`` epochs (0: until paused)."""
        self._start_run(epochs=int(epochs) if epochs > 0 else None, iterations=None)

    @Slot(int)
    def run_iterations(self, n: int) -> None:
        """Train fast for ``n`` iterations."""
        self._start_run(epochs=None, iterations=max(0, int(n)))

    @Slot()
    def pause(self) -> None:
        self._run.pause()

    def _start_run(self, *, epochs: int | None, iterations: int | None) -> None:
        if self._run.running or self._run.stopped:
            return
        trainer = self._stepper.trainer
        if trainer.diverged:
            self.errored.emit(trainer.diverged + " Step back or reset to go on.")
            self._safe_snapshot()
            return
        self.autosave()  # a run that crashes bpdesk loses nothing from before it
        end_epoch = None if epochs is None else trainer.epoch + epochs
        self._goal = _RunGoal(end_epoch=end_epoch, left=iterations)
        self._rate.clear()
        self._current_rate = self._rate.add(time.perf_counter(), trainer.iteration)
        self._run.start()
        self._changed()
        self.run_state_changed.emit(True)
        self._safe_snapshot()

    def _train_chunk(self, size: int) -> Chunk:
        """Train at most ``size`` iterations towards the run's goal."""
        trainer = self._stepper.trainer
        goal = self._goal
        if goal.reached(trainer.epoch):
            return Chunk(0, finished=True)
        self._autosaved = False  # the run changes the lesson
        result = self._train(min(size, goal.left) if goal.left is not None else size)
        if goal.left is not None:
            goal.left -= result.iterations
        self._current_rate = self._rate.add(time.perf_counter(), trainer.iteration)
        if result.diverged or result.early_stopped:
            return Chunk(result.iterations, True, trainer.diverged or result.stopped)
        finished = goal.reached(trainer.epoch) or result.iterations == 0
        return Chunk(result.iterations, finished)

    @Slot(float)
    def set_speed(self, steps_per_second: float) -> None:
        """Train at most this many steps a second (0 or inf: full speed); slow runs go step
        by step through the step machine and show every step (see ``ChunkedRun.slow``)."""
        self._run.set_pace(steps_per_second)

    def _train(self, n: int) -> RunResult:
        trainer = self._stepper.trainer
        end_epoch = self._goal.end_epoch
        epochs = None if end_epoch is None else end_epoch - trainer.epoch
        if self._run.slow:
            first, self._goal.first = self._goal.first, False
            if end_epoch is not None and trainer.epoch >= end_epoch:
                return RunResult(0, "done")
            self._goal.stepwise = True
            return self._stepper.run_steps(n, first=first)
        if self._goal.stepwise:  # faster again: the trace of the last slow step goes
            self._goal.stepwise = False
            self._stepper.leave_finished_step()
        if self._goal.first:
            # The first chunk goes through the step machine: it finishes a half-done step
            # and keeps one undo entry for the whole run.
            self._goal.first = False
            before = trainer.iteration
            result = self._stepper.run(iterations=n, epochs=epochs)
            done = trainer.iteration - before
            return RunResult(done, result.stopped, result.diverged, result.early_stopped)
        return trainer.run(iterations=n, epochs=epochs)

    def _finish_run(self, message: str | None) -> None:
        self._current_rate = 0.0
        self.run_state_changed.emit(False)
        self._safe_snapshot(message)
