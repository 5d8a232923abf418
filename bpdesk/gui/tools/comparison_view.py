"""Side-by-side training runs: several error curves on one plot, and final errors of restarts."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.engine.network import Network
from bpdesk.core.errors import BpdeskError
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.comparison import (
    DEFAULT_OPTIONS,
    KINDS,
    Comparison,
    ComparisonResult,
    error_histogram,
    parse_options,
)
from bpdesk.gui.workers.comparison_worker import ComparisonWorker
from bpdesk.gui.workers.trainer_worker import describe_failure

__all__ = ["ComparisonView"]

Array = NDArray[np.float64]

BASE_POINT_SIZE = 12.0
TEXT_COLOUR = "#111111"
ERROR_COLOUR = "#b00020"  # with a ⚠ and bold type: never colour alone
# Okabe–Ito colours (told apart with colour-blindness), darkest first for a white background.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9")
STYLES = (
    Qt.PenStyle.SolidLine,
    Qt.PenStyle.DashLine,
    Qt.PenStyle.DotLine,
    Qt.PenStyle.DashDotLine,
    Qt.PenStyle.DashDotDotLine,
)
BAR_COLOUR = "#0072B2"
LEGEND_SPACING = 12
MAX_DRAWN = 3000  # points drawn per curve: longer runs keep each stretch's lowest and highest
MAX_HELD = 5_000_000  # error values a comparison may hold (iterations × runs)
DEFAULT_ITERATIONS = 2000
HELP = {
    "eta": "Learning rates to compare, separated by commas, e.g. 0.01, 0.5, 5, 50",
    "momentum": "The momentum α to set against α = 0, e.g. 0.9 (empty: the session's α or 0.9)",
    "optimizer": "Nothing to set: gradient descent with the session's η and α against LM",
    "order": "Nothing to set: the same run with both update orders",
    "restarts": "How many restarts, optionally followed by xavier or uniform, e.g. 10 xavier",
}


class ComparisonView(QWidget):
    """Chooses what to compare, runs it on a worker thread and overlays the error curves."""

    _start_requested = Signal(object, int)
    _stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._snapshot: Snapshot | None = None
        self._result: ComparisonResult | None = None
        self._thread: QThread | None = None
        self._worker: ComparisonWorker | None = None
        self._running = False
        self._total = 0
        self._curves: list[pg.PlotDataItem] = []
        self._ends: list[pg.ScatterPlotItem] = []
        self._legend_texts: list[str] = []
        self._counts: Array = np.empty(0)
        self._scale = 1.0
        self._log = True
        self._status_is_error = False
        self._options_error = ""
        self._columns = 1
        self._settings = ""
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(0)
        self._redraw_timer.timeout.connect(self._redraw)
        self._build()
        self._plot.installEventFilter(self)
        self._apply_fonts()
        self._on_kind_changed()
        self._update_buttons()
        self._set_status("Waiting for a network: the comparison starts from the current one.")

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self._kind = QComboBox()
        for key, text in KINDS.items():
            self._kind.addItem(text, key)
        self._kind.setAccessibleName("What to compare")
        self._kind.currentIndexChanged.connect(self._on_kind_changed)
        self._options = QLineEdit()
        self._options.setAccessibleName("Comparison options")
        self._options.textChanged.connect(self._on_options_edited)
        self._count = QSpinBox()
        self._count.setRange(1, 1_000_000)
        self._count.setValue(DEFAULT_ITERATIONS)
        self._count.setGroupSeparatorShown(True)
        self._count.setAccessibleName("How long to run")
        self._unit = QComboBox()
        self._unit.addItems(["iterations", "epochs"])
        self._unit.setAccessibleName("Count in iterations or epochs")
        self._start = QPushButton("Start")
        self._start.setToolTip("Train every run from the current network and compare")
        self._start.clicked.connect(self.start)
        self._stop = QPushButton("Stop")
        self._stop.setToolTip("Stop the runs where they are")
        self._stop.clicked.connect(self.stop)
        self._log_box = QCheckBox("log scale")
        self._log_box.setChecked(True)
        self._log_box.setToolTip("Show the error on a logarithmic axis")
        self._log_box.toggled.connect(self.set_log_scale)

        first = QHBoxLayout()
        first.setContentsMargins(0, 0, 0, 0)
        first.addWidget(QLabel("Compare"))
        first.addWidget(self._kind)
        first.addSpacing(8)
        first.addWidget(QLabel("with"))
        first.addWidget(self._options, 1)
        second = QHBoxLayout()
        second.setContentsMargins(0, 0, 0, 0)
        second.addWidget(QLabel("Run for"))
        second.addWidget(self._count)
        second.addWidget(self._unit)
        second.addWidget(self._start)
        second.addWidget(self._stop)
        second.addSpacing(12)
        second.addWidget(self._log_box)
        second.addStretch(1)

        self._status = QLabel()
        self._status.setWordWrap(True)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._plot = pg.PlotWidget(
            background="w", axisItems={"left": PowerAxis(orientation="left")}
        )
        self._plot.setAccessibleName("Error curves of the compared runs")
        item = self._plot.getPlotItem()
        item.setMenuEnabled(False, enableViewBoxMenu=True)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.showGrid(x=True, y=True, alpha=0.25)
        _style_axes(item)
        item.setLogMode(y=True)
        # The key sits under the plot, in a row of its own, so it never hides a curve.
        self._legend = pg.LegendItem(labelTextColor=TEXT_COLOUR, horSpacing=LEGEND_SPACING)
        item.layout.addItem(self._legend, 4, 1)

        self._histogram = pg.PlotWidget(
            background="w", axisItems={"bottom": PowerAxis(orientation="bottom")}
        )
        self._histogram.setAccessibleName("How many restarts ended at which error")
        hist = self._histogram.getPlotItem()
        hist.setMenuEnabled(False, enableViewBoxMenu=True)
        hist.showGrid(x=False, y=True, alpha=0.25)
        _style_axes(hist)
        self._bars = pg.BarGraphItem(
            x0=[], x1=[], height=[], brush=pg.mkBrush(BAR_COLOUR), pen=pg.mkPen("#000000")
        )
        hist.addItem(self._bars)
        self._bar_labels: list[pg.TextItem] = []
        self._histogram.setVisible(False)

        plots = QHBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        plots.addWidget(self._plot, 3)
        plots.addWidget(self._histogram, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(first)
        layout.addLayout(second)
        layout.addWidget(self._status)
        layout.addLayout(plots, 1)

    # ------------------------------------------------------------------ public
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Remember the current network, data and settings for the next Start."""
        self._snapshot = snapshot
        self._update_buttons()
        if not self._running and self._result is None:
            self._set_status("Choose what to compare and press Start.")

    @Slot()
    def start(self) -> None:
        """Build the comparison from the last snapshot and run it on the worker thread."""
        if self._running:
            return
        snapshot = self._snapshot
        if snapshot is None or snapshot.inputs is None or snapshot.targets is None:
            self._set_status("There is no network with data to compare yet.", error=True)
            return
        kind = self.kind()
        try:
            options = parse_options(kind, self._options.text())
            network = Network.from_values(snapshot.spec, snapshot.values)
            comparison = Comparison(
                network, snapshot.inputs, snapshot.targets, snapshot.config, kind, options
            )
        except BpdeskError as error:
            self._set_status(str(error), error=True)
            return
        except Exception as error:
            self._set_status(describe_failure(error, "setting up the comparison"), error=True)
            return
        count = int(self._count.value())
        if self._unit.currentText() == "epochs":
            count *= comparison.iterations_per_epoch
        if count * comparison.n_runs > MAX_HELD:
            most = MAX_HELD // comparison.n_runs
            self._set_status(
                f"{comparison.n_runs} runs of {count:,} iterations are too many error values "
                f"to keep: run at most {most:,} iterations at once.",
                error=True,
            )
            return
        self._total = count
        self._settings = _settings_text(kind, snapshot)
        self._clear_drawing()
        self._running = True
        self._update_buttons()
        self._set_status(f"Running {comparison.n_runs} runs for {count:,} iterations…")
        self._ensure_worker()
        self._start_requested.emit(comparison, count)

    @Slot()
    def stop(self) -> None:
        """Ask the worker to stop after the chunk in progress."""
        if self._worker is not None:
            self._worker.stop()
            self._stop_requested.emit()

    def shutdown(self) -> None:
        """Stop any run and end the worker thread (the window calls this on closing)."""
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is None or worker is None:
            return
        worker.stop()
        thread.quit()
        thread.wait()
        self._redraw_timer.stop()
        if self._running:
            self._running = False
            self._update_buttons()

    def is_running(self) -> bool:
        return self._running

    def kind(self) -> str:
        """The chosen comparison: eta, momentum, optimizer, order or restarts."""
        return str(self._kind.currentData())

    def set_kind(self, kind: str, options: str | None = None) -> None:
        """Choose what to compare (and, optionally, type its options)."""
        index = self._kind.findData(kind)
        if index < 0:
            raise ValueError(f"Unknown comparison {kind!r}; choose one of {', '.join(KINDS)}.")
        self._kind.setCurrentIndex(index)
        if options is not None:
            self._options.setText(options)

    def set_run_length(self, count: int, unit: str = "iterations") -> None:
        """How long the next Start runs: ``count`` iterations or epochs."""
        self._count.setValue(int(count))
        self._unit.setCurrentIndex(max(0, self._unit.findText(unit)))

    def curve_count(self) -> int:
        """How many runs have a curve on the plot."""
        return sum(1 for curve in self._curves if curve.xData is not None and curve.xData.size)

    def legend_texts(self) -> list[str]:
        """The key's entries, in order: "η = 0.5", "η = 50 (diverged)", …"""
        return list(self._legend_texts)

    def histogram_counts(self) -> Array:
        """The restarts histogram's bar heights (runs per bin of final error)."""
        counts: Array = self._counts.copy()
        return counts

    def histogram_visible(self) -> bool:
        return not self._histogram.isHidden()

    def status_text(self) -> str:
        return self._status.text()

    def result(self) -> ComparisonResult | None:
        """The last result received from the worker."""
        return self._result

    def set_log_scale(self, on: bool) -> None:
        """A logarithmic error axis (the default) or a linear one."""
        on = bool(on)
        if self._log_box.isChecked() != on:
            self._log_box.blockSignals(True)
            self._log_box.setChecked(on)
            self._log_box.blockSignals(False)
        if on == self._log:
            return
        self._log = on
        item = self._plot.getPlotItem()
        if on:
            self._draw_curves()  # only positive values reach the log axis
            item.setLogMode(y=True)
        else:
            item.setLogMode(y=False)
            self._draw_curves()
        self._update_titles()
        item.enableAutoRange()

    def set_font_scale(self, scale: float) -> None:
        """Scale every font of the view (1.0 = 12 pt)."""
        if not math.isfinite(scale) or scale <= 0:
            raise ValueError(f"The font scale must be a positive number, not {scale}.")
        self._scale = float(scale)
        self._apply_fonts()
        self._update_titles()
        self._rebuild_legend()
        self._draw_histogram()

    @property
    def plot_widget(self) -> pg.PlotWidget:
        return self._plot

    @property
    def worker_thread(self) -> QThread | None:
        """The thread the comparisons run on (None before the first Start and after shutdown)."""
        return self._thread

    @property
    def histogram_widget(self) -> pg.PlotWidget:
        return self._histogram

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ worker
    def _ensure_worker(self) -> None:
        if self._thread is not None:
            return
        thread = QThread()
        thread.setObjectName("bpdesk comparison")
        worker = ComparisonWorker()
        worker.moveToThread(thread)
        self._start_requested.connect(worker.start)
        self._stop_requested.connect(worker.stop)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.errored.connect(self._on_errored)
        thread.finished.connect(worker.deleteLater)
        thread.start()
        self._thread, self._worker = thread, worker

    @Slot(object)
    def _on_progress(self, result: ComparisonResult) -> None:
        if not self._running:  # a report still under way from a run that was shut down
            return
        if self._result is None or result.labels != self._result.labels:
            self._prepare_curves(result)
        self._result = result
        # Drawn once the queue of reports is through: only the newest one counts.
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    @Slot()
    def _redraw(self) -> None:
        self._redraw_timer.stop()
        result = self._result
        if result is None:
            return
        self._draw_curves()
        if result.kind == "restarts":
            self._draw_histogram()
        if self._running:
            self._set_status(
                f"Running: {result.iterations_done:,} of {self._total:,} iterations done."
            )

    @Slot()
    def _on_finished(self) -> None:
        if not self._running:
            return
        self._running = False
        self._redraw()
        self._update_buttons()
        result = self._result
        if result is not None and not self._status_is_error:
            self._set_status(_summary(result, self._total) + self._settings)

    @Slot(str)
    def _on_errored(self, message: str) -> None:
        self._set_status(message, error=True)

    # ------------------------------------------------------------------ drawing
    def _clear_drawing(self) -> None:
        item = self._plot.getPlotItem()
        for curve in self._curves:
            item.removeItem(curve)
        for end in self._ends:
            item.removeItem(end)
        self._curves, self._ends = [], []
        self._legend.clear()
        self._legend_texts = []
        self._result = None
        self._counts = np.empty(0)
        self._bars.setOpts(x0=[], x1=[], height=[])
        for label in self._bar_labels:
            self._histogram.getPlotItem().removeItem(label)
        self._bar_labels = []
        restarts = self.kind() == "restarts"
        self._histogram.setVisible(restarts)
        self._update_titles()

    def _prepare_curves(self, result: ComparisonResult) -> None:
        self._clear_drawing()
        self._result = result
        item = self._plot.getPlotItem()
        for index in range(len(result.labels)):
            colour = COLOURS[index % len(COLOURS)]
            pen = pg.mkPen(colour, width=3, style=STYLES[index % len(STYLES)])
            curve = item.plot(pen=pen)
            end = pg.ScatterPlotItem(
                symbol="x", size=18, pen=pg.mkPen("#000000", width=1), brush=pg.mkBrush(colour)
            )
            end.setZValue(5)
            item.addItem(end)
            self._curves.append(curve)
            self._ends.append(end)
        self._histogram.setVisible(result.kind == "restarts")
        self._update_titles()

    def _draw_curves(self) -> None:
        result = self._result
        if result is None:
            return
        for curve, end, values, gone in zip(
            self._curves, self._ends, result.curves, result.diverged, strict=True
        ):
            x = np.arange(1, values.size + 1, dtype=np.float64)
            keep = np.isfinite(values)
            if self._log:
                keep &= values > 0
            shown_x, shown_y = _thin(x[keep], values[keep], MAX_DRAWN)
            curve.setData(shown_x, shown_y)
            if gone and shown_x.size:
                end.setData([shown_x[-1]], [shown_y[-1]])
            else:
                end.setData([], [])
        texts = [
            f"{label} (diverged)" if gone else label
            for label, gone in zip(result.labels, result.diverged, strict=True)
        ]
        if texts != self._legend_texts:
            self._legend_texts = texts
            self._rebuild_legend()

    def _legend_columns(self) -> int:
        """As many columns as fit across the plot, so the key never gets cut off."""
        if not self._legend_texts:
            return 1
        font = QFont(self.font())
        font.setPointSizeF(BASE_POINT_SIZE * self._scale)
        metrics = QFontMetrics(font)
        widest = max(metrics.horizontalAdvance(t) for t in self._legend_texts)
        # The line sample (20 px), the spacing either side of the text, a little slack.
        entry = widest + 20 + 2 * LEGEND_SPACING + 6
        box = self._plot.getPlotItem().vb.width()
        available = max(entry, int(box if box > 0 else self._plot.width() - 90))
        return max(1, min(len(self._legend_texts), available // entry))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._plot and event.type() == QEvent.Type.Resize:
            if self._legend_texts and self._legend_columns() != self._columns:
                self._rebuild_legend()
        return super().eventFilter(watched, event)

    def _rebuild_legend(self) -> None:
        self._legend.clear()
        self._columns = self._legend_columns()
        self._legend.setColumnCount(self._columns)
        size = f"{BASE_POINT_SIZE * self._scale:.1f}pt"
        for curve, text in zip(self._curves, self._legend_texts, strict=False):
            self._legend.addItem(curve, text)
        for _sample, label in self._legend.items:
            label.setText(label.text, size=size, color=TEXT_COLOUR)

    def _draw_histogram(self) -> None:
        result = self._result
        hist = self._histogram.getPlotItem()
        for label in self._bar_labels:
            hist.removeItem(label)
        self._bar_labels = []
        if result is None or result.kind != "restarts":
            return
        edges, counts = error_histogram(result.final_errors)
        self._counts = counts
        if counts.size == 0:
            self._bars.setOpts(x0=[], x1=[], height=[])
            return
        self._bars.setOpts(x0=edges[:-1], x1=edges[1:], height=counts)
        font = QFont(self.font())
        font.setBold(True)
        for left, right, count in zip(edges[:-1], edges[1:], counts, strict=True):
            if count <= 0:
                continue
            label = pg.TextItem(f"{int(count)}", color=TEXT_COLOUR, anchor=(0.5, 1.0))
            label.setFont(font)
            label.setPos((left + right) / 2, count)
            hist.addItem(label)
            self._bar_labels.append(label)
        hist.setYRange(0, float(counts.max()) * 1.2 + 0.5, padding=0)
        hist.setXRange(float(edges[0]), float(edges[-1]), padding=0.05)

    def _update_titles(self) -> None:
        points = BASE_POINT_SIZE * self._scale
        style = {"color": TEXT_COLOUR, "font-size": f"{points:.1f}pt"}
        title = {"color": TEXT_COLOUR, "size": f"{points * 1.15:.1f}pt"}
        item = self._plot.getPlotItem()
        kind = self._result.kind if self._result is not None else self.kind()
        item.setTitle(KINDS[kind], **title)
        item.setLabel("left", "error E (log scale)" if self._log else "error E", **style)
        item.setLabel("bottom", "iteration", **style)
        hist = self._histogram.getPlotItem()
        hist.setTitle("Final errors of the restarts", **title)
        hist.setLabel("left", "restarts", **style)
        hist.setLabel("bottom", "final error E (log scale)", **style)

    def _apply_fonts(self) -> None:
        points = BASE_POINT_SIZE * self._scale
        font = QFont(self.font())
        font.setPointSizeF(points)
        self.setFont(font)
        for plot in (self._plot, self._histogram):
            item = plot.getPlotItem()
            for name in ("left", "bottom"):
                item.getAxis(name).setStyle(
                    tickFont=QFont(font), tickTextOffset=max(4, round(6 * self._scale))
                )
        self._legend.setLabelTextSize(f"{points:.1f}pt")

    # ------------------------------------------------------------------ controls
    @Slot()
    def _on_kind_changed(self) -> None:
        kind = self.kind()
        self._options.setText(DEFAULT_OPTIONS[kind])
        needs = kind in ("eta", "momentum", "restarts")
        self._options.setEnabled(needs)
        self._options.setPlaceholderText(HELP[kind] if needs else "nothing to set")
        self._options.setToolTip(HELP[kind])
        if not self._running:
            self._histogram.setVisible(kind == "restarts" and self._result is not None)
        self._on_options_edited()

    @Slot()
    def _on_options_edited(self) -> None:
        try:
            parse_options(self.kind(), self._options.text())
        except BpdeskError as error:
            self._options_error = str(error)
            _set_text_colour(self._options, QPalette.ColorRole.Text, ERROR_COLOUR)
            self._set_status(str(error), error=True)
        else:
            self._options_error = ""
            _set_text_colour(self._options, QPalette.ColorRole.Text, None)
            if self._status_is_error and not self._running:
                self._set_status(HELP[self.kind()] + ".")
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self._snapshot is not None and not self._options_error
        self._start.setEnabled(ready and not self._running)
        self._stop.setEnabled(self._running)
        for widget in (self._kind, self._options, self._count, self._unit):
            widget.setEnabled(not self._running)
        if not self._running:
            self._options.setEnabled(self.kind() in ("eta", "momentum", "restarts"))

    def _set_status(self, text: str, error: bool = False) -> None:
        self._status_is_error = error
        self._status.setText(f"⚠ {text}" if error else text)
        _set_text_colour(
            self._status, QPalette.ColorRole.WindowText, ERROR_COLOUR if error else None
        )
        bold = QFont(self._status.font())
        bold.setBold(error)
        self._status.setFont(bold)
        self._plot.setAccessibleDescription(text)


def _set_text_colour(widget: QWidget, role: QPalette.ColorRole, colour: str | None) -> None:
    """Text in ``colour`` (None: the theme's own), without a style sheet, which would
    stop the font scale from reaching the widget."""
    palette = QPalette(widget.palette())
    if colour is None:
        palette.setColor(role, QApplication.palette().color(role))
    else:
        palette.setColor(role, QColor(colour))
    widget.setPalette(palette)


class PowerAxis(pg.AxisItem):  # type: ignore[misc]
    """An axis of powers of ten: log₁₀ values labelled as the numbers they stand for.

    On a log-mode axis pyqtgraph passes log₁₀ values; the histogram's bottom axis holds
    log₁₀ E as plain coordinates and is labelled the same way.
    """

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return self._labels(values, spacing)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.logMode or self.orientation in ("top", "bottom"):
            return self._labels(values, spacing)
        result: list[str] = super().tickStrings(values, scale, spacing)
        return result

    def _labels(self, values: list[float], spacing: float) -> list[str]:
        low, high = self.range
        narrow = abs(high - low) < 1.5
        return [_power_text(v) if narrow or _whole(v) else "" for v in values]


def _thin(x: Array, y: Array, limit: int) -> tuple[Array, Array]:
    """At most about ``limit`` points of a curve: each stretch's lowest and highest points,
    in order, so spikes and the last point stay on the plot."""
    n = y.size
    if n <= limit:
        return x, y
    buckets = max(1, limit // 2)
    width = -(-n // buckets)
    padded = np.pad(y, (0, buckets * width - n), mode="edge").reshape(buckets, width)
    base = np.arange(buckets) * width
    picks = np.concatenate([base + padded.argmin(axis=1), base + padded.argmax(axis=1), [n - 1]])
    index = np.unique(np.minimum(picks, n - 1))
    return x[index], y[index]


def _whole(value: float) -> bool:
    return abs(value - round(value)) < 1e-6


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_text(exponent: float) -> str:
    """10^exponent as read on an axis: 0.001 … 1000 written out, 10⁻⁶ beyond."""
    if _whole(exponent):
        power = round(exponent)
        if -3 <= power <= 3:
            return format_value(10.0**power)
        return "10" + str(power).translate(_SUPERSCRIPT)
    value = 10.0**exponent
    return f"{value:.2g}".replace("-", "−")


def _style_axes(item: pg.PlotItem) -> None:
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(TEXT_COLOUR, width=1))
        axis.setTextPen(pg.mkPen(TEXT_COLOUR))
        axis.enableAutoSIPrefix(False)


def _settings_text(kind: str, snapshot: Snapshot) -> str:
    """The session's settings every run shares, as a closing sentence."""
    config = snapshot.config
    parts = []
    if kind not in ("eta", "optimizer"):
        parts.append(f"η = {format_value(config.eta)}")
    if kind not in ("momentum",):
        parts.append(f"α = {format_value(config.momentum)}")
    parts.append(f"batch size {min(config.batch_size, snapshot.n_samples)}")
    return " All runs: " + ", ".join(parts) + "."


def _summary(result: ComparisonResult, total: int) -> str:
    """What the finished (or stopped) comparison shows, in a sentence or two."""
    done = result.iterations_done
    head = f"Done: {done:,} iterations." if done >= total else f"Stopped after {done:,} iterations."
    finals = result.final_errors
    alive = [i for i, gone in enumerate(result.diverged) if not gone and math.isfinite(finals[i])]
    gone = [result.labels[i] for i, flag in enumerate(result.diverged) if flag]
    parts = [head]
    if result.kind == "restarts" and alive:
        low = min(finals[i] for i in alive)
        high = max(finals[i] for i in alive)
        parts.append(
            f"Final errors run from {format_value(low, 6)} to {format_value(high, 6)}: "
            "restarts that end high are stuck in a local minimum or on a plateau."
        )
    elif alive:
        best = min(alive, key=lambda i: finals[i])
        parts.append(
            f"Lowest final error: {result.labels[best]} (E = {format_value(finals[best], 6)})."
        )
    if gone:
        parts.append(f"Diverged (error became infinite): {', '.join(gone)}.")
    return " ".join(parts)
