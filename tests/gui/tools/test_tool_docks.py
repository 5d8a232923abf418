"""Views in the tool registry: a Teach-menu entry each, built on first show, given snapshots."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from bpdesk.app import create_window
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.tools import registry
from bpdesk.gui.tools.registry import ToolSpec


class _Counter(QLabel):
    """A view that counts the snapshots it is shown."""

    built = 0

    def __init__(self) -> None:
        super().__init__("counter")
        type(self).built += 1
        self.seen: list[int] = []
        self.stopped = False

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.seen.append(snapshot.seq)

    def shutdown(self) -> None:
        self.stopped = True


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    _Counter.built = 0
    spec = ToolSpec("counter", "Counting view", lambda host: _Counter())
    monkeypatch.setattr(registry, "TOOLS", [spec])
    monkeypatch.setattr("bpdesk.gui.tools.teach_menu.TOOLS", [spec])
    win = create_window("lecture", restore_layout=False)
    qtbot.addWidget(win)
    win.resize(1600, 900)
    win.show()
    yield win
    win.shutdown()


def test_a_registered_view_is_built_when_first_shown_and_follows_snapshots(qtbot, window):
    docks = window.teaching.tool_docks
    titles = [a.text() for a in window.menu("&Teach").actions()]
    assert "Counting view" in titles
    assert _Counter.built == 0  # nothing built before it is shown
    view = docks.show_view("counter")
    assert _Counter.built == 1
    assert isinstance(view, _Counter)
    qtbot.waitUntil(lambda: len(view.seen) >= 1)  # caught up with the newest snapshot
    before = len(view.seen)
    window.request_step("forward")
    qtbot.waitUntil(lambda: len(view.seen) > before)
    assert docks.show_view("counter") is view  # built once
    window.shutdown()
    assert view.stopped


def test_a_hidden_view_is_not_drawn(qtbot, window):
    docks = window.teaching.tool_docks
    view = docks.show_view("counter")
    qtbot.waitUntil(lambda: len(view.seen) >= 1)
    docks.docks["counter"].hide()
    before = len(view.seen)
    window.request_step("forward")
    qtbot.waitUntil(lambda: window.snapshot is not None and window.snapshot.phase == "backward")
    qtbot.wait(200)
    assert len(view.seen) == before
