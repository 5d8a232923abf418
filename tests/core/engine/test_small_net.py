"""The plain-float path for small networks computes the NumPy path's run, bit for bit.

Every check compares a trainer that may take the small-network path (the default)
with one held to the NumPy path (``use_small_net = False``) and, where it is cheap
enough, with the step machine pressing "Full step": weights, biases, optimiser
memory, error histories and counters must be equal (``np.array_equal``), not close.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.small_net import MAX_PARAMETERS, plan_for, platform_agrees
from bpdesk.core.engine.small_net_source import numpy_sum
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.files.presets import PRESETS, get_preset
from bpdesk.core.stepping.stepper import Stepper

# name → (optimiser, η, α)
OPTIMIZERS = {
    "gd": ("gd", 0.5, 0.0),
    "momentum": ("gd", 0.5, 0.9),
    "nesterov": ("nesterov", 0.3, 0.9),
    "adam": ("adam", 0.05, 0.0),
}
ITERATIONS = 400
STEPPED = 25


def _state(trainer: Trainer) -> list[np.ndarray]:
    """Every number that decides what comes next, and the histories."""
    net, opt = trainer.network, trainer.optimizer
    assert opt is not None
    memory = [a for arrays in opt._arrays().values() for a in arrays]
    return [
        *net.weights,
        *net.biases,
        *memory,
        trainer.iteration_errors.values(),
        trainer.epoch_errors.values(),
        trainer.test_errors.values(),
        np.array([opt.t, trainer.epoch, trainer.iteration, trainer.position]),
        np.array([trainer.epoch_sum]),
        trainer.order,
    ]


def _assert_same(a: Trainer, b: Trainer, name: str) -> None:
    ours, theirs = _state(a), _state(b)
    assert len(ours) == len(theirs), name
    for x, y in zip(ours, theirs, strict=True):
        assert x.shape == y.shape and np.array_equal(x, y, equal_nan=True), name


def _pair(network, *args, **kwargs) -> tuple[Trainer, Trainer]:
    """A trainer that may take the small path and one held to the NumPy path, each on its
    own copy of ``network``."""
    fast = Trainer(network.copy(), *args, **kwargs)
    general = Trainer(network.copy(), *args, **kwargs)
    general.use_small_net = False
    return fast, general


def _preset_configs(name: str) -> list[tuple[str, TrainConfig]]:
    """The preset's own settings, then online learning with each optimiser and order."""
    base = get_preset(name).config
    configs = [("preset", base)]
    for (key, (optimizer, eta, alpha)), order in itertools.product(
        OPTIMIZERS.items(), ("simultaneous", "sequential")
    ):
        config = replace(
            base, optimizer=optimizer, eta=eta, momentum=alpha, batch_size=1, update_order=order
        )
        configs.append((f"{key} {order}", config))
    return configs


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_small_preset_runs_the_same_numbers_on_both_paths(preset):
    for label, config in _preset_configs(preset):
        p = get_preset(preset)
        for biases in (config.train_biases, not config.train_biases):
            cfg = replace(config, train_biases=biases)
            name = f"{preset} {label} biases {'trained' if biases else 'frozen'}"
            fast, general = _pair(p.network.copy(), p.inputs, p.targets, cfg)
            # Several runs of uneven length, as the app's Run button and animation do.
            for count in (1, 7, ITERATIONS):
                assert fast.run(iterations=count) == general.run(iterations=count), name
            _assert_same(fast, general, name)
            assert np.isfinite(fast.iteration_errors.values()).all(), name


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_the_step_machine_and_the_small_path_agree(preset):
    for label, config in _preset_configs(preset):
        p = get_preset(preset)
        stepper = Stepper(Trainer(p.network.copy(), p.inputs, p.targets, config), history_limit=1)
        for _ in range(STEPPED):
            stepper.full_step()
        fast = Trainer(p.network.copy(), p.inputs, p.targets, config)
        fast.run(iterations=STEPPED)
        _assert_same(stepper.trainer, fast, f"{preset} {label}")
        # Half a step by hand, then a run that finishes it, then steps again.
        stepper.step_phase("forward")
        stepper.run(iterations=50)
        stepper.full_step()
        fast.run(iterations=51)
        _assert_same(stepper.trainer, fast, f"{preset} {label} mixed")


def test_the_lecture_takes_the_small_path_where_the_platform_agrees():
    trainer = get_preset("lecture").trainer()
    plan = plan_for(trainer.network.spec, trainer.config, trainer.n_samples)
    assert plan is not None
    if not platform_agrees(plan, Trainer):
        pytest.skip("this platform's NumPy adds products in another order than plain floats")
    assert trainer.small_net() is not None
    trainer.use_small_net = False
    assert trainer.small_net() is None


def _spec(sizes, activations="sigmoid", loss="half_sse") -> NetworkSpec:
    return NetworkSpec.build(sizes, activations, loss=loss)


@pytest.mark.parametrize(
    ("spec", "config"),
    [
        (_spec([8, 8, 4]), TrainConfig(batch_size=1)),  # too many parameters
        (_spec([2, 2, 1]), TrainConfig(batch_size=2)),  # more than one sample per batch
        (_spec([2, 2, 1], "tanh"), TrainConfig(batch_size=1)),
        (_spec([2, 3, 2], ["sigmoid", "softmax"], "cce"), TrainConfig(batch_size=1)),
        (_spec([2, 2, 1], ["sigmoid", "linear"], "bce"), TrainConfig(batch_size=1)),
        (_spec([2, 2, 1]), TrainConfig(optimizer="lm")),
    ],
)
def test_other_networks_and_settings_take_the_numpy_path(spec, config):
    x = np.random.default_rng(0).normal(size=(4, spec.n_inputs))
    t = np.full((4, spec.sizes[-1]), 0.5)
    trainer = Trainer(initialize(spec, seed=1), x, t, config)
    assert plan_for(spec, trainer.config, trainer.n_samples) is None
    assert trainer.small_net() is None
    # and a network just within the limit may take it
    assert _spec([2, 2, 1]).n_parameters <= MAX_PARAMETERS < _spec([8, 8, 4]).n_parameters


SHAPES = ([1, 1], [2, 2, 2], [3, 2, 1], [2, 3, 3, 2], [3, 3, 3])
ACTIVATIONS = ("sigmoid", "linear", "relu", "leaky_relu")


@pytest.mark.parametrize("sizes", SHAPES)
def test_small_shapes_with_every_supported_setting(sizes):
    rng = np.random.default_rng(len(sizes) * 10 + sizes[0])
    x = rng.normal(size=(5, sizes[0]))
    t = rng.uniform(0.05, 0.95, size=(5, sizes[-1]))
    n_layers = len(sizes) - 1
    combos = itertools.product(ACTIVATIONS, ("half_sse", "mse", "bce"), OPTIMIZERS, (True, False))
    for hidden, loss, key, shared in combos:
        output = "sigmoid" if loss == "bce" else hidden
        acts = [hidden] * (n_layers - 1) + [output]
        spec = NetworkSpec.build(sizes, acts, loss=loss, shared_bias=shared)
        optimizer, eta, alpha = OPTIMIZERS[key]
        config = TrainConfig(
            eta=eta / 5, momentum=alpha, optimizer=optimizer, batch_size=1, seed=3,
            update_order="sequential" if shared else "simultaneous",
        )  # fmt: skip
        net = initialize(spec, "uniform", seed=7, r=1.0)
        fast, general = _pair(net.copy(), x, t, config, test_inputs=x, test_targets=t)
        assert fast.run(epochs=12) == general.run(epochs=12)
        _assert_same(fast, general, f"{sizes} {acts} {loss} {key} shared {shared}")
        assert fast.best is not None and general.best is not None
        assert fast.best[:2] == general.best[:2]


def test_divergence_stops_both_paths_at_the_same_weights():
    spec = NetworkSpec.build([2, 2, 1], "linear")
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    t = np.array([[1.0], [0.0]])
    config = TrainConfig(eta=1e5, batch_size=1, shuffle=False)
    fast, general = _pair(initialize(spec, seed=2), x, t, config)
    result = fast.run(iterations=1000)
    assert result == general.run(iterations=1000)
    assert result.diverged and fast.diverged == general.diverged
    _assert_same(fast, general, "diverged")
    assert fast.network.is_finite()
    ours, theirs = _previous_of(fast), _previous_of(general)
    for a, b in zip([*ours[0], *ours[1]], [*theirs[0], *theirs[1]], strict=True):
        assert np.array_equal(a, b)


def _previous_of(trainer: Trainer):
    """The weights a diverging run would return to."""
    pending = trainer._pending_previous
    return pending() if pending is not None else trainer._previous


def test_a_run_that_ends_in_infinite_weights_goes_back_alike():
    # ReLU keeps the error finite while the weights run off to infinity in a few steps.
    spec = NetworkSpec.build([1, 1, 1], ["relu", "linear"])
    x, t = np.array([[1.0], [2.0]]), np.array([[0.0], [1e300]])
    for count in (1, 3, 40):
        fast, general = _pair(initialize(spec, seed=4), x, t, TrainConfig(eta=1.0, batch_size=1))
        assert fast.run(iterations=count) == general.run(iterations=count), count
        _assert_same(fast, general, f"{count} iterations")
        for a, b in zip(_previous_of(fast), _previous_of(general), strict=True):
            assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
    # A saturated sigmoid keeps the error finite while a weight has become infinite.
    spec = NetworkSpec.build([1, 1], "sigmoid")
    net = initialize(spec, seed=0)
    net.set("w1", 1e-308)
    x, t = np.array([[1e308]]), np.array([[0.0]])
    for count in (1, 2, 5):
        fast, general = _pair(net, x, t, TrainConfig(eta=1e6, batch_size=1))
        result = fast.run(iterations=count)
        assert result == general.run(iterations=count), count
        assert result.diverged, count
        _assert_same(fast, general, f"saturated, {count} iterations")
    # a later run on the NumPy path starts from the same place
    fast.use_small_net = False
    assert fast.run(iterations=5) == general.run(iterations=5)
    _assert_same(fast, general, "then NumPy")


def test_epoch_and_target_limits_stop_both_paths_alike():
    p = get_preset("xor")
    config = replace(p.config, batch_size=1, shuffle=True, momentum=0.5)
    for limits in ({"epochs": 30}, {"target_error": 0.2}, {"iterations": 90, "epochs": 10}):
        fast, general = _pair(p.network.copy(), p.inputs, p.targets, config)
        fast.run(iterations=3)  # mid-epoch
        general.run(iterations=3)
        result = fast.run(**limits)
        assert result == general.run(**limits), limits
        assert result.stopped and not result.diverged
        _assert_same(fast, general, str(limits))


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 64, 127, 128, 129, 200, 300])
def test_numpy_sum_adds_in_the_order_ndarray_sum_does(n):
    rng = np.random.default_rng(n)
    for _ in range(50):
        values = rng.normal(size=n) * 10.0 ** rng.integers(-8, 8, size=n)
        names = [f"v{i}" for i in range(n)]
        scope = dict(zip(names, values.tolist(), strict=True))
        assert eval(numpy_sum(names), {}, scope) == values.sum()


def test_numbers_of_an_overflowing_sigmoid_are_numpys():
    spec = NetworkSpec.build([1, 1], "sigmoid")
    x = np.array([[1.0]])
    for w in (-800.0, 800.0, -710.0):
        net = initialize(spec, seed=0)
        net.set("w1", w)
        fast, general = _pair(net.copy(), x, np.array([[0.5]]), TrainConfig(batch_size=1))
        assert fast.run(iterations=5) == general.run(iterations=5)
        _assert_same(fast, general, f"w1 = {w}")
        assert math.isfinite(fast.iteration_errors.last())
