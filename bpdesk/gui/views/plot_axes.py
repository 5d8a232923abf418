"""Plot axes that label what the lecture counts: whole iterations and epochs, powers of ten."""

# pyqtgraph has no type information, so its AxisItem is Any to mypy; these axes subclass it.
# mypy: allow-subclassing-any

from __future__ import annotations

import math

import numpy as np

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.formatting import format_value

__all__ = ["CountAxis", "PowerAxis", "power_text"]

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class CountAxis(pg.AxisItem):
    """An axis of counts (iterations, epochs): ticks at whole numbers only."""

    def tickValues(
        self, minVal: float, maxVal: float, size: float
    ) -> list[tuple[float, list[float]]]:
        levels = [
            (step, ticks) for step, ticks in super().tickValues(minVal, maxVal, size) if step >= 1
        ]
        if levels or not (math.isfinite(minVal) and math.isfinite(maxVal)):
            return levels
        whole = np.arange(math.ceil(minVal), math.floor(maxVal) + 1, dtype=np.float64)
        return [(1.0, whole.tolist())] if whole.size else []


class PowerAxis(pg.AxisItem):
    """An axis of powers of ten: log₁₀ values labelled as the numbers they stand for.

    On a log-mode axis pyqtgraph passes log₁₀ values; the histogram's bottom axis holds
    log₁₀ E as plain coordinates and is labelled the same way.
    """

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return self._labels(values, spacing)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.logMode or self.orientation in ("top", "bottom"):
            return self._labels(values, spacing)
        result: list[str] = super().tickStrings(values, scale, spacing)
        return result

    def _labels(self, values: list[float], spacing: float) -> list[str]:
        low, high = self.range
        narrow = abs(high - low) < 1.5
        return [power_text(v) if narrow or _whole(v) else "" for v in values]


def _whole(value: float) -> bool:
    return abs(value - round(value)) < 1e-6


def power_text(exponent: float) -> str:
    """10^exponent as read on an axis: 0.001 … 1000 written out, 10⁻⁶ beyond."""
    if _whole(exponent):
        power = round(exponent)
        if -3 <= power <= 3:
            return format_value(10.0**power)
        return "10" + str(power).translate(_SUPERSCRIPT)
    value = 10.0**exponent
    return f"{value:.2g}".replace("-", "−")
