"""What each line of the weight table says: a parameter's value, last gradient and update."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.stepping.snapshot import Snapshot

__all__ = ["LastKnown", "ParameterRow", "connection", "parameter_rows"]


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


class LastKnown:
    """The last gradient and update known for every parameter, kept after a new step starts.

    A remembered figure belongs to the iteration it was computed in; it is shown while
    the step on show is that one or the next, and dropped when training goes back to
    before it (step back, reset) or the network changes.
    """

    def __init__(self) -> None:
        self._spec: NetworkSpec | None = None
        self._gradients: dict[str, tuple[int, float]] = {}
        self._updates: dict[str, tuple[int, float, float]] = {}

    def update(
        self, snapshot: Snapshot, named: dict[str, float]
    ) -> tuple[dict[str, tuple[int, float]], dict[str, tuple[int, float, float]]]:
        """Take in the snapshot's figures; returns what to show, by name:
        (iteration, gradient) and (iteration, previous value, change)."""
        spec = snapshot.spec
        if spec != self._spec:
            self._spec, self._gradients, self._updates = spec, {}, {}
        iteration = snapshot.trace.iteration
        gradients: dict[str, tuple[int, float]] = {}
        updates: dict[str, tuple[int, float, float]] = {}
        for name in spec.parameter_names:
            gradient = named.get(f"dE_total/d{name}", math.nan)
            if math.isfinite(gradient):
                self._gradients[name] = (iteration, gradient)
            elif name in self._gradients and self._gradients[name][0] >= iteration:
                del self._gradients[name]  # from a step that was undone
            if self._gradients.get(name, (-2,))[0] >= iteration - 1:
                gradients[name] = self._gradients[name]
            after = named.get(f"{name}+", math.nan)
            if math.isfinite(after):
                before = named.get(name, math.nan)
                self._updates[name] = (iteration, before, named.get(f"Δ{name}", math.nan))
            elif name in self._updates and self._updates[name][0] >= iteration:
                del self._updates[name]
            if self._updates.get(name, (-2,))[0] >= iteration - 1:
                updates[name] = self._updates[name]
        return gradients, updates


def parameter_rows(snapshot: Snapshot, memory: LastKnown) -> list[ParameterRow]:
    """The table's lines for ``snapshot``, in the order of the network's parameter names."""
    spec = snapshot.spec
    gradients, updates = memory.update(snapshot, snapshot.trace.named_values())
    iteration = snapshot.trace.iteration
    fixed_biases = not snapshot.config.train_biases
    connections, biases = _connections(spec), _bias_names(spec)
    rows = []
    for name in spec.parameter_names:
        grad_iteration, gradient = gradients.get(name, (-1, math.nan))
        update_iteration, previous, change = updates.get(name, (-1, math.nan, math.nan))
        rows.append(
            ParameterRow(
                name=name,
                connection=connections[name],
                value=snapshot.values.get(name, math.nan),
                gradient=gradient,
                gradient_iteration=grad_iteration,
                previous=previous,
                change=change,
                update_iteration=update_iteration,
                current_iteration=iteration,
                fixed=fixed_biases and name in biases,
            )
        )
    return rows
