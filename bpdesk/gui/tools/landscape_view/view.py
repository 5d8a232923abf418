"""The error landscape over two chosen parameters: the choice, the tabs and what they show."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

import bpdesk.gui.tools.landscape_view.paths as paths
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.descent import MAX_SPAN, PathPlan
from bpdesk.core.teaching.landscape import Landscape
from bpdesk.gui.shell.theme import clamp_font_scale
from bpdesk.gui.tools.landscape_view.contour import BASE_POINT_SIZE, ContourMap
from bpdesk.gui.tools.landscape_view.surface import GL_MISSING, Surface3D

__all__ = ["GL_MISSING", "LandscapeView"]

Array = NDArray[np.float64]

DEFAULT_SPAN = 2.0
DEFAULT_SIZE = 61
MAX_PATH = 5000  # beyond this many points, every second older point is dropped
BUSY_AFTER_MS = 500  # a computation still going after this long shows its progress and Cancel
WAITING = "Waiting for a network."
PRESS_COMPUTE = (
    "Pick two parameters and press Compute to draw the error E over them "
    "(every other parameter stays at its current value)."
)


class LandscapeView(QWidget):
    """Draws a ``Landscape`` handed to it; asks for one with ``landscape_requested`` (the
    window then asks ``descent_plan()`` for the paths and range, see PathControls).

    A computation still going after half a second shows a progress bar (driven by
    ``show_progress``, busy until the first report) and a Cancel button, which emits
    ``cancel_requested``; a landscape arriving after Cancel is not drawn.
    """

    landscape_requested = Signal(str, str, float, int)  # first, second, span, grid size
    cancel_requested = Signal()

    def __init__(
        self, parent: QWidget | None = None, font_scale: Callable[[], float] | None = None
    ) -> None:
        """``font_scale``, when given, tells the window's text size: followed when shown."""
        super().__init__(parent)
        self._window_scale = font_scale
        self._landscape: Landscape | None = None
        self._spec: NetworkSpec | None = None
        self._values: dict[str, float] = {}
        self._iteration: int | None = None
        self._computed_at: int | None = None
        self._followed_at: int | None = None
        self._biases_fixed = False
        self._path: list[tuple[float, float]] = []
        self._scale = 1.0
        self._map = ContourMap(self)
        self._gl: Surface3D | None = None
        self._computing = False
        self._dropping = False  # Cancel was pressed: a landscape still on its way is dropped
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self._show_busy)
        self._build()
        self._apply_fonts()
        self._set_message(WAITING)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self._message = QLabel()
        self._message.setWordWrap(True)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._tabs = QTabWidget()
        self._tabs.addTab(self._map.plot, "Contour map")
        self._tabs.addTab(self._build_surface(), "3-D surface")
        large = QPushButton("Large window")
        large.setToolTip("Float the landscape in a window of almost the whole screen (projector)")
        large.clicked.connect(self.show_large)
        self._tabs.setCornerWidget(large)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(self._build_choosers())
        layout.addLayout(self._build_grid_row())
        self._paths = paths.PathControls(self._span)
        layout.addWidget(self._paths)
        layout.addLayout(self._build_progress_row())
        layout.addWidget(self._message)
        layout.addWidget(self._tabs, 1)

    def _build_choosers(self) -> QHBoxLayout:
        self._first = QComboBox()
        self._second = QComboBox()
        for combo, which in ((self._first, "across"), (self._second, "up")):
            combo.setAccessibleName(f"Parameter {which}")
            combo.setToolTip(f"The parameter drawn {which} the map")
            combo.setMinimumContentsLength(4)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Error over"))
        row.addWidget(self._first)
        row.addWidget(QLabel("and"))
        row.addWidget(self._second)
        row.addStretch(1)
        return row

    def _build_grid_row(self) -> QHBoxLayout:
        self._span = QDoubleSpinBox()
        self._span.setRange(0.05, MAX_SPAN)
        self._span.setDecimals(2)
        self._span.setSingleStep(0.25)
        self._span.setValue(DEFAULT_SPAN)
        self._span.setPrefix("± ")
        self._span.setAccessibleName("Range around the current values")
        self._span.setToolTip(
            "How far either way from the current values the map reaches "
            "(worked out while the range follows the weights)"
        )
        self._size = QSpinBox()
        self._size.setRange(11, 201)
        self._size.setSingleStep(10)
        self._size.setValue(DEFAULT_SIZE)
        self._size.setAccessibleName("Grid points a side")
        self._size.setToolTip("Grid points a side: more is finer and slower")
        self._compute = QPushButton("Compute")
        self._compute.setToolTip("Compute the error over the grid around the current weights")
        self._compute.setEnabled(False)
        self._compute.clicked.connect(self._on_compute_clicked)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("range"))
        row.addWidget(self._span)
        row.addSpacing(8)
        row.addWidget(QLabel("grid"))
        row.addWidget(self._size)
        row.addWidget(QLabel("a side"))
        row.addSpacing(8)
        row.addWidget(self._compute)
        row.addStretch(1)
        return row

    @Slot()
    def show_large(self) -> None:
        """Float the dock holding this view over nine tenths of its screen (projector)."""
        paths.float_large(self)

    def _build_progress_row(self) -> QHBoxLayout:
        self._progress = QProgressBar()
        self._progress.setAccessibleName("Landscape progress")
        self._progress.setFormat("%v of %m grid points")
        self._progress.setVisible(False)
        self._cancel = QPushButton("Cancel")
        self._cancel.setToolTip("Stop computing this landscape")
        self._cancel.setVisible(False)
        self._cancel.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._progress, 1)
        row.addWidget(self._cancel)
        return row

    def _build_surface(self) -> QWidget:
        self._gl = Surface3D.create()
        if self._gl is not None:
            self._gl_caption = QLabel(
                "Press Compute on the contour map's controls to draw the surface."
            )
            self._gl_caption.setWordWrap(True)
            page = QWidget()
            column = QVBoxLayout(page)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(self._gl.widget, 1)
            column.addWidget(self._gl_caption)
            return page
        self._gl_message = QLabel(GL_MISSING)
        self._gl_message.setWordWrap(True)
        self._gl_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._gl_message.setMargin(24)
        return self._gl_message

    # ------------------------------------------------------------------ public
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Take in the current parameter values: fill the choosers (for a new network) and
        extend the descent path while a landscape is on show."""
        self._follow_font()
        spec = snapshot.spec
        if spec != self._spec:
            self._spec = spec
            self._fill_choosers(spec)
            if self._landscape is not None:  # drawn for another network
                self._clear_landscape()
            if self._landscape is None:
                self._set_message(PRESS_COMPUTE)
        cut_back = self._iteration is not None and snapshot.iteration < self._iteration
        self._iteration = snapshot.iteration
        self._values = dict(snapshot.values)
        self._biases_fixed = not snapshot.config.train_biases
        if self._landscape is None:
            return
        point = self._point(self._landscape)
        if point is None:
            return
        if cut_back:
            self._path = [point]
        elif not self._path or self._path[-1] != point:
            self._path.append(point)
            if len(self._path) > MAX_PATH:
                self._path = [*self._path[-2::-2][::-1], point]
        self._draw_path()
        self._describe()
        if not snapshot.running:
            self._follow(point)

    def _follow(self, point: tuple[float, float]) -> None:
        """With the range following the weights: once they have left the map (and no run is
        going), compute it again around them, reaching back over the path they took."""
        landscape = self._landscape
        if landscape is None or self._computing or not self._paths.follow.isChecked():
            return
        if landscape.holds(point) or self._followed_at == self._iteration:
            return
        self._followed_at = self._iteration  # once per iteration, should it stay outside
        self._on_compute_clicked()

    def descent_plan(self) -> PathPlan:
        """The paths and range for the next landscape (with the weights' path so far)."""
        return self._paths.plan(self.path_points())

    def set_paths(self, start: str, alpha: float, steps: int, follow: bool = True) -> None:
        """The paths' start ("zero" or "current"), α, steps; whether the range follows."""
        self._paths.set_plan(start, alpha, steps, follow)

    @Slot(int, int)
    def show_progress(self, done: int, total: int) -> None:
        """How far the computation under way has got (grid points)."""
        if not self._computing or total <= 0:
            return
        self._progress.setRange(0, int(total))
        self._progress.setValue(min(int(done), int(total)))

    @Slot()
    def cancel(self) -> None:
        """What Cancel does: stop waiting for the landscape and ask for it to be stopped."""
        if not self._computing:
            return
        self._end_computing()
        self._dropping = True
        if self._landscape is not None:
            self._describe()
        else:
            self._set_message("Cancelled. " + PRESS_COMPUTE)
        self.cancel_requested.emit()

    @Slot()
    def landscape_cancelled(self) -> None:
        """The computation was stopped (or replaced) before it finished."""
        if self._computing:
            self._end_computing()
            self._set_message("The landscape was not computed. " + PRESS_COMPUTE)

    def is_computing(self) -> bool:
        """Whether a landscape has been asked for and not arrived, been cancelled or stopped."""
        return self._computing

    def progress_shown(self) -> bool:
        """Whether the progress bar and Cancel are on show."""
        return not self._progress.isHidden()

    def progress_value(self) -> tuple[int, int]:
        """The progress bar's value and maximum (grid points)."""
        return self._progress.value(), self._progress.maximum()

    @Slot(object)
    def show_landscape(self, landscape: Landscape) -> None:
        """Draw ``landscape``; the descent path starts again from its centre."""
        if self._dropping:
            return  # Cancel was pressed for it
        self._end_computing()
        self._landscape = landscape
        self._computed_at = self._iteration
        for combo, name in ((self._first, landscape.first), (self._second, landscape.second)):
            index = combo.findText(name)
            if index >= 0:
                combo.setCurrentIndex(index)
        self._path = [landscape.centre]
        current = self._point(landscape)
        if current is not None and current != landscape.centre:
            self._path.append(current)
        self._map.draw(landscape)
        self._draw_path()
        if landscape.paths and self._paths.follow.isChecked():
            span = float(landscape.xs[-1] - landscape.centre[0])
            self._span.blockSignals(True)
            self._span.setValue(span)  # the range it worked out
            self._span.blockSignals(False)
        if self._gl is not None:
            self._gl.show_landscape(landscape)
            self._gl.show_path(landscape, self.path_points())
            self._gl_caption.setText(
                f"Across: {landscape.first}. Into the picture: {landscape.second}. "
                "Height: error E (dark is low). Red: simultaneous update; pink: incorrect "
                "update; black: the weights' own path. Drag to turn, scroll to zoom."
            )
        self._describe()

    def path_points(self) -> Array:
        """The descent path so far: one row (first, second) per point."""
        return np.array(self._path, dtype=np.float64).reshape(-1, 2)

    def message(self) -> str:
        return self._message.text()

    def has_3d(self) -> bool:
        """Whether the 3-D tab draws a surface (False: it explains that OpenGL is missing)."""
        return self._gl is not None

    def set_font_scale(self, scale: float) -> None:
        """Scale every font of the view (1.0 = 12 pt; the one rule: 75 % to 300 %)."""
        self._scale = clamp_font_scale(scale)
        self._apply_fonts()
        if self._landscape is not None:
            self._map.draw(self._landscape)

    @property
    def plot_widget(self) -> pg.PlotWidget:
        return self._map.plot

    @property
    def image_item(self) -> pg.ImageItem:
        """The heat map (log₁₀ E per grid point, placed at the parameter values)."""
        return self._map.image

    @property
    def colour_bar(self) -> pg.ColorBarItem:
        return self._map.bar

    @property
    def current_marker(self) -> pg.ScatterPlotItem:
        return self._map.current_item

    @property
    def minimum_marker(self) -> pg.ScatterPlotItem:
        return self._map.minimum_item

    def surface_tab_text(self) -> str:
        """The 3-D tab's words: the OpenGL notice, or the caption under the surface."""
        return self._gl_caption.text() if self._gl is not None else self._gl_message.text()

    def selected_parameters(self) -> tuple[str, str]:
        return self._first.currentText(), self._second.currentText()

    def set_parameters(self, first: str, second: str) -> None:
        """Choose the two parameters for the next Compute."""
        for combo, name in ((self._first, first), (self._second, second)):
            index = combo.findText(name)
            if index < 0:
                raise ValueError(f"This network has no parameter called {name!r}.")
            combo.setCurrentIndex(index)

    def set_grid(self, span: float, size: int) -> None:
        """The range (± around the current values) and grid points a side for Compute."""
        self._span.setValue(float(span))
        self._size.setValue(int(size))

    @Slot()
    def request_landscape(self) -> None:
        """What the Compute button does."""
        self._on_compute_clicked()

    def contour_count(self) -> int:
        """How many contour lines the map draws."""
        return self._map.contour_count()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._follow_font()

    def _follow_font(self) -> None:
        if self._window_scale is not None and abs(self._window_scale() - self._scale) > 1e-9:
            self.set_font_scale(self._window_scale())

    # ------------------------------------------------------------------ drawing
    def _fill_choosers(self, spec: NetworkSpec) -> None:
        paths.fill_pair(self._first, self._second, spec)
        self._compute.setEnabled(len(spec.parameter_names) >= 2)

    def _point(self, landscape: Landscape) -> tuple[float, float] | None:
        values = self._values
        if landscape.first not in values or landscape.second not in values:
            return None
        return (float(values[landscape.first]), float(values[landscape.second]))

    def _clear_landscape(self) -> None:
        self._landscape = None
        self._path = []
        self._map.clear()
        if self._gl is not None:
            self._gl.clear()

    def _draw_path(self) -> None:
        points = self.path_points()
        self._map.draw_path(points)
        if self._gl is not None and self._landscape is not None:
            self._gl.show_path(self._landscape, points)

    def _describe(self) -> None:
        landscape = self._landscape
        if landscape is None:
            return
        mx, my, me = landscape.minimum
        a, b = landscape.first, landscape.second
        text = (
            f"Lowest grid point: {a} = {format_value(mx, 4)}, {b} = {format_value(my, 4)}, "
            f"E = {format_value(me, 6)}."
        )
        moved = self._computed_at is not None and self._iteration != self._computed_at
        if moved:
            text += (
                " The other parameters have trained since the map was computed, so the path "
                "can leave its valleys: press Compute to redraw it around the current weights."
            )
        else:
            text += f" Every parameter but {a} and {b} is held at its current value."
        fixed = self._biases_fixed and self._spec is not None
        told = paths.describe_paths(landscape, self._spec if fixed else None)
        self._set_message(f"{told}\n{text}" if told else text)

    def _set_message(self, text: str) -> None:
        self._message.setText(text)
        self._map.plot.setAccessibleDescription(text)

    def _apply_fonts(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(BASE_POINT_SIZE * self._scale)
        self.setFont(font)
        self._map.set_fonts(font, self._scale)
        if self._gl is None:
            self._gl_message.setFont(font)
        else:
            self._gl_caption.setFont(font)
            self._gl.set_font_scale(self._scale)

    # ------------------------------------------------------------------ buttons
    @Slot()
    def _on_compute_clicked(self) -> None:
        first, second = self._first.currentText(), self._second.currentText()
        if not first or not second:
            self._set_message(WAITING)
            return
        if first == second:
            self._set_message("Pick two different parameters for the error landscape.")
            return
        self._set_message(f"Computing the error over {first} and {second}…")
        self._computing, self._dropping = True, False
        self._progress.setRange(0, 0)  # busy until the first report
        self._busy_timer.start()
        self.landscape_requested.emit(
            first, second, float(self._span.value()), int(self._size.value())
        )

    @Slot()
    def _show_busy(self) -> None:
        if self._computing:
            self._progress.setVisible(True)
            self._cancel.setVisible(True)

    def _end_computing(self) -> None:
        self._computing = False
        self._busy_timer.stop()
        self._progress.setVisible(False)
        self._cancel.setVisible(False)
