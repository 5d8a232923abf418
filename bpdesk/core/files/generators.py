"""Seeded generators of the classic teaching sets: gates, spirals, circles, moons, blobs, sine."""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Integral, Real

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.errors import DataError
from bpdesk.core.files.dataset import Dataset, seed_value

__all__ = [
    "MAX_CENTERS",
    "MAX_GENERATED",
    "MAX_NOISE",
    "blobs",
    "circles",
    "lecture_sample",
    "logic_gate",
    "moons",
    "noisy_sine",
    "two_spirals",
]

Array = NDArray[np.float64]

MAX_GENERATED = 100_000
"""The most samples a generator makes (a bigger set would only make the app sluggish)."""
MAX_NOISE = 100.0
MAX_CENTERS = 10


# --- checking generator parameters -------------------------------------------------------


def _count(value: object, what: str, label: str, low: int = 1, high: int = MAX_GENERATED) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or not low <= int(value) <= high:
        raise DataError(
            f"{label}: {what} must be a whole number from {low} to {high}, not {value!r}."
        )
    return int(value)


def _amount(value: object, what: str, label: str, low: float, high: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not math.isfinite(float(value))
        or not low <= float(value) <= high
    ):
        raise DataError(
            f"{label}: {what} must be a number from {low:g} to {high:g}, not {value!r}."
        )
    return float(value)


def _noise(value: object, label: str) -> float:
    return _amount(value, "the noise", label, 0.0, MAX_NOISE)


def _sizes(n: int, parts: int) -> list[int]:
    """``n`` samples shared as evenly as possible among ``parts`` classes, first ones larger."""
    return [n // parts + (1 if k < n % parts else 0) for k in range(parts)]


def _shuffled(
    rng: np.random.Generator, inputs: Array, labels: NDArray[np.int64]
) -> tuple[Array, NDArray[np.int64]]:
    order = rng.permutation(inputs.shape[0])
    return inputs[order], labels[order]


def _two_class(
    name: str,
    key: str,
    params: dict[str, object],
    inputs: Array,
    labels: NDArray[np.int64],
    description: str,
) -> Dataset:
    return Dataset(
        name=name,
        inputs=inputs,
        targets=labels.astype(np.float64)[:, None],
        input_names=("x1", "x2"),
        target_names=("class",),
        task="binary",
        source="",
        description=description,
        params={"builtin": key, "params": params},
    )


# --- generators --------------------------------------------------------------------------


def lecture_sample() -> Dataset:
    """The lecture's single sample: inputs 0.05 and 0.10, targets 0.01 and 0.99."""
    return Dataset(
        name="The lecture's sample",
        inputs=np.array([[0.05, 0.10]]),
        targets=np.array([[0.01, 0.99]]),
        input_names=("i1", "i2"),
        target_names=("o1", "o2"),
        task="regression",
        source="",
        description="The one sample of the lecture's worked example: two inputs, two targets.",
        params={"builtin": "lecture", "params": {}},
    )


_GATES: dict[str, Callable[[int, int], int]] = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
}


def logic_gate(kind: str) -> Dataset:
    """The truth table of ``"and"``, ``"or"`` or ``"xor"``: four rows of 0/1 inputs, one target."""
    if not isinstance(kind, str) or kind.lower() not in _GATES:
        raise DataError(f"Unknown logic gate {kind!r}; choose one of: and, or, xor.")
    kind = kind.lower()
    rows = [(a, b) for a in (0, 1) for b in (0, 1)]
    gate = _GATES[kind]
    upper = kind.upper()
    lesson = {
        "and": "one straight line separates the single 1 from the 0s.",
        "or": "one straight line separates the 0 from the 1s.",
        "xor": "no straight line separates the 1s from the 0s, so it needs a hidden layer.",
    }[kind]
    return Dataset(
        name=upper,
        inputs=np.array(rows, dtype=np.float64),
        targets=np.array([[gate(a, b)] for a, b in rows], dtype=np.float64),
        input_names=("x1", "x2"),
        target_names=(f"x1 {upper} x2",),
        task="binary",
        source="",
        description=f"The truth table of {upper}: {lesson}",
        params={"builtin": kind, "params": {}},
    )


def two_spirals(n: int = 400, noise: float = 0.0, seed: int = 0) -> Dataset:
    """Two interleaved spirals of 1.5 turns each, ``n`` points in all, inside about [-1, 1]²."""
    label = "Two spirals"
    n = _count(n, "n", label)
    noise = _noise(noise, label)
    seed = seed_value(seed, label)
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for k, size in enumerate(_sizes(n, 2)):
        # sqrt spreads the points evenly along the arc rather than bunching them at the centre
        t = np.sqrt(rng.uniform(0.0, 1.0, size))
        radius = 0.1 + 0.9 * t
        angle = 3.0 * math.pi * t + k * math.pi
        xy = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
        points.append(xy + noise * rng.normal(size=xy.shape))
        labels.append(np.full(size, k, dtype=np.int64))
    inputs, classes = _shuffled(rng, np.concatenate(points), np.concatenate(labels))
    return _two_class(
        label,
        "spirals",
        {"n": n, "noise": noise, "seed": seed},
        inputs,
        classes,
        "Two spirals wound into each other: only a network with hidden layers can tell them apart.",
    )


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int = 0) -> Dataset:
    """A ring of radius 1 (class 0) around a ring of radius ``factor`` (class 1)."""
    label = "Circles"
    n = _count(n, "n", label)
    noise = _noise(noise, label)
    factor = _amount(factor, "the inner radius (factor)", label, 0.01, 0.99)
    seed = seed_value(seed, label)
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for k, (size, radius) in enumerate(zip(_sizes(n, 2), (1.0, factor), strict=True)):
        angle = rng.uniform(0.0, 2.0 * math.pi, size)
        xy = radius * np.column_stack([np.cos(angle), np.sin(angle)])
        points.append(xy + noise * rng.normal(size=xy.shape))
        labels.append(np.full(size, k, dtype=np.int64))
    inputs, classes = _shuffled(rng, np.concatenate(points), np.concatenate(labels))
    return _two_class(
        label,
        "circles",
        {"n": n, "noise": noise, "factor": factor, "seed": seed},
        inputs,
        classes,
        "A small ring inside a large one: the boundary between them has to be a closed curve.",
    )


def moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interlocking half-moons, scaled so the inputs lie in about [-1, 1] × [-0.5, 0.5]."""
    label = "Moons"
    n = _count(n, "n", label)
    noise = _noise(noise, label)
    seed = seed_value(seed, label)
    rng = np.random.default_rng(seed)
    upper, lower = _sizes(n, 2)
    t_up = rng.uniform(0.0, math.pi, upper)
    t_low = rng.uniform(0.0, math.pi, lower)
    xy = np.concatenate(
        [
            np.column_stack([np.cos(t_up), np.sin(t_up)]),
            np.column_stack([1.0 - np.cos(t_low), 0.5 - np.sin(t_low)]),
        ]
    )
    xy = (xy - np.array([0.5, 0.25])) / 1.5 + noise * rng.normal(size=xy.shape)
    labels = np.concatenate([np.zeros(upper, np.int64), np.ones(lower, np.int64)])
    inputs, classes = _shuffled(rng, xy, labels)
    return _two_class(
        label,
        "moons",
        {"n": n, "noise": noise, "seed": seed},
        inputs,
        classes,
        "Two crescent moons hooked into each other: the boundary between them must bend.",
    )


def blobs(n: int = 300, centers: int = 3, noise: float = 1.0, seed: int = 0) -> Dataset:
    """``centers`` round clouds of points (spread ``noise``) evenly around a circle of radius 5."""
    label = "Blobs"
    centers = _count(centers, "the number of centers", label, 2, MAX_CENTERS)
    n = _count(n, "n", label, centers)
    noise = _noise(noise, label)
    seed = seed_value(seed, label)
    rng = np.random.default_rng(seed)
    turn = rng.uniform(0.0, 2.0 * math.pi)
    points, labels = [], []
    for k, size in enumerate(_sizes(n, centers)):
        angle = turn + 2.0 * math.pi * k / centers
        middle = 5.0 * np.array([math.cos(angle), math.sin(angle)])
        points.append(middle + noise * rng.normal(size=(size, 2)))
        labels.append(np.full(size, k, dtype=np.int64))
    inputs, classes = _shuffled(rng, np.concatenate(points), np.concatenate(labels))
    names = tuple(f"blob {k + 1}" for k in range(centers))
    return Dataset(
        name="Blobs",
        inputs=inputs,
        targets=np.eye(centers)[classes],
        input_names=("x1", "x2"),
        target_names=names,
        task="multiclass",
        source="",
        description=f"{centers} clouds of points, one per class: which cloud is a point from?",
        class_names=names,
        params={
            "builtin": "blobs",
            "params": {"n": n, "centers": centers, "noise": noise, "seed": seed},
        },
    )


def noisy_sine(n: int = 100, noise: float = 0.1, seed: int = 0) -> Dataset:
    """``n`` points of y = sin(πx) for x in [-1, 1], plus Gaussian noise; sorted by x."""
    label = "Noisy sine"
    n = _count(n, "n", label)
    noise = _noise(noise, label)
    seed = seed_value(seed, label)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1.0, 1.0, n))
    y = np.sin(math.pi * x) + noise * rng.normal(size=n)
    return Dataset(
        name="Noisy sine",
        inputs=x[:, None],
        targets=y[:, None],
        input_names=("x",),
        target_names=("y",),
        task="regression",
        source="",
        description="A full wave of sin(πx) measured with noise: fit the curve, not the noise.",
        params={"builtin": "sine", "params": {"n": n, "noise": noise, "seed": seed}},
    )
