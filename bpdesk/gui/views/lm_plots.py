"""Levenberg–Marquardt's own plots, beside the error plot while it trains: μ and ‖∂E/∂θ‖.

MATLAB's training window draws, per epoch, the damping μ and the gradient beside the
error; bpdesk does the same per iteration. The top plot shows μ on a log axis, the value the
accepted step was taken with, and every rejected trial step as a red cross at the μ it was
tried with: a column of crosses under a point is μ climbing, ×10 a time, until a step
lowered the error. The bottom plot shows the length of the gradient ‖∂E/∂θ‖ on a log axis.
Items are made once and only given new data; the axes follow in steps (``RangeFollower``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.engine.levenberg import LMHistory
from bpdesk.core.stepping.plot_buffer import PlotBuffer
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.shell.theme import clamp_font_scale
from bpdesk.gui.views.plot_axes import CountAxis, PowerAxis
from bpdesk.gui.views.plot_range import RangeFollower
from bpdesk.gui.views.redraw import RUN_REDRAW_INTERVAL, RedrawThrottle

__all__ = ["MAX_MARKERS", "LMPlots"]

Array = NDArray[np.float64]

BASE_POINT_SIZE = 12.0
MU_COLOUR = "#0b4f9c"
GRADIENT_COLOUR = "#1a7a3a"
REJECTED_COLOUR = "#c0001a"
TEXT_COLOUR = "#000000"
MAX_MARKERS = 20_000  # rejected trials drawn (the newest); older ones are let go
EMPTY = "Levenberg–Marquardt has not taken a step yet."


class LMPlots(QWidget):
    """μ (with the rejected trial steps) and ‖∂E/∂θ‖ per iteration, from snapshots."""

    wanted = Signal(bool)  # the optimiser became Levenberg–Marquardt (True) or left it

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lm_plots")
        self._mu = PlotBuffer()
        self._gradient = PlotBuffer()
        self._marker_x: Array = np.empty(0)  # iteration index (from 0) of each rejected trial
        self._marker_y: Array = np.empty(0)
        self._last: tuple[int, float, float, int, int] | None = None
        self._wanted: bool | None = None
        self._scale = 1.0
        self._throttle = RedrawThrottle(
            self._refresh, self, interval=RUN_REDRAW_INTERVAL, clock=clock
        )
        self._build()
        self._apply_fonts()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        self._mu_plot, self._mu_range = _log_plot("Levenberg–Marquardt's damping μ")
        self._gradient_plot, self._gradient_range = _log_plot("Length of the gradient of E")
        mu_item = self._mu_plot.getPlotItem()
        self._mu_curve = mu_item.plot(
            pen=pg.mkPen(MU_COLOUR, width=2),
            symbol="o",
            symbolSize=5,
            symbolPen=None,
            symbolBrush=pg.mkBrush(MU_COLOUR),
        )
        self._rejected = mu_item.plot(
            pen=None,
            symbol="x",
            symbolSize=10,
            symbolPen=pg.mkPen(REJECTED_COLOUR, width=2),
            symbolBrush=pg.mkBrush(REJECTED_COLOUR),
        )
        self._gradient_curve = self._gradient_plot.getPlotItem().plot(
            pen=pg.mkPen(GRADIENT_COLOUR, width=2)
        )
        self._gradient_plot.setXLink(self._mu_plot)
        self._key = QLabel(
            f"<span style='color:{MU_COLOUR}'>●</span> μ of the step taken &nbsp; "
            f"<span style='color:{REJECTED_COLOUR}'>✕</span> a rejected trial"
        )
        self._key.setToolTip("After each rejected trial step μ is multiplied by 10 and retried.")
        self._key.setWordWrap(True)
        self._readout = QLabel(EMPTY)
        self._readout.setWordWrap(True)
        self._readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self._mu_plot, 1)
        layout.addWidget(self._key)
        layout.addWidget(self._gradient_plot, 1)
        layout.addWidget(self._readout)

    # ------------------------------------------------------------------ public
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Take in the LM points the snapshot carries; say whether the view is wanted."""
        lm = snapshot.config.optimizer == "lm"
        if lm != self._wanted:
            self._wanted = lm
            self.wanted.emit(lm)
        history = snapshot.lm_history
        if history is None:
            if self._mu.end or len(self._mu):
                self._clear()
                self._throttle.request(urgent=True)
            return
        if self._merge(history, snapshot.history_start):
            self._throttle.request(urgent=not snapshot.running)

    def set_font_scale(self, scale: float) -> None:
        """Scale every font of the plots (1.0 = 12 pt)."""
        self._scale = clamp_font_scale(scale)
        self._apply_fonts()

    def points(self) -> dict[str, Array]:
        """What is drawn (x counted from 1): for tests and read-outs."""
        return {
            "mu_x": np.asarray(self._mu_curve.xData if self._mu_curve.xData is not None else []),
            "mu": np.asarray(self._mu_curve.yData if self._mu_curve.yData is not None else []),
            "gradient": np.asarray(
                self._gradient_curve.yData if self._gradient_curve.yData is not None else []
            ),
            "rejected_x": np.asarray(
                self._rejected.xData if self._rejected.xData is not None else []
            ),
            "rejected_mu": np.asarray(
                self._rejected.yData if self._rejected.yData is not None else []
            ),
        }

    def readout(self) -> str:
        return self._readout.text()

    # ------------------------------------------------------------------ data
    def _clear(self) -> None:
        self._mu.clear()
        self._gradient.clear()
        self._marker_x, self._marker_y = np.empty(0), np.empty(0)
        self._last = None

    def _merge(self, history: LMHistory, history_start: int) -> bool:
        """Bring the held points up to date; True if anything changed. A start at or below
        what is held (a step back, a reset, LM chosen again) cuts the rest first."""
        start = history.start
        cut = history_start < self._mu.end
        if cut:
            cut_at = max(0, history_start)
            self._mu.truncate(cut_at)
            self._gradient.truncate(cut_at)
            keep = self._marker_x < cut_at
            self._marker_x, self._marker_y = self._marker_x[keep], self._marker_y[keep]
            if len(history) == 0:
                self._last = None
        if len(history) == 0:
            return cut
        if self._mu.end < start:  # LM chosen again later: its points start afresh
            self._clear()
        self._mu.append(start, history.mu)
        self._gradient.append(start, history.gradient_norm)
        rejected = ~history.trial_accepted
        self._marker_x = np.concatenate((self._marker_x, history.trial_iteration[rejected]))
        self._marker_y = np.concatenate((self._marker_y, history.trial_mu[rejected]))
        if self._marker_x.size > MAX_MARKERS:
            self._marker_x = self._marker_x[-MAX_MARKERS:]
            self._marker_y = self._marker_y[-MAX_MARKERS:]
        k = len(history) - 1
        self._last = (
            history.end,
            float(history.mu[k]),
            float(history.gradient_norm[k]),
            int(history.trials[k]),
            int(history.rejected[k]),
        )
        return True

    # ------------------------------------------------------------------ drawing
    def _refresh(self) -> None:
        mu_x, mu_y = _positive(self._mu)
        self._mu_curve.setData(mu_x, mu_y)
        keep = np.isfinite(self._marker_y) & (self._marker_y > 0)
        marker_x, marker_y = self._marker_x[keep] + 1.0, self._marker_y[keep]
        self._rejected.setData(marker_x, marker_y)
        self._mu_range.update(
            np.concatenate((mu_x, marker_x)), np.concatenate((mu_y, marker_y)), log=True
        )
        grad_x, grad_y = _positive(self._gradient)
        self._gradient_curve.setData(grad_x, grad_y)
        self._gradient_range.update(grad_x, grad_y, log=True)
        self._readout.setText(self._readout_text())

    def _readout_text(self) -> str:
        if self._last is None:
            return EMPTY
        iteration, mu, gradient, trials, rejected = self._last
        if rejected == 0:
            outcome = "first trial accepted"
        elif rejected < trials:
            outcome = f"{rejected} trial{'s' if rejected > 1 else ''} rejected"
        else:
            outcome = "every trial rejected, weights kept"
        return f"Iteration {iteration}: μ = {_short(mu)}, ‖∂E/∂θ‖ = {_short(gradient)}; {outcome}"

    def _apply_fonts(self) -> None:
        points = BASE_POINT_SIZE * self._scale
        font = QFont(self.font())
        font.setPointSizeF(points)
        self.setFont(font)
        style = {"color": TEXT_COLOUR, "font-size": f"{points:.1f}pt"}
        for plot, label in ((self._mu_plot, "μ"), (self._gradient_plot, "‖∂E/∂θ‖")):
            item = plot.getPlotItem()
            for name in ("left", "bottom"):
                axis = item.getAxis(name)
                axis.setStyle(tickFont=QFont(font), tickTextOffset=max(4, round(6 * self._scale)))
            item.setLabel("left", label, **style)
        self._gradient_plot.getPlotItem().setLabel("bottom", "iteration", **style)
        # wide enough for two axes of powers of ten and a few decades of iterations
        self.setMinimumWidth(round(self.fontMetrics().averageCharWidth() * 30))


def _log_plot(accessible: str) -> tuple[pg.PlotWidget, RangeFollower]:
    """A small plot with a log y axis labelled in powers of ten and a count x axis."""
    plot = pg.PlotWidget(
        background="w",
        axisItems={
            "left": PowerAxis(orientation="left"),
            "bottom": CountAxis(orientation="bottom"),
        },
    )
    plot.setAccessibleName(accessible)
    plot.setMinimumHeight(110)
    item = plot.getPlotItem()
    item.setMenuEnabled(False, enableViewBoxMenu=True)
    item.setClipToView(True)
    item.setDownsampling(auto=True, mode="peak")
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setLogMode(y=True)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(TEXT_COLOUR, width=1))
        axis.setTextPen(pg.mkPen(TEXT_COLOUR))
        axis.enableAutoSIPrefix(False)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return plot, RangeFollower(item)


def _positive(buffer: PlotBuffer) -> tuple[Array, Array]:
    """The held points a log axis can draw (finite and above 0), x counted from 1."""
    x, y = buffer.x(), buffer.y()
    keep = np.isfinite(y) & (y > 0)
    return x[keep] + 1.0, y[keep]


def _short(value: float) -> str:
    """A read-out value in three digits (μ and the gradient span many decades)."""
    if math.isnan(value):
        return "not a number"
    return f"{value:.3g}".replace("-", "−")
