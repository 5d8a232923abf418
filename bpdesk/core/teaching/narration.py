"""Plain sentences, in the lecture's notation, saying what a sub-step just did and why.

Each sentence reads its numbers straight from the trace's arrays (sample 0 of the batch),
so narrating one neuron costs the same in a network of any size. A press that did many
sub-steps (a whole pass through a large network) is told by its first and last few
sub-steps, and a sum or list of many terms by its first and last terms: what is on
screen stays readable and quick to lay out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bpdesk.core.formatting import format_term as t
from bpdesk.core.formatting import format_value as f
from bpdesk.core.stepping.trace import Op, StepTrace

__all__ = ["MAX_PARAGRAPHS", "MAX_TERMS", "narrate", "narrate_op"]

_OUT = re.compile(r"\bout\b")  # "out" in a formula, not in "n_outputs"
_TARGET = re.compile(r"\b(?:target|t)\b")  # the target, written t in some formulas
MAX_PARAGRAPHS = 12  # sub-steps told in full; beyond, the first and last few
HEAD_PARAGRAPHS = 5  # of those, how many from the start
MAX_TERMS = 8  # terms of a sum or list written out; beyond, the first and last few
HEAD_TERMS = 6

_SQUASH = {
    "sigmoid": "the logistic function squashes it",
    "tanh": "tanh squashes it into (−1, 1)",
    "relu": "ReLU keeps it if positive and gives 0 otherwise",
    "leaky_relu": "leaky ReLU keeps it if positive and scales it by 0.01 otherwise",
    "linear": "a linear neuron passes it on unchanged",
    "softmax": "softmax turns the outputs' nets into probabilities that add up to 1",
}


def _chosen(count: int, limit: int, head: int) -> tuple[list[int], int]:
    """The indices of ``count`` items to write out (all of them up to ``limit``, else the
    first ``head`` and the last ``limit - head``) and how many are left out."""
    if count <= limit:
        return list(range(count)), 0
    tail = limit - head
    return [*range(head), *range(count - tail, count)], count - limit


def _listing(count: int, item: Callable[[int], str], separator: str) -> str:
    """``item(0) separator item(1) …``; a long list keeps its first and last terms and says
    how many are left out in between (only the terms written out are formatted)."""
    chosen, left_out = _chosen(count, MAX_TERMS, HEAD_TERMS)
    texts = [item(k) for k in chosen]
    if not left_out:
        return separator.join(texts)
    more = f"… ({left_out} more) …"
    return separator.join([*texts[:HEAD_TERMS], more, *texts[HEAD_TERMS:]])


def narrate(trace: StepTrace, since: int = 0) -> str:
    """What the sub-steps ``since`` … ``trace.done`` did, one paragraph each (many
    sub-steps: the first and last few, and a line saying how many lie between)."""
    ops = trace.ops[since : trace.done]
    chosen, left_out = _chosen(len(ops), MAX_PARAGRAPHS, HEAD_PARAGRAPHS)
    paragraphs = [narrate_op(trace, ops[k], batch_note=False) for k in chosen]
    if left_out:
        skipped = (
            f"… {left_out} more sub-steps of the same kind, one neuron or layer each. "
            "Click any neuron or weight in the drawing to see its numbers in the "
            "Derivation panel. …"
        )
        paragraphs.insert(HEAD_PARAGRAPHS, skipped)
    if any(op.kind != "update" for op in ops) and _sample_note(trace):
        paragraphs.insert(0, _sample_note(trace).strip())
    return "\n\n".join(p for p in paragraphs if p)


def narrate_op(trace: StepTrace, op: Op, *, batch_note: bool = True) -> str:
    """The paragraph for one sub-step ``op`` of ``trace`` (in a batch, opened by a sentence
    saying the numbers are sample 1's, unless ``batch_note`` is False)."""
    if op.kind == "update":
        return _update(trace, op)
    note = _sample_note(trace) if batch_note else ""
    if op.kind == "forward":
        return note + _forward(trace, op)
    if op.kind == "error":
        return note + _error(trace)
    return note + _backward(trace, op)


def _carried(trace: StepTrace, i: int) -> tuple[Sequence[str], Sequence[float]]:
    """The names and values (sample 0) that weight layer ``i`` multiplies."""
    below = trace.spec.neuron_names(i)
    if i == 0:
        return below, trace.inputs[0]
    return [f"out_{b}" for b in below], trace.layers[i - 1].out[0]


def _forward(trace: StepTrace, op: Op) -> str:
    spec = trace.spec
    i, j = op.layer, op.neuron
    layer = trace.layers[i]
    n = spec.neuron_names(i + 1)[j]
    column = 0 if spec.shared_bias else j
    bias = spec.bias_name(i, column)
    carried, values = _carried(trace, i)
    weights = layer.w_before[:, j]
    symbols = _listing(len(carried), lambda s: f"{spec.weight_name(i, s, j)}·{carried[s]}", " + ")
    numbers = _listing(len(carried), lambda s: f"{t(weights[s])}×{t(values[s])}", " + ")
    sources = "inputs" if i == 0 else "inputs from the layer below"
    act = spec.activations[i]
    return (
        f"{n} adds up its weighted {sources}: net_{n} = {symbols} + {bias}·1 = "
        f"{numbers} + {t(layer.b_before[0, column])}×1 = {f(layer.net[0, j])}; "
        f"{_SQUASH[act.name]}: "
        f"out_{n} = {act.formula.replace('net', f'net_{n}')} = {f(layer.out[0, j])}."
    )


def _sample_note(trace: StepTrace) -> str:
    """For a batch: a sentence saying whose numbers come first (empty for one sample)."""
    batch = trace.inputs.shape[0]
    if batch == 1:
        return ""
    return f"A batch of {batch} samples: the numbers are sample 1's, except the batch means. "


def _mean(values: Sequence[float]) -> str:
    """``(a + b + c) / 3`` for the batch's per-sample values (first and last when many)."""
    listed = _listing(len(values), lambda n: t(values[n]) if n else f(values[n]), " + ")
    return f"({listed}) / {len(values)}"


def _error(trace: StepTrace) -> str:
    spec = trace.spec
    outs = spec.neuron_names(spec.n_layers)
    formula = spec.loss_fn.formula

    def part(k: int) -> str:
        o = outs[k]
        said = _OUT.sub(f"out_{o}", _TARGET.sub(f"target_{o}", formula))
        return f"E_{o} = {said} = {f(trace.errors[0, k])}"

    batch = trace.inputs.shape[0]
    names = _listing(len(outs), lambda k: f"E_{outs[k]}", " + ")
    if len(outs) == 1:
        summed = f"E = {names} = {f(trace.sample_errors[0])}"
    else:
        terms = _listing(len(outs), lambda k: t(trace.errors[0, k]), " + ")
        summed = f"E = {names} = {terms} = {f(trace.sample_errors[0])}"
    if batch == 1:
        total = f"The network's total error is {summed.replace('E = ', 'E_total = ', 1)}."
    else:
        total = (
            f"This sample's error is {summed}. The network's total error is the mean over "
            f"the batch's {batch} samples: E_total = {_mean(trace.sample_errors.tolist())}"
            f" = {f(trace.E_total)}."
        )
    return (
        "Each output is compared with its target: "
        f"{_listing(len(outs), part, '; ')}. {total} That is what the backward pass will reduce."
    )


def _blame(trace: StepTrace, i: int, j: int) -> str:
    """∂E_total/∂out of neuron j of layer i (sample 1), in words and numbers."""
    spec = trace.spec
    layer = trace.layers[i]
    n = spec.neuron_names(i + 1)[j]
    blame_value = f(layer.dE_dout[0, j])
    if i == spec.n_layers - 1:
        return (
            f"How much does the error change when out_{n} changes? "
            f"∂E_total/∂out_{n} = {blame_value}."
        )
    above = spec.neuron_names(i + 2)
    above_delta = trace.layers[i + 1].delta

    def weight(k: int) -> float:
        used = layer.weights_above
        return float(trace.layers[i + 1].w_before[j, k] if used is None else used[j, k])

    if len(above) == 1:
        a = above[0]
        w = spec.weight_name(i + 1, j, 0)
        return (
            f"{n} feeds only {a}, so a change in out_{n} changes the error through {a} "
            f"alone: ∂E_total/∂out_{n} = ∂E_{a}/∂out_{n} = δ_{a} × {w} = "
            f"{f(above_delta[0, 0])} × {t(weight(0))} = {blame_value}."
        )
    terms_array = layer.dE_dout_terms
    terms = _listing(len(above), lambda k: f"∂E_{above[k]}/∂out_{n}", " + ")
    numbers = _listing(
        len(above),
        lambda k: t(float("nan") if terms_array is None else terms_array[0, j, k]),
        " + ",
    )
    return (
        f"{n} feeds {_listing(len(above), lambda k: above[k], ', ')}, so a change in "
        f"out_{n} changes the error through each of them, and the changes add up: "
        f"∂E_total/∂out_{n} = {terms} = {numbers} = {blame_value} (each term is that "
        f"neuron's δ times its weight from {n})."
    )


def _backward(trace: StepTrace, op: Op) -> str:
    spec = trace.spec
    i, j = op.layer, op.neuron
    layer = trace.layers[i]
    n = spec.neuron_names(i + 1)[j]
    delta = f(layer.delta[0, j])
    slope = (
        f"The slope of {n}'s activation is ∂out_{n}/∂net_{n} = {f(layer.dout_dnet[0, j])}, "
        f"so δ_{n} = ∂E_total/∂net_{n} = {delta}."
    )
    if i == 0:
        carried_all = trace.inputs
    else:
        carried_all = trace.layers[i - 1].out
    batch = trace.inputs.shape[0]

    names, _ = _carried(trace, i)

    def weight(s: int) -> str:
        w = spec.weight_name(i, s, j)
        mean = f(layer.grad_w[s, j])
        if batch == 1:
            return f"∂E_total/∂{w} = {delta} × {t(carried_all[0, s])} = {mean}"
        products = (layer.delta[:, j] * carried_all[:, s]).tolist()
        return (
            f"∂E_total/∂{w} (sample 1) = δ_{n} × {names[s]} = {delta} × "
            f"{t(carried_all[0, s])} = {f(products[0])}, and over the batch "
            f"∂E_total/∂{w} = {_mean(products)} = {mean}"
        )

    weights = _listing(spec.sizes[i], weight, "; " if batch > 1 else ", ")
    gets = (
        f"Each weight into {n} gets δ_{n} times the value it carried forward"
        if batch == 1
        else f"Each weight into {n} gets the mean over the batch of δ_{n} times the value it "
        "carried forward, one product per sample"
    )
    return f"{_blame(trace, i, j)} {slope} {gets}: {weights}."


def _update(trace: StepTrace, op: Op) -> str:
    spec = trace.spec
    layers = range(spec.n_layers) if op.layer < 0 else [op.layer]
    # Every weight moved, in the order of their names: (layer, source, target).
    moved = [
        (i, s, j) for i in layers for j in range(spec.sizes[i + 1]) for s in range(spec.sizes[i])
    ]

    def listing(say: Callable[[str, int, int, int], str]) -> str:
        return _listing(len(moved), lambda k: say(spec.weight_name(*moved[k]), *moved[k]), ", ")

    def after(w: str, i: int, s: int, j: int) -> str:
        return f"{w}+ = {f(trace.layers[i].w_after[s, j])}"

    if trace.optimizer == "lm":
        lm = trace.lm
        detail = (
            f"Levenberg–Marquardt moves every weight at once by a damped Gauss–Newton step "
            f"(μ = {f(lm.mu_before) if lm else '…'})"
        )
        if lm is not None and lm.rejected:
            detail += f"; {lm.rejected} trial step(s) raised the error and were rejected"
        return detail + ". " + listing(after) + "."
    eta = f(trace.eta)
    decay = (
        f"; weight decay λ = {f(trace.weight_decay)} adds λ·w to each weight's gradient "
        "(not to the biases'), pulling the weights towards 0"
        if trace.weight_decay
        else ""
    )
    if trace.optimizer == "gd" and trace.momentum == 0 and not decay:
        rule = f"Each weight takes a step against its gradient, scaled by η = {eta}"

        def move(w: str, i: int, s: int, j: int) -> str:
            layer = trace.layers[i]
            return (
                f"{w}+ = {f(layer.w_before[s, j])} − {eta} × {t(layer.grad_w[s, j])} = "
                f"{f(layer.w_after[s, j])}"
            )
    else:
        rule = (
            f"Each weight moves by Δw = −η ∂E/∂w + α Δw(t−1) with η = {eta} and "
            f"α = {f(trace.momentum)}"
            if trace.optimizer == "gd"
            else f"Each weight moves by the step {trace.optimizer} computes from its gradient"
        ) + decay

        def move(w: str, i: int, s: int, j: int) -> str:
            layer = trace.layers[i]
            return (
                f"{w}+ = {f(layer.w_before[s, j])} + {t(layer.weight_change[s, j])} = "
                f"{f(layer.w_after[s, j])}"
            )

    moves = listing(move)
    if trace.update_order == "sequential":
        why = (
            " This is the sequential order: these new weights are already in place when the "
            "layer below computes its δ, so that layer's gradients no longer belong to the "
            "weights the forward pass used. The lecture shows it as the incorrect variant."
        )
    else:
        why = (
            " Every gradient was computed with the old weights before any weight changed "
            "(a simultaneous update), so each step follows the true slope of the error at "
            "one point."
        )
    frozen = "" if trace.train_biases else " The biases stay fixed, as in the lecture."
    return f"{rule}: {moves}.{why}{frozen}"
