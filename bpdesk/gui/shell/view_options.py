"""The window's view options: text size, light or dark theme, and the presentation layout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, cast

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from bpdesk.gui.shell import settings
from bpdesk.gui.shell.theme import apply_theme, clamp_font_scale

__all__ = ["FONT_STEP", "PANEL_SHARE", "Scalable", "ViewOptions"]

FONT_STEP = 1.15  # Larger text / Smaller text multiply or divide the scale by this
PANEL_SHARE = 0.2  # while presenting, the panels below the drawing take this much of the height


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
        self._status_shown = True
        self._docks: list[QDockWidget] = []  # the panels kept while presenting

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
            self._status_shown = window.statusBar().isVisibleTo(window)
            window.statusBar().hide()  # the drawing's room: the derivation says what was done
            for dock in window.findChildren(QDockWidget):
                if dock not in keep:
                    dock.hide()
            window.showFullScreen()
            self._fill_screen(list(keep))
        else:
            window.showNormal()
            window.restoreState(self._saved_state)
            window.removeEventFilter(self)
            window.statusBar().setVisible(self._status_shown)
            for dock in window.findChildren(QDockWidget):
                if isinstance(dock.titleBarWidget(), QWidget):
                    dock.setTitleBarWidget(cast(QWidget, None))  # the dock's own title again

    @property
    def presenting(self) -> bool:
        return self._presenting

    def _fill_screen(self, docks: list[QDockWidget]) -> None:
        """The whole screen the window is on, even where no window manager makes a full-screen
        window fill it (a plain X11 session); the drawing gets most of the height, the panels
        below it a fifth, whatever size the window takes."""
        window = self._window
        self._docks = docks
        for dock in docks:  # no title bars: their room goes to the drawing
            dock.setTitleBarWidget(QWidget(dock))
        window.installEventFilter(self)
        screen = window.screen()
        if screen is not None:
            window.setGeometry(screen.geometry())
        self._share_height()

    def _share_height(self) -> None:
        window = self._window
        if not self._presenting:
            return
        area = Qt.DockWidgetArea.BottomDockWidgetArea
        below = [d for d in self._docks if window.dockWidgetArea(d) == area and d.isVisible()]
        if below:
            height = round(window.height() * PANEL_SHARE)
            window.resizeDocks(below, [height] * len(below), Qt.Orientation.Vertical)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While presenting, a new window size shares the height out again."""
        if watched is self._window and event.type() == QEvent.Type.Resize and self._presenting:
            QTimer.singleShot(0, self._share_height)
        return False
