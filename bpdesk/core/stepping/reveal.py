"""The trace of the step in progress: each of its arrays as far as the sub-steps done reveal it.

A neuron's forward values appear once its forward sub-step is done, its δ and
gradients once its backward sub-step is, a layer's new weights once it is updated;
everything else is NaN. Every array of a trace is a read-only copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.stepping.in_progress import LayerUpdate, StepInProgress, frozen
from bpdesk.core.stepping.trace import LayerTrace, Op, StepTrace

__all__ = ["build_trace"]

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class _Revealed:
    """Which neurons' forward and backward values, which layers' updates and whether the
    error are shown after the sub-steps done."""

    forward: list[Mask]
    backward: list[Mask]
    updated: list[bool]
    error: bool


def _revealed(ops_done: tuple[Op, ...], spec: NetworkSpec) -> _Revealed:
    forward = [np.zeros(s, dtype=bool) for s in spec.sizes[1:]]
    backward = [np.zeros(s, dtype=bool) for s in spec.sizes[1:]]
    updated = [False] * spec.n_layers
    error = False
    for op in ops_done:
        if op.kind == "forward":
            forward[op.layer][op.neuron] = True
        elif op.kind == "backward":
            backward[op.layer][op.neuron] = True
        elif op.kind == "error":
            error = True
        elif op.layer < 0:
            updated = [True] * spec.n_layers
        else:
            updated[op.layer] = True
    return _Revealed(forward, backward, updated, error)


def _masked(array: Array | None, shape: tuple[int, ...], mask: Mask) -> Array:
    """``array`` where ``mask`` (over its last axis) is set, NaN elsewhere."""
    if array is None or not mask.any():
        return frozen(np.full(shape, np.nan))
    if array.shape == shape and mask.all():
        return frozen(array.copy())
    result = np.full(shape, np.nan)
    result[..., mask] = np.broadcast_to(array, shape)[..., mask]
    return frozen(result)


def _dE_dout_terms(step: StepInProgress, spec: NetworkSpec, i: int, shown: Mask) -> Array | None:
    """δ_k w(h→k) of a hidden layer's revealed neurons (None for the output layer)."""
    if i == spec.n_layers - 1:
        return None
    n_samples = step.inputs.shape[0]
    terms = np.full((n_samples, spec.sizes[i + 1], spec.sizes[i + 2]), np.nan)
    raw = step.dE_dout_terms[i]
    if raw is not None:
        terms[:, shown, :] = raw[:, shown, :]
    return frozen(terms)


def _copy(array: Array) -> Array:
    return frozen(np.array(array, dtype=np.float64))


def _layer_trace(step: StepInProgress, spec: NetworkSpec, i: int, shown: _Revealed) -> LayerTrace:
    n_in, n = spec.weight_shape(i)
    bias_shape = spec.bias_shape(i)
    forward, backward = shown.forward[i], shown.backward[i]
    per_sample = (step.inputs.shape[0], n)
    bias_mask = backward if not spec.shared_bias else np.array([bool(backward.all())])
    update = step.updates[i] if shown.updated[i] else None
    if update is None:
        nan_w, nan_b = np.full((n_in, n), np.nan), np.full(bias_shape, np.nan)
        update = LayerUpdate(nan_w, nan_b, nan_w, nan_b, nan_w, nan_b)
    above = step.weights_above[i]
    return LayerTrace(
        net=_masked(step.nets[i], per_sample, forward),
        out=_masked(step.outs[i + 1], per_sample, forward),
        dE_dout=_masked(step.dE_dout[i], per_sample, backward),
        dE_dout_terms=_dE_dout_terms(step, spec, i, backward),
        weights_above=None if above is None else frozen(above.copy()),
        dout_dnet=_masked(step.dout_dnet[i], per_sample, backward),
        delta=_masked(step.delta[i], per_sample, backward),
        grad_w=_masked(step.dE_dw[i], (n_in, n), backward),
        grad_b=_masked(step.dE_db[i], bias_shape, bias_mask),
        w_before=frozen(step.w_before[i].copy()),
        b_before=frozen(step.b_before[i].copy()),
        momentum_w=_copy(update.momentum_w),
        momentum_b=_copy(update.momentum_b),
        weight_change=_copy(update.weight_change),
        bias_change=_copy(update.bias_change),
        w_after=_copy(update.w_after),
        b_after=_copy(update.b_after),
    )


def _shown_or_nan(array: Array | None, shown: bool, shape: tuple[int, ...]) -> Array:
    return frozen(array.copy() if shown and array is not None else np.full(shape, np.nan))


def build_trace(
    trainer: Trainer, step: StepInProgress, ops: tuple[Op, ...], done: int
) -> StepTrace:
    """The trace of ``step`` after the first ``done`` of its sub-steps ``ops``.

    A step just completed (``done == len(ops)``) has already moved the trainer's
    counters on; the trace gives the iteration, epoch and position it was.
    """
    spec = trainer.network.spec
    shown = _revealed(ops[:done], spec)
    n_samples = step.inputs.shape[0]
    complete = done == len(ops)
    per_epoch = trainer.iterations_per_epoch
    cfg = trainer.config
    return StepTrace(
        spec=spec,
        iteration=trainer.iteration - 1 if complete else trainer.iteration,
        epoch=trainer.epoch - (1 if complete and trainer.position == 0 else 0),
        position=(trainer.position - 1) % per_epoch if complete else trainer.position,
        iterations_per_epoch=per_epoch,
        batch=step.batch,
        inputs=frozen(step.inputs.copy()),
        targets=frozen(step.targets.copy()),
        layers=tuple(_layer_trace(step, spec, i, shown) for i in range(spec.n_layers)),
        errors=_shown_or_nan(step.errors, shown.error, (n_samples, spec.sizes[-1])),
        sample_errors=_shown_or_nan(step.sample_errors, shown.error, (n_samples,)),
        E_total=step.E_total if shown.error else math.nan,
        ops=ops,
        done=done,
        update_order=cfg.update_order,
        optimizer=cfg.optimizer,
        eta=cfg.eta,
        momentum=cfg.momentum,
        train_biases=cfg.train_biases,
        lm=step.lm if any(shown.updated) else None,
        diverged=trainer.diverged,
        weight_decay=cfg.weight_decay,
    )
