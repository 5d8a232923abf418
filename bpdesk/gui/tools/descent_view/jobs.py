"""The 1-D descent picture worked out away from the GUI thread: one request at a time, the
newest wins, and a result whose request was replaced or cancelled is dropped."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from bpdesk.core.engine.network import Network
from bpdesk.core.errors import BpdeskError
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.descent import (
    Curve,
    Slice,
    draw_curve,
    find_minimum,
    linear_neuron,
    preset_eta,
)
from bpdesk.gui.workers.chunked import describe_failure

__all__ = ["DescentJobs", "DescentRequest", "DescentResult", "compute"]

NETWORK = "network"
LINEAR = "linear"


@dataclass(frozen=True)
class DescentRequest:
    """What to draw: the curve (``source`` NETWORK: the snapshot's network along ``name``;
    LINEAR: the linear neuron), the start (None: the parameter's current value), η (or a
    ``preset`` that chooses it) and how many steps."""

    source: str
    name: str
    start: float | None
    eta: float
    steps: int
    preset: str | None = None


@dataclass(frozen=True)
class DescentResult:
    """The picture asked for, and the request it answers."""

    request: DescentRequest
    curve: Curve
    current: float  # the parameter's value in the network (the linear neuron: its w)
    eta: float


def compute(request: DescentRequest, snapshot: Snapshot | None) -> DescentResult:
    """The curve, its minimum and the steps for ``request`` (on the snapshot's network)."""
    if request.source == LINEAR:
        curve = linear_neuron()
    else:
        if snapshot is None or snapshot.inputs is None or snapshot.targets is None:
            raise BpdeskError("There is no network with data to draw yet.")
        network = Network.from_values(snapshot.spec, snapshot.values)
        curve = Slice(network, snapshot.inputs, snapshot.targets, request.name)
    start = curve.current if request.start is None else float(request.start)
    eta = request.eta
    if request.preset is not None:
        eta = preset_eta(curve, start, find_minimum(curve, start), request.preset)
    return DescentResult(request, draw_curve(curve, start, eta, request.steps), curve.current, eta)


class DescentJobs(QObject):
    """Runs :func:`compute` on a one-thread pool; ``ready(result)`` or ``failed(message)``
    arrive in the GUI thread, only for the newest request not cancelled."""

    ready = Signal(object)
    failed = Signal(str)
    _done = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bpdesk-descent")
        self._job = 0
        self._pending = False
        self._closed = False
        self._done.connect(self._on_done)

    @property
    def pending(self) -> bool:
        """Whether a request is still being worked on."""
        return self._pending

    def submit(self, request: DescentRequest, snapshot: Snapshot | None) -> None:
        """Work ``request`` out; a request still going is replaced (its answer dropped)."""
        if self._closed:
            return
        self._job += 1
        job = self._job
        self._pending = True

        def done(future: Future[DescentResult]) -> None:
            if not self._closed:
                error = future.exception()
                self._done.emit(job, error if error is not None else future.result())

        self._pool.submit(compute, request, snapshot).add_done_callback(done)

    def cancel(self) -> None:
        """Drop the answer of the request under way (the view stays as it was)."""
        self._job += 1
        self._pending = False

    @Slot(int, object)
    def _on_done(self, job: int, result: object) -> None:
        if job != self._job or self._closed:
            return
        self._pending = False
        if isinstance(result, DescentResult):
            self.ready.emit(result)
        elif isinstance(result, BpdeskError):
            self.failed.emit(str(result))
        elif isinstance(result, BaseException):
            self.failed.emit(describe_failure(result, "drawing the descent"))

    def shutdown(self) -> None:
        """No answer is sent after this; the request under way is finished, the others dropped."""
        self._closed = True
        self._pending = False
        self._pool.shutdown(wait=True, cancel_futures=True)
