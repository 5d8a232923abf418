"""Online training of small networks with plain Python floats, bit for bit as the NumPy path.

For a network of a few neurons, NumPy's cost is its per-call overhead (about a
microsecond per array operation), not arithmetic: the lecture's 2-2-2 network
spends ~95 % of a step calling NumPy. Here the same step is written out neuron by
neuron as Python source, generated once per network shape and settings, where every
value is a local float and every operation is the one NumPy does, in NumPy's order:
``net = (Σ_i out_i w_ij) + b_j`` summed from the first input on, ``out = f(net)``,
the error summed as ``ndarray.sum`` sums (in order below 8 terms, NumPy's pairwise
blocks of 8 from 8 on), ``∂E/∂w = out · δ`` and the optimiser's formulas term by term.
IEEE arithmetic rounds each +, −, ×, ÷ and √ the same in Python and NumPy, so the
weights, biases, optimiser memory and error history come out equal, not just close.

Two things depend on the platform: whether NumPy's matrix product (BLAS) adds the
products one by one without fused multiply–adds, and whether ``np.exp``/``np.log``
round as ``math.exp``/``math.log`` do. So before a network shape takes this path,
``platform_agrees`` trains random copies of it both ways and keeps the path only
when every number agrees (checked once per shape and settings, a few milliseconds).

The path is taken (``plan_for``) when all of these hold, and the general path
otherwise:

* online learning: one sample per iteration (batch size 1, or a data set of one);
* at most ``MAX_PARAMETERS`` weights and biases;
* activations sigmoid, linear, ReLU or leaky ReLU (not tanh, whose NumPy version is
  NumPy's own; not softmax);
* error ½ SSE or MSE after any of those, or binary cross-entropy after a sigmoid output;
* optimiser gradient descent (with or without momentum α), Nesterov or Adam (not
  Levenberg–Marquardt); either update order; biases shared, per neuron or frozen;
* no weight decay (λ = 0: with λ > 0 runs take the NumPy path, whose numbers the step
  machine's are bit for bit).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.config import TrainConfig
from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.optimizers import Adam, GradientDescent, Nesterov
from bpdesk.core.engine.small_net_source import Plan, compiled

if TYPE_CHECKING:
    from bpdesk.core.engine.trainer import Trainer

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "MAX_PARAMETERS",
    "OPTIMIZERS",
    "Plan",
    "SmallNet",
    "plan_for",
    "platform_agrees",
]

Array = NDArray[np.float64]

MAX_PARAMETERS = 64
"""Above this many weights and biases NumPy's arrays are the faster way."""
ACTIVATIONS = ("sigmoid", "linear", "relu", "leaky_relu")
LOSSES = ("half_sse", "mse", "bce")
OPTIMIZERS = ("gd", "nesterov", "adam")


def plan_for(spec: NetworkSpec, config: TrainConfig, n_samples: int) -> Plan | None:
    """The plan of this network and settings, or None when they need the general path."""
    batch = n_samples if config.optimizer == "lm" else min(config.batch_size, n_samples)
    names = tuple(layer.activation for layer in spec.layers)
    names = tuple("sigmoid" if a == "logistic" else a for a in names)
    if (
        batch != 1
        or spec.n_parameters > MAX_PARAMETERS
        or config.optimizer not in OPTIMIZERS
        or any(a not in ACTIVATIONS for a in names)
        or spec.loss not in LOSSES
        or (spec.loss == "bce" and names[-1] != "sigmoid")
        or config.weight_decay != 0.0
    ):
        return None
    return Plan(
        spec.sizes,
        names,
        spec.loss,
        spec.shared_bias,
        config.optimizer,
        config.optimizer == "gd" and bool(config.momentum != 0.0),
        config.update_order == "sequential",
        config.train_biases,
    )


# ------------------------------------------------------------------ running
def _state_lists(optimizer: object) -> list[list[Any]]:
    """The optimiser's memory arrays, in the plan's order of kinds."""
    if isinstance(optimizer, GradientDescent):
        return [optimizer.previous]
    if isinstance(optimizer, Nesterov):
        return [optimizer.velocity]
    assert isinstance(optimizer, Adam)
    return [optimizer.m, optimizer.v]


def _hyper(optimizer: object) -> tuple[float, ...]:
    """η, −η, α, β1, β2, 1 − β1, 1 − β2, ε (those the optimiser has; 0 for the others)."""
    if isinstance(optimizer, Adam):
        eta, b1, b2 = float(optimizer.eta), optimizer.beta1, optimizer.beta2
        return eta, -eta, 0.0, b1, b2, 1.0 - b1, 1.0 - b2, optimizer.epsilon
    assert isinstance(optimizer, (GradientDescent, Nesterov))
    eta = float(optimizer.eta)
    return eta, -eta, float(optimizer.momentum), 0.0, 0.0, 0.0, 0.0, 0.0


class SmallNet:
    """The plain-float path of one trainer: reads its state, runs the loop, writes it back."""

    def __init__(self, plan: Plan, trainer: Trainer) -> None:
        self.plan = plan
        self.loop = compiled(plan)
        self._inputs = trainer.inputs
        self._xs = [tuple(row) for row in trainer.inputs.tolist()]
        self._ts = [tuple(row) for row in trainer.targets.tolist()]

    def _read(self, trainer: Trainer) -> tuple[list[float], list[float]]:
        """The trainer's parameters and optimiser memory as flat lists of floats."""
        params: list[float] = []
        for w, b in zip(trainer.network.weights, trainer.network.biases, strict=True):
            params += w.ravel().tolist() + b.ravel().tolist()
        state: list[float] = []
        for arrays in _state_lists(trainer.optimizer):
            for array in arrays:
                state += array.ravel().tolist()
        return params, state

    def _write_back(self, trainer: Trainer, params: list[float], state: list[float]) -> None:
        """New arrays for the network and the optimiser (arrays are never changed in place:
        an undo record may share them)."""
        net = trainer.network
        net.weights[:], net.biases[:] = _arrays(net.weights, net.biases, params)
        offset = 0
        for arrays in _state_lists(trainer.optimizer):
            for slot, array in enumerate(arrays):
                arrays[slot] = np.array(state[offset : offset + array.size]).reshape(array.shape)
                offset += array.size

    def run(
        self,
        trainer: Trainer,
        iterations: int | None,
        epochs: int | None,
        target_error: float | None,
    ) -> tuple[int, str, float | None]:
        """``Trainer.run``'s loop on plain floats: (iterations done, why it stopped, the
        non-finite error where it diverged, else None)."""
        if trainer.inputs is not self._inputs:
            self.__init__(self.plan, trainer)  # type: ignore[misc]
        opt = trainer.optimizer
        assert opt is not None
        params, state = self._read(trainer)
        hyper, per_epoch = _hyper(opt), trainer.iterations_per_epoch
        wrap = not trainer._shuffled and not trainer.has_held_out
        end_epoch = None if epochs is None else trainer.epoch + epochs
        order, done, stopped, bad = trainer.order.tolist(), 0, "", None
        while not stopped and bad is None:
            if done == iterations:
                stopped = f"reached {iterations} iterations"
                break
            if end_epoch is not None and trainer.epoch >= end_epoch:
                stopped = f"reached {epochs} epochs"
                break
            count = math.inf if iterations is None else iterations - done
            if end_epoch is not None:
                count = min(count, (end_epoch - trainer.epoch) * per_epoch - trainer.position)
            start = (list(params), list(state), opt.t, trainer.position, trainer.epoch_sum)
            epochs_before = len(trainer.epoch_errors)
            count_done, pos, esum, status, _, opt.t, error = self.loop(
                params, state, hyper, self._xs, self._ts, order, trainer.position, count,
                per_epoch, trainer.epoch_sum, trainer.n_samples, target_error, opt.t,
                trainer.iteration_errors.append, trainer.epoch_errors.append, wrap,
            )  # fmt: skip
            done += count_done
            trainer.iteration += count_done
            trainer.epoch += len(trainer.epoch_errors) - epochs_before
            trainer.position, trainer.epoch_sum = pos, esum
            if count_done:
                trainer._pending_previous = self._replay(trainer, start, count_done, order, wrap)
            if status == 1:
                bad = error
            elif status == 2:
                stopped = f"target error {target_error:g} reached after epoch {trainer.epoch}"
            elif status == 3 or pos >= per_epoch:
                self._write_back(trainer, params, state)
                stopped, bad, one = self._outside(trainer, status == 3, target_error)
                done += one
                params, state = self._read(trainer)
                order = trainer.order.tolist()
        self._write_back(trainer, params, state)
        return done, stopped, bad

    def _outside(
        self, trainer: Trainer, numpy_iteration: bool, target_error: float | None
    ) -> tuple[str, float | None, int]:
        """What the loop hands back: one iteration for NumPy (where ``math.exp`` overflowed)
        or the end of an epoch (a new shuffled order, the test error). Returns (why the run
        stops, or ""; the non-finite error, or None; iterations done here)."""
        epoch = trainer.epoch
        if numpy_iteration:
            done, _, bad = trainer._run_arrays(1, None, None)
            if bad is not None:
                return "", bad, 0
        else:
            done = 0
            trainer._end_epoch()
            early = trainer.early_stop_reason() if trainer.config.patience else None
            if early is not None:
                return early, None, done
        if (
            target_error is not None
            and trainer.epoch > epoch
            and trainer.epoch_errors.last() <= target_error
        ):
            return f"target error {target_error:g} reached after epoch {trainer.epoch}", None, done
        return "", None, done

    def _replay(
        self,
        trainer: Trainer,
        start: tuple[list[float], list[float], int, int, float],
        count: int,
        order: list[int],
        wrap: bool,
    ) -> Callable[[], tuple[list[Array], list[Array]]]:
        """How to find the parameters before the last of ``count`` iterations from
        ``start``, should a diverging run need them: the same loop again, keeping them."""
        net, opt = trainer.network, trainer.optimizer
        shapes = ([w.shape for w in net.weights], [b.shape for b in net.biases])
        hyper, xs, ts, n = _hyper(opt), self._xs, self._ts, trainer.n_samples
        per_epoch, loop = trainer.iterations_per_epoch, compiled(self.plan, track_previous=True)

        def previous() -> tuple[list[Array], list[Array]]:
            params, state, t, pos, esum = start
            prev = loop(
                list(params), list(state), hyper, xs, ts, order, pos, count, per_epoch, esum,
                n, None, t, [].append, [].append, wrap,
            )[4]  # fmt: skip
            assert prev is not None
            weights = [np.empty(shape) for shape in shapes[0]]
            biases = [np.empty(shape) for shape in shapes[1]]
            return _arrays(weights, biases, prev)

        return previous


def _arrays(
    weights: list[Array], biases: list[Array], values: Sequence[float]
) -> tuple[list[Array], list[Array]]:
    """New arrays shaped as ``weights`` and ``biases`` holding ``values`` in their order."""
    new_w, new_b, offset = [], [], 0
    for w, b in zip(weights, biases, strict=True):
        new_w.append(np.array(values[offset : offset + w.size]).reshape(w.shape))
        offset += w.size
        new_b.append(np.array(values[offset : offset + b.size]).reshape(b.shape))
        offset += b.size
    return new_w, new_b


# ------------------------------------------------------------------ the platform check
_AGREES: dict[Plan, bool] = {}
_SEEDS = (11, 12, 13)
_CHECK_ITERATIONS = 10  # over epochs of 3 shuffled samples


def _functions_agree() -> bool:
    """``math.exp`` and ``math.log`` round as NumPy's ``exp`` and ``log`` on a spread of values."""
    values = np.random.default_rng(5).normal(0.0, 8.0, 4096)
    exps, logs = np.exp(values), np.log(np.abs(values))
    plain = values.tolist()
    same_exp = exps.tolist() == [math.exp(v) for v in plain]
    return same_exp and bool(logs.tolist() == [math.log(abs(v)) for v in plain])


def _same_run(general: Trainer, fast: Trainer) -> bool:
    """Every number of two trainers' states equal."""
    ours = [*fast.network.weights, *fast.network.biases]
    theirs = [*general.network.weights, *general.network.biases]
    assert fast.optimizer is not None and general.optimizer is not None
    for a, b in zip(_state_lists(fast.optimizer), _state_lists(general.optimizer), strict=True):
        ours += a
        theirs += b
    ours += [fast.iteration_errors.values(), fast.epoch_errors.values()]
    theirs += [general.iteration_errors.values(), general.epoch_errors.values()]
    return all(
        np.array_equal(a, b, equal_nan=True) for a, b in zip(ours, theirs, strict=True)
    ) and (fast.optimizer.t == general.optimizer.t)


def platform_agrees(plan: Plan, trainer_type: type[Trainer]) -> bool:
    """True when this platform's NumPy computes ``plan``'s training as the plain floats do:
    random networks of its shape, trained both ways (by ``trainer_type``, the Trainer
    class, passed in since it imports this module), end with every number equal."""
    known = _AGREES.get(plan)
    if known is not None:
        return known
    spec = NetworkSpec.build(
        plan.sizes, list(plan.activations), loss=plan.loss, shared_bias=plan.shared_bias
    )
    config = TrainConfig(
        eta=0.02,
        momentum=0.5 if plan.momentum or plan.optimizer == "nesterov" else 0.0,
        batch_size=1,
        optimizer=plan.optimizer,
        update_order="sequential" if plan.sequential else "simultaneous",
        train_biases=plan.train_biases,
        shuffle=True,
    )
    agrees = _functions_agree()
    for seed in _SEEDS if agrees else ():
        rng = np.random.default_rng(seed)
        x = rng.normal(0.0, 1.0, (3, plan.sizes[0]))
        t = rng.uniform(0.05, 0.95, (3, plan.sizes[-1]))
        net = initialize(spec, "uniform", seed=seed, r=1.0)
        general = trainer_type(net.copy(), x, t, config)
        general.use_small_net = False
        general.run(iterations=_CHECK_ITERATIONS)
        fast = trainer_type(net.copy(), x, t, config)
        SmallNet(plan, fast).run(fast, _CHECK_ITERATIONS, None, None)
        agrees = agrees and _same_run(general, fast)
    _AGREES[plan] = agrees
    return agrees
