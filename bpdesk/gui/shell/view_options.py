"""The window's view options: text size, light or dark theme, and the presentation layout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QByteArray, QObject, Slot
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow

from bpdesk.gui.shell import settings
from bpdesk.gui.shell.theme import apply_theme, clamp_font_scale

__all__ = ["FONT_STEP", "Scalable", "ViewOptions"]

FONT_STEP = 1.15  # Larger text / Smaller text multiply or divide the scale by this


class Scalable(Protocol):
    """A view whose text grows and shrinks with the window's text size."""

    def set_font_scale(self, scale: float) -> None: ...


class ViewOptions(QObject):
    """Applies one text size to every view, switches the theme, lays out presentation mode."""

    def __init__(self, window: QMainWindow, views: Sequence[Scalable]) -> None:
        super().__init__(window)
        self._window = window
        self._views = list(views)
        self._scale = clamp_font_scale(settings.font_scale())
        self._saved_state = QByteArray()
        self._presenting = False

    # ------------------------------------------------------------ text size
    @property
    def font_scale(self) -> float:
        return self._scale

    def apply_font_scale(self) -> None:
        for view in self._views:
            view.set_font_scale(self._scale)

    def set_font_scale(self, scale: float, *, remember: bool = True) -> None:
        """Every view's text size, clamped to the one text-size rule; ``remember`` keeps it
        as the preference for the next start."""
        self._scale = clamp_font_scale(scale)
        if remember:
            settings.set_font_scale(self._scale)
        self.apply_font_scale()

    @Slot()
    def larger_text(self) -> None:
        self.set_font_scale(self._scale * FONT_STEP)

    @Slot()
    def smaller_text(self) -> None:
        self.set_font_scale(self._scale / FONT_STEP)

    # ------------------------------------------------------------ theme
    @Slot(bool)
    def set_dark_theme(self, dark: bool) -> None:
        name = "dark" if dark else "light"
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        settings.set_theme(name)

    # ------------------------------------------------------------ presentation layout
    def set_presenting(self, on: bool, keep: Sequence[QDockWidget] = ()) -> None:
        """Full screen with only the docks in ``keep`` (on); the layout from before (off)."""
        window = self._window
        if on == self._presenting:
            return
        self._presenting = on
        if on:
            self._saved_state = window.saveState()
            for dock in window.findChildren(QDockWidget):
                if dock not in keep:
                    dock.hide()
            window.showFullScreen()
        else:
            window.showNormal()
            window.restoreState(self._saved_state)
