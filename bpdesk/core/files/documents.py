"""Opening, saving and reshaping a lesson: presets, session files, data sets and network shapes.

Every function returns a fresh ``Stepper``; the caller swaps it in whole, so a
failure leaves the lesson that was open untouched.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import LayerSpec, NetworkSpec
from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.errors import BpdeskError, ConfigError, SessionError
from bpdesk.core.files import session
from bpdesk.core.files.datasets import Dataset, load_builtin
from bpdesk.core.files.presets import PRESETS, get_preset
from bpdesk.core.files.session_fields import Field
from bpdesk.core.stepping.stepper import Stepper

__all__ = [
    "dataset_meta",
    "is_session_path",
    "open_source",
    "resolve_data",
    "save_session",
    "with_data",
    "with_dataset",
    "with_network",
]

Array = NDArray[np.float64]


def dataset_meta(dataset: Dataset, data: dict[str, Any]) -> dict[str, object]:
    return {
        "dataset_name": dataset.name,
        "input_shape": dataset.image_shape,
        "source": dataset.source,
        "data": data,
    }


def _split_sizes(field: Field) -> tuple[float, float, int]:
    """(validation size, test size, split seed) of a data section; 0 where it has none."""
    sizes = []
    for key in ("validation_size", "test_size", "test_fraction"):
        size_field = field.get(key)
        sizes.append(size_field.float() if size_field else 0.0)
    split_field = field.get("split_seed")
    return sizes[0], sizes[1] or sizes[2], split_field.int() if split_field else 0


def _held_out_meta(meta: dict[str, object], held_out: dict[str, Dataset | None]) -> None:
    for part, held in held_out.items():
        if held is not None:
            meta[f"{part}_inputs"], meta[f"{part}_targets"] = held.inputs, held.targets


def plain_samples(inputs: Array, targets: Array, name: str = "imported data") -> Dataset:
    """Samples without names or task (a table of numbers), as a Dataset to split."""
    return Dataset(
        name=name,
        inputs=inputs,
        targets=targets,
        input_names=tuple(f"x{i + 1}" for i in range(inputs.shape[1])),
        target_names=tuple(f"t{i + 1}" for i in range(targets.shape[1])),
        task="regression",
        source="",
        description=name,
    )


def resolve_data(data: dict[str, Any]) -> tuple[Array, Array, dict[str, object]]:
    """The ``data`` section of a session: a built-in set by name and parameters, or the
    samples themselves; either with the sizes and seed of a validation and test split."""
    field = Field(data, "data")
    validation, test_size, split_seed = _split_sizes(field)
    if "builtin" in data:
        name = field["builtin"].str()
        params_field = field.get("params")
        params = params_field.dict() if params_field else {}
        try:
            dataset = load_builtin(name, **params)
            dataset, held_out, entry = split_entry(
                dataset, name, params, validation, test_size, split_seed
            )
        except BpdeskError as error:
            raise SessionError(f"In the session file, data: {error}") from None
        meta = dataset_meta(dataset, entry)
        _held_out_meta(meta, held_out)
        return dataset.inputs, dataset.targets, meta
    inputs = field["inputs"].matrix(session.MAX_SAMPLES)
    targets = field["targets"].matrix(session.MAX_SAMPLES)
    if inputs.shape[0] != targets.shape[0]:
        raise field.fail(f"has {inputs.shape[0]} inputs but {targets.shape[0]} targets")
    name_field = field.get("name")
    embedded: dict[str, object] = {
        "dataset_name": name_field.str() if name_field else "imported data",
        "input_shape": None,
        "data": data,
    }
    held_out = {}
    for part in ("validation", "test"):  # held-out parts saved as they were (edited data)
        if f"{part}_inputs" in data:
            held_x = field[f"{part}_inputs"].matrix(session.MAX_SAMPLES)
            held_t = field[f"{part}_targets"].matrix(session.MAX_SAMPLES)
            if held_x.shape[0] != held_t.shape[0]:
                raise field.fail(
                    f"has {held_x.shape[0]} {part} inputs but {held_t.shape[0]} targets"
                )
            embedded[f"{part}_inputs"], embedded[f"{part}_targets"] = held_x, held_t
            held_out[f"{part}_size"] = held_x.shape[0]
    if held_out:  # named as edited samples: saved again as they are, never cut again
        embedded["data"] = {"edited": True, **held_out, "split_seed": split_seed}
    elif validation or test_size:
        try:
            train, validation_part, test_part = plain_samples(inputs, targets).split_parts(
                validation, test_size, split_seed
            )
        except BpdeskError as error:
            raise SessionError(f"In the session file, data: {error}") from None
        _held_out_meta(embedded, {"validation": validation_part, "test": test_part})
        inputs, targets = train.inputs, train.targets
    return inputs, targets, embedded


def split_entry(
    dataset: Dataset,
    name: str,
    params: dict[str, Any],
    validation: float,
    test: float,
    split_seed: int,
) -> tuple[Dataset, dict[str, Dataset | None], dict[str, Any]]:
    """The training part of ``dataset`` (the built-in set ``name`` made with ``params``), its
    held-out parts by name, and how a session file names all of it. The sizes are fractions or
    counts (``config.check_split``); a split with a test fraction alone is written as before
    validation parts existed, so older files and older bpdesk versions read the same."""
    entry: dict[str, Any] = {"builtin": name}
    if params:
        entry["params"] = params
    held_out: dict[str, Dataset | None] = {"validation": None, "test": None}
    # A whole count is written as one (30, not 30.0); anything else goes to the rule as it is.
    validation, test = (
        int(v) if isinstance(v, float) and v >= 1.0 and v.is_integer() else v
        for v in (validation, test)
    )
    if validation or test:
        dataset, held_out["validation"], held_out["test"] = dataset.split_parts(
            validation, test, split_seed
        )
        if not validation and test < 1.0:
            entry["test_fraction"] = test
        else:
            entry["validation_size"], entry["test_size"] = validation, test
        entry["split_seed"] = split_seed
    return dataset, held_out, entry


def is_session_path(source: str | os.PathLike[str]) -> bool:
    text = os.fspath(source)
    return isinstance(source, os.PathLike) or text.endswith(".bpdesk") or os.sep in text


def open_source(source: str | os.PathLike[str]) -> Stepper:
    """A preset by name (``lecture``, ``xor``…) or a ``.bpdesk`` session file."""
    if is_session_path(source):
        return session.load_session(source, resolve_data)
    name = os.fspath(source)
    preset_file = _preset_file(name)
    if preset_file is not None:
        return session.load_session(preset_file, resolve_data)
    if name not in PRESETS:
        known = ", ".join(sorted(set(PRESETS) | set(preset_names())))
        raise ConfigError(f"Unknown preset '{name}'. Choose one of: {known}.")
    preset = get_preset(name)
    dataset = load_builtin(name)
    return Stepper(
        preset.trainer(),
        meta={**dataset_meta(dataset, {"builtin": name}), "title": preset.title},
    )


def _preset_file(name: str) -> Path | None:
    try:
        from bpdesk.resources import resource_path

        path = resource_path("presets", f"{name}.bpdesk")
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


def preset_names() -> list[str]:
    """Every preset: session files in resources/presets and the built-in ones."""
    names = set(PRESETS)
    try:
        from bpdesk.resources import resource_path

        names |= {p.stem for p in resource_path("presets").glob("*.bpdesk")}
    except FileNotFoundError:
        pass
    return sorted(names)


def save_session(path: str | os.PathLike[str], stepper: Stepper) -> None:
    """Save atomically (see ``session.save_session``)."""
    session.save_session(path, stepper)


def _adapted_spec(spec: NetworkSpec, dataset: Dataset) -> NetworkSpec:
    """The same hidden layers, with inputs, outputs, output activation and loss fitting the data."""
    loss = spec.loss
    out_act = spec.layers[-1].activation
    if dataset.task == "multiclass":
        out_act, loss = "softmax", "cce"
    elif dataset.task == "binary":
        out_act = "sigmoid"
        if loss == "cce":
            loss = "bce"
    else:
        if out_act == "softmax":
            out_act = "sigmoid"
        if loss in ("bce", "cce"):
            loss = "mse"
        low, high = float(dataset.targets.min()), float(dataset.targets.max())
        if out_act == "sigmoid" and (low < 0.0 or high > 1.0):
            out_act = "linear"
        if out_act == "tanh" and (low < -1.0 or high > 1.0):
            out_act = "linear"
    hidden = spec.layers[:-1]
    layers = (*hidden, LayerSpec(dataset.n_outputs, out_act))
    names = dataset.input_names if dataset.n_inputs <= 8 else None
    return NetworkSpec(dataset.n_inputs, layers, loss, spec.shared_bias, names)


def with_dataset(
    stepper: Stepper,
    name: str,
    *,
    test_fraction: float = 0.0,
    split_seed: int = 0,
    validation_size: float = 0.0,
    **params: Any,
) -> Stepper:
    """The current network's hidden layers on a built-in data set, freshly initialised;
    with ``test_fraction`` (a fraction or a count) or ``validation_size`` > 0 seeded parts
    of it are held out as a test and a validation set."""
    if name in PRESETS and not params and not test_fraction and not validation_size:
        return open_source(name)
    dataset = load_builtin(name, **params)
    dataset, held_out, entry = split_entry(
        dataset, name, params, validation_size, test_fraction, split_seed
    )
    return with_data(
        stepper, dataset, entry, test=held_out["test"], validation=held_out["validation"]
    )


def with_data(
    stepper: Stepper,
    dataset: Dataset,
    entry: dict[str, Any] | None = None,
    hidden: list[int] | None = None,
    test: Dataset | None = None,
    validation: Dataset | None = None,
) -> Stepper:
    """The current network (or ``hidden`` layer sizes) on ``dataset``, freshly initialised.

    ``entry`` is how a session file names the data (a built-in set); without it the
    samples themselves are saved in the session.
    """
    trainer = stepper.trainer
    spec = trainer.network.spec
    if hidden is not None:
        act = spec.layers[0].activation if spec.n_layers > 1 else "sigmoid"
        layers = [LayerSpec(size, act) for size in hidden] + [spec.layers[-1]]
        spec = spec.with_layers(layers)
    spec = _adapted_spec(spec, dataset)
    config = trainer.config
    network = initialize(spec, "xavier", seed=config.seed)
    if config.optimizer == "lm" and spec.n_parameters > 500:
        config = replace(config, optimizer="adam", eta=0.01)
    meta = {**dataset_meta(dataset, entry or {}), "title": dataset.description}
    if entry is None:
        meta.pop("data")
    trainer = Trainer(
        network,
        dataset.inputs,
        dataset.targets,
        config,
        test_inputs=None if test is None else test.inputs,
        test_targets=None if test is None else test.targets,
        validation_inputs=None if validation is None else validation.inputs,
        validation_targets=None if validation is None else validation.targets,
    )
    return Stepper(trainer, meta=meta)


def with_network(stepper: Stepper, spec: NetworkSpec, init_method: str, seed: int) -> Stepper:
    """A new network shape (or fresh initial weights) on the same data and settings."""
    trainer = stepper.trainer
    if spec.n_inputs != trainer.inputs.shape[1] or spec.sizes[-1] != trainer.targets.shape[1]:
        raise ConfigError(
            f"The data set has {trainer.inputs.shape[1]} inputs and {trainer.targets.shape[1]} "
            f"targets, so the network needs exactly that many inputs and outputs "
            f"(not {spec.n_inputs} and {spec.sizes[-1]})."
        )
    network = initialize(spec, init_method, seed=seed)
    fresh = Trainer(
        network,
        trainer.inputs,
        trainer.targets,
        trainer.config,
        test_inputs=trainer.test_inputs,
        test_targets=trainer.test_targets,
        validation_inputs=trainer.validation_inputs,
        validation_targets=trainer.validation_targets,
    )
    return Stepper(fresh, meta=stepper.meta)
