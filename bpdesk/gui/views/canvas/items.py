"""Graphics items of the network canvas's elements: value labels, neurons and bias units."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from bpdesk.gui.views.canvas.palette import Z_LABELS, Z_NODES, colours

__all__ = ["BiasUnitItem", "LabelItem", "NeuronItem"]


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
        self.setBrush(QBrush(colours().ink))
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
        edge = (
            colours().selection
            if self.selected
            else colours().accent
            if self.tinted
            else colours().plate_edge
        )
        width = 2.5 if self.selected else 1.5 if self.tinted else 1.0
        pen = QPen(edge, width, Qt.PenStyle.DashLine if self.selected else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.setBrush(colours().tint if self.tinted else colours().plate)
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
        self.setBrush(colours().neuron_fill)
        self.setPen(QPen(colours().neuron_edge, max(1.0, radius / 14)))
        self.setZValue(Z_NODES)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.name_item: QGraphicsSimpleTextItem | None = None
        if font is not None:
            item = QGraphicsSimpleTextItem(name, self)
            item.setFont(font)
            item.setBrush(QBrush(colours().ink))
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
            glow = QColor(colours().accent)
            glow.setAlpha(70)
            painter.setPen(QPen(glow, 2.2 * ring))
            painter.drawEllipse(QPointF(0, 0), r + ring, r + ring)
            painter.setPen(QPen(colours().accent, ring))
            painter.drawEllipse(QPointF(0, 0), r + ring / 2 + 1, r + ring / 2 + 1)
        if self.selected:
            pen = QPen(colours().selection, max(1.5, r * 0.08), Qt.PenStyle.DashLine)
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
        self.setBrush(colours().bias_fill)
        self.setPen(QPen(colours().neuron_edge, 1.5))
        self.setZValue(Z_NODES)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        one = QGraphicsSimpleTextItem("1", self)
        one.setFont(font)
        one.setBrush(QBrush(colours().ink))
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
            painter.setPen(QPen(colours().selection, 2.0, Qt.PenStyle.DashLine))
            painter.drawRect(self.rect().adjusted(-5, -5, 5, 5))
