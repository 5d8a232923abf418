"""Sessions keep the validation split, weight decay and patience; older files open as before."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bpdesk.core.errors import BpdeskError, SessionError
from bpdesk.core.files.datasets import load_builtin
from bpdesk.core.files.documents import open_source, resolve_data, with_dataset
from bpdesk.core.files.session import dumps_session, loads_session
from bpdesk.resources import resource_path


def _reload(stepper):
    return loads_session(dumps_session(stepper), resolve_data)


def test_a_shipped_file_from_before_validation_opens_with_the_same_split():
    text = resource_path("presets", "moons.bpdesk").read_text(encoding="utf-8")
    document = json.loads(text)
    assert "validation_size" not in document["data"] and "weight_decay" not in document["training"]
    trainer = open_source("moons").trainer
    _, old_test = load_builtin("moons", n=200, noise=0.15, seed=1).split(0.25, 1)
    assert trainer.test_inputs is not None and np.array_equal(trainer.test_inputs, old_test.inputs)
    assert trainer.validation_inputs is None
    assert trainer.config.weight_decay == 0.0 and trainer.config.patience == 0


def test_validation_split_decay_and_patience_survive_save_and_load():
    stepper = with_dataset(
        open_source("xor"), "moons", test_fraction=10, validation_size=0.25, split_seed=4,
        n=60, noise=0.2, seed=3,
    )  # fmt: skip
    config = stepper.trainer.config
    from dataclasses import replace

    stepper.set_config(replace(config, weight_decay=0.004, patience=7, batch_size=10))
    stepper.run(epochs=3)
    loaded = _reload(stepper)
    a, b = stepper.trainer, loaded.trainer
    assert (b.n_samples, len(b.validation_inputs), len(b.test_inputs)) == (35, 15, 10)
    assert np.array_equal(a.validation_inputs, b.validation_inputs)
    assert np.array_equal(a.test_targets, b.test_targets)
    assert b.config.weight_decay == 0.004 and b.config.patience == 7
    assert np.array_equal(a.validation_errors.values(), b.validation_errors.values())
    assert len(b.validation_errors) == 3
    data = json.loads(dumps_session(stepper))["data"]
    assert data["test_size"] == 10 and data["validation_size"] == 0.25  # a count stays a count
    # Both go on identically.
    stepper.run(epochs=2)
    loaded.run(epochs=2)
    assert np.array_equal(a.validation_errors.values(), b.validation_errors.values())


@pytest.mark.parametrize(
    ("section", "key", "value", "words"),
    [
        ("data", "validation_size", 0.9, "train on"),
        ("data", "validation_size", -1, "validation part"),
        ("training", "weight_decay", -0.1, "weight decay"),
        ("training", "patience", 2.5, "whole number"),
    ],
)
def test_bad_split_sizes_decay_or_patience_in_a_file_are_refused_in_words(
    section, key, value, words
):
    document = json.loads(dumps_session(open_source("overfit")))
    document[section][key] = value
    with pytest.raises(SessionError, match=words) as error:
        loads_session(json.dumps(document), resolve_data)
    assert "Traceback" not in str(error.value)


def test_imported_samples_can_be_split_and_keep_their_split_in_a_session():
    from bpdesk.core.files.documents import plain_samples, with_data
    from bpdesk.core.files.splits import current_split, with_split

    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(20, 2)), rng.uniform(0, 1, size=(20, 1))
    stepper = with_data(open_source("xor"), plain_samples(x, t, "mine"))
    weights = [w.copy() for w in stepper.network.weights]
    split = with_split(stepper, validation=5, test=0.25, seed=2)
    trainer = split.trainer
    assert (trainer.n_samples, len(trainer.validation_inputs), len(trainer.test_inputs)) == (
        10, 5, 5,
    )  # fmt: skip
    assert all(np.array_equal(a, b) for a, b in zip(weights, split.network.weights, strict=True))
    rows = np.concatenate([trainer.inputs, trainer.validation_inputs, trainer.test_inputs])
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, x.tolist()))
    assert current_split(split) == (5, 0.25, 2)
    loaded = _reload(split).trainer
    assert np.array_equal(loaded.validation_inputs, trainer.validation_inputs)
    assert np.array_equal(loaded.inputs, trainer.inputs)
    again = with_split(split).trainer  # the same sizes and seed cut the same parts
    assert np.array_equal(again.test_targets, trainer.test_targets)
    with pytest.raises(BpdeskError, match="train on"):
        with_split(split, validation=10, test=10)
    no_split = with_split(split, validation=0, test=0).trainer
    assert no_split.n_samples == 20 and no_split.validation_inputs is None
