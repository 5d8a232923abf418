"""The boundary view's chart: the validation curve beside the test curve, and the best epoch
named by the error that chose it."""

from __future__ import annotations

import numpy as np

from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.gui.tools.boundary import BoundaryView


def test_validation_curve_and_best_epoch_by_validation(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    view.resize(900, 650)
    stepper = open_source("overfit")
    stepper.run(iterations=120)
    view.show_snapshot(make_snapshot(stepper, seq=1))
    curves = view._curves
    curves.draw(make_snapshot(stepper, seq=2))
    trainer = stepper.trainer
    assert np.array_equal(curves._validation_curve.getData()[1], trainer.validation_errors.values())
    assert curves._validation_curve.isVisible() and curves._test_curve.isVisible()
    best = int(np.argmin(trainer.validation_errors.values())) + 1
    assert curves.best_label.toPlainText() == f"best validation error: epoch {best}"
    assert "validation (dotted)" in curves.title.text()
    px, py = view._validation_points.getData()
    assert np.array_equal(px, trainer.validation_inputs[:, 0])
    assert np.array_equal(py, trainer.validation_inputs[:, 1])
    assert "validation&nbsp;point" in view._legend.text()


def test_without_held_out_parts_the_chart_says_so(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    stepper = open_source("xor")
    stepper.run(epochs=3)
    view.show_snapshot(make_snapshot(stepper, seq=1))
    view._curves.draw(make_snapshot(stepper, seq=2))
    assert "no held-out part" in view._curves.title.text()
    assert not view._curves.rollback.isEnabled()
