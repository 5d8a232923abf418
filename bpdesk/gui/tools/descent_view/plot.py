"""The 1-D descent plot: J(θ), the tangent at step k, the steps as arrows, the minimum and the
parameter's current value."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, QPointF, Qt
from PySide6.QtGui import QFont

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.teaching.descent import Curve

__all__ = ["BASE_POINT_SIZE", "DescentPlot"]

Array = NDArray[np.float64]

BASE_POINT_SIZE = 12.0
TEXT = "#111111"
CURVE = "#1f4e9e"
TANGENT = "#d62728"
STEP = "#111111"
POINT = "#ff7f0e"
MINIMUM = "#2ca02c"
MAX_ARROWS = 60  # arrows drawn (the table lists every step)
MIN_ARROW_PX = 16.0


class DescentPlot(QObject):
    """The plot widget (``plot``) and its items, created once and updated in place."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scale = 1.0
        self._curve: Curve | None = None
        self._shown = 0
        self.plot = pg.PlotWidget(background="w")
        self.plot.setAccessibleName("Error along one parameter, with the descent steps")
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False, enableViewBoxMenu=True)
        item.showGrid(x=True, y=True, alpha=0.15)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(TEXT, width=1))
            axis.setTextPen(pg.mkPen(TEXT))
            axis.enableAutoSIPrefix(False)
        self.curve_item = item.plot(pen=pg.mkPen(CURVE, width=3))
        self.tangent_item = item.plot(pen=pg.mkPen(TANGENT, width=2.5, style=Qt.PenStyle.DashLine))
        self.steps_item = item.plot(
            pen=pg.mkPen(STEP, width=2),
            symbol="o",
            symbolSize=9,
            symbolPen=pg.mkPen(STEP, width=1),
            symbolBrush=pg.mkBrush("#ffffff"),
        )
        self.point_item = pg.ScatterPlotItem(
            size=18, pen=pg.mkPen("#000000", width=2), brush=pg.mkBrush(POINT)
        )
        self.minimum_item = pg.ScatterPlotItem(
            symbol="d", size=18, pen=pg.mkPen("#000000", width=1.5), brush=pg.mkBrush(MINIMUM)
        )
        self.current_line = pg.InfiniteLine(
            angle=90, pen=pg.mkPen("#777777", width=1.5, style=Qt.PenStyle.DotLine)
        )
        for marker in (self.point_item, self.minimum_item):
            marker.setZValue(10)
            item.addItem(marker)
        item.addItem(self.current_line, ignoreBounds=True)
        self.current_line.setVisible(False)
        self.arrows: list[pg.ArrowItem] = []
        self._legend = pg.LegendItem(labelTextColor=TEXT, colCount=2, horSpacing=20)
        item.layout.addItem(self._legend, 4, 1)
        for sample, text in (
            (self.curve_item, "error J(θ)"),
            (self.tangent_item, "tangent (slope dJ/dθ)"),
            (self.steps_item, "steps θ ← θ − η·dJ/dθ"),
            (self.point_item, "step k"),
            (self.minimum_item, "minimum"),
        ):
            self._legend.addItem(sample, text)
        item.getViewBox().sigTransformChanged.connect(self._aim_arrows)

    # ------------------------------------------------------------------ drawing
    def draw(self, curve: Curve, current: float | None, shown: int) -> None:
        """Draw ``curve`` with its steps, and the tangent at step ``shown``."""
        self._curve, self._shown = curve, shown
        finite = np.isfinite(curve.errors)
        self.curve_item.setData(curve.thetas[finite], curve.errors[finite])
        item = self.plot.getPlotItem()
        style = {"color": TEXT, "font-size": f"{BASE_POINT_SIZE * self._scale:.1f}pt"}
        held = " (the others held)" if curve.label == curve.name else ""
        item.setLabel("bottom", f"θ = {curve.label}{held}", **style)
        item.setLabel("left", "error J(θ)", **style)
        if curve.minimum is not None:
            lowest = float(np.interp(curve.minimum, curve.thetas, curve.errors))
            self.minimum_item.setData([curve.minimum], [lowest])
        else:
            self.minimum_item.setData([], [])
        if current is not None and curve.thetas[0] <= current <= curve.thetas[-1]:
            self.current_line.setValue(current)
            self.current_line.setVisible(True)
        else:
            self.current_line.setVisible(False)
        low, high = float(curve.errors[finite].min()), float(curve.errors[finite].max())
        pad = 0.08 * (high - low) or 0.1 * max(abs(high), 1e-3)
        item.getViewBox().setRange(
            xRange=(float(curve.thetas[0]), float(curve.thetas[-1])),
            yRange=(low - pad, high + pad),
            padding=0.02,
        )
        self.show_step(shown)

    def show_step(self, shown: int) -> None:
        """Every step as an arrow; the tangent and the marker at step ``shown``."""
        curve = self._curve
        if curve is None:
            return
        steps = curve.steps
        shown = max(0, min(int(shown), steps.thetas.size - 1))
        self._shown = shown
        self.steps_item.setData(steps.thetas, steps.errors)
        theta, error, slope = curve.tangent(shown)
        self.point_item.setData([theta], [error])
        width = 0.18 * float(curve.thetas[-1] - curve.thetas[0])
        if math.isfinite(slope):
            xs = np.array([theta - width, theta + width])
            self.tangent_item.setData(xs, error + slope * (xs - theta))
        else:
            self.tangent_item.setData(np.empty(0), np.empty(0))
        self._place_arrows()

    def clear(self) -> None:
        self._curve = None
        for data in (self.curve_item, self.tangent_item, self.steps_item):
            data.setData(np.empty(0), np.empty(0))
        self.point_item.setData([], [])
        self.minimum_item.setData([], [])
        self.current_line.setVisible(False)
        for arrow in self.arrows:
            arrow.setVisible(False)

    def _place_arrows(self) -> None:
        curve = self._curve
        count = 0 if curve is None else min(curve.steps.thetas.size - 1, MAX_ARROWS)
        item = self.plot.getPlotItem()
        while len(self.arrows) < count:
            arrow = pg.ArrowItem(
                headLen=18, tipAngle=32, brush=pg.mkBrush(STEP), pen=pg.mkPen(STEP, width=1)
            )
            arrow.setZValue(9)
            item.addItem(arrow, ignoreBounds=True)
            self.arrows.append(arrow)
        for index, arrow in enumerate(self.arrows):
            arrow.setVisible(index < count)
        self._aim_arrows()

    def _aim_arrows(self) -> None:
        """Each arrow's head at θ_{k+1}, pointing along the step as it looks on screen."""
        curve = self._curve
        if curve is None:
            return
        box = self.plot.getPlotItem().getViewBox()
        steps = curve.steps
        count = min(steps.thetas.size - 1, MAX_ARROWS)
        for index, arrow in enumerate(self.arrows):
            if index >= count:
                continue
            a = QPointF(float(steps.thetas[index]), float(steps.errors[index]))
            b = QPointF(float(steps.thetas[index + 1]), float(steps.errors[index + 1]))
            pa, pb = box.mapViewToDevice(a), box.mapViewToDevice(b)
            if pa is None or pb is None:
                continue
            # A step shorter on screen than the arrow's head keeps its line only.
            arrow.setVisible(math.hypot(pb.x() - pa.x(), pb.y() - pa.y()) >= MIN_ARROW_PX)
            # ArrowItem points left at angle 0; screen y grows downwards.
            angle = math.degrees(math.atan2(pb.y() - pa.y(), pb.x() - pa.x())) + 180.0
            arrow.setStyle(angle=angle)
            arrow.setPos(b)

    def set_fonts(self, font: QFont, scale: float) -> None:
        """Ticks and key in ``font``; axis names follow ``scale`` at the next draw."""
        self._scale = scale
        item = self.plot.getPlotItem()
        for axis in (item.getAxis("left"), item.getAxis("bottom")):
            axis.setStyle(tickFont=QFont(font), tickTextOffset=max(4, round(6 * scale)))
        points = BASE_POINT_SIZE * scale
        self._legend.setLabelTextSize(f"{points:.1f}pt")
        for _sample, label in self._legend.items:
            label.setText(label.text, size=f"{points:.1f}pt", color=TEXT)
        if self._curve is not None:
            line = self.current_line
            self.draw(self._curve, line.value() if line.isVisible() else None, self._shown)
