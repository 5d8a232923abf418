"""Levenberg–Marquardt's per-iteration record: μ, the error, ‖∂E/∂θ‖ and every trial step."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bpdesk.core.engine.levenberg import MU_CEILING, MU_FLOOR
from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.snapshot import coalesce, make_snapshot
from bpdesk.core.stepping.stepper import Stepper


def _lm_trainer(name: str = "xor", **changes: object) -> Trainer:
    preset = get_preset(name)
    config = replace(preset.config, optimizer="lm", **changes)
    return Trainer(preset.network.copy(), preset.inputs, preset.targets, config)


def _numeric_gradient_norm(trainer: Trainer) -> float:
    """‖∂E/∂θ‖ over the trained parameters, by central differences on the trainer's own
    error (independent of the Jacobian)."""
    net = trainer.network
    theta = net.vector()
    grad = np.zeros_like(theta)
    h = 1e-6
    trained = theta.size if trainer.config.train_biases else sum(w.size for w in net.weights)
    for k in range(trained):
        for sign in (1, -1):
            moved = theta.copy()
            moved[k] += sign * h
            net.set_vector(moved)
            grad[k] += sign * trainer.evaluate() / (2 * h)
    net.set_vector(theta)
    return float(np.linalg.norm(grad))


def test_mu_rises_on_each_rejected_trial_and_falls_on_the_accepted_one():
    trainer = _lm_trainer()
    trainer.run(iterations=60)
    lm = trainer.lm
    assert lm is not None
    history = lm.record.since(0, 0)
    assert len(history) == 60
    assert history.rejected.sum() > 0, "this run should reject some trials"
    increase, decrease = lm.increase, lm.decrease
    mu_start = lm.initial_mu
    for k in range(len(history)):
        trials = history.trial_iteration == k
        mus = history.trial_mu[trials]
        assert mus.size == history.trials[k] >= 1
        # each rejected trial multiplies μ by `increase` before the next is tried
        expected = mu_start * increase ** np.arange(mus.size)
        np.testing.assert_allclose(mus, np.clip(expected, MU_FLOOR, MU_CEILING), rtol=1e-12)
        accepted = history.trial_accepted[trials]
        assert accepted.sum() == (1 if history.rejected[k] < history.trials[k] else 0)
        if accepted.any():
            assert accepted[-1] and mus[-1] == history.mu[k]
            assert history.mu_after[k] == pytest.approx(max(mus[-1] / decrease, MU_FLOOR))
            assert history.error_after[k] < history.error[k]
        else:
            assert history.mu_after[k] == pytest.approx(min(mus[-1] * increase, MU_CEILING))
        # a rejected trial did not lower the error
        errors = history.trial_error[trials]
        rejected = errors[~accepted]
        assert not np.any(rejected < history.error[k])
        mu_start = history.mu_after[k]


def test_errors_match_the_trainers_history_and_the_next_iteration():
    trainer = _lm_trainer()
    trainer.run(iterations=30)
    assert trainer.lm is not None
    history = trainer.lm.record.since(0, 0)
    np.testing.assert_array_equal(history.error, trainer.iteration_errors.values())
    # the error after iteration k is the error iteration k + 1 starts from
    np.testing.assert_allclose(history.error_after[:-1], history.error[1:], rtol=1e-12)
    assert history.error_after[-1] == pytest.approx(trainer.evaluate(), rel=1e-12)


def test_gradient_norm_is_the_norm_of_dE_dtheta():
    for name in ("xor", "lecture"):
        trainer = _lm_trainer(name)
        expected = _numeric_gradient_norm(trainer)
        trainer.run(iterations=1)
        assert trainer.lm is not None
        got = trainer.lm.record.since(0, 0).gradient_norm[0]
        assert got == pytest.approx(expected, rel=1e-5)


def test_snapshots_carry_the_points_since_the_last_and_step_back_cuts_them():
    stepper = Stepper(_lm_trainer())
    stepper.run(iterations=5)
    first = make_snapshot(stepper, seq=1)
    assert first.lm_history is not None and first.lm_history.start == 0
    assert len(first.lm_history) == 5
    stepper.run(iterations=3)
    second = make_snapshot(stepper, seq=2, history_from=5)
    assert second.lm_history is not None
    assert (second.lm_history.start, len(second.lm_history)) == (5, 3)
    joined = coalesce(first, second).lm_history
    assert joined is not None and (joined.start, len(joined)) == (0, 8)
    np.testing.assert_array_equal(joined.error, stepper.trainer.iteration_errors.values())
    stepper.step_back()  # undoes the run of 3
    again = make_snapshot(stepper, seq=3)
    assert again.lm_history is not None and len(again.lm_history) == 5
    np.testing.assert_array_equal(again.lm_history.mu, first.lm_history.mu)


def test_switching_to_lm_mid_run_counts_from_that_iteration():
    preset = get_preset("xor")
    stepper = Stepper(Trainer(preset.network.copy(), preset.inputs, preset.targets, preset.config))
    stepper.run(iterations=7)
    assert make_snapshot(stepper, seq=1).lm_history is None
    stepper.set_config(replace(stepper.trainer.config, optimizer="lm"))
    stepper.full_step()
    stepper.full_step()
    snap = make_snapshot(stepper, seq=2)
    assert snap.lm_history is not None
    assert (snap.lm_history.start, len(snap.lm_history)) == (7, 2)
    np.testing.assert_array_equal(snap.lm_history.error, stepper.trainer.iteration_errors.values(7))
    assert snap.lm_history.trial_iteration.min() >= 7


def test_once_nothing_lowers_e_every_trial_is_rejected_and_mu_stops_at_its_ceiling():
    trainer = _lm_trainer("lecture")
    trainer.run(iterations=60)
    assert trainer.lm is not None
    history = trainer.lm.record.since(0, 0)
    stuck = history.rejected == history.trials
    assert stuck.any(), "the lecture net reaches rounding level within 60 LM steps"
    # a step with every trial rejected keeps the weights: the next step starts where it was
    np.testing.assert_array_equal(history.error_after[stuck], history.error[stuck])
    assert history.mu_after.max() <= MU_CEILING and history.trial_mu.max() <= MU_CEILING
    assert np.all(history.trial_mu > 0) and np.all(np.isfinite(history.gradient_norm))


def test_undo_of_part_of_a_run_then_more_steps_renumbers_nothing_twice():
    stepper = Stepper(_lm_trainer())
    stepper.run(iterations=4)
    stepper.run(iterations=4)
    stepper.step_back()  # back to 4 steps
    stepper.full_step()
    stepper.full_step()
    snap = make_snapshot(stepper, seq=1)
    assert snap.lm_history is not None
    assert (snap.lm_history.start, len(snap.lm_history)) == (0, 6)
    np.testing.assert_array_equal(snap.lm_history.error, stepper.trainer.iteration_errors.values())
    assert np.all(np.diff(snap.lm_history.trial_iteration) >= 0)
    assert snap.lm_history.trial_iteration.max() == 5
