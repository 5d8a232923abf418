"""The step-machine worker on its thread: commands in, snapshots out, runs that pause at once."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from PySide6.QtCore import QObject, QThread, Signal, Slot

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.workers.stepper_worker import StepperWorker
from tests.gui.workers.gate import ChunkGate

TOL = 1e-8  # the reference prints 9 decimals


class Commands(QObject):
    """Stands in for the window: its signals reach the worker queued, across threads."""

    step = Signal(str)
    step_back = Signal()
    reset = Signal()
    run = Signal(int)
    run_iterations = Signal(int)
    pause = Signal()
    set_parameter = Signal(str, float)
    set_config = Signal(object)
    refresh = Signal()
    save_session = Signal(str)
    open_session = Signal(str)


class Harness(QObject):
    """Collects what the worker sends, on the test's thread (a queued hop, as in the window)."""

    snapshot = Signal(object)
    error = Signal(str)
    run_state = Signal(bool)
    saved = Signal(str)

    def __init__(self, worker: StepperWorker, thread: QThread, commands: Commands) -> None:
        super().__init__()
        self.worker, self.thread, self.commands = worker, thread, commands
        self.snapshots: list = []
        self.errors: list[str] = []
        self.states: list[bool] = []
        worker.snapshot_ready.connect(self._on_snapshot)
        worker.errored.connect(self._on_error)
        worker.run_state_changed.connect(self._on_run_state)
        worker.saved.connect(self._on_saved)

    @Slot(object)
    def _on_snapshot(self, snapshot) -> None:
        self.snapshots.append(snapshot)
        self.snapshot.emit(snapshot)

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self.errors.append(message)
        self.error.emit(message)

    @Slot(bool)
    def _on_run_state(self, running: bool) -> None:
        self.states.append(running)
        self.run_state.emit(running)

    @Slot(str)
    def _on_saved(self, path: str) -> None:
        self.saved.emit(path)

    @property
    def last(self):
        return self.snapshots[-1]


def _start(stepper: Stepper, paced: bool = False) -> Harness:
    worker = StepperWorker(stepper, paced=paced)
    thread = QThread()
    worker.moveToThread(thread)
    commands = Commands()
    for name in (
        "step",
        "step_back",
        "reset",
        "run",
        "run_iterations",
        "pause",
        "set_parameter",
        "set_config",
        "refresh",
        "save_session",
        "open_session",
    ):
        getattr(commands, name).connect(getattr(worker, name))
    harness = Harness(worker, thread, commands)
    thread.start()
    return harness


@pytest.fixture
def make_harness():
    started: list[Harness] = []

    def make(stepper: Stepper | None = None, paced: bool = False) -> Harness:
        harness = _start(stepper or Stepper(get_preset("lecture").trainer()), paced)
        started.append(harness)
        return harness

    yield make
    for harness in started:
        harness.worker.stop()
        harness.thread.quit()
        assert harness.thread.wait(5000)


@pytest.fixture
def lecture(make_harness) -> Harness:
    return make_harness()


def _send_and_wait(qtbot, harness: Harness, name: str, *args):
    with qtbot.waitSignal(harness.snapshot, timeout=5000) as blocker:
        getattr(harness.commands, name).emit(*args)
    return blocker.args[0]


def _diverging_stepper() -> Stepper:
    spec = NetworkSpec.build([1, 4, 1], "linear", loss="mse")
    x = np.linspace(-3, 3, 20).reshape(-1, 1)
    trainer = Trainer(initialize(spec, seed=0), x, 5 * x, TrainConfig(eta=1e6, batch_size=20))
    return Stepper(trainer)


def test_forward_round_trip_gives_the_lecture_error(qtbot, lecture, lecture_reference):
    snap = _send_and_wait(qtbot, lecture, "step", "forward")
    assert snap.phase == "backward"
    assert not snap.running
    values = snap.trace.named_values()
    assert abs(values["E_total"] - lecture_reference["forward"]["E_total"]) < TOL
    assert abs(values["out_h1"] - lecture_reference["forward"]["out_h1"]) < TOL


def test_backward_and_update_reach_the_lecture_weights(qtbot, lecture, lecture_reference):
    _send_and_wait(qtbot, lecture, "step", "forward")
    snap = _send_and_wait(qtbot, lecture, "step", "backward")
    assert snap.phase == "update"
    reference = lecture_reference["backward_output_layer"]["dE_total/dw5"]
    assert abs(snap.trace.named_values()["dE_total/dw5"] - reference) < TOL
    snap = _send_and_wait(qtbot, lecture, "step", "update")
    assert snap.phase == "forward" and snap.step_complete
    for name, value in lecture_reference["updated_weights_after_one_step"].items():
        assert abs(snap.values[name] - value) < TOL, name
    assert snap.iteration == 1 and snap.can_step_back


def test_snapshots_are_numbered_in_order(qtbot, lecture):
    first = _send_and_wait(qtbot, lecture, "step", "neuron")
    second = _send_and_wait(qtbot, lecture, "step", "neuron")
    assert second.seq > first.seq
    assert second.trace.done == first.trace.done + 1


def test_step_of_the_wrong_phase_is_refused_in_plain_words(qtbot, lecture):
    with qtbot.waitSignal(lecture.error, timeout=5000) as blocker:
        lecture.commands.step.emit("update")
    assert "forward" in blocker.args[0] and "Something went wrong" not in blocker.args[0]
    qtbot.waitUntil(lambda: bool(lecture.snapshots))
    assert lecture.last.phase == "forward"


def test_editing_a_weight_changes_the_forward_values(qtbot, lecture, lecture_reference):
    snap = _send_and_wait(qtbot, lecture, "step", "forward")
    before = snap.trace.named_values()["out_h1"]
    assert abs(before - lecture_reference["forward"]["out_h1"]) < TOL
    snap = _send_and_wait(qtbot, lecture, "set_parameter", "w1", 0.9)
    after = snap.trace.named_values()
    assert snap.values["w1"] == 0.9
    assert snap.phase == "backward"  # the forward pass was replayed with the new weight
    expected_net = 0.9 * 0.05 + 0.2 * 0.1 + lecture_reference["network"]["biases"]["b1"]
    assert abs(after["net_h1"] - expected_net) < 1e-12
    assert after["out_h1"] > before


def test_an_exception_in_a_command_becomes_a_message(qtbot, lecture, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk fell off")

    monkeypatch.setattr(lecture.worker._stepper, "step_phase", broken)
    with qtbot.waitSignal(lecture.error, timeout=5000) as blocker:
        lecture.commands.step.emit("forward")
    message = blocker.args[0]
    qtbot.waitUntil(lambda: bool(lecture.snapshots))  # the views get a picture to stay on
    assert lecture.last.phase == "forward"
    assert message.startswith("Something went wrong while stepping through the forward pass")
    assert "please report it" in message and "RuntimeError" not in message
    assert "RuntimeError: the disk fell off" in caplog.text  # the details go to the log
    monkeypatch.undo()
    snap = _send_and_wait(qtbot, lecture, "step", "forward")
    assert snap.phase == "backward"  # the worker is alive and the lesson intact


def test_step_back_and_reset_send_a_cut_back_history(qtbot, lecture):
    for _ in range(3):
        snap = _send_and_wait(qtbot, lecture, "step", "full")
    assert snap.iteration == 3
    assert snap.history_start == 2 and len(snap.iteration_errors) == 1
    snap = _send_and_wait(qtbot, lecture, "step_back")
    assert snap.iteration == 2
    assert snap.history_start == 2 and len(snap.iteration_errors) == 0
    snap = _send_and_wait(qtbot, lecture, "reset")
    assert snap.iteration == 0 and snap.history_start == 0
    assert not snap.can_step_back


def _history_from(snapshots) -> list[float]:
    """Rebuild the error history the way a view does from incremental snapshots."""
    held: list[float] = []
    for snap in snapshots:
        del held[snap.history_start :]
        held.extend(snap.iteration_errors.tolist())
    return held


def test_run_iterations_trains_exactly_and_sends_history_pieces(qtbot, lecture):
    _send_and_wait(qtbot, lecture, "step", "forward")  # a half-done step is finished first
    with qtbot.waitSignal(lecture.run_state, timeout=5000):
        lecture.commands.run_iterations.emit(3000)
    qtbot.waitUntil(lambda: bool(lecture.states) and not lecture.states[-1], timeout=20000)
    qtbot.waitUntil(lambda: lecture.last.iteration == 3000 and not lecture.last.running)
    pieces = list(lecture.snapshots)
    full = _send_and_wait(qtbot, lecture, "refresh")
    assert full.history_start == 0 and len(full.iteration_errors) == 3000
    np.testing.assert_array_equal(np.array(_history_from(pieces)), full.iteration_errors)
    assert full.iteration_errors[-1] < full.iteration_errors[0]  # the lecture net learns
    # One undo entry for the whole run: stepping back returns to the half-done step.
    snap = _send_and_wait(qtbot, lecture, "step_back")
    assert snap.iteration == 0 and snap.phase == "backward"


def test_run_epochs_stops_at_the_epoch(qtbot, make_harness):
    harness = make_harness(Stepper(get_preset("xor").trainer()))
    harness.commands.run.emit(25)
    qtbot.waitUntil(lambda: bool(harness.states) and not harness.states[-1], timeout=20000)
    qtbot.waitUntil(lambda: bool(harness.snapshots) and not harness.last.running)
    assert harness.last.epoch == 25 and harness.last.position == 0


def test_pause_takes_effect_quickly_and_snapshots_are_throttled(qtbot, lecture):
    gate = ChunkGate(lecture.worker._stepper.trainer, "run")
    started = time.perf_counter()  # before the run starts: every snapshot is sent after it
    with qtbot.waitSignal(lecture.run_state, timeout=5000):
        lecture.commands.run.emit(0)
    qtbot.wait(700)
    running = [s for s in lecture.snapshots if s.running]
    assert running, "no snapshot during the run"
    assert any(s.rate > 0 for s in running)
    elapsed = time.perf_counter() - started
    assert len(running) <= 60 * elapsed + 5
    # A pause asked for while a chunk trains is honoured before the next chunk.
    gate.hold()
    assert gate.entered.wait(10), "no chunk ran"
    with qtbot.waitSignal(lecture.run_state, timeout=10_000) as blocker:
        lecture.worker.pause_event.set()  # what the window does besides the queued pause
        lecture.commands.pause.emit()
        held_at = gate.calls
        gate.release()
    assert blocker.args == [False]
    assert gate.calls == held_at  # not one more chunk after the pause
    qtbot.waitUntil(lambda: not lecture.last.running)
    stopped_at = lecture.last.iteration
    assert stopped_at > 100
    qtbot.wait(100)
    assert lecture.last.iteration == stopped_at  # really paused
    # Resume: training goes on from where it paused.
    with qtbot.waitSignal(lecture.run_state, timeout=5000):
        lecture.commands.run.emit(0)
    qtbot.waitUntil(lambda: lecture.last.iteration > stopped_at, timeout=5000)
    with qtbot.waitSignal(lecture.run_state, timeout=2000):
        lecture.commands.pause.emit()


def test_edits_during_a_run_apply_between_iterations(qtbot, lecture):
    with qtbot.waitSignal(lecture.run_state, timeout=5000):
        lecture.commands.run.emit(0)
    qtbot.waitUntil(lambda: bool(lecture.snapshots) and lecture.last.iteration > 0)
    lecture.commands.set_config.emit(TrainConfig(eta=0.1, train_biases=False, shuffle=False))
    qtbot.waitUntil(lambda: lecture.last.config.eta == 0.1, timeout=5000)
    assert lecture.last.running  # the run went on
    with qtbot.waitSignal(lecture.run_state, timeout=2000):
        lecture.commands.pause.emit()
    assert not lecture.errors


def test_a_diverging_run_stops_with_the_reason(qtbot, make_harness):
    harness = make_harness(_diverging_stepper())
    harness.commands.run.emit(0)
    qtbot.waitUntil(lambda: bool(harness.states) and not harness.states[-1], timeout=10000)
    qtbot.waitUntil(lambda: bool(harness.snapshots) and harness.last.message is not None)
    snap = harness.last
    assert snap.diverged and "diverged" in snap.message and "η" in snap.message
    assert all(math.isfinite(v) for v in snap.values.values())
    # Still responsive: a new run is refused in words, a reset works.
    with qtbot.waitSignal(harness.error, timeout=5000) as blocker:
        harness.commands.run.emit(0)
    assert "Step back or reset" in blocker.args[0]
    harness.commands.reset.emit()
    qtbot.waitUntil(lambda: harness.last.iteration == 0, timeout=5000)
    assert harness.last.diverged is None and harness.last.message is None


def test_stop_ends_a_run_and_the_thread_finishes(qtbot, make_harness):
    harness = make_harness()
    gate = ChunkGate(harness.worker._stepper.trainer, "run")
    with qtbot.waitSignal(harness.run_state, timeout=5000):
        harness.commands.run.emit(0)
    gate.hold()
    assert gate.entered.wait(10), "no chunk ran"
    harness.worker.stop()  # while a chunk trains
    harness.thread.quit()
    held_at = gate.calls
    gate.release()
    assert harness.thread.wait(10_000)
    assert harness.thread.isFinished()
    assert gate.calls == held_at  # the chunk in progress was the last one


def test_save_and_open_a_session(qtbot, lecture, tmp_path, lecture_reference):
    _send_and_wait(qtbot, lecture, "step", "forward")
    path = tmp_path / "lesson.bpdesk"
    with qtbot.waitSignal(lecture.saved, timeout=5000) as blocker:
        lecture.commands.save_session.emit(str(path))
    assert path.is_file() and blocker.args[0] == str(path)
    _send_and_wait(qtbot, lecture, "reset")
    snap = _send_and_wait(qtbot, lecture, "open_session", str(path))
    assert snap.phase == "backward"
    expected = lecture_reference["forward"]["E_total"]
    assert abs(snap.trace.named_values()["E_total"] - expected) < TOL


def test_a_broken_session_file_keeps_the_open_lesson(qtbot, lecture, tmp_path):
    _send_and_wait(qtbot, lecture, "step", "forward")
    path = tmp_path / "broken.bpdesk"
    path.write_text("{ not json", encoding="utf-8")
    with qtbot.waitSignal(lecture.error, timeout=5000) as blocker:
        lecture.commands.open_session.emit(str(path))
    assert "Something went wrong" not in blocker.args[0]
    qtbot.waitUntil(lambda: lecture.last.seq > 1)
    assert lecture.last.phase == "backward"


def test_a_paced_worker_waits_for_the_screen(qtbot, make_harness):
    harness = make_harness(paced=True)
    with qtbot.waitSignal(harness.run_state, timeout=5000):
        harness.commands.run.emit(0)
    qtbot.wait(300)
    running = [s for s in harness.snapshots if s.running]
    assert len(running) == 1  # the start of the run; nothing drawn yet, so nothing more
    harness.worker.acknowledge(running[0].seq, 0.0)
    qtbot.waitUntil(lambda: len([s for s in harness.snapshots if s.running]) > 1, timeout=5000)
    with qtbot.waitSignal(harness.run_state, timeout=2000):
        harness.commands.pause.emit()
    # The history still arrives whole: the pieces add up to every iteration.
    qtbot.waitUntil(lambda: not harness.last.running)
    assert len(_history_from(harness.snapshots)) == harness.last.iteration
