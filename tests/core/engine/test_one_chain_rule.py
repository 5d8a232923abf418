"""The step machine, the fast trainer and a sweep compute the same training run.

The step machine and sweeps apply ``backprop``'s chain rule; the fast trainer writes
the same arithmetic out with every lookup hoisted, for speed. So every setting that
changes the arithmetic is checked here, in every combination: hidden and output
activation, error function (the cross-entropy shortcut δ = out − target included),
optimiser (gradient descent without and with momentum, Nesterov, Adam; and
Levenberg–Marquardt for the squared errors), update order, bias mode (one per layer,
one per neuron, frozen) and batch size (online, a divisor of the set, a non-divisor
leaving a partial last batch, the full batch).

Stepper and Trainer must agree bit for bit: they do the same operations on arrays
of the same shapes. A sweep stacks its runs (K × samples × neurons), and NumPy is
free to sum a stacked matrix product in another order than a single one, so a sweep
run is held to a relative 1e-12 of the run alone (on the machines tried so far it
agrees bit for bit too).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bpdesk.core.engine.activations import get_activation
from bpdesk.core.engine.backprop import output_delta
from bpdesk.core.engine.gradcheck import analytic_gradient
from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.losses import get_loss
from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.engine.sweep import Sweep
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.stepping.stepper import Stepper

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
OUTPUT = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax")
LOSSES = ("half_sse", "mse", "bce", "cce")
# name → (optimiser, η, α): "momentum" is gradient descent with α > 0; "/2" halves η.
OPTIMIZERS = {
    "gd": ("gd", 0.3, 0.0),
    "momentum": ("gd", 0.3, 0.9),
    "nesterov": ("nesterov", 0.2, 0.9),
    "adam": ("adam", 0.02, 0.0),
}
# Runs that share a sweep (a sweep's runs differ in η and α only), two to a sweep.
SWEEPS = (("gd", "momentum"), ("nesterov", "nesterov/2"), ("adam", "adam/2"))
ORDERS = ("simultaneous", "sequential")
BIASES = ("shared", "per_neuron", "frozen")
N_SAMPLES = 6
# Batch size → iterations: online; a divisor of 6; a non-divisor (a batch of 4, the
# partial last batch of 2, then a new shuffled epoch); the full batch (two epochs).
BATCHES = {1: 2, 2: 2, 4: 3, 6: 2}
SWEEP_RTOL = 1e-12


def _problem(hidden: str, output: str, loss: str, bias: str):
    spec = NetworkSpec.build([2, 3, 2], [hidden, output], loss=loss, shared_bias=bias == "shared")
    seed = HIDDEN.index(hidden) * 100 + OUTPUT.index(output) * 10 + LOSSES.index(loss)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N_SAMPLES, 2))
    t = np.eye(2)[rng.integers(0, 2, size=N_SAMPLES)]
    return initialize(spec, "uniform", seed=seed, r=0.8), x, t


def _config(key: str, order: str, batch_size: int, bias: str) -> TrainConfig:
    optimizer, eta, alpha = OPTIMIZERS[key.split("/")[0]]
    return TrainConfig(
        eta=eta / 2 if key.endswith("/2") else eta,
        momentum=alpha,
        batch_size=batch_size,
        optimizer=optimizer,
        update_order=order,
        train_biases=bias != "frozen",
        seed=batch_size,
    )


def _parameters(network: Network) -> list[np.ndarray]:
    return [*network.weights, *network.biases]


def _assert_equal(name: str, a: list[np.ndarray], b: list[np.ndarray]) -> None:
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x, y), name


def _assert_close(name: str, a: list[np.ndarray], b: list[np.ndarray]) -> None:
    for x, y in zip(a, b, strict=True):
        assert x.shape == y.shape, name
        assert np.all(np.abs(x - y) <= SWEEP_RTOL * np.abs(y)), name


def _stepped_and_fast(net: Network, x, t, config: TrainConfig, iterations: int, name: str):
    """The step machine pressing "Full step" ``iterations`` times and the fast trainer
    running as many iterations, from the same start: every number equal."""
    stepper = Stepper(Trainer(net.copy(), x, t, config), history_limit=1)
    first = stepper.full_step()
    for _ in range(iterations - 1):
        stepper.full_step()
    if config.update_order == "simultaneous":
        # The first step's gradients are backprop's (checked against finite differences).
        grads = [layer.grad_w.T.ravel() for layer in first.layers]
        grads += [layer.grad_b.ravel() for layer in first.layers]
        expected = analytic_gradient(net, first.inputs, first.targets)
        assert np.array_equal(np.concatenate(grads), expected), name
    fast = Trainer(net.copy(), x, t, config)
    fast.run(iterations=iterations)
    stepped = stepper.trainer
    _assert_equal(name, _parameters(stepped.network), _parameters(fast.network))
    _assert_equal(name, [stepped.iteration_errors.values()], [fast.iteration_errors.values()])
    _assert_equal(name, [stepped.epoch_errors.values()], [fast.epoch_errors.values()])
    assert (stepped.epoch, stepped.position) == (fast.epoch, fast.position), name
    assert np.isfinite(fast.iteration_errors.values()).all(), name
    if fast.lm is not None:
        assert stepped.lm is not None and stepped.lm.mu == fast.lm.mu, name
        return fast
    assert stepped.optimizer is not None and fast.optimizer is not None
    ours, theirs = stepped.optimizer.state(), fast.optimizer.state()
    assert ours.keys() == theirs.keys() and ours["t"] == theirs["t"], name
    for key in ours.keys() - {"t"}:
        _assert_equal(f"{name} {key}", ours[key], theirs[key])
    return fast


def _check_sweep(net: Network, x, t, configs: list[TrainConfig], alone: list[Trainer], name):
    """A sweep of one run per config against each run made alone."""
    sweep = Sweep(
        [net.copy() for _ in configs],
        x,
        t,
        configs[0],
        etas=[c.eta for c in configs],
        momenta=[c.momentum for c in configs],
    )
    sweep.run(iterations=len(alone[0].iteration_errors))
    for k, trainer in enumerate(alone):
        ours = [*_parameters(sweep.network(k)), sweep.errors()[:, k]]
        theirs = [*_parameters(trainer.network), trainer.iteration_errors.values()]
        _assert_close(f"{name} sweep run {k}", ours, theirs)


@pytest.mark.parametrize(
    ("hidden", "output", "loss"), list(itertools.product(HIDDEN, OUTPUT, LOSSES))
)
def test_stepper_trainer_and_sweep_compute_the_same_run(hidden, output, loss):
    for bias in BIASES:
        net, x, t = _problem(hidden, output, loss, bias)
        for keys, order, (batch_size, iterations) in itertools.product(
            SWEEPS, ORDERS, BATCHES.items()
        ):
            name = f"{hidden}/{output}/{loss} {order} bias {bias} batch {batch_size}"
            configs = [_config(key, order, batch_size, bias) for key in keys]
            stepped = _stepped_and_fast(net, x, t, configs[0], iterations, f"{name} {keys[0]}")
            if keys[1] in OPTIMIZERS:
                other = _stepped_and_fast(net, x, t, configs[1], iterations, f"{name} {keys[1]}")
            else:  # the same optimiser at half the rate: only the sweep's stacking is new
                other = Trainer(net.copy(), x, t, configs[1])
                other.run(iterations=iterations)
            _check_sweep(net, x, t, configs, [stepped, other], name)
        if get_loss(loss).squared_error:
            # Levenberg–Marquardt: simultaneous only, always the whole set, no sweeps.
            config = TrainConfig(optimizer="lm", train_biases=bias != "frozen")
            _stepped_and_fast(net, x, t, config, 2, f"{hidden}/{output}/{loss} lm {bias}")


def test_the_grid_covers_every_optimiser_and_batch_kind():
    assert {key.split("/")[0] for keys in SWEEPS for key in keys} == set(OPTIMIZERS)
    kinds = {"online": 1, "divisor": 2, "non-divisor": 4, "full": N_SAMPLES}
    assert set(BATCHES) == set(kinds.values())
    assert N_SAMPLES % kinds["divisor"] == 0 and N_SAMPLES % kinds["non-divisor"] != 0
    # The non-divisor's iterations reach its partial last batch and the next epoch.
    assert BATCHES[kinds["non-divisor"]] > -(-N_SAMPLES // kinds["non-divisor"])


@pytest.mark.parametrize(("loss", "activation"), [("bce", "sigmoid"), ("cce", "softmax")])
def test_the_cross_entropy_shortcut_is_the_chain_rule(loss, activation):
    # δ = out − target is ∂E/∂out · ∂out/∂net with the slopes cancelled out.
    rng = np.random.default_rng(4)
    loss_fn, act = get_loss(loss), get_activation(activation)
    net = rng.normal(size=(7, 3))
    out = act.f(net)
    target = np.eye(3)[rng.integers(0, 3, size=7)]
    assert loss_fn.canonical_activation == activation
    _, shortcut = output_delta(loss_fn, act, net, out, target)
    assert np.array_equal(shortcut, out - target)
    chain = act.backprop(net, out, loss_fn.grad(out, target))
    np.testing.assert_allclose(shortcut, chain, rtol=1e-12, atol=1e-15)
    # After another activation the same loss goes through the whole chain rule.
    other = get_activation("tanh")
    _, delta = output_delta(loss_fn, other, net, other.f(net), target)
    assert np.array_equal(
        delta, other.backprop(net, other.f(net), loss_fn.grad(other.f(net), target))
    )
