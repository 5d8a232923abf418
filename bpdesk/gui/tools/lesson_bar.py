"""The lesson bar: the current slide's caption, with Previous and Next."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

__all__ = ["LessonBar"]


class LessonBar(QWidget):
    """Shows one slide of a lesson; the buttons ask for the neighbouring slides."""

    next_requested = Signal()
    previous_requested = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_bar")
        self._title = QLabel()
        self._caption = QLabel()
        self._caption.setWordWrap(True)
        self._counter = QLabel()
        self._previous = QPushButton("◀ Previous")
        self._next = QPushButton("Next ▶")
        self._close = QPushButton("End lesson")
        for button, name in ((self._previous, "Previous slide"), (self._next, "Next slide"),
                             (self._close, "End the lesson")):  # fmt: skip
            button.setAccessibleName(name)
        self._previous.clicked.connect(self.previous_requested)
        self._next.clicked.connect(self.next_requested)
        self._close.clicked.connect(self.closed)
        text = QVBoxLayout()
        text.addWidget(self._title)
        text.addWidget(self._caption)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(text, 1)
        layout.addWidget(self._counter)
        layout.addWidget(self._previous)
        layout.addWidget(self._next)
        layout.addWidget(self._close)
        self.set_font_scale(1.0)

    def set_font_scale(self, scale: float) -> None:
        bold = QFont(self.font())
        bold.setBold(True)
        bold.setPointSizeF(13 * scale)
        self._title.setFont(bold)
        caption_font = QFont(self.font())
        caption_font.setPointSizeF(13 * scale)
        self._caption.setFont(caption_font)
        # Room for the title and three lines of caption, so a caption is never cut off.
        lines = self._caption.fontMetrics().lineSpacing() * 3
        self.setMinimumHeight(self._title.fontMetrics().lineSpacing() + lines + 16)

    def show_slide(self, lesson: str, title: str, caption: str, index: int, count: int) -> None:
        self._title.setText(f"{lesson} — {title}" if title else lesson)
        self._caption.setText(caption)
        self._counter.setText(f"{index + 1} / {count}")
        self._previous.setEnabled(index > 0)
        self._next.setEnabled(index + 1 < count)

    def caption(self) -> str:
        return self._caption.text()

    def counter(self) -> str:
        return self._counter.text()
