"""Per-epoch errors of the held-out parts (validation, test) as the error plot keeps them."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.stepping.plot_buffer import PlotBuffer

__all__ = ["merge_per_epoch"]


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
