"""Adding, moving and removing training points on the decision map (ConvNetJS's 2-D demo).

A left click on the map adds a point of the class chosen beside it; pressing on a point and
dragging moves it; a right click on a point (or Delete after clicking it) removes it. Each
change is an intent (a core ``DataEdit``) the view emits for the window to send to the
worker; the point is drawn at once as a preview, and the next snapshot brings the real data.
"""

from __future__ import annotations

import math
import time

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QKeyEvent, QMouseEvent, QPixmap
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.data_edit import DataEdit, class_count, map_extent, target_row
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.tools.boundary.maps import class_colour, classes

__all__ = ["HIT_RADIUS", "PointChooser", "PointEditor"]

Array = NDArray[np.float64]

HIT_RADIUS = 8.0  # pixels from a point's centre that count as pressing on it (a click further
# off adds a point, even in a dense cloud)
DRAG_START = 4.0  # pixels the mouse moves before a press on a point becomes a drag
PREVIEW_SECONDS = 1.5  # during a run, a preview the data never confirmed goes after this
HINT = (
    "Click the map: add a point · drag a point: move it · right-click it (or click it, then "
    "press Delete): remove it"
)


class PointChooser(QWidget):
    """The class (or, for a regression, the target value) a click on the map adds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel("Click adds:")
        self.classes = QComboBox()
        self.classes.setObjectName("boundary_point_class")
        self.classes.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.value = QDoubleSpinBox()
        self.value.setObjectName("boundary_point_value")
        self.value.setRange(-1e6, 1e6)
        self.value.setDecimals(3)
        self.value.setSingleStep(0.1)
        self.value.hide()
        self.hint = QLabel(HINT)  # the view puts it under the map
        self.hint.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.caption)
        row.addWidget(self.classes)
        row.addWidget(self.value)
        row.addStretch(1)
        self._key: tuple[int, int, tuple[str, ...]] | None = None

    def take_in(self, s: Snapshot) -> None:
        """Offer the classes of ``s``'s data (or a value field for a regression)."""
        if s.targets is None:
            return
        count = class_count(s.targets)
        names = s.spec.neuron_names(s.spec.n_layers)
        key = (count, s.targets.shape[1], tuple(names))
        if key == self._key:
            return
        self._key = key
        self.classes.setVisible(count > 0)
        self.value.setVisible(count == 0)
        self.caption.setText("Click adds:" if count else "Click adds a point with target:")
        if count == 0:
            self.value.setValue(float(np.mean(s.targets)))
            return
        chosen = max(self.classes.currentIndex(), 0)
        self.classes.clear()
        for k in range(count):
            if s.targets.shape[1] == 1:
                value = target_row(s.targets, k)[0]
                text = f"class {k} (target {format_value(float(value))})"
            else:
                text = f"class {k} ({names[k]})"
            self.classes.addItem(_swatch(class_colour(k)), text)
        self.classes.setCurrentIndex(min(chosen, count - 1))

    def label(self) -> float:
        """The class index (or target value) a new point gets."""
        if self.value.isVisible() or self.classes.count() == 0:
            return float(self.value.value())
        return float(self.classes.currentIndex())

    def set_fonts(self, body: QFont) -> None:
        for widget in (self.caption, self.classes, self.value, self.hint):
            widget.setFont(body)


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class PointEditor(QObject):
    """Turns mouse presses on the map into ``edit_requested(DataEdit)`` and draws each
    change at once on ``points`` (a preview until the data come back changed)."""

    edit_requested = Signal(object)
    refused = Signal(str)  # a click the map cannot take (outside it), in words

    def __init__(
        self, plot: pg.PlotWidget, points: pg.ScatterPlotItem, chooser: PointChooser
    ) -> None:
        super().__init__(plot)
        self.plot = plot
        self.points = points
        self.chooser = chooser
        self._snapshot: Snapshot | None = None
        self._xy: Array = np.zeros((0, 2))  # the points as drawn (a preview may differ)
        self._classes: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._press: tuple[QPointF, int] | None = None  # where, and the point pressed (-1)
        self._dragging = False
        self.selected = -1  # the point clicked last (Delete removes it), ringed
        self._ring = pg.ScatterPlotItem(
            symbol="o", size=22, brush=pg.mkBrush(0, 0, 0, 0), pen=pg.mkPen("#d62728", width=3)
        )
        self._ring.setZValue(4)
        plot.addItem(self._ring)
        self._preview_since: float | None = None
        self._preview_inputs: object = None
        self._preview_seq = 0  # the snapshot shown when the edit was asked for
        self._viewport: QWidget = plot.viewport()
        self._viewport.installEventFilter(self)
        plot.installEventFilter(self)
        self._viewport.setCursor(Qt.CursorShape.CrossCursor)
        plot.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    # ------------------------------------------------------------ data
    def take_in(self, s: Snapshot) -> bool:
        """The snapshot about to be drawn; True when its points should replace the drawn ones
        (no preview is waiting for its data)."""
        self._snapshot = s
        if self._preview_since is None:
            return True
        changed = s.inputs is not self._preview_inputs
        answered = s.seq > self._preview_seq and not s.running  # the worker's answer to it
        stale = time.monotonic() - self._preview_since > PREVIEW_SECONDS
        if changed or answered or stale:
            self._preview_since = None
            return True
        return False

    def set_points(self, xy: Array, point_classes: NDArray[np.int64]) -> None:
        self._xy, self._classes = np.array(xy, dtype=np.float64), point_classes.copy()
        if self.selected >= len(self._xy):
            self.selected = -1
        self._draw_ring()

    @property
    def preview_waiting(self) -> bool:
        return self._preview_since is not None

    def drawn_points(self) -> Array:
        """The training points as the map shows them now (preview included)."""
        drawn: Array = self._xy.copy()
        return drawn

    # ------------------------------------------------------------ geometry
    def to_data(self, pos: QPointF) -> tuple[float, float]:
        """A viewport position in the map's input coordinates."""
        scene = self.plot.mapToScene(pos.toPoint())
        point = self.plot.getPlotItem().vb.mapSceneToView(scene)
        return float(point.x()), float(point.y())

    def to_viewport(self, x: float, y: float) -> QPoint:
        """Where the input point (x, y) is on the map's viewport, in pixels."""
        scene = self.plot.getPlotItem().vb.mapViewToScene(QPointF(x, y))
        where: QPoint = self.plot.mapFromScene(scene)
        return where

    def point_at(self, pos: QPointF) -> int:
        """The training point within HIT_RADIUS pixels of ``pos`` (the nearest), or -1."""
        if self._xy.shape[0] == 0:
            return -1
        vb = self.plot.getPlotItem().vb
        rect = vb.viewRect()
        box = self.plot.mapFromScene(vb.sceneBoundingRect()).boundingRect()
        if rect.width() <= 0 or rect.height() <= 0:
            return -1
        px = box.left() + (self._xy[:, 0] - rect.left()) / rect.width() * box.width()
        py = box.top() + (rect.bottom() - self._xy[:, 1]) / rect.height() * box.height()
        distance = np.hypot(px - pos.x(), py - pos.y())
        nearest = int(np.argmin(distance))
        return nearest if distance[nearest] <= HIT_RADIUS else -1

    def _on_map(self, x: float, y: float) -> bool:
        s = self._snapshot
        if s is None or s.inputs is None or s.inputs.shape[1] != 2:
            return False
        (x0, x1), (y0, y1) = map_extent(s.inputs)
        return x0 <= x <= x1 and y0 <= y <= y1

    # ------------------------------------------------------------ events
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and watched is self.plot and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected >= 0:
                self.remove(self.selected)
                return True
            return False
        if watched is not self._viewport or not isinstance(event, QMouseEvent):
            return False
        if self._snapshot is None or self._snapshot.spec.n_inputs != 2:
            return False
        if kind == QEvent.Type.MouseButtonPress:
            return self._pressed(event)
        if kind == QEvent.Type.MouseMove and self._press is not None:
            self._moved(event.position())
            return True
        if kind == QEvent.Type.MouseMove:  # hovering: a hand over a point that can be dragged
            over = self.point_at(event.position()) >= 0
            shape = Qt.CursorShape.OpenHandCursor if over else Qt.CursorShape.CrossCursor
            self._viewport.setCursor(shape)
            return False
        if kind == QEvent.Type.MouseButtonRelease and self._press is not None:
            self._released(event.position())
            return True
        return False

    def _pressed(self, event: QMouseEvent) -> bool:
        pos = event.position()
        hit = self.point_at(pos)
        if event.button() == Qt.MouseButton.RightButton:
            if hit >= 0:
                self.remove(hit)
            return True
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        self.plot.setFocus()
        self._press, self._dragging = (pos, hit), False
        self.selected = hit
        self._draw_ring()
        return True

    def _moved(self, pos: QPointF) -> None:
        assert self._press is not None
        start, hit = self._press
        if hit < 0:
            return
        if not self._dragging and math.hypot(pos.x() - start.x(), pos.y() - start.y()) < DRAG_START:
            return
        self._dragging = True
        x, y = self.to_data(pos)
        if self._on_map(x, y):
            self._xy[hit] = (x, y)
            self._redraw()
            self._draw_ring()

    def _released(self, pos: QPointF) -> None:
        assert self._press is not None
        _, hit = self._press
        self._press = None
        x, y = self.to_data(pos)
        if hit >= 0 and not self._dragging:
            return  # a click on a point: it is selected (Delete removes it)
        if hit >= 0:
            self._dragging = False
            self.move(hit, x, y)
        else:
            self.add(x, y)

    # ------------------------------------------------------------ the intents
    def add(self, x: float, y: float) -> bool:
        """A new point of the chosen class at (x, y): drawn now, asked of the worker."""
        if not self._on_map(x, y):
            self.refused.emit("A new point must go on the map: click inside the coloured area.")
            return False
        label = self.chooser.label()
        s = self._snapshot
        assert s is not None and s.targets is not None
        try:
            row = target_row(s.targets, label)
        except ValueError as error:
            self.refused.emit(str(error))
            return False
        self._xy = np.vstack([self._xy, [[x, y]]])
        self._classes = np.append(self._classes, classes(row[None, :], s))
        self._emit(DataEdit("add", x, y, label=label))
        return True

    def move(self, index: int, x: float, y: float) -> bool:
        if not self._on_map(x, y):
            self._reset_to_snapshot()
            self.refused.emit("A point can be moved only within the map.")
            return False
        self._xy[index] = (x, y)
        self._emit(DataEdit("move", x, y, index=index))
        return True

    def remove(self, index: int) -> None:
        if not 0 <= index < self._xy.shape[0]:
            return
        self._xy = np.delete(self._xy, index, axis=0)
        self._classes = np.delete(self._classes, index)
        self.selected = -1
        self._draw_ring()
        self._emit(DataEdit("remove", index=index))

    def _emit(self, edit: DataEdit) -> None:
        s = self._snapshot
        self._preview_since = time.monotonic()
        self._preview_inputs = None if s is None else s.inputs
        self._preview_seq = 0 if s is None else s.seq
        self._redraw()
        self.edit_requested.emit(edit)

    def _reset_to_snapshot(self) -> None:
        s = self._snapshot
        if s is not None and s.inputs is not None and s.targets is not None:
            self.set_points(s.inputs, classes(s.targets, s))
            self._redraw()

    def _draw_ring(self) -> None:
        """A red ring round the selected point (what Delete removes)."""
        if 0 <= self.selected < len(self._xy):
            x, y = self._xy[self.selected]
            self._ring.setData(x=[x], y=[y])
        else:
            self._ring.setData(x=[], y=[])

    def _redraw(self) -> None:
        self.points.setData(
            x=self._xy[:, 0],
            y=self._xy[:, 1],
            brush=[pg.mkBrush(class_colour(int(c))) for c in self._classes],
            pen=pg.mkPen("#1a1a1a", width=0.8),
        )
