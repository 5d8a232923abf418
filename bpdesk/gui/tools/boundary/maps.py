"""The boundary view's pictures: class colours, the output map and hidden neurons' maps."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtGui import QColor, QImage

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot

__all__ = [
    "CLASS_COLOURS",
    "class_colour",
    "classes",
    "hidden_image",
    "legend_html",
    "output_rgba",
    "usable",
]

Array = NDArray[np.float64]
Grid = tuple[Array, Array, list[Array]]

# Class colours (Okabe–Ito, readable by the colour-blind); the map uses them faded.
CLASS_COLOURS = ("#0a5fb4", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
MAP_STRENGTH = 0.5  # how far a sure region's colour goes from white towards its class colour
LOW, MIDDLE, HIGH = "#2166ac", "#f7f7f7", "#c0502a"  # hidden neurons: low, middle, high
ACTIVATION_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "softmax": (0.0, 1.0)}

_HIDDEN_MAP = pg.ColorMap([0.0, 0.5, 1.0], [LOW, MIDDLE, HIGH])


def class_colour(index: int) -> str:
    return CLASS_COLOURS[index % len(CLASS_COLOURS)]


def _rgb(colour: str) -> Array:
    c = QColor(colour)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def _faded(colour: str, strength: float = MAP_STRENGTH) -> str:
    mixed = 255.0 + (_rgb(colour) - 255.0) * strength
    return QColor(*(round(float(v)) for v in mixed)).name()


def _to_image(rgba: np.ndarray) -> QImage:
    """A map (rows from the lowest y up) as an image with the highest y on top."""
    data = np.ascontiguousarray(np.flipud(rgba).astype(np.uint8))
    height, width = data.shape[:2]
    return QImage(data.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


def usable(grid: Grid | None) -> Grid | None:
    """The decision map, or None when there is none or it covers no area (a single sample)."""
    if grid is None:
        return None
    xs, ys, _ = grid
    if len(xs) < 2 or len(ys) < 2 or xs[-1] - xs[0] <= 1e-9 or ys[-1] - ys[0] <= 1e-9:
        return None
    return grid


def classes(targets: Array, s: Snapshot) -> NDArray[np.int64]:
    """Each sample's class: above the middle of the targets (one output), else the largest."""
    if targets.shape[1] == 1:
        assert s.targets is not None
        low, high = float(s.targets.min()), float(s.targets.max())
        above: NDArray[np.int64] = (targets[:, 0] >= (low + high) / 2).astype(np.int64)
        return above
    largest: NDArray[np.int64] = np.argmax(targets, axis=1).astype(np.int64)
    return largest


def output_rgba(out: Array, s: Snapshot) -> np.ndarray:
    """The output map's colours: a blue–white–orange scale for one output, else the class
    whose output is largest, the stronger the surer."""
    rows, cols, k = out.shape
    if k == 1:
        assert s.targets is not None
        low, high = float(s.targets.min()), float(s.targets.max())
        if high - low < 1e-12:
            low, high = low - 1.0, high + 1.0
        ends = [_faded(CLASS_COLOURS[0]), "#ffffff", _faded(CLASS_COLOURS[1])]
        cmap = pg.ColorMap([0.0, 0.5, 1.0], ends)
        level = np.clip((out[:, :, 0] - low) / (high - low), 0.0, 1.0)
        rgba = np.asarray(cmap.map(level.ravel(), mode="byte")).reshape(rows, cols, 4)
        return rgba.astype(np.uint8)
    best = np.argmax(out, axis=2)
    top = np.max(out, axis=2)
    sure = np.clip((top - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0) * MAP_STRENGTH
    palette = np.array([_rgb(class_colour(c)) for c in range(k)])
    rgb = 255.0 + (palette[best] - 255.0) * sure[:, :, None]
    alpha = np.full((rows, cols, 1), 255.0)
    mixed: np.ndarray = np.concatenate([rgb, alpha], axis=2).round().astype(np.uint8)
    return mixed


def hidden_image(values: Array, activation: str) -> QImage:
    """One hidden neuron's outputs over the plane, blue low, white middle, orange high."""
    low, high = ACTIVATION_RANGES.get(activation, (math.nan, math.nan))
    if math.isnan(low):
        reach = max(float(np.max(np.abs(values))), 1e-12)
        low, high = -reach, reach
    level = np.clip((values - low) / (high - low), 0.0, 1.0)
    rgba = np.asarray(_HIDDEN_MAP.map(level.ravel(), mode="byte"))
    return _to_image(rgba.reshape(values.shape[0], values.shape[1], 4))


def legend_html(s: Snapshot) -> str:
    """The key under the map: point shapes, class colours and what the background means."""
    assert s.targets is not None
    outputs = s.spec.neuron_names(s.spec.n_layers)
    if s.targets.shape[1] == 1:
        low, high = float(s.targets.min()), float(s.targets.max())
        names = [f"target {format_value(low)}", f"target {format_value(high)}"]
        background = (
            f"Background: the output, from {format_value(low)} (blue) through the middle "
            f"(white, undecided) to {format_value(high)} (orange)."
        )
    else:
        names = list(outputs)
        background = (
            "Background: the class whose output is largest; the stronger the colour, the surer "
            "the network."
        )
    class_note = "" if s.targets.shape[1] == 1 else " (the output with the largest target)"
    held = s.validation_inputs is not None
    validation = " &nbsp; <b>□</b>&nbsp;hollow:&nbsp;validation&nbsp;point" if held else ""
    swatches = " &nbsp; ".join(
        f"<span style='color:{class_colour(k)}'>■</span>&nbsp;{name}"
        for k, name in enumerate(names)
    )
    return (
        "<b>●</b>&nbsp;filled:&nbsp;training&nbsp;point &nbsp; <b>△</b>&nbsp;hollow:&nbsp;test"
        f"&nbsp;point{validation} &nbsp; <b>◯</b>&nbsp;ring:&nbsp;in&nbsp;the&nbsp;current&nbsp;"
        "batch<br>"
        f"Colour = class{class_note}: {swatches}<br>{background}"
    )
