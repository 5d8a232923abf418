"""The preset session files shipped in resources/presets, and how they are made.

``python -m bpdesk.core.files.preset_files resources/presets`` writes them; a test checks
that the shipped files are exactly what this module makes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bpdesk.core.engine.network import LayerSpec
from bpdesk.core.files.documents import open_source, with_dataset, with_network
from bpdesk.core.files.session import dumps_session
from bpdesk.core.stepping.stepper import Stepper

__all__ = ["PRESET_BUILDERS", "build_preset", "write_presets"]


def _on(
    name: str,
    hidden: list[int],
    activation: str,
    config: dict[str, Any],
    title: str,
    test_fraction: float = 0.0,
    validation_size: float = 0.0,
    **params: Any,
) -> Stepper:
    stepper = with_dataset(
        open_source("xor"),
        name,
        test_fraction=test_fraction,
        split_seed=1,
        validation_size=validation_size,
        **params,
    )
    spec = stepper.network.spec
    layers = [LayerSpec(h, activation) for h in hidden] + [spec.layers[-1]]
    stepper = with_network(stepper, spec.with_layers(layers), "xavier", seed=1)
    stepper.set_config(replace(stepper.trainer.config, **config))
    stepper.meta["title"] = title
    return Stepper(stepper.trainer, meta=stepper.meta)


PRESET_BUILDERS: dict[str, Callable[[], Stepper]] = {
    "lecture": lambda: open_source("lecture"),
    "xor": lambda: open_source("xor"),
    "spirals": lambda: _on(
        "spirals", [16, 16], "tanh",
        {"optimizer": "adam", "eta": 0.01, "batch_size": 40, "seed": 1},
        "Two spirals: a 2-16-16-1 tanh network learns a boundary no straight line can draw",
        test_fraction=0.2, n=400, noise=0.05, seed=1,
    ),
    "circles": lambda: _on(
        "circles", [8], "tanh", {"eta": 0.5, "momentum": 0.9, "batch_size": 20, "seed": 1},
        "Concentric circles: one hidden layer of 8 tanh neurons", n=200, noise=0.08, seed=1,
    ),
    "moons": lambda: _on(
        "moons", [8], "tanh", {"eta": 0.5, "momentum": 0.9, "batch_size": 20, "seed": 1},
        "Two moons: a curved boundary from 8 hidden neurons", test_fraction=0.25, n=200,
        noise=0.15, seed=1,
    ),
    "sine": lambda: _on(
        "sine", [10], "tanh", {"eta": 0.1, "momentum": 0.9, "batch_size": 10, "seed": 1},
        "A noisy sine: regression with 10 tanh neurons and a linear output", n=100, noise=0.1,
        seed=1,
    ),
    "iris": lambda: _on(
        "iris", [8], "tanh", {"optimizer": "adam", "eta": 0.01, "batch_size": 16, "seed": 1},
        "Iris: 150 flowers, 4 measurements, 3 species (softmax output, cross-entropy)",
        test_fraction=0.2,
    ),
    "digits": lambda: _on(
        "digits", [32], "relu", {"optimizer": "adam", "eta": 0.005, "batch_size": 32, "seed": 1},
        "Handwritten digits: 8×8 images, 64 inputs, 10 classes", test_fraction=0.2,
    ),
    "digits1000": lambda: _on(
        "digits1000", [16], "relu",
        {"optimizer": "adam", "eta": 0.005, "batch_size": 20, "seed": 1},
        "1,000 handwritten digits, batch size 20: 50 iterations make one epoch",
    ),
    # 40 noisy samples for 32 hidden neurons: the validation and test errors bottom out
    # within ~30 epochs and then climb while the training error falls towards 0.
    "overfit": lambda: _on(
        "moons", [32], "tanh",
        {"optimizer": "adam", "eta": 0.01, "batch_size": 40, "seed": 1},
        "Overfitting: 32 hidden neurons learn 40 noisy samples by heart (training error "
        "falls, validation error rises)",
        test_fraction=0.3, validation_size=0.3, n=100, noise=0.3, seed=5,
    ),
}  # fmt: skip


def build_preset(name: str) -> Stepper:
    return PRESET_BUILDERS[name]()


def write_presets(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in PRESET_BUILDERS:
        path = folder / f"{name}.bpdesk"
        path.write_text(dumps_session(build_preset(name)) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for file in write_presets(Path(sys.argv[1] if len(sys.argv) > 1 else "resources/presets")):
        print(file)
