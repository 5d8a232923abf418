"""The blanked screen of a lecture: the whole window black until a key or a click."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QHideEvent, QKeyEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["BlankScreen"]

_MODIFIERS = (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta)


class BlankScreen(QWidget):
    """A black cover over the whole of ``window`` (its menus and panels included).

    While it is shown it takes every key before any shortcut, so the key that brings the
    picture back (Page Down, F5, Esc, "." …) only brings it back and does nothing else.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("blank_screen")
        self._window = window
        self._focus: QWidget | None = None  # who had the keyboard before the screen went black
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.hide()
        window.installEventFilter(self)

    @property
    def blanked(self) -> bool:
        return self.isVisible()

    def blank(self) -> None:
        """Black over the whole window, on top of everything in it."""
        if self.isVisible():
            return
        self._focus = self._window.focusWidget()
        self.setGeometry(self._window.rect())
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def unblank(self) -> None:
        """The picture back, the keyboard where it was."""
        if not self.isVisible():
            return
        self.hide()
        if self._focus is not None and self._focus.isVisible():
            self._focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focus = None

    def toggle(self) -> None:
        self.unblank() if self.isVisible() else self.blank()

    # ------------------------------------------------------------ events
    def paintEvent(self, event: QPaintEvent) -> None:
        QPainter(self).fillRect(self.rect(), QColor(0, 0, 0))

    def showEvent(self, event: QShowEvent) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # every key and click, whoever has the keyboard
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While black, the first key or click only brings the picture back; and the cover
        follows the window's size (full screen on, a new screen)."""
        kind = event.type()
        if watched is self._window and kind == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._window.rect())
        if not self.isVisible():
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # no shortcut while black: the key comes as a key press
            return True
        if kind == QEvent.Type.Shortcut or kind == QEvent.Type.MouseButtonPress:
            self.unblank()
            return True
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() not in _MODIFIERS:  # a modifier alone is not yet a key
                self.unblank()
            return True
        return kind in (QEvent.Type.KeyRelease, QEvent.Type.MouseButtonRelease,
                        QEvent.Type.MouseButtonDblClick)  # fmt: skip
