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
LABEL_FRACTIONS = (
    0.5, 0.38, 0.62, 0.28, 0.72, 0.44, 0.56, 0.2, 0.8, 0.33, 0.67, 0.15, 0.85,
    0.41, 0.59, 0.35, 0.65, 0.31, 0.69, 0.25, 0.75, 0.23, 0.77, 0.18, 0.82,
)  # fmt: skip
SHIFTS = (0.0, -0.3, 0.3, -0.55, 0.55)  # up or down by this much of the plate's height, if need be
NEURON_ROOM = 0.15  # line heights kept free around a neuron
REPAIR_ROUNDS = 3  # passes that move again the labels still covering one another
LABEL_ON_LABEL = 2000.0  # the cost of covering a label or a neuron (against 100 for a caption)


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
    obstacles += [g.sceneBoundingRect() for g in parts.grids]
    # A label must not hide another label or a neuron: far dearer to cover.
    room = NEURON_ROOM * parts.fonts.lh
    labels = [n.mapRectToScene(n.rect()).adjusted(-room, -room, room, room)
              for n in parts.neurons.values()]  # fmt: skip
    moving: list[tuple[LabelItem, LinkBundle, int]] = []
    for key, label in parts.labels.items():
        if not label.isVisible():
            continue
        kind, name = key.split(":", 1)
        if kind == "weight":
            bundle, index = parts.weights[name]
            moving.append((label, bundle, index))
        else:
            labels.append(label.scene_rect())
    # The steadiest first: a level link's label has the fewest places to go.
    moving.sort(key=lambda m: abs(float(m[1].p1[m[2]][1] - m[1].p0[m[2]][1])))
    placed: dict[int, QRectF] = {}
    for round_ in range(REPAIR_ROUNDS + 1):
        for k, (label, bundle, index) in enumerate(moving):
            others = labels + [r for j, r in placed.items() if j != k]
            if round_ and not any(_overlap(placed[k], o) > 0 for o in others):
                continue  # a later round moves only the labels that still cover another
            nearby = [b for b in parts.bundles if b.layer == bundle.layer]
            best_t, shift = _best_fraction(label, bundle, index, (obstacles, others), nearby)
            label.set_center(bundle.point_at(index, best_t) + QPointF(0, shift))
            placed[k] = label.scene_rect()


def _best_fraction(
    label: LabelItem,
    bundle: LinkBundle,
    index: int,
    obstacles: tuple[list[QRectF], list[QRectF]],
    nearby: list[LinkBundle],
) -> tuple[float, float]:
    """The place along link ``index`` of ``bundle`` where ``label`` costs the least, and how
    far up or down (the link still runs through the plate); ``obstacles`` are the captions,
    pictures… and the neurons and labels placed so far."""
    best, best_cost = (0.5, 0.0), math.inf
    things, labels = obstacles
    height = label.boundingRect().height()
    for shift in SHIFTS:
        for t in LABEL_FRACTIONS:
            label.set_center(bundle.point_at(index, t) + QPointF(0, shift * height))
            rect = label.scene_rect()
            area = rect.width() * rect.height()
            cost = sum(_overlap(rect, o) for o in things) / area * 100
            cost += sum(_overlap(rect, o) for o in labels) / area * LABEL_ON_LABEL
            cost += sum(b.crossings(rect, index if b is bundle else -1) for b in nearby) * 4
            cost += abs(t - 0.5) * 3 + abs(shift) * 6
            if cost < best_cost:
                best, best_cost = (t, shift * height), cost
            if cost == 0:
                return best
    return best
