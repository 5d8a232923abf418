"""The boundary view's error per epoch: training, validation and test curves, the best epoch
(by the validation error where there is a validation part) and roll back."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.stepping.plot_buffer import PlotBuffer
from bpdesk.core.stepping.snapshot import Snapshot

__all__ = ["CURVE_COLOURS", "EpochCurves", "merge_history"]

Array = NDArray[np.float64]

# Curve colours on a light and on a dark background: training, test, best epoch, validation.
CURVE_COLOURS = {
    "light": ("#0b4f9c", "#c25400", "#1b6e34", "#7b1fa2"),
    "dark": ("#8cbcff", "#ffa55c", "#7bd88f", "#e0a0ff"),
}


class EpochCurves(QObject):
    """The curves' title, plot and roll-back button (placed by the view), drawn per snapshot."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self._host = host
        self._epochs = PlotBuffer()
        self._theme = ""
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self._train_curve = self.plot.plot()
        self._test_curve = self.plot.plot()
        self._validation_curve = self.plot.plot()
        self._best_line = pg.InfiniteLine(angle=90, movable=False)
        self.best_label = pg.TextItem(anchor=(0, 0))
        self.plot.addItem(self._best_line)
        self.plot.addItem(self.best_label)
        self._best_line.setVisible(False)
        self.best_label.setVisible(False)
        self.rollback = QPushButton("Roll back to best epoch")
        self.rollback.setObjectName("boundary_rollback")

    def take_in(self, snapshot: Snapshot) -> None:
        """Keep the snapshot's epoch errors (new ones, or a cut back)."""
        merge_history(self._epochs, snapshot.epoch_history_start, snapshot.epoch_errors)

    def theme_changed(self) -> bool:
        """Colour the curves for the host's background (light or dark); True if it changed."""
        palette = self._host.palette()
        background = palette.color(QPalette.ColorRole.Window)
        theme = "dark" if background.lightness() < 128 else "light"
        if theme == self._theme:
            return False
        self._theme = theme
        train, test, best, validation = CURVE_COLOURS[theme]
        self.plot.setBackground(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.WindowText)
        for side in ("bottom", "left"):
            self.plot.getAxis(side).setTextPen(text)
            self.plot.getAxis(side).setPen(text)
        self._train_curve.setPen(pg.mkPen(train, width=2.5))
        self._test_curve.setPen(pg.mkPen(test, width=2.5, style=Qt.PenStyle.DashLine))
        self._validation_curve.setPen(pg.mkPen(validation, width=3, style=Qt.PenStyle.DotLine))
        self._best_line.setPen(pg.mkPen(best, width=2, style=Qt.PenStyle.DotLine))
        self.best_label.setColor(best)
        return True

    def set_fonts(self, body: QFont) -> None:
        for widget in (self.title, self.rollback):
            widget.setFont(body)
        self.best_label.setFont(body)

    def draw(self, s: Snapshot) -> None:
        x = self._epochs.x() + 1.0
        self._train_curve.setData(x, self._epochs.y())
        has_test = _draw_per_epoch(self._test_curve, s.test_errors)
        has_validation = _draw_per_epoch(self._validation_curve, s.validation_errors)
        top = _finite_max(self._epochs.y(), s.test_errors, s.validation_errors)
        self.plot.setYRange(0.0, top * 1.25, padding=0)
        self._draw_best(s.best_epoch, x, top, s.best_on)
        train_colour, test_colour, _, validation_colour = CURVE_COLOURS[self._theme]
        words = ""
        if has_validation:
            words += (
                f" &nbsp; <span style='color:{validation_colour}'><b>· · ·</b></span> "
                "validation (dotted)"
            )
        if has_test:
            words += f" &nbsp; <span style='color:{test_colour}'><b>- - -</b></span> test (dashed)"
        self.title.setText(
            f"Error per epoch: <span style='color:{train_colour}'><b>——</b></span> "
            f"training (solid){words or ' &nbsp; (no held-out part)'}"
        )

    def _draw_best(self, best: int | None, x: Array, top: float, best_on: str = "test") -> None:
        self._best_line.setVisible(best is not None)
        self.best_label.setVisible(best is not None)
        self.rollback.setEnabled(best is not None)
        if best is None:
            self.rollback.setToolTip(
                "Needs a validation or test part (Data tab) and at least one epoch of training."
            )
            return
        self._best_line.setValue(best)
        self.best_label.setText(f"best {best_on or 'test'} error: epoch {best}")
        right_half = best > max(float(x[-1]) if len(x) else 1.0, 1.0) / 2
        self.best_label.setAnchor((1, 0) if right_half else (0, 0))
        self.best_label.setPos(best, top * 1.2)
        self.rollback.setToolTip(f"Put back the weights of epoch {best}.")


def _draw_per_epoch(curve: pg.PlotDataItem, errors: Array | None) -> bool:
    """Draw one held-out part's errors per epoch (hidden where it has none); True if drawn."""
    shown = errors is not None and len(errors) > 0
    if errors is not None and shown:
        curve.setData(np.arange(1, len(errors) + 1, dtype=np.float64), errors)
    else:
        curve.setData([], [])
    curve.setVisible(shown)
    return shown


def merge_history(buffer: PlotBuffer, start: int, values: Array) -> None:
    """Take in history values sent from index ``start`` (a cut back when below the end)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if start < buffer.end:
        buffer.truncate(start)
    if values.size:
        buffer.append(start, values)


def _finite_max(*arrays: Array | None) -> float:
    tops = [
        float(np.max(a[np.isfinite(a)])) for a in arrays if a is not None and np.isfinite(a).any()
    ]
    return max(tops) if tops else 1.0
