"""The quantity chooser of the practice panel: a list grouped by phase that can be searched."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLabel, QLineEdit, QWidget

from bpdesk.gui.tools.practice.quantities import PHASE_TITLES, Quantity

__all__ = ["QuantityChooser"]

NAME_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


class _QuantityList(QAbstractListModel):
    """The chooser's lines: phase headers (bold, not selectable) and quantities, each
    line's text made when the list shows it (a large network has thousands)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[tuple[str, str]] = []  # (text, name; "" for a header)
        self._rows: dict[str, int] = {}
        self.bold = QFont()

    def set_lines(self, lines: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self._lines = lines
        self._rows = {name: row for row, (_, name) in enumerate(lines) if name}
        self.endResetModel()

    def row_of(self, name: str) -> int:
        """The line of quantity ``name`` (-1: none)."""
        return self._rows.get(name, -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid() or not self._lines[index.row()][1]:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._lines):
            return None
        text, name = self._lines[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text
        if role == NAME_ROLE:
            return name or None
        if role == Qt.ItemDataRole.FontRole and not name:
            return self.bold
        return None


class QuantityChooser(QWidget):
    """ "Quantity:" and a combo box of the step's quantities under phase headers; typing
    searches them. ``chosen(name)`` when the student picks one."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quantities: dict[str, Quantity] = {}
        self._current = ""
        self._model = _QuantityList(self)
        self._combo = QComboBox()
        self._combo.setObjectName("practice_quantity")
        self._combo.setModel(self._model)
        # Its width comes from the panel, not from measuring every line of a long list.
        self._combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self._combo.setMinimumContentsLength(12)
        self._combo.setEditable(True)
        self._combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._combo.setMaxVisibleItems(20)
        self._search = QLineEdit()
        self._search.setPlaceholderText("type to search, e.g. w8 or out_h1")
        self._combo.setLineEdit(self._search)
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated.connect(self._completion_chosen)
        self._combo.setCompleter(completer)
        self._combo.activated.connect(self._combo_chosen)
        self._search.editingFinished.connect(self._search_finished)
        self._label = QLabel("Quantity:")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._label)
        row.addWidget(self._combo, 1)

    def fill(self, items: list[Quantity]) -> None:
        """List ``items``, a header before each phase."""
        self._quantities = {q.name: q for q in items}
        bold = QFont(self._combo.font())
        bold.setBold(True)
        self._model.bold = bold
        labels = [q.chooser_label for q in items]
        lines: list[tuple[str, str]] = []
        phase = ""
        for q, label in zip(items, labels, strict=True):
            if q.phase != phase:
                phase = q.phase
                lines.append((PHASE_TITLES[phase], ""))
            lines.append((label, q.name))
        self._combo.blockSignals(True)
        self._model.set_lines(lines)
        self._combo.blockSignals(False)
        self._completions.setStringList(labels)

    def select(self, name: str) -> None:
        """Show ``name`` as the chosen quantity (without signalling)."""
        self._current = name
        row = self._model.row_of(name)
        if row >= 0:
            self._combo.blockSignals(True)
            self._combo.setCurrentIndex(row)
            self._combo.blockSignals(False)

    def set_text_font(self, font: QFont) -> None:
        """Draw the label and the list in ``font`` (the list is filled again in it)."""
        self._label.setFont(font)
        self._combo.setFont(font)
        if self._quantities:
            self.fill(list(self._quantities.values()))
            self.select(self._current)

    def resolve(self, text: str) -> str | None:
        """The quantity a typed search means: a label, a name or symbol, or one unique match."""
        text = text.strip()
        if not text:
            return None
        for q in self._quantities.values():
            if text in (q.chooser_label, q.name, q.symbol):
                return q.name
        found = [
            q.name for q in self._quantities.values() if text.lower() in q.chooser_label.lower()
        ]
        return found[0] if len(found) == 1 else None

    @Slot(int)
    def _combo_chosen(self, index: int) -> None:
        name = self._combo.itemData(index, NAME_ROLE)
        if isinstance(name, str):
            self.chosen.emit(name)

    @Slot(str)
    def _completion_chosen(self, text: str) -> None:
        name = self.resolve(text)
        if name is not None:
            self.chosen.emit(name)
            self.select(name)

    @Slot()
    def _search_finished(self) -> None:
        name = self.resolve(self._combo.currentText())
        if name is not None:
            self.chosen.emit(name)
        self.select(self._current)
