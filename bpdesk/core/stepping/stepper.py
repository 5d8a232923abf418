"""The step machine: a training step phase by phase or neuron by neuron, traced and undoable.

Forward pass → error → backward pass → update, with a trace after every sub-step
and an undo history of the states before them. It drives the same ``Trainer`` as
fast training (same weights, optimiser memory, batch order and error history), so
stepping and running can be mixed freely. The computations are the chain rule of
``backprop`` (``in_progress.py``), applied a layer at a time when that layer's first
neuron is stepped; a sub-step then reveals one neuron's values (``reveal.py``).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import numpy as np

from bpdesk.core.engine.config import check_parameter_value
from bpdesk.core.engine.history import History
from bpdesk.core.engine.network import Network
from bpdesk.core.engine.trainer import RunResult, TrainConfig, Trainer
from bpdesk.core.errors import ConfigError
from bpdesk.core.stepping.data_edit import (
    DataEdit,
    edited_arrays,
    edited_entry,
    set_training_data,
)
from bpdesk.core.stepping.in_progress import StepInProgress
from bpdesk.core.stepping.reveal import build_trace
from bpdesk.core.stepping.trace import Op, StepTrace
from bpdesk.core.stepping.undo import SavedState, UndoRecord, moment_fields, record, restore

__all__ = ["DEFAULT_HISTORY", "SavedState", "Stepper"]

DEFAULT_HISTORY = 5000


class Stepper:
    """Steps a ``Trainer`` through one training step at a time, keeping a trace and undo.

    ``meta`` carries what views and session files need to know about the data and the
    lesson (``title``, ``dataset_name``, ``input_shape``, ``data``: how to rebuild it).
    """

    def __init__(
        self,
        trainer: Trainer,
        history_limit: int = DEFAULT_HISTORY,
        meta: dict[str, object] | None = None,
    ) -> None:
        self.trainer = trainer
        self.meta: dict[str, object] = dict(meta or {})
        self._undo: deque[UndoRecord] = deque(maxlen=history_limit)
        self.in_progress: StepInProgress | None = None
        self.done = 0
        self.ops = self._plan()
        self._initial = self._record()
        self._step_start = self._initial

    # ------------------------------------------------------------ queries
    @property
    def network(self) -> Network:
        return self.trainer.network

    @property
    def step_complete(self) -> bool:
        return self.in_progress is None or self.done == len(self.ops)

    @property
    def next_phase(self) -> str:
        if self.step_complete:
            return "forward"
        return self.ops[self.done].phase

    @property
    def can_step_back(self) -> bool:
        return bool(self._undo)

    @property
    def undo_depth(self) -> int:
        return len(self._undo)

    @property
    def undo_records(self) -> tuple[UndoRecord, ...]:
        """The undo history, oldest first (read-only: the records are frozen)."""
        return tuple(self._undo)

    def _plan(self) -> tuple[Op, ...]:
        """The sub-steps of one step, in order, for the current network and update order."""
        spec = self.network.spec
        cfg = self.trainer.config
        ops = [Op("forward", i, j) for i in range(spec.n_layers) for j in range(spec.sizes[i + 1])]
        ops.append(Op("error", spec.n_layers - 1))
        sequential = cfg.update_order == "sequential"
        for i in range(spec.n_layers - 1, -1, -1):
            ops += [Op("backward", i, j) for j in range(spec.sizes[i + 1])]
            if sequential:
                ops.append(Op("update", i))
        if cfg.optimizer == "lm":
            ops.append(Op("update", -1))
        elif not sequential:
            ops += [Op("update", i) for i in range(spec.n_layers - 1, -1, -1)]
        return tuple(ops)

    # ------------------------------------------------------------ stepping
    def step_op(self) -> StepTrace:
        """One sub-step (the "Next neuron" button)."""
        self._check_not_diverged()
        self._undo.append(self._record())
        self._advance("op")
        return self.trace()

    def _check_not_diverged(self) -> None:
        if self.trainer.diverged:
            raise ConfigError(self.trainer.diverged + " Step back or reset to go on.")

    def _advance(self, scope: str) -> None:
        """One sub-step, then more up to the end of ``scope`` ("op", "phase" or "step"),
        stopping early where the error stops being finite."""
        phase = self.next_phase
        with np.errstate(all="ignore"):
            self._sub_step()
            while scope != "op" and not self.step_complete and not self.trainer.diverged:
                if scope == "phase" and self.next_phase != phase:
                    break
                self._sub_step()

    def _sub_step(self) -> None:
        if self.step_complete:
            self._begin_step()
        self._execute(self.ops[self.done])
        self.done += 1
        if self.done == len(self.ops):
            assert self.in_progress is not None
            step = self.in_progress
            self.trainer.finish_iteration(step.E_total, int(step.inputs.shape[0]))

    def step_phase(self, phase: str | None = None) -> StepTrace:
        """The rest of the current phase (Forward, Backward or Update button).

        ``phase`` says which button was pressed; pressing one that is not next is refused.
        """
        current = self.next_phase
        if phase is not None and phase != current:
            raise ConfigError(f"The next part of the step is the {current} pass, not the {phase}.")
        self._check_not_diverged()
        self._undo.append(self._record())
        self._advance("phase")
        return self.trace()

    def full_step(self) -> StepTrace:
        """Everything left of the current step (or one whole step); one undo entry."""
        self._check_not_diverged()
        self._undo.append(self._record())
        self._advance("step")
        return self.trace()

    def run(
        self,
        *,
        iterations: int | None = None,
        epochs: int | None = None,
        target_error: float | None = None,
    ) -> RunResult:
        """Finish the step in progress, then train fast (one undo entry for the whole run)."""
        if not self.step_complete:
            self._check_not_diverged()
        self._undo.append(self._record())
        if not self.step_complete:
            self._advance("step")
            if iterations is not None:
                iterations = max(0, iterations - 1)
        self.in_progress = None
        self.done = 0
        return self.trainer.run(iterations=iterations, epochs=epochs, target_error=target_error)

    def run_steps(self, iterations: int, *, first: bool) -> RunResult:
        """``iterations`` whole steps through the step machine, so that the last one's trace
        keeps every number (a slow run that shows each step); ``first`` takes the run's one
        undo entry. Stops where the error stops being finite or training must stop early."""
        trainer = self.trainer
        if first:
            self._check_not_diverged()
            self._undo.append(self._record())
        done = 0
        while done < iterations:
            early = trainer.early_stop_reason()
            if early is not None:
                return RunResult(done, early, early_stopped=True)
            self._advance("step")
            done += 1
            if trainer.diverged:
                return RunResult(done, trainer.diverged, diverged=True)
        return RunResult(done, f"{done} steps done")

    def leave_finished_step(self) -> None:
        """Let go of a finished step's trace (a fast run goes on from here, as after
        :meth:`run`)."""
        if self.step_complete:
            self.in_progress, self.done = None, 0

    def _begin_step(self) -> None:
        self.ops = self._plan()
        self.in_progress, self.done = None, 0
        self._step_start = self._record()
        self.in_progress = StepInProgress.begin(self.trainer)

    def _execute(self, op: Op) -> None:
        step = self.in_progress
        assert step is not None
        network = self.network
        if op.kind == "forward" and op.neuron == 0:
            step.forward_layer(op.layer, network)
        elif op.kind == "error":
            error = step.compute_error(network)
            if not math.isfinite(error):
                self.trainer.diverged = (
                    f"The error became {'NaN' if math.isnan(error) else 'infinite'} "
                    f"at iteration {self.trainer.iteration + 1}: the weights are too large for "
                    "the network to compute with (η is probably too large)."
                )
        elif op.kind == "backward" and op.neuron == 0:
            step.backward_layer(op.layer, network)
        elif op.kind == "update":
            if op.layer < 0:
                step.update_every_layer(self.trainer)
            else:
                step.update_layer(op.layer, self.trainer)

    # ---------------------------------------------------------------- trace
    def trace(self) -> StepTrace:
        """The current step as immutable data (copies); NaN where nothing is computed yet."""
        step = self.in_progress
        if step is None:
            # Nothing stepped yet: the trace of the step that would begin now (no undo
            # record is taken: a run asks for this many times a second).
            self.ops, self.done = self._plan(), 0
            return build_trace(self.trainer, StepInProgress.begin(self.trainer), self.ops, 0)
        return build_trace(self.trainer, step, self.ops, self.done)

    # ------------------------------------------------------------ undo & edits
    def _record(self) -> UndoRecord:
        entry = self.meta.get("data")
        return record(self.trainer, self.in_progress, self.done, self.ops, entry)

    def _restore(self, state: UndoRecord) -> None:
        restore(self.trainer, state)
        if state.data is not None:  # how the session names the samples goes back with them
            if state.data.entry is None:
                self.meta.pop("data", None)
            else:
                self.meta["data"] = state.data.entry
        self.in_progress = None if state.step is None else state.step.copy()
        self.done = state.done
        self.ops = state.ops

    def saved_state(self) -> SavedState:
        """The state a session file needs to resume this step machine bit for bit."""
        start = self._step_start if not self.step_complete else self._record()
        t = self.trainer
        lengths = start.history_lengths
        return SavedState(
            **moment_fields(start),
            iteration_errors=t.iteration_errors.values(0, lengths[0]),
            epoch_errors=t.epoch_errors.values(0, lengths[1]),
            done=0 if self.step_complete else self.done,
            test_errors=t.test_errors.values(0, lengths[2]),
            validation_errors=t.validation_errors.values(0, lengths[3]),
        )

    def load_state(self, state: SavedState) -> None:
        """Resume from a saved state (the undo history starts afresh)."""
        t = self.trainer
        t.iteration_errors = History(state.iteration_errors)
        t.epoch_errors = History(state.epoch_errors)
        t.test_errors = History(state.test_errors if state.test_errors is not None else [])
        t.validation_errors = History(
            state.validation_errors if state.validation_errors is not None else []
        )
        saved = UndoRecord(
            **moment_fields(state),
            config=t.config,
            history_lengths=(
                len(t.iteration_errors),
                len(t.epoch_errors),
                len(t.test_errors),
                len(t.validation_errors),
            ),
            best=None,
            step=None,
            done=0,
            ops=self._plan(),
        )
        self._restore(saved)
        self._undo.clear()
        self._initial = self._record()
        self._step_start = self._initial
        if state.done:
            self._replay(min(state.done, len(self.ops)))
        self._undo.clear()

    def roll_back_to_best(self) -> StepTrace:
        """Put back the weights of the epoch with the lowest validation error (test error
        without a validation set; one undo entry); the optimiser's memory is cleared, since
        it belongs to the later weights."""
        best = self.trainer.best
        if best is None:
            raise ConfigError(
                "There is no validation or test error yet: split the data and train an epoch."
            )
        self._undo.append(self._record())
        if not self.step_complete:
            self.in_progress, self.done = None, 0
        self.network.weights[:] = [w.copy() for w in best[2]]
        self.network.biases[:] = [b.copy() for b in best[3]]
        if self.trainer.optimizer is not None:
            self.trainer.optimizer.reset()
        self.trainer.rolled_back_to = best[0]
        return self.trace()

    def step_back(self) -> StepTrace:
        """Undo the last sub-step, edit or run, exactly."""
        if not self._undo:
            raise ConfigError("There is nothing to step back to.")
        self._restore(self._undo.pop())
        return self.trace()

    def reset(self) -> StepTrace:
        """Back to the state this step machine started from (the undo history is cleared)."""
        self._restore(self._initial)
        self._undo.clear()
        return self.trace()

    def set_parameter(self, name: str, value: float) -> StepTrace:
        """Change one weight or bias. A step in progress restarts with the new value and is
        replayed up to the same point of its forward and backward passes. A value the core's
        rule refuses (``check_parameter_value``) changes nothing."""
        self.network.spec.ref(name)
        reason = check_parameter_value(name, value)
        if reason is not None:
            raise ConfigError(reason)

        def change() -> None:
            replay = 0
            if not self.step_complete:
                first_update = next(k for k, op in enumerate(self.ops) if op.kind == "update")
                replay = min(self.done, first_update)
                if self.done > first_update:
                    replay = 0
                self._restart_step()
            self.network.set(name, float(value))
            self.trainer.rolled_back_to = None  # edited: no longer that epoch's weights
            self._replay(replay)

        return self._one_change(change)

    def set_config(self, config: TrainConfig) -> StepTrace:
        """New hyper-parameters; a step in progress restarts (replayed like an edit). A
        config the trainer refuses changes nothing: the step in progress is kept."""
        config = self.trainer.check_config(config)

        def change() -> None:
            replay = 0 if self.step_complete else self.done
            if not self.step_complete:
                self._restart_step()
            self.in_progress, self.done = None, 0  # a finished step's plan may not fit
            self.trainer.set_config(config)
            self.ops = self._plan()
            first_update = next(k for k, op in enumerate(self.ops) if op.kind == "update")
            self._replay(min(replay, first_update))

        return self._one_change(change)

    def edit_data(self, edit: DataEdit) -> StepTrace:
        """Add, move or remove one training point of two-input data (one undo entry; see
        ``data_edit.py``). The samples are then saved in the session itself; the epoch in
        progress starts afresh and a step in progress restarts (replayed like an edit). A
        refused edit changes nothing."""
        inputs, targets = edited_arrays(self.trainer.inputs, self.trainer.targets, edit)

        def change() -> None:
            replay = 0 if self.step_complete else self.done
            if not self.step_complete:
                self._restart_step()
            self.in_progress, self.done = None, 0
            old = self.meta.get("data")
            seed = old.get("split_seed", 0) if isinstance(old, dict) else 0
            set_training_data(self.trainer, inputs, targets)
            self.meta["data"] = edited_entry(self.trainer, int(seed))  # saved as samples
            self.ops = self._plan()
            first_update = next(k for k, op in enumerate(self.ops) if op.kind == "update")
            self._replay(min(replay, first_update))

        return self._one_change(change)

    def _one_change(self, change: Callable[[], None]) -> StepTrace:
        """Make ``change`` as one undo entry; should it fail, everything is put back as it
        was (weights, optimiser memory, settings, step in progress, undo history)."""
        before = self._record()
        step_start = self._step_start
        try:
            change()
        except BaseException:
            self._restore(before)
            self._step_start = step_start
            raise
        self._undo.append(before)
        return self.trace()

    def _restart_step(self) -> None:
        """Put the weights back to where the step in progress started, and forget the step."""
        step = self.in_progress
        assert step is not None
        self.network.weights[:] = [w.copy() for w in step.w_before]
        self.network.biases[:] = [b.copy() for b in step.b_before]
        self.in_progress, self.done = None, 0

    def _replay(self, count: int) -> None:
        with np.errstate(all="ignore"):
            for _ in range(count):
                self._sub_step()
