"""During a run the canvas restrokes its links at most every RUN_LINK_INTERVAL seconds (they are
the dearest part of a redraw), without antialiasing; outside a run, and once the interval has
passed, they follow the weights, smooth again at the end of the run."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.gui.views.canvas import view as canvas_view
from bpdesk.gui.views.canvas.view import NetworkCanvas


def _widths(canvas: NetworkCanvas) -> list[np.ndarray]:
    return [bundle.widths.copy() for bundle in canvas._parts.bundles]


def test_links_follow_the_weights_now_and_then_during_a_run(qtbot, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(canvas_view.time, "monotonic", lambda: now[0])
    canvas = NetworkCanvas()
    qtbot.addWidget(canvas)
    stepper = open_source("lecture")
    first = make_snapshot(stepper, seq=1)
    canvas.show_snapshot(first)
    before = _widths(canvas)
    grown = dict(first.values, w1=5.0, w6=-5.0)  # two links become the thickest
    running = replace(first, seq=2, values=grown, running=True)
    now[0] += 0.2
    canvas.show_snapshot(running)
    canvas._throttle.draw_now()
    assert all(np.array_equal(a, b) for a, b in zip(_widths(canvas), before, strict=True))
    now[0] += canvas_view.RUN_LINK_INTERVAL
    canvas.show_snapshot(replace(running, seq=3))
    canvas._throttle.draw_now()
    assert not all(np.array_equal(a, b) for a, b in zip(_widths(canvas), before, strict=True))
    assert not any(bundle.smooth for bundle in canvas._parts.bundles)
    canvas.show_snapshot(replace(running, seq=4, running=False))  # the end of the run
    assert all(bundle.smooth for bundle in canvas._parts.bundles)


def test_outside_a_run_links_follow_every_snapshot(qtbot, monkeypatch):
    monkeypatch.setattr(canvas_view.time, "monotonic", lambda: 5.0)  # time stands still
    canvas = NetworkCanvas()
    qtbot.addWidget(canvas)
    first = make_snapshot(open_source("lecture"), seq=1)
    canvas.show_snapshot(first)
    before = _widths(canvas)
    canvas.show_snapshot(replace(first, seq=2, values=dict(first.values, w1=5.0)))
    assert not all(np.array_equal(a, b) for a, b in zip(_widths(canvas), before, strict=True))
