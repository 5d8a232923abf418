"""File → Import data: a CSV file's columns chosen, bad files refused with the line, data loaded."""

from __future__ import annotations

import pytest

from bpdesk.app import create_window


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window("lecture", restore_layout=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=5000)
    yield win
    win.shutdown()


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
    dialog = window.data_import.open(str(data), dialog_result=True)
    dialog.as_numbers.setChecked(True)
    assert not dialog.try_accept()
    assert "Line 3" in dialog.message.text()
    assert window.snapshot.n_samples == 1  # still the lecture's sample


def test_an_empty_file_is_reported_in_the_window(qtbot, window, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert window.data_import.open(str(empty), dialog_result=True) is None
    assert "empty" in window.message()
