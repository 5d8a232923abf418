"""After a roll back to the best epoch, the step machine knows whose weights are on show,
until it trains on, an edit changes them, or the roll back is undone."""

from __future__ import annotations

from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import make_snapshot


def _trained():
    stepper = open_source("overfit")
    stepper.run(epochs=30)
    assert stepper.trainer.best is not None
    return stepper


def test_roll_back_names_the_epoch_until_training_goes_on():
    stepper = _trained()
    best = stepper.trainer.best[0]
    assert make_snapshot(stepper, seq=1).rolled_back_to is None
    stepper.roll_back_to_best()
    snap = make_snapshot(stepper, seq=2)
    assert snap.rolled_back_to == best and snap.epoch == 30
    stepper.full_step()
    assert make_snapshot(stepper, seq=3).rolled_back_to is None
    stepper.step_back()  # undoing the step: the rolled-back weights are on show again
    assert make_snapshot(stepper, seq=4).rolled_back_to == best
    stepper.step_back()  # undoing the roll back itself
    assert make_snapshot(stepper, seq=5).rolled_back_to is None


def test_an_edit_or_a_run_ends_the_roll_back():
    stepper = _trained()
    stepper.roll_back_to_best()
    name = stepper.network.spec.weight_name(0, 0, 0)
    stepper.set_parameter(name, 0.25)
    assert stepper.trainer.rolled_back_to is None
    stepper.roll_back_to_best()
    stepper.run(iterations=3)
    assert stepper.trainer.rolled_back_to is None
