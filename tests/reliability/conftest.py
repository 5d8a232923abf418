"""Fixtures for the reliability tests: the whole window on the lecture's example."""

from __future__ import annotations

import pytest

from bpdesk.app import create_window


@pytest.fixture
def window(qtbot, monkeypatch):
    """The main window, shown, with its first picture drawn; shut down afterwards."""
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window("lecture", restore_layout=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=5000)
    yield win
    win.shutdown()
