"""The canvas's legend: what the colours, dashes, widths, rings and plates mean."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from bpdesk.gui.views.canvas.palette import Z_NODES, colours

__all__ = ["LegendItem"]


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
        self.sample = 2.2 * self.line_height
        gap = 1.2 * self.line_height
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
                colour = colours().negative if negative else colours().positive
                style = Qt.PenStyle.DashLine if negative else Qt.PenStyle.SolidLine
                pen = QPen(colour, 0.2 * h, style, Qt.PenCapStyle.FlatCap)
                if negative:
                    pen.setDashPattern([2.0, 1.25])
                painter.setPen(pen)
                painter.drawLine(QPointF(x, mid), end)
            elif kind == "thick":
                painter.setPen(QPen(colours().positive, 0.05 * h))
                painter.drawLine(QPointF(x, mid - 0.2 * h), end - QPointF(0, 0.2 * h))
                pen = QPen(
                    colours().positive, 0.32 * h, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap
                )
                painter.setPen(pen)
                painter.drawLine(QPointF(x, mid + 0.15 * h), end + QPointF(0, 0.15 * h))
            elif kind == "ring":
                painter.setBrush(colours().neuron_fill)
                painter.setPen(QPen(colours().accent, 0.18 * h))
                painter.drawEllipse(QPointF(x + self.sample / 2, mid), h * 0.38, h * 0.38)
            else:
                painter.setBrush(colours().tint)
                painter.setPen(QPen(colours().accent, 1.5))
                painter.drawRoundedRect(QRectF(x, y + 1, self.sample, h - 2), 4, 4)
            painter.setPen(QPen(colours().muted))
            text_rect = QRectF(x + self.sample + 8, y, text_w, h)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, text)
