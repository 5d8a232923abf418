"""Sweeps: K copies of one network trained together as one stacked computation.

Each copy may have its own learning rate, momentum and initial weights; all see
the same batches in the same order, so copy k follows exactly the run a single
``Trainer`` with copy k's settings would make. A copy that diverges is frozen at
its last finite weights while the others go on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.backprop import (
    bias_gradient,
    forward_to_output_delta,
    hidden_delta,
    with_weight_decay,
)
from bpdesk.core.engine.network import Network
from bpdesk.core.engine.optimizers import GradientDescent, make_optimizer
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.errors import ConfigError

__all__ = ["Sweep"]

Array = NDArray[np.float64]


class Sweep:
    """Train ``networks`` (same shape) side by side; ``etas``/``momenta`` default to the
    config's."""

    def __init__(
        self,
        networks: Sequence[Network],
        inputs: Array,
        targets: Array,
        config: TrainConfig,
        *,
        etas: Sequence[float] | None = None,
        momenta: Sequence[float] | None = None,
    ) -> None:
        if not networks:
            raise ConfigError("A sweep needs at least one network.")
        spec = networks[0].spec
        if any(n.spec.sizes != spec.sizes or n.spec != spec for n in networks):
            raise ConfigError("Every network of a sweep must have the same shape and functions.")
        if config.optimizer == "lm":
            raise ConfigError("Levenberg–Marquardt runs one network at a time, not in a sweep.")
        k = len(networks)
        etas = [config.eta] * k if etas is None else list(etas)
        momenta = [config.momentum] * k if momenta is None else list(momenta)
        if len(etas) != k or len(momenta) != k:
            raise ConfigError(f"Give one learning rate and one momentum for each of the {k} runs.")
        for eta, alpha in zip(etas, momenta, strict=True):
            TrainConfig(eta=eta, momentum=alpha).validated()
        self.spec = spec
        self.k = k
        # The batch schedule is a Trainer's own, so the order of samples is the same as alone.
        self.schedule = Trainer(networks[0].copy(), inputs, targets, config)
        self.config = self.schedule.config
        self.weights = [np.stack([n.weights[i] for n in networks]) for i in range(spec.n_layers)]
        self.biases = [np.stack([n.biases[i] for n in networks]) for i in range(spec.n_layers)]
        self.eta = np.array(etas, dtype=np.float64).reshape(k, 1, 1)
        self.momentum = np.array(momenta, dtype=np.float64).reshape(k, 1, 1)
        shapes: list[tuple[int, ...]] = []
        for w, b in zip(self.weights, self.biases, strict=True):
            shapes += [w.shape, b.shape]
        self.optimizer = make_optimizer(
            config.optimizer, shapes, self.eta, self.momentum, self.config.weight_decay
        )
        self._decay = self.config.weight_decay
        self._step = self.optimizer.step
        if isinstance(self.optimizer, GradientDescent):
            self._previous = self.optimizer.previous  # the optimiser's own memory
            self._neg_eta = [np.broadcast_to(-self.eta, s).copy() for s in shapes]
            self._alpha = (
                [np.broadcast_to(self.momentum, s).copy() for s in shapes]
                if bool(np.any(self.momentum))
                else None
            )
            self._step = self._gd_step
        self.iteration_errors: list[Array] = []
        self._layers = [(a.f, a.slope, a.elementwise) for a in spec.activations]
        self._activations = spec.activations
        self._loss = spec.loss_fn
        self._value_and_grad = self._loss.both or self._loss.value_and_grad
        self._canonical = self._loss.canonical_activation == spec.activations[-1].name
        self._sequential = self.config.update_order == "sequential"
        self.diverged_at = np.full(k, -1)  # iteration at which each run diverged, or -1

    def network(self, k: int) -> Network:
        """Run ``k`` as a network of its own (a copy)."""
        return Network(self.spec, [w[k] for w in self.weights], [b[k] for b in self.biases])

    def errors(self) -> Array:
        """Iterations × runs: each run's batch error, iteration by iteration."""
        if not self.iteration_errors:
            return np.empty((0, self.k))
        return np.array(self.iteration_errors)

    def evaluate(self) -> Array:
        """Each run's error over the whole training set."""
        return np.array(
            [
                self.network(k).error(self.schedule.inputs, self.schedule.targets)
                for k in range(self.k)
            ]
        )

    def run(self, *, iterations: int | None = None, epochs: int | None = None) -> int:
        """Train every run for ``iterations`` (or whole ``epochs``); returns iterations done."""
        schedule = self.schedule
        if iterations is None:
            if epochs is None:
                raise ConfigError("Give a number of iterations or of epochs.")
            iterations = epochs * schedule.iterations_per_epoch - schedule.position
        frozen = self.diverged_at >= 0
        any_frozen = bool(frozen.any())
        weights, biases = self.weights, self.biases
        iterate, record = self._iteration, self.iteration_errors.append
        finish = schedule.finish_iteration
        inputs, targets = schedule.inputs, schedule.targets
        # The whole set in every batch: one iteration is one epoch and no order changes.
        full = schedule.batch_size >= schedule.n_samples
        x, t = inputs, targets
        added = biases  # what the forward pass adds to each layer's net
        if full and not self.config.train_biases:
            # Biases that never change, spread to the nets' shape once (the same numbers).
            shapes = [(self.k, x.shape[0], size) for size in self.spec.sizes[1:]]
            added = [np.broadcast_to(b, s).copy() for b, s in zip(biases, shapes, strict=True)]
        with np.errstate(all="ignore"):
            for done in range(iterations):
                if not full:
                    idx = schedule.batch_indices()
                    x, t = inputs[idx], targets[idx]
                # The optimiser makes new arrays, so the old ones are the weights before.
                previous = (list(weights), list(biases))
                error = iterate(x, t, added)
                # A sum of finite errors is finite (or overflows: then each is looked at).
                if any_frozen or not math.isfinite(sum(error.tolist())):
                    at = schedule.iteration + (done if full else 0)
                    frozen = self._freeze(error, frozen, previous, at)
                    any_frozen = bool(frozen.any())
                record(error)
                if not full:
                    finish(0.0, x.shape[0])
        if full:  # what finish_iteration would have counted, at once
            schedule.iteration += iterations
            schedule.epoch += iterations
        return iterations

    def _freeze(
        self,
        error: Array,
        frozen: NDArray[np.bool_],
        previous: tuple[list[Array], list[Array]],
        iteration: int,
    ) -> NDArray[np.bool_]:
        """Mark the runs whose error is no longer finite and put every frozen run back."""
        newly = ~np.isfinite(error) & ~frozen
        if newly.any():
            self.diverged_at[newly] = iteration
            frozen = frozen | newly
        for i in range(self.spec.n_layers):
            self.weights[i][frozen] = previous[0][i][frozen]
            self.biases[i][frozen] = previous[1][i][frozen]
        return frozen

    def _gd_step(self, slot: int, value: Array, grad: Array) -> Array:
        """``GradientDescent.step`` with η and α spread to the array's shape beforehand (the
        same numbers: NumPy multiplies arrays of one shape much faster than it broadcasts)."""
        if self._decay and not slot % 2:
            grad = with_weight_decay(grad, value, self._decay)
        change = self._neg_eta[slot] * grad
        if self._alpha is not None:
            change = change + self._alpha[slot] * self._previous[slot]
        self._previous[slot] = change
        result: Array = value + change
        return result

    def _iteration(self, x: Array, t: Array, added: list[Array] | None = None) -> Array:
        """Forward, backward and update of every run on one batch; each run's error before.

        ``backprop``'s chain rule, layer by layer through its functions, with every
        lookup hoisted out of the loop, since this runs once per iteration. ``added``: the
        biases as the forward pass adds them (by default the biases themselves).
        """
        weights, biases = self.weights, self.biases
        layers = self._layers
        loss = self._loss
        nets, outs, per_output, delta = forward_to_output_delta(
            x,
            t,
            weights,
            biases if added is None else added,
            layers,
            self._activations[-1],
            loss,
            self._value_and_grad,
        )
        n = x.shape[0]
        error: Array = per_output.sum(axis=(-2, -1))
        if n != 1:
            error = error / n
        self.optimizer.t += 1  # begin_step
        step = self._step
        sequential = self._sequential
        train_biases = self.config.train_biases
        shared = self.spec.shared_bias
        activations = self._activations
        for layer in range(len(weights) - 1, -1, -1):
            dE_dw = outs[layer].swapaxes(-1, -2) @ delta  # backprop.weight_gradient, inlined
            if n != 1:
                dE_dw = dE_dw / n
            dE_db = bias_gradient(delta, shared) if train_biases else None
            if sequential:
                weights[layer] = step(2 * layer, weights[layer], dE_dw)
                if dE_db is not None:
                    biases[layer] = step(2 * layer + 1, biases[layer], dE_db)
            if layer > 0:
                _, delta = hidden_delta(
                    delta, weights[layer], activations[layer - 1], nets[layer - 1], outs[layer]
                )
            if not sequential:
                weights[layer] = step(2 * layer, weights[layer], dE_dw)
                if dE_db is not None:
                    biases[layer] = step(2 * layer + 1, biases[layer], dE_db)
        return error
