"""Editing two-input training data through the step machine: add, move, remove, undo, save."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from bpdesk.core.errors import ConfigError
from bpdesk.core.files import documents, session
from bpdesk.core.files.preset_files import build_preset
from bpdesk.core.files.splits import split_sizes, with_split
from bpdesk.core.stepping.data_edit import DataEdit, class_count, map_extent, target_row
from bpdesk.core.stepping.steps import take_step
from bpdesk.core.teaching.landscape import data_map
from tests.reliability.test_refusals import MOMENTS, assert_plain, lesson, refused


def test_add_two_points_then_step_back_twice_gives_the_original_data() -> None:
    stepper = documents.open_source("xor")
    x0, t0 = stepper.trainer.inputs, stepper.trainer.targets
    stepper.edit_data(DataEdit("add", 0.5, 0.5, label=1))
    stepper.edit_data(DataEdit("add", 0.2, 0.9, label=0))
    x, t = stepper.trainer.inputs, stepper.trainer.targets
    assert x.shape == (6, 2) and t.shape == (6, 1)
    np.testing.assert_array_equal(x[:4], x0)
    np.testing.assert_array_equal(x[4:], [[0.5, 0.5], [0.2, 0.9]])
    np.testing.assert_array_equal(t[4:, 0], [t0.max(), t0.min()])
    assert not x.flags.writeable and stepper.trainer.n_samples == 6
    stepper.step_back()
    assert stepper.trainer.n_samples == 5
    stepper.step_back()
    assert stepper.trainer.inputs is x0 and stepper.trainer.targets is t0
    assert stepper.meta["data"] == {"builtin": "xor"}


def test_training_after_an_edit_uses_the_new_point_and_undo_is_exact() -> None:
    stepper = documents.open_source("xor")
    stepper.run(iterations=20)
    weights = [w.copy() for w in stepper.network.weights]
    stepper.edit_data(DataEdit("add", 0.5, 0.5, label=1))
    trainer = stepper.trainer
    assert trainer.iterations_per_epoch == 2 and trainer.position == 0  # 5 samples, batches of 4
    seen: list[int] = []
    epochs = trainer.epoch
    for _ in range(2):
        seen += trainer.batch_indices().tolist()
        take_step(stepper, "full")
    assert sorted(seen) == [0, 1, 2, 3, 4] and trainer.epoch == epochs + 1
    for _ in range(2):
        stepper.step_back()
    stepper.step_back()
    for w, before in zip(stepper.network.weights, weights, strict=True):
        np.testing.assert_array_equal(w, before)
    assert stepper.trainer.n_samples == 4


def test_a_step_in_progress_restarts_and_is_replayed_on_the_new_data() -> None:
    stepper = documents.open_source("xor")
    take_step(stepper, "forward")
    assert not stepper.step_complete
    stepper.edit_data(DataEdit("add", 0.5, 0.5, label=1))
    assert not stepper.step_complete and stepper.next_phase == "backward"
    assert stepper.in_progress is not None and 4 in stepper.in_progress.batch.tolist()
    stepper.step_back()
    assert stepper.next_phase == "backward" and stepper.in_progress is not None
    assert sorted(stepper.in_progress.batch.tolist()) == [0, 1, 2, 3]


def test_move_and_remove() -> None:
    stepper = documents.open_source("xor")
    stepper.edit_data(DataEdit("move", 0.3, 0.7, index=2))
    np.testing.assert_array_equal(stepper.trainer.inputs[2], [0.3, 0.7])
    assert stepper.trainer.n_samples == 4
    stepper.edit_data(DataEdit("remove", index=0))
    np.testing.assert_array_equal(stepper.trainer.inputs[1], [0.3, 0.7])
    assert stepper.trainer.n_samples == 3
    stepper.reset()
    assert stepper.trainer.n_samples == 4
    np.testing.assert_array_equal(stepper.trainer.inputs[2], [1.0, 0.0])


@pytest.mark.parametrize(
    "edit",
    [
        DataEdit("add", math.nan, 0.5, label=1),
        DataEdit("add", 0.5, math.inf, label=1),
        DataEdit("add", 5.0, 0.5, label=1),  # outside the map
        DataEdit("add", 0.5, 0.5, label=2),  # no class 2
        DataEdit("add", 0.5, 0.5, label=0.5),
        DataEdit("add", 0.5, 0.5, label=math.nan),
        DataEdit("move", 0.5, 0.5, index=4),
        DataEdit("move", -3.0, 0.5, index=0),
        DataEdit("remove", index=-1),
        DataEdit("teleport", 0.5, 0.5),
    ],
)
def test_refusals_change_nothing(edit: DataEdit) -> None:
    stepper = documents.open_source("xor")
    take_step(stepper, "forward")
    x, depth, done = stepper.trainer.inputs, stepper.undo_depth, stepper.done
    with pytest.raises(ConfigError) as caught:
        stepper.edit_data(edit)
    assert "Error" not in str(caught.value) and str(caught.value).endswith(".")
    assert stepper.trainer.inputs is x and stepper.undo_depth == depth and stepper.done == done


def test_not_two_inputs_is_refused() -> None:
    stepper = build_preset("iris")
    with pytest.raises(ConfigError, match="exactly two inputs"):
        stepper.edit_data(DataEdit("add", 0.5, 0.5, label=0))
    assert stepper.undo_depth == 0


def test_the_last_point_cannot_be_removed() -> None:
    stepper = documents.open_source("xor")
    for _ in range(3):
        stepper.edit_data(DataEdit("remove", index=0))
    with pytest.raises(ConfigError, match="last training point"):
        stepper.edit_data(DataEdit("remove", index=0))
    assert stepper.trainer.n_samples == 1


def test_map_extent_is_the_decision_maps_area() -> None:
    stepper = build_preset("moons")
    xs, ys, _ = data_map(stepper.network, stepper.trainer.inputs, 7)
    (x0, x1), (y0, y1) = map_extent(stepper.trainer.inputs)
    assert (xs[0], xs[-1], ys[0], ys[-1]) == pytest.approx((x0, x1, y0, y1))


def test_targets_of_each_kind_of_data() -> None:
    two = np.array([[-1.0], [1.0], [1.0]])
    assert class_count(two) == 2
    np.testing.assert_array_equal(target_row(two, 0), [-1.0])
    one_hot = np.eye(3)
    assert class_count(one_hot) == 3
    np.testing.assert_array_equal(target_row(one_hot, 2), [0.0, 0.0, 1.0])
    values = np.array([[0.1], [0.5], [0.9]])
    assert class_count(values) == 0
    np.testing.assert_array_equal(target_row(values, 0.25), [0.25])
    with pytest.raises(ConfigError):
        target_row(values, 1e9)


@pytest.mark.parametrize("name", ["xor", "moons", "overfit"])
def test_saved_session_embeds_the_edited_samples_and_held_out_parts(name: str) -> None:
    stepper = build_preset(name) if name != "xor" else documents.open_source(name)
    (x0, x1), (y0, y1) = map_extent(stepper.trainer.inputs)
    point = ((x0 + x1) / 2, (y0 + y1) / 2)
    stepper.edit_data(DataEdit("add", *point, label=1))
    take_step(stepper, "full")
    take_step(stepper, "forward")
    text = session.dumps_session(stepper)
    loaded = session.loads_session(text, documents.resolve_data)
    t, u = stepper.trainer, loaded.trainer
    np.testing.assert_array_equal(u.inputs, t.inputs)
    np.testing.assert_array_equal(u.targets, t.targets)
    for part in ("test_inputs", "validation_inputs", "test_targets"):
        a, b = getattr(t, part), getattr(u, part)
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b)
    assert loaded.meta["dataset_name"] == stepper.meta["dataset_name"]
    assert loaded.done == stepper.done
    take_step(stepper, "full")
    take_step(loaded, "full")
    for w, v in zip(stepper.network.weights, loaded.network.weights, strict=True):
        np.testing.assert_array_equal(w, v)


def test_a_run_after_an_edit_on_shuffled_batches_keeps_every_sample_once() -> None:
    stepper = build_preset("moons")
    stepper.set_config(replace(stepper.trainer.config, batch_size=7, shuffle=True))
    stepper.run(iterations=5)
    stepper.edit_data(DataEdit("remove", index=3))
    n = stepper.trainer.n_samples
    assert sorted(stepper.trainer.order.tolist()) == list(range(n))
    result = stepper.run(epochs=2)
    assert not result.diverged and stepper.trainer.position == 0


def test_the_split_is_kept_as_counts_and_a_new_split_takes_every_sample() -> None:
    stepper = build_preset("moons")
    n_test = stepper.trainer.test_inputs.shape[0]
    seed = split_sizes(stepper.meta)[2]
    stepper.edit_data(DataEdit("add", 0.0, 0.0, label=1))
    assert split_sizes(stepper.meta) == (0.0, float(n_test), seed)
    loaded = session.loads_session(session.dumps_session(stepper), documents.resolve_data)
    assert split_sizes(loaded.meta) == (0.0, float(n_test), seed)
    np.testing.assert_array_equal(loaded.trainer.test_inputs, stepper.trainer.test_inputs)
    again = session.loads_session(session.dumps_session(loaded), documents.resolve_data)
    np.testing.assert_array_equal(again.trainer.inputs, stepper.trainer.inputs)
    resplit = with_split(loaded, validation=10)
    total = stepper.trainer.n_samples + n_test
    t = resplit.trainer
    assert t.n_samples + t.test_inputs.shape[0] + t.validation_inputs.shape[0] == total
    assert t.validation_inputs.shape[0] == 10 and t.test_inputs.shape[0] == n_test


BAD_EDITS = [
    DataEdit("add", math.nan, 0.5, label=1),
    DataEdit("add", 0.5, -math.inf, label=0),
    DataEdit("add", 1e300, 0.5, label=0),
    DataEdit("add", 0.5, 0.5, label=-1),
    DataEdit("move", 0.5, 0.5, index=99),
    DataEdit("move", 0.5, math.nan, index=0),
    DataEdit("remove", index=10**9),
]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("edit", BAD_EDITS)
def test_a_refused_edit_leaves_the_whole_lesson_as_it_was(moment: str, edit: DataEdit) -> None:
    stepper = lesson("xor", moment)
    assert_plain(refused(stepper, lambda: stepper.edit_data(edit)))
