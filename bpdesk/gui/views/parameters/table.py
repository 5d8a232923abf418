"""The table of every weight and bias: value (editable), last gradient, value before the update."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.stepping.canvas_model import just_computed
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.views.parameters.number_field import RefusalLabel
from bpdesk.gui.views.parameters.rows import (
    LastKnown,
    ParameterRow,
    RowTable,
    connection,
    parameter_rows,
)
from bpdesk.gui.views.parameters.table_model import (
    CHANGE,
    COLUMNS,
    CONNECTION,
    GRADIENT,
    NAME,
    PREVIOUS,
    STEADY,
    TYPICAL_NUMBER,
    VALUE,
    ParameterModel,
    ValueDelegate,
)
from bpdesk.gui.views.redraw import RedrawThrottle

__all__ = [
    "CHANGE",
    "COLUMNS",
    "CONNECTION",
    "GRADIENT",
    "NAME",
    "PREVIOUS",
    "VALUE",
    "LastKnown",
    "ParameterModel",
    "ParameterRow",
    "ParameterTable",
    "connection",
    "parameter_rows",
]

# During a run the table follows at most five snapshots a second.
RUN_REFRESH_INTERVAL = 0.2  # seconds
ROWS_BEFORE_LAYOUT = 60  # rows measured for the column widths before the table is laid out


class ParameterTable(QWidget):
    """The table view, a one-line hint and the refusal note for a value that was not taken."""

    parameter_edited = Signal(str, float)
    refused = Signal(str)

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """``clock`` paces the refreshes during a run (seconds; tests pass their own)."""
        super().__init__(parent)
        self._memory = LastKnown()
        self._shown: Snapshot | None = None
        self._pending: Snapshot | None = None
        self._throttle = RedrawThrottle(
            self._show_pending, self, interval=RUN_REFRESH_INTERVAL, clock=clock
        )
        self.model = ParameterModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("parameter_table")
        self.view.setAccessibleName("Weights and biases")
        self.view.setModel(self.model)
        self.delegate = ValueDelegate(self.view)
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
        # Rows scrolled into view may hold longer texts: the columns widen to fit them.
        self.view.verticalScrollBar().valueChanged.connect(self._widen_if_needed)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show ``snapshot``; during a run at most a few times a second (the last one wins)."""
        if snapshot is self._shown:
            return
        self._pending = snapshot
        self._throttle.request(urgent=not snapshot.running)

    @Slot()
    def _show_pending(self) -> None:
        snapshot, self._pending = self._pending, None
        if snapshot is not None:
            self._refresh(snapshot)

    def _refresh(self, snapshot: Snapshot) -> None:
        self._shown = snapshot
        quiz = self.model.quiz
        if quiz is not None and quiz.on:
            quiz.follow(snapshot.trace)
            last = snapshot.trace.last_op
            self.model.set_computed(just_computed(snapshot), last.phase if last else "")
        rows = RowTable(snapshot, self._memory)
        self.model.set_table(rows)
        self._update_legend()
        if not snapshot.running:  # measuring every row sixty times a second would slow a run
            self._widen_if_needed()

    def redraw(self) -> None:
        """Show the snapshot on show again at once (quiz mode or a reveal changed)."""
        if self._shown is not None:
            self._refresh(self._shown)

    def message(self) -> str:
        return self.note.message()

    def _update_legend(self) -> None:
        lines = []
        table = self.model.table()
        if table.any_fixed():
            lines.append("Biases (grey, “fixed”) are not trained, as in the lecture.")
        if table.any_from_before():
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
        """Columns as wide as their widest text in view (value and gradient at least as wide
        as a number at the lecture's precision); rows scrolled into view widen them."""
        self._fit(self._text_widths())

    def _fit(self, widest: list[int]) -> None:
        metrics = self.view.fontMetrics()
        header_metrics = self.view.horizontalHeader().fontMetrics()
        padding = metrics.horizontalAdvance("0")
        for column in range(len(COLUMNS)):
            width = max(
                widest[column],
                metrics.horizontalAdvance(TYPICAL_NUMBER) if column in STEADY else 0,
                header_metrics.horizontalAdvance(COLUMNS[column]),
            )
            self.view.setColumnWidth(column, width + 2 * padding)
        names = self.model.names() or ("w10",)
        longest = max(len(n) for n in names)
        vertical = self.view.verticalHeader()
        vertical.setMinimumWidth(
            max(header_metrics.horizontalAdvance(n) for n in names if len(n) >= longest - 1)
            + padding
        )
        vertical.setDefaultSectionSize(int(metrics.height() * 1.5))

    def rows_in_view(self) -> range:
        """The rows the table shows now (a screenful from the top before it is laid out)."""
        count = self.model.rowCount()
        viewport = self.view.viewport()
        first = max(self.view.rowAt(0), 0)
        last = self.view.rowAt(max(viewport.height() - 1, 0))
        if last < 0:
            last = first + ROWS_BEFORE_LAYOUT
        return range(min(first, count), min(last + 1, count))

    def _text_widths(self) -> list[int]:
        """The widest text of each column among the rows in view, in pixels; only the
        longest few texts are measured (a digit is as wide as any other)."""
        rows = self.model.rows_at(self.rows_in_view())
        texts: list[list[str]] = [[] for _ in COLUMNS]
        for row in rows:
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

    @Slot()
    def _widen_if_needed(self) -> None:
        padding = 2 * self.view.fontMetrics().horizontalAdvance("0")
        widths = self._text_widths()
        for column, width in enumerate(widths):
            if width + padding > self.view.columnWidth(column):
                self._fit([max(w, self._fitted_width(c)) for c, w in enumerate(widths)])
                return

    def _fitted_width(self, column: int) -> int:
        """The text width a column has room for now (so widening never narrows another)."""
        return self.view.columnWidth(column) - 2 * self.view.fontMetrics().horizontalAdvance("0")

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
