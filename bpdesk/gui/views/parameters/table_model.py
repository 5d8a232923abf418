"""The weight table as a Qt model: columns, texts, tips, and typing a new value."""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from bpdesk.core.formatting import format_value
from bpdesk.gui.views.parameters.number_field import check_parameter, refusal
from bpdesk.gui.views.parameters.rows import ParameterRow

__all__ = [
    "CHANGE",
    "COLUMNS",
    "CONNECTION",
    "GRADIENT",
    "NAME",
    "PREVIOUS",
    "STEADY",
    "TYPICAL_NUMBER",
    "VALUE",
    "ParameterModel",
    "ValueDelegate",
]

NAME, CONNECTION, VALUE, GRADIENT, PREVIOUS, CHANGE = range(6)
COLUMNS = ("name", "connection", "value", "∂E/∂w", "previous", "Δ")
NUMERIC = (VALUE, GRADIENT, PREVIOUS, CHANGE)
# A number at the lecture's full precision: the value and gradient columns are never
# narrower, so they do not jump about as values come and go. (Previous and Δ fit what
# they hold, so that a short lecture value such as 0.4 stays in view.)
TYPICAL_NUMBER = "0.000000000"
STEADY = (VALUE, GRADIENT)

_COLUMN_TIPS = (
    "The parameter's name, as the lecture writes it",
    "Which neurons it connects: source → target (a bias feeds a constant 1)",
    "Its current value; double-click to type a new one",
    "∂E_total/∂w from the last backward pass",
    "Its value before the last update",
    "The change the last update made: value − previous",
)

_Index = QModelIndex | QPersistentModelIndex


def _blank(value: float) -> str:
    """Numbers not known yet stay empty in the history columns (the value column shows …)."""
    return "" if math.isnan(value) else format_value(value)


class ParameterModel(QAbstractTableModel):
    """The rows as a Qt model; typing in the value column asks for an edit, never makes one."""

    edit_requested = Signal(str, float)
    edit_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ParameterRow] = []
        self._italic = QFont()  # only the style is set: the rest follows the view's font
        self._italic.setItalic(True)

    # ---------------------------------------------------------------- data in
    def set_rows(self, rows: list[ParameterRow]) -> None:
        """New values; the same names keep open editors, other names rebuild the table."""
        if [r.name for r in rows] != [r.name for r in self._rows]:
            self.beginResetModel()
            self._rows = list(rows)
            self.endResetModel()
            return
        self._rows = list(rows)
        if rows:
            # A range (not one cell), so an open editor keeps what is being typed.
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))

    def rows(self) -> list[ParameterRow]:
        return list(self._rows)

    def rows_at(self, lines: range) -> list[ParameterRow]:
        """The rows at ``lines`` (a range of row numbers within the table)."""
        return self._rows[lines.start : lines.stop]

    def row_of(self, name: str) -> int:
        for i, row in enumerate(self._rows):
            if row.name == name:
                return i
        raise KeyError(name)

    # ---------------------------------------------------------------- Qt model
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        """Only the root has children (public here: generic model walkers call it)."""
        return not parent.isValid() and bool(self._rows)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Vertical:
            return self._row_header(section, role)
        if not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _COLUMN_TIPS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _row_header(self, section: int, role: int) -> object:
        """Rows are headed by the parameter's name, which stays in view when scrolling."""
        if not 0 <= section < len(self._rows):
            return None
        row = self._rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, NAME)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.fixed:
            return QPalette().brush(QPalette.ColorRole.PlaceholderText)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == VALUE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.EditRole:
            return format_value(row.value) if column == VALUE else self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, column)
        if role == Qt.ItemDataRole.FontRole:
            # Figures of the step before the one on show are set in italics.
            if column == GRADIENT and not row.gradient_is_current:
                return self._italic
            if column in (PREVIOUS, CHANGE) and not row.update_is_current:
                return self._italic
            return None
        if role == Qt.ItemDataRole.ForegroundRole and row.fixed and column in (NAME, CONNECTION):
            return QPalette().brush(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{COLUMNS[column]} of {row.name}: {self._text(row, column) or 'not known'}"
        return None

    @staticmethod
    def _text(row: ParameterRow, column: int) -> str:
        if column == NAME:
            return row.name
        if column == CONNECTION:
            return f"{row.connection} (fixed)" if row.fixed else row.connection
        if column == VALUE:
            return format_value(row.value)
        if column == GRADIENT:
            return _blank(row.gradient)
        if column == PREVIOUS:
            return _blank(row.previous)
        return _blank(row.change)

    @staticmethod
    def _tip(row: ParameterRow, column: int) -> str:
        if row.fixed and column in (NAME, CONNECTION, VALUE):
            return (
                f"{row.name} is fixed: training does not change it (the lecture keeps its "
                "biases fixed). You can still type a value; tick “Train biases” on the "
                "Training tab to let it learn."
            )
        if column == GRADIENT:
            if math.isnan(row.gradient):
                return "Known once the backward pass has reached this weight"
            if row.gradient_is_current:
                return f"∂E_total/∂{row.name} of this step's backward pass"
            return (
                f"∂E_total/∂{row.name} of the previous step (shown in italics): this step "
                "has not reached it in its backward pass yet"
            )
        if column in (PREVIOUS, CHANGE):
            if math.isnan(row.previous):
                return "Known once the update has been made"
            which = "this step's update" if row.update_is_current else "the previous step's update"
            if column == PREVIOUS:
                return f"{row.name} before {which}"
            return f"The change {which} made to {row.name}"
        return _COLUMN_TIPS[column]

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Typing a value: a usable number different from the shown one asks for the change."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != VALUE:
            return False
        row = self._rows[index.row()]
        text = str(value).strip()
        if text == format_value(row.value):
            return False  # unchanged (the shown text is rounded: taking it would move the value)
        parsed = check_parameter(text, row.name)
        if isinstance(parsed, str):
            self.edit_refused.emit(refusal(parsed))
            return False
        self.edit_requested.emit(row.name, parsed)
        return True


class ValueDelegate(QStyledItemDelegate):
    """Edits a value in a right-aligned line edit that snapshots do not overwrite mid-typing."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFrame(False)
        editor.setAccessibleName(
            f"New value of {index.model().headerData(index.row(), Qt.Orientation.Vertical)}"
        )
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        if isinstance(editor, QLineEdit):
            if not editor.isModified():
                editor.setText(str(index.data(Qt.ItemDataRole.EditRole)))
            return
        super().setEditorData(editor, index)
