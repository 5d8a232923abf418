"""The comparison's drawing: the runs' error curves with their key, and the restarts histogram."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.teaching.comparison import KINDS, ComparisonResult, error_histogram
from bpdesk.core.teaching.comparison_lessons import (
    ERROR_FLOOR,
    drawn_curve,
    error_text,
    minima,
    plot_ceiling,
)
from bpdesk.gui.views.plot_axes import PowerAxis, power_text

__all__ = ["COLOURS", "ComparisonPlots", "thin"]

Array = NDArray[np.float64]

BASE_POINT_SIZE = 12.0
TEXT_COLOUR = "#111111"
# Okabe–Ito colours (told apart with colour-blindness), darkest first for a white background.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9")
STYLES = (
    Qt.PenStyle.SolidLine,
    Qt.PenStyle.DashLine,
    Qt.PenStyle.DotLine,
    Qt.PenStyle.DashDotLine,
    Qt.PenStyle.DashDotDotLine,
)
BAR_COLOUR = "#0072B2"
LEGEND_SPACING = 12
MAX_DRAWN = 3000  # points drawn per curve: longer runs keep each stretch's lowest and highest


class ComparisonPlots(QObject):
    """The curves plot and the histogram (placed by the view), drawn from a result."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self._host = host
        self.curves: list[pg.PlotDataItem] = []
        self.ends: list[pg.ScatterPlotItem] = []
        self._legend_texts: list[str] = []
        self._legend_samples: list[pg.PlotDataItem] = []  # the curve beside each entry
        self._minimum_of: tuple[int, ...] = ()  # restarts: the minimum each run ends in
        self._counts: Array = np.empty(0)
        self._bar_labels: list[pg.TextItem] = []
        self._scale = 1.0
        self._log = True
        self._columns = 1
        self.plot = pg.PlotWidget(background="w", axisItems={"left": PowerAxis(orientation="left")})
        self.plot.setAccessibleName("Error curves of the compared runs")
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False, enableViewBoxMenu=True)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.showGrid(x=True, y=True, alpha=0.25)
        _style_axes(item)
        item.setLogMode(y=True)
        # Errors below the floor are drawn on it (LM would otherwise reach 10⁻³⁶); said there.
        self._floor = pg.InfiniteLine(
            pos=math.log10(ERROR_FLOOR),
            angle=0,
            movable=False,
            pen=pg.mkPen(TEXT_COLOUR, width=1, style=Qt.PenStyle.DashLine),
            label=f"floor {power_text(math.log10(ERROR_FLOOR))}: lower errors are drawn here",
            labelOpts={"position": 0.5, "color": TEXT_COLOUR, "anchors": [(0.5, 1), (0.5, 1)]},
        )
        self._floor.setVisible(False)
        item.addItem(self._floor, ignoreBounds=True)
        # The key sits under the plot, in a row of its own, so it never hides a curve.
        self._legend = pg.LegendItem(labelTextColor=TEXT_COLOUR, horSpacing=LEGEND_SPACING)
        item.layout.addItem(self._legend, 4, 1)
        self.histogram = pg.PlotWidget(
            background="w", axisItems={"bottom": PowerAxis(orientation="bottom")}
        )
        self.histogram.setAccessibleName("How many restarts ended at which error")
        hist = self.histogram.getPlotItem()
        hist.setMenuEnabled(False, enableViewBoxMenu=True)
        hist.showGrid(x=False, y=True, alpha=0.25)
        _style_axes(hist)
        self._bars = pg.BarGraphItem(
            x0=[], x1=[], height=[], brush=pg.mkBrush(BAR_COLOUR), pen=pg.mkPen("#000000")
        )
        hist.addItem(self._bars)
        self.histogram.setVisible(False)
        self.plot.installEventFilter(self)

    # ------------------------------------------------------------------ read-outs
    def curve_count(self) -> int:
        """How many runs have a curve on the plot."""
        return sum(1 for curve in self.curves if curve.xData is not None and curve.xData.size)

    def legend_texts(self) -> list[str]:
        return list(self._legend_texts)

    def histogram_counts(self) -> Array:
        counts: Array = self._counts.copy()
        return counts

    # ------------------------------------------------------------------ settings
    def set_log(self, on: bool, result: ComparisonResult | None) -> None:
        """A logarithmic error axis or a linear one (only positive values reach a log axis)."""
        self._log = on
        item = self.plot.getPlotItem()
        if on:
            self.draw_curves(result)
            item.setLogMode(y=True)
        else:
            item.setLogMode(y=False)
            self.draw_curves(result)
        item.enableAutoRange()

    def set_font_scale(self, scale: float, font: QFont) -> None:
        """Ticks in ``font`` and every other text at ``scale`` × 12 pt."""
        self._scale = scale
        for plot in (self.plot, self.histogram):
            item = plot.getPlotItem()
            for name in ("left", "bottom"):
                item.getAxis(name).setStyle(
                    tickFont=QFont(font), tickTextOffset=max(4, round(6 * scale))
                )
        self._legend.setLabelTextSize(f"{BASE_POINT_SIZE * scale:.1f}pt")
        self._floor.label.setFont(QFont(font))

    def update_titles(self, kind: str) -> None:
        points = BASE_POINT_SIZE * self._scale
        style = {"color": TEXT_COLOUR, "font-size": f"{points:.1f}pt"}
        title = {"color": TEXT_COLOUR, "size": f"{points * 1.15:.1f}pt"}
        item = self.plot.getPlotItem()
        item.setTitle(KINDS[kind], **title)
        item.setLabel("left", "error E (log scale)" if self._log else "error E", **style)
        item.setLabel("bottom", "iteration", **style)
        hist = self.histogram.getPlotItem()
        hist.setTitle("Final errors", **title)  # short: a long title widens the plot
        hist.setLabel("left", "restarts", **style)
        hist.setLabel("bottom", "final E (log)", **style)

    # ------------------------------------------------------------------ drawing
    def clear(self, restarts: bool) -> None:
        """Remove every curve, the key and the bars; the histogram shows for restarts."""
        item = self.plot.getPlotItem()
        for curve in self.curves:
            item.removeItem(curve)
        for end in self.ends:
            item.removeItem(end)
        self.curves, self.ends = [], []
        self._legend.clear()
        self._legend_texts = []
        self._legend_samples = []
        self._minimum_of = ()
        self._counts = np.empty(0)
        self._bars.setOpts(x0=[], x1=[], height=[])
        self._remove_bar_labels()
        self.histogram.setVisible(restarts)

    def prepare(self, result: ComparisonResult) -> None:
        """One curve and one end marker per run, each with its own colour and dash."""
        self.clear(result.kind == "restarts")
        item = self.plot.getPlotItem()
        for index in range(len(result.labels)):
            colour = COLOURS[index % len(COLOURS)]
            pen = pg.mkPen(colour, width=3, style=STYLES[index % len(STYLES)])
            curve = item.plot(pen=pen)
            end = pg.ScatterPlotItem(
                symbol="x", size=18, pen=pg.mkPen("#000000", width=1), brush=pg.mkBrush(colour)
            )
            end.setZValue(5)
            item.addItem(end)
            self.curves.append(curve)
            self.ends.append(end)

    def draw_curves(self, result: ComparisonResult | None) -> None:
        if result is None:
            return
        ceiling = plot_ceiling(result.curves)
        floor = ERROR_FLOOR if self._log else 0.0
        on_floor = False
        for curve, end, values, gone in zip(
            self.curves, self.ends, result.curves, result.diverged, strict=True
        ):
            x, y = drawn_curve(values, floor=floor, ceiling=ceiling)
            on_floor |= bool(y.size and y.min() <= ERROR_FLOOR)
            shown_x, shown_y = thin(x, y, MAX_DRAWN)
            curve.setData(shown_x, shown_y)
            if gone and shown_x.size:
                # a scatter item added by hand is not put on the log axis for us
                last = float(shown_y[-1])
                end.setData([shown_x[-1]], [math.log10(last) if self._log else last])
            else:
                end.setData([], [])
        self._floor.setVisible(self._log and on_floor)
        if result.kind == "restarts":
            texts = self._colour_by_minimum(result)
        else:
            texts = [
                f"{label} (diverged)" if gone else label
                for label, gone in zip(result.labels, result.diverged, strict=True)
            ]
            self._legend_samples = list(self.curves)
        if texts != self._legend_texts:
            self._legend_texts = texts
            self.rebuild_legend()

    def _colour_by_minimum(self, result: ComparisonResult) -> list[str]:
        """Restarts take the colour and dash of the minimum they end in (lowest first, as
        :func:`minima` groups their final errors); one key entry per minimum."""
        groups = minima(result.final_errors)
        of = [-1] * len(self.curves)
        for g, group in enumerate(groups):
            for i in group.members:
                of[i] = g
        if tuple(of) != self._minimum_of:
            self._minimum_of = tuple(of)
            for curve, g in zip(self.curves, of, strict=True):
                colour = COLOURS[g % len(COLOURS)] if g >= 0 else "#888888"
                curve.setPen(pg.mkPen(colour, width=2, style=STYLES[max(g, 0) % len(STYLES)]))
        n = len(self.curves)
        texts, self._legend_samples = [], []
        for group in groups:
            where = error_text(group.error)
            near = f"E {where}" if where.startswith("below") else f"E ≈ {where}"
            texts.append(f"{group.count} of {n}: {near}")
            self._legend_samples.append(self.curves[group.members[0]])
        gone = [i for i, g in enumerate(of) if g < 0]
        if gone:
            texts.append(f"{len(gone)} of {n} diverged")
            self._legend_samples.append(self.curves[gone[0]])
        return texts

    def rebuild_legend(self) -> None:
        self._legend.clear()
        self._columns = self._legend_columns()
        self._legend.setColumnCount(self._columns)
        size = f"{BASE_POINT_SIZE * self._scale:.1f}pt"
        for curve, text in zip(self._legend_samples, self._legend_texts, strict=False):
            self._legend.addItem(curve, text)
        for _sample, label in self._legend.items:
            label.setText(label.text, size=size, color=TEXT_COLOUR)

    def draw_histogram(self, result: ComparisonResult | None) -> None:
        self._remove_bar_labels()
        if result is None or result.kind != "restarts":
            return
        edges, counts = error_histogram(result.final_errors)
        self._counts = counts
        if counts.size == 0:
            self._bars.setOpts(x0=[], x1=[], height=[])
            return
        self._bars.setOpts(
            x0=edges[:-1], x1=edges[1:], height=counts, brushes=_bar_brushes(result, edges)
        )
        hist = self.histogram.getPlotItem()
        font = QFont(self._host.font())
        font.setBold(True)
        for left, right, count in zip(edges[:-1], edges[1:], counts, strict=True):
            if count <= 0:
                continue
            label = pg.TextItem(f"{int(count)}", color=TEXT_COLOUR, anchor=(0.5, 1.0))
            label.setFont(font)
            label.setPos((left + right) / 2, count)
            hist.addItem(label)
            self._bar_labels.append(label)
        hist.setYRange(0, float(counts.max()) * 1.2 + 0.5, padding=0)
        hist.setXRange(float(edges[0]), float(edges[-1]), padding=0.05)

    def _remove_bar_labels(self) -> None:
        hist = self.histogram.getPlotItem()
        for label in self._bar_labels:
            hist.removeItem(label)
        self._bar_labels = []

    # ------------------------------------------------------------------ the key's columns
    def _legend_columns(self) -> int:
        """As many columns as fit across the plot, so the key never gets cut off."""
        if not self._legend_texts:
            return 1
        font = QFont(self._host.font())
        font.setPointSizeF(BASE_POINT_SIZE * self._scale)
        metrics = QFontMetrics(font)
        widest = max(metrics.horizontalAdvance(t) for t in self._legend_texts)
        # The line sample (20 px), the spacing either side of the text, a little slack.
        entry = widest + 20 + 2 * LEGEND_SPACING + 6
        box = self.plot.getPlotItem().vb.width()
        available = max(entry, int(box if box > 0 else self.plot.width() - 90))
        return max(1, min(len(self._legend_texts), available // entry))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.plot and event.type() == QEvent.Type.Resize:
            if self._legend_texts and self._legend_columns() != self._columns:
                self.rebuild_legend()
        return super().eventFilter(watched, event)


def thin(x: Array, y: Array, limit: int) -> tuple[Array, Array]:
    """At most about ``limit`` points of a curve: each stretch's lowest and highest points,
    in order, so spikes and the last point stay on the plot."""
    n = y.size
    if n <= limit:
        return x, y
    buckets = max(1, limit // 2)
    width = -(-n // buckets)
    padded = np.pad(y, (0, buckets * width - n), mode="edge").reshape(buckets, width)
    base = np.arange(buckets) * width
    picks = np.concatenate([base + padded.argmin(axis=1), base + padded.argmax(axis=1), [n - 1]])
    index = np.unique(np.minimum(picks, n - 1))
    return x[index], y[index]


def _bar_brushes(result: ComparisonResult, edges: Array) -> list[object]:
    """Each bar in the colour of the minimum its restarts end in (as the curves are)."""
    finals = np.asarray(result.final_errors, dtype=np.float64)
    brushes: list[object] = [pg.mkBrush(BAR_COLOUR)] * (edges.size - 1)
    for g, group in enumerate(minima(finals)):
        for i in group.members:
            if finals[i] > 0:
                k = int(
                    np.clip(np.searchsorted(edges, np.log10(finals[i])) - 1, 0, len(brushes) - 1)
                )
                brushes[k] = pg.mkBrush(COLOURS[g % len(COLOURS)])
    return brushes


def _style_axes(item: pg.PlotItem) -> None:
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(TEXT_COLOUR, width=1))
        axis.setTextPen(pg.mkPen(TEXT_COLOUR))
        axis.enableAutoSIPrefix(False)
