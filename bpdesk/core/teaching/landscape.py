"""The error surface over two parameters: a grid of E values around the current weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.backprop import batch_error
from bpdesk.core.engine.network import Network
from bpdesk.core.errors import ConfigError

__all__ = ["Landscape", "data_map", "error_grid", "output_grid"]

Array = NDArray[np.float64]

_CHUNK_FLOATS = 4_000_000  # how many activations one vectorised slice may hold


@dataclass(frozen=True)
class Landscape:
    """E over a grid: ``errors[r, c]`` is the error with ``first = xs[c]`` and ``second = ys[r]``,
    every other parameter at its current value."""

    first: str
    second: str
    xs: Array
    ys: Array
    errors: Array
    centre: tuple[float, float]

    @property
    def minimum(self) -> tuple[float, float, float]:
        """(first, second, E) at the lowest grid point."""
        r, c = np.unravel_index(int(np.nanargmin(self.errors)), self.errors.shape)
        return float(self.xs[c]), float(self.ys[r]), float(self.errors[r, c])


def _stacked_errors(network: Network, x: Array, t: Array, values: Array, names: list[str]) -> Array:
    """E for each row of ``values`` (K × len(names)) put into ``network``'s named parameters."""
    spec = network.spec
    k = values.shape[0]
    weights = [np.broadcast_to(w, (k, *w.shape)).copy() for w in network.weights]
    biases = [np.broadcast_to(b, (k, *b.shape)).copy() for b in network.biases]
    for column, name in enumerate(names):
        ref = spec.ref(name)
        target = weights if ref.kind == "w" else biases
        target[ref.layer][:, ref.row, ref.col] = values[:, column]
    a: Array = x
    with np.errstate(all="ignore"):
        for w, b, act in zip(weights, biases, spec.activations, strict=True):
            a = act.f(a @ w + b)
        return batch_error(spec.loss_fn.per_output(a, t))


def error_grid(
    network: Network,
    inputs: Array,
    targets: Array,
    first: str,
    second: str,
    *,
    span: float = 1.0,
    size: int = 41,
    centre: tuple[float, float] | None = None,
) -> Landscape:
    """E on a ``size`` × ``size`` grid of ±``span`` around ``centre`` (the current values)."""
    if first == second:
        raise ConfigError("Pick two different parameters for the error landscape.")
    if not 3 <= size <= 401:
        raise ConfigError(f"The landscape grid needs 3 to 401 points a side, not {size}.")
    if not (np.isfinite(span) and span > 0):
        raise ConfigError(f"The landscape's range must be above 0, not {span}.")
    c = centre if centre is not None else (network.get(first), network.get(second))
    xs = np.linspace(c[0] - span, c[0] + span, size)
    ys = np.linspace(c[1] - span, c[1] + span, size)
    grid_x, grid_y = np.meshgrid(xs, ys)
    values = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    x = np.atleast_2d(inputs)
    t = np.atleast_2d(targets)
    width = max(network.spec.sizes)
    per_member = max(1, x.shape[0] * width)
    chunk = max(1, _CHUNK_FLOATS // per_member)
    errors = np.concatenate(
        [
            _stacked_errors(network, x, t, values[s : s + chunk], [first, second])
            for s in range(0, values.shape[0], chunk)
        ]
    )
    return Landscape(first, second, xs, ys, errors.reshape(size, size), (float(c[0]), float(c[1])))


def output_grid(
    network: Network, xlim: tuple[float, float], ylim: tuple[float, float], size: int = 80
) -> tuple[Array, Array, list[Array]]:
    """For a two-input network: every neuron's out over a grid of input points.

    Returns xs, ys and, per layer after the inputs, an array size × size × neurons
    (``[-1]`` is the network's output, the decision map; the others are hidden neurons' maps).
    """
    if network.spec.n_inputs != 2:
        raise ConfigError("A decision map needs a network with exactly two inputs.")
    xs = np.linspace(xlim[0], xlim[1], size)
    ys = np.linspace(ylim[0], ylim[1], size)
    gx, gy = np.meshgrid(xs, ys)
    _, outs = network.forward(np.column_stack([gx.ravel(), gy.ravel()]))
    return xs, ys, [out.reshape(size, size, -1) for out in outs[1:]]


def data_map(network: Network, inputs: Array, size: int = 60) -> tuple[Array, Array, list[Array]]:
    """``output_grid`` over the data's own area: 10 % beyond its extent on each side, and at
    least ±0.5 around it, so a single sample still gets a real map."""
    low, high = inputs.min(axis=0), inputs.max(axis=0)
    pad = np.maximum(0.1 * (high - low), 0.5 - 0.5 * (high - low))
    return output_grid(
        network,
        (float(low[0] - pad[0]), float(high[0] + pad[0])),
        (float(low[1] - pad[1]), float(high[1] + pad[1])),
        size,
    )
