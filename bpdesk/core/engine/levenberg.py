"""Levenberg–Marquardt: a damped Gauss–Newton step on all parameters at once, for squared errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.history import History
from bpdesk.core.engine.network import Network
from bpdesk.core.errors import ConfigError

__all__ = [
    "MAX_LM_PARAMETERS",
    "LMHistory",
    "LMRecord",
    "LMResult",
    "LevenbergMarquardt",
    "jacobian",
]

Array = NDArray[np.float64]

MAX_LM_PARAMETERS = 500
MU_FLOOR = 1e-15  # μ never falls below this (nor rises above the ceiling)
MU_CEILING = 1e15


@dataclass(frozen=True)
class LMResult:
    """One Levenberg–Marquardt step, including the trial steps it rejected."""

    step: Array  # Δθ, the change applied to the parameter vector (zeros if every trial failed)
    mu_before: float
    mu_after: float
    rejected: int  # trial steps that raised the error and were thrown away
    accepted: bool
    error_before: float
    error_after: float


@dataclass(frozen=True)
class LMHistory:
    """Levenberg–Marquardt's record of the iterations ``start``, ``start + 1``, … (indices
    into the trainer's iteration errors, from 0): a snapshot's copy, history-style.

    Per iteration: ``mu``, the damping of the step taken (of the last trial when none was
    accepted); ``mu_after``, the damping the next iteration begins with; ``error``, E before
    the step (the trainer's iteration error); ``error_after``, E after it; ``gradient_norm``,
    ‖∂E/∂θ‖ over the trained parameters; ``trials`` and ``rejected``, how many trial steps
    were tried and thrown away. Per trial step (all of them, in order): the iteration it
    belongs to, its μ, the error it would give (NaN where no step could be solved for) and
    whether it was accepted.
    """

    start: int
    mu: Array
    mu_after: Array
    error: Array
    error_after: Array
    gradient_norm: Array
    trials: Array
    rejected: Array
    trial_iteration: Array
    trial_mu: Array
    trial_error: Array
    trial_accepted: NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.mu.size)

    @property
    def end(self) -> int:
        """The iteration index after the last one held."""
        return self.start + len(self)

    def joined(self, newer: LMHistory) -> LMHistory:
        """These iterations followed by ``newer``'s (which replace any of them from its start
        on); ``newer`` alone when the two do not meet."""
        if newer.start <= self.start or newer.start > self.end:
            return newer
        keep = newer.start - self.start
        trial_keep = int(np.searchsorted(self.trial_iteration, newer.start, side="left"))
        parts: dict[str, NDArray[Any]] = {}
        for name in _ROW_FIELDS:
            parts[name] = np.concatenate((getattr(self, name)[:keep], getattr(newer, name)))
        for name in _TRIAL_FIELDS:
            parts[name] = np.concatenate((getattr(self, name)[:trial_keep], getattr(newer, name)))
        return LMHistory(start=self.start, **parts)


_ROW_FIELDS = ("mu", "mu_after", "error", "error_after", "gradient_norm", "trials", "rejected")
_TRIAL_FIELDS = ("trial_iteration", "trial_mu", "trial_error", "trial_accepted")


class LMRecord:
    """Every Levenberg–Marquardt step of one optimiser, in order: cheap to append, cut back
    with the undo history (see :meth:`LevenbergMarquardt.set_state`)."""

    def __init__(self) -> None:
        self._rows = {name: History() for name in _ROW_FIELDS}
        self._trials = {name: History() for name in _TRIAL_FIELDS}
        self._first_trial: list[int] = []  # per step: the index of its first trial

    def __len__(self) -> int:
        return len(self._rows["mu"])

    def add(
        self, result: LMResult, gradient_norm: float, trials: list[tuple[float, float]]
    ) -> None:
        """One step: its result, ‖∂E/∂θ‖ and every trial's (μ, error), the accepted one last."""
        row = len(self)
        self._first_trial.append(len(self._trials["trial_mu"]))
        mu = trials[-1][0] if result.accepted and trials else result.mu_after
        for name, value in (
            ("mu", mu),
            ("mu_after", result.mu_after),
            ("error", result.error_before),
            ("error_after", result.error_after),
            ("gradient_norm", gradient_norm),
            ("trials", float(len(trials))),
            ("rejected", float(result.rejected)),
        ):
            self._rows[name].append(value)
        for k, (trial_mu, trial_error) in enumerate(trials):
            accepted = result.accepted and k == len(trials) - 1
            self._trials["trial_iteration"].append(float(row))
            self._trials["trial_mu"].append(trial_mu)
            self._trials["trial_error"].append(trial_error)
            self._trials["trial_accepted"].append(1.0 if accepted else 0.0)

    def truncate(self, size: int) -> None:
        """Keep the first ``size`` steps (and their trials) only."""
        size = max(0, min(int(size), len(self)))
        for history in self._rows.values():
            history.truncate(size)
        keep = self._trial_index(size)
        del self._first_trial[size:]
        for history in self._trials.values():
            history.truncate(keep)

    def _trial_index(self, step: int) -> int:
        """Where the trials of ``step`` begin (the end of all trials past the last step)."""
        if step < len(self._first_trial):
            return self._first_trial[step]
        return len(self._trials["trial_mu"])

    def since(self, first_iteration: int, iteration_from: int) -> LMHistory:
        """The steps from iteration ``iteration_from`` on, where step 0 was iteration
        ``first_iteration`` (the trainer's count of iterations before this optimiser's first)."""
        row_from = min(max(0, iteration_from - first_iteration), len(self))
        trial_from = self._trial_index(row_from)
        row_parts: dict[str, NDArray[Any]] = {
            name: h.values(row_from) for name, h in self._rows.items()
        }
        trial_parts: dict[str, NDArray[Any]] = {
            name: h.values(trial_from) for name, h in self._trials.items()
        }
        trial_parts["trial_iteration"] = trial_parts["trial_iteration"] + first_iteration
        trial_parts["trial_accepted"] = trial_parts["trial_accepted"].astype(bool)
        return LMHistory(start=first_iteration + row_from, **row_parts, **trial_parts)


def jacobian(network: Network, x: Array) -> tuple[Array, Array]:
    """The outputs and ∂out/∂θ: one row per (sample, output), one column per parameter."""
    spec = network.spec
    nets, outs = network.forward(x)
    n_samples, n_out = outs[-1].shape
    last = spec.activations[-1]
    if last.elementwise:
        slope = last.slope(nets[-1], outs[-1])
        delta = np.zeros((n_out, n_samples, n_out))
        for k in range(n_out):
            delta[k, :, k] = slope[:, k]
    else:  # softmax: ∂out_k/∂net_j = out_k (δ_kj − out_j)
        out = outs[-1]
        eye = np.eye(n_out)
        delta = out.T[:, :, None] * (eye[:, None, :] - out[None, :, :])
    weight_blocks: list[Array] = []
    bias_blocks: list[Array] = []
    for layer in range(spec.n_layers - 1, -1, -1):
        below = outs[layer]
        block = np.einsum("bi,kbj->bkji", below, delta)
        weight_blocks.append(block.reshape(n_samples * n_out, -1))
        bias = delta.transpose(1, 0, 2)
        if spec.shared_bias:
            bias = bias.sum(axis=-1, keepdims=True)
        bias_blocks.append(bias.reshape(n_samples * n_out, -1))
        if layer > 0:
            act = spec.activations[layer - 1]
            delta = (delta @ network.weights[layer].T) * act.slope(nets[layer - 1], outs[layer])
    blocks = weight_blocks[::-1] + bias_blocks[::-1]
    return outs[-1], np.concatenate(blocks, axis=1)


class LevenbergMarquardt:
    """Adaptive damping μ: divided by ``decrease`` after a step that lowers the error,
    multiplied by ``increase`` (and the step retried) after one that raises it."""

    name = "lm"
    label = "Levenberg–Marquardt"

    def __init__(
        self,
        mu: float = 1e-3,
        increase: float = 10.0,
        decrease: float = 10.0,
        max_trials: int = 10,
    ) -> None:
        self.mu = mu
        self.initial_mu = mu
        self.increase = increase
        self.decrease = decrease
        self.max_trials = max_trials
        self.record = LMRecord()

    @staticmethod
    def check(network: Network) -> None:
        spec = network.spec
        if not spec.loss_fn.squared_error:
            raise ConfigError(
                "Levenberg–Marquardt works on squared errors: choose the error function "
                "E_total = Σ ½ (target − out)² or mean squared error."
            )
        if spec.n_parameters > MAX_LM_PARAMETERS:
            raise ConfigError(
                f"Levenberg–Marquardt solves a {spec.n_parameters}×{spec.n_parameters} system "
                f"every step; this network has {spec.n_parameters} parameters, more than the "
                f"{MAX_LM_PARAMETERS} it handles well. Use Adam or gradient descent instead."
            )

    def step(self, network: Network, x: Array, target: Array, train_biases: bool) -> LMResult:
        """Move ``network`` by one accepted LM step on all of ``x`` (it stays put if none is);
        the step, its gradient and its trials go to :attr:`record`."""
        self.check(network)
        theta = network.vector()
        out, jac = jacobian(network, x)
        with np.errstate(all="ignore"):
            error_before = network.error(x, target)
        residual = (out - target).ravel()
        free = np.ones(theta.size, dtype=bool)
        if not train_biases:
            n_weights = sum(w.size for w in network.weights)
            free[n_weights:] = False
        j = jac[:, free]
        gradient = j.T @ residual
        normal = j.T @ j
        mu_before = self.mu
        trials: list[tuple[float, float]] = []
        result = None
        for _ in range(self.max_trials):
            trial_mu = self.mu
            error_after = self._try(network, theta, free, normal, gradient, x, target)
            trials.append((trial_mu, error_after))
            if np.isfinite(error_after) and error_after < error_before:
                self.mu = max(self.mu / self.decrease, MU_FLOOR)
                step = network.vector() - theta
                result = LMResult(
                    step, mu_before, self.mu, len(trials) - 1, True, error_before, error_after
                )
                break
            network.set_vector(theta)
            self.mu = min(self.mu * self.increase, MU_CEILING)
        if result is None:
            result = LMResult(
                np.zeros_like(theta),
                mu_before,
                self.mu,
                len(trials),
                False,
                error_before,
                error_before,
            )
        if np.isfinite(error_before):  # a non-finite error ends the run: no iteration counted
            self.record.add(result, _gradient_norm(gradient, residual, error_before), trials)
        return result

    def _try(
        self,
        network: Network,
        theta: Array,
        free: NDArray[np.bool_],
        normal: Array,
        gradient: Array,
        x: Array,
        target: Array,
    ) -> float:
        """Put the trial step with the current μ on ``network`` and return its error (NaN,
        with the network left as it was, when no finite step can be solved for)."""
        try:
            step = -np.linalg.solve(normal + self.mu * np.eye(normal.shape[0]), gradient)
        except np.linalg.LinAlgError:
            return float("nan")
        if not np.isfinite(step).all():
            return float("nan")
        trial = theta.copy()
        trial[free] += step
        network.set_vector(trial)
        with np.errstate(all="ignore"):
            return network.error(x, target)

    def state(self) -> dict[str, object]:
        """μ, and how many steps the record holds (an undo cuts the record back to it)."""
        return {"mu": self.mu, "steps": len(self.record)}

    def set_state(self, state: dict[str, object]) -> None:
        self.mu = float(state["mu"])  # type: ignore[arg-type]
        steps = state.get("steps")
        self.record.truncate(int(steps) if isinstance(steps, (int, float)) else 0)

    def reset(self) -> None:
        self.mu = self.initial_mu


def _gradient_norm(gradient: Array, residual: Array, error: float) -> float:
    """‖∂E/∂θ‖ from Jᵀr: every squared error is E = c·Σr², so ∂E/∂θ = 2c·Jᵀr with
    c = E / Σr² (0 when every residual is 0)."""
    squares = float(residual @ residual)
    if squares == 0.0 or not np.isfinite(squares):
        return 0.0 if squares == 0.0 else float("nan")
    return float(2.0 * error / squares * np.linalg.norm(gradient))
