"""The canvas's inline editor of a weight or bias: a field over the element, and a note under it."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QGraphicsView, QLabel, QLineEdit

from bpdesk.core.formatting import format_value
from bpdesk.gui.views.parameters.number_field import check_parameter

__all__ = ["InlineEditor", "ValueField"]


class ValueField(QLineEdit):
    """The field a new value is typed into; Escape cancels."""

    cancelled = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class InlineEditor(QObject):
    """Edits one parameter at a time over ``view``; ``committed(name, value)`` for a usable value.

    What the core's rule refuses (not a number, not finite, beyond ``MAX_WEIGHT``) keeps
    the field open with a note saying why, in the words the parameter table uses.
    """

    committed = Signal(str, float)

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self._view = view
        self._field: ValueField | None = None
        self._name = ""
        self._anchor = QPointF()
        self._font = QFont()
        self._message = QLabel(view.viewport())
        self._message.setWordWrap(True)
        self._message.hide()

    def field(self) -> QLineEdit | None:
        """The open field, or None."""
        return self._field

    def message(self) -> str:
        """The note shown under the field ("" when none)."""
        return self._message.text() if self._message.isVisible() else ""

    def open(self, name: str, value: float, anchor: QPointF, font: QFont, width: float) -> None:
        """A field for ``name`` starting from ``value``, centred on ``anchor`` (scene units)."""
        self.close()
        field = ValueField(self._view.viewport())
        field.setFont(QFont(font))
        field.setText(format_value(value))
        field.selectAll()
        field.setMinimumWidth(int(width + 24))
        field.setToolTip(f"New value of {name}: Enter applies, Escape cancels")
        field.returnPressed.connect(self._commit)
        field.cancelled.connect(self.close)
        self._field, self._name, self._anchor, self._font = field, name, anchor, font
        self._show_message(f"New value of {name}: type it, Enter applies, Esc cancels.", False)
        field.show()
        field.setFocus()
        self.reposition()

    def close(self) -> None:
        if self._field is not None:
            self._field.hide()
            self._field.deleteLater()
            self._field = None
        self._message.hide()

    def _commit(self) -> None:
        if self._field is None:
            return
        text = self._field.text()
        name = self._name
        value = check_parameter(text, name)  # the table's rule, the core's limit
        if isinstance(value, str):
            self._show_message(f"⚠ {value}", True)
            return
        self.close()
        self.committed.emit(name, value)

    def _show_message(self, text: str, error: bool) -> None:
        colour, background = ("#8a1500", "#fff1ec") if error else ("#333333", "#fbfbfb")
        self._message.setStyleSheet(
            f"QLabel {{ color: {colour}; background: {background}; border: 1px solid {colour};"
            " border-radius: 3px; padding: 3px 6px; }"
        )
        self._message.setFont(self._font)
        self._message.setText(text)
        self._message.adjustSize()
        self._message.show()
        self.reposition()

    def reposition(self) -> None:
        """Keep the field over its element (and inside the view) after a zoom, pan or resize."""
        if self._field is None:
            return
        field, viewport = self._field, self._view.viewport()
        field.adjustSize()
        spot = self._view.mapFromScene(self._anchor)
        x = max(4, min(spot.x() - field.width() // 2, viewport.width() - field.width() - 4))
        y = max(4, min(spot.y() - field.height() // 2, viewport.height() - 3 * field.height()))
        field.move(x, y)
        self._message.setMaximumWidth(max(200, viewport.width() - 8))
        self._message.adjustSize()
        mx = max(4, min(x, viewport.width() - self._message.width() - 4))
        self._message.move(mx, y + field.height() + 4)
        self._message.raise_()
        field.raise_()
