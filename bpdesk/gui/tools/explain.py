"""The Explain panel: plain sentences saying what the step just taken did, and why."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.narration import narrate

__all__ = ["ExplainPanel"]

_BASE_POINTS = 12.0


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
        self._last: tuple[int, int] | None = None
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
        return self._text.toPlainText()

    def _show(self, text: str) -> None:
        paragraphs = "".join(f"<p style='margin-bottom:0.7em'>{p}</p>" for p in text.split("\n\n"))
        self._text.setHtml(paragraphs)

    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        trace = snapshot.trace
        position = (trace.iteration, trace.done)
        if snapshot.running:
            self._last = None
            self._show(
                f"Training runs: iteration {snapshot.iteration}, epoch {snapshot.epoch}, "
                f"error {format_value(snapshot.error)}. Each iteration does the forward pass, the "
                "backward pass and the update on one batch, as in the single steps."
            )
            return
        previous = self._last
        self._last = position
        if position == previous:
            return
        if trace.done == 0:
            self._show(
                "Ready for the next step: press F for the forward pass (or N for one neuron)."
                if snapshot.iteration
                else "The network is ready. Press F for the forward pass, or N to go one "
                "neuron at a time."
            )
            return
        since = 0
        if previous is not None and previous[0] == trace.iteration and previous[1] < trace.done:
            since = previous[1]
        elif previous is not None and previous[0] == trace.iteration and previous[1] > trace.done:
            since = trace.done - 1  # stepped back: say where we are now
        text = narrate(trace, since)
        if since == trace.done - 1 and previous is not None and previous[1] > trace.done:
            text = "Stepped back. The last sub-step now is:\n\n" + text
        self._show(text)
