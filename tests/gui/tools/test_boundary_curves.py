"""The boundary view's epoch curves draw a bounded number of points, whatever the history's
length, keeping its lowest, highest and last epochs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.gui.tools.boundary import curves
from bpdesk.gui.tools.boundary.curves import EpochCurves


@pytest.fixture
def epoch_curves(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    made = EpochCurves(host)
    made.theme_changed()
    return made


def _snapshot(epochs: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    base = make_snapshot(open_source("moons"), seq=1)
    train = rng.uniform(0.1, 1.0, epochs)
    test = rng.uniform(0.2, 2.0, epochs)
    return replace(base, epoch_errors=train, epoch_history_start=0, test_errors=test)


def test_a_long_history_is_drawn_thinned_with_its_extremes(epoch_curves):
    snapshot = _snapshot(50_000)
    epoch_curves.take_in(snapshot)
    epoch_curves.draw(snapshot)
    for curve, values in (
        (epoch_curves._train_curve, snapshot.epoch_errors),
        (epoch_curves._test_curve, snapshot.test_errors),
    ):
        x, y = curve.xData, curve.yData
        assert len(x) <= curves.MAX_DRAWN + 1
        assert y.min() == values.min() and y.max() == values.max()
        assert x[-1] == len(values) and y[-1] == values[-1]
        assert np.all(np.diff(x) > 0)
        np.testing.assert_array_equal(y, values[x.astype(int) - 1])  # true points only


def test_a_short_history_is_drawn_point_for_point(epoch_curves):
    snapshot = _snapshot(300, seed=1)
    epoch_curves.take_in(snapshot)
    epoch_curves.draw(snapshot)
    np.testing.assert_array_equal(epoch_curves._train_curve.yData, snapshot.epoch_errors)
    np.testing.assert_array_equal(epoch_curves._test_curve.xData, np.arange(1, 301))
