"""The one chunked-run loop: chunk sizes that adapt, pause and stop between chunks, plain errors."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QObject, QTimer

from bpdesk.core.errors import ConfigError
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.comparison import Comparison
from bpdesk.gui.workers.chunked import CHUNK_SECONDS, MAX_CHUNK, Chunk, ChunkedRun, ChunkSize
from bpdesk.gui.workers.comparison_worker import ComparisonWorker
from bpdesk.gui.workers.stepper_worker import StepperWorker

UNIT = 2.0**-10  # fake seconds one unit of work takes (exact in binary: about 1 ms)
# At UNIT a unit, chunks grow fourfold from 1 until they take CHUNK_SECONDS.
STEADY = int(CHUNK_SECONDS / UNIT)
EXPECTED_SIZES = [1, 4, STEADY, STEADY, STEADY]


class FakeClock:
    """A clock that only moves when the work says so: no test depends on the machine's speed."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def work(self, units: int) -> None:
        self.now += units * UNIT


class Loop:
    """A ``ChunkedRun`` on the test's thread, with everything it calls recorded."""

    def __init__(self, chunk, *, interval: float = 1.0, may_report=None) -> None:
        self.owner = QObject()
        self.clock = FakeClock()
        self.sizes: list[int] = []
        self.reports: list[float] = []
        self.finished: list[str | None] = []
        self.errors: list[str] = []
        self._chunk = chunk
        self.run = ChunkedRun(
            self.owner,
            chunk=self._record,
            report=lambda: self.reports.append(self.clock()),
            finish=self.finished.append,
            on_error=self.errors.append,
            doing="testing the loop",
            report_interval=interval,
            may_report=may_report,
            clock=self.clock,
        )

    def _record(self, size: int) -> Chunk:
        self.sizes.append(size)
        return self._chunk(self, size)

    def wait_until_ended(self, qtbot) -> None:
        qtbot.waitUntil(lambda: not self.run.running, timeout=10_000)


def _work(loop: Loop, size: int, *, last: int = 1_000_000) -> Chunk:
    loop.clock.work(size)
    return Chunk(size, finished=len(loop.sizes) >= last)


# ---------------------------------------------------------------- the chunk size
def test_the_chunk_size_grows_at_most_fourfold_towards_the_target():
    size = ChunkSize()
    seen = []
    for _ in range(5):
        seen.append(size.size)
        size.adapt(size.size, size.size * UNIT)
    assert seen == EXPECTED_SIZES


def test_the_chunk_size_shrinks_for_slow_work_and_keeps_within_bounds():
    size = ChunkSize()
    size.size = 1000
    size.adapt(1000, 1000 * 10 * CHUNK_SECONDS)  # every unit took ten chunks' worth
    assert size.size == 1
    size.adapt(1, 100.0)  # slower still: never below one
    assert size.size == 1
    size.adapt(0, 1.0)  # nothing done says nothing
    assert size.size == 1
    size.adapt(1, 0.0)  # too fast for the clock: grow as fast as allowed
    assert size.size == 4
    size.size = MAX_CHUNK
    size.adapt(MAX_CHUNK, 0.0)
    assert size.size == MAX_CHUNK
    size.reset()
    assert size.size == 1


# ---------------------------------------------------------------- the loop
def test_chunks_adapt_and_a_finished_chunk_ends_the_run(qtbot):
    loop = Loop(lambda lp, size: _work(lp, size, last=5))
    assert loop.run.start() and loop.run.running
    loop.wait_until_ended(qtbot)
    assert loop.sizes == EXPECTED_SIZES
    assert loop.finished == [None] and not loop.errors
    assert loop.run.chunks == 5


def test_a_finishing_chunk_passes_its_message_on(qtbot):
    loop = Loop(lambda lp, size: Chunk(size, finished=True, message="diverged"))
    loop.run.start()
    loop.wait_until_ended(qtbot)
    assert loop.finished == ["diverged"]


def test_a_pause_during_a_chunk_is_honoured_before_the_next(qtbot):
    def chunk(lp: Loop, size: int) -> Chunk:
        if len(lp.sizes) == 3:
            lp.run.pause_event.set()  # as from another thread, while the chunk works
        return _work(lp, size)

    loop = Loop(chunk)
    loop.run.start()
    loop.wait_until_ended(qtbot)
    assert len(loop.sizes) == 3
    assert loop.finished == [None]
    assert not loop.run.pause_event.is_set()  # cleared for the next run
    loop.sizes.clear()
    loop.run.start()  # a new run starts afresh, from chunks of one
    qtbot.waitUntil(lambda: len(loop.sizes) >= 2, timeout=10_000)
    loop.run.pause()  # on the owner's thread: ends at once
    assert not loop.run.running and loop.finished == [None, None]
    assert loop.sizes[:2] == [1, 4]


def test_a_stop_ends_the_run_for_good_without_finishing(qtbot):
    def chunk(lp: Loop, size: int) -> Chunk:
        if len(lp.sizes) == 2:
            lp.run.stop()
        return _work(lp, size)

    loop = Loop(chunk)
    loop.run.start()
    loop.wait_until_ended(qtbot)
    assert len(loop.sizes) == 2
    assert loop.finished == []  # the thread is going away: nobody to tell
    assert loop.run.stopped and not loop.run.start()


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (RuntimeError("the disk fell off"), "Something went wrong while testing the loop: "),
        (ConfigError("η must be positive."), "η must be positive."),
    ],
)
def test_an_exception_in_a_chunk_becomes_a_message_then_the_run_ends(qtbot, caplog, error, message):
    def chunk(lp: Loop, size: int) -> Chunk:
        if len(lp.sizes) == 2:
            raise error
        return _work(lp, size)

    loop = Loop(chunk)
    loop.run.start()
    loop.wait_until_ended(qtbot)
    assert len(loop.sizes) == 2
    assert len(loop.errors) == 1 and loop.errors[0].startswith(message)
    if isinstance(error, RuntimeError):
        # said plainly, asking for a report; the details go to the log, not to the person
        assert loop.errors[0].endswith("please report it.")
        assert "RuntimeError" not in loop.errors[0]
        assert "RuntimeError: the disk fell off" in caplog.text
    assert loop.finished == [None]


def test_reports_are_paced_by_the_clock_and_by_the_reader(qtbot):
    def chunk(lp: Loop, size: int) -> Chunk:
        lp.clock.now += 0.004  # every chunk takes 4 ms of the fake clock
        return Chunk(1, finished=len(lp.sizes) >= 10)

    loop = Loop(chunk, interval=0.01)
    loop.run.start()
    loop.wait_until_ended(qtbot)
    gaps = [b - a for a, b in zip(loop.reports, loop.reports[1:], strict=False)]
    assert len(loop.reports) == 3  # chunks 1, 4 and 7: 12 ms ≥ 10 ms; the 10th ends the run
    assert all(gap >= 0.01 for gap in gaps)

    ready: list[float] = []
    never = Loop(chunk, interval=0.0, may_report=lambda now: ready.append(now) and False)
    never.run.start()
    never.wait_until_ended(qtbot)
    assert never.reports == [] and len(ready) == 9  # asked after every chunk but the last


def test_a_chunk_scheduled_by_an_ended_run_does_not_run_in_the_next(qtbot):
    loop = Loop(_work)
    loop.run.start()
    loop.run.pause()  # its first chunk is already scheduled
    loop.run.start()
    seen: list[int] = []
    QTimer.singleShot(0, loop.owner, lambda: seen.append(len(loop.sizes)))
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [1]  # one chunk chain, not two
    loop.run.pause()


# ---------------------------------------------------------------- both workers use it
def test_the_stepper_worker_trains_in_adapting_chunks(qtbot):
    worker = StepperWorker(Stepper(get_preset("lecture").trainer()))
    clock = FakeClock()
    worker._run.clock = clock
    trainer = worker._stepper.trainer
    plain_run = trainer.run
    sizes: list[int] = []

    def timed_run(*, iterations, **kwargs):
        sizes.append(iterations)
        clock.work(iterations)
        return plain_run(iterations=iterations, **kwargs)

    trainer.run = timed_run  # every chunk (the first through the step machine)
    errors: list[str] = []
    worker.errored.connect(errors.append)
    with qtbot.waitSignal(worker.run_state_changed, timeout=10_000):
        worker.run_iterations(1 + 4 + 3 * STEADY)
    qtbot.waitUntil(lambda: not worker.running, timeout=10_000)
    assert sizes == EXPECTED_SIZES
    assert trainer.iteration == 1 + 4 + 3 * STEADY
    assert not errors
    worker.stop()


def test_the_comparison_worker_advances_in_adapting_chunks(qtbot):
    preset = get_preset("xor")
    comparison = Comparison(
        preset.network, preset.inputs, preset.targets, preset.config, "eta", (0.5, 5.0)
    )
    worker = ComparisonWorker()
    clock = FakeClock()
    worker._run.clock = clock
    plain_advance = comparison.advance
    sizes: list[int] = []

    def timed_advance(count: int) -> None:
        sizes.append(count)
        clock.work(count)
        plain_advance(count)

    comparison.advance = timed_advance
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        worker.start(comparison, 1 + 4 + 3 * STEADY)
    assert sizes == EXPECTED_SIZES
    assert comparison.result().iterations_done == 1 + 4 + 3 * STEADY


class TickingClock:
    """A clock that moves on a little every time it is read (a paced run's waits pass)."""

    def __init__(self, tick: float) -> None:
        self.now, self.tick = 100.0, tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


def test_a_paced_run_keeps_to_its_pace_one_reported_unit_at_a_time(qtbot):
    loop = Loop(lambda lp, size: Chunk(size, finished=lp.clock.now > 103.0))
    loop.clock = loop.run.clock = TickingClock(0.05)
    loop.run.set_pace(5.0)  # five units a second: slow, each one reported
    assert loop.run.slow
    loop.run.start()
    loop.wait_until_ended(qtbot)
    assert set(loop.sizes) == {1}
    units = len(loop.sizes)
    assert 10 <= units <= 5 * 3.1 + 1  # about 5 a second over the 3 seconds of the clock
    assert len(loop.reports) == units - 1  # every unit shown (the last one by finish)


def test_a_pace_of_zero_or_infinity_is_full_speed(qtbot):
    loop = Loop(lambda lp, size: _work(lp, size, last=5))
    for pace in (0.0, math.inf, math.nan):
        loop.run.set_pace(pace)
        assert loop.run.pace == math.inf and not loop.run.slow
    loop.run.set_pace(1000.0)
    assert not loop.run.slow  # fast enough that the views follow at their own cadence
    loop.run.set_pace(math.inf)
    loop.run.start()
    loop.wait_until_ended(qtbot)
    assert loop.sizes == EXPECTED_SIZES
