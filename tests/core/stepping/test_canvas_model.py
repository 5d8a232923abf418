"""The canvas's logic without Qt: typed value lookup, what the last press computed, quiz masking."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.canvas_model import (
    Element,
    QuizMask,
    StepValues,
    hide_computed_value,
    just_computed,
    last_press_ops,
    neuron_places,
    revealed_name,
    ringed_neurons,
)
from bpdesk.core.stepping.snapshot import Snapshot, make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.trace import Op, StepTrace


def lecture() -> Stepper:
    return Stepper(get_preset("lecture").trainer())


def random_stepper(sizes: list[int], shared_bias: bool = False) -> Stepper:
    spec = NetworkSpec.build(sizes, "sigmoid", shared_bias=shared_bias)
    rng = np.random.default_rng(3)
    inputs = rng.uniform(size=(5, sizes[0]))
    targets = rng.uniform(size=(5, sizes[-1]))
    trainer = Trainer(initialize(spec, seed=3), inputs, targets, TrainConfig(seed=3))
    return Stepper(trainer)


def assert_same(value: float, expected: float) -> None:
    if math.isnan(expected):
        assert math.isnan(value)
    else:
        assert value == expected


def check_against_named_values(trace: StepTrace) -> None:
    """Every number the typed lookup gives is the one ``named_values`` spells out."""
    spec, named, values = trace.spec, trace.named_values(), StepValues(trace)
    for name in spec.neuron_names(0):
        assert_same(values.input(name), named[name])
    for column in range(1, spec.n_layers + 1):
        for name in spec.neuron_names(column):
            assert_same(values.neuron("net", name), named[f"net_{name}"])
            assert_same(values.neuron("out", name), named[f"out_{name}"])
            assert_same(values.neuron("delta", name), named[f"dE_total/dnet_{name}"])
            assert_same(values.neuron("target", name), named.get(f"target_{name}", math.nan))
            assert_same(values.neuron("E", name), named.get(f"E_{name}", math.nan))
    for name in spec.parameter_names:
        assert_same(values.parameter("before", name), named[name])
        assert_same(values.parameter("after", name), named[f"{name}+"])
        assert_same(values.parameter("gradient", name), named[f"dE_total/d{name}"])
    assert_same(values.E_total, named["E_total"])


# ------------------------------------------------------------------ values
@pytest.mark.parametrize("sizes", [[2, 2, 2], [3, 4, 3, 2]])
@pytest.mark.parametrize("shared", [False, True])
def test_typed_lookup_matches_named_values_at_every_point_of_a_step(sizes, shared):
    stepper = random_stepper(sizes, shared_bias=shared)
    check_against_named_values(stepper.trace())  # nothing computed yet: NaN alike
    while not stepper.step_complete:
        stepper.step_op()
        check_against_named_values(stepper.trace())


def test_the_lecture_figures_read_by_what_they_are(lecture_reference):
    stepper = lecture()
    for phase in ("forward", "backward", "update"):
        stepper.step_phase(phase)
    values = StepValues(stepper.trace())
    forward = lecture_reference["forward"]
    assert values.neuron("out", "h1") == pytest.approx(forward["out_h1"], abs=1e-8)
    assert values.neuron("E", "o1") == pytest.approx(forward["E_o1"], abs=1e-8)
    assert values.E_total == pytest.approx(forward["E_total"], abs=1e-8)
    after = lecture_reference["updated_weights_after_one_step"]
    assert values.parameter("after", "w5") == pytest.approx(after["w5"], abs=1e-8)
    assert values.parameter("before", "w5") == 0.4
    assert math.isnan(values.neuron("target", "h1"))  # only outputs have targets


def test_neuron_places_are_column_and_index():
    spec = NetworkSpec.build([2, 3, 1], "sigmoid")
    places = neuron_places(spec)
    assert places["i2"] == (0, 1) and places["h3"] == (1, 2) and places["o1"] == (2, 0)
    assert len(places) == 6


# ------------------------------------------------------------------ what is new, what is next
def snapshot_after(stepper: Stepper, **changes: object) -> Snapshot:
    snap = make_snapshot(stepper, seq=1)
    return dataclasses.replace(snap, **changes) if changes else snap


def test_nothing_is_new_before_the_first_press_or_during_a_run():
    stepper = lecture()
    assert just_computed(snapshot_after(stepper)) == frozenset()
    assert last_press_ops(stepper.trace()) == []
    stepper.step_phase("forward")
    assert just_computed(snapshot_after(stepper, running=True)) == frozenset()


def test_a_finished_forward_pass_is_new_as_a_whole():
    stepper = lecture()
    stepper.step_phase("forward")
    computed = just_computed(snapshot_after(stepper))
    neurons = {e.name for e in computed if e.kind == "neuron"}
    assert neurons == {"h1", "h2", "o1", "o2"}
    assert Element("error", "E_total") in computed
    assert not any(e.kind in ("weight", "bias") for e in computed)
    kinds = [op.kind for op in last_press_ops(stepper.trace())]
    assert kinds[0] == "error" and set(kinds) == {"forward", "error"}


def test_one_neuron_backward_is_new_with_the_weights_into_it():
    stepper = lecture()
    stepper.step_phase("forward")
    stepper.step_op()  # δ of o1; o2 comes next
    computed = just_computed(snapshot_after(stepper))
    # The lecture's biases are fixed: no new number on them.
    assert computed == {Element("neuron", "o1"), Element("weight", "w5"), Element("weight", "w6")}
    trained = snapshot_after(stepper)
    trained = dataclasses.replace(
        trained, config=dataclasses.replace(trained.config, train_biases=True)
    )
    assert Element("bias", "b2") in just_computed(trained)


def test_an_update_is_new_on_every_weight_and_trained_bias_of_its_layers():
    stepper = random_stepper([2, 3, 2])
    for phase in ("forward", "backward", "update"):
        stepper.step_phase(phase)
    snap = snapshot_after(stepper)
    assert snap.config.train_biases
    computed = just_computed(snap)
    expected = {Element("weight", n) for n in snap.spec.parameter_names if n.startswith("w")}
    expected |= {Element("bias", n) for n in snap.spec.parameter_names if n.startswith("b")}
    assert computed == expected


def test_the_neurons_the_next_press_computes_are_ringed():
    stepper = lecture()
    assert ringed_neurons(snapshot_after(stepper)) == frozenset()  # between steps
    stepper.step_op()  # net and out of h1
    assert ringed_neurons(snapshot_after(stepper)) == {"h2"}
    stepper.step_phase("forward")
    stepper.step_op()
    assert ringed_neurons(snapshot_after(stepper)) == {"o2"}
    assert ringed_neurons(snapshot_after(stepper, running=True)) == frozenset()
    stepper.step_phase("backward")
    assert ringed_neurons(snapshot_after(stepper)) == frozenset()  # an update: links only


def test_elements_and_their_label_keys():
    assert Element("weight", "w5").key == "weight:w5"
    assert Element.from_key("neuron:h1.2") == Element("neuron", "h1.2")
    assert Element.from_key("error:E_total").kind == "error"
    with pytest.raises(ValueError, match="pixel"):
        Element.from_key("pixel:3")


# ------------------------------------------------------------------ quiz
def test_the_value_a_press_computed_is_hidden_by_phase():
    forward, backward, update = Op("forward", 0, 0), Op("backward", 0, 0), Op("update", 0)
    assert hide_computed_value("out = 0.59", forward) == "out = ?"
    assert hide_computed_value("E_total = 0.29", Op("error", 1)) == "E_total = ?"
    assert hide_computed_value("target = 0.01", forward) == "target = 0.01"
    assert hide_computed_value("δ = 0.13", backward) == "δ = ?"
    assert hide_computed_value("∂E/∂w5 = 0.08", backward) == "∂E/∂w5 = ?"
    assert hide_computed_value("w5: 0.4 → 0.358", update) == "w5: 0.4 → ?"
    assert hide_computed_value("w5 = 0.4", update) == "w5 = 0.4"
    assert hide_computed_value("out = 0.59", None) == "out = 0.59"


@pytest.mark.parametrize(
    ("quantity", "name"),
    [
        ("w8+", "w8"),
        ("dE_total/dw5", "w5"),
        ("net_h1", "h1"),
        ("out_h1", "h1"),
        ("dE_total/dnet_o1", "o1"),
        ("b_h1", "b_h1"),
        ("dE_total/db_o1", "b_o1"),
        ("b1+", "b1"),
    ],
)
def test_a_quantity_is_revealed_on_its_element(quantity, name):
    assert revealed_name(quantity) == name


def test_quiz_hides_what_is_new_until_revealed_and_forgets_at_the_next_press():
    stepper = lecture()
    stepper.step_phase("forward")
    trace = stepper.trace()
    computed = frozenset({Element("neuron", "h1"), Element("error", "E_total")})
    mask = QuizMask()
    mask.follow(trace)
    assert not mask.hides(Element("neuron", "h1"), computed)  # quiz mode off
    mask.on = True
    assert mask.hides(Element("neuron", "h1"), computed)
    assert not mask.hides(Element("neuron", "h2"), computed)  # not new: nothing to hide
    mask.reveal("out_h1")
    mask.reveal("E_total")
    assert not mask.hides(Element("neuron", "h1"), computed)
    assert not mask.hides(Element("error", "E_total"), computed)
    mask.follow(trace)  # the same step: reveals stay
    assert not mask.hides(Element("neuron", "h1"), computed)
    stepper.step_op()
    mask.follow(stepper.trace())  # the next press hides its values again
    assert mask.hides(Element("neuron", "h1"), computed)
    assert mask.hides(Element("error", "E_total"), computed)
