"""The Algorithm (delta rule) panel in the real window: the highlighted line follows the steps,
its numbers are the step's, and the convention switch shows both conventions' same w+."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from bpdesk.core.formatting import format_value
from bpdesk.gui.tools.registry import TOOLS

WAIT_MS = 15000  # the machine is shared: a press may wait its turn a while


@pytest.fixture
def window(open_window):
    return open_window("lecture")


def open_view(qtbot, window):
    view = window.teaching.tool_docks.show_view("algorithm")
    qtbot.waitUntil(lambda: view.reading() is not None)
    return view


def press(qtbot, window, view, kind: str):
    """One press through the window's guard, and the panel caught up with its snapshot."""
    before = window.snapshot.seq
    qtbot.waitUntil(lambda: window.request_step(kind), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: window.snapshot.seq > before and not window.snapshot.running, timeout=WAIT_MS
    )
    done = window.snapshot.trace.done
    qtbot.waitUntil(lambda: _done_shown(view) == done, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: view.reading().place.op is not None, timeout=WAIT_MS)
    return window.snapshot.trace


def _done_shown(view) -> int:
    snapshot = view._snapshot
    return -1 if snapshot is None else snapshot.trace.done


def test_the_panel_is_one_registry_entry_in_the_teach_menu_beside_the_derivation(qtbot, window):
    open_view(qtbot, window)
    specs = [spec for spec in TOOLS if spec.name == "algorithm"]
    assert len(specs) == 1 and specs[0].place == "derivation"
    titles = [action.text() for action in window.menu("&Teach").actions()]
    assert "Algorithm (delta rule)" in titles
    dock = window.teaching.tool_docks.docks["algorithm"]
    assert dock in window.tabifiedDockWidgets(window.derivation_dock)


def test_stepping_moves_the_highlight_and_binds_the_steps_numbers(qtbot, window):
    view = open_view(qtbot, window)
    assert view.highlighted_lines() == ("init",)
    trace = press(qtbot, window, view, "forward")
    assert view.highlighted_lines() == ("forward",)
    assert format_value(trace.E_total) in view.numbers_text()
    trace = press(qtbot, window, view, "neuron")  # δ of o1
    assert view.highlighted_lines() == ("output_delta",)
    o, t = trace.layers[1].out[0, 0], trace.targets[0, 0]
    delta = (o - t) * o * (1 - o)  # ∂E/∂net_o1 for a sigmoid and ½ (t − o)²
    assert format_value(delta) in view.numbers_text()
    marked = [line for line in view.code_text().splitlines() if line.startswith("▶")]
    assert len(marked) == 1 and "For each output" in marked[0]
    for _ in range(3):
        trace = press(qtbot, window, view, "neuron")
    assert view.highlighted_lines() == ("hidden_delta",)
    assert view.reading().place.neuron_name == "h2"
    assert format_value(trace.layers[0].delta[0, 1]) in view.numbers_text()
    press(qtbot, window, view, "neuron")  # the output layer's update
    assert view.highlighted_lines() == ("weight_change", "weight_update")
    text = view.numbers_text()
    assert "Both conventions give the same new weights" in text
    assert format_value(window.snapshot.values["w5"]) in text  # the weight as now updated
    press(qtbot, window, view, "neuron")
    assert view.reading().place.neuron_name == "h1, h2"
    assert format_value(window.snapshot.values["w1"]) in view.numbers_text()


def test_the_switch_writes_the_slides_convention_with_the_same_new_weights(qtbot, window):
    view = open_view(qtbot, window)
    press(qtbot, window, view, "forward")
    trace = press(qtbot, window, view, "neuron")
    delta = trace.layers[1].delta[0, 0]
    assert view.convention() == "example"
    example = view.numbers_text()
    assert (
        format_value(delta) in example
        and format_value(-delta) not in example.split("The slide's")[0]
    )
    qtbot.mouseClick(view.slide_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.reading().convention == "slide")
    slide = view.numbers_text()
    assert format_value(-delta) in slide.split("The worked example")[0]
    assert "δk = ok(1 − ok)(tk − ok)" in view.code_text()  # subscripts flattened
    press(qtbot, window, view, "backward")
    press(qtbot, window, view, "update")
    new = {name: format_value(window.snapshot.values[name]) for name in ("w1", "w2", "w3", "w4")}
    for convention in ("slide", "example"):
        view.set_convention(convention)
        qtbot.waitUntil(lambda c=convention: view.reading().convention == c)
        text = view.numbers_text()
        assert "Both conventions give the same new weights" in text
        assert all(value in text for value in new.values())
    with pytest.raises(ValueError):
        view.set_convention("sideways")


def test_the_text_follows_the_windows_text_size(qtbot, window):
    view = open_view(qtbot, window)
    size, scale = view._place.font().pointSizeF(), view.font_scale()
    assert scale == window.font_scale
    window.set_font_scale(2.0, remember=False)  # no snapshot comes: the panel follows anyway
    qtbot.waitUntil(lambda: view.font_scale() == 2.0)
    assert view._place.font().pointSizeF() == pytest.approx(size * 2.0 / scale)


def test_a_narrow_panel_puts_the_numbers_under_the_line(qtbot, window):
    view = open_view(qtbot, window)
    window.resize(1920, 1080)
    qtbot.waitUntil(view.is_side_by_side)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: not view.is_side_by_side())
    press(qtbot, window, view, "forward")
    press(qtbot, window, view, "neuron")
    assert view.highlighted_lines() == ("output_delta",)
    top = view._code_top.text()
    assert "For each output" in top and "For each hidden" not in top  # the numbers come next


def test_a_hidden_panel_draws_nothing_and_catches_up(qtbot, window):
    view = open_view(qtbot, window)
    window.teaching.tool_docks.docks["algorithm"].hide()
    renders = view.renders
    before = window.snapshot.seq
    assert window.request_step("forward")
    qtbot.waitUntil(lambda: window.snapshot.seq > before)
    qtbot.wait(150)
    assert view.renders == renders
    window.teaching.tool_docks.show_view("algorithm")
    qtbot.waitUntil(lambda: view.highlighted_lines() == ("forward",))


def test_a_run_another_preset_and_a_big_network_read_without_trouble(qtbot, window):
    messages = []
    window.show_message = messages.append  # a drawing failure would be reported here
    view = open_view(qtbot, window)
    before = window.snapshot.seq
    assert window.request_commands(["run:300"])
    qtbot.waitUntil(
        lambda: window.snapshot.seq > before and not window.snapshot.running, timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: view.highlighted_lines() in (("repeat",), ("sample",)), timeout=WAIT_MS)
    window.open_source("xor")
    qtbot.waitUntil(lambda: window.snapshot.spec.sizes == (2, 2, 1), timeout=WAIT_MS)
    press(qtbot, window, view, "forward")
    assert "4 samples" in view.numbers_text()
    window.open_source("digits1000")  # 64-16-10, batches of 20
    qtbot.waitUntil(lambda: window.snapshot.spec.sizes[0] == 64, timeout=WAIT_MS)
    trace = press(qtbot, window, view, "neuron")
    assert view.reading().place.neuron_name == trace.spec.neuron_names(1)[0]
    assert "(60 more)" in view.numbers_text()  # a sum of 64 terms, written out in part
    press(qtbot, window, view, "forward")
    press(qtbot, window, view, "backward")
    press(qtbot, window, view, "neuron")
    text = view.numbers_text()
    assert "160 weights" in text
    if window.snapshot.config.optimizer == "gd":
        assert "Both conventions give the same new weights" in text
    else:
        assert "plain gradient descent" in text
    assert len(view.reading().rows) <= 12
    assert not messages


def test_stepping_back_moves_the_highlight_back(qtbot, window):
    view = open_view(qtbot, window)
    press(qtbot, window, view, "forward")
    press(qtbot, window, view, "neuron")
    assert view.highlighted_lines() == ("output_delta",)
    before = window.snapshot.seq
    assert window.request_commands(["back"])
    qtbot.waitUntil(lambda: window.snapshot.seq > before, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: view.highlighted_lines() == ("forward",), timeout=WAIT_MS)
    assert "E_total" in view.plain_text() or "Etotal" in view.numbers_text()
    before = window.snapshot.seq
    assert window.request_commands(["reset"])
    qtbot.waitUntil(lambda: window.snapshot.seq > before, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: view.highlighted_lines() == ("init",), timeout=WAIT_MS)
