"""The real main window: actions step the lecture's example through the worker thread and every
view shows the lecture's figures; runs pause at once; errors become messages, never crashes."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from bpdesk.app import create_window
from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.shell import settings
from bpdesk.gui.shell.main_window import MainWindow
from bpdesk.selftest import shows, visible_text

STEP_TIMEOUT = 5000


@pytest.fixture(autouse=True)
def _no_prompts(monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")


@pytest.fixture
def ready(qtbot):
    """Shows windows and closes them again while prompts are still switched off."""
    opened: list[MainWindow] = []

    def show(window: MainWindow) -> MainWindow:
        qtbot.addWidget(window)
        opened.append(window)
        window.show()
        qtbot.waitUntil(lambda: window.snapshot is not None, timeout=STEP_TIMEOUT)
        return window

    yield show
    for window in opened:
        assert window.close() or not window.isVisible()
        assert window.worker_thread.isFinished()


@pytest.fixture
def window(ready) -> MainWindow:
    return ready(create_window("lecture"))


def _step(qtbot, window: MainWindow, name: str):
    """Trigger one stepping action and wait until its snapshot is on screen."""
    action = getattr(window.commands, name)
    assert action.isEnabled(), f"{name} is disabled"
    with qtbot.waitSignal(window.snapshot_shown, timeout=STEP_TIMEOUT):
        action.trigger()
    qtbot.waitUntil(lambda: not window.step_in_flight, timeout=STEP_TIMEOUT)
    return window.snapshot


def _enabled(window: MainWindow) -> set[str]:
    a = window.commands
    names = ["forward", "backward", "update", "next_neuron", "full_step", "step_back"]
    names += ["run", "pause", "run_epochs"]
    return {n for n in names if getattr(a, n).isEnabled()}


def _start_run(qtbot, window: MainWindow, until_running_shown: bool = True) -> None:
    with qtbot.waitSignal(window.run_state_shown, timeout=STEP_TIMEOUT) as blocker:
        window.commands.run.trigger()
    assert blocker.args == [True]
    if until_running_shown:
        qtbot.waitUntil(lambda: window.snapshot.running, timeout=STEP_TIMEOUT)


def _pause(qtbot, window: MainWindow) -> float:
    """Press Pause; seconds until training stopped on the worker thread (the window learns of
    it with the next queued signal, after whatever it is drawing)."""
    with qtbot.waitSignal(window.run_state_shown, timeout=2000) as blocker:
        started = time.perf_counter()
        window.commands.pause.trigger()
        while window.worker.running and time.perf_counter() - started < 2.0:
            time.sleep(0.001)  # the worker's own flag, read from here: no event loop needed
        elapsed = time.perf_counter() - started
    assert blocker.args == [False]
    qtbot.waitUntil(lambda: not window.snapshot.running, timeout=STEP_TIMEOUT)
    return elapsed


def test_action_names_and_keys(window):
    a = window.commands
    expected = {
        "forward": "F",
        "backward": "B",
        "update": "U",
        "next_neuron": "N",
        "full_step": "S",
        "reset": "R",
        "run": "Space",
        "pause": "Space",
    }
    for name, key in expected.items():
        action = getattr(a, name)
        assert action.objectName() == f"action_{name}"
        assert key in [s.toString() for s in action.shortcuts()]
    assert {s.toString() for s in a.step_back.shortcuts()} >= {"Ctrl+Z", "Left"}
    assert a.run_epochs.objectName() == "action_run_epochs"
    toolbar_actions = set(window.toolbar.actions())
    for action in [a.forward, a.backward, a.update, a.run, a.pause, a.step_back, a.reset]:
        assert action in toolbar_actions
        assert action in window.actions_in_menus()


def test_only_the_valid_next_phase_is_enabled(qtbot, window):
    assert _enabled(window) == {"forward", "next_neuron", "full_step", "run", "run_epochs"}
    _step(qtbot, window, "forward")
    assert _enabled(window) == {
        "backward",
        "next_neuron",
        "full_step",
        "step_back",
        "run",
        "run_epochs",
    }
    _step(qtbot, window, "backward")
    assert "update" in _enabled(window)
    assert not {"forward", "backward"} & _enabled(window)
    _step(qtbot, window, "update")
    assert {"forward", "step_back"} <= _enabled(window)
    assert not {"backward", "update", "pause"} & _enabled(window)


def test_step_actions_wait_for_the_snapshot(qtbot, window):
    window.commands.forward.trigger()
    # Until the worker answers, no second step can be sent.
    assert not _enabled(window) & {"forward", "backward", "next_neuron", "full_step", "step_back"}
    qtbot.waitUntil(lambda: window.commands.backward.isEnabled(), timeout=STEP_TIMEOUT)
    assert window.snapshot.phase == "backward"


def test_every_view_shows_the_lecture_figures(qtbot, window, lecture_reference):
    forward = lecture_reference["forward"]
    labels = window.canvas.label_texts()
    assert shows(labels["weight:w5"], lecture_reference["network"]["weights"]["w5"])
    assert not shows(labels["neuron:h1"], forward["out_h1"])

    _step(qtbot, window, "forward")
    labels = window.canvas.label_texts()
    assert shows(labels["neuron:h1"], forward["out_h1"])
    assert shows(labels["neuron:o1"], forward["out_o1"])
    assert shows(window.status_labels["error"].text(), forward["E_total"])
    assert "next: backward pass" in window.status_labels["phase"].text()

    _step(qtbot, window, "backward")
    with qtbot.waitSignal(window.canvas.selection_changed, timeout=STEP_TIMEOUT):
        window.canvas.select("weight", "w5")
    text = window.derivation.plain_text()
    output = lecture_reference["backward_output_layer"]
    for name in ("dE_total/dout_o1", "dout_o1/dnet_o1", "dE_total/dw5"):
        assert shows(text, output[name]), name

    _step(qtbot, window, "update")
    updated = lecture_reference["updated_weights_after_one_step"]
    labels = window.canvas.label_texts()
    panel = visible_text(window.parameters)
    for name, value in updated.items():
        assert shows(labels[f"weight:{name}"], value), name
        assert shows(panel, value), name
    assert window.status_labels["iteration"].text().startswith("iteration 1 of 1 in epoch 2")


def test_hidden_layer_derivation(qtbot, window, lecture_reference):
    _step(qtbot, window, "forward")
    _step(qtbot, window, "backward")
    window.canvas.select("weight", "w1")
    qtbot.waitUntil(
        lambda: shows(
            window.derivation.plain_text(),
            lecture_reference["backward_hidden_layer"]["dE_total/dw1"],
        ),
        timeout=STEP_TIMEOUT,
    )
    text = window.derivation.plain_text()
    assert shows(text, lecture_reference["backward_hidden_layer"]["dE_total/dout_h1"])


def test_key_presses_step_and_step_back(qtbot, window, lecture_reference):
    handle = window.windowHandle()
    with qtbot.waitSignal(window.snapshot_shown, timeout=STEP_TIMEOUT):
        QTest.keyClick(handle, Qt.Key.Key_F)
    assert window.snapshot.phase == "backward"
    assert shows(window.canvas.label_texts()["neuron:h1"], lecture_reference["forward"]["out_h1"])
    qtbot.waitUntil(lambda: window.commands.step_back.isEnabled(), timeout=STEP_TIMEOUT)
    with qtbot.waitSignal(window.snapshot_shown, timeout=STEP_TIMEOUT):
        QTest.keyClick(handle, Qt.Key.Key_Left)
    assert window.snapshot.phase == "forward" and not window.snapshot.can_step_back


def _expected_out_h1_with(name: str, value: float) -> float:
    stepper = Stepper(get_preset("lecture").trainer())
    stepper.set_parameter(name, value)
    stepper.step_phase("forward")
    return stepper.trace().named_values()["out_h1"]


def test_editing_a_weight_changes_the_forward_values(qtbot, window, lecture_reference):
    _step(qtbot, window, "forward")
    with qtbot.waitSignal(window.snapshot_shown, timeout=STEP_TIMEOUT):
        window.parameters.parameter_edited.emit("w1", 0.9)
    label = window.canvas.label_texts()["neuron:h1"]
    assert not shows(label, lecture_reference["forward"]["out_h1"])
    assert shows(label, _expected_out_h1_with("w1", 0.9))
    assert window.snapshot.phase == "backward"
    assert window.modified and window.isWindowModified()
    # The drawing's own edit request goes the same way.
    with qtbot.waitSignal(window.snapshot_shown, timeout=STEP_TIMEOUT):
        window.canvas.value_edit_requested.emit("w1", 0.15)
    assert shows(window.canvas.label_texts()["neuron:h1"], lecture_reference["forward"]["out_h1"])


def test_run_pause_resume_step_back_and_reset(qtbot, window, lecture_reference):
    _start_run(qtbot, window)
    assert _enabled(window) == {"pause"}
    qtbot.waitUntil(lambda: window.snapshot.iteration > 200, timeout=STEP_TIMEOUT)
    # the status bar is rewritten twice a second during a run
    qtbot.waitUntil(lambda: window.status_labels["rate"].text().endswith("it/s"), timeout=2000)
    assert _pause(qtbot, window) < 0.1
    first = window.snapshot.iteration
    assert "pause" not in _enabled(window) and "run" in _enabled(window)
    assert window.error_plot.point_count() > 0
    # Resume, then pause again.
    _start_run(qtbot, window)
    qtbot.waitUntil(lambda: window.snapshot.iteration > first + 100, timeout=STEP_TIMEOUT)
    assert _pause(qtbot, window) < 0.1
    # Each run is one step back.
    _step(qtbot, window, "step_back")
    assert window.snapshot.iteration == first
    with qtbot.waitSignal(window.snapshot_shown, timeout=STEP_TIMEOUT):
        window.commands.reset.trigger()
    assert window.snapshot.iteration == 0 and not window.snapshot.can_step_back
    w5 = lecture_reference["network"]["weights"]["w5"]
    assert shows(window.canvas.label_texts()["weight:w5"], w5)


def test_space_toggles_run_and_pause(qtbot, window):
    handle = window.windowHandle()
    with qtbot.waitSignal(window.run_state_shown, timeout=STEP_TIMEOUT) as blocker:
        QTest.keyClick(handle, Qt.Key.Key_Space)
    assert blocker.args == [True]
    qtbot.waitUntil(lambda: window.commands.pause.isEnabled(), timeout=STEP_TIMEOUT)
    # Pressed before the first chunk, a pause would rightly stop a run that trained nothing:
    # wait until the run shows training before pressing Space again.
    qtbot.waitUntil(lambda: window.snapshot.iteration > 0, timeout=STEP_TIMEOUT)
    trained = window.snapshot.iteration
    with qtbot.waitSignal(window.run_state_shown, timeout=STEP_TIMEOUT) as blocker:
        QTest.keyClick(handle, Qt.Key.Key_Space)
    assert blocker.args == [False]
    qtbot.waitUntil(lambda: not window.snapshot.running, timeout=STEP_TIMEOUT)
    assert window.snapshot.iteration >= trained
    assert window.commands.run.isEnabled() and not window.commands.pause.isEnabled()


def test_run_n_epochs_uses_the_panel_number(qtbot, window):
    epochs = int(window.parameters.epochs())
    assert epochs >= 1
    with qtbot.waitSignal(window.run_state_shown, timeout=STEP_TIMEOUT):
        window.commands.run_epochs.trigger()
    qtbot.waitUntil(lambda: window.runs_finished == 1, timeout=20000)
    qtbot.waitUntil(lambda: not window.snapshot.running, timeout=STEP_TIMEOUT)
    assert window.snapshot.epoch == epochs


def _linear_stepper() -> Stepper:
    spec = NetworkSpec.build([1, 4, 1], "linear", loss="mse")
    x = np.linspace(-3, 3, 20).reshape(-1, 1)
    trainer = Trainer(initialize(spec, seed=0), x, 5 * x, TrainConfig(eta=0.01, batch_size=20))
    return Stepper(trainer)


def test_an_absurd_learning_rate_stops_with_a_message(qtbot, ready):
    window = ready(MainWindow(_linear_stepper()))
    config = TrainConfig(eta=1e6, batch_size=20)
    with qtbot.waitSignal(window.snapshot_shown, timeout=STEP_TIMEOUT):
        window.parameters.config_changed.emit(config)
    assert window.snapshot.config.eta == 1e6
    _start_run(qtbot, window, until_running_shown=False)
    qtbot.waitUntil(lambda: window.runs_finished == 1, timeout=10000)
    qtbot.waitUntil(lambda: "diverged" in window.message(), timeout=STEP_TIMEOUT)
    assert "η" in window.message()
    assert "diverged" in window.statusBar().currentMessage()
    assert all(math.isfinite(v) for v in window.snapshot.values.values())
    assert not {"forward", "run", "full_step"} & _enabled(window)
    # Still responsive: step back undoes the run and stepping works again.
    _step(qtbot, window, "step_back")
    assert window.snapshot.diverged is None
    assert _step(qtbot, window, "forward").phase == "backward"
    window.banner.dismiss_button.click()
    assert window.message() == "" and window.banner.isHidden()


def test_an_exception_in_a_worker_command_is_reported(qtbot, window, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a cosmic ray")

    with monkeypatch.context() as patch:
        patch.setattr(window.worker._stepper, "step_phase", broken)
        window.commands.forward.trigger()
        qtbot.waitUntil(lambda: "please report it" in window.message(), timeout=STEP_TIMEOUT)
        message = window.message()
        assert message.startswith("Something went wrong while stepping through the forward pass")
        assert "RuntimeError" not in message  # plain words; the details go to the log
        assert "RuntimeError: a cosmic ray" in caplog.text
        qtbot.waitUntil(lambda: window.commands.forward.isEnabled(), timeout=STEP_TIMEOUT)
    assert _step(qtbot, window, "forward").phase == "backward"
    assert _step(qtbot, window, "next_neuron").trace.done > 0


def test_a_refused_step_is_explained(qtbot, window):
    window.request_step("update")  # not the next phase: the worker says so
    qtbot.waitUntil(lambda: bool(window.message()), timeout=STEP_TIMEOUT)
    assert "forward" in window.message()
    assert "Something went wrong" not in window.message()
    qtbot.waitUntil(lambda: window.commands.forward.isEnabled(), timeout=STEP_TIMEOUT)


def test_closing_during_a_run_stops_the_thread(qtbot, window):
    _start_run(qtbot, window)
    thread = window.worker_thread
    started = time.perf_counter()
    assert window.close()
    assert thread.isFinished()
    assert time.perf_counter() - started < 1.0


def test_unsaved_changes_prompt_can_cancel_or_discard(qtbot, window, monkeypatch):
    monkeypatch.delenv("BPDESK_NO_PROMPTS")
    _step(qtbot, window, "forward")
    qtbot.waitUntil(lambda: window.modified, timeout=STEP_TIMEOUT)
    answers: list[QMessageBox.StandardButton] = [QMessageBox.StandardButton.Cancel]
    asked: list[str] = []

    def question(_parent, title, *_args):
        asked.append(title)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    assert not window.close()
    assert asked == ["Unsaved changes"] and window.isVisible()
    assert window.worker_thread.isRunning()
    answers.append(QMessageBox.StandardButton.Discard)
    assert window.close()
    assert window.worker_thread.isFinished()


def test_geometry_and_text_size_are_remembered(ready):
    first = ready(create_window("lecture"))
    first.resize(700, 500)  # fits the off-screen 800×600 screen
    first.commands.larger_text.trigger()
    scale = settings.font_scale()
    assert scale > 1.0
    assert first.close()
    second = ready(create_window("lecture"))
    # (The off-screen test screen is 800×600; the window keeps at least its minimum width.)
    assert second.height() == 500 and second.width() < 1600
    assert settings.font_scale() == scale
    second.commands.smaller_text.trigger()
    assert settings.font_scale() == pytest.approx(1.0)


def test_dark_theme_switches_the_palette_and_back(window):
    app = QApplication.instance()
    light = app.palette().window().color().lightness()
    window.commands.dark_theme.setChecked(True)
    try:
        assert app.palette().window().color().lightness() < light
        assert settings.theme() == "dark"
    finally:
        window.commands.dark_theme.setChecked(False)
    assert app.palette().window().color().lightness() == light
    assert settings.theme() == "light"


def test_view_menu_toggles_the_docks(window):
    view_actions = window.actions_in_menus()
    for dock in (window.parameters_dock, window.derivation_dock, window.error_dock):
        toggle = dock.toggleViewAction()
        assert toggle in view_actions
        toggle.trigger()
        assert dock.isHidden()
        toggle.trigger()
        assert not dock.isHidden()


def test_save_as_and_open_recent(qtbot, window, tmp_path, lecture_reference):
    path = tmp_path / "lesson.bpdesk"
    window.file_chooser = lambda mode, suggested: str(path)
    _step(qtbot, window, "forward")
    assert window.modified
    window.commands.save_as.trigger()
    qtbot.waitUntil(
        lambda: window.document_path == str(path) and not window.modified, timeout=STEP_TIMEOUT
    )
    assert path.is_file() and window.document_path == str(path)
    assert "lesson.bpdesk" in window.windowTitle()
    assert settings.recent_files()[0] == str(path)
    with qtbot.waitSignal(window.snapshot_shown, timeout=STEP_TIMEOUT):
        window.commands.new.trigger()
    assert window.snapshot.phase == "forward" and window.document_path == ""
    with qtbot.waitSignal(window.snapshot_shown, timeout=STEP_TIMEOUT):
        window.commands.open.trigger()
    assert window.snapshot.phase == "backward"
    label = window.canvas.label_texts()["neuron:h1"]
    assert shows(label, lecture_reference["forward"]["out_h1"])


def test_status_bar_before_any_step(window):
    labels = window.status_labels
    assert labels["epoch"].text() == "Epochs done: 0"
    assert labels["iteration"].text().startswith("iteration 1 of 1 in epoch 1")
    assert labels["error"].text() == f"E = {format_value(math.nan)}"
    assert labels["phase"].text().startswith("next: forward pass")
    assert labels["rate"].text() == ""
