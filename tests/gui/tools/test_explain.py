"""The Explain panel narrates each step with the lecture's numbers."""

from __future__ import annotations

from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.tools.explain import ExplainPanel


def test_forward_neuron_is_narrated_with_numbers(qtbot, lecture_reference):
    panel = ExplainPanel()
    qtbot.addWidget(panel)
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
