"""The step machine: forward pass → error → backward pass → update, phase by phase or neuron
by neuron, with a trace after every sub-step and an undo history of the states before them.

It drives the same ``Trainer`` as fast training (same weights, optimiser memory,
batch order and error history), so stepping and running can be mixed freely.
The computations are the trainer's own functions, applied a layer at a time when
that layer's first neuron is stepped; a sub-step then reveals one neuron's values.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.backprop import (
    batch_error,
    hidden_delta,
    layer_gradients,
    output_delta,
    sample_errors,
)
from bpdesk.core.engine.history import History
from bpdesk.core.engine.levenberg import LMResult
from bpdesk.core.engine.network import Network
from bpdesk.core.engine.trainer import RunResult, TrainConfig, Trainer
from bpdesk.core.errors import ConfigError
from bpdesk.core.stepping.trace import LayerTrace, Op, StepTrace

__all__ = ["DEFAULT_HISTORY", "SavedState", "Stepper"]

Array = NDArray[np.float64]
IndexArray = NDArray[np.intp]

DEFAULT_HISTORY = 5000


def _frozen(array: Array) -> Array:
    array.flags.writeable = False
    return array


@dataclass
class _Work:
    """The arrays of the step in progress. Arrays are never changed once stored, so an undo
    snapshot can share them; only the lists are copied."""

    batch: Array
    x: Array
    t: Array
    nets: list[Array | None]
    outs: list[Array | None]
    errors: Array | None = None
    sample_errors: Array | None = None
    E_total: float = math.nan
    dE_dout: list[Array | None] = field(default_factory=list)
    terms: list[Array | None] = field(default_factory=list)
    weights_above: list[Array | None] = field(default_factory=list)
    dout_dnet: list[Array | None] = field(default_factory=list)
    delta: list[Array | None] = field(default_factory=list)
    grad_w: list[Array | None] = field(default_factory=list)
    grad_b: list[Array | None] = field(default_factory=list)
    w_before: list[Array] = field(default_factory=list)
    b_before: list[Array] = field(default_factory=list)
    changes: list[tuple[Array, Array, Array, Array, Array, Array] | None] = field(
        default_factory=list
    )
    optimizer_started: bool = False
    lm: LMResult | None = None

    def copy(self) -> _Work:
        clone = _Work(**self.__dict__)
        for key, value in self.__dict__.items():
            if isinstance(value, list):
                setattr(clone, key, list(value))
        return clone


@dataclass(frozen=True)
class _Snapshot:
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    optimizer: dict[str, object]
    config: TrainConfig
    counters: tuple[int, int, int, float, str | None]
    order: IndexArray
    rng: Mapping[str, Any]
    history_lengths: tuple[int, int, int]
    best: tuple[int, float, list[Array], list[Array]] | None
    work: _Work | None
    done: int
    ops: tuple[Op, ...]


@dataclass(frozen=True)
class SavedState:
    """What a session file stores to resume exactly: the state at the start of the step in
    progress, and how many of its sub-steps were done (they are replayed on loading)."""

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
    iteration_errors: Array
    epoch_errors: Array
    done: int
    test_errors: Array | None = None


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
        self._undo: deque[_Snapshot] = deque(maxlen=history_limit)
        self.work: _Work | None = None
        self.done = 0
        self.ops = self._plan()
        self._initial = self._snapshot()
        self._step_start = self._initial

    # ------------------------------------------------------------ queries
    @property
    def network(self) -> Network:
        return self.trainer.network

    @property
    def step_complete(self) -> bool:
        return self.work is None or self.done == len(self.ops)

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
        self._undo.append(self._snapshot())
        self._advance()
        return self.trace()

    def _check_not_diverged(self) -> None:
        if self.trainer.diverged:
            raise ConfigError(self.trainer.diverged + " Step back or reset to go on.")

    def _advance(self) -> None:
        if self.step_complete:
            self._begin_step()
        with np.errstate(all="ignore"):
            self._execute(self.ops[self.done])
        self.done += 1
        if self.done == len(self.ops):
            assert self.work is not None
            self.trainer.finish_iteration(self.work.E_total, int(self.work.x.shape[0]))

    def step_phase(self, phase: str | None = None) -> StepTrace:
        """The rest of the current phase (Forward, Backward or Update button).

        ``phase`` says which button was pressed; pressing one that is not next is refused.
        """
        current = self.next_phase
        if phase is not None and phase != current:
            raise ConfigError(f"The next part of the step is the {current} pass, not the {phase}.")
        self._check_not_diverged()
        self._undo.append(self._snapshot())
        self._advance()
        while not self.step_complete and self.next_phase == current and not self.trainer.diverged:
            self._advance()
        return self.trace()

    def full_step(self) -> StepTrace:
        """Everything left of the current step (or one whole step); one undo entry."""
        self._check_not_diverged()
        self._undo.append(self._snapshot())
        self._advance()
        while not self.step_complete and not self.trainer.diverged:
            self._advance()
        return self.trace()

    def run(
        self,
        *,
        iterations: int | None = None,
        epochs: int | None = None,
        target_error: float | None = None,
    ) -> RunResult:
        """Finish the step in progress, then train fast (one undo entry for the whole run)."""
        self._undo.append(self._snapshot())
        if not self.step_complete:
            self._check_not_diverged()
            while not self.step_complete and not self.trainer.diverged:
                self._advance()
            if iterations is not None:
                iterations = max(0, iterations - 1)
        self.work = None
        self.done = 0
        return self.trainer.run(iterations=iterations, epochs=epochs, target_error=target_error)

    def _begin_step(self) -> None:
        trainer = self.trainer
        self.ops = self._plan()
        self.work, self.done = None, 0
        self._step_start = self._snapshot()
        n = self.network.spec.n_layers
        x, t = trainer.current_batch()
        none: list[Array | None] = [None] * n
        self.work = _Work(
            batch=_frozen(trainer.batch_indices().copy()),
            x=x,
            t=t,
            nets=list(none),
            outs=[x, *none],
            dE_dout=list(none),
            terms=list(none),
            weights_above=list(none),
            dout_dnet=list(none),
            delta=list(none),
            grad_w=list(none),
            grad_b=list(none),
            w_before=[w.copy() for w in self.network.weights],
            b_before=[b.copy() for b in self.network.biases],
            changes=[None] * n,
        )

    def _execute(self, op: Op) -> None:
        work = self.work
        assert work is not None
        net = self.network
        spec = net.spec
        acts = spec.activations
        if op.kind == "forward" and op.neuron == 0:
            i = op.layer
            z = work.outs[i] @ net.weights[i] + net.biases[i]  # type: ignore[operator]
            work.nets[i] = _frozen(z)
            work.outs[i + 1] = _frozen(acts[i].f(z))
        elif op.kind == "error":
            out = work.outs[-1]
            assert out is not None
            per_output, per_sample = sample_errors(spec.loss_fn, out, work.t)
            work.errors, work.sample_errors = _frozen(per_output), _frozen(per_sample)
            work.E_total = float(batch_error(per_output))
            if not math.isfinite(work.E_total):
                self.trainer.diverged = (
                    f"The error became {'NaN' if math.isnan(work.E_total) else 'infinite'} "
                    f"at iteration {self.trainer.iteration + 1}: the weights are too large for "
                    "the network to compute with (η is probably too large)."
                )
        elif op.kind == "backward" and op.neuron == 0:
            self._backward_layer(op.layer)
        elif op.kind == "update":
            self._update(op.layer)

    def _backward_layer(self, i: int) -> None:
        work = self.work
        assert work is not None
        net = self.network
        spec = net.spec
        act = spec.activations[i]
        z, out, below = work.nets[i], work.outs[i + 1], work.outs[i]
        assert z is not None and out is not None and below is not None
        if i == spec.n_layers - 1:
            dE_dout, delta = output_delta(spec.loss_fn, act, z, out, work.t)
        else:
            above = net.weights[i + 1].copy()
            delta_above = work.delta[i + 1]
            assert delta_above is not None
            dE_dout, delta = hidden_delta(delta_above, above, act, z, out)
            work.terms[i] = _frozen(delta_above[:, None, :] * above[None, :, :])
            work.weights_above[i] = _frozen(above)
        grad_w, grad_b = layer_gradients(below, delta, spec.shared_bias)
        work.dE_dout[i] = _frozen(dE_dout)
        work.delta[i] = _frozen(delta)
        work.dout_dnet[i] = _frozen(act.slope(z, out))
        work.grad_w[i] = _frozen(grad_w)
        work.grad_b[i] = _frozen(grad_b)

    def _update(self, i: int) -> None:
        work = self.work
        assert work is not None
        trainer = self.trainer
        net = self.network
        train_biases = trainer.config.train_biases
        if i < 0:
            assert trainer.lm is not None
            before = [(w.copy(), b.copy()) for w, b in zip(net.weights, net.biases, strict=True)]
            work.lm = trainer.lm.step(net, work.x, work.t, train_biases)
            for layer, (w0, b0) in enumerate(before):
                w1, b1 = net.weights[layer].copy(), net.biases[layer].copy()
                zeros_w, zeros_b = np.zeros_like(w0), np.zeros_like(b0)
                work.changes[layer] = (zeros_w, zeros_b, w1 - w0, b1 - b0, w1, b1)
            return
        opt = trainer.optimizer
        assert opt is not None
        if not work.optimizer_started:
            opt.begin_step()
            work.optimizer_started = True
        grad_w, grad_b = work.grad_w[i], work.grad_b[i]
        assert grad_w is not None and grad_b is not None
        cw = opt.apply(2 * i, net.weights[i], grad_w)
        net.weights[i] = cw.new
        if train_biases:
            cb = opt.apply(2 * i + 1, net.biases[i], grad_b)
            net.biases[i] = cb.new
            b_parts = (cb.momentum_term, cb.delta, cb.new)
        else:
            zeros = np.zeros_like(net.biases[i])
            b_parts = (zeros, zeros, net.biases[i].copy())
        work.changes[i] = (cw.momentum_term, b_parts[0], cw.delta, b_parts[1], cw.new, b_parts[2])

    # ---------------------------------------------------------------- trace
    def trace(self) -> StepTrace:
        """The current step as immutable data (copies); NaN where nothing is computed yet."""
        trainer = self.trainer
        spec = self.network.spec
        work = self.work
        if work is None:
            self._begin_step()
            work = self.work
            self.work, self.done = None, 0
            assert work is not None
        done_ops = self.ops[: self.done] if self.work is not None else ()
        shown_fwd = [np.zeros(s, dtype=bool) for s in spec.sizes[1:]]
        shown_bwd = [np.zeros(s, dtype=bool) for s in spec.sizes[1:]]
        shown_upd = [False] * spec.n_layers
        error_shown = False
        for op in done_ops:
            if op.kind == "forward":
                shown_fwd[op.layer][op.neuron] = True
            elif op.kind == "backward":
                shown_bwd[op.layer][op.neuron] = True
            elif op.kind == "error":
                error_shown = True
            elif op.layer < 0:
                shown_upd = [True] * spec.n_layers
            else:
                shown_upd[op.layer] = True
        n_samples = work.x.shape[0]
        layers = []
        for i in range(spec.n_layers):
            n_in, n = spec.weight_shape(i)
            bias_shape = spec.bias_shape(i)

            def pick(array: Array | None, shape: tuple[int, ...], mask: Array) -> Array:
                result = np.full(shape, np.nan)
                if array is not None:
                    result[..., mask] = np.broadcast_to(array, shape)[..., mask]
                return _frozen(result)

            fwd, bwd = shown_fwd[i], shown_bwd[i]
            per_sample = (n_samples, n)
            terms = None
            if i < spec.n_layers - 1:
                n_above = spec.sizes[i + 2]
                raw = work.terms[i]
                terms = np.full((n_samples, n, n_above), np.nan)
                if raw is not None:
                    terms[:, bwd, :] = raw[:, bwd, :]
                terms = _frozen(terms)
            above = work.weights_above[i]
            bias_mask = bwd if not spec.shared_bias else np.array([bool(bwd.all())])
            change = work.changes[i] if shown_upd[i] else None
            nan_w, nan_b = np.full((n_in, n), np.nan), np.full(bias_shape, np.nan)
            parts = change if change is not None else (nan_w, nan_b, nan_w, nan_b, nan_w, nan_b)
            layers.append(
                LayerTrace(
                    net=pick(work.nets[i], per_sample, fwd),
                    out=pick(work.outs[i + 1], per_sample, fwd),
                    dE_dout=pick(work.dE_dout[i], per_sample, bwd),
                    dE_dout_terms=terms,
                    weights_above=None if above is None else _frozen(above.copy()),
                    dout_dnet=pick(work.dout_dnet[i], per_sample, bwd),
                    delta=pick(work.delta[i], per_sample, bwd),
                    grad_w=pick(work.grad_w[i], (n_in, n), bwd),
                    grad_b=pick(work.grad_b[i], bias_shape, bias_mask),
                    w_before=_frozen(work.w_before[i].copy()),
                    b_before=_frozen(work.b_before[i].copy()),
                    momentum_w=_frozen(np.array(parts[0], dtype=np.float64)),
                    momentum_b=_frozen(np.array(parts[1], dtype=np.float64)),
                    delta_w=_frozen(np.array(parts[2], dtype=np.float64)),
                    delta_b=_frozen(np.array(parts[3], dtype=np.float64)),
                    w_after=_frozen(np.array(parts[4], dtype=np.float64)),
                    b_after=_frozen(np.array(parts[5], dtype=np.float64)),
                )
            )
        n_out = spec.sizes[-1]
        errors = work.errors if error_shown and work.errors is not None else None
        complete = self.work is not None and self.done == len(self.ops)
        iteration = trainer.iteration - 1 if complete else trainer.iteration
        position = (
            (trainer.position - 1) % trainer.iterations_per_epoch if complete else trainer.position
        )
        epoch = trainer.epoch - (1 if complete and trainer.position == 0 else 0)
        cfg = trainer.config
        return StepTrace(
            spec=spec,
            iteration=iteration,
            epoch=epoch,
            position=position,
            iterations_per_epoch=trainer.iterations_per_epoch,
            batch=work.batch,
            inputs=_frozen(work.x.copy()),
            targets=_frozen(work.t.copy()),
            layers=tuple(layers),
            errors=_frozen(
                errors.copy() if errors is not None else np.full((n_samples, n_out), np.nan)
            ),
            sample_errors=_frozen(
                work.sample_errors.copy()
                if error_shown and work.sample_errors is not None
                else np.full(n_samples, np.nan)
            ),
            E_total=work.E_total if error_shown else math.nan,
            ops=self.ops,
            done=self.done if self.work is not None else 0,
            update_order=cfg.update_order,
            optimizer=cfg.optimizer,
            eta=cfg.eta,
            momentum=cfg.momentum,
            train_biases=cfg.train_biases,
            lm=work.lm if any(shown_upd) else None,
            diverged=trainer.diverged,
        )

    # ------------------------------------------------------------ undo & edits
    def _snapshot(self) -> _Snapshot:
        t = self.trainer
        opt_state = t.optimizer.state() if t.optimizer is not None else {}
        if t.lm is not None:
            opt_state = t.lm.state()
        return _Snapshot(
            weights=tuple(w.copy() for w in t.network.weights),
            biases=tuple(b.copy() for b in t.network.biases),
            optimizer=opt_state,
            config=t.config,
            counters=(t.epoch, t.iteration, t.position, t.epoch_sum, t.diverged),
            order=t.order.copy(),
            rng=t.rng.bit_generator.state,
            history_lengths=(len(t.iteration_errors), len(t.epoch_errors), len(t.test_errors)),
            best=t.best,
            work=None if self.work is None else self.work.copy(),
            done=self.done,
            ops=self.ops,
        )

    def _restore(self, snap: _Snapshot) -> None:
        t = self.trainer
        if snap.config != t.config:
            t.set_config(snap.config)
        t.network.weights[:] = [w.copy() for w in snap.weights]
        t.network.biases[:] = [b.copy() for b in snap.biases]
        if t.optimizer is not None:
            t.optimizer.set_state(snap.optimizer)
        elif t.lm is not None:
            t.lm.set_state(snap.optimizer)
        t.epoch, t.iteration, t.position, t.epoch_sum, t.diverged = snap.counters
        t.order = snap.order.copy()
        t.rng.bit_generator.state = snap.rng
        t.iteration_errors.truncate(snap.history_lengths[0])
        t.epoch_errors.truncate(snap.history_lengths[1])
        t.test_errors.truncate(snap.history_lengths[2])
        t.best = snap.best
        self.work = None if snap.work is None else snap.work.copy()
        self.done = snap.done
        self.ops = snap.ops

    def saved_state(self) -> SavedState:
        """The state a session file needs to resume this step machine bit for bit."""
        start = self._step_start if not self.step_complete else self._snapshot()
        t = self.trainer
        return SavedState(
            weights=start.weights,
            biases=start.biases,
            optimizer=start.optimizer,
            epoch=start.counters[0],
            iteration=start.counters[1],
            position=start.counters[2],
            epoch_sum=start.counters[3],
            diverged=start.counters[4],
            order=start.order,
            rng=start.rng,
            iteration_errors=t.iteration_errors.values(0, start.history_lengths[0]),
            epoch_errors=t.epoch_errors.values(0, start.history_lengths[1]),
            done=0 if self.step_complete else self.done,
            test_errors=t.test_errors.values(0, start.history_lengths[2]),
        )

    def load_state(self, state: SavedState) -> None:
        """Resume from a saved state (the undo history starts afresh)."""
        t = self.trainer
        t.iteration_errors = History(state.iteration_errors)
        t.epoch_errors = History(state.epoch_errors)
        t.test_errors = History(state.test_errors if state.test_errors is not None else [])
        snap = _Snapshot(
            weights=state.weights,
            biases=state.biases,
            optimizer=state.optimizer,
            config=t.config,
            counters=(
                state.epoch,
                state.iteration,
                state.position,
                state.epoch_sum,
                state.diverged,
            ),
            order=state.order,
            rng=state.rng,
            history_lengths=(len(t.iteration_errors), len(t.epoch_errors), len(t.test_errors)),
            best=None,
            work=None,
            done=0,
            ops=self._plan(),
        )
        self._restore(snap)
        self._undo.clear()
        self._initial = self._snapshot()
        self._step_start = self._initial
        if state.done:
            self._replay(min(state.done, len(self.ops)))
        self._undo.clear()

    def roll_back_to_best(self) -> StepTrace:
        """Put back the weights of the epoch with the lowest test error (one undo entry);
        the optimiser's memory is cleared, since it belongs to the later weights."""
        best = self.trainer.best
        if best is None:
            raise ConfigError("There is no test error yet: split the data and train an epoch.")
        self._undo.append(self._snapshot())
        if not self.step_complete:
            self.work, self.done = None, 0
        self.network.weights[:] = [w.copy() for w in best[2]]
        self.network.biases[:] = [b.copy() for b in best[3]]
        if self.trainer.optimizer is not None:
            self.trainer.optimizer.reset()
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
        replayed up to the same point of its forward and backward passes."""
        self.network.spec.ref(name)
        if not math.isfinite(value):
            raise ConfigError(f"{name} must be a finite number, not {value}.")
        self._undo.append(self._snapshot())
        replay = 0
        if not self.step_complete:
            first_update = next(k for k, op in enumerate(self.ops) if op.kind == "update")
            replay = min(self.done, first_update)
            if self.done > first_update:
                replay = 0
            self._restart_step()
        self.network.set(name, value)
        self._replay(replay)
        return self.trace()

    def set_config(self, config: TrainConfig) -> StepTrace:
        """New hyper-parameters; a step in progress restarts (replayed like an edit)."""
        config = config.validated()
        self._undo.append(self._snapshot())
        replay = 0 if self.step_complete else self.done
        if not self.step_complete:
            self._restart_step()
        self.trainer.set_config(config)
        self.ops = self._plan()
        first_update = next(k for k, op in enumerate(self.ops) if op.kind == "update")
        self._replay(min(replay, first_update))
        return self.trace()

    def _restart_step(self) -> None:
        """Put the weights back to where the step in progress started, and forget the step."""
        work = self.work
        assert work is not None
        self.network.weights[:] = [w.copy() for w in work.w_before]
        self.network.biases[:] = [b.copy() for b in work.b_before]
        self.work, self.done = None, 0

    def _replay(self, count: int) -> None:
        with np.errstate(all="ignore"):
            for _ in range(count):
                self._advance()
