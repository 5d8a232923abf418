"""A growable record of error values: appending is cheap and memory stays one float per entry."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["History"]


class History:
    """Error values in order, stored in a float64 array that doubles when full."""

    def __init__(self, values: NDArray[np.float64] | list[float] | None = None) -> None:
        initial = np.asarray(values if values is not None else [], dtype=np.float64).ravel()
        self._data = np.empty(max(64, 2 * initial.size))
        self._data[: initial.size] = initial
        self._size = initial.size

    def append(self, value: float) -> None:
        if self._size == self._data.size:
            grown = np.empty(2 * self._data.size)
            grown[: self._size] = self._data
            self._data = grown
        self._data[self._size] = value
        self._size += 1

    def __len__(self) -> int:
        return self._size

    def truncate(self, size: int) -> None:
        self._size = min(self._size, max(0, size))

    def values(self, start: int = 0, stop: int | None = None) -> NDArray[np.float64]:
        """A copy of the values from ``start`` on (up to ``stop``)."""
        end = self._size if stop is None else min(stop, self._size)
        result: NDArray[np.float64] = self._data[start:end].copy()
        return result

    def last(self) -> float:
        return float(self._data[self._size - 1]) if self._size else float("nan")
