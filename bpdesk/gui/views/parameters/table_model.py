"""The weight table as a Qt model: columns, texts, tips, and typing a new value."""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.canvas_model import Element, QuizMask
from bpdesk.gui.views.parameters.number_field import check_parameter, refusal
from bpdesk.gui.views.parameters.rows import ParameterRow, RowTable

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


class _Listed:
    """Rows made beforehand, with the row table's interface."""

    def __init__(self, rows: list[ParameterRow]) -> None:
        self._rows = list(rows)
        self.names = tuple(r.name for r in rows)

    def __len__(self) -> int:
        return len(self._rows)

    def row(self, k: int) -> ParameterRow:
        return self._rows[k]

    def rows(self, lines: range | None = None) -> list[ParameterRow]:
        return list(self._rows) if lines is None else self._rows[lines.start : lines.stop]

    def any_fixed(self) -> bool:
        return any(r.fixed for r in self._rows)

    def any_from_before(self) -> bool:
        return any(
            (not r.gradient_is_current and not math.isnan(r.gradient))
            or (not r.update_is_current and not math.isnan(r.previous))
            for r in self._rows
        )


def _blank(value: float) -> str:
    """Numbers not known yet stay empty in the history columns (the value column shows …)."""
    return "" if math.isnan(value) else format_value(value)


class ParameterModel(QAbstractTableModel):
    """The rows as a Qt model; typing in the value column asks for an edit, never makes one."""

    edit_requested = Signal(str, float)
    edit_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._table: RowTable | _Listed = _Listed([])
        self._index: dict[str, int] | None = None  # row of each name, made when first asked
        self._italic = QFont()  # only the style is set: the rest follows the view's font
        self._italic.setItalic(True)
        # Quiz mode: the mask shared with the drawing, what the last press computed and in
        # which pass (its gradients, or its new values and changes, are shown as "?").
        self.quiz: QuizMask | None = None
        self._computed: frozenset[Element] = frozenset()
        self._pass = ""

    def set_computed(self, computed: frozenset[Element], pass_: str) -> None:
        """What the last press computed and its pass (forward, backward, update)."""
        self._computed, self._pass = computed, pass_

    def hides(self, row: ParameterRow, column: int) -> bool:
        """Whether quiz mode writes "?" in this cell: a number the last press computed."""
        quiz = self.quiz
        if quiz is None or not quiz.on:
            return False
        if column not in {"backward": (GRADIENT,), "update": (VALUE, CHANGE)}.get(self._pass, ()):
            return False
        computed = self._computed
        return any(quiz.hides(Element(kind, row.name), computed) for kind in ("weight", "bias"))

    # ---------------------------------------------------------------- data in
    def set_table(self, table: RowTable | _Listed) -> None:
        """New values; the same names keep open editors, other names rebuild the table."""
        if table.names != self._table.names:
            self.beginResetModel()
            self._table = table
            self._index = None
            self.endResetModel()
            return
        self._table = table
        if len(table):
            # A range (not one cell), so an open editor keeps what is being typed; the view
            # asks again only for the cells it shows.
            last = self.index(len(table) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def set_rows(self, rows: list[ParameterRow]) -> None:
        """Show ``rows`` as they are (for callers that made every row themselves)."""
        self.set_table(_Listed(rows))

    def table(self) -> RowTable | _Listed:
        return self._table

    def names(self) -> tuple[str, ...]:
        return self._table.names

    def rows(self) -> list[ParameterRow]:
        """Every row (each made now if not yet: prefer ``rows_at`` for a large network)."""
        return self._table.rows()

    def rows_at(self, lines: range) -> list[ParameterRow]:
        """The rows at ``lines`` (a range of row numbers within the table)."""
        return self._table.rows(range(lines.start, min(lines.stop, len(self._table))))

    def row_of(self, name: str) -> int:
        if self._index is None:
            self._index = {n: k for k, n in enumerate(self._table.names)}
        try:
            return self._index[name]
        except KeyError:
            raise KeyError(name) from None

    # ---------------------------------------------------------------- Qt model
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._table)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        """Only the root has children (public here: generic model walkers call it)."""
        return not parent.isValid() and bool(len(self._table))

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
        if not 0 <= section < len(self._table):
            return None
        row = self._table.row(section)
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
        if not index.isValid() or index.row() >= len(self._table):
            return None
        row, column = self._table.row(index.row()), index.column()
        if self.hides(row, column) and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return "?"
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
        row = self._table.row(index.row())
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
