"""How often each view is handed a snapshot while a run goes on.

Outside a run every view gets every snapshot at once: a press shows its result immediately.
During a run the worker sends one snapshot per frame of the error plot, which takes each one;
the other views take one every fraction of a second (the intervals below) — numbers that
change faster than that cannot be read anyway, each of their redraws takes longer than a
frame, and the window's drawing time is taken from the training (the two threads share one
interpreter lock). A view that waited gets the newest snapshot; one that reads the error
history (``history=True``) gets it :func:`~bpdesk.core.stepping.snapshot.coalesce`-d with the
ones it skipped, so it loses no point — the others hold only the newest, so a view waiting for
the end of a long run keeps no second copy of its history. The snapshot that ends a run
reaches everyone.
The slow views take their turns at different moments (``phase``): one frame never carries
several of their redraws at once, and none falls on the first frame of a run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from bpdesk.core.stepping.snapshot import Snapshot, coalesce
from bpdesk.gui.views import error_plot

__all__ = [
    "DERIVATION_INTERVAL",
    "DRAWING_INTERVAL",
    "READOUT_INTERVAL",
    "STATUS_INTERVAL",
    "TOOLS_INTERVAL",
    "Delivery",
    "ViewCadence",
    "window_cadences",
]

# Seconds between two snapshots during a run, by view. The window's drawing time is taken from
# the training, and each of these redraws takes longer than a frame of the plot.
DRAWING_INTERVAL = 1.0  # the network drawing's labels (its links every two seconds)
READOUT_INTERVAL = 1.0  # the parameter table
# The status bar: as often as the error plot rewrites its read-out of the newest value.
STATUS_INTERVAL = error_plot.READOUT_INTERVAL
TOOLS_INTERVAL = 0.5  # the teaching tools (the window's ``snapshot_shown``): the boundary moves
DERIVATION_INTERVAL = math.inf  # the derivation: at the end of the run (its formula waits for
# a step, and the numbers it shows meanwhile are only the weights, in the table already)

Show = Callable[[Snapshot], None]


@dataclass(frozen=True)
class Delivery:
    """One view's turn: ``show(snapshot)``; ``name`` says which view, for messages."""

    name: str
    show: Show
    snapshot: Snapshot


@dataclass
class _Receiver:
    name: str
    show: Show
    interval: float
    phase: float
    history: bool  # it reads the error history: skipped snapshots are coalesced
    shown_at: float = -math.inf
    waiting: Snapshot | None = None  # what it has not been given yet


class ViewCadence:
    """Decides, snapshot by snapshot, which views draw it now (see the module's note)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._receivers: list[_Receiver] = []
        self._running = False
        # A slow run (a few steps a second) is watched step by step: every view draws
        # every snapshot, as between runs.
        self.every_snapshot = False

    def add(
        self,
        name: str,
        show: Show,
        *,
        interval: float = 0.0,
        phase: float = 0.0,
        history: bool = False,
    ) -> None:
        """A view: ``show`` gets snapshots at most every ``interval`` seconds during a run,
        the first one ``phase`` seconds after the run's first snapshot; ``history``: it
        reads the error history (the points of the snapshots it skipped come with the next)."""
        self._receivers.append(
            _Receiver(name, show, max(0.0, float(interval)), max(0.0, float(phase)), history)
        )

    def deliveries(self, snapshot: Snapshot) -> list[Delivery]:
        """The views whose turn it is, each with the snapshot it should draw, in the order
        they were added; the others keep it for their next turn."""
        now = self._clock()
        starting = snapshot.running and not self._running
        self._running = snapshot.running
        due: list[Delivery] = []
        for receiver in self._receivers:
            if starting and receiver.interval > 0:
                # due ``phase`` seconds into the run (one that waits for its end: not before)
                wait = receiver.interval - receiver.phase
                receiver.shown_at = now - wait if math.isfinite(wait) else now
            waiting = receiver.waiting
            if waiting is not None and receiver.history:
                pending = coalesce(waiting, snapshot)
            else:
                pending = snapshot
            slow = self.every_snapshot
            if snapshot.running and not slow and now - receiver.shown_at < receiver.interval:
                receiver.waiting = pending
                continue
            receiver.waiting = None
            receiver.shown_at = now
            due.append(Delivery(receiver.name, receiver.show, pending))
        return due

    def waiting(self) -> list[str]:
        """The views holding a snapshot they have not drawn yet."""
        return [r.name for r in self._receivers if r.waiting is not None]


def window_cadences(
    *,
    plot: Show,
    lm_plots: Show,
    canvas: Show,
    parameters: Show,
    derivation: Show,
    status: Show,
    tools: Show,
) -> tuple[ViewCadence, ViewCadence]:
    """The main window's cadences: its own views (the plots every frame, the drawing, the
    table, the derivation and the status bar at their intervals), and the teaching tools'
    (the window's ``snapshot_shown``) a few times a second."""
    views = ViewCadence()
    views.add("error plot", plot, history=True)
    views.add("Levenberg–Marquardt plots", lm_plots, history=True)
    views.add("network drawing", canvas, interval=DRAWING_INTERVAL, phase=0.35)
    views.add("parameter panel", parameters, interval=READOUT_INTERVAL, phase=0.75)
    views.add("derivation", derivation, interval=DERIVATION_INTERVAL)
    views.add("status bar", status, interval=STATUS_INTERVAL)  # "training…" at once
    teaching = ViewCadence()
    # The decision boundary's view draws the epoch errors: it reads the history.
    teaching.add("teaching tools", tools, interval=TOOLS_INTERVAL, phase=0.1, history=True)
    return views, teaching
