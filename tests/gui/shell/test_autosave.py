"""The autosave: written by the worker while unsaved, offered back, removed on a clean close."""

from __future__ import annotations

import os
import time

import pytest

from bpdesk.core.files import documents, session
from bpdesk.core.stepping.steps import take_step
from bpdesk.gui.shell import autosave as recovery
from bpdesk.gui.shell.autosave import AutosaveFiles, left_copies, offer_restore, restore_question
from bpdesk.launch import create_window, run_steps


def _files(win) -> AutosaveFiles:
    """The copy the window autosaves to (known once its autosave has started)."""
    assert win.autosave.files is not None
    return win.autosave.files


def _lecture_after(steps: int) -> str:
    stepper = documents.open_source("lecture")
    for _ in range(steps):
        take_step(stepper, "full")
    return session.dumps_session(stepper)


def _left_behind(source: str = "xor", *, origin: str = "") -> AutosaveFiles:
    """A copy as a bpdesk that was killed leaves it: no lock held (none at all, here)."""
    files = AutosaveFiles.named(recovery.data_folder(), f"-{os.getpid() + 1}-0a1b")
    files.session.parent.mkdir(parents=True, exist_ok=True)
    stepper = documents.open_source(source)
    if source == "lecture":
        take_step(stepper, "full")
    documents.save_session(files.session, stepper)
    files.origin.write_text(origin, encoding="utf-8")
    return files


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")  # closing at the end asks nothing
    win = create_window("lecture", restore_layout=False)
    qtbot.addWidget(win)
    win.autosave.timer.setInterval(5)  # injected: no waiting for 30 s
    yield win
    win.shutdown()


def _worker_idle(qtbot, win) -> None:
    """Every command queued to the worker before this has been handled."""
    seq = win.snapshot.seq if win.snapshot is not None else -1
    win.link.refresh_requested.emit()
    qtbot.waitUntil(lambda: win.snapshot is not None and win.snapshot.seq > seq, timeout=10000)


def test_no_autosave_while_nothing_is_unsaved_or_before_start(qtbot, window):
    run_steps(window, [])
    window.autosave.tick()  # not started: nothing
    assert window.autosave.files is None
    window.autosave.start()
    window.autosave.tick()  # started, but nothing unsaved
    _worker_idle(qtbot, window)
    assert not _files(window).exists()
    assert _files(window).lock.is_file()  # the lock says this bpdesk is running


def test_the_timer_autosaves_unsaved_changes_without_touching_the_document(qtbot, window):
    run_steps(window, ["full", "full"])
    assert window.modified and window.document_path == ""
    window.autosave.start()
    qtbot.waitUntil(_files(window).exists, timeout=10000)
    _worker_idle(qtbot, window)
    assert window.modified and window.document_path == ""
    assert window.windowTitle().startswith("untitled lesson")


def test_an_autosave_reopens_with_the_same_state_once_its_bpdesk_is_gone(qtbot, window):
    window.autosave.start()
    run_steps(window, ["full", "full", "full"])
    expected = _lecture_after(3)
    files = _files(window)
    qtbot.waitUntil(
        lambda: (
            files.exists()
            and session.dumps_session(documents.open_source(files.session)) == expected
        ),
        timeout=10000,
    )
    assert left_copies() == []  # its bpdesk (this one) still runs
    window.autosave.timer.stop()
    window.autosave.lock.unlock()  # as if this bpdesk had ended without closing
    copies = left_copies()
    assert [copy.files for copy in copies] == [files]
    recovered, note = offer_restore(copies, lambda question: True)
    assert recovered is not None and recovered.path == "" and recovered.copy is copies[0]
    assert session.dumps_session(recovered.stepper) == expected
    assert "restored" in note


def test_a_run_is_preceded_by_an_autosave(qtbot, window):
    window.autosave.timer.setInterval(3_600_000)  # only the run writes
    window.autosave.start()
    run_steps(window, ["full"])
    run_steps(window, ["run:5"])
    assert _files(window).exists()


def test_a_clean_close_removes_the_autosave_and_its_lock(qtbot, window, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")  # "don't save"
    window.autosave.start()
    run_steps(window, ["full"])
    files = _files(window)
    qtbot.waitUntil(files.exists, timeout=10000)
    window.close()
    assert not files.exists() and not files.lock.exists() and not files.origin.exists()


def test_saving_removes_the_autosave(qtbot, window, tmp_path):
    window.autosave.start()
    run_steps(window, ["full"])
    qtbot.waitUntil(_files(window).exists, timeout=10000)
    window.file_chooser = lambda mode, suggested: str(tmp_path / "mine.bpdesk")
    window.save()
    qtbot.waitUntil(lambda: not window.modified, timeout=10000)
    assert not _files(window).exists()


def test_a_restored_lesson_is_unsaved_saves_to_its_own_file_and_keeps_its_copy(
    qtbot, tmp_path, monkeypatch
):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    own = tmp_path / "lesson.bpdesk"
    files = _left_behind("lecture", origin=str(own))
    monkeypatch.setenv(recovery.RESTORE_VARIABLE, "yes")
    win = create_window("lecture", restore_layout=False, autosave=True)
    qtbot.addWidget(win)
    try:
        qtbot.waitUntil(lambda: win.modified, timeout=10000)
        assert win.document_path == str(own)
        assert "restored" in win.message()
        assert win.autosave.files == files and files.lock.is_file()  # goes on in its copy
        assert left_copies() == []  # held by this bpdesk now
        win.save()
        qtbot.waitUntil(lambda: not win.modified, timeout=10000)
        assert session.dumps_session(documents.open_source(own)) == _lecture_after(1)
    finally:
        win.shutdown()


def test_discard_removes_the_autosave_and_opens_what_was_asked(qtbot):
    files = _left_behind()
    recovered, note = offer_restore(left_copies(), lambda question: False)
    assert recovered is None and note == ""
    assert not files.exists() and not files.origin.exists() and not files.lock.exists()


def test_not_asked_leaves_the_autosave_for_later(qtbot):
    files = _left_behind()
    assert offer_restore(left_copies(), lambda question: None) == (None, "")
    assert files.exists() and not files.lock.exists()
    assert [copy.files for copy in left_copies()] == [files]  # offered again next time


def test_an_unreadable_copy_is_discarded_with_a_plain_note(qtbot):
    files = _left_behind()
    files.session.write_bytes(b"{ not a session")
    asked: list[str] = []
    recovered, note = offer_restore(left_copies(), lambda q: asked.append(q) or True)
    assert recovered is None and len(asked) == 1
    assert note == "The autosaved lesson could not be read, so it was discarded."
    assert not files.exists()


def test_the_answer_can_come_from_the_environment_and_is_then_printed(qtbot, monkeypatch, capsys):
    files = _left_behind()
    monkeypatch.setenv(recovery.RESTORE_VARIABLE, "no")
    recovered, _ = offer_restore(left_copies(), lambda q: pytest.fail("asked " + q))
    assert recovered is None and not files.exists()
    printed = capsys.readouterr().out
    assert printed.startswith("bpdesk closed unexpectedly. Restore the lesson autosaved at ")
    assert printed.rstrip().endswith("BPDESK_RESTORE=no")


def test_the_question_says_when_in_plain_words():
    now = time.mktime((2026, 12, 1, 21, 55, 30, 0, 0, -1))
    question = restore_question(now - 150, now)
    assert question == (
        "bpdesk closed unexpectedly. Restore the lesson autosaved at 21:53 (2 minutes before)?"
    )
    assert "less than a minute" in restore_question(now - 5, now)
    assert "1 hour before" in restore_question(now - 3700, now)
    assert "autosaved on 30 November at 21:55" in restore_question(now - 86400, now)
    named = restore_question(now - 150, now, name="week3.bpdesk", number=2, count=3)
    assert "Restore the lesson week3.bpdesk autosaved at 21:53" in named
    assert "(Autosaved lesson 2 of 3: Discard asks about the next.)" in named
    last = restore_question(now - 150, now, number=3, count=3)
    assert last.endswith("(Autosaved lesson 3 of 3.)")


def test_the_interval_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(recovery.INTERVAL_VARIABLE, raising=False)
    assert recovery.interval_ms() == 30_000
    monkeypatch.setenv(recovery.INTERVAL_VARIABLE, "0.5")
    assert recovery.interval_ms() == 500
    for bad in ("soon", "nan", "inf"):
        monkeypatch.setenv(recovery.INTERVAL_VARIABLE, bad)
        assert recovery.interval_ms() == 30_000


def test_the_data_folder_is_the_environment_s(monkeypatch, tmp_path):
    monkeypatch.setenv(recovery.DATA_DIR_VARIABLE, str(tmp_path))
    files, lock = recovery.autosave_files()
    assert lock is not None and lock.isLocked()
    assert files.session.parent == tmp_path and files.lock.is_file()
    assert os.path.basename(files.session).endswith(".bpdesk")


def test_an_unchanged_lesson_is_not_written_again_and_a_change_is(qtbot, window):
    run_steps(window, ["full"])
    window.autosave.start()
    copy = _files(window).session
    qtbot.waitUntil(copy.exists, timeout=10000)
    _worker_idle(qtbot, window)
    copy.write_text("marker", encoding="utf-8")  # were the copy written again, this would go
    for _ in range(5):
        window.autosave.tick()
    _worker_idle(qtbot, window)
    assert copy.read_text(encoding="utf-8") == "marker"
    run_steps(window, ["full"])  # a change: the next tick writes the lesson as it is now
    window.autosave.tick()
    qtbot.waitUntil(lambda: copy.read_text(encoding="utf-8") != "marker", timeout=10000)
    _worker_idle(qtbot, window)
    assert documents.open_source(str(copy)).trainer.iteration == 2
