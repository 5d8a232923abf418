"""The descent view's table: one row per step, θ_k, J(θ_k), dJ/dθ, Δθ and |Δθ|."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from bpdesk.core.formatting import format_value
from bpdesk.core.teaching.descent import Steps

__all__ = ["HEADERS", "fill_steps", "steps_table"]

HEADERS = ("k", "θ_k", "J(θ_k)", "dJ/dθ", "Δθ", "|Δθ|")
HEADER_TIPS = (
    "the step's number",
    "θ before step k",
    "the error there",
    "the slope there (from backpropagation)",
    "the step: Δθ = −η·dJ/dθ",
    "the size of the step: it shrinks near the minimum",
)


def steps_table() -> QTableWidget:
    """An empty, read-only table with the columns named (their meaning as tooltips)."""
    table = QTableWidget(0, len(HEADERS))
    table.setHorizontalHeaderLabels(list(HEADERS))
    for column, tip in enumerate(HEADER_TIPS):
        header = table.horizontalHeaderItem(column)
        if header is not None:
            header.setToolTip(tip)
    table.setAccessibleName("Every step: θ, J, the slope and the size of the step |Δθ|")
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setMinimumHeight(160)
    return table


def fill_steps(table: QTableWidget, steps: Steps) -> None:
    """One row per θ_k; the last has no step after it."""
    deltas = np.append(steps.deltas, np.nan)
    last = steps.thetas.size - 1
    table.blockSignals(True)
    table.setRowCount(steps.thetas.size)
    for k in range(steps.thetas.size):
        cells = (
            str(k),
            format_value(float(steps.thetas[k]), 6),
            format_value(float(steps.errors[k]), 9),
            format_value(float(steps.slopes[k]), 6),
            format_value(float(deltas[k]), 6) if k < last else "",
            format_value(abs(float(deltas[k])), 6) if k < last else "",
        )
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(k, column, item)
    table.blockSignals(False)
