"""The look: Fusion style with an explicit light (or dark) palette and projector-sized fonts."""

from __future__ import annotations

import math

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

__all__ = [
    "BASE_POINT_SIZE",
    "FONT_SCALE_MAX",
    "FONT_SCALE_MIN",
    "THEMES",
    "apply_theme",
    "clamp_font_scale",
    "high_contrast_palette",
    "look_of",
    "palette",
]

BASE_POINT_SIZE = 12
# The one text-size rule of the window: every panel, plot and the canvas take the same scale,
# from 75 % (a small laptop screen) to 300 % (the back row of a lecture hall).
FONT_SCALE_MIN = 0.75
FONT_SCALE_MAX = 3.0
THEMES = ("light", "dark")


def clamp_font_scale(scale: float) -> float:
    """``scale`` brought into the text-size range; a scale that is not a number is refused."""
    value = float(scale)
    if not math.isfinite(value):
        raise ValueError(f"The text size must be a number, not {scale}.")
    return min(FONT_SCALE_MAX, max(FONT_SCALE_MIN, value))


_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup

# Colours per role: high contrast, so text stays readable through a projector.
_LIGHT = {
    _Role.Window: "#f3f3f3",
    _Role.WindowText: "#111111",
    _Role.Base: "#ffffff",
    _Role.AlternateBase: "#eef2f7",
    _Role.ToolTipBase: "#ffffdc",
    _Role.ToolTipText: "#111111",
    _Role.PlaceholderText: "#6b6b6b",
    _Role.Text: "#111111",
    _Role.Button: "#e6e6e6",
    _Role.ButtonText: "#111111",
    _Role.BrightText: "#b00020",
    _Role.Light: "#ffffff",
    _Role.Midlight: "#e9e9e9",
    _Role.Mid: "#b8b8b8",
    _Role.Dark: "#8a8a8a",
    _Role.Shadow: "#5a5a5a",
    _Role.Highlight: "#1f5fbf",
    _Role.HighlightedText: "#ffffff",
    _Role.Link: "#0b4fa8",
    _Role.LinkVisited: "#5b2a93",
}

_DARK = {
    _Role.Window: "#24262a",
    _Role.WindowText: "#f0f0f0",
    _Role.Base: "#1a1b1e",
    _Role.AlternateBase: "#2b2e33",
    _Role.ToolTipBase: "#33363c",
    _Role.ToolTipText: "#f0f0f0",
    _Role.PlaceholderText: "#9a9a9a",
    _Role.Text: "#f0f0f0",
    _Role.Button: "#33363c",
    _Role.ButtonText: "#f0f0f0",
    _Role.BrightText: "#ff6b6b",
    _Role.Light: "#4a4d54",
    _Role.Midlight: "#3c3f45",
    _Role.Mid: "#2e3035",
    _Role.Dark: "#151618",
    _Role.Shadow: "#000000",
    _Role.Highlight: "#3d7fd9",
    _Role.HighlightedText: "#ffffff",
    _Role.Link: "#8cb8ff",
    _Role.LinkVisited: "#c79bff",
}

_DISABLED_TEXT = {"light": "#8a8a8a", "dark": "#7a7a7a"}
# Disabled text in high contrast: plainly grey beside the black (or white) of enabled text.
HIGH_CONTRAST_DISABLED = {"light": "#8c8c8c", "dark": "#707070"}

# Plot colours for pyqtgraph, which does not follow the Qt palette.
_PLOT = {"light": ("#ffffff", "#111111"), "dark": ("#1a1b1e", "#f0f0f0")}


def palette(name: str) -> QPalette:
    """The light or dark palette."""
    colours = _DARK if name == "dark" else _LIGHT
    result = QPalette()
    for role, colour in colours.items():
        result.setColor(role, QColor(colour))
    disabled = QColor(_DISABLED_TEXT["dark" if name == "dark" else "light"])
    for role in (_Role.WindowText, _Role.Text, _Role.ButtonText, _Role.PlaceholderText):
        result.setColor(_Group.Disabled, role, disabled)
    return result


def look_of(palette: QPalette) -> tuple[bool, bool]:
    """(dark, high contrast) of a widget palette: dark paper, and the pure black or white
    window that :func:`high_contrast_palette` gives. Views without Qt's palette (the drawing,
    the plots) pick their colours by it."""
    window = palette.color(_Role.Window)
    dark = palette.color(_Role.Base).lightness() < 128
    return dark, window in (QColor("#ffffff"), QColor("#000000"))


def high_contrast_palette(base: QPalette) -> QPalette:
    """Pure black on white, or white on black when ``base`` is dark: for bright projectors.
    Disabled controls stay visibly grey (an enabled look on a disabled Pause misleads)."""
    dark = base.color(_Role.Window).lightness() < 128
    ink, paper = (QColor("white"), QColor("black")) if dark else (QColor("black"), QColor("white"))
    result = QPalette(base)
    for group in (_Group.Active, _Group.Inactive):
        for role in (_Role.Window, _Role.Base, _Role.Button, _Role.AlternateBase):
            result.setColor(group, role, paper)
        for role in (_Role.WindowText, _Role.Text, _Role.ButtonText, _Role.ToolTipText):
            result.setColor(group, role, ink)
        result.setColor(group, _Role.PlaceholderText, QColor("#b0b0b0" if dark else "#4a4a4a"))
        result.setColor(group, _Role.Highlight, QColor("#0044cc"))
        result.setColor(group, _Role.HighlightedText, QColor("white"))
        result.setColor(group, _Role.ToolTipBase, paper)
    for role in (_Role.Window, _Role.Base, _Role.Button):
        result.setColor(_Group.Disabled, role, paper)
    grey = QColor(HIGH_CONTRAST_DISABLED["dark" if dark else "light"])
    for role in (_Role.WindowText, _Role.Text, _Role.ButtonText, _Role.PlaceholderText):
        result.setColor(_Group.Disabled, role, grey)
    return result


def apply_theme(app: QApplication, name: str = "light", point_size: int = BASE_POINT_SIZE) -> str:
    """Fusion style, the named palette and a base font of ``point_size`` pt; returns the
    theme actually used."""
    name = name if name in THEMES else "light"
    # A new style object re-polishes every widget and deletes the old style under any widget
    # still holding it: set it once, and palette and font only when they change.
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    wanted = palette(name)
    if app.palette() != wanted:
        app.setPalette(wanted)
    font = QFont(app.font())
    if font.pointSize() != point_size:
        font.setPointSize(point_size)
        app.setFont(font)
    _apply_plot_colours(name)
    return name


def _apply_plot_colours(name: str) -> None:
    try:
        import pyqtgraph
    except ImportError:  # plots fall back to their own defaults
        return
    background, foreground = _PLOT[name]
    pyqtgraph.setConfigOptions(background=background, foreground=foreground)
