"""Undo records: the whole state of a step machine at one moment, to return to it exactly.

A record holds the trainer's state (weights, optimiser memory, configuration,
counters, batch order, random generator, history lengths, best test epoch) and
the step in progress. ``SavedState`` is the part a session file stores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.stepping.data_edit import DataMoment, set_training_data
from bpdesk.core.stepping.in_progress import StepInProgress
from bpdesk.core.stepping.trace import Op

__all__ = ["SavedState", "TrainerMoment", "UndoRecord", "moment_fields", "record", "restore"]

Array = NDArray[np.float64]
IndexArray = NDArray[np.intp]


@dataclass(frozen=True)
class TrainerMoment:
    """The trainer's state that decides what comes next: parameters, optimiser memory,
    counters, batch order and random generator."""

    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    optimizer: dict[str, object]
    epoch: int
    iteration: int
    position: int
    epoch_sum: float
    diverged: str | None
    order: IndexArray
    rng: Mapping[str, Any]


def moment_fields(moment: TrainerMoment) -> dict[str, Any]:
    """The ``TrainerMoment`` fields of ``moment`` by name (to build another kind from it)."""
    return {f.name: getattr(moment, f.name) for f in fields(TrainerMoment)}


@dataclass(frozen=True)
class UndoRecord(TrainerMoment):
    """One moment of a step machine: its trainer's whole state and the step in progress."""

    config: TrainConfig
    history_lengths: tuple[int, int, int, int]  # iteration, epoch, test, validation errors
    best: tuple[int, float, list[Array], list[Array]] | None
    step: StepInProgress | None
    done: int
    ops: tuple[Op, ...]
    rolled_back_to: int | None = None  # the best epoch whose weights were put back
    # The training samples of this moment (shared read-only arrays, not copies): a data
    # edit undone puts them back. None: the record does not say (the data stay as they are).
    data: DataMoment | None = None


@dataclass(frozen=True)
class SavedState(TrainerMoment):
    """What a session file stores to resume exactly: the state at the start of the step in
    progress, and how many of its sub-steps were done (they are replayed on loading)."""

    iteration_errors: Array
    epoch_errors: Array
    done: int
    test_errors: Array | None = None
    validation_errors: Array | None = None


def optimizer_state(trainer: Trainer) -> dict[str, object]:
    """The memory of the trainer's optimiser (μ for Levenberg–Marquardt)."""
    if trainer.lm is not None:
        return trainer.lm.state()
    return trainer.optimizer.state() if trainer.optimizer is not None else {}


def record(
    trainer: Trainer,
    step: StepInProgress | None,
    done: int,
    ops: tuple[Op, ...],
    data_entry: object = None,
) -> UndoRecord:
    """The state of ``trainer`` and of the step in progress, as it is now; ``data_entry`` is
    how the session names the samples (kept with them, for an undone data edit)."""
    return UndoRecord(
        weights=tuple(w.copy() for w in trainer.network.weights),
        biases=tuple(b.copy() for b in trainer.network.biases),
        optimizer=optimizer_state(trainer),
        config=trainer.config,
        epoch=trainer.epoch,
        iteration=trainer.iteration,
        position=trainer.position,
        epoch_sum=trainer.epoch_sum,
        diverged=trainer.diverged,
        order=trainer.order.copy(),
        rng=trainer.rng.bit_generator.state,
        history_lengths=(
            len(trainer.iteration_errors),
            len(trainer.epoch_errors),
            len(trainer.test_errors),
            len(trainer.validation_errors),
        ),
        best=trainer.best,
        step=None if step is None else step.copy(),
        done=done,
        ops=ops,
        rolled_back_to=trainer.rolled_back_to,
        data=DataMoment(trainer.inputs, trainer.targets, data_entry),
    )


def restore(trainer: Trainer, state: UndoRecord) -> None:
    """Put ``trainer`` back to the recorded state (the step in progress is the caller's)."""
    data = state.data
    if data is not None and (
        data.inputs is not trainer.inputs or data.targets is not trainer.targets
    ):
        set_training_data(trainer, data.inputs, data.targets)
    if state.config != trainer.config:
        trainer.set_config(state.config)
    trainer.network.weights[:] = [w.copy() for w in state.weights]
    trainer.network.biases[:] = [b.copy() for b in state.biases]
    if trainer.optimizer is not None:
        trainer.optimizer.set_state(state.optimizer)
    elif trainer.lm is not None:
        trainer.lm.set_state(state.optimizer)
    trainer.epoch, trainer.iteration, trainer.position = (
        state.epoch,
        state.iteration,
        state.position,
    )
    trainer.epoch_sum, trainer.diverged = state.epoch_sum, state.diverged
    trainer.order = state.order.copy()
    trainer.rng.bit_generator.state = state.rng
    trainer.iteration_errors.truncate(state.history_lengths[0])
    trainer.epoch_errors.truncate(state.history_lengths[1])
    trainer.test_errors.truncate(state.history_lengths[2])
    trainer.validation_errors.truncate(state.history_lengths[3])
    trainer.best = state.best
    trainer.rolled_back_to = state.rolled_back_to
