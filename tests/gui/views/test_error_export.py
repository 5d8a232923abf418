"""The error plot's CSV says what its figures are: each iteration's error before its update,
each epoch's mean of those, and the held-out errors after each epoch where they exist."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from bpdesk.core.stepping.plot_buffer import PlotBuffer
from bpdesk.gui.views.error_export import (
    EPOCH_HEADER,
    ITERATION_HEADER,
    TEST_HEADER,
    VALIDATION_HEADER,
    write_error_csv,
)


def _buffer(values, start: int = 0) -> PlotBuffer:
    buffer = PlotBuffer()
    buffer.append(start, np.asarray(values, dtype=np.float64))
    return buffer


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_headers_say_before_the_update_in_the_shared_words(tmp_path):
    path = tmp_path / "e.csv"
    write_error_csv(str(path), _buffer([0.3, 0.2]), _buffer([0.25]), PlotBuffer())
    rows = _rows(path)
    assert rows[0] == ITERATION_HEADER and "before its update" in rows[0][1]
    gap = rows.index([])
    assert rows[gap + 1] == EPOCH_HEADER and "mean E" in rows[gap + 1][1]
    # No held-out part: no empty held-out columns either.
    assert all(len(r) == 2 for r in rows[gap + 2 :])


def test_validation_and_test_columns_per_epoch_where_present(tmp_path):
    rng = np.random.default_rng(3)
    iterations, epochs = rng.random(12), rng.random(6)
    validation = rng.random(6)
    test = rng.random(4)  # a test error for the first four epochs only
    path = tmp_path / "e.csv"
    write_error_csv(
        str(path), _buffer(iterations), _buffer(epochs), _buffer(test), _buffer(validation)
    )
    rows = _rows(path)
    gap = rows.index([])
    assert [float(r[1]) for r in rows[1:gap]] == iterations.tolist()
    assert rows[gap + 1] == [*EPOCH_HEADER, VALIDATION_HEADER, TEST_HEADER]
    block = rows[gap + 2 :]
    assert [int(r[0]) for r in block] == list(range(1, 7))
    assert [float(r[1]) for r in block] == epochs.tolist()
    assert [float(r[2]) for r in block] == validation.tolist()
    assert [float(r[3]) for r in block[:4]] == test.tolist()
    assert [r[3] for r in block[4:]] == ["", ""]


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_a_diverged_value_is_written_as_it_is(tmp_path, bad):
    path = tmp_path / "e.csv"
    write_error_csv(str(path), _buffer([0.5, bad]), PlotBuffer(), PlotBuffer(), PlotBuffer())
    rows = _rows(path)
    assert rows[2][0] == "2" and not math.isfinite(float(rows[2][1]))
    assert rows[-1] == EPOCH_HEADER
