"""The canvas's fonts at one text size, and the label metrics its layout is measured with."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetricsF

from bpdesk.gui.views.canvas.items import LabelItem

__all__ = ["CanvasFonts"]


class CanvasFonts:
    """Value labels, neuron names, captions and the bias units' "1" at font scale ``scale``."""

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
        """The width of a one-line label plate showing ``text``."""
        return self.metrics.horizontalAdvance(text) + 2 * LabelItem.PAD

    def name_width(self, name: str) -> float:
        """The width of a neuron's name written inside its circle."""
        return self.name_metrics.horizontalAdvance(name)
