"""The numbers of a step a student can practise, phase by phase in the lecture's order."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.errors import ConfigError
from bpdesk.core.stepping.trace import StepTrace

__all__ = ["HOME_TASK", "PHASE_TITLES", "PHASE_WORDS", "Quantity", "quantities", "true_value"]

PHASE_TITLES = {
    "forward": "Forward pass (press Forward)",
    "backward": "Backward pass (press Backward)",
    "update": "Update (press Update)",
}
PHASE_WORDS = {"forward": "forward pass", "backward": "backward pass", "update": "update"}
HOME_TASK = "w8+"  # the lecture's exercise: the new value of w8 after one step


@dataclass(frozen=True)
class Quantity:
    """One number of the step a student can compute."""

    name: str  # its name among the trace's named values: "w8+", "dE_total/dw8", "net_h1"
    symbol: str  # as the lecture writes it: "w8+", "∂E_total/∂w8", "δ_o1"
    label: str  # what the chooser lists
    phase: str  # the pass that computes it: forward, backward or update
    kind: str  # what derive() explains: neuron, weight or bias
    element: str  # the neuron, weight or bias derive() explains
    home_task: bool = False  # the lecture's exercise

    @property
    def chooser_label(self) -> str:
        """How the chooser lists it: "w8+ — new weight w8 (home task)"."""
        return f"{self.symbol} — {self.label}" + (" (home task)" if self.home_task else "")


def quantities(spec: NetworkSpec, *, biases: bool, lecture: bool) -> list[Quantity]:
    """Every quantity of a step of ``spec``, phase by phase in the lecture's order."""
    out: list[Quantity] = []
    levels = range(1, spec.n_layers + 1)
    outputs = spec.neuron_names(spec.n_layers)
    for level in levels:
        for n in spec.neuron_names(level):
            out.append(
                Quantity(f"net_{n}", f"net_{n}", f"net input of {n}", "forward", "neuron", n)
            )
            out.append(Quantity(f"out_{n}", f"out_{n}", f"output of {n}", "forward", "neuron", n))
    for n in outputs:
        out.append(Quantity(f"E_{n}", f"E_{n}", f"error at {n}", "forward", "neuron", n))
    out.append(Quantity("E_total", "E_total", "total error", "forward", "neuron", outputs[0]))
    params = [p for p in _parameters(spec) if p[1] == "w" or biases]
    for level in reversed(levels):
        for n in spec.neuron_names(level):
            label = f"delta of {n}, ∂E_total/∂net_{n}"
            out.append(Quantity(f"dE_total/dnet_{n}", f"δ_{n}", label, "backward", "neuron", n))
        for _, letter, name in (p for p in params if p[0] == level - 1):
            kind, word = ("weight", "") if letter == "w" else ("bias", "bias ")
            gradient = f"gradient for {word}{name}"
            out.append(
                Quantity(f"dE_total/d{name}", f"∂E_total/∂{name}", gradient, "backward", kind, name)
            )
    for _, letter, name in sorted(params, key=lambda p: p[1] == "b"):
        kind = "weight" if letter == "w" else "bias"
        task = lecture and f"{name}+" == HOME_TASK
        new = f"{name}+"
        out.append(Quantity(new, new, f"new {kind} {name}", "update", kind, name, task))
    return out


def _parameters(spec: NetworkSpec) -> list[tuple[int, str, str]]:
    """Every parameter as (weight layer, "w" or "b", name), in the order of
    ``spec.parameter_names`` (worked out from the shape: no name is parsed)."""
    found: list[tuple[int, str, str]] = []
    for layer in range(spec.n_layers):
        n_in, n_out = spec.weight_shape(layer)
        found += [
            (layer, "w", spec.weight_name(layer, source, target))
            for target in range(n_out)
            for source in range(n_in)
        ]
    for layer in range(spec.n_layers):
        found += [(layer, "b", spec.bias_name(layer, c)) for c in range(spec.bias_shape(layer)[1])]
    return found


@lru_cache(maxsize=4)
def _neurons(spec: NetworkSpec) -> dict[str, tuple[int, int]]:
    """Every neuron after the inputs: its weight layer (0 feeds the first hidden layer) and
    its place in that layer."""
    return {
        n: (level - 1, j)
        for level in range(1, spec.n_layers + 1)
        for j, n in enumerate(spec.neuron_names(level))
    }


def _neuron_value(trace: StepTrace, what: str, neuron: str) -> float | None:
    found = _neurons(trace.spec).get(neuron)
    if found is None:
        return None
    i, j = found
    layer = trace.layers[i]
    if what == "net":
        return float(layer.net[0, j])
    if what == "out":
        return float(layer.out[0, j])
    if what == "delta":
        return float(layer.delta[0, j])
    if i == trace.spec.n_layers - 1:  # E of an output
        return float(trace.errors[0, j])
    return None


def _parameter_value(trace: StepTrace, what: str, name: str) -> float | None:
    try:
        ref = trace.spec.ref(name)
    except ConfigError:
        return None
    layer = trace.layers[ref.layer]
    if ref.kind == "w":
        array = layer.grad_w if what == "gradient" else layer.w_after
    else:
        array = layer.grad_b if what == "gradient" else layer.b_after
    return float(array[ref.row, ref.col])


def true_value(trace: StepTrace, name: str) -> float:
    """The value of the quantity called ``name`` (see :func:`quantities`) in ``trace``, as
    ``trace.named_values()[name]`` gives it, read from the one array that holds it (a name
    of another kind is looked up among all of them; an unknown name is NaN)."""
    found: float | None = None
    if name == "E_total":
        found = float(trace.E_total)
    elif name.startswith("dE_total/dnet_"):
        found = _neuron_value(trace, "delta", name[len("dE_total/dnet_") :])
    elif name.startswith("dE_total/d"):
        found = _parameter_value(trace, "gradient", name[len("dE_total/d") :])
    elif name.endswith("+"):
        found = _parameter_value(trace, "after", name[:-1])
    elif name.startswith(("net_", "out_", "E_")):
        what, _, neuron = name.partition("_")
        found = _neuron_value(trace, what, neuron)
    if found is not None:
        return found
    return float(trace.named_values().get(name, math.nan))
