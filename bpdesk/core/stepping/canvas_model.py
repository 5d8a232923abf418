"""What the network drawing shows of a step, without Qt: values, what is new, what the quiz hides.

``StepValues`` reads a number of the step by what it is (a neuron's net, a weight's gradient…)
straight from the trace's arrays, instead of spelling and parsing lecture names. ``just_computed``
says which elements the last press computed (their labels are tinted), ``ringed_neurons`` which
neurons the next press computes, and ``QuizMask`` which labels quiz mode hides.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

import numpy as np

from bpdesk.core.engine.network import NetworkSpec, forward_pass
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.stepping.trace import Array, Op, StepTrace

__all__ = [
    "Element",
    "ElementKind",
    "NeuronQuantity",
    "ParameterQuantity",
    "QuizMask",
    "StepValues",
    "hide_computed_value",
    "just_computed",
    "last_press_ops",
    "neuron_places",
    "revealed_name",
    "ringed_neurons",
]

ElementKind = Literal["neuron", "weight", "bias", "error"]
NeuronQuantity = Literal["net", "out", "target", "E", "delta"]
ParameterQuantity = Literal["before", "after", "gradient"]
_ELEMENT_KINDS: tuple[ElementKind, ...] = ("neuron", "weight", "bias", "error")


class Element(NamedTuple):
    """A drawn element: a neuron, weight or bias by name, or the error ``E_total``."""

    kind: ElementKind
    name: str

    @property
    def key(self) -> str:
        """The element as the canvas's labels are keyed: ``neuron:h1``, ``weight:w5``…"""
        return f"{self.kind}:{self.name}"

    @classmethod
    def from_key(cls, key: str) -> Element:
        """The element of a label key such as ``weight:w5``."""
        kind, _, name = key.partition(":")
        for known in _ELEMENT_KINDS:
            if kind == known:
                return cls(known, name)
        raise ValueError(f"No element kind '{kind}' in the label key '{key}'.")


def neuron_places(spec: NetworkSpec) -> dict[str, tuple[int, int]]:
    """Every neuron's column (0 = the inputs) and index in that column, by name."""
    return {
        name: (column, j)
        for column in range(spec.n_layers + 1)
        for j, name in enumerate(spec.neuron_names(column))
    }


class StepValues:
    """The step's numbers by what they are, for the batch's first sample; NaN where not computed.

    Gradients and updates are the batch's, as in ``StepTrace.named_values``.
    """

    def __init__(self, trace: StepTrace, places: dict[str, tuple[int, int]] | None = None) -> None:
        self.trace = trace
        self.places = neuron_places(trace.spec) if places is None else places
        self._outs: list[Array] | None = None  # the current weights' outs, once asked

    @property
    def E_total(self) -> float:
        return float(self.trace.E_total)

    def input(self, name: str) -> float:
        """The value of input ``name`` (``i1``…)."""
        return float(self.trace.inputs[0, self.places[name][1]])

    def neuron(self, quantity: NeuronQuantity, name: str) -> float:
        """net, out, δ of a neuron after the inputs; target and E of an output (else NaN)."""
        column, j = self.places[name]
        trace = self.trace
        if quantity in ("target", "E"):
            if column != trace.spec.n_layers:
                return math.nan
            array = trace.targets if quantity == "target" else trace.errors
            return float(array[0, j])
        layer = trace.layers[column - 1]
        arrays = {"net": layer.net, "out": layer.out, "delta": layer.delta}
        return float(arrays[quantity][0, j])

    def network_out(self, name: str) -> float:
        """What the network's current weights give as ``out`` of neuron ``name`` for the
        trace's first sample: the out to show beside the target after a run, when the step
        has not computed it yet (NaN for an input or where the weights are not finite)."""
        column, j = self.places[name]
        trace = self.trace
        if column == 0:
            return math.nan
        if self._outs is None:
            layers = [
                (layer.w_before, layer.b_before, activation)
                for layer, activation in zip(trace.layers, trace.spec.activations, strict=True)
            ]
            with np.errstate(all="ignore"):
                self._outs = forward_pass(layers, trace.inputs[:1])[1]
        value = float(self._outs[column][0, j])
        return value if math.isfinite(value) else math.nan

    def parameter(self, quantity: ParameterQuantity, name: str) -> float:
        """A weight or bias before the update, after it (``w5+``), or its gradient ∂E/∂w."""
        ref = self.trace.spec.ref(name)
        layer = self.trace.layers[ref.layer]
        if ref.kind == "w":
            arrays = {"before": layer.w_before, "after": layer.w_after, "gradient": layer.grad_w}
        else:
            arrays = {"before": layer.b_before, "after": layer.b_after, "gradient": layer.grad_b}
        return float(arrays[quantity][ref.row, ref.col])


# ------------------------------------------------------------------ what is new, what is next
def last_press_ops(trace: StepTrace) -> list[Op]:
    """The sub-steps the last press computed: one neuron while stepping neuron by neuron,
    else the whole phase it finished (latest first); none before the first."""
    last = trace.last_op
    if last is None:
        return []
    following = trace.next_op
    if following is not None and following.phase == last.phase:
        return [last]
    ops = []
    for op in reversed(trace.ops[: trace.done]):
        if op.phase != last.phase:
            break
        ops.append(op)
    return ops


def _layer_parameters(spec: NetworkSpec, layer: int, targets: Iterable[int]) -> frozenset[Element]:
    """The weights and biases into the given neurons of weight layer ``layer``."""
    return _parameters_into(spec, layer, tuple(targets))


@functools.lru_cache(maxsize=64)
def _parameters_into(spec: NetworkSpec, layer: int, targets: tuple[int, ...]) -> frozenset[Element]:
    """:func:`_layer_parameters`, remembered: a step of a wide network asks for thousands."""
    elements: set[Element] = set()
    for t in targets:
        for s in range(spec.sizes[layer]):
            elements.add(Element("weight", spec.weight_name(layer, s, t)))
        elements.add(Element("bias", spec.bias_name(layer, 0 if spec.shared_bias else t)))
    return frozenset(elements)


def _op_elements(op: Op, spec: NetworkSpec) -> set[Element]:
    outputs = spec.neuron_names(spec.n_layers)
    if op.kind == "error":
        return {Element("neuron", n) for n in outputs} | {Element("error", "E_total")}
    if op.kind == "update":
        layers = range(spec.n_layers) if op.layer < 0 else [op.layer]
        elements: set[Element] = set()
        for i in layers:
            elements |= _layer_parameters(spec, i, range(spec.sizes[i + 1]))
        return elements
    name = spec.neuron_names(op.layer + 1)[op.neuron]
    elements = {Element("neuron", name)}
    if op.kind == "backward":
        elements |= _layer_parameters(spec, op.layer, [op.neuron])
    return elements


def just_computed(snapshot: Snapshot) -> frozenset[Element]:
    """What the last press computed: its neuron, or everything of the phase once it is done.

    Nothing during a run; fixed (untrained) biases show no new number, so they are left out.
    """
    if snapshot.running:
        return frozenset()
    elements: set[Element] = set()
    for op in last_press_ops(snapshot.trace):
        elements |= _op_elements(op, snapshot.spec)
    if not snapshot.config.train_biases:
        elements = {element for element in elements if element.kind != "bias"}
    return frozenset(elements)


def ringed_neurons(snapshot: Snapshot) -> frozenset[str]:
    """The neurons the next press computes (an accent ring): none during a run or an update."""
    op = None if snapshot.running else snapshot.next_op
    spec = snapshot.spec
    if op is not None and op.kind in ("forward", "backward"):
        return frozenset([spec.neuron_names(op.layer + 1)[op.neuron]])
    if op is not None and op.kind == "error":
        return frozenset(spec.neuron_names(spec.n_layers))
    return frozenset()


# ------------------------------------------------------------------ quiz mode
_QUIZ_HIDDEN = {
    "forward": re.compile(r"^((?:net|out|E|E_total) = ).*$"),
    "backward": re.compile(r"^((?:δ|∂E/∂\S+) = ).*$"),
    "update": re.compile(r"^(\S+: \S+ → ).*$"),
}


def hide_computed_value(line: str, op: Op | None) -> str:
    """A label line with the value the press ``op`` computed replaced by "?"."""
    if op is None:
        return line
    return _QUIZ_HIDDEN[op.phase].sub(r"\1?", line)


def revealed_name(quantity: str) -> str:
    """The element a quantity of the lecture belongs to: ``w8+`` and ``dE_total/dw8`` → ``w8``,
    ``net_h1`` → ``h1``; biases keep their names (``b_h1``)."""
    name = quantity.rstrip("+")
    if name.startswith("dE_total/d"):
        name = name[len("dE_total/d") :]
    return name.split("_", 1)[1] if "_" in name and not name.startswith("b_") else name


class QuizMask:
    """Which labels quiz mode hides: what the last press computed, until it is revealed.

    Reveals last for one position of the step; the next press hides its own values again.
    """

    def __init__(self) -> None:
        self.on = False
        self._revealed: set[str] = set()
        self._error_revealed = False
        self._step: tuple[int, int] | None = None

    def follow(self, trace: StepTrace) -> None:
        """Forget what was revealed once the step has moved on."""
        step = (trace.iteration, trace.done)
        if step != self._step:
            self._step = step
            self._revealed = set()
            self._error_revealed = False

    def reveal(self, quantity: str) -> None:
        """Show again the element of ``quantity`` (``w8+``, ``out_h1``, ``E_total``…)."""
        self._revealed.add(revealed_name(quantity))
        self._error_revealed |= quantity == "E_total"

    def hides(self, element: Element, computed: frozenset[Element]) -> bool:
        """Whether ``element``'s label shows "?" for the values the last press computed."""
        if not self.on or element not in computed:
            return False
        revealed = element.name in self._revealed
        return not (revealed or (self._error_revealed and element.kind == "error"))
