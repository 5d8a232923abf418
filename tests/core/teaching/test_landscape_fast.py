"""The error landscape's shared-work path gives, at every grid point, the error of the network
with those two values put in (the per-point definition), for every kind of layer and pair."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.errors import ConfigError
from bpdesk.core.files.documents import open_source
from bpdesk.core.teaching import landscape
from bpdesk.core.teaching.landscape import error_grid

NETWORKS = {
    "sigmoid, ½ SSE, shared biases": ([2, 3, 2, 2], ["sigmoid"] * 3, "half_sse", True),
    "tanh + relu, softmax, CCE": ([2, 3, 2, 3], ["tanh", "relu", "softmax"], "cce", False),
    "leaky relu, linear, MSE": ([2, 3, 2], ["leaky_relu", "linear"], "mse", False),
    "sigmoid, binary cross-entropy": ([3, 2, 1], ["sigmoid", "sigmoid"], "bce", True),
}  # fmt: skip


def per_point(net: Network, x, t, first: str, second: str, xs, ys) -> np.ndarray:
    """The definition: the error with first = xs[c] and second = ys[r], one point at a time."""
    errors = np.empty((len(ys), len(xs)))
    probe = net.copy()
    for (r, y), (c, v) in itertools.product(enumerate(ys), enumerate(xs)):
        probe.set(first, v)
        probe.set(second, y)
        errors[r, c] = probe.error(x, t)
    return errors


def problem(key: str):
    sizes, acts, loss, shared = NETWORKS[key]
    spec = NetworkSpec.build(sizes, acts, loss=loss, shared_bias=shared)
    rng = np.random.default_rng(len(key))
    x = rng.normal(size=(5, sizes[0]))
    if loss == "cce":
        t = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 5)]
    else:
        t = rng.uniform(0.05, 0.95, size=(5, sizes[-1]))
    return initialize(spec, "uniform", seed=4, r=1.0), x, t


@pytest.mark.parametrize("key", list(NETWORKS))
def test_every_pair_of_parameters_matches_the_per_point_error(key):
    net, x, t = problem(key)
    names = net.spec.parameter_names
    for first, second in itertools.combinations(names, 2):
        grid = error_grid(net, x, t, first, second, span=1.5, size=3)
        expected = per_point(net, x, t, first, second, grid.xs, grid.ys)
        np.testing.assert_allclose(
            grid.errors, expected, rtol=1e-11, atol=1e-14, err_msg=f"{first} × {second}"
        )


def test_the_paths_are_all_taken():
    """The grid above reaches both ways through the first layer it changes."""
    net, x, t = problem("sigmoid, ½ SSE, shared biases")
    spec = net.spec
    narrow = landscape._GridPlan(net, x, t, ["w1", "w2"])  # one hidden neuron changes
    assert narrow.narrow and narrow.cols == [0]
    whole = landscape._GridPlan(net, x, t, ["b1", "w2"])  # the shared bias moves them all
    assert not whole.narrow and whole.cols == list(range(spec.sizes[1]))
    output = landscape._GridPlan(net, x, t, ["w15", "w16"])  # the output layer: no layer above
    assert output.first == spec.n_layers - 1 and not output.narrow


def test_a_grid_cut_into_many_slices_is_the_same_grid(monkeypatch):
    net, x, t = problem("tanh + relu, softmax, CCE")
    whole = error_grid(net, x, t, "w3", "w8", span=1.0, size=9)
    monkeypatch.setattr(landscape, "_CHUNK_FLOATS", 1)  # one setting per slice
    sliced = error_grid(net, x, t, "w3", "w8", span=1.0, size=9)
    np.testing.assert_array_equal(whole.errors, sliced.errors)


def test_the_centre_of_the_grid_is_the_current_error():
    trainer = open_source("spirals").trainer
    net = trainer.network
    grid = error_grid(net, trainer.inputs, trainer.targets, "w5", "w6", span=2.0, size=7)
    assert grid.errors[3, 3] == pytest.approx(trainer.evaluate(), rel=1e-13)
    expected = per_point(net, trainer.inputs, trainer.targets, "w5", "w6", grid.xs[::3], grid.ys)
    np.testing.assert_allclose(grid.errors[:, ::3], expected, rtol=1e-11)


def test_a_grid_run_in_pieces_is_the_grid_in_one_go():
    net, x, t = problem("tanh + relu, softmax, CCE")
    whole = error_grid(net, x, t, "w2", "b_h1.2", span=1.0, size=7)
    run = landscape.GridRun(net, x, t, "w2", "b_h1.2", span=1.0, size=7)
    assert run.total == 49 and run.done == 0 and not run.finished
    net.set("w2", 5.0)  # the run keeps the weights it started from
    assert run.advance(0) == 1  # at least one point while any is left
    assert run.advance(10) == 10 and run.done == 11
    partial = run.result()
    assert np.isnan(partial.errors).sum() == 49 - 11
    np.testing.assert_array_equal(partial.errors.ravel()[:11], whole.errors.ravel()[:11])
    while not run.finished:
        run.advance(13)
    assert run.done == 49 and run.advance(5) == 0
    np.testing.assert_array_equal(run.result().errors, whole.errors)
    assert run.result().centre == whole.centre


def test_a_grid_run_refuses_what_error_grid_refuses():
    net, x, t = problem("leaky relu, linear, MSE")
    for kwargs in ({"size": 2}, {"size": 402}, {"span": 0.0}, {"span": float("nan")}):
        with pytest.raises(ConfigError):
            landscape.GridRun(net, x, t, "w1", "w2", **kwargs)
    with pytest.raises(ConfigError):
        landscape.GridRun(net, x, t, "w1", "w1")
