"""Gradient check: the backward pass's ∂E/∂w against central finite differences, per parameter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.backprop import backward_pass, weight_decay_penalty, with_weight_decay
from bpdesk.core.engine.network import Network

__all__ = ["GradCheck", "analytic_gradient", "gradient_check"]

Array = NDArray[np.float64]


def analytic_gradient(
    network: Network, x: Array, target: Array, weight_decay: float = 0.0
) -> Array:
    """∂E/∂θ by backpropagation, in the order of ``spec.parameter_names``; with weight decay
    λ > 0, the slope of E + λ/2 Σ w² (each weight's gradient gains λ·w, the biases none)."""
    spec = network.spec
    nets, outs = network.forward(x)
    t = np.atleast_2d(target)
    with np.errstate(all="ignore"):
        gradients = backward_pass(
            spec.loss_fn, spec.activations, network.weights, nets, outs, t, spec.shared_bias
        )
    grads_w = [
        with_weight_decay(dE_dw, w, weight_decay) if weight_decay else dE_dw
        for (dE_dw, _), w in zip(gradients, network.weights, strict=True)
    ]
    grads_b = [dE_db for _, dE_db in gradients]
    return np.concatenate([g.T.ravel() for g in grads_w] + [g.ravel() for g in grads_b])


@dataclass(frozen=True)
class GradCheck:
    """Analytic and numerical gradient side by side, with the relative error of each."""

    names: tuple[str, ...]
    analytic: Array
    numeric: Array
    relative_error: Array

    @property
    def worst(self) -> float:
        return float(self.relative_error.max()) if self.relative_error.size else 0.0

    def rows(self) -> list[tuple[str, float, float, float]]:
        return [
            (n, float(a), float(b), float(r))
            for n, a, b, r in zip(
                self.names, self.analytic, self.numeric, self.relative_error, strict=True
            )
        ]


def gradient_check(
    network: Network, x: Array, target: Array, h: float = 1e-6, weight_decay: float = 0.0
) -> GradCheck:
    """Compare every parameter's backpropagated gradient with (E(θ+h) − E(θ−h)) / 2h, where
    E includes the weight-decay penalty λ/2 Σ w² when ``weight_decay`` λ > 0.

    The relative error is |a − n| / max(|a|, |n|, 1e-8); around 1e-7 or below means the
    two agree (the finite difference itself is only that accurate).
    """
    probe = network.copy()
    theta = probe.vector()
    if weight_decay:
        analytic = analytic_gradient(probe, x, target, weight_decay)
    else:
        analytic = analytic_gradient(probe, x, target)

    def error() -> float:
        penalty = weight_decay_penalty(probe.weights, weight_decay) if weight_decay else 0.0
        return probe.error(x, target) + penalty

    numeric = np.empty_like(theta)
    for k in range(theta.size):
        shifted = theta.copy()
        shifted[k] = theta[k] + h
        probe.set_vector(shifted)
        up = error()
        shifted[k] = theta[k] - h
        probe.set_vector(shifted)
        down = error()
        numeric[k] = (up - down) / (2.0 * h)
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), 1e-8)
    relative = np.abs(analytic - numeric) / scale
    return GradCheck(network.spec.parameter_names, analytic, numeric, relative)
