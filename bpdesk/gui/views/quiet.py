"""Setting a control's state from code without announcing it as the user's change."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton

__all__ = ["check_quietly"]


def check_quietly(box: QAbstractButton, on: bool) -> None:
    """Tick or untick ``box`` without emitting its signals (the caller applies the change)."""
    if box.isChecked() != on:
        box.blockSignals(True)
        box.setChecked(on)
        box.blockSignals(False)
