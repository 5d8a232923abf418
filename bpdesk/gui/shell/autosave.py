"""Crash recovery: the open lesson autosaved while unsaved, and offered back after a crash."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Slot
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
    "RESTORE_VARIABLE",
    "STEPS_VARIABLE",
    "Autosave",
    "AutosaveFiles",
    "Recovered",
    "ask_with_dialog",
    "autosave_files",
    "do_steps_from_environment",
    "interval_ms",
    "offer_restore",
    "restore_question",
    "start_autosaving",
]

DATA_DIR_VARIABLE = "BPDESK_DATA_DIR"  # the user data folder (tests keep theirs apart)
INTERVAL_VARIABLE = "BPDESK_AUTOSAVE_SECONDS"  # seconds between autosaves (tests: short)
RESTORE_VARIABLE = "BPDESK_RESTORE"  # "yes" or "no" answers the restore question (tests)
STEPS_VARIABLE = "BPDESK_STEPS"  # step commands done once the window is up (tests)
INTERVAL_SECONDS = 30.0
MIN_INTERVAL_SECONDS = 0.05
SESSION_NAME = "autosave.bpdesk"
ORIGIN_NAME = "autosave-origin.txt"  # the document's own file, "" for an unsaved lesson

# Asks the restore question: True restore, False discard, None not asked (left for later).
Asker = Callable[[str], "bool | None"]


@dataclass(frozen=True)
class AutosaveFiles:
    """The autosaved session and the note of which file it is a copy of."""

    session: Path
    origin: Path

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
        for path in (self.session, self.origin):
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


def autosave_files() -> AutosaveFiles:
    folder = data_folder()
    return AutosaveFiles(folder / SESSION_NAME, folder / ORIGIN_NAME)


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
        self.enabled = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms() if interval is None else int(interval))
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        """Autosave from now on (to ``files``, or the user data folder's copy)."""
        files = self.files = self.files or autosave_files()
        self.enabled = True
        self._link.autosave_to_requested.emit(str(files.session), str(files.origin))
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
        self.enabled = False


# ------------------------------------------------------------ at start-up
@dataclass(frozen=True)
class Recovered:
    """A lesson restored from its autosave, and the file it was a copy of ("" none)."""

    stepper: Stepper
    path: str


def _age(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute before"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} before"
    hours = minutes // 60
    return f"{hours} hour{'s' if hours != 1 else ''} before"


def restore_question(saved_at: float, now: float) -> str:
    """The question, saying when the copy was made, e.g. "…at 21:53 (2 minutes before)?"."""
    moment = time.localtime(saved_at)
    when = time.strftime("%H:%M", moment)
    if time.strftime("%Y-%m-%d", moment) != time.strftime("%Y-%m-%d", time.localtime(now)):
        when = time.strftime("%d %B at %H:%M", moment).lstrip("0")
        return f"bpdesk closed unexpectedly. Restore the lesson autosaved on {when}?"
    return (
        f"bpdesk closed unexpectedly. Restore the lesson autosaved at {when} "
        f"({_age(max(0.0, now - saved_at))})?"
    )


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


def offer_restore(
    files: AutosaveFiles, ask: Asker, now: float | None = None
) -> tuple[Recovered | None, str]:
    """After a crash (an autosave is left): ask, and open the copy or discard it.

    Returns the restored lesson (or None) and a note for the person ("" when none).
    A copy that cannot be read is discarded with a note, never raised.
    """
    if not files.exists():
        return None, ""
    unreadable = "The autosaved lesson could not be read, so it was discarded."
    try:
        saved_at = files.saved_at()
    except OSError:
        files.remove()
        return None, unreadable
    answer = _answer_from_environment()
    if answer is None:
        answer = ask(restore_question(saved_at, time.time() if now is None else now))
    if answer is None:
        return None, ""
    if not answer:
        files.remove()
        return None, ""
    try:
        stepper = documents.open_source(files.session)
    except Exception:  # whatever is wrong with it, the person only needs to know it is gone
        files.remove()
        return None, unreadable
    note = "The autosaved lesson is restored; save it to keep it."
    return Recovered(stepper, files.origin_path()), note


def do_steps_from_environment(window: MainWindow) -> None:
    """Test hook: the step commands in ``$BPDESK_STEPS`` (e.g. "full,full"), sent once the
    first snapshot is shown."""
    text = os.environ.get(STEPS_VARIABLE, "")
    if not text.strip():
        return
    try:
        commands = parse_commands(text)
    except ConfigError as error:
        window.show_message(str(error))
        return

    def send(_snapshot: object) -> None:
        window.snapshot_shown.disconnect(send)
        window.request_commands(commands)

    window.snapshot_shown.connect(send)


def start_autosaving(window: MainWindow, *, restored: bool, note: str = "") -> None:
    """The interactive app's window: a restored lesson counts as unsaved (Save goes to its
    own file, if it had one), and autosaving starts."""
    if restored:
        window.link.mark_unsaved_requested.emit()
    if note:
        window.show_message(note)
    window.autosave.start()
    do_steps_from_environment(window)
