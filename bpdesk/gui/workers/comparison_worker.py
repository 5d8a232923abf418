"""Runs a comparison of training runs on its own thread, in short chunks, sending frozen results."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from bpdesk.core.teaching.comparison import Comparison
from bpdesk.gui.workers.chunked import Chunk, ChunkedRun, describe_failure

__all__ = ["PROGRESS_INTERVAL", "ComparisonWorker"]

PROGRESS_INTERVAL = 0.05  # at most twenty progress reports a second
DOING = "comparing training runs"


class ComparisonWorker(QObject):
    """Advances a ``Comparison`` chunk by chunk (``ChunkedRun``) on the thread it lives on.

    ``progress`` carries a ``ComparisonResult`` (read-only copies); ``finished`` follows
    the last one, whether the run was done, stopped or failed (``errored`` first then).
    """

    progress = Signal(object)
    finished = Signal()
    errored = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._comparison: Comparison | None = None
        self._left = 0
        self._run = ChunkedRun(
            self,
            chunk=self._advance,
            report=self._report,
            finish=self._end,
            on_error=self.errored.emit,
            doing=DOING,
            report_interval=PROGRESS_INTERVAL,
        )

    @property
    def running(self) -> bool:
        return self._run.running

    @Slot(object, int)
    def start(
        self, comparison: Comparison | Callable[[], Comparison], total_iterations: int
    ) -> None:
        """Run ``comparison`` for ``total_iterations`` more iterations (replacing any run).

        ``comparison`` may also be a function that builds it: it is called here, on the
        worker's thread (building copies the data, which takes a while for large sets).
        """
        if callable(comparison):  # a Comparison itself is not
            try:
                comparison = comparison()
            except Exception as error:
                self.errored.emit(describe_failure(error, "setting up the comparison"))
                self.finished.emit()
                return
        self._comparison = comparison
        self._left = max(0, int(total_iterations))
        self._run.start()

    @Slot()
    def stop(self) -> None:
        """Stop the run after the chunk in progress; safe to call from any thread."""
        self._run.pause_event.set()

    def _advance(self, size: int) -> Chunk:
        comparison = self._comparison
        if comparison is None or self._left <= 0:
            return Chunk(0, finished=True)
        count = min(size, self._left)
        comparison.advance(count)
        self._left -= count
        return Chunk(count, finished=self._left <= 0)

    def _report(self) -> None:
        if self._comparison is not None:
            self.progress.emit(self._comparison.result())

    def _end(self, _message: str | None) -> None:
        comparison = self._comparison
        self._comparison = None
        if comparison is not None:
            try:
                self.progress.emit(comparison.result())
            except Exception as error:
                self.errored.emit(describe_failure(error, DOING))
        self.finished.emit()
