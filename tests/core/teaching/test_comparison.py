"""Side-by-side runs: each run is exactly the run a single trainer would make."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.errors import ConfigError
from bpdesk.core.files.presets import get_preset
from bpdesk.core.teaching.comparison import (
    DEFAULT_OPTIONS,
    KINDS,
    Comparison,
    error_histogram,
    parse_options,
)

RTOL = 1e-12


def _alone(network, inputs, targets, config, iterations):
    """The error history of one trainer on its own."""
    trainer = Trainer(network.copy(), inputs, targets, config)
    trainer.run(iterations=iterations)
    return trainer.iteration_errors.values()


def _diverging_problem():
    """A tanh–linear network on XOR whose error blows up for a large η."""
    spec = NetworkSpec.build([2, 3, 1], ["tanh", "linear"], loss="mse")
    network = initialize(spec, "xavier", seed=1)
    inputs = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    targets = np.array([[0.0], [1.0], [1.0], [0.0]])
    return network, inputs, targets, TrainConfig(eta=0.1, batch_size=4)


def test_each_learning_rate_run_equals_a_trainer_with_that_rate():
    preset = get_preset("xor")
    config = replace(preset.config, batch_size=1, shuffle=True, seed=7)  # batches matter here
    rates = (0.01, 0.5, 5.0, 50.0)
    comparison = Comparison(preset.network, preset.inputs, preset.targets, config, "eta", rates)
    comparison.advance(7)
    comparison.advance(293)  # chunks do not change the runs
    assert comparison.iterations_done == 300
    assert comparison.labels() == ["η = 0.01", "η = 0.5", "η = 5", "η = 50"]
    curves = comparison.curves()
    assert len(curves) == 4
    for rate, curve in zip(rates, curves, strict=True):
        alone = _alone(
            preset.network, preset.inputs, preset.targets, replace(config, eta=rate), 300
        )
        np.testing.assert_allclose(curve, alone, rtol=RTOL)
    assert comparison.diverged() == [False] * 4


def test_the_network_given_is_left_alone():
    preset = get_preset("xor")
    before = preset.network.values()
    comparison = Comparison(preset.network, preset.inputs, preset.targets, preset.config, "eta")
    comparison.advance(50)
    assert preset.network.values() == before


def test_a_divergent_rate_is_reported_and_its_curve_stops():
    network, inputs, targets, config = _diverging_problem()
    comparison = Comparison(network, inputs, targets, config, "eta", [0.1, 1000.0])
    comparison.advance(300)
    assert comparison.diverged() == [False, True]
    steady, blown = comparison.curves()
    assert steady.size == 300
    assert 0 < blown.size < 300
    assert np.isfinite(blown).all()
    alone = _alone(network, inputs, targets, replace(config, eta=1000.0), 300)
    np.testing.assert_allclose(blown, alone, rtol=RTOL)
    finals = comparison.final_errors()
    assert np.isfinite(finals[0]) and np.isnan(finals[1])


def test_momentum_on_and_off_match_single_trainers():
    preset = get_preset("xor")
    config = replace(preset.config, momentum=0.0)
    comparison = Comparison(preset.network, preset.inputs, preset.targets, config, "momentum")
    assert comparison.labels() == ["α = 0", "α = 0.9"]
    comparison.advance(200)
    for alpha, curve in zip((0.0, 0.9), comparison.curves(), strict=True):
        alone = _alone(
            preset.network, preset.inputs, preset.targets, replace(config, momentum=alpha), 200
        )
        np.testing.assert_allclose(curve, alone, rtol=RTOL)
    with_momentum = Comparison(
        preset.network, preset.inputs, preset.targets, config, "momentum", 0.5
    )
    assert with_momentum.labels() == ["α = 0", "α = 0.5"]


def test_levenberg_marquardt_ends_lower_than_gradient_descent_on_xor():
    preset = get_preset("xor")
    comparison = Comparison(
        preset.network, preset.inputs, preset.targets, preset.config, "optimizer"
    )
    assert comparison.labels() == ["GD", "Levenberg–Marquardt"]
    comparison.advance(100)
    gd, lm = comparison.curves()
    assert gd.size == lm.size == 100
    assert gd[0] == pytest.approx(lm[0], rel=RTOL)  # the same starting weights
    assert lm[-1] < gd[-1]
    finals = comparison.final_errors()
    assert finals[1] < finals[0]


def test_levenberg_marquardt_is_refused_in_words_where_it_cannot_run():
    spec = NetworkSpec.build([2, 2, 1], "sigmoid", loss="bce")
    network = initialize(spec, "uniform", seed=0)
    preset = get_preset("xor")
    with pytest.raises(ConfigError, match="Levenberg–Marquardt works on squared errors"):
        Comparison(network, preset.inputs, preset.targets, preset.config, "optimizer")
    big = initialize(NetworkSpec.build([2, 30, 30, 1], "sigmoid"), "uniform", seed=0)
    with pytest.raises(ConfigError, match="parameters"):
        Comparison(big, preset.inputs, preset.targets, preset.config, "optimizer")


def test_update_orders_match_single_trainers_and_differ():
    preset = get_preset("lecture")
    comparison = Comparison(preset.network, preset.inputs, preset.targets, preset.config, "order")
    assert comparison.labels() == ["simultaneous", "sequential"]
    comparison.advance(20)
    curves = comparison.curves()
    for order, curve in zip(("simultaneous", "sequential"), curves, strict=True):
        config = replace(preset.config, update_order=order)
        np.testing.assert_allclose(
            curve, _alone(preset.network, preset.inputs, preset.targets, config, 20), rtol=RTOL
        )
    assert curves[0][0] == curves[1][0]  # the same start
    assert not np.allclose(curves[0][1:], curves[1][1:], rtol=1e-9, atol=0)


def test_restarts_give_distinct_curves_and_final_errors_for_a_histogram():
    preset = get_preset("xor")
    comparison = Comparison(
        preset.network, preset.inputs, preset.targets, preset.config, "restarts", (6, "xavier")
    )
    comparison.advance(150)
    curves = comparison.curves()
    assert comparison.labels() == [f"restart {k}" for k in range(1, 7)]
    assert len(curves) == 6
    starts = {float(curve[0]) for curve in curves}
    assert len(starts) == 6  # six different initial weights
    finals = comparison.final_errors()
    assert finals.shape == (6,)
    edges, counts = error_histogram(finals)
    assert counts.sum() == 6
    assert edges.size == counts.size + 1
    net = initialize(preset.network.spec, "xavier", seed=3)
    np.testing.assert_allclose(
        curves[2], _alone(net, preset.inputs, preset.targets, preset.config, 150), rtol=RTOL
    )


def test_result_is_a_read_only_copy():
    preset = get_preset("xor")
    comparison = Comparison(preset.network, preset.inputs, preset.targets, preset.config, "eta")
    comparison.advance(10)
    result = comparison.result()
    comparison.advance(10)
    assert result.iterations_done == 10
    assert all(curve.size == 10 for curve in result.curves)
    assert comparison.curves()[0].size == 20
    with pytest.raises(ValueError):
        result.curves[0][0] = 1.0
    with pytest.raises(ValueError):
        result.final_errors[0] = 1.0


def test_iterations_per_epoch_follows_the_batch_size():
    preset = get_preset("xor")
    config = replace(preset.config, batch_size=3)
    comparison = Comparison(preset.network, preset.inputs, preset.targets, config, "order")
    assert comparison.iterations_per_epoch == 2


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_starts_from_its_default_options(kind):
    preset = get_preset("xor")
    options = parse_options(kind, DEFAULT_OPTIONS[kind])
    comparison = Comparison(
        preset.network, preset.inputs, preset.targets, preset.config, kind, options
    )
    comparison.advance(5)
    assert len(comparison.curves()) == len(comparison.labels()) == comparison.n_runs
    assert all(curve.size == 5 for curve in comparison.curves())


def test_options_are_read_from_typed_text():
    assert parse_options("eta", "0.01, 0.5 5;50") == (0.01, 0.5, 5.0, 50.0)
    assert parse_options("momentum", "") is None
    assert parse_options("momentum", "0.8") == 0.8
    assert parse_options("restarts", "12") == (12, "uniform")
    assert parse_options("restarts", "4 Xavier") == (4, "xavier")
    assert parse_options("order", "anything") is None


@pytest.mark.parametrize(
    ("kind", "text", "words"),
    [
        ("eta", "", "at least one learning rate"),
        ("eta", "0.5, fast", "“fast” is not a number"),
        ("eta", "0.5, -1", "learning rate η must be a number above 0"),
        ("momentum", "1.5", "momentum α must be at least 0 and below 1"),
        ("momentum", "0", "above 0 to compare"),
        ("restarts", "1", "2 to 50"),
        ("restarts", "2.5", "whole number"),
        ("restarts", "5 gaussian", "xavier or uniform"),
        ("speed", "", "Unknown comparison"),
    ],
)
def test_bad_options_are_refused_in_words(kind, text, words):
    with pytest.raises(ConfigError, match=words):
        parse_options(kind, text)


def test_histogram_of_equal_errors_is_one_bar():
    edges, counts = error_histogram(np.array([0.0625, 0.0625, np.nan]))
    assert counts.tolist() == [2.0]
    assert edges[0] < np.log10(0.0625) < edges[1]
    empty_edges, empty_counts = error_histogram(np.array([np.nan]))
    assert empty_edges.size == empty_counts.size == 0
