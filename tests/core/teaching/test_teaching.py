"""Narration, practice answers, the error landscape, decision maps, step commands and lessons."""

from __future__ import annotations

import numpy as np
import pytest

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.errors import ConfigError, SessionError
from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.steps import apply_command, parse_commands
from bpdesk.core.teaching.landscape import error_grid, output_grid
from bpdesk.core.teaching.lesson import load_lesson
from bpdesk.core.teaching.narration import narrate
from bpdesk.core.teaching.practice import judge
from bpdesk.resources import resource_path


def _lecture() -> Stepper:
    return Stepper(get_preset("lecture").trainer())


def test_narration_of_the_forward_pass_uses_the_lecture_numbers(lecture_reference):
    stepper = _lecture()
    text = narrate(stepper.step_op())
    fwd = lecture_reference["forward"]
    assert "net_h1 = w1·i1 + w2·i2 + b1·1" in text
    assert f"= {format_value(fwd['net_h1'])};" in text
    assert f"out_h1 = 1 / (1 + e^(−net_h1)) = {format_value(fwd['out_h1'])}" in text


def test_narration_explains_the_hidden_sum_and_the_simultaneous_update(lecture_reference):
    stepper = _lecture()
    stepper.step_phase("forward")
    before = stepper.done
    hidden = lecture_reference["backward_hidden_layer"]
    text = narrate(stepper.step_phase("backward"), since=before)
    assert "h1 feeds o1, o2" in text and "the changes add up" in text
    assert (
        "∂E_total/∂out_h1 = ∂E_o1/∂out_h1 + ∂E_o2/∂out_h1 = "
        f"{format_value(hidden['dE_o1/dout_h1'])}" in text
    )
    assert f"= {format_value(hidden['dE_total/dout_h1'])}" in text
    text = narrate(stepper.step_phase("update"), since=stepper.ops.index(stepper.ops[-2]))
    assert "w5+ = 0.4 − 0.5 × 0.082167041 = 0.35891648" in text
    assert "old weights before any weight changed" in text and "biases stay fixed" in text


@pytest.mark.parametrize(
    ("answer", "correct", "words"),
    [
        ("0.561370121", True, "Right"),
        ("0,561370121", True, "Right"),
        ("0.5614", True, "4 significant digits you typed"),
        ("5.614e-1", True, "4 significant digits you typed"),
        ("0.56137", True, "5 significant digits you typed"),
        ("0.561370122", True, "Right: w8+ = 0.561370121"),  # the lecture's rounding, last digit
        ("0.5613", False, "round the last digit"),  # cut off, not rounded
        ("0.5615", False, "Close"),
        ("0.56", False, "at least 4 significant digits"),  # right as far as it goes: too rough
        ("0.6", False, "too rough"),
        ("0.7", False, "Not right"),
        ("-0.5614", False, "Not right"),
        ("abc", False, "not a number"),
    ],
)
def test_practice_judges_the_home_task_w8(lecture_reference, answer, correct, words):
    true = _lecture().full_step().named_values()["w8+"]
    assert true == pytest.approx(
        lecture_reference["updated_weights_after_one_step"]["w8"], abs=1e-8
    )
    verdict = judge("w8+", answer, true)
    assert verdict.correct is correct and words in verdict.message


def test_practice_refuses_a_value_not_computed_yet():
    verdict = judge("w8+", "0.56", _lecture().trace().named_values()["w8+"])
    assert not verdict.correct and "not been computed" in verdict.message


def test_landscape_is_the_error_at_each_grid_point():
    preset = get_preset("lecture")
    grid = error_grid(preset.network, preset.inputs, preset.targets, "w5", "w8", span=0.5, size=7)
    assert grid.errors.shape == (7, 7)
    probe = preset.network.copy()
    for r, c in [(0, 0), (3, 3), (6, 2), (1, 5)]:
        probe.set("w5", grid.xs[c])
        probe.set("w8", grid.ys[r])
        assert grid.errors[r, c] == pytest.approx(
            probe.error(preset.inputs, preset.targets), rel=1e-12
        )
    assert grid.errors[3, 3] == pytest.approx(0.298371109, abs=1e-8)  # the centre: E_total now
    _, _, e = grid.minimum
    assert e == grid.errors.min()


def test_landscape_minimum_of_a_bowl_is_where_the_core_says():
    spec = NetworkSpec.build([1, 1], "linear", loss="half_sse")
    net = initialize(spec, seed=0)
    x = np.array([[1.0], [2.0], [3.0]])
    t = 0.5 * x + 0.25
    grid = error_grid(net, x, t, "w1", "b_o1", span=1.0, size=201, centre=(0.5, 0.25))
    w, b, e = grid.minimum
    assert (w, b) == (pytest.approx(0.5), pytest.approx(0.25)) and e == pytest.approx(0.0)
    with pytest.raises(ConfigError):
        error_grid(net, x, t, "w1", "w1")


def test_output_grid_gives_every_neurons_map():
    net = initialize(NetworkSpec.build([2, 3, 1], "tanh"), seed=2)
    xs, ys, maps = output_grid(net, (-1, 1), (-2, 2), size=9)
    assert [m.shape for m in maps] == [(9, 9, 3), (9, 9, 1)]
    point = np.array([[xs[4], ys[7]]])
    assert maps[-1][7, 4, 0] == pytest.approx(float(net.predict(point)[0, 0]), rel=1e-12)


def test_commands_are_checked_and_applied():
    assert parse_commands("forward, backward,update") == ["forward", "backward", "update"]
    for bad in ("fly", "run:x", "run:0", "forward:2"):
        with pytest.raises(ConfigError):
            parse_commands(bad)
    stepper = _lecture()
    for command in ("neuron", "forward", "backward", "update", "run:9", "back", "full"):
        apply_command(stepper, command)
    assert stepper.trainer.iteration == 2


def test_the_lecture_lesson_steps_forward_and_back():
    lesson = load_lesson(resource_path("lessons", "lecture.json"))
    assert [s.title for s in lesson.slides][:3] == ["The network", "Forward pass", "The error"]
    stepper = _lecture()
    phases = []
    for index in range(1, len(lesson.slides)):
        lesson.advance(stepper, index)
        phases.append((stepper.next_phase, stepper.trainer.iteration))
    assert phases[-1] == ("forward", 10_000)
    assert phases[1] == ("backward", 0)  # after "The error"
    for index in range(len(lesson.slides) - 1, 0, -1):
        lesson.retreat(stepper, index)
    assert stepper.trainer.iteration == 0 and stepper.done == 0


def test_a_broken_lesson_is_refused_in_words(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "bpdesk-lesson", "slides": [{"caption": "x", "do": ["fly"]}]}')
    with pytest.raises(SessionError, match=r"slide 1: “fly” is not a step command"):
        load_lesson(bad)
    bad.write_text("not json")
    with pytest.raises(SessionError):
        load_lesson(bad)


@pytest.mark.parametrize("seed", range(20))
def test_practice_takes_every_value_rounded_to_4_to_9_digits(seed):
    """Any value rounded to 4…9 significant digits is right; one unit off in the last of
    fewer than 9 decimals is not; rounder than 4 digits is never enough unless exact."""
    rng = np.random.default_rng(seed)
    true = float(rng.uniform(-2, 2)) * 10.0 ** int(rng.integers(-3, 1))
    for digits in range(4, 10):
        answer = f"{true:.{digits - 1}e}"
        exponent = int(answer.split("e")[1]) - (digits - 1)
        if exponent < -9:
            continue  # beyond the 9 decimals the app shows
        assert judge("x", answer, true).correct, (answer, true)
        if exponent == -9:
            continue  # at the app's full precision one unit off is allowed (the lecture rounds)
        wrong = float(answer) + 10.0**exponent
        assert not judge("x", f"{wrong:.{digits - 1}e}", true).correct, (wrong, true)
    assert not judge("x", f"{true:.2e}", true).correct
