"""Quiz mode hides what the last press computed everywhere it could be read, until revealed."""

from __future__ import annotations

import pytest

from bpdesk.core.formatting import format_value
from bpdesk.gui.views.parameters.table_model import CHANGE, GRADIENT, VALUE


@pytest.fixture
def window(open_window):
    win = open_window("lecture")
    win.teaching.practice_dock.show()
    win.teaching.practice_dock.raise_()
    win.teaching.explain_dock.show()
    return win


def _press(qtbot, win, phase: str, then: str) -> None:
    win.request_step(phase)
    qtbot.waitUntil(lambda: win.snapshot is not None and win.snapshot.phase == then)
    qtbot.wait(50)


def _everything_shown(win) -> str:
    """Every text a student could read off the window: drawing, table, derivation, Explain."""
    table = win.parameters.table
    cells = [table.text(name, col) for name in ("w5", "w8") for col in (VALUE, GRADIENT, CHANGE)]
    return "\n".join(
        [
            *win.canvas.label_texts().values(),
            *cells,
            win.derivation.plain_text(),
            win.teaching.explain.plain_text(),
        ]
    )


def test_quiz_hides_the_gradients_everywhere_until_revealed(qtbot, window, lecture_reference):
    tools = window.teaching
    tools.practice.set_quiz_mode(True)
    qtbot.waitUntil(lambda: window.canvas.quiz_mask.on)
    _press(qtbot, window, "forward", "backward")
    _press(qtbot, window, "backward", "update")
    window.derivation.set_selection("weight", "w5")
    gradient = format_value(lecture_reference["backward_output_layer"]["dE_total/dw5"])
    shown = _everything_shown(window)
    assert gradient not in shown
    assert window.parameters.table.text("w5", GRADIENT) == "?"
    assert "Quiz mode" in tools.explain.plain_text()
    tools.practice.choose("dE_total/dw5")
    tools.practice.reveal_all()  # revealed: shown again in the table and the derivation
    qtbot.waitUntil(lambda: window.parameters.table.text("w5", GRADIENT) == gradient)
    assert gradient in window.derivation.plain_text()
    assert window.parameters.table.text("w8", GRADIENT) == "?"  # the others stay hidden


def test_quiz_hides_the_new_weights_and_quiz_off_shows_all(qtbot, window, lecture_reference):
    tools = window.teaching
    for phase, then in (("forward", "backward"), ("backward", "update")):
        _press(qtbot, window, phase, then)
    tools.practice.set_quiz_mode(True)
    _press(qtbot, window, "update", "forward")
    new_w8 = format_value(lecture_reference["updated_weights_after_one_step"]["w8"])
    window.derivation.set_selection("weight", "w8")
    shown = _everything_shown(window)
    assert new_w8 not in shown
    assert window.parameters.table.text("w8", VALUE) == "?"
    assert window.parameters.table.text("w8", CHANGE) == "?"
    tools.practice.set_quiz_mode(False)
    qtbot.waitUntil(lambda: window.parameters.table.text("w8", VALUE) == new_w8)
    assert new_w8 in window.derivation.plain_text()
    assert new_w8 in tools.explain.plain_text()
