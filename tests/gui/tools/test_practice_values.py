"""The practice panel reads the chosen quantity's value from its one array, as named_values does."""

from __future__ import annotations

import math

import pytest

from bpdesk.core.files.documents import open_source
from bpdesk.gui.tools.practice.quantities import quantities, true_value


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize("preset", ["lecture", "iris", "spirals"])
def test_every_quantity_has_the_value_named_values_gives(preset):
    stepper = open_source(preset)
    spec = stepper.trainer.network.spec
    names = [q.name for q in quantities(spec, biases=True, lecture=preset == "lecture")]
    assert len(names) > 10
    for phase in ("forward", "backward", "update", "forward"):
        trace = stepper.step_phase(phase)
        named = trace.named_values()
        for name in names:
            assert _same(true_value(trace, name), named.get(name, math.nan)), (phase, name)


def test_an_unknown_name_is_not_a_number():
    trace = open_source("lecture").step_phase("forward")
    assert math.isnan(true_value(trace, "net_h9"))
    assert math.isnan(true_value(trace, "w99+"))
    assert math.isnan(true_value(trace, "nothing"))


@pytest.mark.parametrize("preset", ["lecture", "iris", "spirals"])
def test_the_quantities_name_every_parameter_in_the_network_order(preset):
    spec = open_source(preset).trainer.network.spec
    items = quantities(spec, biases=True, lecture=preset == "lecture")
    updates = [q.element for q in items if q.phase == "update"]
    weights = [n for n in spec.parameter_names if spec.ref(n).kind == "w"]
    biases = [n for n in spec.parameter_names if spec.ref(n).kind == "b"]
    assert updates == weights + biases
    for q in items:
        if q.phase == "backward" and q.kind != "neuron":
            assert q.kind == ("weight" if spec.ref(q.element).kind == "w" else "bias")
    no_biases = quantities(spec, biases=False, lecture=False)
    assert not any(q.kind == "bias" for q in no_biases)
