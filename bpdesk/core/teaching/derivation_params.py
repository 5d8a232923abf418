"""Derivations of weights and biases: the chain rule for their gradient, and their update."""

from __future__ import annotations

import math

import numpy as np

from bpdesk.core.teaching.derivation_neurons import dE_dout_lines, delta_lines, slope_lines
from bpdesk.core.teaching.derivation_terms import (
    Reader,
    batch_mean,
    equation,
    frac,
    heading,
    number,
    numbers,
    op,
    sum_numbers,
    sum_of,
    symbol,
    tag,
    words,
)
from bpdesk.core.teaching.equations.model import Line, Term, Terms

__all__ = ["bias_lines", "weight_lines"]


def weight_lines(r: Reader, i: int, s: int, j: int) -> tuple[Terms, list[Line]]:
    spec = r.spec
    w = spec.weight_name(i, s, j)
    source, target = r.name(i, s), r.name(i + 1, j)
    output = i == r.last
    header: Terms = (
        words("Weight "),
        symbol(w),
        words(":  "),
        symbol(source),
        words(" → "),
        symbol(target),
        words(f"  ({'output' if output else 'hidden'} layer)"),
    )
    layer = r.layer(i)
    act = spec.activations[i]
    grad = float(layer.grad_w[s, j])
    carried = r.carried_value(i, s)
    two_factor = output and (spec.loss_fn.canonical_activation == act.name or not act.elementwise)
    lines = [heading(words("Chain rule"))]
    chain: Terms
    if two_factor:
        chain = (frac("E_total", f"net_{target}"), op(" · "), frac(f"net_{target}", f"{w}"))
        factors = [r.at(layer.delta, j), carried]
        phases = ["backward", "forward"]
    else:
        chain = (
            frac("E_total", f"out_{target}"),
            op(" · "),
            frac(f"out_{target}", f"net_{target}"),
            op(" · "),
            frac(f"net_{target}", f"{w}"),
        )
        factors = [r.at(layer.dE_dout, j), r.at(layer.dout_dnet, j), carried]
        phases = ["backward", "backward", "forward"]
    lhs = (frac("E_total", f"{w}"),)
    if r.batch == 1:
        lines.append(equation(lhs, chain, numbers(factors, phases), (number(grad, "backward"),)))
    else:
        products = layer.delta[:, j] * r.carried_column(i, s)
        lines.append(
            equation(
                (*lhs, tag(" (sample 1)")),
                chain,
                numbers(factors, phases),
                (number(float(products[r.sample]), "backward"),),
            )
        )
        lines.append(
            equation(
                lhs,
                *batch_mean(r, [float(p) for p in products], "backward"),
                (number(grad, "backward"),),
            )
        )
    lines.append(heading(words("The factors")))
    if two_factor:
        lines += delta_lines(r, i, j, with_parts=False)
    else:
        lines += dE_dout_lines(r, i, j)
        lines += slope_lines(r, i, j)
    lines += _dnet_dw_lines(r, i, s, j)
    lines.append(heading(words("Update")))
    lines += _update_lines(
        r,
        w,
        before=float(layer.w_before[s, j]),
        grad=grad,
        carried=float(layer.momentum_w[s, j]),
        change=float(layer.weight_change[s, j]),
        after=float(layer.w_after[s, j]),
        decayed=True,
    )
    return header, lines


def _dnet_dw_lines(r: Reader, i: int, s: int, j: int) -> list[Line]:
    spec = r.spec
    w = spec.weight_name(i, s, j)
    target = r.name(i + 1, j)
    carried = r.carried(i, s)
    n_in = spec.sizes[i]
    terms = [(symbol(f"{spec.weight_name(i, k, j)}·{r.carried(i, k)}"),) for k in range(n_in)]
    col = r.bias_col(i, j)
    terms.append((symbol(f"{spec.bias_name(i, col)}·1"),))
    return [
        equation(
            (frac(f"net_{target}", f"{w}"),),
            (symbol(carried),),
            (number(r.carried_value(i, s), "forward"),),
            note=(
                symbol(f"net_{target} = "),
                *sum_of(terms),
                words(f": only {w}·{carried} depends on {w}"),
            ),
        )
    ]


# ---------------------------------------------------------------- biases
def bias_lines(r: Reader, i: int, col: int) -> tuple[Terms, list[Line]]:
    spec = r.spec
    b = spec.bias_name(i, col)
    neurons = list(range(spec.sizes[i + 1])) if spec.shared_bias else [col]
    names = [r.name(i + 1, j) for j in neurons]
    fed = ", ".join(names) if len(names) <= 4 else f"the {len(names)} neurons of its layer"
    shared = spec.shared_bias and len(names) > 1
    header: Terms = (
        words("Bias "),
        symbol(b),
        words(f"  ({'shared by' if shared else 'of'} {fed})"),
    )
    layer = r.layer(i)
    grad = float(layer.grad_b[0, col])
    deltas = [r.at(layer.delta, j) for j in neurons]
    fracs = [(frac("E_total", f"net_{n}"),) for n in names]
    lhs = (frac("E_total", f"{b}"),)
    lines = [heading(words("Gradient"))]
    note = (
        words("∂net/∂"),
        symbol(b),
        words(" = 1 (the bias's input is always 1), so this is the sum of the δ's it feeds")
        if shared
        else words(f" = 1 (the bias's input is always 1), so this is δ of {names[0]}"),
    )
    if r.batch == 1:
        sums = (sum_numbers(deltas, "backward"),) if len(deltas) > 1 else ()
        lines.append(equation(lhs, sum_of(fracs), *sums, (number(grad, "backward"),), note=note))
    else:
        sample = float(np.sum(deltas))
        sums = (sum_numbers(deltas, "backward"),) if len(deltas) > 1 else ()
        lines.append(
            equation(
                (*lhs, tag(" (sample 1)")),
                sum_of(fracs),
                *sums,
                (number(sample, "backward"),),
                note=note,
            )
        )
        per_sample = [float(np.sum(layer.delta[n, neurons])) for n in range(r.batch)]
        mean = batch_mean(r, per_sample, "backward")
        lines.append(equation(lhs, *mean, (number(grad, "backward"),)))
    lines.append(heading(words("Update")))
    if not r.trace.train_biases:
        lines.append(
            equation(
                (symbol(f"{b}+"),),
                (symbol(b),),
                (number(float(layer.b_before[0, col]), "forward"),),
                note=(words("the lecture keeps biases fixed: bias training is off"),),
            )
        )
        return header, lines
    lines += _update_lines(
        r,
        b,
        before=float(layer.b_before[0, col]),
        grad=grad,
        carried=float(layer.momentum_b[0, col]),
        change=float(layer.bias_change[0, col]),
        after=float(layer.b_after[0, col]),
    )
    return header, lines


# ---------------------------------------------------------------- updates
def _update_lines(
    r: Reader,
    p: str,
    *,
    before: float,
    grad: float,
    carried: float,
    change: float,
    after: float,
    decayed: bool = False,
) -> list[Line]:
    """How parameter ``p`` moves: w+ = w − η ∂E/∂w, with momentum or another optimiser; a
    weight (``decayed``) under weight decay λ > 0 follows ∂E/∂w + λ·w instead."""
    trace = r.trace
    eta = trace.eta
    alpha = trace.momentum
    dE_dp: Term = frac("E_total", p)
    decay: list[Line] = []
    if decayed and trace.weight_decay:
        decay, grad = _decay_lines(p, before, grad, trace.weight_decay)
        dE_dp = words(f"(∂E_total/∂{p} + λ·{p})")
    if trace.optimizer == "gd" and alpha == 0:
        return [
            *decay,
            equation(
                (symbol(f"{p}+"),),
                (symbol(p), op(" − "), symbol("η"), op(" · "), dE_dp),
                (number(before, "forward"), op(" − "), *numbers([eta, grad], "backward")),
                (number(after, "update"),),
                note=(words("a step against the gradient, scaled by the learning rate η = "),
                      number(eta, "forward")),
            )
        ]  # fmt: skip
    lines: list[Line] = list(decay)
    if trace.optimizer == "gd":
        previous = carried / alpha if not math.isnan(carried) else math.nan
        lines.append(
            equation(
                (symbol(f"Δ{p}"),),
                (op("−"), symbol("η"), op(" · "), dE_dp, op(" + "), symbol(f"α · Δ{p}(t−1)")),
                (
                    op("−"),
                    *numbers([eta, grad], "backward"),
                    op(" + "),
                    *numbers([alpha, previous], "update"),
                ),
                (number(change, "update"),),
                note=(
                    words("gradient descent with momentum α = "),
                    number(alpha, "forward"),
                    words(": part of the previous step carries over"),
                ),
            )
        )
    else:
        lines.append(
            equation((symbol(f"Δ{p}"),), (number(change, "update"),), note=_optimizer_note(r))
        )
    lines.append(
        equation(
            (symbol(f"{p}+"),),
            (symbol(p), op(" + "), symbol(f"Δ{p}")),
            (number(before, "forward"), op(" + "), number(change, "update", term=True)),
            (number(after, "update"),),
        )
    )
    return lines


def _decay_lines(p: str, before: float, grad: float, lam: float) -> tuple[list[Line], float]:
    """The slope a decayed weight follows, ∂E/∂w + λ·w, and its value (as the optimiser
    computes it: ``backprop.with_weight_decay``)."""
    total = grad + lam * before
    line = equation(
        (words(f"(∂E_total/∂{p} + λ·{p})"),),
        (number(grad, "backward"), op(" + "), *numbers([lam, before], "forward", lead=True)),
        (number(total, "update"),),
        note=(
            words("weight decay λ = "),
            number(lam, "forward"),
            words(": the slope of E + λ/2 Σw², pulling every weight towards 0 (not the biases)"),
        ),
    )
    return [line], total


def _optimizer_note(r: Reader) -> Terms:
    trace = r.trace
    if trace.optimizer == "nesterov":
        return (
            words("Nesterov momentum, α = "),
            number(trace.momentum, "forward"),
            words(": v(t) = α v(t−1) − η ∂E/∂w, Δw = α v(t) − η ∂E/∂w"),
        )
    if trace.optimizer == "adam":
        return (
            words("Adam, η = "),
            number(trace.eta, "forward"),
            words(": Δw = −η m̂ / (√v̂ + ε), m̂ and v̂ running means of ∂E/∂w and of its square"),
        )
    if trace.optimizer == "lm":
        mu = trace.lm.mu_before if trace.lm is not None else math.nan
        return (
            words("Levenberg–Marquardt moves every weight at once by a damped Gauss–Newton step, "
               "μ = "),
            number(mu, "update"),
        )  # fmt: skip
    return (words(f"the {trace.optimizer} optimiser's step"),)
