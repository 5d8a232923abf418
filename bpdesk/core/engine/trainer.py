"""The lean training loop: epochs, batches, seeded shuffling, optimisers and stop conditions.

Definitions, as the lecture gives them: an *epoch* is one pass over the whole
training set; the set is cut into *batches* that go through the network one at a
time; an *iteration* is one batch. N samples with batch size B make ⌈N / B⌉
iterations per epoch: the last batch of an epoch holds the N mod B samples left
over (when B does not divide N) and its gradient is the mean over those samples.
Batch size 1 is online learning, B ≥ N full-batch learning. Samples are shuffled
at the start of every epoch from the seed (full batches are not reordered: the
order of a batch does not change its mean).

Held-out data: a *validation* part and a *test* part of the samples are never trained on;
their errors are measured after every epoch. The best epoch is the one with the lowest
validation error (the test error where there is no validation part); with a patience of P
epochs (MATLAB's ``max_fail``), a run stops once P epochs in a row have not improved on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.backprop import (
    bias_gradient,
    forward_to_output_delta,
)
from bpdesk.core.engine.config import MAX_ETA, UPDATE_ORDERS, TrainConfig
from bpdesk.core.engine.history import History
from bpdesk.core.engine.levenberg import LevenbergMarquardt
from bpdesk.core.engine.network import Network
from bpdesk.core.engine.optimizers import Optimizer, make_optimizer
from bpdesk.core.engine.small_net import Plan, SmallNet, plan_for, platform_agrees
from bpdesk.core.errors import ConfigError, DataError

__all__ = ["MAX_ETA", "UPDATE_ORDERS", "RunResult", "TrainConfig", "Trainer"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class RunResult:
    """How a call to ``Trainer.run`` ended."""

    iterations: int  # iterations done in this call
    stopped: str  # why it ended, in words
    diverged: bool = False
    early_stopped: bool = False  # the validation error stopped improving (see ``patience``)


class Trainer:
    """Trains ``network`` in place on ``inputs`` → ``targets``, keeping its error history.

    The state that decides what comes next (weights, optimiser memory, position in
    the epoch, shuffled order and random generator) lives here, so a step machine
    and a saved session can pick up exactly where training left off.
    """

    def __init__(
        self,
        network: Network,
        inputs: Array,
        targets: Array,
        config: TrainConfig,
        *,
        test_inputs: Array | None = None,
        test_targets: Array | None = None,
        validation_inputs: Array | None = None,
        validation_targets: Array | None = None,
    ):
        self.network = network
        self.inputs = np.array(np.atleast_2d(inputs), dtype=np.float64)
        self.targets = np.array(np.atleast_2d(targets), dtype=np.float64)
        self.inputs.flags.writeable = self.targets.flags.writeable = False
        spec = network.spec
        if self.inputs.shape[0] != self.targets.shape[0] or self.inputs.shape[0] == 0:
            raise DataError("The data set needs the same number (≥ 1) of inputs and targets.")
        if self.inputs.shape[1] != spec.n_inputs or self.targets.shape[1] != spec.sizes[-1]:
            raise DataError(
                f"The network has {spec.n_inputs} inputs and {spec.sizes[-1]} outputs, but the "
                f"data has {self.inputs.shape[1]} inputs and {self.targets.shape[1]} targets."
            )
        self.test_inputs, self.test_targets = self._held_out(test_inputs, test_targets, "test")
        self.validation_inputs, self.validation_targets = self._held_out(
            validation_inputs, validation_targets, "validation"
        )
        self.test_errors = History()  # per epoch, where a test set exists
        self.validation_errors = History()  # per epoch, where a validation set exists
        # The lowest validation error so far (test error without a validation set):
        # (epoch, error, weights, biases).
        self.best: tuple[int, float, list[Array], list[Array]] | None = None
        self.rolled_back_to: int | None = None  # the best epoch, while its weights are put back
        self.config = config.validated()
        self.rng = np.random.default_rng(self.config.seed)
        self.epoch = 0  # completed epochs
        self.iteration = 0  # completed iterations, over all epochs
        self.position = 0  # iterations completed in the current epoch
        self.order = np.arange(self.n_samples)
        self._shuffled = False
        self.iteration_errors = History()
        self.epoch_errors = History()
        self.epoch_sum = 0.0
        self.diverged: str | None = None
        # The weights before the last successful iteration: where a diverging run returns to.
        self._previous = (list(network.weights), list(network.biases))
        # Or how to work them out, when the small-network path trained last (see _diverge).
        self._pending_previous: Callable[[], tuple[list[Array], list[Array]]] | None = None
        self.optimizer: Optimizer | None = None
        self.lm: LevenbergMarquardt | None = None
        # Small networks trained online take the plain-float path of ``small_net.py``
        # (the same numbers); False keeps every run on the NumPy path below.
        self.use_small_net = True
        self._small: SmallNet | None = None
        self._make_optimizer()
        self._new_epoch_order()

    # ------------------------------------------------------------- set-up
    def _held_out(
        self, inputs: Array | None, targets: Array | None, part: str
    ) -> tuple[Array | None, Array | None]:
        """Read-only copies of a held-out part's samples, checked against the training set."""
        if inputs is None or targets is None:
            return None, None
        x = np.array(np.atleast_2d(inputs), dtype=np.float64)
        t = np.array(np.atleast_2d(targets), dtype=np.float64)
        x.flags.writeable = t.flags.writeable = False
        if x.shape[1:] != self.inputs.shape[1:] or t.shape[1:] != self.targets.shape[1:]:
            raise DataError(f"The {part} samples do not have the training samples' columns.")
        if x.shape[0] != t.shape[0] or x.shape[0] == 0:
            raise DataError(f"The {part} set needs the same number (≥ 1) of inputs and targets.")
        return x, t

    @property
    def has_held_out(self) -> bool:
        """Whether errors are measured on held-out samples after every epoch."""
        return self.test_inputs is not None or self.validation_inputs is not None

    @property
    def n_samples(self) -> int:
        return int(self.inputs.shape[0])

    @property
    def batch_size(self) -> int:
        """Samples per batch; Levenberg–Marquardt always takes the whole set."""
        if self.config.optimizer == "lm":
            return self.n_samples
        return min(self.config.batch_size, self.n_samples)

    @property
    def iterations_per_epoch(self) -> int:
        return self._per_epoch

    def _recount(self) -> None:
        """Values the loop needs every iteration, worked out once per configuration."""
        self._per_epoch = -(-self.n_samples // self.batch_size)
        self._shuffled = self.config.shuffle and self.batch_size < self.n_samples
        self._sequential = self.config.update_order == "sequential"
        spec = self.network.spec
        self._activations = spec.activations
        self._layers = [(a.f, a.slope, a.elementwise) for a in spec.activations]
        self._loss = spec.loss_fn
        self._canonical = spec.loss_fn.canonical_activation == spec.activations[-1].name
        self._shared = spec.shared_bias
        self._small_plan: Plan | None = plan_for(spec, self.config, self.n_samples)

    def small_net(self) -> SmallNet | None:
        """The plain-float path for the current settings, or None where runs take the
        NumPy path (see ``small_net.py`` for when; the platform is checked once per shape)."""
        plan = self._small_plan
        if not self.use_small_net or plan is None or not platform_agrees(plan, Trainer):
            return None
        if self._small is None or self._small.plan != plan:
            self._small = SmallNet(plan, self)
        return self._small

    def _make_optimizer(self) -> None:
        self.optimizer, self.lm = self._new_optimizer(self.config)
        self._recount()

    def _new_optimizer(
        self, config: TrainConfig
    ) -> tuple[Optimizer | None, LevenbergMarquardt | None]:
        """A fresh optimiser for ``config`` (nothing of this trainer changes), or a
        ConfigError when the network cannot be trained with it."""
        if config.optimizer == "lm":
            LevenbergMarquardt.check(self.network)
            return None, LevenbergMarquardt()
        shapes = []
        for w, b in zip(self.network.weights, self.network.biases, strict=True):
            shapes += [w.shape, b.shape]
        optimizer = make_optimizer(
            config.optimizer, shapes, config.eta, config.momentum, config.weight_decay
        )
        return optimizer, None

    def check_config(self, config: TrainConfig) -> TrainConfig:
        """``config``, validated and usable on this network, or a ConfigError (nothing changes)."""
        config = config.validated()
        if config.optimizer == "lm":
            LevenbergMarquardt.check(self.network)
        return config

    def set_config(self, config: TrainConfig) -> None:
        """New hyper-parameters from the next iteration on; optimiser memory is kept when
        the optimiser stays the same (η and α change in place). A refused config (a
        ConfigError) changes nothing: everything new is built before anything is replaced."""
        config = self.check_config(config)
        old = self.config
        fresh = self._new_optimizer(config) if config.optimizer != old.optimizer else None
        self.config = config
        if fresh is not None:
            self.optimizer, self.lm = fresh
        elif self.optimizer is not None:
            self.optimizer.eta = config.eta
            if hasattr(self.optimizer, "momentum"):
                self.optimizer.momentum = config.momentum
            self.optimizer.weight_decay = config.weight_decay
        if config.seed != old.seed:
            self.rng = np.random.default_rng(config.seed)
        self._recount()
        if config.batch_size != old.batch_size or config.shuffle != old.shuffle:
            self.position = 0
            self.epoch_sum = 0.0
            self._new_epoch_order()

    def _new_epoch_order(self) -> None:
        if self._shuffled:
            self.order = self.rng.permutation(self.inputs.shape[0])
        elif self.order.size != self.inputs.shape[0] or self.order[-1] != self.order.size - 1:
            self.order = np.arange(self.inputs.shape[0])

    def batch_indices(self) -> NDArray[np.intp]:
        """Which samples (indices into the data set) the next iteration uses."""
        start = self.position * self.batch_size
        return self.order[start : start + self.batch_size]

    def current_batch(self) -> tuple[Array, Array]:
        if self.batch_size >= self.n_samples:
            return self.inputs, self.targets
        idx = self.batch_indices()
        return self.inputs[idx], self.targets[idx]

    def finish_iteration(self, batch_error: float, batch_samples: int) -> None:
        """Record one iteration's error and move to the next batch (and epoch)."""
        self.rolled_back_to = None  # trained on: the weights are no longer that epoch's
        self.iteration_errors.append(batch_error)
        self.iteration += 1
        self.position += 1
        self.epoch_sum += batch_error * batch_samples
        if self.position >= self._per_epoch:
            self._end_epoch()

    def _end_epoch(self) -> None:
        self.epoch_errors.append(self.epoch_sum / self.inputs.shape[0])
        if self.test_inputs is not None or self.validation_inputs is not None:
            self._record_held_out_errors()
        self.epoch += 1
        self.position = 0
        self.epoch_sum = 0.0
        self._new_epoch_order()

    def _record_held_out_errors(self) -> None:
        """The validation and test errors after this epoch; the best epoch follows the
        validation error where there is a validation set, else the test error."""
        error = math.nan
        if self.test_inputs is not None and self.test_targets is not None:
            error = self.network.error(self.test_inputs, self.test_targets)
            self.test_errors.append(error)
        if self.validation_inputs is not None and self.validation_targets is not None:
            error = self.network.error(self.validation_inputs, self.validation_targets)
            self.validation_errors.append(error)
        if math.isfinite(error) and (self.best is None or error < self.best[1]):
            net = self.network
            self.best = (
                self.epoch + 1,
                error,
                [w.copy() for w in net.weights],
                [b.copy() for b in net.biases],
            )

    @property
    def best_on(self) -> str:
        """Which error chooses the best epoch: "validation", "test" or "" (none held out)."""
        if self.validation_inputs is not None:
            return "validation"
        return "test" if self.test_inputs is not None else ""

    def early_stop_reason(self) -> str | None:
        """Why training must stop here (``patience`` epochs in a row without a better
        validation error), in plain words; None while it may go on."""
        patience, best = self.config.patience, self.best
        if not patience or best is None or self.validation_inputs is None:
            return None
        failed = len(self.validation_errors) - best[0]
        if failed < patience:
            return None
        return (
            f"early stop after epoch {self.epoch}: the validation error has not improved "
            f"for {failed} epochs (patience {patience}). It was lowest, {best[1]:.6g}, after "
            f"epoch {best[0]}; rolling back to the best epoch puts those weights back. "
            "To train on, raise the patience or set it to 0."
        )

    # --------------------------------------------------------- the lean loop
    def _iteration(self, x: Array, t: Array) -> float:
        """Forward, backward and update on one batch; returns its error before the update.

        The chain rule here is ``backprop``'s, written out with every lookup hoisted,
        since this runs once per iteration; the numbers are the step machine's, bit for
        bit (tests/core/engine/test_one_chain_rule.py checks every setting).
        """
        network = self.network
        if self.lm is not None:
            return self.lm.step(network, x, t, self.config.train_biases).error_before
        weights, biases = network.weights, network.biases
        layers = self._layers
        loss = self._loss
        nets, outs, per_output, delta = forward_to_output_delta(
            x, t, weights, biases, layers, self._activations[-1], loss, loss.value_and_grad
        )
        n = x.shape[0]
        error = float(per_output.sum() / n if n != 1 else per_output.sum())
        if not math.isfinite(error):
            return error
        opt = self.optimizer
        assert opt is not None
        opt.t += 1  # begin_step
        step = opt.step
        sequential = self._sequential
        train_biases = self.config.train_biases
        shared = self._shared
        contiguous = np.ascontiguousarray
        for layer in range(len(weights) - 1, -1, -1):
            dE_dw = outs[layer].T @ delta
            if n != 1:
                dE_dw = dE_dw / n
            dE_db = bias_gradient(delta, shared) if train_biases else None
            if sequential:
                weights[layer] = step(2 * layer, weights[layer], dE_dw)
                if dE_db is not None:
                    biases[layer] = step(2 * layer + 1, biases[layer], dE_db)
            if layer > 0:
                _, slope, elementwise = layers[layer - 1]
                dE_dout = delta @ contiguous(weights[layer].T)  # as backprop.hidden_delta
                if elementwise:
                    delta = dE_dout * slope(nets[layer - 1], outs[layer])
                else:
                    delta = self._activations[layer - 1].backprop(
                        nets[layer - 1], outs[layer], dE_dout
                    )
            if not sequential:
                weights[layer] = step(2 * layer, weights[layer], dE_dw)
                if dE_db is not None:
                    biases[layer] = step(2 * layer + 1, biases[layer], dE_db)
        return error

    def run(
        self,
        *,
        iterations: int | None = None,
        epochs: int | None = None,
        target_error: float | None = None,
    ) -> RunResult:
        """Train until one limit is met: iterations, epochs (both counted from now), or the
        error of a finished epoch at or below ``target_error``; or until the run diverges."""
        if iterations is None and epochs is None and target_error is None:
            raise ConfigError("Give a number of iterations, of epochs or a target error.")
        early = self.early_stop_reason()
        if early is not None:
            return RunResult(0, early, early_stopped=True)
        self.rolled_back_to = None  # trained on: the weights are no longer that epoch's
        small = self.small_net()
        if small is not None:
            done, stopped, bad = small.run(self, iterations, epochs, target_error)
        else:
            done, stopped, bad = self._run_arrays(iterations, epochs, target_error)
        if bad is not None:
            return RunResult(done, self._diverge(bad), diverged=True)
        if not self.network.is_finite():
            return RunResult(done, self._diverge(float("inf")), diverged=True)
        early = self.early_stop_reason()
        if early is not None:
            return RunResult(done, early, early_stopped=True)
        return RunResult(done, stopped)

    def _run_arrays(
        self, iterations: int | None, epochs: int | None, target_error: float | None
    ) -> tuple[int, str, float | None]:
        """The run on NumPy arrays: (iterations done, why it stopped, the non-finite error
        where it diverged, else None)."""
        done = 0
        end_epoch = None if epochs is None else self.epoch + epochs
        full = self.batch_size >= self.n_samples
        inputs, targets = self.inputs, self.targets
        bs = self.batch_size
        stopped = ""
        limit = iterations if iterations is not None else -1
        weights, biases = self.network.weights, self.network.biases
        iterate, append = self._iteration, self.iteration_errors.append
        end_epoch_now, per_epoch = self._end_epoch, self._per_epoch
        x, t = inputs, targets
        with np.errstate(all="ignore"):
            while not stopped:
                if done == limit:
                    stopped = f"reached {iterations} iterations"
                    break
                if end_epoch is not None and self.epoch >= end_epoch:
                    stopped = f"reached {epochs} epochs"
                    break
                if not full:
                    start = self.position * bs
                    idx = self.order[start : start + bs]
                    x, t = inputs[idx], targets[idx]
                before = (list(weights), list(biases))
                error = iterate(x, t)
                if error != error or error in (math.inf, -math.inf):
                    if done:
                        self._pending_previous = None
                    return done, stopped, error
                self._previous = before
                epoch_before = self.epoch
                # finish_iteration, inlined:
                append(error)
                self.iteration += 1
                self.position += 1
                self.epoch_sum += error * x.shape[0]
                done += 1
                if self.position >= per_epoch:
                    end_epoch_now()
                    if self.config.patience and self.early_stop_reason() is not None:
                        break
                if (
                    target_error is not None
                    and self.epoch > epoch_before
                    and self.epoch_errors.last() <= target_error
                ):
                    stopped = f"target error {target_error:g} reached after epoch {self.epoch}"
        if done:
            self._pending_previous = None
        return done, stopped, None

    def _diverge(self, error: float) -> str:
        """Put back the last finite weights and say what happened."""
        if not self.network.is_finite():
            if self._pending_previous is not None:
                self._previous = self._pending_previous()
                self._pending_previous = None
            weights, biases = self._previous
            self.network.weights[:] = weights
            self.network.biases[:] = biases
        kind = "NaN (not a number)" if math.isnan(error) else "infinite"
        self.diverged = (
            f"Training diverged at iteration {self.iteration + 1} (epoch {self.epoch + 1}): "
            f"the error became {kind}. The learning rate η = {self.config.eta:g} is probably "
            "too large. The weights are kept at their last finite values."
        )
        return self.diverged

    def evaluate(self, inputs: Array | None = None, targets: Array | None = None) -> float:
        """The loss over a whole data set (the training set by default) at the current weights."""
        x = self.inputs if inputs is None else inputs
        t = self.targets if targets is None else targets
        return self.network.error(x, t)
