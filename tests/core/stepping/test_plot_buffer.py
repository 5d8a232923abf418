"""The bounded plot history: exact recent points, a min/max envelope of the old ones."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpdesk.core.stepping.plot_buffer import DEFAULT_MAX_POINTS, PlotBuffer, envelope


def _walk(n: int, seed: int) -> np.ndarray:
    """A noisy decreasing error-like series with a few sharp spikes."""
    rng = np.random.default_rng(seed)
    values = np.exp(-np.linspace(0, 8, n)) + 0.01 * rng.random(n)
    spikes = rng.choice(n, size=max(1, n // 100_000), replace=False)
    values[spikes] += 5 + rng.random(spikes.size)
    return values


def _assert_genuine(buffer: PlotBuffer, data: np.ndarray) -> None:
    """Every held point is a real value at its real index, in increasing index order."""
    x, y = buffer.x(), buffer.y()
    assert x.size == y.size == len(buffer)
    if x.size:
        assert np.all(np.diff(x) > 0)
        assert x[0] >= 0 and x[-1] < buffer.end
        np.testing.assert_array_equal(y, data[x.astype(np.int64)])


def test_small_history_is_held_exactly():
    data = _walk(5_000, seed=1)
    buffer = PlotBuffer()
    for start in range(0, data.size, 700):
        buffer.append(start, data[start : start + 700])
    assert len(buffer) == buffer.end == data.size
    np.testing.assert_array_equal(buffer.x(), np.arange(data.size))
    np.testing.assert_array_equal(buffer.y(), data)
    assert buffer.last() == (data.size - 1, data[-1])


def test_five_million_points_stay_under_the_cap_and_keep_extremes():
    data = _walk(5_000_000, seed=2)
    buffer = PlotBuffer()
    chunk = 1_000
    for start in range(0, data.size, chunk):
        buffer.append(start, data[start : start + chunk])
    assert len(buffer) <= DEFAULT_MAX_POINTS
    assert buffer.end == data.size
    _assert_genuine(buffer, data)
    assert buffer.y().max() == data.max()
    assert buffer.y().min() == data.min()
    # every spike (a value far above its neighbours) is still there at its own index
    spikes = np.flatnonzero(data > 2)
    assert set(spikes.tolist()) <= set(buffer.x().astype(np.int64).tolist())
    # the recent part is exact and complete
    exact_x, exact_y = buffer.exact()
    assert exact_x[0] == buffer.exact_from and exact_x[-1] == data.size - 1
    np.testing.assert_array_equal(exact_y, data[buffer.exact_from :])
    assert exact_x.size >= DEFAULT_MAX_POINTS // 4


def test_envelope_spreads_over_the_whole_range():
    data = _walk(2_000_000, seed=3)
    buffer = PlotBuffer()
    for start in range(0, data.size, 10_000):
        buffer.append(start, data[start : start + 10_000])
    x = buffer.x()
    old = x[x < buffer.exact_from]
    # the old part is covered evenly: no stretch of it is left without points
    assert np.diff(old).max() <= 4 * data.size / old.size


def test_truncation_after_decimation():
    data = _walk(400_000, seed=4)
    buffer = PlotBuffer()
    for start in range(0, data.size, 5_000):
        buffer.append(start, data[start : start + 5_000])
    assert buffer.exact_from > 0
    cut = buffer.exact_from // 2  # inside the envelope
    buffer.truncate(cut)
    assert buffer.end == cut
    assert buffer.x()[-1] < cut
    _assert_genuine(buffer, data)
    # the history continues from the cut with other values
    other = data[::-1].copy()
    buffer.append(cut, other[cut : cut + 3_000])
    assert buffer.end == cut + 3_000
    model = np.concatenate((data[:cut], other[cut : cut + 3_000]))
    _assert_genuine(buffer, model)
    exact_x, exact_y = buffer.exact()
    np.testing.assert_array_equal(exact_y, model[int(exact_x[0]) :])
    assert exact_x[-1] == cut + 2_999


def test_append_below_the_end_cuts_back_first():
    buffer = PlotBuffer()
    buffer.append(0, [0.3, 0.2, 0.1, 0.05])
    buffer.append(2, [0.4])
    np.testing.assert_array_equal(buffer.y(), [0.3, 0.2, 0.4])
    assert buffer.end == 3
    buffer.truncate(10)  # beyond the end: nothing to cut
    assert len(buffer) == 3
    buffer.truncate(0)
    assert len(buffer) == 0 and buffer.end == 0 and buffer.last() is None


def test_a_gap_keeps_true_indices():
    buffer = PlotBuffer()
    buffer.append(10, [1.0, 2.0])
    buffer.append(20, [3.0])
    np.testing.assert_array_equal(buffer.x(), [10, 11, 20])
    assert buffer.end == 21


def test_non_finite_values_are_held_and_never_break_decimation():
    data = _walk(300_000, seed=5)
    data[1_000:1_100] = np.nan
    data[2_000] = np.inf
    data[3_000] = -np.inf
    buffer = PlotBuffer()
    for start in range(0, data.size, 1_000):
        buffer.append(start, data[start : start + 1_000])
    _assert_genuine(buffer, data)
    finite = data[np.isfinite(data)]
    held = buffer.y()
    assert held.max() == finite.max() and held.min() == finite.min()
    tail = np.array([0.1, np.nan, np.inf])
    buffer.append(buffer.end, tail)
    np.testing.assert_array_equal(buffer.y()[-3:], tail)


def test_one_huge_append_is_bounded():
    data = _walk(1_000_000, seed=6)
    buffer = PlotBuffer()
    buffer.append(0, data)
    assert len(buffer) <= DEFAULT_MAX_POINTS
    _assert_genuine(buffer, data)
    assert buffer.y().max() == data.max() and buffer.y().min() == data.min()


def test_appending_is_cheap():
    """Sixty snapshots a second of a thousand points each: a minute of that stays fast."""
    data = _walk(3_600_000, seed=7)
    buffer = PlotBuffer()
    began = time.perf_counter()
    for start in range(0, data.size, 1_000):
        buffer.append(start, data[start : start + 1_000])
    elapsed = time.perf_counter() - began
    assert elapsed < 3.0  # a minute of snapshots must cost a small share of that minute


def test_views_are_read_only():
    buffer = PlotBuffer()
    buffer.append(0, [1.0, 2.0])
    with pytest.raises(ValueError):
        buffer.y()[0] = 5.0


def test_too_small_a_budget_is_refused():
    with pytest.raises(ValueError):
        PlotBuffer(max_points=4)


def test_envelope_keeps_block_extremes_in_order():
    rng = np.random.default_rng(8)
    y = rng.normal(size=10_000)
    x = np.arange(y.size, dtype=np.float64)
    ex, ey = envelope(x, y, 100)
    assert ex.size <= 200
    assert np.all(np.diff(ex) > 0)
    blocks = np.array_split(y, 100)
    assert ey.max() == y.max() and ey.min() == y.min()
    for block in blocks:  # equal blocks of 100 here: each one's extremes are kept
        assert block.max() in ey and block.min() in ey


@settings(max_examples=60, deadline=None)
@given(
    ops=st.lists(
        st.one_of(
            st.tuples(st.just("append"), st.integers(1, 90)),
            st.tuples(st.just("truncate"), st.floats(0, 1)),
        ),
        min_size=1,
        max_size=40,
    ),
    seed=st.integers(0, 1_000),
)
def test_random_appends_and_cuts_match_a_plain_list(ops, seed):
    rng = np.random.default_rng(seed)
    buffer = PlotBuffer(max_points=64)
    model: list[float] = []
    cut_into_envelope = False
    for kind, amount in ops:
        if kind == "append":
            values = rng.normal(size=amount)
            buffer.append(len(model), values)
            model.extend(values.tolist())
        else:
            n = int(amount * len(model))
            cut_into_envelope |= n < buffer.exact_from
            buffer.truncate(n)
            del model[n:]
        data = np.array(model)
        assert buffer.end == len(model)
        assert len(buffer) <= 64
        _assert_genuine(buffer, data)
        exact_x, exact_y = buffer.exact()
        np.testing.assert_array_equal(exact_x, np.arange(buffer.exact_from, len(model)))
        np.testing.assert_array_equal(exact_y, data[buffer.exact_from :])
        if model and not cut_into_envelope:
            assert buffer.y().max() == data.max() and buffer.y().min() == data.min()
