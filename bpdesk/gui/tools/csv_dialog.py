"""File → Import data…: choose a CSV file's input and target columns, checked before loading."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.errors import BpdeskError
from bpdesk.core.files.csv_import import column_labels, csv_columns, read_csv
from bpdesk.core.files.datasets import Dataset
from bpdesk.gui.shell.window_api import ToolHost

__all__ = ["CsvImportDialog", "DataImport"]


class CsvImportDialog(QDialog):
    """Pick inputs and targets (or one class column); nothing loads until the file reads clean."""

    def __init__(self, path: str, columns: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import data")
        self.path = path
        self.dataset: Dataset | None = None
        self.inputs = QListWidget()
        self.targets = QListWidget()
        for widget in (self.inputs, self.targets):
            for name in column_labels(columns):
                item = QListWidgetItem(name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                widget.addItem(item)
        for row in range(len(columns) - 1):
            self.inputs.item(row).setCheckState(Qt.CheckState.Checked)
        self.targets.item(len(columns) - 1).setCheckState(Qt.CheckState.Checked)
        self.as_classes = QRadioButton("the target is one column of class labels (one-hot)")
        self.as_numbers = QRadioButton("the targets are numbers")
        self.as_classes.setChecked(True)
        self.scaling = QComboBox()
        self.scaling.addItem("no scaling", "none")
        self.scaling.addItem("scale inputs to [0, 1]", "minmax")
        self.scaling.addItem("standardise inputs (mean 0, variance 1)", "standard")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Inputs", self.inputs)
        form.addRow("Targets", self.targets)
        form.addRow("", self.as_classes)
        form.addRow("", self.as_numbers)
        form.addRow("Scaling", self.scaling)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Columns of {path}"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    @staticmethod
    def _checked(widget: QListWidget) -> list[int]:
        """The ticked columns, by number (two columns may share a name)."""
        return [
            row
            for row in range(widget.count())
            if widget.item(row).checkState() == Qt.CheckState.Checked
        ]

    @Slot()
    def try_accept(self) -> bool:
        """Read the file with these choices; on any problem say so and stay open."""
        inputs, targets = self._checked(self.inputs), self._checked(self.targets)
        try:
            if not inputs or not targets:
                raise BpdeskError("Choose at least one input column and one target column.")
            if self.as_classes.isChecked() and len(targets) != 1:
                raise BpdeskError("Class labels come from exactly one column: tick one target.")
            self.dataset = read_csv(
                self.path,
                inputs=inputs,
                targets=() if self.as_classes.isChecked() else targets,
                class_column=targets[0] if self.as_classes.isChecked() else None,
                scaling=str(self.scaling.currentData()),
            )
        except BpdeskError as error:
            self.message.setText(str(error))
            return False
        self.accept()
        return True


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
        """Ask for the columns of ``path`` (``dialog_result`` skips the modal loop, for tests)."""
        try:
            columns = csv_columns(path)
        except BpdeskError as error:
            self.host.show_message(str(error))
            return None
        dialog = CsvImportDialog(path, columns, self.host.as_parent())
        accepted = (
            dialog.exec() == QDialog.DialogCode.Accepted
            if dialog_result is None
            else (dialog_result and dialog.try_accept())
        )
        if accepted and dialog.dataset is not None:
            self.data_ready.emit(dialog.dataset)
            self.host.load_data(dialog.dataset)
        return dialog
