"""The numbers of the algorithm slide's lines: each line's symbols with the step's values.

Used by :mod:`bpdesk.core.teaching.algorithm`. A row is one formula written three ways:
its symbols, the same with the trace's numbers put in, and its value. Only the current
neuron is written out, and at most a few terms of a sum or weights of an update.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.optimizers import OPTIMIZERS
from bpdesk.core.formatting import format_term, format_value
from bpdesk.core.stepping.trace import StepTrace

__all__ = [
    "Agreement",
    "Row",
    "backward_rows",
    "error_rows",
    "forward_rows",
    "slide_delta",
    "slide_is_exact",
    "start_rows",
    "update_rows",
]

Array = NDArray[np.float64]

SAME_TOLERANCE = 1e-12  # relative: two new weights this close print the same to every digit


@dataclass(frozen=True)
class Row:
    """One formula: its name, its symbols, the same with numbers put in, and its value."""

    name: str
    symbols: str
    numbers: str
    value: float

    @property
    def text(self) -> str:
        parts = [self.name, self.symbols, self.numbers, format_value(self.value)]
        return " = ".join(part for part in parts if part)


@dataclass(frozen=True)
class Agreement:
    """The new weights of an update worked out both ways, beside the step machine's own."""

    names: tuple[str, ...]
    example: tuple[float, ...]
    slide: tuple[float, ...]
    stepper: tuple[float, ...]

    @property
    def largest_difference(self) -> float:
        gaps = [
            max(abs(a - b), abs(a - c))
            for a, b, c in zip(self.example, self.slide, self.stepper, strict=True)
        ]
        return max(gaps, default=0.0)

    @property
    def finite(self) -> bool:
        return all(math.isfinite(v) for v in (*self.example, *self.slide, *self.stepper))

    @property
    def same(self) -> bool:
        """All three agree (to rounding far below the printed digits)."""
        scale = max((abs(v) for v in self.stepper), default=1.0)
        return self.finite and self.largest_difference <= SAME_TOLERANCE * max(1.0, scale)

    @property
    def text(self) -> str:
        values = ", ".join(
            f"{name}+ = {format_value(v)}" for name, v in zip(self.names, self.slide, strict=True)
        )
        if not self.finite:
            return "The new weights are no longer finite numbers: this step diverged."
        if self.same:
            return f"Both conventions give the same new weights: {values}, as the step machine."
        return (
            "The two conventions do not agree here (largest gap "
            f"{format_value(self.largest_difference)}): {values}."
        )


def slide_is_exact(spec: NetworkSpec) -> bool:
    """Whether the slide's δk = ok(1 − ok)(tk − ok) is this network's output δ (with its sign
    turned): a sigmoid output layer and the error ½ (t − o)²."""
    return spec.layers[-1].activation in ("sigmoid", "logistic") and spec.loss == "half_sse"


def _x_name(spec: NetworkSpec, layer: int, source: int) -> str:
    """The input of a weight of ``layer``: an input's name, or out of the neuron below."""
    name = spec.neuron_names(layer)[source]
    return name if layer == 0 else f"out_{name}"


def _below(trace: StepTrace, layer: int) -> Array:
    return trace.inputs if layer == 0 else trace.layers[layer - 1].out


def slide_delta(trace: StepTrace, layer: int) -> Array:
    """The slide's δ of ``layer`` (samples × neurons), by the slide's own formulas: the output's
    o(1 − o)(t − o) (or −∂E/∂net where that formula does not hold), then back through the
    weights above, δh = f′(net_h) Σk whk δk."""
    spec = trace.spec
    lt = trace.layers[layer]
    if layer == spec.n_layers - 1:
        if slide_is_exact(spec):
            o = lt.out
            result: Array = o * (1.0 - o) * (trace.targets - o)
            return result
        return -lt.delta
    above = lt.weights_above
    if above is None:
        return np.full(lt.delta.shape, np.nan)
    total = slide_delta(trace, layer + 1) @ above.T
    if spec.layers[layer].activation in ("sigmoid", "logistic"):
        slope = lt.out * (1.0 - lt.out)
    else:
        slope = lt.dout_dnet
    result = slope * total
    return result


def _first(value: float, index: int) -> str:
    """A sum's term's first factor: in parentheses when negative, except in the first term."""
    return format_value(value) if index == 0 else format_term(value)


def _joined(parts: list[str], total: int, separator: str = " + ") -> str:
    """``parts`` joined, and "+ … (n more)" where only some of ``total`` terms are shown."""
    text = separator.join(parts)
    if total > len(parts):
        text += f"{separator}… ({total - len(parts)} more)"
    return text


# ------------------------------------------------------------------ before, forward, error
def start_rows(trace: StepTrace, terms: int) -> tuple[Row, ...]:
    """The first few weights as the step begins."""
    spec = trace.spec
    lt = trace.layers[0]
    return tuple(
        Row(spec.weight_name(0, s, j), "", "", float(lt.w_before[s, j]))
        for s, j in _weights_shown(spec, 0, terms)
    )


def forward_rows(trace: StepTrace, layer: int, neuron: int, terms: int) -> tuple[Row, ...]:
    """net = Σ w·x + b and out = f(net) of one neuron (the first sample of the batch)."""
    spec = trace.spec
    lt = trace.layers[layer]
    name = spec.neuron_names(layer + 1)[neuron]
    x = _below(trace, layer)[0]
    n_in = spec.sizes[layer]
    shown = range(min(n_in, terms))
    weights = [spec.weight_name(layer, s, neuron) for s in shown]
    symbols = _joined(
        [f"{w}·{_x_name(spec, layer, s)}" for s, w in zip(shown, weights, strict=True)], n_in
    )
    numbers = _joined(
        [f"{_first(lt.w_before[s, neuron], s)} × {format_term(x[s])}" for s in shown], n_in
    )
    column = 0 if spec.shared_bias else neuron
    symbols += f" + {spec.bias_name(layer, column)}"
    numbers += f" + {format_term(lt.b_before[0, column])}"
    net = float(lt.net[0, neuron])
    act = spec.activations[layer]
    formula = act.formula.replace("net", f"net_{name}")
    filled = act.formula.replace("net", format_term(net)) if act.elementwise else ""
    return (
        Row(f"net_{name}", symbols, numbers, net),
        Row(f"out_{name}", formula, filled, float(lt.out[0, neuron])),
    )


def error_rows(trace: StepTrace, terms: int) -> tuple[Row, ...]:
    """Each output's error (a few) and E_total."""
    spec = trace.spec
    names = spec.neuron_names(spec.n_layers)
    out = trace.layers[-1].out
    rows = []
    for k, o in enumerate(names[:terms]):
        value = float(trace.errors[0, k])
        if spec.loss == "half_sse":
            t, y = format_value(trace.targets[0, k]), format_term(out[0, k])
            rows.append(Row(f"E_{o}", f"½ (target_{o} − out_{o})²", f"½ × ({t} − {y})²", value))
        else:
            rows.append(Row(f"E_{o}", spec.loss_fn.formula, "", value))
    n = int(trace.inputs.shape[0])
    if n == 1:
        symbols = _joined([f"E_{o}" for o in names[:terms]], len(names))
        numbers = _joined([format_term(trace.errors[0, k]) for k in range(len(rows))], len(names))
        rows.append(Row("E_total", symbols, numbers, trace.E_total))
    else:
        rows.append(Row("E_total", f"mean over the {n} samples of Σ_k E_k", "", trace.E_total))
    return tuple(rows)


# ------------------------------------------------------------------ backward
def backward_rows(
    trace: StepTrace, layer: int, neuron: int, convention: str, terms: int
) -> tuple[tuple[Row, ...], list[str]]:
    """δ of one neuron, in ``convention``, and a note relating it to the other convention's."""
    spec = trace.spec
    name = spec.neuron_names(layer + 1)[neuron]
    delta = float(trace.layers[layer].delta[0, neuron])
    if layer == spec.n_layers - 1:
        rows = _output_delta(trace, neuron, convention)
    else:
        rows = _hidden_delta(trace, layer, neuron, convention, terms)
    if convention == "slide":
        other = f"The worked example's δ_{name} = ∂E/∂net_{name} = {format_value(delta)}"
    else:
        other = f"The slide's δ_{name} = −∂E/∂net_{name} = {format_value(-delta)}"
    notes = [f"{other}: the same number with the other sign."]
    if layer < spec.n_layers - 1 and trace.update_order == "sequential":
        notes.append(
            "Sequential order: the layer above was updated first, so whk are its new weights."
        )
    return rows, notes


def _output_delta(trace: StepTrace, k: int, convention: str) -> tuple[Row, ...]:
    spec = trace.spec
    lt = trace.layers[-1]
    n = spec.neuron_names(spec.n_layers)[k]
    o, t = float(lt.out[0, k]), float(trace.targets[0, k])
    delta, dEdo, slope = float(lt.delta[0, k]), float(lt.dE_dout[0, k]), float(lt.dout_dnet[0, k])
    act = spec.activations[-1]
    canonical = spec.loss_fn.canonical_activation == act.name
    fo, ft = format_value(o), format_value(t)
    if convention == "slide":
        if slide_is_exact(spec):
            symbols = f"out_{n}(1 − out_{n})(target_{n} − out_{n})"
            numbers = f"{fo} × (1 − {fo}) × ({ft} − {fo})"
            return (Row(f"δ_{n}", symbols, numbers, o * (1.0 - o) * (t - o)),)
        if canonical:
            return (Row(f"δ_{n}", f"target_{n} − out_{n}", f"{ft} − {fo}", t - o),)
        if act.elementwise:
            symbols = f"−∂E/∂out_{n} · ∂out_{n}/∂net_{n}"
            numbers = f"−({format_value(dEdo)} × {format_term(slope)})"
            return (Row(f"δ_{n}", symbols, numbers, -delta),)
        return (Row(f"δ_{n}", f"−∂E/∂net_{n}", "", -delta),)
    if canonical:
        return (Row(f"δ_{n}", f"out_{n} − target_{n}", f"{fo} − {ft}", delta),)
    if not act.elementwise:
        return (Row(f"δ_{n}", f"∂E/∂net_{n}", "", delta),)
    symbols = f"∂E/∂out_{n} · ∂out_{n}/∂net_{n}"
    if slide_is_exact(spec):
        symbols = f"−(target_{n} − out_{n}) · out_{n}(1 − out_{n})"
    return (Row(f"δ_{n}", symbols, f"{format_value(dEdo)} × {format_term(slope)}", delta),)


def _hidden_delta(
    trace: StepTrace, layer: int, h: int, convention: str, terms: int
) -> tuple[Row, ...]:
    spec = trace.spec
    lt = trace.layers[layer]
    name = spec.neuron_names(layer + 1)[h]
    above = spec.neuron_names(layer + 2)
    weights = lt.weights_above
    if weights is None:  # pragma: no cover - a hidden neuron's backward sub-step sets them
        return ()
    slide = convention == "slide"
    deltas = trace.layers[layer + 1].delta[0]
    if slide:
        deltas = -deltas
    row = weights[h]
    shown = range(min(len(above), terms))
    names = [spec.weight_name(layer + 1, h, k) for k in shown]
    o = float(lt.out[0, h])
    if spec.layers[layer].activation in ("sigmoid", "logistic"):
        slope_sym, slope_num = (
            f"out_{name}(1 − out_{name})",
            f"{format_value(o)} × (1 − {format_value(o)})",
        )
        slope = o * (1.0 - o)
    else:
        slope = float(lt.dout_dnet[0, h])
        slope_sym, slope_num = f"f′(net_{name})", format_term(slope)
    if slide:
        sum_name = f"Σ_k w_{name}k δ_k"
        sum_sym = _joined(
            [f"{w}·δ_{above[k]}" for k, w in zip(shown, names, strict=True)], len(above)
        )
    else:
        sum_name = f"∂E/∂out_{name}"
        sum_sym = _joined(
            [f"δ_{above[k]}·{w}" for k, w in zip(shown, names, strict=True)], len(above)
        )
    pairs = [(_first(row[k], k), format_term(deltas[k])) for k in shown]
    if not slide:
        pairs = [(_first(deltas[k], k), format_term(row[k])) for k in shown]
    sum_num = _joined([f"{a} × {b}" for a, b in pairs], len(above))
    total = float(np.dot(row, deltas))
    if slide:
        delta = slope * total
        delta_sym = f"{slope_sym} · {sum_name}"
        delta_num = f"{slope_num} × {format_term(total)}"
    else:
        total = float(lt.dE_dout[0, h])
        delta = float(lt.delta[0, h])
        delta_sym = f"∂E/∂out_{name} · ∂out_{name}/∂net_{name}"
        delta_num = f"{format_value(total)} × {format_term(slope)}"
    return (Row(sum_name, sum_sym, sum_num, total), Row(f"δ_{name}", delta_sym, delta_num, delta))


# ------------------------------------------------------------------ update
def _weights_shown(spec: NetworkSpec, layer: int, terms: int) -> list[tuple[int, int]]:
    """(source, target) of the first few weights of ``layer`` in name order."""
    n_in, n = spec.weight_shape(layer)
    count = min(terms, n_in * n)
    return [(index % n_in, index // n_in) for index in range(count)]


def update_rows(
    trace: StepTrace, layer: int, convention: str, terms: int, weight_decay: float = 0.0
) -> tuple[tuple[Row, ...], list[str], Agreement | None]:
    """Δw and w+ of the first few weights of ``layer``, and whether both conventions agree.
    ``weight_decay`` λ (L2) adds λ·w to each weight's ∂E/∂w, as the optimiser does."""
    spec = trace.spec
    if layer < 0 or trace.optimizer != "gd":
        return _other_optimizer_rows(trace, layer, terms)
    lt = trace.layers[layer]
    below = _below(trace, layer)
    n = int(below.shape[0])
    slide_d = slide_delta(trace, layer)
    rows: list[Row] = []
    names, ex, sl, machine = [], [], [], []
    for s, j in _weights_shown(spec, layer, terms):
        w_name = spec.weight_name(layer, s, j)
        x, d, d_slide = below[:, s], lt.delta[:, j], slide_d[:, j]
        g = float(np.dot(x, d)) / n if n > 1 else float(x[0] * d[0])
        step = float(np.dot(x, d_slide)) / n if n > 1 else float(x[0] * d_slide[0])
        numbers = _WeightNumbers(
            w_name,
            f"δ_{spec.neuron_names(layer + 1)[j]}·{_x_name(spec, layer, s)}",
            float(lt.w_before[s, j]),
            float(lt.momentum_w[s, j]),
            g,
            step,
            (float(x[0]), float(d[0]), float(d_slide[0])) if n == 1 else None,
        )
        w_ex, w_sl, _ = numbers.new_weights(trace.eta, weight_decay)
        rows += numbers.rows(convention, trace.eta, trace.momentum, weight_decay)
        names.append(w_name)
        ex.append(w_ex)
        sl.append(w_sl)
        machine.append(float(lt.w_after[s, j]))
    agreement = Agreement(tuple(names), tuple(ex), tuple(sl), tuple(machine))
    notes = _update_notes(trace, layer, n, len(names), weight_decay)
    return tuple(rows), notes, agreement


@dataclass(frozen=True)
class _WeightNumbers:
    """One weight's update, both ways: its name, the product δj·xij, w, α Δw(t−1), the
    example's ∂E/∂w and the slide's mean δj·xij, and (one sample) x, δ and the slide's δ."""

    name: str
    product: str
    w: float
    carried: float
    grad: float
    step: float
    single: tuple[float, float, float] | None

    def new_weights(self, eta: float, decay: float) -> tuple[float, float, float]:
        """w+ by the worked example's rule, w+ and Δw by the slide's (in the optimiser's order)."""
        grad = self.grad + decay * self.w if decay else self.grad
        step = self.step - decay * self.w if decay else self.step
        change = eta * step + self.carried
        return self.w + (-eta * grad + self.carried), self.w + change, change

    def rows(self, convention: str, eta: float, alpha: float, decay: float) -> list[Row]:
        w_name, w, m = self.name, self.w, self.carried
        w_ex, w_sl, change = self.new_weights(eta, decay)
        product = self.product if self.single is not None else f"mean({self.product})"
        carried_sym = f" + α·Δ{w_name}(t−1)" if alpha else ""
        carried_num = f" + {format_term(m)}" if alpha else ""
        fe = format_value(eta)
        rows = []
        if convention == "slide":
            if self.single is not None:
                x, _, d_slide = self.single
                numbers = f"{fe} × {format_term(d_slide)} × {format_term(x)}"
            else:
                numbers = f"{fe} × {format_term(self.step)}"
            symbols = f"η·{product}"
            if decay:
                symbols = f"η·({product} − λ·{w_name})"
                numbers = f"{fe} × ({format_value(self.step)} − {format_value(decay)} × "
                numbers += f"{format_term(w)})"
            rows.append(Row(f"Δ{w_name}", symbols + carried_sym, numbers + carried_num, change))
            w_num = f"{format_value(w)} + {format_term(change)}"
            rows.append(Row(f"{w_name}+", f"{w_name} + Δ{w_name}", w_num, w_sl))
        else:
            g_num = ""
            if self.single is not None:
                x, d, _ = self.single
                g_num = f"{format_value(d)} × {format_term(x)}"
            rows.append(Row(f"∂E/∂{w_name}", product, g_num, self.grad))
            symbols = f"{w_name} − η·∂E/∂{w_name}{carried_sym}"
            numbers = f"{format_value(w)} − {fe} × {format_term(self.grad)}{carried_num}"
            if decay:
                symbols = f"{w_name} − η·(∂E/∂{w_name} + λ·{w_name}){carried_sym}"
                numbers = f"{format_value(w)} − {fe} × ({format_value(self.grad)} + "
                numbers += f"{format_value(decay)} × {format_term(w)}){carried_num}"
            rows.append(Row(f"{w_name}+", symbols, numbers, w_ex))
        if alpha:
            rows.append(Row(f"α·Δ{w_name}(t−1)", f"{format_value(alpha)} × Δ{w_name}(t−1)", "", m))
        return rows


def _update_notes(trace: StepTrace, layer: int, n: int, shown: int, decay: float) -> list[str]:
    spec = trace.spec
    n_weights = int(np.prod(spec.weight_shape(layer)))
    notes = []
    if trace.momentum:
        notes.append(
            f"Momentum α = {format_value(trace.momentum)}: each Δw also carries α times the "
            "change the same weight made in the step before."
        )
    if n > 1:
        notes.append(
            f"With a batch of {n} samples, Δw uses the mean of δ_j·x_ij over the batch "
            "(the slide changes the weights after every single sample)."
        )
    if n_weights > shown:
        notes.append(f"This layer has {n_weights} weights; the first {shown} are shown.")
    if decay:
        notes.append(
            f"L2 weight decay λ = {format_value(decay)} adds λ·w to each weight's ∂E/∂w "
            "(the slide has no such term; biases are not decayed)."
        )
    if trace.train_biases:
        notes.append("A bias is a weight whose input is always 1: Δb = η·δ in the slide's terms.")
    return notes


def _other_optimizer_rows(
    trace: StepTrace, layer: int, terms: int
) -> tuple[tuple[Row, ...], list[str], None]:
    """Δw and w+ as an optimiser other than plain gradient descent made them."""
    spec = trace.spec
    shown_layer = layer if layer >= 0 else spec.n_layers - 1
    lt = trace.layers[shown_layer]
    rows = []
    for s, j in _weights_shown(spec, shown_layer, terms):
        w_name = spec.weight_name(shown_layer, s, j)
        change, w = float(lt.weight_change[s, j]), float(lt.w_before[s, j])
        rows.append(Row(f"Δ{w_name}", "", "", change))
        numbers = f"{format_value(w)} + {format_term(change)}"
        rows.append(Row(f"{w_name}+", f"{w_name} + Δ{w_name}", numbers, float(lt.w_after[s, j])))
    label = OPTIMIZERS.get(trace.optimizer, trace.optimizer)
    note = (
        f"This step's Δw comes from {label}, not from the slide's Δw = η δ x: the slide's "
        "rule is plain gradient descent (choose it to see both conventions side by side)."
    )
    notes = [note]
    n_weights = int(np.prod(spec.weight_shape(shown_layer)))
    if n_weights > len(rows) // 2:
        notes.append(f"This layer has {n_weights} weights; the first {len(rows) // 2} are shown.")
    return tuple(rows), notes, None
