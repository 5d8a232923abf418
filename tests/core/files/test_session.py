"""Session files: resume bit for bit, refuse bad files in words, save atomically."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.errors import SessionError
from bpdesk.core.files import session
from bpdesk.core.files.documents import open_source, resolve_data, save_session, with_dataset
from bpdesk.core.stepping.stepper import Stepper


def _lecture_mid_backward() -> Stepper:
    stepper = open_source("lecture")
    stepper.step_phase("forward")
    stepper.step_op()  # o1's backward
    return stepper


def _continue(stepper: Stepper) -> list[dict[str, float]]:
    out = []
    for _ in range(3):
        out.append(stepper.full_step().named_values())
    stepper.run(iterations=20)
    out.append(stepper.network.values())
    return out


def _same(a: list[dict[str, float]], b: list[dict[str, float]]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x.keys() == y.keys()
        for key in x:
            assert (np.isnan(x[key]) and np.isnan(y[key])) or x[key] == y[key], key


def test_saved_mid_step_continues_bit_for_bit(tmp_path):
    original = _lecture_mid_backward()
    path = tmp_path / "lesson.bpdesk"
    save_session(path, original)
    reopened = open_source(path)
    assert reopened.next_phase == "backward" and reopened.done == original.done
    assert reopened.trace().named_values()["dE_total/dw5"] == pytest.approx(0.082167041, abs=1e-8)
    _same(_continue(original), _continue(reopened))


def test_momentum_adam_shuffled_batches_resume_exactly(tmp_path):
    base = with_dataset(open_source("xor"), "moons", n=30, seed=2)
    trainer = base.trainer
    config = replace(trainer.config, optimizer="adam", eta=0.01, batch_size=7, shuffle=True)
    stepper = Stepper(
        Trainer(trainer.network, trainer.inputs, trainer.targets, config), meta=base.meta
    )
    stepper.run(iterations=13)
    stepper.step_phase("forward")
    path = tmp_path / "adam.bpdesk"
    save_session(path, stepper)
    reopened = open_source(path)
    assert reopened.meta["dataset_name"] == stepper.meta["dataset_name"]
    assert np.array_equal(
        reopened.trainer.iteration_errors.values(), stepper.trainer.iteration_errors.values()
    )
    _same(_continue(stepper), _continue(reopened))


def test_embedded_data_round_trips(tmp_path):
    stepper = open_source("xor")
    stepper.meta.pop("data")
    path = tmp_path / "embedded.bpdesk"
    save_session(path, stepper)
    document = json.loads(path.read_text())
    assert document["data"]["inputs"] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert np.array_equal(open_source(path).trainer.targets, stepper.trainer.targets)


def _document() -> dict:
    return session.session_dict(_lecture_mid_backward())


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (lambda d: d.pop("network"), "network", "missing"),
        (
            lambda d: d["network"]["layers"][0].update(size="two"),
            "network.layers[0].size",
            "whole number",
        ),
        (lambda d: d["parameters"].update(w5="0.4"), "parameters.w5", "number"),
        (lambda d: d["parameters"].pop("w8"), "parameters.w8", "missing"),
        (lambda d: d["parameters"].update(w99=1.0), "parameters", "w99"),
        (
            lambda d: d["training"].update(update_order="random"),
            "training.update_order",
            "not one of",
        ),
        (lambda d: d["training"].update(eta=-1.0), "learning rate", "above 0"),
        (lambda d: d["state"].update(order=[0, 0]), "state.order", "each of the 1 samples"),
        (
            lambda d: d["state"]["optimizer"]["previous"][0].update(shape=[3, 3]),
            "state.optimizer.previous[0]",
            "shape",
        ),
        (lambda d: d.update(version=99), "newer bpdesk", "version 99"),
        (lambda d: d.update(format="something"), "format", "bpdesk-session"),
        (lambda d: d["data"].update(builtin="nonesuch"), "data", "nonesuch"),
    ],
)
def test_bad_fields_are_named_with_a_reason(tmp_path, change, field, reason):
    document = _document()
    change(document)
    path = tmp_path / "bad.bpdesk"
    path.write_text(json.dumps(document))
    with pytest.raises(SessionError) as caught:
        open_source(path)
    assert field in str(caught.value) and reason in str(caught.value)


def test_nan_in_a_file_is_refused(tmp_path):
    text = json.dumps(_document()).replace('"w1": 0.15', '"w1": NaN')
    path = tmp_path / "nan.bpdesk"
    path.write_text(text)
    with pytest.raises(SessionError, match=r"parameters\.w1"):
        open_source(path)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x01\x02binary",
        b"{",
        b"[1, 2, 3]",
        b"null",
        b"\xff\xfe\xfd",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"format": "bpdesk-session", "version": 1}',
    ],
)
def test_corrupt_truncated_and_hostile_files_give_a_clear_error(tmp_path, content):
    path = tmp_path / "x.bpdesk"
    path.write_bytes(content)
    with pytest.raises(SessionError) as caught:
        open_source(path)
    assert str(caught.value) and "Traceback" not in str(caught.value)


def test_truncated_copies_of_a_real_file_are_refused(tmp_path):
    text = session.dumps_session(_lecture_mid_backward())
    path = tmp_path / "cut.bpdesk"
    for cut in range(0, len(text), max(1, len(text) // 40)):
        path.write_text(text[:cut])
        with pytest.raises(SessionError):
            open_source(path)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    key=st.sampled_from(
        ["network", "parameters", "training", "data", "state", "history", "version", "title"]
    ),
    value=_json,
)
def test_hypothesis_any_wrong_value_gives_session_error(key, value):
    document = _document()
    document[key] = value
    try:
        stepper = session.loads_session(json.dumps(document), resolve_data)
    except SessionError as error:
        assert str(error)
    else:
        assert isinstance(stepper, Stepper)  # e.g. a different but valid title


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_hypothesis_random_bytes_give_session_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("h") / "r.bpdesk"
    path.write_bytes(data)
    with pytest.raises(SessionError):
        open_source(path)


def test_huge_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(session, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.bpdesk"
    path.write_text(" " * 5000)
    with pytest.raises(SessionError, match="larger than any bpdesk session"):
        open_source(path)


def test_interrupted_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "keep.bpdesk"
    stepper = open_source("lecture")
    save_session(path, stepper)
    before = path.read_bytes()
    stepper.full_step()

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(SessionError, match=r"Cannot save keep\.bpdesk: no space left on device"):
        save_session(path, stepper)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.bpdesk"]  # no temporary left behind


def test_diverged_weights_cannot_be_saved_as_json(tmp_path):
    stepper = open_source("lecture")
    stepper.trainer.network.weights[0][0, 0] = np.inf
    with pytest.raises(SessionError, match="finite"):
        save_session(tmp_path / "inf.bpdesk", stepper)


def test_a_test_split_is_kept_and_tracks_the_best_epoch(tmp_path):
    stepper = with_dataset(open_source("xor"), "spirals", n=60, test_fraction=0.25, split_seed=3)
    trainer = stepper.trainer
    assert trainer.n_samples == 45 and trainer.test_inputs.shape == (15, 2)
    stepper.run(epochs=4)
    assert len(trainer.test_errors) == 4
    _, best_error, _, _ = trainer.best
    assert best_error == min(trainer.test_errors.values())
    path = tmp_path / "split.bpdesk"
    save_session(path, stepper)
    reopened = open_source(path)
    assert np.array_equal(reopened.trainer.test_inputs, trainer.test_inputs)
    assert np.array_equal(reopened.trainer.test_errors.values(), trainer.test_errors.values())
    stepper.roll_back_to_best()
    assert stepper.network.error(trainer.test_inputs, trainer.test_targets) == best_error
    stepper.step_back()
    assert len(trainer.test_errors) == 4


@pytest.mark.parametrize(
    ("key", "value"),
    [("eta", 0.0), ("eta", 5e6), ("momentum", 1.0), ("batch_size", 0), ("seed", -2)],
)
def test_training_settings_are_refused_with_the_cores_reason(tmp_path, key, value):
    from bpdesk.core.engine.config import SETTINGS

    document = _document()
    document["training"][key] = value
    path = tmp_path / "bad.bpdesk"
    path.write_text(json.dumps(document))
    with pytest.raises(SessionError) as caught:
        open_source(path)
    reason = SETTINGS[key].check(value)
    assert reason is not None
    assert f"training.{key}: {reason[:1].lower()}{reason[1:]}" in str(caught.value)


def test_a_fractional_batch_size_in_a_file_is_refused(tmp_path):
    document = _document()
    document["training"]["batch_size"] = 1.0
    path = tmp_path / "bad.bpdesk"
    path.write_text(json.dumps(document))
    with pytest.raises(SessionError, match=r"training\.batch_size: expected a whole number"):
        open_source(path)
