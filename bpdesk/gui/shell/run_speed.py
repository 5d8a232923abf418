"""The run speed: from one step a second, each step drawn with all its numbers, to full speed."""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from bpdesk.gui.shell.cadence import ViewCadence
from bpdesk.gui.views.canvas.view import NetworkCanvas
from bpdesk.gui.workers.chunked import SLOW_PACE

__all__ = ["SPEEDS", "RunSpeed", "speed_text"]

# Steps a second a run may take; inf is as fast as the computer goes.
SPEEDS = (1.0, 2.0, 5.0, 10.0, 20.0, 100.0, 1000.0, math.inf)


def speed_text(speed: float) -> str:
    """How the speed choice reads (steps a second): "1/s", "1,000/s", "full"."""
    if not math.isfinite(speed):
        return "full"
    return f"{speed:,.0f}/s"


class RunSpeed(QObject):
    """A speed box in the toolbar; slow speeds show every step of a run in every view."""

    speed_changed = Signal(float)  # steps a second (inf: full speed)

    def __init__(
        self,
        toolbar: QToolBar,
        canvas: NetworkCanvas,
        cadences: tuple[ViewCadence, ...],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._canvas = canvas
        self._cadences = cadences
        self.box = QComboBox()
        self.box.setObjectName("run_speed")
        self.box.setAccessibleName("Run speed")
        self.box.setToolTip(
            "How fast Run goes: at a few steps a second every step is drawn with all its "
            "numbers; at full speed the views follow a few times a second"
        )
        for speed in SPEEDS:
            self.box.addItem(speed_text(speed), speed)
        self.box.setCurrentIndex(len(SPEEDS) - 1)
        self.box.currentIndexChanged.connect(self._on_chosen)
        label = QLabel(" Speed ")
        label.setBuddy(self.box)
        toolbar.addWidget(label)
        toolbar.addWidget(self.box)

    @property
    def speed(self) -> float:
        return float(self.box.currentData())

    def set_speed(self, speed: float) -> None:
        """Choose the speed nearest to ``speed`` steps a second (inf, 0 or NaN: full speed)."""
        wanted = speed if math.isfinite(speed) and speed > 0 else math.inf
        index = min(range(len(SPEEDS)), key=lambda k: abs(math.log(SPEEDS[k] / wanted))
                    if math.isfinite(SPEEDS[k]) and math.isfinite(wanted)
                    else 0.0 if SPEEDS[k] == wanted else math.inf)  # fmt: skip
        self.box.setCurrentIndex(index)

    @Slot(int)
    def _on_chosen(self, index: int) -> None:
        speed = SPEEDS[index]
        slow = speed <= SLOW_PACE
        for cadence in self._cadences:
            cadence.every_snapshot = slow
        self._canvas.set_animated(slow)
        self.speed_changed.emit(speed)
