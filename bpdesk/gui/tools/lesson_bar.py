"""The lesson bar: the current slide's title and caption, with Previous and Next.

Laid out to stay readable on a projector: the title and the counter on one line, the caption
wrapped over the whole width below, and the buttons on a line of their own, so a narrow
window (1024 × 768 in presentation mode) never pushes them off the edge; the bar is always
exactly as tall as its wrapped caption needs.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

__all__ = ["LessonBar"]

TEXT_POINTS = 12.0  # the caption's size at scale 1 (the title is as large, in bold)


class LessonBar(QWidget):
    """Shows one slide of a lesson; the buttons ask for the neighbouring slides."""

    next_requested = Signal()
    previous_requested = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_bar")
        self._title = QLabel()
        self._title.setWordWrap(True)
        self._title.setObjectName("lesson_title")
        self._caption = QLabel()
        self._caption.setWordWrap(True)
        self._caption.setObjectName("lesson_caption")
        self._caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self._title, self._caption):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._counter = QLabel()
        self._counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._previous = QPushButton("◀ Previous")
        self._next = QPushButton("Next ▶")
        self._close = QPushButton("End lesson")
        for button, name in ((self._previous, "Previous slide"), (self._next, "Next slide"),
                             (self._close, "End the lesson")):  # fmt: skip
            button.setAccessibleName(name)
        self._previous.setToolTip("The slide before (Page Up)")
        self._next.setToolTip("The next slide (Page Down)")
        self._previous.clicked.connect(self.previous_requested)
        self._next.clicked.connect(self.next_requested)
        self._close.clicked.connect(self.closed)
        self._lay_out()
        self.set_font_scale(1.0)

    def _lay_out(self) -> None:
        heading = QHBoxLayout()
        heading.addWidget(self._title, 1)
        heading.addWidget(self._counter)
        buttons = QHBoxLayout()
        buttons.addWidget(self._close)
        buttons.addStretch(1)
        buttons.addWidget(self._previous)
        buttons.addWidget(self._next)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(4)
        layout.addLayout(heading)
        layout.addWidget(self._caption)
        layout.addLayout(buttons)

    def set_font_scale(self, scale: float) -> None:
        """Every text of the bar at ``scale`` times its normal size (presentation mode)."""
        text = QFont(self.font())
        text.setPointSizeF(TEXT_POINTS * scale)
        bold = QFont(text)
        bold.setBold(True)
        self._title.setFont(bold)
        self._caption.setFont(text)
        self._counter.setFont(text)
        for button in (self._previous, self._next, self._close):
            button.setFont(text)
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """Exactly as tall as the title and the caption wrapped at the bar's width (and at
        least two lines of caption, so a short one does not make the bar jump)."""
        layout = self.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        width = max(200, self.width() - margins.left() - margins.right())
        counter = self._counter.sizeHint().width() + layout.spacing()
        title = _wrapped_height(self._title, width - counter)
        title = max(title, self._counter.sizeHint().height())
        lines = self._caption.fontMetrics().lineSpacing()
        caption = max(_wrapped_height(self._caption, width), 2 * lines)
        self._title.setFixedHeight(title)
        self._caption.setFixedHeight(caption)
        buttons = max(b.sizeHint().height() for b in (self._previous, self._next, self._close))
        needed = margins.top() + margins.bottom() + title + caption + buttons
        needed += 2 * layout.spacing()
        if needed != self.minimumHeight() or needed != self.maximumHeight():
            self.setFixedHeight(needed)  # no more either: the drawing keeps the rest

    def show_slide(self, lesson: str, title: str, caption: str, index: int, count: int) -> None:
        self._title.setText(f"{lesson} — {title}" if title else lesson)
        self._caption.setText(caption)
        self._counter.setText(f"{index + 1} / {count}")
        self._previous.setEnabled(index > 0)
        self._next.setEnabled(index + 1 < count)
        self._fit_height()

    def title(self) -> str:
        return self._title.text()

    def caption(self) -> str:
        return self._caption.text()

    def counter(self) -> str:
        return self._counter.text()


def _wrapped_height(label: QLabel, width: int) -> int:
    """The height ``label``'s text takes wrapped at ``width`` pixels (a little to spare)."""
    box = QRect(0, 0, max(80, width), 100_000)
    flags = int(Qt.TextFlag.TextWordWrap)
    return label.fontMetrics().boundingRect(box, flags, label.text() or " ").height() + 4
