"""The window's view options: text size, light or dark theme, and the presentation layout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, cast

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, Qt, QTimer, Slot
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
        self._saved_geometry = QRect()
        self._saved_window_state = Qt.WindowState.WindowNoState
        self._presenting = False
        self._status_shown = True
        self._desk_followed = False  # whether the desk's default widths followed the window
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
            self._saved_geometry = window.geometry()
            self._saved_window_state = window.windowState()
            # Full screen is no new desk size: the desk's default widths do not follow it.
            self._desk_followed = bool(getattr(getattr(window, "desk", None), "follows_window", 0))
            self._set_desk_following(False)
            self._status_shown = window.statusBar().isVisibleTo(window)
            window.statusBar().hide()  # the drawing's room: the derivation says what was done
            for dock in window.findChildren(QDockWidget):
                if dock not in keep:
                    dock.hide()
            window.showFullScreen()
            self._fill_screen(list(keep))
        else:
            window.removeEventFilter(self)
            for dock in self._docks:
                dock.setTitleBarWidget(cast(QWidget, None))  # the dock's own title again
            self._docks = []
            self._restore_window()
            window.restoreState(self._saved_state)
            # Once more when the window has its size again (maximising may take a moment).
            QTimer.singleShot(0, self._restore_docks)
            window.statusBar().setVisible(self._status_shown)

    def _restore_docks(self) -> None:
        if self._presenting:
            return
        self._window.restoreState(self._saved_state)
        self._set_desk_following(self._desk_followed)

    def _set_desk_following(self, on: bool) -> None:
        """The desk layout (desk_layout.DeskLayout, when the window has one) re-applies its
        default widths on a resize while it follows the window."""
        desk = getattr(self._window, "desk", None)
        if desk is not None and hasattr(desk, "follows_window"):
            desk.follows_window = on

    def _restore_window(self) -> None:
        """The window's place, size and maximised or normal state from before presenting."""
        window = self._window
        was = self._saved_window_state & ~Qt.WindowState.WindowFullScreen
        if was & Qt.WindowState.WindowMaximized:
            window.showMaximized()
        else:
            window.showNormal()
            # Its own rectangle, not restoreGeometry(), which would fit it into the screen.
            window.setGeometry(self._saved_geometry)

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
