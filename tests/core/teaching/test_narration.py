"""Narration reads the trace's arrays directly and stays short for large networks."""

from __future__ import annotations

import numpy as np

from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.files.documents import open_source
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.narration import (
    HEAD_PARAGRAPHS,
    MAX_PARAGRAPHS,
    MAX_TERMS,
    narrate,
    narrate_op,
)


def test_every_number_of_a_paragraph_is_the_one_the_trace_names():
    stepper = open_source("iris")  # 4-8-3, one bias per neuron, Adam
    stepper.step_phase("forward")
    trace = stepper.step_phase("backward")
    values = trace.named_values()
    names = trace.spec.neuron_names(1)
    for op in trace.ops[: trace.done]:
        if op.kind == "forward" and op.layer == 0:
            n = names[op.neuron]
            text = narrate_op(trace, op)
            assert f"= {format_value(values[f'net_{n}'])};" in text
            assert text.endswith(f"= {format_value(values[f'out_{n}'])}.")
        if op.kind == "backward" and op.layer == 0:
            n = names[op.neuron]
            text = narrate_op(trace, op)
            assert f"δ_{n} = ∂E_total/∂net_{n} = {format_value(values[f'dE_total/dnet_{n}'])}" in (
                text
            )
            w = trace.spec.weight_name(0, 0, op.neuron)
            assert f"∂E_total/∂{w} = " in text
            assert format_value(values[f"dE_total/d{w}"]) in text


def test_a_long_press_is_told_by_its_first_and_last_sub_steps():
    stepper = open_source("digits")  # 64-32-10: a forward press is 43 sub-steps
    trace = stepper.step_phase("forward")
    assert trace.done > MAX_PARAGRAPHS
    note, *paragraphs = narrate(trace).split("\n\n")
    assert note.startswith("A batch of 32 samples: the numbers are sample 1's")  # said once
    assert len(paragraphs) == MAX_PARAGRAPHS + 1
    left_out = trace.done - MAX_PARAGRAPHS
    assert paragraphs[HEAD_PARAGRAPHS].startswith(f"… {left_out} more sub-steps")
    assert paragraphs[0].startswith("h1 adds up its weighted inputs")
    assert paragraphs[-1].startswith("Each output is compared with its target")
    assert "sample 1's" not in "".join(paragraphs)
    assert narrate_op(trace, trace.ops[0]).startswith("A batch of 32 samples")


def test_a_sum_of_many_terms_keeps_its_first_and_last_terms():
    stepper = open_source("digits")
    trace = stepper.step_op()  # h1: 64 inputs
    text = narrate_op(trace, trace.ops[0])
    spec = trace.spec
    first, last = spec.weight_name(0, 0, 0), spec.weight_name(0, 63, 0)
    assert f"{first}·{spec.neuron_names(0)[0]}" in text
    assert f"{last}·{spec.neuron_names(0)[63]}" in text
    assert f"… ({64 - MAX_TERMS} more) …" in text
    assert spec.weight_name(0, 10, 0) + "·" not in text  # one of those left out


def test_the_lecture_is_told_in_full():
    stepper = open_source("lecture")
    text = narrate(stepper.step_phase("forward"))
    assert "more sub-steps" not in text and "more) …" not in text
    assert text.count("adds up its weighted") == 4
    forward_done = stepper.done
    text = narrate(stepper.step_phase("backward"), since=forward_done)
    assert "adds up its weighted" not in text
    assert "∂E_total/∂w1 = " in text and "∂E_total/∂w2 = " in text


def test_error_formulas_name_each_outputs_target_and_out():
    for loss, said in (
        ("mse", "E_o1 = (target_o1 − out_o1)² / n_outputs"),
        ("bce", "E_o1 = −[target_o1 ln out_o1 + (1 − target_o1) ln(1 − out_o1)]"),
    ):
        spec = NetworkSpec.build([1, 1], loss=loss)
        network = Network.from_values(spec, {name: 0.3 for name in spec.parameter_names})
        trainer = Trainer(network, np.array([[1.0]]), np.array([[1.0]]), TrainConfig())
        text = narrate(Stepper(trainer).step_phase("forward"))
        assert said in text, text
