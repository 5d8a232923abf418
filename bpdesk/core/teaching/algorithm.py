"""The algorithm slide, live: the delta rule as pseudo-code, the line the step machine is on,
and that line's symbols bound to the step's own numbers, in two sign conventions.

The lecture writes the delta rule with δ = o(1 − o)(t − o) and adds Δw = η δ x to each
weight; its worked example uses δ = ∂E/∂net and subtracts η ∂E/∂w. For a sigmoid neuron
and the error ½ (t − o)², the two δ differ only in sign, so both updates give the same new
weights. ``read(trace, convention)`` says which line of the pseudo-code the last sub-step
of ``trace`` carried out, for which neuron, and writes that line out with the trace's
numbers in the chosen convention (``"example"`` or ``"slide"``); for an update it also
checks that both conventions and the step machine agree on w+. ``check_layer`` makes the
same check for every weight and bias of a layer at once.

Only the current neuron's numbers (and a few terms of its sums) are written out, so a
reading costs the same for a network of any size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.stepping.trace import Op, StepTrace
from bpdesk.core.teaching.algorithm_rows import (
    Agreement,
    Row,
    backward_rows,
    error_rows,
    forward_rows,
    slide_delta,
    slide_is_exact,
    start_rows,
    update_rows,
)

__all__ = [
    "CONVENTIONS",
    "CONVENTION_TITLES",
    "LINE_KEYS",
    "Agreement",
    "LayerCheck",
    "Line",
    "Place",
    "Reading",
    "Row",
    "algorithm_lines",
    "check_layer",
    "locate",
    "read",
    "slide_is_exact",
]

Array = NDArray[np.float64]

CONVENTIONS = ("example", "slide")
CONVENTION_TITLES = {
    "example": "Worked example: δ = ∂E/∂net,  w ← w − η ∂E/∂w",
    "slide": "Slide: δ = o(1 − o)(t − o),  w ← w + η δ x",
}
LINE_KEYS = (
    "init",
    "repeat",
    "sample",
    "forward",
    "output_delta",
    "hidden_delta",
    "weight_change",
    "weight_update",
)
MAX_TERMS = 4  # terms of a sum, and weights of an update, written out with numbers


@dataclass(frozen=True)
class Line:
    """One line of the pseudo-code: its key, how far it is indented, its words and formula."""

    key: str
    indent: int
    words: str
    formula: str = ""

    @property
    def text(self) -> str:
        return f"{self.words}  {self.formula}".rstrip()


@dataclass(frozen=True)
class Place:
    """Where the step machine is in the pseudo-code."""

    line: str  # the key of the line the last sub-step carried out
    highlighted: tuple[str, ...]  # the lines that sub-step covers (an update does two)
    op: Op | None  # the last sub-step (None: none yet in this step)
    layer: int
    neuron: int  # -1: a whole layer, or no neuron
    neuron_name: str  # "h1", "o1, o2" for a layer's update, "" for none
    doing: str  # what the last sub-step did, in words
    coming: str  # what the next press does, in words


@dataclass(frozen=True)
class Reading:
    """The algorithm at one moment of a step, in one convention."""

    convention: str
    place: Place
    lines: tuple[Line, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...]
    agreement: Agreement | None  # for an update by gradient descent: w+ both ways

    def to_text(self) -> str:
        """The reading as plain text: the pseudo-code (the current line marked), the numbers."""
        out = []
        for line in self.lines:
            mark = "▶ " if line.key in self.place.highlighted else "  "
            out.append(f"{mark}{'  ' * line.indent}{line.text}")
        out.append("")
        out.append(self.place.doing)
        out += [row.text for row in self.rows]
        out += list(self.notes)
        if self.agreement is not None:
            out.append(self.agreement.text)
        return "\n".join(out)


@dataclass(frozen=True)
class LayerCheck:
    """Every new weight and bias of one layer worked out both ways, beside the step machine's."""

    w_example: Array
    w_slide: Array
    b_example: Array
    b_slide: Array
    w_after: Array
    b_after: Array

    @property
    def largest_difference(self) -> float:
        """The largest gap between any two of the three values of any parameter."""
        gaps = [
            np.abs(self.w_example - self.w_slide),
            np.abs(self.w_example - self.w_after),
            np.abs(self.b_example - self.b_slide),
            np.abs(self.b_example - self.b_after),
        ]
        return float(max(float(np.max(g)) if g.size else 0.0 for g in gaps))


# ------------------------------------------------------------------ the pseudo-code
def _is_sigmoid(spec: NetworkSpec, layer: int) -> bool:
    return spec.layers[layer].activation in ("sigmoid", "logistic")


def algorithm_lines(spec: NetworkSpec, convention: str) -> tuple[Line, ...]:
    """The delta rule as bpdesk writes it, its formulas in ``convention``; where the network
    is not sigmoid with ½ squared error, the δ lines show the general form."""
    _check_convention(convention)
    slide = convention == "slide"
    exact = slide_is_exact(spec)
    hidden_sigmoid = all(_is_sigmoid(spec, i) for i in range(spec.n_layers - 1))
    slope = "o_h(1 − o_h)" if hidden_sigmoid else "f′(net_h)"
    hidden = f"δ_h = {slope} Σ_k w_hk δ_k"  # the same form in both: only δ's sign differs
    if slide:
        out_delta = "δ_k = o_k(1 − o_k)(t_k − o_k)" if exact else "δ_k = −∂E/∂out_k · f′(net_k)"
        change = "Δw_ij = η δ_j x_ij  (+ α Δw_ij(t−1))"
        update = "w_ij ← w_ij + Δw_ij"
    else:
        out_delta = "δ_k = ∂E/∂net_k = −(t_k − o_k) o_k(1 − o_k)"
        if not exact:
            out_delta = "δ_k = ∂E/∂net_k = ∂E/∂out_k · f′(net_k)"
        change = "Δw_ij = −η δ_j x_ij  (+ α Δw_ij(t−1))"
        update = "w_ij ← w_ij + Δw_ij  = w_ij − η ∂E/∂w_ij"
    return (
        Line("init", 0, "Set each weight to a small random value"),
        Line("repeat", 0, "Repeat until the error is small enough:"),
        Line("sample", 1, "For each training sample (x, t):"),
        Line("forward", 2, "Forward pass: net and out of each neuron, and E"),
        Line("output_delta", 2, "For each output k:", out_delta),
        Line("hidden_delta", 2, "For each hidden h:", hidden),
        Line("weight_change", 2, "For each weight w_ij:", change),
        Line("weight_update", 3, "", update),
    )


def _check_convention(convention: str) -> None:
    if convention not in CONVENTIONS:
        known = " or ".join(CONVENTIONS)
        raise ValueError(f"The convention is {known}, not {convention!r}.")


# ------------------------------------------------------------------ where we are
def _op_line(op: Op, spec: NetworkSpec) -> tuple[str, tuple[str, ...]]:
    if op.kind in ("forward", "error"):
        return "forward", ("forward",)
    if op.kind == "backward":
        key = "output_delta" if op.layer == spec.n_layers - 1 else "hidden_delta"
        return key, (key,)
    return "weight_change", ("weight_change", "weight_update")


def locate(trace: StepTrace) -> Place:
    """The line the last sub-step of ``trace`` carried out, and the neuron it was for."""
    spec = trace.spec
    op = trace.last_op
    nxt = trace.next_op
    coming = (
        f"Next: {nxt.describe(spec)}."
        if nxt is not None and not trace.complete
        else "Next: the forward pass of the next sample."
    )
    if op is None:
        if trace.iteration == 0:
            key, doing = "init", "The starting weights: nothing computed yet."
        elif trace.position == 0:
            key, doing = "repeat", f"Epoch {trace.epoch + 1} begins: the data once more."
        else:
            key, doing = "sample", "The next sample's step has not begun."
        return Place(key, (key,), None, -1, -1, "", doing, coming)
    key, highlighted = _op_line(op, spec)
    names = spec.neuron_names(op.layer + 1) if op.layer >= 0 else ()
    if op.kind == "update":
        name = ", ".join(names[:MAX_TERMS]) + (", …" if len(names) > MAX_TERMS else "")
        if op.layer < 0:
            name = "every layer"
        doing = f"Update: the weights into {name}."
        return Place(key, highlighted, op, op.layer, -1, name, doing, coming)
    if op.kind == "error":
        doing = "The error E of the forward pass."
        return Place(key, highlighted, op, op.layer, -1, "", doing, coming)
    name = names[op.neuron]
    what = "net and out" if op.kind == "forward" else "δ"
    return Place(key, highlighted, op, op.layer, op.neuron, name, f"{what} of {name}.", coming)


# ------------------------------------------------------------------ reading
def read(
    trace: StepTrace,
    convention: str = "example",
    *,
    max_terms: int = MAX_TERMS,
    weight_decay: float | None = None,
) -> Reading:
    """The pseudo-code, the line being carried out, and its numbers in ``convention``
    (``weight_decay``: the L2 λ the update followed; by default the trace's own)."""
    _check_convention(convention)
    spec = trace.spec
    place = locate(trace)
    op = place.op
    notes: list[str] = []
    agreement = None
    terms = max(1, int(max_terms))
    if op is None:
        rows = start_rows(trace, terms)
    elif op.kind == "forward":
        rows = forward_rows(trace, op.layer, op.neuron, terms)
    elif op.kind == "error":
        rows = error_rows(trace, terms)
    elif op.kind == "backward":
        rows, more = backward_rows(trace, op.layer, op.neuron, convention, terms)
        notes += more
    else:
        rows, more, agreement = update_rows(
            trace, op.layer, convention, terms, _decay(trace, weight_decay)
        )
        notes += more
    notes += _general_notes(trace, op)
    return Reading(
        convention, place, algorithm_lines(spec, convention), rows, tuple(notes), agreement
    )


def _general_notes(trace: StepTrace, op: Op | None) -> list[str]:
    """Notes that hold for the whole step: batches, and a network the slide's δ does not fit."""
    notes = []
    spec = trace.spec
    n = int(trace.inputs.shape[0])
    if n > 1 and op is not None and op.kind != "update":
        notes.append(
            f"This batch has {n} samples: bpdesk steps them all at once and shows the first "
            "one's numbers; the update then uses the mean over the batch."
        )
    if op is not None and op.kind == "backward" and not slide_is_exact(spec):
        notes.append(
            "The slide's δ_k = o_k(1 − o_k)(t_k − o_k) holds for a sigmoid output with the error "
            "½ (t − o)² only. This network's δ is worked out from ∂E/∂net itself."
        )
    return notes


# ------------------------------------------------------------------ the whole-layer check
def _decay(trace: StepTrace, weight_decay: float | None) -> float:
    """λ as given, else the trace's own."""
    return float(trace.weight_decay if weight_decay is None else weight_decay)


def check_layer(trace: StepTrace, layer: int, weight_decay: float | None = None) -> LayerCheck:
    """The new weights and biases of ``layer`` in both conventions, from the trace's numbers
    (NaN where the layer is not updated yet); plain gradient descent only. ``weight_decay``
    λ adds λ·w to ∂E/∂w of the weights (not the biases), as the optimiser does."""
    spec = trace.spec
    lt = trace.layers[layer]
    below = trace.inputs if layer == 0 else trace.layers[layer - 1].out
    n = below.shape[0]
    eta = trace.eta
    # Worked example: ∂E/∂w = mean over the batch of x δ, Δw = −η ∂E/∂w + α Δw(t−1).
    grad_w = below.T @ lt.delta
    grad_b = lt.delta.sum(axis=0, keepdims=True)
    # Slide: δ = o(1 − o)(t − o) (or −∂E/∂net), Δw = η · mean(δ x) + α Δw(t−1).
    delta = slide_delta(trace, layer)
    step_w = below.T @ delta
    step_b = delta.sum(axis=0, keepdims=True)
    if spec.shared_bias:
        grad_b = grad_b.sum(axis=1, keepdims=True)
        step_b = step_b.sum(axis=1, keepdims=True)
    if n != 1:
        grad_w, grad_b, step_w, step_b = grad_w / n, grad_b / n, step_w / n, step_b / n
    decay = _decay(trace, weight_decay)
    if decay:
        grad_w = grad_w + decay * lt.w_before
        step_w = step_w - decay * lt.w_before
    w_example = lt.w_before + (-eta * grad_w + lt.momentum_w)
    w_slide = lt.w_before + (eta * step_w + lt.momentum_w)
    if trace.train_biases:
        b_example = lt.b_before + (-eta * grad_b + lt.momentum_b)
        b_slide = lt.b_before + (eta * step_b + lt.momentum_b)
    else:
        b_example = lt.b_before.copy()
        b_slide = lt.b_before.copy()
    return LayerCheck(w_example, w_slide, b_example, b_slide, lt.w_after, lt.b_after)
