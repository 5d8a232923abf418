"""Session files at size: whole-array reading agrees with reading value by value, a bad value
deep in a long list is still named, a bigger lesson round-trips bit for bit, and a small file
is read without a buffer of the largest size."""

from __future__ import annotations

import json
import math
import random
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.errors import ConfigError, SessionError
from bpdesk.core.files import session
from bpdesk.core.files.documents import open_source, save_session
from bpdesk.core.files.session_fields import Field
from bpdesk.core.stepping.stepper import Stepper


def _lesson(sizes: list[int], samples: int, optimizer: str = "adam") -> Stepper:
    rng = np.random.default_rng(5)
    spec = NetworkSpec.build(sizes, "tanh", loss="mse")
    config = TrainConfig(eta=0.01, momentum=0.9, batch_size=16, optimizer=optimizer, seed=4)
    trainer = Trainer(
        initialize(spec, "xavier", seed=2),
        rng.normal(size=(samples, sizes[0])),
        rng.uniform(-1.0, 1.0, size=(samples, sizes[-1])),
        config,
    )
    stepper = Stepper(trainer, meta={"title": "big", "dataset_name": "random"})
    stepper.run(iterations=7)
    stepper.step_phase("forward")
    return stepper


# ------------------------------------------------------------------ names without a table
@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("sizes", [[2, 2, 2], [3, 1], [1, 5, 4, 3], [4, 3, 2, 1, 2, 3, 4, 5]])
def test_every_name_finds_its_place_in_the_parameter_vector(sizes, shared):
    spec = NetworkSpec.build(sizes, "tanh", shared_bias=shared)
    vector = np.arange(1.0, spec.n_parameters + 1.0)
    network = Network.from_vector(spec, vector)
    names = spec.parameter_names
    assert len(names) == len(set(names)) == spec.n_parameters
    assert [network.get(name) for name in names] == vector.tolist()
    assert list(network.values()) == list(names)
    for layer in range(spec.n_layers):
        n_in, n_out = spec.weight_shape(layer)
        for source in range(n_in):
            for target in range(n_out):
                ref = spec.ref(spec.weight_name(layer, source, target))
                assert (ref.layer, ref.kind, ref.row, ref.col) == (layer, "w", source, target)
        for col in range(spec.bias_shape(layer)[1]):
            ref = spec.ref(spec.bias_name(layer, col))
            assert (ref.layer, ref.kind, ref.row, ref.col) == (layer, "b", 0, col)


@pytest.mark.parametrize("name", ["w0", "w01", "w", "w1.0", "w²", "w-1", " w1", "x1", "b9", "w999"])
def test_a_name_the_network_does_not_have_is_refused(name):
    spec = NetworkSpec.build([2, 3, 2])
    assert not spec.has_parameter(name)
    with pytest.raises(ConfigError, match="no parameter called"):
        spec.ref(name)


def test_from_values_still_names_a_value_it_cannot_use():
    spec = NetworkSpec.build([2, 8, 8, 1])
    values = Network.zeros(spec).values()
    values["w50"] = math.inf
    with pytest.raises(ConfigError, match="w50 must be a finite number"):
        Network.from_values(spec, values)


# ------------------------------------------------------------------ a bigger lesson
def test_a_bigger_lesson_round_trips_bit_for_bit_and_saves_the_same_text(tmp_path):
    stepper = _lesson([6, 64, 64, 2], 5_000)
    path = tmp_path / "big.bpdesk"
    save_session(path, stepper)
    loaded = open_source(path)
    assert session.dumps_session(loaded) == path.read_text(encoding="utf-8")
    for mine, theirs in zip(
        [*stepper.network.weights, *stepper.network.biases, stepper.trainer.inputs],
        [*loaded.network.weights, *loaded.network.biases, loaded.trainer.inputs],
        strict=True,
    ):
        assert np.array_equal(mine, theirs)
    a, b = stepper.saved_state(), loaded.saved_state()
    assert np.array_equal(a.order, b.order) and a.done == b.done
    assert np.array_equal(a.iteration_errors, b.iteration_errors)
    after_a, after_b = stepper.full_step().named_values(), loaded.full_step().named_values()
    assert all(np.array_equal(after_a[k], after_b[k], equal_nan=True) for k in after_a)


def test_parameters_in_another_order_open_the_same_network(tmp_path):
    stepper = _lesson([3, 10, 1], 40, optimizer="gd")
    document = session.session_dict(stepper)
    items = list(document["parameters"].items())
    random.Random(3).shuffle(items)
    document["parameters"] = dict(items)
    loaded = session.loads_session(json.dumps(document), _resolve)
    assert loaded.network.values() == stepper.network.values()


def _resolve(data):
    from bpdesk.core.files.documents import resolve_data

    return resolve_data(data)


# ------------------------------------------------------------------ a bad value deep inside
def _set(document, path, value):
    *parents, last = path
    target = document
    for key in parents:
        target = target[key]
    target[last] = value


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        (("parameters", "w1000"), "0.5", "parameters.w1000: expected a number, got text"),
        (("parameters", "w1000"), None, "parameters.w1000: expected a number, got null"),
        (("parameters", "b_o1"), True, "parameters.b_o1: expected a number"),
        (("state", "order", 1234), -1, "state.order[1234]: -1 is outside"),
        (("state", "order", 1999), 1.5, "state.order[1999]: expected a whole number"),
        (("history", "iteration_errors", 5), False, "history.iteration_errors[5]"),
        (("state", "optimizer", "m", 0, "values", 17), "x", "state.optimizer.m[0].values[17]"),
        (("data", "inputs", 300), [1.0], "data.inputs[300]: has 1 values where the first"),
        (("data", "targets", 1700, 0), "y", "data.targets: holds something that is not a number"),
    ],
)
def test_a_wrong_value_deep_in_a_long_list_is_named(path, value, named):
    document = session.session_dict(_lesson([3, 40, 40, 1], 2_000))
    _set(document, path, value)
    with pytest.raises(SessionError) as caught:
        session.loads_session(json.dumps(document), _resolve)
    assert named in str(caught.value)


def test_a_huge_number_in_the_data_is_refused_as_not_finite(tmp_path):
    document = session.session_dict(_lesson([3, 4, 1], 500))
    document["data"]["inputs"][400][2] = 1.0
    text = json.dumps(document, separators=(",", ":")).replace("1.0]", "1e999]", 1)
    assert "1e999" in text
    with pytest.raises(SessionError, match=r"data\.inputs: holds a value that is not a finite"):
        session.loads_session(text, _resolve)


# ------------------------------------------------------------------ whole arrays = one by one
_values = st.one_of(
    st.integers(-(10**45), 10**45),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.just([1.0]),
)


def _outcome(read):
    try:
        return ("value", read().tolist())
    except SessionError as error:
        return ("refused", str(error))


@settings(max_examples=200, deadline=None)
@given(st.lists(_values, max_size=12))
def test_floats_and_ints_read_as_value_by_value_reading_does(values):
    field = Field(values, "x")
    one_by_one = Field(values, "x").list()
    assert _outcome(lambda: field.floats()) == _outcome(
        lambda: np.array([item.float() for item in one_by_one], dtype=np.float64)
    )
    assert _outcome(lambda: field.ints(-5, 10**6, 100)) == _outcome(
        lambda: np.array([item.int(-5, 10**6) for item in one_by_one], dtype=np.int64)
    )


def test_too_many_samples_are_refused_before_the_file_is_made(tmp_path, monkeypatch):
    def never(stepper):
        raise AssertionError("the session was turned into text")

    monkeypatch.setattr(session, "MAX_SAMPLES", 100)
    monkeypatch.setattr(session, "dumps_session", never)
    with pytest.raises(SessionError, match="at most 100 samples"):
        save_session(tmp_path / "s.bpdesk", _lesson([2, 3, 1], 101, optimizer="gd"))
    assert list(tmp_path.iterdir()) == []


def test_a_small_file_is_read_without_a_buffer_of_the_largest_size(tmp_path):
    path = tmp_path / "lecture.bpdesk"
    save_session(path, open_source("lecture"))
    tracemalloc.start()
    try:
        open_source(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < session.MAX_FILE_BYTES / 16  # it was the whole 256 MiB, every time
