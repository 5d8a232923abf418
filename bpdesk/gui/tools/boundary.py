"""The decision-boundary view: the network's output over the input plane, with the data on it."""

from __future__ import annotations

import math
import time

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QEnterEvent, QFont, QImage, QPalette, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.plot_buffer import PlotBuffer
from bpdesk.core.stepping.snapshot import Snapshot

__all__ = ["BoundaryView", "thumbnail_plan"]

Array = NDArray[np.float64]

BASE_POINT_SIZE = 12.0
MIN_SCALE, MAX_SCALE = 0.75, 2.5
RUNNING_INTERVAL = 0.1  # seconds between redraws while training runs
MAX_PER_LAYER = 16  # hidden neurons shown per layer; more are thinned out evenly
MAX_THUMBNAILS = 32  # over all hidden layers together
MIN_PER_LAYER = 4
THUMB_COLUMNS = 8
THUMB_SIZE = 44  # pixels at font scale 1
ENLARGED_SIZE = 240
# Class colours (Okabe–Ito, readable by the colour-blind); the map uses them faded.
CLASS_COLOURS = ("#0a5fb4", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
MAP_STRENGTH = 0.5  # how far a sure region's colour goes from white towards its class colour
LOW, MIDDLE, HIGH = "#2166ac", "#f7f7f7", "#c0502a"  # hidden neurons: low, middle, high
# Curve colours on a light and on a dark background: training, test, best epoch.
CURVE_COLOURS = {
    "light": ("#0b4f9c", "#c25400", "#1b6e34"),
    "dark": ("#8cbcff", "#ffa55c", "#7bd88f"),
}
MAP_TEXT = "#111111"  # the map is always drawn on white, in either theme
NEEDS_TWO_INPUTS = (
    "This view draws every input as a point on a plane, so it needs data with exactly two "
    "inputs: open spirals, moons, circles or XOR."
)
ACTIVATION_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "softmax": (0.0, 1.0)}


def thumbnail_plan(hidden_sizes: list[int]) -> list[list[int]]:
    """Which neurons of each hidden layer get a thumbnail: all of them up to ``MAX_PER_LAYER``
    (fewer when there are many layers, so that at most ``MAX_THUMBNAILS`` are drawn), else
    that many spread evenly from the first to the last."""
    if not hidden_sizes:
        return []
    per_layer = max(MIN_PER_LAYER, min(MAX_PER_LAYER, MAX_THUMBNAILS // len(hidden_sizes)))
    plan = []
    for size in hidden_sizes:
        if size <= per_layer:
            plan.append(list(range(size)))
        else:
            picks = np.linspace(0, size - 1, per_layer).round().astype(int)
            plan.append(sorted({int(p) for p in picks}))
    return plan


def _rgb(colour: str) -> Array:
    c = QColor(colour)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def _faded(colour: str, strength: float = MAP_STRENGTH) -> str:
    mixed = 255.0 + (_rgb(colour) - 255.0) * strength
    return QColor(*(round(float(v)) for v in mixed)).name()


_HIDDEN_MAP = pg.ColorMap([0.0, 0.5, 1.0], [LOW, MIDDLE, HIGH])


def _to_image(rgba: np.ndarray) -> QImage:
    """A map (rows from the lowest y up) as an image with the highest y on top."""
    data = np.ascontiguousarray(np.flipud(rgba).astype(np.uint8))
    height, width = data.shape[:2]
    return QImage(data.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


class _Thumbnail(QLabel):
    """One hidden neuron's map; pointing at it asks the view to show it enlarged."""

    hovered = Signal(int, bool)

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.setObjectName("thumbnail")
        self.setFrameShape(QFrame.Shape.Box)
        self.setLineWidth(1)
        self.setScaledContents(True)

    def enterEvent(self, event: QEnterEvent) -> None:
        self.hovered.emit(self.index, True)
        super().enterEvent(event)

    def leaveEvent(self, event: object) -> None:
        self.hovered.emit(self.index, False)
        super().leaveEvent(event)  # type: ignore[arg-type]


class BoundaryView(QWidget):
    """Output map, data points, hidden neurons' maps and the train/test error per epoch.

    Emits ``rollback_requested`` when the student asks for the weights of the epoch with
    the lowest test error.
    """

    rollback_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._snapshot: Snapshot | None = None
        self._scale = 1.0
        self._epochs = PlotBuffer()
        self._data_key: tuple[int, int] | None = None
        self._spec_key: object = None
        self._counts = (0, 0)
        self._highlighted = 0
        self._thumbs: list[_Thumbnail] = []
        self._thumb_neurons: list[tuple[int, int, str]] = []  # (layer, neuron, name)
        self._images: list[QImage | None] = []
        self._enlarged: int | None = None
        self._last_render = -math.inf
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._render)
        self._build()
        self._apply_fonts()
        self._render()

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self._message = QLabel(NEEDS_TWO_INPUTS)
        self._message.setObjectName("boundary_message")
        self._message.setWordWrap(True)
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setMargin(30)

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
        self._batch_rings = pg.ScatterPlotItem(
            symbol="o", size=19, brush=pg.mkBrush(0, 0, 0, 0), pen=pg.mkPen("#000000", width=2.2)
        )
        self._batch_rings.setZValue(3)
        for item in (self._train_points, self._test_points, self._batch_rings):
            self._map.addItem(item)
        self._map_note = QLabel()
        self._map_note.setWordWrap(True)
        self._legend = QLabel()
        self._legend.setWordWrap(True)
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(self._map_title)
        left.addWidget(self._map, 1)
        left.addWidget(self._map_note)
        left.addWidget(self._legend)

        self._counters = QLabel()
        self._counters.setObjectName("boundary_counters")
        self._counters.setWordWrap(True)
        self._definitions = QLabel()
        self._definitions.setWordWrap(True)
        self._curve_title = QLabel()
        self._curve_title.setTextFormat(Qt.TextFormat.RichText)
        self._curves = pg.PlotWidget()
        self._curves.setMenuEnabled(False)
        self._curves.setMouseEnabled(x=False, y=False)
        self._curves.hideButtons()
        self._curves.showGrid(x=True, y=True, alpha=0.25)
        self._train_curve = self._curves.plot()
        self._test_curve = self._curves.plot()
        self._best_line = pg.InfiniteLine(angle=90, movable=False)
        self._best_label = pg.TextItem(anchor=(0, 0))
        self._theme = ""
        self._curves.addItem(self._best_line)
        self._curves.addItem(self._best_label)
        self._best_line.setVisible(False)
        self._best_label.setVisible(False)
        self._rollback = QPushButton("Roll back to best epoch")
        self._rollback.setObjectName("boundary_rollback")
        self._rollback.clicked.connect(self._rollback_clicked)
        self._thumbs_title = QLabel()
        self._thumbs_title.setWordWrap(True)
        self._thumb_grid = QGridLayout()
        self._thumb_grid.setSpacing(3)
        self._thumb_grid.setContentsMargins(0, 0, 0, 0)
        right = QVBoxLayout()
        right.setSpacing(4)
        right.addWidget(self._counters)
        right.addWidget(self._definitions)
        right.addWidget(self._curve_title)
        right.addWidget(self._curves, 1)
        right.addWidget(self._rollback)
        right.addSpacing(6)
        right.addWidget(self._thumbs_title)
        right.addLayout(self._thumb_grid)
        right.addStretch(0)

        content = QWidget()
        columns = QHBoxLayout(content)
        columns.setContentsMargins(6, 6, 6, 6)
        columns.setSpacing(10)
        columns.addLayout(left, 11)
        columns.addLayout(right, 9)

        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._message)
        self._stack.addWidget(content)

        self._overlay = QFrame(self)
        self._overlay.setObjectName("boundary_enlarged")
        self._overlay.setFrameShape(QFrame.Shape.Box)
        self._overlay.setLineWidth(2)
        self._overlay.setAutoFillBackground(True)
        self._overlay_title = QLabel(self._overlay)
        self._overlay_image = QLabel(self._overlay)
        self._overlay_image.setFixedSize(ENLARGED_SIZE, ENLARGED_SIZE)
        self._overlay_image.setScaledContents(True)
        overlay = QVBoxLayout(self._overlay)
        overlay.setContentsMargins(6, 4, 6, 6)
        overlay.addWidget(self._overlay_title)
        overlay.addWidget(self._overlay_image)
        self._overlay.hide()

    # ------------------------------------------------------------ public API
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Draw ``snapshot``; while training runs, about ten times a second."""
        self._snapshot = snapshot
        _merge(self._epochs, snapshot.epoch_history_start, snapshot.epoch_errors)
        waited = time.monotonic() - self._last_render
        if snapshot.running and waited < RUNNING_INTERVAL:
            if not self._timer.isActive():
                self._timer.start(int((RUNNING_INTERVAL - waited) * 1000) + 1)
            return
        self._render()

    def point_counts(self) -> tuple[int, int]:
        """How many training and test points are drawn."""
        return self._counts

    def thumbnail_count(self) -> int:
        return len(self._thumbs)

    def thumbnail_names(self) -> list[str]:
        return [name for _, _, name in self._thumb_neurons]

    def highlighted_count(self) -> int:
        """How many samples of the current batch are ringed."""
        return self._highlighted

    def counters_text(self) -> str:
        return self._counters.text() + "\n" + self._definitions.text()

    def enlarged_neuron(self) -> str | None:
        """The neuron whose map is shown enlarged (None when none is)."""
        if self._enlarged is None or self._overlay.isHidden():
            return None
        return self._thumb_neurons[self._enlarged][2]

    def set_font_scale(self, scale: float) -> None:
        """1.0 for a screen, up to 2.5 for a projector."""
        scale = min(MAX_SCALE, max(MIN_SCALE, float(scale)))
        if scale == self._scale:
            return
        self._scale = scale
        self._apply_fonts()
        self._spec_key = None  # thumbnails are rebuilt at the new size
        self._render()

    def font_scale(self) -> float:
        return self._scale

    # ------------------------------------------------------------ slots
    @Slot()
    def _rollback_clicked(self) -> None:
        self.rollback_requested.emit()

    @Slot(int, bool)
    def _thumb_hovered(self, index: int, inside: bool) -> None:
        if inside:
            self._show_enlarged(index)
        elif self._enlarged == index:
            self._enlarged = None
            self._overlay.hide()

    # ------------------------------------------------------------ drawing
    def _render(self) -> None:
        self._timer.stop()
        self._last_render = time.monotonic()
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
            self._clear_thumbnails()
            self._spec_key = None
            return
        self._stack.setCurrentIndex(1)
        self._draw_counters(snapshot)
        self._draw_points(snapshot)
        self._draw_map(snapshot)
        self._draw_thumbnails(snapshot)
        self._draw_curves(snapshot)

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

    def _classes(self, targets: Array, s: Snapshot) -> NDArray[np.int64]:
        if targets.shape[1] == 1:
            assert s.targets is not None
            low, high = float(s.targets.min()), float(s.targets.max())
            above: NDArray[np.int64] = (targets[:, 0] >= (low + high) / 2).astype(np.int64)
            return above
        largest: NDArray[np.int64] = np.argmax(targets, axis=1).astype(np.int64)
        return largest

    def _draw_points(self, s: Snapshot) -> None:
        inputs, targets = s.inputs, s.targets
        if inputs is None or targets is None:
            return
        key = (id(inputs), id(s.test_inputs))
        if key != self._data_key:
            self._data_key = key
            colours = [CLASS_COLOURS[c % len(CLASS_COLOURS)] for c in self._classes(targets, s)]
            self._train_points.setData(
                x=inputs[:, 0],
                y=inputs[:, 1],
                brush=[pg.mkBrush(c) for c in colours],
                pen=pg.mkPen("#1a1a1a", width=0.8),
            )
            n_test = 0
            if s.test_inputs is not None and s.test_targets is not None:
                test_classes = self._classes(s.test_targets, s)
                pens = [
                    pg.mkPen(CLASS_COLOURS[c % len(CLASS_COLOURS)], width=2.4) for c in test_classes
                ]
                self._test_points.setData(
                    x=s.test_inputs[:, 0],
                    y=s.test_inputs[:, 1],
                    pen=pens,
                    brush=pg.mkBrush(0, 0, 0, 0),
                )
                n_test = len(s.test_inputs)
            else:
                self._test_points.setData(x=[], y=[])
            self._counts = (len(inputs), n_test)
            self._legend.setText(self._legend_html(s))
        batch = np.asarray(s.trace.batch, dtype=np.int64)
        batch = batch[(batch >= 0) & (batch < len(inputs))]
        if s.iteration == 0 and s.step_complete:
            batch = batch[:0]  # nothing computed yet: no batch to show
        self._batch_rings.setData(x=inputs[batch, 0], y=inputs[batch, 1])
        self._highlighted = int(batch.size)

    def _legend_html(self, s: Snapshot) -> str:
        assert s.targets is not None
        outputs = s.spec.neuron_names(s.spec.n_layers)
        if s.targets.shape[1] == 1:
            low, high = float(s.targets.min()), float(s.targets.max())
            names = [f"target {format_value(low)}", f"target {format_value(high)}"]
            background = (
                f"Background: the output, from {format_value(low)} (blue) through the middle "
                f"(white, undecided) to {format_value(high)} (orange)."
            )
        else:
            names = list(outputs)
            background = (
                "Background: the class whose output is largest; the stronger the colour, the surer "
                "the network."
            )
        class_note = "" if s.targets.shape[1] == 1 else " (the output with the largest target)"
        swatches = " &nbsp; ".join(
            f"<span style='color:{CLASS_COLOURS[k % len(CLASS_COLOURS)]}'>■</span>&nbsp;{name}"
            for k, name in enumerate(names)
        )
        return (
            "<b>●</b>&nbsp;filled:&nbsp;training&nbsp;point &nbsp; <b>△</b>&nbsp;hollow:&nbsp;test"
            "&nbsp;point &nbsp; <b>◯</b>&nbsp;ring:&nbsp;in&nbsp;the&nbsp;current&nbsp;batch<br>"
            f"Colour = class{class_note}: {swatches}<br>{background}"
        )

    def _draw_map(self, s: Snapshot) -> None:
        grid = _usable(s.decision_map)
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
        self._image.setImage(self._output_rgba(maps[-1], s), autoLevels=False)
        width, height = float(xs[-1] - xs[0]), float(ys[-1] - ys[0])
        dx, dy = width / (len(xs) - 1), height / (len(ys) - 1)
        x0, y0 = float(xs[0]) - dx / 2, float(ys[0]) - dy / 2
        self._image.setRect(x0, y0, width + dx, height + dy)
        self._map.setRange(xRange=(x0, x0 + width + dx), yRange=(y0, y0 + height + dy), padding=0)

    def _output_rgba(self, out: Array, s: Snapshot) -> np.ndarray:
        rows, cols, k = out.shape
        if k == 1:
            assert s.targets is not None
            low, high = float(s.targets.min()), float(s.targets.max())
            if high - low < 1e-12:
                low, high = low - 1.0, high + 1.0
            ends = [_faded(CLASS_COLOURS[0]), "#ffffff", _faded(CLASS_COLOURS[1])]
            cmap = pg.ColorMap([0.0, 0.5, 1.0], ends)
            level = np.clip((out[:, :, 0] - low) / (high - low), 0.0, 1.0)
            rgba = np.asarray(cmap.map(level.ravel(), mode="byte")).reshape(rows, cols, 4)
            return rgba.astype(np.uint8)
        best = np.argmax(out, axis=2)
        top = np.max(out, axis=2)
        sure = np.clip((top - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0) * MAP_STRENGTH
        palette = np.array([_rgb(CLASS_COLOURS[c % len(CLASS_COLOURS)]) for c in range(k)])
        rgb = 255.0 + (palette[best] - 255.0) * sure[:, :, None]
        alpha = np.full((rows, cols, 1), 255.0)
        mixed: np.ndarray = np.concatenate([rgb, alpha], axis=2).round().astype(np.uint8)
        return mixed

    # ------------------------------------------------------------ hidden neurons
    def _draw_thumbnails(self, s: Snapshot) -> None:
        spec = s.spec
        hidden = [spec.sizes[level] for level in range(1, spec.n_layers)]
        key = (spec, self._scale)
        if key != self._spec_key:
            self._spec_key = key
            self._build_thumbnails(s, thumbnail_plan(hidden))
            self._map_axis_labels()
        grid = _usable(s.decision_map)
        maps = grid[2] if grid is not None else None
        for k, (layer, neuron, _) in enumerate(self._thumb_neurons):
            if maps is None or layer >= len(maps) - 1:
                self._images[k] = None
                self._thumbs[k].clear()
                continue
            values = maps[layer][:, :, neuron]
            low, high = ACTIVATION_RANGES.get(spec.layers[layer].activation, (math.nan, math.nan))
            if math.isnan(low):
                reach = max(float(np.max(np.abs(values))), 1e-12)
                low, high = -reach, reach
            level = np.clip((values - low) / (high - low), 0.0, 1.0)
            rgba = np.asarray(_HIDDEN_MAP.map(level.ravel(), mode="byte"))
            image = _to_image(rgba.reshape(values.shape[0], values.shape[1], 4))
            self._images[k] = image
            self._thumbs[k].setPixmap(QPixmap.fromImage(image))
        if self._enlarged is not None and not self._overlay.isHidden():
            self._show_enlarged(self._enlarged)

    def _clear_thumbnails(self) -> None:
        while self._thumb_grid.count():
            item = self._thumb_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._thumbs, self._thumb_neurons, self._images = [], [], []
        self._enlarged = None
        self._overlay.hide()

    def _build_thumbnails(self, s: Snapshot, plan: list[list[int]]) -> None:
        self._clear_thumbnails()
        spec = s.spec
        few = sum(len(p) for p in plan) <= THUMB_COLUMNS // 2
        size = round(THUMB_SIZE * self._scale * (2 if few else 1))  # few neurons: bigger maps
        row = 0
        for layer, picks in enumerate(plan):
            names = spec.neuron_names(layer + 1)
            shown = f"{len(picks)} of {len(names)}" if len(picks) < len(names) else len(names)
            label = QLabel(f"hidden layer {layer + 1}: {names[0]} … {names[-1]} ({shown} shown)")
            label.setFont(self._font())
            self._thumb_grid.addWidget(label, row, 0, 1, THUMB_COLUMNS)
            row += 1
            for k, neuron in enumerate(picks):
                thumb = _Thumbnail(len(self._thumbs))
                thumb.setFixedSize(size, size)
                thumb.setToolTip(f"{names[neuron]}: point here to enlarge")
                thumb.hovered.connect(self._thumb_hovered)
                self._thumb_grid.addWidget(thumb, row + k // THUMB_COLUMNS, k % THUMB_COLUMNS)
                self._thumbs.append(thumb)
                self._thumb_neurons.append((layer, neuron, names[neuron]))
                self._images.append(None)
            row += (len(picks) + THUMB_COLUMNS - 1) // THUMB_COLUMNS
        if plan:
            self._thumbs_title.setText(
                "Hidden neurons: each one's output over the same plane (blue low, white middle, "
                "orange high). Point at one to enlarge it."
            )
        else:
            self._thumbs_title.setText("This network has no hidden layer.")

    def _show_enlarged(self, index: int) -> None:
        if not 0 <= index < len(self._thumbs):
            return
        layer, neuron, name = self._thumb_neurons[index]
        self._enlarged = index
        self._overlay_title.setText(f"{name}: hidden layer {layer + 1}, neuron {neuron + 1}")
        image = self._images[index]
        if image is None:
            self._overlay_image.clear()
        else:
            self._overlay_image.setPixmap(QPixmap.fromImage(image))
        self._overlay.adjustSize()
        thumb = self._thumbs[index]
        corner = thumb.mapTo(self, QPoint(0, 0))
        x = corner.x() - self._overlay.width() - 8
        y = corner.y() + thumb.height() // 2 - self._overlay.height() // 2
        x = max(0, min(x, self.width() - self._overlay.width()))
        y = max(0, min(y, self.height() - self._overlay.height()))
        self._overlay.move(x, y)
        self._overlay.show()
        self._overlay.raise_()

    # ------------------------------------------------------------ error curves
    def _apply_theme(self) -> None:
        """Curve colours that stand out on the current background (light or dark)."""
        background = self.palette().color(QPalette.ColorRole.Window)
        theme = "dark" if background.lightness() < 128 else "light"
        if theme == self._theme:
            return
        self._theme = theme
        train, test, best = CURVE_COLOURS[theme]
        self._curves.setBackground(self.palette().color(QPalette.ColorRole.Base))
        text = self.palette().color(QPalette.ColorRole.WindowText)
        for side in ("bottom", "left"):
            self._curves.getAxis(side).setTextPen(text)
            self._curves.getAxis(side).setPen(text)
        self._train_curve.setPen(pg.mkPen(train, width=2.5))
        self._test_curve.setPen(pg.mkPen(test, width=2.5, style=Qt.PenStyle.DashLine))
        self._best_line.setPen(pg.mkPen(best, width=2, style=Qt.PenStyle.DotLine))
        self._best_label.setColor(best)
        self._apply_fonts()

    def _draw_curves(self, s: Snapshot) -> None:
        self._apply_theme()
        x = self._epochs.x() + 1.0
        self._train_curve.setData(x, self._epochs.y())
        tests = s.test_errors
        has_test = tests is not None and len(tests) > 0
        if has_test:
            assert tests is not None
            self._test_curve.setData(np.arange(1, len(tests) + 1, dtype=np.float64), tests)
        else:
            self._test_curve.setData([], [])
        self._test_curve.setVisible(has_test)
        top = _finite_max(self._epochs.y(), tests)
        self._curves.setYRange(0.0, top * 1.25, padding=0)
        best = s.best_epoch
        self._best_line.setVisible(best is not None)
        self._best_label.setVisible(best is not None)
        self._rollback.setEnabled(best is not None)
        if best is not None:
            self._best_line.setValue(best)
            self._best_label.setText(f"best test error: epoch {best}")
            right_half = best > max(float(x[-1]) if len(x) else 1.0, 1.0) / 2
            self._best_label.setAnchor((1, 0) if right_half else (0, 0))
            self._best_label.setPos(best, top * 1.2)
            self._rollback.setToolTip(f"Put back the weights of epoch {best}.")
        else:
            self._rollback.setToolTip("Needs a test split and at least one epoch of training.")
        train_colour, test_colour, _ = CURVE_COLOURS[self._theme]
        test_word = (
            f" &nbsp; <span style='color:{test_colour}'><b>- - -</b></span> test (dashed)"
            if has_test
            else " &nbsp; (no test split)"
        )
        self._curve_title.setText(
            f"Error per epoch: <span style='color:{train_colour}'><b>——</b></span> "
            f"training (solid){test_word}"
        )

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
            self._curve_title,
            self._rollback,
            self._thumbs_title,
            self._overlay_title,
        )
        for widget in widgets:
            widget.setFont(body)
        self._counters.setFont(self._font(1.1, bold=True))
        self._map_title.setFont(self._font(1.1, bold=True))
        self._message.setFont(self._font(1.25))
        self._best_label.setFont(body)
        tick = self._font(0.9)
        for plot, (xl, yl) in ((self._map, ("", "")), (self._curves, ("epoch", "error E"))):
            for side in ("bottom", "left"):
                axis = plot.getAxis(side)
                axis.setStyle(tickFont=tick)
                axis.enableAutoSIPrefix(False)
                if plot is self._map:
                    axis.setTextPen(MAP_TEXT)
                    axis.setPen(MAP_TEXT)
            if xl:
                style = self._label_style(self.palette().color(QPalette.ColorRole.WindowText))
                plot.setLabel("bottom", xl, **style)
                plot.setLabel("left", yl, **style)
        self._map_axis_labels()

    def _map_axis_labels(self) -> None:
        names = ("input 1", "input 2")
        if self._snapshot is not None and self._snapshot.spec.n_inputs == 2:
            names = tuple(self._snapshot.spec.neuron_names(0))  # type: ignore[assignment]
        style = self._label_style(QColor(MAP_TEXT))
        self._map.setLabel("bottom", names[0], **style)
        self._map.setLabel("left", names[1], **style)

    def _label_style(self, colour: QColor) -> dict[str, str]:
        return {"font-size": f"{BASE_POINT_SIZE * self._scale:.0f}pt", "color": colour.name()}


def _usable(
    grid: tuple[Array, Array, list[Array]] | None,
) -> tuple[Array, Array, list[Array]] | None:
    """The decision map, or None when there is none or it covers no area (a single sample)."""
    if grid is None:
        return None
    xs, ys, _ = grid
    if len(xs) < 2 or len(ys) < 2 or xs[-1] - xs[0] <= 1e-9 or ys[-1] - ys[0] <= 1e-9:
        return None
    return grid


def _samples(n: int) -> str:
    return f"{n} sample" if n == 1 else f"{n} samples"


def _merge(buffer: PlotBuffer, start: int, values: Array) -> None:
    """Take in history values sent from index ``start`` (a cut back when below the end)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if start < buffer.end:
        buffer.truncate(start)
    if values.size:
        buffer.append(start, values)


def _finite_max(*arrays: Array | None) -> float:
    tops = [
        float(np.max(a[np.isfinite(a)])) for a in arrays if a is not None and np.isfinite(a).any()
    ]
    return max(tops) if tops else 1.0
