"""Presenter-remote keys through the real window: F5, Shift+F5, Esc, "." and F11; leaving
presentation mode gives back the desk exactly (docks, geometry, text size, theme)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QDockWidget

from bpdesk.app import create_window
from bpdesk.gui.tools.presentation import BLANK_KEYS

Key = Qt.Key


def open_canvas_editor(canvas, qtbot, name: str = "w5"):
    """Double-click on weight ``name`` on the canvas: its inline editor opens."""
    pos = canvas.mapFromScene(canvas.element_pos("weight", name))
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    editor = canvas.editor()
    assert editor is not None and editor.isVisible()
    return editor


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window("lecture", restore_layout=False)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.snapshot is not None)
    yield win
    win.shutdown()


def _key(qtbot, win, key, modifier=Qt.KeyboardModifier.NoModifier):
    win.activateWindow()
    qtbot.keyClick(win, key, modifier)
    QApplication.processEvents()


def test_remote_keys_do_not_clash_with_bpdesks_own(window):
    """Every shortcut of the window and its tools is one key for one action."""
    owners: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            owners.setdefault(text, []).append(action.objectName())
    clashes = {}
    for key, names in owners.items():
        # Run and Pause share Space on purpose: only one of them is enabled at a time.
        if sorted(set(names)) != ["action_pause", "action_run"] and len(set(names)) > 1:
            clashes[key] = names
    assert clashes == {}
    for key in ("F5", "Shift+F5", "Esc", *BLANK_KEYS, "F11", "PgDown", "PgUp"):
        assert key in owners, key


def test_f5_shift_f5_esc_and_f11(qtbot, window):
    tools = window.teaching
    _key(qtbot, window, Key.Key_F5)
    assert tools.presenting and window.isFullScreen()
    _key(qtbot, window, Key.Key_Escape)
    assert not tools.presenting and not window.isFullScreen()
    _key(qtbot, window, Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert tools.presenting
    _key(qtbot, window, Key.Key_F11)
    assert not tools.presenting
    _key(qtbot, window, Key.Key_F11)
    assert tools.presenting
    _key(qtbot, window, Key.Key_Escape)
    assert not tools.presenting


def test_esc_does_nothing_on_the_desk(qtbot, window):
    """Not presenting, Esc leaves nothing and starts nothing (it stays the dialogs' key)."""
    geometry = window.geometry()
    state = window.saveState()
    _key(qtbot, window, Key.Key_Escape)
    assert not window.teaching.presenting
    assert window.geometry() == geometry and window.saveState() == state
    assert not window.teaching.presentation.action_leave.isEnabled()


def test_shift_f5_keeps_the_state_f5_goes_to_slide_one(qtbot, window):
    tools = window.teaching
    tools._open_lecture_lesson()
    qtbot.waitUntil(lambda: tools.lesson is not None)
    for _ in range(2):
        qtbot.waitUntil(lambda: not window.step_in_flight, timeout=5000)
        done = window.snapshot.trace.done
        assert tools.next_slide()
        qtbot.waitUntil(lambda d=done: window.snapshot.trace.done > d, timeout=5000)
    assert tools.slide == 2
    done = window.snapshot.trace.done
    _key(qtbot, window, Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert tools.presenting and tools.slide == 2 and window.snapshot.trace.done == done
    _key(qtbot, window, Key.Key_Escape)
    _key(qtbot, window, Key.Key_F5)
    assert tools.presenting
    assert tools.slide == 0 and tools.lesson_bar.counter().startswith("1 /")
    # Slide 1's state, rebuilt: what slide 1 computes and nothing of slides 2 and 3.
    first = tools.lesson.play(0)
    qtbot.waitUntil(lambda: window.snapshot.trace.done == first.trace().done, timeout=5000)
    assert window.snapshot.phase == first.next_phase


def test_esc_closes_the_canvas_editor_and_stays_presenting(qtbot, window):
    tools = window.teaching
    _key(qtbot, window, Key.Key_F5)
    editor = open_canvas_editor(window.canvas, qtbot)
    assert editor.hasFocus() or QApplication.focusWidget() is editor
    qtbot.keyClick(editor, Key.Key_Escape)
    assert window.canvas.editor() is None  # the edit cancelled …
    assert tools.presenting  # … and presentation goes on
    _key(qtbot, window, Key.Key_Escape)
    assert not tools.presenting


def test_esc_closes_a_dialog_while_presenting_and_stays_presenting(qtbot, window):
    _key(qtbot, window, Key.Key_F5)
    dialog = QDialog(window)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    qtbot.keyClick(dialog, Key.Key_Escape)
    assert window.teaching.presenting
    assert not dialog.isVisible()


def test_f5_while_presenting_goes_back_to_slide_one(qtbot, window):
    tools = window.teaching
    tools._open_lecture_lesson()
    qtbot.waitUntil(lambda: tools.lesson is not None and not window.step_in_flight, timeout=5000)
    _key(qtbot, window, Key.Key_F5)
    qtbot.waitUntil(lambda: not window.step_in_flight, timeout=5000)
    assert tools.next_slide() and tools.slide == 1
    qtbot.waitUntil(lambda: not window.step_in_flight, timeout=5000)
    _key(qtbot, window, Key.Key_F5)
    assert tools.presenting and tools.slide == 0


def test_esc_on_the_desk_still_cancels_the_canvas_editor(qtbot, window):
    editor = open_canvas_editor(window.canvas, qtbot)
    qtbot.keyClick(editor, Key.Key_Escape)
    assert window.canvas.editor() is None


def _all_black(image) -> bool:
    step = max(1, image.width() // 40)
    return all(
        image.pixelColor(x, y).rgb() & 0xFFFFFF == 0
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), max(1, image.height() // 40))
    )


@pytest.mark.parametrize(
    "restore", [Key.Key_Space, Key.Key_PageDown, Key.Key_F5, Key.Key_Escape, Key.Key_B, "click"]
)
def test_period_blanks_the_window_and_any_key_or_click_restores(qtbot, window, restore):
    tools = window.teaching
    _key(qtbot, window, Key.Key_F5)
    blank = tools.presentation.blank_screen
    done = window.snapshot.trace.done
    _key(qtbot, window, Key.Key_Period)
    assert blank.isVisible() and blank.geometry() == window.rect()
    assert _all_black(window.grab().toImage())
    if restore == "click":
        qtbot.mouseClick(blank, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    else:
        qtbot.keyClick(blank, restore)
    assert not blank.isVisible()
    assert tools.presenting  # the key only brought the picture back …
    qtbot.wait(100)
    assert window.snapshot.trace.done == done and not window.running  # … and did not step
    assert not _all_black(window.grab().toImage())
    _key(qtbot, window, Key.Key_PageDown)  # now it steps
    qtbot.waitUntil(lambda: window.snapshot.trace.done > done, timeout=5000)


def test_blank_follows_a_new_window_size(qtbot, window):
    blank = window.teaching.presentation.blank_screen
    _key(qtbot, window, Key.Key_Period)
    window.resize(900, 700)
    qtbot.waitUntil(lambda: blank.geometry() == window.rect())
    _key(qtbot, window, Key.Key_Escape)
    assert not blank.isVisible()


def _settled(qtbot, window) -> bytes:
    """The dock layout once the desk stopped rearranging itself for the new window size."""

    def still() -> bool:
        now = bytes(window.saveState())
        qtbot.wait(100)
        return bytes(window.saveState()) == now

    qtbot.waitUntil(still, timeout=5000)
    return bytes(window.saveState())


def _desk(window):
    return (bytes(window.saveState()), window.geometry(), window.isMaximized(), window.font_scale)


def test_round_trip_leaves_the_desk_exactly(qtbot, window):
    tools = window.teaching
    # A desk of one's own: the parameters hidden, Explain floated out of its tab bar.
    window.parameters_dock.hide()
    window.removeDockWidget(tools.explain_dock)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, tools.explain_dock)
    tools.explain_dock.show()
    window.set_font_scale(1.25)
    window.move(30, 40)
    _settled(qtbot, window)
    before = _desk(window)
    dark = window.commands.dark_theme.isChecked()
    _key(qtbot, window, Key.Key_F5)
    assert window.geometry() == window.screen().geometry()
    tools.presentation.set_scale(2.0)
    tools.action_contrast.setChecked(True)
    window.commands.dark_theme.setChecked(not dark)
    tools.show_view("landscape")  # a view opened while presenting
    _key(qtbot, window, Key.Key_Escape)
    qtbot.wait(50)
    assert _desk(window) == before
    assert window.commands.dark_theme.isChecked() == dark
    assert not tools.action_contrast.isChecked()
    assert not window.parameters_dock.isVisible() and tools.explain_dock.isVisible()
    assert not tools.landscape_dock.isVisible()
    assert all(d.titleBarWidget() is None for d in window.findChildren(QDockWidget))
    # Next time: what was shown while presenting comes back, the desk again after.
    _key(qtbot, window, Key.Key_F5)
    assert window.font_scale == 2.0 and tools.action_contrast.isChecked()
    assert tools.landscape_dock.toggleViewAction().isChecked()
    _key(qtbot, window, Key.Key_Escape)
    qtbot.wait(50)
    assert _desk(window) == before and not tools.action_contrast.isChecked()
    window.set_font_scale(1.0)


def test_round_trip_keeps_a_maximised_window_maximised(qtbot, window):
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized)
    state = _settled(qtbot, window)
    _key(qtbot, window, Key.Key_F5)
    assert window.isFullScreen()
    _key(qtbot, window, Key.Key_Escape)
    qtbot.waitUntil(lambda: window.isMaximized() and bytes(window.saveState()) == state)
    assert not window.isFullScreen()
