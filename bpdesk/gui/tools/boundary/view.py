"""The decision-boundary view: the network's output over the input plane, with the data on it."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.shell.theme import clamp_font_scale
from bpdesk.gui.tools.boundary.curves import EpochCurves
from bpdesk.gui.tools.boundary.editing import PointChooser, PointEditor
from bpdesk.gui.tools.boundary.maps import (
    class_colour,
    classes,
    legend_html,
    output_rgba,
    usable,
)
from bpdesk.gui.tools.boundary.thumbnails import ThumbnailGrid
from bpdesk.gui.views.redraw import RUN_REDRAW_INTERVAL, RedrawThrottle

__all__ = ["BoundaryView"]

BASE_POINT_SIZE = 12.0
RUNNING_INTERVAL = RUN_REDRAW_INTERVAL  # seconds between redraws while training runs
MAP_TEXT = "#111111"  # the map is always drawn on white, in either theme
NEEDS_TWO_INPUTS = (
    "This view draws every input as a point on a plane, so it needs data with exactly two "
    "inputs: open spirals, moons, circles or XOR."
)


class BoundaryView(QWidget):
    """Output map, data points, hidden neurons' maps and the train/test error per epoch.

    Emits ``rollback_requested`` when the student asks for the weights of the epoch with
    the lowest test error, ``edit_requested(DataEdit)`` when a training point is added,
    moved or removed on the map (``editing.py``), ``refused(text)`` for a click it cannot
    take.
    """

    rollback_requested = Signal()
    edit_requested = Signal(object)
    refused = Signal(str)

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """``clock`` paces the redraws during a run (seconds; tests pass their own)."""
        super().__init__(parent)
        self._snapshot: Snapshot | None = None
        self._scale = 1.0
        self._data_key: tuple[int, int, int] | None = None
        self._spec_key: object = None
        self._counts = (0, 0)
        self._highlighted = 0
        self._throttle = RedrawThrottle(self._render, self, interval=RUNNING_INTERVAL, clock=clock)
        self._thumbnails = ThumbnailGrid(self)
        self._curves = EpochCurves(self)
        self._curves.rollback.clicked.connect(self._rollback_clicked)
        self._build()
        self._apply_fonts()
        self._throttle.draw_now()

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self._message = QLabel(NEEDS_TWO_INPUTS)
        self._message.setObjectName("boundary_message")
        self._message.setWordWrap(True)
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setMargin(30)
        content = QWidget()
        columns = QHBoxLayout(content)
        columns.setContentsMargins(6, 6, 6, 6)
        columns.setSpacing(10)
        columns.addLayout(self._build_map_column(), 11)
        columns.addLayout(self._build_curve_column(), 9)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._message)
        self._stack.addWidget(content)

    def _build_map_column(self) -> QVBoxLayout:
        self._map_title = QLabel("The network's output over the input plane")
        self._map = pg.PlotWidget()
        self._map.setMenuEnabled(False)
        self._map.setMouseEnabled(x=False, y=False)
        self._map.hideButtons()
        self._map.setBackground("#ffffff")
        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setZValue(-10)
        self._map.addItem(self._image)
        self._train_points = pg.ScatterPlotItem(symbol="o", size=9)
        self._train_points.setZValue(1)
        self._test_points = pg.ScatterPlotItem(symbol="t1", size=11, brush=pg.mkBrush(0, 0, 0, 0))
        self._test_points.setZValue(2)
        self._validation_points = pg.ScatterPlotItem(symbol="s", size=10)
        self._validation_points.setZValue(2)
        self._batch_rings = pg.ScatterPlotItem(
            symbol="o", size=19, brush=pg.mkBrush(0, 0, 0, 0), pen=pg.mkPen("#000000", width=2.2)
        )
        self._batch_rings.setZValue(3)
        for item in (
            self._train_points, self._test_points, self._validation_points, self._batch_rings,
        ):  # fmt: skip
            self._map.addItem(item)
        self.chooser = PointChooser()
        self.editor = PointEditor(self._map, self._train_points, self.chooser)
        self.editor.edit_requested.connect(self.edit_requested)
        self.editor.refused.connect(self.refused)
        self._map_note = QLabel()
        self._map_note.setWordWrap(True)
        self._legend = QLabel()
        self._legend.setWordWrap(True)
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(self._map_title)
        left.addWidget(self.chooser)
        left.addWidget(self._map, 1)
        left.addWidget(self.chooser.hint)
        left.addWidget(self._map_note)
        left.addWidget(self._legend)
        return left

    def _build_curve_column(self) -> QVBoxLayout:
        self._counters = QLabel()
        self._counters.setObjectName("boundary_counters")
        self._counters.setWordWrap(True)
        self._definitions = QLabel()
        self._definitions.setWordWrap(True)
        right = QVBoxLayout()
        right.setSpacing(4)
        right.addWidget(self._counters)
        right.addWidget(self._definitions)
        right.addWidget(self._curves.title)
        right.addWidget(self._curves.plot, 1)
        right.addWidget(self._curves.rollback)
        right.addSpacing(6)
        right.addWidget(self._thumbnails.title)
        right.addLayout(self._thumbnails.grid)
        right.addStretch(0)
        return right

    # ------------------------------------------------------------ public API
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Draw ``snapshot``; while training runs, about ten times a second."""
        self._snapshot = snapshot
        self._curves.take_in(snapshot)
        self._throttle.request(urgent=not snapshot.running)

    def point_counts(self) -> tuple[int, int]:
        """How many training and test points are drawn."""
        return self._counts

    def thumbnail_count(self) -> int:
        return self._thumbnails.count()

    def thumbnail_names(self) -> list[str]:
        return self._thumbnails.names()

    def highlighted_count(self) -> int:
        """How many samples of the current batch are ringed."""
        return self._highlighted

    def counters_text(self) -> str:
        return self._counters.text() + "\n" + self._definitions.text()

    def enlarged_neuron(self) -> str | None:
        """The neuron whose map is shown enlarged (None when none is)."""
        return self._thumbnails.enlarged_name()

    def set_font_scale(self, scale: float) -> None:
        """The window's text size (the one rule: 75 % to 300 %)."""
        scale = clamp_font_scale(scale)
        if scale == self._scale:
            return
        self._scale = scale
        self._apply_fonts()
        self._spec_key = None  # thumbnails are rebuilt at the new size
        self._throttle.draw_now()

    def font_scale(self) -> float:
        return self._scale

    # ------------------------------------------------------------ slots
    @Slot()
    def _rollback_clicked(self) -> None:
        self.rollback_requested.emit()

    # ------------------------------------------------------------ drawing
    def _render(self) -> None:
        snapshot = self._snapshot
        if snapshot is None or snapshot.spec.n_inputs != 2:
            if snapshot is not None:
                self._message.setText(
                    f"{NEEDS_TWO_INPUTS}\n\n“{snapshot.dataset_name or 'These data'}” has "
                    f"{snapshot.spec.n_inputs} inputs."
                )
            self._stack.setCurrentIndex(0)
            self._counts = (0, 0)
            self._highlighted = 0
            self._thumbnails.clear()
            self._spec_key = None
            return
        self._stack.setCurrentIndex(1)
        self.chooser.take_in(snapshot)
        self._draw_counters(snapshot)
        self._draw_points(snapshot)
        self._draw_map(snapshot)
        self._draw_thumbnails(snapshot)
        if self._curves.theme_changed():
            self._apply_fonts()
        self._curves.draw(snapshot)

    def _draw_counters(self, s: Snapshot) -> None:
        n = max(s.iterations_per_epoch, 1)
        batch = len(s.trace.batch)
        if s.iteration == 0:
            epoch, position, state = 1, 1, "next"
        elif not s.step_complete:
            epoch, position, state = s.epoch + 1, s.position + 1, "in progress"
        elif s.position == 0:
            epoch, position, state = s.epoch, n, "done"
        else:
            epoch, position, state = s.epoch + 1, s.position, "done"
        self._counters.setText(
            f"epoch {epoch} · iteration {position} of {n} in this epoch · "
            f"batch of {_samples(batch)} ({state})"
        )
        self._definitions.setText(
            f"So far {s.epoch} epochs = {s.iteration} iterations. One iteration: one batch, one "
            f"weight update. One epoch: every training sample once ({_samples(s.n_samples)})."
        )

    def _draw_points(self, s: Snapshot) -> None:
        inputs, targets = s.inputs, s.targets
        if inputs is None or targets is None:
            return
        key = (id(inputs), id(s.test_inputs), id(s.validation_inputs))
        previewed = self.editor.preview_waiting
        as_data = self.editor.take_in(s)  # False: a point just edited is drawn, data to come
        if as_data and (key != self._data_key or previewed):
            self._data_key = key
            point_classes = classes(targets, s)
            self.editor.set_points(inputs, point_classes)
            self._train_points.setData(
                x=inputs[:, 0],
                y=inputs[:, 1],
                brush=[pg.mkBrush(class_colour(c)) for c in point_classes],
                pen=pg.mkPen("#1a1a1a", width=0.8),
            )
            n_test = _hollow(self._test_points, s.test_inputs, s.test_targets, s)
            _hollow(self._validation_points, s.validation_inputs, s.validation_targets, s)
            self._counts = (len(inputs), n_test)
            self._legend.setText(legend_html(s))
        batch = np.asarray(s.trace.batch, dtype=np.int64)
        batch = batch[(batch >= 0) & (batch < len(inputs))]
        if s.iteration == 0 and s.step_complete:
            batch = batch[:0]  # nothing computed yet: no batch to show
        self._batch_rings.setData(x=inputs[batch, 0], y=inputs[batch, 1])
        self._highlighted = int(batch.size)

    def _draw_map(self, s: Snapshot) -> None:
        grid = usable(s.decision_map)
        if grid is None:
            self._image.setVisible(False)
            self._map_note.setText(
                "No output map in this picture yet."
                if s.decision_map is None
                else "The inputs do not spread over an area, so there is no map to draw."
            )
            self._map_note.setVisible(True)
            return
        self._map_note.setVisible(False)
        self._image.setVisible(True)
        xs, ys, maps = grid
        self._image.setImage(output_rgba(maps[-1], s), autoLevels=False)
        width, height = float(xs[-1] - xs[0]), float(ys[-1] - ys[0])
        dx, dy = width / (len(xs) - 1), height / (len(ys) - 1)
        x0, y0 = float(xs[0]) - dx / 2, float(ys[0]) - dy / 2
        self._image.setRect(x0, y0, width + dx, height + dy)
        self._map.setRange(xRange=(x0, x0 + width + dx), yRange=(y0, y0 + height + dy), padding=0)

    def _draw_thumbnails(self, s: Snapshot) -> None:
        key = (s.spec, self._scale)
        if key != self._spec_key:
            self._spec_key = key
            self._thumbnails.rebuild(s.spec, self._scale, self._font())
            self._map_axis_labels()
        grid = usable(s.decision_map)
        self._thumbnails.draw(s.spec, grid[2] if grid is not None else None)

    # ------------------------------------------------------------ fonts
    def _font(self, factor: float = 1.0, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(BASE_POINT_SIZE * self._scale * factor)
        font.setBold(bold)
        return font

    def _apply_fonts(self) -> None:
        body = self._font()
        widgets = (
            self._map_note,
            self._legend,
            self._definitions,
            self._thumbnails.title,
            self._thumbnails.overlay_title,
        )
        for widget in widgets:
            widget.setFont(body)
        self._curves.set_fonts(body)
        self.chooser.set_fonts(body)
        self._counters.setFont(self._font(1.1, bold=True))
        self._map_title.setFont(self._font(1.1, bold=True))
        self._message.setFont(self._font(1.25))
        tick = self._font(0.9)
        for plot in (self._map, self._curves.plot):
            for side in ("bottom", "left"):
                axis = plot.getAxis(side)
                axis.setStyle(tickFont=tick)
                axis.enableAutoSIPrefix(False)
                if plot is self._map:
                    axis.setTextPen(MAP_TEXT)
                    axis.setPen(MAP_TEXT)
        style = self._label_style(self.palette().color(QPalette.ColorRole.WindowText))
        self._curves.plot.setLabel("bottom", "epoch", **style)
        self._curves.plot.setLabel("left", "error E", **style)
        self._map_axis_labels()

    def _map_axis_labels(self) -> None:
        across, up = "input 1", "input 2"
        if self._snapshot is not None and self._snapshot.spec.n_inputs == 2:
            across, up = self._snapshot.spec.neuron_names(0)
        style = self._label_style(QColor(MAP_TEXT))
        self._map.setLabel("bottom", across, **style)
        self._map.setLabel("left", up, **style)

    def _label_style(self, colour: QColor) -> dict[str, str]:
        return {"font-size": f"{BASE_POINT_SIZE * self._scale:.0f}pt", "color": colour.name()}


def _samples(n: int) -> str:
    return f"{n} sample" if n == 1 else f"{n} samples"


def _hollow(
    points: pg.ScatterPlotItem,
    x: NDArray[np.float64] | None,
    t: NDArray[np.float64] | None,
    s: Snapshot,
) -> int:
    """A held-out part's samples as hollow marks in their class colours; how many."""
    if x is None or t is None:
        points.setData(x=[], y=[])
        return 0
    pens = [pg.mkPen(class_colour(c), width=2.4) for c in classes(t, s)]
    points.setData(x=x[:, 0], y=x[:, 1], pen=pens, brush=pg.mkBrush(0, 0, 0, 0))
    return len(x)
