"""The status bar's permanent labels: epochs, iteration, error, what comes next, run speed."""

from __future__ import annotations

import math

from PySide6.QtWidgets import QLabel, QStatusBar

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot

__all__ = ["build_status_labels", "phase_text", "rate_text", "show_status"]

# The labels' keys, and whether each one takes the spare width.
_LABELS = (("epoch", 0), ("iteration", 0), ("error", 0), ("phase", 1), ("rate", 0))


def build_status_labels(bar: QStatusBar) -> dict[str, QLabel]:
    """One label per key (objectName ``status_<key>``), added to ``bar``."""
    bar.setObjectName("status_bar")
    labels: dict[str, QLabel] = {}
    for key, stretch in _LABELS:
        label = QLabel()
        label.setObjectName(f"status_{key}")
        label.setStyleSheet("QLabel { padding: 0px 10px; }")  # survives theme changes
        bar.addPermanentWidget(label, stretch)
        labels[key] = label
    return labels


def show_status(labels: dict[str, QLabel], snap: Snapshot, running: bool) -> None:
    """The labels for ``snap``; ``running``: the window has asked for a run."""
    labels["epoch"].setText(f"Epochs done: {snap.epoch}")
    labels["iteration"].setText(
        f"iteration {snap.position + 1} of {snap.iterations_per_epoch} "
        f"in epoch {snap.epoch + 1} ({snap.iteration} done)"
    )
    e_total = snap.trace.E_total
    if not snap.step_complete and math.isfinite(e_total):
        labels["error"].setText(f"E_total = {format_value(e_total)}")
    else:
        labels["error"].setText(f"E = {format_value(snap.error)}")
    labels["phase"].setText(phase_text(snap, running))
    labels["rate"].setText(rate_text(snap.rate) if snap.running else "")


def phase_text(snap: Snapshot, running: bool = False) -> str:
    """What comes next, in words ("next: backward pass — δ of o1 …")."""
    if snap.running or running:
        return "training…"
    if snap.diverged:
        return "diverged: step back or reset"
    op = snap.next_op
    if op is None and snap.trace.ops:
        op = snap.trace.ops[0]  # the first sub-step of the next training step
    detail = f" — {op.describe(snap.spec)}" if op is not None else ""
    if snap.phase == "update":
        return f"next: weight update{detail}"
    return f"next: {snap.phase} pass{detail}"


def rate_text(rate: float) -> str:
    """Run speed as the status bar shows it."""
    if not math.isfinite(rate) or rate <= 0.0:
        return ""
    return f"{rate:,.0f} it/s".replace(",", "\u2009")
