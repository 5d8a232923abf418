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
