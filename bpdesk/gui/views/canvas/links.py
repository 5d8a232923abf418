"""The links of the network canvas: every weight (or bias) between two columns in one item."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from bpdesk.gui.views.canvas.palette import Z_LINKS, colours

__all__ = ["LinkBundle"]

Array = NDArray[np.float64]
# Above this many links in a bundle, they are stroked the cheap way: solid (colour alone shows
# the sign; dashes that fine cannot be seen), one device pixel wide per unit of width, not
# antialiased (a tangle of hundreds of faint lines looks the same, restroked three times as
# fast: a step of a 6 x 32 network restrokes 7,690 of them).
DENSE_LIMIT = 256


class LinkBundle(QGraphicsItem):
    """Every link between two columns (or from a bias unit), painted in one go.

    Width follows |value| against the largest magnitude in the network; colour and a dash
    show the sign (colour alone in bundles of thousands, where dashes are too fine to see and
    slow to stroke). Links computed next get an accent band underneath, the selected one a
    dark band: those marks are an item of their own behind the links, so marking a neuron's
    links does not restroke thousands of them.
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
        self.smooth = True  # antialiased; a run's frequent restrokes are not (5 times cheaper)
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
        self._marks = _LinkMarks(self)

    def __len__(self) -> int:
        return len(self.names)

    def boundingRect(self) -> QRectF:
        return self._rect

    def set_values(
        self,
        values: Array,
        max_abs: float,
        thin: float,
        thick: float,
        grow: float = 1.0,
        *,
        smooth: bool = True,
    ) -> None:
        """Widths from |value| / max_abs between ``thin`` and ``thick``; signs from the values;
        ``grow`` widens the bands of highlight and selection; ``smooth``: antialiased."""
        self.grow = grow
        if smooth != self.smooth:
            self.smooth = smooth
            self.update()
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
        self._marks.update()  # the bands follow the widths

    def set_marks(self, highlight: Array, selected: set[int]) -> None:
        highlight = np.asarray(highlight, dtype=bool)
        if np.array_equal(highlight, self.highlight) and selected == self.selected:
            return
        self.highlight, self.selected = highlight, set(selected)
        self._marks.update()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        cheap = len(self.names) > DENSE_LIMIT
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self.smooth and not cheap)
        for (negative, width), lines in self._groups.items():
            colour = QColor(colours().negative if negative else colours().positive)
            colour.setAlpha(self.alpha)
            style = Qt.PenStyle.DashLine if negative and not cheap else Qt.PenStyle.SolidLine
            pen = QPen(colour, max(1.0, width) if cheap else width, style, Qt.PenCapStyle.FlatCap)
            pen.setCosmetic(cheap)
            if negative and not cheap:
                # Dashes scale with the pen width; keep them readable on thick and thin links.
                pen.setDashPattern([max(2.0, 8.0 / width), max(1.5, 5.0 / width)])
            painter.setPen(pen)
            painter.drawLines(lines)

    def paint_marks(self, painter: QPainter) -> None:
        """The accent bands of the links computed next and the selected link's dark band."""
        painter.setBrush(Qt.BrushStyle.NoBrush)
        cheap = len(self.names) > DENSE_LIMIT
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, not cheap)
        cap = Qt.PenCapStyle.RoundCap
        dense = len(self.names) > 16
        accent = QColor(colours().accent)
        accent.setAlpha(70 if dense else 110)
        extra = (4.0 if dense else 9.0) * self.grow
        marked = np.flatnonzero(self.highlight)
        if cheap and marked.size:  # one band width for all: one call for thousands of links
            pen = QPen(accent, float(self.widths[marked].max()) + extra, Qt.PenStyle.SolidLine)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.drawLines([self._lines[i] for i in marked])
            marked = marked[:0]
        for index in marked:
            pen = QPen(accent, self.widths[index] + extra, Qt.PenStyle.SolidLine, cap)
            painter.setPen(pen)
            painter.drawLine(self._lines[index])
        for chosen in self.selected:
            shade = QColor(colours().selection)
            shade.setAlpha(170)
            width = self.widths[chosen] + 9 * self.grow
            painter.setPen(QPen(shade, width, Qt.PenStyle.SolidLine, cap))
            painter.drawLine(self._lines[chosen])

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


class _LinkMarks(QGraphicsItem):
    """A bundle's marks (highlight and selection bands), drawn behind its links."""

    def __init__(self, bundle: LinkBundle) -> None:
        super().__init__(bundle)
        self._bundle = bundle
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return self._bundle.boundingRect()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        self._bundle.paint_marks(painter)


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
