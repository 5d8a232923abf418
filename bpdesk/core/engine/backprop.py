"""The backward pass, one layer at a time: δ from the layer above, gradients from δ.

Every function works on one network (arrays of samples × neurons) and on a stack
of K networks trained together (K × samples × neurons). The step machine applies
them a layer at a time, sweeps and the gradient check through ``backward_pass``;
the fast trainer writes the same arithmetic out with every lookup hoisted (a test
checks that all three compute the same run).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.activations import Activation
from bpdesk.core.engine.losses import Loss

__all__ = [
    "Layer",
    "backward_pass",
    "batch_error",
    "bias_gradient",
    "forward_to_output_delta",
    "hidden_delta",
    "layer_gradients",
    "output_delta",
    "sample_errors",
    "weight_decay_penalty",
    "weight_gradient",
    "with_weight_decay",
]

Array = NDArray[np.float64]
# One layer as the lean loops hold it: activation, its slope, whether it acts neuron by neuron.
Layer = tuple[Callable[[Array], Array], Callable[[Array, Array], Array], bool]


def sample_errors(loss: Loss, out: Array, target: Array) -> tuple[Array, Array]:
    """Each output's error term E_o and each sample's error Σ_o E_o."""
    per_output = loss.per_output(out, target)
    return per_output, per_output.sum(axis=-1)


def batch_error(per_output: Array) -> Array:
    """E of a batch: the mean over its samples of Σ over outputs (one value per network of a
    stack). Summed in one pass over samples × outputs, the same way everywhere."""
    n_samples = per_output.shape[-2]
    total: Array = per_output.sum(axis=(-2, -1))
    return total / n_samples if n_samples != 1 else total


def output_delta(
    loss: Loss, activation: Activation, net: Array, out: Array, target: Array
) -> tuple[Array, Array]:
    """∂E/∂out and δ = ∂E/∂net for the output layer, per sample.

    Where the loss's slope and the activation's slope cancel (sigmoid with binary
    cross-entropy, softmax with categorical cross-entropy) δ is taken as out − target
    directly, which is the same number without the division by out(1 − out).
    """
    dE_dout = loss.grad(out, target)
    if loss.canonical_activation == activation.name:
        delta: Array = out - target
    else:
        delta = activation.backprop(net, out, dE_dout)
    return dE_dout, delta


def hidden_delta(
    delta_above: Array, weights_above: Array, activation: Activation, net: Array, out: Array
) -> tuple[Array, Array]:
    """∂E/∂out = Σ_k δ_k w(h→k) and δ = ∂E/∂out · ∂out/∂net for a hidden layer.

    The weights above are transposed into a row-major copy first: NumPy then takes the
    same matrix–vector kernel as in the forward pass, which on small layers adds the
    terms k = 1, 2, … in order, as ``small_net``'s plain floats do (a transposed view
    takes another kernel, which fuses multiply and add)."""
    above_t = np.ascontiguousarray(weights_above.swapaxes(-1, -2))
    dE_dout: Array = delta_above @ above_t
    return dE_dout, activation.backprop(net, out, dE_dout)


def weight_gradient(out_below: Array, delta: Array) -> Array:
    """∂E/∂w = mean over the batch's samples of out_below · δ."""
    n_samples = delta.shape[-2]
    grad_w: Array = out_below.swapaxes(-1, -2) @ delta
    return grad_w / n_samples if n_samples != 1 else grad_w


def bias_gradient(delta: Array, shared_bias: bool) -> Array:
    """∂E/∂b = mean over the batch of δ (summed over the layer when the bias is shared)."""
    n_samples = delta.shape[-2]
    grad_b: Array = delta.sum(axis=-2, keepdims=True)
    if shared_bias:
        grad_b = grad_b.sum(axis=-1, keepdims=True)
    return grad_b / n_samples if n_samples != 1 else grad_b


def with_weight_decay(dE_dw: Array, weights: Array, weight_decay: float | Array) -> Array:
    """The gradient an update follows under L2 weight decay: ∂E/∂w + λ·w, the slope of
    E + λ/2 Σ w². THE one place the decay enters the chain rule (the optimisers call it for
    weights only: biases are not decayed, so a neuron may still shift its threshold freely)."""
    result: Array = dE_dw + weight_decay * weights
    return result


def weight_decay_penalty(weights: Sequence[Array], weight_decay: float) -> float:
    """λ/2 Σ w² over every weight (no bias): what weight decay adds to the error it descends."""
    return 0.5 * weight_decay * float(sum(float(np.sum(w * w)) for w in weights))


def layer_gradients(out_below: Array, delta: Array, shared_bias: bool) -> tuple[Array, Array]:
    """∂E/∂w and ∂E/∂b of one layer."""
    return weight_gradient(out_below, delta), bias_gradient(delta, shared_bias)


def backward_pass(
    loss: Loss,
    activations: Sequence[Activation],
    weights: Sequence[Array],
    nets: Sequence[Array],
    outs: Sequence[Array],
    target: Array,
    shared_bias: bool,
    update: Callable[[int, Array, Array], None] | None = None,
) -> list[tuple[Array, Array]]:
    """∂E/∂w and ∂E/∂b of every layer, δ passed back from the output layer down.

    ``outs[0]`` is the input. ``update(layer, dE_dw, dE_db)``, when given, is called as
    soon as a layer's gradients are known, before δ passes below it: the lecture's
    sequential order, where the δ of a hidden layer goes back through the weights above
    it as already updated (``weights`` is read afresh for every layer).
    """
    n_layers = len(nets)
    _, delta = output_delta(loss, activations[-1], nets[-1], outs[-1], target)
    gradients: list[tuple[Array, Array]] = [(delta, delta)] * n_layers
    for layer in range(n_layers - 1, -1, -1):
        dE_dw, dE_db = layer_gradients(outs[layer], delta, shared_bias)
        gradients[layer] = (dE_dw, dE_db)
        if update is not None:
            update(layer, dE_dw, dE_db)
        if layer > 0:
            _, delta = hidden_delta(
                delta, weights[layer], activations[layer - 1], nets[layer - 1], outs[layer]
            )
    return gradients


def forward_to_output_delta(
    x: Array,
    t: Array,
    weights: Sequence[Array],
    biases: Sequence[Array],
    layers: Sequence[Layer],
    output: Activation,
    loss: Loss,
    value_and_grad: Callable[[Array, Array], tuple[Array, Array]],
) -> tuple[list[Array], list[Array], Array, Array]:
    """The forward pass and the output layer's δ, with every lookup hoisted (the lean loops of
    the trainer and the sweep run this once per iteration): each layer's net, each layer's out
    (the input first), every output's error term and δ = ∂E/∂net of the output layer. The
    same numbers as :func:`output_delta` (δ = out − target where the slopes cancel)."""
    nets: list[Array] = []
    outs: list[Array] = [x]
    out = x
    for w, b, (f, _, _) in zip(weights, biases, layers, strict=True):
        net = out @ w + b
        nets.append(net)
        out = f(net)
        outs.append(out)
    if loss.canonical_activation == output.name:
        return nets, outs, loss.per_output(out, t), out - t
    per_output, dE_dout = value_and_grad(out, t)
    _, last_slope, last_elementwise = layers[-1]
    if last_elementwise:
        return nets, outs, per_output, dE_dout * last_slope(net, out)
    return nets, outs, per_output, output.backprop(net, out, dE_dout)
