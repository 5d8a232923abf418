"""The status bar's permanent labels: epochs, iteration, error, what comes next, run speed."""

from __future__ import annotations

import math

from PySide6.QtWidgets import QLabel, QStatusBar

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.after_updates import after_words, before_words, error_after

__all__ = ["build_status_labels", "error_text", "phase_text", "rate_text", "show_status"]

# The labels' keys, and whether each one takes the spare width.
_LABELS = (("epoch", 0), ("iteration", 0), ("error", 0), ("phase", 1), ("rate", 0))


def build_status_labels(bar: QStatusBar) -> dict[str, QLabel]:
    """One label per key (objectName ``status_<key>``), added to ``bar``."""
    bar.setObjectName("status_bar")
    labels: dict[str, QLabel] = {}
    for key, stretch in _LABELS:
        label = QLabel()
        label.setObjectName(f"status_{key}")
        # Margins, not a style sheet: a style sheet would keep the label's old text colour
        # when the theme changes.
        label.setContentsMargins(10, 0, 10, 0)
        bar.addPermanentWidget(label, stretch)
        labels[key] = label
    return labels


def show_status(labels: dict[str, QLabel], snap: Snapshot, running: bool) -> None:
    """The labels for ``snap``; ``running``: the window has asked for a run."""
    epochs = f"Epochs done: {snap.epoch}"
    if snap.rolled_back_to is not None:
        epochs += f", weights of epoch {snap.rolled_back_to} on show (rolled back)"
    labels["epoch"].setText(epochs)
    labels["iteration"].setText(
        f"iteration {snap.position + 1} of {snap.iterations_per_epoch} "
        f"in epoch {snap.epoch + 1} ({snap.iteration} done)"
    )
    labels["error"].setText(error_text(snap))
    labels["phase"].setText(phase_text(snap, running))
    labels["rate"].setText(rate_text(snap.rate) if snap.running else "")


def error_text(snap: Snapshot) -> str:
    """The error in the words of ``core/teaching/after_updates.py``: mid-step this step's
    E_total (measured before its update); between steps the error after N iterations (whole
    training set) where it is cheap to work out, else the one iteration N measured before
    its update; nothing before the first forward pass."""
    e_total = snap.trace.E_total
    if not snap.step_complete and math.isfinite(e_total):
        return f"{before_words(snap.iteration + 1)}: {format_value(e_total)}"
    if snap.iteration == 0:
        return f"E = {format_value(math.nan)}"  # nothing measured yet: press F
    after = None if snap.running else error_after(snap)
    if after is not None:
        return f"{after_words(snap.iteration)}: {format_value(after)}"
    return f"{before_words(snap.iteration)}: {format_value(snap.error)}"


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
