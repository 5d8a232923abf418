"""The error plot's exports: the held error values as a CSV table, and the save dialog."""

from __future__ import annotations

import csv
from collections.abc import Callable

import numpy as np
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from bpdesk.core.stepping.plot_buffer import PlotBuffer
from bpdesk.gui.views.checked_write import write_checked

__all__ = ["export_with_dialog", "write_error_csv"]


def write_error_csv(
    path: str, iterations: PlotBuffer, epochs: PlotBuffer, tests: PlotBuffer
) -> None:
    """The exact values held: a block ``iteration,error``, an empty row, then a block
    ``epoch,train_error,test_error`` (test_error empty without a test set), counted from 1."""
    ix, iy = iterations.exact()
    ex, ey = epochs.exact()
    tx, ty = tests.exact()
    test_errors = dict(zip((tx + 1).astype(np.int64).tolist(), ty.tolist(), strict=True))
    epoch_numbers = (ex + 1).astype(np.int64).tolist()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["iteration", "error"])
        writer.writerows(zip((ix + 1).astype(np.int64).tolist(), iy.tolist(), strict=True))
        writer.writerow([])
        writer.writerow(["epoch", "train_error", "test_error"])
        writer.writerows(
            [epoch, value, test_errors.get(epoch, "")]
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
