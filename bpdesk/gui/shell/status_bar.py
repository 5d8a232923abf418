"""The status bar's permanent labels: epochs, iteration, error, what comes next, run speed.

On a narrow window no label is cut off mid-word: a label without room shows the start of
its text with "…" and the whole text in its tooltip. The phase label ("next: …") matters
most in a lecture, then the error: they keep room for their whole text (up to ``KEEP``
pixels) and the others shorten first. When not every label fits whole, the epoch count is
left out (the iteration label says the epoch too), unless it tells of a roll-back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import cast

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.after_updates import after_words, before_words, error_after

__all__ = [
    "ElidingLabel",
    "build_status_labels",
    "error_text",
    "fit_labels",
    "phase_text",
    "rate_text",
    "show_status",
]

# The labels' keys, and whether each one takes the spare width.
_LABELS = (("epoch", 0), ("iteration", 0), ("error", 0), ("phase", 1), ("rate", 0))
KEEP = {"phase": 460, "error": 420}  # pixels these keep for their whole text before shortening
SHORTEST = 3  # characters a shortened label still shows before its "…"


class ElidingLabel(QLabel):
    """A one-line label that shortens its text with "…" when narrower than it, and then
    shows the whole text in its tooltip. ``text()`` is always the whole text."""

    def __init__(self, keep: int = 0, parent: QWidget | None = None) -> None:
        """``keep``: pixels of room the label asks for before it shortens (0: little)."""
        super().__init__(parent)
        self._keep = keep
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        """Show ``text`` (shortened if it does not fit)."""
        super().setText(text)
        self._update_tooltip()

    def text_width(self) -> int:
        """How wide the whole text is drawn, in pixels."""
        return math.ceil(QFontMetricsF(self.font()).horizontalAdvance(self.text())) + 1

    def room(self) -> int:
        """The pixels the text has (the label's width less its margins)."""
        margins = self.contentsMargins()
        return self.width() - margins.left() - margins.right()

    def is_elided(self) -> bool:
        """Whether the text is shown shortened."""
        return self.shown_text() != self.text()

    def shown_text(self) -> str:
        """The text as drawn: whole, or shortened with "…"."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.room())

    def sizeHint(self) -> QSize:
        """Room for the whole text."""
        margins = self.contentsMargins()
        width = self.text_width() + margins.left() + margins.right()
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        """A few characters and "…", or the room it keeps for its whole text."""
        hint = super().minimumSizeHint()
        margins = self.contentsMargins()
        metrics = self.fontMetrics()
        least = metrics.horizontalAdvance(self.text()[:SHORTEST] + "…")
        if self._keep:
            least = max(least, min(self.text_width(), self._keep))
        return QSize(least + margins.left() + margins.right(), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        self.setToolTip(self.text() if self.is_elided() else "")

    def paintEvent(self, event: QPaintEvent) -> None:
        """The text, shortened with "…" if it does not fit."""
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect()
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(rect, int(align), self.shown_text())
        painter.end()


def build_status_labels(bar: QStatusBar) -> dict[str, ElidingLabel]:
    """One label per key (objectName ``status_<key>``), added to ``bar``."""
    bar.setObjectName("status_bar")
    labels: dict[str, ElidingLabel] = {}
    for key, stretch in _LABELS:
        label = ElidingLabel(KEEP.get(key, 0))
        label.setObjectName(f"status_{key}")
        # Margins, not a style sheet: a style sheet would keep the label's old text colour
        # when the theme changes.
        label.setContentsMargins(10, 0, 10, 0)
        bar.addPermanentWidget(label, stretch)
        labels[key] = label
    bar.installEventFilter(_StatusFit(labels, bar))
    return labels


def fit_labels(labels: Mapping[str, ElidingLabel], width: int) -> None:
    """Leave the epoch label out of a status bar ``width`` pixels wide when not every label
    fits whole (unless it tells of a roll-back)."""
    epoch = labels["epoch"]
    needed = sum(label.sizeHint().width() for label in labels.values() if label.text())
    needed += 20 * len(labels) + 30  # the bar's spacing and its size grip, with room to spare
    rolled_back = "rolled back" in epoch.text()
    epoch.setVisible(rolled_back or needed <= width)


class _StatusFit(QObject):
    """Fits the labels again when the status bar changes width."""

    def __init__(self, labels: Mapping[str, ElidingLabel], bar: QStatusBar) -> None:
        super().__init__(bar)
        self._labels = labels
        self._bar = bar

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._bar and event.type() == QEvent.Type.Resize:
            fit_labels(self._labels, self._bar.width())
        return super().eventFilter(watched, event)


def show_status(labels: Mapping[str, QLabel], snap: Snapshot, running: bool) -> None:
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
    bar = labels["epoch"].parentWidget()
    if bar is not None and all(isinstance(label, ElidingLabel) for label in labels.values()):
        fit_labels(cast("Mapping[str, ElidingLabel]", labels), bar.width())


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
