"""Levenberg–Marquardt: a damped Gauss–Newton step on all parameters at once, for squared errors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.network import Network
from bpdesk.core.errors import ConfigError

__all__ = ["MAX_LM_PARAMETERS", "LMResult", "LevenbergMarquardt", "jacobian"]

Array = NDArray[np.float64]

MAX_LM_PARAMETERS = 500


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
        """Move ``network`` by one accepted LM step on all of ``x`` (it stays put if none is)."""
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
        rejected = 0
        identity = np.eye(normal.shape[0])
        for _ in range(self.max_trials):
            try:
                step = -np.linalg.solve(normal + self.mu * identity, gradient)
            except np.linalg.LinAlgError:
                step = None
            if step is not None and np.isfinite(step).all():
                trial = theta.copy()
                trial[free] += step
                network.set_vector(trial)
                error_after = network.error(x, target)
                if np.isfinite(error_after) and error_after < error_before:
                    self.mu = max(self.mu / self.decrease, 1e-15)
                    return LMResult(
                        trial - theta, mu_before, self.mu, rejected, True, error_before, error_after
                    )
                network.set_vector(theta)
            rejected += 1
            self.mu = min(self.mu * self.increase, 1e15)
        return LMResult(
            np.zeros_like(theta), mu_before, self.mu, rejected, False, error_before, error_before
        )

    def state(self) -> dict[str, object]:
        return {"mu": self.mu}

    def set_state(self, state: dict[str, object]) -> None:
        self.mu = float(state["mu"])  # type: ignore[arg-type]

    def reset(self) -> None:
        self.mu = self.initial_mu
