"""The teaching tools' maps (error landscape, decision map) computed in a thread pool."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from PySide6.QtCore import QObject, Signal, Slot

from bpdesk.core.engine.network import Network
from bpdesk.core.errors import BpdeskError
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.landscape import Array, Landscape, data_map, error_grid

__all__ = ["MAP_SIZE", "MapJobs", "compute_landscape", "compute_map"]

MAP_SIZE = 60


def compute_landscape(
    snapshot: Snapshot, first: str, second: str, span: float, size: int
) -> Landscape:
    """The error over a grid of two parameters around the snapshot's weights."""
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


class MapJobs(QObject):
    """One worker thread for the maths (NumPy needs no Qt object of its own); each result
    arrives as a signal in the thread this object lives in (the GUI thread)."""

    landscape_ready = Signal(object)  # a core Landscape
    map_ready = Signal(object)  # the snapshot asked about, with its decision_map
    failed = Signal(str, str)  # what ("error landscape", "decision map"), why
    _computed = Signal(str, object)  # (kind, result or exception), from the pool's thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bpdesk-analysis")
        self._closed = False
        self._computed.connect(self._on_computed)

    def landscape(
        self, snapshot: Snapshot, first: str, second: str, span: float, size: int
    ) -> None:
        """Compute the error landscape of ``first`` × ``second``; landscape_ready follows."""
        self._submit("landscape", lambda: compute_landscape(snapshot, first, second, span, size))

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
            detail = str(result) if isinstance(result, BpdeskError) else repr(result)
            self.failed.emit(what, detail)
        elif kind == "landscape":
            self.landscape_ready.emit(result)
        else:
            self.map_ready.emit(result)

    def shutdown(self) -> None:
        """Finish the job under way, drop the others; no result is sent after this."""
        self._closed = True
        self.pool.shutdown(wait=True, cancel_futures=True)
