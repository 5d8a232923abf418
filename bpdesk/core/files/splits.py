"""Choosing the train/validation/test split of an open lesson, and the errors on each part.

The sizes are fractions (0.2) or counts (30) of all samples, judged by ``config.check_split``;
the same seed always cuts the same parts. A new split keeps the network's weights and the
settings, and starts the error history afresh (the old errors were measured on other parts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from bpdesk.core.engine.config import check_seed, check_split, check_split_size
from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.errors import ConfigError
from bpdesk.core.files.dataset import Dataset
from bpdesk.core.files.datasets import load_builtin
from bpdesk.core.files.documents import plain_samples, split_entry
from bpdesk.core.stepping.stepper import Stepper

__all__ = ["SplitSizes", "current_split", "generalisation_summary", "split_sizes", "with_split"]

SplitSizes = tuple[float, float, int]  # validation size, test size, split seed


def current_split(stepper: Stepper) -> SplitSizes:
    """The lesson's (validation size, test size, split seed) as its data section names them."""
    return split_sizes(stepper.meta)


def split_sizes(meta: Mapping[str, object]) -> SplitSizes:
    """(validation size, test size, split seed) of a lesson's ``meta`` (0 where none)."""
    data = meta.get("data")
    entry: dict[str, Any] = data if isinstance(data, dict) else {}
    validation = float(entry.get("validation_size", 0.0))
    test = float(entry.get("test_size", entry.get("test_fraction", 0.0)))
    return validation, test, int(entry.get("split_seed", 0))


def _all_samples(stepper: Stepper) -> tuple[Dataset, dict[str, Any]]:
    """Every sample of the lesson (training and held-out parts), and how the data is named."""
    data = stepper.meta.get("data")
    if isinstance(data, dict) and "builtin" in data:
        params = data.get("params", {})
        return load_builtin(str(data["builtin"]), **params), {"builtin": data["builtin"]}
    name = str(stepper.meta.get("dataset_name", "imported data"))
    if isinstance(data, dict) and "inputs" in data and "targets" in data:  # the whole table
        inputs = np.array(data["inputs"], dtype=np.float64)
        return plain_samples(inputs, np.array(data["targets"], dtype=np.float64), name), {
            "name": name
        }
    t = stepper.trainer
    parts = [(t.inputs, t.targets)]
    for x, y in ((t.validation_inputs, t.validation_targets), (t.test_inputs, t.test_targets)):
        if x is not None and y is not None:
            parts.append((x, y))
    dataset = plain_samples(np.concatenate([p[0] for p in parts]),
                            np.concatenate([p[1] for p in parts]), name)  # fmt: skip
    return dataset, {"name": name}


def with_split(
    stepper: Stepper,
    validation: float | None = None,
    test: float | None = None,
    seed: int | None = None,
) -> Stepper:
    """The lesson with its samples split anew (None keeps that size or seed as it is), the
    same weights and settings, and a fresh history; a ConfigError in words when the sizes
    cannot split the data (nothing changes)."""
    old_validation, old_test, old_seed = current_split(stepper)
    validation = old_validation if validation is None else validation
    test = old_test if test is None else test
    seed = old_seed if seed is None else seed
    for reason in (
        check_split_size(validation, "validation"),
        check_split_size(test, "test"),
        check_seed(seed),
    ):
        if reason is not None:
            raise ConfigError(reason)
    dataset, naming = _all_samples(stepper)
    reason = check_split(validation, test, dataset.n_samples)
    if reason is not None:
        raise ConfigError(reason)
    data = stepper.meta.get("data")
    params = data.get("params", {}) if isinstance(data, dict) and "builtin" in naming else {}
    train, held_out, entry = split_entry(
        dataset, str(naming.get("builtin", "")), params, validation, test, int(seed)
    )
    if "builtin" not in naming:  # the samples themselves, all of them, with the split
        entry.pop("builtin")
        entry.pop("params", None)
        entry = {**naming, "inputs": dataset.inputs.tolist(), "targets": dataset.targets.tolist(),
                 **entry}  # fmt: skip
    old = stepper.trainer
    validation_part, test_part = held_out["validation"], held_out["test"]
    trainer = Trainer(
        old.network.copy(),
        train.inputs,
        train.targets,
        old.config,
        validation_inputs=None if validation_part is None else validation_part.inputs,
        validation_targets=None if validation_part is None else validation_part.targets,
        test_inputs=None if test_part is None else test_part.inputs,
        test_targets=None if test_part is None else test_part.targets,
    )
    return Stepper(trainer, meta={**stepper.meta, "data": entry})


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def generalisation_summary(trainer: Trainer) -> dict[str, Any]:
    """The error on each part at the current weights (None for a part that does not exist),
    the sizes of the parts, and the best epoch so far with the error that chose it."""
    errors: dict[str, float | None] = {"training_error": _finite(trainer.evaluate())}
    sizes = {"training_samples": trainer.n_samples}
    for part, x, t in (
        ("validation", trainer.validation_inputs, trainer.validation_targets),
        ("test", trainer.test_inputs, trainer.test_targets),
    ):
        held = x is not None and t is not None
        errors[f"{part}_error"] = _finite(trainer.evaluate(x, t)) if held else None
        sizes[f"{part}_samples"] = 0 if x is None else int(x.shape[0])
    best = trainer.best
    return {
        **errors,
        **sizes,
        "best_epoch": None if best is None else best[0],
        "best_on": trainer.best_on or None,
        "best_error": None if best is None else _finite(best[1]),
        "weight_decay": trainer.config.weight_decay,
        "patience": trainer.config.patience,
    }
