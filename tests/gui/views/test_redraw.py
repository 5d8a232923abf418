"""The redraw throttle: at once when urgent, at most once per interval in a run, last one kept."""

from __future__ import annotations

from bpdesk.gui.views.redraw import RedrawThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_urgent_requests_draw_at_once(qtbot):
    clock, drawn = Clock(), []
    throttle = RedrawThrottle(lambda: drawn.append(clock.now), interval=0.1, clock=clock)
    for _ in range(3):
        throttle.request(urgent=True)
    assert drawn == [100.0, 100.0, 100.0]
    assert not throttle.pending


def test_a_burst_in_a_run_draws_once_and_then_the_last_request(qtbot):
    clock, drawn = Clock(), []
    throttle = RedrawThrottle(lambda: drawn.append(clock.now), interval=0.05, clock=clock)
    throttle.request(urgent=False)  # the first one draws: nothing was drawn yet
    clock.now += 0.01
    for _ in range(20):
        throttle.request(urgent=False)
    assert len(drawn) == 1
    assert throttle.pending
    clock.now += 0.05
    qtbot.waitUntil(lambda: len(drawn) == 2, timeout=2000)
    assert not throttle.pending


def test_cancel_forgets_a_waiting_redraw(qtbot):
    clock, drawn = Clock(), []
    throttle = RedrawThrottle(lambda: drawn.append(1), interval=0.02, clock=clock)
    throttle.request(urgent=False)
    throttle.request(urgent=False)
    throttle.cancel()
    qtbot.wait(60)
    assert drawn == [1]
