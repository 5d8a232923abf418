"""A large weight table measures only the rows in view, and widens as rows scroll into view."""

from __future__ import annotations

from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.gui.views.parameters.table import ParameterTable


def test_column_widths_come_from_the_rows_in_view(qtbot):
    stepper = open_source("digits")  # 2,410 weights and biases
    table = ParameterTable()
    qtbot.addWidget(table)
    table.resize(420, 600)
    table.show()
    asked: list[range] = []
    real = table.model.rows_at
    table.model.rows_at = lambda lines: asked.append(lines) or real(lines)  # type: ignore[method-assign]
    table.show_snapshot(make_snapshot(stepper, seq=1))
    rows = table.model.rowCount()
    assert rows == len(stepper.trainer.network.spec.parameter_names)
    assert asked and all(len(lines) < 200 for lines in asked)
    assert all(lines.start == 0 for lines in asked)
    asked.clear()
    table.view.scrollToBottom()
    qtbot.waitUntil(lambda: any(rows - 1 in lines for lines in asked))
    assert all(len(lines) < 200 for lines in asked)


def test_scrolling_never_narrows_a_column(qtbot):
    stepper = open_source("digits")
    table = ParameterTable()
    qtbot.addWidget(table)
    table.resize(420, 600)
    table.show()
    table.show_snapshot(make_snapshot(stepper, seq=1))
    before = [table.view.columnWidth(c) for c in range(table.model.columnCount())]
    assert all(width > 0 for width in before[1:])
    table.view.scrollToBottom()
    qtbot.wait(50)
    after = [table.view.columnWidth(c) for c in range(table.model.columnCount())]
    assert all(a >= b for a, b in zip(after, before, strict=True))


def test_only_the_rows_in_view_are_made(qtbot):
    stepper = open_source("digits")
    table = ParameterTable()
    qtbot.addWidget(table)
    table.resize(420, 600)
    table.show()
    stepper.step_phase("forward")
    trace = stepper.step_phase("backward")
    table.show_snapshot(make_snapshot(stepper, seq=1))
    qtbot.wait(50)  # painted
    made = table.model.table()._made
    # A screenful, and the 100 first and 100 last row names Qt's header samples for its width.
    assert 0 < len(made) <= 260 < table.model.rowCount()
    # What the table shows for a row far down is made when asked, and is the right one.
    last = table.model.rowCount() - 1
    name = table.model.names()[last]
    assert table.model.rows_at(range(last, last + 1))[0].name == name
    assert table.model.row_of(name) == last
    gradient = trace.named_values()[f"dE_total/d{name}"]
    assert table.model.rows_at(range(last, last + 1))[0].gradient == gradient
