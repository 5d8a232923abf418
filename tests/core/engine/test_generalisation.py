"""Overfitting and generalisation: the split rules, L2 weight decay and early stopping.

Weight decay is checked against a hand-written update (w+ = w − η(∂E/∂w + λw), biases
without λ), against finite differences of E + λ/2 Σw², and the step machine, the fast
trainer and a sweep are held to the same run with λ > 0.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest

from bpdesk.core.engine.backprop import weight_decay_penalty
from bpdesk.core.engine.config import (
    TrainConfig,
    check_patience,
    check_split,
    check_split_size,
    check_weight_decay,
    split_counts,
)
from bpdesk.core.engine.gradcheck import analytic_gradient, gradient_check
from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.sweep import Sweep
from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.errors import BpdeskError, ConfigError
from bpdesk.core.files.datasets import load_builtin
from bpdesk.core.stepping.stepper import Stepper

BAD = [math.nan, math.inf, -1, -0.5, "0.2", None, True, [0.2]]


# ------------------------------------------------------------------ the rules
@pytest.mark.parametrize("value", [*BAD, 1.5, 2.5, 1e12])
def test_a_split_size_is_a_fraction_or_a_count(value):
    reason = check_split_size(value, "validation")
    assert reason is not None and "validation" in reason
    assert "Error" not in reason and "Traceback" not in reason


@pytest.mark.parametrize("value", [0, 0.0, 0.2, 0.999, 1, 30])
def test_fractions_counts_and_zero_are_allowed(value):
    assert check_split_size(value) is None


def test_split_counts_round_fractions_half_up_and_keep_counts():
    assert split_counts(0.25, 0.25, 10) == (math.floor(2.5 + 0.5), 3)
    assert split_counts(3, 0.1, 50) == (3, 5)
    assert split_counts(0, 0, 7) == (0, 0)


@pytest.mark.parametrize(
    ("validation", "test", "n", "words"),
    [
        (0.5, 0.5, 10, "left to train on"),
        (6, 4, 10, "left to train on"),
        (0.01, 0, 10, "no sample"),
    ],
)
def test_a_split_that_leaves_a_part_empty_is_refused_in_words(validation, test, n, words):
    reason = check_split(validation, test, n)
    assert reason is not None and words in reason
    with pytest.raises(ConfigError, match=words):
        split_counts(validation, test, n)


@pytest.mark.parametrize("value", [*BAD, 10.5, 1e9])
def test_weight_decay_and_patience_refuse_bad_values(value):
    assert check_weight_decay(value) is not None
    if not (isinstance(value, float) and value == 10.5):
        assert check_patience(value) is not None
    with pytest.raises(ConfigError):
        TrainConfig(weight_decay=value).validated()


def test_patience_must_be_whole_and_levenberg_marquardt_has_no_decay():
    assert check_patience(2.5) is not None
    assert check_patience(0) is None and check_weight_decay(0.0, "lm") is None
    reason = check_weight_decay(0.01, "lm")
    assert reason is not None and "Levenberg" in reason
    with pytest.raises(ConfigError, match="Levenberg"):
        TrainConfig(optimizer="lm", weight_decay=0.01).validated()


# ------------------------------------------------------------------ the split
def test_split_parts_is_seeded_disjoint_and_complete():
    data = load_builtin("moons", n=50, noise=0.1, seed=2)
    train, validation, test = data.split_parts(0.2, 7, seed=3)
    assert validation is not None and test is not None
    assert (train.n_samples, validation.n_samples, test.n_samples) == (33, 10, 7)
    rows = np.concatenate([train.inputs, validation.inputs, test.inputs])
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, data.inputs.tolist()))
    again = data.split_parts(0.2, 7, seed=3)
    assert all(
        np.array_equal(a.inputs, b.inputs)
        for a, b in zip(again, (train, validation, test), strict=True)
        if a and b
    )
    other = data.split_parts(0.2, 7, seed=4)[1]
    assert other is not None and not np.array_equal(other.inputs, validation.inputs)


def test_without_validation_the_split_is_the_old_train_test_split():
    data = load_builtin("moons", n=40, noise=0.1, seed=1)
    old_train, old_test = data.split(0.25, 1)
    train, validation, test = data.split_parts(0, 0.25, 1)
    assert validation is None and test is not None
    assert np.array_equal(train.inputs, old_train.inputs)
    assert np.array_equal(test.inputs, old_test.inputs)


def test_an_impossible_split_is_a_data_error_in_words():
    data = load_builtin("xor")
    with pytest.raises(BpdeskError, match="train on"):
        data.split_parts(2, 2, 0)


# ------------------------------------------------------------------ weight decay
def _net(seed=0, sizes=(2, 3, 2)):
    spec = NetworkSpec.build(list(sizes), ["tanh", "sigmoid"], loss="half_sse")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(6, sizes[0]))
    t = rng.uniform(0.1, 0.9, size=(6, sizes[-1]))
    return initialize(spec, "uniform", seed=seed, r=0.8), x, t


def test_one_update_with_decay_is_w_minus_eta_times_gradient_plus_lambda_w():
    net, x, t = _net()
    eta, lam = 0.3, 0.05
    grads = analytic_gradient(net, x, t)  # no decay: ∂E/∂θ of the data alone
    trainer = Trainer(net.copy(), x, t, TrainConfig(eta=eta, batch_size=6, weight_decay=lam))
    trainer.run(iterations=1)
    names = net.spec.parameter_names
    before = net.vector()
    after = trainer.network.vector()
    for k, name in enumerate(names):
        decay = lam * before[k] if not name.startswith("b") else 0.0
        assert after[k] == pytest.approx(before[k] - eta * (grads[k] + decay), rel=1e-12, abs=1e-15)
    assert any(n.startswith("b") for n in names)


def test_the_gradient_check_includes_the_decay_term():
    net, x, t = _net(3)
    lam = 0.2
    check = gradient_check(net, x, t, weight_decay=lam)
    assert check.worst < 1e-6
    plain = analytic_gradient(net, x, t)
    names = net.spec.parameter_names
    vector = net.vector()
    expected = plain + np.array(
        [lam * v if not n.startswith("b") else 0.0 for n, v in zip(names, vector, strict=True)]
    )
    assert np.allclose(check.analytic, expected, rtol=1e-12, atol=1e-15)
    assert weight_decay_penalty(net.weights, lam) == pytest.approx(
        0.5 * lam * sum(float((w**2).sum()) for w in net.weights)
    )
    # Without the penalty in E the finite differences would disagree with it.
    assert gradient_check(net, x, t).analytic.tolist() == plain.tolist()


CASES = list(
    itertools.product(
        ("gd", "momentum", "nesterov", "adam"), ("simultaneous", "sequential"), (1, 4)
    )
)


def _decay_config(key, order, batch):
    optimizer = "gd" if key == "momentum" else key
    return TrainConfig(
        eta=0.02 if key == "adam" else 0.3,
        momentum=0.9 if key in ("momentum", "nesterov") else 0.0,
        batch_size=batch,
        optimizer=optimizer,
        update_order=order,
        weight_decay=0.03,
        seed=batch,
    )


@pytest.mark.parametrize(("key", "order", "batch"), CASES)
def test_step_machine_trainer_and_sweep_agree_with_decay(key, order, batch):
    net, x, t = _net(5)
    config = _decay_config(key, order, batch)
    stepped = Stepper(Trainer(net.copy(), x, t, config))
    for _ in range(5):
        stepped.full_step()
    fast = Trainer(net.copy(), x, t, config)
    assert fast.small_net() is None  # λ > 0: never the plain-float path
    fast.run(iterations=5)
    for a, b in zip(
        [*stepped.network.weights, *stepped.network.biases],
        [*fast.network.weights, *fast.network.biases],
        strict=True,
    ):
        assert np.array_equal(a, b)
    sweep = Sweep([net.copy(), net.copy()], x, t, config, etas=[config.eta, config.eta / 2])
    sweep.run(iterations=5)
    for a, b in zip(sweep.network(0).weights, fast.network.weights, strict=True):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-15)
    undecayed = Trainer(net.copy(), x, t, replace(config, weight_decay=0.0))
    undecayed.run(iterations=5)
    assert not np.array_equal(undecayed.network.weights[0], fast.network.weights[0])


def test_decay_shrinks_the_weights_and_can_be_changed_mid_run():
    net, x, t = _net(7)
    trainer = Trainer(net.copy(), x, t, TrainConfig(eta=0.5, batch_size=6))
    trainer.run(iterations=200)
    plain = sum(float((w**2).sum()) for w in trainer.network.weights)
    decayed = Trainer(net.copy(), x, t, TrainConfig(eta=0.5, batch_size=6, weight_decay=0.1))
    decayed.run(iterations=200)
    assert sum(float((w**2).sum()) for w in decayed.network.weights) < plain
    decayed.set_config(TrainConfig(eta=0.5, batch_size=6, weight_decay=0.0))
    assert decayed.optimizer is not None and decayed.optimizer.weight_decay == 0.0


# ------------------------------------------------------------------ early stopping
def _overfitting_trainer(patience: int, weight_decay: float = 0.0) -> Trainer:
    data = load_builtin("moons", n=100, noise=0.3, seed=5)
    train, validation, test = data.split_parts(0.3, 0.3, 1)
    assert validation is not None and test is not None
    spec = NetworkSpec.build([2, 32, 1], ["tanh", "sigmoid"], loss="half_sse")
    config = TrainConfig(
        optimizer="adam", eta=0.01, batch_size=40, seed=1, patience=patience,
        weight_decay=weight_decay,
    )  # fmt: skip
    return Trainer(
        initialize(spec, "xavier", seed=1),
        train.inputs,
        train.targets,
        config,
        validation_inputs=validation.inputs,
        validation_targets=validation.targets,
        test_inputs=test.inputs,
        test_targets=test.targets,
    )


def test_early_stopping_stops_patience_epochs_after_the_best_validation_error():
    trainer = _overfitting_trainer(patience=20)
    result = trainer.run(iterations=3000)
    assert result.early_stopped and not result.diverged
    errors = trainer.validation_errors.values()
    best = int(np.argmin(errors)) + 1
    assert trainer.best is not None and trainer.best[0] == best
    assert trainer.epoch == best + 20 == len(errors)
    assert errors[best:].min() >= errors[best - 1]  # none of the last 20 improved
    assert "validation error has not improved for 20 epochs" in result.stopped
    assert f"after epoch {best}" in result.stopped
    again = trainer.run(iterations=10)  # a new run is refused with the same reason
    assert again.iterations == 0 and again.early_stopped


def test_roll_back_uses_the_validation_error_when_there_is_one():
    trainer = _overfitting_trainer(patience=0)
    stepper = Stepper(trainer)
    stepper.run(iterations=300)
    best_epoch = int(np.argmin(trainer.validation_errors.values())) + 1
    stepper.roll_back_to_best()
    assert trainer.best is not None and trainer.best[0] == best_epoch
    assert trainer.evaluate(trainer.validation_inputs, trainer.validation_targets) == pytest.approx(
        trainer.validation_errors.values()[best_epoch - 1], rel=1e-12
    )
    stepper.step_back()
    assert len(trainer.validation_errors) == 300


def test_undo_cuts_the_validation_history_back():
    trainer = _overfitting_trainer(patience=0)
    stepper = Stepper(trainer)
    stepper.run(iterations=5)
    stepper.run(iterations=5)
    assert len(trainer.validation_errors) == 10
    stepper.step_back()
    assert len(trainer.validation_errors) == 5 == len(trainer.test_errors)
