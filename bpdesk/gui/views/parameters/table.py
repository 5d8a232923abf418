"""The table of every weight and bias: value (editable), last gradient, value before the update."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import (
    QAbstractTableModel,
    QElapsedTimer,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.views.parameters.number_field import (
    MAX_MAGNITUDE,
    RefusalLabel,
    check_number,
    refusal,
)

__all__ = [
    "COLUMNS",
    "LastKnown",
    "ParameterModel",
    "ParameterRow",
    "ParameterTable",
    "connection",
    "parameter_rows",
]

RUN_REFRESH_MS = 200  # during a run the table follows at most five snapshots a second

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


@dataclass(frozen=True)
class ParameterRow:
    """What one line of the table shows."""

    name: str
    connection: str
    value: float
    gradient: float  # the last gradient known (NaN: none yet)
    gradient_iteration: int  # the iteration it was computed in (-1: none)
    previous: float  # the value before the last update known (NaN: none yet)
    change: float  # that update's change
    update_iteration: int  # the iteration of that update (-1: none)
    current_iteration: int  # the iteration of the step on show
    fixed: bool  # a bias that training leaves alone

    @property
    def gradient_is_current(self) -> bool:
        """The gradient was computed in the step on show (not an earlier one)."""
        return self.gradient_iteration == self.current_iteration

    @property
    def update_is_current(self) -> bool:
        return self.update_iteration == self.current_iteration


def _neuron_list(names: tuple[str, ...]) -> str:
    if len(names) <= 3:
        return ", ".join(names)
    return f"{names[0]} … {names[-1]}"


def connection(spec: NetworkSpec, name: str) -> str:
    """“h1 → o1” for a weight; “1 → h1, h2” for a bias (it multiplies a constant 1)."""
    ref = spec.ref(name)
    targets = spec.neuron_names(ref.layer + 1)
    if ref.kind == "w":
        return f"{spec.neuron_names(ref.layer)[ref.row]} → {targets[ref.col]}"
    if spec.shared_bias:
        return f"1 → {_neuron_list(targets)}"
    return f"1 → {targets[ref.col]}"


@lru_cache(maxsize=4)
def _connections(spec: NetworkSpec) -> dict[str, str]:
    """Every parameter's connection, worked out once per network shape."""
    return {name: connection(spec, name) for name in spec.parameter_names}


@lru_cache(maxsize=4)
def _bias_names(spec: NetworkSpec) -> frozenset[str]:
    return frozenset(name for name in spec.parameter_names if spec.ref(name).kind == "b")


class LastKnown:
    """The last gradient and update known for every parameter, kept after a new step starts.

    A remembered figure belongs to the iteration it was computed in; it is shown while
    the step on show is that one or the next, and dropped when training goes back to
    before it (step back, reset) or the network changes.
    """

    def __init__(self) -> None:
        self._spec: NetworkSpec | None = None
        self._gradients: dict[str, tuple[int, float]] = {}
        self._updates: dict[str, tuple[int, float, float]] = {}

    def update(
        self, snapshot: Snapshot, named: dict[str, float]
    ) -> tuple[dict[str, tuple[int, float]], dict[str, tuple[int, float, float]]]:
        """Take in the snapshot's figures; returns what to show, by name:
        (iteration, gradient) and (iteration, previous value, change)."""
        spec = snapshot.spec
        if spec != self._spec:
            self._spec, self._gradients, self._updates = spec, {}, {}
        iteration = snapshot.trace.iteration
        gradients: dict[str, tuple[int, float]] = {}
        updates: dict[str, tuple[int, float, float]] = {}
        for name in spec.parameter_names:
            gradient = named.get(f"dE_total/d{name}", math.nan)
            if math.isfinite(gradient):
                self._gradients[name] = (iteration, gradient)
            elif name in self._gradients and self._gradients[name][0] >= iteration:
                del self._gradients[name]  # from a step that was undone
            if self._gradients.get(name, (-2,))[0] >= iteration - 1:
                gradients[name] = self._gradients[name]
            after = named.get(f"{name}+", math.nan)
            if math.isfinite(after):
                before = named.get(name, math.nan)
                self._updates[name] = (iteration, before, named.get(f"Δ{name}", math.nan))
            elif name in self._updates and self._updates[name][0] >= iteration:
                del self._updates[name]
            if self._updates.get(name, (-2,))[0] >= iteration - 1:
                updates[name] = self._updates[name]
        return gradients, updates


def parameter_rows(snapshot: Snapshot, memory: LastKnown) -> list[ParameterRow]:
    """The table's lines for ``snapshot``, in the order of the network's parameter names."""
    spec = snapshot.spec
    gradients, updates = memory.update(snapshot, snapshot.trace.named_values())
    iteration = snapshot.trace.iteration
    fixed_biases = not snapshot.config.train_biases
    connections, biases = _connections(spec), _bias_names(spec)
    rows = []
    for name in spec.parameter_names:
        grad_iteration, gradient = gradients.get(name, (-1, math.nan))
        update_iteration, previous, change = updates.get(name, (-1, math.nan, math.nan))
        rows.append(
            ParameterRow(
                name=name,
                connection=connections[name],
                value=snapshot.values.get(name, math.nan),
                gradient=gradient,
                gradient_iteration=grad_iteration,
                previous=previous,
                change=change,
                update_iteration=update_iteration,
                current_iteration=iteration,
                fixed=fixed_biases and name in biases,
            )
        )
    return rows


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
        parsed = check_number(text, what=row.name)
        if isinstance(parsed, str):
            self.edit_refused.emit(refusal(parsed))
            return False
        if abs(parsed) > MAX_MAGNITUDE:
            limit = format_value(MAX_MAGNITUDE)
            self.edit_refused.emit(
                refusal(
                    f"{row.name} must lie between −{limit} and {limit}, not {text}; "
                    f"it stays {format_value(row.value)}."
                )
            )
            return False
        self.edit_requested.emit(row.name, parsed)
        return True


class _ValueDelegate(QStyledItemDelegate):
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


class ParameterTable(QWidget):
    """The table view, a one-line hint and the refusal note for a value that was not taken."""

    parameter_edited = Signal(str, float)
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._memory = LastKnown()
        self._shown: Snapshot | None = None
        self._pending: Snapshot | None = None
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_pending)
        self.model = ParameterModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("parameter_table")
        self.view.setAccessibleName("Weights and biases")
        self.view.setModel(self.model)
        self.delegate = _ValueDelegate(self.view)
        self.view.setItemDelegateForColumn(VALUE, self.delegate)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Never cut a number short with “…”: that sign means “not computed yet”.
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone)
        # The names head the rows (so they stay in view when the numbers scroll sideways);
        # the numbers come first, the connection last.
        self.view.setColumnHidden(NAME, True)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.moveSection(CONNECTION, len(COLUMNS) - 1)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        self.hint = QLabel("Double-click a value (or select it and type) to change it.")
        self.hint.setWordWrap(True)
        self.note = RefusalLabel(self)
        self.note.setObjectName("parameter_message")
        self.legend = QLabel()
        self.legend.setObjectName("parameter_legend")
        self.legend.setWordWrap(True)
        self.legend.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.hint)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)
        self.model.edit_requested.connect(self._on_edit)
        self.model.edit_refused.connect(self._on_refused)
        self.model.modelReset.connect(self.fit_columns)
        self.model.modelReset.connect(self._on_new_rows)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show ``snapshot``; during a run at most a few times a second (the last one wins)."""
        if snapshot is self._shown:
            return
        if snapshot.running and self._clock.isValid():
            wait = RUN_REFRESH_MS - self._clock.elapsed()
            if wait > 0:
                self._pending = snapshot
                if not self._timer.isActive():
                    self._timer.start(int(wait))
                return
        self._timer.stop()
        self._pending = None
        self._refresh(snapshot)

    @Slot()
    def _show_pending(self) -> None:
        snapshot, self._pending = self._pending, None
        if snapshot is not None:
            self._refresh(snapshot)

    def _refresh(self, snapshot: Snapshot) -> None:
        self._shown = snapshot
        self._clock.start()
        rows = parameter_rows(snapshot, self._memory)
        self.model.set_rows(rows)
        self._update_legend(rows)
        if not snapshot.running:  # measuring every row sixty times a second would slow a run
            self._widen_if_needed()

    def message(self) -> str:
        return self.note.message()

    def _update_legend(self, rows: list[ParameterRow]) -> None:
        lines = []
        if any(row.fixed for row in rows):
            lines.append("Biases (grey, “fixed”) are not trained, as in the lecture.")
        if any(
            (not row.gradient_is_current and not math.isnan(row.gradient))
            or (not row.update_is_current and not math.isnan(row.previous))
            for row in rows
        ):
            lines.append("Figures in italics are from the previous step.")
        text = "\n".join(lines)
        if text != self.legend.text():
            self.legend.setText(text)
        self.legend.setVisible(bool(text))

    def text(self, name: str, column: int) -> str:
        """What the table shows for ``name`` in ``column`` (for tests and read-outs)."""
        return str(self.model.data(self.model.index(self.model.row_of(name), column)))

    # ---------------------------------------------------------------- sizing
    @Slot()
    def fit_columns(self) -> None:
        """Columns as wide as their widest text (value and gradient at least as wide as a
        number at the lecture's precision)."""
        metrics = self.view.fontMetrics()
        header_metrics = self.view.horizontalHeader().fontMetrics()
        padding = metrics.horizontalAdvance("0")
        widest = self._text_widths()
        for column in range(len(COLUMNS)):
            width = max(
                widest[column],
                metrics.horizontalAdvance(TYPICAL_NUMBER) if column in STEADY else 0,
                header_metrics.horizontalAdvance(COLUMNS[column]),
            )
            self.view.setColumnWidth(column, width + 2 * padding)
        names = [row.name for row in self.model.rows()] or ["w10"]
        vertical = self.view.verticalHeader()
        vertical.setMinimumWidth(max(header_metrics.horizontalAdvance(n) for n in names) + padding)
        vertical.setDefaultSectionSize(int(metrics.height() * 1.5))

    def _text_widths(self) -> list[int]:
        """The widest text of each column in pixels; only the longest few texts are measured
        (a digit is as wide as any other)."""
        texts: list[list[str]] = [[] for _ in COLUMNS]
        for row in self.model.rows():
            for column in range(len(COLUMNS)):
                texts[column].append(ParameterModel._text(row, column))
        metrics = self.view.fontMetrics()
        widths = []
        for column_texts in texts:
            longest = max((len(t) for t in column_texts), default=0)
            widths.append(
                max(
                    (metrics.horizontalAdvance(t) for t in column_texts if len(t) >= longest - 1),
                    default=0,
                )
            )
        return widths

    def _widen_if_needed(self) -> None:
        padding = 2 * self.view.fontMetrics().horizontalAdvance("0")
        for column, width in enumerate(self._text_widths()):
            if width + padding > self.view.columnWidth(column):
                self.fit_columns()
                return

    # ---------------------------------------------------------------- edits
    @Slot()
    def _on_new_rows(self) -> None:
        self.note.show_message("")  # a refusal about another network's parameter

    @Slot(str, float)
    def _on_edit(self, name: str, value: float) -> None:
        self.note.show_message("")
        self.parameter_edited.emit(name, value)

    @Slot(str)
    def _on_refused(self, text: str) -> None:
        self.note.show_message(text)
        self.refused.emit(text)
