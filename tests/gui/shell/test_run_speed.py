"""A run you can watch: the speed box slows a run to a few steps a second, each step drawn
with all its numbers; full speed runs as fast as before; a slow run is still one undo entry."""

from __future__ import annotations

import math
import time

import pytest

from bpdesk.gui.shell.run_speed import SPEEDS, speed_text


@pytest.fixture
def window(open_window):
    return open_window("lecture")


def test_speed_texts_and_choices():
    assert speed_text(1.0) == "1/s" and speed_text(1000.0) == "1,000/s"
    assert speed_text(math.inf) == "full" and SPEEDS[-1] == math.inf


def test_a_slow_run_shows_every_step_and_is_one_undo_entry(qtbot, window):
    window.run_speed.set_speed(5.0)
    assert window.run_speed.box.currentText() == "5/s"
    started = time.monotonic()
    assert window.run(0)
    qtbot.waitUntil(
        lambda: window.snapshot.running and window.snapshot.iteration >= 3, timeout=5000
    )
    snap = window.snapshot
    assert snap.trace.done == len(snap.trace.ops)  # the whole step, every number
    labels = window.canvas.label_texts()
    assert "out = " in labels["neuron:o1"] and "δ = " in labels["neuron:o1"]
    window.pause()
    qtbot.waitUntil(lambda: not window.snapshot.running, timeout=5000)
    elapsed = time.monotonic() - started
    assert window.snapshot.iteration <= 5 * elapsed + 2  # never faster than the pace
    assert window.request_commands(["back"])
    qtbot.waitUntil(lambda: window.snapshot.iteration == 0, timeout=5000)


def test_full_speed_again_runs_fast(qtbot, window):
    window.run_speed.set_speed(2.0)
    window.run_speed.set_speed(0.0)  # nothing sensible: full speed
    assert window.run_speed.box.currentText() == "full"
    assert window.run(0)
    qtbot.waitUntil(lambda: window.snapshot.iteration >= 500, timeout=10_000)
    window.pause()
    qtbot.waitUntil(lambda: not window.snapshot.running, timeout=5000)


def test_changing_speed_during_a_run(qtbot, window):
    window.run_speed.set_speed(10.0)
    assert window.run(0)
    qtbot.waitUntil(lambda: window.snapshot.iteration >= 2, timeout=5000)
    window.run_speed.set_speed(math.inf)
    qtbot.waitUntil(lambda: window.snapshot.iteration >= 500, timeout=10_000)
    window.run_speed.set_speed(1.0)
    qtbot.wait(300)
    at = window.snapshot.iteration
    qtbot.wait(1200)
    assert window.snapshot.iteration - at <= 3  # slow again at once
    window.pause()
    qtbot.waitUntil(lambda: not window.snapshot.running, timeout=5000)
