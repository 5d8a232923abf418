"""The error plot's axes follow a growing curve in steps: they hold the whole curve, move
rarely during a run, stop following when the person pans, and follow again on request."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.gui.views.error_plot import ErrorPlot
from bpdesk.gui.views.plot_range import next_nice, x_range, y_range


@pytest.mark.parametrize(
    ("value", "nice"),
    [(1.0, 1.0), (1.01, 2.0), (3.0, 5.0), (7.5, 10.0), (0.003, 0.005), (1234.0, 2000.0)],
)
def test_next_nice_is_one_two_or_five_times_a_power_of_ten(value, nice):
    assert next_nice(value) == pytest.approx(nice)


def test_the_x_range_holds_the_newest_point_and_stays_while_it_fits():
    first = x_range(37.0, None)
    assert first == (0.0, 50.0)
    assert x_range(45.0, first) is None  # still inside
    assert x_range(49.9, first) == (0.0, 100.0)  # too close to the edge: the next step
    assert x_range(3.0, (0.0, 100.0)) == (0.0, 5.0)  # cut back: far too wide


def test_the_y_range_holds_every_value_and_tightens_when_they_fill_little_of_it():
    values = np.array([0.3, 0.2, 0.25])
    first = y_range(values, None, floor=0.0)
    assert first is not None and first[0] <= 0.2 and first[1] >= 0.3
    assert first[0] >= 0.0  # an error axis does not reach below zero
    assert y_range(values, first, floor=0.0) is None
    lower = np.array([0.3, 0.2, 0.01])
    second = y_range(lower, first, floor=0.0)
    assert second is not None and second[0] <= 0.01
    tiny = np.array([0.011, 0.012])
    third = y_range(tiny, (0.0, 0.4))  # fills 0.25 % of the range
    assert third is not None and third[1] - third[0] < 0.01
    flat = y_range(np.array([0.5, 0.5]), None)
    assert flat is not None and flat[0] < 0.5 < flat[1]
    assert y_range(np.empty(0), None) is None


def _feed(plot: ErrorPlot, steps: int, per_frame: int, running: bool = True) -> int:
    """Frames of a lecture run as the window hands them over; the range changes counted."""
    stepper = open_source("lecture")
    box = plot.plot_widget.getPlotItem().getViewBox()
    changes = [0]
    box.sigRangeChanged.connect(lambda *_: changes.__setitem__(0, changes[0] + 1))
    sent = 0
    for seq in range(1, steps + 1):
        stepper.trainer.run(iterations=per_frame)
        plot.show_snapshot(make_snapshot(stepper, seq=seq, running=False, history_from=sent))
        sent = len(stepper.trainer.iteration_errors)
    return changes[0]


def _shown(plot: ErrorPlot) -> tuple[tuple[float, float], tuple[float, float]]:
    (x0, x1), (y0, y1) = plot.plot_widget.getPlotItem().getViewBox().viewRange()
    return (x0, x1), (y0, y1)


def test_the_axes_hold_the_curve_and_move_a_few_times_over_a_long_run(qtbot):
    plot = ErrorPlot()
    qtbot.addWidget(plot)
    changes = _feed(plot, steps=300, per_frame=50)
    (x0, x1), (y0, y1) = _shown(plot)
    x, y = plot.train_curve.getData()
    assert x0 <= 1 and x1 >= x[-1]
    assert y0 <= np.nanmin(y) and y1 >= np.nanmax(y)
    assert changes <= 40  # 300 frames: pyqtgraph's auto-range would move them every frame


def test_panning_stops_the_following_and_auto_range_brings_it_back(qtbot):
    plot = ErrorPlot()
    qtbot.addWidget(plot)
    _feed(plot, steps=5, per_frame=10)
    box = plot.plot_widget.getPlotItem().getViewBox()
    box.translateBy(x=-1000.0)  # as a drag does
    box.sigRangeChangedManually.emit(box.state["mouseEnabled"])
    panned = _shown(plot)
    _feed(plot, steps=5, per_frame=10)
    assert _shown(plot) == panned  # the person's view is left alone
    box.enableAutoRange()  # the plot's "A" button
    _feed(plot, steps=1, per_frame=10)
    (x0, x1), _ = _shown(plot)
    x, _ = plot.train_curve.getData()
    assert x0 <= 1 and x1 >= x[-1]


def test_the_log_axis_is_set_in_decades(qtbot):
    plot = ErrorPlot()
    qtbot.addWidget(plot)
    _feed(plot, steps=20, per_frame=100)
    plot.set_log_scale(True)
    _, (y0, y1) = _shown(plot)
    y = plot._shown_y  # the errors drawn, in their own units
    assert y.size and y.min() > 0
    assert y0 <= math.log10(y.min()) and y1 >= math.log10(y.max())
    assert y1 < 1.0  # log10 units, not the linear range
