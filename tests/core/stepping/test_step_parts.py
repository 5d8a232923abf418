"""The parts of the step machine on their own: the step in progress, its trace, undo records."""

from __future__ import annotations

import math

import numpy as np

from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.in_progress import StepInProgress
from bpdesk.core.stepping.reveal import build_trace
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.trace import Op
from bpdesk.core.stepping.undo import record, restore


def _lecture() -> Trainer:
    return get_preset("lecture").trainer()


def test_a_layer_is_computed_at_once_and_revealed_neuron_by_neuron():
    trainer = _lecture()
    step = StepInProgress.begin(trainer)
    step.forward_layer(0, trainer.network)
    assert step.nets[0] is not None and not step.nets[0].flags.writeable
    ops = (Op("forward", 0, 0), Op("forward", 0, 1))
    one = build_trace(trainer, step, ops, 1).layers[0]
    assert math.isfinite(one.net[0, 0]) and math.isnan(one.net[0, 1])
    both = build_trace(trainer, step, ops, 2).layers[0]
    assert np.array_equal(both.net, step.nets[0]) and both.net is not step.nets[0]
    assert np.isnan(both.delta).all() and np.isnan(both.w_after).all()


def test_a_copy_of_the_step_shares_its_arrays_but_not_its_lists():
    trainer = _lecture()
    step = StepInProgress.begin(trainer)
    step.forward_layer(0, trainer.network)
    clone = step.copy()
    step.forward_layer(1, trainer.network)
    assert clone.nets[0] is step.nets[0]
    assert clone.nets[1] is None and step.nets[1] is not None


def test_an_undo_record_puts_the_trainer_back_exactly():
    trainer = get_preset("xor").trainer()
    before = record(trainer, None, 0, ())
    weights = trainer.network.vector()
    errors = trainer.iteration_errors.values()
    trainer.run(iterations=5)
    assert not np.array_equal(trainer.network.vector(), weights)
    restore(trainer, before)
    assert np.array_equal(trainer.network.vector(), weights)
    assert np.array_equal(trainer.iteration_errors.values(), errors)
    assert (trainer.epoch, trainer.iteration, trainer.position) == (0, 0, 0)
    assert trainer.rng.bit_generator.state == before.rng


def test_a_saved_state_resumes_mid_step():
    stepper = Stepper(get_preset("xor").trainer())
    stepper.full_step()
    stepper.step_phase("forward")
    saved = stepper.saved_state()
    expected = stepper.full_step().named_values()
    other = Stepper(get_preset("xor").trainer())
    other.load_state(saved)
    assert other.done == saved.done and other.next_phase == "backward"
    resumed = other.full_step().named_values()
    assert all(
        resumed[k] == expected[k] or (math.isnan(resumed[k]) and math.isnan(expected[k]))
        for k in expected
    )
