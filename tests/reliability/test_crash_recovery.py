"""Crash recovery end to end: a real bpdesk process is killed mid-lecture and started again.

Each bpdesk runs as ``python -m bpdesk`` off screen with its own data and settings folders,
is driven through the environment hooks (``BPDESK_STEPS``, ``BPDESK_AUTOSAVE_SECONDS``,
``BPDESK_RESTORE``) and tells what it shows through ``BPDESK_REPORT``. The tests wait on the
file system with a generous timeout; they never time anything.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile

import bpdesk
from bpdesk.core.files import documents, session
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.steps import apply_command

TIMEOUT = 180.0  # seconds: a loaded machine may take long to start a window
HOOKS = ("BPDESK_STEPS", "BPDESK_RESTORE", "BPDESK_REPORT", "BPDESK_AUTOSAVE_SECONDS")


@dataclass
class App:
    """One running bpdesk process and the file its output goes to."""

    process: subprocess.Popen[bytes]
    output: Path
    report: Path

    def said(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)


class Launcher:
    """Starts bpdesk processes that share one data folder (``data``), each with its hooks."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.settings = folder / "settings"
        self.data.mkdir()
        self.settings.mkdir()
        self.started: list[App] = []

    def __call__(self, name: str, **hooks: str) -> App:
        """Start ``python -m bpdesk``; ``hooks`` set BPDESK_<NAME> (steps=…, restore=…)."""
        env = {k: v for k, v in os.environ.items() if k not in HOOKS}
        source_root = str(Path(bpdesk.__file__).resolve().parent.parent)
        report = self.folder / f"{name}-report.json"
        env.update(
            QT_QPA_PLATFORM="offscreen",
            BPDESK_DATA_DIR=str(self.data),
            BPDESK_SETTINGS_DIR=str(self.settings),
            BPDESK_NO_PROMPTS="1",
            BPDESK_AUTOSAVE_SECONDS="0.2",
            BPDESK_REPORT=str(report),
            PYTHONPATH=os.pathsep.join(filter(None, [source_root, env.get("PYTHONPATH")])),
        )
        env.update({f"BPDESK_{key.upper()}": value for key, value in hooks.items()})
        output = self.folder / f"{name}-output.txt"
        with open(output, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "bpdesk"],
                env=env,
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        app = App(process, output, report)
        self.started.append(app)
        return app


@pytest.fixture
def start(tmp_path) -> Iterator[Launcher]:
    """The launcher; every process it started is killed at the end."""
    launcher = Launcher(tmp_path)
    yield launcher
    for app in launcher.started:
        app.kill()


def _wait_for(what: str, condition: Callable[[], object], *apps: App) -> object:
    """Poll until ``condition()`` gives something true; fail if an app ends or time runs out."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            result = condition()
        except (OSError, ValueError):  # a file being replaced, or not written yet
            result = None
        if result:
            return result
        for app in apps:
            if app.process.poll() is not None:
                pytest.fail(
                    f"bpdesk ended (exit {app.process.returncode}) before {what}:\n" + app.said()
                )
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {TIMEOUT:.0f} s:\n" + "\n".join(a.said() for a in apps))
        time.sleep(0.1)


def _lecture_after(commands: list[str]) -> Stepper:
    stepper = documents.open_source("lecture")
    for command in commands:
        apply_command(stepper, command)
    return stepper


def _copies(data: Path) -> list[Path]:
    return sorted(data.glob("autosave*.bpdesk"))


def _copy_holding(data: Path, expected: Stepper) -> Path | None:
    """The autosaved copy in ``data`` that holds exactly ``expected``'s lesson, if one does."""
    wanted = session.dumps_session(expected)
    for path in _copies(data):
        if session.dumps_session(documents.open_source(path)) == wanted:
            return path
    return None


def _report(app: App) -> dict:
    report = _wait_for("report of what the window shows", lambda: _read(app.report), app)
    assert isinstance(report, dict)
    return report


def _read(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _lock_owner(copy: Path) -> int:
    """The process id the copy's lock file names."""
    pid, _host, _app = QLockFile(str(copy.with_suffix(".lock"))).getLockInfo()
    return int(pid)


def _questions(app: App) -> list[str]:
    """The restore questions the app printed (BPDESK_RESTORE answered them)."""
    return [line for line in app.said().splitlines() if line.startswith("bpdesk closed")]


def _clock(path: Path) -> str:
    return time.strftime("%H:%M", time.localtime(path.stat().st_mtime))


def _assert_shows(report: dict, expected: Stepper) -> None:
    trainer = expected.trainer
    assert report["values"] == expected.network.values()
    assert (report["epoch"], report["iteration"]) == (trainer.epoch, trainer.iteration)
    assert (report["phase"], report["step_complete"]) == (
        expected.next_phase,
        expected.step_complete,
    )


def test_a_lecture_killed_midway_is_offered_back_with_its_time_and_restored(start):
    steps = ["full", "full", "forward"]  # two iterations, then halfway through a third
    expected = _lecture_after(steps)
    first = start("first", steps=",".join(steps))
    copy = _wait_for("autosave of the steps", lambda: _copy_holding(start.data, expected), first)
    assert isinstance(copy, Path)
    first.kill()
    saved_at = _clock(copy)

    again = start("again", restore="yes")
    report = _report(again)
    (question,) = _questions(again)
    assert question.startswith("bpdesk closed unexpectedly. Restore the lesson autosaved ")
    assert saved_at in question and question.endswith("BPDESK_RESTORE=yes")
    _assert_shows(report, expected)
    assert report["modified"] and report["document_path"] == ""
    assert saved_at in report["message"] and "restored" in report["message"]
    # The restored lesson goes on in the same copy, now held by the new process.
    assert _copies(start.data) == [copy] and _lock_owner(copy) == again.process.pid
    again.kill()  # a second crash: the copy is still there to be offered
    saved_at = _clock(copy)  # the restored lesson was autosaved again meanwhile

    fresh = start("fresh", restore="no")
    report = _report(fresh)
    (question,) = _questions(fresh)
    assert saved_at in question and question.endswith("BPDESK_RESTORE=no")
    _assert_shows(report, _lecture_after([]))
    assert not report["modified"]
    assert _copies(start.data) == []
    assert [p.name for p in start.data.iterdir()] == [
        p.name for p in start.data.glob(f"autosave-{fresh.process.pid}-*.lock")
    ]


def test_two_running_windows_keep_their_own_copies_and_only_the_dead_one_is_offered(start):
    one_steps, two_steps = ["full"], ["full", "full", "full"]
    one, two = start("one", steps=one_steps[0]), start("two", steps=",".join(two_steps))
    expected_one, expected_two = _lecture_after(one_steps), _lecture_after(two_steps)
    copy_one = _wait_for("first copy", lambda: _copy_holding(start.data, expected_one), one, two)
    copy_two = _wait_for("second copy", lambda: _copy_holding(start.data, expected_two), one, two)
    assert copy_one != copy_two
    assert (_lock_owner(copy_one), _lock_owner(copy_two)) == (one.process.pid, two.process.pid)
    one.kill()
    before = copy_two.read_bytes()

    third = start("third", restore="yes")
    report = _report(third)
    assert len(_questions(third)) == 1  # the running window's copy is not offered
    _assert_shows(report, expected_one)
    assert copy_two.read_bytes() == before and _lock_owner(copy_two) == two.process.pid
    two.kill()
    third.kill()

    fourth = start("fourth", restore="no")
    report = _report(fourth)
    first, second = _questions(fourth)
    assert "Autosaved lesson 1 of 2" in first and "Autosaved lesson 2 of 2" in second
    _assert_shows(report, _lecture_after([]))
    assert _copies(start.data) == []
