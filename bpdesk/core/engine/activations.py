"""Activation functions: each neuron's squashing function out = f(net) and its slope ∂out/∂net."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.errors import ConfigError

__all__ = ["ACTIVATIONS", "Activation", "get_activation"]

Array = NDArray[np.float64]

LEAKY_SLOPE = 0.01


def _sigmoid(net: Array) -> Array:
    result: Array = 1.0 / (1.0 + np.exp(-net))
    return result


def _sigmoid_slope(net: Array, out: Array) -> Array:
    result: Array = out * (1.0 - out)
    return result


def _tanh_slope(net: Array, out: Array) -> Array:
    result: Array = 1.0 - out * out
    return result


def _relu(net: Array) -> Array:
    result: Array = np.maximum(net, 0.0)
    return result


def _relu_slope(net: Array, out: Array) -> Array:
    result: Array = (net > 0.0).astype(np.float64)
    return result


def _leaky_relu(net: Array) -> Array:
    result: Array = np.where(net > 0.0, net, LEAKY_SLOPE * net)
    return result


def _leaky_relu_slope(net: Array, out: Array) -> Array:
    result: Array = np.where(net > 0.0, 1.0, LEAKY_SLOPE)
    return result


def _identity(net: Array) -> Array:
    return net


def _ones(net: Array, out: Array) -> Array:
    result: Array = np.ones_like(net)
    return result


def _softmax(net: Array) -> Array:
    shifted = np.exp(net - net.max(axis=-1, keepdims=True))
    result: Array = shifted / shifted.sum(axis=-1, keepdims=True)
    return result


def _softmax_diagonal(net: Array, out: Array) -> Array:
    # Only the diagonal ∂out_k/∂net_k of softmax's Jacobian; ``Activation.backprop``
    # applies the whole Jacobian.
    result: Array = out * (1.0 - out)
    return result


@dataclass(frozen=True)
class Activation:
    """One activation function, with the formula a student sees beside it."""

    name: str
    label: str
    formula: str
    slope_formula: str
    f: Callable[[Array], Array]
    slope: Callable[[Array, Array], Array]
    elementwise: bool = True

    def backprop(self, net: Array, out: Array, dE_dout: Array) -> Array:
        """δ = ∂E/∂net from ∂E/∂out, applying the full Jacobian for softmax."""
        if self.elementwise:
            result: Array = dE_dout * self.slope(net, out)
            return result
        weighted = (dE_dout * out).sum(axis=-1, keepdims=True)
        result = out * (dE_dout - weighted)
        return result


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "sigmoid",
            "logistic sigmoid",
            "1 / (1 + e^(−net))",
            "out (1 − out)",
            _sigmoid,
            _sigmoid_slope,
        ),
        Activation("tanh", "tanh", "tanh(net)", "1 − out²", np.tanh, _tanh_slope),
        Activation("relu", "ReLU", "max(0, net)", "1 if net > 0 else 0", _relu, _relu_slope),
        Activation(
            "leaky_relu",
            "leaky ReLU",
            f"net if net > 0 else {LEAKY_SLOPE}·net",
            f"1 if net > 0 else {LEAKY_SLOPE}",
            _leaky_relu,
            _leaky_relu_slope,
        ),
        Activation("linear", "linear", "net", "1", _identity, _ones),
        Activation(
            "softmax",
            "softmax",
            "e^(net_k) / Σ_j e^(net_j)",
            "out_k (δ_kj − out_j)",
            _softmax,
            _softmax_diagonal,
            elementwise=False,
        ),
    )
}


def get_activation(name: str) -> Activation:
    """The activation called ``name`` (``logistic`` is accepted for ``sigmoid``)."""
    key = "sigmoid" if name == "logistic" else name
    try:
        return ACTIVATIONS[key]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ConfigError(f"Unknown activation '{name}'. Choose one of: {known}.") from None
