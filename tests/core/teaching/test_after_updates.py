"""One meaning of "the error after N iterations": the network after N updates, on the whole
training set; the outputs next to their targets after a run."""

from __future__ import annotations

import numpy as np

from bpdesk.core.files.documents import open_source
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.teaching import after_updates as au


def test_the_error_after_n_is_the_whole_sets_after_n_updates():
    stepper = open_source("lecture")
    stepper.full_step()
    snap = make_snapshot(stepper, seq=1)
    assert au.error_after(snap) == stepper.trainer.evaluate()
    # the error the step measured before its update is another figure
    assert snap.error == stepper.trainer.iteration_errors.last() != au.error_after(snap)
    stepper.step_phase("forward")
    assert au.error_after(make_snapshot(stepper, seq=2)) is None  # half a step: none


def test_large_data_sets_are_not_worked_out_on_the_spot(monkeypatch):
    stepper = open_source("xor")
    stepper.full_step()
    monkeypatch.setattr(au, "MAX_WORK", 1)
    snap = make_snapshot(stepper, seq=1)
    assert au.error_after(snap) is None and au.outputs_words(snap) is None


def test_the_outputs_sit_next_to_their_targets():
    stepper = open_source("lecture")
    stepper.run(iterations=50)
    snap = make_snapshot(stepper, seq=1)
    out = stepper.network.predict(stepper.trainer.inputs)[0]
    text = au.outputs_words(snap)
    assert text is not None and "after 50 iterations" in text
    assert f"out_o1 = {format_value(out[0])} (target 0.01)" in text
    assert f"out_o2 = {format_value(out[1])} (target 0.99)" in text


def test_many_samples_say_how_many_are_left_out():
    stepper = open_source("sine")
    stepper.full_step()
    snap = make_snapshot(stepper, seq=1)
    text = au.outputs_words(snap)
    assert text is not None
    assert f"and {snap.n_samples - au.MAX_OUTPUT_ROWS} more samples" in text
    _, outputs = au.outputs_after(snap)  # type: ignore[misc]
    np.testing.assert_array_equal(outputs, stepper.network.predict(snap.inputs[:8]))


def test_the_words():
    assert au.after_words(1) == "E after 1 iteration"
    assert au.after_words(10000) == "E after 10000 iterations"
    assert au.before_words(3) == "E in iteration 3, before its update"
