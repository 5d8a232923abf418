"""Teach ▸ Gradient descent on one weight, through the real window: the curve is the network's
error along the parameter, the tangent's slope a finite difference, the presets do what they
say, the table's |Δθ| are the steps drawn, and the view follows the live network."""

from __future__ import annotations

import numpy as np
import pytest

from bpdesk.core.engine.network import Network
from bpdesk.core.teaching.descent import SATURATION_NOTE, VERDICTS
from bpdesk.gui.tools.descent_view import DescentView
from bpdesk.gui.tools.descent_view import view as view_module

TIMEOUT = 10000


@pytest.fixture
def window(open_window):
    return open_window("lecture")


def open_view(qtbot, window) -> DescentView:
    view = window.teaching.tool_docks.show_view("descent")
    assert isinstance(view, DescentView)
    qtbot.waitUntil(lambda: view.result() is not None, timeout=TIMEOUT)
    return view


def settle(qtbot, view: DescentView) -> None:
    """Wait until no request is waiting or being worked out."""
    qtbot.waitUntil(
        lambda: not view.jobs.pending and not view._ask_timer.isActive(), timeout=TIMEOUT
    )


def error_with(window, name: str, value: float) -> float:
    snapshot = window.snapshot
    network = Network.from_values(snapshot.spec, snapshot.values)
    network.set(name, value)
    return network.error(snapshot.inputs, snapshot.targets)


def table_column(view: DescentView, column: int) -> list[str]:
    return [view.table.item(row, column).text() for row in range(view.table.rowCount())]


def test_the_teach_menu_opens_the_curve_of_the_output_bias(qtbot, window):
    titles = [a.text() for a in window.menu("&Teach").actions()]
    assert "Gradient descent on one weight" in titles
    view = open_view(qtbot, window)
    result = view.result()
    assert view.parameter.currentText() == "b2" == result.curve.name
    assert result.current == window.snapshot.values["b2"] == result.curve.steps.thetas[0]
    curve = result.curve
    for k in range(0, curve.thetas.size, 50):
        assert curve.errors[k] == pytest.approx(
            error_with(window, "b2", curve.thetas[k]), rel=1e-11
        )
    theta, error, slope = curve.tangent(0)
    h = 1e-6
    numeric = (error_with(window, "b2", theta + h) - error_with(window, "b2", theta - h)) / (2 * h)
    assert slope == pytest.approx(numeric, rel=1e-6)
    assert error == pytest.approx(error_with(window, "b2", theta), rel=1e-12)
    assert slope > 0 and "> 0" in view.slope_text.text() and "to the left" in view.slope_text.text()
    assert "α" in view.alpha_note.text() and "η" in view.alpha_note.text()
    assert "b2 is a bias" in view.alpha_note.text()
    # The first picture uses the "good" preset: steps that reach the minimum, shrinking.
    assert result.request.preset == "good" and result.curve.steps.verdict == "converged"
    assert view.eta.value() == pytest.approx(result.eta, rel=1e-5)


def test_each_preset_teaches_its_lesson(qtbot, window):
    view = open_view(qtbot, window)
    expected = {"too small": "slow", "good": "converged", "too large": "overshoot"}
    for preset, verdict in expected.items():
        view.preset_buttons[preset].click()
        settle(qtbot, view)
        result = view.result()
        assert result.request.preset == preset
        assert result.curve.steps.verdict == verdict
        assert VERDICTS[verdict] in view.verdict.text()
        assert view.eta.value() == pytest.approx(result.eta, rel=1e-5)
    # good: the steps shrink near the minimum, as the table shows
    view.preset_buttons["good"].click()
    settle(qtbot, view)
    thetas = [float(t.replace("−", "-")) for t in table_column(view, 1)]
    sizes = [float(t.replace("−", "-")) for t in table_column(view, 5)[:-1]]
    np.testing.assert_allclose(sizes, np.abs(np.diff(thetas)), rtol=1e-4, atol=1e-6)
    shown = [s for s in sizes if s > 1e-5]
    assert shown == sorted(shown, reverse=True) and shown[0] > 100 * sizes[-1]


def test_diverging_moves_to_the_linear_neuron_and_says_why_the_sigmoid_does_not(qtbot, window):
    view = open_view(qtbot, window)
    view.preset_buttons["diverging"].click()
    settle(qtbot, view)
    result = view.result()
    assert view.source.currentData() == "linear" and result.request.source == "linear"
    assert result.curve.steps.diverged
    distances = np.abs(result.curve.steps.thetas - 1.5)
    assert np.all(np.diff(distances) > 0)  # farther from the minimum after every jump
    assert SATURATION_NOTE in view.verdict.text()
    view.choose("network", "b2")
    view.preset_buttons["huge"].click()
    settle(qtbot, view)
    steps = view.result().curve.steps
    assert steps.verdict == "stalled" and np.isfinite(steps.thetas).all()
    assert SATURATION_NOTE in view.verdict.text()


def test_the_tangent_follows_the_chosen_step(qtbot, window):
    view = open_view(qtbot, window)
    view.preset_buttons["too large"].click()
    settle(qtbot, view)
    steps = view.result().curve.steps
    view.slider.setValue(1)
    assert steps.slopes[1] < 0  # it jumped over the minimum
    assert "< 0" in view.slope_text.text() and "to the right" in view.slope_text.text()
    px, py = view.plot.point_item.getData()
    assert (px[0], py[0]) == pytest.approx((steps.thetas[1], steps.errors[1]))
    tx, ty = view.plot.tangent_item.getData()
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(steps.slopes[1])
    view.table.selectRow(3)
    assert view.slider.value() == 3


def test_the_curve_follows_the_live_network(qtbot, window):
    view = open_view(qtbot, window)
    view.choose("network", "w5")  # the lecture holds its biases fixed: b2 would not move
    settle(qtbot, view)
    before = view.result().current
    assert window.request_step("full")
    qtbot.waitUntil(lambda: window.snapshot.iteration == 1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: view.result().current != before, timeout=TIMEOUT)
    settle(qtbot, view)
    assert view.result().current == window.snapshot.values["w5"]
    assert view.start.value() == pytest.approx(window.snapshot.values["w5"], abs=1e-4)
    asked = []
    submit = view.jobs.submit
    view.jobs.submit = lambda request, snapshot: (asked.append(snapshot), submit(request, snapshot))
    assert window.run_iterations(300)
    qtbot.waitUntil(
        lambda: window.snapshot.iteration >= 301 and not window.snapshot.running, timeout=TIMEOUT
    )
    qtbot.waitUntil(lambda: view.result().current == window.snapshot.values["w5"], timeout=TIMEOUT)
    assert asked and not any(s.running for s in asked)  # nothing worked out mid-run
    view.start_at_zero()
    settle(qtbot, view)
    assert view.result().curve.steps.thetas[0] == 0.0


def test_a_hostile_user_switching_fast_gets_the_last_choice(qtbot, window):
    view = open_view(qtbot, window)
    for name in ("w1", "w8", "b1", "w5"):
        view.choose("network", name)
        view.preset_buttons["too large"].click()
        view.steps.setValue(200)
    view.eta.setValue(-5)  # the box refuses what is not a learning rate
    assert view.eta.value() > 0
    settle(qtbot, view)
    result = view.result()
    assert result.curve.name == "w5" and result.request.steps == 200
    assert np.isfinite(result.curve.errors).all()
    view.choose("network", "w2")
    view._on_cancel()
    settle(qtbot, view)
    assert view.result().curve.name == "w5"  # a cancelled answer changes nothing
    with pytest.raises(ValueError):
        view.choose("network", "w99")


def test_another_network_refills_the_parameters(qtbot, window):
    view = open_view(qtbot, window)
    window.open_source("xor")
    qtbot.waitUntil(
        lambda: (
            window.snapshot.dataset_name != ""
            and view.parameter.count() > 0
            and view.parameter.count() == len(window.snapshot.spec.parameter_names)
        ),
        timeout=TIMEOUT,
    )
    settle(qtbot, view)
    assert view.result().curve.name == view.parameter.currentText()


def test_font_scale_and_screenshots(qtbot, window, tmp_path):
    view = open_view(qtbot, window)
    view.set_font_scale(2.0)
    assert view.font().pointSizeF() == pytest.approx(24.0)
    for size in ((1920, 1080), (1024, 768)):
        window.resize(*size)
        qtbot.wait(100)
        path = tmp_path / f"descent_{size[0]}.png"
        assert window.grab().save(str(path)) and path.stat().st_size > 10_000


def test_a_loss_without_a_ceiling_really_diverges_and_is_told_so(qtbot, window):
    view = open_view(qtbot, window)
    window.open_source("digits1000")  # softmax outputs, cross-entropy: E can grow without end
    qtbot.waitUntil(lambda: window.snapshot.spec.sizes[0] == 64, timeout=30000)
    qtbot.waitUntil(lambda: view.parameter.currentText() == "b_o1", timeout=TIMEOUT)
    settle(qtbot, view)
    view.preset_buttons["huge"].click()
    qtbot.waitUntil(lambda: view.result().request.preset == "huge", timeout=30000)
    assert view.result().curve.steps.verdict == "diverged"
    assert view_module.UNBOUNDED_NOTE in view.verdict.text()
    assert SATURATION_NOTE not in view.verdict.text()


def test_the_views_follow_the_window_text_size(qtbot, window):
    view = open_view(qtbot, window)
    window.set_font_scale(1.5, remember=False)
    window.request_step("forward")  # the next snapshot brings the new size along
    qtbot.waitUntil(lambda: view.font().pointSizeF() == pytest.approx(18.0), timeout=TIMEOUT)
    window.teaching.landscape_dock.toggleViewAction().trigger()
    landscape = window.teaching.landscape
    qtbot.waitUntil(lambda: landscape.font().pointSizeF() == pytest.approx(18.0), timeout=TIMEOUT)
