"""Derivations of neurons: the forward pass (net, out), the error, and the backward pass's δ."""

from __future__ import annotations

import math

from bpdesk.core.teaching.derivation_terms import (
    ACTIVATION_SLOPES,
    ELIDED,
    GLUED_TIMES,
    LOSS_SLOPES,
    MAX_SUM_TERMS,
    Reader,
    batch_mean,
    equation,
    fill,
    frac,
    heading,
    loss_template,
    name_formula,
    net_template,
    note,
    number,
    numbers,
    op,
    sum_numbers,
    sum_of,
    symbol,
    tag,
    words,
)
from bpdesk.core.teaching.equations.model import Line, Terms

__all__ = ["dE_dout_lines", "delta_lines", "neuron_lines", "slope_lines"]


def neuron_lines(r: Reader, level: int, j: int) -> tuple[Terms, list[Line]]:
    name = r.name(level, j)
    if level == 0:
        return _input(r, j)
    i = level - 1
    output = i == r.last
    role = "output neuron" if output else "hidden neuron"
    header: Terms = (words(f"{role.capitalize()} "), symbol(name))
    lines = [heading(words("Forward pass"))]
    lines += _net_and_out(r, i, j)
    if output:
        lines += _error_lines(r, j)
    lines.append(heading(words("Backward pass: its δ")))
    lines += delta_lines(r, i, j, with_parts=True)
    return header, lines


def _input(r: Reader, j: int) -> tuple[Terms, list[Line]]:
    name = r.name(0, j)
    spec = r.spec
    targets = spec.neuron_names(1)
    weights = [spec.weight_name(0, j, k) for k in range(len(targets))]
    lines = [
        heading(words("Input")),
        equation((symbol(name),), (number(r.carried_value(0, j), "forward"),)),
        note(
            words("The sample's value; it reaches "),
            symbol(", ".join(targets[:MAX_SUM_TERMS])),
            words(" through "),
            symbol(
                ", ".join(weights[:MAX_SUM_TERMS]) + (", ⋯" if len(weights) > MAX_SUM_TERMS else "")
            ),
            words("."),
        ),
    ]
    return (words("Input "), symbol(name)), lines


def _net_and_out(r: Reader, i: int, j: int) -> list[Line]:
    spec = r.spec
    layer = r.layer(i)
    name = r.name(i + 1, j)
    n_in = spec.sizes[i]
    col = r.bias_col(i, j)
    bias = spec.bias_name(i, col)
    symbols = [(symbol(f"{spec.weight_name(i, s, j)}·{r.carried(i, s)}"),) for s in range(n_in)]
    products = [
        numbers(
            [float(layer.w_before[s, j]), r.carried_value(i, s)],
            "forward",
            GLUED_TIMES,
            lead=s > 0,
        )
        for s in range(n_in)
    ]
    symbols.append((symbol(f"{bias}·1"),))
    products.append(
        numbers([float(layer.b_before[0, col]), 1.0], "forward", GLUED_TIMES, lead=True)
    )
    net = r.at(layer.net, j)
    lines = [
        equation(
            (symbol(f"net_{name}"),),
            sum_of(symbols),
            sum_of(products),
            (number(net, "forward"),),
            note=(words(f"the weighted sum of what comes in, plus the bias ({n_in + 1} terms)"),)
            if n_in + 1 > MAX_SUM_TERMS
            else (),
        )
    ]
    act = spec.activations[i]
    out = r.at(layer.out, j)
    formula = net_template(act.formula)
    rhs: list[Terms] = [name_formula(formula, {"n": f"net_{name}"})]
    if act.elementwise and formula != "{n}":
        rhs.append(fill(formula, {"n": net}, "forward"))
    rhs.append((number(out, "forward"),))
    lines.append(
        equation((symbol(f"out_{name}"),), *rhs, note=(words(f"the {act.label} of net_{name}"),))
    )
    return lines


def _error_lines(r: Reader, j: int) -> list[Line]:
    spec = r.spec
    name = r.name(spec.n_layers, j)
    loss = spec.loss_fn
    template = loss_template(loss.formula)
    out = r.at(r.layer(r.last).out, j)
    target = float(r.trace.targets[r.sample, j])
    k = float(spec.sizes[-1])
    lines = [
        heading(words("Its error")),
        equation(
            (symbol(f"E_{name}"),),
            name_formula(template, {"t": f"target_{name}", "o": f"out_{name}", "k": "n_outputs"}),
            fill(template, {"t": target, "o": out, "k": k}, "forward"),
            (number(r.at(r.trace.errors, j), "forward"),),
        ),
    ]
    outputs = spec.neuron_names(spec.n_layers)
    errors = [r.at(r.trace.errors, k2) for k2 in range(len(outputs))]
    terms = [(symbol(f"E_{o}"),) for o in outputs]
    sums = (sum_numbers(errors, "forward"),) if len(errors) > 1 else ()
    if r.batch == 1:
        lines.append(
            equation(
                (symbol("E_total"),), sum_of(terms), *sums, (number(r.trace.E_total, "forward"),)
            )
        )
    else:
        lines.append(
            equation(
                (symbol("E"), tag(" (sample 1)")),
                sum_of(terms),
                *sums,
                (number(float(r.trace.sample_errors[r.sample]), "forward"),),
            )
        )
        per_sample = [float(e) for e in r.trace.sample_errors]
        lines.append(
            equation(
                (symbol("E_total"),),
                *batch_mean(r, per_sample, "forward"),
                (number(r.trace.E_total, "forward"),),
            )
        )
    return lines


def delta_lines(r: Reader, i: int, j: int, *, with_parts: bool) -> list[Line]:
    """∂E_total/∂out, ∂out/∂net and δ = ∂E_total/∂net of neuron j of layer i."""
    lines: list[Line] = []
    if with_parts:
        lines += dE_dout_lines(r, i, j)
        lines += slope_lines(r, i, j)
    name = r.name(i + 1, j)
    layer = r.layer(i)
    act = r.spec.activations[i]
    delta = r.at(layer.delta, j)
    canonical = i == r.last and r.spec.loss_fn.canonical_activation == act.name
    if canonical:
        lines.append(
            equation(
                (symbol(f"δ_{name}"),),
                (frac("E_total", f"net_{name}"),),
                (symbol(f"out_{name} − target_{name}"),),
                (number(delta, "backward"),),
                note=(
                    words(f"the slopes of the {r.spec.loss_fn.label} and the {act.label} cancel"),
                ),
            )
        )
    elif not act.elementwise:
        lines.append(
            equation(
                (symbol(f"δ_{name}"),),
                (frac("E_total", f"net_{name}"),),
                (number(delta, "backward"),),
                note=(words(f"{act.label} ties the outputs together: δ sums over all of them"),),
            )
        )
    else:
        lines.append(
            equation(
                (symbol(f"δ_{name}"),),
                (frac("E_total", f"net_{name}"),),
                (frac("E_total", f"out_{name}"), op(" · "), frac(f"out_{name}", f"net_{name}")),
                numbers([r.at(layer.dE_dout, j), r.at(layer.dout_dnet, j)], "backward"),
                (number(delta, "backward"),),
            )
        )
    return lines


def dE_dout_lines(r: Reader, i: int, j: int) -> list[Line]:
    """∂E_total/∂out of neuron j of layer i: the loss's slope, or the sum over the layer above."""
    spec = r.spec
    name = r.name(i + 1, j)
    layer = r.layer(i)
    value = r.at(layer.dE_dout, j)
    lhs = (frac("E_total", f"out_{name}"),)
    if i == r.last:
        sym, num = LOSS_SLOPES.get(spec.loss, ("", ""))
        target = float(r.trace.targets[r.sample, j])
        out = r.at(layer.out, j)
        rhs: list[Terms] = []
        if sym:
            names = {"t": f"target_{name}", "o": f"out_{name}", "k": "n_outputs"}
            rhs.append(name_formula(sym, names))
            k = float(spec.sizes[-1])
            rhs.append(fill(num, {"t": target, "o": out, "k": k}, "forward"))
        rhs.append((number(value, "backward"),))
        return [equation(lhs, *rhs, note=(words(f"how fast the error grows with out_{name}"),))]
    above = spec.neuron_names(i + 2)
    fracs = [(frac(f"E_{k}", f"out_{name}"),) for k in above]
    terms = layer.dE_dout_terms
    values = [
        math.nan if terms is None else float(terms[r.sample, j, k]) for k in range(len(above))
    ]
    via = ", ".join(above) if len(above) <= 4 else f"the {len(above)} neurons above"
    if len(above) == 1:
        sides: list[Terms] = [sum_of(fracs)]
        meaning = f"out_{name} reaches the error only through {above[0]}"
    else:
        sides = [sum_of(fracs), sum_numbers(values, "backward")]
        meaning = f"out_{name} reaches the error through {via}: the effects add up"
    lines = [
        equation(lhs, *sides, (number(value, "backward"),), note=(words(meaning),)),
    ]
    lines += _term_lines(r, i, j, values)
    return lines


def _term_lines(r: Reader, i: int, j: int, values: list[float]) -> list[Line]:
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
        delta_sym = f"E_{kname}" if output_above else "E_total"
        weight = spec.weight_name(i + 1, j, k)
        w_value = r.weight_above(i, j, k)
        lines.append(
            equation(
                (frac(f"E_{kname}", f"out_{name}"),),
                (frac(delta_sym, f"net_{kname}"), op(" · "), frac(f"net_{kname}", f"out_{name}")),
                numbers([r.at(above_layer.delta, k), w_value], "backward"),
                (number(values[k], "backward"),),
                note=(
                    words(f"δ of {kname} times the weight "),
                    symbol(weight),
                    words(f" that carries out_{name} into net_{kname}"),
                ),
            )
        )
    if len(shown) < len(above):
        lines.append(note(words(f"{ELIDED} {len(above) - len(shown)} more terms like these")))
    if r.trace.update_order == "sequential":
        lines.append(
            note(
                words(
                    "Sequential order: these weights were already updated when this δ was "
                    "computed, so they are not the ones the forward pass used (the lecture "
                    "shows this as the incorrect variant)."
                )
            )
        )
    return lines


def slope_lines(r: Reader, i: int, j: int) -> list[Line]:
    name = r.name(i + 1, j)
    layer = r.layer(i)
    act = r.spec.activations[i]
    sym, num = ACTIVATION_SLOPES.get(act.name, (act.slope_formula, ""))
    rhs: list[Terms] = [name_formula(sym, {"o": f"out_{name}", "n": f"net_{name}"})]
    if num:
        rhs.append(fill(num, {"o": r.at(layer.out, j), "n": r.at(layer.net, j)}, "forward"))
    rhs.append((number(r.at(layer.dout_dnet, j), "backward"),))
    return [
        equation(
            (frac(f"out_{name}", f"net_{name}"),),
            *rhs,
            note=(words(f"the slope of the {act.label} at net_{name}"),),
        )
    ]
