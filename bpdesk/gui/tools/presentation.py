"""Teach → Presentation mode, its text size and high contrast: the window set up for a lecture."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu

from bpdesk.gui.shell import settings
from bpdesk.gui.shell.theme import apply_theme, high_contrast_palette
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.tools.lesson_bar import LessonBar

__all__ = ["DEFAULT_PRESENTATION_SCALE", "PRESENTATION_SCALES", "Presentation", "window_action"]

PRESENTATION_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5)
DEFAULT_PRESENTATION_SCALE = 1.75


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
        self, host: ToolHost, menu: QMenu, lesson_bar: LessonBar, keep: Sequence[QDockWidget]
    ) -> None:
        super().__init__(host.as_parent())
        self.host = host
        self.lesson_bar = lesson_bar
        self.keep = list(keep)  # the tools' docks shown while presenting
        self._presenting = False
        self._saved_scale = 1.0
        self.presentation_scale = DEFAULT_PRESENTATION_SCALE
        self.action_presentation = window_action(
            host, "action_presentation", "Presentation mode", ["F11"]
        )
        self.action_presentation.setCheckable(True)
        self.action_presentation.toggled.connect(self.set_presentation)
        menu.addAction(self.action_presentation)
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
        if self._presenting:
            self.host.set_font_scale(scale, remember=False)
            self.lesson_bar.set_font_scale(scale)

    @Slot(bool)
    def set_presentation(self, on: bool) -> None:
        """Full screen, large text, only the panels a lecture needs."""
        if on == self._presenting:
            return
        self._presenting = on
        host = self.host
        if on:
            self._saved_scale = host.font_scale
            host.set_presenting(True, self.keep)
            host.set_font_scale(self.presentation_scale, remember=False)  # not a preference
            self.lesson_bar.set_font_scale(self.presentation_scale)
        else:
            host.set_presenting(False)
            host.set_font_scale(self._saved_scale)
            self.lesson_bar.set_font_scale(1.0)
        if self.action_presentation.isChecked() != on:
            self.action_presentation.setChecked(on)

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
