"""Built-in networks: the lecture's worked example and a few classic small problems."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.errors import ConfigError

__all__ = ["PRESETS", "Preset", "get_preset"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Preset:
    """A network, its training data and its hyper-parameters, ready to step through."""

    name: str
    title: str
    network: Network
    inputs: Array
    targets: Array
    config: TrainConfig

    def trainer(self) -> Trainer:
        """A fresh trainer on a copy of the preset's network."""
        return Trainer(self.network.copy(), self.inputs, self.targets, self.config)


# The lecture's worked example (shared/reference/lecture_example.json).
LECTURE_WEIGHTS = {
    "w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30,
    "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55,
    "b1": 0.35, "b2": 0.60,
}  # fmt: skip


def lecture() -> Preset:
    spec = NetworkSpec.build([2, 2, 2], "sigmoid", loss="half_sse", shared_bias=True)
    return Preset(
        "lecture",
        "The lecture's worked example: a 2-2-2 logistic network, one sample",
        Network.from_values(spec, LECTURE_WEIGHTS),
        np.array([[0.05, 0.10]]),
        np.array([[0.01, 0.99]]),
        TrainConfig(eta=0.5, momentum=0.0, batch_size=1, train_biases=False, shuffle=False),
    )


def xor() -> Preset:
    spec = NetworkSpec.build([2, 2, 1], "sigmoid", loss="half_sse")
    return Preset(
        "xor",
        "XOR: the classic problem a single neuron cannot solve (2-2-1, logistic)",
        initialize(spec, "uniform", seed=3, r=1.0),
        np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),
        np.array([[0.0], [1.0], [1.0], [0.0]]),
        TrainConfig(eta=0.5, momentum=0.9, batch_size=4, seed=3),
    )


PRESETS = {"lecture": lecture, "xor": xor}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]()
    except KeyError:
        known = ", ".join(PRESETS)
        raise ConfigError(f"Unknown preset '{name}'. Choose one of: {known}.") from None
