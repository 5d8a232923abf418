"""Adding, moving and removing training points on the decision map, through the real window."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from bpdesk.app import create_window
from bpdesk.core.files.dataset import Dataset
from bpdesk.core.files.documents import open_source, with_data
from bpdesk.core.stepping.data_edit import DataEdit, map_extent
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.gui.tools.boundary import BoundaryView


@pytest.fixture
def window(open_window):
    return open_window("xor")


def _open_boundary(qtbot, win):
    tools = win.teaching
    tools.show_view("boundary")
    qtbot.waitUntil(lambda: tools._boundary is not None and tools.boundary.isVisible())
    view = tools.boundary
    qtbot.waitUntil(lambda: view.point_counts()[0] == win.snapshot.n_samples, timeout=10000)
    qtbot.waitUntil(lambda: tools._map is not None, timeout=10000)
    return view


def _wait_samples(qtbot, win, n):
    qtbot.waitUntil(
        lambda: (
            win.snapshot.inputs is not None
            and len(win.snapshot.inputs) == n
            and not win.step_in_flight
        ),
        timeout=10000,
    )


def _click(qtbot, view, x, y, button=Qt.MouseButton.LeftButton):
    where = view.editor.to_viewport(x, y)
    qtbot.mouseClick(view._map.viewport(), button, pos=where)


def _mouse(widget, kind, pos: QPoint, buttons):
    event = QMouseEvent(
        kind,
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        Qt.MouseButton.LeftButton,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def test_two_clicks_add_two_points_saved_and_reopened(qtbot, window, tmp_path):
    view = _open_boundary(qtbot, window)
    original = window.snapshot.inputs.copy()
    targets = window.snapshot.targets.copy()
    view.chooser.classes.setCurrentIndex(1)
    _click(qtbot, view, 0.5, 0.5)
    assert len(view.editor.drawn_points()) == 5  # drawn at once, before the worker answers
    _wait_samples(qtbot, window, 5)
    view.chooser.classes.setCurrentIndex(0)
    _click(qtbot, view, 0.25, 0.75)
    _wait_samples(qtbot, window, 6)
    s = window.snapshot
    np.testing.assert_array_equal(s.inputs[:4], original)
    np.testing.assert_allclose(s.inputs[4:], [[0.5, 0.5], [0.25, 0.75]], atol=0.03)
    np.testing.assert_array_equal(s.targets[4:, 0], [targets.max(), targets.min()])
    qtbot.waitUntil(lambda: view.point_counts()[0] == 6, timeout=5000)
    # Saved (File → Save As) and reopened: the points are there, their targets too.
    path = tmp_path / "points.bpdesk"
    window.file_chooser = lambda mode, suggested: str(path)
    window.commands.save_as.trigger()
    qtbot.waitUntil(lambda: path.exists() and not window.modified, timeout=10000)
    window.open_source("xor")
    _wait_samples(qtbot, window, 4)
    window.open_source(str(path))
    _wait_samples(qtbot, window, 6)
    np.testing.assert_array_equal(window.snapshot.inputs, s.inputs)
    np.testing.assert_array_equal(window.snapshot.targets, s.targets)
    qtbot.waitUntil(lambda: view.point_counts()[0] == 6, timeout=5000)


def test_step_back_twice_gives_the_original_data(qtbot, window):
    view = _open_boundary(qtbot, window)
    original = window.snapshot.inputs.copy()
    for n, (x, y) in enumerate([(0.5, 0.5), (0.8, 0.2)], start=5):
        _click(qtbot, view, x, y)
        _wait_samples(qtbot, window, n)
    for n in (5, 4):
        assert window.request_commands(["back"])
        _wait_samples(qtbot, window, n)
    np.testing.assert_array_equal(window.snapshot.inputs, original)
    qtbot.waitUntil(lambda: view.point_counts()[0] == 4, timeout=5000)
    assert len(view.editor.drawn_points()) == 4


def test_drag_moves_a_point_and_right_click_removes_one(qtbot, window):
    view = _open_boundary(qtbot, window)
    port = view._map.viewport()
    start = view.editor.to_viewport(1.0, 1.0)
    end = view.editor.to_viewport(0.7, 0.6)
    _mouse(port, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    middle = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
    _mouse(port, QEvent.Type.MouseMove, middle, Qt.MouseButton.LeftButton)
    _mouse(port, QEvent.Type.MouseMove, end, Qt.MouseButton.LeftButton)
    _mouse(port, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
    qtbot.waitUntil(lambda: abs(window.snapshot.inputs[3, 0] - 1.0) > 0.1, timeout=10000)
    np.testing.assert_allclose(window.snapshot.inputs[3], [0.7, 0.6], atol=0.03)
    assert len(window.snapshot.inputs) == 4
    _click(qtbot, view, 0.0, 0.0, Qt.MouseButton.RightButton)
    _wait_samples(qtbot, window, 3)
    assert [0.0, 0.0] not in window.snapshot.inputs.tolist()


def test_a_click_outside_the_map_is_refused_in_words(qtbot, window):
    view = _open_boundary(qtbot, window)
    (x0, x1), (y0, y1) = map_extent(window.snapshot.inputs)
    _click(qtbot, view, x0 - 0.08 * (x1 - x0), (y0 + y1) / 2)  # on the axis, left of the map
    assert "on the map" in window.message()
    assert not view.editor.add(x1 + 1.0, y0)
    assert "on the map" in window.message()
    assert len(view.editor.drawn_points()) == 4


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (DataEdit("add", math.nan, 0.5, label=1), "two numbers"),
        (DataEdit("add", 9.0, 0.5, label=1), "outside the map"),
        (DataEdit("add", 0.5, 0.5, label=7), "class"),
    ],
)
def test_the_core_refuses_a_bad_point_and_changes_nothing(qtbot, window, edit, words):
    _open_boundary(qtbot, window)
    before = window.snapshot.inputs
    assert window.edit_training_data(edit)
    qtbot.waitUntil(lambda: words in window.message(), timeout=5000)
    assert window.snapshot.inputs.shape == before.shape
    assert not window.snapshot.can_step_back


def test_on_data_that_is_not_two_input_the_core_refuses(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window("iris", restore_layout=False)
    qtbot.addWidget(win)
    win.show()
    try:
        qtbot.waitUntil(lambda: win.snapshot is not None)
        n = win.snapshot.n_samples
        assert win.edit_training_data(DataEdit("add", 0.5, 0.5, label=0))
        qtbot.waitUntil(lambda: "exactly two inputs" in win.message(), timeout=5000)
        assert win.snapshot.n_samples == n and not win.snapshot.can_step_back
    finally:
        win.shutdown()


def test_a_point_added_during_a_run_joins_the_training(qtbot, window):
    view = _open_boundary(qtbot, window)
    assert window.run(0)
    qtbot.waitUntil(lambda: window.snapshot.running, timeout=5000)
    _click(qtbot, view, 0.5, 0.5)
    qtbot.waitUntil(lambda: len(window.snapshot.inputs) == 5, timeout=10000)
    iteration = window.snapshot.iteration
    qtbot.waitUntil(lambda: window.snapshot.iteration > iteration + 10, timeout=10000)
    assert window.snapshot.running  # the run went on, on the new data
    window.pause()
    qtbot.waitUntil(lambda: not window.running and not window.snapshot.running, timeout=5000)
    assert len(window.snapshot.inputs) == 5 and window.snapshot.n_samples == 5


def _lesson(task, targets):
    inputs = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    dataset = Dataset(
        name="corners",
        inputs=inputs,
        targets=np.asarray(targets, dtype=np.float64),
        input_names=("a", "b"),
        target_names=tuple(f"t{k}" for k in range(np.shape(targets)[1])),
        task=task,
        source="",
        description="four corners",
    )
    return with_data(open_source("xor"), dataset)


def test_three_classes_offer_three_choices_and_send_the_class_index(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    view.resize(900, 650)
    view.show()
    stepper = _lesson("multiclass", np.eye(3)[[0, 1, 2, 0]])
    view.show_snapshot(make_snapshot(stepper, seq=1, decision_map=True))
    assert view.chooser.classes.count() == 3 and not view.chooser.value.isVisible()
    sent: list[DataEdit] = []
    view.edit_requested.connect(sent.append)
    view.chooser.classes.setCurrentIndex(2)
    _click(qtbot, view, 0.5, 0.5)
    assert len(sent) == 1 and sent[0].kind == "add" and sent[0].label == 2
    stepper.edit_data(sent[0])  # as the worker does: the target is class 2's one-hot row
    np.testing.assert_array_equal(stepper.trainer.targets[-1], [0.0, 0.0, 1.0])


def test_a_regression_offers_a_value_field(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    view.resize(900, 650)
    view.show()
    stepper = _lesson("regression", [[0.1], [0.4], [0.7], [0.9]])
    view.show_snapshot(make_snapshot(stepper, seq=1, decision_map=True))
    assert view.chooser.value.isVisible() and not view.chooser.classes.isVisible()
    sent: list[DataEdit] = []
    view.edit_requested.connect(sent.append)
    view.chooser.value.setValue(0.25)
    _click(qtbot, view, 0.5, 0.5)
    stepper.edit_data(sent[0])
    np.testing.assert_allclose(stepper.trainer.targets[-1], [0.25])


def test_delete_removes_the_point_clicked_last(qtbot, window):
    view = _open_boundary(qtbot, window)
    _click(qtbot, view, 1.0, 0.0)  # right on a point: it is selected, nothing added
    assert view.editor.selected == 2 and len(view.editor.drawn_points()) == 4
    ring = view.editor._ring.data
    assert len(ring) == 1 and (ring["x"][0], ring["y"][0]) == (1.0, 0.0)  # ringed in red
    qtbot.keyClick(view._map, Qt.Key.Key_Delete)
    _wait_samples(qtbot, window, 3)
    assert [1.0, 0.0] not in window.snapshot.inputs.tolist()
    assert window.request_commands(["back"])
    _wait_samples(qtbot, window, 4)
    assert window.snapshot.inputs.tolist()[2] == [1.0, 0.0]


def test_switching_lessons_right_after_a_click_leaves_no_stray_point(qtbot, window):
    view = _open_boundary(qtbot, window)
    _click(qtbot, view, 0.5, 0.5)
    window.open_source("moons")
    qtbot.waitUntil(lambda: window.snapshot.n_samples == 150, timeout=10000)  # the moons
    qtbot.waitUntil(lambda: view.point_counts()[0] == window.snapshot.n_samples, timeout=10000)
    np.testing.assert_array_equal(view.editor.drawn_points(), window.snapshot.inputs)


def test_the_preview_waits_for_the_workers_answer(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    view.resize(900, 650)
    view.show()
    stepper = open_source("xor")
    first = make_snapshot(stepper, seq=1, decision_map=True)
    view.show_snapshot(first)
    _click(qtbot, view, 0.5, 0.5)
    assert len(view.editor.drawn_points()) == 5
    view.show_snapshot(replace(first, decision_map=first.decision_map))  # its map came back
    qtbot.wait(50)
    assert len(view.editor.drawn_points()) == 5  # still drawn: the answer is not in yet
    view.show_snapshot(make_snapshot(stepper, seq=2, decision_map=True))  # answer: refused
    qtbot.waitUntil(lambda: len(view.editor.drawn_points()) == 4)
    assert view.point_counts()[0] == 4


def test_an_edit_while_a_lessons_steps_are_queued_is_refused_in_words(qtbot, window):
    _open_boundary(qtbot, window)
    assert window.request_commands(["forward", "backward", "update"])
    assert window.link.queued > 0
    assert not window.edit_training_data(DataEdit("add", 0.5, 0.5, label=1))
    assert "still going" in window.message()
    qtbot.waitUntil(lambda: window.link.queued == 0 and not window.step_in_flight, timeout=10000)
    assert window.snapshot.n_samples == 4
    assert window.edit_training_data(DataEdit("add", 0.5, 0.5, label=1))
    _wait_samples(qtbot, window, 5)
