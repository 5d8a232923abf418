"""Sweeps: K copies of one network trained together as one stacked computation.

Each copy may have its own learning rate, momentum and initial weights; all see
the same batches in the same order, so copy k follows exactly the run a single
``Trainer`` with copy k's settings would make. A copy that diverges is frozen at
its last finite weights while the others go on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.backprop import backward_pass, batch_error
from bpdesk.core.engine.network import Network, forward_pass
from bpdesk.core.engine.optimizers import make_optimizer
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
        self.optimizer = make_optimizer(config.optimizer, shapes, self.eta, self.momentum)
        self.iteration_errors: list[Array] = []
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
        with np.errstate(all="ignore"):
            for _ in range(iterations):
                x, t = schedule.current_batch()
                previous = ([w.copy() for w in self.weights], [b.copy() for b in self.biases])
                error = self._iteration(x, t)
                newly = ~np.isfinite(error) & ~frozen
                if newly.any():
                    self.diverged_at[newly] = schedule.iteration
                    frozen = frozen | newly
                if frozen.any():
                    for i in range(self.spec.n_layers):
                        self.weights[i][frozen] = previous[0][i][frozen]
                        self.biases[i][frozen] = previous[1][i][frozen]
                self.iteration_errors.append(error)
                schedule.finish_iteration(0.0, x.shape[0])
        return iterations

    def _iteration(self, x: Array, t: Array) -> Array:
        """Forward, backward and update of every run on one batch; each run's error before."""
        spec = self.spec
        acts = spec.activations
        nets, outs = forward_pass(zip(self.weights, self.biases, acts, strict=True), x)
        error = batch_error(spec.loss_fn.per_output(outs[-1], t))
        self.optimizer.begin_step()
        sequential = self.config.update_order == "sequential"
        gradients = backward_pass(
            spec.loss_fn,
            acts,
            self.weights,
            nets,
            outs,
            t,
            spec.shared_bias,
            update=self._update if sequential else None,
        )
        if not sequential:
            for layer in range(spec.n_layers - 1, -1, -1):
                self._update(layer, *gradients[layer])
        return error

    def _update(self, layer: int, dE_dw: Array, dE_db: Array) -> None:
        self.weights[layer] = self.optimizer.step(2 * layer, self.weights[layer], dE_dw)
        if self.config.train_biases:
            self.biases[layer] = self.optimizer.step(2 * layer + 1, self.biases[layer], dE_db)
