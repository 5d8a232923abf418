"""The dismissable banner across the top of the drawing: errors and warnings in plain words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

__all__ = ["MessageBanner"]


class MessageBanner(QFrame):
    """A dismissable note across the top of the drawing: errors and warnings in plain words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#message_banner { background: #fff1c2; border: 2px solid #b7791f;"
            " border-radius: 4px; }"
            "#message_banner QLabel { color: #2b1d00; background: transparent; }"
            "#message_banner QToolButton { color: #2b1d00; background: #f5d98a;"
            " border: 1px solid #b7791f; border-radius: 3px; padding: 3px 10px; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        icon = QLabel("⚠")
        icon.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.label = QLabel()
        self.label.setObjectName("message_text")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dismiss_button = QToolButton()
        self.dismiss_button.setObjectName("message_dismiss")
        self.dismiss_button.setText("✕ Dismiss")
        self.dismiss_button.setToolTip("Hide this message (Esc)")
        self.dismiss_button.clicked.connect(self.dismiss)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    @Slot()
    def dismiss(self) -> None:
        self.label.clear()
        self.hide()

    def text(self) -> str:
        return self.label.text() if not self.isHidden() else ""
