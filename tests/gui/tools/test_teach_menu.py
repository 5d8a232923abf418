"""The teaching tools in the real window: Explain, lesson slides, presentation mode, analysis."""

from __future__ import annotations

import pytest

from bpdesk.app import create_window
from bpdesk.core.formatting import format_value
from bpdesk.gui.views.derivation_panel import is_seen


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window("lecture", restore_layout=False)
    tools = win.teaching
    qtbot.addWidget(win)
    win.resize(1600, 900)
    win.show()
    yield win
    win.shutdown()
    assert tools.analysis.pool._shutdown


def _wait_snapshot(qtbot, win, condition, timeout=5000):
    qtbot.waitUntil(lambda: win.snapshot is not None and condition(win.snapshot), timeout=timeout)


def test_explain_panel_narrates_the_forward_pass(qtbot, window, lecture_reference):
    window.request_step("forward")
    _wait_snapshot(qtbot, window, lambda s: s.phase == "backward")
    qtbot.waitUntil(lambda: "adds up" in window.teaching.explain.plain_text())
    text = window.teaching.explain.plain_text()
    assert format_value(lecture_reference["forward"]["out_h1"]) in text
    assert format_value(lecture_reference["forward"]["E_total"]) in text


def test_lesson_steps_forward_and_back(qtbot, window):
    tools = window.teaching
    tools._open_lecture_lesson()
    assert tools.lesson_bar.counter() == "1 / 7"
    for expected_done in (4, 5, 7):
        tools.next_slide()
        _wait_snapshot(qtbot, window, lambda s, d=expected_done: s.trace.done == d)
    assert "Backward pass: the output layer" in tools.lesson_bar._title.text()
    tools.previous_slide()
    _wait_snapshot(qtbot, window, lambda s: s.trace.done == 5 and s.phase == "backward")
    assert tools.lesson_bar.counter() == "3 / 7"
    tools.action_next.trigger()  # Page Down moves the lesson on
    _wait_snapshot(qtbot, window, lambda s: s.trace.done == 7)


def test_page_down_steps_the_next_phase_without_a_lesson(qtbot, window):
    _wait_snapshot(qtbot, window, lambda s: s.phase == "forward")
    window.teaching.action_next.trigger()
    _wait_snapshot(qtbot, window, lambda s: s.phase == "backward")
    window.teaching.action_previous.trigger()
    _wait_snapshot(qtbot, window, lambda s: s.phase == "forward" and s.trace.done == 0)


def test_presentation_mode_scales_text_and_hides_side_panels(qtbot, window):
    tools = window.teaching
    before = window.font_scale
    tools.action_presentation.trigger()
    assert tools.presenting
    assert window.font_scale == tools.presentation_scale != before
    assert not window.parameters_dock.isVisible()
    assert window.derivation_dock.isVisible() or window.teaching.explain_dock.isVisible()
    tools.action_presentation.trigger()
    assert not tools.presenting and window.font_scale == before
    assert window.parameters_dock.isVisible()


def test_landscape_is_computed_off_the_gui_thread(qtbot, window):
    tools = window.teaching
    _wait_snapshot(qtbot, window, lambda s: True)
    tools.landscape_dock.toggleViewAction().trigger()
    received = []
    original = tools.landscape.show_landscape
    tools.landscape.show_landscape = lambda grid: (received.append(grid), original(grid))
    tools.landscape.landscape_requested.emit("w5", "w6", 1.0, 21)
    qtbot.waitUntil(lambda: bool(received), timeout=10000)
    grid = received[0]
    assert grid.errors.shape == (21, 21)
    assert grid.errors[10, 10] == pytest.approx(0.298371109, abs=1e-8)
    assert tools.landscape.contour_count() > 0


def test_the_window_landscape_reports_progress_and_cancel_stops_it(qtbot, window):
    tools = window.teaching
    window.open_source("digits")  # its 61 x 61 landscape takes seconds
    _wait_snapshot(qtbot, window, lambda s: s.spec.sizes[0] == 64, timeout=20000)
    tools.landscape_dock.toggleViewAction().trigger()
    view = tools.landscape
    progress: list[tuple[int, int]] = []
    cancelled: list[bool] = []
    tools.analysis.landscape_progress.connect(lambda done, total: progress.append((done, total)))
    tools.analysis.landscape_cancelled.connect(lambda: cancelled.append(True))
    view.set_grid(2.0, 61)
    view.request_landscape()
    qtbot.waitUntil(lambda: bool(progress), timeout=15000)
    assert view.progress_value()[0] > 0  # the bar follows the worker's reports
    view.cancel_requested.emit()  # as the Cancel button does
    qtbot.waitUntil(lambda: bool(cancelled), timeout=15000)
    done, total = progress[-1]
    assert total == 61 * 61 and done < total


def test_decision_map_reaches_the_boundary_view(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window("moons", restore_layout=False)
    tools = win.teaching
    qtbot.addWidget(win)
    win.show()
    try:
        tools.boundary_dock.toggleViewAction().trigger()  # as the Teach menu does
        assert tools.boundary_dock.isVisible()
        win.request_step("full")
        qtbot.waitUntil(lambda: tools._map is not None, timeout=10000)
        qtbot.waitUntil(lambda: tools.boundary.point_counts()[0] > 0, timeout=5000)
        train, test = tools.boundary.point_counts()
        assert train == 150 and test == 50
    finally:
        win.shutdown()


def test_quiz_mode_in_practice_hides_values_on_the_canvas(qtbot, window):
    tools = window.teaching
    tools.practice.set_quiz_mode(True)
    window.request_step("forward")
    _wait_snapshot(qtbot, window, lambda s: s.phase == "backward")
    qtbot.waitUntil(lambda: "out = ?" in window.canvas.label_texts()["neuron:o1"], timeout=5000)
    tools.practice.set_quiz_mode(False)
    assert "out = 0.75136507" in window.canvas.label_texts()["neuron:o1"]


def test_a_tools_step_request_is_refused_by_the_windows_guard(qtbot, window):
    """Page Down, Page Up and a lesson's slide go through the window's guard: while the
    answer to a step is awaited, the phase the window shows is not the next one any more,
    and the tools' requests are refused (nothing reaches the worker)."""
    _wait_snapshot(qtbot, window, lambda s: s.phase == "forward")
    tools = window.teaching
    sent: list[str] = []
    window.link.step_requested.connect(sent.append)
    window.link.step_back_requested.connect(lambda: sent.append("back"))
    assert window.request_step("forward")
    assert window.snapshot.phase == "forward" and window.step_in_flight
    tools.action_next.trigger()  # would ask for "forward" again
    tools.action_previous.trigger()
    assert sent == ["forward"]
    qtbot.waitUntil(lambda: window.snapshot.phase == "backward" and not window.step_in_flight)
    tools.action_next.trigger()  # now the phase shown is the next one: accepted
    assert sent == ["forward", "backward"]
    qtbot.waitUntil(lambda: window.snapshot.phase == "update" and not window.step_in_flight)


def test_a_lesson_slide_is_refused_during_a_run(qtbot, window):
    tools = window.teaching
    _wait_snapshot(qtbot, window, lambda s: True)
    before = window.snapshot.seq
    tools._open_lecture_lesson()
    # The lesson's own first snapshot (not the one from before it opened: a run asked for
    # while the lesson is still being opened is ended by the opening).
    _wait_snapshot(qtbot, window, lambda s: s.seq > before and s.trace.done == 0)
    qtbot.waitUntil(lambda: not window.step_in_flight, timeout=5000)
    with qtbot.waitSignal(window.run_state_shown, timeout=5000):
        assert window.run(0)
    assert not tools.next_slide()
    assert tools.slide == 0 and tools.lesson_bar.counter() == "1 / 7"
    with qtbot.waitSignal(window.run_state_shown, timeout=5000):
        window.pause()
    qtbot.waitUntil(lambda: not window.running and not window.snapshot.running, timeout=5000)
    assert tools.next_slide()
    assert tools.lesson_bar.counter() == "2 / 7"


def test_hidden_teaching_panels_wait_and_catch_up_when_shown(qtbot, window):
    tools = window.teaching
    window.parameters_dock.raise_()
    window.derivation_dock.raise_()
    qtbot.waitUntil(lambda: is_seen(window.derivation) and is_seen(window.parameters))
    assert not is_seen(tools.practice_dock)  # behind the parameters' tab
    assert not is_seen(tools.explain_dock)  # behind the derivation's tab
    given = tools.practice._snapshot
    written = tools.explain.texts_written
    window.request_step("forward")
    _wait_snapshot(qtbot, window, lambda s: s.phase == "backward")
    assert tools.practice._snapshot is given  # the hidden practice panel was not given it
    assert tools.explain.texts_written == written  # the hidden Explain wrote nothing
    assert tools.explain.has_pending()
    tools.practice_dock.raise_()
    qtbot.waitUntil(lambda: tools.practice._snapshot is window.snapshot)
    tools.explain_dock.raise_()
    qtbot.waitUntil(lambda: not tools.explain.has_pending())
    assert tools.explain.texts_written == written + 1
    assert "adds up" in tools.explain._text.toPlainText()


def test_the_derivation_behind_the_explain_tab_waits_and_catches_up(qtbot, window):
    tools = window.teaching
    window.parameters_dock.raise_()
    qtbot.waitUntil(lambda: is_seen(window.parameters))
    given = tools.practice._snapshot
    tools.explain_dock.raise_()
    qtbot.waitUntil(lambda: is_seen(tools.explain) and not is_seen(window.derivation))
    qtbot.wait(20)
    assert tools.practice._snapshot is given  # behind the parameters: not caught up
    renders = window.derivation.renders
    window.request_step("forward")
    _wait_snapshot(qtbot, window, lambda s: s.phase == "backward")
    qtbot.waitUntil(lambda: "adds up" in tools.explain._text.toPlainText())  # Explain, seen
    assert window.derivation.renders == renders and window.derivation.is_stale()
    window.derivation_dock.raise_()
    qtbot.waitUntil(lambda: not window.derivation.is_stale())
    assert window.derivation.renders == renders + 1
    assert "w5" in window.derivation.plain_text()


def test_the_plot_views_are_built_while_idle_and_then_only_shown(qtbot, window):
    tools = window.teaching
    assert tools._boundary is None or tools._landscape is None or tools._comparison is None
    qtbot.waitUntil(
        lambda: None not in (tools._boundary, tools._landscape, tools._comparison), timeout=15000
    )
    assert not tools.boundary_dock.isVisible()  # built, not shown
    built = tools._landscape
    tools.landscape_dock.toggleViewAction().trigger()
    qtbot.waitUntil(tools.landscape_dock.isVisible)
    assert tools.landscape is built  # the same view, now shown


def test_teach_menu_brings_a_panel_behind_a_tab_to_the_front(qtbot, window):
    """Explain and Practice open as tabs: their menu entry shows them, it never hides a
    panel the user cannot see; chosen again while in front, it closes it."""
    tools = window.teaching
    entries = {a.text(): a for a in window.menu("&Teach").actions()}
    for dock in (tools.explain_dock, tools.practice_dock):
        dock.show()
        window.derivation_dock.raise_()
        window.parameters_dock.raise_()
        qtbot.waitUntil(lambda d=dock: not is_seen(d))
        entries[dock.windowTitle()].trigger()
        qtbot.waitUntil(lambda d=dock: is_seen(d))
        assert entries[dock.windowTitle()].isChecked()
        entries[dock.windowTitle()].trigger()
        assert not dock.isVisible() and not entries[dock.windowTitle()].isChecked()
