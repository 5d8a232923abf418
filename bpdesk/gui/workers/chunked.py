"""The one chunked-run loop: long work cut into chunks of a few milliseconds on a worker thread."""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QObject, QTimer

from bpdesk.core.errors import BpdeskError
from bpdesk.core.plain_words import internal_reason, os_error_words

__all__ = [
    "CHUNK_SECONDS",
    "MAX_CHUNK",
    "SLOW_PACE",
    "Chunk",
    "ChunkSize",
    "ChunkedRun",
    "describe_failure",
]

CHUNK_SECONDS = 0.007  # aim for chunks of work this long, so commands get in between
MAX_CHUNK = 200_000  # never more units in one chunk, however fast they go
GROWTH = 4.0  # a chunk is at most this many times the one before
SLOW_PACE = 30.0  # a run paced at this many units a second or fewer reports every chunk
SCREEN_WAIT = 0.01  # seconds a slow run waits for the screen to be ready for the next unit

_log = logging.getLogger("bpdesk")


def describe_failure(error: BaseException, doing: str) -> str:
    """The message a person sees for an error raised while ``doing`` something: bpdesk's own
    refusal as it is, a refused file in words, anything else as a plain request to report it
    (the details go to the ``bpdesk`` log, never into the message)."""
    if isinstance(error, BpdeskError):
        return str(error)
    if isinstance(error, OSError):
        return f"Something went wrong while {doing}: {os_error_words(error)}."
    _log.error("Unexpected error while %s", doing, exc_info=error)
    return (
        f"Something went wrong while {doing}: a fault inside bpdesk "
        f"({internal_reason(error)}); please report it."
    )


class Chunk(NamedTuple):
    """What one chunk did: ``done`` units; ``finished`` ends the run, with ``message`` if any."""

    done: int
    finished: bool = False
    message: str | None = None


class ChunkSize:
    """How many units the next chunk does: about ``CHUNK_SECONDS`` of work at the speed seen."""

    def __init__(self) -> None:
        self.size = 1

    def reset(self) -> None:
        self.size = 1

    def adapt(self, done: int, seconds: float) -> None:
        """``done`` units took ``seconds``: aim the next chunk at ``CHUNK_SECONDS``."""
        if done <= 0:
            return  # nothing done says nothing about the speed
        grown = self.size * GROWTH
        wanted = grown if seconds <= 0.0 else done * CHUNK_SECONDS / seconds
        self.size = int(min(MAX_CHUNK, max(1.0, min(wanted, grown))))


class ChunkedRun:
    """Runs ``chunk(size)`` again and again on ``owner``'s thread, one chunk per event.

    Between two chunks the owner's event loop handles whatever was queued meanwhile (edits,
    a pause), and the run ends when the pause or stop flag is set (from any thread), when a
    chunk says it ``finished``, or when a chunk raises: ``on_error`` gets a plain message
    first, then the run ends. ``finish(message)`` is called once at the end of every run,
    except after ``stop`` (for good: the thread is going away). While the run goes on,
    ``report()`` is called after a chunk when ``report_interval`` seconds have passed since
    the last report and ``may_report(now)`` agrees.
    """

    def __init__(
        self,
        owner: QObject,
        *,
        chunk: Callable[[int], Chunk],
        report: Callable[[], None],
        finish: Callable[[str | None], None],
        on_error: Callable[[str], None],
        doing: str,
        report_interval: float,
        may_report: Callable[[float], bool] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._owner = owner
        self._chunk = chunk
        self._report = report
        self._finish = finish
        self._on_error = on_error
        self._doing = doing
        self._interval = report_interval
        self._may_report = may_report
        self.clock = clock
        self.pause_event = threading.Event()  # set from any thread: end the run
        self.stop_event = threading.Event()  # set from any thread: end it for good
        self.size = ChunkSize()
        self.chunks = 0  # chunks run so far, over all runs
        self._running = False
        self._generation = 0  # which run a scheduled chunk belongs to
        self._last_report = -math.inf
        # A paced run does at most ``pace`` units a second (inf: as fast as it can), counted
        # from ``_pace_origin`` (the clock and the units done then).
        self.pace = math.inf
        self._units = 0
        self._pace_origin = (0.0, 0)

    # ------------------------------------------------------------ state
    @property
    def running(self) -> bool:
        """Whether a run is going on: the one record of it."""
        return self._running

    @property
    def stopped(self) -> bool:
        return self.stop_event.is_set()

    def reported(self) -> None:
        """A report just went out (also one sent outside the loop): pace the next from now."""
        self._last_report = self.clock()

    @property
    def slow(self) -> bool:
        """Paced at most :data:`SLOW_PACE` units a second: every chunk is reported."""
        return self.pace <= SLOW_PACE

    def set_pace(self, units_per_second: float) -> None:
        """At most this many units a second from now on (inf or 0: full speed)."""
        pace = float(units_per_second)
        self.pace = pace if math.isfinite(pace) and pace > 0 else math.inf
        self._pace_origin = (self.clock(), self._units)

    def _budget(self, now: float) -> tuple[int, float]:
        """How many units the pace allows now, and if none, the seconds until the next."""
        if not math.isfinite(self.pace):
            return MAX_CHUNK, 0.0
        since, units = self._pace_origin
        allowed = math.floor((now - since) * self.pace) + 1 - (self._units - units)
        if allowed >= 1:
            return int(allowed), 0.0
        due = since + (self._units - units) / self.pace
        return 0, max(0.0, due - now)

    # ------------------------------------------------------------ commands
    def start(self) -> bool:
        """Start a run (one going on is replaced, without ``finish``); False once stopped."""
        if self.stopped:
            return False
        self.pause_event.clear()
        self._running = True
        self._generation += 1
        self._last_report = -math.inf
        self.size.reset()
        self._units = 0
        self._pace_origin = (self.clock(), 0)
        self._schedule()
        return True

    def pause(self) -> None:
        """End the run now (on the owner's thread); the flag stays until the next start."""
        self.pause_event.set()
        if self._running:
            self.end(None)

    def stop(self) -> None:
        """End for good, after the chunk in progress; safe to call from any thread."""
        self.stop_event.set()
        self.pause_event.set()

    def end(self, message: str | None) -> None:
        """End the run now (on the owner's thread): ``finish(message)`` unless stopped."""
        self._running = False
        self.pause_event.clear()
        if not self.stopped:
            self._finish(message)

    # ------------------------------------------------------------ the loop
    def _schedule(self, delay: float = 0.0) -> None:
        milliseconds = max(0, math.ceil(delay * 1000))
        QTimer.singleShot(
            milliseconds, self._owner, functools.partial(self._next, self._generation)
        )

    def _next(self, generation: int) -> None:
        if generation != self._generation or not self._running:
            return  # a chunk of a run that ended or was replaced
        if self.pause_event.is_set() or self.stopped:
            self.end(None)
            return
        started = self.clock()
        budget, wait = self._budget(started)
        if budget == 0:
            self._schedule(wait)  # a paced run waits for its next unit's time
            return
        if self.slow:
            # One unit at a time, each one shown: while the screen is still busy with the
            # last, wait (a run that falls behind its pace does not rush to catch up).
            if self._may_report is not None and not self._may_report(started):
                self._schedule(SCREEN_WAIT)
                return
            if budget > self.pace:
                self._pace_origin = (started, self._units)
            budget = 1
        size = min(self.size.size, budget)
        started = self.clock()
        try:
            outcome = self._chunk(size)
        except Exception as error:
            self._on_error(describe_failure(error, self._doing))
            self.end(None)
            return
        now = self.clock()
        self.chunks += 1
        self._units += outcome.done
        self.size.adapt(outcome.done, now - started)
        if outcome.finished:
            self.end(outcome.message)
            return
        if self.slow or (
            now - self._last_report >= self._interval
            and (self._may_report is None or self._may_report(now))
        ):
            self._report()
            self._last_report = now
        self._schedule()
