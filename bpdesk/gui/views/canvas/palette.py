"""The canvas's colours and stacking order: a light theme, colour-blind-safe signs."""

from __future__ import annotations

from PySide6.QtGui import QColor

__all__ = [
    "ACCENT",
    "BACKGROUND",
    "INK",
    "MUTED",
    "NEGATIVE",
    "NEURON_EDGE",
    "NEURON_FILL",
    "PLATE",
    "PLATE_EDGE",
    "POSITIVE",
    "SELECTION",
    "TINT",
    "Z_LABELS",
    "Z_LINKS",
    "Z_NODES",
    "Z_TOP",
]

# A light theme with a colour-blind-safe pair for the sign of a weight (Okabe–Ito blue and
# vermilion); negative links are also dashed so colour never carries the sign alone.
BACKGROUND = QColor("#ffffff")
INK = QColor("#151515")
MUTED = QColor("#4a4a4a")
POSITIVE = QColor("#0072B2")
NEGATIVE = QColor("#D55E00")
ACCENT = QColor("#9B1C8C")  # what is computed next
SELECTION = QColor("#111111")
NEURON_FILL = QColor("#f7f7f7")
NEURON_EDGE = QColor("#2b2b2b")
PLATE = QColor(255, 255, 255, 236)
PLATE_EDGE = QColor("#b8b8b8")
TINT = QColor("#fff0a8")  # the plate of values just computed

Z_LINKS = 0.0
Z_NODES = 10.0
Z_LABELS = 20.0
Z_TOP = 30.0
