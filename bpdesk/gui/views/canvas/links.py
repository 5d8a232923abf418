"""The links of the network canvas: every weight (or bias) between two columns in one item."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from bpdesk.gui.views.canvas.palette import ACCENT, NEGATIVE, POSITIVE, SELECTION, Z_LINKS

__all__ = ["LinkBundle"]

Array = NDArray[np.float64]


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
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self.smooth)
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
