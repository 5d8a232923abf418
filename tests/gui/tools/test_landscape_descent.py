"""The landscape's descent paths through the real window: the simultaneous and the incorrect
update from one start, a range that follows the weights, and the 3-D surface under Xvfb."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bpdesk.app import create_window
from bpdesk.core.engine.network import Network
from bpdesk.core.teaching.descent import MAX_SPAN, MIN_SPAN, PathPlan, descent_path

TIMEOUT = 20000
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window("lecture", restore_layout=False)
    qtbot.addWidget(win)
    win.resize(1600, 900)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=TIMEOUT)
    win.teaching.landscape_dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: win.teaching._landscape is not None, timeout=TIMEOUT)
    yield win
    win.shutdown()


def compute(qtbot, window):
    view = window.teaching.landscape
    drawn = []
    original = view.show_landscape
    view.show_landscape = lambda grid: (drawn.append(grid), original(grid))
    view.request_landscape()
    qtbot.waitUntil(lambda: bool(drawn) and not view.is_computing(), timeout=TIMEOUT)
    view.show_landscape = original
    return view, drawn[-1]


def network_of(window) -> Network:
    return Network.from_values(window.snapshot.spec, window.snapshot.values)


def test_both_updates_start_at_zero_and_the_map_holds_them(qtbot, window):
    view, grid = compute(qtbot, window)
    snapshot = window.snapshot
    assert (grid.first, grid.second) == ("b2", "w5")
    assert grid.centre == (snapshot.values["b2"], snapshot.values["w5"])
    centre = grid.errors[grid.ys.size // 2, grid.xs.size // 2]
    assert centre == pytest.approx(network_of(window).error(snapshot.inputs, snapshot.targets))
    net = network_of(window)
    for order, item in (
        ("simultaneous", view._map.simultaneous_item),
        ("sequential", view._map.sequential_item),
    ):
        path = grid.path(order)
        expected = descent_path(
            net, snapshot.inputs, snapshot.targets, ("b2", "w5"), (0, 0), 10.0, 40, order
        )
        np.testing.assert_allclose(path, expected)
        xs, ys = item.getData()
        np.testing.assert_allclose(np.column_stack([xs, ys]), path)  # drawn as computed
        assert grid.xs[0] <= path[:, 0].min() and path[:, 0].max() <= grid.xs[-1]
        assert grid.ys[0] <= path[:, 1].min() and path[:, 1].max() <= grid.ys[-1]
    gap = np.abs(grid.path("simultaneous") - grid.path("sequential")).max()
    assert gap > 0.05  # the incorrect update really goes elsewhere
    text = view.message()
    assert "Simultaneous update" in text and "Incorrect update" in text and "α = 10" in text
    assert "holds the biases fixed" in text  # the lecture does not train b2
    assert view._span.value() == pytest.approx(grid.xs[-1] - grid.centre[0], abs=0.01)
    assert not view._span.isEnabled()  # worked out while the range follows the weights


def test_paths_from_the_current_weights_and_a_fixed_range(qtbot, window):
    view = window.teaching.landscape
    view.set_paths("current", 2.0, 5, follow=False)
    view.set_grid(0.75, 21)
    assert view._span.isEnabled()
    _, grid = compute(qtbot, window)
    assert tuple(grid.path("simultaneous")[0]) == grid.centre
    assert grid.xs[-1] - grid.centre[0] == pytest.approx(0.75)


def test_a_rate_that_runs_off_is_said_and_the_range_stays_bounded(qtbot, window):
    view = window.teaching.landscape
    view.set_paths("zero", 1000.0, 200)
    _, grid = compute(qtbot, window)
    assert np.isfinite(grid.errors).any()
    assert grid.xs[-1] - grid.centre[0] <= MAX_SPAN + 1e-9
    assert view.contour_count() > 0


def test_the_range_follows_the_weights_once_they_leave_the_map(qtbot, window):
    view = window.teaching.landscape
    view.set_paths("current", 0.001, 1)  # a map just around the weights: ± MIN_SPAN
    _, first = compute(qtbot, window)
    assert first.xs[-1] - first.centre[0] == pytest.approx(MIN_SPAN)
    drawn = []
    original = view.show_landscape
    view.show_landscape = lambda grid: (drawn.append(grid), original(grid))
    assert window.run_iterations(400)
    qtbot.waitUntil(
        lambda: window.snapshot.iteration >= 400 and not window.snapshot.running, timeout=TIMEOUT
    )
    w5 = window.snapshot.values["w5"]
    assert not first.ys[0] <= w5 <= first.ys[-1]  # it left the first map
    qtbot.waitUntil(lambda: bool(drawn) and not view.is_computing(), timeout=TIMEOUT)
    grid = drawn[-1]
    assert grid.centre[1] == pytest.approx(w5)
    assert grid.ys[0] <= first.centre[1] <= grid.ys[-1]  # and it reaches back to the start


def test_the_plan_carries_the_seen_path(qtbot, window):
    view, _ = compute(qtbot, window)
    plan = view.descent_plan()
    assert isinstance(plan, PathPlan) and plan.seen.shape[1] == 2
    assert plan.start == "zero" and plan.follow


@pytest.mark.xvfb
def test_the_surface_draws_under_a_real_x_server(tmp_path):
    runner = shutil.which("xvfb-run")
    if runner is None:
        pytest.skip("xvfb-run is missing (apt-get install xvfb xauth)")
    out = tmp_path / "surface.png"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env |= {"BPDESK_SETTINGS_DIR": str(tmp_path), "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run(
        [runner, "-a", "-s", "-screen 0 1920x1080x24", sys.executable, "-m",
         "tests.gui.tools.surface_probe", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["has_3d"], seen
    assert "Across: b2" in seen["caption"]
    assert seen["floating"] and seen["size"][1] >= 520  # large enough for a projector
    assert seen["colours"] > 50  # a drawn, shaded surface, not an empty frame
    assert {"b2", "w5", "error E"} <= set(seen["labels"])
    assert seen["descents"] == 2
    assert "Error while drawing" not in result.stderr  # a new context after floating is fine
