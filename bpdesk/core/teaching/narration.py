"""Plain sentences, in the lecture's notation, saying what a sub-step just did and why."""

from __future__ import annotations

from bpdesk.core.formatting import format_term as t
from bpdesk.core.formatting import format_value as f
from bpdesk.core.stepping.trace import Op, StepTrace

__all__ = ["narrate", "narrate_op"]

_SQUASH = {
    "sigmoid": "the logistic function squashes it",
    "tanh": "tanh squashes it into (−1, 1)",
    "relu": "ReLU keeps it if positive and gives 0 otherwise",
    "leaky_relu": "leaky ReLU keeps it if positive and scales it by 0.01 otherwise",
    "linear": "a linear neuron passes it on unchanged",
    "softmax": "softmax turns the outputs' nets into probabilities that add up to 1",
}


def narrate(trace: StepTrace, since: int = 0) -> str:
    """What the sub-steps ``since`` … ``trace.done`` did, one paragraph each."""
    paragraphs = [narrate_op(trace, op) for op in trace.ops[since : trace.done]]
    return "\n\n".join(p for p in paragraphs if p)


def narrate_op(trace: StepTrace, op: Op) -> str:
    if op.kind == "forward":
        return _forward(trace, op)
    if op.kind == "error":
        return _error(trace)
    if op.kind == "backward":
        return _backward(trace, op)
    return _update(trace, op)


def _forward(trace: StepTrace, op: Op) -> str:
    spec = trace.spec
    v = trace.named_values()
    i, j = op.layer, op.neuron
    n = spec.neuron_names(i + 1)[j]
    below = spec.neuron_names(i)
    bias = spec.bias_name(i, 0 if spec.shared_bias else j)
    carried = [b if i == 0 else f"out_{b}" for b in below]
    symbols = " + ".join(f"{spec.weight_name(i, s, j)}·{c}" for s, c in enumerate(carried))
    numbers = " + ".join(
        f"{t(v[spec.weight_name(i, s, j)])}×{t(v[c])}" for s, c in enumerate(carried)
    )
    sources = "inputs" if i == 0 else "inputs from the layer below"
    act = spec.activations[i]
    return (
        f"{n} adds up its weighted {sources}: net_{n} = {symbols} + {bias}·1 = "
        f"{numbers} + {t(v[bias])}×1 = {f(v[f'net_{n}'])}; {_SQUASH[act.name]}: "
        f"out_{n} = {act.formula.replace('net', f'net_{n}')} = {f(v[f'out_{n}'])}."
    )


def _error(trace: StepTrace) -> str:
    spec = trace.spec
    v = trace.named_values()
    outs = spec.neuron_names(spec.n_layers)
    parts = [
        f"E_{o} = "
        f"{spec.loss_fn.formula.replace('target', f'target_{o}').replace('out', f'out_{o}')}"
        f" = {f(v[f'E_{o}'])}"
        for o in outs
    ]
    batch = trace.inputs.shape[0]
    mean = "" if batch == 1 else f" (the mean over the {batch} samples of the batch)"
    return (
        "Each output is compared with its target: " + "; ".join(parts) + ". "
        f"The network's total error is their sum{mean}: E_total = {f(trace.E_total)}. "
        "That is what the backward pass will reduce."
    )


def _backward(trace: StepTrace, op: Op) -> str:
    spec = trace.spec
    v = trace.named_values()
    i, j = op.layer, op.neuron
    n = spec.neuron_names(i + 1)[j]
    last = i == spec.n_layers - 1
    if last:
        blame = (
            f"How much does the error change when out_{n} changes? "
            f"∂E_total/∂out_{n} = {f(v[f'dE_total/dout_{n}'])}."
        )
    else:
        above = spec.neuron_names(i + 2)
        terms = " + ".join(f"∂E_{k}/∂out_{n}" for k in above)
        numbers = " + ".join(t(v[f"dE_{k}/dout_{n}"]) for k in above)
        blame = (
            f"{n} feeds {', '.join(above)}, so a change in out_{n} changes the error through each "
            f"of them, and the changes add up: ∂E_total/∂out_{n} = {terms} = {numbers} = "
            f"{f(v[f'dE_total/dout_{n}'])} (each term is that neuron's δ times its weight "
            f"from {n})."
        )
    slope = (
        f"The slope of {n}'s activation is ∂out_{n}/∂net_{n} = {f(v[f'dout_{n}/dnet_{n}'])}, "
        f"so δ_{n} = ∂E_total/∂net_{n} = {f(v[f'dE_total/dnet_{n}'])}."
    )
    below = spec.neuron_names(i)
    weights = ", ".join(
        f"∂E_total/∂{spec.weight_name(i, s, j)} = {f(v[f'dE_total/dnet_{n}'])} × "
        f"{t(v[f'dnet_{n}/d{spec.weight_name(i, s, j)}'])} = "
        f"{f(v[f'dE_total/d{spec.weight_name(i, s, j)}'])}"
        for s in range(len(below))
    )
    return (
        f"{blame} {slope} Each weight into {n} gets δ_{n} times the value it carried "
        f"forward: {weights}."
    )


def _update(trace: StepTrace, op: Op) -> str:
    spec = trace.spec
    v = trace.named_values()
    layers = range(spec.n_layers) if op.layer < 0 else [op.layer]
    names = [
        spec.weight_name(i, s, j)
        for i in layers
        for j in range(spec.sizes[i + 1])
        for s in range(spec.sizes[i])
    ]
    if trace.optimizer == "lm":
        lm = trace.lm
        detail = (
            f"Levenberg–Marquardt moves every weight at once by a damped Gauss–Newton step "
            f"(μ = {f(lm.mu_before) if lm else '…'})"
        )
        if lm is not None and lm.rejected:
            detail += f"; {lm.rejected} trial step(s) raised the error and were rejected"
        return detail + ". " + ", ".join(f"{w}+ = {f(v[f'{w}+'])}" for w in names) + "."
    if trace.optimizer == "gd" and trace.momentum == 0:
        rule = f"Each weight takes a step against its gradient, scaled by η = {f(trace.eta)}"
        moves = ", ".join(
            f"{w}+ = {f(v[w])} − {f(trace.eta)} × {t(v[f'dE_total/d{w}'])} = {f(v[f'{w}+'])}"
            for w in names
        )
    else:
        rule = (
            f"Each weight moves by Δw = −η ∂E/∂w + α Δw(t−1) with η = {f(trace.eta)} and "
            f"α = {f(trace.momentum)}"
            if trace.optimizer == "gd"
            else f"Each weight moves by the step {trace.optimizer} computes from its gradient"
        )
        moves = ", ".join(f"{w}+ = {f(v[w])} + {t(v[f'Δ{w}'])} = {f(v[f'{w}+'])}" for w in names)
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
