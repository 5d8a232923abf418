"""The network: its shape, its parameters by name, and a forward pass that keeps net and out."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.activations import Activation, get_activation
from bpdesk.core.engine.backprop import batch_error
from bpdesk.core.engine.losses import Loss, get_loss
from bpdesk.core.errors import ConfigError

__all__ = ["MAX_HIDDEN_LAYERS", "LayerSpec", "Network", "NetworkSpec", "ParamRef", "forward_pass"]

Array = NDArray[np.float64]

MAX_HIDDEN_LAYERS = 6
MAX_LAYER_SIZE = 4096


@dataclass(frozen=True)
class LayerSpec:
    """One layer of neurons after the inputs: how many, and their activation."""

    size: int
    activation: str = "sigmoid"


@dataclass(frozen=True)
class ParamRef:
    """Where a named parameter lives: layer index, kind, and position in that layer's array."""

    name: str
    layer: int
    kind: str  # "w" or "b"
    row: int  # weight: source neuron index; bias: 0
    col: int  # weight: target neuron; shared bias: 0; per-neuron bias: neuron


@dataclass(frozen=True)
class NetworkSpec:
    """A stack of dense layers, and the names every neuron and parameter goes by.

    Neurons are named i1…, h1… (h1.1…, h2.1… with several hidden layers) and o1….
    Weights are numbered w1, w2, … layer by layer, target neuron by target neuron,
    source by source: with the lecture's 2-2-2 network this gives exactly its
    w1…w8. Biases are ``b1``, ``b2``… (one shared by a layer, as the lecture draws
    them) or ``b_h1``, ``b_o1``… (one per neuron).
    """

    n_inputs: int
    layers: tuple[LayerSpec, ...]
    loss: str = "half_sse"
    shared_bias: bool = False
    input_names: tuple[str, ...] | None = None
    _bias_refs: dict[str, ParamRef] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.n_inputs < 1 or self.n_inputs > MAX_LAYER_SIZE:
            raise ConfigError(f"A network needs 1 to {MAX_LAYER_SIZE} inputs, not {self.n_inputs}.")
        if not self.layers:
            raise ConfigError("A network needs at least an output layer.")
        if len(self.layers) - 1 > MAX_HIDDEN_LAYERS:
            raise ConfigError(
                f"bpdesk draws at most {MAX_HIDDEN_LAYERS} hidden layers; "
                f"this network has {len(self.layers) - 1}."
            )
        for index, layer in enumerate(self.layers):
            if not 1 <= layer.size <= MAX_LAYER_SIZE:
                raise ConfigError(
                    f"Layer {index + 1} needs 1 to {MAX_LAYER_SIZE} neurons, not {layer.size}."
                )
            activation = get_activation(layer.activation)
            if not activation.elementwise and index != len(self.layers) - 1:
                raise ConfigError("Softmax can only be the output layer's activation.")
        get_loss(self.loss)
        if self.input_names is not None and len(self.input_names) != self.n_inputs:
            raise ConfigError(
                f"{len(self.input_names)} input names given for {self.n_inputs} inputs."
            )
        biases = {ref.name: ref for ref in self._bias_refs_in_order()}
        object.__setattr__(self, "_bias_refs", biases)

    @classmethod
    def build(
        cls,
        sizes: Sequence[int],
        activations: str | Sequence[str] = "sigmoid",
        *,
        loss: str = "half_sse",
        shared_bias: bool = False,
    ) -> NetworkSpec:
        """A spec from layer sizes, inputs first: ``NetworkSpec.build([2, 2, 2])``."""
        if len(sizes) < 2:
            raise ConfigError("Give at least the number of inputs and of outputs.")
        n_layers = len(sizes) - 1
        names = [activations] * n_layers if isinstance(activations, str) else list(activations)
        if len(names) != n_layers:
            raise ConfigError(f"{len(names)} activations given for {n_layers} layers.")
        layers = tuple(LayerSpec(int(s), a) for s, a in zip(sizes[1:], names, strict=True))
        return cls(int(sizes[0]), layers, loss=loss, shared_bias=shared_bias)

    # ----------------------------------------------------------------- shape
    @cached_property
    def sizes(self) -> tuple[int, ...]:
        return (self.n_inputs, *(layer.size for layer in self.layers))

    @property
    def n_layers(self) -> int:
        """Layers of neurons after the inputs (hidden layers plus the output layer)."""
        return len(self.layers)

    @cached_property
    def activations(self) -> tuple[Activation, ...]:
        return tuple(get_activation(layer.activation) for layer in self.layers)

    @cached_property
    def loss_fn(self) -> Loss:
        return get_loss(self.loss)

    def weight_shape(self, layer: int) -> tuple[int, int]:
        sizes = self.sizes
        return (sizes[layer], sizes[layer + 1])

    def bias_shape(self, layer: int) -> tuple[int, int]:
        return (1, 1) if self.shared_bias else (1, self.sizes[layer + 1])

    @property
    def n_parameters(self) -> int:
        return sum(
            int(np.prod(self.weight_shape(i))) + int(np.prod(self.bias_shape(i)))
            for i in range(self.n_layers)
        )

    # ----------------------------------------------------------------- names
    def neuron_names(self, layer: int) -> tuple[str, ...]:
        """Names of layer ``layer``'s neurons; layer 0 is the inputs."""
        size = self.sizes[layer]
        if layer == 0:
            if self.input_names is not None:
                return self.input_names
            return tuple(f"i{j + 1}" for j in range(size))
        if layer == self.n_layers:
            return tuple(f"o{j + 1}" for j in range(size))
        if self.n_layers == 2:
            return tuple(f"h{j + 1}" for j in range(size))
        return tuple(f"h{layer}.{j + 1}" for j in range(size))

    @cached_property
    def _weight_offsets(self) -> tuple[int, ...]:
        """Where each layer's weights start in w1, w2, … (counted from 0), and their total."""
        sizes, offsets = self.sizes, [0]
        for layer in range(self.n_layers):
            offsets.append(offsets[-1] + sizes[layer] * sizes[layer + 1])
        return tuple(offsets)

    def weight_name(self, layer: int, source: int, target: int) -> str:
        offset = self._weight_offsets[layer]
        return f"w{offset + target * self.sizes[layer] + source + 1}"

    def bias_name(self, layer: int, neuron: int) -> str:
        if self.shared_bias:
            return f"b{layer + 1}"
        return f"b_{self.neuron_names(layer + 1)[neuron]}"

    def _bias_refs_in_order(self) -> list[ParamRef]:
        refs = []
        for layer in range(self.n_layers):
            if self.shared_bias:
                refs.append(ParamRef(self.bias_name(layer, 0), layer, "b", 0, 0))
                continue
            names = self.neuron_names(layer + 1)  # once a layer: bias_name makes them all
            refs.extend(ParamRef(f"b_{name}", layer, "b", 0, j) for j, name in enumerate(names))
        return refs

    def _weight_ref(self, name: str) -> ParamRef | None:
        """The weight ``name`` (w1, w2, … exactly as written by ``weight_name``), or None.

        Worked out from the number, so a network of a million weights keeps no table."""
        digits = name[1:]
        if name[:1] != "w" or not 0 < len(digits) <= 20 or digits[0] == "0":
            return None
        if not (digits.isascii() and digits.isdigit()):
            return None
        index = int(digits) - 1
        offsets = self._weight_offsets
        if index >= offsets[-1]:
            return None
        layer = bisect_right(offsets, index) - 1
        target, source = divmod(index - offsets[layer], self.sizes[layer])
        return ParamRef(name, layer, "w", source, target)

    def has_parameter(self, name: str) -> bool:
        """Whether this network has a parameter called ``name``."""
        return name in self._bias_refs or self._weight_ref(name) is not None

    @cached_property
    def parameter_names(self) -> tuple[str, ...]:
        """Every parameter's name: the weights w1… in order, then the biases layer by layer."""
        weights = [f"w{k}" for k in range(1, self._weight_offsets[-1] + 1)]
        return (*weights, *self._bias_refs)

    def ref(self, name: str) -> ParamRef:
        found = self._bias_refs.get(name) or self._weight_ref(name)
        if found is None:
            raise ConfigError(f"This network has no parameter called '{name}'.")
        return found

    def with_layers(self, layers: Sequence[LayerSpec]) -> NetworkSpec:
        return NetworkSpec(
            self.n_inputs, tuple(layers), self.loss, self.shared_bias, self.input_names
        )


def forward_pass(
    layers: Iterable[tuple[Array, Array, Activation]], inputs: Array
) -> tuple[list[Array], list[Array]]:
    """net = out_below · w + b and out = f(net) layer by layer, for (weights, biases,
    activation) of each layer; works on one network and on a stack of K (a sweep)."""
    nets: list[Array] = []
    outs: list[Array] = [inputs]
    for weights, biases, activation in layers:
        net: Array = outs[-1] @ weights + biases
        nets.append(net)
        outs.append(activation.f(net))
    return nets, outs


class Network:
    """A spec plus the live parameter values: ``weights[l]`` is (n_in, n_out), ``biases[l]`` (1, n).

    ``net = out_prev @ weights[l] + biases[l]`` row by row, one row per sample.
    """

    def __init__(self, spec: NetworkSpec, weights: Sequence[Array], biases: Sequence[Array]):
        self.spec = spec
        if len(weights) != spec.n_layers or len(biases) != spec.n_layers:
            raise ConfigError("Weights and biases must be given for every layer.")
        self.weights = [
            np.array(w, dtype=np.float64).reshape(spec.weight_shape(i))
            for i, w in enumerate(weights)
        ]
        self.biases = [
            np.array(b, dtype=np.float64).reshape(spec.bias_shape(i)) for i, b in enumerate(biases)
        ]

    @classmethod
    def zeros(cls, spec: NetworkSpec) -> Network:
        return cls(
            spec,
            [np.zeros(spec.weight_shape(i)) for i in range(spec.n_layers)],
            [np.zeros(spec.bias_shape(i)) for i in range(spec.n_layers)],
        )

    @classmethod
    def from_values(cls, spec: NetworkSpec, values: dict[str, float]) -> Network:
        """A network whose every parameter is given by name (missing or extra names are errors)."""
        known = spec.parameter_names  # one tuple: names are looked up in dicts, never in it
        missing = [name for name in known if name not in values]
        extra = []
        if missing or len(values) != len(known):  # else every key is one of the known names
            extra = [name for name in values if not spec.has_parameter(name)]
        if missing or extra:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing))
            if extra:
                parts.append("unknown " + ", ".join(extra))
            raise ConfigError("Parameter values do not fit the network: " + "; ".join(parts) + ".")
        try:
            vector = np.array(list(map(values.__getitem__, known)), dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            vector = None
        if vector is not None and vector.shape == (len(known),) and np.isfinite(vector).all():
            return cls.from_vector(spec, vector)
        net = cls.zeros(spec)  # the slow way, that names the value it cannot use
        for name, value in values.items():
            net.set(name, value)
        return net

    @classmethod
    def from_vector(cls, spec: NetworkSpec, vector: Array) -> Network:
        """A network from all its parameters in the order of ``spec.parameter_names``."""
        vector = np.asarray(vector, dtype=np.float64)
        if vector.shape != (spec.n_parameters,):
            raise ConfigError(f"The network has {spec.n_parameters} parameters, not {vector.size}.")
        net = cls.zeros(spec)
        net.set_vector(vector)
        return net

    def copy(self) -> Network:
        return Network(self.spec, [w.copy() for w in self.weights], [b.copy() for b in self.biases])

    # ---------------------------------------------------------------- by name
    def get(self, name: str) -> float:
        ref = self.spec.ref(name)
        array = self.weights[ref.layer] if ref.kind == "w" else self.biases[ref.layer]
        return float(array[ref.row, ref.col])

    def set(self, name: str, value: float) -> None:
        value = float(value)
        if not np.isfinite(value):
            raise ConfigError(f"{name} must be a finite number, not {value}.")
        ref = self.spec.ref(name)
        array = self.weights[ref.layer] if ref.kind == "w" else self.biases[ref.layer]
        array[ref.row, ref.col] = value

    def values(self) -> dict[str, float]:
        """Every parameter by name, in the order of ``spec.parameter_names``."""
        return dict(zip(self.spec.parameter_names, self.vector().tolist(), strict=True))

    # ------------------------------------------------------------- as a vector
    def vector(self) -> Array:
        """All parameters as one vector, in the order of ``spec.parameter_names``."""
        parts = [w.T.ravel() for w in self.weights] + [b.ravel() for b in self.biases]
        return np.concatenate(parts)

    def set_vector(self, vector: Array) -> None:
        offset = 0
        for i, w in enumerate(self.weights):
            n = w.size
            self.weights[i] = vector[offset : offset + n].reshape(w.shape[::-1]).T.copy()
            offset += n
        for i, b in enumerate(self.biases):
            n = b.size
            self.biases[i] = vector[offset : offset + n].reshape(b.shape).copy()
            offset += n

    def is_finite(self) -> bool:
        return all(np.isfinite(a).all() for a in (*self.weights, *self.biases))

    # ---------------------------------------------------------------- forward
    def forward(self, x: Array) -> tuple[list[Array], list[Array]]:
        """net and out of every layer for inputs ``x`` (samples × inputs); ``outs[0]`` is ``x``."""
        inputs = np.atleast_2d(np.asarray(x, dtype=np.float64))
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            return forward_pass(
                zip(self.weights, self.biases, self.spec.activations, strict=True), inputs
            )

    def predict(self, x: Array) -> Array:
        return self.forward(x)[1][-1]

    def error(self, x: Array, target: Array) -> float:
        """The loss over the samples given: the mean over samples of Σ over outputs."""
        out = self.predict(x)
        with np.errstate(all="ignore"):
            return float(batch_error(self.spec.loss_fn.per_output(out, np.atleast_2d(target))))
