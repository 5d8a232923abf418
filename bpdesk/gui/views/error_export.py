"""The error plot's exports: the held error values as a CSV table, and the save dialog."""

from __future__ import annotations

import csv
from collections.abc import Callable

import numpy as np
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from bpdesk.core.stepping.plot_buffer import PlotBuffer
from bpdesk.gui.views.checked_write import write_checked

__all__ = [
    "EPOCH_HEADER",
    "ITERATION_HEADER",
    "TEST_HEADER",
    "VALIDATION_HEADER",
    "export_with_dialog",
    "write_error_csv",
]


ITERATION_HEADER = ["iteration", "E in the iteration, before its update"]
EPOCH_HEADER = ["epoch", "mean E over the epoch's iterations, each before its update"]
VALIDATION_HEADER = "E on the validation part, after the epoch"
TEST_HEADER = "E on the test part, after the epoch"


def _per_epoch(buffer: PlotBuffer) -> dict[int, float]:
    """A per-epoch buffer's values by epoch number (counted from 1)."""
    x, y = buffer.exact()
    return dict(zip((x + 1).astype(np.int64).tolist(), y.tolist(), strict=True))


def write_error_csv(
    path: str,
    iterations: PlotBuffer,
    epochs: PlotBuffer,
    tests: PlotBuffer,
    validations: PlotBuffer | None = None,
) -> None:
    """The exact values held, counted from 1, each block headed by what its figures are:
    ``ITERATION_HEADER`` rows (the error each iteration measured in its forward pass,
    before its update), an empty row, then ``EPOCH_HEADER`` rows with a column for the
    validation and for the test error after each epoch where such a part exists (empty
    for epochs without one)."""
    ix, iy = iterations.exact()
    ex, ey = epochs.exact()
    held_out = [
        (header, _per_epoch(buffer))
        for header, buffer in ((VALIDATION_HEADER, validations), (TEST_HEADER, tests))
        if buffer is not None and len(buffer)
    ]
    epoch_numbers = (ex + 1).astype(np.int64).tolist()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ITERATION_HEADER)
        writer.writerows(zip((ix + 1).astype(np.int64).tolist(), iy.tolist(), strict=True))
        writer.writerow([])
        writer.writerow(EPOCH_HEADER + [header for header, _ in held_out])
        writer.writerows(
            [epoch, value, *(values.get(epoch, "") for _, values in held_out)]
            for epoch, value in zip(epoch_numbers, ey.tolist(), strict=True)
        )


def export_with_dialog(
    parent: QWidget,
    title: str,
    file_name: str,
    file_filter: str,
    export: Callable[[str], None],
) -> str:
    """Ask where to save (``file_name``'s suffix is added when left off), then ``export``
    there, checked (``write_checked``); a file that was not written is said plainly through
    a message box. The path saved, or "" when cancelled or not saved."""
    path, _ = QFileDialog.getSaveFileName(parent, title, file_name, file_filter)
    if not path:
        return ""
    suffix = file_name[file_name.rfind(".") :]
    if not path.lower().endswith(suffix):
        path += suffix
    what = "The picture" if suffix == ".png" else "The table"
    problem = write_checked(path, export, what)
    if problem is not None:
        QMessageBox.warning(parent, "Export failed", problem)
        return ""
    return path
