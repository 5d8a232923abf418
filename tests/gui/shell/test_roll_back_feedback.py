"""Roll back to the best epoch, seen in the window: the status bar and the plot say whose
weights are on show; training on or stepping back takes the note away."""

from __future__ import annotations

import pytest


@pytest.fixture
def window(open_window):
    return open_window("overfit")


def _texts(win) -> tuple[str, str]:
    return win.status_labels["epoch"].text(), win.error_plot._last_label.text()


def test_the_window_says_which_epoch_is_on_show(qtbot, window):
    assert window.run(20)
    qtbot.waitUntil(
        lambda: not window.snapshot.running and window.snapshot.epoch == 20, timeout=20_000
    )
    best = window.snapshot.best_epoch
    assert best is not None
    window.roll_back_to_best()
    qtbot.waitUntil(lambda: window.snapshot.rolled_back_to == best, timeout=5000)
    status = _texts(window)[0]
    assert f"weights of epoch {best} on show" in status and "Epochs done: 20" in status
    qtbot.waitUntil(lambda: f"weights of epoch {best} (rolled back)" in _texts(window)[1])
    assert window.request_commands(["back"])
    qtbot.waitUntil(lambda: window.snapshot.rolled_back_to is None, timeout=5000)
    qtbot.waitUntil(lambda: "rolled back" not in "".join(_texts(window)))
