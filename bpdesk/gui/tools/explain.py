"""The Explain panel: plain sentences saying what the step just taken did, and why.

The panel follows every snapshot (it only notes where the step stands, which costs
nothing) but writes its text only while it is on screen: a hidden panel, behind another
tab or closed, computes nothing, and catches up with the latest snapshot when shown or
painted again (or when its text is asked for).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.canvas_model import QuizMask, just_computed
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.after_updates import before_words, outputs_words
from bpdesk.core.teaching.narration import narrate
from bpdesk.core.teaching.reconcile import lecture_note
from bpdesk.gui.views.derivation_panel import is_seen

__all__ = ["ExplainPanel"]

_BASE_POINTS = 12.0


@dataclass(frozen=True)
class _Pending:
    """What to write for a snapshot not written yet: it and the sub-step narrated from."""

    snapshot: Snapshot
    since: int
    stepped_back: bool


class ExplainPanel(QWidget):
    """Shows the narration of the sub-steps done since the previous snapshot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explain_panel")
        self._heading = QLabel("What just happened")
        self._text = QTextBrowser()
        self._text.setOpenLinks(False)
        self._text.setAccessibleName("Explanation of the last step")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._heading)
        layout.addWidget(self._text, 1)
        self._text.viewport().installEventFilter(self)
        self._last: tuple[int, int] | None = None
        self._pending: _Pending | None = None  # the text to write once visible
        self._written: _Pending | None = None  # the text on show (written again by redraw)
        self.quiz: QuizMask | None = None  # quiz mode's mask, shared with the drawing
        self.texts_written = 0  # how many narrations were written (for tests)
        self._scale = 1.0
        self.set_font_scale(1.0)
        self._show(
            "Press F for the forward pass, or N to go one neuron at a time. "
            "What each step computes, and why, appears here."
        )

    def set_font_scale(self, scale: float) -> None:
        self._scale = scale
        font = QFont(self.font())
        font.setPointSizeF(_BASE_POINTS * scale)
        self._text.setFont(font)
        bold = QFont(font)
        bold.setBold(True)
        self._heading.setFont(bold)

    def plain_text(self) -> str:
        """What the panel says; asked while hidden, it writes the latest snapshot's text first."""
        self._write_pending()
        return self._text.toPlainText()

    def _show(self, text: str) -> None:
        paragraphs = "".join(f"<p style='margin-bottom:0.7em'>{p}</p>" for p in text.split("\n\n"))
        self._text.setHtml(paragraphs)

    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Note where ``snapshot``'s step stands; write the text now if the panel is visible."""
        trace = snapshot.trace
        position = (trace.iteration, trace.done)
        if snapshot.running:
            self._last = None
            self._pending = _Pending(snapshot, 0, False)
        else:
            previous = self._last
            self._last = position
            if position == previous:
                return
            since, stepped_back = 0, False
            if previous is not None and previous[0] == trace.iteration:
                if previous[1] < trace.done:
                    since = previous[1]
                elif previous[1] > trace.done:
                    since, stepped_back = trace.done - 1, True  # say where we are now
            self._pending = _Pending(snapshot, since, stepped_back)
        if is_seen(self):
            self._write_pending()

    def redraw(self) -> None:
        """Write the text on show again (quiz mode or a reveal changed)."""
        if self._pending is None:
            self._pending = self._written
        if is_seen(self):
            self._write_pending()

    def _quiz_hides(self, snapshot: Snapshot) -> bool:
        """Quiz mode holds back the explanation while a number of the last press is hidden."""
        quiz = self.quiz
        if quiz is None or not quiz.on or snapshot.running:
            return False
        quiz.follow(snapshot.trace)
        computed = just_computed(snapshot)
        return any(quiz.hides(element, computed) for element in computed)

    def has_pending(self) -> bool:
        """A snapshot came while the panel was hidden and its text is not written yet."""
        return self._pending is not None

    def showEvent(self, event: QShowEvent) -> None:
        """Shown again: write the text of the latest snapshot that came while hidden."""
        super().showEvent(event)
        self._write_pending()

    def catch_up(self) -> None:
        """Write what came while hidden, if the panel is on screen now (its tab came to
        the front: Qt shows no widget then, it only exposes it)."""
        if is_seen(self):
            self._write_pending()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Painted while behind (its tab came to the front): catch up right after."""
        if event.type() == QEvent.Type.Paint and self._pending is not None:
            QTimer.singleShot(0, self, self.catch_up)
        return super().eventFilter(watched, event)

    def _write_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        snapshot, trace = pending.snapshot, pending.snapshot.trace
        self._written = pending
        self.texts_written += 1
        if self._quiz_hides(snapshot):
            self._show(
                "Quiz mode: the explanation of this press waits until each of its new numbers "
                "is answered or revealed in the Practice panel (or quiz mode is off)."
            )
            return
        if snapshot.running:
            self._show(
                f"Training runs: iteration {snapshot.iteration}, epoch {snapshot.epoch}; "
                f"{before_words(snapshot.iteration)}: {format_value(snapshot.error)}. "
                "Each iteration does the forward pass, the "
                "backward pass and the update on one batch, as in the single steps."
            )
            return
        if trace.done == 0:
            self._show(
                _with_notes(
                    "Ready for the next step: press F for the forward pass (or N for one neuron)."
                    if snapshot.iteration
                    else "The network is ready. Press F for the forward pass, or N to go one "
                    "neuron at a time.",
                    snapshot,
                )
            )
            return
        text = narrate(trace, pending.since)
        if pending.stepped_back:
            text = "Stepped back. The last sub-step now is:\n\n" + text
        self._show(_with_notes(text, snapshot))


def _with_notes(text: str, snapshot: Snapshot) -> str:
    """``text``, then (after a run) the outputs next to their targets and, where the lecture
    prints a figure for this moment, how bpdesk's compares (``core/teaching/reconcile.py``)."""
    after_run = snapshot.trace.done == 0 and snapshot.iteration > 0
    notes = [outputs_words(snapshot) if after_run else None, lecture_note(snapshot)]
    return "\n\n".join([text, *(note for note in notes if note)])
