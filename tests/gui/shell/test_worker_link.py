"""The window's one guarded path to the worker: sequences sent one at a time, refusals."""

from __future__ import annotations

import pytest

from bpdesk.core.errors import ConfigError
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.shell.main_window import MainWindow

TIMEOUT = 5000


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = MainWindow(Stepper(get_preset("lecture").trainer()), restore_layout=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=TIMEOUT)
    yield win
    win.shutdown()


def _settled(window: MainWindow) -> bool:
    return not window.step_in_flight and window.link.queued == 0


def test_a_sequence_goes_one_command_at_a_time(qtbot, window):
    sent: list[str] = []
    window.link.step_requested.connect(sent.append)
    assert window.request_commands(["neuron", "neuron", "neuron"])
    assert sent == ["neuron"] and window.link.queued == 2
    assert not window.request_commands(["full"])  # the first sequence is still going
    assert not window.commands.forward.isEnabled()
    qtbot.waitUntil(lambda: _settled(window), timeout=TIMEOUT)
    assert sent == ["neuron"] * 3
    assert window.snapshot.trace.done == 3


def test_a_failed_command_drops_the_rest_of_its_sequence(qtbot, window):
    assert window.request_commands(["update", "forward"])  # update is not the next phase
    qtbot.waitUntil(lambda: bool(window.message()), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: _settled(window), timeout=TIMEOUT)
    assert "forward" in window.message()
    assert window.snapshot.trace.done == 0 and window.snapshot.phase == "forward"


def test_an_unknown_command_is_an_error_and_nothing_is_sent(window):
    with pytest.raises(ConfigError):
        window.request_commands(["forward", "sideways"])
    assert not window.step_in_flight and window.link.queued == 0


def test_steps_are_refused_during_a_run_and_reset_stops_it(qtbot, window):
    with qtbot.waitSignal(window.run_state_shown, timeout=TIMEOUT):
        assert window.run(0)
    assert not window.run(0)
    assert not window.request_step("forward")
    assert not window.request_commands(["back"])
    with qtbot.waitSignal(window.run_state_shown, timeout=TIMEOUT) as ended:
        assert window.request_commands(["reset"])
    assert ended.args == [False]
    qtbot.waitUntil(lambda: _settled(window) and window.snapshot.iteration == 0, timeout=TIMEOUT)
    assert window.runs_finished == 1
