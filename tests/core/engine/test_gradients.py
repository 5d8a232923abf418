"""Backpropagated gradients agree with finite differences for every activation, loss, bias mode."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bpdesk.core.engine.gradcheck import analytic_gradient, gradient_check
from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
OUTPUT = {
    "half_sse": ["sigmoid", "tanh", "linear", "relu", "leaky_relu", "softmax"],
    "mse": ["sigmoid", "tanh", "linear", "leaky_relu", "softmax"],
    "bce": ["sigmoid", "softmax"],
    "cce": ["softmax", "sigmoid"],
}
CASES = [
    (hidden, out, loss, shared)
    for loss, outs in OUTPUT.items()
    for hidden, out, shared in itertools.product(HIDDEN, outs, (False, True))
]


def _problem(hidden: str, out: str, loss: str, shared: bool, seed: int):
    rng = np.random.default_rng(seed)
    spec = NetworkSpec.build([3, 4, 3, 3], [hidden, hidden, out], loss=loss, shared_bias=shared)
    net = initialize(spec, "uniform", seed=seed, r=0.8)
    x = rng.normal(size=(5, 3))
    if loss == "cce" or out == "softmax":
        t = np.eye(3)[rng.integers(0, 3, size=5)]
    else:
        t = rng.uniform(0.05, 0.95, size=(5, 3))
    return net, x, t


@pytest.mark.parametrize(("hidden", "out", "loss", "shared"), CASES)
def test_backprop_matches_finite_differences(hidden, out, loss, shared):
    net, x, t = _problem(hidden, out, loss, shared, seed=len(hidden) + len(out) + len(loss))
    check = gradient_check(net, x, t, h=1e-6)
    assert check.analytic.shape == (net.spec.n_parameters,)
    assert np.abs(check.analytic).max() > 1e-4  # a real gradient, not all zeros
    # Relative error per parameter; a floor keeps round-off of tiny gradients out of it.
    scale = np.maximum(np.maximum(np.abs(check.analytic), np.abs(check.numeric)), 1e-3)
    relative = np.abs(check.analytic - check.numeric) / scale
    assert relative.max() < 1e-6, dict(zip(check.names, relative, strict=True))


def test_gradient_check_catches_a_wrong_gradient(monkeypatch):
    net, x, t = _problem("tanh", "sigmoid", "half_sse", False, seed=3)
    honest = gradient_check(net, x, t)
    assert honest.worst < 1e-6

    def broken(network, inputs, target):
        return analytic_gradient(network, inputs, target) * 1.01

    monkeypatch.setattr("bpdesk.core.engine.gradcheck.analytic_gradient", broken)
    assert gradient_check(net, x, t).worst > 1e-3


def test_batch_gradient_is_the_mean_of_sample_gradients():
    net, x, t = _problem("sigmoid", "sigmoid", "half_sse", True, seed=9)
    whole = analytic_gradient(net, x, t)
    singles = [analytic_gradient(net, x[i : i + 1], t[i : i + 1]) for i in range(len(x))]
    np.testing.assert_allclose(whole, np.mean(singles, axis=0), rtol=1e-12, atol=1e-15)
