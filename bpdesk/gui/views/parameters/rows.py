"""What each line of the weight table says: a parameter's value, last gradient and update."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.stepping.snapshot import Snapshot

__all__ = [
    "Figures",
    "LastKnown",
    "ParameterRow",
    "RowTable",
    "Shown",
    "connection",
    "figures",
    "parameter_rows",
]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ParameterRow:
    """What one line of the table shows."""

    name: str
    connection: str
    value: float
    gradient: float  # the last gradient known (NaN: none yet)
    gradient_iteration: int  # the iteration it was computed in (-1: none)
    previous: float  # the value before the last update known (NaN: none yet)
    change: float  # that update's change
    update_iteration: int  # the iteration of that update (-1: none)
    current_iteration: int  # the iteration of the step on show
    fixed: bool  # a bias that training leaves alone

    @property
    def gradient_is_current(self) -> bool:
        """The gradient was computed in the step on show (not an earlier one)."""
        return self.gradient_iteration == self.current_iteration

    @property
    def update_is_current(self) -> bool:
        return self.update_iteration == self.current_iteration


def _neuron_list(names: tuple[str, ...]) -> str:
    if len(names) <= 3:
        return ", ".join(names)
    return f"{names[0]} … {names[-1]}"


def connection(spec: NetworkSpec, name: str) -> str:
    """“h1 → o1” for a weight; “1 → h1, h2” for a bias (it multiplies a constant 1)."""
    ref = spec.ref(name)
    targets = spec.neuron_names(ref.layer + 1)
    if ref.kind == "w":
        return f"{spec.neuron_names(ref.layer)[ref.row]} → {targets[ref.col]}"
    if spec.shared_bias:
        return f"1 → {_neuron_list(targets)}"
    return f"1 → {targets[ref.col]}"


@lru_cache(maxsize=4)
def _connections(spec: NetworkSpec) -> dict[str, str]:
    """Every parameter's connection, worked out once per network shape."""
    return {name: connection(spec, name) for name in spec.parameter_names}


@lru_cache(maxsize=4)
def _bias_names(spec: NetworkSpec) -> frozenset[str]:
    return frozenset(name for name in spec.parameter_names if spec.ref(name).kind == "b")


@dataclass(frozen=True)
class Figures:
    """One figure of every parameter, in the order of ``spec.parameter_names``."""

    gradient: NDArray[np.float64]  # ∂E_total/∂p of the step (NaN: not reached yet)
    before: NDArray[np.float64]  # the value the step started from
    change: NDArray[np.float64]  # Δp of the update (NaN: not made yet)
    after: NDArray[np.float64]  # p+ (NaN: not made yet)


def _in_name_order(arrays: list[tuple[Array, Array]]) -> Array:
    """Weights w1… layer by layer (target-major, as the names count them), then biases."""
    weights = [w.T.ravel() for w, _ in arrays]
    biases = [b.ravel() for _, b in arrays]
    return np.concatenate([*weights, *biases]).astype(np.float64, copy=False)


def figures(snapshot: Snapshot) -> Figures:
    """The step's figures for every parameter, read from the trace's arrays at once."""
    layers = snapshot.trace.layers
    return Figures(
        gradient=_in_name_order([(la.grad_w, la.grad_b) for la in layers]),
        before=_in_name_order([(la.w_before, la.b_before) for la in layers]),
        change=_in_name_order([(la.weight_change, la.bias_change) for la in layers]),
        after=_in_name_order([(la.w_after, la.b_after) for la in layers]),
    )


_NONE = np.iinfo(np.int64).min // 2  # "no iteration": older than any shown


class LastKnown:
    """The last gradient and update known for every parameter, kept after a new step starts.

    A remembered figure belongs to the iteration it was computed in; it is shown while
    the step on show is that one or the next, and dropped when training goes back to
    before it (step back, reset) or the network changes. Kept as arrays in the order of
    the parameter names, so a network of thousands of weights costs a few array steps.
    """

    def __init__(self) -> None:
        self._spec: NetworkSpec | None = None
        size = 0
        self._gradient_iteration = np.full(size, _NONE, dtype=np.int64)
        self._gradient = np.full(size, math.nan)
        self._update_iteration = np.full(size, _NONE, dtype=np.int64)
        self._previous = np.full(size, math.nan)
        self._change = np.full(size, math.nan)

    def _forget(self, spec: NetworkSpec) -> None:
        size = len(spec.parameter_names)
        self._spec = spec
        self._gradient_iteration = np.full(size, _NONE, dtype=np.int64)
        self._gradient = np.full(size, math.nan)
        self._update_iteration = np.full(size, _NONE, dtype=np.int64)
        self._previous = np.full(size, math.nan)
        self._change = np.full(size, math.nan)

    def update(self, snapshot: Snapshot) -> Shown:
        """Take in the snapshot's figures; returns what to show for every parameter."""
        spec = snapshot.spec
        if spec != self._spec:
            self._forget(spec)
        iteration = snapshot.trace.iteration
        now = figures(snapshot)
        known = np.isfinite(now.gradient)
        self._gradient_iteration[known] = iteration
        self._gradient[known] = now.gradient[known]
        undone = ~known & (self._gradient_iteration >= iteration)  # from a step undone
        self._gradient_iteration[undone] = _NONE
        made = np.isfinite(now.after)
        self._update_iteration[made] = iteration
        self._previous[made] = now.before[made]
        self._change[made] = now.change[made]
        undone = ~made & (self._update_iteration >= iteration)
        self._update_iteration[undone] = _NONE
        gradient_shown = self._gradient_iteration >= iteration - 1
        update_shown = self._update_iteration >= iteration - 1
        return Shown(
            gradient_iteration=np.where(gradient_shown, self._gradient_iteration, -1),
            gradient=np.where(gradient_shown, self._gradient, math.nan),
            update_iteration=np.where(update_shown, self._update_iteration, -1),
            previous=np.where(update_shown, self._previous, math.nan),
            change=np.where(update_shown, self._change, math.nan),
        )


@dataclass(frozen=True)
class Shown:
    """What the table shows of the remembered figures (iteration -1 and NaN: none)."""

    gradient_iteration: NDArray[np.int64]
    gradient: NDArray[np.float64]
    update_iteration: NDArray[np.int64]
    previous: NDArray[np.float64]
    change: NDArray[np.float64]


class RowTable:
    """Every line of the table for one snapshot, each made when it is first asked for
    (the table asks only for the rows in view): a network of thousands of weights costs a
    few array steps per snapshot, not thousands of rows."""

    def __init__(self, snapshot: Snapshot, memory: LastKnown) -> None:
        spec = snapshot.spec
        self.names: tuple[str, ...] = spec.parameter_names
        self._shown = memory.update(snapshot)
        self._iteration = snapshot.trace.iteration
        self._fixed_biases = not snapshot.config.train_biases
        self._connections = _connections(spec)
        self._biases = _bias_names(spec)
        self._values = snapshot.values
        self._made: dict[int, ParameterRow] = {}

    def __len__(self) -> int:
        return len(self.names)

    def row(self, k: int) -> ParameterRow:
        """Line ``k`` (made once, then kept)."""
        found = self._made.get(k)
        if found is not None:
            return found
        name, shown = self.names[k], self._shown
        row = ParameterRow(
            name,
            self._connections[name],
            self._values.get(name, math.nan),
            float(shown.gradient[k]),
            int(shown.gradient_iteration[k]),
            float(shown.previous[k]),
            float(shown.change[k]),
            int(shown.update_iteration[k]),
            self._iteration,
            self._fixed_biases and name in self._biases,
        )
        self._made[k] = row
        return row

    def rows(self, lines: range | None = None) -> list[ParameterRow]:
        """The lines at ``lines`` (all of them without)."""
        return [self.row(k) for k in (range(len(self)) if lines is None else lines)]

    def any_fixed(self) -> bool:
        """Some line is a bias that training leaves alone."""
        return self._fixed_biases and bool(self._biases)

    def any_from_before(self) -> bool:
        """Some figure shown is from the step before the one on show (set in italics)."""
        shown, now = self._shown, self._iteration
        old_gradient = (shown.gradient_iteration != now) & ~np.isnan(shown.gradient)
        old_update = (shown.update_iteration != now) & ~np.isnan(shown.previous)
        return bool(old_gradient.any() or old_update.any())


def parameter_rows(snapshot: Snapshot, memory: LastKnown) -> list[ParameterRow]:
    """The table's lines for ``snapshot``, in the order of the network's parameter names."""
    return RowTable(snapshot, memory).rows()
