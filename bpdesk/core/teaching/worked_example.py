"""The worked example of one step, for any network, as the lecture writes it out.

``worked_example`` builds an equation ``Document`` (``bpdesk.core.teaching.equations``):
sections of equations made of symbols with subscripts and numbers, each section's note after
its equations. ``bpdesk.core.teaching.export`` renders it as plain text, Markdown, LaTeX or
HTML. Numbers that a student would compute are marked as answers, so an exercise can blank
them and list them in a key.
"""

from __future__ import annotations

from collections.abc import Sequence

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.stepping.trace import StepTrace
from bpdesk.core.teaching.equations.model import (
    Document,
    Equation,
    Frac,
    Heading,
    Line,
    Logistic,
    Num,
    Prose,
    Term,
    Text,
)
from bpdesk.core.teaching.equations.symbols import parse_symbol

__all__ = ["Document", "sym", "worked_example"]

Item = str | Term  # a piece of a line being built; " = " in a string separates the sides
Values = dict[str, float]

sym = parse_symbol

MAX_LISTED_SAMPLES = 8  # a batch mean lists its samples' values up to this batch size

INTRO = (
    "One training step of backpropagation: the forward pass neuron by neuron, the error, "
    "the chain rule for every weight, and the new weights."
)


def _d(top: str, bottom: str) -> Frac:
    return Frac(sym(top), sym(bottom))


def _eq(items: Sequence[Item]) -> Equation:
    """An equation from a run of items, split into sides at every " = "."""
    sides: list[list[Term]] = [[]]
    for item in items:
        if not isinstance(item, str):
            sides[-1].append(item)
            continue
        first, *rest = item.split(" = ")
        if first:
            sides[-1].append(Text(first))
        for part in rest:
            sides.append([Text(part)] if part else [])
    return Equation(tuple(tuple(side) for side in sides))


def _join(groups: Sequence[Sequence[Item]], separator: str) -> list[Item]:
    out: list[Item] = []
    for k, group in enumerate(groups):
        if k:
            out.append(separator)
        out.extend(group)
    return out


def _section(title: str, lines: Sequence[Line], note: str = "") -> list[Line]:
    notes: list[Line] = [Prose((Text(note),))] if note else []
    return [Heading((Text(title),)), *lines, *notes]


def worked_example(trace: StepTrace, title: str = "") -> Document:
    """The whole step (forward, error, backward, update) with every number (for the first
    sample of the batch)."""
    spec = trace.spec
    v = trace.named_values()
    lines: list[Line] = []
    lines += _section("The network", _given(trace, v), _network_note(trace))
    lines += _section("Forward pass", _forward(spec, v))
    lines += _section("Error", _error(trace, v))
    for i in range(spec.n_layers - 1, -1, -1):
        lines += _backward_section(trace, v, i)
    lines += _section("Update", _update(trace, v), _order_note(trace))
    heading = title or "Backpropagation: one worked step"
    return Document((Text(heading),), tuple(lines), INTRO)


def _given(trace: StepTrace, v: Values) -> list[Line]:
    spec = trace.spec
    inputs = spec.neuron_names(0)
    outputs = spec.neuron_names(spec.n_layers)
    rate: list[Item] = [sym("η"), " = ", Num(trace.eta)]
    if trace.momentum:
        rate += [", ", sym("α"), " = ", Num(trace.momentum)]
    return [
        _eq(_join([(sym(i), " = ", Num(v[i])) for i in inputs], ", ")),
        _eq(_join([(sym(f"target_{o}"), " = ", Num(v[f"target_{o}"])) for o in outputs], ", ")),
        _eq(_join([(sym(w), " = ", Num(v[w])) for w in spec.parameter_names], ", ")),
        _eq(rate),
    ]


def _network_note(trace: StepTrace) -> str:
    spec = trace.spec
    batch = trace.inputs.shape[0]
    acts = ", ".join(
        f"layer {i + 1}: {a.label}, out = {a.formula}" for i, a in enumerate(spec.activations)
    )
    note = f"Activations — {acts}. Error: {spec.loss_fn.label}."
    if batch > 1:
        note += (
            f" The batch has {batch} samples: the forward pass, the error and the factors of "
            "each gradient are shown for the first (sample 1); each gradient is then the mean "
            "of the samples' products."
        )
    return note


def _forward(spec: NetworkSpec, v: Values) -> list[Line]:
    lines: list[Line] = []
    for i in range(spec.n_layers):
        act = spec.activations[i]
        carried = [b if i == 0 else f"out_{b}" for b in spec.neuron_names(i)]
        for j, n in enumerate(spec.neuron_names(i + 1)):
            bias = spec.bias_name(i, 0 if spec.shared_bias else j)
            pairs = [(spec.weight_name(i, s, j), c) for s, c in enumerate(carried)]
            line: list[Item] = [sym(f"net_{n}"), " = "]
            line += _join([(sym(w), "·", sym(c)) for w, c in pairs], " + ")
            line += [" + ", sym(bias), "·1 = "]
            line += _join([(Num(v[w]), " × ", Num(v[c], label=c)) for w, c in pairs], " + ")
            line += [" + ", Num(v[bias]), " = ", Num(v[f"net_{n}"], answer=True, label=f"net_{n}")]
            lines.append(_eq(line))
            result = Num(v[f"out_{n}"], answer=True, label=f"out_{n}")
            if act.name == "sigmoid":
                lines.append(
                    _eq([sym(f"out_{n}"), " = ", Logistic(sym(f"net_{n}")), " = ", result])
                )
            else:
                lines.append(
                    _eq([sym(f"out_{n}"), f" = {act.label}(", sym(f"net_{n}"), ") = ", result])
                )
    return lines


def _error(trace: StepTrace, v: Values) -> list[Line]:
    spec = trace.spec
    outputs = spec.neuron_names(spec.n_layers)
    lines: list[Line] = []
    for o in outputs:
        error = Num(v[f"E_{o}"], answer=True, label=f"E_{o}")
        if spec.loss == "half_sse":
            target, out = Num(v[f"target_{o}"]), Num(v[f"out_{o}"], label=f"out_{o}")
            lines.append(
                _eq([sym(f"E_{o}"), " = ½ (", sym(f"target_{o}"), " − ", sym(f"out_{o}"),
                     ")² = ½ (", target, " − ", out, ")² = ", error])
            )  # fmt: skip
        else:
            lines.append(_eq([sym(f"E_{o}"), f" = {spec.loss_fn.formula} = ", error]))
    names = _join([(sym(f"E_{o}"),) for o in outputs], " + ")
    parts = _join([(Num(v[f"E_{o}"], label=f"E_{o}"),) for o in outputs], " + ")
    summed: list[Item] = [*names, " = ", *parts] if len(outputs) > 1 else names
    batch = trace.inputs.shape[0]
    if batch == 1:
        total = [sym("E_total"), " = ", *summed, " = "]
        lines.append(_eq([*total, Num(trace.E_total, answer=True, label="E_total")]))
        return lines
    first = Num(float(trace.sample_errors[0]), answer=True, label="E (sample 1)")
    lines.append(_eq([sym("E"), " (sample 1) = ", *summed, " = ", first]))
    mean = _batch_mean([float(e) for e in trace.sample_errors])
    lines.append(_eq([sym("E_total"), *mean, Num(trace.E_total, answer=True, label="E_total")]))
    return lines


def _batch_mean(values: Sequence[float]) -> list[Item]:
    """`` = mean over the batch's B samples = (a + b + …) / B = `` (the values listed only
    when there are few)."""
    said: list[Item] = [f" = mean over the batch's {len(values)} samples = "]
    if len(values) > MAX_LISTED_SAMPLES:
        return said
    listed = _join([(Num(x, term=k > 0),) for k, x in enumerate(values)], " + ")
    return [*said, "(", *listed, f") / {len(values)} = "]


def _backward_section(trace: StepTrace, v: Values, i: int) -> list[Line]:
    """The backward pass through layer ``i``: ∂E/∂out, ∂out/∂net and ∂E/∂w of its neurons."""
    spec = trace.spec
    last = i == spec.n_layers - 1
    lines: list[Line] = []
    for j, n in enumerate(spec.neuron_names(i + 1)):
        lines += _output_slope(spec, v, n) if last else _hidden_sums(spec, v, i, j, n)
        lines.append(_activation_slope(spec, v, i, n))
        lines += _weight_gradients(trace, v, i, j, n)
    if last:
        return _section("Backward pass: the output layer", lines)
    heading = (
        "Backward pass: the hidden layer"
        if spec.n_layers == 2
        else f"Backward pass: hidden layer {i + 1}"
    )
    note = (
        "Each hidden neuron feeds every neuron above it, so its ∂E_total/∂out is the sum "
        "of what flows back through each of them."
        if spec.sizes[i + 2] > 1
        else "Each hidden neuron feeds only the one neuron above it, so its ∂E_total/∂out is "
        "what flows back through that neuron."
    )
    return _section(heading, lines, note)


def _dE_dout(v: Values, n: str, *, answer: bool = True) -> Num:
    return Num(v[f"dE_total/dout_{n}"], answer=answer, label=f"∂E_total/∂out_{n}")


def _output_slope(spec: NetworkSpec, v: Values, n: str) -> list[Line]:
    if spec.loss != "half_sse":
        return [_eq([_d("E_total", f"out_{n}"), " = ", _dE_dout(v, n)])]
    target, out = Num(v[f"target_{n}"]), Num(v[f"out_{n}"], label=f"out_{n}")
    return [
        _eq([_d("E_total", f"out_{n}"), " = −(", sym(f"target_{n}"), " − ", sym(f"out_{n}"),
             ") = −(", target, " − ", out, ") = ", _dE_dout(v, n)])
    ]  # fmt: skip


def _hidden_sums(spec: NetworkSpec, v: Values, i: int, j: int, n: str) -> list[Line]:
    """∂E_a/∂out_n through each neuron a above, then their sum ∂E_total/∂out_n."""
    above = spec.neuron_names(i + 2)
    lines: list[Line] = []
    for k, a in enumerate(above):
        # The weight as the backward pass used it (already updated in the sequential order).
        weight = v.get(f"dnet_{a}/dout_{n}", v[spec.weight_name(i + 1, j, k)])
        term = Num(v[f"dE_{a}/dout_{n}"], answer=True, label=f"∂E_{a}/∂out_{n}")
        lines.append(
            _eq([_d(f"E_{a}", f"out_{n}"), " = ", _d(f"E_{a}", f"net_{a}"), " · ",
                 _d(f"net_{a}", f"out_{n}"), " = ", Num(v[f"dE_total/dnet_{a}"]), " × ",
                 Num(weight), " = ", term])
        )  # fmt: skip
    line: list[Item] = [_d("E_total", f"out_{n}"), " = "]
    line += _join([(_d(f"E_{a}", f"out_{n}"),) for a in above], " + ")
    if len(above) > 1:
        terms = [(Num(v[f"dE_{a}/dout_{n}"], label=f"∂E_{a}/∂out_{n}"),) for a in above]
        line += [" = ", *_join(terms, " + ")]
    line += [" = ", _dE_dout(v, n)]
    lines.append(_eq(line))
    return lines


def _dout_dnet(v: Values, n: str, *, answer: bool = True) -> Num:
    return Num(v[f"dout_{n}/dnet_{n}"], answer=answer, label=f"∂out_{n}/∂net_{n}")


def _activation_slope(spec: NetworkSpec, v: Values, i: int, n: str) -> Line:
    act = spec.activations[i]
    if act.name != "sigmoid":
        slope = act.slope_formula.replace("out", f"out_{n}")
        return _eq([_d(f"out_{n}", f"net_{n}"), f" = {slope} = ", _dout_dnet(v, n)])
    out = Num(v[f"out_{n}"], label=f"out_{n}")
    return _eq(
        [_d(f"out_{n}", f"net_{n}"), " = ", sym(f"out_{n}"), "(1 − ", sym(f"out_{n}"), ") = ",
         out, " × (1 − ", out, ") = ", _dout_dnet(v, n)]
    )  # fmt: skip


def _weight_gradients(trace: StepTrace, v: Values, i: int, j: int, n: str) -> list[Line]:
    """∂E_total/∂w = ∂E_total/∂out · ∂out/∂net · ∂net/∂w for each weight into neuron n (with
    softmax, whose outputs are tied together: ∂E_total/∂net · ∂net/∂w); for a batch, sample
    1's product and then the mean of the samples' products."""
    spec = trace.spec
    layer = trace.layers[i]
    batch = trace.inputs.shape[0]
    carried_all = trace.inputs if i == 0 else trace.layers[i - 1].out
    lines: list[Line] = []
    for s in range(spec.sizes[i]):
        w = spec.weight_name(i, s, j)
        source = spec.neuron_names(i)[s]
        carried = Num(v[f"dnet_{n}/d{w}"], label="" if i == 0 else f"out_{source}")
        if spec.activations[i].elementwise:
            chain: list[Item] = [_d("E_total", f"out_{n}"), " · ", _d(f"out_{n}", f"net_{n}")]
            factors: list[Item] = [_dE_dout(v, n, answer=False), " × ",
                                   _dout_dnet(v, n, answer=False)]  # fmt: skip
        else:
            chain = [_d("E_total", f"net_{n}")]
            factors = [Num(v[f"dE_total/dnet_{n}"], label=f"∂E_total/∂net_{n}")]
        chain += [" · ", _d(f"net_{n}", w), " = ", *factors, " × ", carried, " = "]
        gradient = Num(v[f"dE_total/d{w}"], answer=True, label=f"∂E_total/∂{w}")
        if batch == 1:
            lines.append(_eq([_d("E_total", w), " = ", *chain, gradient]))
            continue
        products = [float(x) for x in layer.delta[:, j] * carried_all[:, s]]
        first = Num(products[0], answer=True, label=f"∂E_total/∂{w} (sample 1)")
        lines.append(_eq([_d("E_total", w), " (sample 1) = ", *chain, first]))
        lines.append(_eq([_d("E_total", w), *_batch_mean(products), gradient]))
    return lines


def _update(trace: StepTrace, v: Values) -> list[Line]:
    spec = trace.spec
    lines: list[Line] = []
    for name in spec.parameter_names:
        if spec.ref(name).kind == "b" and not trace.train_biases:
            continue
        new = Num(v[f"{name}+"], answer=True, label=f"{name}+")
        if trace.optimizer == "gd" and trace.momentum == 0 and not trace.weight_decay:
            gradient = Num(v[f"dE_total/d{name}"], label=f"∂E_total/∂{name}")
            line: list[Item] = [sym(f"{name}+"), " = ", sym(name), " − η · ",
                                _d("E_total", name), " = ", Num(v[name]), " − ",
                                Num(trace.eta), " × ", gradient, " = ", new]  # fmt: skip
        else:
            line = [sym(f"{name}+"), " = ", sym(name), " + Δ", sym(name), " = ", Num(v[name]),
                    " + ", Num(v[f"Δ{name}"]), " = ", new]  # fmt: skip
        lines.append(_eq(line))
    return lines


def _order_note(trace: StepTrace) -> str:
    note = (
        "Every gradient above was computed with the old weights; only then are all weights "
        "replaced (a simultaneous update)."
        if trace.update_order == "simultaneous"
        else "Sequential order (the lecture's incorrect variant): each layer's weights were "
        "replaced as soon as its gradients were known, before the layer below was computed."
    )
    if not trace.train_biases:
        note += " The biases stay fixed."
    if trace.weight_decay:
        note += (
            f" Weight decay λ = {trace.weight_decay:g}: each weight's Δw follows "
            "∂E_total/∂w + λ·w, pulling it towards 0 (the biases are not decayed)."
        )
    return note
