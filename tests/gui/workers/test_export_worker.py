"""The worked-example handout is built and saved on a worker thread: off the window's
thread, with a progress dialog and Cancel, never a half-written file."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton

import bpdesk.gui.workers.export_worker as export_worker
from bpdesk.app import create_window
from bpdesk.core.teaching.export import render
from bpdesk.core.teaching.worked_example import worked_example
from bpdesk.gui.workers.export_worker import complete_step
from tests.reliability.test_plain_messages import assert_plain


def _window(qtbot, monkeypatch, preset: str):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window(preset, restore_layout=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=10000)
    return win


@pytest.fixture
def window(qtbot, monkeypatch):
    win = _window(qtbot, monkeypatch, "lecture")
    yield win
    win.shutdown()


class Gate:
    """Stands in for ``worked_example`` on the worker: notes the thread, and once held,
    waits inside until released (no clock involved)."""

    def __init__(self, monkeypatch) -> None:
        self.threads: list[int] = []
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.opened.set()
        monkeypatch.setattr(export_worker, "worked_example", self)

    def __call__(self, trace, title):
        self.threads.append(threading.get_ident())
        self.entered.set()
        assert self.opened.wait(20)
        return worked_example(trace, title)

    def hold(self) -> None:
        self.opened.clear()


def _ended(qtbot, exports, start):
    with qtbot.waitSignal(exports.handouts.ended, timeout=20000) as blocker:
        start()
    return blocker.args[0]


def test_the_handout_is_built_off_the_gui_thread(qtbot, window, tmp_path, monkeypatch):
    gate = Gate(monkeypatch)
    target = tmp_path / "h.md"
    window.exports.chooser = lambda *_: str(target)
    outcome = _ended(qtbot, window.exports, lambda: window.exports.export_handout("markdown"))
    assert outcome.problem is None and not outcome.cancelled
    assert gate.threads and gate.threads[0] != threading.get_ident()
    assert outcome.thread == gate.threads[0]
    assert "was saved to" in window.message()


def test_cancel_mid_way_saves_nothing_and_keeps_the_old_file(qtbot, window, tmp_path, monkeypatch):
    gate = Gate(monkeypatch)
    target = tmp_path / "h.html"
    target.write_text("the old handout", encoding="utf-8")
    window.exports.chooser = lambda *_: str(target)
    gate.hold()
    assert window.exports.export_handout("html") == str(target)
    assert gate.entered.wait(20)
    # The progress dialog comes up while the job is held, and its Cancel stops it.
    qtbot.waitUntil(lambda: window.exports.handout_progress is not None, timeout=5000)
    with qtbot.waitSignal(window.exports.handouts.ended, timeout=20000) as blocker:
        dialog = window.exports.handout_progress
        assert dialog.isVisible() and "Laying out" in dialog.labelText()
        dialog.findChild(QPushButton).click()
        assert window.exports.handout_progress is None
        gate.opened.set()
    assert blocker.args[0].cancelled
    assert target.read_text(encoding="utf-8") == "the old handout"
    assert not list(tmp_path.glob(".bpdesk-export*"))
    assert "cancelled" in window.message() and "nothing was saved" in window.message()
    assert_plain(window.message())


def test_a_second_handout_while_one_is_saved_is_refused(qtbot, window, tmp_path, monkeypatch):
    gate = Gate(monkeypatch)
    files = iter([tmp_path / "first.md", tmp_path / "second.md"])
    window.exports.chooser = lambda *_: str(next(files))
    gate.hold()
    with qtbot.waitSignal(window.exports.handouts.ended, timeout=20000) as blocker:
        assert window.exports.export_handout("markdown")
        assert gate.entered.wait(20)
        assert window.exports.export_handout("latex") == ""
        assert "being saved" in window.message()
        gate.opened.set()
    assert blocker.args[0].path == str(tmp_path / "first.md")
    assert (tmp_path / "first.md").is_file() and not (tmp_path / "second.md").exists()


def test_a_fault_while_building_is_said_plainly_and_writes_nothing(
    qtbot, window, tmp_path, monkeypatch
):
    def broken(trace, title):
        raise ValueError("boom")

    monkeypatch.setattr(export_worker, "worked_example", broken)
    target = tmp_path / "h.md"
    window.exports.chooser = lambda *_: str(target)
    outcome = _ended(qtbot, window.exports, lambda: window.exports.export_handout("markdown"))
    assert outcome.problem and not target.exists()
    assert not list(tmp_path.glob(".bpdesk-export*"))
    assert "please report" in window.message()
    assert_plain(window.message())


def test_closing_the_window_mid_job_leaves_no_file(qtbot, monkeypatch, tmp_path):
    win = _window(qtbot, monkeypatch, "lecture")
    gate = Gate(monkeypatch)
    target = tmp_path / "h.md"
    win.exports.chooser = lambda *_: str(target)
    ended: list[object] = []
    win.exports.handouts.ended.connect(ended.append)
    gate.hold()
    assert win.exports.export_handout("markdown")
    assert gate.entered.wait(20)
    threading.Timer(0.05, gate.opened.set).start()
    win.shutdown()  # waits for the job, which is cancelled at its next stage
    qtbot.wait(50)
    assert ended == [] and not target.exists()
    assert not list(tmp_path.glob(".bpdesk-export*"))


def test_digits_handout_is_what_the_core_builds_and_the_window_keeps_going(
    qtbot, monkeypatch, tmp_path
):
    win = _window(qtbot, monkeypatch, "digits")
    try:
        win.request_step("full")
        qtbot.waitUntil(lambda: win.snapshot.iteration >= 1, timeout=10000)
        snapshot = win.snapshot
        target = tmp_path / "digits.md"
        win.exports.chooser = lambda *_: str(target)
        ticks: list[float] = []
        probe = QTimer()
        probe.setInterval(10)
        probe.timeout.connect(lambda: ticks.append(time.perf_counter()))
        probe.start()
        outcome = _ended(qtbot, win.exports, lambda: win.exports.export_handout("markdown"))
        probe.stop()
        assert outcome.problem is None and outcome.thread != threading.get_ident()
        assert ticks  # the window's timers ran while the handout was built (smoke check)
        expected = render(
            worked_example(complete_step(snapshot).full_step(), "Backpropagation: one worked step"),
            "markdown",
        )
        assert target.read_text(encoding="utf-8") == expected
    finally:
        win.shutdown()
