"""Side-by-side runs on screen: the worker thread, its stop, and the overlaid curves."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import format_value
from bpdesk.core.plain_words import internal_reason
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.comparison import Comparison
from bpdesk.core.teaching.comparison_lessons import (
    ERROR_FLOOR,
    demonstration,
    minima,
    plot_ceiling,
)
from bpdesk.gui.tools.comparison_view import COLOURS, ComparisonView
from bpdesk.gui.tools.comparison_view import view as view_module
from bpdesk.gui.tools.comparison_view.plots import thin
from bpdesk.gui.workers import comparison_worker
from bpdesk.gui.workers.comparison_worker import ComparisonWorker

RATES = "0.01, 0.5, 5, 50"


def _snapshot(trainer: Trainer):
    return make_snapshot(Stepper(trainer), seq=1)


def _xor_snapshot(**changes):
    preset = get_preset("xor")
    config = replace(preset.config, **changes)
    return _snapshot(Trainer(preset.network.copy(), preset.inputs, preset.targets, config))


def _diverging_snapshot():
    """A tanh–linear network on XOR whose error blows up for a large η."""
    spec = NetworkSpec.build([2, 3, 1], ["tanh", "linear"], loss="mse")
    inputs = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    targets = np.array([[0.0], [1.0], [1.0], [0.0]])
    network = initialize(spec, "xavier", seed=1)
    return _snapshot(Trainer(network, inputs, targets, TrainConfig(eta=0.1, batch_size=4)))


def _run(view, qtbot, timeout=20_000):
    view.start()
    assert view.is_running()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=timeout)


@pytest.fixture
def view(qtbot):
    widget = ComparisonView()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.set_source("current")  # these tests compare the session's own network
    yield widget
    widget.shutdown()


# ---------------------------------------------------------------- the worker
class Commands(QObject):
    """Stands in for the view: its signals reach the worker queued, across threads."""

    start = Signal(object, int)
    stop = Signal()


class Collector(QObject):
    """Receives the worker's reports on the test's thread (a queued hop, as in the view)
    and passes them on from there, where the test waits for them."""

    progress = Signal(object)
    finished = Signal()

    def __init__(self, worker: ComparisonWorker) -> None:
        super().__init__()
        self.results: list = []
        self.times: list[float] = []
        self.errors: list[str] = []
        # Stamped on the worker's thread as each report leaves, not when it is received
        # (a busy test thread would bunch receptions up).
        worker.progress.connect(
            lambda _result: self.times.append(time.perf_counter()),
            Qt.ConnectionType.DirectConnection,
        )
        worker.progress.connect(self.on_progress)
        worker.errored.connect(self.on_error)
        worker.finished.connect(self.on_finished)

    @Slot(object)
    def on_progress(self, result) -> None:
        self.results.append(result)
        self.progress.emit(result)

    @Slot(str)
    def on_error(self, message: str) -> None:
        self.errors.append(message)

    @Slot()
    def on_finished(self) -> None:
        self.finished.emit()


@pytest.fixture
def threaded(qtbot):
    thread = QThread()
    worker = ComparisonWorker()
    worker.moveToThread(thread)
    commands = Commands()
    commands.start.connect(worker.start)
    commands.stop.connect(worker.stop)
    collector = Collector(worker)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    yield commands, collector
    worker.stop()
    thread.quit()
    assert thread.wait(5000)


def _xor_comparison(kind="eta", options=None):
    preset = get_preset("xor")
    return Comparison(preset.network, preset.inputs, preset.targets, preset.config, kind, options)


def test_worker_runs_to_the_end_and_reports_copies(threaded, qtbot):
    commands, collector = threaded
    comparison = _xor_comparison("eta", (0.5, 5.0))
    with qtbot.waitSignal(collector.finished, timeout=20_000):
        commands.start.emit(comparison, 3000)
    last = collector.results[-1]
    assert last.iterations_done == 3000
    assert [curve.size for curve in last.curves] == [3000, 3000]
    alone = _xor_comparison("eta", (0.5, 5.0))
    alone.advance(3000)
    for shown, exact in zip(last.curves, alone.curves(), strict=True):
        np.testing.assert_allclose(shown, exact, rtol=1e-12)
    assert not last.curves[0].flags.writeable
    assert all(r.iterations_done <= last.iterations_done for r in collector.results)


def test_worker_reports_at_most_about_twenty_times_a_second(threaded, qtbot):
    commands, collector = threaded
    comparison = _xor_comparison("restarts", 20)
    commands.start.emit(comparison, 10_000_000)
    qtbot.wait(700)
    with qtbot.waitSignal(collector.finished, timeout=2000):
        commands.stop.emit()
    span = collector.times[-1] - collector.times[0]
    assert len(collector.results) >= 3
    assert len(collector.results) <= span / comparison_worker.PROGRESS_INTERVAL + 3


class Recording(Comparison):
    """A comparison that notes the size of every chunk it is asked to advance."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.chunks: list[int] = []
        self.before_chunk = lambda number: None  # called with the chunk's number (1, 2, …)

    def advance(self, iterations: int) -> None:
        self.chunks.append(iterations)
        self.before_chunk(len(self.chunks))
        super().advance(iterations)


def test_worker_stops_after_the_chunk_in_progress(threaded, qtbot):
    commands, collector = threaded
    preset = get_preset("xor")
    comparison = Recording(
        preset.network, preset.inputs, preset.targets, preset.config, "restarts", 50
    )
    stop_in = 6  # a chunk well after the first, once chunks have grown

    def stop_during(number: int) -> None:
        if number == stop_in:
            commands.stop.emit()  # Stop pressed while this chunk is being computed

    comparison.before_chunk = stop_during
    with qtbot.waitSignal(collector.finished, timeout=20_000):
        commands.start.emit(comparison, 10_000_000)
    assert len(comparison.chunks) == stop_in  # no chunk was begun after the stop
    done = collector.results[-1].iterations_done
    assert done == sum(comparison.chunks)
    assert 0 < done < 10_000_000


class Failing:
    """A comparison whose training breaks down."""

    def advance(self, iterations: int) -> None:
        raise FloatingPointError("overflow in the stacked update")

    def result(self) -> str:
        return "the last picture"


def test_worker_says_in_words_when_a_run_fails(threaded, qtbot):
    commands, collector = threaded
    with qtbot.waitSignal(collector.finished, timeout=5000):
        commands.start.emit(Failing(), 10)
    assert len(collector.errors) == 1
    assert "comparing training runs" in collector.errors[0]
    assert internal_reason(FloatingPointError("overflow")) in collector.errors[0]
    assert "FloatingPointError" not in collector.errors[0]


# ---------------------------------------------------------------- the view
def test_learning_rates_overlay_four_curves_with_their_legend(view, qtbot):
    view.show_snapshot(_xor_snapshot())
    view.set_kind("eta", RATES)
    view.set_run_length(300)
    _run(view, qtbot)
    assert view.curve_count() == 4
    assert view.legend_texts() == ["η = 0.01", "η = 0.5", "η = 5", "η = 50"]
    assert view.result().iterations_done == 300
    pens = [curve.opts["pen"] for curve in view._plots.curves]
    assert len({(p.color().name(), p.style()) for p in pens}) == 4
    assert len({p.style() for p in pens}) == 4  # told apart without colour too
    assert {p.color().name().lower() for p in pens} <= {c.lower() for c in COLOURS}
    assert view.plot_widget.getPlotItem().ctrl.logYCheck.isChecked()  # log scale by default
    assert "Stopped" not in view.status_text()
    assert "η = 0.5" in view.status_text()
    assert not view.histogram_visible()


def test_curves_on_the_plot_are_the_runs_exact_errors(view, qtbot):
    view.show_snapshot(_xor_snapshot())
    view.set_kind("eta", "0.5, 5")
    view.set_run_length(120)
    _run(view, qtbot)
    exact = _xor_comparison("eta", (0.5, 5.0))
    exact.advance(120)
    for curve, values in zip(view._plots.curves, exact.curves(), strict=True):
        x, y = curve.getOriginalDataset()
        np.testing.assert_array_equal(x, np.arange(1, 121))
        np.testing.assert_allclose(y, values, rtol=1e-12)


def test_a_diverged_run_is_marked_in_the_legend(view, qtbot):
    view.show_snapshot(_diverging_snapshot())
    view.set_kind("eta", "0.1, 1000")
    view.set_run_length(300)
    _run(view, qtbot)
    assert view.legend_texts() == ["η = 0.1", "η = 1000 (diverged)"]
    blown = view._plots.curves[1].getOriginalDataset()[0]
    assert 0 < blown.size < 300
    ex, _ = view._plots.ends[1].getData()
    assert ex[0] == blown[-1]  # the cross sits where the curve stops
    stopped_at = view.result().curves[1].size + 1
    assert f"η = 1000 diverged at iteration {stopped_at}" in view.status_text()


def test_restarts_show_a_histogram_of_every_final_error(view, qtbot):
    view.show_snapshot(_xor_snapshot())
    view.set_kind("restarts", "8")
    view.set_run_length(200)
    _run(view, qtbot)
    assert view.histogram_visible()
    counts = view.histogram_counts()
    assert counts.sum() == 8
    assert view.curve_count() == 8
    # 200 iterations leave every restart on XOR's plateau at E ≈ 0.125 (all outputs ≈ ½)
    finals = view.result().final_errors
    assert np.all(np.abs(finals - 0.125) < 0.01)
    assert "All 8 restarts end near the same error" in view.status_text()
    middle = format_value(float(np.median(finals)), 6)
    assert view.legend_texts() == [f"8 of 8: E ≈ {middle}"]


def test_epochs_count_whole_passes_over_the_data(view, qtbot):
    view.show_snapshot(_xor_snapshot(batch_size=1))
    view.set_kind("order")
    view.set_run_length(3, "epochs")
    _run(view, qtbot)
    samples = get_preset("xor").inputs.shape[0]
    assert view.result().iterations_done == 3 * samples
    assert view.legend_texts() == ["simultaneous", "sequential"]


def test_stop_button_stops_the_runs_within_the_chunk_in_progress(view, qtbot, monkeypatch):
    made: list[Recording] = []
    pressed = threading.Event()
    late: list[int] = []  # chunks begun once Stop had been handled

    def recording(*args, **kwargs) -> Recording:
        comparison = Recording(*args, **kwargs)
        comparison.before_chunk = lambda number: late.append(number) if pressed.is_set() else 0
        made.append(comparison)
        return comparison

    monkeypatch.setattr(view_module, "Comparison", recording)
    view.show_snapshot(_xor_snapshot())
    view.set_kind("restarts", "50")
    view.set_run_length(100_000)
    view.start()
    qtbot.waitUntil(lambda: view.result() is not None, timeout=5000)
    qtbot.waitUntil(lambda: len(made[0].chunks) >= 5, timeout=5000)  # chunks at full size
    view._stop.clicked.connect(pressed.set)  # runs after the view's own stop
    view._stop.click()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=5000)
    assert len(late) <= 1  # at most the chunk that was already under way
    result = view.result()
    assert result.iterations_done == sum(made[0].chunks) < 100_000
    assert f"Stopped after {result.iterations_done:,} iterations" in view.status_text()
    assert view._start.isEnabled() and not view._stop.isEnabled()
    chunks = len(made[0].chunks)
    qtbot.wait(50)  # nothing more arrives once the stop is handled
    assert view.result() is result and len(made[0].chunks) == chunks


def test_bad_options_disable_start_and_say_why(view):
    view.show_snapshot(_xor_snapshot())
    view.set_kind("eta", "0.5, fast")
    assert not view._start.isEnabled()
    assert "“fast” is not a number" in view.status_text()
    view.set_kind("eta", RATES)
    assert view._start.isEnabled()


def test_levenberg_marquardt_refusal_is_shown_not_run(view):
    spec = NetworkSpec.build([2, 2, 1], "sigmoid", loss="bce")
    preset = get_preset("xor")
    trainer = Trainer(initialize(spec), preset.inputs, preset.targets, preset.config)
    view.show_snapshot(_snapshot(trainer))
    view.set_kind("optimizer")
    view.start()
    assert not view.is_running()
    assert "Levenberg–Marquardt works on squared errors" in view.status_text()
    assert view.worker_thread is None  # nothing was started


def test_start_needs_a_network_first(view):
    assert not view._start.isEnabled()
    view.start()
    assert not view.is_running()


def test_shutdown_ends_the_thread_during_a_run(view, qtbot):
    view.show_snapshot(_xor_snapshot())
    view.set_kind("restarts", "30")
    view.set_run_length(100_000)
    view.start()
    thread = view.worker_thread
    assert thread is not None and thread.isRunning()
    qtbot.waitUntil(lambda: view.result() is not None, timeout=5000)
    view.shutdown()
    assert thread.isFinished()
    assert view.worker_thread is None
    assert not view.is_running()


def test_closing_the_view_shuts_the_thread_down(qtbot):
    widget = ComparisonView()
    qtbot.addWidget(widget)
    widget.show_snapshot(_xor_snapshot())
    widget.set_run_length(100_000)
    widget.start()
    thread = widget.worker_thread
    qtbot.waitUntil(lambda: widget.result() is not None, timeout=5000)
    widget.close()
    assert thread.isFinished()
    assert widget.worker_thread is None


def test_a_second_run_reuses_the_thread(view, qtbot):
    view.show_snapshot(_xor_snapshot())
    view.set_run_length(20)
    _run(view, qtbot)
    thread = view.worker_thread
    view.set_kind("momentum")
    _run(view, qtbot)
    assert view.worker_thread is thread
    assert view.legend_texts() == ["α = 0", "α = 0.9"]


def test_linear_scale_shows_the_same_runs(view, qtbot):
    view.show_snapshot(_xor_snapshot())
    view.set_run_length(50)
    _run(view, qtbot)
    view.set_log_scale(False)
    assert not view.plot_widget.getPlotItem().ctrl.logYCheck.isChecked()
    assert view.curve_count() == 4
    assert view.plot_widget.getPlotItem().getAxis("left").labelText == "error E"


def test_font_scale_reaches_the_controls_and_the_axes(view):
    view.set_font_scale(1.5)
    assert view.font().pointSizeF() == pytest.approx(18.0)
    tick_font = view.plot_widget.getPlotItem().getAxis("bottom").style["tickFont"]
    assert tick_font.pointSizeF() == pytest.approx(18.0)
    view.set_font_scale(5)  # the one text-size rule: 75 % to 300 %
    assert view.font().pointSizeF() == pytest.approx(36.0)
    view.set_font_scale(0.1)
    assert view.font().pointSizeF() == pytest.approx(9.0)
    with pytest.raises(ValueError):
        view.set_font_scale(float("nan"))


def test_runs_too_long_to_keep_are_refused_in_words(view):
    view.show_snapshot(_xor_snapshot())
    view.set_kind("restarts", "50")
    view.set_run_length(200_000)
    view.start()
    assert not view.is_running()
    assert "too many error values" in view.status_text()


def test_long_curves_are_thinned_but_keep_their_extremes_and_end():
    x = np.arange(1, 100_001, dtype=np.float64)
    y = np.exp(-x / 20_000) + 0.01 * np.sin(x)
    y[54_321] = 5.0  # a spike
    shown_x, shown_y = thin(x, y, 3000)
    assert shown_x.size <= 3002
    assert np.all(np.diff(shown_x) > 0)
    assert shown_y.max() == 5.0 and shown_y.min() == y.min()
    assert (shown_x[-1], shown_y[-1]) == (x[-1], y[-1])
    np.testing.assert_array_equal(shown_y, y[(shown_x - 1).astype(int)])


# ---------------------------------------------------------------- the demonstrations
@pytest.fixture
def demo_view(qtbot):
    widget = ComparisonView()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    yield widget
    widget.shutdown()


def test_the_default_is_the_demonstration_and_needs_no_network(demo_view, qtbot):
    view = demo_view
    assert view.source() == "demo" and view.kind() == "eta"
    assert view._start.isEnabled()  # no snapshot needed
    assert "Demonstration on" in view.status_text()
    _run(view, qtbot)
    result = view.result()
    assert result.iterations_done == demonstration("eta").iterations
    assert view.legend_texts() == ["η = 0.05", "η = 0.5", "η = 1.5", "η = 4 (diverged)"]
    text = view.status_text()
    assert "η = 0.05 is slow" in text and "η = 1.5 overshoots" in text
    assert f"η = 4 diverged at iteration {result.curves[3].size + 1:,}" in text
    # the diverging curve leaves the plot at the ceiling instead of stretching the axis
    _, y = view._plots.curves[3].getOriginalDataset()
    assert y.max() == plot_ceiling(result.curves) < result.curves[3].max()
    view.set_source("current")
    assert not view._start.isEnabled()  # now it needs the session's network


def test_levenberg_marquardt_is_drawn_on_the_floor_and_says_so(demo_view, qtbot):
    view = demo_view
    view.set_kind("optimizer")
    _run(view, qtbot)
    lm = view.result().curves[1]
    assert lm.min() < ERROR_FLOOR
    _, y = view._plots.curves[1].getOriginalDataset()
    assert y.min() == ERROR_FLOOR
    assert view._plots._floor.isVisible()
    assert "below 10⁻¹²" in view.status_text()
    view.set_log_scale(False)
    assert not view._plots._floor.isVisible()


def test_equal_update_orders_are_reported_as_a_tie(demo_view, qtbot):
    view = demo_view
    view.set_kind("order")
    _run(view, qtbot)
    finals = view.result().final_errors
    assert finals[0] != finals[1]
    assert "A tie: simultaneous and sequential" in view.status_text()


def test_restart_demonstration_reports_each_minimums_share(demo_view, qtbot):
    view = demo_view
    view.set_kind("restarts")
    _run(view, qtbot)
    groups = minima(view.result().final_errors)
    assert len(groups) == 2
    n = view.result().final_errors.size
    text = view.status_text()
    for group in groups:
        assert f"{group.count} of {n} restarts ({100 * group.count / n:.0f} %)" in text
    assert view.histogram_counts().sum() == n
    # one key entry per minimum, and every curve in its minimum's colour
    shares = [f"{g.count} of {n}: E ≈ {format_value(g.error, 6)}" for g in groups]
    assert view.legend_texts() == shares
    for g, group in enumerate(groups):
        colours = {view._plots.curves[i].opts["pen"].color().name() for i in group.members}
        assert colours == {COLOURS[g].lower()}


def test_the_start_cannot_be_switched_mid_run_and_bad_options_refuse_the_demo(demo_view, qtbot):
    view = demo_view
    view.set_kind("restarts")
    view.set_run_length(200_000)
    view.start()
    assert view.is_running() and not view._source.isEnabled()
    view.stop()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=10_000)
    assert view._source.isEnabled()
    view.set_kind("eta", "0.5, banana")
    assert not view._start.isEnabled() and "banana" in view.status_text()
    view.set_kind("eta", demonstration("eta").options)  # its own rates again
    assert view._start.isEnabled() and "Demonstration on" in view.status_text()
