"""The node-link canvas: the network drawn layer by layer, with every number of the step on it."""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QPolygonF,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QWidget,
)

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.formatting import format_value, parse_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.stepping.trace import Op, StepTrace
from bpdesk.gui.views.canvas.items import (
    BACKGROUND,
    INK,
    BiasUnitItem,
    InputGridItem,
    LabelItem,
    LegendItem,
    LinkBundle,
    NeuronItem,
)

__all__ = ["NetworkCanvas"]

LINK_LABEL_LIMIT = 12  # more links than this between two columns: no value labels on them
NEURON_LABEL_LIMIT = 12  # more neurons than this in a column: small circles, no labels
FULL_BOX_LIMIT = 4  # columns up to this size show every value, larger ones the latest two
BIG_NETWORK = 400  # parameters above which values are read from the trace's arrays directly
LABEL_FRACTIONS = (0.5, 0.38, 0.62, 0.28, 0.72, 0.44, 0.56, 0.2, 0.8, 0.33, 0.67, 0.15, 0.85)
MIN_ZOOM, MAX_ZOOM = 0.05, 25.0
FAN = (QColor("#e4e4e4"), QColor("#f0f0f0"))  # rows of the input image, alternating


class _Values:
    """The step's numbers by the lecture's names; NaN where not computed yet.

    Small networks use ``StepTrace.named_values``; for large ones (thousands of names,
    dozens of snapshots a second) the few numbers on screen are read from the arrays.
    """

    def __init__(self, trace: StepTrace, where: dict[str, tuple[int, int]]) -> None:
        self.trace = trace
        self.where = where
        self.named = trace.named_values() if trace.spec.n_parameters <= BIG_NETWORK else None

    def __call__(self, key: str) -> float:
        if self.named is not None:
            return self.named.get(key, math.nan)
        return self.direct(key)

    def direct(self, key: str) -> float:
        trace = self.trace
        if key == "E_total":
            return float(trace.E_total)
        if key in self.where:
            return float(trace.inputs[0, self.where[key][1]])
        for prefix, attr in (("net_", "net"), ("out_", "out"), ("dE_total/dnet_", "delta")):
            if key.startswith(prefix) and key[len(prefix) :] in self.where:
                column, j = self.where[key[len(prefix) :]]
                return float(getattr(trace.layers[column - 1], attr)[0, j])
        for prefix, array in (("target_", trace.targets), ("E_", trace.errors)):
            if key.startswith(prefix) and key[len(prefix) :] in self.where:
                return float(array[0, self.where[key[len(prefix) :]][1]])
        gradient = key.startswith("dE_total/d")
        after = key.endswith("+")
        name = key[len("dE_total/d") :] if gradient else key.removesuffix("+")
        ref = trace.spec.ref(name)
        layer = trace.layers[ref.layer]
        if ref.kind == "w":
            array = layer.grad_w if gradient else layer.w_after if after else layer.w_before
        else:
            array = layer.grad_b if gradient else layer.b_after if after else layer.b_before
        return float(array[ref.row, ref.col])


@dataclass
class _Column:
    """One column of neurons and how its labels are drawn."""

    index: int
    names: tuple[str, ...]
    x: float
    ys: list[float]
    radius: float
    boxes: bool  # value labels shown
    compact: bool  # only the latest two values
    side: str  # where the value label sits: left, right or vertical (above / below)
    image: bool = False


class _Fonts:
    def __init__(self, scale: float) -> None:
        self.label = QFont()
        self.label.setPointSizeF(12 * scale)
        self.name = QFont()
        self.name.setPointSizeF(13 * scale)
        self.name.setBold(True)
        self.caption = QFont()
        self.caption.setPointSizeF(12 * scale)
        self.caption.setItalic(True)
        self.unit = QFont()
        self.unit.setPointSizeF(11 * scale)
        self.unit.setBold(True)
        self.metrics = QFontMetricsF(self.label)
        self.name_metrics = QFontMetricsF(self.name)
        self.lh = self.metrics.height()

    @staticmethod
    def base_line_height() -> float:
        """The label line height at font scale 1."""
        font = QFont()
        font.setPointSizeF(12)
        return QFontMetricsF(font).height()

    def width(self, text: str) -> float:
        return self.metrics.horizontalAdvance(text) + 2 * LabelItem.PAD


class _Editor(QLineEdit):
    """The inline editor of a weight or bias; Escape cancels."""

    cancelled = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


RUN_REDRAW_INTERVAL = 0.1  # seconds between redraws of the drawing while a run goes on

_QUIZ_HIDDEN = {
    "forward": re.compile(r"^((?:net|out|E|E_total) = ).*$"),
    "backward": re.compile(r"^((?:δ|∂E/∂\S+) = ).*$"),
    "update": re.compile(r"^(\S+: \S+ → ).*$"),
}


def _quiz_line(line: str, op: Op | None) -> str:
    """A label line with the value the last press computed replaced by "?" (quiz mode)."""
    if op is None:
        return line
    return _QUIZ_HIDDEN[op.phase].sub(r"\1?", line)


def _known(value: float) -> bool:
    """Computed already (NaN means not yet; an infinite value is shown as ∞)."""
    return not math.isnan(value)


def _overlap(a: QRectF, b: QRectF) -> float:
    r = a.intersected(b)
    return max(0.0, r.width()) * max(0.0, r.height())


class NetworkCanvas(QGraphicsView):
    """The network as neurons in columns and weights as links, with the step's numbers.

    Renders immutable snapshots only: a click selects (``selection_changed``), a
    double-click on a weight or bias opens an inline editor (``value_edit_requested``).
    """

    selection_changed = Signal(str, str)  # kind: neuron, weight or bias; name
    value_edit_requested = Signal(str, float)  # parameter name, the value typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._drawn_at = 0.0
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._redraw_latest)
        self._quiz = False
        self._revealed: set[str] = set()
        self._quiz_step: tuple[int, int] | None = None
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setBackgroundBrush(BACKGROUND)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setMinimumSize(200, 150)
        self.rebuild_count = 0  # how often the scene was built anew (tests read it)
        self._font_scale = 1.0
        self._fonts = _Fonts(1.0)
        self._auto_fit = True
        self._key: tuple[NetworkSpec, tuple[int, int] | None, float] | None = None
        self._snapshot: Snapshot | None = None
        self._selection: tuple[str, str] | None = None
        self._editor: _Editor | None = None
        self._editor_name = ""
        self._message = QLabel(self.viewport())
        self._message.setWordWrap(True)
        self._message.hide()
        self._reset_scene_state()

    # ------------------------------------------------------------ public API
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Draw ``snapshot``: the scene is built anew only when the network's shape changes."""
        key = (snapshot.spec, snapshot.input_shape, self._font_scale)
        rebuilt = key != self._key
        if rebuilt:
            self._rebuild(snapshot)
            self._key = key
        self._snapshot = snapshot
        now = time.monotonic()
        if snapshot.running and not rebuilt and now - self._drawn_at < RUN_REDRAW_INTERVAL:
            # During a run the drawing changes little per snapshot: redraw about ten times a
            # second (the last snapshot is drawn by the timer), leaving the time to training.
            if not self._redraw_timer.isActive():
                self._redraw_timer.start(int(RUN_REDRAW_INTERVAL * 1000))
            return
        self._redraw_timer.stop()
        self._drawn_at = now
        self._update()
        if rebuilt:
            self.fit_to_window()

    def _redraw_latest(self) -> None:
        if self._snapshot is not None:
            self._drawn_at = time.monotonic()
            self._update()

    def select(self, kind: str, name: str) -> None:
        """Select an element by kind (neuron, weight, bias) and name; emits ``selection_changed``
        when the selection changes. Unknown names are ignored."""
        if self._exists(kind, name):
            self._set_selection(kind, name)

    def selection(self) -> tuple[str, str] | None:
        return self._selection

    def fit_to_window(self) -> None:
        self._auto_fit = True
        rect = self.sceneRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self._reposition_editor()

    def zoom_in(self) -> None:
        self._zoom(1.25, QGraphicsView.ViewportAnchor.AnchorViewCenter)

    def zoom_out(self) -> None:
        self._zoom(0.8, QGraphicsView.ViewportAnchor.AnchorViewCenter)

    def set_quiz_mode(self, on: bool) -> None:
        """Hide the values the last press computed ("?") until they are revealed."""
        self._quiz = on
        if self._snapshot is not None:
            self._update()

    def reveal(self, quantity: str) -> None:
        """Show a hidden value again: ``w8+``, ``dE_total/dw5``, ``net_h1``, ``E_total``…"""
        name = quantity.rstrip("+")
        if name.startswith("dE_total/d"):
            name = name[len("dE_total/d") :]
        name = name.split("_", 1)[1] if "_" in name and not name.startswith("b_") else name
        for key in self._labels:
            if key.split(":", 1)[1] == name or (quantity == "E_total" and key.startswith("error")):
                self._revealed.add(key)
        if self._snapshot is not None:
            self._update()

    def label_texts(self) -> dict[str, str]:
        """Every label on screen: ``neuron:h1``, ``weight:w5``, ``bias:b1``… → its text."""
        texts: dict[str, str] = {}
        for name, item in self._neurons.items():
            if item.name_item is not None:
                texts[f"neuron:{name}"] = name
        for key, label in self._labels.items():
            if not label.isVisible():
                continue
            text = label.text()
            if key in texts and not text.startswith(texts[key] + " "):
                text = texts[key] + "\n" + text
            texts[key] = text
        return texts

    def set_font_scale(self, scale: float) -> None:
        """1.0 for a screen, up to 2.5 for a projector: labels grow and the layout with them."""
        scale = min(2.5, max(0.75, float(scale)))
        if scale == self._font_scale:
            return
        self._font_scale = scale
        self._fonts = _Fonts(scale)
        if self._snapshot is not None:
            self.show_snapshot(self._snapshot)

    def font_scale(self) -> float:
        return self._font_scale

    # Helpers for tests and automation.
    def element_pos(self, kind: str, name: str) -> QPointF:
        """Where to click an element, in scene coordinates (its label if shown)."""
        label = self._labels.get(f"{kind}:{name}")
        if kind in ("weight", "bias") and label is not None and label.isVisible():
            return label.scene_rect().center()
        if kind == "neuron":
            return QPointF(self._pos[name])
        if kind == "weight":
            bundle, index = self._weights[name]
            return bundle.point_at(index, 0.5)
        bundle, index = self._biases[name][0]
        return bundle.point_at(index, 0.5)

    def editor(self) -> QLineEdit | None:
        return self._editor

    def editor_message(self) -> str:
        return self._message.text() if self._message.isVisible() else ""

    # ------------------------------------------------------------ building
    def _reset_scene_state(self) -> None:
        self._columns: list[_Column] = []
        self._neurons: dict[str, NeuronItem] = {}
        self._pos: dict[str, QPointF] = {}
        self._where: dict[str, tuple[int, int]] = {}
        self._bundles: list[LinkBundle] = []
        self._weights: dict[str, tuple[LinkBundle, int]] = {}
        self._biases: dict[str, list[tuple[LinkBundle, int]]] = {}
        self._bias_units: dict[int, BiasUnitItem] = {}
        self._labels: dict[str, LabelItem] = {}
        self._grids: list[InputGridItem] = []
        self._static_rects: list[QRectF] = []
        self._note = QGraphicsSimpleTextItem()

    def _rebuild(self, snapshot: Snapshot) -> None:
        self._close_editor()
        scene = self.scene()
        scene.clear()
        self._reset_scene_state()
        self.rebuild_count += 1
        spec = snapshot.spec
        fonts = self._fonts
        self._layout(spec, snapshot.input_shape)
        for column in self._columns:
            for j, name in enumerate(column.names):
                self._where[name] = (column.index, j)
                self._pos[name] = QPointF(column.x, column.ys[j])
                if column.image:
                    continue
                named = fonts.name if column.boxes else None
                item = NeuronItem(name, column.radius, named)
                item.setPos(self._pos[name])
                scene.addItem(item)
                self._neurons[name] = item
                if column.boxes:
                    self._add_label(f"neuron:{name}")
        if self._grids:
            for grid in self._grids:
                scene.addItem(grid)
        self._build_links(spec)
        self._build_captions(spec)
        self._add_label("error:E_total")
        # Size the scene for the longest labels each element can show.
        self._fill_templates(spec)
        content = scene.itemsBoundingRect()
        # Which sample the neurons' numbers belong to, when a batch has several.
        self._note = QGraphicsSimpleTextItem(self._batch_note(99999, 99999))
        self._note.setFont(fonts.caption)
        self._note.setBrush(INK)
        self._note.setPos(content.left(), content.bottom() + 0.8 * fonts.lh)
        scene.addItem(self._note)
        legend = LegendItem(fonts.caption, max(content.width(), 30 * fonts.lh))
        legend.setPos(content.left(), self._note.sceneBoundingRect().bottom() + 0.6 * fonts.lh)
        scene.addItem(legend)
        margin = 1.5 * fonts.lh
        self.setSceneRect(scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin))
        if self._selection and not self._exists(*self._selection):
            self._selection = None

    def _layout(self, spec: NetworkSpec, shape: tuple[int, int] | None) -> None:
        """Columns of neurons left to right, spaced so that their labels fit, then stretched
        sideways towards the window's shape."""
        fonts = self._fonts
        lh = fonts.lh
        sizes = spec.sizes
        last = spec.n_layers
        image = shape is not None and shape[0] * shape[1] == sizes[0]
        named = [n for c in range(last + 1) if sizes[c] <= NEURON_LABEL_LIMIT
                 for n in spec.neuron_names(c)]  # fmt: skip
        names_w = max((fonts.name_metrics.horizontalAdvance(n) for n in named), default=0.0)
        r_big = max(1.25 * lh, names_w / 2 + 0.4 * lh)
        r_small = max(4.0, 0.45 * lh)
        columns: list[_Column] = []
        required: list[float] = []
        for c, n in enumerate(sizes):
            boxes = n <= NEURON_LABEL_LIMIT
            compact = 0 < c and n > FULL_BOX_LIMIT
            side = "left" if c == 0 else "right" if c == last or n > 2 else "vertical"
            radius = r_big if boxes else r_small
            if c == 0 and image:
                spacing = max(4.0, min(12.0, 36 * lh / n))
                radius, boxes = spacing / 2, False
            elif not boxes:
                spacing = 2 * radius + 0.35 * lh
            elif side == "vertical":
                # Room for the labels of crossing links: a third of the way along each.
                spacing = max(2 * radius + 3 * lh, 3 * (2 * lh + 2 * LabelItem.PAD) + lh)
            else:
                box = self._box_lines(c, last, compact) * lh + 2 * LabelItem.PAD + 0.5 * lh
                spacing = max(2 * radius + 0.8 * lh, box)
            names = spec.neuron_names(c)
            columns.append(
                _Column(c, names, 0.0, [], radius, boxes, compact, side, c == 0 and image)
            )
            required.append(spacing)
        lh0 = _Fonts.base_line_height()  # room to breathe grows less than the labels do
        s_max = 2 * r_big + max(8.5 * lh0, 7 * lh)
        height = max(max(n * s for n, s in zip(sizes, required, strict=True)), 2 * s_max)
        for column, n, spacing in zip(columns, sizes, required, strict=True):
            if not column.image:
                spacing = max(spacing, min(height / n, s_max))
            column.ys = [(k - (n - 1) / 2) * spacing for k in range(n)]
        gaps = [self._gap(columns[c], sizes[c] * sizes[c + 1], spec) for c in range(last)]
        # Stretch the gaps so the drawing has about the window's shape (within limits).
        left = columns[0].radius + (
            shape[1] * self._picture_cell() + 7 * lh
            if image and shape
            else fonts.width("i9 = −0.000000000")
        )
        right = columns[-1].radius + fonts.width("target = −0.000000000") + lh
        tops, bottoms = zip(*(self._extent(c) for c in columns), strict=True)
        tall = max(bottoms) - min(tops) + 10 * lh  # captions, bias units and the legend
        aspect = self._aspect()
        spare = aspect * tall - (left + right + sum(gaps))
        if spare > 0 and gaps:
            factor = min(1.8, 1 + spare / sum(gaps))
            gaps = [g * factor for g in gaps]
        x = 0.0
        for c, column in enumerate(columns):
            column.x = x
            x += gaps[c] if c < last else 0.0
        self._columns = columns
        if image and shape is not None:
            self._layout_image(columns[0], shape)

    def _gap(self, column: _Column, links: int, spec: NetworkSpec) -> float:
        """The least room between a column and the next one."""
        fonts = self._fonts
        lh0 = _Fonts.base_line_height()
        ratio = lh0 / fonts.lh
        gap = max(4 * column.radius, 9 * lh0)
        if links <= LINK_LABEL_LIMIT:
            label = fonts.width(f"∂E/∂w{spec.n_parameters} = −0.000000000")
            gap = max(gap, 1.75 * label * ratio, 1.5 * label)
        if column.boxes and column.side == "right":
            gap = max(gap, column.radius + fonts.width("out = −0.000000000") + 4 * lh0)
        return gap

    @staticmethod
    def _box_lines(column: int, last: int, compact: bool) -> int:
        return 1 if column == 0 else 2 if compact else 5 if column == last else 3

    def _picture_cell(self) -> float:
        return 1.9 * self._fonts.lh

    def _aspect(self) -> float:
        """Width over height to lay out for: the window's, or 16:9 before it is shown."""
        size = self.viewport().size()
        if self.isVisible() and size.width() > 50 and size.height() > 50:
            return min(2.4, max(1.2, size.width() / size.height()))
        return 16 / 9

    def _layout_image(self, column: _Column, shape: tuple[int, int]) -> None:
        lh = self._fonts.lh
        n = len(column.names)
        cell = 2 * column.radius
        strip = InputGridItem(n, 1, cell)
        strip.setPos(column.x - cell / 2, column.ys[0] - cell / 2)
        rows, cols = shape
        big = self._picture_cell()
        picture = InputGridItem(rows, cols, big)
        picture.setPos(column.x - 7 * lh - cols * big, -rows * big / 2)
        self._grids = [picture, strip]
        caption = QGraphicsSimpleTextItem(
            f"input image {rows}×{cols}\n{column.names[0]}…{column.names[-1]}, row by row"
        )
        caption.setFont(self._fonts.caption)
        caption.setBrush(INK)
        caption.setPos(picture.pos() + QPointF(0, rows * big + 0.6 * lh))
        self.scene().addItem(caption)
        # A light fan from each row of the image to its stretch of the column.
        left_x = picture.pos().x() + cols * big
        right_x = strip.pos().x()
        for row in range(rows):
            top = picture.pos().y() + row * big
            first = strip.pos().y() + row * cols * cell
            band = QPolygonF(
                [
                    QPointF(left_x, top),
                    QPointF(right_x, first),
                    QPointF(right_x, first + cols * cell),
                    QPointF(left_x, top + big),
                ]
            )
            item = self.scene().addPolygon(band, QPen(Qt.PenStyle.NoPen), FAN[row % 2])
            item.setZValue(-1)

    def _build_links(self, spec: NetworkSpec) -> None:
        scene = self.scene()
        lh = self._fonts.lh
        # Bias units sit in one row below the deepest column, as the lecture draws b1 and b2.
        baseline = max(self._extent(c)[1] for c in self._columns) + 2.2 * lh
        sizes = spec.sizes
        labelled_biases = not spec.shared_bias and any(
            sizes[i] * sizes[i + 1] <= LINK_LABEL_LIMIT for i in range(spec.n_layers)
        )
        if labelled_biases:
            baseline += 2.5 * lh  # room for the stacked labels of per-neuron biases
        for i in range(spec.n_layers):
            below, above = self._columns[i], self._columns[i + 1]
            names, p0, p1, targets = [], [], [], []
            for t, target in enumerate(above.names):
                for s, source in enumerate(below.names):
                    names.append(spec.weight_name(i, s, t))
                    p0.append((self._pos[source].x(), self._pos[source].y()))
                    p1.append((self._pos[target].x(), self._pos[target].y()))
                    targets.append(t)
            bundle = LinkBundle("weight", i, names, np.array(p0), np.array(p1))
            bundle.targets = np.array(targets)
            self._add_bundle(bundle)
            for index, name in enumerate(names):
                self._weights[name] = (bundle, index)
            labelled = len(names) <= LINK_LABEL_LIMIT
            if labelled:
                for name in names:
                    self._add_label(f"weight:{name}")
            # One bias unit per layer, below and to the left of the column it feeds.
            gap = above.x - below.x
            unit_pos = QPointF(above.x - 0.42 * gap, baseline)
            unit = BiasUnitItem(i, 1.7 * lh, self._fonts.unit)
            unit.setPos(unit_pos)
            scene.addItem(unit)
            self._bias_units[i] = unit
            self._static_rects.append(unit.mapRectToScene(unit.rect()))
            bias_names = [
                spec.bias_name(i, 0 if spec.shared_bias else t) for t in range(len(above.names))
            ]
            ends = np.array([(self._pos[n].x(), self._pos[n].y()) for n in above.names])
            starts = np.repeat([[unit_pos.x(), unit_pos.y()]], len(bias_names), axis=0)
            bias_bundle = LinkBundle("bias", i, bias_names, starts, ends)
            bias_bundle.targets = np.arange(len(bias_names))
            self._add_bundle(bias_bundle)
            for index, name in enumerate(bias_names):
                self._biases.setdefault(name, []).append((bias_bundle, index))
            if spec.shared_bias:
                self._add_label(f"bias:{bias_names[0]}")
            elif labelled:
                for name in bias_names:
                    self._add_label(f"bias:{name}")

    def _add_bundle(self, bundle: LinkBundle) -> None:
        self.scene().addItem(bundle)
        self._bundles.append(bundle)

    def _build_captions(self, spec: NetworkSpec) -> None:
        """Two centred lines above each column: which layer, and its activation and size."""
        lh = self._fonts.lh
        top = min(self._extent(c)[0] for c in self._columns) - 0.6 * lh
        for column in self._columns:
            c, n = column.index, len(column.names)
            if c == 0:
                lines = ["inputs", f"{n} values" if n > 2 else ""]
            else:
                act = spec.layers[c - 1].activation + (f" · {n}" if n > 2 else "")
                if c == spec.n_layers:
                    lines = ["outputs", act]
                else:
                    lines = [f"hidden layer {c}" if spec.n_layers > 2 else "hidden layer", act]
            lines = [line for line in lines if line]
            for k, line in enumerate(lines):
                item = QGraphicsSimpleTextItem(line)
                item.setFont(self._fonts.caption)
                item.setBrush(INK)
                rect = item.boundingRect()
                item.setPos(column.x - rect.width() / 2, top - (len(lines) - k) * rect.height())
                self.scene().addItem(item)
                self._static_rects.append(item.sceneBoundingRect())

    def _extent(self, column: _Column) -> tuple[float, float]:
        """Top and bottom of a column with its value labels."""
        lh = self._fonts.lh
        extra = column.radius
        lines = self._box_lines(column.index, len(self._columns) - 1, column.compact)
        if column.boxes and column.side == "vertical":
            extra += lines * lh + 2 * LabelItem.PAD + 0.4 * lh
        elif column.boxes:
            extra = max(extra, lines * lh / 2 + LabelItem.PAD)
        return column.ys[0] - extra, column.ys[-1] + extra

    def _add_label(self, key: str) -> LabelItem:
        label = self._labels.get(key)
        if label is None:
            label = LabelItem(key, self._fonts.label)
            self.scene().addItem(label)
            self._labels[key] = label
        return label

    def _fill_templates(self, spec: NetworkSpec) -> None:
        """Longest texts, so the scene rect holds every label each phase can show."""
        number = "−0.000000000"
        last = spec.n_layers
        for column in self._columns:
            for name in column.names:
                label = self._labels.get(f"neuron:{name}")
                if label is None:
                    continue
                if column.index == 0:
                    lines = [f"{name} = {number}"]
                elif column.compact:
                    lines = [f"out = {number}", f"E = {number}"]
                else:
                    lines = [f"net = {number}", f"out = {number}"]
                    if column.index == last:
                        lines += [f"target = {number}", f"E = {number}"]
                    lines.append(f"δ = {number}")
                label.setText("\n".join(lines))
                self._place_box(label, name)
        total = self._labels.get("error:E_total")
        if total is not None:
            total.setText(f"E_total = {number}")
            self._place_total(total)
        for key, label in self._labels.items():
            if key.startswith("bias:"):
                label.setText(f"{key[5:]}: {number} → {number}\n∂E/∂{key[5:]} = {number}")
        self._place_bias_labels()

    # ------------------------------------------------------------ placing labels
    def _place_box(self, label: LabelItem, name: str) -> None:
        c, j = self._where[name]
        column = self._columns[c]
        lh = self._fonts.lh
        rect = label.boundingRect()
        x, y, r = column.x, column.ys[j], column.radius
        if column.image:
            label.set_top_left(QPointF(x - r - 0.5 * lh - rect.width(), y - rect.height() / 2))
        elif column.side == "left":
            label.set_top_left(QPointF(x - r - 0.5 * lh - rect.width(), y - rect.height() / 2))
        elif column.side == "right" or not column.boxes:
            label.set_top_left(QPointF(x + r + 0.5 * lh, y - rect.height() / 2))
        elif j == 0:
            label.set_top_left(QPointF(x - 0.35 * r, y - r - 0.35 * lh - rect.height()))
        else:
            label.set_top_left(QPointF(x - 0.35 * r, y + r + 0.35 * lh))

    def _place_total(self, label: LabelItem) -> None:
        column = self._columns[-1]
        bottom = self._extent(column)[1]
        label.set_top_left(QPointF(column.x - column.radius, bottom + 0.6 * self._fonts.lh))

    def _place_bias_labels(self) -> None:
        """A shared bias's label under its unit; per-neuron biases' labels stacked to the left
        of the unit, in the order of the neurons they feed."""
        lh = self._fonts.lh
        for layer, unit in self._bias_units.items():
            bundle = next(b for b in self._bundles if b.kind == "bias" and b.layer == layer)
            keys = dict.fromkeys(f"bias:{name}" for name in bundle.names)
            labels = [self._labels[k] for k in keys if k in self._labels]
            labels = [label for label in labels if label.isVisible()]
            if not labels:
                continue
            if len(keys) == 1:
                rect = labels[0].boundingRect()
                labels[0].set_top_left(
                    unit.pos() + QPointF(-rect.width() / 2, unit.size / 2 + 0.4 * lh)
                )
                continue
            heights = [label.boundingRect().height() + 0.3 * lh for label in labels]
            y = unit.pos().y() - sum(heights) / 2
            for label, height in zip(labels, heights, strict=True):
                rect = label.boundingRect()
                label.set_top_left(
                    QPointF(unit.pos().x() - unit.size / 2 - 0.6 * lh - rect.width(), y)
                )
                y += height

    def _place_link_labels(self) -> None:
        obstacles = list(self._static_rects)
        obstacles += [n.mapRectToScene(n.rect()) for n in self._neurons.values()]
        obstacles += [g.sceneBoundingRect() for g in self._grids]
        moving: list[tuple[LabelItem, LinkBundle, int]] = []
        for key, label in self._labels.items():
            if not label.isVisible():
                continue
            kind, name = key.split(":", 1)
            if kind == "weight":
                bundle, index = self._weights[name]
                moving.append((label, bundle, index))
            else:
                obstacles.append(label.scene_rect())
        for label, bundle, index in moving:
            nearby = [b for b in self._bundles if b.layer == bundle.layer]
            best_t, best_cost = 0.5, math.inf
            for t in LABEL_FRACTIONS:
                label.set_center(bundle.point_at(index, t))
                rect = label.scene_rect()
                area = rect.width() * rect.height()
                cost = sum(_overlap(rect, o) for o in obstacles) / area * 100
                cost += sum(b.crossings(rect, index if b is bundle else -1) for b in nearby) * 4
                cost += abs(t - 0.5) * 3
                if cost < best_cost:
                    best_t, best_cost = t, cost
                if cost == 0:
                    break
            label.set_center(bundle.point_at(index, best_t))
            obstacles.append(label.scene_rect())

    def _shared_bias(self) -> bool:
        return self._snapshot is not None and self._snapshot.spec.shared_bias

    # ------------------------------------------------------------ updating
    def _update(self) -> None:
        snap = self._snapshot
        assert snap is not None
        values = _Values(snap.trace, self._where)
        spec = snap.spec
        params = snap.values
        weights = [params[name] for name in spec.parameter_names]
        max_abs = max((abs(w) for w in weights if math.isfinite(w)), default=1.0)
        grow = self._fonts.lh / _Fonts.base_line_height()  # lines thicken with the labels
        for bundle in self._bundles:
            n = len(bundle)
            thick = 7.0 if n <= 16 else max(1.6, 7.0 * (16 / n) ** 0.5)
            thin = 1.0 if n <= 16 else 0.5
            current = np.array([params.get(name, math.nan) for name in bundle.names])
            bundle.set_values(current, max_abs, thin * grow, thick * grow, grow)
        batch = snap.trace.batch
        self._note.setText(self._batch_note(int(batch[0]), len(batch)) if len(batch) > 1 else "")
        for grid in self._grids:
            column = self._columns[0]
            grid.set_values(np.array([values(name) for name in column.names]))
        self._ensure_selected_label()
        tinted = self._tinted_keys(snap)
        if self._quiz_step != (snap.trace.iteration, snap.trace.done):
            self._quiz_step = (snap.trace.iteration, snap.trace.done)
            self._revealed = set()
        for key, label in self._labels.items():
            kind, name = key.split(":", 1)
            lines = self._lines(kind, name, values, snap)
            label.setVisible(bool(lines))
            if not lines:
                continue
            if self._quiz and key in tinted and key not in self._revealed:
                lines = [_quiz_line(line, snap.trace.last_op) for line in lines]
            label.setText("\n".join(lines))
            label.set_tinted(key in tinted)
            if kind == "neuron":
                self._place_box(label, name)
            elif kind == "error":
                self._place_total(label)
        self._place_bias_labels()
        self._place_link_labels()
        self._apply_marks()

    @staticmethod
    def _batch_note(sample: int, size: int) -> str:
        return (
            f"Inputs and neuron values: sample {sample + 1}, the first of this batch of {size}."
            "  ∂E/∂w and updates: over the whole batch."
        )

    def _lines(self, kind: str, name: str, v: _Values, snap: Snapshot) -> list[str]:
        if kind == "neuron":
            return self._neuron_lines(name, v)
        if kind == "error":
            total = v("E_total")
            return [f"E_total = {format_value(total)}"] if _known(total) else []
        current = snap.values.get(name, math.nan)
        grad, new = v(f"dE_total/d{name}"), v(f"{name}+")
        if kind == "bias" and not snap.config.train_biases:
            return [f"{name} = {format_value(current)} (fixed)"]
        if _known(new):
            lines = [f"{name}: {format_value(v(name))} → {format_value(new)}"]
        else:
            lines = [f"{name} = {format_value(current)}"]
        if _known(grad):
            lines.append(f"∂E/∂{name} = {format_value(grad)}")
        return lines

    def _neuron_lines(self, name: str, v: _Values) -> list[str]:
        c, _ = self._where[name]
        column = self._columns[c]
        selected_only = not column.boxes
        if c == 0:
            return [f"{name} = {format_value(v(name))}"]
        is_output = c == len(self._columns) - 1
        net, out, delta = v(f"net_{name}"), v(f"out_{name}"), v(f"dE_total/dnet_{name}")
        target = v(f"target_{name}") if is_output else math.nan
        error = v(f"E_{name}") if is_output else math.nan
        lines: list[tuple[str, float]] = []
        if column.compact or selected_only:
            lines.append(("out", out))
            if _known(delta):
                lines.append(("δ", delta))
            elif is_output:
                lines.append(("E", error) if _known(error) else ("target", target))
        else:
            lines += [("net", net), ("out", out)]
            if is_output:
                lines += [("target", target), ("E", error)]
            lines.append(("δ", delta))
        text = [f"{label} = {format_value(x)}" for label, x in lines if _known(x)]
        if selected_only:
            text.insert(0, name)
        return text

    def _ensure_selected_label(self) -> None:
        """Thinned-out labels come back for the selected element (and go again after)."""
        wanted = None
        if self._selection is not None:
            kind, name = self._selection
            wanted = f"{kind}:{name}"
            if wanted not in self._labels:
                self._add_label(wanted).extra = True
        for key in [k for k, label in self._labels.items() if label.extra]:
            if key != wanted:
                self.scene().removeItem(self._labels.pop(key))

    def _tinted_keys(self, snap: Snapshot) -> set[str]:
        """Labels of what the last press computed: its neuron, or the whole phase once done."""
        trace = snap.trace
        last = trace.last_op
        if snap.running or last is None:
            return set()
        following = trace.next_op
        if following is not None and following.phase == last.phase:
            ops = [last]
        else:
            ops = []
            for op in reversed(trace.ops[: trace.done]):
                if op.phase != last.phase:
                    break
                ops.append(op)
        keys: set[str] = set()
        for op in ops:
            keys |= self._op_keys(op, snap.spec)
        if not snap.config.train_biases:  # fixed biases show no new number
            keys = {key for key in keys if not key.startswith("bias:")}
        return keys

    def _op_keys(self, op: Op, spec: NetworkSpec) -> set[str]:
        if op.kind == "error":
            outputs = self._columns[-1].names
            return {f"neuron:{n}" for n in outputs} | {"error:E_total"}
        if op.kind == "update":
            layers = range(spec.n_layers) if op.layer < 0 else [op.layer]
            keys = set()
            for i in layers:
                for bundle in self._bundles:
                    if bundle.layer == i:
                        keys |= {f"{bundle.kind}:{n}" for n in bundle.names}
            return keys
        name = self._columns[op.layer + 1].names[op.neuron]
        keys = {f"neuron:{name}"}
        if op.kind == "backward":
            for bundle in self._bundles:
                if bundle.layer == op.layer:
                    hits = np.flatnonzero(bundle.targets == op.neuron)
                    keys |= {f"{bundle.kind}:{bundle.names[k]}" for k in hits}
        return keys

    def _apply_marks(self) -> None:
        snap = self._snapshot
        op = None if snap is None or snap.running else snap.next_op
        ring: set[str] = set()
        if op is not None and op.kind in ("forward", "backward"):
            ring.add(self._columns[op.layer + 1].names[op.neuron])
        elif op is not None and op.kind == "error":
            ring.update(self._columns[-1].names)
        kind, name = self._selection or ("", "")
        for key, label in self._labels.items():
            label.set_selected(key == f"{kind}:{name}")
        for neuron_name, item in self._neurons.items():
            item.set_marks(neuron_name in ring, kind == "neuron" and name == neuron_name)
        for bundle in self._bundles:
            mask = np.zeros(len(bundle), dtype=bool)
            if op is not None and op.kind in ("forward", "backward") and bundle.layer == op.layer:
                mask = bundle.targets == op.neuron
            elif op is not None and op.kind == "update" and op.layer in (bundle.layer, -1):
                mask[:] = True
            chosen = {i for i, n in enumerate(bundle.names) if kind == bundle.kind and n == name}
            bundle.set_marks(mask, chosen)
        for layer, unit in self._bias_units.items():
            shared = self._shared_bias() and kind == "bias" and name == self._bias_name(layer)
            unit.set_selected(shared)
        if self._grids:
            index = self._where[name][1] if kind == "neuron" and name in self._where else -1
            if index >= 0 and self._where[name][0] != 0:
                index = -1
            for grid in self._grids:
                grid.set_marked(index)

    # ------------------------------------------------------------ selection
    def _exists(self, kind: str, name: str) -> bool:
        if kind == "neuron":
            return name in self._where
        if kind == "weight":
            return name in self._weights
        return kind == "bias" and name in self._biases

    def _set_selection(self, kind: str, name: str) -> None:
        changed = self._selection != (kind, name)
        self._selection = (kind, name)
        if self._snapshot is not None:
            self._update()
        if changed:
            self.selection_changed.emit(kind, name)

    def _element_at(self, view_pos: QPoint) -> tuple[str, str] | None:
        point = self.mapToScene(view_pos)
        tolerance = 6.0 / max(self.transform().m11(), 1e-6)
        for item in self.scene().items(point):
            if isinstance(item, LabelItem):
                kind, name = item.key.split(":", 1)
                if kind in ("neuron", "weight", "bias"):
                    return kind, name
            owner = item.parentItem() or item
            if isinstance(owner, NeuronItem):
                if math.hypot(*(point - owner.pos()).toTuple()) <= owner.radius + tolerance:
                    return "neuron", owner.name
            elif isinstance(owner, BiasUnitItem):
                return "bias", self._bias_name(owner.layer)
            elif isinstance(owner, InputGridItem):
                index = owner.index_at(owner.mapFromScene(point))
                if index >= 0:
                    return "neuron", self._columns[0].names[index]
        best: tuple[float, LinkBundle, int] | None = None
        for bundle in self._bundles:
            index, distance = bundle.nearest(point)
            limit = max(tolerance, bundle.widths[index] / 2 + 2) if index >= 0 else 0
            if index >= 0 and distance <= limit and (best is None or distance < best[0]):
                best = (distance, bundle, index)
        if best is None:
            return None
        return best[1].kind, best[1].names[best[2]]

    def _bias_name(self, layer: int) -> str:
        bundle = next(b for b in self._bundles if b.kind == "bias" and b.layer == layer)
        return bundle.names[0]

    # ------------------------------------------------------------ editing
    def _open_editor(self, kind: str, name: str) -> None:
        if self._snapshot is None:
            return
        self._close_editor()
        editor = _Editor(self.viewport())
        font = QFont(self._fonts.label)
        editor.setFont(font)
        editor.setText(format_value(self._snapshot.values.get(name, math.nan)))
        editor.selectAll()
        editor.setMinimumWidth(int(self._fonts.width("−0.000000000") + 24))
        editor.setToolTip(f"New value of {name}: Enter applies, Escape cancels")
        editor.returnPressed.connect(self._commit_edit)
        editor.cancelled.connect(self._close_editor)
        self._editor = editor
        self._editor_name = name
        self._editor_anchor = self.element_pos(kind, name)
        self._show_message(f"New value of {name}: type it, Enter applies, Esc cancels.", False)
        editor.show()
        editor.setFocus()
        self._reposition_editor()

    def _commit_edit(self) -> None:
        if self._editor is None:
            return
        text = self._editor.text()
        name = self._editor_name
        try:
            value = parse_value(text)
        except ValueError:
            self._show_message(f"⚠ “{text.strip()}” is not a number. Type one, e.g. 0.4.", True)
            return
        if not math.isfinite(value):
            self._show_message(f"⚠ {name} must be a finite number, not “{text.strip()}”.", True)
            return
        self._close_editor()
        self.value_edit_requested.emit(name, value)

    def _close_editor(self) -> None:
        if self._editor is not None:
            self._editor.hide()
            self._editor.deleteLater()
            self._editor = None
        self._message.hide()

    def _show_message(self, text: str, error: bool) -> None:
        colour, background = ("#8a1500", "#fff1ec") if error else ("#333333", "#fbfbfb")
        self._message.setStyleSheet(
            f"QLabel {{ color: {colour}; background: {background}; border: 1px solid {colour};"
            " border-radius: 3px; padding: 3px 6px; }"
        )
        self._message.setFont(self._fonts.label)
        self._message.setText(text)
        self._message.adjustSize()
        self._message.show()
        self._reposition_editor()

    def _reposition_editor(self) -> None:
        if self._editor is None:
            return
        editor = self._editor
        editor.adjustSize()
        spot = self.mapFromScene(self._editor_anchor)
        x = max(
            4, min(spot.x() - editor.width() // 2, self.viewport().width() - editor.width() - 4)
        )
        y = max(
            4, min(spot.y() - editor.height() // 2, self.viewport().height() - 3 * editor.height())
        )
        editor.move(x, y)
        self._message.setMaximumWidth(max(200, self.viewport().width() - 8))
        self._message.adjustSize()
        mx = max(4, min(x, self.viewport().width() - self._message.width() - 4))
        self._message.move(mx, y + editor.height() + 4)
        self._message.raise_()
        editor.raise_()

    # ------------------------------------------------------------ view events
    def _zoom(self, factor: float, anchor: QGraphicsView.ViewportAnchor) -> None:
        current = self.transform().m11()
        factor = min(max(factor, MIN_ZOOM / current), MAX_ZOOM / current)
        previous = self.transformationAnchor()
        self.setTransformationAnchor(anchor)
        self.scale(factor, factor)
        self.setTransformationAnchor(previous)
        self._auto_fit = False
        self._reposition_editor()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            self._zoom(1.2**steps, QGraphicsView.ViewportAnchor.AnchorUnderMouse)
            event.accept()
            return
        super().wheelEvent(event)
        self._reposition_editor()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._close_editor()
            hit = self._element_at(event.position().toPoint())
            if hit is not None:
                self._set_selection(*hit)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            hit = self._element_at(event.position().toPoint())
            if hit is not None:
                self._set_selection(*hit)
                if hit[0] in ("weight", "bias"):
                    self._open_editor(*hit)
                event.accept()
                return
        super().mouseDoubleClickEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        event.accept()  # the canvas handled the press: selection or panning

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._reposition_editor()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit_to_window()
        self._reposition_editor()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._auto_fit:
            self.fit_to_window()
