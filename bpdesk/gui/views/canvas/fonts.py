"""The canvas's fonts at one text size, and the label metrics its layout is measured with."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetricsF

from bpdesk.gui.views.canvas.items import LabelItem

__all__ = ["CAPTION_SIZE", "LABEL_STRETCH", "LEGEND_SIZE", "CanvasFonts"]

LABEL_STRETCH = 75  # per cent of the normal width: numbers set condensed
CAPTION_SIZE = 0.8  # captions and notes against the labels' size
LEGEND_SIZE = 0.65  # the legend against the labels' size


class CanvasFonts:
    """Value labels, neuron names, captions and the bias units' "1" at font scale ``scale``.

    The numbers are set narrow (a condensed face where the system has one), so that a label
    with nine digits fits between two columns of neurons at a large size; captions, the legend
    and the notes, which carry no number of the step, are a little smaller than the labels.
    """

    def __init__(self, scale: float) -> None:
        self.label = QFont()
        self.label.setPointSizeF(12 * scale)
        self.label.setStretch(LABEL_STRETCH)
        self.name = QFont()
        self.name.setPointSizeF(13 * scale)
        self.name.setBold(True)
        self.name.setStretch(LABEL_STRETCH)
        self.caption = QFont()
        self.caption.setPointSizeF(12 * CAPTION_SIZE * scale)
        self.caption.setItalic(True)
        self.small = QFont(self.caption)  # the legend
        self.small.setPointSizeF(12 * LEGEND_SIZE * scale)
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
