"""Weight decay λ, patience and the validation/test split in the parameter panel; the error plot's
validation curve; the whole round trip through the window (split, early stop, roll back)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.gui.shell.main_window import MainWindow
from bpdesk.gui.views.error_plot import ErrorPlot
from bpdesk.gui.views.parameters.split_form import SplitForm
from bpdesk.gui.views.parameters.training_form import TrainingForm

TIMEOUT = 5000


def type_into(qtbot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.fixture
def overfit_snapshot():
    return make_snapshot(open_source("overfit"), seq=1)


@pytest.fixture
def form(qtbot, overfit_snapshot) -> TrainingForm:
    widget = TrainingForm()
    qtbot.addWidget(widget)
    widget.show_snapshot(overfit_snapshot)
    widget.show()
    return widget


def test_weight_decay_and_patience_become_a_checked_config(qtbot, form):
    with qtbot.waitSignal(form.config_changed, timeout=TIMEOUT) as blocker:
        type_into(qtbot, form.decay.edit, "0.003")
    assert blocker.args[0].weight_decay == 0.003
    with qtbot.waitSignal(form.config_changed, timeout=TIMEOUT) as blocker:
        type_into(qtbot, form.patience.edit, "50")
    assert blocker.args[0].patience == 50 and blocker.args[0].weight_decay == 0.003


@pytest.mark.parametrize(
    ("field", "text", "words"),
    [
        ("decay", "-1", "weight decay λ"),
        ("decay", "nan", "weight decay λ"),
        ("decay", "1e9", "at most 10"),
        ("decay", "abc", "not a number"),
        ("patience", "2.5", "whole number"),
        ("patience", "-4", "patience"),
    ],
)
def test_a_refused_value_changes_nothing(qtbot, form, field, text, words):
    before = form.config()
    with qtbot.assertNotEmitted(form.config_changed):
        type_into(qtbot, getattr(form, field).edit, text)
    assert words in form.message()
    assert form.config() == before
    assert getattr(form, field).edit.text() == "0"


def test_levenberg_marquardt_with_decay_is_refused_in_words(qtbot, form):
    with qtbot.waitSignal(form.config_changed, timeout=TIMEOUT):
        type_into(qtbot, form.decay.edit, "0.01")
    with qtbot.assertNotEmitted(form.config_changed):
        form.optimizer.setCurrentIndex(form.optimizer.findData("lm"))
    assert "Levenberg" in form.message()
    assert form.optimizer.currentData() == "adam" and form.config().weight_decay == 0.01


@pytest.fixture
def split(qtbot, overfit_snapshot) -> SplitForm:
    widget = SplitForm()
    qtbot.addWidget(widget)
    widget.show_snapshot(overfit_snapshot)
    widget.show()
    return widget


def test_the_split_form_shows_the_parts_and_sends_new_sizes(qtbot, split):
    assert "40 for training · 30 validation · 30 test (of 100 samples)" in split.parts.text()
    assert split.validation.edit.text() == "0.3" and split.seed.edit.text() == "1"
    type_into(qtbot, split.validation.edit, "20")
    with qtbot.waitSignal(split.split_requested, timeout=TIMEOUT) as blocker:
        split.apply.click()
    assert blocker.args == [20.0, 0.3, 1]


@pytest.mark.parametrize(
    ("validation", "test", "words"),
    [("0.6", "0.5", "left to train on"), ("70", "30", "left to train on")],
)
def test_a_split_that_cannot_be_made_is_refused(qtbot, split, validation, test, words):
    type_into(qtbot, split.validation.edit, validation)
    type_into(qtbot, split.test.edit, test)
    with qtbot.assertNotEmitted(split.split_requested):
        split.apply.click()
    assert words in split.message()


@pytest.mark.parametrize("text", ["-1", "nan", "1.5", "zero"])
def test_a_bad_size_is_refused_by_its_field_and_the_old_one_kept(qtbot, split, text):
    type_into(qtbot, split.validation.edit, text)
    assert "Refused" in split.message()
    assert split.validation.value() == 0.3 and split.validation.edit.text() == "0.3"


def test_the_error_plot_draws_the_validation_and_test_curves_per_epoch(qtbot):
    stepper = open_source("overfit")
    stepper.run(iterations=40)
    plot = ErrorPlot()
    qtbot.addWidget(plot)
    plot.set_x_axis("epoch")
    plot.show_snapshot(make_snapshot(stepper, seq=1))
    plot._throttle.draw_now()
    trainer = stepper.trainer
    vx, vy = plot._validation_curve.getData()
    assert np.array_equal(vy, trainer.validation_errors.values())
    assert np.array_equal(vx, np.arange(1, 41))
    assert np.array_equal(plot.test_curve.getData()[1], trainer.test_errors.values())
    assert "validation set:" in plot.last_value_text() and "test set:" in plot.last_value_text()
    labels = [label.text for _, label in plot._legend.items]
    assert labels[0] == "training" and labels[1].startswith("validation 0.")
    assert labels[2].startswith("test 0.")
    # A long read-out never makes the plot (and so the window) wider.
    assert plot.minimumSizeHint().width() < 1000
    stepper.step_back()  # the run undone: the held-out curves go with it
    plot.show_snapshot(make_snapshot(stepper, seq=2))
    plot._throttle.draw_now()
    assert plot._validation_curve.getData()[1] is None or not len(
        plot._validation_curve.getData()[1]
    )


def test_the_window_splits_stops_early_and_rolls_back(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    window = MainWindow(open_source("moons"), restore_layout=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=TIMEOUT)
    try:
        with qtbot.waitSignal(window.snapshot_shown, timeout=TIMEOUT):
            window.parameters.split_requested.emit(40.0, 0.25, 3)
        snap = window.snapshot
        assert snap.validation_inputs is not None and len(snap.validation_inputs) == 40
        assert snap.n_samples == 200 - 40 - 50
        # A refused split changes nothing and says why in words.
        window.parameters.split_requested.emit(150.0, 60.0, 3)
        qtbot.waitUntil(lambda: "train on" in window.message(), timeout=TIMEOUT)
        assert len(window.snapshot.validation_inputs) == 40
        config = window.snapshot.config
        from dataclasses import replace

        with qtbot.waitSignal(window.snapshot_shown, timeout=TIMEOUT):
            window.parameters.config_changed.emit(replace(config, patience=3, eta=2.0))
        window.commands.run.trigger()
        qtbot.waitUntil(lambda: "early stop" in window.message(), timeout=20000)
        snap = window.snapshot
        assert snap.best_epoch is not None and snap.best_on == "validation"
        assert snap.epoch == snap.best_epoch + 3
        window.grab().save("/tmp/shots/generalisation/window-early-stop.png")
    finally:
        window.shutdown()
