"""The comparison worker on its thread: a stop asked for during a chunk ends the run after it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, QThread, Signal, Slot

from bpdesk.core.files.presets import get_preset
from bpdesk.core.teaching.comparison import Comparison
from bpdesk.gui.workers.comparison_worker import ComparisonWorker
from tests.gui.workers.gate import ChunkGate


class Commands(QObject):
    """Stands in for the view: its signals reach the worker queued, across threads."""

    start = Signal(object, int)
    stop = Signal()


class Collector(QObject):
    """Receives the worker's reports on the test's thread, as the view does."""

    finished = Signal()

    def __init__(self, worker: ComparisonWorker) -> None:
        super().__init__()
        self.results: list = []
        self.errors: list[str] = []
        self.ends = 0
        worker.progress.connect(self.on_progress)
        worker.errored.connect(self.on_error)
        worker.finished.connect(self.on_finished)

    @Slot(object)
    def on_progress(self, result) -> None:
        self.results.append(result)

    @Slot(str)
    def on_error(self, message: str) -> None:
        self.errors.append(message)

    @Slot()
    def on_finished(self) -> None:
        self.ends += 1
        self.finished.emit()


@pytest.fixture
def threaded():
    thread = QThread()
    worker = ComparisonWorker()
    worker.moveToThread(thread)
    commands = Commands()
    commands.start.connect(worker.start)
    commands.stop.connect(worker.stop)
    collector = Collector(worker)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    yield worker, commands, collector
    worker.stop()
    thread.quit()
    assert thread.wait(10_000)


def _restarts(count: int) -> Comparison:
    preset = get_preset("xor")
    return Comparison(
        preset.network, preset.inputs, preset.targets, preset.config, "restarts", count
    )


def test_a_stop_during_a_chunk_ends_the_run_after_that_chunk(threaded, qtbot):
    worker, commands, collector = threaded
    comparison = _restarts(5)
    gate = ChunkGate(comparison, "advance")
    commands.start.emit(comparison, 10_000_000)
    qtbot.waitUntil(lambda: gate.calls >= 3, timeout=10_000)
    gate.hold()
    assert gate.entered.wait(10), "no chunk ran"
    with qtbot.waitSignal(collector.finished, timeout=10_000):
        worker.stop()  # directly, from this thread, as the view does
        commands.stop.emit()  # and queued
        held_at = gate.calls
        gate.release()
    assert gate.calls == held_at  # not one more chunk
    assert collector.ends == 1 and not collector.errors
    last = collector.results[-1]
    assert 0 < last.iterations_done < 10_000_000
    assert not worker.running


def test_a_failing_chunk_is_reported_in_words_then_finished(threaded, qtbot, caplog):
    _, commands, collector = threaded
    comparison = _restarts(2)

    def broken(count: int) -> None:
        raise RuntimeError("out of paper")

    comparison.advance = broken
    with qtbot.waitSignal(collector.finished, timeout=10_000):
        commands.start.emit(comparison, 100)
    assert collector.errors == [
        "Something went wrong while comparing training runs: a fault inside bpdesk "
        "(an unexpected problem); please report it."
    ]
    assert "RuntimeError: out of paper" in caplog.text  # the details go to the log
    assert collector.ends == 1
    assert collector.results[-1].iterations_done == 0


def test_a_new_start_replaces_the_run_going_on(threaded, qtbot):
    _, commands, collector = threaded
    first, second = _restarts(3), _restarts(2)
    commands.start.emit(first, 10_000_000)
    with qtbot.waitSignal(collector.finished, timeout=20_000):
        commands.start.emit(second, 500)
    assert collector.ends == 1  # the replaced run does not finish on its own
    last = collector.results[-1]
    assert last.iterations_done == 500 and len(last.curves) == 2
