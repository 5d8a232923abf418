"""The pieces derivations are made of: terms with the trace's numbers, formula tables, and a
reader of the trace by neuron and parameter position."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from bpdesk.core.engine.activations import LEAKY_SLOPE
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.formatting import format_term
from bpdesk.core.stepping.trace import LayerTrace, StepTrace
from bpdesk.core.teaching.equations.model import (
    Equation,
    Frac,
    Heading,
    Line,
    Num,
    Op,
    Prose,
    Sym,
    Term,
    Terms,
    Text,
)
from bpdesk.core.teaching.equations.symbols import parse_symbol, split_symbols

MAX_SUM_TERMS = 12  # sums with more terms show the first and last ones around "⋯"
ELIDED = "⋯"  # terms left out of a long sum (not "…", which means "not computed yet")
GLUED_TIMES = "\u00a0×\u00a0"  # a product inside a sum: never broken across lines


# ---------------------------------------------------------------- terms
def words(text: str) -> Text:
    return Text(text)


def tag(text: str) -> Text:
    """Words that must stay on one line, such as "(sample 1)"."""
    return Text(text.replace(" ", "\u00a0"))


def symbol(text: str) -> Sym | Text:
    """One symbol such as ``out_o1`` or ``w5+``; a formula of several (``w1·i1``) as text."""
    pieces = split_symbols(text)
    if len(pieces) == 1 and isinstance(pieces[0], Sym):
        return pieces[0]
    return Text(text)


def frac(top: str, bottom: str) -> Frac:
    """∂top/∂bottom."""
    return Frac(parse_symbol(top), parse_symbol(bottom))


def op(text: str) -> Op:
    return Op(text)


def number(value: float, phase: str, *, term: bool = False) -> Num:
    return Num(value, phase, term=term)


def join(parts: Sequence[Terms], operator: str) -> Terms:
    """``parts`` with the operator between them."""
    out: list[Term] = []
    for k, part in enumerate(parts):
        if k:
            out.append(op(operator))
        out += part
    return tuple(out)


def numbers(
    values: Sequence[float], phases: str | Sequence[str], operator: str = " × ", *,
    lead: bool = False,
) -> Terms:  # fmt: skip
    """``a × b × c``: every number after the first in parentheses when negative (the first
    too when ``lead``: the product follows another term). ``phases``: one per value, or one."""
    each = [phases] * len(values) if isinstance(phases, str) else list(phases)
    items = [
        (number(v, p, term=lead or k > 0),)
        for k, (v, p) in enumerate(zip(values, each, strict=True))
    ]
    return join(items, operator)


def _elide(items: Sequence[Terms], limit: int = MAX_SUM_TERMS) -> list[Terms]:
    if len(items) <= limit:
        return list(items)
    head = max(limit - 2, 1)
    return [*items[:head], (symbol(ELIDED),), items[-1]]


def sum_of(items: Sequence[Terms]) -> Terms:
    return join(_elide(items), " + ")


def sum_numbers(values: Sequence[float], phase: str) -> Terms:
    items = [(number(v, phase, term=k > 0),) for k, v in enumerate(values)]
    return join(_elide(items), " + ")


def batch_mean(r: Reader, values: Sequence[float], phase: str) -> tuple[Terms, ...]:
    """The sides ``mean over the batch's B samples = (a + b + …) / B`` of a batch mean (the
    per-sample values written out; the first and last when there are many)."""
    words_side = (words(f"mean over the batch's {r.batch} samples"),)
    if all(math.isnan(v) for v in values):  # not computed yet: one "…", not one per sample
        return (words_side,)
    listed = (op("("), *sum_numbers(values, phase), op(") / "), Text(str(len(values))))
    return (words_side, listed)


_PLACEHOLDER = re.compile(r"\{(\w)\}")


def fill(template: str, values: dict[str, float], phase: str) -> Terms:
    """A formula with numbers put in: ``−({t} − {o})`` → ``−(0.01 − 0.75136507)``.

    A formula with a superscript ``^(…)`` stays one text term so its exponent keeps
    together; one with a value not computed yet is just ``…``.
    """
    if any(math.isnan(v) for v in values.values()):
        return (number(math.nan, phase),)
    if "^(" in template:
        return (Text(_PLACEHOLDER.sub(lambda m: format_term(values[m.group(1)]), template)),)
    out: list[Term] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > pos:
            out.append(symbol(template[pos : match.start()]))
        # A negative number needs parentheses unless it opens the formula or a bracket.
        opens = match.start() == 0 or template[match.start() - 1] == "("
        squared = template[match.end() : match.end() + 1] == "²"
        out.append(number(values[match.group(1)], phase, term=squared or not opens))
        pos = match.end()
    if pos < len(template):
        out.append(symbol(template[pos:]))
    return tuple(out)


def name_formula(template: str, names: dict[str, str]) -> Terms:
    """A formula with names put in: ``−({t} − {o})`` → ``−(target_o1 − out_o1)``."""
    return (symbol(_PLACEHOLDER.sub(lambda m: names[m.group(1)], template)),)


def equation(lhs: Terms, *rhs: Terms, note: Terms = ()) -> Line:
    return Equation((lhs, *rhs), note)


def heading(*terms: Term) -> Line:
    return Heading(tuple(terms))


def note(*terms: Term) -> Line:
    return Prose(tuple(terms))


# ---------------------------------------------------------------- formulas
# ∂E/∂out of each error function, as symbols and with numbers ({t} target, {o} out, {k} outputs).
LOSS_SLOPES = {
    "half_sse": ("−({t} − {o})", "−({t} − {o})"),
    "mse": ("−2 ({t} − {o}) / {k}", "−2 × ({t} − {o}) / {k}"),
    "bce": ("({o} − {t}) / ({o} (1 − {o}))", "({o} − {t}) / ({o} × (1 − {o}))"),
    "cce": ("−{t} / {o}", "−{t} / {o}"),
}
# ∂out/∂net of each activation ({o} out, {n} net).
ACTIVATION_SLOPES = {
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


def loss_template(formula: str) -> str:
    """An error function's formula with placeholders: ``½ (t − out)²`` → ``½ ({t} − {o})²``."""
    text = _WORD["t"].sub("{t}", formula)
    text = _WORD["target"].sub("{t}", text)
    text = _WORD["out"].sub("{o}", text)
    return _WORD["n_outputs"].sub("{k}", text)


def net_template(formula: str) -> str:
    """An activation's formula with a placeholder for its net: ``tanh(net)`` → ``tanh({n})``."""
    return _WORD["net"].sub("{n}", formula)


# ---------------------------------------------------------------- the trace, by name
class Reader:
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

    def carried_column(self, level: int, j: int) -> np.ndarray:
        """What neuron ``j`` of ``level`` passes on, for every sample of the batch."""
        if level == 0:
            return np.asarray(self.trace.inputs[:, j], dtype=float)
        return np.asarray(self.layer(level - 1).out[:, j], dtype=float)

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
