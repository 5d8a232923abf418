"""A number field that refuses what it cannot use, says why beside it, and keeps the old value."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from bpdesk.core.engine.config import MAX_WEIGHT, Setting, check_parameter_value
from bpdesk.core.formatting import format_value, parse_value

__all__ = [
    "MAX_MAGNITUDE",
    "NumberField",
    "RefusalLabel",
    "check_number",
    "check_parameter",
    "refusal",
]

MAX_MAGNITUDE = MAX_WEIGHT  # the core's limit on a typed weight or bias

# Says what is wrong with a value in words, or None when it may be used.
Check = Callable[[float], str | None]


def refusal(reason: str) -> str:
    """The text shown for a refused entry."""
    return f"Refused: {reason}"


def check_number(text: str, *, integer: bool = False, what: str = "the value") -> float | str:
    """The number in ``text``, or (as a str) why it is not a usable one."""
    shown = text.strip()
    try:
        value = parse_value(text)
    except ValueError:
        if not shown:
            return f"the field is empty; {what} stays as it was."
        return f"“{shown}” is not a number; {what} stays as it was."
    if not math.isfinite(value):
        return f"{what} must be a finite number, not {shown}."
    if integer and value != int(value):
        return f"{what} must be a whole number, not {shown}."
    return float(int(value)) if integer else value


def check_parameter(text: str, name: str) -> float | str:
    """The value typed for the weight or bias ``name``, or (as a str) why it cannot be one:
    the core's rule (``check_parameter_value``), as the canvas and the table both ask it."""
    try:
        value = parse_value(text)
    except ValueError:
        parsed = check_number(text, what=name)
        assert isinstance(parsed, str)
        return parsed
    reason = check_parameter_value(name, value)
    return value if reason is None else reason


class RefusalLabel(QLabel):
    """A red-ish, bold “⚠ Refused: …” note that hides itself when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setForegroundRole(QPalette.ColorRole.BrightText)
        bold = QFont()  # only the weight is set: size and family follow the panel
        bold.setBold(True)
        self.setFont(bold)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(f"⚠ {text}" if text else "")
        self.setAccessibleName(text)
        self.setVisible(bool(text))

    def message(self) -> str:
        """The message on show ("" when none)."""
        return self.accessibleName()


class NumberField(QWidget):
    """A line edit for one number with its refusal note underneath.

    ``committed`` carries a new value that passed every check when the person presses
    Enter or leaves the field; anything else is refused with a message and the old
    value comes back. ``set_value`` changes the shown value without any signal and
    leaves a field the person is typing in alone. With ``any_number`` the check also
    judges numbers that are not finite or not whole (a core ``Setting`` does).
    """

    committed = Signal(float)
    refused = Signal(str)

    def __init__(
        self,
        value: float,
        check: Check | None = None,
        *,
        integer: bool = False,
        what: str = "the value",
        any_number: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._check = check
        self._integer = integer
        self._what = what
        self._any_number = any_number and check is not None
        self._value = float(value)
        self.edit = QLineEdit(self)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit.setAccessibleName(what)
        self.note = RefusalLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.note)
        self.setFocusProxy(self.edit)
        self._show(self._value)
        self.edit.editingFinished.connect(self._on_finished)

    @classmethod
    def for_setting(cls, setting: Setting, value: float, check: Check | None = None) -> NumberField:
        """A field for one of the core's settings: the core's rule (or ``check``, which
        must say the same for values the setting refuses) judges every number typed."""
        return cls(
            value,
            check or setting.check,
            integer=setting.integer,
            what=setting.what,
            any_number=True,
        )

    # ------------------------------------------------------------- reading
    def value(self) -> float:
        return self._value

    def int_value(self) -> int:
        return int(self._value)

    def message(self) -> str:
        """The refusal note on show, or "" when there is none."""
        return self.note.message()

    def is_editing(self) -> bool:
        """True while the person has typed something not yet taken or refused."""
        return self.edit.isModified()

    # ------------------------------------------------------------- writing
    def set_value(self, value: float) -> None:
        """Show ``value`` (no signal); a field being typed in keeps its text."""
        self._value = float(value)
        if not self.is_editing():
            self._show(self._value)

    def set_help(self, text: str) -> None:
        """The one-sentence tooltip of the field."""
        self.setToolTip(text)
        self.edit.setToolTip(text)
        self.edit.setAccessibleDescription(text)

    def _text(self, value: float) -> str:
        return str(int(value)) if self._integer else format_value(value)

    def _show(self, value: float) -> None:
        text = self._text(value)
        if self.edit.text() != text:
            self.edit.setText(text)
        self.edit.setModified(False)

    def refuse(self, reason: str) -> None:
        """Show ``reason`` as a refusal, put the old value back and tell listeners."""
        text = refusal(reason)
        self.note.show_message(text)
        self._show(self._value)
        self.refused.emit(text)

    def clear_message(self) -> None:
        self.note.show_message("")

    @Slot()
    def _on_finished(self) -> None:
        text = self.edit.text()
        if text.strip() == self._text(self._value):
            self.edit.setModified(False)
            self.clear_message()  # the value in use is a valid entry: an old refusal is over
            return
        parsed = self._read(text)
        if isinstance(parsed, str):
            self.refuse(parsed)
            return
        self.clear_message()
        self._value = parsed
        self._show(parsed)
        self.committed.emit(parsed)

    def _read(self, text: str) -> float | str:
        """The usable number in ``text``, or (as a str) why there is none."""
        if self._any_number and self._check is not None:
            try:
                number = parse_value(text)
            except ValueError:
                pass
            else:
                reason = self._check(number)
                if reason is not None:
                    return reason
                return float(int(number)) if self._integer else number
        parsed = check_number(text, integer=self._integer, what=self._what)
        if isinstance(parsed, str):
            return parsed
        reason = self._check(parsed) if self._check is not None else None
        return parsed if reason is None else reason
