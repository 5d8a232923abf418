"""The lesson's file: New, Open, Open Recent, Save, Save As, and asking before work is lost."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from bpdesk.gui.shell import settings
from bpdesk.gui.shell.worker_link import WorkerLink

__all__ = ["NO_PROMPTS_VARIABLE", "FileChooser", "SessionFiles"]

NO_PROMPTS_VARIABLE = "BPDESK_NO_PROMPTS"
SESSION_FILTER = "bpdesk sessions (*.bpdesk);;All files (*)"

# Chooses a file: (mode "open" or "save", suggested path) → the path, or "" for cancel.
FileChooser = Callable[[str, str], str]


class SessionFiles(QObject):
    """Which file the lesson is in, whether it changed since, and the commands on it."""

    changed = Signal()  # the file's path or its modified flag changed (the title follows)
    saved = Signal(str)  # the session was saved to this path

    def __init__(self, window: QWidget, link: WorkerLink) -> None:
        super().__init__(window)
        self._window = window
        self._link = link
        self.chooser: FileChooser = self._choose_file
        self.path = ""
        self.modified = False
        self._after_save: Callable[[], object] | None = None
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.setObjectName("menu_recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        link.worker.saved.connect(self._on_saved)
        link.worker.document_changed.connect(self._on_document)

    def title(self) -> str:
        """The window title for this file (``[*]`` marks unsaved changes)."""
        name = os.path.basename(self.path) if self.path else "untitled lesson"
        return f"{name}[*] — bpdesk"

    # ------------------------------------------------------------ choosing
    def _choose_file(self, mode: str, suggested: str) -> str:
        parent = self._window
        if mode == "open":
            path, _ = QFileDialog.getOpenFileName(
                parent, "Open a session", suggested, SESSION_FILTER
            )
            return path
        path, _ = QFileDialog.getSaveFileName(parent, "Save the session", suggested, SESSION_FILTER)
        if path and not os.path.splitext(path)[1]:
            path += ".bpdesk"
        return path

    def _suggested_folder(self) -> str:
        if self.path:
            return os.path.dirname(self.path)
        recent = settings.recent_files()
        return os.path.dirname(recent[0]) if recent else os.path.expanduser("~")

    def confirm_discard(self, then: Callable[[], object]) -> bool:
        """Ask before unsaved work is dropped. True: go ahead now. False: cancelled, or
        ``then`` runs once the session has been saved."""
        if not self.modified or os.environ.get(NO_PROMPTS_VARIABLE) == "1":
            return True
        answer = QMessageBox.question(
            self._window,
            "Unsaved changes",
            "This session has changes that are not saved. Save them first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Discard:
            return True
        if answer == QMessageBox.StandardButton.Save:
            self.save(then)
        return False

    # ------------------------------------------------------------ commands
    def open_source(self, source: str) -> None:
        """Open a session file or a preset (asks about unsaved changes first)."""
        if self.confirm_discard(lambda: self._link.open_source(source)):
            self._link.open_source(source)

    @Slot()
    def new(self) -> None:
        self.open_source("lecture")

    @Slot()
    def open(self) -> None:
        path = self.chooser("open", self._suggested_folder())
        if path:
            self.open_source(path)

    def save(self, then: Callable[[], object] | None = None) -> None:
        """Save to the session's file (asks for one the first time)."""
        if not self.path:
            self.save_as(then)
            return
        self._after_save = then if callable(then) else None
        self._link.save_requested.emit(self.path)

    def save_as(self, then: Callable[[], object] | None = None) -> None:
        suggested = self.path or os.path.join(self._suggested_folder(), "lesson.bpdesk")
        path = self.chooser("save", suggested)
        if path:
            self._after_save = then if callable(then) else None
            self._link.save_requested.emit(path)

    def forget_follow_up(self) -> None:
        """A command failed: what was to follow a save does not happen."""
        self._after_save = None

    @Slot()
    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        files = settings.recent_files()
        if not files:
            empty = menu.addAction("(no recent files)")
            empty.setEnabled(False)
            return
        for path in files:
            action = menu.addAction(os.path.basename(path))
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_source(p))

    # ------------------------------------------------------------ from the worker
    @Slot(str)
    def _on_saved(self, path: str) -> None:
        self.saved.emit(path)
        settings.add_recent_file(path)
        follow_up, self._after_save = self._after_save, None
        if follow_up is not None:
            follow_up()

    @Slot(str, bool)
    def _on_document(self, path: str, modified: bool) -> None:
        if path and path != self.path and os.path.isfile(path):
            settings.add_recent_file(path)
        self.path, self.modified = path, modified
        self.changed.emit()
