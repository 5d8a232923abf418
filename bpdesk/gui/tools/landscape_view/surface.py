"""The landscape's 3-D tab: the error surface in OpenGL, with the descent path on it."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QGuiApplication, QOpenGLContext, QVector3D

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.formatting import format_value
from bpdesk.core.teaching.landscape import Landscape
from bpdesk.gui.tools.landscape_view.contour import COLOUR_MAP, log_errors

__all__ = ["GL_MISSING", "Surface3D"]

Array = NDArray[np.float64]

NO_GL_WIDGETS = ("offscreen", "minimal")  # platforms whose QOpenGLWidget does not draw
MIN_HEIGHT = 520  # pixels: the surface stays large enough to read on a projector
LABEL_POINTS = 15.0  # the axis names' size at 100 %
DESCENT = (("simultaneous", (0.84, 0.15, 0.16, 1.0)), ("sequential", (1.0, 0.4, 1.0, 1.0)))
GL_MISSING = (
    "3-D view needs OpenGL, which is not available here; the contour map shows the same surface."
)


class Surface3D:
    """The 3-D tab's OpenGL scene: the surface, the path on it and the current point."""

    def __init__(self, gl: Any, widget: Any) -> None:
        self.gl = gl  # the pyqtgraph.opengl module, imported only where OpenGL works
        self.widget = widget
        self.surface: Any = None
        self.path: Any = None
        self.current: Any = None
        self.labels: list[Any] = []
        self.descents: list[Any] = []
        self._shown: tuple[Landscape, Array] | None = None
        self.font = QFont()
        self.font.setPointSizeF(LABEL_POINTS)
        self.heights: tuple[float, float, float] = (0.0, 1.0, 1.0)  # low E, high E, height

    @classmethod
    def create(cls) -> Surface3D | None:
        """The scene, or None when this machine has no OpenGL (library or context), or the
        platform draws no OpenGL widgets (offscreen and minimal can make a context when an X
        display is there, yet a QOpenGLWidget on them stays broken)."""
        if QGuiApplication.platformName() in NO_GL_WIDGETS:
            return None
        try:
            context = QOpenGLContext()
            if not context.create():
                return None
            del context
            import pyqtgraph.opengl as gl

            widget = _fresh_context_widget(gl)()
            widget.setBackgroundColor("w")
            widget.setAccessibleName("Error landscape in 3-D")
            widget.setMinimumHeight(MIN_HEIGHT)
        except Exception:  # no PyOpenGL, or no usable driver: the contour map remains
            return None
        scene = cls(gl, widget)
        widget.on_resize = scene.fit_camera
        widget.on_new_context = scene.redraw
        return scene

    def set_font_scale(self, scale: float) -> None:
        """Axis names and values at ``scale`` × LABEL_POINTS (from the next landscape on)."""
        self.font.setPointSizeF(LABEL_POINTS * scale)

    def clear(self) -> None:
        for item in (self.surface, self.path, self.current, *self.labels, *self.descents):
            if item is not None:
                self.widget.removeItem(item)
        self.surface = self.path = self.current = None
        self.labels, self.descents = [], []
        self._shown = None

    def redraw(self) -> None:
        """Draw the last landscape and path again (in a new OpenGL context, e.g. once the dock
        was floated, items drawn in the old one may not show)."""
        if self._shown is not None:
            landscape, points = self._shown
            self.show_landscape(landscape)
            self.show_path(landscape, points)

    def show_landscape(self, landscape: Landscape) -> None:
        gl = self.gl
        self.clear()
        self._shown = (landscape, np.empty((0, 2)))
        errors = np.where(np.isfinite(landscape.errors), landscape.errors, np.nan)
        low, high = float(np.nanmin(errors)), float(np.nanmax(errors))
        span = float(landscape.xs[-1] - landscape.xs[0]) / 2 or 1.0
        height = 1.4 * span
        self.heights = (low, high, height)
        z = self._height(np.nan_to_num(errors, nan=high))
        logs, lo, hi = log_errors(landscape.errors)
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
        self._add_floor(span, height)
        self._add_axis_names(landscape, span, height)
        self._add_descents(landscape)
        self.widget.setCameraPosition(
            pos=QVector3D(0.0, 0.0, height / 2), elevation=30, azimuth=-60
        )
        self.fit_camera()

    def fit_camera(self) -> None:
        """Move the camera back far enough that the whole surface and its labels fit: a wide
        window shows less height, so it needs a farther camera."""
        if self.surface is None:
            return
        span = self.heights[2] / 1.4
        width, height = max(1, self.widget.width()), max(1, self.widget.height())
        self.widget.setCameraParams(distance=span * 4.4 * max(1.0, width / height) ** 0.5)

    def _add_floor(self, span: float, height: float) -> None:
        """A grid under the surface and an upright line for the error axis."""
        gl = self.gl
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

    def _add_axis_names(self, landscape: Landscape, span: float, height: float) -> None:
        """The two parameters' names along their edges with the values at the ends, and E up
        the upright line with its lowest and highest value."""
        xs, ys = landscape.xs, landscape.ys
        low, high, _ = self.heights
        out = 0.18 * span
        texts = [
            ((0.0, -span - 2 * out, 0.0), landscape.first),
            ((-span - 2 * out, 0.0, 0.0), landscape.second),
            ((-span, -span, height + out), "error E"),
            ((-0.6 * span, -span - out, 0.0), format_value(float(xs[0]), 3)),
            ((span, -span - out, 0.0), format_value(float(xs[-1]), 3)),
            ((-span - out, -0.6 * span, 0.0), format_value(float(ys[0]), 3)),
            ((-span - out, span, 0.0), format_value(float(ys[-1]), 3)),
            ((-span - out, -span, height), format_value(high, 3)),
            ((-span - 1.5 * out, -span - 1.5 * out, 0.0), f"E = {format_value(low, 3)}"),
        ]
        for pos, text in texts:
            label = self.gl.GLTextItem(
                pos=np.array(pos), text=text, color=(20, 20, 20, 255), font=QFont(self.font)
            )
            self.widget.addItem(label)
            self.labels.append(label)

    def _add_descents(self, landscape: Landscape) -> None:
        """The simultaneous and the incorrect update's paths, on the surface."""
        for name, colour in DESCENT:
            points = landscape.path(name)
            if points is None or points.shape[0] == 0:
                continue
            line = self.gl.GLLinePlotItem(
                pos=self._on_surface(landscape, points, 0.03),
                color=colour,
                width=4.0,
                antialias=True,
                mode="line_strip",
            )
            line.setGLOptions("translucent")
            self.widget.addItem(line)
            self.descents.append(line)

    def _on_surface(self, landscape: Landscape, points: Array, lift: float) -> Array:
        """Points (first, second) placed on the surface, ``lift`` × its height above it."""
        errors = _bilinear(landscape, points[:, 0], points[:, 1])
        cx, cy = landscape.centre
        z = self._height(errors) + lift * self.heights[2]
        return np.column_stack([points[:, 0] - cx, points[:, 1] - cy, z])

    def _height(self, errors: Array) -> Array:
        low, high, height = self.heights
        if high <= low:
            return np.zeros_like(errors)
        result: Array = (errors - low) / (high - low) * height
        return result

    def show_path(self, landscape: Landscape, points: Array) -> None:
        gl = self.gl
        self._shown = (landscape, points)
        for item in (self.path, self.current):
            if item is not None:
                self.widget.removeItem(item)
        self.path = self.current = None
        if points.shape[0] == 0 or self.surface is None:
            return
        pos = self._on_surface(landscape, points, 0.02)
        self.path = gl.GLLinePlotItem(
            pos=pos, color=(0.0, 0.0, 0.0, 1.0), width=3.0, antialias=True, mode="line_strip"
        )
        self.current = gl.GLScatterPlotItem(pos=pos[-1:], color=(1.0, 0.5, 0.05, 1.0), size=16.0)
        for item in (self.path, self.current):
            item.setGLOptions("translucent")
            self.widget.addItem(item)


def _fresh_context_widget(gl: Any) -> Any:
    """A GLViewWidget that survives a new OpenGL context (its dock floated or docked again:
    Qt then builds the context anew). pyqtgraph keeps compiled shader programs in class
    attributes across contexts, so each new context first forgets them."""

    base = gl.GLViewWidget

    def initialize(self: Any) -> None:
        from pyqtgraph.opengl import shaders

        for name in ("GLLinePlotItem", "GLScatterPlotItem", "GLImageItem", "GLVolumeItem"):
            item = getattr(gl, name, None)
            if item is not None and hasattr(item, "_shaderProgram"):
                item._shaderProgram = None
        for program in getattr(shaders, "Shaders", []):
            if hasattr(program, "prog"):
                program.prog = None
        base.initializeGL(self)
        if self.on_new_context is not None:
            QTimer.singleShot(0, self, self.on_new_context)

    def resize(self: Any, w: int, h: int) -> None:
        base.resizeGL(self, w, h)
        if self.on_resize is not None:
            self.on_resize()

    members = {"initializeGL": initialize, "resizeGL": resize}
    return type("FreshContextView", (base,), {**members, "on_resize": None, "on_new_context": None})


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
