"""The live plot of the error E over iterations or epochs, with a read-out and exports."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QPointF, Qt, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.plot_buffer import PlotBuffer
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.after_updates import before_words, epoch_words
from bpdesk.gui.shell.desk_layout import plot_minimum
from bpdesk.gui.shell.theme import clamp_font_scale
from bpdesk.gui.views.error_export import export_with_dialog, write_error_csv
from bpdesk.gui.views.held_out import merge_per_epoch, set_legend_text
from bpdesk.gui.views.plot_axes import CountAxis
from bpdesk.gui.views.plot_range import RangeFollower
from bpdesk.gui.views.plot_theme import plot_colours
from bpdesk.gui.views.quiet import check_quietly
from bpdesk.gui.views.redraw import RUN_REDRAW_INTERVAL, RedrawThrottle

__all__ = ["ErrorPlot"]

Array = NDArray[np.float64]

BASE_POINT_SIZE = 12.0
MODES = ("iteration", "epoch")
FEW_POINTS = 60  # up to this many points, every point is also drawn as a dot
HINT = "Point at the curve to read a value."
REDRAW_INTERVAL = RUN_REDRAW_INTERVAL  # seconds between redraws while a run goes on
READOUT_INTERVAL = 0.5  # seconds between two updates of the newest value's read-out in a run


class ErrorPlot(QWidget):
    """Draws the error history carried by snapshots; holds a bounded copy of it."""

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """``clock`` paces the redraws during a run (seconds; tests pass their own)."""
        super().__init__(parent)
        self._iterations = PlotBuffer()
        self._epochs = PlotBuffer()
        self._tests = PlotBuffer()
        self._validations = PlotBuffer()  # per epoch, where a validation part exists
        self._mode = "iteration"
        self._log = False
        self._scale = 1.0
        self._shown_x: Array = np.empty(0)  # what the training curve currently draws
        self._shown_y: Array = np.empty(0)
        self._hover_x: float | None = None  # where the crosshair points (view x)
        self._dots = False
        self._diverged = False
        self._rolled_back_to: int | None = None  # the epoch whose weights are on show
        self._clock = clock
        self._running = False
        self._read_out_at = -math.inf  # when the newest value's read-out was last written
        self._throttle = RedrawThrottle(self._refresh, self, interval=REDRAW_INTERVAL, clock=clock)
        self._build()
        self._apply_fonts()
        self._update_titles()
        self._throttle.draw_now()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(self._build_toolbar())
        layout.addWidget(self._build_plot(), 1)
        layout.addLayout(self._build_readouts())

    def _build_toolbar(self) -> QHBoxLayout:
        self._iteration_button = QRadioButton("iteration")
        self._epoch_button = QRadioButton("epoch")
        self._iteration_button.setChecked(True)
        self._mode_group = QButtonGroup(self)
        self._mode_group.addButton(self._iteration_button)
        self._mode_group.addButton(self._epoch_button)
        self._iteration_button.toggled.connect(self._on_mode_toggled)
        self._log_box = QCheckBox("log scale")
        self._log_box.setToolTip("Show the error on a logarithmic axis")
        self._log_box.toggled.connect(self.set_log_scale)
        self._png_button = QPushButton("Export PNG…")
        self._png_button.setToolTip("Save the plot as a picture")
        self._png_button.clicked.connect(self._on_export_png_clicked)
        self._csv_button = QPushButton("Export CSV…")
        self._csv_button.setToolTip("Save the error values as a table")
        self._csv_button.clicked.connect(self._on_export_csv_clicked)

        toolbar = QHBoxLayout()
        toolbar.setContentsMargins(0, 0, 0, 0)
        toolbar.addWidget(QLabel("x axis:"))
        toolbar.addWidget(self._iteration_button)
        toolbar.addWidget(self._epoch_button)
        toolbar.addSpacing(16)
        toolbar.addWidget(self._log_box)
        toolbar.addStretch(1)
        toolbar.addWidget(self._png_button)
        toolbar.addWidget(self._csv_button)
        return toolbar

    def _build_plot(self) -> pg.PlotWidget:
        self._colours = plot_colours(self.palette())
        c = self._colours
        self._plot = pg.PlotWidget(
            background=c.background, axisItems={"bottom": CountAxis(orientation="bottom")}
        )
        self._plot.setAccessibleName("Error plot")
        item = self._plot.getPlotItem()
        item.setMenuEnabled(False, enableViewBoxMenu=True)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.showGrid(x=True, y=True, alpha=0.25)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setStyle(maxTickLevel=1)  # major and minor grid lines, no finer ones
            # The axes (their grid lines included) are drawn again only when they change, not
            # with every new point of the curve: most of a frame's painting otherwise.
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._train_curve = item.plot()
        self._test_curve = item.plot()
        self._validation_curve = item.plot()
        self._crosshair = pg.InfiniteLine(angle=90, movable=False)
        self._crosshair.setVisible(False)
        item.addItem(self._crosshair, ignoreBounds=True)
        self._marker = item.plot(
            pen=None,
            symbol="o",
            symbolSize=11,
            symbolBrush=None,
        )
        self._marker.setVisible(False)
        self._legend = item.addLegend(offset=(-10, 10))
        self._legend.setVisible(False)
        self._apply_colours()
        self._range = RangeFollower(item)
        self._plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        return self._plot

    def _build_readouts(self) -> QHBoxLayout:
        self._last_label = QLabel()
        # Cut at the dock's edge, never widening the window (whole in its tooltip).
        self._last_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._last_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._readout_label = QLabel(HINT)
        self._readout_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self._readout_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        readouts = QHBoxLayout()
        readouts.setContentsMargins(0, 0, 0, 0)
        readouts.addWidget(self._last_label, 1)
        readouts.addWidget(self._readout_label, 1)
        return readouts

    # ------------------------------------------------------------------ public
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Take in the error history the snapshot carries (new points, or a cut back)."""
        diverged = snapshot.diverged is not None
        changed = diverged != self._diverged or snapshot.rolled_back_to != self._rolled_back_to
        self._diverged, self._rolled_back_to = diverged, snapshot.rolled_back_to
        self._running = snapshot.running
        changed |= self._iterations.merge(snapshot.history_start, snapshot.iteration_errors)
        changed |= self._epochs.merge(snapshot.epoch_history_start, snapshot.epoch_errors)
        changed |= merge_per_epoch(self._tests, snapshot.test_errors)
        changed |= merge_per_epoch(self._validations, snapshot.validation_errors)
        if changed:
            self._throttle.request(urgent=not snapshot.running)

    def set_x_axis(self, mode: str) -> None:
        """Plot against the iteration ("iteration") or the epoch ("epoch")."""
        if mode not in MODES:
            raise ValueError(f"The x axis is 'iteration' or 'epoch', not {mode!r}.")
        button = self._iteration_button if mode == "iteration" else self._epoch_button
        if not button.isChecked():
            button.blockSignals(True)
            button.setChecked(True)
            button.blockSignals(False)
        if mode == self._mode:
            return
        self._mode = mode
        self._hide_crosshair()
        self._update_titles()
        self._range.follow()
        self._throttle.draw_now()

    def x_axis(self) -> str:
        return self._mode

    def set_log_scale(self, on: bool) -> None:
        """A logarithmic error axis (values ≤ 0 are left out there) or a linear one."""
        on = bool(on)
        check_quietly(self._log_box, on)
        if on == self._log:
            return
        self._log = on
        item = self._plot.getPlotItem()
        self._range.follow()
        if on:
            self._throttle.draw_now()  # only positive values reach the log axis
            item.setLogMode(y=True)
            self._throttle.draw_now()  # the axes, now in decades
        else:
            item.setLogMode(y=False)
            self._throttle.draw_now()

    def log_scale(self) -> bool:
        return self._log

    def export_png(self, path: str) -> None:
        """Save the plot as it is shown (without the crosshair) as a PNG picture."""
        shown = self._crosshair.isVisible()
        self._crosshair.setVisible(False)
        self._marker.setVisible(False)
        try:
            self._plot.grab()  # a first drawing lets the axes fit their tick labels
            self._plot.getPlotItem().layout.activate()
            image = self._plot.grab()
        finally:
            self._crosshair.setVisible(shown)
            self._marker.setVisible(shown)
        if image.isNull() or not image.save(str(path), "PNG"):
            raise OSError(f"The picture could not be written to {path}.")

    def export_csv(self, path: str) -> None:
        """Save the exact error values still held: each iteration's E (before its update),
        an empty row, then each epoch's mean with the validation and test errors where those
        parts exist (see ``write_error_csv``). Counted from 1, as on the plot."""
        write_error_csv(path, self._iterations, self._epochs, self._tests, self._validations)

    def clear(self) -> None:
        """Forget every point (a new session or data set starts)."""
        for buffer in (self._iterations, self._epochs, self._tests, self._validations):
            buffer.clear()
        self._diverged = False
        self._hide_crosshair()
        self._range.follow()
        self._throttle.draw_now()

    def point_count(self) -> int:
        """Points held for the curve on show (iterations or epochs)."""
        return len(self._visible_buffer())

    def readout_text(self) -> str:
        """The crosshair read-out as shown, e.g. ``iteration 1234: E = 0.000123``."""
        return self._readout_label.text()

    def last_value_text(self) -> str:
        """The always-visible read-out of the newest value."""
        return self._last_label.text()

    @property
    def plot_widget(self) -> pg.PlotWidget:
        return self._plot

    @property
    def train_curve(self) -> pg.PlotDataItem:
        """The curve of the training error (iterations or epochs, as on show)."""
        return self._train_curve

    @property
    def test_curve(self) -> pg.PlotDataItem:
        """The dashed curve of the test-set error (epochs only)."""
        return self._test_curve

    def set_font_scale(self, scale: float) -> None:
        """Scale every font of the plot (1.0 = 12 pt; the one rule: 75 % to 300 %)."""
        self._scale = clamp_font_scale(scale)
        self._apply_fonts()
        self._update_titles()
        self._update_legend(force=True)

    # ------------------------------------------------------------------ drawing
    def _visible_buffer(self) -> PlotBuffer:
        return self._iterations if self._mode == "iteration" else self._epochs

    def _drawable(self, buffer: PlotBuffer) -> tuple[Array, Array]:
        """The held points the plot can draw: finite ones (positive ones on a log axis), with
        x counted from 1."""
        x, y = buffer.x(), buffer.y()
        keep = np.isfinite(y)
        if self._log:
            keep &= y > 0
        return x[keep] + 1.0, y[keep]

    def _refresh(self) -> None:
        """Draw the held points (called through the throttle)."""
        x, y = self._drawable(self._visible_buffer())
        self._shown_x, self._shown_y = x, y
        dots = 0 < x.size <= FEW_POINTS
        if dots != self._dots:
            self._dots = dots
            if dots:
                self._train_curve.setSymbol("o")
                self._train_curve.setSymbolSize(8)
                self._train_curve.setSymbolPen(pg.mkPen(self._colours.train))
                self._train_curve.setSymbolBrush(pg.mkBrush(self._colours.train))
            else:
                self._train_curve.setSymbol(None)
        self._train_curve.setData(x, y)
        held = ((self._test_curve, self._tests), (self._validation_curve, self._validations))
        for curve, buffer in held:
            if self._mode == "epoch" and len(buffer):
                tx, ty = self._drawable(buffer)
                curve.setData(tx, ty)
                x, y = np.concatenate((x, tx)), np.concatenate((y, ty))
            else:
                curve.setData(np.empty(0), np.empty(0))
        self._range.update(x, y, log=self._log)
        self._update_legend()
        now = self._clock()
        if not self._running or now - self._read_out_at >= READOUT_INTERVAL:
            self._read_out_at = now  # during a run, a read-out a person can read (and cheap)
            self._update_last_value()
        if self._hover_x is not None:
            self._point_at(self._hover_x)

    def _update_legend(self, force: bool = False) -> None:
        both = self._mode == "epoch" and len(self._tests) + len(self._validations) > 0
        key = (both, len(self._validations) > 0, len(self._tests) > 0)
        if key == getattr(self, "_legend_key", None) and not force:
            return
        self._legend_key = key
        self._legend.clear()
        if both:
            self._legend.addItem(self._train_curve, "training")
            if len(self._validations):
                self._legend.addItem(self._validation_curve, "validation")
            if len(self._tests):
                self._legend.addItem(self._test_curve, "test")
        self._legend.setColumnCount(3)  # one row: the curves stay visible in a low dock
        self._legend.setVisible(both)

    def _update_last_value(self) -> None:
        last = self._visible_buffer().last()
        if last is None:
            text = f"No {self._mode} finished yet."
        else:
            index, value = last
            text = f"{_words(self._mode, index + 1)}: {_error_text(value)}"
            for part, buffer in (("validation", self._validations), ("test", self._tests)):
                held = buffer.last()
                if self._mode == "epoch" and held is not None:
                    text += f"   ({part} set: {_error_text(held[1])})"
                    curve = self._validation_curve if part == "validation" else self._test_curve
                    set_legend_text(self._legend, curve, f"{part} {_error_text(held[1])}")
        if self._diverged:
            text += "   The run diverged."
        if self._rolled_back_to is not None:
            text += f"   On show: the weights of epoch {self._rolled_back_to} (rolled back)."
        self._last_label.setText(text)
        self._last_label.setToolTip(text)
        self._plot.setAccessibleDescription(text)

    def _update_titles(self) -> None:
        item = self._plot.getPlotItem()
        points = BASE_POINT_SIZE * self._scale
        ink = self._colours.text
        style = {"color": ink, "font-size": f"{points:.1f}pt"}
        item.setTitle(f"Error E by {self._mode}", color=ink, size=f"{points * 1.2:.1f}pt")
        item.setLabel("left", "error E", **style)
        item.setLabel("bottom", self._mode, **style)

    def _apply_colours(self) -> None:
        """Paper, ink, curves and legend in the colours of the window's look."""
        c = self._colours
        self._plot.setBackground(c.background)
        item = self._plot.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(c.text, width=1))
            axis.setTextPen(pg.mkPen(c.text))
        self._train_curve.setPen(pg.mkPen(c.train, width=2))
        self._test_curve.setPen(pg.mkPen(c.test, width=2, style=Qt.PenStyle.DashLine))
        dotted = pg.mkPen(c.validation, width=2, style=Qt.PenStyle.DotLine)
        self._validation_curve.setPen(dotted)
        self._crosshair.setPen(pg.mkPen(c.crosshair, width=1, style=Qt.PenStyle.DashLine))
        self._marker.setSymbolPen(pg.mkPen(c.text, width=2))
        self._legend.setBrush(pg.mkBrush(*c.legend))
        self._legend.setPen(pg.mkPen(c.crosshair, width=1))
        self._legend.setLabelTextColor(c.text)

    def changeEvent(self, event: QEvent) -> None:
        """A new theme or high contrast: the plot takes its colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_legend"):
            colours = plot_colours(self.palette())
            if colours != self._colours:
                self._colours = colours
                self._apply_colours()
                self._update_titles()

    def _apply_fonts(self) -> None:
        points = BASE_POINT_SIZE * self._scale
        font = QFont(self.font())
        font.setPointSizeF(points)
        self.setFont(font)
        self._plot.setMinimumSize(plot_minimum(font))  # the drawing area stays readable
        item = self._plot.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setStyle(tickFont=QFont(font), tickTextOffset=max(4, round(6 * self._scale)))
        self._legend.setLabelTextSize(f"{points:.1f}pt")
        bold = QFont(font)
        bold.setBold(True)
        self._last_label.setFont(bold)

    # ------------------------------------------------------------------ crosshair
    @Slot(object)
    def _on_mouse_moved(self, position: QPointF) -> None:
        box = self._plot.getPlotItem().vb
        if not box.sceneBoundingRect().contains(position):
            self._hide_crosshair()
            return
        self._hover_x = float(box.mapSceneToView(position).x())
        self._point_at(self._hover_x)

    def _point_at(self, view_x: float) -> None:
        """Put the crosshair on the drawn point nearest to ``view_x`` and read it out."""
        x, y = self._shown_x, self._shown_y
        if x.size == 0:
            self._crosshair.setVisible(False)
            self._marker.setVisible(False)
            self._readout_label.setText(HINT)
            return
        i = int(np.searchsorted(x, view_x))
        if i >= x.size:
            i = x.size - 1
        elif i > 0 and view_x - x[i - 1] <= x[i] - view_x:
            i -= 1
        px, py = float(x[i]), float(y[i])
        self._crosshair.setPos(px)
        self._crosshair.setVisible(True)
        self._marker.setData([px], [py])
        self._marker.setVisible(True)
        self._readout_label.setText(f"{_words(self._mode, int(px))}: {format_value(py)}")

    def _hide_crosshair(self) -> None:
        self._hover_x = None
        self._crosshair.setVisible(False)
        self._marker.setVisible(False)
        self._readout_label.setText(HINT)

    # ------------------------------------------------------------------ buttons
    @Slot(bool)
    def _on_mode_toggled(self, iteration_checked: bool) -> None:
        self.set_x_axis("iteration" if iteration_checked else "epoch")

    @Slot()
    def _on_export_png_clicked(self) -> None:
        export_with_dialog(
            self, "Export the error plot", "error-plot.png", "PNG pictures (*.png)", self.export_png
        )

    @Slot()
    def _on_export_csv_clicked(self) -> None:
        export_with_dialog(
            self,
            "Export the error values",
            "error-values.csv",
            "CSV tables (*.csv)",
            self.export_csv,
        )


def _words(mode: str, count: int) -> str:
    """What a point of the curve is, in the words of ``core/teaching/after_updates.py``: the
    error an iteration measured before its update, or an epoch's mean of those."""
    return before_words(count) if mode == "iteration" else epoch_words(count)


def _error_text(value: float) -> str:
    """An error value as the lecture prints it; NaN here means the computation broke down."""
    return "not a number" if math.isnan(value) else format_value(value)
