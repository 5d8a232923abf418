"""The ToolHost interface: the main window has every member, and a tool runs on any host."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu

from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.shell.main_window import MainWindow
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.tools.csv_dialog import DataImport


def test_the_main_window_has_every_member_of_the_interface(qtbot):
    members = [name for name in vars(ToolHost) if not name.startswith("_")]
    assert {"snapshot", "request_commands", "request_step", "menu", "add_dock"} <= set(members)
    window = MainWindow(Stepper(get_preset("lecture").trainer()), restore_layout=False)
    qtbot.addWidget(window)
    try:
        for name in members:
            assert hasattr(window, name), name
        assert window.menu("&Teach") is window.menu("Teach")  # made once, then found
        assert window.commands.new in window.menu("File").actions()
    finally:
        window.shutdown()


class _Host:
    """As little of a window as the data import needs."""

    def __init__(self) -> None:
        self.widget = QMainWindow()
        self.file_menu = QMenu("File", self.widget)
        self.file_menu.addActions([self.file_menu.addAction(t) for t in ("New", "Open", "Save")])
        self.messages: list[str] = []
        self.loaded: list[object] = []

    def as_parent(self) -> QMainWindow:
        return self.widget

    def menu(self, title: str) -> QMenu:
        assert title == "File"
        return self.file_menu

    def show_message(self, text: str) -> None:
        self.messages.append(text)

    def load_data(self, dataset: object) -> None:
        self.loaded.append(dataset)


def test_the_data_import_asks_only_the_interface(qtbot, tmp_path):
    host = _Host()
    qtbot.addWidget(host.widget)
    importer = DataImport(host)  # a partial host: only what the data import uses
    assert host.file_menu.actions()[2] is importer.action
    good = tmp_path / "gates.csv"
    good.write_text("a,b,label\n0,0,no\n0,1,yes\n1,0,yes\n1,1,no\n")
    assert importer.open(str(good), dialog_result=True) is not None
    assert len(host.loaded) == 1 and host.loaded[0].n_samples == 4
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert importer.open(str(empty), dialog_result=True) is None
    assert "empty" in host.messages[0] and len(host.loaded) == 1
