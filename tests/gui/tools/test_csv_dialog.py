"""File → Import data: a CSV file's columns chosen, bad files refused with the line, data loaded;
the file is read on a worker with progress and Cancel, and never more rows than a lesson saves."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMainWindow, QMenu

from bpdesk.app import create_window
from bpdesk.core.engine.network import MAX_LAYER_SIZE
from bpdesk.core.files import csv_import
from bpdesk.core.files.csv_import import CsvRead, CsvScan
from bpdesk.gui.tools import csv_dialog
from bpdesk.gui.tools.csv_dialog import DataImport


class Host:
    """The least a window offers the data import."""

    def __init__(self) -> None:
        self.widget = QMainWindow()
        self.file_menu = QMenu("File", self.widget)
        for title in ("New", "Open", "Save"):
            self.file_menu.addAction(title)
        self.messages: list[str] = []
        self.loaded: list[object] = []

    def as_parent(self) -> QMainWindow:
        return self.widget

    def menu(self, _title: str) -> QMenu:
        return self.file_menu

    def show_message(self, text: str) -> None:
        self.messages.append(text)

    def load_data(self, dataset: object) -> None:
        self.loaded.append(dataset)


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window("lecture", restore_layout=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=5000)
    yield win
    win.shutdown()


@pytest.fixture
def host(qtbot):
    host = Host()
    qtbot.addWidget(host.widget)
    return host


def _plain(message: str) -> bool:
    return bool(message) and not any(
        word in message for word in ("Error", "Traceback", "errno", "Exception")
    )


def _numbers(tmp_path, rows: int, name: str = "numbers.csv"):
    path = tmp_path / name
    path.write_text("x,y\n" + "".join(f"{i},{i % 2}\n" for i in range(rows)))
    return path


def test_import_a_class_column_reshapes_the_network(qtbot, window, tmp_path):
    data = tmp_path / "gates.csv"
    data.write_text("a,b,label\n0,0,no\n0,1,yes\n1,0,yes\n1,1,no\n")
    dialog = window.data_import.open(str(data), dialog_result=True)
    assert dialog is not None and dialog.dataset is not None
    qtbot.waitUntil(lambda: window.snapshot.n_samples == 4, timeout=5000)
    assert window.snapshot.spec.sizes == (2, 2, 2)  # the lecture's hidden layer, 2 classes
    assert window.snapshot.spec.layers[-1].activation == "softmax"


def test_a_bad_row_is_refused_with_its_line_and_nothing_loads(qtbot, window, tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("x,y\n1,2\n3,oops\n")
    dialog = window.data_import.open(str(data), dialog_result=False)
    dialog.as_numbers.setChecked(True)
    assert not dialog.try_accept()
    assert "Line 3" in dialog.message.text()
    assert dialog.dataset is None
    assert window.snapshot.n_samples == 1  # still the lecture's sample


def test_an_empty_file_is_reported_in_the_window(qtbot, window, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert window.data_import.open(str(empty), dialog_result=True) is None
    assert "empty" in window.message()


def test_the_file_is_read_on_the_worker_with_progress_and_a_preview(qtbot, host, tmp_path):
    importer = DataImport(host)
    dialog = importer.open(str(_numbers(tmp_path, 5000)), dialog_result=False)
    assert dialog is not None and dialog.preview is not None
    assert dialog.preview.row_count == 5000
    assert dialog.preview_model.rowCount() == csv_import.PREVIEW_ROWS
    assert dialog.preview_model.columnCount() == 2
    assert "5,000 rows" in dialog.shown_rows.text()
    assert dialog.progress.isHidden() and dialog.stop_button.isHidden()
    seen: list[float] = []
    dialog.jobs.progress.connect(seen.append)
    dialog.as_numbers.setChecked(True)
    assert dialog.try_accept(), dialog.message.text()
    assert seen and seen == sorted(seen) and seen[-1] == 1.0
    assert dialog.jobs.worker_thread is not threading.current_thread()
    assert dialog.dataset.n_samples == 5000 and dialog.dataset.inputs[-1, 0] == 4999
    qtbot.waitUntil(lambda: not dialog.jobs.worker_thread.isRunning(), timeout=5000)


class HeldRead(CsvRead):
    """A read whose third step waits inside until released (so Cancel comes mid-parse)."""

    entered = threading.Event()
    release = threading.Event()

    def step(self, units: int) -> int:
        self.calls = getattr(self, "calls", 0) + 1
        if self.calls == 3:
            HeldRead.entered.set()
            HeldRead.release.wait(20)
        return super().step(units)


class HeldScan(CsvScan):
    """A scan whose second step waits inside until released."""

    entered = threading.Event()
    release = threading.Event()

    def step(self, units: int) -> int:
        self.calls = getattr(self, "calls", 0) + 1
        if self.calls == 2:
            HeldScan.entered.set()
            HeldScan.release.wait(20)
        return super().step(units)


def test_cancel_mid_import_leaves_the_dialog_and_the_window_as_they_were(
    qtbot, window, tmp_path, monkeypatch
):
    HeldRead.entered.clear()
    HeldRead.release.clear()
    monkeypatch.setattr(csv_dialog, "CsvRead", HeldRead)
    dialog = window.data_import.open(str(_numbers(tmp_path, 3000)), dialog_result=False)
    dialog.show()
    dialog.as_numbers.setChecked(True)
    dialog.inputs.item(0).setCheckState(Qt.CheckState.Checked)
    before = (dialog.inputs.columns.checked(), dialog.targets.columns.checked())
    assert dialog.start_import()
    assert not dialog.choices.isEnabled() and not dialog.stop_button.isHidden()
    qtbot.waitUntil(HeldRead.entered.is_set, timeout=10_000)
    qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    assert "cancelled" in dialog.status.text() and dialog.isVisible()
    assert dialog.choices.isEnabled() and dialog.stop_button.isHidden()
    assert (dialog.inputs.columns.checked(), dialog.targets.columns.checked()) == before
    HeldRead.release.set()
    qtbot.waitUntil(lambda: not dialog.jobs.worker_thread.isRunning(), timeout=10_000)
    assert dialog.dataset is None and dialog.isVisible()
    assert window.snapshot.n_samples == 1  # still the lecture's sample
    monkeypatch.setattr(csv_dialog, "CsvRead", CsvRead)
    assert dialog.try_accept()  # and OK still works after it
    window.load_data(dialog.dataset)
    qtbot.waitUntil(lambda: window.snapshot.n_samples == 3000, timeout=10_000)


def test_cancel_while_the_columns_are_read_closes_the_dialog_loading_nothing(
    qtbot, host, tmp_path, monkeypatch
):
    HeldScan.entered.clear()
    HeldScan.release.clear()
    monkeypatch.setattr(csv_dialog, "CsvScan", HeldScan)
    dialog = csv_dialog.CsvImportDialog(str(_numbers(tmp_path, 3000)), host.widget)
    dialog.show()
    dialog.scan()
    qtbot.waitUntil(HeldScan.entered.is_set, timeout=10_000)
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    HeldScan.release.set()
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Rejected
    assert dialog.preview is None and dialog.dataset is None
    assert not dialog.jobs.worker_thread.isRunning()
    assert host.loaded == [] and host.messages == []


def test_a_file_over_the_row_limit_says_so_and_imports_the_rows_chosen(
    qtbot, host, tmp_path, monkeypatch
):
    for module in (csv_dialog, csv_import):
        monkeypatch.setattr(module, "MAX_ROWS", 10)
    importer = DataImport(host)
    dialog = importer.open(str(_numbers(tmp_path, 25)), dialog_result=False)
    note = dialog.rows_note.text()
    assert not dialog.rows_note.isHidden() and "25 rows" in note and "at most 10" in note
    assert dialog.take_first.isChecked() and not dialog.take_spread.isHidden()
    dialog.as_numbers.setChecked(True)
    assert dialog.try_accept(), dialog.message.text()
    assert dialog.dataset.inputs[:, 0].tolist() == list(range(10))

    again = importer.open(str(_numbers(tmp_path, 25)), dialog_result=False)
    again.as_numbers.setChecked(True)
    again.take_spread.setChecked(True)
    assert again.try_accept(), again.message.text()
    spread = again.dataset.inputs[:, 0].tolist()
    assert len(spread) == 10 and spread != list(range(10)) and spread == sorted(spread)
    assert spread[-1] >= 20  # taken from the whole file


def test_a_file_within_the_limit_asks_nothing_about_rows(qtbot, host, tmp_path):
    dialog = DataImport(host).open(str(_numbers(tmp_path, 30)), dialog_result=False)
    assert dialog.rows_note.isHidden() and dialog.take_spread.isHidden()


def test_a_wide_file_ticks_at_most_a_networks_inputs(qtbot, host, tmp_path):
    width = MAX_LAYER_SIZE + 50
    path = tmp_path / "wide.csv"
    path.write_text(
        ",".join(f"c{i}" for i in range(width)) + "\n" + ",".join("1" for _ in range(width)) + "\n"
    )
    dialog = DataImport(host).open(str(path), dialog_result=False)
    assert dialog.inputs.count() == width and dialog.preview_model.columnCount() == width
    assert len(dialog.inputs.columns.checked()) == MAX_LAYER_SIZE
    assert not dialog.inputs_note.isHidden()
    dialog.as_numbers.setChecked(True)
    dialog.inputs.item(width - 2).setCheckState(Qt.CheckState.Checked)
    assert not dialog.try_accept()
    assert f"at most {MAX_LAYER_SIZE:,} inputs" in dialog.message.text()
    assert dialog.dataset is None
    dialog.inputs.item(width - 2).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.try_accept(), dialog.message.text()
    assert dialog.dataset.n_inputs == MAX_LAYER_SIZE


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"\xff\xfe\x00x", "not"),
    ],
)
def test_a_file_that_is_no_csv_is_said_plainly_in_the_window(
    qtbot, host, tmp_path, content, expected
):
    path = tmp_path / "hostile.csv"
    path.write_bytes(content)
    assert DataImport(host).open(str(path), dialog_result=True) is None
    assert len(host.messages) == 1 and expected in host.messages[0]
    assert _plain(host.messages[0]) and host.loaded == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("x,y\n1,2\n3\n4,5\n", "Line 3"),
        ("x,y\n1,2\n3,4,5\n", "Line 3"),
        ("x,y\n1,2\nNaN,5\n", "NaN"),
        ("x,y\n1,2\n3,not a number\n", "not a number"),
        ("x,y\n1,2\n1e999,3\n", "too large"),
    ],
)
def test_a_bad_row_is_said_plainly_and_the_dialog_stays(qtbot, host, tmp_path, content, expected):
    path = tmp_path / "rows.csv"
    path.write_text(content)
    dialog = DataImport(host).open(str(path), dialog_result=False)
    dialog.as_numbers.setChecked(True)
    assert not dialog.try_accept()
    assert expected in dialog.message.text() and _plain(dialog.message.text())
    assert dialog.choices.isEnabled() and dialog.dataset is None


def _when_read(host: Host, then) -> None:
    """Once the modal dialog has read the file, ``then(dialog)`` (polled, no clock asserted)."""

    def poll() -> None:
        dialog = host.widget.findChild(csv_dialog.CsvImportDialog)
        if dialog is not None and dialog.preview is not None and not dialog.jobs.busy:
            then(dialog)
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def test_the_modal_dialog_reads_then_ok_imports_and_loads(qtbot, host, tmp_path):
    importer = DataImport(host)
    seen: list[object] = []
    importer.data_ready.connect(seen.append)

    def press_ok(dialog) -> None:
        dialog.as_numbers.setChecked(True)
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    _when_read(host, press_ok)
    dialog = importer.open(str(_numbers(tmp_path, 400)))
    assert dialog is not None and dialog.result() == dialog.DialogCode.Accepted
    assert len(host.loaded) == 1 and host.loaded[0].n_samples == 400 and seen == host.loaded
    assert not dialog.jobs.worker_thread.isRunning()


def test_the_modal_dialog_closed_loads_nothing(qtbot, host, tmp_path):
    importer = DataImport(host)
    _when_read(host, lambda dialog: dialog.reject())
    dialog = importer.open(str(_numbers(tmp_path, 40)))
    assert dialog is not None and dialog.result() == dialog.DialogCode.Rejected
    assert host.loaded == [] and host.messages == []


def test_the_modal_dialog_on_a_file_that_is_no_csv_says_so_in_the_window(qtbot, host, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\x00\x01\x02")
    assert DataImport(host).open(str(path)) is None
    assert len(host.messages) == 1 and "not a text file" in host.messages[0]
