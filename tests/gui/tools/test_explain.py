"""The Explain panel narrates each step with the lecture's numbers, and only when visible."""

from __future__ import annotations

import pytest

import bpdesk.gui.tools.explain as explain
from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.tools.explain import ExplainPanel


def test_forward_neuron_is_narrated_with_numbers(qtbot, lecture_reference):
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.show()
    stepper = Stepper(get_preset("lecture").trainer())
    panel.show_snapshot(make_snapshot(stepper, seq=0))
    assert "Press F" in panel.plain_text()
    stepper.step_op()
    panel.show_snapshot(make_snapshot(stepper, seq=1))
    text = panel.plain_text()
    assert "h1 adds up its weighted inputs" in text
    assert (
        f"out_h1 = 1 / (1 + e^(−net_h1)) = {format_value(lecture_reference['forward']['out_h1'])}"
        in text
    )
    assert "h2" not in text.split("out_h1")[0]


def test_phase_narration_covers_only_the_new_sub_steps(qtbot):
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.show()
    stepper = Stepper(get_preset("lecture").trainer())
    stepper.step_phase("forward")
    panel.show_snapshot(make_snapshot(stepper, seq=1))
    stepper.step_phase("backward")
    panel.show_snapshot(make_snapshot(stepper, seq=2))
    text = panel.plain_text()
    assert "adds up its weighted" not in text  # the forward pass was narrated before
    assert "h1 feeds o1, o2" in text and "the changes add up" in text
    stepper.step_phase("update")
    panel.show_snapshot(make_snapshot(stepper, seq=3))
    assert "simultaneous update" in panel.plain_text()
    stepper.step_back()
    panel.show_snapshot(make_snapshot(stepper, seq=4))
    assert panel.plain_text().startswith("Stepped back")


def test_font_scale_grows_the_text(qtbot):
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    before = panel._text.font().pointSizeF()
    panel.set_font_scale(2.0)
    assert panel._text.font().pointSizeF() == 2 * before


def _counting_narrate(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the panel's narrate count its calls (and still narrate)."""
    calls: list[int] = []
    real = explain.narrate

    def counted(trace, since=0):
        calls.append(since)
        return real(trace, since)

    monkeypatch.setattr(explain, "narrate", counted)
    return calls


def test_a_hidden_panel_computes_nothing(qtbot, monkeypatch):
    calls = _counting_narrate(monkeypatch)
    panel = ExplainPanel()
    qtbot.addWidget(panel)  # never shown
    stepper = Stepper(get_preset("lecture").trainer())
    before = panel.plain_text()
    for seq, phase in enumerate(("forward", "backward", "update"), start=1):
        stepper.step_phase(phase)
        panel.show_snapshot(make_snapshot(stepper, seq=seq))
    assert calls == []
    assert panel.texts_written == 0
    assert panel.has_pending()
    # Asked for its text, it writes the latest press's (the update) and only that.
    text = panel.plain_text()
    assert text != before and "simultaneous update" in text
    assert "adds up its weighted" not in text
    assert len(calls) == 1 and not panel.has_pending()


def test_a_panel_shown_later_tells_the_latest_press_only(qtbot, monkeypatch):
    calls = _counting_narrate(monkeypatch)
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    stepper = Stepper(get_preset("lecture").trainer())
    panel.show_snapshot(make_snapshot(stepper, seq=0))
    stepper.step_phase("forward")
    panel.show_snapshot(make_snapshot(stepper, seq=1))
    forward_done = stepper.done
    stepper.step_phase("backward")
    panel.show_snapshot(make_snapshot(stepper, seq=2))
    assert calls == []
    panel.show()
    qtbot.waitUntil(lambda: not panel.has_pending())
    assert calls == [forward_done]  # narrated once, from where the backward press began
    text = panel.plain_text()
    assert "h1 feeds o1, o2" in text
    assert "adds up its weighted" not in text
    # Hidden again: a step back is noted, written when the panel is next shown.
    panel.hide()
    stepper.step_back()
    panel.show_snapshot(make_snapshot(stepper, seq=3))
    assert len(calls) == 1
    panel.show()
    qtbot.waitUntil(lambda: not panel.has_pending())
    assert panel.plain_text().startswith("Stepped back")


def test_a_visible_panel_writes_each_snapshot_at_once(qtbot):
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.show()
    stepper = Stepper(get_preset("lecture").trainer())
    stepper.step_phase("forward")
    panel.show_snapshot(make_snapshot(stepper, seq=1))
    assert not panel.has_pending()
    assert panel.texts_written == 1
    assert "E_total" in panel.plain_text()


def test_a_batch_is_told_with_true_arithmetic(qtbot):
    """XOR, batch of 4, F then B: sample 1's product, then the mean of the samples'
    products, and every printed a op b = c recomputes to its printed digits."""
    from dataclasses import replace

    from tests.core.teaching.arithmetic_check import check_text

    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.show()
    stepper = Stepper(get_preset("xor").trainer())
    stepper.set_config(replace(stepper.trainer.config, batch_size=4))
    for seq, phase in enumerate(("forward", "backward"), start=1):
        stepper.step_phase(phase)
        panel.show_snapshot(make_snapshot(stepper, seq=seq))
        report = check_text(panel.plain_text(), "prose", f"Explain after {phase}")
        assert not report.problems, report.problems
        assert report.chains >= 5
    text = panel.plain_text()
    hidden = stepper.trace().layers[0]
    delta, mean = format_value(hidden.delta[0, 1]), format_value(hidden.grad_w[0, 1])
    assert "A batch of 4 samples" in text
    assert f"{delta} × 0 = {mean}" not in text  # sample 1's factors, the batch's mean
    assert f"∂E_total/∂w3 (sample 1) = δ_h2 × i1 = {delta} × 0 = 0" in text
    assert f") / 4 = {mean}" in text
    assert "h2 feeds only o1" in text and "add up" not in text
