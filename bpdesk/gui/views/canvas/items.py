"""Graphics items of the network canvas: neurons, bias units, link bundles, labels, input grids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

__all__ = [
    "ACCENT",
    "BACKGROUND",
    "INK",
    "NEGATIVE",
    "POSITIVE",
    "BiasUnitItem",
    "InputGridItem",
    "LabelItem",
    "LegendItem",
    "LinkBundle",
    "NeuronItem",
]

Array = NDArray[np.float64]

# A light theme with a colour-blind-safe pair for the sign of a weight (Okabe–Ito blue and
# vermilion); negative links are also dashed so colour never carries the sign alone.
BACKGROUND = QColor("#ffffff")
INK = QColor("#151515")
MUTED = QColor("#4a4a4a")
POSITIVE = QColor("#0072B2")
NEGATIVE = QColor("#D55E00")
ACCENT = QColor("#9B1C8C")  # what is computed next
SELECTION = QColor("#111111")
NEURON_FILL = QColor("#f7f7f7")
NEURON_EDGE = QColor("#2b2b2b")
PLATE = QColor(255, 255, 255, 236)
PLATE_EDGE = QColor("#b8b8b8")
TINT = QColor("#fff0a8")  # the plate of values just computed

Z_LINKS = 0.0
Z_NODES = 10.0
Z_LABELS = 20.0
Z_TOP = 30.0


class LabelItem(QGraphicsSimpleTextItem):
    """A text label on a light plate, so it stays legible over links."""

    PAD = 4.0

    def __init__(self, key: str, font: QFont, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.tinted = False
        self.selected = False
        self.extra = False  # shown only because its element is selected
        self.setFont(font)
        self.setBrush(QBrush(INK))
        self.setZValue(Z_LABELS)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_tinted(self, tinted: bool) -> None:
        if tinted != self.tinted:
            self.tinted = tinted
            self.update()

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self.update()

    def text_rect(self) -> QRectF:
        return super().boundingRect()

    def boundingRect(self) -> QRectF:
        pad = self.PAD
        return super().boundingRect().adjusted(-pad, -pad, pad, pad)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.boundingRect())
        return path

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        rect = self.boundingRect().adjusted(0.5, 0.5, -0.5, -0.5)
        edge = SELECTION if self.selected else ACCENT if self.tinted else PLATE_EDGE
        width = 2.5 if self.selected else 1.5 if self.tinted else 1.0
        pen = QPen(edge, width, Qt.PenStyle.DashLine if self.selected else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.setBrush(TINT if self.tinted else PLATE)
        painter.drawRoundedRect(rect, 4.0, 4.0)
        super().paint(painter, option, cast(QWidget, widget))

    def set_center(self, point: QPointF) -> None:
        self.setPos(point - self.text_rect().center())

    def set_top_left(self, point: QPointF) -> None:
        """Place the plate's top-left corner at ``point``."""
        self.setPos(point + QPointF(self.PAD, self.PAD))

    def scene_rect(self) -> QRectF:
        return self.mapRectToScene(self.boundingRect())


class NeuronItem(QGraphicsEllipseItem):
    """A neuron: a circle with its name inside, an accent ring when it is computed next and a
    dashed ring when selected."""

    def __init__(self, name: str, radius: float, font: QFont | None) -> None:
        super().__init__(-radius, -radius, 2 * radius, 2 * radius)
        self.name = name
        self.radius = radius
        self.highlighted = False
        self.selected = False
        self.setBrush(NEURON_FILL)
        self.setPen(QPen(NEURON_EDGE, max(1.0, radius / 14)))
        self.setZValue(Z_NODES)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.name_item: QGraphicsSimpleTextItem | None = None
        if font is not None:
            item = QGraphicsSimpleTextItem(name, self)
            item.setFont(font)
            item.setBrush(QBrush(INK))
            item.setPos(-item.boundingRect().center())
            self.name_item = item

    def _outer(self) -> float:
        return self.radius + 2.5 * max(3.0, self.radius * 0.24) + 6.0

    def boundingRect(self) -> QRectF:
        outer = self._outer()
        return QRectF(-outer, -outer, 2 * outer, 2 * outer)

    def set_marks(self, highlighted: bool, selected: bool) -> None:
        if (highlighted, selected) != (self.highlighted, self.selected):
            self.highlighted, self.selected = highlighted, selected
            self.update()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        r = self.radius
        painter.setPen(self.pen())
        painter.setBrush(self.brush())
        painter.drawEllipse(QPointF(0, 0), r, r)
        ring = max(3.0, r * 0.24)
        if self.highlighted:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            glow = QColor(ACCENT)
            glow.setAlpha(70)
            painter.setPen(QPen(glow, 2.2 * ring))
            painter.drawEllipse(QPointF(0, 0), r + ring, r + ring)
            painter.setPen(QPen(ACCENT, ring))
            painter.drawEllipse(QPointF(0, 0), r + ring / 2 + 1, r + ring / 2 + 1)
        if self.selected:
            pen = QPen(SELECTION, max(1.5, r * 0.08), Qt.PenStyle.DashLine)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(pen)
            outer = r + 2.2 * ring + 3
            painter.drawEllipse(QPointF(0, 0), outer, outer)


class BiasUnitItem(QGraphicsRectItem):
    """A bias unit: a small square labelled 1."""

    def __init__(self, layer: int, size: float, font: QFont) -> None:
        super().__init__(-size / 2, -size / 2, size, size)
        self.layer = layer
        self.size = size
        self.selected = False
        self.setBrush(QColor("#eeeeee"))
        self.setPen(QPen(NEURON_EDGE, 1.5))
        self.setZValue(Z_NODES)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        one = QGraphicsSimpleTextItem("1", self)
        one.setFont(font)
        one.setBrush(QBrush(INK))
        one.setPos(-one.boundingRect().center())

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-8, -8, 8, 8)

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self.update()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setPen(self.pen())
        painter.setBrush(self.brush())
        painter.drawRect(self.rect())
        if self.selected:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(SELECTION, 2.0, Qt.PenStyle.DashLine))
            painter.drawRect(self.rect().adjusted(-5, -5, 5, 5))


class LinkBundle(QGraphicsItem):
    """Every link between two columns (or from a bias unit), painted in one go.

    Width follows |value| against the largest magnitude in the network; colour and a dash
    show the sign. Links computed next get an accent band underneath, the selected one a
    dark band.
    """

    def __init__(self, kind: str, layer: int, names: Sequence[str], p0: Array, p1: Array) -> None:
        super().__init__()
        self.kind = kind  # "weight" or "bias"
        self.layer = layer
        self.names = list(names)
        self.p0 = np.asarray(p0, dtype=np.float64).reshape(-1, 2)
        self.p1 = np.asarray(p1, dtype=np.float64).reshape(-1, 2)
        n = len(self.names)
        self.values = np.zeros(n)
        self.widths = np.ones(n)
        self.targets = np.zeros(n, dtype=int)  # index of each link's target neuron
        self.highlight = np.zeros(n, dtype=bool)
        self.selected: set[int] = set()
        self.grow = 1.0  # halo widths follow the font scale
        self.alpha = 255 if n <= 16 else int(max(60, 255 * (16 / n) ** 0.5))
        self._groups: dict[tuple[bool, float], list[QLineF]] = {}
        self._lines = [
            QLineF(a[0], a[1], b[0], b[1]) for a, b in zip(self.p0, self.p1, strict=True)
        ]
        lo = np.minimum(self.p0, self.p1).min(axis=0) if n else np.zeros(2)
        hi = np.maximum(self.p0, self.p1).max(axis=0) if n else np.zeros(2)
        self._max_width = 12.0
        m = self._max_width
        self._rect = QRectF(lo[0] - m, lo[1] - m, hi[0] - lo[0] + 2 * m, hi[1] - lo[1] + 2 * m)
        self.setZValue(Z_LINKS)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        # Thousands of links are slow to stroke: repaint them only when they change.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def __len__(self) -> int:
        return len(self.names)

    def boundingRect(self) -> QRectF:
        return self._rect

    def set_values(
        self, values: Array, max_abs: float, thin: float, thick: float, grow: float = 1.0
    ) -> None:
        """Widths from |value| / max_abs between ``thin`` and ``thick``; signs from the values;
        ``grow`` widens the bands of highlight and selection."""
        self.grow = grow
        values = np.asarray(values, dtype=np.float64)
        finite = np.where(np.isfinite(values), values, 0.0)
        scale = max_abs if max_abs > 0 and np.isfinite(max_abs) else 1.0
        widths = thin + (thick - thin) * np.clip(np.abs(finite) / scale, 0.0, 1.0)
        widths = np.round(widths * 2) / 2  # a few pens, painted in batches
        if np.array_equal(widths, self.widths) and np.array_equal(
            np.signbit(finite), np.signbit(self.values)
        ):
            self.values = finite
            return
        self.values, self.widths = finite, widths
        self._groups = {}
        for i, line in enumerate(self._lines):
            key = (bool(finite[i] < 0), float(widths[i]))
            self._groups.setdefault(key, []).append(line)
        self.update()

    def set_marks(self, highlight: Array, selected: set[int]) -> None:
        highlight = np.asarray(highlight, dtype=bool)
        if np.array_equal(highlight, self.highlight) and selected == self.selected:
            return
        self.highlight, self.selected = highlight, set(selected)
        self.update()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        cap = Qt.PenCapStyle.RoundCap
        dense = len(self.names) > 16
        accent = QColor(ACCENT)
        accent.setAlpha(70 if dense else 110)
        extra = (4.0 if dense else 9.0) * self.grow
        for marked in np.flatnonzero(self.highlight):
            pen = QPen(accent, self.widths[marked] + extra, Qt.PenStyle.SolidLine, cap)
            painter.setPen(pen)
            painter.drawLine(self._lines[marked])
        for chosen in self.selected:
            shade = QColor(SELECTION)
            shade.setAlpha(170)
            width = self.widths[chosen] + 9 * self.grow
            painter.setPen(QPen(shade, width, Qt.PenStyle.SolidLine, cap))
            painter.drawLine(self._lines[chosen])
        for (negative, width), lines in self._groups.items():
            colour = QColor(NEGATIVE if negative else POSITIVE)
            colour.setAlpha(self.alpha)
            style = Qt.PenStyle.DashLine if negative else Qt.PenStyle.SolidLine
            pen = QPen(colour, width, style, Qt.PenCapStyle.FlatCap)
            if negative:
                # Dashes scale with the pen width; keep them readable on thick and thin links.
                pen.setDashPattern([max(2.0, 8.0 / width), max(1.5, 5.0 / width)])
            painter.setPen(pen)
            painter.drawLines(lines)

    def point_at(self, index: int, t: float) -> QPointF:
        p = self.p0[index] + t * (self.p1[index] - self.p0[index])
        return QPointF(float(p[0]), float(p[1]))

    def nearest(self, point: QPointF) -> tuple[int, float]:
        """The link nearest ``point`` and its distance (scene units); (-1, inf) if empty."""
        if not self.names:
            return -1, float("inf")
        p = np.array([point.x(), point.y()])
        d = self.p1 - self.p0
        length2 = np.maximum((d * d).sum(axis=1), 1e-12)
        t = np.clip(((p - self.p0) * d).sum(axis=1) / length2, 0.0, 1.0)
        closest = self.p0 + t[:, None] * d
        dist = np.hypot(*(closest - p).T)
        index = int(np.argmin(dist))
        return index, float(dist[index])

    def crossings(self, rect: QRectF, skip: int) -> int:
        """How many links other than ``skip`` pass through ``rect``."""
        count = 0
        for i in range(len(self.names)):
            if i != skip and _segment_hits_rect(self.p0[i], self.p1[i], rect):
                count += 1
        return count


def _segment_hits_rect(a: Array, b: Array, rect: QRectF) -> bool:
    """Whether segment a–b passes through ``rect`` (Liang–Barsky clipping)."""
    x0, y0 = float(a[0]), float(a[1])
    dx, dy = float(b[0]) - x0, float(b[1]) - y0
    t0, t1 = 0.0, 1.0
    for p, q in (
        (-dx, x0 - rect.left()),
        (dx, rect.right() - x0),
        (-dy, y0 - rect.top()),
        (dy, rect.bottom() - y0),
    ):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return False
    return True


class InputGridItem(QGraphicsItem):
    """Inputs drawn as grey cells whose shade is the input's value (dark = high): the 8×8
    image of a digit, or the same pixels as a compact column."""

    def __init__(self, rows: int, cols: int, cell: float) -> None:
        super().__init__()
        self.rows, self.cols, self.cell = rows, cols, cell
        self.values = np.zeros(rows * cols)
        self.marked: int = -1
        self.highlighted = False
        self.setZValue(Z_NODES)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return QRectF(-6, -6, self.cols * self.cell + 12, self.rows * self.cell + 12)

    def set_values(self, values: Array) -> None:
        values = np.where(np.isfinite(values), values, 0.0)
        if not np.array_equal(values, self.values):
            self.values = np.asarray(values, dtype=np.float64).copy()
            self.update()

    def set_marked(self, index: int) -> None:
        if index != self.marked:
            self.marked = index
            self.update()

    def cell_center(self, index: int) -> QPointF:
        row, col = divmod(index, self.cols)
        return QPointF((col + 0.5) * self.cell, (row + 0.5) * self.cell)

    def index_at(self, local: QPointF) -> int:
        col = int(local.x() // self.cell)
        row = int(local.y() // self.cell)
        if 0 <= row < self.rows and 0 <= col < self.cols:
            return row * self.cols + col
        return -1

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        values = self.values
        lo, hi = min(0.0, float(values.min())), max(1.0, float(values.max()))
        span = hi - lo if hi > lo else 1.0
        painter.setPen(QPen(QColor("#9a9a9a"), max(0.5, self.cell / 30)))
        for index, value in enumerate(values):
            level = round(255 * (1.0 - (value - lo) / span))
            painter.setBrush(QColor(level, level, level))
            row, col = divmod(index, self.cols)
            painter.drawRect(QRectF(col * self.cell, row * self.cell, self.cell, self.cell))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(NEURON_EDGE, max(1.0, self.cell / 16)))
        painter.drawRect(QRectF(0, 0, self.cols * self.cell, self.rows * self.cell))
        if self.marked >= 0:
            row, col = divmod(self.marked, self.cols)
            painter.setPen(QPen(ACCENT if self.highlighted else SELECTION, max(2.0, self.cell / 6)))
            painter.drawRect(
                QRectF(col * self.cell, row * self.cell, self.cell, self.cell).adjusted(
                    -2, -2, 2, 2
                )
            )


class LegendItem(QGraphicsItem):
    """What the lines and marks mean: sign by colour and dash, width by |w|, the accent ring.

    Entries flow into as many rows as ``width`` needs.
    """

    def __init__(self, font: QFont, width: float) -> None:
        super().__init__()
        self.font = font
        entries = [
            ("line", False, "positive weight"),
            ("line", True, "negative weight (dashed)"),
            ("thick", False, "thicker = larger |w|"),
            ("ring", False, "computed next"),
            ("plate", False, "just computed"),
        ]
        metrics = QFontMetricsF(font)
        self.line_height = metrics.height()
        self.sample = 2.6 * self.line_height
        gap = 1.6 * self.line_height
        self.placed: list[tuple[str, bool, str, float, float, float]] = []
        x = y = 0.0
        right = 0.0
        for kind, negative, text in entries:
            text_w = metrics.horizontalAdvance(text) + 4
            entry_w = self.sample + 8 + text_w
            if x > 0 and x + entry_w > width:
                x, y = 0.0, y + 1.5 * self.line_height
            self.placed.append((kind, negative, text, x, y, text_w))
            right = max(right, x + entry_w)
            x += entry_w + gap
        self.size = QRectF(-4, -4, right + 8, y + self.line_height + 8)
        self.setZValue(Z_NODES)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return self.size

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setFont(self.font)
        h = self.line_height
        for kind, negative, text, x, y, text_w in self.placed:
            mid = y + h / 2
            end = QPointF(x + self.sample, mid)
            if kind == "line":
                colour = NEGATIVE if negative else POSITIVE
                style = Qt.PenStyle.DashLine if negative else Qt.PenStyle.SolidLine
                pen = QPen(colour, 0.2 * h, style, Qt.PenCapStyle.FlatCap)
                if negative:
                    pen.setDashPattern([2.0, 1.25])
                painter.setPen(pen)
                painter.drawLine(QPointF(x, mid), end)
            elif kind == "thick":
                painter.setPen(QPen(POSITIVE, 0.05 * h))
                painter.drawLine(QPointF(x, mid - 0.2 * h), end - QPointF(0, 0.2 * h))
                pen = QPen(POSITIVE, 0.32 * h, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
                painter.setPen(pen)
                painter.drawLine(QPointF(x, mid + 0.15 * h), end + QPointF(0, 0.15 * h))
            elif kind == "ring":
                painter.setBrush(NEURON_FILL)
                painter.setPen(QPen(ACCENT, 0.18 * h))
                painter.drawEllipse(QPointF(x + self.sample / 2, mid), h * 0.38, h * 0.38)
            else:
                painter.setBrush(TINT)
                painter.setPen(QPen(ACCENT, 1.5))
                painter.drawRoundedRect(QRectF(x, y + 1, self.sample, h - 2), 4, 4)
            painter.setPen(QPen(MUTED))
            text_rect = QRectF(x + self.sample + 8, y, text_w, h)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, text)
