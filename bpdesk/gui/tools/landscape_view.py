"""The error landscape over two chosen parameters: contour map, 3-D surface and descent path."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QRectF, Qt, Signal, Slot
from PySide6.QtGui import QFont, QOpenGLContext, QTransform, QVector3D
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.landscape import Landscape

__all__ = ["GL_MISSING", "LandscapeView"]

Array = NDArray[np.float64]

BASE_POINT_SIZE = 12.0
GL_MISSING = (
    "3-D view needs OpenGL, which is not available here; the contour map shows the same surface."
)
DEFAULT_PAIR = ("w5", "w6")
DEFAULT_SPAN = 2.0
DEFAULT_SIZE = 61
MAX_PATH = 5000  # beyond this many points, every second older point is dropped
CONTOUR_LEVELS = 8
TEXT_COLOUR = "#111111"
PATH_COLOUR = "#111111"
CURRENT_COLOUR = "#ff7f0e"  # orange disc with a black rim
MINIMUM_COLOUR = "#ffffff"  # white cross with a black rim
CONTOUR_COLOUR = (255, 255, 255, 170)
COLOUR_MAP = "viridis"  # perceptually even and readable with colour-blindness
WAITING = "Waiting for a network."
PRESS_COMPUTE = (
    "Pick two parameters and press Compute to draw the error E over them "
    "(every other parameter stays at its current value)."
)


class LandscapeView(QWidget):
    """Draws a ``Landscape`` handed to it; asks for one with ``landscape_requested``."""

    landscape_requested = Signal(str, str, float, int)  # first, second, span, grid size

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._landscape: Landscape | None = None
        self._spec: NetworkSpec | None = None
        self._values: dict[str, float] = {}
        self._iteration: int | None = None
        self._computed_at: int | None = None
        self._path: list[tuple[float, float]] = []
        self._contours: list[pg.IsocurveItem] = []
        self._scale = 1.0
        self._gl: _Surface3D | None = None
        self._build()
        self._apply_fonts()
        self._set_message(WAITING)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self._first = QComboBox()
        self._second = QComboBox()
        for combo, which in ((self._first, "across"), (self._second, "up")):
            combo.setAccessibleName(f"Parameter {which}")
            combo.setToolTip(f"The parameter drawn {which} the map")
            combo.setMinimumContentsLength(4)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._span = QDoubleSpinBox()
        self._span.setRange(0.05, 20.0)
        self._span.setDecimals(2)
        self._span.setSingleStep(0.25)
        self._span.setValue(DEFAULT_SPAN)
        self._span.setPrefix("± ")
        self._span.setAccessibleName("Range around the current values")
        self._span.setToolTip("How far either way from the current values the map reaches")
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

        choose = QHBoxLayout()
        choose.setContentsMargins(0, 0, 0, 0)
        choose.addWidget(QLabel("Error over"))
        choose.addWidget(self._first)
        choose.addWidget(QLabel("and"))
        choose.addWidget(self._second)
        choose.addStretch(1)
        grid = QHBoxLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("range"))
        grid.addWidget(self._span)
        grid.addSpacing(8)
        grid.addWidget(QLabel("grid"))
        grid.addWidget(self._size)
        grid.addWidget(QLabel("points a side"))
        grid.addSpacing(8)
        grid.addWidget(self._compute)
        grid.addStretch(1)

        self._message = QLabel()
        self._message.setWordWrap(True)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._tabs = QTabWidget()
        self._tabs.addTab(self._build_contour(), "Contour map")
        self._tabs.addTab(self._build_surface(), "3-D surface")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(choose)
        layout.addLayout(grid)
        layout.addWidget(self._message)
        layout.addWidget(self._tabs, 1)

    def _build_contour(self) -> QWidget:
        self._plot = pg.PlotWidget(background="w")
        self._plot.setAccessibleName("Error landscape contour map")
        item = self._plot.getPlotItem()
        item.setMenuEnabled(False, enableViewBoxMenu=True)
        item.setAspectLocked(True)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(TEXT_COLOUR, width=1))
            axis.setTextPen(pg.mkPen(TEXT_COLOUR))
            axis.enableAutoSIPrefix(False)
        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setVisible(False)
        item.addItem(self._image)
        self._colour_map = pg.colormap.get(COLOUR_MAP)
        self._bar = pg.ColorBarItem(
            values=(0.0, 1.0),
            colorMap=self._colour_map,
            interactive=False,
            colorMapMenu=False,
            width=22,
        )
        self._bar.setImageItem(self._image, insert_in=item)
        self._bar.axis.setTextPen(pg.mkPen(TEXT_COLOUR))
        self._bar.axis.setPen(pg.mkPen(TEXT_COLOUR))
        self._bar.setVisible(False)
        self._path_item = item.plot(
            pen=pg.mkPen(PATH_COLOUR, width=2.5),
            symbol="o",
            symbolSize=6,
            symbolPen=pg.mkPen(PATH_COLOUR, width=1),
            symbolBrush=pg.mkBrush("#ffffff"),
            name="descent path",
        )
        self._current_item = pg.ScatterPlotItem(
            symbol="o",
            size=18,
            pen=pg.mkPen("#000000", width=2.5),
            brush=pg.mkBrush(CURRENT_COLOUR),
            name="current weights",
        )
        self._minimum_item = pg.ScatterPlotItem(
            symbol="x",
            size=22,
            pen=pg.mkPen("#000000", width=1.5),
            brush=pg.mkBrush(MINIMUM_COLOUR),
            name="lowest grid point",
        )
        for marker in (self._current_item, self._minimum_item):
            marker.setZValue(10)
            item.addItem(marker)
        self._path_item.setZValue(9)
        # The key sits under the map, in a row of its own, so it never hides the surface.
        self._legend = pg.LegendItem(labelTextColor=TEXT_COLOUR, colCount=3, horSpacing=24)
        item.layout.addItem(self._legend, 4, 0, 1, 6)  # under the axes and the colour bar
        item.layout.setAlignment(self._legend, Qt.AlignmentFlag.AlignHCenter)
        self._legend.addItem(self._path_item, "descent path")
        self._legend.addItem(self._current_item, "current weights")
        self._legend.addItem(self._minimum_item, "lowest grid point")
        self._legend.setVisible(False)
        page: QWidget = self._plot
        return page

    def _build_surface(self) -> QWidget:
        self._gl = _Surface3D.create()
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
        spec = snapshot.spec
        if spec != self._spec:
            self._spec = spec
            self._fill_choosers(spec.parameter_names)
            if self._landscape is not None:  # drawn for another network
                self._clear_landscape()
            if self._landscape is None:
                self._set_message(PRESS_COMPUTE)
        cut_back = self._iteration is not None and snapshot.iteration < self._iteration
        self._iteration = snapshot.iteration
        self._values = dict(snapshot.values)
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

    @Slot(object)
    def show_landscape(self, landscape: Landscape) -> None:
        """Draw ``landscape``; the descent path starts again from its centre."""
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
        self._draw_landscape()
        self._draw_path()
        if self._gl is not None:
            self._gl.show_landscape(landscape)
            self._gl.show_path(landscape, self.path_points())
            self._gl_caption.setText(
                f"Across: {landscape.first}. Into the picture: {landscape.second}. "
                "Height: error E (dark is low). Drag to turn, scroll to zoom."
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
        """Scale every font of the view (1.0 = 12 pt)."""
        if not math.isfinite(scale) or scale <= 0:
            raise ValueError(f"The font scale must be a positive number, not {scale}.")
        self._scale = float(scale)
        self._apply_fonts()
        if self._landscape is not None:
            self._draw_landscape()

    @property
    def plot_widget(self) -> pg.PlotWidget:
        return self._plot

    @property
    def image_item(self) -> pg.ImageItem:
        """The heat map (log₁₀ E per grid point, placed at the parameter values)."""
        return self._image

    @property
    def colour_bar(self) -> pg.ColorBarItem:
        return self._bar

    @property
    def current_marker(self) -> pg.ScatterPlotItem:
        return self._current_item

    @property
    def minimum_marker(self) -> pg.ScatterPlotItem:
        return self._minimum_item

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
        return sum(1 for c in self._contours if c.isVisible())

    # ------------------------------------------------------------------ drawing
    def _fill_choosers(self, names: tuple[str, ...]) -> None:
        keep = (self._first.currentText(), self._second.currentText())
        defaults = DEFAULT_PAIR if all(n in names for n in DEFAULT_PAIR) else tuple(names[:2])
        wanted = keep if all(n in names for n in keep) and keep[0] != keep[1] else defaults
        for combo, name in zip((self._first, self._second), wanted, strict=False):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(list(names))
            combo.setCurrentIndex(max(0, combo.findText(name)))
            combo.blockSignals(False)
        self._compute.setEnabled(len(names) >= 2)

    def _point(self, landscape: Landscape) -> tuple[float, float] | None:
        values = self._values
        if landscape.first not in values or landscape.second not in values:
            return None
        return (float(values[landscape.first]), float(values[landscape.second]))

    def _clear_landscape(self) -> None:
        self._landscape = None
        self._path = []
        self._image.setVisible(False)
        self._bar.setVisible(False)
        self._legend.setVisible(False)
        for contour in self._contours:
            contour.setVisible(False)
        self._path_item.setData(np.empty(0), np.empty(0))
        self._current_item.setData([], [])
        self._minimum_item.setData([], [])
        if self._gl is not None:
            self._gl.clear()

    def _draw_landscape(self) -> None:
        landscape = self._landscape
        assert landscape is not None
        logs, low, high = _log_errors(landscape.errors)
        xs, ys = landscape.xs, landscape.ys
        dx = float(xs[1] - xs[0]) if xs.size > 1 else 1.0
        dy = float(ys[1] - ys[0]) if ys.size > 1 else 1.0
        self._image.setImage(logs, levels=(low, high), autoLevels=False)
        self._image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * xs.size, dy * ys.size))
        self._image.setVisible(True)
        self._bar.setLevels((low, high))
        self._bar.axis.setTicks([_colour_ticks(low, high)])
        self._bar.setVisible(True)
        self._draw_contours(logs, low, high, xs[0], ys[0], dx, dy)
        mx, my, _ = landscape.minimum
        self._minimum_item.setData([mx], [my])
        item = self._plot.getPlotItem()
        style = {"color": TEXT_COLOUR, "font-size": f"{BASE_POINT_SIZE * self._scale:.1f}pt"}
        item.setLabel("bottom", landscape.first, **style)
        item.setLabel("left", landscape.second, **style)
        self._bar.axis.setLabel("error E (log scale)", **style)
        item.setTitle(
            f"Error E over {landscape.first} and {landscape.second}",
            color=TEXT_COLOUR,
            size=f"{BASE_POINT_SIZE * self._scale * 1.15:.1f}pt",
        )
        item.getViewBox().setRange(
            xRange=(xs[0] - dx / 2, xs[-1] + dx / 2),
            yRange=(ys[0] - dy / 2, ys[-1] + dy / 2),
            padding=0.02,
        )
        self._legend.setVisible(True)

    def _draw_contours(
        self, logs: Array, low: float, high: float, x0: float, y0: float, dx: float, dy: float
    ) -> None:
        levels: Array = (
            np.linspace(low, high, CONTOUR_LEVELS + 2)[1:-1] if high > low else np.empty(0)
        )
        item = self._plot.getPlotItem()
        while len(self._contours) < len(levels):
            contour = pg.IsocurveItem(
                axisOrder="row-major", pen=pg.mkPen(CONTOUR_COLOUR, width=1.5)
            )
            contour.setZValue(5)
            item.addItem(contour, ignoreBounds=True)
            self._contours.append(contour)
        # Contour points come in pixel units with grid point i at i + ½, as on the image.
        transform = QTransform()
        transform.translate(x0 - dx / 2, y0 - dy / 2)
        transform.scale(dx, dy)
        for index, contour in enumerate(self._contours):
            if index < len(levels):
                contour.setTransform(transform)
                contour.setData(logs, float(levels[index]))
                contour.setVisible(True)
            else:
                contour.setVisible(False)

    def _draw_path(self) -> None:
        points = self.path_points()
        if points.shape[0] == 0:
            self._path_item.setData(np.empty(0), np.empty(0))
            self._current_item.setData([], [])
        else:
            self._path_item.setData(points[:, 0], points[:, 1])
            self._current_item.setData([points[-1, 0]], [points[-1, 1]])
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
        self._set_message(text)

    def _set_message(self, text: str) -> None:
        self._message.setText(text)
        self._plot.setAccessibleDescription(text)

    def _apply_fonts(self) -> None:
        points = BASE_POINT_SIZE * self._scale
        font = QFont(self.font())
        font.setPointSizeF(points)
        self.setFont(font)
        item = self._plot.getPlotItem()
        for axis in (item.getAxis("left"), item.getAxis("bottom"), self._bar.axis):
            axis.setStyle(tickFont=QFont(font), tickTextOffset=max(4, round(6 * self._scale)))
        self._bar.axis.setWidth(round(80 * self._scale))
        self._legend.setLabelTextSize(f"{points:.1f}pt")
        for _sample, label in self._legend.items:
            label.setText(label.text, size=f"{points:.1f}pt", color=TEXT_COLOUR)
        if self._gl is None:
            self._gl_message.setFont(font)
        else:
            self._gl_caption.setFont(font)

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
        self.landscape_requested.emit(
            first, second, float(self._span.value()), int(self._size.value())
        )


class _Surface3D:
    """The 3-D tab's OpenGL scene: the surface, the path on it and the current point."""

    def __init__(self, gl: Any, widget: Any) -> None:
        self.gl = gl  # the pyqtgraph.opengl module, imported only where OpenGL works
        self.widget = widget
        self.surface: Any = None
        self.path: Any = None
        self.current: Any = None
        self.labels: list[Any] = []
        self.heights: tuple[float, float, float] = (0.0, 1.0, 1.0)  # low E, high E, height

    @classmethod
    def create(cls) -> _Surface3D | None:
        """The scene, or None when this machine has no OpenGL (library or context)."""
        try:
            context = QOpenGLContext()
            if not context.create():
                return None
            del context
            import pyqtgraph.opengl as gl

            widget = gl.GLViewWidget()
            widget.setBackgroundColor("w")
            widget.setAccessibleName("Error landscape in 3-D")
        except Exception:  # no PyOpenGL, or no usable driver: the contour map remains
            return None
        return cls(gl, widget)

    def clear(self) -> None:
        for item in (self.surface, self.path, self.current, *self.labels):
            if item is not None:
                self.widget.removeItem(item)
        self.surface = self.path = self.current = None
        self.labels = []

    def show_landscape(self, landscape: Landscape) -> None:
        gl = self.gl
        self.clear()
        errors = np.where(np.isfinite(landscape.errors), landscape.errors, np.nan)
        low, high = float(np.nanmin(errors)), float(np.nanmax(errors))
        span = float(landscape.xs[-1] - landscape.xs[0]) / 2 or 1.0
        height = 1.4 * span
        self.heights = (low, high, height)
        z = self._height(np.nan_to_num(errors, nan=high))
        logs, lo, hi = _log_errors(landscape.errors)
        shades = (logs - lo) / (hi - lo) if hi > lo else np.zeros_like(logs)
        colours = pg.colormap.get(COLOUR_MAP).map(shades.T.ravel(), mode="float")
        cx, cy = landscape.centre
        self.surface = gl.GLSurfacePlotItem(
            x=landscape.xs - cx,
            y=landscape.ys - cy,
            z=z.T,
            colors=colours,
            computeNormals=False,
            smooth=False,
        )
        self.widget.addItem(self.surface)
        floor = gl.GLGridItem(color=(90, 90, 90, 160), glOptions="translucent")
        floor.setSize(2 * span, 2 * span)
        floor.setSpacing(span / 3, span / 3)
        self.widget.addItem(floor)
        self.labels.append(floor)
        axis = gl.GLLinePlotItem(
            pos=np.array([[-span, -span, 0.0], [-span, -span, height]]),
            color=(0.2, 0.2, 0.2, 1.0),
            width=2.0,
            glOptions="translucent",
        )
        self.widget.addItem(axis)
        self.labels.append(axis)
        self.widget.setCameraPosition(
            pos=QVector3D(0.0, 0.0, height / 2), distance=span * 6.0, elevation=28, azimuth=-60
        )

    def _height(self, errors: Array) -> Array:
        low, high, height = self.heights
        if high <= low:
            return np.zeros_like(errors)
        result: Array = (errors - low) / (high - low) * height
        return result

    def show_path(self, landscape: Landscape, points: Array) -> None:
        gl = self.gl
        for item in (self.path, self.current):
            if item is not None:
                self.widget.removeItem(item)
        self.path = self.current = None
        if points.shape[0] == 0 or self.surface is None:
            return
        errors = _bilinear(landscape, points[:, 0], points[:, 1])
        lift = 0.02 * self.heights[2]
        cx, cy = landscape.centre
        pos = np.column_stack([points[:, 0] - cx, points[:, 1] - cy, self._height(errors) + lift])
        self.path = gl.GLLinePlotItem(
            pos=pos, color=(0.0, 0.0, 0.0, 1.0), width=3.0, antialias=True, mode="line_strip"
        )
        self.current = gl.GLScatterPlotItem(pos=pos[-1:], color=(1.0, 0.5, 0.05, 1.0), size=16.0)
        for item in (self.path, self.current):
            item.setGLOptions("translucent")
            self.widget.addItem(item)


def _log_errors(errors: Array) -> tuple[Array, float, float]:
    """log₁₀ E for colouring (E ≤ 0 and non-finite values pinned to the ends), low, high."""
    finite = errors[np.isfinite(errors) & (errors > 0)]
    if finite.size == 0:
        return np.zeros_like(errors), 0.0, 1.0
    floor, ceiling = float(finite.min()), float(finite.max())
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(np.clip(np.nan_to_num(errors, nan=ceiling, posinf=ceiling), floor, None))
    low, high = math.log10(floor), math.log10(ceiling)
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    return logs, low, high


def _colour_ticks(low: float, high: float) -> list[tuple[float, str]]:
    """Ticks for the colour bar at readable E values, placed at their log₁₀."""
    decades = high - low
    mantissas = (1,) if decades >= 3 else (1, 2, 5) if decades >= 0.8 else range(1, 10)
    ticks = []
    for power in range(math.floor(low) - 1, math.ceil(high) + 1):
        for m in mantissas:
            value = m * 10.0**power
            where = math.log10(value)
            if low - 1e-9 <= where <= high + 1e-9:
                ticks.append((where, format_value(value, 6)))
    if len(ticks) < 2:  # a very narrow range: its two ends
        ticks = [(low, format_value(10**low, 4)), (high, format_value(10**high, 4))]
    return ticks


def _bilinear(landscape: Landscape, x: Array, y: Array) -> Array:
    """E between grid points, for placing the path on the 3-D surface (clamped to the grid)."""
    xs, ys, errors = landscape.xs, landscape.ys, landscape.errors
    fx = np.clip(np.interp(x, xs, np.arange(xs.size)), 0, xs.size - 1)
    fy = np.clip(np.interp(y, ys, np.arange(ys.size)), 0, ys.size - 1)
    c0 = np.minimum(np.floor(fx).astype(int), xs.size - 2)
    r0 = np.minimum(np.floor(fy).astype(int), ys.size - 2)
    tx, ty = fx - c0, fy - r0
    top = errors[r0, c0] * (1 - tx) + errors[r0, c0 + 1] * tx
    bottom = errors[r0 + 1, c0] * (1 - tx) + errors[r0 + 1, c0 + 1] * tx
    result: Array = top * (1 - ty) + bottom * ty
    return result
