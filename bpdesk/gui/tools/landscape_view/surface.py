"""The landscape's 3-D tab: the error surface in OpenGL, with the descent path on it."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtGui import QOpenGLContext, QVector3D

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.teaching.landscape import Landscape
from bpdesk.gui.tools.landscape_view.contour import COLOUR_MAP, log_errors

__all__ = ["GL_MISSING", "Surface3D"]

Array = NDArray[np.float64]

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
        self.heights: tuple[float, float, float] = (0.0, 1.0, 1.0)  # low E, high E, height

    @classmethod
    def create(cls) -> Surface3D | None:
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
        self.widget.setCameraPosition(
            pos=QVector3D(0.0, 0.0, height / 2), distance=span * 6.0, elevation=28, azimuth=-60
        )

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
