"""Teach → Lessons: every shipped lesson, Open lesson… for a lecturer's own, and the player."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu

from bpdesk.core.errors import BpdeskError
from bpdesk.core.teaching.lesson import load_lesson
from bpdesk.gui.shell.session_files import FileChooser
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.tools.lesson_bar import LessonBar
from bpdesk.gui.tools.lesson_player import LessonPlayer
from bpdesk.gui.tools.presentation import window_action
from bpdesk.resources import resource_path

__all__ = ["LESSON_FILTER", "Lessons", "lesson_files"]

LESSON_FILTER = "bpdesk lessons (*.json);;All files (*)"
FIRST_LESSON = "lecture.json"


def lesson_files() -> list[Path]:
    """The shipped lessons: the worked example first, then the others by file name."""
    folder = resource_path("lessons")
    files = sorted(folder.glob("*.json"), key=lambda p: (p.name != FIRST_LESSON, p.name))
    return [f for f in files if f.is_file()]


def _title(path: Path) -> str:
    """A lesson file's title for the menu (its file name if it cannot be read)."""
    try:
        title = json.loads(path.read_text(encoding="utf-8")).get("title")
    except (OSError, ValueError, AttributeError):
        return path.stem
    return title if isinstance(title, str) and title.strip() else path.stem


class Lessons(QObject):
    """The Lessons sub-menu, Open lesson…, and the :class:`LessonPlayer` they start."""

    def __init__(
        self,
        host: ToolHost,
        menu: QMenu,
        bar: LessonBar,
        dock: QDockWidget,
        show_view: Callable[[str], None],
        views: Callable[[], list[str]],
    ) -> None:
        super().__init__(host.as_parent())
        self.host = host
        self.dock = dock
        self._views = views
        self.player = LessonPlayer(host, bar, show_view)
        self.player.slide_shown.connect(lambda _index: dock.show())
        # Asks for a lesson file: (mode "open", suggested folder) → path, "" for cancel.
        self.chooser: FileChooser = self._choose_file
        self.menu = menu.addMenu("&Lessons")
        self.menu.setObjectName("menu_lessons")
        self.action_lecture = window_action(
            host, "action_lesson", "Lesson: the lecture's worked example"
        )
        self.action_lecture.triggered.connect(self.open_lecture_lesson)
        self.menu.aboutToShow.connect(self._fill)
        self._fill()
        self.action_open = window_action(host, "action_open_lesson", "Open lesson…")
        self.action_open.triggered.connect(self.choose_lesson)
        menu.addAction(self.action_open)

    @Slot()
    def _fill(self) -> None:
        """The shipped lessons (read again each time: a lecturer may have added one)."""
        self.menu.clear()
        self.menu.addAction(self.action_lecture)
        for path in lesson_files():
            if path.name == FIRST_LESSON:
                continue
            action = self.menu.addAction(_title(path))
            action.setObjectName(f"action_lesson_{path.stem}")
            action.triggered.connect(lambda _=False, p=str(path): self.open_lesson(p))

    def _choose_file(self, mode: str, suggested: str) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self.host.as_parent(), "Open a lesson", suggested, LESSON_FILTER
        )
        return path

    @Slot()
    def open_lecture_lesson(self) -> bool:
        return self.open_lesson(str(resource_path("lessons", FIRST_LESSON)))

    @Slot()
    def choose_lesson(self) -> bool:
        """Teach → Open lesson…: a lesson file chosen by the person (False: none opened)."""
        path = self.chooser("open", os.path.expanduser("~"))
        return bool(path) and self.open_lesson(path)

    def open_lesson(self, path: str) -> bool:
        """Read, check and start the lesson in ``path``. A file that cannot be used gets
        one plain message and changes nothing (False)."""
        try:
            lesson = load_lesson(path, self._views())
        except BpdeskError as error:
            self.host.show_message(str(error))
            return False
        return self.player.play(lesson)  # the bar shows once the first slide is reached

    def close(self) -> None:
        self.player.close()
        self.dock.hide()
