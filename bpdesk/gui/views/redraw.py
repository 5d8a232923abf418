"""The one redraw throttle: during a run a view redraws a few times a second, never falling behind.

A view asks for a redraw with every snapshot. Outside a run (``urgent``) it draws at once, so a
press shows its result immediately; during a run it draws at most once per interval, and the
last request is always drawn when the interval has passed, so the final picture is never lost.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

__all__ = ["RUN_REDRAW_INTERVAL", "RedrawThrottle"]

# Seconds between redraws while a run goes on: a little less than the worker's frame interval
# (1/12 s), so that each frame it sends is drawn as it arrives, never by a second wake-up.
RUN_REDRAW_INTERVAL = 0.07


class RedrawThrottle(QObject):
    """Calls ``draw`` now or, while requests come faster than ``interval``, once it has passed."""

    def __init__(
        self,
        draw: Callable[[], None],
        parent: QObject | None = None,
        *,
        interval: float = RUN_REDRAW_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._draw = draw
        self._interval = float(interval)
        self._clock = clock
        self._drawn_at = -math.inf
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.draw_now)

    @property
    def interval(self) -> float:
        return self._interval

    @property
    def pending(self) -> bool:
        """Whether a redraw is waiting for its turn."""
        return self._timer.isActive()

    def request(self, *, urgent: bool) -> None:
        """Draw now if ``urgent`` or the last draw is ``interval`` old; otherwise a moment later."""
        waited = self._clock() - self._drawn_at
        if urgent or waited >= self._interval:
            self.draw_now()
        elif not self._timer.isActive():
            self._timer.start(max(1, math.ceil((self._interval - waited) * 1000)))

    def draw_now(self) -> None:
        """Draw at once (a waiting redraw is folded into this one)."""
        self._timer.stop()
        self._drawn_at = self._clock()
        self._draw()

    def cancel(self) -> None:
        """Forget a waiting redraw (the view has nothing to draw any more)."""
        self._timer.stop()
