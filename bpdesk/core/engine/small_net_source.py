"""The generated Python source of ``small_net``'s training loop, one operation per line.

Every value is a local float and every operation is the one NumPy does, in NumPy's
order: ``net = (Σ_i out_i w_ij) + b_j`` summed from the first input on, ``out = f(net)``,
the error summed as ``ndarray.sum`` sums a row (in order below 8 terms, in NumPy's
pairwise blocks of 8 from 8 on), ``∂E/∂w = out · δ`` and each optimiser's formula term
by term. The loop also keeps the trainer's counters (position in the epoch, the epoch's
error sum) and records every iteration's error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bpdesk.core.engine.activations import LEAKY_SLOPE

__all__ = ["Loop", "Plan", "compiled", "numpy_sum", "source"]

_EPS = 1e-12  # losses.py's floor under out before a logarithm


@dataclass(frozen=True)
class Plan:
    """Everything the generated step depends on (and nothing else: η, α are arguments)."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    shared_bias: bool
    optimizer: str
    momentum: bool  # gradient descent with α ≠ 0
    sequential: bool
    train_biases: bool


def numpy_sum(terms: list[str]) -> str:
    """An expression adding ``terms`` in the order ``ndarray.sum`` adds a 1-D array."""
    if len(terms) < 8:
        return " + ".join(terms) if len(terms) > 1 else terms[0]
    if len(terms) <= 128:
        acc = list(terms[:8])
        i = 8
        while i + 8 <= len(terms):
            acc = [f"({acc[j]} + {terms[i + j]})" for j in range(8)]
            i += 8
        pairs = [f"({acc[j]} + {acc[j + 1]})" for j in range(0, 8, 2)]
        res = f"({pairs[0]} + {pairs[1]}) + ({pairs[2]} + {pairs[3]})"
        for term in terms[i:]:
            res = f"({res}) + {term}"
        return res
    half = len(terms) // 2
    half -= half % 8
    return f"({numpy_sum(terms[:half])}) + ({numpy_sum(terms[half:])})"


def _forward(act: str, net: str) -> str:
    if act == "sigmoid":
        return f"1.0 / (1.0 + exp(-{net}))"  # an overflow raises: see ``source``
    if act == "linear":
        return net
    if act == "relu":
        return f"{net} if {net} > 0.0 or {net} != {net} else 0.0"
    return f"{net} if {net} > 0.0 else {LEAKY_SLOPE!r} * {net}"


def _slope_times(act: str, de: str, net: str, out: str) -> str:
    """dE/dout · f′, as ``dE_dout * slope(net, out)`` computes it."""
    if act == "sigmoid":
        return f"{de} * ({out} * (1.0 - {out}))"
    if act == "linear":
        return f"{de} * 1.0"
    if act == "relu":
        return f"{de} * (1.0 if {net} > 0.0 else 0.0)"
    return f"{de} * (1.0 if {net} > 0.0 else {LEAKY_SLOPE!r})"


class _Names:
    """The local variable names of one plan's parameters and optimiser memory."""

    def __init__(self, plan: Plan) -> None:
        sizes = plan.sizes
        layers = range(len(sizes) - 1)
        self.w = [
            [[f"w{k}_{i}_{j}" for j in range(sizes[k + 1])] for i in range(sizes[k])]
            for k in layers
        ]
        self.b = [
            [f"b{k}_{j}" for j in range(1 if plan.shared_bias else sizes[k + 1])] for k in layers
        ]
        self.params: list[str] = []
        for k in layers:
            self.params += [name for row in self.w[k] for name in row] + self.b[k]
        kinds = {"gd": ("p",), "nesterov": ("p",), "adam": ("m", "v")}[plan.optimizer]
        self.kinds = kinds
        self.state = [f"{k}_{name}" for k in kinds for name in self.params]


def _update(plan: Plan, param: str, grad: str) -> list[str]:
    """The optimiser's ``step`` for one parameter, operation for operation."""
    if plan.optimizer == "gd":
        if plan.momentum:
            change = f"p_{param} = neta * {grad} + mom * p_{param}"
        else:
            change = f"p_{param} = neta * {grad}"
        return [change, f"{param} = {param} + p_{param}"]
    if plan.optimizer == "nesterov":
        return [
            f"gs = eta * {grad}",
            f"p_{param} = mom * p_{param} - gs",
            f"{param} = {param} + (mom * p_{param} - gs)",
        ]
    return [
        f"g = {grad}",
        f"m_{param} = beta1 * m_{param} + omb1 * g",
        f"v_{param} = beta2 * v_{param} + omb2 * g * g",
        f"{param} = {param} + neta * (m_{param} / c1) / (sqrt(v_{param} / c2) + epsilon)",
    ]


def _layer_updates(plan: Plan, names: _Names, layer: int) -> list[str]:
    """Slot 2l (the weights) then slot 2l + 1 (the biases) of one layer."""
    below = [f"x{i}" for i in range(plan.sizes[0])] if layer == 0 else None
    lines: list[str] = []
    for i, row in enumerate(names.w[layer]):
        source = below[i] if below is not None else f"o{layer - 1}_{i}"
        for j, name in enumerate(row):
            lines += _update(plan, name, f"({source} * d{layer}_{j})")
    if plan.train_biases:
        deltas = [f"d{layer}_{j}" for j in range(plan.sizes[layer + 1])]
        if plan.shared_bias:
            lines += _update(plan, names.b[layer][0], f"({numpy_sum(deltas)})")
        else:
            for j, name in enumerate(names.b[layer]):
                lines += _update(plan, name, deltas[j])
    return lines


def _error_lines(plan: Plan) -> list[str]:
    """Each output's error term e_j and ∂E/∂out (or δ directly), and E."""
    n_layers, outputs = len(plan.sizes) - 1, plan.sizes[-1]
    last, act = n_layers - 1, plan.activations[-1]
    lines = []
    for j in range(outputs):
        o, t = f"o{last}_{j}", f"t{j}"
        if plan.loss == "half_sse":
            lines += [f"q{j} = {o} - {t}", f"e{j} = 0.5 * q{j} * q{j}"]
            lines.append(f"d{last}_{j} = {_slope_times(act, f'q{j}', f'n{last}_{j}', o)}")
        elif plan.loss == "mse":
            lines += [f"q{j} = {t} - {o}", f"e{j} = q{j} * q{j} / {float(outputs)!r}"]
            de = f"(-2.0 * q{j} / {float(outputs)!r})"
            lines.append(f"d{last}_{j} = {_slope_times(act, de, f'n{last}_{j}', o)}")
        else:  # binary cross-entropy after a sigmoid: δ = out − target
            hi = 1.0 - _EPS
            lines.append(f"c = {_EPS!r} if {o} < {_EPS!r} else ({hi!r} if {o} > {hi!r} else {o})")
            lines.append(f"e{j} = -({t} * log(c) + (1.0 - {t}) * log(1.0 - c))")
            lines.append(f"d{last}_{j} = {o} - {t}")
    lines.append(f"E = {numpy_sum([f'e{j}' for j in range(outputs)])}")
    return lines


def _hidden_delta(plan: Plan, names: _Names, layer: int) -> list[str]:
    """δ of layer ``layer`` from δ above through the weights above (as they are now)."""
    act, lines = plan.activations[layer], []
    for i in range(plan.sizes[layer + 1]):
        terms = [f"d{layer + 1}_{k} * {w}" for k, w in enumerate(names.w[layer + 1][i])]
        de = f"({' + '.join(terms)})"
        lines.append(f"d{layer}_{i} = {_slope_times(act, de, f'n{layer}_{i}', f'o{layer}_{i}')}")
    return lines


def _step_lines(plan: Plan, names: _Names, track_previous: bool) -> list[str]:
    """One iteration: forward, error, (stop if not finite), backward and updates."""
    sizes, n_layers = plan.sizes, len(plan.sizes) - 1
    lines = ["k = order[pos]"]
    lines.append(f"{', '.join(f'x{i}' for i in range(sizes[0]))}, = xs[k]")
    lines.append(f"{', '.join(f't{j}' for j in range(sizes[-1]))}, = ts[k]")
    lines.append("try:")
    for layer in range(n_layers):
        below = [f"x{i}" for i in range(sizes[0])] if layer == 0 else None
        for j in range(sizes[layer + 1]):
            terms = []
            for i in range(sizes[layer]):
                source = below[i] if below is not None else f"o{layer - 1}_{i}"
                terms.append(f"{source} * {names.w[layer][i][j]}")
            bias = names.b[layer][0 if plan.shared_bias else j]
            net = f"n{layer}_{j}"
            lines.append(f"    {net} = {' + '.join(terms)} + {bias}")
            lines.append(f"    o{layer}_{j} = {_forward(plan.activations[layer], net)}")
    lines += ["except OverflowError:", "    status = 3", "    break"]
    lines += _error_lines(plan)
    lines += ["if E - E != 0.0:", "    status = 1", "    break"]
    if track_previous:
        lines.append(f"prev = ({', '.join(names.params)},)")
    lines.append("t += 1")
    if plan.optimizer == "adam":
        lines += ["c1 = 1.0 - beta1**t", "c2 = 1.0 - beta2**t"]
    for layer in range(n_layers - 1, -1, -1):
        if plan.sequential:
            lines += _layer_updates(plan, names, layer)
        if layer > 0:
            lines += _hidden_delta(plan, names, layer - 1)
        if not plan.sequential:
            lines += _layer_updates(plan, names, layer)
    return lines


_BOOKKEEPING = """\
errors_append(E)
done += 1
pos += 1
esum += E
if pos >= per_epoch:
    if not wrap:
        break
    epoch_error = esum / n
    epoch_errors_append(epoch_error)
    pos = 0
    esum = 0.0
    if target is not None and epoch_error <= target:
        status = 2
        break"""


def source(plan: Plan, track_previous: bool = False) -> str:
    """The Python source of the training loop for ``plan``.

    It returns (iterations done, position in the epoch, the epoch's error sum, status,
    the parameters before the last iteration, the optimiser's step count, the last
    error). Status 0: ``count`` iterations done or an epoch to finish outside (``wrap``
    False); 1: the error was not finite; 2: an epoch's error reached ``target``; 3:
    ``math.exp`` overflowed in the forward pass (where NumPy's exp gives ∞), the
    iteration not begun: the caller has NumPy do that one. The parameters before the
    last iteration are kept only with ``track_previous`` (it costs a tuple per iteration,
    and only a diverging run needs them)."""
    names = _Names(plan)
    head = [
        "def loop(p, s, hyper, xs, ts, order, pos, count, per_epoch, esum, n, target, t,",
        "         errors_append, epoch_errors_append, wrap):",
        "    eta, neta, mom, beta1, beta2, omb1, omb2, epsilon = hyper",
        f"    {', '.join(names.params)}, = p",
        f"    {', '.join(names.state)}, = s",
        "    done = 0",
        "    status = 0",
        "    prev = None",
        "    E = 0.0",
        "    while done < count:",
    ]
    body = _step_lines(plan, names, track_previous) + _BOOKKEEPING.splitlines()
    tail = [
        f"    p[:] = ({', '.join(names.params)},)",
        f"    s[:] = ({', '.join(names.state)},)",
        "    return done, pos, esum, status, prev, t, E",
    ]
    return "\n".join(head + ["        " + line for line in body] + tail) + "\n"


Loop = Callable[..., tuple[int, int, float, int, tuple[float, ...] | None, int, float]]
_LOOPS: dict[tuple[Plan, bool], Loop] = {}


def compiled(plan: Plan, track_previous: bool = False) -> Loop:
    """The loop of ``plan``, generated and compiled once per plan."""
    loop = _LOOPS.get((plan, track_previous))
    if loop is None:
        scope: dict[str, Any] = {"exp": math.exp, "log": math.log, "sqrt": math.sqrt}
        code = source(plan, track_previous)
        exec(compile(code, f"<bpdesk small net {plan.sizes}>", "exec"), scope)
        loop = _LOOPS[plan, track_previous] = scope["loop"]
    return loop
