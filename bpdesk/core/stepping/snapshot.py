"""Snapshots: an immutable picture of a training session, the only thing views ever draw.

The worker thread makes one after every command and, during a run, a few a second (one per
frame); the window hands it to every view. Everything in it is a copy. A view that skips
snapshots during a run gets the next one :func:`coalesce`-d with those it skipped, so no
point of the error history is lost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.levenberg import LMHistory
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig
from bpdesk.core.files.splits import split_sizes
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.trace import Op, StepTrace
from bpdesk.core.teaching.landscape import data_map

__all__ = ["Snapshot", "coalesce", "make_snapshot"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Snapshot:
    """What a view may know about the session at one moment."""

    seq: int  # increases with every snapshot
    trace: StepTrace  # the step in progress (or the one just completed)
    values: dict[str, float]  # every parameter's current value, by name
    config: TrainConfig
    phase: str  # what the Forward/Backward/Update buttons continue: forward, backward, update
    step_complete: bool
    can_step_back: bool
    running: bool
    epoch: int  # completed epochs
    iteration: int  # completed iterations
    position: int  # iteration within the current epoch
    iterations_per_epoch: int
    n_samples: int
    error: float  # the last completed iteration's error (NaN before the first)
    # Error history, sent as the points added since the previous snapshot: the values
    # at indices history_start, history_start + 1, … A start below what a view already
    # holds means the history was cut back (step back, reset): drop the rest first.
    history_start: int
    iteration_errors: Array
    epoch_history_start: int
    epoch_errors: Array
    rate: float = 0.0  # iterations per second during a run
    message: str | None = None  # a plain-words note for the user (e.g. why a run stopped)
    diverged: str | None = None
    dataset_name: str = ""
    input_shape: tuple[int, int] | None = None  # e.g. (8, 8): draw the inputs as an image
    test_errors: Array | None = None  # per epoch, where a test split exists (all so far)
    best_epoch: int | None = None  # the epoch with the lowest validation (or test) error so far
    rolled_back_to: int | None = None  # the best epoch, while its weights are put back
    validation_errors: Array | None = None  # per epoch, where a validation split exists
    best_on: str = ""  # which error picks the best epoch: "validation", "test" or ""
    # The data (read-only arrays shared with the trainer: never written to).
    inputs: Array | None = None
    targets: Array | None = None
    test_inputs: Array | None = None
    test_targets: Array | None = None
    validation_inputs: Array | None = None
    validation_targets: Array | None = None
    split: tuple[float, float, int] = (0.0, 0.0, 0)  # validation size, test size, split seed
    # For two-input data, when asked for: grid xs, ys and every layer's outputs over it.
    decision_map: tuple[Array, Array, list[Array]] | None = None
    # Levenberg–Marquardt's μ, gradient and trial steps (when it trains), history-style like
    # iteration_errors: the iterations from max(history_start, its first) on.
    lm_history: LMHistory | None = None

    @property
    def spec(self) -> NetworkSpec:
        return self.trace.spec

    @property
    def next_op(self) -> Op | None:
        """The sub-step that comes next (what the canvas highlights while stepping)."""
        return None if self.step_complete else self.trace.next_op

    @property
    def last_op(self) -> Op | None:
        return self.trace.last_op


def make_snapshot(
    stepper: Stepper,
    *,
    seq: int,
    running: bool = False,
    history_from: int = 0,
    epoch_history_from: int = 0,
    rate: float = 0.0,
    message: str | None = None,
    decision_map: bool = False,
    map_size: int = 60,
) -> Snapshot:
    """A snapshot of ``stepper``, with the error history from the given indices on."""
    trainer = stepper.trainer
    history_from = min(history_from, len(trainer.iteration_errors))
    epoch_history_from = min(epoch_history_from, len(trainer.epoch_errors))
    trace = stepper.trace()
    error = trainer.iteration_errors.last()
    grid = None
    if decision_map and trainer.inputs.shape[1] == 2:
        grid = data_map(stepper.network, trainer.inputs, map_size)
    shape = stepper.meta.get("input_shape")
    input_shape = (int(shape[0]), int(shape[1])) if isinstance(shape, (tuple, list)) else None
    return Snapshot(
        seq=seq,
        trace=trace,
        values=_values_by_name(stepper),
        config=trainer.config,
        phase=stepper.next_phase,
        step_complete=stepper.step_complete,
        can_step_back=stepper.can_step_back,
        running=running,
        epoch=trainer.epoch,
        iteration=trainer.iteration,
        position=trainer.position,
        iterations_per_epoch=trainer.iterations_per_epoch,
        n_samples=trainer.n_samples,
        error=error if math.isfinite(error) else math.nan,
        history_start=history_from,
        iteration_errors=trainer.iteration_errors.values(history_from),
        epoch_history_start=epoch_history_from,
        epoch_errors=trainer.epoch_errors.values(epoch_history_from),
        rate=rate,
        message=message,
        diverged=trainer.diverged,
        dataset_name=str(stepper.meta.get("dataset_name", "")),
        input_shape=input_shape,
        test_errors=trainer.test_errors.values() if trainer.test_inputs is not None else None,
        best_epoch=trainer.best[0] if trainer.best is not None else None,
        rolled_back_to=trainer.rolled_back_to,
        validation_errors=(
            trainer.validation_errors.values() if trainer.validation_inputs is not None else None
        ),
        best_on=trainer.best_on,
        inputs=trainer.inputs,
        targets=trainer.targets,
        test_inputs=trainer.test_inputs,
        test_targets=trainer.test_targets,
        validation_inputs=trainer.validation_inputs,
        validation_targets=trainer.validation_targets,
        split=split_sizes(stepper.meta),
        decision_map=grid,
        lm_history=_lm_history(stepper, history_from),
    )


def _lm_history(stepper: Stepper, history_from: int) -> LMHistory | None:
    """Levenberg–Marquardt's record from iteration ``history_from`` on (None for the others).
    Its steps are the trainer's last iterations, plus one if a stepped LM update waits."""
    trainer = stepper.trainer
    if trainer.lm is None:
        return None
    step = stepper.in_progress
    waiting = int(not stepper.step_complete and step is not None and step.lm is not None)
    first = trainer.iteration + waiting - len(trainer.lm.record)
    return trainer.lm.record.since(first, history_from)


def _values_by_name(stepper: Stepper) -> dict[str, float]:
    """Every parameter by name (``Network.values``, built from one vector: a run's snapshots
    make it often, for networks of thousands of weights)."""
    network = stepper.network
    return dict(zip(network.spec.parameter_names, network.vector().tolist(), strict=True))


def coalesce(skipped: Snapshot, newer: Snapshot) -> Snapshot:
    """``newer`` as a view sees it that did not draw ``skipped`` (the snapshot before it):
    its error history also carries the points ``skipped`` brought. A cut back in ``newer``
    (its history starting at or before ``skipped``'s) keeps ``newer`` as it is."""
    start, errors = _joined(
        skipped.history_start, skipped.iteration_errors, newer.history_start, newer.iteration_errors
    )
    epoch_start, epoch_errors = _joined(
        skipped.epoch_history_start,
        skipped.epoch_errors,
        newer.epoch_history_start,
        newer.epoch_errors,
    )
    lm = newer.lm_history
    if lm is not None and skipped.lm_history is not None:
        lm = skipped.lm_history.joined(lm)
    if (
        start == newer.history_start
        and epoch_start == newer.epoch_history_start
        and lm is newer.lm_history
    ):
        return newer
    return replace(
        newer,
        history_start=start,
        iteration_errors=errors,
        epoch_history_start=epoch_start,
        epoch_errors=epoch_errors,
        lm_history=lm,
    )


def _joined(start: int, values: Array, newer_start: int, newer_values: Array) -> tuple[int, Array]:
    """The points from ``start`` followed by those from ``newer_start`` (which replace any of
    the first from that index on); the newer points alone if the two do not meet."""
    if newer_start <= start or newer_start > start + len(values):
        return newer_start, newer_values
    kept = values[: newer_start - start]
    return start, np.concatenate((kept, newer_values))
