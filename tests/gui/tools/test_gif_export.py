"""File → Export → Animation of the next steps…, through the real window.

N presses give N + 1 frames: the first shows the network before the first press. The
presses go through the window's guarded path, and afterwards (when asked) as many
step-backs return the network to where the recording started.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QPushButton

from bpdesk.core.engine.config import TrainConfig
from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.tools.gif_export import Recording
from bpdesk.gui.tools.teaching_window import TeachingWindow
from tests.reliability.test_plain_messages import assert_plain


@pytest.fixture
def window(open_window):
    return open_window("lecture")


def _record(window, recording: Recording, target):
    """Through the menu action, its dialogs answered by ``recording`` and ``target``."""
    window.exports.recording_chooser = lambda views: recording
    window.exports.chooser = lambda *_: str(target)
    before = window.exports.recorder
    window.exports.actions["animation"].trigger()
    recorder = window.exports.recorder
    return None if recorder is before else recorder


def _press_cancel(recorder) -> None:
    """The progress dialog's Cancel button."""
    buttons = recorder.progress.findChildren(QPushButton)
    assert [b.text() for b in buttons] == ["Cancel"]
    buttons[0].click()


def _state(snapshot):
    return (dict(snapshot.values), snapshot.phase, snapshot.iteration, snapshot.trace.done)


def _wait_done(qtbot, recorder) -> list[str]:
    results: list[str] = []
    recorder.done.connect(results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=60000)
    return results


def _wait_at_rest(qtbot, window) -> None:
    qtbot.waitUntil(
        lambda: (
            not window.exports.recorder.going_back
            and not window.step_in_flight
            and not window.running
            and window.link.queued == 0
        ),
        timeout=20000,
    )


def test_three_phases_give_four_frames_and_go_back(qtbot, window, tmp_path):
    start = _state(window.snapshot)
    target = tmp_path / "phases.gif"
    recorder = _record(window, Recording("canvas", "phase", 3, size="1024x768"), target)
    assert recorder is not None and recorder.progress is not None  # a progress bar shows
    assert _wait_done(qtbot, recorder) == [str(target)]
    assert "was saved to" in window.message()
    data = target.read_bytes()
    # What a browser needs: GIF89a, and the looping extension browsers read.
    assert data.startswith(b"GIF89a") and b"NETSCAPE2.0" in data
    with Image.open(target) as gif:
        assert gif.format == "GIF" and gif.size == (1024, 768)
        assert gif.n_frames == 3 + 1  # the start, then one frame a press
        assert gif.info.get("loop") == 0 and gif.info.get("duration") == 800
        frames = []
        for k in range(gif.n_frames):
            gif.seek(k)
            frames.append(gif.convert("RGB").tobytes())
    assert len(set(frames)) == 4
    _wait_at_rest(qtbot, window)
    assert _state(window.snapshot) == start
    assert not list(tmp_path.glob(".bpdesk-export*"))


def test_without_going_back_the_step_is_done(qtbot, window, tmp_path, lecture_reference):
    target = tmp_path / "stay.gif"
    recording = Recording("error_plot", "phase", 3, size="1024x768", go_back=False)
    recorder = _record(window, recording, target)
    assert _wait_done(qtbot, recorder) == [str(target)]
    _wait_at_rest(qtbot, window)
    snapshot = window.snapshot
    assert snapshot.iteration == 1 and snapshot.phase == "forward"
    for name, value in lecture_reference["updated_weights_after_one_step"].items():
        assert snapshot.values[name] == pytest.approx(value, abs=1e-8)


def test_sub_steps_and_runs(qtbot, window, tmp_path):
    start = _state(window.snapshot)
    neurons = tmp_path / "neurons.gif"
    recorder = _record(window, Recording("canvas", "neuron", 2, size="1024x768"), neurons)
    assert _wait_done(qtbot, recorder) == [str(neurons)]
    _wait_at_rest(qtbot, window)
    with Image.open(neurons) as gif:
        assert gif.n_frames == 3
    assert _state(window.snapshot) == start
    runs = tmp_path / "runs.gif"
    recording = Recording("error_plot", "run", 3, every=4, size="1024x768", go_back=False)
    recorder = _record(window, recording, runs)
    assert _wait_done(qtbot, recorder) == [str(runs)]
    _wait_at_rest(qtbot, window)
    assert window.snapshot.iteration == 3 * 4
    with Image.open(runs) as gif:
        assert gif.n_frames == 4 and gif.size == (1024, 768)


def test_cancel_midway_leaves_no_file_and_goes_back(qtbot, window, tmp_path):
    start = _state(window.snapshot)
    target = tmp_path / "cancelled.gif"
    recorder = _record(window, Recording("canvas", "neuron", 40, size="1024x768"), target)
    qtbot.waitUntil(lambda: recorder.frames >= 3, timeout=20000)
    _press_cancel(recorder)
    assert _wait_done(qtbot, recorder) == [""]
    assert "cancelled" in window.message() and "no file" in window.message()
    assert_plain(window.message())
    _wait_at_rest(qtbot, window)
    assert _state(window.snapshot) == start
    assert not target.exists() and not list(tmp_path.iterdir())


def test_an_unwritable_path_gives_one_plain_message_no_file_no_press(qtbot, window, tmp_path):
    start = window.snapshot
    target = tmp_path / "no" / "such" / "folder" / "steps.gif"
    messages: list[str] = []
    window.banner.show_message = lambda text: messages.append(text)
    assert _record(window, Recording("canvas", "phase", 3), target) is None
    assert len(messages) == 1 and "could not be saved" in messages[0]
    assert str(target) in messages[0]
    assert_plain(messages[0])
    qtbot.wait(200)
    assert window.snapshot.seq == start.seq  # nothing was pressed
    assert not list(tmp_path.rglob("*"))


@pytest.mark.parametrize(
    "recording",
    [
        Recording("canvas", "phase", 0),
        Recording("canvas", "phase", 10_000),
        Recording("canvas", "run", 3, every=0),
        Recording("canvas", "phase", 3, seconds=math.nan),
        Recording("canvas", "phase", 3, seconds=-1),
        Recording("canvas", "phase", 3, size="print-a5"),
        Recording("canvas", "jump", 3),
        Recording("landscape", "phase", 3),  # not open
    ],
)
def test_bad_settings_are_refused_in_words(window, tmp_path, recording):
    start = window.snapshot
    target = tmp_path / "bad.gif"
    assert _record(window, recording, target) is None
    assert_plain(window.message())
    assert window.snapshot.seq == start.seq and not target.exists()


def test_a_second_recording_waits_for_the_first(qtbot, window, tmp_path):
    first = _record(window, Recording("canvas", "neuron", 30), tmp_path / "one.gif")
    assert first is not None
    assert _record(window, Recording("canvas", "neuron", 2), tmp_path / "two.gif") is None
    assert "being recorded" in window.message()
    _press_cancel(first)
    _wait_done(qtbot, first)
    _wait_at_rest(qtbot, window)
    assert not list(tmp_path.iterdir())


def test_no_recording_while_a_run_goes(qtbot, window, tmp_path):
    window.run(0)
    qtbot.waitUntil(lambda: window.snapshot.running, timeout=5000)
    target = tmp_path / "running.gif"
    assert _record(window, Recording("canvas", "phase", 3), target) is None
    assert "Pause the run first" in window.message()
    assert_plain(window.message())
    window.pause()
    qtbot.waitUntil(lambda: not window.running, timeout=5000)
    assert not target.exists()


def test_cancel_during_a_long_run_press_stops_it_and_goes_back(qtbot, window, tmp_path):
    start = _state(window.snapshot)
    window.run_speed.set_speed(5.0)  # five steps a second: a press takes a while
    target = tmp_path / "slow.gif"
    recorder = _record(window, Recording("canvas", "run", 3, every=1000), target)
    qtbot.waitUntil(lambda: window.snapshot.running, timeout=10000)
    _press_cancel(recorder)
    assert _wait_done(qtbot, recorder) == [""]
    _wait_at_rest(qtbot, window)
    assert _state(window.snapshot) == start
    assert not target.exists()


def test_closing_the_window_mid_recording_leaves_no_file(qtbot, window, tmp_path):
    target = tmp_path / "closed.gif"
    recorder = _record(window, Recording("canvas", "neuron", 50), target)
    qtbot.waitUntil(lambda: recorder.frames >= 2, timeout=20000)
    window.shutdown()
    assert recorder.writer is not None and not recorder.writer.busy
    assert not list(tmp_path.iterdir())


def test_a_diverging_network_ends_the_animation_early(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    spec = NetworkSpec.build([1, 4, 1], "linear", loss="mse")
    x = np.linspace(-3, 3, 20).reshape(-1, 1)
    trainer = Trainer(initialize(spec, seed=0), x, 5 * x, TrainConfig(eta=1e6, batch_size=20))
    window = TeachingWindow(Stepper(trainer), restore_layout=False)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.snapshot is not None, timeout=5000)
        start = _state(window.snapshot)
        target = tmp_path / "diverging.gif"
        recorder = _record(window, Recording("canvas", "run", 6, every=200), target)
        assert _wait_done(qtbot, recorder) == [str(target)]
        assert "diverged" in window.message()
        assert_plain(window.message())
        with Image.open(target) as gif:
            assert 2 <= gif.n_frames < 7 and gif.n_frames == recorder.frames
        _wait_at_rest(qtbot, window)
        assert _state(window.snapshot) == start
    finally:
        window.shutdown()
