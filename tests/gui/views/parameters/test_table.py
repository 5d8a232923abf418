"""The weight table: connections by name, remembered gradients, undo, and keeping open editors."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot, make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.views.parameters.table import (
    CHANGE,
    CONNECTION,
    GRADIENT,
    PREVIOUS,
    VALUE,
    LastKnown,
    ParameterTable,
    connection,
    parameter_rows,
)


class Feed:
    def __init__(self, preset: str = "lecture") -> None:
        self.stepper = Stepper(get_preset(preset).trainer())
        self.seq = 0

    def snap(self) -> Snapshot:
        self.seq += 1
        return make_snapshot(self.stepper, seq=self.seq)


@pytest.fixture
def table(qtbot) -> ParameterTable:
    widget = ParameterTable()
    qtbot.addWidget(widget)
    widget.resize(420, 600)
    widget.show()
    return widget


def test_connections_name_source_and_target():
    lecture = get_preset("lecture").network.spec
    assert connection(lecture, "w1") == "i1 → h1"
    assert connection(lecture, "w2") == "i2 → h1"
    assert connection(lecture, "w5") == "h1 → o1"
    assert connection(lecture, "w8") == "h2 → o2"
    assert connection(lecture, "b1") == "1 → h1, h2"
    per_neuron = NetworkSpec.build([2, 5, 1])
    assert connection(per_neuron, "b_h3") == "1 → h3"
    shared = NetworkSpec.build([2, 5, 1], shared_bias=True)
    assert connection(shared, "b1") == "1 → h1 … h5"


def test_rows_follow_the_trace(lecture_reference):
    feed = Feed()
    memory = LastKnown()
    rows = parameter_rows(feed.snap(), memory)
    assert [r.name for r in rows] == list(get_preset("lecture").network.spec.parameter_names)
    assert all(math.isnan(r.gradient) and math.isnan(r.previous) for r in rows)
    feed.stepper.full_step()
    rows = {r.name: r for r in parameter_rows(feed.snap(), memory)}
    w5 = rows["w5"]
    reference = lecture_reference["backward_output_layer"]["dE_total/dw5"]
    assert w5.gradient == pytest.approx(reference, abs=1e-8)
    assert w5.previous == lecture_reference["network"]["weights"]["w5"]
    assert w5.change == pytest.approx(w5.value - w5.previous)
    assert w5.gradient_is_current and w5.update_is_current
    assert rows["b1"].fixed and not w5.fixed


def test_remembered_figures_go_when_the_step_is_undone_or_reset():
    feed = Feed()
    memory = LastKnown()
    feed.stepper.full_step()
    parameter_rows(feed.snap(), memory)
    feed.stepper.step_phase("forward")
    row = parameter_rows(feed.snap(), memory)[4]
    assert not math.isnan(row.gradient) and not row.gradient_is_current
    feed.stepper.step_back()  # back to the completed first step
    feed.stepper.step_back()  # back to before it
    row = parameter_rows(feed.snap(), memory)[4]
    assert math.isnan(row.gradient) and math.isnan(row.previous)
    feed.stepper.full_step()
    parameter_rows(feed.snap(), memory)
    feed.stepper.reset()
    row = parameter_rows(feed.snap(), memory)[4]
    assert math.isnan(row.gradient)


def test_figures_from_long_ago_are_not_shown_after_a_run():
    feed = Feed()
    memory = LastKnown()
    feed.stepper.full_step()
    parameter_rows(feed.snap(), memory)
    feed.stepper.run(iterations=5)
    rows = parameter_rows(feed.snap(), memory)
    assert all(math.isnan(r.gradient) and math.isnan(r.previous) for r in rows)


def test_stale_figures_are_in_italics_and_explained(table):
    feed = Feed()
    feed.stepper.full_step()
    table.show_snapshot(feed.snap())
    model = table.model
    index = model.index(model.row_of("w5"), GRADIENT)
    assert model.data(index, Qt.ItemDataRole.FontRole) is None
    feed.stepper.step_phase("forward")
    table.show_snapshot(feed.snap())
    font = model.data(index, Qt.ItemDataRole.FontRole)
    assert font is not None and font.italic()
    assert "previous step" in model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "italics" in table.legend.text()


def test_numbers_are_right_aligned_and_columns_fit_them(table):
    feed = Feed()
    feed.stepper.full_step()
    table.show_snapshot(feed.snap())
    model = table.model
    row = model.row_of("w7")
    for column in (VALUE, GRADIENT, PREVIOUS, CHANGE):
        index = model.index(row, column)
        alignment = model.data(index, Qt.ItemDataRole.TextAlignmentRole)
        assert alignment & Qt.AlignmentFlag.AlignRight
        text = model.data(index)
        assert table.view.fontMetrics().horizontalAdvance(text) < table.view.columnWidth(column)
    # w7's gradient is negative, so the update makes it grow: a real minus sign, then none.
    assert model.data(model.index(row, GRADIENT)).startswith("−")
    assert not model.data(model.index(row, CHANGE)).startswith("−")
    assert model.data(model.index(row, CONNECTION)) == "h1 → o2"


def test_an_open_editor_keeps_its_text_when_a_snapshot_arrives(qtbot, table):
    feed = Feed()
    table.show_snapshot(feed.snap())
    view, model = table.view, table.model
    index = model.index(model.row_of("w5"), VALUE)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "0.123")
    feed.stepper.step_phase("forward")
    table.show_snapshot(feed.snap())
    assert editor.text() == "0.123"


def test_unchanged_text_asks_for_nothing(qtbot, table):
    feed = Feed()
    feed.stepper.full_step()  # w5 is now 0.358916479…, shown rounded
    table.show_snapshot(feed.snap())
    model = table.model
    index = model.index(model.row_of("w5"), VALUE)
    shown = model.data(index, Qt.ItemDataRole.EditRole)
    assert shown == format_value(feed.stepper.network.get("w5"))
    with qtbot.assertNotEmitted(table.parameter_edited):
        assert not model.setData(index, shown)
    assert table.message() == ""


def test_other_columns_cannot_be_edited(table):
    table.show_snapshot(Feed().snap())
    model = table.model
    assert model.flags(model.index(0, VALUE)) & Qt.ItemFlag.ItemIsEditable
    for column in (CONNECTION, GRADIENT, PREVIOUS, CHANGE):
        assert not model.flags(model.index(0, column)) & Qt.ItemFlag.ItemIsEditable
        assert not model.setData(model.index(0, column), "0.5")


def test_a_new_network_rebuilds_the_rows(table):
    table.show_snapshot(Feed().snap())
    assert table.model.rowCount() == 10
    table.show_snapshot(Feed("xor").snap())
    names = [r.name for r in table.model.rows()]
    assert names == list(get_preset("xor").network.spec.parameter_names)
    assert "b_h1" in names


def test_during_a_run_the_table_follows_the_last_snapshot_a_little_later(qtbot):
    clock = [100.0]  # stands still: the second snapshot comes "at once" after the first
    table = ParameterTable(clock=lambda: clock[0])
    qtbot.addWidget(table)
    feed = Feed("xor")
    first = make_snapshot(feed.stepper, seq=1, running=True)
    table.show_snapshot(first)
    feed.stepper.run(iterations=50)
    last = make_snapshot(feed.stepper, seq=2, running=True)
    table.show_snapshot(last)
    w1 = format_value(feed.stepper.network.get("w1"))
    assert table.text("w1", VALUE) == format_value(first.values["w1"]) != w1  # not yet
    qtbot.waitUntil(lambda: table.text("w1", VALUE) == w1, timeout=2000)
    # A snapshot after the run is shown at once.
    feed.stepper.run(iterations=5)
    table.show_snapshot(make_snapshot(feed.stepper, seq=3))
    assert table.text("w1", VALUE) == format_value(feed.stepper.network.get("w1"))


def test_the_model_can_be_walked_like_any_item_model(table):
    from PySide6.QtCore import QModelIndex

    table.show_snapshot(Feed().snap())
    model = table.model
    assert model.hasChildren(QModelIndex())
    assert not model.hasChildren(model.index(0, VALUE))
