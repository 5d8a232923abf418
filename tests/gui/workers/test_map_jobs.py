"""The map jobs: the error landscape on its own thread in chunks, with progress, Cancel and
replacement; the decision map in the pool; nothing arrives after shutdown."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import QThread

from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.teaching import landscape as core_landscape
from bpdesk.core.teaching.landscape import error_grid
from bpdesk.gui.workers import map_jobs
from bpdesk.gui.workers.map_jobs import MapJobs
from tests.gui.workers.gate import ChunkGate


class Received:
    """Everything the jobs send, in order, on the test's (GUI) thread."""

    def __init__(self, jobs: MapJobs) -> None:
        self.events: list[tuple[str, object]] = []
        jobs.landscape_ready.connect(lambda grid: self.events.append(("ready", grid)))
        jobs.landscape_progress.connect(lambda d, t: self.events.append(("progress", (d, t))))
        jobs.landscape_cancelled.connect(lambda: self.events.append(("cancelled", None)))
        jobs.map_ready.connect(lambda snap: self.events.append(("map", snap)))
        jobs.failed.connect(lambda what, why: self.events.append(("failed", (what, why))))

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.events]

    def of(self, kind: str) -> list[object]:
        return [value for k, value in self.events if k == kind]


@pytest.fixture
def jobs(qtbot):
    made = MapJobs()
    yield made
    made.shutdown()


def snapshot_of(preset: str):
    return make_snapshot(open_source(preset), seq=1)


def gated_runs(monkeypatch) -> list[ChunkGate]:
    """Every grid the worker builds gets a gate on its ``advance`` (one call per chunk)."""
    gates: list[ChunkGate] = []
    make = map_jobs.landscape_run

    def run(*args, **kwargs):
        grid = make(*args, **kwargs)
        gates.append(ChunkGate(grid, "advance"))
        return grid

    monkeypatch.setattr(map_jobs, "landscape_run", run)
    return gates


def test_the_landscape_comes_back_computed_on_another_thread(qtbot, jobs, monkeypatch):
    trainer = open_source("lecture").trainer
    expected = error_grid(trainer.network, trainer.inputs, trainer.targets, "w5", "w6", size=21)
    threads: list[int] = []
    advance = core_landscape.GridRun.advance

    def recording(self, count):
        threads.append(threading.get_ident())
        return advance(self, count)

    monkeypatch.setattr(core_landscape.GridRun, "advance", recording)
    received = Received(jobs)
    snapshot = snapshot_of("lecture")
    jobs.landscape(snapshot, "w5", "w6", 1.0, 21)
    assert jobs.landscape_pending
    qtbot.waitUntil(lambda: "ready" in received.kinds(), timeout=10000)
    grid = received.of("ready")[0]
    np.testing.assert_array_equal(grid.errors, expected.errors)
    assert threads and threading.get_ident() not in threads
    assert jobs.landscape_thread is not None
    assert jobs.landscape_thread is not QThread.currentThread()
    assert not jobs.landscape_pending


def test_progress_is_reported_while_the_grid_is_computed(qtbot, jobs, monkeypatch):
    monkeypatch.setattr(map_jobs, "PROGRESS_INTERVAL", 0.0)  # a report after every chunk
    received = Received(jobs)
    jobs.landscape(snapshot_of("spirals"), "w5", "w6", 2.0, 31)
    qtbot.waitUntil(lambda: "ready" in received.kinds(), timeout=30000)
    reports = received.of("progress")
    assert len(reports) >= 2  # chunks start at one point and grow: several reports
    done = [d for d, _ in reports]
    assert done == sorted(done) and all(t == 31 * 31 for _, t in reports)
    assert 0 < done[0] < 31 * 31
    assert received.kinds()[-1] == "ready" and not np.isnan(received.of("ready")[0].errors).any()


def test_cancel_stops_after_the_chunk_in_progress(qtbot, jobs, monkeypatch):
    gates = gated_runs(monkeypatch)
    received = Received(jobs)
    jobs.landscape(snapshot_of("spirals"), "w5", "w6", 2.0, 61)
    qtbot.waitUntil(lambda: bool(gates), timeout=10000)
    gate = gates[0]
    gate.hold()
    assert gate.entered.wait(10)  # a chunk is surely under way
    jobs.cancel_landscape()
    calls = gate.calls
    gate.release()
    qtbot.waitUntil(lambda: "cancelled" in received.kinds(), timeout=10000)
    qtbot.wait(100)
    assert gate.calls == calls  # no chunk after the one in progress
    assert "ready" not in received.kinds()
    assert not jobs.landscape_pending


def test_cancel_before_the_first_chunk_still_cancels(qtbot, jobs):
    received = Received(jobs)
    jobs.landscape(snapshot_of("digits"), "w5", "w6", 2.0, 61)
    jobs.cancel_landscape()  # before the worker has even started
    qtbot.waitUntil(lambda: "cancelled" in received.kinds(), timeout=10000)
    qtbot.wait(100)
    assert "ready" not in received.kinds()


def test_a_new_request_replaces_the_one_under_way(qtbot, jobs, monkeypatch):
    gates = gated_runs(monkeypatch)
    received = Received(jobs)
    jobs.landscape(snapshot_of("spirals"), "w5", "w6", 2.0, 61)
    qtbot.waitUntil(lambda: bool(gates), timeout=10000)
    gates[0].hold()
    assert gates[0].entered.wait(10)
    jobs.landscape(snapshot_of("lecture"), "w1", "w8", 1.0, 11)
    gates[0].release()
    qtbot.waitUntil(lambda: "ready" in received.kinds(), timeout=10000)
    qtbot.wait(100)
    ready = received.of("ready")
    assert len(ready) == 1 and (ready[0].first, ready[0].second) == ("w1", "w8")
    assert "cancelled" not in received.kinds()  # the replaced one goes quietly


def test_a_refused_landscape_is_said_in_words(qtbot, jobs):
    received = Received(jobs)
    jobs.landscape(snapshot_of("lecture"), "w5", "w5", 1.0, 11)
    qtbot.waitUntil(lambda: "cancelled" in received.kinds(), timeout=10000)
    what, why = received.of("failed")[0]
    assert what == "error landscape"
    assert "two different parameters" in why and "Error" not in why


def test_the_decision_map_still_comes_from_the_pool(qtbot, jobs):
    received = Received(jobs)
    jobs.decision_map(snapshot_of("xor"))
    qtbot.waitUntil(lambda: "map" in received.kinds(), timeout=10000)
    xs, ys, maps = received.of("map")[0].decision_map
    assert len(xs) == len(ys) == map_jobs.MAP_SIZE
    assert maps[-1].shape == (map_jobs.MAP_SIZE, map_jobs.MAP_SIZE, 1)


def test_nothing_arrives_after_shutdown(qtbot, monkeypatch):
    gates = gated_runs(monkeypatch)
    jobs = MapJobs()
    received = Received(jobs)
    jobs.landscape(snapshot_of("spirals"), "w5", "w6", 2.0, 61)
    qtbot.waitUntil(lambda: bool(gates), timeout=10000)
    thread = jobs.landscape_thread
    jobs.shutdown()  # stops after the chunk in progress and waits for the thread
    assert thread is not None and thread.isFinished()
    assert jobs.pool._shutdown
    qtbot.wait(100)
    assert received.events == [] or received.kinds() == ["progress"] * len(received.events)
    jobs.landscape(snapshot_of("lecture"), "w5", "w6", 1.0, 11)  # refused quietly
    qtbot.wait(100)
    assert "ready" not in received.kinds()
