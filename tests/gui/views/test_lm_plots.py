"""The Levenberg–Marquardt plots: shown beside the error plot while LM trains, hidden otherwise,
drawing μ, ‖∂E/∂θ‖ and the rejected trials the engine recorded."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bpdesk.app import create_window
from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.shell.main_window import MainWindow
from bpdesk.gui.views.lm_plots import LMPlots

TIMEOUT = 10000


@pytest.fixture(autouse=True)
def _no_prompts(monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")


def _config_for(window: MainWindow, optimizer: str):
    return replace(window.snapshot.config, optimizer=optimizer)


def test_choosing_lm_shows_the_plots_and_switching_back_hides_them(qtbot):
    window = create_window("xor")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=TIMEOUT)
    assert not window.lm_dock.isVisible()
    with qtbot.waitSignal(window.snapshot_shown, timeout=TIMEOUT):
        window.parameters.config_changed.emit(_config_for(window, "lm"))
    qtbot.waitUntil(lambda: window.lm_dock.isVisible(), timeout=TIMEOUT)
    assert window.run_iterations(40)
    qtbot.waitUntil(lambda: window.runs_finished == 1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not window.snapshot.running, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.lm_plots.points()["mu"].size == 40, timeout=TIMEOUT)
    drawn = window.lm_plots.points()
    # the same run, again, in the core: the plot draws the engine's own record
    preset = get_preset("xor")
    config = replace(window.snapshot.config)
    trainer = Trainer(preset.network.copy(), preset.inputs, preset.targets, config)
    trainer.run(iterations=40)
    assert trainer.lm is not None
    record = trainer.lm.record.since(0, 0)
    np.testing.assert_array_equal(drawn["mu_x"], np.arange(1, 41))
    np.testing.assert_allclose(drawn["mu"], record.mu, rtol=1e-12)
    np.testing.assert_allclose(drawn["gradient"], record.gradient_norm, rtol=1e-12)
    rejected = ~record.trial_accepted
    assert drawn["rejected_x"].size == int(rejected.sum())
    np.testing.assert_allclose(drawn["rejected_mu"], record.trial_mu[rejected], rtol=1e-12)
    assert "Iteration 40" in window.lm_plots.readout()
    # back to gradient descent: the plots go away
    with qtbot.waitSignal(window.snapshot_shown, timeout=TIMEOUT):
        window.parameters.config_changed.emit(_config_for(window, "gd"))
    qtbot.waitUntil(lambda: not window.lm_dock.isVisible(), timeout=TIMEOUT)
    window.close()


def test_step_back_cuts_the_plotted_points(qtbot):
    preset = get_preset("xor")
    config = replace(preset.config, optimizer="lm")
    stepper = Stepper(Trainer(preset.network.copy(), preset.inputs, preset.targets, config))
    plots = LMPlots()
    qtbot.addWidget(plots)
    shown: list[bool] = []
    plots.wanted.connect(shown.append)
    plots.show_snapshot(make_snapshot(stepper, seq=0))
    assert shown == [True] and plots.points()["mu"].size == 0
    assert "not taken a step" in plots.readout()
    stepper.run(iterations=6)
    plots.show_snapshot(make_snapshot(stepper, seq=1))
    stepper.run(iterations=4)
    plots.show_snapshot(make_snapshot(stepper, seq=2, history_from=6))
    assert plots.points()["mu"].size == 10
    stepper.step_back()
    plots.show_snapshot(make_snapshot(stepper, seq=3, history_from=6))
    assert plots.points()["mu"].size == 6
    stepper.reset()
    plots.show_snapshot(make_snapshot(stepper, seq=4))
    assert plots.points()["mu"].size == 0
    assert plots.points()["rejected_x"].size == 0
    plots.show_snapshot(make_snapshot(stepper, seq=5))
    assert shown == [True]  # said once, not with every snapshot
