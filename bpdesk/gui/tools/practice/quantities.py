"""The numbers of a step a student can practise, phase by phase in the lecture's order."""

from __future__ import annotations

from dataclasses import dataclass

from bpdesk.core.engine.network import NetworkSpec

__all__ = ["HOME_TASK", "PHASE_TITLES", "PHASE_WORDS", "Quantity", "quantities"]

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
    refs = [spec.ref(p) for p in spec.parameter_names]
    params = [r for r in refs if r.kind == "w" or biases]
    for level in reversed(levels):
        for n in spec.neuron_names(level):
            label = f"delta of {n}, ∂E_total/∂net_{n}"
            out.append(Quantity(f"dE_total/dnet_{n}", f"δ_{n}", label, "backward", "neuron", n))
        for r in (r for r in params if r.layer == level - 1):
            kind, word = ("weight", "") if r.kind == "w" else ("bias", "bias ")
            gradient = f"gradient for {word}{r.name}"
            out.append(
                Quantity(
                    f"dE_total/d{r.name}", f"∂E_total/∂{r.name}", gradient, "backward", kind, r.name
                )
            )
    for r in sorted(params, key=lambda r: r.kind == "b"):
        kind = "weight" if r.kind == "w" else "bias"
        task = lecture and f"{r.name}+" == HOME_TASK
        new = f"{r.name}+"
        out.append(Quantity(new, new, f"new {kind} {r.name}", "update", kind, r.name, task))
    return out
