"""How a gradient becomes a weight change Δw: gradient descent with momentum, Nesterov, Adam.

Each optimiser keeps its state per parameter array ("slot": layer l's weights are
slot 2l, its biases slot 2l + 1), and updates one array at a time, so the same
object serves the simultaneous and the lecture's sequential update order.
Levenberg–Marquardt, which moves all parameters at once, lives in ``levenberg.py``.

L2 weight decay (``weight_decay`` λ > 0) is part of the gradient every optimiser follows:
a weight array (an even slot) moves along ∂E/∂w + λ·w (``backprop.with_weight_decay``);
a bias array (an odd slot) along ∂E/∂b alone, since biases are not decayed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.backprop import with_weight_decay
from bpdesk.core.errors import ConfigError

__all__ = ["OPTIMIZERS", "Adam", "GradientDescent", "Nesterov", "Optimizer", "make_optimizer"]

Array = NDArray[np.float64]
Rate = float | Array  # one rate, or one per network of a sweep (K × 1 × 1)


@dataclass(frozen=True)
class Change:
    """What one update did to one parameter array."""

    new: Array  # the new values w+
    weight_change: Array  # Δw = w+ − w
    momentum_term: Array  # the part of Δw carried over from earlier steps (α Δw(t−1))


class Optimizer:
    """Base class: ``begin_step`` once per iteration, then ``apply`` per parameter array."""

    name = "base"
    label = "optimiser"

    def __init__(self, shapes: Sequence[tuple[int, ...]], eta: Rate) -> None:
        self.shapes = list(shapes)
        self.eta = eta
        self.weight_decay = 0.0  # λ; weights (even slots) only
        self.t = 0

    def begin_step(self) -> None:
        self.t += 1

    def _decayed(self, slot: int, value: Array, grad: Array) -> Array:
        """The gradient to follow: ∂E/∂w + λ·w for a weight array when λ > 0, else ∂E/∂w."""
        if self.weight_decay and not slot % 2:
            return with_weight_decay(grad, value, self.weight_decay)
        return grad

    def step(self, slot: int, value: Array, grad: Array) -> Array:
        """The new values w+ (the fast path of ``apply``: the same numbers, nothing else)."""
        return value + self._weight_change(slot, self._decayed(slot, value, grad))

    def apply(self, slot: int, value: Array, grad: Array) -> Change:
        """The new values with Δw and the momentum term, for the trace."""
        carried = self._carried(slot)
        weight_change = self._weight_change(slot, self._decayed(slot, value, grad))
        return Change(value + weight_change, weight_change, carried)

    def _carried(self, slot: int) -> Array:
        """The part of the next Δw carried over from earlier steps (read before the change)."""
        return np.zeros(self.shapes[slot])

    def _weight_change(self, slot: int, grad: Array) -> Array:
        """Δw for this step; updates the optimiser's memory."""
        raise NotImplementedError

    # State, for undo and session files.
    def state(self) -> dict[str, object]:
        return {"t": self.t, **{k: [a.copy() for a in v] for k, v in self._arrays().items()}}

    def set_state(self, state: dict[str, object]) -> None:
        self.t = int(state["t"])  # type: ignore[call-overload]
        for key, arrays in self._arrays().items():
            stored = state[key]
            assert isinstance(stored, list)
            for i, array in enumerate(stored):
                arrays[i] = np.array(array, dtype=np.float64).reshape(arrays[i].shape)

    def _arrays(self) -> dict[str, list[Array]]:
        return {}

    def reset(self) -> None:
        self.t = 0
        for arrays in self._arrays().values():
            for a in arrays:
                a[...] = 0.0


class GradientDescent(Optimizer):
    """The lecture's rule: Δw(t) = −η ∂E/∂w + α Δw(t−1)."""

    name = "gd"
    label = "gradient descent"

    def __init__(self, shapes: Sequence[tuple[int, ...]], eta: Rate, momentum: Rate = 0.0) -> None:
        super().__init__(shapes, eta)
        self.momentum = momentum
        self.previous = [np.zeros(s) for s in shapes]

    @property
    def momentum(self) -> Rate:
        return self._momentum

    @momentum.setter
    def momentum(self, value: Rate) -> None:
        self._momentum = value
        self._has_momentum = bool(np.any(value))

    def _arrays(self) -> dict[str, list[Array]]:
        return {"previous": self.previous}

    def _carried(self, slot: int) -> Array:
        result: Array = self.momentum * self.previous[slot]
        return result

    def step(self, slot: int, value: Array, grad: Array) -> Array:
        # ``_weight_change`` inlined: this runs for every array of every iteration.
        if self.weight_decay and not slot % 2:
            grad = with_weight_decay(grad, value, self.weight_decay)
        weight_change = -self.eta * grad
        if self._has_momentum:
            weight_change = weight_change + self.momentum * self.previous[slot]
        self.previous[slot] = weight_change
        result: Array = value + weight_change
        return result

    def _weight_change(self, slot: int, grad: Array) -> Array:
        weight_change = -self.eta * grad
        if self._has_momentum:
            weight_change = weight_change + self.momentum * self.previous[slot]
        self.previous[slot] = weight_change
        return weight_change


class Nesterov(Optimizer):
    """Nesterov momentum, in the form that needs the gradient at the current weights only:
    v(t) = α v(t−1) − η ∂E/∂w, Δw = α v(t) − η ∂E/∂w."""

    name = "nesterov"
    label = "Nesterov momentum"

    def __init__(self, shapes: Sequence[tuple[int, ...]], eta: Rate, momentum: Rate = 0.9) -> None:
        super().__init__(shapes, eta)
        self.momentum = momentum
        self.velocity = [np.zeros(s) for s in shapes]

    def _arrays(self) -> dict[str, list[Array]]:
        return {"velocity": self.velocity}

    def apply(self, slot: int, value: Array, grad: Array) -> Change:
        weight_change = self._weight_change(slot, self._decayed(slot, value, grad))
        carried: Array = self.momentum * self.velocity[slot]
        return Change(value + weight_change, weight_change, carried)

    def _weight_change(self, slot: int, grad: Array) -> Array:
        gradient_step = self.eta * grad
        velocity = self.momentum * self.velocity[slot] - gradient_step
        self.velocity[slot] = velocity
        weight_change: Array = self.momentum * velocity - gradient_step
        return weight_change


class Adam(Optimizer):
    """Adam: Δw = −η m̂ / (√v̂ + ε), with bias-corrected running moments m and v."""

    name = "adam"
    label = "Adam"

    def __init__(
        self,
        shapes: Sequence[tuple[int, ...]],
        eta: Rate,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        super().__init__(shapes, eta)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.m = [np.zeros(s) for s in shapes]
        self.v = [np.zeros(s) for s in shapes]

    def _arrays(self) -> dict[str, list[Array]]:
        return {"m": self.m, "v": self.v}

    def _weight_change(self, slot: int, grad: Array) -> Array:
        m = self.beta1 * self.m[slot] + (1.0 - self.beta1) * grad
        v = self.beta2 * self.v[slot] + (1.0 - self.beta2) * grad * grad
        self.m[slot], self.v[slot] = m, v
        m_hat = m / (1.0 - self.beta1**self.t)
        v_hat = v / (1.0 - self.beta2**self.t)
        weight_change: Array = -self.eta * m_hat / (np.sqrt(v_hat) + self.epsilon)
        return weight_change


OPTIMIZERS = {
    "gd": "gradient descent (with momentum α)",
    "nesterov": "Nesterov momentum",
    "adam": "Adam",
    "lm": "Levenberg–Marquardt",
}


def make_optimizer(
    name: str,
    shapes: Sequence[tuple[int, ...]],
    eta: Rate,
    momentum: Rate = 0.0,
    weight_decay: float = 0.0,
) -> Optimizer:
    """The per-array optimiser called ``name`` (``lm`` is handled by ``levenberg.py``), with
    weight decay λ on its weight arrays."""
    optimizer: Optimizer | None = None
    if name == "gd":
        optimizer = GradientDescent(shapes, eta, momentum)
    elif name == "nesterov":
        optimizer = Nesterov(shapes, eta, momentum)
    elif name == "adam":
        optimizer = Adam(shapes, eta)
    if optimizer is not None:
        optimizer.weight_decay = weight_decay
        return optimizer
    known = ", ".join(OPTIMIZERS)
    raise ConfigError(f"Unknown optimiser '{name}'. Choose one of: {known}.")
