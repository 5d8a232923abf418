"""The landscape's contour map: log₁₀ E as colours, contour lines, descent path and markers."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QFont, QTransform

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.formatting import format_value
from bpdesk.core.teaching.landscape import Landscape

__all__ = ["COLOUR_MAP", "ContourMap", "log_errors"]

Array = NDArray[np.float64]

BASE_POINT_SIZE = 12.0
CONTOUR_LEVELS = 8
TEXT_COLOUR = "#111111"
PATH_COLOUR = "#111111"
CURRENT_COLOUR = "#ff7f0e"  # orange disc with a black rim
MINIMUM_COLOUR = "#ffffff"  # white cross with a black rim
CONTOUR_COLOUR = (255, 255, 255, 170)
SIMULTANEOUS_COLOUR = "#d62728"  # red, solid, with discs
SEQUENTIAL_COLOUR = "#ff66ff"  # pink, dashed, with triangles: told apart without colour too
COLOUR_MAP = "viridis"  # perceptually even and readable with colour-blindness


class ContourMap(QObject):
    """The contour tab's plot (``plot``, placed by the view) and everything drawn on it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.contours: list[pg.IsocurveItem] = []
        self._scale = 1.0
        self.plot = pg.PlotWidget(background="w")
        self.plot.setAccessibleName("Error landscape contour map")
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False, enableViewBoxMenu=True)
        item.setAspectLocked(True)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(TEXT_COLOUR, width=1))
            axis.setTextPen(pg.mkPen(TEXT_COLOUR))
            axis.enableAutoSIPrefix(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setVisible(False)
        item.addItem(self.image)
        self.bar = pg.ColorBarItem(
            values=(0.0, 1.0),
            colorMap=pg.colormap.get(COLOUR_MAP),
            interactive=False,
            colorMapMenu=False,
            width=22,
        )
        self.bar.setImageItem(self.image, insert_in=item)
        self.bar.axis.setTextPen(pg.mkPen(TEXT_COLOUR))
        self.bar.axis.setPen(pg.mkPen(TEXT_COLOUR))
        self.bar.setVisible(False)
        self._add_markers(item)

    def _add_markers(self, item: pg.PlotItem) -> None:
        self.path_item = item.plot(
            pen=pg.mkPen(PATH_COLOUR, width=2.5),
            symbol="o",
            symbolSize=6,
            symbolPen=pg.mkPen(PATH_COLOUR, width=1),
            symbolBrush=pg.mkBrush("#ffffff"),
            name="descent path",
        )
        self.current_item = pg.ScatterPlotItem(
            symbol="o",
            size=18,
            pen=pg.mkPen("#000000", width=2.5),
            brush=pg.mkBrush(CURRENT_COLOUR),
            name="current weights",
        )
        self.minimum_item = pg.ScatterPlotItem(
            symbol="x",
            size=22,
            pen=pg.mkPen("#000000", width=1.5),
            brush=pg.mkBrush(MINIMUM_COLOUR),
            name="lowest grid point",
        )
        for marker in (self.current_item, self.minimum_item):
            marker.setZValue(10)
            item.addItem(marker)
        self.path_item.setZValue(9)
        self.simultaneous_item = item.plot(
            pen=pg.mkPen(SIMULTANEOUS_COLOUR, width=3),
            symbol="o",
            symbolSize=7,
            symbolPen=pg.mkPen("#000000", width=1),
            symbolBrush=pg.mkBrush(SIMULTANEOUS_COLOUR),
        )
        self.sequential_item = item.plot(
            pen=pg.mkPen(SEQUENTIAL_COLOUR, width=3, style=Qt.PenStyle.DashLine),
            symbol="t",
            symbolSize=8,
            symbolPen=pg.mkPen("#000000", width=1),
            symbolBrush=pg.mkBrush(SEQUENTIAL_COLOUR),
        )
        for path in (self.simultaneous_item, self.sequential_item):
            path.setZValue(8)
        # The key sits under the map, in a row of its own, so it never hides the surface.
        self._legend = pg.LegendItem(labelTextColor=TEXT_COLOUR, colCount=3, horSpacing=24)
        item.layout.addItem(self._legend, 4, 0, 1, 6)  # under the axes and the colour bar
        item.layout.setAlignment(self._legend, Qt.AlignmentFlag.AlignHCenter)
        self._legend.addItem(self.path_item, "path of the weights (live)")
        self._legend.addItem(self.current_item, "current weights")
        self._legend.addItem(self.minimum_item, "lowest grid point")
        self._legend.addItem(self.simultaneous_item, "simultaneous update")
        self._legend.addItem(self.sequential_item, "incorrect (one after the other)")
        self._legend.setVisible(False)

    def contour_count(self) -> int:
        """How many contour lines the map draws."""
        return sum(1 for c in self.contours if c.isVisible())

    def set_fonts(self, font: QFont, scale: float) -> None:
        """Ticks and key in ``font``; titles and labels follow ``scale`` at the next draw."""
        self._scale = scale
        points = BASE_POINT_SIZE * scale
        item = self.plot.getPlotItem()
        for axis in (item.getAxis("left"), item.getAxis("bottom"), self.bar.axis):
            axis.setStyle(tickFont=QFont(font), tickTextOffset=max(4, round(6 * scale)))
        self.bar.axis.setWidth(round(80 * scale))
        self._legend.setLabelTextSize(f"{points:.1f}pt")
        for _sample, label in self._legend.items:
            label.setText(label.text, size=f"{points:.1f}pt", color=TEXT_COLOUR)

    def clear(self) -> None:
        self.image.setVisible(False)
        self.bar.setVisible(False)
        self._legend.setVisible(False)
        for contour in self.contours:
            contour.setVisible(False)
        self.path_item.setData(np.empty(0), np.empty(0))
        for path in (self.simultaneous_item, self.sequential_item):
            path.setData(np.empty(0), np.empty(0))
        self.current_item.setData([], [])
        self.minimum_item.setData([], [])

    def draw(self, landscape: Landscape) -> None:
        logs, low, high = log_errors(landscape.errors)
        xs, ys = landscape.xs, landscape.ys
        dx = float(xs[1] - xs[0]) if xs.size > 1 else 1.0
        dy = float(ys[1] - ys[0]) if ys.size > 1 else 1.0
        self.image.setImage(logs, levels=(low, high), autoLevels=False)
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * xs.size, dy * ys.size))
        self.image.setVisible(True)
        self.bar.setLevels((low, high))
        self.bar.axis.setTicks([_colour_ticks(low, high)])
        self.bar.setVisible(True)
        self._draw_contours(logs, low, high, xs[0], ys[0], dx, dy)
        mx, my, _ = landscape.minimum
        self.minimum_item.setData([mx], [my])
        for name, path in (
            ("simultaneous", self.simultaneous_item),
            ("sequential", self.sequential_item),
        ):
            points = landscape.path(name)
            if points is None:
                path.setData(np.empty(0), np.empty(0))
            else:
                path.setData(points[:, 0], points[:, 1])
        item = self.plot.getPlotItem()
        style = {"color": TEXT_COLOUR, "font-size": f"{BASE_POINT_SIZE * self._scale:.1f}pt"}
        item.setLabel("bottom", landscape.first, **style)
        item.setLabel("left", landscape.second, **style)
        self.bar.axis.setLabel("error E (log scale)", **style)
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
        item = self.plot.getPlotItem()
        while len(self.contours) < len(levels):
            contour = pg.IsocurveItem(
                axisOrder="row-major", pen=pg.mkPen(CONTOUR_COLOUR, width=1.5)
            )
            contour.setZValue(5)
            item.addItem(contour, ignoreBounds=True)
            self.contours.append(contour)
        # Contour points come in pixel units with grid point i at i + ½, as on the image.
        transform = QTransform()
        transform.translate(x0 - dx / 2, y0 - dy / 2)
        transform.scale(dx, dy)
        for index, contour in enumerate(self.contours):
            if index < len(levels):
                contour.setTransform(transform)
                contour.setData(logs, float(levels[index]))
                contour.setVisible(True)
            else:
                contour.setVisible(False)

    def draw_path(self, points: Array) -> None:
        """The descent path (one row per point) with the current weights at its end."""
        if points.shape[0] == 0:
            self.path_item.setData(np.empty(0), np.empty(0))
            self.current_item.setData([], [])
        else:
            self.path_item.setData(points[:, 0], points[:, 1])
            self.current_item.setData([points[-1, 0]], [points[-1, 1]])


def log_errors(errors: Array) -> tuple[Array, float, float]:
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
