"""The chain rule for one neuron, weight or bias, written out with the step's own numbers.

``derive(trace, kind, name)`` gives a ``Derivation``: headings, equations and notes
made of typed segments (symbols, ∂-fractions, numbers, operators, words), in the
lecture's notation. It prints as plain text (``∂E_total/∂w5 = …``) for exports and
tests, and as rich text with stacked fractions, sub- and superscripts for the
screen. Every number is the trace's own value printed with ``format_value``; a
value not computed yet prints as ``…`` with the button that computes it.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bpdesk.core.engine.activations import LEAKY_SLOPE
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.errors import ConfigError
from bpdesk.core.formatting import MISSING, format_term, format_value
from bpdesk.core.stepping.steps import PHASE_BUTTONS, PHASES
from bpdesk.core.stepping.trace import LayerTrace, StepTrace

__all__ = [
    "DARK",
    "KINDS",
    "LIGHT",
    "Colours",
    "Derivation",
    "Line",
    "Seg",
    "default_selection",
    "derive",
    "symbol_html",
]

KINDS = ("neuron", "weight", "bias")

MAX_SUM_TERMS = 12  # sums with more terms show the first and last ones around "⋯"
ELIDED = "⋯"  # terms left out of a long sum (not "…", which means "not computed yet")


# ---------------------------------------------------------------- structure
@dataclass(frozen=True)
class Seg:
    """One piece of a line.

    ``kind``: "text" (words), "sym" (symbols such as ``out_o1`` or ``w5+``), "frac"
    (``∂text/∂den``, stacked on screen), "num" (a number; ``phase`` names the pass that
    computes it) or "op" (an operator such as ``×``).
    """

    kind: str
    text: str
    den: str = ""
    phase: str = ""

    @property
    def missing(self) -> bool:
        return self.kind == "num" and self.text == MISSING

    def plain(self) -> str:
        if self.kind == "frac":
            return f"{self.text}/{self.den}"
        return self.text.replace("\u00a0", " ")


Segs = tuple[Seg, ...]


@dataclass(frozen=True)
class Line:
    """A heading, a note, or an equation ``lhs = rhs[0] = rhs[1] = …`` (``segs`` is its lhs)."""

    kind: str  # "heading", "note" or "equation"
    segs: Segs
    rhs: tuple[Segs, ...] = ()
    note: Segs = ()  # an equation's one-line meaning

    def missing_phases(self) -> list[str]:
        """The passes that compute this line's numbers not yet computed, in order."""
        phases = {s.phase for part in (self.segs, *self.rhs) for s in part if s.missing}
        return [p for p in PHASES if p in phases]

    def to_text(self) -> str:
        text = _plain(self.segs)
        if self.kind == "equation":
            text = " = ".join([text, *(_plain(part) for part in self.rhs)])
        return text


@dataclass(frozen=True)
class Colours:
    """Colours of the rich text (light or dark background)."""

    text: str
    number: str
    result: str
    missing: str
    heading: str
    note: str


LIGHT = Colours("#111111", "#0b3f8c", "#000000", "#a33a00", "#0b3f8c", "#333333")
DARK = Colours("#f0f0f0", "#9cc3ff", "#ffffff", "#ffae6b", "#9cc3ff", "#d0d0d0")


@dataclass(frozen=True)
class Derivation:
    """The derivation of one element: a header and its lines."""

    kind: str
    name: str
    header: Segs
    lines: tuple[Line, ...]
    diverged: bool = False

    @property
    def title(self) -> str:
        return _plain(self.header)

    def missing_phases(self) -> list[str]:
        phases = {p for line in self.lines for p in line.missing_phases()}
        return [p for p in PHASES if p in phases]

    def sections(self) -> list[tuple[Line | None, list[Line]]]:
        """The lines grouped under their headings (lines before the first heading: None)."""
        groups: list[tuple[Line | None, list[Line]]] = [(None, [])]
        for line in self.lines:
            if line.kind == "heading":
                groups.append((line, []))
            else:
                groups[-1][1].append(line)
        return [g for g in groups if g[0] is not None or g[1]]

    def hint(self, lines: Iterable[Line]) -> str:
        """Which buttons compute the numbers of ``lines`` still shown as …, or ""."""
        if self.diverged:
            return ""
        found = {p for line in lines for p in line.missing_phases()}
        buttons = [PHASE_BUTTONS[p] for p in PHASES if p in found]
        if not buttons:
            return ""
        press = buttons[0] if len(buttons) == 1 else ", then ".join(buttons) + ","
        return f"{MISSING} not computed yet: press {press} to compute this"

    def to_text(self) -> str:
        """Plain text with the same numbers as the screen, one equation per line."""
        out = [self.title]
        for heading, lines in self.sections():
            if heading is not None:
                out += ["", heading.to_text()]
            hint = self.hint(lines)
            if hint:
                out.append(f"  ({hint})")
            for line in lines:
                out.append("  " + line.to_text())
                if line.note:
                    out.append("      (" + _plain(line.note) + ")")
        return "\n".join(out)

    def header_html(self, colours: Colours = LIGHT) -> str:
        return _inline_html(self.header, colours)

    def to_html(
        self, colours: Colours = LIGHT, *, include_header: bool = True, stacked: bool = True
    ) -> str:
        """Rich text (Qt's HTML subset): sections as tables whose ``=`` signs line up.

        ``stacked``: ∂-fractions in equations drawn as numerator over denominator (they
        then need room); otherwise written ∂a/∂b on one line."""
        c = colours
        parts = [f"<div style='color:{c.text}'>"]
        if include_header:
            parts.append(f"<p style='font-size:125%; font-weight:600'>{self.header_html(c)}</p>")
        for heading, lines in self.sections():
            if heading is not None:
                parts.append(
                    "<p style='margin-top:16px; margin-bottom:2px; font-weight:600; "
                    f"color:{c.heading}'>{_inline_html(heading.segs, c)}</p>"
                )
            hint = self.hint(lines)
            if hint:
                parts.append(
                    f"<p style='margin-top:2px; margin-bottom:0px; margin-left:6px; "
                    f"font-size:92%; color:{c.missing}; font-weight:600'>{html.escape(hint)}</p>"
                )
            if stacked:
                parts.append(_section_table(lines, c))
            else:
                parts += [_equation_paragraphs(line, c) for line in lines]
        parts.append("</div>")
        return "".join(parts)


# ---------------------------------------------------------------- segments
def _t(text: str) -> Seg:
    return Seg("text", text)


def _tag(text: str) -> Seg:
    """Words that must stay on one line, such as "(sample 1)"."""
    return Seg("text", text.replace(" ", "\u00a0"))


def _s(text: str) -> Seg:
    return Seg("sym", text)


def _f(numerator: str, denominator: str) -> Seg:
    return Seg("frac", numerator, denominator)


def _o(text: str) -> Seg:
    return Seg("op", text)


def _n(value: float, phase: str, *, term: bool = False) -> Seg:
    return Seg("num", format_term(value) if term else format_value(value), phase=phase)


def _plain(segs: Iterable[Seg]) -> str:
    return "".join(s.plain() for s in segs)


def _join(parts: Sequence[Segs], op: str) -> Segs:
    """``parts`` with the operator between them."""
    out: list[Seg] = []
    for k, part in enumerate(parts):
        if k:
            out.append(_o(op))
        out += part
    return tuple(out)


GLUED_TIMES = "\u00a0×\u00a0"  # a product inside a sum: never broken across lines


def _numbers(
    values: Sequence[float], phases: str | Sequence[str], op: str = " × ", *, lead: bool = False
) -> Segs:
    """``a × b × c``: every number after the first in parentheses when negative (the first
    too when ``lead``: the product follows another term). ``phases``: one per value, or one."""
    each = [phases] * len(values) if isinstance(phases, str) else list(phases)
    items = [
        (_n(v, p, term=lead or k > 0),) for k, (v, p) in enumerate(zip(values, each, strict=True))
    ]
    return _join(items, op)


def _elide(items: Sequence[Segs], limit: int = MAX_SUM_TERMS) -> list[Segs]:
    if len(items) <= limit:
        return list(items)
    head = max(limit - 2, 1)
    return [*items[:head], (_s(ELIDED),), items[-1]]


def _sum(items: Sequence[Segs]) -> Segs:
    return _join(_elide(items), " + ")


def _sum_numbers(values: Sequence[float], phase: str) -> Segs:
    items = [(_n(v, phase, term=k > 0),) for k, v in enumerate(values)]
    return _join(_elide(items), " + ")


_PLACEHOLDER = re.compile(r"\{(\w)\}")


def _fill(template: str, values: dict[str, float], phase: str) -> Segs:
    """A formula with numbers put in: ``−({t} − {o})`` → ``−(0.01 − 0.75136507)``.

    A formula with a superscript ``^(…)`` stays one symbol segment so its exponent
    keeps together; one with a value not computed yet is just ``…``.
    """
    if any(math.isnan(v) for v in values.values()):
        return (_n(math.nan, phase),)
    if "^(" in template:
        text = _PLACEHOLDER.sub(lambda m: format_term(values[m.group(1)]), template)
        return (_s(text),)
    out: list[Seg] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > pos:
            out.append(_s(template[pos : match.start()]))
        # A negative number needs parentheses unless it opens the formula or a bracket.
        opens = match.start() == 0 or template[match.start() - 1] == "("
        squared = template[match.end() : match.end() + 1] == "²"
        out.append(_n(values[match.group(1)], phase, term=squared or not opens))
        pos = match.end()
    if pos < len(template):
        out.append(_s(template[pos:]))
    return tuple(out)


def _name_sym(template: str, names: dict[str, str]) -> Segs:
    return (_s(_PLACEHOLDER.sub(lambda m: names[m.group(1)], template)),)


# ---------------------------------------------------------------- formulas
# ∂E/∂out of each error function, as symbols and with numbers ({t} target, {o} out, {k} outputs).
_LOSS_SLOPES = {
    "half_sse": ("−({t} − {o})", "−({t} − {o})"),
    "mse": ("−2 ({t} − {o}) / {k}", "−2 × ({t} − {o}) / {k}"),
    "bce": ("({o} − {t}) / ({o} (1 − {o}))", "({o} − {t}) / ({o} × (1 − {o}))"),
    "cce": ("−{t} / {o}", "−{t} / {o}"),
}
# ∂out/∂net of each activation ({o} out, {n} net).
_ACTIVATION_SLOPES = {
    "sigmoid": ("{o} (1 − {o})", "{o} × (1 − {o})"),
    "tanh": ("1 − {o}²", "1 − {o}²"),
    "relu": ("1 if {n} > 0, else 0", "1 if {n} > 0, else 0"),
    "leaky_relu": (f"1 if {{n}} > 0, else {LEAKY_SLOPE}", f"1 if {{n}} > 0, else {LEAKY_SLOPE}"),
    "linear": ("1", ""),
    "softmax": ("{o} (1 − {o})", "{o} × (1 − {o})"),
}
_WORD = {
    "target": re.compile(r"\btarget\b"),
    "t": re.compile(r"\bt\b"),
    "out": re.compile(r"\bout\b"),
    "net": re.compile(r"\bnet\b"),
    "n_outputs": re.compile(r"\bn_outputs\b"),
}


def _loss_template(formula: str) -> str:
    text = _WORD["t"].sub("{t}", formula)
    text = _WORD["target"].sub("{t}", text)
    text = _WORD["out"].sub("{o}", text)
    return _WORD["n_outputs"].sub("{k}", text)


# ---------------------------------------------------------------- the trace, by name
class _Reader:
    """The numbers of one sample of a trace, looked up by neuron and parameter position."""

    def __init__(self, trace: StepTrace, sample: int = 0) -> None:
        self.trace = trace
        self.spec: NetworkSpec = trace.spec
        self.sample = sample
        self.batch = int(trace.inputs.shape[0])
        self.last = self.spec.n_layers - 1

    def layer(self, i: int) -> LayerTrace:
        return self.trace.layers[i]

    def name(self, level: int, j: int) -> str:
        """Neuron ``j`` of level ``level`` (0: the inputs)."""
        return self.spec.neuron_names(level)[j]

    def carried(self, level: int, j: int) -> str:
        """What neuron ``j`` of ``level`` passes on: ``i1`` or ``out_h1``."""
        name = self.name(level, j)
        return name if level == 0 else f"out_{name}"

    def carried_value(self, level: int, j: int) -> float:
        if level == 0:
            return float(self.trace.inputs[self.sample, j])
        return float(self.layer(level - 1).out[self.sample, j])

    def at(self, array: np.ndarray, j: int) -> float:
        return float(array[self.sample, j])

    def weight_above(self, i: int, j: int, k: int) -> float:
        """The weight from neuron j of layer i's outputs to neuron k above, as the backward pass
        used it."""
        above = self.layer(i).weights_above
        if above is not None:
            return float(above[j, k])
        return float(self.layer(i + 1).w_before[j, k])

    def bias_col(self, i: int, j: int) -> int:
        return 0 if self.spec.shared_bias else j


def default_selection(spec: NetworkSpec) -> tuple[str, str]:
    """What the panel shows when nothing is selected: w5 if it exists, else the first weight."""
    names = spec.parameter_names
    if "w5" in names:
        return ("weight", "w5")
    return ("weight", names[0])


def _neuron_position(spec: NetworkSpec, name: str) -> tuple[int, int]:
    for level in range(spec.n_layers + 1):
        names = spec.neuron_names(level)
        if name in names:
            return level, names.index(name)
    raise ConfigError(f"This network has no neuron called '{name}'.")


# ---------------------------------------------------------------- derive
def derive(trace: StepTrace, kind: str, name: str) -> Derivation:
    """The derivation of the neuron, weight or bias called ``name`` in ``trace``."""
    reader = _Reader(trace)
    if kind == "neuron":
        level, j = _neuron_position(trace.spec, name)
        header, lines = _neuron(reader, level, j)
    elif kind in ("weight", "bias"):
        ref = trace.spec.ref(name)
        if (ref.kind == "w") != (kind == "weight"):
            raise ConfigError(f"'{name}' is not a {kind}.")
        if kind == "weight":
            header, lines = _weight(reader, ref.layer, ref.row, ref.col)
        else:
            header, lines = _bias(reader, ref.layer, ref.col)
    else:
        raise ConfigError(f"Unknown kind of element '{kind}': choose neuron, weight or bias.")
    lines = _preamble(reader) + lines
    return Derivation(kind, name, header, tuple(lines), diverged=bool(trace.diverged))


def _preamble(r: _Reader) -> list[Line]:
    lines = []
    if r.trace.diverged:
        lines.append(Line("note", (_t(r.trace.diverged),)))
    if r.batch > 1:
        number = int(r.trace.batch[r.sample]) + 1
        lines.append(
            Line(
                "note",
                (
                    _t(
                        f"A batch of {r.batch} samples: forward values and factors are shown "
                        f"for its first sample (sample {number} of the training set); "
                        "gradients are means over the batch."
                    ),
                ),
            )
        )
    return lines


def _eq(lhs: Segs, *rhs: Segs, note: Segs = ()) -> Line:
    return Line("equation", lhs, tuple(rhs), note)


def _heading(*segs: Seg) -> Line:
    return Line("heading", tuple(segs))


def _note(*segs: Seg) -> Line:
    return Line("note", tuple(segs))


# ---------------------------------------------------------------- neurons
def _neuron(r: _Reader, level: int, j: int) -> tuple[Segs, list[Line]]:
    name = r.name(level, j)
    if level == 0:
        return _input(r, j)
    i = level - 1
    output = i == r.last
    role = "output neuron" if output else "hidden neuron"
    header = (_t(f"{role.capitalize()} "), _s(name))
    lines = [_heading(_t("Forward pass"))]
    lines += _net_and_out(r, i, j)
    if output:
        lines += _error_lines(r, j)
    lines.append(_heading(_t("Backward pass: its δ")))
    lines += _delta_lines(r, i, j, with_parts=True)
    return header, lines


def _input(r: _Reader, j: int) -> tuple[Segs, list[Line]]:
    name = r.name(0, j)
    spec = r.spec
    targets = spec.neuron_names(1)
    weights = [spec.weight_name(0, j, k) for k in range(len(targets))]
    lines = [
        _heading(_t("Input")),
        _eq((_s(name),), (_n(r.carried_value(0, j), "forward"),)),
        _note(
            _t("The sample's value; it reaches "),
            _s(", ".join(targets[:MAX_SUM_TERMS])),
            _t(" through "),
            _s(
                ", ".join(weights[:MAX_SUM_TERMS]) + (", ⋯" if len(weights) > MAX_SUM_TERMS else "")
            ),
            _t("."),
        ),
    ]
    return (_t("Input "), _s(name)), lines


def _net_and_out(r: _Reader, i: int, j: int) -> list[Line]:
    spec = r.spec
    layer = r.layer(i)
    name = r.name(i + 1, j)
    n_in = spec.sizes[i]
    col = r.bias_col(i, j)
    bias = spec.bias_name(i, col)
    symbols = [(_s(f"{spec.weight_name(i, s, j)}·{r.carried(i, s)}"),) for s in range(n_in)]
    numbers = [
        _numbers(
            [float(layer.w_before[s, j]), r.carried_value(i, s)],
            "forward",
            GLUED_TIMES,
            lead=s > 0,
        )
        for s in range(n_in)
    ]
    symbols.append((_s(f"{bias}·1"),))
    numbers.append(
        _numbers([float(layer.b_before[0, col]), 1.0], "forward", GLUED_TIMES, lead=True)
    )
    net = r.at(layer.net, j)
    lines = [
        _eq(
            (_s(f"net_{name}"),),
            _sum(symbols),
            _sum(numbers),
            (_n(net, "forward"),),
            note=(_t(f"the weighted sum of what comes in, plus the bias ({n_in + 1} terms)"),)
            if n_in + 1 > MAX_SUM_TERMS
            else (),
        )
    ]
    act = spec.activations[i]
    out = r.at(layer.out, j)
    formula = _WORD["net"].sub("{n}", act.formula)
    rhs: list[Segs] = [_name_sym(formula, {"n": f"net_{name}"})]
    if act.elementwise and formula != "{n}":
        rhs.append(_fill(formula, {"n": net}, "forward"))
    rhs.append((_n(out, "forward"),))
    lines.append(_eq((_s(f"out_{name}"),), *rhs, note=(_t(f"the {act.label} of net_{name}"),)))
    return lines


def _error_lines(r: _Reader, j: int) -> list[Line]:
    spec = r.spec
    name = r.name(spec.n_layers, j)
    loss = spec.loss_fn
    template = _loss_template(loss.formula)
    out = r.at(r.layer(r.last).out, j)
    target = float(r.trace.targets[r.sample, j])
    k = float(spec.sizes[-1])
    lines = [
        _heading(_t("Its error")),
        _eq(
            (_s(f"E_{name}"),),
            _name_sym(template, {"t": f"target_{name}", "o": f"out_{name}", "k": "n_outputs"}),
            _fill(template, {"t": target, "o": out, "k": k}, "forward"),
            (_n(r.at(r.trace.errors, j), "forward"),),
        ),
    ]
    outputs = spec.neuron_names(spec.n_layers)
    errors = [r.at(r.trace.errors, k2) for k2 in range(len(outputs))]
    terms = [(_s(f"E_{o}"),) for o in outputs]
    sums = (_sum_numbers(errors, "forward"),) if len(errors) > 1 else ()
    if r.batch == 1:
        lines.append(_eq((_s("E_total"),), _sum(terms), *sums, (_n(r.trace.E_total, "forward"),)))
    else:
        lines.append(
            _eq(
                (_s("E"), _tag(" (sample 1)")),
                _sum(terms),
                *sums,
                (_n(float(r.trace.sample_errors[r.sample]), "forward"),),
            )
        )
        lines.append(
            _eq(
                (_s("E_total"),),
                (_t(f"mean over the batch's {r.batch} samples"),),
                (_n(r.trace.E_total, "forward"),),
            )
        )
    return lines


def _delta_lines(r: _Reader, i: int, j: int, *, with_parts: bool) -> list[Line]:
    """∂E_total/∂out, ∂out/∂net and δ = ∂E_total/∂net of neuron j of layer i."""
    lines: list[Line] = []
    if with_parts:
        lines += _dE_dout_lines(r, i, j)
        lines += _slope_lines(r, i, j)
    name = r.name(i + 1, j)
    layer = r.layer(i)
    act = r.spec.activations[i]
    delta = r.at(layer.delta, j)
    canonical = i == r.last and r.spec.loss_fn.canonical_activation == act.name
    if canonical:
        lines.append(
            _eq(
                (_s(f"δ_{name}"),),
                (_f("∂E_total", f"∂net_{name}"),),
                (_s(f"out_{name} − target_{name}"),),
                (_n(delta, "backward"),),
                note=(_t(f"the slopes of the {r.spec.loss_fn.label} and the {act.label} cancel"),),
            )
        )
    elif not act.elementwise:
        lines.append(
            _eq(
                (_s(f"δ_{name}"),),
                (_f("∂E_total", f"∂net_{name}"),),
                (_n(delta, "backward"),),
                note=(_t(f"{act.label} ties the outputs together: δ sums over all of them"),),
            )
        )
    else:
        lines.append(
            _eq(
                (_s(f"δ_{name}"),),
                (_f("∂E_total", f"∂net_{name}"),),
                (_f("∂E_total", f"∂out_{name}"), _o(" · "), _f(f"∂out_{name}", f"∂net_{name}")),
                _numbers([r.at(layer.dE_dout, j), r.at(layer.dout_dnet, j)], "backward"),
                (_n(delta, "backward"),),
            )
        )
    return lines


def _dE_dout_lines(r: _Reader, i: int, j: int) -> list[Line]:
    """∂E_total/∂out of neuron j of layer i: the loss's slope, or the sum over the layer above."""
    spec = r.spec
    name = r.name(i + 1, j)
    layer = r.layer(i)
    value = r.at(layer.dE_dout, j)
    lhs = (_f("∂E_total", f"∂out_{name}"),)
    if i == r.last:
        sym, num = _LOSS_SLOPES.get(spec.loss, ("", ""))
        target = float(r.trace.targets[r.sample, j])
        out = r.at(layer.out, j)
        rhs: list[Segs] = []
        if sym:
            names = {"t": f"target_{name}", "o": f"out_{name}", "k": "n_outputs"}
            rhs.append(_name_sym(sym, names))
            k = float(spec.sizes[-1])
            rhs.append(_fill(num, {"t": target, "o": out, "k": k}, "forward"))
        rhs.append((_n(value, "backward"),))
        return [_eq(lhs, *rhs, note=(_t(f"how fast the error grows with out_{name}"),))]
    above = spec.neuron_names(i + 2)
    fracs = [(_f(f"∂E_{k}", f"∂out_{name}"),) for k in above]
    terms = layer.dE_dout_terms
    values = [
        math.nan if terms is None else float(terms[r.sample, j, k]) for k in range(len(above))
    ]
    via = ", ".join(above) if len(above) <= 4 else f"the {len(above)} neurons above"
    lines = [
        _eq(
            lhs,
            _sum(fracs),
            _sum_numbers(values, "backward"),
            (_n(value, "backward"),),
            note=(_t(f"out_{name} reaches the error through {via}: the effects add up"),),
        )
    ]
    lines += _term_lines(r, i, j, values)
    return lines


def _term_lines(r: _Reader, i: int, j: int, values: list[float]) -> list[Line]:
    """One line per neuron k above: ∂E_k/∂out_h = ∂E_k/∂net_k · ∂net_k/∂out_h = δ_k × w."""
    spec = r.spec
    name = r.name(i + 1, j)
    above = spec.neuron_names(i + 2)
    above_layer = r.layer(i + 1)
    output_above = i + 1 == r.last
    shown = list(range(len(above)))
    if len(shown) > MAX_SUM_TERMS:
        shown = [*shown[: MAX_SUM_TERMS - 2], shown[-1]]
    lines = []
    for k in shown:
        kname = above[k]
        delta_sym = f"∂E_{kname}" if output_above else "∂E_total"
        weight = spec.weight_name(i + 1, j, k)
        w_value = r.weight_above(i, j, k)
        lines.append(
            _eq(
                (_f(f"∂E_{kname}", f"∂out_{name}"),),
                (_f(delta_sym, f"∂net_{kname}"), _o(" · "), _f(f"∂net_{kname}", f"∂out_{name}")),
                _numbers([r.at(above_layer.delta, k), w_value], "backward"),
                (_n(values[k], "backward"),),
                note=(
                    _t(f"δ of {kname} times the weight "),
                    _s(weight),
                    _t(f" that carries out_{name} into net_{kname}"),
                ),
            )
        )
    if len(shown) < len(above):
        lines.append(_note(_t(f"{ELIDED} {len(above) - len(shown)} more terms like these")))
    if r.trace.update_order == "sequential":
        lines.append(
            _note(
                _t(
                    "Sequential order: these weights were already updated when this δ was "
                    "computed, so they are not the ones the forward pass used (the lecture "
                    "shows this as the incorrect variant)."
                )
            )
        )
    return lines


def _slope_lines(r: _Reader, i: int, j: int) -> list[Line]:
    name = r.name(i + 1, j)
    layer = r.layer(i)
    act = r.spec.activations[i]
    sym, num = _ACTIVATION_SLOPES.get(act.name, (act.slope_formula, ""))
    rhs: list[Segs] = [_name_sym(sym, {"o": f"out_{name}", "n": f"net_{name}"})]
    if num:
        rhs.append(_fill(num, {"o": r.at(layer.out, j), "n": r.at(layer.net, j)}, "forward"))
    rhs.append((_n(r.at(layer.dout_dnet, j), "backward"),))
    return [
        _eq(
            (_f(f"∂out_{name}", f"∂net_{name}"),),
            *rhs,
            note=(_t(f"the slope of the {act.label} at net_{name}"),),
        )
    ]


# ---------------------------------------------------------------- weights
def _weight(r: _Reader, i: int, s: int, j: int) -> tuple[Segs, list[Line]]:
    spec = r.spec
    w = spec.weight_name(i, s, j)
    source, target = r.name(i, s), r.name(i + 1, j)
    output = i == r.last
    header = (
        _t("Weight "),
        _s(w),
        _t(":  "),
        _s(source),
        _t(" → "),
        _s(target),
        _t(f"  ({'output' if output else 'hidden'} layer)"),
    )
    layer = r.layer(i)
    act = spec.activations[i]
    grad = float(layer.grad_w[s, j])
    carried = r.carried_value(i, s)
    two_factor = output and (spec.loss_fn.canonical_activation == act.name or not act.elementwise)
    lines = [_heading(_t("Chain rule"))]
    chain: Segs
    if two_factor:
        chain = (_f("∂E_total", f"∂net_{target}"), _o(" · "), _f(f"∂net_{target}", f"∂{w}"))
        factors = [r.at(layer.delta, j), carried]
        phases = ["backward", "forward"]
    else:
        chain = (
            _f("∂E_total", f"∂out_{target}"),
            _o(" · "),
            _f(f"∂out_{target}", f"∂net_{target}"),
            _o(" · "),
            _f(f"∂net_{target}", f"∂{w}"),
        )
        factors = [r.at(layer.dE_dout, j), r.at(layer.dout_dnet, j), carried]
        phases = ["backward", "backward", "forward"]
    lhs = (_f("∂E_total", f"∂{w}"),)
    if r.batch == 1:
        lines.append(_eq(lhs, chain, _numbers(factors, phases), (_n(grad, "backward"),)))
    else:
        sample = r.at(layer.delta, j) * carried
        lines.append(
            _eq(
                (*lhs, _tag(" (sample 1)")),
                chain,
                _numbers(factors, phases),
                (_n(sample, "backward"),),
            )
        )
        lines.append(
            _eq(lhs, (_t(f"mean over the batch's {r.batch} samples"),), (_n(grad, "backward"),))
        )
    lines.append(_heading(_t("The factors")))
    if two_factor:
        lines += _delta_lines(r, i, j, with_parts=False)
    else:
        lines += _dE_dout_lines(r, i, j)
        lines += _slope_lines(r, i, j)
    lines += _dnet_dw_lines(r, i, s, j)
    lines.append(_heading(_t("Update")))
    lines += _update_lines(
        r,
        w,
        before=float(layer.w_before[s, j]),
        grad=grad,
        carried=float(layer.momentum_w[s, j]),
        change=float(layer.delta_w[s, j]),
        after=float(layer.w_after[s, j]),
    )
    return header, lines


def _dnet_dw_lines(r: _Reader, i: int, s: int, j: int) -> list[Line]:
    spec = r.spec
    w = spec.weight_name(i, s, j)
    target = r.name(i + 1, j)
    carried = r.carried(i, s)
    n_in = spec.sizes[i]
    terms = [(_s(f"{spec.weight_name(i, k, j)}·{r.carried(i, k)}"),) for k in range(n_in)]
    col = r.bias_col(i, j)
    terms.append((_s(f"{spec.bias_name(i, col)}·1"),))
    return [
        _eq(
            (_f(f"∂net_{target}", f"∂{w}"),),
            (_s(carried),),
            (_n(r.carried_value(i, s), "forward"),),
            note=(
                _s(f"net_{target} = "),
                *_sum(terms),
                _t(f": only {w}·{carried} depends on {w}"),
            ),
        )
    ]


# ---------------------------------------------------------------- biases
def _bias(r: _Reader, i: int, col: int) -> tuple[Segs, list[Line]]:
    spec = r.spec
    b = spec.bias_name(i, col)
    neurons = list(range(spec.sizes[i + 1])) if spec.shared_bias else [col]
    names = [r.name(i + 1, j) for j in neurons]
    fed = ", ".join(names) if len(names) <= 4 else f"the {len(names)} neurons of its layer"
    shared = spec.shared_bias and len(names) > 1
    header = (_t("Bias "), _s(b), _t(f"  ({'shared by' if shared else 'of'} {fed})"))
    layer = r.layer(i)
    grad = float(layer.grad_b[0, col])
    deltas = [r.at(layer.delta, j) for j in neurons]
    fracs = [(_f("∂E_total", f"∂net_{n}"),) for n in names]
    lhs = (_f("∂E_total", f"∂{b}"),)
    lines = [_heading(_t("Gradient"))]
    note = (
        _t("∂net/∂"),
        _s(b),
        _t(" = 1 (the bias's input is always 1), so this is the sum of the δ's it feeds")
        if shared
        else _t(f" = 1 (the bias's input is always 1), so this is δ of {names[0]}"),
    )
    if r.batch == 1:
        sums = (_sum_numbers(deltas, "backward"),) if len(deltas) > 1 else ()
        lines.append(_eq(lhs, _sum(fracs), *sums, (_n(grad, "backward"),), note=note))
    else:
        sample = float(np.sum(deltas))
        sums = (_sum_numbers(deltas, "backward"),) if len(deltas) > 1 else ()
        lines.append(
            _eq(
                (*lhs, _tag(" (sample 1)")),
                _sum(fracs),
                *sums,
                (_n(sample, "backward"),),
                note=note,
            )
        )
        lines.append(
            _eq(lhs, (_t(f"mean over the batch's {r.batch} samples"),), (_n(grad, "backward"),))
        )
    lines.append(_heading(_t("Update")))
    if not r.trace.train_biases:
        lines.append(
            _eq(
                (_s(f"{b}+"),),
                (_s(b),),
                (_n(float(layer.b_before[0, col]), "forward"),),
                note=(_t("the lecture keeps biases fixed: bias training is off"),),
            )
        )
        return header, lines
    lines += _update_lines(
        r,
        b,
        before=float(layer.b_before[0, col]),
        grad=grad,
        carried=float(layer.momentum_b[0, col]),
        change=float(layer.delta_b[0, col]),
        after=float(layer.b_after[0, col]),
    )
    return header, lines


# ---------------------------------------------------------------- updates
def _update_lines(
    r: _Reader, p: str, *, before: float, grad: float, carried: float, change: float, after: float
) -> list[Line]:
    """How parameter ``p`` moves: w+ = w − η ∂E/∂w, with momentum or another optimiser."""
    trace = r.trace
    eta = trace.eta
    alpha = trace.momentum
    frac = _f("∂E_total", f"∂{p}")
    if trace.optimizer == "gd" and alpha == 0:
        return [
            _eq(
                (_s(f"{p}+"),),
                (_s(p), _o(" − "), _s("η"), _o(" · "), frac),
                (_n(before, "forward"), _o(" − "), *_numbers([eta, grad], "backward")),
                (_n(after, "update"),),
                note=(_t("a step against the gradient, scaled by the learning rate η = "),
                      _n(eta, "forward")),
            )
        ]  # fmt: skip
    lines: list[Line] = []
    if trace.optimizer == "gd":
        previous = carried / alpha if not math.isnan(carried) else math.nan
        lines.append(
            _eq(
                (_s(f"Δ{p}"),),
                (_o("−"), _s("η"), _o(" · "), frac, _o(" + "), _s(f"α · Δ{p}(t−1)")),
                (
                    _o("−"),
                    *_numbers([eta, grad], "backward"),
                    _o(" + "),
                    *_numbers([alpha, previous], "update"),
                ),
                (_n(change, "update"),),
                note=(
                    _t("gradient descent with momentum α = "),
                    _n(alpha, "forward"),
                    _t(": part of the previous step carries over"),
                ),
            )
        )
    else:
        lines.append(_eq((_s(f"Δ{p}"),), (_n(change, "update"),), note=_optimizer_note(r)))
    lines.append(
        _eq(
            (_s(f"{p}+"),),
            (_s(p), _o(" + "), _s(f"Δ{p}")),
            (_n(before, "forward"), _o(" + "), _n(change, "update", term=True)),
            (_n(after, "update"),),
        )
    )
    return lines


def _optimizer_note(r: _Reader) -> Segs:
    trace = r.trace
    if trace.optimizer == "nesterov":
        return (
            _t("Nesterov momentum, α = "),
            _n(trace.momentum, "forward"),
            _t(": v(t) = α v(t−1) − η ∂E/∂w, Δw = α v(t) − η ∂E/∂w"),
        )
    if trace.optimizer == "adam":
        return (
            _t("Adam, η = "),
            _n(trace.eta, "forward"),
            _t(": Δw = −η m̂ / (√v̂ + ε), m̂ and v̂ running means of ∂E/∂w and of its square"),
        )
    if trace.optimizer == "lm":
        mu = trace.lm.mu_before if trace.lm is not None else math.nan
        return (
            _t("Levenberg–Marquardt moves every weight at once by a damped Gauss–Newton step, "
               "μ = "),
            _n(mu, "update"),
        )  # fmt: skip
    return (_t(f"the {trace.optimizer} optimiser's step"),)


# ---------------------------------------------------------------- rich text
_SYMBOL = re.compile(
    r"(?P<base>[A-Za-zΔδΣ]+)_(?P<sub>[A-Za-z0-9]+(?:\.[0-9]+)*)(?P<p1>\+(?=$|[\s),]))?"
    r"|(?<![A-Za-z0-9_.])(?P<letter>[A-Za-z])(?P<digits>\d+(?:\.\d+)*)(?P<p2>\+(?=$|[\s),]))?"
)


SHORT_EXPONENT = 6  # longer exponents print as exp(…) on screen


def symbol_html(text: str) -> str:
    """Symbols as rich text: ``out_o1`` → out<sub>o1</sub>, ``w5+`` → w<sub>5</sub><sup>+</sup>,
    ``e^(−net)`` → e<sup>−net</sup>, ``e^(−net_o1)`` → exp(−net<sub>o1</sub>)."""
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("^(", pos)
        if start < 0:
            out.append(_subscripts(text[pos:]))
            return "".join(out)
        depth, end = 0, len(text)
        for k in range(start + 1, len(text)):
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            if depth == 0:
                end = k
                break
        head, exponent = text[pos:start], text[start + 2 : end]
        if len(exponent) <= SHORT_EXPONENT and "_" not in exponent:
            out += [_subscripts(head), f"<sup>{symbol_html(exponent)}</sup>"]
        else:  # a subscript or a long number in a superscript is too small to read
            head = head[:-1] + "exp" if head.endswith("e") else head
            out += [_subscripts(head), symbol_html(f"({exponent})")]
        pos = end + 1


def _subscripts(text: str) -> str:
    text = text.replace("−(", "−\u2060(")  # keep a sign with its bracket on line breaks
    out: list[str] = []
    pos = 0
    for m in _SYMBOL.finditer(text):
        out.append(html.escape(text[pos : m.start()], quote=False))
        if m.group("base"):
            base, sub, plus = m.group("base"), m.group("sub"), m.group("p1")
        else:
            base, sub, plus = m.group("letter"), m.group("digits"), m.group("p2")
        out.append(f"{html.escape(base)}<sub>{html.escape(sub)}</sub>")
        if plus:
            out.append("<sup>+</sup>")
        pos = m.end()
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def _seg_html(seg: Seg, c: Colours, *, result: bool = False) -> str:
    if seg.kind == "num":
        if seg.missing:
            return f"<span style='color:{c.missing}; font-weight:600'>{MISSING}</span>"
        colour = c.result if result else c.number
        weight = "; font-weight:600" if result else ""
        return f"<span style='color:{colour}{weight}'>{html.escape(seg.text)}</span>"
    if seg.kind == "frac":  # a word joiner keeps ∂a/∂b on one line
        return f"{symbol_html(seg.text)}/\u2060{symbol_html(seg.den)}"
    if seg.kind in ("sym", "text"):
        return symbol_html(seg.text)
    text = html.escape(seg.text, quote=False)
    # An operator keeps to what follows it, so a long product breaks before a "×".
    return text[:-1] + "&nbsp;" if text.endswith(" ") else text


def _inline_html(segs: Iterable[Seg], c: Colours) -> str:
    return "".join(_seg_html(s, c) for s in segs)


def _fraction_html(seg: Seg, c: Colours) -> str:
    return (
        "<table cellspacing='0' cellpadding='0'>"
        f"<tr><td align='center' style='border-bottom:1.5px solid {c.text}; "
        f"padding:0px 3px 1px 3px'>{symbol_html(seg.text)}</td></tr>"
        f"<tr><td align='center' style='padding:1px 3px 0px 3px'>{symbol_html(seg.den)}</td></tr>"
        "</table>"
    )


def _cells_html(segs: Segs, c: Colours, *, result: bool = False, stacked: bool = True) -> str:
    """One side of an equation; with ∂-fractions, a row of cells with the fractions stacked."""
    if not stacked or not any(s.kind == "frac" for s in segs):
        return "".join(_seg_html(s, c, result=result) for s in segs)
    cells: list[str] = []
    run: list[str] = []
    for seg in segs:
        if seg.kind == "frac":
            if run:
                cells.append("".join(run))
                run = []
            cells.append(_fraction_html(seg, c))
        else:
            run.append(_seg_html(seg, c, result=result).replace(" ", "&nbsp;"))
    if run:
        cells.append("".join(run))
    tds = "".join(f"<td valign='middle'>{cell}</td>" for cell in cells)
    return f"<table cellspacing='0' cellpadding='0'><tr>{tds}</tr></table>"


COMPACT_LENGTH = 30  # right-hand sides this short (in characters, together) share one row


def _equation_rows(line: Line, c: Colours, stacked: bool = True) -> list[str]:
    """Table rows: ``lhs = rhs[0]``, then ``= rhs[k]`` below it, the last one (the result) bold;
    short right-hand sides without fractions go on one row."""
    sides = line.rhs or ((),)
    last = len(sides) - 1
    cells = [
        _cells_html(side, c, result=k == last and k > 0, stacked=stacked)
        for k, side in enumerate(sides)
    ]
    compact = not any(s.kind == "frac" for side in sides for s in side) and (
        sum(len(_plain(side)) for side in sides) <= COMPACT_LENGTH
    )
    if compact:
        cells = [" = ".join(cells)]
    rows = []
    for k, cell in enumerate(cells):
        lhs = _cells_html(line.segs, c, stacked=stacked) if k == 0 else ""
        top = "10px" if k == 0 else "3px"
        equals = "=" if line.rhs else ""
        rows.append(
            f"<tr><td align='right' valign='middle' style='padding:{top} 4px 3px 0px'>{lhs}</td>"
            f"<td valign='middle' style='padding:{top} 6px 3px 6px'>{equals}</td>"
            f"<td valign='middle' style='padding:{top} 0px 3px 0px'>{cell}</td></tr>"
        )
    return rows


def _section_table(lines: Sequence[Line], c: Colours) -> str:
    """A section's equations as one table, so their ``=`` signs line up."""
    rows: list[str] = []
    for line in lines:
        if line.kind == "note":
            rows.append(_note_row(_inline_html(line.segs, c), c, top=6))
            continue
        rows += _equation_rows(line, c, True)
        if line.note:
            rows.append(_note_row(_inline_html(line.note, c), c, top=1))
    if not rows:
        return ""
    table = "<table cellspacing='0' cellpadding='0' style='margin-left:6px'>"
    return table + "".join(rows) + "</table>"


def _equation_paragraphs(line: Line, c: Colours) -> str:
    """An equation as paragraphs that wrap freely (for a narrow panel): ``lhs = rhs[0]``,
    then ``= rhs[k]`` indented below."""
    note = f"<p style='margin:1px 0px 0px 40px; color:{c.note}; font-style:italic'>"
    if line.kind == "note":
        return note.replace("40px", "12px") + _inline_html(line.segs, c) + "</p>"
    last = len(line.rhs) - 1
    sides = [_cells_html(side, c, result=k == last and k > 0, stacked=False)
             for k, side in enumerate(line.rhs)]  # fmt: skip
    out = [
        "<p style='margin:10px 0px 0px 12px'>"
        + " = ".join([_cells_html(line.segs, c, stacked=False), *sides[:1]])
        + "</p>"
    ]
    out += [f"<p style='margin:2px 0px 0px 32px'>= {side}</p>" for side in sides[1:]]
    if line.note:
        out.append(note + _inline_html(line.note, c) + "</p>")
    return "".join(out)


def _note_row(body: str, c: Colours, *, top: int) -> str:
    return (
        f"<tr><td></td><td></td><td style='padding:{top}px 0px 2px 0px; color:{c.note}; "
        f"font-size:88%; font-style:italic'>{body}</td></tr>"
    )
