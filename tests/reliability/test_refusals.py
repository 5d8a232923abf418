"""Refusals are transactions: a refused change leaves the whole lesson exactly as it was,
says why in one plain sentence, and every place that takes a weight judges it by one rule."""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from bpdesk.core.engine.config import MAX_WEIGHT, check_parameter_value
from bpdesk.core.engine.network import LayerSpec, NetworkSpec
from bpdesk.core.errors import BpdeskError, DataError
from bpdesk.core.files import documents
from bpdesk.core.files.datasets import load_builtin
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.undo import optimizer_state
from bpdesk.gui.views.canvas.view import NetworkCanvas
from bpdesk.gui.views.parameters.number_field import refusal
from bpdesk.gui.views.parameters.table import ParameterTable
from bpdesk.gui.views.parameters.table_model import VALUE
from bpdesk.gui.views.parameters.training_form import TrainingForm
from bpdesk.gui.workers.stepper_worker import StepperWorker


# ------------------------------------------------------------------ the whole state
def canonical(value: Any) -> Any:
    """``value`` as plain, comparable data: arrays by dtype, shape and bytes; NaN by its text."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, np.generic):
        return canonical(value.item())
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), canonical(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(canonical(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, tuple(canonical(getattr(value, f.name)) for f in fields))
    return value


def whole_state(stepper: Stepper) -> Any:
    """Everything a refused change must leave alone."""
    t = stepper.trainer
    return canonical(
        {
            "spec": repr(t.network.spec),
            "weights": list(t.network.weights),
            "biases": list(t.network.biases),
            "optimizer": (type(t.optimizer).__name__, type(t.lm).__name__, optimizer_state(t)),
            "config": t.config,
            "counters": (t.epoch, t.iteration, t.position, t.epoch_sum, t.diverged),
            "loop": (t.batch_size, t.iterations_per_epoch),
            "order": t.order,
            "rng": t.rng.bit_generator.state,
            "errors": (t.iteration_errors.values(), t.epoch_errors.values()),
            "test_errors": t.test_errors.values(),
            "best": t.best,
            "data": (t.inputs, t.targets),
            "step": (stepper.in_progress, stepper.done, stepper.ops, stepper.next_phase),
            "saved": stepper.saved_state(),
            "undo": stepper.undo_records,
            "meta": stepper.meta,
        }
    )


PLAIN_FORBIDDEN = re.compile(
    r"Traceback|\[Errno|Error:|Exception|\b[A-Z][a-z]+Error\b|<[a-z]|utf-?8|codec|\.tmp\b"
)


def assert_plain(message: str) -> None:
    """One or two plain sentences: no class names, errno codes or tracebacks."""
    assert message.strip(), "a refusal must say why"
    assert not PLAIN_FORBIDDEN.search(message), message
    assert "\n" not in message.strip(), message
    assert message.rstrip().endswith((".", ")", "”")), message


# ------------------------------------------------------------------ lessons at each moment
MOMENTS = ("fresh", "after forward", "after a neuron of backward", "after a step")


def lesson(name: str, moment: str) -> Stepper:
    """The preset ``name`` at ``moment``, with an undo history behind it."""
    stepper = documents.open_source(name)
    stepper.full_step()  # something to undo, an error in the history
    if moment == "after forward":
        stepper.step_phase("forward")
    elif moment == "after a neuron of backward":
        stepper.step_phase("forward")
        stepper.step_op()  # the error
        stepper.step_op()  # one neuron of the backward pass
    elif moment == "after a step":
        stepper.full_step()
    return stepper


def refused(stepper: Stepper, change: Any) -> str:
    """Apply ``change``; it must be refused in words, with the whole state as it was."""
    before = whole_state(stepper)
    with pytest.raises(BpdeskError) as caught:
        change()
    assert whole_state(stepper) == before
    assert_plain(str(caught.value))
    return str(caught.value)


# ------------------------------------------------------------------ settings
BAD_SETTINGS = [
    {"eta": 0.0},
    {"eta": -0.5},
    {"eta": math.nan},
    {"eta": math.inf},
    {"eta": 1e7},
    {"momentum": -0.1},
    {"momentum": 1.0},
    {"momentum": math.nan},
    {"batch_size": 0},
    {"batch_size": -3},
    {"batch_size": 2.5},
    {"optimizer": "newton"},
    {"update_order": "backwards"},
    {"optimizer": "lm", "update_order": "sequential"},
    {"seed": -1},
    {"seed": 2**31},
    {"seed": 1.5},
]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("change", BAD_SETTINGS, ids=repr)
def test_a_refused_setting_changes_nothing(moment, change):
    stepper = lesson("lecture", moment)
    refused(stepper, lambda: stepper.set_config(replace(stepper.trainer.config, **change)))


def big_lecture(moment: str) -> Stepper:
    """The lecture's data on a network of over 500 parameters, trained with Adam."""
    stepper = lesson("lecture", "fresh")
    stepper.set_config(replace(stepper.trainer.config, optimizer="adam", eta=0.01))
    stepper = documents.with_network(stepper, _too_big_for_lm(stepper), "xavier", 3)
    stepper.full_step()
    if moment != "fresh":
        stepper.step_phase("forward")
    return stepper


@pytest.mark.parametrize("moment", MOMENTS)
def test_levenberg_marquardt_on_the_digits_is_refused_and_changes_nothing(moment):
    stepper = lesson("digits", moment)
    lm = replace(stepper.trainer.config, optimizer="lm")
    message = refused(stepper, lambda: stepper.set_config(lm))
    assert "Levenberg–Marquardt" in message
    assert stepper.trainer.config.optimizer == "adam"


@pytest.mark.parametrize("moment", MOMENTS[:2])
def test_levenberg_marquardt_over_500_parameters_is_refused_and_changes_nothing(moment):
    stepper = big_lecture(moment)
    lm = replace(stepper.trainer.config, optimizer="lm")
    assert "500" in refused(stepper, lambda: stepper.set_config(lm))


def test_after_a_refused_optimiser_the_step_goes_on_and_the_session_reopens(tmp_path):
    stepper = lesson("digits", "after forward")
    with pytest.raises(BpdeskError):
        stepper.set_config(replace(stepper.trainer.config, optimizer="lm"))
    assert stepper.next_phase == "backward"  # the half-done step is kept
    stepper.step_phase("backward")
    path = tmp_path / "digits.bpdesk"
    documents.save_session(path, stepper)
    reopened = documents.open_source(path)
    assert reopened.trainer.config == stepper.trainer.config
    assert reopened.next_phase == "update"


def test_an_optimiser_with_fewer_sub_steps_after_a_whole_step_is_taken():
    stepper = lesson("lecture", "after a step")
    stepper.set_config(replace(stepper.trainer.config, optimizer="lm", eta=0.01))
    assert stepper.next_phase == "forward"
    make_snapshot(stepper, seq=2)  # the plan of the next step fits the new optimiser
    stepper.step_back()
    assert stepper.trainer.config.optimizer == "gd" and stepper.step_complete


def test_a_trainer_refusing_an_optimiser_keeps_its_config_and_optimiser():
    trainer = documents.open_source("digits").trainer
    config, optimizer = trainer.config, trainer.optimizer
    with pytest.raises(BpdeskError):
        trainer.set_config(replace(config, optimizer="lm"))
    assert trainer.config == config and trainer.optimizer is optimizer and trainer.lm is None


# ------------------------------------------------------------------ weights
BAD_VALUES = [math.nan, math.inf, -math.inf, 1e300, -1e300, MAX_WEIGHT * 10, 1e6 + 1]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
def test_a_refused_weight_changes_nothing(moment, value):
    stepper = lesson("lecture", moment)
    message = refused(stepper, lambda: stepper.set_parameter("w5", value))
    assert message == check_parameter_value("w5", value)


def test_an_unknown_parameter_is_refused_and_changes_nothing():
    stepper = lesson("lecture", "after forward")
    refused(stepper, lambda: stepper.set_parameter("w999999", 0.5))


def test_the_limit_itself_is_allowed():
    stepper = lesson("lecture", "fresh")
    stepper.set_parameter("w5", -MAX_WEIGHT)
    assert stepper.network.get("w5") == -MAX_WEIGHT
    assert check_parameter_value("w5", MAX_WEIGHT) is None


# ------------------------------------------------------------------ network and data
def _wrong_inputs(stepper: Stepper) -> NetworkSpec:
    spec = stepper.network.spec
    return NetworkSpec(spec.n_inputs + 1, spec.layers, spec.loss, spec.shared_bias)


def _too_big_for_lm(stepper: Stepper) -> NetworkSpec:
    spec = stepper.network.spec
    return spec.with_layers([LayerSpec(30, "sigmoid"), LayerSpec(30, "sigmoid"), spec.layers[-1]])


REBUILDS = {
    "network with wrong inputs": lambda s: documents.with_network(s, _wrong_inputs(s), "xavier", 0),
    "unknown initialisation": lambda s: documents.with_network(s, s.network.spec, "bogus", 0),
    "unknown data set": lambda s: documents.with_dataset(s, "nope"),
    "bad generator size": lambda s: documents.with_dataset(s, "moons", n=-5),
    "NaN noise": lambda s: documents.with_dataset(s, "moons", noise=math.nan),
    "test fraction 1.5": lambda s: documents.with_dataset(s, "moons", test_fraction=1.5),
    "empty hidden layer": lambda s: documents.with_data(s, load_builtin("moons"), hidden=[0]),
}


@pytest.mark.parametrize("moment", MOMENTS[:2])
@pytest.mark.parametrize("rebuild", REBUILDS.values(), ids=REBUILDS.keys())
def test_a_refused_network_or_data_set_changes_nothing(moment, rebuild):
    stepper = lesson("lecture", moment)
    refused(stepper, lambda: rebuild(stepper))


def test_levenberg_marquardt_on_a_network_grown_too_big_is_refused():
    stepper = lesson("lecture", "after forward")
    stepper.set_config(replace(stepper.trainer.config, optimizer="lm", eta=0.01))
    refused(stepper, lambda: documents.with_network(stepper, _too_big_for_lm(stepper), "he", 1))


# ------------------------------------------------------------------ the worker's slots
WORKER_REFUSALS = {
    "set_config": lambda w, s: w.set_config(replace(s.trainer.config, eta=-1.0)),
    "set_config lm": lambda w, s: w.set_config(replace(s.trainer.config, optimizer="lm")),
    "set_parameter nan": lambda w, s: w.set_parameter("w5", math.nan),
    "set_parameter huge": lambda w, s: w.set_parameter("w5", 1e300),
    "set_parameter unknown": lambda w, s: w.set_parameter("w999999", 0.5),
    "set_network": lambda w, s: w.set_network(_wrong_inputs(s), "xavier", 0),
    "load_dataset": lambda w, s: w.load_dataset("nope"),
    "load_data": lambda w, s: w.load_data(load_builtin("iris")),  # refused: see monkeypatch
    "open_session": lambda w, s: w.open_session("/no/such/folder/lesson.bpdesk"),
    "open_session preset": lambda w, s: w.open_session("no-such-example"),
}


@pytest.mark.parametrize("moment", MOMENTS[:2])
@pytest.mark.parametrize("command", WORKER_REFUSALS.values(), ids=WORKER_REFUSALS.keys())
def test_the_worker_refuses_in_words_and_keeps_the_lesson(qtbot, monkeypatch, moment, command):
    stepper = lesson("digits", moment)
    if command is WORKER_REFUSALS["load_data"]:
        # A Dataset is checked when it is made; what is left to refuse is its fit to the lesson.
        def refuse(*_args: object, **_kwargs: object) -> Stepper:
            raise DataError("The imported data has no rows this lesson can use.")

        monkeypatch.setattr(documents, "with_data", refuse)
    worker = StepperWorker(stepper, "")
    before = whole_state(stepper)
    changed: list[object] = []
    worker.document_changed.connect(lambda *args: changed.append(args))
    with qtbot.waitSignal(worker.errored, timeout=2000) as blocker:
        command(worker, stepper)
    assert_plain(blocker.args[0])
    assert whole_state(stepper) == before
    assert not changed  # nothing to save: nothing changed
    with qtbot.waitSignal(worker.snapshot_ready, timeout=2000) as shown:
        worker.refresh()
    assert shown.args[0].values == stepper.network.values()  # the worker kept this lesson


# ------------------------------------------------------------------ one rule per weight
REFUSED_WEIGHTS = ["1e300", "-1e300", "1e7", "1000001", "nan", "inf"]


@pytest.fixture
def lecture_snapshot():
    return make_snapshot(lesson("lecture", "fresh"), seq=1)


def _canvas_reason(qtbot, snapshot, typed: str) -> str:
    canvas = NetworkCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(1280, 720)
    canvas.show()
    canvas.show_snapshot(snapshot)
    spot = canvas.mapFromScene(canvas.element_pos("weight", "w5"))
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(spot))
    editor = canvas.editor()
    assert editor is not None
    editor.setText(typed)
    with qtbot.assertNotEmitted(canvas.value_edit_requested):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    return canvas.editor_message()


def _table_reason(qtbot, snapshot, typed: str) -> str:
    table = ParameterTable()
    qtbot.addWidget(table)
    table.show_snapshot(snapshot)
    model = table.model
    with qtbot.assertNotEmitted(table.parameter_edited):
        assert not model.setData(model.index(model.row_of("w5"), VALUE), typed)
    return table.message()


@pytest.mark.parametrize("typed", REFUSED_WEIGHTS)
def test_canvas_table_and_step_machine_refuse_a_weight_alike(qtbot, lecture_snapshot, typed):
    value = float(typed)
    reason = check_parameter_value("w5", value)
    assert reason is not None
    stepper = lesson("lecture", "fresh")
    assert refused(stepper, lambda: stepper.set_parameter("w5", value)) == reason
    assert _canvas_reason(qtbot, lecture_snapshot, typed) == f"⚠ {reason}"
    assert _table_reason(qtbot, lecture_snapshot, typed) == refusal(reason)


# ------------------------------------------------------------------ the training form
def _type_into(qtbot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.fixture
def form(qtbot) -> TrainingForm:
    widget = TrainingForm()
    qtbot.addWidget(widget)
    widget.show_snapshot(make_snapshot(documents.open_source("xor"), seq=1))
    widget.show()
    return widget


@pytest.mark.parametrize("bad", ["0", "5", "2.5", "abc", ""])
@pytest.mark.parametrize("good", ["4", "2"])
def test_the_batch_size_note_goes_once_a_valid_size_is_entered(qtbot, form, bad, good):
    _type_into(qtbot, form.batch.edit, bad)
    assert form.batch.message().startswith("Refused:")
    _type_into(qtbot, form.batch.edit, good)
    assert form.batch.message() == ""
    assert form.message() == ""
    assert not form.batch.note.isVisible()


# ------------------------------------------------------------------ failures half-way
def test_a_change_failing_half_way_is_put_back(monkeypatch):
    stepper = lesson("lecture", "after a neuron of backward")
    before = whole_state(stepper)

    def fail(count: int) -> None:
        raise BpdeskError("The step could not be replayed.")

    monkeypatch.setattr(stepper, "_replay", fail)
    with pytest.raises(BpdeskError):
        stepper.set_parameter("w5", 0.9)
    with pytest.raises(BpdeskError):
        stepper.set_config(replace(stepper.trainer.config, eta=0.1, batch_size=2))
    assert whole_state(stepper) == before


def test_a_run_refused_after_divergence_keeps_the_undo_history():
    stepper = lesson("lecture", "after forward")
    stepper.trainer.diverged = "The error became infinite at iteration 2."  # as a step says it
    refused(stepper, lambda: stepper.run(iterations=3))
