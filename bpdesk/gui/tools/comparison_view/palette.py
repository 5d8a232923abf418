"""Text colours set through the palette, so that the font scale still reaches the widget."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["set_text_colour"]


def set_text_colour(widget: QWidget, role: QPalette.ColorRole, colour: str | None) -> None:
    """Text in ``colour`` (None: the theme's own), without a style sheet, which would
    stop the font scale from reaching the widget."""
    palette = QPalette(widget.palette())
    if colour is None:
        palette.setColor(role, QApplication.palette().color(role))
    else:
        palette.setColor(role, QColor(colour))
    widget.setPalette(palette)
