"""The backward pass, one layer at a time: δ from the layer above, gradients from δ.

Every function works on one network (arrays of samples × neurons) and on a stack
of K networks trained together (K × samples × neurons), so the step machine,
the fast trainer and sweeps share one implementation of the chain rule.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.activations import Activation
from bpdesk.core.losses import Loss

__all__ = ["hidden_delta", "layer_gradients", "output_delta", "sample_errors"]

Array = NDArray[np.float64]


def sample_errors(loss: Loss, out: Array, target: Array) -> tuple[Array, Array]:
    """Each output's error term E_o and each sample's error Σ_o E_o."""
    per_output = loss.per_output(out, target)
    return per_output, per_output.sum(axis=-1)


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
    """∂E/∂out = Σ_k δ_k w(h→k) and δ = ∂E/∂out · ∂out/∂net for a hidden layer."""
    dE_dout: Array = delta_above @ weights_above.swapaxes(-1, -2)
    return dE_dout, activation.backprop(net, out, dE_dout)


def layer_gradients(out_below: Array, delta: Array, shared_bias: bool) -> tuple[Array, Array]:
    """∂E/∂w = mean over samples of out_below · δ, and ∂E/∂b = mean of δ (summed if shared)."""
    n_samples = delta.shape[-2]
    grad_w: Array = out_below.swapaxes(-1, -2) @ delta
    grad_b: Array = delta.sum(axis=-2, keepdims=True)
    if shared_bias:
        grad_b = grad_b.sum(axis=-1, keepdims=True)
    if n_samples != 1:
        grad_w = grad_w / n_samples
        grad_b = grad_b / n_samples
    return grad_w, grad_b
