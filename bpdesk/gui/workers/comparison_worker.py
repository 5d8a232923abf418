"""Runs a comparison of training runs on its own thread, in short chunks, sending frozen results."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from bpdesk.core.teaching.comparison import Comparison
from bpdesk.gui.workers.trainer_worker import describe_failure

__all__ = ["PROGRESS_INTERVAL", "ComparisonWorker"]

CHUNK_SECONDS = 0.01  # aim for chunks this long, so a stop request gets in between
MAX_CHUNK = 100_000
PROGRESS_INTERVAL = 0.05  # at most twenty progress reports a second


class ComparisonWorker(QObject):
    """Advances a ``Comparison`` chunk by chunk on the thread it lives on.

    ``progress`` carries a ``ComparisonResult`` (read-only copies); ``finished`` follows
    the last one, whether the run was done, stopped or failed (``errored`` first then).
    """

    progress = Signal(object)
    finished = Signal()
    errored = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = threading.Event()
        self._comparison: Comparison | None = None
        self._left = 0
        self._chunk = 1
        self._last_progress = 0.0

    @property
    def running(self) -> bool:
        return self._comparison is not None

    @Slot(object, int)
    def start(self, comparison: Comparison, total_iterations: int) -> None:
        """Run ``comparison`` for ``total_iterations`` more iterations (replacing any run)."""
        self._stop.clear()
        self._comparison = comparison
        self._left = max(0, int(total_iterations))
        self._chunk = 1
        self._last_progress = 0.0
        QTimer.singleShot(0, self, self._run_chunk)

    @Slot()
    def stop(self) -> None:
        """Stop the run after the chunk in progress; safe to call from any thread."""
        self._stop.set()

    @Slot()
    def _run_chunk(self) -> None:
        comparison = self._comparison
        if comparison is None:
            return
        if self._stop.is_set() or self._left <= 0:
            self._end()
            return
        count = min(self._chunk, self._left)
        began = time.perf_counter()
        try:
            comparison.advance(count)
        except Exception as error:
            self.errored.emit(describe_failure(error, "comparing training runs"))
            self._end()
            return
        took = time.perf_counter() - began
        self._left -= count
        self._chunk = _next_chunk(self._chunk, count, took)
        now = time.perf_counter()
        if now - self._last_progress >= PROGRESS_INTERVAL and self._left > 0:
            self._last_progress = now
            self.progress.emit(comparison.result())
        QTimer.singleShot(0, self, self._run_chunk)

    def _end(self) -> None:
        comparison = self._comparison
        self._comparison = None
        if comparison is not None:
            try:
                self.progress.emit(comparison.result())
            except Exception as error:
                self.errored.emit(describe_failure(error, "comparing training runs"))
        self.finished.emit()


def _next_chunk(chunk: int, done: int, took: float) -> int:
    """The next chunk size: about ``CHUNK_SECONDS`` of work, growing at most fourfold."""
    if done < chunk:  # the last, shorter chunk says little about the speed
        return chunk
    if took <= 0:
        return min(MAX_CHUNK, chunk * 4)
    wanted = int(chunk * CHUNK_SECONDS / took)
    return max(1, min(MAX_CHUNK, chunk * 4, wanted))
