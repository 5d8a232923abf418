"""At 1024 × 768, a common projector, every toolbar button is on screen (no "»" overflow)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QToolButton


@pytest.fixture
def window(open_window):
    return open_window("lecture", (1024, 768))


def test_every_button_fits_at_1024(qtbot, window):
    toolbar = window.toolbar
    qtbot.waitUntil(lambda: toolbar.width() >= 1000)
    overflow = [
        b for b in toolbar.findChildren(QToolButton) if b.objectName() == "qt_toolbar_ext_button"
    ]
    assert not any(b.isVisible() for b in overflow)
    assert toolbar.sizeHint().width() <= window.width()
    for action in (window.commands.forward, window.commands.reset, window.commands.run):
        button = toolbar.widgetForAction(action)
        assert button.isVisible() and button.geometry().right() < toolbar.width()
    assert window.run_speed.box.isVisible()
    assert window.commands.next_neuron.text() == "&Next neuron"  # menus keep the full name
