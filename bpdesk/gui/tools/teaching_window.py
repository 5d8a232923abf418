"""The main window as bpdesk opens it: with the teaching tools, Export and Import data."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.shell.main_window import MainWindow
from bpdesk.gui.tools.csv_dialog import DataImport
from bpdesk.gui.tools.exports import Exports
from bpdesk.gui.tools.teach_menu import TeachingTools

__all__ = ["TeachingWindow"]


class TeachingWindow(MainWindow):
    """A :class:`MainWindow` whose tools see it only through its ToolHost interface."""

    def __init__(
        self,
        stepper: Stepper,
        path: str = "",
        parent: QWidget | None = None,
        *,
        restore_layout: bool = True,
    ) -> None:
        super().__init__(stepper, path, parent, restore_layout=restore_layout)
        self.teaching = TeachingTools(self)
        self.exports = Exports(self)
        self.data_import = DataImport(self)
