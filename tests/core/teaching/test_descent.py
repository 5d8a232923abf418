"""Gradient descent on one and two parameters: J along a parameter against the network's own
error per point, its slope against finite differences, the steps against the update rule
written out here, the presets against a parabola's closed form and the lecture's network."""

from __future__ import annotations

import numpy as np
import pytest

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.errors import ConfigError
from bpdesk.core.files.presets import lecture
from bpdesk.core.teaching import descent
from bpdesk.core.teaching.descent import (
    PRESETS,
    PathPlan,
    Slice,
    covering_span,
    descend,
    descent_path,
    draw_curve,
    find_minimum,
    linear_neuron,
    planned_grid,
    preset_eta,
)


def error_at(net: Network, x, t, values: dict[str, float]) -> float:
    """The definition: put the values in a copy and ask the network for its error."""
    probe = net.copy()
    for name, value in values.items():
        probe.set(name, value)
    return probe.error(x, t)


def finite_difference(net: Network, x, t, name: str, theta: float, h: float = 1e-6) -> float:
    return (error_at(net, x, t, {name: theta + h}) - error_at(net, x, t, {name: theta - h})) / (
        2 * h
    )


def random_problem(sizes, acts, loss, shared):
    spec = NetworkSpec.build(sizes, acts, loss=loss, shared_bias=shared)
    rng = np.random.default_rng(sum(sizes))
    x = rng.normal(size=(6, sizes[0]))
    if loss == "cce":
        t = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 6)]
    else:
        t = rng.uniform(0.05, 0.95, size=(6, sizes[-1]))
    return initialize(spec, "uniform", seed=3, r=1.0), x, t


PROBLEMS = [
    ([2, 2, 2], ["sigmoid"] * 2, "half_sse", True),
    ([3, 4, 3], ["tanh", "softmax"], "cce", False),
    ([2, 3, 2, 1], ["relu", "leaky_relu", "sigmoid"], "bce", False),
]


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: "-".join(p[1]))
def test_the_curve_is_the_error_with_that_value_put_in(problem):
    net, x, t = random_problem(*problem)
    thetas = np.linspace(-3.0, 3.0, 13)
    for name in net.spec.parameter_names:
        curve = Slice(net, x, t, name)
        expected = [error_at(net, x, t, {name: v}) for v in thetas]
        np.testing.assert_allclose(curve.errors(thetas), expected, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: "-".join(p[1]))
def test_the_slope_from_backprop_matches_finite_differences(problem):
    net, x, t = random_problem(*problem)
    for name in net.spec.parameter_names:
        curve = Slice(net, x, t, name)
        for theta in (-1.3, 0.2, 2.1):
            numeric = finite_difference(net, x, t, name, theta)
            assert curve.slope(theta) == pytest.approx(numeric, rel=1e-5, abs=1e-8), name


def test_the_linear_neuron_is_the_parabola_it_claims():
    curve = linear_neuron()
    thetas = np.linspace(-4.0, 6.0, 21)
    np.testing.assert_allclose(curve.errors(thetas), 1.25 * (thetas - 1.5) ** 2, rtol=1e-12)
    for theta in thetas:
        assert curve.slope(float(theta)) == pytest.approx(2.5 * (theta - 1.5), abs=1e-12)
    assert find_minimum(curve, 0.0) == pytest.approx(1.5, abs=1e-6)


def test_the_steps_follow_the_update_rule():
    p = lecture()
    curve = Slice(p.network, p.inputs, p.targets, "w5")
    taken = descend(curve, 0.4, 3.0, 12)
    theta = 0.4
    for k in range(12):
        slope = finite_difference(p.network, p.inputs, p.targets, "w5", theta)
        assert taken.slopes[k] == pytest.approx(slope, rel=1e-6)
        theta -= 3.0 * slope
        assert taken.thetas[k + 1] == pytest.approx(theta, rel=1e-6)
    np.testing.assert_allclose(taken.deltas, -3.0 * taken.slopes[:-1], rtol=1e-12)
    expected = [error_at(p.network, p.inputs, p.targets, {"w5": v}) for v in taken.thetas]
    np.testing.assert_allclose(taken.errors, expected, rtol=1e-11)


def test_the_presets_on_a_parabola_do_what_their_names_say():
    curve = linear_neuron()
    # On J = 1.25 (w − 1.5)² a step leaves (1 − 2.5 η) of the distance to the minimum.
    verdicts = {"too small": "slow", "good": "converged", "too large": "overshoot"}
    verdicts["diverging"] = "diverged"
    for preset, verdict in verdicts.items():
        eta = preset_eta(curve, 0.0, 1.5, preset)
        assert eta == pytest.approx(PRESETS[preset] / 2.5, rel=1e-6)
        taken = descend(curve, 0.0, eta, 20, 1.5)
        assert taken.verdict == verdict, preset
        k = np.arange(taken.thetas.size)
        closed = 1.5 - 1.5 * (1 - 2.5 * eta) ** k
        np.testing.assert_allclose(taken.thetas, closed, rtol=1e-9, atol=1e-9)
    far = descend(curve, 0.0, preset_eta(curve, 0.0, 1.5, "diverging"), 200, 1.5)
    assert far.diverged and far.thetas.size < 201  # stopped once it ran off
    assert np.all(np.diff(np.abs(far.thetas - 1.5)) > 0)


def test_on_the_lecture_net_steps_shrink_near_the_minimum_and_huge_eta_stalls():
    p = lecture()
    curve = Slice(p.network, p.inputs, p.targets, descent.default_parameter(p.network.spec))
    assert curve.name == "b2"
    start = curve.current
    minimum = find_minimum(curve, start)
    assert minimum is not None
    assert curve.slope(minimum) == pytest.approx(0.0, abs=1e-7)  # it is the minimum
    expected = {"too small": "slow", "good": "converged", "too large": "overshoot"}
    for preset, verdict in expected.items():
        taken = descend(curve, start, preset_eta(curve, start, minimum, preset), 30, minimum)
        assert taken.verdict == verdict, preset
    good = descend(curve, start, preset_eta(curve, start, minimum, "good"), 30, minimum)
    sizes = np.abs(good.deltas)
    assert np.all(np.diff(sizes[sizes > 1e-12]) < 0)  # |Δθ| shrinks step after step
    huge = descend(curve, start, preset_eta(curve, start, minimum, "huge"), 30, minimum)
    assert huge.verdict == "stalled"
    assert huge.errors[-1] > 0.45  # both sigmoids saturated: ½ (0.99)² is the most E can be
    assert abs(huge.slopes[-1]) < 1e-6 * abs(huge.slopes[0])
    assert np.isfinite(huge.thetas).all()  # saturated, not diverged


def test_the_drawn_curve_shows_the_start_the_minimum_and_the_steps():
    p = lecture()
    curve = Slice(p.network, p.inputs, p.targets, "b2")
    drawn = draw_curve(curve, 0.6, 12.0, 20)
    assert drawn.minimum is not None
    for value in (0.6, drawn.minimum, *drawn.steps.thetas):
        assert drawn.thetas[0] < value < drawn.thetas[-1]
    np.testing.assert_allclose(drawn.errors, curve.errors(drawn.thetas))
    theta, error, slope = drawn.tangent(0)
    assert (theta, error) == (0.6, pytest.approx(p.network.error(p.inputs, p.targets)))
    assert slope == pytest.approx(finite_difference(p.network, p.inputs, p.targets, "b2", 0.6))
    assert drawn.tangent(10_000) == drawn.tangent(drawn.steps.thetas.size - 1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"eta": float("nan")},
        {"eta": -1.0},
        {"eta": 0.0},
        {"steps": 0},
        {"steps": 10_000},
        {"start": float("inf")},
        {"start": 1e300},
    ],
)
def test_bad_descent_settings_are_refused(kwargs):
    settings = {"start": 0.0, "eta": 0.1, "steps": 5} | kwargs
    with pytest.raises(ConfigError):
        descend(linear_neuron(), settings["start"], settings["eta"], settings["steps"])


def test_an_unknown_parameter_or_preset_is_refused():
    p = lecture()
    with pytest.raises(ConfigError):
        Slice(p.network, p.inputs, p.targets, "w99")
    with pytest.raises(ConfigError):
        preset_eta(linear_neuron(), 0.0, 1.5, "medium")
    with pytest.raises(ConfigError):
        PathPlan(start="somewhere")


def test_simultaneous_and_sequential_paths_follow_their_rules():
    p = lecture()
    net, x, t = p.network, p.inputs, p.targets
    names = ("b2", "w5")
    simultaneous = descent_path(net, x, t, names, (0.0, 0.0), 20.0, 8)
    sequential = descent_path(net, x, t, names, (0.0, 0.0), 20.0, 8, "sequential")
    a = {"b2": 0.0, "w5": 0.0}
    b = dict(a)
    for k in range(8):
        g = [
            finite_difference(_with(net, {"w5": a["w5"]}), x, t, "b2", a["b2"]),
            finite_difference(_with(net, {"b2": a["b2"]}), x, t, "w5", a["w5"]),
        ]
        a = {"b2": a["b2"] - 20.0 * g[0], "w5": a["w5"] - 20.0 * g[1]}
        g0 = finite_difference(_with(net, {"w5": b["w5"]}), x, t, "b2", b["b2"])
        b["b2"] -= 20.0 * g0  # assigned first: θ1's slope below sees it
        g1 = finite_difference(_with(net, {"b2": b["b2"]}), x, t, "w5", b["w5"])
        b["w5"] -= 20.0 * g1
        assert simultaneous[k + 1] == pytest.approx([a["b2"], a["w5"]], rel=1e-5, abs=1e-8)
        assert sequential[k + 1] == pytest.approx([b["b2"], b["w5"]], rel=1e-5, abs=1e-8)
    assert np.abs(simultaneous - sequential).max() > 0.05  # the two rules really differ


def _with(net: Network, values: dict[str, float]) -> Network:
    probe = net.copy()
    for name, value in values.items():
        probe.set(name, value)
    return probe


def test_a_path_that_runs_off_stops_where_its_values_are_still_numbers():
    curve = linear_neuron()
    path = descent_path(curve.network, curve.x, curve.t, ("w1", "b1"), (0.0, 0.0), 1e5, 50)
    assert np.isfinite(path).all() and path.shape[0] < 51


def test_the_planned_landscape_is_centred_on_the_weights_and_covers_both_paths():
    p = lecture()
    net = p.network
    run = planned_grid(net, p.inputs, p.targets, "b2", "w5", span=2.0, size=21, plan=PathPlan())
    run.advance(run.total)
    grid = run.result()
    assert grid.centre == (0.6, 0.4)
    assert grid.errors[10, 10] == pytest.approx(net.error(p.inputs, p.targets), abs=1e-12)
    assert grid.alpha == PathPlan.alpha
    for name in ("simultaneous", "sequential"):
        path = grid.path(name)
        assert path is not None and path.shape == (41, 2)
        assert tuple(path[0]) == (0.0, 0.0)  # θ = 0, as on the slide
        assert grid.xs[0] <= path[:, 0].min() and path[:, 0].max() <= grid.xs[-1]
        assert grid.ys[0] <= path[:, 1].min() and path[:, 1].max() <= grid.ys[-1]
    reach = max(np.abs(grid.path(n) - grid.centre).max() for n in ("simultaneous", "sequential"))
    assert grid.xs[-1] - grid.centre[0] == pytest.approx(1.1 * reach)
    fixed = planned_grid(
        net, p.inputs, p.targets, "b2", "w5", span=2.0, size=5, plan=PathPlan(follow=False)
    )
    assert fixed.xs[-1] == pytest.approx(2.6)


def test_the_covering_span_has_a_floor_a_ceiling_and_ignores_non_numbers():
    assert covering_span((0.0, 0.0), np.array([[0.0, 0.0]])) == descent.MIN_SPAN
    assert covering_span((1.0, 1.0), np.array([[1.0, 4.0], [np.nan, 99.0]])) == pytest.approx(3.3)
    assert covering_span((0.0, 0.0), np.array([[1e9, 0.0]])) == descent.MAX_SPAN


def test_the_slope_sentence_names_the_sign_and_the_direction():
    assert "> 0" in descent.slope_sentence(0.6, 0.1, 2.0)
    assert "to the left" in descent.slope_sentence(0.6, 0.1, 2.0)
    assert "decreases by η·|dJ/dθ| = 0.2" in descent.slope_sentence(0.6, 0.1, 2.0)
    right = descent.slope_sentence(-1.0, -0.25, 2.0)
    assert "< 0" in right and "to the right" in right and "increases by η·|dJ/dθ| = 0.5" in right
    assert "flat" in descent.slope_sentence(1.5, 0.0, 2.0)
    assert "no step" in descent.slope_sentence(1.5, float("nan"), 2.0)
