"""Reads a CSV file on its own thread in short chunks (``ChunkedRun``), sending progress back.

``CsvWorker`` lives on the worker thread and takes a core job (``CsvScan`` or ``CsvRead``)
step by step; ``CsvJobs`` is the window's side: it starts the thread for a job, ends it
after, and passes on only what the job it started last has to say.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from bpdesk.core.files.csv_text import Steps
from bpdesk.gui.workers.chunked import Chunk, ChunkedRun

__all__ = ["PROGRESS_INTERVAL", "CsvJobs", "CsvWorker"]

PROGRESS_INTERVAL = 0.05  # at most twenty progress reports a second
DOING = "reading the CSV file"

JobMaker = Callable[[], Steps]


class CsvWorker(QObject):
    """Makes and runs one job at a time, chunk by chunk, on the thread it lives on.

    Every signal carries the job's number. ``progress`` gives the share done; the run ends
    with exactly one of ``done`` (the job's result), ``failed`` (why, in plain words) or
    ``cancelled``.
    """

    progress = Signal(int, float)
    done = Signal(int, object)
    failed = Signal(int, str)
    cancelled = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make: JobMaker | None = None
        self._job: Steps | None = None
        self._number = 0
        self._failed = False
        self._run = ChunkedRun(
            self,
            chunk=self._chunk,
            report=self._report,
            finish=self._end,
            on_error=self._error,
            doing=DOING,
            report_interval=PROGRESS_INTERVAL,
        )

    @property
    def running(self) -> bool:
        return self._run.running

    @Slot(int, object)
    def start(self, number: int, make: JobMaker) -> None:
        """Run the job ``make()`` makes (making it opens the file, so it is done here too)."""
        self._close()
        self._make, self._number, self._failed = make, number, False
        self._run.start()

    def cancel(self) -> None:
        """End the run after the chunk in progress; safe to call from any thread."""
        self._run.pause_event.set()

    def stop(self) -> None:
        """End for good (the thread is going away); safe to call from any thread."""
        self._run.stop()

    def _close(self) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.close()

    def _chunk(self, size: int) -> Chunk:
        # Parsing makes objects by the million; a full collection of the garbage collector
        # then walks every object of the app while holding every thread, the window's too
        # (100 ms and more). During a chunk the objects already there count as permanent
        # (gc.freeze), so collections walk only the chunk's own; afterwards all is as before.
        gc.freeze()
        try:
            if self._job is None:
                assert self._make is not None
                self._job = self._make()
                return Chunk(1, finished=self._job.done)
            done = self._job.step(size)
            return Chunk(done, finished=self._job.done)
        finally:
            gc.unfreeze()

    def _report(self) -> None:
        if self._job is not None:
            self.progress.emit(self._number, self._job.fraction)

    def _error(self, message: str) -> None:
        self._failed = True
        self.failed.emit(self._number, message)

    def _end(self, _message: str | None) -> None:
        job = self._job
        if self._failed:
            self._close()
        elif job is not None and job.done:
            self._job = None
            self.progress.emit(self._number, 1.0)
            self.done.emit(self._number, job.result())
        else:
            self._close()
            self.cancelled.emit(self._number)


class CsvJobs(QObject):
    """Runs CSV jobs on a thread of their own, one at a time, for the window's thread.

    The thread runs only while a job does. ``cancel`` answers at once (``cancelled``), and
    whatever the cancelled job still sends is dropped; so is anything of a job replaced by
    a newer one. ``shutdown`` ends the job and the thread (before the owner goes away).
    """

    progress = Signal(float)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    ended = Signal()  # after each of done, failed and cancelled
    _start = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._number = 0
        self._busy = False
        self._thread = QThread(self)
        self._thread.setObjectName("bpdesk CSV import")
        self._worker = CsvWorker()
        self._worker.moveToThread(self._thread)
        self._start.connect(self._worker.start)
        self._worker.progress.connect(self._on_progress)
        self._worker.done.connect(self._on_done)
        self._worker.failed.connect(self._on_failed)
        self._worker.cancelled.connect(self._on_cancelled)

    @property
    def busy(self) -> bool:
        """Whether a job is under way (as far as the window is concerned)."""
        return self._busy

    @property
    def worker_thread(self) -> QThread:
        """The thread the jobs run on (running only during a job)."""
        return self._thread

    def start(self, make: JobMaker) -> None:
        """Run ``make()``'s job (a job under way is replaced)."""
        self._number += 1
        self._busy = True
        if not self._thread.isRunning():
            self._thread.start()
        self._start.emit(self._number, make)

    def cancel(self) -> None:
        """Stop the job under way; ``cancelled`` follows at once."""
        if not self._busy:
            return
        self._worker.cancel()
        self._number += 1  # whatever the job still sends is out of date
        self._busy = False
        self.cancelled.emit()
        self.ended.emit()

    def shutdown(self) -> None:
        """End any job (without ``cancelled``) and the thread, waiting for the chunk in
        progress; a later ``start`` runs the thread again."""
        self._busy = False
        self._number += 1
        self._worker.cancel()
        self._thread.quit()
        self._thread.wait()

    def _current(self, number: int) -> bool:
        return self._busy and number == self._number

    def _rest(self) -> None:
        """The job's run is over: the thread may end until the next job."""
        if not self._busy:
            self._thread.quit()
            self._thread.wait()

    @Slot(int, float)
    def _on_progress(self, number: int, fraction: float) -> None:
        if self._current(number):
            self.progress.emit(fraction)

    @Slot(int, object)
    def _on_done(self, number: int, result: object) -> None:
        if self._current(number):
            self._busy = False
            self.done.emit(result)
            self.ended.emit()
        self._rest()

    @Slot(int, str)
    def _on_failed(self, number: int, message: str) -> None:
        if self._current(number):
            self._busy = False
            self.failed.emit(message)
            self.ended.emit()
        self._rest()

    @Slot(int)
    def _on_cancelled(self, _number: int) -> None:
        self._rest()
