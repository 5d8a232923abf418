"""The side-by-side demonstrations teach what the lecture claims, measured from the runs; reports
call equal-at-the-digits-shown runs a tie, group restarts into minima and clip at a floor."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.errors import ConfigError
from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import format_value
from bpdesk.core.teaching.comparison import DEFAULT_OPTIONS, KINDS, Comparison, parse_options
from bpdesk.core.teaching.comparison_lessons import (
    ERROR_FLOOR,
    SATURATION,
    demonstration,
    drawn_curve,
    minima,
    plot_ceiling,
    rate_behaviours,
    summarise,
    tied_with_best,
)


def _run(kind: str):
    demo = demonstration(kind)
    options = parse_options(kind, demo.options)
    comparison = Comparison(demo.network, demo.inputs, demo.targets, demo.config, kind, options)
    comparison.advance(demo.iterations)
    return demo, comparison.result()


def _alone(demo, **changes):
    """One run of the demonstration by a Trainer of its own (not through the comparison)."""
    config = replace(demo.config, **changes)
    trainer = Trainer(demo.network.copy(), demo.inputs, demo.targets, config)
    outcome = trainer.run(iterations=demo.iterations)
    return trainer, outcome


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_views_default_options_are_the_demonstrations(kind):
    assert DEFAULT_OPTIONS[kind] == demonstration(kind).options


def test_default_learning_rates_are_slow_good_overshooting_and_diverging():
    demo, result = _run("eta")
    rates = parse_options("eta", demo.options)
    assert rate_behaviours(result.rates, result.curves, result.final_errors, result.diverged) == [
        "slow",
        "lowest",
        "oscillates",
        "diverged",
    ]
    slow, good, large, larger = (_alone(demo, eta=r) for r in rates)
    # too small: never rises, still falling at the end, well above the good one
    curve = slow[0].iteration_errors.values()
    assert np.all(np.diff(curve) <= 0)
    assert curve[-100] - curve[-1] > 0
    assert slow[0].evaluate() > 2 * good[0].evaluate()
    # good: the lowest of all, reached without a single rise
    assert np.all(np.diff(good[0].iteration_errors.values()) <= 0)
    assert good[0].evaluate() < min(slow[0].evaluate(), large[0].evaluate())
    # too large: overshoots above where it started and keeps going up and down, yet stays finite
    curve = large[0].iteration_errors.values()
    assert not large[1].diverged and curve.max() > 2 * curve[0]
    assert np.sum(np.diff(curve) > 0) > 100
    # larger still: diverges
    assert larger[1].diverged and larger[0].iteration_errors.values()[-1] > 1e100
    text = summarise(result, demo.iterations)
    assert "slow" in text and "overshoots" in text and "diverged" in text
    assert SATURATION not in text


def test_the_lecture_net_saturates_instead_of_diverging_and_the_summary_says_why():
    lecture = get_preset("lecture")
    rates = (0.5, 50.0, 5000.0)
    comparison = Comparison(
        lecture.network, lecture.inputs, lecture.targets, lecture.config, "eta", rates
    )
    comparison.advance(500)
    result = comparison.result()
    assert not any(result.diverged)
    # sigmoid outputs lie in (0, 1): E = ½ Σ (t − out)² can never pass ½ (0.99² + 0.99²)
    bound = 0.5 * float(np.sum(np.maximum(lecture.targets, 1 - lecture.targets) ** 2))
    assert all(float(c.max()) <= bound for c in result.curves)
    assert SATURATION in summarise(result, 500)


def test_restarts_end_in_distinct_minima_told_apart_by_solving_xor():
    demo, result = _run("restarts")
    count, method = parse_options("restarts", demo.options)
    groups = minima(result.final_errors)
    assert len(groups) == 2
    # independently: which restarts classify all four XOR patterns right (|out − t| < ½)
    solved = set()
    for k in range(1, count + 1):
        net = initialize(demo.network.spec, method, seed=k)
        trainer = Trainer(net, demo.inputs, demo.targets, demo.config)
        trainer.run(iterations=demo.iterations)
        if np.all(np.abs(net.predict(demo.inputs) - demo.targets) < 0.5):
            solved.add(k - 1)
    assert 0 < len(solved) < count
    assert set(groups[0].members) == solved
    assert set(groups[1].members) == set(range(count)) - solved
    assert groups[0].error < groups[1].error / 10
    text = summarise(result, demo.iterations)
    share = len(solved) / count
    assert f"{len(solved)} of {count} restarts ({100 * share:.0f} %)" in text
    assert f"{count - len(solved)} of {count} restarts ({100 * (1 - share):.0f} %)" in text


def test_the_update_orders_are_a_tie_at_the_digits_shown_not_in_floats():
    demo, result = _run("order")
    finals = result.final_errors
    assert finals[0] != finals[1]  # not equal as floats ...
    assert format_value(finals[0], 6) == format_value(finals[1], 6)  # ... but as printed
    text = summarise(result, demo.iterations)
    assert "A tie" in text and "simultaneous and sequential" in text
    assert "Lowest" not in text


def test_a_real_difference_names_a_winner():
    demo, result = _run("momentum")
    finals = result.final_errors
    assert format_value(finals[0], 6) != format_value(finals[1], 6)
    winner = result.labels[int(np.argmin(finals))]
    assert f"Lowest final error: {winner}" in summarise(result, demo.iterations)


def test_tie_rule_compares_printed_digits():
    assert tied_with_best([0.00044487, 0.0004447], [0, 1]) == [0, 1]
    assert tied_with_best([0.0004449, 0.0004441], [0, 1]) == [1]
    assert tied_with_best([0.5, math.nan, 0.5], [0, 1, 2]) == [0, 2]
    assert tied_with_best([1e-20, 3e-30], [0, 1]) == [0, 1]  # both below the floor
    assert tied_with_best([math.nan], [0]) == []


def test_levenberg_marquardt_is_drawn_on_the_floor_not_at_1e_minus_36():
    demo, result = _run("optimizer")
    lm = result.curves[1]
    assert lm.min() < ERROR_FLOOR  # the run itself goes far below
    x, y = drawn_curve(lm)
    assert y.min() == ERROR_FLOOR and x.size == lm.size
    np.testing.assert_array_equal(y[lm >= ERROR_FLOOR], lm[lm >= ERROR_FLOOR])
    text = summarise(result, demo.iterations)
    assert "below 10⁻¹²" in text and "floor" in text


def test_a_diverging_curve_leaves_the_plot_at_the_ceiling():
    _demo, result = _run("eta")
    starts = [c[0] for c in result.curves]
    ceiling = plot_ceiling(result.curves)
    assert ceiling == 10.0 ** (math.ceil(math.log10(max(starts))) + 2)
    blown = result.curves[3]
    x, y = drawn_curve(blown, ceiling=ceiling)
    first_above = int(np.argmax(blown > ceiling))
    assert blown[first_above] > ceiling and x[-1] == first_above + 1
    assert y.max() == ceiling
    assert plot_ceiling([np.array([math.nan])]) == math.inf


def test_drawn_curve_leaves_out_what_cannot_be_drawn():
    x, y = drawn_curve(np.array([0.5, math.nan, 0.0, 1e-40, 0.25]))
    np.testing.assert_array_equal(x, [1, 3, 4, 5])
    np.testing.assert_array_equal(y, [0.5, ERROR_FLOOR, ERROR_FLOOR, 0.25])


def test_minima_group_by_gaps_on_a_log_scale():
    groups = minima([1e-4, 0.0625, 1.3e-4, math.nan, 0.063, 2e-4])
    assert [g.members for g in groups] == [(0, 2, 5), (1, 4)]
    assert groups[0].error == pytest.approx(1.3e-4)
    assert len(minima([0.125] * 5)) == 1
    assert len(minima([1e-30, 1e-20, 1e-13])) == 1  # all on the floor: one minimum
    assert minima([math.nan, math.inf]) == []


def test_noisy_batches_are_not_called_oscillating():
    curves = [np.array([1.0, 0.5, 0.7, 0.4, 0.6, 0.3, 0.5, 0.2])] * 2
    kinds = rate_behaviours([0.1, 0.2], curves, [0.2, 0.2], [False, False], full_batch=False)
    assert "oscillates" not in kinds
    kinds = rate_behaviours([0.1, 0.2], curves, [0.2, 0.2], [False, False])
    assert kinds == ["oscillates", "oscillates"]


def test_an_unknown_demonstration_is_refused_in_words():
    with pytest.raises(ConfigError, match="no demonstration"):
        demonstration("nonsense")
