"""The error surface over two parameters: a grid of E values around the current weights."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.backprop import batch_error
from bpdesk.core.engine.network import Network
from bpdesk.core.errors import ConfigError

__all__ = ["GridRun", "Landscape", "data_map", "error_grid", "output_grid"]

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
    # Descent paths drawn on the map, by name ("simultaneous", "sequential"): rows (first, second).
    paths: tuple[tuple[str, Array], ...] = field(default=())
    alpha: float | None = None  # the learning rate those paths were taken with

    def holds(self, point: tuple[float, float]) -> bool:
        """Whether ``point`` (first, second) lies on the map."""
        x, y = point
        return bool(self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1])

    def path(self, name: str) -> Array | None:
        """The descent path called ``name``, or None."""
        return next((points for key, points in self.paths if key == name), None)

    @property
    def minimum(self) -> tuple[float, float, float]:
        """(first, second, E) at the lowest grid point."""
        r, c = np.unravel_index(int(np.nanargmin(self.errors)), self.errors.shape)
        return float(self.xs[c]), float(self.ys[r]), float(self.errors[r, c])


class _GridPlan:
    """E for many settings of a few parameters, every other parameter held: the layers below
    the first one touched are computed once, and each setting's nets are those shared values
    plus its own changes (``out_below · (v − w)`` for a changed weight, ``v − b`` for a bias).

    When the first touched layer's activation works neuron by neuron, only the neurons it
    changes differ between settings, so the layer above gets its net as the shared net plus
    their change times their weights: the work per setting grows with the neurons changed,
    not with the layer's width.
    """

    def __init__(self, network: Network, x: Array, t: Array, names: list[str]) -> None:
        spec = network.spec
        self.spec, self.network, self.t = spec, network, t
        self.refs = [spec.ref(name) for name in names]
        self.current = np.array([network.get(name) for name in names])
        self.first = min(ref.layer for ref in self.refs)
        acts = spec.activations
        a: Array = x
        with np.errstate(all="ignore"):
            for layer in range(self.first):
                a = acts[layer].f(a @ network.weights[layer] + network.biases[layer])
            self.below = a  # what the first touched layer takes in: samples × its inputs
            self.base_net = a @ network.weights[self.first] + network.biases[self.first]
            self.base_out = acts[self.first].f(self.base_net)
        width = spec.sizes[self.first + 1]
        cols: set[int] = set()
        for ref in self.refs:
            if ref.layer == self.first:
                whole = ref.kind == "b" and spec.shared_bias
                cols |= set(range(width)) if whole else {ref.col}
        self.cols = sorted(cols)
        self.narrow = (
            acts[self.first].elementwise
            and self.first + 1 < spec.n_layers
            and len(self.cols) < width
        )
        self.n = x.shape[0]
        self.width = max(spec.sizes[self.first :])

    def _change(
        self,
        net: Array,
        layer: int,
        steps: Array,
        below: Callable[[int], Array],
        cols: list[int] | None = None,
    ) -> None:
        """Add the change of each of ``layer``'s parameters to ``net`` (settings × samples ×
        the layer's neurons, or only ``cols`` of them); ``steps`` holds v − current per
        setting and parameter, ``below(row)`` each setting's out of the neuron below."""
        for index, ref in enumerate(self.refs):
            if ref.layer != layer:
                continue
            step = steps[:, index]
            if ref.kind == "b" and self.spec.shared_bias:
                net += step[:, None, None]
                continue
            col = ref.col if cols is None else cols.index(ref.col)
            if ref.kind == "b":
                net[:, :, col] += step[:, None]
            else:
                net[:, :, col] += below(ref.row) * step[:, None]

    def _narrow_start(self, steps: Array) -> Array:
        """The out of the layer above the first touched one, from the changed neurons only."""
        k, first, cols = steps.shape[0], self.first, self.cols
        acts, weights = self.spec.activations, self.network.weights
        net = np.repeat(self.base_net[None, :, cols], k, axis=0)
        self._change(net, first, steps, lambda row: self.below[None, :, row], cols)
        changed = acts[first].f(net) - self.base_out[None, :, cols]
        above = first + 1
        w = weights[above]
        shared = self.base_out @ w + self.network.biases[above]
        net = shared[None] + (changed.reshape(-1, len(cols)) @ w[cols]).reshape(k, self.n, -1)

        def out_below(row: int) -> Array:
            out = self.base_out[None, :, row]
            return changed[:, :, cols.index(row)] + out if row in cols else out

        self._change(net, above, steps, out_below)
        return acts[above].f(net)

    def errors(self, values: Array) -> Array:
        """E for each row of ``values`` (settings × the parameters, in ``names``' order)."""
        steps = values - self.current
        k, spec = steps.shape[0], self.spec
        acts, weights, biases = spec.activations, self.network.weights, self.network.biases
        with np.errstate(all="ignore"):
            if self.narrow:
                a = self._narrow_start(steps)
                start = self.first + 2
            else:
                net: Array = np.repeat(self.base_net[None], k, axis=0)
                self._change(net, self.first, steps, lambda row: self.below[None, :, row])
                a = acts[self.first].f(net)
                start = self.first + 1
            for layer in range(start, spec.n_layers):
                w: Array = weights[layer]
                net = (a.reshape(-1, w.shape[0]) @ w).reshape(k, self.n, -1) + biases[layer]
                self._change(net, layer, steps, functools.partial(_column, a))
                a = acts[layer].f(net)
            return batch_error(spec.loss_fn.per_output(a, self.t))


def _column(out: Array, row: int) -> Array:
    """Each setting's out of neuron ``row`` (settings × samples)."""
    column: Array = out[:, :, row]
    return column


class GridRun:
    """An error landscape computed a slice of grid points at a time, so that a worker can
    report how far it got and stop between slices; ``error_grid`` runs one to the end.

    The grid is ``size`` × ``size`` points of ±``span`` around ``centre`` (by default the
    current values); points are computed row by row, from the lowest ``second`` up. ``paths``
    (descent paths over the pair) and their ``alpha`` travel with the result.
    """

    def __init__(
        self,
        network: Network,
        inputs: Array,
        targets: Array,
        first: str,
        second: str,
        *,
        span: float = 1.0,
        size: int = 41,
        centre: tuple[float, float] | None = None,
        paths: tuple[tuple[str, Array], ...] = (),
        alpha: float | None = None,
    ) -> None:
        if first == second:
            raise ConfigError("Pick two different parameters for the error landscape.")
        if not 3 <= size <= 401:
            raise ConfigError(f"The landscape grid needs 3 to 401 points a side, not {size}.")
        if not (np.isfinite(span) and span > 0):
            raise ConfigError(f"The landscape's range must be above 0, not {span}.")
        network = network.copy()  # the grid is of the weights as they are now
        c = centre if centre is not None else (network.get(first), network.get(second))
        self.first, self.second, self.size = first, second, size
        self.paths, self.alpha = paths, alpha
        self.centre = (float(c[0]), float(c[1]))
        self.xs = np.linspace(c[0] - span, c[0] + span, size)
        self.ys = np.linspace(c[1] - span, c[1] + span, size)
        grid_x, grid_y = np.meshgrid(self.xs, self.ys)
        self._values = np.column_stack([grid_x.ravel(), grid_y.ravel()])
        x = np.atleast_2d(np.asarray(inputs, dtype=np.float64))
        t = np.atleast_2d(np.asarray(targets, dtype=np.float64))
        self._plan = _GridPlan(network, x, t, [first, second])
        # Grid points per slice: the activations of one slice stay within _CHUNK_FLOATS.
        self.slice = max(1, _CHUNK_FLOATS // max(1, self._plan.n * self._plan.width))
        self._errors = np.full(size * size, np.nan)
        self.done = 0  # grid points computed so far

    @property
    def total(self) -> int:
        """How many grid points there are."""
        return self.size * self.size

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    def advance(self, count: int) -> int:
        """Compute up to ``count`` more grid points (at least one while any is left);
        returns how many were computed."""
        end = min(self.total, self.done + max(1, int(count)))
        start = self.done
        while self.done < end:
            stop = min(end, self.done + self.slice)
            self._errors[self.done : stop] = self._plan.errors(self._values[self.done : stop])
            self.done = stop
        return end - start

    def result(self) -> Landscape:
        """The landscape (points not computed yet are NaN)."""
        errors = self._errors.reshape(self.size, self.size).copy()
        return Landscape(
            self.first,
            self.second,
            self.xs,
            self.ys,
            errors,
            self.centre,
            self.paths,
            self.alpha,
        )


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
    run = GridRun(network, inputs, targets, first, second, span=span, size=size, centre=centre)
    run.advance(run.total)
    return run.result()


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
