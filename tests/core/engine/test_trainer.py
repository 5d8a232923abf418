"""Training: momentum, batches and epochs, update orders, optimisers, sweeps and divergence."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.engine.sweep import Sweep
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.errors import ConfigError
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.stepper import Stepper


def _one_weight(w: float = 0.5) -> Network:
    """A single linear neuron out = w·x (bias frozen at 0): gradients easy by hand."""
    spec = NetworkSpec.build([1, 1], "linear", loss="half_sse")
    return Network(spec, [np.array([[w]])], [np.zeros((1, 1))])


def test_momentum_follows_the_lecture_rule_by_hand():
    # E = ½ (t − w x)², ∂E/∂w = −(t − w x) x.  Δw(t) = −η ∂E/∂w + α Δw(t−1).
    x, t, eta, alpha = 2.0, 1.0, 0.1, 0.5
    trainer = Trainer(
        _one_weight(0.5),
        [[x]],
        [[t]],
        TrainConfig(eta=eta, momentum=alpha, train_biases=False, shuffle=False),
    )
    w, previous = 0.5, 0.0
    for _ in range(4):
        grad = -(t - w * x) * x
        delta = -eta * grad + alpha * previous
        w, previous = w + delta, delta
        trainer.run(iterations=1)
        assert trainer.network.get("w1") == pytest.approx(w, rel=1e-14)


def test_trace_shows_the_momentum_term_and_delta():
    stepper = Stepper(
        Trainer(
            _one_weight(0.5),
            [[2.0]],
            [[1.0]],
            TrainConfig(eta=0.1, momentum=0.5, train_biases=False),
        )
    )
    first = stepper.full_step().named_values()
    second = stepper.full_step().named_values()
    assert first["momentum_w1"] == 0.0
    assert second["momentum_w1"] == pytest.approx(0.5 * first["Δw1"], rel=1e-14)
    expected = -0.1 * second["dE_total/dw1"] + 0.5 * first["Δw1"]
    assert second["Δw1"] == pytest.approx(expected, rel=1e-14)
    assert second["w1+"] == pytest.approx(second["w1"] + second["Δw1"], rel=1e-14)


def test_batches_iterations_and_epochs_as_the_lecture_defines_them():
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(10, 1)), rng.normal(size=(10, 1))
    trainer = Trainer(_one_weight(), x, t, TrainConfig(eta=0.01, batch_size=3, seed=4))
    assert trainer.iterations_per_epoch == 4  # ⌈10 / 3⌉: 3 + 3 + 3 + 1
    sizes = []
    for _ in range(4):
        sizes.append(len(trainer.batch_indices()))
        trainer.run(iterations=1)
    assert sizes == [3, 3, 3, 1]
    assert (trainer.epoch, trainer.position, trainer.iteration) == (1, 0, 4)
    trainer.run(epochs=2)
    assert (trainer.epoch, trainer.iteration) == (3, 12)
    assert len(trainer.iteration_errors) == 12 and len(trainer.epoch_errors) == 3
    # 1000 examples with batch size 20 make 50 iterations per epoch.
    big = Trainer(
        _one_weight(), np.zeros((1000, 1)), np.zeros((1000, 1)), TrainConfig(batch_size=20)
    )
    assert big.iterations_per_epoch == 50


def test_each_epoch_visits_every_sample_once_in_a_seeded_order():
    x = np.arange(7.0).reshape(7, 1)
    orders = []
    for _ in range(2):
        trainer = Trainer(_one_weight(), x, x, TrainConfig(eta=0.001, batch_size=2, seed=11))
        seen = []
        for _ in range(trainer.iterations_per_epoch):
            seen += list(trainer.batch_indices())
            trainer.run(iterations=1)
        assert sorted(seen) == list(range(7))
        orders.append(seen)
    assert orders[0] == orders[1]
    other = Trainer(_one_weight(), x, x, TrainConfig(eta=0.001, batch_size=2, seed=12))
    assert list(other.batch_indices()) != orders[0][:2] or list(other.order) != orders[0]


def test_epoch_error_is_the_sample_weighted_mean_of_its_batches():
    rng = np.random.default_rng(1)
    x, t = rng.normal(size=(5, 1)), rng.normal(size=(5, 1))
    trainer = Trainer(_one_weight(), x, t, TrainConfig(eta=0.05, batch_size=2, seed=2))
    trainer.run(epochs=1)
    batches = trainer.iteration_errors.values()
    expected = (batches[0] * 2 + batches[1] * 2 + batches[2] * 1) / 5
    assert trainer.epoch_errors.values()[0] == pytest.approx(expected, rel=1e-14)


def test_sequential_order_uses_already_updated_weights_below():
    eta = 0.5
    orders = {}
    for order in ("simultaneous", "sequential"):
        preset = get_preset("lecture")
        config = replace(preset.config, update_order=order)
        stepper = Stepper(Trainer(preset.network.copy(), preset.inputs, preset.targets, config))
        orders[order] = stepper.full_step()
    simul, seq = orders["simultaneous"], orders["sequential"]
    # The output layer is computed and updated identically in both orders...
    assert np.array_equal(simul.layers[1].w_after, seq.layers[1].w_after)
    assert np.array_equal(simul.layers[0].net, seq.layers[0].net)  # forward not recomputed
    # ...but the hidden δ in the sequential order is passed back through the NEW w5…w8.
    out_h, delta_o = seq.layers[0].out, seq.layers[1].delta
    w_new = seq.layers[1].w_after
    delta_h = (delta_o @ w_new.T) * out_h * (1 - out_h)
    expected = seq.layers[0].w_before - eta * (seq.inputs.T @ delta_h)
    np.testing.assert_allclose(seq.layers[0].w_after, expected, rtol=1e-14)
    assert not np.allclose(seq.layers[0].w_after, simul.layers[0].w_after, rtol=1e-9, atol=0)
    # The sequential order lists each layer's update right after its backward pass.
    kinds = [(op.kind, op.layer) for op in seq.ops if op.kind in ("backward", "update")]
    assert kinds == [("backward", 1)] * 2 + [("update", 1)] + [("backward", 0)] * 2 + [
        ("update", 0)
    ]


def test_sequential_trainer_matches_sequential_stepper():
    preset = get_preset("xor")
    config = replace(preset.config, update_order="sequential")
    stepper = Stepper(Trainer(preset.network.copy(), preset.inputs, preset.targets, config))
    fast = Trainer(preset.network.copy(), preset.inputs, preset.targets, config)
    for _ in range(5):
        stepper.full_step()
    fast.run(iterations=5)
    assert np.array_equal(stepper.network.vector(), fast.network.vector())


def _state(stepper: Stepper):
    t = stepper.trainer
    return (
        [w.copy() for w in t.network.weights] + [b.copy() for b in t.network.biases],
        t.optimizer.state() if t.optimizer else {},
        (t.epoch, t.iteration, t.position, t.epoch_sum),
        t.order.copy(),
        t.rng.bit_generator.state,
        t.iteration_errors.values(),
        stepper.done,
    )


def _assert_same(a, b):
    for x, y in zip(a[0], b[0], strict=True):
        assert np.array_equal(x, y)
    for key in a[1]:
        if key != "t":
            for x, y in zip(a[1][key], b[1][key], strict=True):
                assert np.array_equal(x, y)
    assert a[2] == b[2] and np.array_equal(a[3], b[3]) and a[4] == b[4]
    assert np.array_equal(a[5], b[5]) and a[6] == b[6]


def test_stepping_back_restores_each_state_bit_for_bit():
    preset = get_preset("xor")
    config = replace(preset.config, batch_size=2, momentum=0.9, optimizer="adam", eta=0.05)
    stepper = Stepper(Trainer(preset.network.copy(), preset.inputs, preset.targets, config))
    states = [_state(stepper)]
    traces = [stepper.trace().named_values()]
    rng = np.random.default_rng(5)
    for _ in range(1200):
        action = rng.integers(0, 3)
        if action == 0:
            stepper.step_op()
        elif action == 1:
            stepper.step_phase()
        else:
            stepper.full_step()
        states.append(_state(stepper))
        traces.append(stepper.trace().named_values())
    assert stepper.undo_depth == 1200
    for k in range(1199, 1199 - 1000, -1):
        stepper.step_back()
        _assert_same(_state(stepper), states[k])
        now = stepper.trace().named_values()
        assert now.keys() == traces[k].keys()
        assert all(
            (math.isnan(now[n]) and math.isnan(traces[k][n])) or now[n] == traces[k][n] for n in now
        )


def test_reset_returns_to_the_start():
    stepper = Stepper(get_preset("lecture").trainer())
    start = _state(stepper)
    stepper.full_step()
    stepper.run(iterations=50)
    stepper.step_op()
    stepper.reset()
    _assert_same(_state(stepper), start)
    assert not stepper.can_step_back


def test_editing_a_weight_mid_step_replays_the_forward_pass():
    stepper = Stepper(get_preset("lecture").trainer())
    before = stepper.step_phase("forward").named_values()
    after = stepper.set_parameter("w1", 0.9).named_values()
    assert stepper.next_phase == "backward"
    assert after["net_h1"] == pytest.approx(0.9 * 0.05 + 0.2 * 0.1 + 0.35, abs=1e-15)
    assert after["net_h2"] == before["net_h2"]
    assert after["E_total"] != before["E_total"]
    stepper.step_back()
    assert stepper.trace().named_values()["net_h1"] == before["net_h1"]


def test_levenberg_marquardt_beats_gradient_descent_on_xor():
    preset = get_preset("xor")
    errors = {}
    for optimizer in ("gd", "lm"):
        config = replace(preset.config, optimizer=optimizer, momentum=0.0, batch_size=4)
        trainer = Trainer(preset.network.copy(), preset.inputs, preset.targets, config)
        trainer.run(iterations=100)
        errors[optimizer] = trainer.evaluate()
    assert errors["lm"] < errors["gd"] / 10


def test_levenberg_marquardt_reports_its_damping_and_rejections():
    preset = get_preset("xor")
    config = replace(preset.config, optimizer="lm")
    stepper = Stepper(Trainer(preset.network.copy(), preset.inputs, preset.targets, config))
    traces = [stepper.full_step() for _ in range(20)]
    assert all(t.lm is not None for t in traces)
    accepted = [t.lm for t in traces if t.lm.accepted]
    assert accepted and all(r.error_after < r.error_before for r in accepted)
    for t in traces:
        # μ grows tenfold per rejected trial and shrinks tenfold after the accepted one.
        expected = t.lm.mu_before * 10.0**t.lm.rejected
        if t.lm.accepted:
            expected = max(expected / 10.0, 1e-15)
        assert t.lm.mu_after == pytest.approx(expected, rel=1e-9)


def test_levenberg_marquardt_refuses_large_networks_and_cross_entropy():
    big = NetworkSpec.build([64, 32, 10], "sigmoid")
    net = initialize(big, seed=0)
    with pytest.raises(ConfigError, match="parameters"):
        Trainer(net, np.zeros((2, 64)), np.zeros((2, 10)), TrainConfig(optimizer="lm"))
    spec = NetworkSpec.build([2, 2, 1], "sigmoid", loss="bce")
    with pytest.raises(ConfigError, match="squared"):
        Trainer(initialize(spec), np.zeros((2, 2)), np.zeros((2, 1)), TrainConfig(optimizer="lm"))


@pytest.mark.parametrize("optimizer", ["gd", "nesterov", "adam"])
def test_optimisers_reduce_the_error_on_xor(optimizer):
    preset = get_preset("xor")
    eta = 0.05 if optimizer == "adam" else 0.5
    config = replace(preset.config, optimizer=optimizer, eta=eta, momentum=0.9)
    trainer = Trainer(preset.network.copy(), preset.inputs, preset.targets, config)
    start = trainer.evaluate()
    trainer.run(epochs=300)
    assert trainer.evaluate() < start * 0.9


def test_adam_first_step_by_hand():
    trainer = Trainer(
        _one_weight(0.5),
        [[2.0]],
        [[1.0]],
        TrainConfig(eta=0.1, optimizer="adam", train_biases=False),
    )
    grad = -(1.0 - 0.5 * 2.0) * 2.0
    trainer.run(iterations=1)
    m_hat, v_hat = grad, grad * grad  # bias-corrected first step
    expected = 0.5 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert trainer.network.get("w1") == pytest.approx(expected, rel=1e-14)


def test_sweep_runs_equal_the_same_runs_alone():
    rng = np.random.default_rng(3)
    spec = NetworkSpec.build([2, 6, 1], ["tanh", "sigmoid"])
    x = rng.normal(size=(40, 2))
    t = (x[:, :1] * x[:, 1:] > 0).astype(float)
    nets = [initialize(spec, "xavier", seed=s) for s in range(4)]
    etas = [0.05, 0.2, 0.8, 3.0]
    config = TrainConfig(batch_size=8, momentum=0.5, seed=7)
    sweep = Sweep(nets, x, t, config, etas=etas)
    sweep.run(epochs=10)
    for k in range(4):
        alone = Trainer(nets[k].copy(), x, t, replace(config, eta=etas[k]))
        alone.run(epochs=10)
        np.testing.assert_allclose(
            sweep.network(k).vector(), alone.network.vector(), rtol=1e-12, atol=1e-14
        )
        np.testing.assert_allclose(
            sweep.errors()[:, k], alone.iteration_errors.values(), rtol=1e-12
        )


def test_divergence_stops_with_a_reason_and_keeps_finite_weights():
    spec = NetworkSpec.build([1, 4, 1], "linear", loss="mse")
    net = initialize(spec, seed=0)
    x = np.linspace(-3, 3, 20).reshape(-1, 1)
    trainer = Trainer(net, x, 5 * x, TrainConfig(eta=50.0, batch_size=20))
    result = trainer.run(iterations=10_000)
    assert result.diverged and result.iterations < 10_000
    assert "diverged" in result.stopped and "η = 50" in result.stopped
    assert trainer.network.is_finite()
    assert np.isfinite(trainer.iteration_errors.values()).all()


def test_diverging_sweep_member_is_frozen_while_others_train():
    spec = NetworkSpec.build([1, 3, 1], "linear", loss="mse")
    nets = [initialize(spec, seed=1)] * 2
    x = np.linspace(-2, 2, 10).reshape(-1, 1)
    sweep = Sweep(nets, x, 2 * x, TrainConfig(batch_size=10), etas=[0.01, 100.0])
    sweep.run(iterations=2000)
    assert sweep.diverged_at[0] == -1 and sweep.diverged_at[1] >= 0
    assert sweep.network(1).is_finite()
    assert sweep.evaluate()[0] < 1e-3


def test_target_error_stops_training():
    trainer = get_preset("lecture").trainer()
    result = trainer.run(epochs=100_000, target_error=0.01)
    assert "target error" in result.stopped
    assert trainer.epoch_errors.last() <= 0.01 < trainer.epoch_errors.values()[-2]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"eta": 0.0}, "learning rate"),
        ({"eta": float("nan")}, "learning rate"),
        ({"eta": 1e9}, "learning rate"),
        ({"momentum": 1.0}, "momentum"),
        ({"batch_size": 0}, "batch size"),
        ({"optimizer": "sgd2"}, "optimiser"),
        ({"update_order": "random"}, "update order"),
        ({"optimizer": "lm", "update_order": "sequential"}, "sequential"),
    ],
)
def test_bad_settings_are_refused_in_words(change, words):
    with pytest.raises(ConfigError, match=words):
        replace(TrainConfig(), **change).validated()


def test_initialisation_is_seeded():
    spec = NetworkSpec.build([4, 8, 3], "relu")
    for method in ("uniform", "xavier", "he"):
        a, b = initialize(spec, method, seed=5), initialize(spec, method, seed=5)
        c = initialize(spec, method, seed=6)
        assert np.array_equal(a.vector(), b.vector())
        assert not np.array_equal(a.vector(), c.vector())
    r = initialize(spec, "uniform", seed=1, r=0.1).vector()
    assert np.abs(r).max() <= 0.1


def test_names_follow_the_lecture_and_a_systematic_scheme():
    lecture = get_preset("lecture").network.spec
    assert lecture.parameter_names == ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2")
    assert lecture.ref("w2").row == 1 and lecture.ref("w2").col == 0  # i2 → h1
    assert lecture.ref("w7").row == 0 and lecture.ref("w7").col == 1  # h1 → o2
    deep = NetworkSpec.build([2, 3, 3, 1], "tanh")
    assert deep.neuron_names(1) == ("h1.1", "h1.2", "h1.3")
    assert deep.neuron_names(3) == ("o1",)
    assert (
        "b_h2.3" in deep.parameter_names
        and "w18" in deep.parameter_names
        and "w19" not in deep.parameter_names
    )
    assert len(set(deep.parameter_names)) == deep.n_parameters
