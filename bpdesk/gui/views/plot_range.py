"""Where a live plot's axes go while its curve grows: in steps, so that they rarely move.

pyqtgraph's own auto-range fits the axes to the data after every new point, so during a run
the axes (their ticks, labels and grid) are rebuilt and the plot painted twice for every
frame. Here the x axis reaches to the next "nice" number past the newest point and the y axis
changes only when the curve leaves it or fills less than half of it: the axes move a few
dozen times over a long run instead of at every frame. Panning or zooming by hand stops the
following; the plot's "A" button (or a new curve) starts it again.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

# isort: split
import pyqtgraph as pg

__all__ = ["RangeFollower", "next_nice", "x_range", "y_range"]

Array = NDArray[np.float64]
Span = tuple[float, float]

NICE_STEPS = (1.0, 2.0, 5.0, 10.0)  # a run's x axis then moves about three times a decade
ROOM = 0.2  # share of the y span left free above and below the curve when the range is set
FILL = 0.5  # the y range is tightened once the curve fills less than this share of it


def next_nice(value: float) -> float:
    """The smallest of 1, 2 and 5 times a power of ten that is at least ``value`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(value))
    for step in NICE_STEPS:
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10.0 * power


def x_range(last_x: float, current: Span | None) -> Span | None:
    """The x range for a curve whose newest point is at ``last_x`` (counted from 1): from 0 to
    the next nice number a little past it; None when ``current`` still fits."""
    upper = next_nice(max(float(last_x), 1.0) * 1.02)
    if current is not None and current[0] <= 0.0 and last_x * 1.01 <= current[1] <= upper * 2.6:
        return None
    return (0.0, upper)


def y_range(values: Array, current: Span | None, *, floor: float | None = None) -> Span | None:
    """The y range for finite ``values`` (already in axis units: log10 on a log axis): None
    when ``current`` holds them all and they fill at least half of it. A new range leaves the
    curve room to move on both sides (a falling error keeps falling), but never reaches below
    ``floor`` when every value is above it (an error axis starts at 0)."""
    if values.size == 0:
        return None
    low, high = float(values.min()), float(values.max())
    if current is not None:
        inside = current[0] <= low and high <= current[1]
        if inside and (high - low) >= FILL * (current[1] - current[0]):
            return None
    span = high - low
    pad = span * ROOM if span > 0 else max(abs(high) * 0.1, 1e-12)
    bottom = low - pad
    if floor is not None and low >= floor:
        bottom = max(bottom, floor)
    return (bottom, high + pad)


class RangeFollower:
    """Keeps a plot's view box on its curve in steps (see the module's note)."""

    def __init__(self, item: pg.PlotItem) -> None:
        self._item = item
        self._box = item.getViewBox()
        self._following = True
        self._fresh = True  # the next update sets both axes, whatever they show
        self._box.disableAutoRange()
        self._box.sigRangeChangedManually.connect(self._stop)
        item.hideButtons()

    @property
    def following(self) -> bool:
        return self._following

    def follow(self) -> None:
        """Follow the curve again from its next update (a new curve, axis or scale)."""
        self._following = True
        self._fresh = True
        self._item.hideButtons()

    def update(self, x: Array, y: Array, *, log: bool) -> None:
        """Move the axes if the curve ``x``, ``y`` (as drawn) no longer fits them."""
        if any(self._box.autoRangeEnabled()):  # the "A" button was pressed
            self._box.disableAutoRange()
            self.follow()
        if not self._following or x.size == 0:
            return
        shown = self._box.viewRange()
        fresh, self._fresh = self._fresh, False
        values = np.log10(y) if log else y
        new_x = x_range(float(x.max()), None if fresh else (shown[0][0], shown[0][1]))
        new_y = y_range(
            values[np.isfinite(values)],
            None if fresh else (shown[1][0], shown[1][1]),
            floor=None if log else 0.0,
        )
        if new_x is None and new_y is None:
            return
        self._box.setRange(xRange=new_x, yRange=new_y, padding=0.0, disableAutoRange=True)

    def _stop(self, *_: object) -> None:
        self._following = False
        self._item.showButtons()
