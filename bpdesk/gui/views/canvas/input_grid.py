"""The inputs drawn as a grid of grey cells: the image of a digit, or its pixels as a column."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from bpdesk.gui.views.canvas.palette import Z_NODES, colours

__all__ = ["InputGridItem"]

Array = NDArray[np.float64]


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
        painter.setPen(QPen(colours().grid_edge, max(0.5, self.cell / 30)))
        for index, value in enumerate(values):
            level = round(255 * (1.0 - (value - lo) / span))
            painter.setBrush(QColor(level, level, level))
            row, col = divmod(index, self.cols)
            painter.drawRect(QRectF(col * self.cell, row * self.cell, self.cell, self.cell))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(colours().neuron_edge, max(1.0, self.cell / 16)))
        painter.drawRect(QRectF(0, 0, self.cols * self.cell, self.rows * self.cell))
        if self.marked >= 0:
            row, col = divmod(self.marked, self.cols)
            painter.setPen(
                QPen(
                    colours().accent if self.highlighted else colours().selection,
                    max(2.0, self.cell / 6),
                )
            )
            painter.drawRect(
                QRectF(col * self.cell, row * self.cell, self.cell, self.cell).adjusted(
                    -2, -2, 2, 2
                )
            )
