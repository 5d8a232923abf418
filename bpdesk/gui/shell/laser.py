"""A laser pointer for the lecture hall: hold L and a bright ring follows the mouse.

The glow is drawn by an overlay widget on top of the whole main window, transparent to the
mouse (clicks go through to whatever is under it), repainting only the area around the
pointer. It shows while the key is held and goes when the key is released or the window
loses the keyboard. Typing an "l" into a text or number field stays typing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QCursor, QKeyEvent, QPainter, QPaintEvent, QPen, QRadialGradient
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

__all__ = ["LASER_KEY", "LaserOverlay", "LaserPointer"]

LASER_KEY = Qt.Key.Key_L  # free: no action or tool of bpdesk uses L
RING_RADIUS = 34  # pixels, at least: large enough to find across a lecture hall
GLOW_RADIUS = 64
RING_SHARE = 0.045  # of the window's height (49 px on a 1080-line projector)
FOLLOW_MS = 16  # about sixty positions a second
RED = QColor(255, 32, 32)


class LaserOverlay(QWidget):
    """The glow itself: a translucent red disc with a thick red ring edged in white and
    black, readable on any background (light, dark, the map's colours)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("laser_overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.centre: QPoint | None = None
        self.ring, self.glow = RING_RADIUS, GLOW_RADIUS
        self.hide()

    def fit(self, height: int) -> None:
        """Size the ring for a window ``height`` pixels high (never below RING_RADIUS)."""
        self.ring = max(RING_RADIUS, round(RING_SHARE * height))
        self.glow = round(self.ring * GLOW_RADIUS / RING_RADIUS)

    def area(self, centre: QPoint) -> QRect:
        """The part of the overlay the glow around ``centre`` covers (what is repainted)."""
        reach = self.glow + 4
        return QRect(centre.x() - reach, centre.y() - reach, 2 * reach, 2 * reach)

    def move_to(self, centre: QPoint) -> None:
        """Put the glow at ``centre`` (overlay coordinates), repainting the old and new area."""
        if centre == self.centre:
            return
        if self.centre is not None:
            self.update(self.area(self.centre))
        self.centre = QPoint(centre)
        self.update(self.area(centre))

    def paintEvent(self, event: QPaintEvent) -> None:
        centre = self.centre
        if centre is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        glow = QRadialGradient(centre, self.glow)
        # Light inside the ring (the number pointed at stays readable), a halo outside it.
        glow.setColorAt(0.0, QColor(255, 40, 40, 40))
        glow.setColorAt(0.5, QColor(255, 40, 40, 60))
        glow.setColorAt(0.62, QColor(255, 40, 40, 110))
        glow.setColorAt(1.0, QColor(255, 40, 40, 0))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(glow)
        painter.drawEllipse(centre, self.glow, self.glow)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for colour, width in ((QColor(0, 0, 0, 200), 11), (QColor(255, 255, 255), 8), (RED, 5)):
            painter.setPen(QPen(colour, width))
            painter.drawEllipse(centre, self.ring, self.ring)
        painter.end()


def _typing_into(widget: QWidget | None) -> bool:
    """Whether the keyboard goes to something that takes text (an "l" is then a letter)."""
    if widget is None:
        return False
    if isinstance(widget, (QLineEdit, QAbstractSpinBox)):
        return True
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return not widget.isReadOnly()
    return isinstance(widget, QComboBox) and widget.isEditable()


class LaserPointer(QObject):
    """Shows the overlay on ``window`` while L is held there, following the mouse."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.overlay = LaserOverlay(window)
        self._timer = QTimer(self)
        self._timer.setInterval(FOLLOW_MS)
        self._timer.timeout.connect(self.follow)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # every key press of the window, wherever its focus

    @property
    def active(self) -> bool:
        return self.overlay.isVisible()

    def start(self) -> None:
        """Show the glow where the mouse is."""
        self.overlay.setGeometry(self.window.rect())
        self.overlay.fit(self.window.height())
        self.overlay.show()
        self.overlay.raise_()
        self.follow()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self.overlay.isVisible():
            if self.overlay.centre is not None:
                self.overlay.update(self.overlay.area(self.overlay.centre))
            self.overlay.hide()
        self.overlay.centre = None

    def follow(self) -> None:
        """Move the glow to the mouse."""
        self.overlay.move_to(self.overlay.mapFromGlobal(QCursor.pos()))

    def _ours(self, watched: QObject) -> bool:
        return isinstance(watched, QWidget) and watched.window() is self.window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.window:
            if kind == QEvent.Type.Resize and self.active:
                self.overlay.setGeometry(self.window.rect())
            elif kind in (QEvent.Type.WindowDeactivate, QEvent.Type.Hide):
                self.stop()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isinstance(event, QKeyEvent) or event.key() != LASER_KEY:
            return False
        if not self._ours(watched):
            return False
        if kind == QEvent.Type.KeyPress:
            if self.active:
                return True  # the key's auto-repeat while held
            plain = event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,
            )
            if not plain or _typing_into(QApplication.focusWidget()):
                return False
            self.start()
            return True
        if self.active:
            if not event.isAutoRepeat():
                self.stop()
            return True
        return False
