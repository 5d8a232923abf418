"""The canvas's colours for each look (light, dark, high contrast) and its stacking order.

The sign of a weight has a colour-blind-safe pair (Okabe–Ito blue and vermilion, lighter
on dark paper), and negative links are dashed as well, so colour never carries it alone.
Items read :func:`colours` when they are made or painted; the canvas picks the colours
for its palette (:func:`use_colours_for`) and builds its scene anew when they change.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

from bpdesk.gui.shell.theme import look_of

__all__ = [
    "DARK",
    "HIGH_CONTRAST",
    "HIGH_CONTRAST_DARK",
    "LIGHT",
    "Z_LABELS",
    "Z_LINKS",
    "Z_NODES",
    "Z_TOP",
    "CanvasColours",
    "colours",
    "colours_for",
    "use_colours_for",
]


@dataclass(frozen=True)
class CanvasColours:
    """Every colour the drawing uses."""

    name: str
    background: QColor
    ink: QColor  # text and the "1" of a bias unit
    muted: QColor  # legend text, captions
    positive: QColor
    negative: QColor
    accent: QColor  # what is computed next
    selection: QColor
    neuron_fill: QColor
    neuron_edge: QColor
    bias_fill: QColor
    plate: QColor  # behind a label
    plate_edge: QColor
    tint: QColor  # the plate of values just computed
    fan: tuple[QColor, QColor]  # rows of an input image, alternating
    grid_edge: QColor  # between the cells of an input image


def _c(text: str, alpha: int = 255) -> QColor:
    colour = QColor(text)
    colour.setAlpha(alpha)
    return colour


LIGHT = CanvasColours(
    "light", _c("#ffffff"), _c("#151515"), _c("#4a4a4a"), _c("#0072B2"), _c("#D55E00"),
    _c("#9B1C8C"), _c("#111111"), _c("#f7f7f7"), _c("#2b2b2b"), _c("#eeeeee"),
    _c("#ffffff", 236), _c("#b8b8b8"), _c("#fff0a8"), (_c("#e4e4e4"), _c("#f0f0f0")),
    _c("#9a9a9a"),
)  # fmt: skip
DARK = CanvasColours(
    "dark", _c("#1a1b1e"), _c("#f0f0f0"), _c("#c4c4c4"), _c("#56B4E9"), _c("#F08A3C"),
    _c("#e47ad6"), _c("#ffffff"), _c("#2b2e33"), _c("#d0d0d0"), _c("#3a3d43"),
    _c("#24262a", 236), _c("#6a6d74"), _c("#5b4a08"), (_c("#2a2c31"), _c("#222428")),
    _c("#6a6d74"),
)  # fmt: skip
HIGH_CONTRAST = CanvasColours(
    "high contrast", _c("#ffffff"), _c("#000000"), _c("#000000"), _c("#004f8c"),
    _c("#a33a00"), _c("#7a0070"), _c("#000000"), _c("#ffffff"), _c("#000000"),
    _c("#ffffff"), _c("#ffffff"), _c("#000000"), _c("#ffe45c"),
    (_c("#dddddd"), _c("#ffffff")), _c("#000000"),
)  # fmt: skip
HIGH_CONTRAST_DARK = CanvasColours(
    "high contrast dark", _c("#000000"), _c("#ffffff"), _c("#ffffff"), _c("#7cc8ff"),
    _c("#ffa060"), _c("#ff8cf0"), _c("#ffffff"), _c("#000000"), _c("#ffffff"),
    _c("#000000"), _c("#000000"), _c("#ffffff"), _c("#4d3f00"),
    (_c("#222222"), _c("#000000")), _c("#ffffff"),
)  # fmt: skip

_current = [LIGHT]


def colours() -> CanvasColours:
    """The colours the drawing uses now."""
    return _current[0]


def colours_for(palette: QPalette) -> CanvasColours:
    """The drawing's colours for a widget palette: dark paper gets the dark colours, pure
    black and white windows (high contrast) the high-contrast ones."""
    dark, high_contrast = look_of(palette)
    if high_contrast:
        return HIGH_CONTRAST_DARK if dark else HIGH_CONTRAST
    return DARK if dark else LIGHT


def use_colours_for(palette: QPalette) -> bool:
    """Take the colours for ``palette``; True if they changed."""
    wanted = colours_for(palette)
    changed = wanted is not _current[0]
    _current[0] = wanted
    return changed


Z_LINKS = 0.0
Z_NODES = 10.0
Z_LABELS = 20.0
Z_TOP = 30.0
