"""Session files: every session bpdesk saves it can open, loading is linear and bounded, and a
save behaves as an editor's does (permissions kept, links written through, plain messages)."""

from __future__ import annotations

import json
import os
import re
import stat
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpdesk.core.engine.config import MAX_NEURONS
from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import MAX_HIDDEN_LAYERS, LayerSpec, Network, NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.errors import SessionError
from bpdesk.core.files import session
from bpdesk.core.files.dataset import Dataset
from bpdesk.core.files.documents import open_source, save_session, with_data, with_dataset
from bpdesk.core.stepping.stepper import Stepper

JARGON = re.compile(r"Error\b|Errno|\[Errno|codec|utf-?8|uint64|\.tmp|Traceback", re.IGNORECASE)


def _plain(message: str) -> None:
    assert not JARGON.search(message), message
    assert message.endswith("."), message


def _embedded(rows: int, columns: int, seed: int = 0) -> Stepper:
    rng = np.random.default_rng(seed)
    dataset = Dataset(
        name="imported",
        inputs=rng.normal(size=(rows, columns)),
        targets=rng.uniform(size=(rows, 1)),
        task="regression",
        input_names=tuple(f"x{i + 1}" for i in range(columns)),
        target_names=("y",),
        source="imported",
        description="imported data",
    )
    return with_data(open_source("lecture"), dataset, hidden=[2])


# ------------------------------------------------------------------ size: one rule
def test_saved_sessions_are_compact_json_that_round_trips_every_float(tmp_path):
    stepper = _embedded(50, 3)
    path = tmp_path / "c.bpdesk"
    save_session(path, stepper)
    text = path.read_text(encoding="utf-8")
    assert "\n" not in text and ": " not in text and ", " not in text
    loaded = open_source(path)
    assert np.array_equal(loaded.trainer.inputs, stepper.trainer.inputs)


def test_100k_by_30_embedded_samples_save_and_reopen(tmp_path):
    stepper = _embedded(100_000, 30)
    path = tmp_path / "big.bpdesk"
    save_session(path, stepper)
    print(f"100,000 x 30 samples: {path.stat().st_size / 1e6:.1f} MB")
    assert path.stat().st_size <= session.MAX_FILE_BYTES
    loaded = open_source(path)
    assert np.array_equal(loaded.trainer.inputs, stepper.trainer.inputs)
    assert np.array_equal(loaded.trainer.targets, stepper.trainer.targets)


def test_a_session_larger_than_the_loader_accepts_is_refused_at_save(tmp_path, monkeypatch):
    path = tmp_path / "keep.bpdesk"
    save_session(path, open_source("lecture"))
    before = path.read_bytes()
    monkeypatch.setattr(session, "MAX_FILE_BYTES", 20_000)
    with pytest.raises(SessionError) as caught:
        save_session(path, _embedded(2_000, 3))
    _plain(str(caught.value))
    assert "keep.bpdesk" in str(caught.value)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.bpdesk"]


def test_more_samples_than_a_session_holds_are_refused_at_save(tmp_path, monkeypatch):
    monkeypatch.setattr(session, "MAX_SAMPLES", 100)
    with pytest.raises(SessionError) as caught:
        save_session(tmp_path / "s.bpdesk", _embedded(101, 2))
    _plain(str(caught.value))
    assert not (tmp_path / "s.bpdesk").exists()


# ------------------------------------------------------------------ linear load and save
def test_a_256_256_256_1_session_saves_and_opens_with_every_value(tmp_path):
    spec = NetworkSpec.build([256, 256, 256, 1], "tanh", loss="mse")
    rng = np.random.default_rng(1)
    data = Dataset(
        name="wide",
        inputs=rng.normal(size=(8, 256)),
        targets=rng.normal(size=(8, 1)),
        task="regression",
        input_names=tuple(f"x{i + 1}" for i in range(256)),
        target_names=("y",),
        source="wide",
        description="wide",
    )
    trainer = Trainer(initialize(spec, "xavier", seed=3), data.inputs, data.targets, TrainConfig())
    stepper = Stepper(trainer, meta={"title": "wide", "dataset_name": "wide"})
    path = tmp_path / "wide.bpdesk"
    start = time.perf_counter()
    save_session(path, stepper)
    loaded = open_source(path)
    print(
        f"256-256-256-1: {path.stat().st_size / 1e6:.1f} MB, "
        f"save + open {time.perf_counter() - start:.2f} s"
    )
    for mine, theirs in zip(stepper.network.weights, loaded.network.weights, strict=True):
        assert np.array_equal(mine, theirs)
    for mine, theirs in zip(stepper.network.biases, loaded.network.biases, strict=True):
        assert np.array_equal(mine, theirs)


def test_from_values_names_missing_and_unknown_parameters():
    spec = NetworkSpec.build([2, 2, 1])
    values = Network.zeros(spec).values()
    del values["w1"]
    values["w99"] = 1.0
    with pytest.raises(Exception, match="missing w1; unknown w99"):
        Network.from_values(spec, values)


# ------------------------------------------------------------------ what is read
def _refused(path) -> str:
    with pytest.raises(SessionError) as caught:
        open_source(path)
    message = str(caught.value)
    _plain(message)
    return message


def test_a_link_to_a_device_is_refused_without_reading_it(tmp_path):
    link = tmp_path / "zero.bpdesk"
    link.symlink_to("/dev/zero")
    assert "zero.bpdesk" in _refused(link)


def test_a_fifo_and_a_folder_are_refused(tmp_path):
    fifo = tmp_path / "pipe.bpdesk"
    os.mkfifo(fifo)
    _refused(fifo)
    folder = tmp_path / "dir.bpdesk"
    folder.mkdir()
    _refused(folder)


def test_reads_stop_at_the_cap_whatever_size_is_reported(tmp_path, monkeypatch):
    path = tmp_path / "grow.bpdesk"
    path.write_text(" " * 5000)
    monkeypatch.setattr(session, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(session, "_reported_size", lambda info: 0, raising=False)
    assert "larger than any bpdesk session" in _refused(path)


def _lecture_text() -> str:
    return session.dumps_session(open_source("lecture"))


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.bpdesk"
    path.write_bytes(b"\xef\xbb\xbf" + _lecture_text().encode("utf-8"))
    assert open_source(path).network.values() == open_source("lecture").network.values()


def test_invalid_utf8_is_refused_in_words(tmp_path):
    path = tmp_path / "bin.bpdesk"
    path.write_bytes(b'{"format": "\xff\xfe"}')
    assert _refused(path) == "bin.bpdesk is not a bpdesk session file: it is not text."


def test_a_5000_digit_number_is_refused_naming_its_field(tmp_path):
    document = json.loads(_lecture_text())
    text = json.dumps(document).replace('"seed": 0', '"seed": ' + "9" * 5000)
    path = tmp_path / "digits.bpdesk"
    path.write_text(text)
    assert "training.seed" in _refused(path)


def test_a_negative_random_state_is_refused_naming_its_field(tmp_path):
    document = json.loads(_lecture_text())
    document["state"]["rng"]["state"]["state"] = -1
    path = tmp_path / "rng.bpdesk"
    path.write_text(json.dumps(document))
    assert "state.rng" in _refused(path)


# ------------------------------------------------------------------ saves as editors do
def test_saving_over_a_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "shared.bpdesk"
    save_session(path, open_source("lecture"))
    path.chmod(0o644)
    save_session(path, open_source("xor"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    path = tmp_path / "new.bpdesk"
    old = os.umask(0o022)
    try:
        save_session(path, open_source("lecture"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_saving_through_a_link_writes_the_file_it_points_at(tmp_path):
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    target = real_folder / "lesson.bpdesk"
    save_session(target, open_source("lecture"))
    link = tmp_path / "link.bpdesk"
    link.symlink_to(target)
    save_session(link, open_source("xor"))
    assert link.is_symlink()
    assert open_source(target).network.values() == open_source("xor").network.values()
    assert sorted(p.name for p in real_folder.iterdir()) == ["lesson.bpdesk"]


def test_saving_into_a_missing_folder_says_so_without_the_temporary_name(tmp_path):
    with pytest.raises(SessionError) as caught:
        save_session(tmp_path / "nowhere" / "x.bpdesk", open_source("lecture"))
    _plain(str(caught.value))
    assert "x.bpdesk" in str(caught.value)


# ------------------------------------------------------------------ property: bit for bit
OPTIMIZERS = ("gd", "nesterov", "adam")  # momentum: gd with α > 0


def _state_of(stepper: Stepper) -> dict[str, object]:
    return json.loads(session.dumps_session(stepper))


@st.composite
def _lessons(draw: st.DrawFn) -> Stepper:
    hidden = draw(st.lists(st.integers(1, MAX_NEURONS), min_size=0, max_size=MAX_HIDDEN_LAYERS))
    activation = draw(st.sampled_from(("sigmoid", "tanh", "relu")))
    if draw(st.booleans()):
        stepper = with_dataset(open_source("lecture"), draw(st.sampled_from(("xor", "and"))))
    else:
        stepper = _embedded(
            draw(st.integers(2, 12)), draw(st.integers(1, 4)), draw(st.integers(0, 9))
        )
    spec = stepper.network.spec
    layers = [LayerSpec(size, activation) for size in hidden] + [spec.layers[-1]]
    spec = spec.with_layers(layers)
    shared = draw(st.booleans())
    spec = NetworkSpec(spec.n_inputs, spec.layers, spec.loss, shared, spec.input_names)
    trainer = stepper.trainer
    config = TrainConfig(
        eta=draw(st.floats(1e-4, 1.0)),
        momentum=draw(st.floats(0.0, 0.99)),
        batch_size=draw(st.integers(1, trainer.n_samples)),
        optimizer=draw(st.sampled_from(OPTIMIZERS)),
        shuffle=draw(st.booleans()),
        seed=draw(st.integers(0, 2**31 - 1)),
    )
    network = initialize(spec, "xavier", seed=config.seed)
    fresh = Trainer(network, trainer.inputs, trainer.targets, config)
    stepper = Stepper(fresh, meta=stepper.meta)
    stepper.run(iterations=draw(st.integers(0, 6)))
    for _ in range(draw(st.integers(0, 5))):
        stepper.step_op()
    return stepper


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(stepper=_lessons())
def test_any_lesson_saves_and_opens_bit_for_bit(tmp_path, stepper):
    path = tmp_path / "p.bpdesk"
    save_session(path, stepper)
    loaded = open_source(path)
    assert _state_of(loaded) == _state_of(stepper)
    for mine, theirs in zip(stepper.network.weights, loaded.network.weights, strict=True):
        assert np.array_equal(mine, theirs)
    a, b = stepper.saved_state(), loaded.saved_state()
    assert a.rng == b.rng and a.position == b.position and a.done == b.done
    assert np.array_equal(a.iteration_errors, b.iteration_errors)
    assert np.array_equal(a.epoch_errors, b.epoch_errors)
    nxt_a, nxt_b = stepper.full_step().named_values(), loaded.full_step().named_values()
    assert nxt_a.keys() == nxt_b.keys()
    assert all(np.array_equal(nxt_a[k], nxt_b[k], equal_nan=True) for k in nxt_a)
