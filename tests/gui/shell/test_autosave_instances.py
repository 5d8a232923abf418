"""Two bpdesks at once: each autosaves to its own copy, and a start offers only the copies
whose bpdesk is no longer running (its lock is not held), newest first."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from bpdesk.core.files import documents, session
from bpdesk.core.stepping.steps import take_step
from bpdesk.gui.shell import autosave as recovery
from bpdesk.gui.shell.autosave import AutosaveFiles, left_copies, offer_restore
from bpdesk.launch import create_window, run_steps

# A bpdesk that takes one copy's lock for each source, writes the copies ("-": none yet)
# and is killed.
CHILD = """
import os, signal, sys
from pathlib import Path
from bpdesk.core.files import documents
from bpdesk.gui.shell.autosave import autosave_files
held = []  # a QLockFile let go of unlocks
for source in sys.argv[2:]:
    files, lock = autosave_files(Path(sys.argv[1]))
    assert lock is not None and lock.isLocked()
    held.append(lock)
    if source != "-":
        documents.save_session(files.session, documents.open_source(source))
    print(files.session, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _killed_bpdesk(*sources: str) -> list[AutosaveFiles]:
    """The files a bpdesk killed while autosaving ``sources`` ("-": nothing yet) leaves."""
    folder = recovery.data_folder()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), *sources],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    left = []
    for line in done.stdout.split():
        files = AutosaveFiles.named(folder, Path(line).name[len("autosave") : -len(".bpdesk")])
        assert str(files.session) == line and files.lock.is_file()
        left.append(files)
    assert len(left) == len(sources)
    return left


def _lecture_after(steps: int) -> str:
    stepper = documents.open_source("lecture")
    for _ in range(steps):
        take_step(stepper, "full")
    return session.dumps_session(stepper)


def _holds(files: AutosaveFiles, expected: str) -> bool:
    return (
        files.exists() and session.dumps_session(documents.open_source(files.session)) == expected
    )


def test_two_windows_at_once_autosave_to_their_own_copies(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    windows = [create_window("lecture", restore_layout=False) for _ in range(2)]
    try:
        for steps, win in enumerate(windows, start=1):
            qtbot.addWidget(win)
            win.autosave.timer.setInterval(5)
            win.autosave.start()
            run_steps(win, ["full"] * steps)
        one, two = (win.autosave.files for win in windows)
        assert one is not None and two is not None
        assert len({one.session, two.session, one.lock, two.lock, one.origin, two.origin}) == 6
        qtbot.waitUntil(lambda: _holds(one, _lecture_after(1)), timeout=10000)
        qtbot.waitUntil(lambda: _holds(two, _lecture_after(2)), timeout=10000)
        assert left_copies() == []  # both bpdesks (this process) still run
    finally:
        for win in windows:
            win.shutdown()


def test_only_the_copy_of_a_killed_bpdesk_is_offered(qtbot):
    running, running_lock = recovery.autosave_files()
    documents.save_session(running.session, documents.open_source("lecture"))
    (killed,) = _killed_bpdesk("xor")
    copies = left_copies()
    assert [copy.files for copy in copies] == [killed]
    recovered, _ = offer_restore(copies, lambda question: True)
    assert recovered is not None
    assert session.dumps_session(recovered.stepper) == session.dumps_session(
        documents.open_source(killed.session)
    )
    assert running.exists() and running_lock is not None and running_lock.isLocked()


def test_a_lock_left_with_nothing_unsaved_is_cleared(qtbot):
    (killed,) = _killed_bpdesk("-")
    assert left_copies() == []
    assert not killed.lock.exists()


def test_a_copy_one_start_holds_is_not_offered_by_another_until_released(qtbot):
    (killed,) = _killed_bpdesk("xor")
    first = left_copies()
    assert [copy.files for copy in first] == [killed]
    assert left_copies() == []  # a second start at the same moment
    for copy in first:
        copy.release()
    assert [copy.files for copy in left_copies()] == [killed]


def test_several_copies_are_asked_newest_first_and_the_rest_kept(qtbot):
    older, newest, middle = _killed_bpdesk("xor", "lecture", "sine")
    for age, files in ((300, older), (0, newest), (120, middle)):
        moment = os.stat(newest.session).st_mtime - age
        os.utime(files.session, (moment, moment))
    asked: list[str] = []
    answers = iter([False, True])  # discard the newest, restore the next

    def ask(question: str) -> bool:
        asked.append(question)
        return next(answers)

    recovered, note = offer_restore(left_copies(), ask)
    assert [q.split("(Autosaved lesson ")[1][:6] for q in asked] == ["1 of 3", "2 of 3"]
    assert recovered is not None and recovered.copy is not None
    assert recovered.copy.files == middle
    assert not newest.exists()  # discarded
    assert "restored" in note and "Another autosaved lesson is kept for the next start." in note
    assert [copy.files for copy in left_copies()] == [older]  # offered at the next start


def test_the_report_hook_writes_what_the_window_shows(qtbot, monkeypatch, tmp_path):
    report = tmp_path / "report.json"
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    monkeypatch.setenv(recovery.STEPS_VARIABLE, "full,forward")
    monkeypatch.setenv(recovery.REPORT_VARIABLE, str(report))
    win = create_window("lecture", restore_layout=False, autosave=True)
    qtbot.addWidget(win)
    try:
        qtbot.waitUntil(report.is_file, timeout=20000)
        state = json.loads(report.read_text(encoding="utf-8"))
        expected = documents.open_source("lecture")
        take_step(expected, "full")
        take_step(expected, "forward")
        assert state["values"] == expected.network.values()
        assert (state["iteration"], state["phase"]) == (1, expected.next_phase)
        assert state["modified"] and state["document_path"] == ""
    finally:
        win.shutdown()
