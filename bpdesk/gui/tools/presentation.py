"""Teach → Presentation mode, its text size and high contrast: the window set up for a lecture.

The keys a presenter remote sends: F5 starts from the start (a lesson's first slide),
Shift+F5 from where the desk is, Esc leaves (only while presenting, and never while a field
is being edited: Esc is the field's), "." blanks the screen (any key or click brings it
back), F11 switches presentation mode on and off; Page Up / Page Down step (teach_menu.py).
Leaving gives back the desk exactly: docks, window geometry, text size, theme and contrast;
what was shown while presenting (its docks, its text size, its contrast) comes back next time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDockWidget, QMenu, QWidget

from bpdesk.gui.shell import settings
from bpdesk.gui.shell.blank_screen import BlankScreen
from bpdesk.gui.shell.theme import apply_theme, high_contrast_palette
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.tools.lesson_bar import LessonBar

__all__ = [
    "BLANK_KEYS",
    "DEFAULT_PRESENTATION_SCALE",
    "PRESENTATION_SCALES",
    "Presentation",
    "window_action",
]

PRESENTATION_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5)
DEFAULT_PRESENTATION_SCALE = 1.75
# "." blanks, as in every slide program. ("B", PowerPoint's other one, is bpdesk's Backward.)
BLANK_KEYS = (".",)


def window_action(host: ToolHost, name: str, text: str, keys: Sequence[str] = ()) -> QAction:
    """An action named ``name`` whose keys work anywhere in the host window."""
    action = QAction(text, host.as_parent())
    action.setObjectName(name)
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
    host.add_window_action(action)
    return action


class Presentation(QObject):
    """Full screen, large text, only the panels a lecture needs; and a high-contrast look."""

    def __init__(
        self,
        host: ToolHost,
        menu: QMenu,
        lesson_bar: LessonBar,
        keep: Sequence[QDockWidget],
        first_slide: Callable[[], bool] = lambda: False,
    ) -> None:
        super().__init__(host.as_parent())
        self.host = host
        self.lesson_bar = lesson_bar
        self.keep = list(keep)  # the tools' docks shown while presenting
        self._first_slide = first_slide  # a lesson's slide 1 (False: no lesson)
        self._presenting = False
        self._saved_scale = 1.0
        self._desk_contrast = False
        self._desk_dark = False
        self._shown: set[str] | None = None  # the docks open when presenting last ended
        self._contrast: bool | None = None  # the contrast chosen while presenting last time
        self.presentation_scale = DEFAULT_PRESENTATION_SCALE
        self.blank_screen = BlankScreen(host.as_parent())
        self._build_actions(menu)

    def _build_actions(self, menu: QMenu) -> None:
        host = self.host
        self.action_presentation = window_action(
            host, "action_presentation", "Presentation mode", ["F11"]
        )
        self.action_presentation.setCheckable(True)
        self.action_presentation.toggled.connect(self.set_presentation)
        self.action_start = window_action(
            host, "action_present_from_start", "Present from the start", ["F5"]
        )
        self.action_start.triggered.connect(self.start_from_beginning)
        self.action_start_here = window_action(
            host, "action_present_from_here", "Present from here", ["Shift+F5"]
        )
        self.action_start_here.triggered.connect(lambda: self.set_presentation(True))
        self.action_leave = window_action(host, "action_leave_presentation", "Leave", ["Esc"])
        self.action_leave.setEnabled(False)  # Esc is everybody else's while not presenting
        self.action_leave.triggered.connect(self._on_escape)
        self.action_blank = window_action(host, "action_blank_screen", "Blank screen", BLANK_KEYS)
        self.action_blank.triggered.connect(self.blank_screen.toggle)
        menu.addActions([self.action_presentation, self.action_start, self.action_start_here])
        menu.addAction(self.action_blank)
        sizes = menu.addMenu("Presentation text size")
        group = QActionGroup(self)
        self.scale_actions: dict[float, QAction] = {}
        for scale in PRESENTATION_SCALES:
            action = QAction(f"{round(scale * 100)} %", self)
            action.setCheckable(True)
            action.setChecked(scale == DEFAULT_PRESENTATION_SCALE)
            action.triggered.connect(lambda _=False, s=scale: self.set_scale(s))
            group.addAction(action)
            sizes.addAction(action)
            self.scale_actions[scale] = action
        self.action_contrast = window_action(host, "action_high_contrast", "High contrast")
        self.action_contrast.setCheckable(True)
        self.action_contrast.toggled.connect(self.set_high_contrast)
        menu.addAction(self.action_contrast)

    @property
    def presenting(self) -> bool:
        return self._presenting

    def set_scale(self, scale: float) -> None:
        """The text size while presenting (the remembered text size is not changed)."""
        self.presentation_scale = scale
        for value, action in self.scale_actions.items():
            action.setChecked(value == scale)
        if self._presenting:
            self.host.set_font_scale(scale, remember=False)
            self.lesson_bar.set_font_scale(scale)

    @Slot()
    def start_from_beginning(self) -> None:
        """F5: presentation mode from the start (with a lesson open, its first slide)."""
        self.set_presentation(True)
        self._first_slide()

    def _edits(self, widget: QObject) -> bool:
        """Whether Esc in ``widget`` is its own: the canvas's inline editor, a table's cell
        editor (Esc cancels the edit), a dialog or a menu of the window (Esc closes it)."""
        if not isinstance(widget, QWidget):
            return False
        if widget is self.host.canvas.editor() or widget.window() is not self.host.as_parent():
            return True  # the canvas's editor; a dialog or a menu (Esc closes it)
        viewport = widget.parentWidget()
        return viewport is not None and isinstance(viewport.parentWidget(), QAbstractItemView)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While presenting, Esc in an edit, a dialog or a menu is theirs (no leaving)."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self._edits(watched)
        ):
            event.accept()
            return True
        return False

    @Slot()
    def _on_escape(self) -> None:
        """Esc while presenting: leave (an edit under way took its Esc before, see above)."""
        self.set_presentation(False)

    @Slot(bool)
    def set_presentation(self, on: bool) -> None:
        """Full screen, large text, only the panels a lecture needs; off: the desk as it was."""
        if on == self._presenting:
            return
        self._presenting = on
        if on:
            self._enter()
        else:
            self._leave()
        self.action_leave.setEnabled(on)
        app = QApplication.instance()
        if app is not None:
            if on:
                app.installEventFilter(self)
            else:
                app.removeEventFilter(self)
        if self.action_presentation.isChecked() != on:
            self.action_presentation.setChecked(on)

    def _docks(self) -> list[QDockWidget]:
        return self.host.as_parent().findChildren(QDockWidget)

    def _dark_action(self) -> QAction | None:
        return self.host.as_parent().findChild(QAction, "action_dark_theme")

    def _enter(self) -> None:
        host = self.host
        self._saved_scale = host.font_scale
        self._desk_contrast = self.action_contrast.isChecked()
        dark = self._dark_action()
        self._desk_dark = dark is not None and dark.isChecked()
        shown = self._shown or set()
        again = [d for d in self._docks() if d.objectName() in shown and d not in self.keep]
        host.set_presenting(True, [*self.keep, *again])
        for dock in again:  # what was open while presenting last time
            dock.show()
        host.set_font_scale(self.presentation_scale, remember=False)  # not a preference
        self.lesson_bar.set_font_scale(self.presentation_scale)
        if self._contrast is not None:
            self.action_contrast.setChecked(self._contrast)

    def _leave(self) -> None:
        host = self.host
        self.blank_screen.unblank()
        self._shown = {d.objectName() for d in self._docks() if d.toggleViewAction().isChecked()}
        self._contrast = self.action_contrast.isChecked()
        self.presentation_scale = host.font_scale  # the size chosen while presenting
        for value, action in self.scale_actions.items():
            action.setChecked(value == self.presentation_scale)
        host.set_font_scale(self._saved_scale)  # first: text sizes shape the docks' sizes
        self.lesson_bar.set_font_scale(1.0)
        host.set_presenting(False)
        dark = self._dark_action()
        if dark is not None and dark.isChecked() != self._desk_dark:
            dark.setChecked(self._desk_dark)  # applies the desk's theme (contrast off)
            self.set_high_contrast(self._desk_contrast)
        self.action_contrast.setChecked(self._desk_contrast)

    @Slot(bool)
    def set_high_contrast(self, on: bool) -> None:
        """Pure black on white (or white on black with the dark theme) for bright projectors."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        if on:
            app.setPalette(high_contrast_palette(app.palette()))
        else:
            apply_theme(app, settings.theme())
