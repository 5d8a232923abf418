"""Error functions: each output's share of the error E and the slope ∂E/∂out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.errors import ConfigError

__all__ = ["LOSSES", "Loss", "get_loss"]

Array = NDArray[np.float64]

_EPS = 1e-12
_HIGH = 1.0 - _EPS
# np.maximum/np.minimum give np.clip's numbers (NaN passes through both) without its
# Python wrapper, a few microseconds per call.


def _half_sse(out: Array, target: Array) -> Array:
    diff = target - out
    result: Array = 0.5 * diff * diff
    return result


def _half_sse_grad(out: Array, target: Array) -> Array:
    result: Array = -(target - out)
    return result


def _half_sse_both(out: Array, target: Array) -> tuple[Array, Array]:
    # The same numbers as _half_sse and _half_sse_grad, from one difference:
    # (out − t)² = (t − out)² and out − t = −(t − out) exactly in floating point.
    diff = out - target
    half: Array = 0.5 * diff * diff
    return half, diff


def _mse(out: Array, target: Array) -> Array:
    diff = target - out
    result: Array = diff * diff / out.shape[-1]
    return result


def _mse_grad(out: Array, target: Array) -> Array:
    result: Array = -2.0 * (target - out) / out.shape[-1]
    return result


def _bce(out: Array, target: Array) -> Array:
    o = np.minimum(np.maximum(out, _EPS), _HIGH)
    result: Array = -(target * np.log(o) + (1.0 - target) * np.log(1.0 - o))
    return result


def _bce_grad(out: Array, target: Array) -> Array:
    o = np.minimum(np.maximum(out, _EPS), _HIGH)
    result: Array = (o - target) / (o * (1.0 - o))
    return result


def _cce(out: Array, target: Array) -> Array:
    result: Array = -target * np.log(np.maximum(out, _EPS))
    return result


def _cce_grad(out: Array, target: Array) -> Array:
    result: Array = -target / np.maximum(out, _EPS)
    return result


@dataclass(frozen=True)
class Loss:
    """An error function. ``per_output`` gives each output's term; a sample's error is their sum.

    The error of a batch is the mean of its samples' errors, so its gradient is the
    mean of theirs.
    """

    name: str
    label: str
    formula: str
    per_output: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], Array]
    squared_error: bool
    # The output activation whose slope cancels this loss's, so δ = out − target exactly.
    canonical_activation: str | None = None
    # Optional: per_output and grad together, computing their shared parts once.
    both: Callable[[Array, Array], tuple[Array, Array]] | None = None

    def value_and_grad(self, out: Array, target: Array) -> tuple[Array, Array]:
        """Each output's error term and ∂E/∂out (the same numbers as the two separate calls)."""
        if self.both is not None:
            return self.both(out, target)
        return self.per_output(out, target), self.grad(out, target)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "half_sse",
            "E_total = Σ ½ (target − out)²",
            "½ (target − out)²",
            _half_sse,
            _half_sse_grad,
            squared_error=True,
            both=_half_sse_both,
        ),
        Loss(
            "mse",
            "mean squared error",
            "(target − out)² / n_outputs",
            _mse,
            _mse_grad,
            squared_error=True,
        ),
        Loss(
            "bce",
            "binary cross-entropy",
            "−[t ln out + (1 − t) ln(1 − out)]",
            _bce,
            _bce_grad,
            squared_error=False,
            canonical_activation="sigmoid",
        ),
        Loss(
            "cce",
            "categorical cross-entropy",
            "−t ln out",
            _cce,
            _cce_grad,
            squared_error=False,
            canonical_activation="softmax",
        ),
    )
}


def get_loss(name: str) -> Loss:
    """The loss called ``name``."""
    try:
        return LOSSES[name]
    except KeyError:
        known = ", ".join(LOSSES)
        raise ConfigError(f"Unknown error function '{name}'. Choose one of: {known}.") from None
