"""The desk's default layout: how wide the docks are, and panels that scroll instead of clip.

The drawing in the middle is what a lecture points at, so on a small window (narrower than
``NARROW_WIDTH``) it gets at least ``NARROW_CANVAS_SHARE`` of the width and the Parameters
dock is narrower (its table scrolls sideways). Every dock's content sits in a scroll area:
at large text sizes a panel keeps its readable size and scrolls rather than squeezing its
neighbours or pushing the window wider than the screen.

While the docks keep the widths this module gave them, a resized window gets the default
proportions again; once a separator was dragged, the user's widths stay.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QTabBar, QWidget

__all__ = [
    "NARROW_CANVAS_SHARE",
    "NARROW_WIDTH",
    "DeskLayout",
    "keep_tab_titles",
    "least_width",
    "parameters_share",
    "plot_minimum",
    "scrolling",
]

NARROW_WIDTH = 1400  # windows narrower than this give the drawing the larger share
NARROW_CANVAS_SHARE = 0.62  # at least this much of a narrow window's width is the drawing
WIDE_PARAMETERS_SHARE = 0.30  # the Parameters dock's share of a wide window
BOTTOM_SHARE = 0.33  # the derivation and the error plot share this much of the height
LOW_BOTTOM_SHARE = 0.38  # ... of a window lower than LOW_HEIGHT (the plot needs its room)
LOW_HEIGHT = 900
DERIVATION_SHARE = 0.55  # the derivation's part of the width below the drawing
MOST_SECOND_SHARE = 0.6  # the error plot takes at most this part to fit its controls
PLOT_AREA = QSize(160, 110)  # a plot's drawing area never gets smaller than this
TOLERANCE = 3  # pixels a dock may differ from the width given it and still count as untouched


def parameters_share(width: int) -> float:
    """The Parameters dock's share of a window ``width`` pixels wide."""
    if width < NARROW_WIDTH:
        return 1.0 - NARROW_CANVAS_SHARE - 0.03  # margins and the separator take the rest
    return WIDE_PARAMETERS_SHARE


def plot_minimum(font: QFont) -> QSize:
    """The least size of a plot drawn in ``font`` that leaves its drawing area (the view box)
    at least ``PLOT_AREA`` pixels, beside the tick labels and under the title."""
    line = QFontMetrics(font).height()
    return QSize(PLOT_AREA.width() + 5 * line, PLOT_AREA.height() + 4 * line)


def least_width(dock: QDockWidget) -> int:
    """The width ``dock``'s content needs to show without scrolling sideways."""
    content: QWidget | None = dock.widget()
    if isinstance(content, QScrollArea) and content.widget() is not None:
        content = content.widget()
    return content.minimumSizeHint().width() if content is not None else 0


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` inside a frameless scroll area that follows its size (scrolls only when
    the dock is smaller than the widget's minimum)."""
    area = QScrollArea()
    area.setObjectName(f"scroll_{widget.objectName() or type(widget).__name__}")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class DeskLayout(QObject):
    """Sizes ``side`` (the Parameters dock, right) and ``bottom`` (the derivation and the
    error plot) of ``window``, again on each resize until the user drags a separator."""

    def __init__(
        self, window: QMainWindow, side: QDockWidget, bottom: Sequence[QDockWidget]
    ) -> None:
        super().__init__(window)
        self._window = window
        self._side = side
        self._bottom = list(bottom)
        self._given: dict[QDockWidget, int] = {}
        self.follows_window = True  # False once the user changed a dock's width
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self._follow)
        window.installEventFilter(self)

    def apply(self) -> None:
        """The default proportions for the window's size now."""
        window = self._window
        width, height = window.width(), window.height()
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        side = int(width * parameters_share(width))
        window.resizeDocks([self._side], [side], horizontal)
        share = LOW_BOTTOM_SHARE if height < LOW_HEIGHT else BOTTOM_SHARE
        window.resizeDocks(self._bottom, [int(height * share)] * len(self._bottom), vertical)
        if len(self._bottom) == 2:
            # The second (the error plot) gets the width its controls need, up to a share.
            second = max(int(width * (1 - DERIVATION_SHARE)), least_width(self._bottom[1]))
            second = min(second, int(width * MOST_SECOND_SHARE))
            window.resizeDocks(self._bottom, [width - second, second], horizontal)
        self._given = {self._side: side}
        keep_tab_titles(window)

    def _follow(self) -> None:
        """After a resize: the default proportions, unless following stopped meanwhile
        (presentation mode, or a restored layout)."""
        if self.follows_window:
            self.apply()

    def stop_following(self) -> None:
        """A remembered layout was restored: leave its widths alone."""
        self.follows_window = False

    def _untouched(self) -> bool:
        """Whether the docks still have the widths :meth:`apply` gave them."""
        return all(
            not dock.isVisible() or dock.isFloating() or abs(dock.width() - given) <= TOLERANCE
            for dock, given in self._given.items()
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On a resize of the window, the default proportions again while untouched."""
        if watched is self._window and event.type() == QEvent.Type.Resize and self.follows_window:
            if self._given and not self._untouched():
                self.follows_window = False
            else:
                self._pending.start()
        return super().eventFilter(watched, event)


def keep_tab_titles(window: QWidget) -> None:
    """Tab titles in full: the tab bars of docks on top of each other scroll instead of
    cutting a title short (they are made by Qt when docks are tabbed, so asked for again)."""
    for bar in window.findChildren(QTabBar):
        bar.setElideMode(Qt.TextElideMode.ElideNone)
        bar.setUsesScrollButtons(True)
        bar.setExpanding(False)
