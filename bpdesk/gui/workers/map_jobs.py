"""The teaching tools' maps off the GUI thread: the error landscape in chunks, the decision map."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from PySide6.QtCore import QObject, QThread, Signal, Slot

from bpdesk.core.engine.network import Network
from bpdesk.core.errors import BpdeskError
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.descent import PathPlan, planned_grid
from bpdesk.core.teaching.landscape import Array, GridRun, Landscape, data_map, error_grid
from bpdesk.gui.workers.chunked import Chunk, ChunkedRun, describe_failure

__all__ = [
    "MAP_SIZE",
    "PROGRESS_INTERVAL",
    "LandscapeWorker",
    "MapJobs",
    "compute_landscape",
    "compute_map",
    "landscape_run",
]

MAP_SIZE = 60
PROGRESS_INTERVAL = 0.1  # at most ten progress reports a second
DOING = "computing the error landscape"


def landscape_run(
    snapshot: Snapshot,
    first: str,
    second: str,
    span: float,
    size: int,
    plan: PathPlan | None = None,
) -> GridRun:
    """The error over a grid of two parameters around the snapshot's weights, to be computed;
    with a ``plan``, the two descent paths are taken first (and the range may follow them)."""
    network = Network.from_values(snapshot.spec, snapshot.values)
    assert snapshot.inputs is not None and snapshot.targets is not None
    x, t = snapshot.inputs, snapshot.targets
    if plan is not None:
        return planned_grid(network, x, t, first, second, span=span, size=size, plan=plan)
    return GridRun(network, x, t, first, second, span=span, size=size)


def compute_landscape(
    snapshot: Snapshot, first: str, second: str, span: float, size: int
) -> Landscape:
    """The error over a grid of two parameters around the snapshot's weights, in one go."""
    network = Network.from_values(snapshot.spec, snapshot.values)
    assert snapshot.inputs is not None and snapshot.targets is not None
    return error_grid(
        network, snapshot.inputs, snapshot.targets, first, second, span=span, size=size
    )


def compute_map(snapshot: Snapshot) -> tuple[Array, Array, list[Array]]:
    """Every layer's outputs over a grid of the two inputs, around the data."""
    inputs = snapshot.inputs
    assert inputs is not None
    return data_map(Network.from_values(snapshot.spec, snapshot.values), inputs, MAP_SIZE)


class LandscapeWorker(QObject):
    """Computes a ``GridRun`` chunk by chunk (``ChunkedRun``) on the thread it lives on.

    Every signal carries the job's number. ``progress(job, done, total)`` comes at most ten
    times a second; the job ends with ``ready(job, landscape)`` or, when cancelled (or
    replaced by another job), ``cancelled(job)``; a failure sends ``errored(job, message)``
    first.
    """

    progress = Signal(int, int, int)
    ready = Signal(int, object)
    cancelled = Signal(int)
    errored = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._grid: GridRun | None = None
        self._job = 0
        self._run = ChunkedRun(
            self,
            chunk=self._advance,
            report=self._report,
            finish=self._end,
            on_error=lambda message: self.errored.emit(self._job, message),
            doing=DOING,
            report_interval=PROGRESS_INTERVAL,
        )

    @property
    def running(self) -> bool:
        return self._run.running

    @Slot(int, object)
    def start(self, job: int, make: Callable[[], GridRun]) -> None:
        """Build the grid with ``make()`` here, on the worker's thread, and compute it."""
        if self._run.stopped:
            return
        if self._grid is not None:  # a job still going: it is replaced
            self.cancelled.emit(self._job)
        self._job, self._grid = job, None
        try:
            self._grid = make()
        except Exception as error:
            self.errored.emit(job, describe_failure(error, DOING))
            self.cancelled.emit(job)
            return
        self._run.start()

    @Slot()
    def cancel(self) -> None:
        """End the job after the chunk in progress; safe to call from any thread."""
        self._run.pause_event.set()

    def stop(self) -> None:
        """End for good (the thread is going away); safe to call from any thread."""
        self._run.stop()

    def _advance(self, size: int) -> Chunk:
        grid = self._grid
        if grid is None:
            return Chunk(0, finished=True)
        done = grid.advance(size)
        return Chunk(done, finished=grid.finished)

    def _report(self) -> None:
        if self._grid is not None:
            self.progress.emit(self._job, self._grid.done, self._grid.total)

    def _end(self, _message: str | None) -> None:
        grid, self._grid = self._grid, None
        if grid is not None and grid.finished:
            self.ready.emit(self._job, grid.result())
        else:
            self.cancelled.emit(self._job)


class MapJobs(QObject):
    """The maths of the teaching tools away from the GUI thread; each result arrives as a
    signal in the thread this object lives in (the GUI thread).

    The error landscape runs on a thread of its own through the chunked-run loop: it reports
    ``landscape_progress(done, total)``, can be cancelled, and a new request replaces the
    one under way. The decision map (a fixed, small grid) goes to a one-thread pool.
    """

    landscape_ready = Signal(object)  # a core Landscape
    landscape_progress = Signal(int, int)  # grid points done, of how many
    landscape_cancelled = Signal()
    map_ready = Signal(object)  # the snapshot asked about, with its decision_map
    failed = Signal(str, str)  # what ("error landscape", "decision map"), why
    _computed = Signal(str, object)  # (kind, result or exception), from the pool's thread
    _start_landscape = Signal(int, object)
    _cancel_landscape = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bpdesk-analysis")
        self._closed = False
        self._computed.connect(self._on_computed)
        self._thread: QThread | None = None
        self._worker: LandscapeWorker | None = None
        self._job = 0  # the landscape asked for last
        self._pending = False

    # ------------------------------------------------------------ the landscape
    def landscape(
        self,
        snapshot: Snapshot,
        first: str,
        second: str,
        span: float,
        size: int,
        plan: PathPlan | None = None,
    ) -> None:
        """Compute the error landscape of ``first`` × ``second`` (with the descent paths of
        ``plan``, if given); landscape_ready follows."""
        if self._closed:
            return
        worker = self._ensure_worker()
        worker.cancel()  # a job under way ends after its chunk
        self._job += 1
        self._pending = True
        self._start_landscape.emit(
            self._job, lambda: landscape_run(snapshot, first, second, span, size, plan)
        )

    @property
    def landscape_pending(self) -> bool:
        """Whether a landscape asked for is still being computed."""
        return self._pending

    @property
    def landscape_thread(self) -> QThread | None:
        """The thread landscapes are computed on (None before the first)."""
        return self._thread

    @Slot()
    def cancel_landscape(self) -> None:
        """Stop computing the landscape asked for; landscape_cancelled follows."""
        if self._worker is not None and self._pending:
            self._worker.cancel()  # now, should its chunks be going
            self._cancel_landscape.emit()  # and after its start, should it not be yet

    def _ensure_worker(self) -> LandscapeWorker:
        if self._worker is not None:
            return self._worker
        thread = QThread()
        thread.setObjectName("bpdesk landscape")
        worker = LandscapeWorker()
        worker.moveToThread(thread)
        self._start_landscape.connect(worker.start)
        self._cancel_landscape.connect(worker.cancel)
        worker.progress.connect(self._on_progress)
        worker.ready.connect(self._on_ready)
        worker.cancelled.connect(self._on_cancelled)
        worker.errored.connect(self._on_errored)
        thread.finished.connect(worker.deleteLater)
        thread.start()
        self._thread, self._worker = thread, worker
        return worker

    @Slot(int, int, int)
    def _on_progress(self, job: int, done: int, total: int) -> None:
        if job == self._job and self._pending:
            self.landscape_progress.emit(done, total)

    @Slot(int, object)
    def _on_ready(self, job: int, landscape: object) -> None:
        if job == self._job and self._pending:
            self._pending = False
            self.landscape_ready.emit(landscape)

    @Slot(int)
    def _on_cancelled(self, job: int) -> None:
        if job == self._job and self._pending:
            self._pending = False
            self.landscape_cancelled.emit()

    @Slot(int, str)
    def _on_errored(self, job: int, message: str) -> None:
        if job == self._job and self._pending:
            self.failed.emit("error landscape", message)

    # ------------------------------------------------------------ the decision map
    def decision_map(self, snapshot: Snapshot) -> None:
        """Compute the decision map around the snapshot's data; map_ready follows."""
        self._submit("map", lambda: replace(snapshot, decision_map=compute_map(snapshot)))

    def _submit(self, kind: str, work: Callable[[], object]) -> None:
        def done(future: Future[object]) -> None:
            if self._closed:
                return
            error = future.exception()
            self._computed.emit(kind, error if error is not None else future.result())

        self.pool.submit(work).add_done_callback(done)

    @Slot(str, object)
    def _on_computed(self, kind: str, result: object) -> None:
        if isinstance(result, BaseException):
            what = "error landscape" if kind == "landscape" else "decision map"
            detail = (
                str(result)
                if isinstance(result, BpdeskError)
                else describe_failure(result, f"computing the {what}")
            )
            self.failed.emit(what, detail)
        elif kind == "landscape":
            self.landscape_ready.emit(result)
        else:
            self.map_ready.emit(result)

    def shutdown(self) -> None:
        """Stop the landscape, finish the map under way, drop the others; no result is sent
        after this."""
        self._closed = True
        self._pending = False
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is not None and worker is not None:
            worker.stop()
            thread.quit()
            thread.wait()
        self.pool.shutdown(wait=True, cancel_futures=True)
