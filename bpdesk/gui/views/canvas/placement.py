"""Where the canvas's value labels go once their texts are known, so that none hides another."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF

from bpdesk.gui.views.canvas.items import LabelItem
from bpdesk.gui.views.canvas.layout import Layout
from bpdesk.gui.views.canvas.links import LinkBundle

if TYPE_CHECKING:
    from bpdesk.gui.views.canvas.scene import CanvasScene

__all__ = ["place_bias_labels", "place_box", "place_link_labels", "place_total"]

# Where along its link a weight's label may sit, tried in this order (the middle first).
LABEL_FRACTIONS = (0.5, 0.38, 0.62, 0.28, 0.72, 0.44, 0.56, 0.2, 0.8, 0.33, 0.67, 0.15, 0.85)


def _overlap(a: QRectF, b: QRectF) -> float:
    r = a.intersected(b)
    return max(0.0, r.width()) * max(0.0, r.height())


def place_box(layout: Layout, label: LabelItem, name: str) -> None:
    """A neuron's label beside (or above / below) its neuron."""
    label.set_top_left(layout.box_top_left(name, label.boundingRect()))


def place_total(layout: Layout, label: LabelItem) -> None:
    """E_total's label below the outputs."""
    label.set_top_left(layout.total_top_left())


def place_bias_labels(parts: CanvasScene) -> None:
    """A shared bias's label under its unit; per-neuron biases' labels stacked to the left
    of the unit, in the order of the neurons they feed."""
    lh = parts.fonts.lh
    for layer, unit in parts.bias_units.items():
        bundle = parts.bias_bundle(layer)
        keys = dict.fromkeys(f"bias:{name}" for name in bundle.names)
        labels = [parts.labels[k] for k in keys if k in parts.labels]
        labels = [label for label in labels if label.isVisible()]
        if not labels:
            continue
        if len(keys) == 1:
            rect = labels[0].boundingRect()
            labels[0].set_top_left(
                unit.pos() + QPointF(-rect.width() / 2, unit.size / 2 + 0.4 * lh)
            )
            continue
        heights = [label.boundingRect().height() + 0.3 * lh for label in labels]
        y = unit.pos().y() - sum(heights) / 2
        for label, height in zip(labels, heights, strict=True):
            rect = label.boundingRect()
            label.set_top_left(QPointF(unit.pos().x() - unit.size / 2 - 0.6 * lh - rect.width(), y))
            y += height


def place_link_labels(parts: CanvasScene) -> None:
    """Each weight's label somewhere along its link where it covers the least: other labels,
    neurons, captions, and the links crossing it."""
    obstacles = list(parts.static_rects)
    obstacles += [n.mapRectToScene(n.rect()) for n in parts.neurons.values()]
    obstacles += [g.sceneBoundingRect() for g in parts.grids]
    moving: list[tuple[LabelItem, LinkBundle, int]] = []
    for key, label in parts.labels.items():
        if not label.isVisible():
            continue
        kind, name = key.split(":", 1)
        if kind == "weight":
            bundle, index = parts.weights[name]
            moving.append((label, bundle, index))
        else:
            obstacles.append(label.scene_rect())
    for label, bundle, index in moving:
        nearby = [b for b in parts.bundles if b.layer == bundle.layer]
        best_t = _best_fraction(label, bundle, index, obstacles, nearby)
        label.set_center(bundle.point_at(index, best_t))
        obstacles.append(label.scene_rect())


def _best_fraction(
    label: LabelItem,
    bundle: LinkBundle,
    index: int,
    obstacles: list[QRectF],
    nearby: list[LinkBundle],
) -> float:
    """The place along link ``index`` of ``bundle`` where ``label`` costs the least."""
    best_t, best_cost = 0.5, math.inf
    for t in LABEL_FRACTIONS:
        label.set_center(bundle.point_at(index, t))
        rect = label.scene_rect()
        area = rect.width() * rect.height()
        cost = sum(_overlap(rect, o) for o in obstacles) / area * 100
        cost += sum(b.crossings(rect, index if b is bundle else -1) for b in nearby) * 4
        cost += abs(t - 0.5) * 3
        if cost < best_cost:
            best_t, best_cost = t, cost
        if cost == 0:
            break
    return best_t
