"""Editing the training samples of two-input data: add a point, move one, remove one.

The decision-boundary view lets a student click a point onto the input plane and watch the
network adapt (ConvNetJS's 2-D demo). Each edit is one step-machine change with an undo
record (``Stepper.edit_data``): the record keeps the data arrays of its moment, so Step back
puts the samples back exactly. An edit is refused in words, changing nothing, when the data
do not have two inputs, a value is not a finite number, or a point lies outside the map.

Classes: with several outputs the class is the output whose target is largest (a new point
of class k gets target 1 at k and 0 elsewhere, in the targets' own low and high values);
one output whose targets take two values has two classes (0 = the lower, 1 = the higher);
one output with more values is a regression: the new point's target is the value given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.errors import ConfigError

__all__ = [
    "MAX_EDITED_SAMPLES",
    "DataEdit",
    "DataMoment",
    "class_count",
    "edited_arrays",
    "edited_entry",
    "map_extent",
    "set_training_data",
    "target_row",
]

Array = NDArray[np.float64]

MAX_EDITED_SAMPLES = 200_000  # what a session file holds (session.MAX_SAMPLES)
KINDS = ("add", "move", "remove")


@dataclass(frozen=True)
class DataEdit:
    """One change to the training samples, as the view asks for it.

    ``add``: a point at (x, y) with ``label`` (a class index, or the target value of a
    regression); ``move``: sample ``index`` to (x, y); ``remove``: sample ``index``.
    """

    kind: str
    x: float = math.nan
    y: float = math.nan
    label: float = 0.0
    index: int = -1


@dataclass(frozen=True)
class DataMoment:
    """The training samples at one moment, and how the session named them (``meta['data']``,
    None where the samples themselves are saved). The arrays are read-only and shared."""

    inputs: Array
    targets: Array
    entry: object = None


def map_extent(inputs: Array) -> tuple[tuple[float, float], tuple[float, float]]:
    """The area the decision map covers: the data's extent, 10 % more on each side and at
    least ±0.5 around it (the rule of ``landscape.data_map``)."""
    low, high = inputs.min(axis=0), inputs.max(axis=0)
    pad = np.maximum(0.1 * (high - low), 0.5 - 0.5 * (high - low))
    return (
        (float(low[0] - pad[0]), float(high[0] + pad[0])),
        (float(low[1] - pad[1]), float(high[1] + pad[1])),
    )


def class_count(targets: Array) -> int:
    """How many classes the targets make (0: a regression, the label is the value)."""
    if targets.shape[1] > 1:
        return int(targets.shape[1])
    return 2 if np.unique(targets[:, 0]).size <= 2 else 0


def target_row(targets: Array, label: float) -> Array:
    """The target of a new sample of class (or value) ``label``, in the data's own terms."""
    if not math.isfinite(label):
        raise ConfigError("The class or value of the new point must be a number.")
    classes = class_count(targets)
    if classes == 0:
        if abs(label) > 1e6:
            raise ConfigError("The target value of the new point is too large (at most 1e6).")
        return np.array([float(label)])
    if label != int(label) or not 0 <= label < classes:
        raise ConfigError(f"The class of the new point must be one of 0 to {classes - 1}.")
    low, high = float(targets.min()), float(targets.max())
    if high <= low:  # every target the same: class 1 is one more
        high = low + 1.0
    if targets.shape[1] == 1:
        return np.array([high if int(label) == 1 else low])
    row = np.full(targets.shape[1], low)
    row[int(label)] = high
    return row


def _check_point(inputs: Array, x: float, y: float) -> None:
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ConfigError("A point needs two numbers for its place on the map.")
    (x0, x1), (y0, y1) = map_extent(inputs)
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        raise ConfigError(
            f"The point ({x:.3g}, {y:.3g}) is outside the map "
            f"({x0:.3g} to {x1:.3g} across, {y0:.3g} to {y1:.3g} up): put it on the map."
        )


def _check_index(inputs: Array, index: int) -> int:
    if not 0 <= index < inputs.shape[0]:
        raise ConfigError(f"There is no training point number {index + 1} to change.")
    return int(index)


def edited_arrays(inputs: Array, targets: Array, edit: DataEdit) -> tuple[Array, Array]:
    """New training inputs and targets with ``edit`` made (the given arrays are not
    changed), or a ConfigError in words."""
    if inputs.ndim != 2 or inputs.shape[1] != 2:
        raise ConfigError(
            "Points can be added on the map only for data with exactly two inputs "
            f"(these data have {inputs.shape[1] if inputs.ndim == 2 else 0})."
        )
    if edit.kind not in KINDS:
        raise ConfigError(f"Unknown change to the data '{edit.kind}'.")
    if edit.kind == "remove":
        index = _check_index(inputs, edit.index)
        if inputs.shape[0] <= 1:
            raise ConfigError("The last training point cannot be removed: training needs one.")
        keep = np.arange(inputs.shape[0]) != index
        return inputs[keep], targets[keep]
    x, y = float(edit.x), float(edit.y)
    _check_point(inputs, x, y)
    if edit.kind == "move":
        index = _check_index(inputs, edit.index)
        moved = inputs.copy()
        moved[index] = (x, y)
        return moved, targets.copy()
    if inputs.shape[0] >= MAX_EDITED_SAMPLES:
        raise ConfigError(f"A lesson holds at most {MAX_EDITED_SAMPLES:,} training points.")
    row = target_row(targets, float(edit.label))
    return np.vstack([inputs, [[x, y]]]), np.vstack([targets, row[None, :]])


def edited_entry(trainer: Trainer, split_seed: int = 0) -> dict[str, object]:
    """How a lesson names edited samples (``meta['data']``): the session saves the samples
    themselves and the held-out parts as they are; the sizes (counts) and seed are what the
    split form shows and what a new split of all the samples starts from."""
    entry: dict[str, object] = {"edited": True}
    for part in ("validation", "test"):
        held = getattr(trainer, f"{part}_inputs")
        if held is not None:
            entry[f"{part}_size"] = int(held.shape[0])
    if len(entry) > 1:
        entry["split_seed"] = int(split_seed)
    return entry


def _read_only(values: Array) -> Array:
    if values.dtype == np.float64 and not values.flags.writeable:
        return values  # already a frozen array (an undo record's): shared, not copied
    frozen = np.array(values, dtype=np.float64)
    frozen.flags.writeable = False
    return frozen


def set_training_data(trainer: Trainer, inputs: Array, targets: Array) -> None:
    """Give ``trainer`` (a ``Trainer``) new training samples of the same columns, read-only;
    the epoch in progress starts afresh (position 0, a new order for the new count). The
    weights, optimiser memory, counters and history stay."""
    x, t = _read_only(inputs), _read_only(targets)
    if x.shape[1:] != trainer.inputs.shape[1:] or t.shape[1:] != trainer.targets.shape[1:]:
        raise ConfigError("The new samples do not have the training samples' columns.")
    if x.shape[0] != t.shape[0] or x.shape[0] == 0:
        raise ConfigError("The data set needs the same number (≥ 1) of inputs and targets.")
    trainer.inputs, trainer.targets = x, t
    trainer._small = None  # the plain-float path copies the samples: made again
    trainer._recount()
    trainer.position, trainer.epoch_sum = 0, 0.0
    trainer.order = np.arange(x.shape[0])
    trainer._new_epoch_order()
