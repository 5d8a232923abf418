"""The parameter panel shows the lecture's weights, refuses bad input and sends only good edits."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig
from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import format_value, parse_value
from bpdesk.core.stepping.snapshot import Snapshot, make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.views.parameters.number_field import NumberField
from bpdesk.gui.views.parameters.panel import DATASETS, ParameterPanel
from bpdesk.gui.views.parameters.table import GRADIENT, PREVIOUS, VALUE

LECTURE_NAMES = ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"]


class Lesson:
    """A lecture stepper and the snapshots a worker would send of it."""

    def __init__(self) -> None:
        self.stepper = Stepper(get_preset("lecture").trainer(), meta={"dataset_name": "lecture"})
        self.seq = 0

    def snap(self) -> Snapshot:
        self.seq += 1
        return make_snapshot(self.stepper, seq=self.seq)

    def step(self, phase: str) -> Snapshot:
        self.stepper.step_phase(phase)
        return self.snap()


@pytest.fixture
def lesson() -> Lesson:
    return Lesson()


@pytest.fixture
def panel(qtbot, lesson) -> ParameterPanel:
    widget = ParameterPanel()
    qtbot.addWidget(widget)
    widget.resize(420, 800)
    widget.show_snapshot(lesson.snap())
    widget.show()
    return widget


def shown(panel: ParameterPanel, name: str, column: int = VALUE) -> str:
    return panel.table.text(name, column)


def type_into(qtbot, field: NumberField, text: str) -> None:
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, text)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)


def edit_cell(qtbot, panel: ParameterPanel, name: str, text: str) -> None:
    """Type ``text`` into the value cell of ``name`` the way a person does."""
    view, model = panel.table.view, panel.table.model
    index = model.index(model.row_of(name), VALUE)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    assert editor.text() == shown(panel, name)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The view takes the text and closes the editor a moment later (queued).
    qtbot.waitUntil(lambda: view.indexWidget(index) is None, timeout=2000)


# ------------------------------------------------------------------ the table
def test_table_lists_the_lecture_parameters_with_their_values(panel, lecture_reference):
    model = panel.table.model
    names = [str(model.headerData(r, Qt.Orientation.Vertical)) for r in range(model.rowCount())]
    assert names == LECTURE_NAMES
    network = lecture_reference["network"]
    for name, value in {**network["weights"], **network["biases"]}.items():
        assert shown(panel, name) == format_value(value)
    assert shown(panel, "w5") == "0.4"


def test_gradient_column_after_backward_is_the_lecture_gradient(panel, lesson, lecture_reference):
    panel.show_snapshot(lesson.step("forward"))
    assert shown(panel, "w5", GRADIENT) == ""  # not computed yet
    panel.show_snapshot(lesson.step("backward"))
    assert shown(panel, "w5", GRADIENT) == format_value(
        lecture_reference["backward_output_layer"]["dE_total/dw5"]
    )
    assert shown(panel, "w1", GRADIENT) == format_value(
        lecture_reference["backward_hidden_layer"]["dE_total/dw1"]
    )


def test_update_shows_previous_and_new_value(panel, lesson, lecture_reference):
    for phase in ("forward", "backward"):
        panel.show_snapshot(lesson.step(phase))
    assert shown(panel, "w5", PREVIOUS) == ""
    panel.show_snapshot(lesson.step("update"))
    after = lecture_reference["updated_weights_after_one_step"]
    assert shown(panel, "w5", PREVIOUS) == format_value(
        lecture_reference["network"]["weights"]["w5"]
    )
    assert shown(panel, "w5", PREVIOUS) == "0.4"
    assert shown(panel, "w5") == format_value(after["w5"]) == "0.35891648"
    for name, value in after.items():  # the lecture prints some to fewer decimals
        assert parse_value(shown(panel, name)) == pytest.approx(value, abs=1e-8)


def test_last_gradient_stays_when_the_next_step_starts(panel, lesson, lecture_reference):
    for phase in ("forward", "backward", "update"):
        panel.show_snapshot(lesson.step(phase))
    next_forward = lesson.step("forward")
    assert math.isnan(next_forward.trace.named_values()["dE_total/dw5"])  # none in the new step
    panel.show_snapshot(next_forward)
    expected = format_value(lecture_reference["backward_output_layer"]["dE_total/dw5"])
    assert shown(panel, "w5", GRADIENT) == expected
    assert shown(panel, "w5", PREVIOUS) == "0.4"


def test_fixed_biases_are_marked_in_words(panel):
    model = panel.table.model
    connection = model.data(model.index(model.row_of("b1"), 1))
    assert "fixed" in str(connection)
    assert "fixed" not in str(model.data(model.index(model.row_of("w1"), 1)))
    assert "not trained" in panel.table.legend.text()


def test_typing_a_value_asks_for_it(qtbot, panel):
    with qtbot.waitSignal(panel.parameter_edited, timeout=2000) as blocker:
        edit_cell(qtbot, panel, "w5", "0.7")
    assert blocker.args == ["w5", 0.7]
    assert shown(panel, "w5") == "0.4"  # until the next snapshot says otherwise
    assert panel.message() == ""


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "1e9"])
def test_a_bad_value_is_refused_and_the_old_one_kept(qtbot, panel, text):
    with qtbot.assertNotEmitted(panel.parameter_edited):
        edit_cell(qtbot, panel, "w5", text)
    assert panel.message().startswith("Refused:")
    assert "w5" in panel.message()
    assert panel.table.note.isVisibleTo(panel)
    assert shown(panel, "w5") == "0.4"


def test_the_table_follows_the_next_snapshot_after_an_edit(qtbot, panel, lesson):
    with qtbot.waitSignal(panel.parameter_edited, timeout=2000) as blocker:
        edit_cell(qtbot, panel, "w5", "-0.25")
    lesson.stepper.set_parameter(*blocker.args)
    panel.show_snapshot(lesson.snap())
    assert shown(panel, "w5") == "−0.25"


# ------------------------------------------------------------------ training settings
@pytest.mark.parametrize("text", ["0", "-1", "abc", "nan", "2e6"])
def test_learning_rate_refuses_unusable_values(qtbot, panel, text):
    field = panel.training.eta
    with qtbot.assertNotEmitted(panel.config_changed):
        type_into(qtbot, field, text)
    assert panel.message().startswith("Refused:")
    assert field.message() == panel.message()
    assert field.edit.text() == "0.5"


def test_learning_rate_change_sends_a_config(qtbot, panel, lesson):
    before = lesson.snap().config
    with qtbot.waitSignal(panel.config_changed, timeout=2000) as blocker:
        type_into(qtbot, panel.training.eta, "0.25")
    config = blocker.args[0]
    assert isinstance(config, TrainConfig)
    assert config.eta == 0.25
    assert config.momentum == before.momentum and config.train_biases == before.train_biases


def test_momentum_of_one_and_a_half_is_refused(qtbot, panel):
    with qtbot.assertNotEmitted(panel.config_changed):
        type_into(qtbot, panel.training.momentum, "1.5")
    assert "α" in panel.message()
    assert panel.training.momentum.edit.text() == "0"


def test_batch_size_zero_is_refused(qtbot, panel):
    with qtbot.assertNotEmitted(panel.config_changed):
        type_into(qtbot, panel.training.batch, "0")
    assert "batch size" in panel.message()
    assert panel.training.batch.edit.text() == "1"


def test_epochs_to_run(qtbot, panel):
    with qtbot.waitSignal(panel.epochs_changed, timeout=2000) as blocker:
        type_into(qtbot, panel.training.epochs, "25")
    assert blocker.args == [25]
    assert panel.epochs() == 25


# ------------------------------------------------------------------ network and data
def test_adding_a_layer_and_applying_asks_for_the_network(qtbot, panel):
    editor = panel.network
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.network_requested, timeout=2000) as blocker:
        qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    spec, method, seed = blocker.args
    assert isinstance(spec, NetworkSpec)
    assert spec.sizes == (2, 2, 2, 2)
    assert method in ("uniform", "xavier", "he")
    assert seed == 0


def test_load_asks_for_the_chosen_data_set(qtbot, panel):
    chooser = panel.data
    chooser.combo.setCurrentIndex(chooser.combo.findData("xor"))
    with qtbot.waitSignal(panel.dataset_requested, timeout=2000) as blocker:
        qtbot.mouseClick(chooser.load_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["xor"]
    assert list(DATASETS)[:4] == ["lecture", "and", "or", "xor"]
    assert "lecture" in chooser.current.text() and "1 sample" in chooser.current.text()


# ------------------------------------------------------------------ refreshing
def test_show_snapshot_never_emits(qtbot, panel, lesson):
    signals = (
        panel.parameter_edited,
        panel.config_changed,
        panel.network_requested,
        panel.dataset_requested,
        panel.epochs_changed,
    )
    changed = Lesson()
    changed.stepper.set_config(TrainConfig(eta=0.1, momentum=0.5, batch_size=1, shuffle=True))
    snaps = [lesson.step(p) for p in ("forward", "backward", "update")] + [changed.snap()]
    xor = get_preset("xor")
    snaps.append(make_snapshot(Stepper(xor.trainer(), meta={"dataset_name": "xor"}), seq=99))
    with qtbot.assertNotEmitted(signals[0]), qtbot.assertNotEmitted(signals[1]):
        with qtbot.assertNotEmitted(signals[2]), qtbot.assertNotEmitted(signals[3]):
            with qtbot.assertNotEmitted(signals[4]):
                for snap in snaps:
                    panel.show_snapshot(snap)
    assert panel.training.eta.edit.text() == format_value(xor.config.eta)
    assert panel.network.hidden_sizes() == [2]
    assert panel.table.model.rowCount() == len(xor.network.spec.parameter_names)


def test_a_field_being_typed_in_is_not_overwritten(qtbot, panel, lesson):
    field = panel.training.eta
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "0.3")
    panel.show_snapshot(lesson.step("forward"))
    assert field.edit.text() == "0.3"


def test_font_scale_reaches_every_tab(panel):
    panel.set_font_scale(1.5)
    assert panel.font().pointSizeF() == pytest.approx(18.0)
    assert panel.training.eta.edit.font().pointSizeF() == pytest.approx(18.0)
    assert panel.table.view.font().pointSizeF() == pytest.approx(18.0)
    panel.set_font_scale(1.0)
    assert panel.network.apply_button.font().pointSizeF() >= 11


def test_font_scale_follows_the_one_text_size_rule(panel):
    panel.set_font_scale(0.5)  # 75 % to 300 %
    assert panel.font().pointSizeF() == pytest.approx(9.0)
    panel.set_font_scale(10)
    assert panel.table.view.font().pointSizeF() == pytest.approx(36.0)
    with pytest.raises(ValueError):
        panel.set_font_scale(float("nan"))
