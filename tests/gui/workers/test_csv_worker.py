"""The CSV worker on its thread: results, progress, a stop asked for mid-parse, plain failures."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import pytest

from bpdesk.core.files.csv_import import CsvRead, CsvScan
from bpdesk.gui.workers.csv_worker import CsvJobs


class Record:
    """What the jobs said, in order, on the test's thread."""

    def __init__(self, jobs: CsvJobs) -> None:
        self.events: list[tuple[str, object]] = []
        jobs.progress.connect(lambda f: self.events.append(("progress", f)))
        jobs.done.connect(lambda r: self.events.append(("done", r)))
        jobs.failed.connect(lambda m: self.events.append(("failed", m)))
        jobs.cancelled.connect(lambda: self.events.append(("cancelled", None)))
        jobs.ended.connect(lambda: self.events.append(("ended", None)))

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.events]

    def progress(self) -> list[float]:
        return [float(value) for kind, value in self.events if kind == "progress"]  # type: ignore[arg-type]


@pytest.fixture
def jobs(qtbot):
    jobs = CsvJobs()
    yield jobs
    jobs.shutdown()
    assert not jobs.worker_thread.isRunning()


def _numbers(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "numbers.csv"
    path.write_text("x,y\n" + "".join(f"{i},{i % 2}\n" for i in range(rows)))
    return path


def test_a_read_sends_progress_then_the_data_set_and_the_thread_rests(qtbot, jobs, tmp_path):
    record = Record(jobs)
    path = _numbers(tmp_path, 3000)
    jobs.start(functools.partial(CsvRead, path, inputs=["x"], targets=["y"]))
    assert jobs.busy
    qtbot.waitUntil(lambda: "ended" in record.kinds(), timeout=20_000)
    assert record.kinds()[-2:] == ["done", "ended"]
    dataset = record.events[-2][1]
    assert dataset.n_samples == 3000 and dataset.inputs[-1, 0] == 2999  # type: ignore[attr-defined]
    progress = record.progress()
    assert progress and progress == sorted(progress) and progress[-1] == 1.0
    assert not jobs.busy
    qtbot.waitUntil(lambda: not jobs.worker_thread.isRunning(), timeout=5000)


class HeldScan(CsvScan):
    """A scan whose third step waits inside until released: a stop asked for then is surely
    asked mid-parse, with no clock involved."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.calls = 0
        self.entered = threading.Event()
        self.release = threading.Event()

    def step(self, units: int) -> int:
        self.calls += 1
        if self.calls == 3:
            self.entered.set()
            self.release.wait(20)
        return super().step(units)


def test_a_cancel_mid_parse_answers_at_once_and_the_job_runs_no_further(qtbot, jobs, tmp_path):
    record = Record(jobs)
    made: list[HeldScan] = []
    path = _numbers(tmp_path, 20_000)
    jobs.start(lambda: made.append(HeldScan(path)) or made[-1])
    qtbot.waitUntil(lambda: bool(made) and made[0].entered.is_set(), timeout=10_000)
    scan = made[0]
    jobs.cancel()
    assert record.kinds() == [k for k in record.kinds() if k == "progress"] + ["cancelled", "ended"]
    assert not jobs.busy
    scan.release.set()
    qtbot.waitUntil(lambda: not jobs.worker_thread.isRunning(), timeout=10_000)
    assert scan.calls == 3 and not scan.done  # the step in progress was the last
    assert "done" not in record.kinds()


def test_a_new_job_after_a_cancel_runs_and_reports_only_itself(qtbot, jobs, tmp_path):
    record = Record(jobs)
    path = _numbers(tmp_path, 50)
    jobs.start(functools.partial(CsvScan, path))
    jobs.cancel()
    jobs.start(functools.partial(CsvRead, path, inputs=["x"], targets=["y"]))
    qtbot.waitUntil(lambda: record.kinds().count("ended") == 2, timeout=20_000)
    results = [value for kind, value in record.events if kind == "done"]
    assert len(results) == 1 and results[0].n_samples == 50  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
        (b"x,y\n1,2\n3\n", "Line 3"),
        (b"x,y\n1,2\nNaN,4\n", "NaN"),
    ],
)
def test_a_bad_file_fails_in_plain_words(qtbot, jobs, tmp_path, content, expected):
    record = Record(jobs)
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    jobs.start(functools.partial(CsvRead, path, inputs=["x"], targets=["y"]))
    qtbot.waitUntil(lambda: "ended" in record.kinds(), timeout=10_000)
    failed = [value for kind, value in record.events if kind == "failed"]
    assert len(failed) == 1 and expected in str(failed[0])
    assert "Error" not in str(failed[0]) and "Traceback" not in str(failed[0])


def test_a_fault_inside_a_job_asks_for_a_report(qtbot, jobs, tmp_path):
    record = Record(jobs)

    def broken() -> CsvScan:
        raise ZeroDivisionError("a bug")

    jobs.start(broken)
    qtbot.waitUntil(lambda: "ended" in record.kinds(), timeout=10_000)
    message = str(record.events[-2][1])
    assert record.kinds()[-2] == "failed" and "please report it" in message
    assert "ZeroDivisionError" not in message
