"""File → Import data…: choose a CSV file's input and target columns, checked before loading.

The file is read on a worker thread (``CsvJobs``) with a progress bar and Cancel: first to
list its columns and show its first rows, then, on OK, to make the data set. The lists and
the preview are views of small models, so a file of 10,000 columns opens as fast as one of
three. A file of more rows than a lesson can save is never imported whole: the dialog says
how many rows it has and offers its first rows or rows spread evenly over it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QEventLoop,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.engine.network import MAX_LAYER_SIZE
from bpdesk.core.errors import BpdeskError
from bpdesk.core.files.csv_import import (
    MAX_ROWS,
    CsvPreview,
    CsvRead,
    CsvScan,
    RowChoice,
    column_labels,
)
from bpdesk.core.files.datasets import Dataset
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.workers.csv_worker import CsvJobs

__all__ = ["CsvImportDialog", "DataImport"]

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def _is_checked(value: object) -> bool:
    try:
        return Qt.CheckState(value) == Qt.CheckState.Checked
    except (TypeError, ValueError):
        return False


class ColumnsModel(QAbstractListModel):
    """The columns' names, each with a tick box: a list view shows only the rows in sight."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.ticked: list[bool] = []

    def reset(self, names: Sequence[str], ticked: Sequence[int]) -> None:
        """New names, with only the columns ``ticked`` ticked."""
        self.beginResetModel()
        self.names = list(names)
        self.ticked = [False] * len(self.names)
        for index in ticked:
            self.ticked[index] = True
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.names)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.names[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole:
            ticked = self.ticked[index.row()]
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        self.ticked[index.row()] = _is_checked(value)
        self.dataChanged.emit(index, index, [role])
        return True

    def checked(self) -> list[int]:
        """The ticked columns, by number (two columns may share a name)."""
        return [row for row, ticked in enumerate(self.ticked) if ticked]


class ColumnItem:
    """One row of a ``ColumnList``, as a list widget's item offers it."""

    def __init__(self, model: ColumnsModel, row: int) -> None:
        self._model, self._index = model, model.index(row, 0)

    def text(self) -> str:
        return str(self._model.data(self._index))

    def checkState(self) -> Qt.CheckState:
        ticked = self._model.ticked[self._index.row()]
        return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked

    def setCheckState(self, state: Qt.CheckState) -> None:
        self._model.setData(self._index, state, Qt.ItemDataRole.CheckStateRole)


class ColumnList(QListView):
    """A list of columns with tick boxes; ``count`` and ``item`` as a list widget has them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = ColumnsModel(self)
        self.setModel(self.columns)
        self.setUniformItemSizes(True)

    def count(self) -> int:
        return self.columns.rowCount()

    def item(self, row: int) -> ColumnItem:
        return ColumnItem(self.columns, row)


class PreviewModel(QAbstractTableModel):
    """The file's first rows under its column names (cells are made only when in sight)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.rows: tuple[tuple[str, ...], ...] = ()

    def reset(self, names: Sequence[str], rows: tuple[tuple[str, ...], ...]) -> None:
        self.beginResetModel()
        self.names, self.rows = list(names), rows
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.names)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.rows[index.row()]
        return row[index.column()] if index.column() < len(row) else ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.names[section] if section < len(self.names) else None
        return str(section + 1)


class CsvImportDialog(QDialog):
    """Pick inputs and targets (or one class column); nothing loads until the file reads clean.

    ``scan`` reads the file for its columns; OK (``start_import``) reads the data set. Both
    run on a worker thread while the dialog answers; Cancel beside the progress bar stops
    them and leaves the dialog (and the window) as it was.
    """

    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import data")
        self.path = path
        self.dataset: Dataset | None = None
        self.preview: CsvPreview | None = None
        self.failure: str | None = None  # why the file could not be read at all
        self.jobs = CsvJobs(self)
        self.jobs.progress.connect(self._on_progress)
        self.jobs.done.connect(self._on_done)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.ended.connect(self._on_ended)
        self._build()

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        self.status = QLabel(f"Reading {self.path}…")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.stop_button = QPushButton("Cancel")
        self.stop_button.setToolTip("Stop reading the file; nothing changes")
        self.stop_button.clicked.connect(self.cancel_job)
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.stop_button)
        self.table = QTableView()
        self.preview_model = PreviewModel(self)
        self.table.setModel(self.preview_model)
        self.table.setMaximumHeight(160)
        self.shown_rows = QLabel()
        self.rows_note = QLabel()
        self.rows_note.setWordWrap(True)
        self.take_first = QRadioButton(f"the first {MAX_ROWS:,} rows")
        self.take_spread = QRadioButton()
        self.take_first.setChecked(True)
        self.inputs = ColumnList()
        self.targets = ColumnList()
        self.inputs_note = QLabel()
        self.inputs_note.setWordWrap(True)
        self.as_classes = QRadioButton("the target is one column of class labels (one-hot)")
        self.as_numbers = QRadioButton("the targets are numbers")
        self.as_classes.setChecked(True)
        self._groups: list[QButtonGroup] = []
        for pair in ((self.take_first, self.take_spread), (self.as_classes, self.as_numbers)):
            group = QButtonGroup(self)  # each pair is one choice
            for button in pair:
                group.addButton(button)
            self._groups.append(group)
        self.scaling = QComboBox()
        self.scaling.addItem("no scaling", "none")
        self.scaling.addItem("scale inputs to [0, 1]", "minmax")
        self.scaling.addItem("standardise inputs (mean 0, variance 1)", "standard")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        self.choices = QWidget()
        form = QFormLayout(self.choices)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.rows_note)
        form.addRow("", self.take_first)
        form.addRow("", self.take_spread)
        form.addRow("Inputs", self.inputs)
        form.addRow("", self.inputs_note)
        form.addRow("Targets", self.targets)
        form.addRow("", self.as_classes)
        form.addRow("", self.as_numbers)
        form.addRow("Scaling", self.scaling)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Columns of {self.path}"))
        layout.addWidget(self.status)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addWidget(self.shown_rows)
        layout.addWidget(self.choices)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._set_rows_choice(0)
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        """While a job runs only its Cancel (and the dialog's) answer; the rest waits."""
        self.progress.setVisible(busy)
        self.stop_button.setVisible(busy)
        self.choices.setEnabled(not busy and self.preview is not None)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not busy and self.preview is not None)
        if busy:
            self.progress.setValue(0)

    def _set_rows_choice(self, count: int) -> None:
        """Offer a choice of rows when the file has more than a lesson can save."""
        over = count > MAX_ROWS
        for widget in (self.rows_note, self.take_first, self.take_spread):
            widget.setVisible(over)
        if over:
            self.rows_note.setText(
                f"This file has {count:,} rows of data; bpdesk takes at most {MAX_ROWS:,} "
                "(the most a saved lesson holds). Import:"
            )
            step = count / MAX_ROWS
            self.take_spread.setText(
                f"{MAX_ROWS:,} rows spread evenly over the file (about one row in "
                f"{step:.3g}; better when the file is sorted, by class for instance)"
            )

    # ------------------------------------------------------------ reading the columns
    def scan(self) -> None:
        """Read the file for its columns and first rows, on the worker thread."""
        self._set_busy(True)
        self.jobs.start(functools.partial(CsvScan, self.path))

    def _on_scanned(self, preview: CsvPreview) -> None:
        self.preview = preview
        labels = column_labels(preview.columns)
        self.preview_model.reset(labels, preview.rows)
        shown = len(preview.rows)
        self.shown_rows.setText(
            f"The first {shown:,} of {preview.row_count:,} rows of data."
            if shown < preview.row_count
            else f"{preview.row_count:,} rows of data."
        )
        width = len(labels)
        first_inputs = list(range(min(width - 1, MAX_LAYER_SIZE)))
        self.inputs.columns.reset(labels, first_inputs)
        self.targets.columns.reset(labels, [width - 1])
        self.inputs_note.setVisible(width - 1 > MAX_LAYER_SIZE)
        self.inputs_note.setText(
            f"A network takes at most {MAX_LAYER_SIZE:,} inputs: the first {MAX_LAYER_SIZE:,} "
            "columns are ticked."
        )
        self._set_rows_choice(preview.row_count)
        self.status.setText(f"{width:,} columns in {preview.shown}.")

    # ------------------------------------------------------------ importing
    def _rows(self) -> RowChoice:
        count = self.preview.row_count if self.preview is not None else 0
        if count <= MAX_ROWS:
            return RowChoice()
        return RowChoice(MAX_ROWS, count if self.take_spread.isChecked() else None)

    def _read_job(self) -> functools.partial[CsvRead]:
        """The read the ticks ask for; BpdeskError says what is missing."""
        inputs, targets = self.inputs.columns.checked(), self.targets.columns.checked()
        classes = self.as_classes.isChecked()
        if not inputs or not targets:
            raise BpdeskError("Choose at least one input column and one target column.")
        if classes and len(targets) != 1:
            raise BpdeskError("Class labels come from exactly one column: tick one target.")
        for count, what in ((len(inputs), "input"), (len(targets), "target")):
            if count > MAX_LAYER_SIZE:
                raise BpdeskError(
                    f"{count:,} {what} columns are ticked; a network takes at most "
                    f"{MAX_LAYER_SIZE:,} {what}s."
                )
        return functools.partial(
            CsvRead,
            self.path,
            inputs=inputs,
            targets=() if classes else targets,
            class_column=targets[0] if classes else None,
            scaling=str(self.scaling.currentData()),
            rows=self._rows(),
        )

    @Slot()
    def start_import(self) -> bool:
        """Read the data set with these choices on the worker thread (False: refused now)."""
        if self.preview is None or self.jobs.busy:
            return False
        try:
            job = self._read_job()
        except BpdeskError as error:
            self.message.setText(str(error))
            return False
        self.message.clear()
        self.dataset = None
        self.status.setText(f"Importing {self.preview.shown}…")
        self._set_busy(True)
        self.jobs.start(job)
        return True

    @Slot(object)
    def _on_done(self, result: object) -> None:
        if isinstance(result, CsvPreview):
            self._on_scanned(result)
        elif isinstance(result, Dataset):
            self._on_imported(result)

    def _on_imported(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.status.setText(f"Imported {dataset.n_samples:,} rows.")
        self.accept()

    @Slot()
    def try_accept(self) -> bool:
        """Read the file with these choices, waiting for the worker (the window answers
        meanwhile); on any problem say so and stay open."""
        if not self.start_import():
            return False
        self.wait()
        return self.dataset is not None

    # ------------------------------------------------------------ the job's end
    def wait(self) -> None:
        """Until the job under way ends (events are handled meanwhile)."""
        if not self.jobs.busy:
            return
        loop = QEventLoop()
        self.jobs.ended.connect(loop.quit)
        if self.jobs.busy:
            loop.exec()
        self.jobs.ended.disconnect(loop.quit)

    @Slot()
    def cancel_job(self) -> None:
        """Stop the read under way: before the columns are known the dialog closes."""
        self.jobs.cancel()
        if self.preview is None:
            self.reject()
        else:
            self.status.setText("Import cancelled; nothing was loaded.")

    @Slot(float)
    def _on_progress(self, fraction: float) -> None:
        self.progress.setValue(round(1000 * fraction))

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self.preview is None:
            self.failure = message
            self.reject()
        else:
            self.status.setText("Nothing was loaded.")
            self.message.setText(message)

    @Slot()
    def _on_ended(self) -> None:
        self._set_busy(False)

    def done(self, result: int) -> None:
        """Closing the dialog stops any read and its thread."""
        self.jobs.shutdown()
        super().done(result)


class DataImport(QObject):
    """Adds File → Import data… to the window and hands the data to the window to load."""

    data_ready = Signal(object)  # the Dataset read, just before the window loads it

    def __init__(self, host: ToolHost) -> None:
        super().__init__(host.as_parent())
        self.host = host
        self.action = QAction("Import data (CSV)…", host.as_parent())
        self.action.setObjectName("action_import_data")
        self.action.triggered.connect(self.choose)
        file_menu = host.menu("File")
        file_menu.insertAction(file_menu.actions()[2], self.action)

    @Slot()
    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.host.as_parent(), "Import data", "", "CSV files (*.csv *.txt);;All files (*)"
        )
        if path:
            self.open(path)

    def open(self, path: str, dialog_result: bool | None = None) -> CsvImportDialog | None:
        """Ask for the columns of ``path``; ``dialog_result`` skips the modal loop (for tests
        and benchmarks): the file is read first, then True presses OK and waits, False
        returns the dialog as it is. None when the file cannot be read at all."""
        dialog = CsvImportDialog(path, self.host.as_parent())
        dialog.scan()
        if dialog_result is None:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
        else:
            dialog.wait()
            accepted = dialog.preview is not None and dialog_result and dialog.try_accept()
        if dialog.failure is not None:
            self.host.show_message(dialog.failure)
            dialog.deleteLater()
            return None
        if accepted and dialog.dataset is not None:
            self.data_ready.emit(dialog.dataset)
            self.host.load_data(dialog.dataset)
        return dialog
