"""The desk at 1024 × 768 and 1920 × 1080, at the smallest and largest text size: the drawing
keeps its share, every panel keeps a useful size (scrolling rather than crushing), no status
label is cut mid-word, and the derivation's result is pinned in view."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import QTabBar, QTextBrowser

from bpdesk.app import create_window
from bpdesk.gui.shell.desk_layout import NARROW_CANVAS_SHARE, PLOT_AREA, parameters_share
from bpdesk.gui.shell.status_bar import ElidingLabel
from bpdesk.gui.views.parameters.table import CONNECTION

SIZES = [(1024, 768), (1920, 1080)]
SCALES = [0.75, 3.0]


def _open(qtbot, monkeypatch, width: int, height: int, scale: float = 1.0):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window("lecture", restore_layout=False)
    qtbot.addWidget(win)
    win.resize(width, height)
    win.show()
    win.set_font_scale(scale, remember=False)
    qtbot.waitUntil(lambda: win.snapshot is not None)
    return win


def _step(qtbot, win, kind: str) -> None:
    done = win.runs_finished
    before = win.snapshot
    assert win.request_step(kind)
    qtbot.waitUntil(lambda: win.snapshot is not before and not win.step_in_flight)
    del done


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_every_panel_keeps_a_useful_size(qtbot, monkeypatch, width, height, scale):
    win = _open(qtbot, monkeypatch, width, height, scale)
    try:
        _step(qtbot, win, "full")
        qtbot.wait(50)
        # The window is not pushed wider or taller by large text: the panels scroll instead.
        assert win.width() <= width and win.height() <= height
        canvas = win.canvas.viewport()
        assert canvas.width() >= 300 and canvas.height() >= 200
        box = win.error_plot.plot_widget.getViewBox().sceneBoundingRect()
        assert box.width() >= PLOT_AREA.width() - 10 and box.height() >= PLOT_AREA.height() - 10
        body = win.derivation.findChild(QTextBrowser, "derivation_body")
        lines = body.viewport().height() / QFontMetrics(body.font()).lineSpacing()
        assert lines >= 2.5, f"the derivation shows {lines:.1f} lines"
        table = win.parameters.table.view.viewport()
        assert table.width() >= 100 and table.height() >= 60
        for bar in win.findChildren(QTabBar):
            if bar.isVisible() and bar.count() > 1:
                assert bar.elideMode().name == "ElideNone" and bar.usesScrollButtons()
        _no_status_label_cut(win)
    finally:
        win.shutdown()


def _no_status_label_cut(win) -> None:
    for key, label in win.status_labels.items():
        assert isinstance(label, ElidingLabel)
        if not label.isVisible() or not label.text():
            continue
        fits = label.text_width() <= label.room()
        if not fits:  # shortened with "…", the whole text in the tooltip
            assert label.is_elided() and label.shown_text().endswith("…"), key
            assert label.toolTip() == label.text(), key
    phase = win.status_labels["phase"]
    assert phase.isVisible() and not phase.is_elided()  # what comes next is never shortened


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720), (1920, 1080)])
def test_drawing_gets_its_share(qtbot, monkeypatch, width, height):
    win = _open(qtbot, monkeypatch, width, height)
    try:
        qtbot.waitUntil(
            lambda: abs(win.parameters_dock.width() - width * parameters_share(width)) < 12
        )
        share = win.canvas.width() / win.width()
        least = NARROW_CANVAS_SHARE if width < 1400 else 0.6
        assert share >= least - 0.01
        assert win.parameters_dock.width() >= 0.25 * width  # still a usable table
    finally:
        win.shutdown()


def test_connection_column_not_cut_at_1024(qtbot, monkeypatch):
    win = _open(qtbot, monkeypatch, 1024, 768)
    try:
        view = win.parameters.table.view
        qtbot.waitUntil(lambda: win.parameters.table.model.rowCount() > 0)
        metrics = view.fontMetrics()
        texts = [win.parameters.table.text(n, CONNECTION) for n in ("w1", "b1", "w8")]
        widest = max(metrics.horizontalAdvance(t) for t in texts)
        assert view.columnWidth(CONNECTION) >= widest
        total = sum(view.columnWidth(c) for c in range(view.model().columnCount()))
        total -= sum(
            view.columnWidth(c) for c in range(view.model().columnCount()) if view.isColumnHidden(c)
        )
        # Wider than the view: it scrolls sideways to the whole connection column.
        if total > view.viewport().width():
            assert view.horizontalScrollBar().maximum() > 0
    finally:
        win.shutdown()


def test_result_pinned_in_view_at_1024(qtbot, monkeypatch, lecture_reference):
    win = _open(qtbot, monkeypatch, 1024, 768)
    try:
        _step(qtbot, win, "full")
        label = win.derivation.result_label()
        text = QTextDocument()
        text.setHtml(label.text())
        plain = text.toPlainText()
        gradient = lecture_reference["backward_output_layer"]["dE_total/dw5"]
        updated = lecture_reference["updated_weights_after_one_step"]["w5"]
        assert plain.startswith("Result:")
        assert f"{gradient}" in plain and f"{updated}" in plain
        assert label.isVisible() and label.height() > 0
        # On screen: inside the panel, above its bottom edge, without scrolling.
        assert label.geometry().bottom() < win.derivation.height()
        assert win.derivation.visibleRegion().contains(label.geometry().center())
    finally:
        win.shutdown()


def test_user_widths_stay_when_the_window_is_resized(qtbot, monkeypatch):
    win = _open(qtbot, monkeypatch, 1920, 1080)
    try:
        qtbot.waitUntil(lambda: abs(win.parameters_dock.width() - 0.3 * 1920) < 12)
        from PySide6.QtCore import Qt

        win.resizeDocks([win.parameters_dock], [700], Qt.Orientation.Horizontal)
        qtbot.waitUntil(lambda: abs(win.parameters_dock.width() - 700) < 12)
        win.resize(1800, 1000)
        qtbot.wait(50)
        assert not win.desk.follows_window
        assert abs(win.parameters_dock.width() - 700) < 12
    finally:
        win.shutdown()
