"""The live error plot follows the snapshots' error history, reads values out and exports them."""

from __future__ import annotations

import csv
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.plot_buffer import DEFAULT_MAX_POINTS
from bpdesk.core.stepping.snapshot import Snapshot, make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.views import error_plot
from bpdesk.gui.views.error_plot import ErrorPlot

# Showing a window on the offscreen platform makes Qt say it cannot pass size hints on.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


class Feed:
    """Sends snapshots the way the session worker does: only the points added since the last."""

    def __init__(self, stepper: Stepper, plot: ErrorPlot) -> None:
        self.stepper, self.plot = stepper, plot
        self.seq = self.sent = self.sent_epochs = 0

    def push(self, **changes: object) -> Snapshot:
        self.seq += 1
        snap = make_snapshot(
            self.stepper,
            seq=self.seq,
            history_from=self.sent,
            epoch_history_from=self.sent_epochs,
        )
        if changes:
            snap = replace(snap, **changes)
        self.sent = snap.history_start + len(snap.iteration_errors)
        self.sent_epochs = snap.epoch_history_start + len(snap.epoch_errors)
        self.plot.show_snapshot(snap)
        return snap


@pytest.fixture
def plot(qtbot):
    widget = ErrorPlot()
    qtbot.addWidget(widget)
    widget.resize(900, 560)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def lecture():
    return Stepper(get_preset("lecture").trainer())


def _curve(item: pg.PlotDataItem) -> tuple[np.ndarray, np.ndarray]:
    """The full data handed to a curve (not the down-sampled part on screen)."""
    if item.xData is None:
        return np.empty(0), np.empty(0)
    return np.asarray(item.xData), np.asarray(item.yData)


def _errors(stepper: Stepper) -> np.ndarray:
    return stepper.trainer.iteration_errors.values()


def _synthetic(stepper: Stepper, start: int, values, **changes: object) -> Snapshot:
    """A snapshot of ``stepper`` carrying made-up error values (to feed odd numbers)."""
    values = np.asarray(values, dtype=np.float64)
    base = make_snapshot(stepper, seq=1)
    return replace(
        base,
        history_start=start,
        iteration_errors=values,
        epoch_history_start=start,
        epoch_errors=values,
        **changes,
    )


def test_the_curve_is_the_trainers_history_and_follows_step_back(plot, lecture):
    feed = Feed(lecture, plot)
    assert plot.point_count() == 0
    assert plot.last_value_text() == "No iteration finished yet."

    lecture.run(iterations=200)
    feed.push()
    assert plot.point_count() == 200
    x, y = _curve(plot.train_curve)
    np.testing.assert_array_equal(y, _errors(lecture))
    np.testing.assert_array_equal(x, np.arange(1, 201))
    last = format_value(_errors(lecture)[-1])
    assert plot.last_value_text() == f"E in iteration 200, before its update: {last}"

    lecture.run(iterations=300)
    feed.push()
    assert plot.point_count() == 500
    np.testing.assert_array_equal(_curve(plot.train_curve)[1], _errors(lecture))

    lecture.step_phase("forward")  # a step in progress adds no point yet
    feed.push()
    assert plot.point_count() == 500

    lecture.step_back()
    lecture.step_back()  # undoes the 300-iteration run
    snap = feed.push()
    assert snap.history_start == 200 < 500  # what the view must take as a cut back
    assert plot.point_count() == 200
    np.testing.assert_array_equal(_curve(plot.train_curve)[1], _errors(lecture))
    assert plot.last_value_text().startswith("E in iteration 200, before its update: ")

    lecture.run(iterations=50)
    feed.push()
    np.testing.assert_array_equal(_curve(plot.train_curve)[1], _errors(lecture))
    assert plot.point_count() == 250


def test_first_iteration_matches_the_lecture(plot, lecture, lecture_reference):
    lecture.full_step()
    Feed(lecture, plot).push()
    x, y = _curve(plot.train_curve)
    assert x.tolist() == [1.0]
    expected = lecture_reference["forward"]["E_total"]
    assert y[0] == pytest.approx(expected, abs=1e-9)


def test_reset_and_clear_empty_the_plot(plot, lecture):
    feed = Feed(lecture, plot)
    lecture.run(iterations=30)
    feed.push()
    lecture.reset()
    feed.push()
    assert plot.point_count() == 0
    lecture.run(iterations=20)
    feed.push()
    assert plot.point_count() == 20
    plot.clear()
    assert plot.point_count() == 0
    assert _curve(plot.train_curve)[0].size == 0
    assert plot.last_value_text() == "No iteration finished yet."


def test_x_axis_switches_between_iterations_and_epochs(plot, qtbot):
    xor = Stepper(get_preset("xor").trainer())
    xor.set_config(replace(xor.trainer.config, batch_size=1))  # four iterations an epoch
    feed = Feed(xor, plot)
    xor.run(iterations=40)
    feed.push()
    bottom = plot.plot_widget.getPlotItem().getAxis("bottom")
    assert plot.point_count() == 40
    assert bottom.labelText == "iteration"

    plot.set_x_axis("epoch")
    epochs = xor.trainer.epoch_errors.values()
    assert epochs.size == 10
    assert plot.point_count() == 10
    assert bottom.labelText == "epoch"
    np.testing.assert_array_equal(_curve(plot.train_curve)[1], epochs)
    shown = (
        f"E during epoch 10 (mean, each iteration before its update): {format_value(epochs[-1])}"
    )
    assert plot.last_value_text() == shown

    buttons = {b.text(): b for b in plot.findChildren(type(plot._iteration_button))}
    qtbot.mouseClick(buttons["iteration"], Qt.MouseButton.LeftButton)
    assert plot.x_axis() == "iteration"
    assert plot.point_count() == 40
    assert bottom.labelText == "iteration"
    with pytest.raises(ValueError):
        plot.set_x_axis("seconds")


def test_log_scale_toggles_and_survives_zero_and_negative_values(plot, lecture, qtbot):
    item = plot.plot_widget.getPlotItem()
    odd = [0.5, 0.0, -1.0, np.inf, np.nan, 0.1, -np.inf]
    plot.show_snapshot(_synthetic(lecture, 0, odd))
    assert plot.point_count() == len(odd)
    x, y = _curve(plot.train_curve)
    np.testing.assert_array_equal(x, [1, 2, 3, 6])  # finite points only
    np.testing.assert_array_equal(y, [0.5, 0.0, -1.0, 0.1])

    plot.set_log_scale(True)
    assert item.ctrl.logYCheck.isChecked()
    assert item.getAxis("left").logMode
    x, y = _curve(plot.train_curve)
    np.testing.assert_array_equal(x, [1, 6])  # a log axis shows positive values only
    np.testing.assert_array_equal(y, [0.5, 0.1])
    plot.grab()  # drawing on a log axis does not fail

    box = next(b for b in plot.findChildren(type(plot._log_box)) if b.text() == "log scale")
    assert box.isChecked()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert not plot.log_scale()
    assert not item.ctrl.logYCheck.isChecked()
    assert not item.getAxis("left").logMode
    assert _curve(plot.train_curve)[0].size == 4


def test_a_diverging_history_does_not_break_the_plot(plot, lecture):
    values = np.geomspace(0.1, 1e300, 50)
    values = np.concatenate((values, [np.inf, np.nan]))
    plot.show_snapshot(_synthetic(lecture, 0, values, diverged="the error became infinite"))
    plot.set_log_scale(True)
    plot.grab()
    y = _curve(plot.train_curve)[1]
    assert np.isfinite(y).all() and y.size == 50
    assert plot.last_value_text().startswith("E in iteration 52, before its update: not a number")
    assert "diverged" in plot.last_value_text()
    plot.set_x_axis("epoch")
    plot.set_log_scale(False)
    plot.grab()
    assert np.isfinite(_curve(plot.train_curve)[1]).all()


def test_crosshair_reads_the_nearest_value(plot, lecture):
    lecture.run(iterations=500)
    Feed(lecture, plot).push()
    item = plot.plot_widget.getPlotItem()
    item.vb.setRange(xRange=(0, 500), yRange=(0, 0.3), padding=0)
    errors = _errors(lecture)
    scene_pos = item.vb.mapViewToScene(QPointF(123.2, 0.1))
    plot.plot_widget.scene().sigMouseMoved.emit(scene_pos)
    assert (
        plot.readout_text() == f"E in iteration 123, before its update: {format_value(errors[122])}"
    )

    plot.set_log_scale(True)  # the read-out gives the value, not its logarithm
    item.vb.setRange(xRange=(0, 500), yRange=(-3, 0), padding=0)
    plot.plot_widget.scene().sigMouseMoved.emit(item.vb.mapViewToScene(QPointF(400.7, -1)))
    assert (
        plot.readout_text() == f"E in iteration 401, before its update: {format_value(errors[400])}"
    )

    plot.plot_widget.scene().sigMouseMoved.emit(QPointF(-50, -50))  # off the plot
    assert "iteration" not in plot.readout_text()


def test_test_errors_get_a_second_curve_and_a_legend(plot, lecture):
    feed = Feed(lecture, plot)
    lecture.run(iterations=30)
    epochs = lecture.trainer.epoch_errors.values()
    feed.push(test_errors=epochs * 1.5)
    legend = plot.plot_widget.getPlotItem().legend
    assert not legend.isVisible()  # one curve on show in iteration mode
    plot.set_x_axis("epoch")
    assert legend.isVisible()
    assert len(legend.items) == 2
    np.testing.assert_array_equal(_curve(plot.test_curve)[1], epochs * 1.5)
    assert "test set: " in plot.last_value_text()
    lecture.run(iterations=10)
    feed.push(test_errors=lecture.trainer.epoch_errors.values() * 1.5)
    assert _curve(plot.test_curve)[1].size == 40
    feed.push(test_errors=None)
    assert _curve(plot.test_curve)[1].size == 0
    assert not legend.isVisible()


def test_export_csv_holds_the_exact_values(plot, lecture, tmp_path):
    feed = Feed(lecture, plot)
    lecture.run(iterations=250)
    epochs = lecture.trainer.epoch_errors.values()
    tests = epochs[:100] * 2  # a test error for the first 100 epochs only
    feed.push(test_errors=tests)
    path = tmp_path / "errors.csv"
    plot.export_csv(str(path))
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    gap = rows.index([])
    assert rows[0] == ["iteration", "E in the iteration, before its update"]
    iterations = rows[1:gap]
    assert [int(r[0]) for r in iterations] == list(range(1, 251))
    assert np.array_equal([float(r[1]) for r in iterations], _errors(lecture))
    assert rows[gap + 1] == [
        "epoch",
        "mean E over the epoch's iterations, each before its update",
        "E on the test part, after the epoch",
    ]
    block = rows[gap + 2 :]
    assert [int(r[0]) for r in block] == list(range(1, epochs.size + 1))
    assert np.array_equal([float(r[1]) for r in block], epochs)
    assert np.array_equal([float(r[2]) for r in block[:100]], tests)
    assert all(r[2] == "" for r in block[100:])


def test_export_png_writes_the_plot(plot, lecture, tmp_path):
    lecture.run(iterations=300)
    Feed(lecture, plot).push()
    path = tmp_path / "plot.png"
    plot.export_png(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(path))
    widget = plot.plot_widget
    ratio = widget.devicePixelRatioF()
    assert (image.width(), image.height()) == (
        round(widget.width() * ratio),
        round(widget.height() * ratio),
    )
    # the picture is not blank: the curve's blue is in it
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    }
    assert "#0b4f9c" in colours
    with pytest.raises(OSError):
        plot.export_png(str(tmp_path / "missing" / "plot.png"))


def test_export_buttons_ask_for_a_file(plot, lecture, tmp_path, monkeypatch, qtbot):
    lecture.run(iterations=20)
    Feed(lecture, plot).push()
    target = tmp_path / "from-button"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    qtbot.mouseClick(plot._csv_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "from-button.csv").stat().st_size > 0
    qtbot.mouseClick(plot._png_button, Qt.MouseButton.LeftButton)
    assert QImage(str(tmp_path / "from-button.png")).width() > 0


def test_an_export_that_cannot_be_written_is_said_not_raised(plot, tmp_path, monkeypatch, qtbot):
    target = tmp_path / "missing" / "values.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: warnings.append(a[2])))
    qtbot.mouseClick(plot._csv_button, Qt.MouseButton.LeftButton)
    assert len(warnings) == 1 and f"could not be saved to {target}" in warnings[0]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    qtbot.mouseClick(plot._csv_button, Qt.MouseButton.LeftButton)  # cancelled: nothing said
    assert len(warnings) == 1


def test_memory_stays_bounded_on_long_runs(plot, lecture):
    rng = np.random.default_rng(0)
    chunk = 50_000
    total = 0
    for _ in range(10):
        values = rng.random(chunk)
        plot.show_snapshot(_synthetic(lecture, total, values))
        total += chunk
    assert plot.point_count() <= DEFAULT_MAX_POINTS
    x = _curve(plot.train_curve)[0]
    assert x[-1] == total and np.all(np.diff(x) > 0)


def test_a_thousand_points_per_snapshot_is_cheap(plot, lecture):
    """Each snapshot costs at most one bounded redraw: the curve is handed no more than the
    held points, drawn with peak down-sampling and clipped to the view."""
    rng = np.random.default_rng(1)
    plot.show_snapshot(_synthetic(lecture, 0, rng.random(DEFAULT_MAX_POINTS - 10_000)))
    total = DEFAULT_MAX_POINTS - 10_000
    curve = plot.train_curve
    assert curve.opts["autoDownsample"] and curve.opts["downsampleMethod"] == "peak"
    assert curve.opts["clipToView"]
    for _ in range(60):  # one second's worth of snapshots during a run
        plot.show_snapshot(_synthetic(lecture, total, rng.random(1_000)))
        total += 1_000
        assert _curve(curve)[0].size <= DEFAULT_MAX_POINTS
    assert plot.point_count() <= DEFAULT_MAX_POINTS
    assert _curve(curve)[0][-1] == total


def test_a_second_of_running_snapshots_is_drawn_about_ten_times(lecture, qtbot, monkeypatch):
    clock = [100.0]
    widget = ErrorPlot(clock=lambda: clock[0])
    qtbot.addWidget(widget)
    clock[0] += 10.0  # the run starts well after the plot was last drawn
    draws = []
    original = widget.train_curve.setData
    monkeypatch.setattr(
        widget.train_curve, "setData", lambda *a, **k: (draws.append(1), original(*a, **k))
    )
    rng = np.random.default_rng(2)
    total = 0
    for _ in range(60):  # one second's worth of snapshots during a run
        widget.show_snapshot(_synthetic(lecture, total, rng.random(1_000), running=True))
        total += 1_000
        clock[0] += 1 / 60
    assert 1 <= len(draws) <= 1 + round(1.0 / error_plot.REDRAW_INTERVAL)
    qtbot.waitUntil(lambda: _curve(widget.train_curve)[0].size == widget.point_count())
    assert _curve(widget.train_curve)[0][-1] == total  # the last snapshot is never lost


def test_running_snapshots_are_redrawn_at_a_steady_pace(lecture, qtbot):
    clock = [100.0]
    plot = ErrorPlot(clock=lambda: clock[0])
    qtbot.addWidget(plot)
    clock[0] += 10.0  # the run starts well after the plot was last drawn
    feed = Feed(lecture, plot)
    lecture.run(iterations=10)
    feed.push(running=True)  # the first redraw of a run is immediate
    assert _curve(plot.train_curve)[1].size == 10
    lecture.run(iterations=10)
    clock[0] += error_plot.REDRAW_INTERVAL / 4
    feed.push(running=True)  # too soon after: held at once, drawn a moment later
    assert plot.point_count() == 20
    assert _curve(plot.train_curve)[1].size == 10
    qtbot.waitUntil(lambda: _curve(plot.train_curve)[1].size == 20, timeout=2000)
    np.testing.assert_array_equal(_curve(plot.train_curve)[1], _errors(lecture))
    lecture.run(iterations=5)
    feed.push(running=False)  # a snapshot after the run is drawn at once
    assert _curve(plot.train_curve)[1].size == 25


def test_fonts_are_readable_and_scale(plot):
    axis = plot.plot_widget.getPlotItem().getAxis("left")
    assert plot.font().pointSizeF() >= 11
    assert axis.style["tickFont"].pointSizeF() >= 11
    plot.set_font_scale(1.5)
    assert plot.font().pointSizeF() == pytest.approx(1.5 * 12)
    assert axis.style["tickFont"].pointSizeF() == pytest.approx(1.5 * 12)
    plot.set_font_scale(0)  # the one text-size rule: 75 % to 300 %
    assert plot.font().pointSizeF() == pytest.approx(0.75 * 12)
    plot.set_font_scale(5)
    assert axis.style["tickFont"].pointSizeF() == pytest.approx(3.0 * 12)
    with pytest.raises(ValueError):
        plot.set_font_scale(float("nan"))
