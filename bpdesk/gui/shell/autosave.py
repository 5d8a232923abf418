"""Crash recovery: the open lesson autosaved while unsaved, and offered back after a crash.

Every running bpdesk owns its own copy in the user data folder: ``autosave-<id>.bpdesk``,
``autosave-<id>-origin.txt`` (the document's own file, "" for an unsaved lesson) and
``autosave-<id>.lock``, a ``QLockFile`` held for as long as that bpdesk runs. Two windows
open at once never write over each other's copy, and a start offers only the copies whose
lock is no longer held (their bpdesk ended without a clean close), newest first, one question
each. A copy taken back is kept, under the new bpdesk's lock, until that one closes cleanly.

Environment hooks (for tests and demonstrations): ``BPDESK_DATA_DIR`` the data folder,
``BPDESK_AUTOSAVE_SECONDS`` the interval, ``BPDESK_RESTORE=yes|no`` answers the question
(which is then printed on stdout), ``BPDESK_STEPS`` step commands done once the window is up,
``BPDESK_REPORT`` a file the window's lesson is written to (JSON) once those are done.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QLockFile,
    QMetaObject,
    QObject,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QMessageBox

from bpdesk.core.errors import ConfigError
from bpdesk.core.files import documents
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.steps import parse_commands
from bpdesk.gui.shell.session_files import NO_PROMPTS_VARIABLE
from bpdesk.gui.shell.worker_link import WorkerLink

if TYPE_CHECKING:
    from bpdesk.gui.shell.main_window import MainWindow

__all__ = [
    "DATA_DIR_VARIABLE",
    "INTERVAL_SECONDS",
    "INTERVAL_VARIABLE",
    "REPORT_VARIABLE",
    "RESTORE_VARIABLE",
    "STEPS_VARIABLE",
    "Autosave",
    "AutosaveFiles",
    "LeftCopy",
    "Recovered",
    "ask_with_dialog",
    "autosave_files",
    "data_folder",
    "do_steps_from_environment",
    "interval_ms",
    "left_copies",
    "offer_restore",
    "restore_question",
    "start_autosaving",
]

DATA_DIR_VARIABLE = "BPDESK_DATA_DIR"  # the user data folder (tests keep theirs apart)
INTERVAL_VARIABLE = "BPDESK_AUTOSAVE_SECONDS"  # seconds between autosaves (tests: short)
RESTORE_VARIABLE = "BPDESK_RESTORE"  # "yes" or "no" answers the restore question (tests)
STEPS_VARIABLE = "BPDESK_STEPS"  # step commands done once the window is up (tests)
REPORT_VARIABLE = "BPDESK_REPORT"  # the window's lesson written here as JSON (tests)
INTERVAL_SECONDS = 30.0
MIN_INTERVAL_SECONDS = 0.05
# A copy's files: "autosave-<pid>-<hex>.bpdesk" ("autosave.bpdesk": the one shared copy of
# earlier versions, offered like a copy whose bpdesk ended), its origin note and its lock.
_COPY_NAME = re.compile(r"autosave(-\d+-[0-9a-f]+)?\.(?:bpdesk|lock)")

# Asks the restore question: True restore, False discard, None not asked (left for later).
Asker = Callable[[str], "bool | None"]


@dataclass(frozen=True)
class AutosaveFiles:
    """One bpdesk's autosaved session, the note of which file it is a copy of, and its lock."""

    session: Path
    origin: Path
    lock: Path

    @classmethod
    def named(cls, folder: Path, tag: str) -> AutosaveFiles:
        """The files of the copy ``tag`` ("-<pid>-<hex>", or "" for the old shared copy)."""
        return cls(
            folder / f"autosave{tag}.bpdesk",
            folder / f"autosave{tag}-origin.txt",
            folder / f"autosave{tag}.lock",
        )

    def exists(self) -> bool:
        return self.session.is_file()

    def saved_at(self) -> float:
        """When the copy was written (seconds since the epoch); OSError if it cannot say."""
        return self.session.stat().st_mtime

    def origin_path(self) -> str:
        """The document's own file, if the note names one whose folder is still there."""
        try:
            path = self.origin.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeError):
            return ""
        return path if os.path.isabs(path) and os.path.isdir(os.path.dirname(path)) else ""

    def remove(self) -> None:
        """The copy, its note and any half-written temporary file of it (not the lock)."""
        leftovers = list(self.session.parent.glob(f".{self.session.name}.*.tmp"))
        for path in (self.session, self.origin, *leftovers):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass  # a copy that cannot be removed is offered again, nothing worse


def data_folder() -> Path:
    """The user data folder: ``$BPDESK_DATA_DIR``, or the platform's place for app data."""
    folder = os.environ.get(DATA_DIR_VARIABLE)
    if folder:
        return Path(folder)
    location = QStandardPaths.StandardLocation.AppDataLocation
    return Path(QStandardPaths.writableLocation(location))


def _lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # held is held, however old: only a bpdesk that ended lets go
    return lock


def autosave_files(folder: Path | None = None) -> tuple[AutosaveFiles, QLockFile | None]:
    """A new copy's files for this bpdesk, and their lock, held (None if it cannot be made:
    the folder cannot be written, and then neither can the copy)."""
    folder = data_folder() if folder is None else folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # the lock fails below; the worker says why when it tries to write
    for _ in range(5):
        files = AutosaveFiles.named(folder, f"-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        lock = _lock(files.lock)
        if lock.tryLock(0):
            return files, lock
        if lock.error() != QLockFile.LockError.LockFailedError:
            break  # not a name clash: the folder refuses
    return files, None


def interval_ms() -> int:
    """Milliseconds between autosaves: ``$BPDESK_AUTOSAVE_SECONDS`` or 30 s."""
    try:
        seconds = float(os.environ.get(INTERVAL_VARIABLE, INTERVAL_SECONDS))
    except ValueError:
        seconds = INTERVAL_SECONDS
    if not seconds == seconds or seconds == float("inf"):  # not a number, or never
        seconds = INTERVAL_SECONDS
    return int(max(MIN_INTERVAL_SECONDS, seconds) * 1000)


class Autosave(QObject):
    """Every interval, while the lesson has unsaved changes, the worker writes the copy
    (it owns the lesson; the window never reads its arrays). Off until :meth:`start`."""

    def __init__(
        self,
        link: WorkerLink,
        is_modified: Callable[[], bool],
        parent: QObject | None = None,
        *,
        files: AutosaveFiles | None = None,
        interval: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._link = link
        self._is_modified = is_modified
        self.files = files
        self.lock: QLockFile | None = None  # held while this bpdesk runs
        self.enabled = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms() if interval is None else int(interval))
        self.timer.timeout.connect(self.tick)

    def adopt(self, copy: LeftCopy) -> None:
        """Keep autosaving to a copy taken back after a crash (call before :meth:`start`)."""
        self.files, self.lock = copy.files, copy.lock

    def start(self) -> None:
        """Autosave from now on (to ``files``, or a new copy of this bpdesk's own)."""
        if self.files is None:
            self.files, self.lock = autosave_files()
        elif self.lock is None:
            self.lock = _lock(self.files.lock)
            if not self.lock.tryLock(0):
                self.lock = None
        self.enabled = True
        self._link.autosave_to_requested.emit(str(self.files.session), str(self.files.origin))
        self.timer.start()

    @Slot()
    def tick(self) -> None:
        """The interval passed: autosave if there is anything unsaved."""
        if self.enabled and self._is_modified():
            self._link.autosave_requested.emit()

    def remove(self) -> None:
        """A clean close: the copy is not needed (call once the worker has stopped)."""
        self.timer.stop()
        if self.enabled and self.files is not None:
            self.files.remove()
        if self.lock is not None:
            self.lock.unlock()  # removes the lock file
            self.lock = None
        self.enabled = False


# ------------------------------------------------------------ at start-up
@dataclass
class LeftCopy:
    """A copy whose bpdesk ended without a clean close, held by this one until released."""

    files: AutosaveFiles
    saved_at: float
    lock: QLockFile | None = field(repr=False, default=None)

    def release(self) -> None:
        """Let go of it, untouched: the next start offers it again."""
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None

    def discard(self) -> None:
        self.files.remove()
        self.release()


def left_copies(folder: Path | None = None) -> list[LeftCopy]:
    """The copies in ``folder`` (the data folder) that no running bpdesk holds, newest
    first, each now held by this one so that no other start offers it too. A lock with no
    copy (a bpdesk that ended with nothing unsaved) is cleared on the way."""
    folder = data_folder() if folder is None else folder
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    tags = sorted({m.group(1) or "" for m in map(_COPY_NAME.fullmatch, names) if m})
    copies = []
    for tag in tags:
        files = AutosaveFiles.named(folder, tag)
        lock = _lock(files.lock)
        if not lock.tryLock(0):
            continue  # its bpdesk is running (or the folder cannot be written)
        try:
            copies.append(LeftCopy(files, files.saved_at(), lock))
        except OSError:  # no copy after all: a lock left with nothing to restore
            files.remove()
            lock.unlock()
    return sorted(copies, key=lambda copy: copy.saved_at, reverse=True)


@dataclass(frozen=True)
class Recovered:
    """A lesson restored from its autosave, the file it was a copy of ("" none), and the
    copy itself (autosaving goes on there)."""

    stepper: Stepper
    path: str
    copy: LeftCopy | None = None


def _age(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute before"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} before"
    hours = minutes // 60
    return f"{hours} hour{'s' if hours != 1 else ''} before"


def _when(saved_at: float, now: float) -> str:
    """ "at 21:53 (2 minutes before)", or "on 30 November at 21:53" on another day."""
    moment = time.localtime(saved_at)
    if time.strftime("%Y-%m-%d", moment) != time.strftime("%Y-%m-%d", time.localtime(now)):
        return "on " + time.strftime("%d %B at %H:%M", moment).lstrip("0")
    return f"at {time.strftime('%H:%M', moment)} ({_age(max(0.0, now - saved_at))})"


def restore_question(
    saved_at: float, now: float, *, name: str = "", number: int = 1, count: int = 1
) -> str:
    """The question, saying when the copy was made, e.g. "…at 21:53 (2 minutes before)?";
    with ``name`` the file it is a copy of; ``number`` of ``count`` copies left."""
    lesson = f"the lesson {name}" if name else "the lesson"
    question = f"Restore {lesson} autosaved {_when(saved_at, now)}?"
    if count > 1:
        then = ": Discard asks about the next" if number < count else ""
        question += f" (Autosaved lesson {number} of {count}{then}.)"
    return "bpdesk closed unexpectedly. " + question


def _answer_from_environment() -> bool | None:
    answer = os.environ.get(RESTORE_VARIABLE, "").strip().lower()
    return {"yes": True, "no": False}.get(answer)


def ask_with_dialog(question: str) -> bool | None:
    """Restore or Discard, asked in a dialog (not asked when prompts are off)."""
    if os.environ.get(NO_PROMPTS_VARIABLE) == "1":
        return None
    box = QMessageBox(QMessageBox.Icon.Question, "Restore the lesson?", question)
    restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


def _ask(question: str, ask: Asker) -> bool | None:
    answer = _answer_from_environment()
    if answer is None:
        return ask(question)
    print(f"{question} {RESTORE_VARIABLE}={'yes' if answer else 'no'}", flush=True)
    return answer


def offer_restore(
    copies: Sequence[LeftCopy], ask: Asker, now: float | None = None
) -> tuple[Recovered | None, str]:
    """After a crash (copies left, from :func:`left_copies`): ask about each, newest first,
    until one is restored; a discarded copy is removed; the others stay for the next start.

    Returns the restored lesson (or None) and a note for the person ("" when none).
    A copy that cannot be read is discarded with a note, never raised.
    """
    now = time.time() if now is None else now
    notes: list[str] = []
    for number, copy in enumerate(copies, start=1):
        origin = copy.files.origin_path()
        name = os.path.basename(origin)
        question = restore_question(copy.saved_at, now, name=name, number=number, count=len(copies))
        answer = _ask(question, ask)
        if not answer:
            if answer is None:
                break  # not asked: this one and the rest are left for later
            copy.discard()
            continue
        try:
            stepper = documents.open_source(copy.files.session)
        except Exception:  # whatever is wrong with it, the person only needs to know it is gone
            copy.discard()
            notes.append("The autosaved lesson could not be read, so it was discarded.")
            continue
        for other in copies[number:]:
            other.release()
        notes.append(
            f"The lesson autosaved {_when(copy.saved_at, now)} is restored; save it to keep it."
        )
        if len(copies) > number:
            notes.append(f"{_count(len(copies) - number)} kept for the next start.")
        return Recovered(stepper, origin, copy), " ".join(notes)
    for copy in copies:
        copy.release()
    return None, " ".join(notes)


def _count(n: int) -> str:
    return "Another autosaved lesson is" if n == 1 else f"{n} other autosaved lessons are"


# ------------------------------------------------------------ the window, once it is up
class _Script(QObject):
    """Test hooks: the ``$BPDESK_STEPS`` commands once the first snapshot is shown, then the
    lesson as the window shows it written to ``$BPDESK_REPORT`` (if set)."""

    _settled = Signal()  # queued to itself: runs after everything the worker had sent

    def __init__(self, window: MainWindow, commands: list[str], report: str) -> None:
        super().__init__(window)
        self._window = window
        self._commands = commands
        self._report = report
        self._settled.connect(self._write, Qt.ConnectionType.QueuedConnection)
        window.snapshot_shown.connect(self._on_snapshot)

    @Slot(object)
    def _on_snapshot(self, _snapshot: object) -> None:
        window, link = self._window, self._window.link
        if self._commands:
            commands, self._commands = self._commands, []
            if window.request_commands(commands):
                return
            window.show_message("The steps asked for at the start were refused.")
        if link.queued or link.pending or link.running:
            return  # the commands are still going
        window.snapshot_shown.disconnect(self._on_snapshot)
        if self._report:
            # Wait until the worker has handled all it was sent; its answers come first.
            QMetaObject.invokeMethod(
                link.worker, "refresh", Qt.ConnectionType.BlockingQueuedConnection
            )
            self._settled.emit()

    @Slot()
    def _write(self) -> None:
        window, snapshot = self._window, self._window.snapshot
        if snapshot is None:
            return
        state = {
            "document_path": window.document_path,
            "modified": window.modified,
            "message": window.message(),
            "epoch": snapshot.epoch,
            "iteration": snapshot.iteration,
            "phase": snapshot.phase,
            "step_complete": snapshot.step_complete,
            "values": snapshot.values,
        }
        temporary = self._report + ".tmp"
        try:
            with open(temporary, "w", encoding="utf-8") as out:
                json.dump(state, out)
            os.replace(temporary, self._report)
        except OSError as error:
            window.show_message(f"The report could not be written ({error.strerror}).")


def do_steps_from_environment(window: MainWindow) -> None:
    """Test hooks: the step commands in ``$BPDESK_STEPS`` (e.g. "full,full"), sent once the
    first snapshot is shown; then the lesson written to ``$BPDESK_REPORT`` as JSON
    (document_path, modified, message, epoch, iteration, phase, step_complete, values)."""
    text = os.environ.get(STEPS_VARIABLE, "")
    report = os.environ.get(REPORT_VARIABLE, "")
    try:
        commands = parse_commands(text)
    except ConfigError as error:
        window.show_message(str(error))
        commands = []
    if commands or report:
        _Script(window, commands, report)


def start_autosaving(
    window: MainWindow, recovered: Recovered | None = None, *, note: str = ""
) -> None:
    """The interactive app's window: a restored lesson counts as unsaved (Save goes to its
    own file, if it had one) and goes on autosaving to its copy; autosaving starts."""
    if recovered is not None:
        if recovered.copy is not None:
            window.autosave.adopt(recovered.copy)
        window.link.mark_unsaved_requested.emit()
    if note:
        window.show_message(note)
    window.autosave.start()
    do_steps_from_environment(window)
