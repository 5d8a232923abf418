"""The core reproduces every figure of the lecture's worked example to 1e-8."""

from __future__ import annotations

import numpy as np
import pytest

from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.stepper import Stepper

TOL = 1e-8


def _reference_pairs(ref: dict) -> list[tuple[str, float]]:
    pairs = []
    for section in ("forward", "backward_output_layer", "backward_hidden_layer"):
        pairs += list(ref[section].items())
    pairs += [(f"{w}+", v) for w, v in ref["updated_weights_after_one_step"].items()]
    return pairs


def test_preset_matches_reference_network(lecture_reference):
    net = lecture_reference["network"]
    preset = get_preset("lecture")
    values = preset.network.values()
    for name, value in {**net["weights"], **net["biases"]}.items():
        assert values[name] == value
    assert preset.inputs.tolist() == [[net["inputs"]["i1"], net["inputs"]["i2"]]]
    assert preset.targets.tolist() == [[net["targets"]["o1"], net["targets"]["o2"]]]
    assert preset.config.eta == net["learning_rate_eta"]
    assert preset.config.train_biases is net["biases_updated"]


def test_full_step_reproduces_every_figure(lecture_reference):
    trace = Stepper(get_preset("lecture").trainer()).full_step()
    values = trace.named_values()
    pairs = _reference_pairs(lecture_reference)
    assert len(pairs) == 29
    for name, expected in pairs:
        assert values[name] == pytest.approx(expected, abs=TOL), name


def test_phases_reveal_figures_in_the_lecture_order(lecture_reference):
    stepper = Stepper(get_preset("lecture").trainer())
    forward = stepper.step_phase("forward").named_values()
    for name, expected in lecture_reference["forward"].items():
        assert forward[name] == pytest.approx(expected, abs=TOL)
    assert np.isnan(forward["dE_total/dw5"]) and np.isnan(forward["w5+"])
    assert stepper.next_phase == "backward"
    backward = stepper.step_phase("backward").named_values()
    for section in ("backward_output_layer", "backward_hidden_layer"):
        for name, expected in lecture_reference[section].items():
            assert backward[name] == pytest.approx(expected, abs=TOL), name
    assert np.isnan(backward["w1+"])
    assert stepper.next_phase == "update"
    update = stepper.step_phase("update").named_values()
    for name, expected in lecture_reference["updated_weights_after_one_step"].items():
        assert update[f"{name}+"] == pytest.approx(expected, abs=TOL)
    # The lecture keeps the biases fixed.
    assert update["b1+"] == update["b1"] == 0.35
    assert stepper.step_complete and stepper.next_phase == "forward"


def test_pressing_the_wrong_phase_is_refused():
    stepper = Stepper(get_preset("lecture").trainer())
    with pytest.raises(ValueError, match="forward"):
        stepper.step_phase("update")


def test_neuron_by_neuron_reveals_one_neuron_at_a_time(lecture_reference):
    stepper = Stepper(get_preset("lecture").trainer())
    first = stepper.step_op().named_values()
    assert first["out_h1"] == pytest.approx(lecture_reference["forward"]["out_h1"], abs=TOL)
    assert np.isnan(first["out_h2"]) and np.isnan(first["net_o1"])
    kinds = [op.kind for op in stepper.ops]
    # 4 neurons forward, the error, 4 neurons backward, 2 layer updates.
    assert kinds == ["forward"] * 4 + ["error"] + ["backward"] * 4 + ["update"] * 2
    while stepper.ops[stepper.done].kind != "backward":
        stepper.step_op()
    after_o1 = stepper.step_op().named_values()
    assert after_o1["dE_total/dw5"] == pytest.approx(0.082167041, abs=TOL)
    assert np.isnan(after_o1["dE_total/dw7"])  # o2's incoming weights come next


def test_trainer_one_iteration_gives_the_lecture_weights(lecture_reference):
    trainer = get_preset("lecture").trainer()
    trainer.run(iterations=1)
    values = trainer.network.values()
    for name, expected in lecture_reference["updated_weights_after_one_step"].items():
        assert values[name] == pytest.approx(expected, abs=TOL)
    assert trainer.iteration_errors.values()[0] == pytest.approx(
        lecture_reference["forward"]["E_total"], abs=TOL
    )


def test_stepping_and_fast_training_agree_bit_for_bit():
    stepper = Stepper(get_preset("xor").trainer())
    for _ in range(7):
        stepper.full_step()
    fast = get_preset("xor").trainer()
    fast.run(iterations=7)
    for a, b in zip(stepper.network.weights, fast.network.weights, strict=True):
        assert np.array_equal(a, b)
    assert np.array_equal(stepper.trainer.iteration_errors.values(), fast.iteration_errors.values())


def test_repeating_the_step_drives_the_error_down(lecture_reference):
    trainer = get_preset("lecture").trainer()
    start = trainer.evaluate()
    assert start == pytest.approx(lecture_reference["forward"]["E_total"], abs=TOL)
    trainer.run(iterations=10_000)
    errors = trainer.iteration_errors.values()
    assert len(errors) == 10_000
    assert np.all(np.diff(errors) < 0)
    assert trainer.evaluate() < start / 5000
    out = trainer.network.predict(trainer.inputs)[0]
    assert abs(out[0] - 0.01) < 0.01 and abs(out[1] - 0.99) < 0.01
