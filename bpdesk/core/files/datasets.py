"""Training data sets: the Dataset record, seeded generators of classic problems and a registry."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from numbers import Integral, Real

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.errors import DataError

__all__ = [
    "BUILTIN",
    "MAX_GENERATED",
    "SCALINGS",
    "TASKS",
    "Dataset",
    "blobs",
    "circles",
    "digits",
    "iris",
    "lecture_sample",
    "load_builtin",
    "logic_gate",
    "moons",
    "noisy_sine",
    "rebuild",
    "two_spirals",
]

Array = NDArray[np.float64]

TASKS = ("regression", "binary", "multiclass")
SCALINGS = ("none", "minmax", "standard")
MAX_GENERATED = 100_000
"""The most samples a generator makes (a bigger set would only make the app sluggish)."""
MAX_NOISE = 100.0
MAX_CENTERS = 10

IRIS_SOURCE = (
    'R. A. Fisher, "The use of multiple measurements in taxonomic problems", '
    "Annals of Eugenics 7 (1936); the version distributed with R and scikit-learn. Public domain."
)
DIGITS_SOURCE = (
    'E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", '
    "UCI Machine Learning Repository (1998); the 8×8 version distributed with scikit-learn. "
    "Licence CC BY 4.0."
)


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
        seed = _seed(seed, "Splitting")
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


def _seed(value: object, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or int(value) < 0:
        raise DataError(f"{label}: the seed must be a whole number ≥ 0, not {value!r}.")
    return int(value)


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
    seed = _seed(seed, label)
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
    seed = _seed(seed, label)
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
    seed = _seed(seed, label)
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
    seed = _seed(seed, label)
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
    seed = _seed(seed, label)
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


@cache
def _iris() -> Dataset:
    from bpdesk.core.files.csv_import import read_csv
    from bpdesk.resources import resource_path

    return read_csv(resource_path("data", "iris.csv"), inputs=range(4), class_column="species")


@cache
def _digits() -> Dataset:
    from bpdesk.core.files.csv_import import read_csv
    from bpdesk.resources import resource_path

    return read_csv(resource_path("data", "digits.csv"), inputs=range(64), class_column="digit")


def iris() -> Dataset:
    """Fisher's 150 iris flowers: four measurements in cm → one of three species (one-hot)."""
    raw = _iris()
    return replace(
        raw,
        name="Iris flowers",
        source=IRIS_SOURCE,
        description="Four measurements of an iris flower, in centimetres, tell its species.",
        params={"builtin": "iris", "params": {}},
    )


def digits() -> Dataset:
    """1,797 handwritten digits as 8×8 images, pixels scaled to [0, 1] → the digit (one-hot)."""
    raw = _digits()
    return replace(
        raw,
        name="Handwritten digits",
        inputs=raw.inputs / 16.0,
        source=DIGITS_SOURCE,
        description="An 8×8 image of a handwritten digit, each pixel 0 to 1, tells which digit.",
        image_shape=(8, 8),
        params={"builtin": "digits", "params": {}},
    )


def _gate(kind: str) -> Callable[[], Dataset]:
    def make() -> Dataset:
        return logic_gate(kind)

    make.__doc__ = f"The truth table of {kind.upper()}."
    return make


BUILTIN: dict[str, Callable[..., Dataset]] = {
    "lecture": lecture_sample,
    "and": _gate("and"),
    "or": _gate("or"),
    "xor": _gate("xor"),
    "spirals": two_spirals,
    "circles": circles,
    "moons": moons,
    "blobs": blobs,
    "sine": noisy_sine,
    "iris": iris,
    "digits": digits,
}


def load_builtin(name: str, **params: object) -> Dataset:
    """The built-in set ``name`` made with ``params`` (keyword arguments of its generator)."""
    known = ", ".join(BUILTIN)
    if not isinstance(name, str) or name not in BUILTIN:
        raise DataError(f"Unknown data set {name!r}. Choose one of: {known}.")
    maker = BUILTIN[name]
    accepted = list(inspect.signature(maker).parameters)
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        takes = f"it takes only {', '.join(accepted)}" if accepted else "it takes none"
        raise DataError(
            f"The data set '{name}' has no parameter {', '.join(map(repr, unknown))}; {takes}."
        )
    return maker(**params)


def rebuild(params: Mapping[str, object]) -> Dataset:
    """The data set a ``Dataset.params`` recipe describes: a built-in set, then any splits and
    scalings in the order they were made."""
    if not isinstance(params, Mapping) or not isinstance(params.get("builtin"), str):
        raise DataError("A data set recipe must name a built-in data set ('builtin').")
    arguments = params.get("params", {})
    steps = params.get("steps", [])
    if not isinstance(arguments, Mapping) or not all(isinstance(k, str) for k in arguments):
        raise DataError("The parameters of a data set recipe must be a dictionary.")
    if not isinstance(steps, list):
        raise DataError("The steps of a data set recipe must be a list.")
    dataset = load_builtin(str(params["builtin"]), **arguments)
    for step in steps:
        if isinstance(step, Mapping) and step.get("split") in ("train", "test"):
            fraction, seed = step.get("test_fraction"), step.get("seed")
            if not isinstance(fraction, Real) or not isinstance(seed, Integral):
                raise DataError("A split step needs a test fraction and a seed.")
            train, test = dataset.split(float(fraction), int(seed))
            dataset = train if step["split"] == "train" else test
        elif isinstance(step, Mapping) and isinstance(step.get("scaled"), str):
            dataset = dataset.scaled(str(step["scaled"]))
        else:
            raise DataError(f"Unknown step in a data set recipe: {step!r}.")
    return dataset
