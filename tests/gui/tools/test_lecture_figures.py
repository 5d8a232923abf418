"""The "Lecture figures" view in the real window: a card per printed figure, worked out off the
GUI thread (progress, Cancel), and "Show it" setting the window to show the lecture's number
(checked against tests/reference/lecture_figures.json, to the printed digits)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching import reconcile as rec
from bpdesk.gui.tools.explain import ExplainPanel
from bpdesk.gui.tools.lecture_figures import LectureFiguresView

FIGURES = Path(__file__).parents[2] / "reference" / "lecture_figures.json"
PRINTED = {f["id"]: f["printed"] for f in json.loads(FIGURES.read_text())["figures"]}


@pytest.fixture
def window(open_window):
    return open_window("lecture")


def _open(qtbot, window) -> LectureFiguresView:
    view = window.teaching.tool_docks.show_view("lecture_figures")
    assert isinstance(view, LectureFiguresView)
    qtbot.waitUntil(lambda: view.result is not None, timeout=30000)
    return view


def _idle(qtbot, window) -> None:
    qtbot.waitUntil(
        lambda: not window.link.running and not window.link.pending and not window.link.queued,
        timeout=30000,
    )
    QApplication.processEvents()


def _printed_as(value: float, printed: str) -> str:
    return f"{value:.{len(printed.split('.')[1])}f}"


def test_every_printed_figure_has_a_card(qtbot, window):
    view = _open(qtbot, window)
    shown = {card.figure.id for card in view.cards}
    assert set(PRINTED) <= shown
    assert not any(c.figure.agrees for c in view.cards if c.figure.source == "worked example")
    view.all_example.setChecked(True)
    assert len(view.cards) == len(view.result.figures)
    for card in view.cards:
        assert card.texts["Printed"] == card.figure.printed
        assert (card.button is not None) == (card.figure.recipe is not None)
        assert card.title.font().pointSizeF() >= 15  # readable on a projector


@pytest.mark.parametrize("fid", ["error_after_first_round", "error_after_10000"])
def test_show_it_puts_the_printed_number_on_the_canvas(qtbot, window, fid):
    view = _open(qtbot, window)
    card = next(c for c in view.cards if c.figure.id == fid)
    assert card.button is not None
    card.button.click()  # (a card below the dock's fold gets no synthetic mouse click)
    recipe = card.figure.recipe
    _idle(qtbot, window)
    snap = window.snapshot
    assert snap.config.update_order == recipe.update_order
    assert snap.phase == "backward"  # the forward pass of the next round is on screen
    assert _printed_as(snap.trace.E_total, PRINTED[fid]) == PRINTED[fid]


def test_show_it_from_another_session_opens_the_lecture_first(qtbot, window):
    view = _open(qtbot, window)
    window.open_source("xor")
    qtbot.waitUntil(lambda: window.snapshot.spec.sizes[-1] == 1, timeout=10000)
    card = next(c for c in view.cards if c.figure.id == "out_o1_after_10000")
    card.button.click()
    qtbot.waitUntil(lambda: window.snapshot.iteration == 10_000, timeout=30000)
    _idle(qtbot, window)
    out_o1 = window.snapshot.trace.named_values()["out_o1"]
    assert _printed_as(out_o1, PRINTED["out_o1_after_10000"]) == PRINTED["out_o1_after_10000"]


def test_cancel_leaves_nothing_and_the_work_can_start_again(qtbot, window, monkeypatch):
    monkeypatch.setattr(rec, "_RUNS", {})
    monkeypatch.setattr(rec, "_DONE", [])
    view = window.teaching.tool_docks.show_view("lecture_figures")
    qtbot.waitUntil(lambda: view._worker is not None, timeout=10000)
    view.cancel()
    qtbot.waitUntil(lambda: view.retry_button.isVisible() or view.result is not None)
    if view.result is None:  # stopped in time
        assert "stopped" in view.status.text() and not view.cards
        qtbot.mouseClick(view.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.result is not None, timeout=30000)
    assert view.cards


def test_explain_mentions_the_lecture_after_the_first_update(qtbot):
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.show()
    stepper = Stepper(get_preset("lecture").trainer())
    stepper.full_step()
    panel.show_snapshot(make_snapshot(stepper, seq=1))
    text = panel.plain_text()
    assert "Lecture check" in text and PRINTED["error_after_first_round"] in text
    stepper.run(iterations=9_999)
    panel.show_snapshot(make_snapshot(stepper, seq=2))
    text = panel.plain_text()
    assert PRINTED["error_after_10000"] in text
    assert "next to their targets" in text and "(target 0.99)" in text


def test_settings_are_refused_while_a_run_goes_and_nothing_changes(qtbot, window):
    _idle(qtbot, window)
    before = window.snapshot.config
    assert window.request_commands(["run:200000"])
    changed = type(before)(**{**before.__dict__, "update_order": "sequential"})
    assert window.set_config(changed) is False
    window.pause()
    _idle(qtbot, window)
    assert window.snapshot.config.update_order == before.update_order
    assert window.set_config(changed) is True
    qtbot.waitUntil(lambda: window.snapshot.config.update_order == "sequential", timeout=10000)
