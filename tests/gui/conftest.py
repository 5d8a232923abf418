"""The real window for GUI tests: opened on a preset, shown, shut down after the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from bpdesk.app import create_window
from bpdesk.gui.tools.teaching_window import TeachingWindow

OpenWindow = Callable[..., TeachingWindow]


@pytest.fixture
def open_window(qtbot, monkeypatch) -> Iterator[OpenWindow]:
    """``open_window(preset="lecture", size=(1600, 900))``: bpdesk's whole window on a preset
    (no prompts, the default layout), shown, once its first snapshot has arrived; every
    window opened is shut down after the test."""
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    opened: list[TeachingWindow] = []

    def open_(preset: str = "lecture", size: tuple[int, int] = (1600, 900)) -> TeachingWindow:
        win = create_window(preset, restore_layout=False)
        qtbot.addWidget(win)
        win.resize(*size)
        win.show()
        opened.append(win)
        qtbot.waitUntil(lambda: win.snapshot is not None, timeout=10_000)
        return win

    yield open_
    for win in opened:
        win.shutdown()
