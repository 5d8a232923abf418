"""The training settings form: each choice becomes a checked TrainConfig, or a refusal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from bpdesk.core.engine.trainer import TrainConfig
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.views.parameters.training_form import DEFAULT_EPOCHS, TIPS, TrainingForm


@pytest.fixture
def form(qtbot) -> TrainingForm:
    widget = TrainingForm()
    qtbot.addWidget(widget)
    widget.show_snapshot(make_snapshot(Stepper(get_preset("xor").trainer()), seq=1))
    widget.show()
    return widget


def type_into(qtbot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_shows_the_snapshot_settings(form):
    xor = get_preset("xor").config
    assert form.config() == xor
    assert form.eta.edit.text() == "0.5"
    assert form.momentum.edit.text() == "0.9"
    assert form.batch.edit.text() == "4"
    assert form.optimizer.currentData() == xor.optimizer
    assert form.shuffle.isChecked() == xor.shuffle
    assert "⌈4/4⌉ = 1 iteration per epoch" in form.batch_hint.text()
    assert "1 = online, 4 = full batch" in form.batch_hint.text()
    assert form.epoch_count() == DEFAULT_EPOCHS


def test_batch_size_is_checked_against_the_sample_count(qtbot, form):
    with qtbot.assertNotEmitted(form.config_changed):
        type_into(qtbot, form.batch.edit, "5")
    assert "1 to 4" in form.message()
    with qtbot.assertNotEmitted(form.config_changed):
        type_into(qtbot, form.batch.edit, "2.5")
    assert "whole number" in form.message()
    with qtbot.waitSignal(form.config_changed, timeout=2000) as blocker:
        type_into(qtbot, form.batch.edit, "2")
    assert blocker.args[0].batch_size == 2
    assert form.message() == ""


def test_choices_send_a_new_config(qtbot, form):
    with qtbot.waitSignal(form.config_changed, timeout=2000) as blocker:
        form.optimizer.setCurrentIndex(form.optimizer.findData("adam"))
    assert blocker.args[0].optimizer == "adam"
    assert not form.momentum.isEnabled()  # Adam has no α
    with qtbot.waitSignal(form.config_changed, timeout=2000) as blocker:
        form.train_biases.click()
    config = blocker.args[0]
    assert config.train_biases is not get_preset("xor").config.train_biases
    assert config.optimizer == "adam"  # the earlier change is kept
    with qtbot.waitSignal(form.config_changed, timeout=2000) as blocker:
        form.order.setCurrentIndex(form.order.findData("sequential"))
    assert blocker.args[0].update_order == "sequential"


def test_an_impossible_combination_is_refused_and_undone(qtbot, form):
    form.order.setCurrentIndex(form.order.findData("sequential"))
    with qtbot.assertNotEmitted(form.config_changed):
        with qtbot.waitSignal(form.refused, timeout=2000):
            form.optimizer.setCurrentIndex(form.optimizer.findData("lm"))
    assert "Levenberg" in form.message() and form.message().startswith("Refused:")
    assert form.optimizer.currentData() == "gd"


def test_seed_and_epochs_ranges(qtbot, form):
    with qtbot.assertNotEmitted(form.config_changed):
        type_into(qtbot, form.seed.edit, "-3")
    assert "seed" in form.message()
    with qtbot.assertNotEmitted(form.epochs_changed):
        type_into(qtbot, form.epochs.edit, "0")
    assert form.epoch_count() == DEFAULT_EPOCHS
    with qtbot.waitSignal(form.config_changed, timeout=2000) as blocker:
        type_into(qtbot, form.seed.edit, "42")
    assert blocker.args[0] == TrainConfig(**{**get_preset("xor").config.__dict__, "seed": 42})


def test_every_setting_explains_itself():
    assert TIPS["eta"].startswith("Learning rate η: how big a step each update takes")
    assert all(tip.endswith(".") and len(tip) < 160 for tip in TIPS.values())


def test_labels_use_the_lecture_symbols_and_buddies(form):
    from PySide6.QtWidgets import QLabel

    labels = {label.text(): label for label in form.findChildren(QLabel)}
    assert labels["Learning rate &η:"].buddy() is form.eta.edit
    assert labels["Momentum &α:"].buddy() is form.momentum.edit
    assert "incorrect variant" in form.order_hint.text()


# The same out-of-range value is refused with the same reason by the form, the command line
# and TrainConfig: each asks the core's rule for the setting.
SAME_REFUSALS = [
    ("eta", "--eta", "eta", ["0", "-1", "2000000"]),
    ("momentum", "--momentum", "momentum", ["1", "1.5", "-0.25"]),
    ("batch", "--batch-size", "batch_size", ["0", "-3"]),
    ("seed", "--seed", "seed", ["-1", "2147483648"]),
    ("epochs", "--epochs", None, ["0", "-2", "1000001"]),
]


@pytest.mark.parametrize(
    ("field", "option", "config_key", "text"),
    [(f, o, k, t) for f, o, k, texts in SAME_REFUSALS for t in texts],
)
def test_form_cli_and_config_refuse_alike(qtbot, capsys, form, field, option, config_key, text):
    from dataclasses import replace

    from bpdesk.cli import main
    from bpdesk.core.engine.config import SETTINGS
    from bpdesk.core.errors import ConfigError

    setting = SETTINGS[config_key or "epochs"]
    value = float(text) if not setting.integer else int(text)
    reason = setting.check(value)
    assert reason is not None

    number_field = getattr(form, field)
    with qtbot.assertNotEmitted(form.config_changed):
        type_into(qtbot, number_field.edit, text)
    assert form.message() == f"Refused: {reason}"

    code = main(["train", "--preset", "xor", option, text])
    assert (code, capsys.readouterr().err) == (2, f"bpdesk-cli: {option}: {reason}\n")

    if config_key is not None:
        with pytest.raises(ConfigError) as caught:
            replace(TrainConfig(), **{config_key: value}).validated()
        assert str(caught.value) == reason


def test_the_batch_size_may_not_pass_the_sample_count(qtbot, form):
    from bpdesk.core.engine.config import check_batch_size

    type_into(qtbot, form.batch.edit, "5")
    assert form.message() == f"Refused: {check_batch_size(5, 4)}"


def test_not_a_number_is_refused_in_words(qtbot, form):
    type_into(qtbot, form.eta.edit, "nan")
    assert form.message() == "Refused: " + (
        "The learning rate η must be a number above 0 and at most 1000000, not NaN."
    )
    type_into(qtbot, form.eta.edit, "fast")
    assert "“fast” is not a number" in form.message()
