"""Snapshots: a run's snapshot is cheap and changes nothing; skipped snapshots coalesce into
the next one without losing a point of the error history."""

from __future__ import annotations

import numpy as np
import pytest

from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import Snapshot, coalesce, make_snapshot
from bpdesk.core.stepping.stepper import Stepper


def _run_snapshots(stepper: Stepper, chunks: list[int]) -> list[Snapshot]:
    """Snapshots as the worker sends them during a run: each with the points since the last."""
    sent = 0
    snapshots = []
    for seq, n in enumerate(chunks, start=1):
        stepper.trainer.run(iterations=n)
        snapshots.append(make_snapshot(stepper, seq=seq, running=True, history_from=sent))
        sent = len(stepper.trainer.iteration_errors)
    return snapshots


def test_values_by_name_match_the_network():
    stepper = open_source("xor")
    stepper.trainer.run(iterations=7)
    snapshot = make_snapshot(stepper, seq=1)
    assert snapshot.values == stepper.network.values()
    assert list(snapshot.values) == list(stepper.network.spec.parameter_names)


def test_a_run_snapshot_changes_neither_undo_history_nor_saved_state():
    stepper = open_source("lecture")
    stepper.step_phase("forward")
    stepper.run(iterations=5)  # the first chunk of a run goes through the step machine
    stepper.trainer.run(iterations=20)  # later chunks go to the trainer directly
    undo_before = stepper.undo_records
    saved_before = stepper.saved_state()
    trace = make_snapshot(stepper, seq=1, running=True).trace
    assert stepper.undo_records == undo_before
    after = stepper.saved_state()
    for name in ("iteration_errors", "epoch_errors"):
        assert np.array_equal(getattr(after, name), getattr(saved_before, name))
    # the trace is that of the step that would begin now: nothing computed yet
    assert np.isnan(trace.E_total)
    assert stepper.step_complete


@pytest.mark.parametrize("skip", [1, 2, 5])
def test_coalesced_snapshots_carry_every_point(skip):
    stepper = open_source("xor")
    snapshots = _run_snapshots(stepper, [3, 1, 4, 1, 5, 9, 2, 6, 5, 3])
    held: list[float] = []
    waiting = None
    for k, snapshot in enumerate(snapshots):
        waiting = snapshot if waiting is None else coalesce(waiting, snapshot)
        if k % skip == skip - 1:  # the view's turn
            assert waiting.history_start == len(held)
            held.extend(waiting.iteration_errors.tolist())
            waiting = None
    if waiting is not None:
        held.extend(waiting.iteration_errors.tolist())
    assert held == stepper.trainer.iteration_errors.values(0).tolist()


def test_coalesce_keeps_the_newer_snapshot_but_its_history():
    stepper = open_source("lecture")
    first, second = _run_snapshots(stepper, [4, 6])
    both = coalesce(first, second)
    assert both.seq == second.seq and both.values == second.values
    assert both.history_start == first.history_start == 0
    assert np.array_equal(
        both.iteration_errors, np.concatenate((first.iteration_errors, second.iteration_errors))
    )


def test_a_cut_back_replaces_what_was_skipped():
    stepper = open_source("lecture")
    stepper.run(iterations=10)  # one undo entry
    first = make_snapshot(stepper, seq=1, running=True)
    stepper.step_back()
    cut = make_snapshot(stepper, seq=2, history_from=0)
    both = coalesce(first, cut)
    assert both is cut  # the newer history starts at 0: nothing of the older one is kept


def test_histories_that_do_not_meet_are_not_joined():
    stepper = open_source("lecture")
    (first,) = _run_snapshots(stepper, [3])
    stepper.trainer.run(iterations=5)
    later = make_snapshot(stepper, seq=2, history_from=6)  # points 3-5 were never sent
    assert coalesce(first, later) is later
