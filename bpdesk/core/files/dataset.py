"""The Dataset record: samples with their names and task, checked; its splits and scalings."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from numbers import Integral, Real

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.config import split_counts
from bpdesk.core.errors import ConfigError, DataError

__all__ = ["SCALINGS", "TASKS", "Dataset", "seed_value"]

Array = NDArray[np.float64]

TASKS = ("regression", "binary", "multiclass")
SCALINGS = ("none", "minmax", "standard")


def seed_value(value: object, label: str) -> int:
    """``value`` as a seed (a whole number ≥ 0), or a DataError naming ``label``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or int(value) < 0:
        raise DataError(f"{label}: the seed must be a whole number ≥ 0, not {value!r}.")
    return int(value)


def _table(value: object, what: str) -> Array:
    """A private, read-only, finite 2-D float copy of ``value``."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"The {what} of a data set must be a table of numbers.") from None
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1:
        raise DataError(
            f"The {what} of a data set must be a table with at least one row and one column "
            f"(got shape {array.shape})."
        )
    if not np.isfinite(array).all():
        row = int(np.argwhere(~np.isfinite(array))[0, 0])
        raise DataError(f"The {what} of a data set hold NaN or infinity (sample {row + 1}).")
    array.flags.writeable = False
    return array


def _names(value: object, count: int, what: str) -> tuple[str, ...]:
    if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
        raise DataError(f"The {what} of a data set must be a tuple of texts.")
    if len(value) != count:
        raise DataError(
            f"The data set has {count} {what.split()[0]} columns but {len(value)} {what}."
        )
    return value


@dataclass(frozen=True, eq=False)
class Dataset:
    """Samples to train on: ``inputs`` (N, n_in) → ``targets`` (N, n_out), with their names.

    The arrays are private read-only copies. ``params`` holds the recipe that rebuilds a
    built-in set (see ``rebuild``); it is empty for imported data.
    """

    name: str
    inputs: Array
    targets: Array
    input_names: tuple[str, ...]
    target_names: tuple[str, ...]
    task: str
    source: str
    description: str
    class_names: tuple[str, ...] = ()
    image_shape: tuple[int, int] | None = None
    params: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        inputs = _table(self.inputs, "inputs")
        targets = _table(self.targets, "targets")
        if inputs.shape[0] != targets.shape[0]:
            raise DataError(
                f"The data set has {inputs.shape[0]} inputs but {targets.shape[0]} targets; "
                "every sample needs both."
            )
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "targets", targets)
        object.__setattr__(
            self, "input_names", _names(self.input_names, inputs.shape[1], "input names")
        )
        object.__setattr__(
            self, "target_names", _names(self.target_names, targets.shape[1], "target names")
        )
        if self.task not in TASKS:
            raise DataError(f"Unknown task '{self.task}'; it must be one of: {', '.join(TASKS)}.")
        if self.class_names:
            _names(self.class_names, targets.shape[1], "class names")
        if self.task == "binary" and not np.isin(targets, (0.0, 1.0)).all():
            raise DataError("A yes/no (binary) data set needs targets that are 0 or 1.")
        if self.task == "multiclass":
            one_hot = np.isin(targets, (0.0, 1.0)).all() and (targets.sum(axis=1) == 1.0).all()
            if targets.shape[1] < 2 or not one_hot:
                raise DataError(
                    "A data set of classes needs at least two target columns, "
                    "with a single 1 in each row (one-hot)."
                )
        if self.image_shape is not None:
            shape = self.image_shape
            if (
                not isinstance(shape, tuple)
                or len(shape) != 2
                or not all(isinstance(s, int) and s > 0 for s in shape)
                or shape[0] * shape[1] != inputs.shape[1]
            ):
                raise DataError(
                    f"An image shape must be two sizes whose product is the number of "
                    f"inputs ({inputs.shape[1]}), not {shape!r}."
                )
        if not isinstance(self.params, dict):
            raise DataError("The parameters of a data set must be a dictionary.")
        object.__setattr__(self, "params", dict(self.params))

    @property
    def n_samples(self) -> int:
        return int(self.inputs.shape[0])

    @property
    def n_inputs(self) -> int:
        return int(self.inputs.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.targets.shape[1])

    def _derived_params(self, step: dict[str, object]) -> dict[str, object]:
        """The recipe of a set made from this one (imported sets have none to extend)."""
        if "builtin" not in self.params:
            return {}
        steps = self.params.get("steps", [])
        previous = list(steps) if isinstance(steps, list) else []
        return {**self.params, "steps": [*previous, step]}

    def split(self, test_fraction: float, seed: int) -> tuple[Dataset, Dataset]:
        """A random (train, test) split; ``test_fraction`` of the samples, rounded, go to test.

        The samples keep their original order within each part.
        """
        if (
            isinstance(test_fraction, bool)
            or not isinstance(test_fraction, Real)
            or not 0.0 < float(test_fraction) < 1.0
        ):
            raise DataError(
                f"The test fraction must be a number between 0 and 1, not {test_fraction!r}."
            )
        fraction = float(test_fraction)
        seed = seed_value(seed, "Splitting")
        n_test = math.floor(self.n_samples * fraction + 0.5)
        if n_test < 1 or n_test > self.n_samples - 1:
            raise DataError(
                f"Splitting {self.n_samples} samples with a test fraction of {fraction:g} "
                f"would leave the {'test' if n_test < 1 else 'training'} part empty; "
                "each part needs at least one sample."
            )
        order = np.random.default_rng(seed).permutation(self.n_samples)
        test_rows = np.sort(order[:n_test])
        train_rows = np.sort(order[n_test:])
        parts = []
        for part, rows in (("train", train_rows), ("test", test_rows)):
            step: dict[str, object] = {"split": part, "test_fraction": fraction, "seed": seed}
            parts.append(
                replace(
                    self,
                    name=f"{self.name} ({'training' if part == 'train' else 'test'} part)",
                    inputs=self.inputs[rows],
                    targets=self.targets[rows],
                    params=self._derived_params(step),
                )
            )
        return parts[0], parts[1]

    def split_parts(
        self, validation: float, test: float, seed: int
    ) -> tuple[Dataset, Dataset | None, Dataset | None]:
        """A random (train, validation, test) split; each size a fraction of the samples
        (0.2) or a count (30), 0 for no such part (None). The rule for the sizes is
        ``config.check_split``. The same seed always gives the same parts, and with no
        validation part the same (train, test) as :meth:`split`: the seeded permutation's
        first samples go to test, the next to validation, the rest to training, each part
        keeping the samples' original order."""
        seed = seed_value(seed, "Splitting")
        try:
            n_validation, n_test = split_counts(validation, test, self.n_samples)
        except ConfigError as error:
            raise DataError(str(error)) from None
        order = np.random.default_rng(seed).permutation(self.n_samples)
        rows = {
            "test": np.sort(order[:n_test]),
            "validation": np.sort(order[n_test : n_test + n_validation]),
            "train": np.sort(order[n_test + n_validation :]),
        }
        step = {"validation_size": validation, "test_size": test, "seed": seed}
        parts: dict[str, Dataset | None] = {}
        for part, label in (("train", "training"), ("validation", "validation"), ("test", "test")):
            if part != "train" and rows[part].size == 0:
                parts[part] = None
                continue
            parts[part] = replace(
                self,
                name=f"{self.name} ({label} part)",
                inputs=self.inputs[rows[part]],
                targets=self.targets[rows[part]],
                params=self._derived_params({"split": part, **step}),
            )
        train = parts["train"]
        assert train is not None
        return train, parts["validation"], parts["test"]

    def scaled(self, mode: str) -> Dataset:
        """A copy with rescaled inputs: ``"none"``, ``"minmax"`` (each input to [0, 1]) or
        ``"standard"`` (each input to mean 0, variance 1). Constant inputs become 0."""
        if mode not in SCALINGS:
            raise DataError(f"Unknown scaling {mode!r}; choose one of: {', '.join(SCALINGS)}.")
        if mode == "none":
            return replace(self)
        # Both scalings ignore a column's units, so first divide each column by a power of two
        # near its largest size: exact, and it keeps sums of huge numbers from overflowing.
        _, exponent = np.frexp(np.abs(self.inputs).max(axis=0))
        x = self.inputs / np.ldexp(1.0, exponent - 1)
        with np.errstate(all="ignore"):
            if mode == "minmax":
                low = x.min(axis=0)
                span = x.max(axis=0) - low
                safe = np.where(span > 0.0, span, 1.0)
                out = np.where(span > 0.0, np.clip((x - low) / safe, 0.0, 1.0), 0.0)
            else:
                mean = x.mean(axis=0)
                centred = x - mean
                std = np.sqrt((centred**2).mean(axis=0))
                safe = np.where(std > 0.0, std, 1.0)
                out = np.where(std > 0.0, centred / safe, 0.0)
        if not np.isfinite(out).all():
            column = int(np.argwhere(~np.isfinite(out))[0, 1])
            raise DataError(
                f"The input '{self.input_names[column]}' holds numbers too large to rescale."
            )
        return replace(self, inputs=out, params=self._derived_params({"scaled": mode}))
