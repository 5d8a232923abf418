"""Builds the canvas's scene for one network: its neurons, links, bias units, captions and labels.

Done once per network shape and text size; every snapshot afterwards only changes the items'
values and texts (see ``drawing``).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSimpleTextItem

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.gui.views.canvas.fonts import CanvasFonts
from bpdesk.gui.views.canvas.input_grid import InputGridItem
from bpdesk.gui.views.canvas.items import BiasUnitItem, LabelItem, NeuronItem
from bpdesk.gui.views.canvas.labels import batch_note, bias_template, neuron_template
from bpdesk.gui.views.canvas.layout import LINK_LABEL_LIMIT, NUMBER, Layout
from bpdesk.gui.views.canvas.legend import LegendItem
from bpdesk.gui.views.canvas.links import LinkBundle
from bpdesk.gui.views.canvas.palette import colours
from bpdesk.gui.views.canvas.placement import place_bias_labels, place_box, place_total

__all__ = ["BIG_NOTE", "CanvasScene"]

BIG_NOTE = (
    "A large network: its numbers are drawn as they fit. "
    "Click a neuron, weight or bias to see its numbers large."
)


class CanvasScene:
    """The items drawn for one network, by what they show; built into ``scene`` at once."""

    def __init__(self, scene: QGraphicsScene, layout: Layout, fonts: CanvasFonts) -> None:
        self.scene = scene
        self.layout = layout
        self.fonts = fonts
        self.neurons: dict[str, NeuronItem] = {}
        self.bundles: list[LinkBundle] = []
        self.weights: dict[str, tuple[LinkBundle, int]] = {}
        self.biases: dict[str, list[tuple[LinkBundle, int]]] = {}
        self.bias_units: dict[int, BiasUnitItem] = {}
        self.labels: dict[str, LabelItem] = {}
        self.grids: list[InputGridItem] = []
        self.static_rects: list[QRectF] = []  # captions and bias units: link labels avoid them
        self.note = QGraphicsSimpleTextItem()
        self.big_note = QGraphicsSimpleTextItem()  # says how a big network is drawn
        self._build()

    # ------------------------------------------------------------ lookups
    def exists(self, kind: str, name: str) -> bool:
        if kind == "neuron":
            return name in self.layout.places
        if kind == "weight":
            return name in self.weights
        return kind == "bias" and name in self.biases

    def bias_bundle(self, layer: int) -> LinkBundle:
        return next(b for b in self.bundles if b.kind == "bias" and b.layer == layer)

    def bias_name(self, layer: int) -> str:
        """The (first) bias of weight layer ``layer``: the shared one, when biases are shared."""
        return self.bias_bundle(layer).names[0]

    def add_label(self, key: str) -> LabelItem:
        """The label of ``key`` (``weight:w5``…), made if it is not there yet."""
        label = self.labels.get(key)
        if label is None:
            label = LabelItem(key, self.fonts.label)
            self.scene.addItem(label)
            self.labels[key] = label
        return label

    def remove_label(self, key: str) -> None:
        self.scene.removeItem(self.labels.pop(key))

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        layout, fonts, spec = self.layout, self.fonts, self.layout.spec
        for column in layout.columns:
            if column.image:
                continue
            for name in column.names:
                item = NeuronItem(name, column.radius, fonts.name if column.boxes else None)
                item.setPos(layout.pos(name))
                self.scene.addItem(item)
                self.neurons[name] = item
                if column.boxes:
                    self.add_label(f"neuron:{name}")
        if layout.image_shape is not None:
            self._build_image(layout.image_shape)
        for layer in range(spec.n_layers):
            self._build_weights(spec, layer)
            self._build_biases(spec, layer)
        self._build_captions(spec)
        self.add_label("error:E_total")
        self._fill_templates()
        self._build_footer()

    def _build_image(self, shape: tuple[int, int]) -> None:
        """The inputs as an image and as a strip of cells, a light fan joining the two."""
        layout, lh = self.layout, self.fonts.lh
        column = layout.columns[0]
        n, cell = len(column.names), 2 * column.radius
        strip = InputGridItem(n, 1, cell)
        strip.setPos(layout.strip_origin())
        rows, cols = shape
        big = layout.picture_cell()
        picture = InputGridItem(rows, cols, big)
        picture.setPos(layout.picture_origin())
        caption = QGraphicsSimpleTextItem(
            f"input image {rows}×{cols}\n{column.names[0]}…{column.names[-1]}, row by row"
        )
        caption.setFont(self.fonts.caption)
        caption.setBrush(colours().ink)
        caption.setPos(picture.pos() + QPointF(0, rows * big + 0.6 * lh))
        self.scene.addItem(caption)
        left_x = picture.pos().x() + cols * big
        right_x = strip.pos().x()
        for row in range(rows):
            top = picture.pos().y() + row * big
            first = strip.pos().y() + row * cols * cell
            band = QPolygonF(
                [
                    QPointF(left_x, top),
                    QPointF(right_x, first),
                    QPointF(right_x, first + cols * cell),
                    QPointF(left_x, top + big),
                ]
            )
            item = self.scene.addPolygon(band, QPen(Qt.PenStyle.NoPen), colours().fan[row % 2])
            item.setZValue(-1)
        self.grids = [picture, strip]
        for grid in self.grids:
            self.scene.addItem(grid)

    def _add_bundle(self, bundle: LinkBundle) -> None:
        self.scene.addItem(bundle)
        self.bundles.append(bundle)

    def _build_weights(self, spec: NetworkSpec, layer: int) -> None:
        below, above = self.layout.columns[layer], self.layout.columns[layer + 1]
        names, p0, p1, targets = [], [], [], []
        for t, target in enumerate(above.names):
            end = self.layout.pos(target)
            for s, source in enumerate(below.names):
                start = self.layout.pos(source)
                names.append(spec.weight_name(layer, s, t))
                p0.append((start.x(), start.y()))
                p1.append((end.x(), end.y()))
                targets.append(t)
        bundle = LinkBundle("weight", layer, names, np.array(p0), np.array(p1))
        bundle.targets = np.array(targets)
        self._add_bundle(bundle)
        for index, name in enumerate(names):
            self.weights[name] = (bundle, index)
        if len(names) <= LINK_LABEL_LIMIT:
            for name in names:
                self.add_label(f"weight:{name}")

    def _build_biases(self, spec: NetworkSpec, layer: int) -> None:
        """One bias unit per layer, with a link to every neuron it feeds."""
        layout = self.layout
        above = layout.columns[layer + 1]
        unit_pos = layout.bias_unit_pos(layer)
        unit = BiasUnitItem(layer, layout.bias_unit_size(), self.fonts.unit)
        unit.setPos(unit_pos)
        self.scene.addItem(unit)
        self.bias_units[layer] = unit
        self.static_rects.append(unit.mapRectToScene(unit.rect()))
        n = len(above.names)
        names = [spec.bias_name(layer, 0 if spec.shared_bias else t) for t in range(n)]
        ends = np.array([layout.pos(name).toTuple() for name in above.names])
        starts = np.repeat([[unit_pos.x(), unit_pos.y()]], n, axis=0)
        bundle = LinkBundle("bias", layer, names, starts, ends)
        bundle.targets = np.arange(n)
        self._add_bundle(bundle)
        for index, name in enumerate(names):
            self.biases.setdefault(name, []).append((bundle, index))
        if spec.shared_bias:
            self.add_label(f"bias:{names[0]}")
        elif n * len(layout.columns[layer].names) <= LINK_LABEL_LIMIT:
            for name in names:
                self.add_label(f"bias:{name}")

    def _build_captions(self, spec: NetworkSpec) -> None:
        """A centred line above each column: which layer, its activation and size."""
        top = self.layout.caption_bottom()
        metrics = QFontMetricsF(self.fonts.caption)
        xs = [column.x for column in self.layout.columns]
        for column in self.layout.columns:
            c, n = column.index, len(column.names)
            # One line where it fits between the neighbouring columns, else two.
            room = min((abs(x - column.x) for x in xs if x != column.x), default=math.inf)
            if c == 0:
                lines = [f"inputs · {n}" if n > 2 else "inputs"]
            else:
                act = spec.layers[c - 1].activation + (f" · {n}" if n > 2 else "")
                if c == spec.n_layers:
                    lines = [f"outputs · {act}"]
                else:
                    layer = f"hidden layer {c}" if spec.n_layers > 2 else "hidden layer"
                    lines = [f"{layer} · {act}"]
            if metrics.horizontalAdvance(lines[0]) > 0.9 * room:
                lines = lines[0].split(" · ", 1)  # which layer; its activation and size
            for k, line in enumerate(lines):
                item = QGraphicsSimpleTextItem(line)
                item.setFont(self.fonts.caption)
                item.setBrush(colours().ink)
                rect = item.boundingRect()
                item.setPos(column.x - rect.width() / 2, top - (len(lines) - k) * rect.height())
                self.scene.addItem(item)
                self.static_rects.append(item.sceneBoundingRect())

    def _fill_templates(self) -> None:
        """Longest texts, so the scene rect holds every label each phase can show."""
        layout = self.layout
        last = len(layout.columns) - 1
        for column in layout.columns:
            for name in column.names:
                label = self.labels.get(f"neuron:{name}")
                if label is not None:
                    label.setText("\n".join(neuron_template(name, column, last, layout.data)))
                    place_box(layout, label, name)
        total = self.labels.get("error:E_total")
        if total is not None:
            total.setText(f"E_total = {NUMBER}")
            place_total(layout, total)
        for key, label in self.labels.items():
            if key.startswith("bias:"):
                label.setText("\n".join(bias_template(key[5:], layout.data)))
        place_bias_labels(self)

    def _build_footer(self) -> None:
        """The note on which sample the numbers are of, and the legend, below everything."""
        fonts, scene = self.fonts, self.scene
        content = scene.itemsBoundingRect()
        # Room for the note only where batches hold several samples (else it stays empty).
        self.note = QGraphicsSimpleTextItem(
            batch_note(99999, 99999) if self.layout.data.batched else ""
        )
        self.note.setFont(fonts.caption)
        self.note.setBrush(colours().ink)
        self.note.setPos(content.left(), content.bottom() + 0.6 * fonts.lh)
        scene.addItem(self.note)
        top = (
            self.note.sceneBoundingRect().bottom() if self.layout.data.batched else content.bottom()
        )
        legend = LegendItem(fonts.small, max(content.width(), 30 * fonts.lh))
        legend.setPos(content.left(), top + 0.6 * fonts.lh)
        scene.addItem(legend)
        if self.layout.thinned():
            self.big_note.setText(BIG_NOTE)
            self.big_note.setFont(fonts.caption)
            self.big_note.setBrush(colours().ink)
            self.big_note.setPos(
                content.left(), legend.sceneBoundingRect().bottom() + 0.3 * fonts.lh
            )
            scene.addItem(self.big_note)
