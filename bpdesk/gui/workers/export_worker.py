"""The worked-example handout built and saved on a thread of its own, with a way to cancel.

Building a handout steps a copy of the session once completely, lays out the worked
example and renders it (pure functions of the trace, in ``bpdesk.core.teaching``); for
large presets that takes most of a second, so it never runs on the window's thread.
``HandoutJobs`` is the window's side: it starts one job at a time, passes on which stage
the job has reached, and posts the outcome back by signal (on the window's thread).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from bpdesk.core.engine.network import Network
from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.export import render
from bpdesk.core.teaching.worked_example import worked_example
from bpdesk.gui.views.checked_write import write_checked
from bpdesk.gui.workers.chunked import describe_failure

__all__ = [
    "STAGES",
    "WHAT",
    "HandoutCancelled",
    "HandoutJobs",
    "HandoutOrder",
    "HandoutOutcome",
    "complete_step",
    "save_handout",
]

WHAT = "The worked example"
# What the progress dialog says at each stage of a job (its index is the stage's number).
STAGES = (
    "Stepping a copy of the network through one whole step…",
    "Laying out the worked example…",
    "Writing out the handout…",
    "Saving the file…",
)


class HandoutCancelled(Exception):
    """The job was cancelled between two stages (nothing is saved)."""


@dataclass(frozen=True)
class HandoutOrder:
    """One handout to save: the snapshot shown, the format, exercise or not, and where."""

    snapshot: Snapshot
    fmt: str
    exercise: bool
    path: str


@dataclass(frozen=True)
class HandoutOutcome:
    """How a job ended: saved (``problem`` None), refused (``problem`` says why in plain
    words) or ``cancelled`` (nothing saved); ``thread`` names the thread that did the work."""

    path: str
    problem: str | None
    cancelled: bool
    thread: int


def complete_step(snapshot: Snapshot) -> Stepper:
    """A copy of the session as it stood at the start of the step shown, stepped through
    once completely (the window's own session is not touched)."""
    trace = snapshot.trace
    values = snapshot.values
    if trace.done:
        values = {name: snapshot.values[name] for name in snapshot.spec.parameter_names}
        for i, layer in enumerate(trace.layers):
            for ref in (r for r in map(snapshot.spec.ref, values) if r.layer == i):
                array = layer.w_before if ref.kind == "w" else layer.b_before
                values[ref.name] = float(array[ref.row, ref.col])
    network = Network.from_values(snapshot.spec, values)
    trainer = Trainer(network, trace.inputs, trace.targets, snapshot.config)
    return Stepper(trainer)


def save_handout(
    order: HandoutOrder, cancel: threading.Event, stage: Callable[[int], None]
) -> str | None:
    """Build ``order``'s handout and save it through ``write_checked`` (whole, or not at
    all): None when saved, else the plain sentence why not. ``stage(n)`` is told each stage
    reached; a set ``cancel`` raises ``HandoutCancelled`` at the next stage (nothing saved).
    """

    def reached(number: int) -> None:
        if cancel.is_set():
            raise HandoutCancelled
        stage(number)

    def write(file: str) -> None:
        reached(0)
        trace = complete_step(order.snapshot).full_step()
        reached(1)
        title = "Backpropagation: one worked step" + (" (exercise)" if order.exercise else "")
        document = worked_example(trace, title)
        reached(2)
        text = render(document, order.fmt, exercise=order.exercise)
        reached(3)
        Path(file).write_text(text, encoding="utf-8")
        if cancel.is_set():
            raise HandoutCancelled

    # Laying out a large net's handout makes objects by the hundred thousand; a full
    # collection of the garbage collector then walks every object of the app while holding
    # every thread, the window's too (100 ms and more). While the handout is built, the
    # objects already there count as permanent (gc.freeze), so collections walk only the
    # handout's own; afterwards all is as before.
    gc.freeze()
    try:
        return write_checked(order.path, write, WHAT)
    finally:
        gc.unfreeze()


class HandoutJobs(QObject):
    """Saves handouts on a worker thread, one at a time, for the window's thread.

    ``stage(n)`` tells the stage the job under way has reached; every job ends with exactly
    one ``ended(outcome)``, on the window's thread (none after ``shutdown``). ``cancel``
    asks the job to stop at its next stage; whether anything was saved is what ``ended``
    says.
    """

    stage = Signal(int)
    ended = Signal(object)
    _posted = Signal(int, str, object)  # (job, kind, value) from the worker thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bpdesk handout")
        self._job = 0
        self._busy = False
        self._closed = False
        self._cancel = threading.Event()
        self._posted.connect(self._on_posted)

    @property
    def busy(self) -> bool:
        """Whether a job is under way."""
        return self._busy

    def start(self, order: HandoutOrder) -> bool:
        """Start saving ``order``'s handout; False (nothing started) while a job is under
        way or after ``shutdown``."""
        if self._busy or self._closed:
            return False
        self._job += 1
        job, cancel = self._job, threading.Event()
        self._cancel, self._busy = cancel, True

        def work() -> HandoutOutcome:
            thread = threading.get_ident()
            try:
                problem = save_handout(order, cancel, lambda n: self._post(job, "stage", n))
            except HandoutCancelled:
                return HandoutOutcome(order.path, None, True, thread)
            except Exception as error:
                problem = describe_failure(error, "preparing the worked example")
                return HandoutOutcome(order.path, problem, False, thread)
            return HandoutOutcome(order.path, problem, False, thread)

        def done(future: Future[HandoutOutcome]) -> None:
            if not future.cancelled():
                self._post(job, "ended", future.result())

        self._pool.submit(work).add_done_callback(done)
        return True

    @Slot()
    def cancel(self) -> None:
        """Ask the job under way to stop at its next stage (``ended`` follows)."""
        self._cancel.set()

    def shutdown(self) -> None:
        """Cancel the job under way and wait for it; nothing is sent after this."""
        self._closed = True
        self._cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._busy = False

    def _post(self, job: int, kind: str, value: object) -> None:
        if not self._closed:
            self._posted.emit(job, kind, value)

    @Slot(int, str, object)
    def _on_posted(self, job: int, kind: str, value: object) -> None:
        if self._closed or job != self._job:
            return
        if kind == "stage" and isinstance(value, int):
            self.stage.emit(value)
        elif kind == "ended":
            self._busy = False
            self.ended.emit(value)
