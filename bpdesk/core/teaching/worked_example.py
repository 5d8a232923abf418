"""The worked example of one step, for any network, as the lecture writes it out.

``worked_example`` builds a small document model (sections of lines made of text,
symbols with subscripts and numbers); ``bpdesk.core.teaching.export`` renders it as plain
text, Markdown, LaTeX or HTML. Numbers that a student would compute are marked as
answers, so an exercise can blank them and list them in a key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bpdesk.core.stepping.trace import StepTrace

__all__ = [
    "Deriv",
    "Document",
    "Logistic",
    "Num",
    "Section",
    "Segment",
    "Sym",
    "sym",
    "worked_example",
]


@dataclass(frozen=True)
class Sym:
    """A symbol: base with an optional subscript and superscript (net_h1, w5, w5⁺, E_total)."""

    base: str
    sub: str = ""
    sup: str = ""


@dataclass(frozen=True)
class Deriv:
    """A partial derivative ∂top/∂bottom."""

    top: Sym
    bottom: Sym


@dataclass(frozen=True)
class Logistic:
    """The logistic function of a symbol: 1 / (1 + e^(−net))."""

    arg: Sym


@dataclass(frozen=True)
class Num:
    """A number; ``answer`` marks one a student computes (blanked in an exercise)."""

    value: float
    answer: bool = False
    label: str = ""  # what it is, for the answer key (e.g. "net_h1")


Segment = str | Sym | Deriv | Logistic | Num
Line = tuple[Segment, ...]


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[Line, ...]
    note: str = ""


@dataclass(frozen=True)
class Document:
    title: str
    intro: str
    sections: tuple[Section, ...]


_NAME = re.compile(r"^([A-Za-zδΔ]+?)_?([0-9][0-9.]*|[a-z][0-9.]+|total)?(\+)?$")


def sym(name: str) -> Sym:
    """``"net_h1"`` → net with subscript h1; ``"w5+"`` → w, 5, +; ``"b_h1"`` → b, h1."""
    if "_" in name:
        base, _, rest = name.partition("_")
        sup = "+" if rest.endswith("+") else ""
        return Sym(base, rest.rstrip("+"), sup)
    match = _NAME.match(name)
    if match:
        return Sym(match.group(1), match.group(2) or "", "+" if match.group(3) else "")
    return Sym(name)


def _d(top: str, bottom: str) -> Deriv:
    return Deriv(sym(top), sym(bottom))


def worked_example(trace: StepTrace, title: str = "") -> Document:
    """The whole step (forward, error, backward, update) with every number (for the first
    sample of the batch)."""
    spec = trace.spec
    v = trace.named_values()
    batch = trace.inputs.shape[0]
    last = spec.n_layers - 1
    inputs = spec.neuron_names(0)
    outputs = spec.neuron_names(spec.n_layers)

    given: list[Line] = [
        tuple(_join([(sym(i), " = ", Num(v[i])) for i in inputs], ", ")),
        tuple(_join([(sym(f"target_{o}"), " = ", Num(v[f"target_{o}"])) for o in outputs], ", ")),
        tuple(_join([(sym(w), " = ", Num(v[w])) for w in spec.parameter_names], ", ")),
        (sym("η"), " = ", Num(trace.eta))
        + ((", ", sym("α"), " = ", Num(trace.momentum)) if trace.momentum else ()),
    ]
    acts = ", ".join(
        f"layer {i + 1}: {a.label}, out = {a.formula}" for i, a in enumerate(spec.activations)
    )
    network_note = f"Activations — {acts}. Error: {spec.loss_fn.label}."
    if batch > 1:
        network_note += (
            f" The batch has {batch} samples: the forward pass is shown for the first; "
            "gradients are means over the batch."
        )

    forward: list[Line] = []
    for i in range(spec.n_layers):
        act = spec.activations[i]
        for j, n in enumerate(spec.neuron_names(i + 1)):
            carried = [b if i == 0 else f"out_{b}" for b in spec.neuron_names(i)]
            bias = spec.bias_name(i, 0 if spec.shared_bias else j)
            weights = [spec.weight_name(i, s, j) for s in range(len(carried))]
            line: list[Segment] = [sym(f"net_{n}"), " = "]
            line += _join(
                [(sym(w), "·", sym(c)) for w, c in zip(weights, carried, strict=True)], " + "
            )
            line += [" + ", sym(bias), "·1 = "]
            line += _join(
                [
                    (Num(v[w]), " × ", Num(v[c], label=c))
                    for w, c in zip(weights, carried, strict=True)
                ],
                " + ",
            )
            line += [" + ", Num(v[bias]), " = ", Num(v[f"net_{n}"], True, f"net_{n}")]
            forward.append(tuple(line))
            result = Num(v[f"out_{n}"], True, f"out_{n}")
            if act.name == "sigmoid":
                forward.append((sym(f"out_{n}"), " = ", Logistic(sym(f"net_{n}")), " = ", result))
            else:
                forward.append(
                    (sym(f"out_{n}"), f" = {act.label}(", sym(f"net_{n}"), ") = ", result)
                )

    error: list[Line] = []
    for o in outputs:
        if spec.loss == "half_sse":
            error.append(
                (
                    sym(f"E_{o}"),
                    " = ½ (",
                    sym(f"target_{o}"),
                    " − ",
                    sym(f"out_{o}"),
                    ")² = ½ (",
                    Num(v[f"target_{o}"]),
                    " − ",
                    Num(v[f"out_{o}"], label=f"out_{o}"),
                    ")² = ",
                    Num(v[f"E_{o}"], True, f"E_{o}"),
                )
            )
        else:
            error.append(
                (sym(f"E_{o}"), f" = {spec.loss_fn.formula} = ", Num(v[f"E_{o}"], True, f"E_{o}"))
            )
    total: list[Segment] = [sym("E_total"), " = "]
    total += _join([(sym(f"E_{o}"),) for o in outputs], " + ")
    if batch == 1:
        total += [" = ", *_join([(Num(v[f"E_{o}"], label=f"E_{o}"),) for o in outputs], " + ")]
    total += [" = ", Num(trace.E_total, True, "E_total")]
    error.append(tuple(total))

    backward: list[Section] = []
    for i in range(spec.n_layers - 1, -1, -1):
        lines: list[Line] = []
        act = spec.activations[i]
        for j, n in enumerate(spec.neuron_names(i + 1)):
            if i == last:
                if spec.loss == "half_sse":
                    lines.append(
                        (
                            _d("E_total", f"out_{n}"),
                            " = −(",
                            sym(f"target_{n}"),
                            " − ",
                            sym(f"out_{n}"),
                            ") = −(",
                            Num(v[f"target_{n}"]),
                            " − ",
                            Num(v[f"out_{n}"], label=f"out_{n}"),
                            ") = ",
                            Num(v[f"dE_total/dout_{n}"], True, f"∂E_total/∂out_{n}"),
                        )
                    )
                else:
                    lines.append(
                        (
                            _d("E_total", f"out_{n}"),
                            " = ",
                            Num(v[f"dE_total/dout_{n}"], True, f"∂E_total/∂out_{n}"),
                        )
                    )
            else:
                above = spec.neuron_names(i + 2)
                for k, a in enumerate(above):
                    w = spec.weight_name(i + 1, j, k)
                    lines.append(
                        (
                            _d(f"E_{a}", f"out_{n}"),
                            " = ",
                            _d(f"E_{a}", f"net_{a}"),
                            " · ",
                            _d(f"net_{a}", f"out_{n}"),
                            " = ",
                            Num(v[f"dE_total/dnet_{a}"]),
                            " × ",
                            Num(v[w]),
                            " = ",
                            Num(v[f"dE_{a}/dout_{n}"], True, f"∂E_{a}/∂out_{n}"),
                        )
                    )
                sum_line: list[Segment] = [_d("E_total", f"out_{n}"), " = "]
                sum_line += _join([(_d(f"E_{a}", f"out_{n}"),) for a in above], " + ")
                sum_line += [
                    " = ",
                    *_join(
                        [(Num(v[f"dE_{a}/dout_{n}"], label=f"∂E_{a}/∂out_{n}"),) for a in above],
                        " + ",
                    ),
                ]
                sum_line += [" = ", Num(v[f"dE_total/dout_{n}"], True, f"∂E_total/∂out_{n}")]
                lines.append(tuple(sum_line))
            slope = act.slope_formula.replace("out", f"out_{n}")
            if act.name == "sigmoid":
                lines.append(
                    (
                        _d(f"out_{n}", f"net_{n}"),
                        " = ",
                        sym(f"out_{n}"),
                        "(1 − ",
                        sym(f"out_{n}"),
                        ") = ",
                        Num(v[f"out_{n}"], label=f"out_{n}"),
                        " × (1 − ",
                        Num(v[f"out_{n}"], label=f"out_{n}"),
                        ") = ",
                        Num(v[f"dout_{n}/dnet_{n}"], True, f"∂out_{n}/∂net_{n}"),
                    )
                )
            else:
                lines.append(
                    (
                        _d(f"out_{n}", f"net_{n}"),
                        f" = {slope} = ",
                        Num(v[f"dout_{n}/dnet_{n}"], True, f"∂out_{n}/∂net_{n}"),
                    )
                )
            for s in range(spec.sizes[i]):
                w = spec.weight_name(i, s, j)
                line = [
                    _d("E_total", w),
                    " = ",
                    _d("E_total", f"out_{n}"),
                    " · ",
                    _d(f"out_{n}", f"net_{n}"),
                    " · ",
                    _d(f"net_{n}", w),
                    " = ",
                ]
                if act.elementwise and batch == 1:
                    source = spec.neuron_names(i)[s]
                    line += [
                        Num(v[f"dE_total/dout_{n}"], label=f"∂E_total/∂out_{n}"),
                        " × ",
                        Num(v[f"dout_{n}/dnet_{n}"], label=f"∂out_{n}/∂net_{n}"),
                        " × ",
                        Num(v[f"dnet_{n}/d{w}"], label="" if i == 0 else f"out_{source}"),
                        " = ",
                    ]
                line += [Num(v[f"dE_total/d{w}"], True, f"∂E_total/∂{w}")]
                lines.append(tuple(line))
        heading = (
            "Backward pass: the output layer"
            if i == last
            else (
                "Backward pass: the hidden layer"
                if spec.n_layers == 2
                else f"Backward pass: hidden layer {i + 1}"
            )
        )
        note = (
            ""
            if i == last
            else (
                "Each hidden neuron feeds every neuron above it, so its ∂E_total/∂out is the sum "
                "of what flows back through each of them."
            )
        )
        backward.append(Section(heading, tuple(lines), note))

    update: list[Line] = []
    for name in spec.parameter_names:
        is_bias = spec.ref(name).kind == "b"
        if is_bias and not trace.train_biases:
            continue
        if trace.optimizer == "gd" and trace.momentum == 0:
            update.append(
                (
                    sym(f"{name}+"),
                    " = ",
                    sym(name),
                    " − η · ",
                    _d("E_total", name),
                    " = ",
                    Num(v[name]),
                    " − ",
                    Num(trace.eta),
                    " × ",
                    Num(v[f"dE_total/d{name}"], label=f"∂E_total/∂{name}"),
                    " = ",
                    Num(v[f"{name}+"], True, f"{name}+"),
                )
            )
        else:
            update.append(
                (
                    sym(f"{name}+"),
                    " = ",
                    sym(name),
                    " + Δ",
                    sym(name),
                    " = ",
                    Num(v[name]),
                    " + ",
                    Num(v[f"Δ{name}"]),
                    " = ",
                    Num(v[f"{name}+"], True, f"{name}+"),
                )
            )
    order_note = (
        "Every gradient above was computed with the old weights; only then are all weights "
        "replaced (a simultaneous update)."
        if trace.update_order == "simultaneous"
        else "Sequential order (the lecture's incorrect variant): each layer's weights were "
        "replaced as soon as its gradients were known, before the layer below was computed."
    )
    if not trace.train_biases:
        order_note += " The biases stay fixed."
    intro = (
        "One training step of backpropagation: the forward pass neuron by neuron, the error, "
        "the chain rule for every weight, and the new weights."
    )
    sections = (
        Section("The network", tuple(given), network_note),
        Section("Forward pass", tuple(forward)),
        Section("Error", tuple(error)),
        *backward,
        Section("Update", tuple(update), order_note),
    )
    return Document(title or "Backpropagation: one worked step", intro, sections)


def _join(groups: list[tuple[Segment, ...]], separator: str) -> list[Segment]:
    out: list[Segment] = []
    for k, group in enumerate(groups):
        if k:
            out.append(separator)
        out.extend(group)
    return out
