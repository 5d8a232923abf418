"""With weight decay λ > 0 the derivation shows ∂E/∂w + λ·w where it prints a weight's update,
its arithmetic right to the printed digits; biases are shown without λ."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.derivation import derive

from .arithmetic_check import check_text


def _stepped(**changes: object) -> Stepper:
    stepper = Stepper(get_preset("lecture").trainer())
    config = replace(stepper.trainer.config, train_biases=True, weight_decay=0.05, **changes)
    stepper.set_config(config)
    stepper.full_step()
    return stepper


@pytest.mark.parametrize("changes", [{}, {"momentum": 0.9}, {"update_order": "sequential"}])
def test_the_update_of_a_decayed_weight_shows_lambda_and_adds_up(changes):
    stepper = _stepped(**changes)
    trace = stepper.trace()
    for name in ("w1", "w5", "w8"):
        text = derive(trace, "weight", name).to_text()
        assert "λ = 0.05" in text and f"λ·{name}" in text
        report = check_text(text, "text", name)
        assert report.problems == [] and report.unread == [], report
        assert report.relations >= 3
    bias = derive(trace, "bias", "b1").to_text()
    assert "λ" not in bias
    assert check_text(bias, "text", "b1").problems == []


def test_without_decay_nothing_about_lambda_is_printed():
    stepper = Stepper(get_preset("lecture").trainer())
    stepper.full_step()
    assert "λ" not in derive(stepper.trace(), "weight", "w5").to_text()


def test_narration_and_the_worked_example_name_the_decay_and_add_up():
    from bpdesk.core.teaching.export import render
    from bpdesk.core.teaching.narration import narrate
    from bpdesk.core.teaching.worked_example import worked_example

    trace = _stepped().trace()
    told = narrate(trace)
    assert "weight decay λ = 0.05" in told
    told_report = check_text(told, "prose", "narration")
    assert told_report.problems == [] and told_report.relations > 0
    handout = render(worked_example(trace, "decay"), "markdown")
    assert "Weight decay λ = 0.05" in handout
    report = check_text(handout, "markdown", "handout")
    assert report.problems == [] and report.relations > 0
