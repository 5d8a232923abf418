"""The registry of built-in data sets (shipped Iris and digits, the generators) and recipes."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import cache
from numbers import Integral, Real

from bpdesk.core.errors import DataError
from bpdesk.core.files.csv_import import read_csv
from bpdesk.core.files.dataset import Dataset
from bpdesk.core.files.generators import (
    blobs,
    circles,
    lecture_sample,
    logic_gate,
    moons,
    noisy_sine,
    two_spirals,
)
from bpdesk.resources import resource_path

__all__ = [
    "BUILTIN",
    "DIGITS_SOURCE",
    "IRIS_SOURCE",
    "digits",
    "digits1000",
    "iris",
    "load_builtin",
    "rebuild",
]

IRIS_SOURCE = (
    'R. A. Fisher, "The use of multiple measurements in taxonomic problems", '
    "Annals of Eugenics 7 (1936); the version distributed with R and scikit-learn. Public domain."
)
DIGITS_SOURCE = (
    'E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", '
    "UCI Machine Learning Repository (1998); the 8×8 version distributed with scikit-learn. "
    "Licence CC BY 4.0."
)


@cache
def _iris() -> Dataset:
    return read_csv(resource_path("data", "iris.csv"), inputs=range(4), class_column="species")


@cache
def _digits() -> Dataset:
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


DIGITS_1000 = 1000


def digits1000() -> Dataset:
    """The first 1,000 of the handwritten digits (about 100 of each), as :func:`digits`: the
    lecture's "1000 images", which batches of 20 cut into 50 iterations per epoch."""
    full = digits()
    return replace(
        full,
        name="1,000 handwritten digits",
        inputs=full.inputs[:DIGITS_1000],
        targets=full.targets[:DIGITS_1000],
        description=(
            "The first 1,000 handwritten digits: an 8×8 image, each pixel 0 to 1, tells which "
            "digit it is."
        ),
        params={"builtin": "digits1000", "params": {}},
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
    "digits1000": digits1000,
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
        if (
            isinstance(step, Mapping)
            and step.get("split") in ("train", "test")
            and "validation_size" not in step
        ):
            fraction, seed = step.get("test_fraction"), step.get("seed")
            if not isinstance(fraction, Real) or not isinstance(seed, Integral):
                raise DataError("A split step needs a test fraction and a seed.")
            train, test = dataset.split(float(fraction), int(seed))
            dataset = train if step["split"] == "train" else test
        elif isinstance(step, Mapping) and "validation_size" in step:
            validation, test_size = step.get("validation_size"), step.get("test_size")
            seed = step.get("seed")
            if (
                not isinstance(validation, Real)
                or not isinstance(test_size, Real)
                or not isinstance(seed, Integral)
            ):
                raise DataError("A split step needs a validation size, a test size and a seed.")
            parts = dataset.split_parts(float(validation), float(test_size), int(seed))
            named = dict(zip(("train", "validation", "test"), parts, strict=True))
            chosen = named.get(str(step.get("split")))
            if chosen is None:
                raise DataError(f"The split step names no part of the split: {step!r}.")
            dataset = chosen
        elif isinstance(step, Mapping) and isinstance(step.get("scaled"), str):
            dataset = dataset.scaled(str(step["scaled"]))
        else:
            raise DataError(f"Unknown step in a data set recipe: {step!r}.")
    return dataset
