"""The landscape view while a landscape is computed: progress bar and Cancel after half a
second, the round trip through the map jobs, and Cancel stopping the work."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.teaching.landscape import error_grid
from bpdesk.gui.tools.landscape_view import LandscapeView
from bpdesk.gui.tools.landscape_view import view as view_module
from bpdesk.gui.workers import map_jobs
from bpdesk.gui.workers.map_jobs import MapJobs
from tests.gui.workers.gate import ChunkGate


@pytest.fixture
def view(qtbot):
    widget = LandscapeView()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    return widget


@pytest.fixture
def wired(qtbot, view):
    """The view and the map jobs connected as the Teach menu connects them."""
    jobs = MapJobs()
    snapshots = {}

    def request(first, second, span, size):
        jobs.landscape(snapshots["now"], first, second, span, size)

    view.landscape_requested.connect(request)
    view.cancel_requested.connect(jobs.cancel_landscape)
    jobs.landscape_ready.connect(view.show_landscape)
    jobs.landscape_progress.connect(view.show_progress)
    jobs.landscape_cancelled.connect(view.landscape_cancelled)

    def show(preset):
        snapshots["now"] = make_snapshot(open_source(preset), seq=1)
        view.show_snapshot(snapshots["now"])

    yield view, jobs, show
    jobs.shutdown()


def test_a_quick_landscape_never_shows_the_progress_bar(qtbot, wired):
    view, _, show = wired
    show("lecture")
    view.set_grid(1.0, 21)
    view.request_landscape()
    assert view.is_computing() and "Computing" in view.message()
    qtbot.waitUntil(lambda: not view.is_computing(), timeout=10000)
    assert not view.progress_shown()
    assert view.contour_count() > 0 and "Lowest grid point" in view.message()
    qtbot.wait(view_module.BUSY_AFTER_MS + 100)
    assert not view.progress_shown()  # the timer was stopped with the result


def test_a_long_landscape_shows_progress_then_its_map(qtbot, wired, monkeypatch):
    view, _, show = wired
    view._busy_timer.setInterval(0)  # shown at once instead of after half a second
    monkeypatch.setattr(map_jobs, "PROGRESS_INTERVAL", 0.0)  # a report after every chunk
    gates = gate_every_grid(monkeypatch)
    show("spirals")
    view.set_parameters("w5", "w6")  # in the first layer: slow enough to catch half-way
    view.set_grid(2.0, 41)
    view.request_landscape()
    qtbot.waitUntil(lambda: bool(gates), timeout=10000)
    qtbot.waitUntil(lambda: view.progress_value()[0] > 0, timeout=10000)
    gates[0].hold()
    assert gates[0].entered.wait(10)  # the computation waits half-way
    qtbot.wait(50)
    assert view.progress_shown() and not view._cancel.isHidden()
    done, total = view.progress_value()
    assert 0 < done < total == 41 * 41
    gates[0].release()
    qtbot.waitUntil(lambda: not view.is_computing(), timeout=30000)
    assert not view.progress_shown() and view.contour_count() > 0
    trainer = open_source("spirals").trainer
    net, x, t = trainer.network, trainer.inputs, trainer.targets
    expected = error_grid(net, x, t, "w5", "w6", span=2.0, size=41)
    np.testing.assert_array_equal(view._landscape.errors, expected.errors)


def gate_every_grid(monkeypatch) -> list[ChunkGate]:
    """A gate on each grid's ``advance`` (called once a chunk, on the worker's thread)."""
    gates: list[ChunkGate] = []
    make = map_jobs.landscape_run

    def gated(*args):
        grid = make(*args)
        gates.append(ChunkGate(grid, "advance"))
        return grid

    monkeypatch.setattr(map_jobs, "landscape_run", gated)
    return gates


def test_cancel_stops_the_digits_landscape_and_leaves_the_view_as_it_was(qtbot, wired, monkeypatch):
    view, jobs, show = wired
    gates = gate_every_grid(monkeypatch)
    show("digits")
    view.set_grid(2.0, 61)
    view.request_landscape()
    qtbot.waitUntil(lambda: bool(gates), timeout=10000)
    gates[0].hold()  # however fast the machine, the computation is still going at ½ s
    assert gates[0].entered.wait(10)
    assert not view.progress_shown()
    qtbot.waitUntil(view.progress_shown, timeout=5000)
    calls = gates[0].calls
    cancelled = []
    jobs.landscape_cancelled.connect(lambda: cancelled.append(True))
    qtbot.mouseClick(view._cancel, Qt.MouseButton.LeftButton)
    assert not view.is_computing() and not view.progress_shown()
    assert "Cancelled" in view.message()
    gates[0].release()
    qtbot.waitUntil(lambda: bool(cancelled), timeout=10000)
    qtbot.wait(50)
    assert gates[0].calls == calls  # the worker stopped after the chunk it was in
    assert not jobs.landscape_pending
    assert view._landscape is None and view.contour_count() == 0


def test_a_landscape_arriving_after_cancel_is_not_drawn(qtbot, view):
    show = make_snapshot(open_source("lecture"), seq=1)
    view.show_snapshot(show)
    asked = []
    view.landscape_requested.connect(lambda *args: asked.append(args))
    view.request_landscape()
    view.cancel()
    trainer = open_source("lecture").trainer
    late = error_grid(trainer.network, trainer.inputs, trainer.targets, "w5", "w6", size=21)
    view.show_landscape(late)  # nobody stopped the computation: its result is dropped
    assert view._landscape is None and "Cancelled" in view.message()
    view.request_landscape()  # asked again: this one is drawn
    view.show_landscape(late)
    assert view._landscape is late and len(asked) == 2


def test_a_stopped_computation_says_so(qtbot, view):
    view.show_snapshot(make_snapshot(open_source("lecture"), seq=1))
    view.request_landscape()
    view.landscape_cancelled()
    assert not view.is_computing() and "not computed" in view.message()
