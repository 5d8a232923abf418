"""Per-epoch errors of the held-out parts (validation, test) as the error plot keeps them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.stepping.plot_buffer import PlotBuffer

if TYPE_CHECKING:
    import pyqtgraph as pg

__all__ = ["merge_per_epoch", "set_legend_text"]


def merge_per_epoch(buffer: PlotBuffer, values: NDArray[np.float64] | None) -> bool:
    """Make ``buffer`` hold ``values`` (a snapshot's whole per-epoch history of one part, or
    None where that part does not exist): cut back, extended or cleared. True if it changed."""
    if values is None:
        if len(buffer) or buffer.end:
            buffer.clear()
            return True
        return False
    values = np.asarray(values, dtype=np.float64).ravel()
    changed = False
    if values.size < buffer.end:
        buffer.truncate(values.size)
        changed = True
    if values.size > buffer.end:
        buffer.append(buffer.end, values[buffer.end :])
        changed = True
    return changed


def set_legend_text(legend: pg.LegendItem, curve: pg.PlotDataItem, text: str) -> None:
    """Write ``text`` as the legend's label of ``curve`` (its newest value beside its name)."""
    for sample, label in legend.items:
        if sample.item is curve:
            label.setText(text)
