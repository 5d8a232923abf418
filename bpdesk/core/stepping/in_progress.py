"""The step in progress: the arrays its sub-steps have computed so far, and those sub-steps.

A sub-step computes a whole layer with ``backprop``'s functions when the layer's first
neuron is stepped; the trace then reveals one neuron at a time. Arrays are never
changed once stored, so an undo record can share them (only the lists are copied).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.backprop import (
    batch_error,
    hidden_delta,
    layer_gradients,
    output_delta,
    sample_errors,
)
from bpdesk.core.engine.levenberg import LMResult
from bpdesk.core.engine.network import Network
from bpdesk.core.engine.trainer import Trainer

__all__ = ["LayerUpdate", "StepInProgress", "frozen"]

Array = NDArray[np.float64]
IndexArray = NDArray[np.intp]
AnyArray = TypeVar("AnyArray", bound=NDArray[Any])


def frozen(array: AnyArray) -> AnyArray:
    """``array``, made read-only (it is shared, never copied, from here on)."""
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class LayerUpdate:
    """What one layer's update did: the momentum terms, the changes Δw and Δb, w+ and b+."""

    momentum_w: Array
    momentum_b: Array
    weight_change: Array
    bias_change: Array
    w_after: Array
    b_after: Array


@dataclass
class StepInProgress:
    """Every array the step in progress has computed, layer by layer (None: not yet)."""

    batch: IndexArray  # the batch's sample indices
    inputs: Array
    targets: Array
    nets: list[Array | None]
    outs: list[Array | None]  # outs[0] is the inputs
    errors: Array | None = None  # E per output, samples × outputs
    sample_errors: Array | None = None
    E_total: float = math.nan
    dE_dout: list[Array | None] = field(default_factory=list)
    dE_dout_terms: list[Array | None] = field(default_factory=list)  # δ_k w(h→k) per k above
    weights_above: list[Array | None] = field(default_factory=list)
    dout_dnet: list[Array | None] = field(default_factory=list)
    delta: list[Array | None] = field(default_factory=list)
    dE_dw: list[Array | None] = field(default_factory=list)
    dE_db: list[Array | None] = field(default_factory=list)
    w_before: list[Array] = field(default_factory=list)
    b_before: list[Array] = field(default_factory=list)
    updates: list[LayerUpdate | None] = field(default_factory=list)
    optimizer_started: bool = False
    lm: LMResult | None = None

    @classmethod
    def begin(cls, trainer: Trainer) -> StepInProgress:
        """A step on the trainer's next batch, nothing computed yet."""
        n = trainer.network.spec.n_layers
        x, t = trainer.current_batch()
        return cls(
            batch=frozen(trainer.batch_indices().copy()),
            inputs=x,
            targets=t,
            nets=[None] * n,
            outs=[x, *[None] * n],
            dE_dout=[None] * n,
            dE_dout_terms=[None] * n,
            weights_above=[None] * n,
            dout_dnet=[None] * n,
            delta=[None] * n,
            dE_dw=[None] * n,
            dE_db=[None] * n,
            w_before=[w.copy() for w in trainer.network.weights],
            b_before=[b.copy() for b in trainer.network.biases],
            updates=[None] * n,
        )

    def copy(self) -> StepInProgress:
        """A copy sharing the (read-only) arrays, with lists of its own."""
        clone = StepInProgress(**self.__dict__)
        for key, value in self.__dict__.items():
            if isinstance(value, list):
                setattr(clone, key, list(value))
        return clone

    # ------------------------------------------------------------ sub-steps
    def forward_layer(self, i: int, network: Network) -> None:
        """net = out_below · w + b and out = f(net) of layer ``i``."""
        below = self.outs[i]
        assert below is not None
        net = below @ network.weights[i] + network.biases[i]
        self.nets[i] = frozen(net)
        self.outs[i + 1] = frozen(network.spec.activations[i].f(net))

    def compute_error(self, network: Network) -> float:
        """Each output's error, each sample's and the batch's E_total (returned)."""
        out = self.outs[-1]
        assert out is not None
        per_output, per_sample = sample_errors(network.spec.loss_fn, out, self.targets)
        self.errors, self.sample_errors = frozen(per_output), frozen(per_sample)
        self.E_total = float(batch_error(per_output))
        return self.E_total

    def backward_layer(self, i: int, network: Network) -> None:
        """δ of layer ``i`` (from the layer above, or from the error) and its gradients."""
        spec = network.spec
        act = spec.activations[i]
        net, out, below = self.nets[i], self.outs[i + 1], self.outs[i]
        assert net is not None and out is not None and below is not None
        if i == spec.n_layers - 1:
            dE_dout, delta = output_delta(spec.loss_fn, act, net, out, self.targets)
        else:
            above = network.weights[i + 1].copy()
            delta_above = self.delta[i + 1]
            assert delta_above is not None
            dE_dout, delta = hidden_delta(delta_above, above, act, net, out)
            self.dE_dout_terms[i] = frozen(delta_above[:, None, :] * above[None, :, :])
            self.weights_above[i] = frozen(above)
        dE_dw, dE_db = layer_gradients(below, delta, spec.shared_bias)
        self.dE_dout[i] = frozen(dE_dout)
        self.delta[i] = frozen(delta)
        self.dout_dnet[i] = frozen(act.slope(net, out))
        self.dE_dw[i] = frozen(dE_dw)
        self.dE_db[i] = frozen(dE_db)

    def update_layer(self, i: int, trainer: Trainer) -> None:
        """w+ and b+ of layer ``i`` by the trainer's optimiser."""
        network = trainer.network
        opt = trainer.optimizer
        assert opt is not None
        if not self.optimizer_started:
            opt.begin_step()
            self.optimizer_started = True
        dE_dw, dE_db = self.dE_dw[i], self.dE_db[i]
        assert dE_dw is not None and dE_db is not None
        weights = opt.apply(2 * i, network.weights[i], dE_dw)
        network.weights[i] = weights.new
        if trainer.config.train_biases:
            biases = opt.apply(2 * i + 1, network.biases[i], dE_db)
            network.biases[i] = biases.new
            b_parts = (biases.momentum_term, biases.weight_change, biases.new)
        else:
            zeros = np.zeros_like(network.biases[i])
            b_parts = (zeros, zeros, network.biases[i].copy())
        self.updates[i] = LayerUpdate(
            momentum_w=weights.momentum_term,
            momentum_b=b_parts[0],
            weight_change=weights.weight_change,
            bias_change=b_parts[1],
            w_after=weights.new,
            b_after=b_parts[2],
        )

    def update_every_layer(self, trainer: Trainer) -> None:
        """One Levenberg–Marquardt step on every parameter at once."""
        assert trainer.lm is not None
        network = trainer.network
        pairs = zip(network.weights, network.biases, strict=True)
        before = [(w.copy(), b.copy()) for w, b in pairs]
        self.lm = trainer.lm.step(network, self.inputs, self.targets, trainer.config.train_biases)
        for layer, (w0, b0) in enumerate(before):
            w1, b1 = network.weights[layer].copy(), network.biases[layer].copy()
            self.updates[layer] = LayerUpdate(
                momentum_w=np.zeros_like(w0),
                momentum_b=np.zeros_like(b0),
                weight_change=w1 - w0,
                bias_change=b1 - b0,
                w_after=w1,
                b_after=b1,
            )
