"""What one training step computed: every intermediate the lecture names, as immutable data.

A trace is made by the step machine after every sub-step. Values not computed yet
are NaN, so a view can draw a half-finished step. ``named_values`` spells every
number the way the lecture does (``net_h1``, ``dE_total/dw5``, ``w5+``…).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.levenberg import LMResult
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.stepping.steps import PHASES

__all__ = ["PHASES", "LayerTrace", "Op", "StepTrace"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Op:
    """One sub-step: a neuron's forward or backward computation, the error, or a layer's update.

    ``layer`` indexes the weight layers (0 feeds the first hidden layer); ``neuron`` is
    the neuron within that layer's outputs, or -1 for a whole layer. An update with
    ``layer == -1`` moves every layer at once (Levenberg–Marquardt).
    """

    kind: str  # "forward", "error", "backward" or "update"
    layer: int
    neuron: int = -1

    @property
    def phase(self) -> str:
        return "forward" if self.kind == "error" else self.kind

    def describe(self, spec: NetworkSpec) -> str:
        if self.kind == "error":
            return "the error E_total"
        if self.kind == "update":
            if self.layer < 0:
                return "every weight (Levenberg–Marquardt)"
            names = spec.neuron_names(self.layer + 1)
            return f"the weights into {', '.join(names)}"
        name = spec.neuron_names(self.layer + 1)[self.neuron]
        return f"{'net and out' if self.kind == 'forward' else 'δ and ∂E/∂w'} of {name}"


@dataclass(frozen=True)
class LayerTrace:
    """One layer of neurons during a step (arrays are samples × neurons unless noted)."""

    net: Array
    out: Array
    dE_dout: Array  # ∂E_total/∂out
    dE_dout_terms: Array | None  # hidden layers: samples × neurons × neurons above, δ_k w(h→k)
    weights_above: Array | None  # the weights h→k those terms used (neurons × neurons above)
    dout_dnet: Array  # ∂out/∂net (the diagonal, for softmax)
    delta: Array  # δ = ∂E_total/∂net
    grad_w: Array  # ∂E/∂w, inputs × neurons, mean over the batch
    grad_b: Array  # ∂E/∂b, 1 × neurons (1 × 1 when shared)
    w_before: Array
    b_before: Array
    momentum_w: Array  # the momentum term α Δw(t−1) (or what the optimiser carried over)
    momentum_b: Array
    weight_change: Array  # Δw
    bias_change: Array  # Δb
    w_after: Array  # w+
    b_after: Array


@dataclass(frozen=True)
class StepTrace:
    """Everything one training step has computed so far."""

    spec: NetworkSpec
    iteration: int  # which iteration this step is (0-based, over all epochs)
    epoch: int
    position: int  # iteration within the epoch
    iterations_per_epoch: int
    batch: NDArray[np.intp]  # sample indices in the batch
    inputs: Array
    targets: Array
    layers: tuple[LayerTrace, ...]
    errors: Array  # E per output, samples × outputs
    sample_errors: Array
    E_total: float  # the batch's error (mean over its samples)
    ops: tuple[Op, ...]
    done: int  # how many of ``ops`` are done
    update_order: str
    optimizer: str
    eta: float
    momentum: float
    train_biases: bool
    lm: LMResult | None = None
    diverged: str | None = None
    weight_decay: float = 0.0  # λ: the weights' updates follow ∂E/∂w + λ·w (biases: ∂E/∂b)

    # ------------------------------------------------------------ position
    @property
    def complete(self) -> bool:
        return self.done == len(self.ops)

    @property
    def next_op(self) -> Op | None:
        return None if self.complete else self.ops[self.done]

    @property
    def last_op(self) -> Op | None:
        return self.ops[self.done - 1] if self.done else None

    @property
    def next_phase(self) -> str:
        """The phase the next button press continues: forward, backward or update."""
        op = self.next_op
        return "forward" if op is None else op.phase

    # ------------------------------------------------------- lecture names
    def named_values(self, sample: int = 0) -> dict[str, float]:
        """Every number of the step by the lecture's names; NaN where not yet computed.

        Per-sample quantities (net, out, E, ∂E/∂out, δ…) are taken for ``sample`` of
        the batch; gradients and updates are the batch's.
        """
        spec = self.spec
        values: dict[str, float] = {}
        for j, name in enumerate(spec.neuron_names(0)):
            values[name] = float(self.inputs[sample, j])
        last = spec.n_layers - 1
        for i, layer in enumerate(self.layers):
            names = spec.neuron_names(i + 1)
            below = spec.neuron_names(i)
            for j, n in enumerate(names):
                values[f"net_{n}"] = float(layer.net[sample, j])
                values[f"out_{n}"] = float(layer.out[sample, j])
            for j, n in enumerate(names):
                if i == last:
                    values[f"target_{n}"] = float(self.targets[sample, j])
                    values[f"E_{n}"] = float(self.errors[sample, j])
                values[f"dE_total/dout_{n}"] = float(layer.dE_dout[sample, j])
                values[f"dout_{n}/dnet_{n}"] = float(layer.dout_dnet[sample, j])
                values[f"dE_total/dnet_{n}"] = float(layer.delta[sample, j])
                if i == last:
                    values[f"dE_{n}/dnet_{n}"] = float(layer.delta[sample, j])
                elif layer.dE_dout_terms is not None and layer.weights_above is not None:
                    for k, above in enumerate(spec.neuron_names(i + 2)):
                        values[f"dE_{above}/dout_{n}"] = float(layer.dE_dout_terms[sample, j, k])
                        values[f"dnet_{above}/dout_{n}"] = float(layer.weights_above[j, k])
                for s in range(len(below)):
                    w = spec.weight_name(i, s, j)
                    source_out = self.inputs if i == 0 else self.layers[i - 1].out
                    values[w] = float(layer.w_before[s, j])
                    values[f"dnet_{n}/d{w}"] = float(source_out[sample, s])
                    values[f"dE_total/d{w}"] = float(layer.grad_w[s, j])
                    values[f"momentum_{w}"] = float(layer.momentum_w[s, j])
                    values[f"Δ{w}"] = float(layer.weight_change[s, j])
                    values[f"{w}+"] = float(layer.w_after[s, j])
            for c in range(layer.b_before.shape[1]):
                b = spec.bias_name(i, c)
                values[b] = float(layer.b_before[0, c])
                values[f"dE_total/d{b}"] = float(layer.grad_b[0, c])
                values[f"momentum_{b}"] = float(layer.momentum_b[0, c])
                values[f"Δ{b}"] = float(layer.bias_change[0, c])
                values[f"{b}+"] = float(layer.b_after[0, c])
        values["E_total"] = self.E_total
        return values
