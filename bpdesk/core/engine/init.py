"""Initial weights: small uniform random values, Xavier/Glorot or He, always from a seed."""

from __future__ import annotations

import numpy as np

from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.errors import ConfigError

__all__ = ["INIT_METHODS", "initialize"]

INIT_METHODS = {
    "uniform": "small uniform random values in [−r, r]",
    "xavier": "Xavier/Glorot uniform, biases 0",
    "he": "He normal, biases 0",
}


def initialize(
    spec: NetworkSpec, method: str = "uniform", seed: int = 0, r: float = 0.5
) -> Network:
    """A network of ``spec`` with seeded initial weights (the same seed gives the same weights)."""
    if method not in INIT_METHODS:
        known = ", ".join(INIT_METHODS)
        raise ConfigError(f"Unknown initialisation '{method}'. Choose one of: {known}.")
    if not (np.isfinite(r) and r > 0):
        raise ConfigError(f"The range r of random initial weights must be above 0, not {r}.")
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for layer in range(spec.n_layers):
        fan_in, fan_out = spec.weight_shape(layer)
        bias_shape = spec.bias_shape(layer)
        if method == "uniform":
            weights.append(rng.uniform(-r, r, size=(fan_in, fan_out)))
            biases.append(rng.uniform(-r, r, size=bias_shape))
        elif method == "xavier":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            weights.append(rng.uniform(-limit, limit, size=(fan_in, fan_out)))
            biases.append(np.zeros(bias_shape))
        else:
            weights.append(rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out)))
            biases.append(np.zeros(bias_shape))
    return Network(spec, weights, biases)
