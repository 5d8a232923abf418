"""A bounded history of plotted points: recent ones exact, older ones kept as a min/max envelope."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["PlotBuffer"]

Array = NDArray[np.float64]

DEFAULT_MAX_POINTS = 100_000


class PlotBuffer:
    """Points ``(x, y)`` of one curve, where ``x`` is the index of the value in its history.

    Appending writes NumPy slices only. When more than ``max_points`` would be held, every
    point except the most recent quarter of the budget is compacted into a min/max envelope:
    the x range is cut into equal blocks and each block keeps the points holding its smallest
    and its largest finite value, at their true x positions. The curve's shape, spikes
    included, survives; the overall minimum and maximum are always kept exactly; the points
    after :attr:`exact_from` are the values themselves.
    """

    def __init__(self, max_points: int = DEFAULT_MAX_POINTS) -> None:
        if max_points < 16:
            raise ValueError("A plot buffer needs room for at least 16 points.")
        self.max_points = int(max_points)
        self._keep_exact = self.max_points // 4  # recent points left exact by a compaction
        self._envelope_points = 2 * (self.max_points // 8)  # budget for the envelope
        self._x: Array = np.empty(self.max_points)
        self._y: Array = np.empty(self.max_points)
        self._size = 0
        self._end = 0  # index after the last value appended
        self._exact_from = 0  # points with x at or above this are exact values

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return self._size

    @property
    def end(self) -> int:
        """The history index after the last value appended (what the next append continues)."""
        return self._end

    @property
    def exact_from(self) -> int:
        """The history index from which every held point is an exact value, not an envelope."""
        return self._exact_from

    def x(self) -> Array:
        """History indices of the held points, strictly increasing (a read-only view)."""
        view = self._x[: self._size]
        view.flags.writeable = False
        return view

    def y(self) -> Array:
        """Values of the held points (a read-only view; may contain inf or NaN as appended)."""
        view = self._y[: self._size]
        view.flags.writeable = False
        return view

    def exact(self) -> tuple[Array, Array]:
        """Copies of the held points that are exact values (x ≥ :attr:`exact_from`)."""
        first = int(np.searchsorted(self._x[: self._size], self._exact_from, side="left"))
        return self._x[first : self._size].copy(), self._y[first : self._size].copy()

    def last(self) -> tuple[int, float] | None:
        """The last held point as ``(index, value)``, or None when empty."""
        if not self._size:
            return None
        return int(self._x[self._size - 1]), float(self._y[self._size - 1])

    # ------------------------------------------------------------------ writing
    def clear(self) -> None:
        self._size = 0
        self._end = 0
        self._exact_from = 0

    def truncate(self, n: int) -> None:
        """Keep only the values with index below ``n`` (history cut back to ``n`` values)."""
        n = max(0, int(n))
        if n >= self._end:
            return
        self._size = int(np.searchsorted(self._x[: self._size], n, side="left"))
        self._end = n
        self._exact_from = min(self._exact_from, n)

    def merge(self, start: int, values: ArrayLike) -> bool:
        """A snapshot's new points from ``start`` on (a start below :attr:`end` cuts the
        history back first); True if anything changed."""
        changed = start < self._end
        if changed:
            self.truncate(start)
        if np.size(values):
            self.append(start, values)
            changed = True
        return changed

    def append(self, start_index: int, values: ArrayLike) -> None:
        """Add ``values`` as the history entries ``start_index``, ``start_index + 1``, …

        A start below :attr:`end` cuts the history back to it first; a start above it leaves
        a gap (the entries between were never received)."""
        start = max(0, int(start_index))
        if start < self._end:
            self.truncate(start)
        y = np.asarray(values, dtype=np.float64).ravel()
        count = y.size
        if count == 0:
            return
        x = np.arange(start, start + count, dtype=np.float64)
        if self._size == 0 and start > self._end:
            self._exact_from = start
        self._end = start + count
        if self._size + count <= self.max_points:
            self._x[self._size : self._size + count] = x
            self._y[self._size : self._size + count] = y
            self._size += count
            return
        all_x = np.concatenate((self._x[: self._size], x))
        all_y = np.concatenate((self._y[: self._size], y))
        self._compact(all_x, all_y)

    # ------------------------------------------------------------------ compaction
    def _compact(self, all_x: Array, all_y: Array) -> None:
        """Store ``all_x, all_y`` (more than the budget) as envelope + exact recent points."""
        split = all_x.size - self._keep_exact
        old_x, old_y = envelope(all_x[:split], all_y[:split], self._envelope_points // 2)
        held = old_x.size + self._keep_exact
        self._x[: old_x.size] = old_x
        self._y[: old_x.size] = old_y
        self._x[old_x.size : held] = all_x[split:]
        self._y[old_x.size : held] = all_y[split:]
        self._size = held
        self._exact_from = int(all_x[split])


def envelope(x: Array, y: Array, blocks: int) -> tuple[Array, Array]:
    """The min/max envelope of ``(x, y)`` over ``blocks`` equal ranges of x.

    Each block keeps the first point holding its smallest finite value and the first holding
    its largest, in x order (at most ``2 * blocks`` points); non-finite values are dropped.
    """
    if x.size == 0:
        return x.copy(), y.copy()
    edges = np.linspace(x[0], x[-1] + 1.0, blocks + 1)
    starts = np.searchsorted(x, edges[:-1], side="left")
    starts = starts[np.concatenate((starts[1:] > starts[:-1], [starts[-1] < x.size]))]
    counts = np.diff(np.append(starts, x.size))
    block_of = np.repeat(np.arange(starts.size), counts)
    finite = np.isfinite(y)
    low = np.where(finite, y, np.inf)
    high = np.where(finite, y, -np.inf)
    block_min = np.minimum.reduceat(low, starts)
    block_max = np.maximum.reduceat(high, starts)
    keep = np.union1d(
        _first_in_block(low == block_min[block_of], block_of),
        _first_in_block(high == block_max[block_of], block_of),
    )
    keep = keep[finite[keep]]
    return x[keep], y[keep]


def _first_in_block(match: NDArray[np.bool_], block_of: NDArray[np.intp]) -> NDArray[np.intp]:
    """Index of the first matching point of every block that has one."""
    hits = np.flatnonzero(match)
    blocks = block_of[hits]
    first = np.ones(hits.size, dtype=bool)
    first[1:] = blocks[1:] != blocks[:-1]
    result: NDArray[np.intp] = hits[first]
    return result
