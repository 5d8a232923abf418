"""Plays a lesson in the window: slides forward and back, each through the window's guard.

A slide that only takes commands sends them; going back within the same fresh start is a
reset and a replay; a slide that opens a source or changes settings opens it afresh (its
settings written into a session file of the lesson's own, so one open brings both) and
then replays. Should the window ask about unsaved changes first, the commands wait for the
newly opened state to arrive, so a cancelled question leaves the old state untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from bpdesk.core.engine.trainer import TrainConfig
from bpdesk.core.errors import BpdeskError
from bpdesk.core.files import documents
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.lesson import Lesson, Route, Start
from bpdesk.gui.shell.session_files import NO_PROMPTS_VARIABLE
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.tools.lesson_bar import LessonBar

__all__ = ["LessonPlayer"]

BUSY = (
    "The lesson waits for the step or run in progress: pause it or let it finish, then try again."
)


@dataclass(frozen=True)
class _Awaited:
    """A slide whose source was asked to open: its commands go once the open shows."""

    slide: int
    commands: tuple[str, ...]
    config: TrainConfig | None  # the settings the opened state has (None: the source's own)
    going_back: bool
    deferred: bool  # the window may ask first: the slide is shown once the open arrives
    lesson: Lesson  # the lesson it belongs to (a new one is played only once it opens)


class LessonPlayer(QObject):
    """The lesson being played, its current slide, and the way from one slide to another."""

    slide_shown = Signal(int)  # a slide's state was asked for and its caption is shown

    def __init__(self, host: ToolHost, bar: LessonBar, show_view: Callable[[str], None]) -> None:
        super().__init__(host.as_parent())
        self.host = host
        self.bar = bar
        self._show_view = show_view
        self.lesson: Lesson | None = None
        self.slide = 0
        self._awaited: _Awaited | None = None
        self._folder: str | None = None  # where the lesson's session files go
        host.snapshot_shown.connect(self._on_snapshot)

    # ------------------------------------------------------------ playing
    def play(self, lesson: Lesson) -> bool:
        """Start ``lesson`` at its first slide (False: the window refused)."""
        if not self.host.request_commands([]):
            self.host.show_message(BUSY)
            return False
        previous, self.lesson = self.lesson, lesson
        self._awaited = None
        opening = Route(lesson.start(0), False, lesson.commands_to(0))
        played = self._go(opening, 0, going_back=False)
        if not played or (self._awaited is not None and self._awaited.deferred):
            self.lesson = previous  # until the new lesson's source has really opened
        return played

    def next_slide(self) -> bool:
        """The next slide (False: none, or refused while a step or run goes)."""
        if self.lesson is None or self.slide + 1 >= len(self.lesson.slides):
            return False
        return self._go(self.lesson.route(self.slide, self.slide + 1), self.slide + 1, False)

    def previous_slide(self) -> bool:
        """Back one slide, its state rebuilt exactly (False: none, or refused)."""
        if self.lesson is None or self.slide == 0:
            return False
        return self._go(self.lesson.route(self.slide, self.slide - 1), self.slide - 1, True)

    def first_slide(self) -> bool:
        """Slide 1, its state rebuilt exactly (False: no lesson, or refused)."""
        if self.lesson is None:
            return False
        return self._go(self.lesson.route(self.slide, 0), 0, True)

    def close(self) -> None:
        self.lesson = None
        self._awaited = None

    def _go(self, route: Route, target: int, going_back: bool) -> bool:
        awaited = self._awaited
        if awaited is not None and not awaited.deferred:
            # The open is on its way and its slide shown: what follows waits behind it.
            if route.start is not None:
                self.host.show_message(BUSY)
                return False
            queued = route.commands if route.reset else awaited.commands + route.commands
            self._awaited = replace(awaited, commands=queued)
            self._arrive(target, going_back)
            return True
        self._awaited = None  # a question about unsaved changes was answered "Cancel"
        if route.start is None:
            commands = ("reset", *route.commands) if route.reset else route.commands
            # A slide with nothing to do is only words: it may follow a run still going.
            if commands and not self.host.request_commands(commands):
                self.host.show_message(BUSY)
                return False
            self._arrive(target, going_back)
            return True
        if not self.host.request_commands([]):
            self.host.show_message(BUSY)
            return False
        return self._open(route.start, route.commands, target, going_back)

    def _open(self, start: Start, commands: tuple[str, ...], target: int, back: bool) -> bool:
        """Open ``start`` afresh, then send ``commands``; False (nothing changed) if the
        start cannot be built."""
        source, config = start.source, None
        if start.settings:
            assert self.lesson is not None
            where = self.lesson.slides[start.slide].title or f"slide {start.slide + 1}"
            try:
                source, config = self._session_for(start)
            except BpdeskError as error:
                self.host.show_message(f"The lesson cannot show “{where}”: {error}")
                return False
            except OSError:
                self.host.show_message(
                    f"The lesson cannot show “{where}”: there is no room to keep its settings "
                    "in the temporary folder (is the disk full?)."
                )
                return False
        parent = self.host.as_parent()
        asks = parent.isWindowModified() and os.environ.get(NO_PROMPTS_VARIABLE) != "1"
        # The commands go once the opened state has arrived (the window's guard then counts
        # them right); unless the window may ask about unsaved changes, the slide shows now.
        assert self.lesson is not None
        self._awaited = _Awaited(target, commands, config, back, asks, self.lesson)
        self.host.open_source(source)
        if not asks:
            self._arrive(target, back)
        return True

    def _session_for(self, start: Start) -> tuple[str, TrainConfig]:
        """A session file holding ``start`` (its source with its settings), written into the
        lesson's own folder, and the settings it holds."""
        stepper = start.build()
        if self._folder is None or not os.path.isdir(self._folder):
            self._folder = tempfile.mkdtemp(prefix="bpdesk-lesson-")
        # Named after the lesson and slide: the window's title then says whose copy it is.
        assert self.lesson is not None
        lesson = Path(self.lesson.path).stem if self.lesson.path else "lesson"
        path = os.path.join(self._folder, f"{lesson}, slide {start.slide + 1}.bpdesk")
        documents.save_session(path, stepper)
        return path, stepper.trainer.config

    @Slot(object)
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        awaited = self._awaited
        if awaited is None or snapshot.can_step_back:
            return
        if awaited.config is not None and snapshot.config != awaited.config:
            return
        self._awaited = None
        if awaited.commands and not self.host.request_commands(awaited.commands):
            self.host.show_message(BUSY)
        if awaited.deferred:
            self.lesson = awaited.lesson
            self._arrive(awaited.slide, awaited.going_back)

    def _arrive(self, index: int, going_back: bool) -> None:
        """Slide ``index`` is being reached: its caption, and the view it shows."""
        lesson = self.lesson
        assert lesson is not None
        self.slide = index
        slide = lesson.slides[index]
        self.bar.show_slide(lesson.title, slide.title, slide.caption, index, len(lesson.slides))
        view = lesson.view(index, going_back)
        if view is not None:
            self._show_view(view)
        self.slide_shown.emit(index)
