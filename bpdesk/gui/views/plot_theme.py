"""Colours of the pyqtgraph plots for the window's look (pyqtgraph ignores Qt's palette)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QPalette

from bpdesk.gui.shell.theme import look_of

__all__ = ["PlotColours", "plot_colours"]


@dataclass(frozen=True)
class PlotColours:
    """The paper, the ink and the curves of a plot."""

    background: str
    text: str
    train: str  # solid line
    test: str  # dashed line
    validation: str  # dotted line
    crosshair: str
    legend: tuple[int, int, int, int]  # the legend's paper, with its opacity


LIGHT = PlotColours("#ffffff", "#000000", "#0b4f9c", "#c25400", "#2e7d32", "#444444",
                    (255, 255, 255, 220))  # fmt: skip
DARK = PlotColours("#1a1b1e", "#f0f0f0", "#6cb6ff", "#ff9b50", "#7ed67e", "#b0b0b0",
                   (26, 27, 30, 220))  # fmt: skip
HIGH_CONTRAST = PlotColours("#ffffff", "#000000", "#003f7f", "#8f3300", "#1b5e20", "#000000",
                            (255, 255, 255, 255))  # fmt: skip
HIGH_CONTRAST_DARK = PlotColours("#000000", "#ffffff", "#8fd0ff", "#ffb070", "#9cf09c",
                                 "#ffffff", (0, 0, 0, 255))  # fmt: skip


def plot_colours(palette: QPalette) -> PlotColours:
    """The plot colours for a widget's palette: dark or light paper, and high contrast when
    the window is pure black or white."""
    dark, high_contrast = look_of(palette)
    if high_contrast:
        return HIGH_CONTRAST_DARK if dark else HIGH_CONTRAST
    return DARK if dark else LIGHT
