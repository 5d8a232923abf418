"""Where the canvas puts things: columns of neurons, bias units, captions and value labels.

Pure geometry from the network's spec and the fonts' metrics: no graphics items are made here.
Columns go left to right, spaced so that their labels fit, then stretched sideways towards the
window's shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSizeF

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.gui.views.canvas.fonts import CanvasFonts
from bpdesk.gui.views.canvas.items import LabelItem

__all__ = [
    "FULL_BOX_LIMIT",
    "LINK_LABEL_LIMIT",
    "NEURON_LABEL_LIMIT",
    "NUMBER",
    "Column",
    "DataTexts",
    "Layout",
]

LINK_LABEL_LIMIT = 12  # more links than this between two columns: no value labels on them
NEURON_LABEL_LIMIT = 12  # more neurons than this in a column: small circles, no labels
FULL_BOX_LIMIT = 4  # columns up to this size show every value, larger ones the latest two
NUMBER = "−0.000000000"  # the widest number a label shows
MAX_STRETCH = 1.8  # gaps grow at most this much towards the window's shape
# How far left of the column it feeds a bias unit may sit, as a share of the gap, best first.
BIAS_FRACTIONS = (0.42, 0.36, 0.48, 0.3, 0.54, 0.25, 0.6, 0.2, 0.66, 0.15)


@dataclass(frozen=True)
class DataTexts:
    """What the data and settings say about the labels' longest texts."""

    input_number: str = NUMBER  # the widest input value the data hold
    target_number: str = NUMBER  # the widest target
    fixed_biases: bool = False  # untrained biases show one line
    bias_number: str = NUMBER  # the widest (fixed) bias
    batched: bool = True  # batches of several samples: a note says whose numbers are shown


@dataclass
class Column:
    """One column of neurons and how its labels are drawn."""

    index: int
    names: tuple[str, ...]
    x: float
    ys: list[float]
    radius: float
    boxes: bool  # value labels shown
    compact: bool  # only the latest two values
    side: str  # where the value label sits: left, right or vertical (above / below)
    image: bool = False
    spacing: float = field(default=0.0, repr=False)  # the least room between two neurons


def box_lines(column: int, last: int, compact: bool) -> int:
    """How many lines a neuron's value label has at most."""
    return 1 if column == 0 else 2 if compact else 5 if column == last else 3


class Layout:
    """The positions of everything on the canvas, for one network and one text size.

    ``shape`` (rows, columns) draws the inputs as an image; ``aspect`` is the width over
    height to stretch towards.
    """

    def __init__(
        self,
        spec: NetworkSpec,
        shape: tuple[int, int] | None,
        fonts: CanvasFonts,
        aspect: float,
        data: DataTexts | None = None,
    ) -> None:
        self.spec = spec
        self.fonts = fonts
        self.data = data if data is not None else DataTexts()
        self.input_number, self.target_number = self.data.input_number, self.data.target_number
        self.fixed_biases = self.data.fixed_biases  # untrained biases: one line each
        self.image_shape = (
            shape if shape is not None and shape[0] * shape[1] == spec.sizes[0] else None
        )
        self.columns = self._columns()
        self._space_rows()
        self._space_columns(aspect)
        self._bias_row: tuple[float, list[float]] | None = None
        self.places = {
            name: (column.index, j)
            for column in self.columns
            for j, name in enumerate(column.names)
        }

    # ------------------------------------------------------------ columns
    def _columns(self) -> list[Column]:
        fonts, spec = self.fonts, self.spec
        lh = fonts.lh
        sizes, last = spec.sizes, spec.n_layers
        named = [n for c in range(last + 1) if sizes[c] <= NEURON_LABEL_LIMIT
                 for n in spec.neuron_names(c)]  # fmt: skip
        names_w = max((fonts.name_width(n) for n in named), default=0.0)
        self.big_radius = max(1.25 * lh, names_w / 2 + 0.4 * lh)
        small_radius = max(4.0, 0.45 * lh)
        columns = []
        for c, n in enumerate(sizes):
            boxes = n <= NEURON_LABEL_LIMIT
            compact = 0 < c and n > FULL_BOX_LIMIT
            side = "left" if c == 0 else "right" if c == last or n > 2 else "vertical"
            column = Column(c, spec.neuron_names(c), 0.0, [], 0.0, boxes, compact, side)
            column.radius = self.big_radius if boxes else small_radius
            if c == 0 and self.image_shape is not None:
                column.spacing = max(4.0, min(12.0, 36 * lh / n))
                column.radius, column.boxes, column.image = column.spacing / 2, False, True
            elif not boxes:
                column.spacing = 2 * column.radius + 0.35 * lh
            elif side == "vertical":
                # Room for the labels of crossing links: a third of the way along each.
                pad = 2 * LabelItem.PAD
                column.spacing = max(2 * column.radius + 3 * lh, 3 * (2 * lh + pad) + lh)
            else:
                box = box_lines(c, last, compact) * lh + 2 * LabelItem.PAD + 0.5 * lh
                column.spacing = max(2 * column.radius + 0.8 * lh, box)
            columns.append(column)
        return columns

    def _space_rows(self) -> None:
        """Neurons of a column centred on y = 0, spread out when the tallest column allows."""
        lh = self.fonts.lh
        lh0 = CanvasFonts.base_line_height()  # room to breathe grows less than the labels do
        s_max = 2 * self.big_radius + max(6 * lh0, 5 * lh)
        sizes = self.spec.sizes
        tallest = max(n * column.spacing for n, column in zip(sizes, self.columns, strict=True))
        height = max(tallest, 2 * s_max)
        for column, n in zip(self.columns, sizes, strict=True):
            spacing = column.spacing
            if not column.image:
                spacing = max(spacing, min(height / n, s_max))
            column.ys = [(k - (n - 1) / 2) * spacing for k in range(n)]

    def _space_columns(self, aspect: float) -> None:
        """Columns left to right, the gaps stretched so the drawing has about ``aspect``."""
        fonts, spec = self.fonts, self.spec
        lh, sizes, last, columns = fonts.lh, spec.sizes, spec.n_layers, self.columns
        gaps = [self._gap(columns[c], sizes[c] * sizes[c + 1]) for c in range(last)]
        left = columns[0].radius + (
            self.image_shape[1] * self.picture_cell() + 7 * lh
            if self.image_shape is not None
            else fonts.width(f"i9 = {self.input_number}") + 0.5 * lh
        )
        widest = max(
            f"out = {NUMBER}",
            f"target = {self.target_number}",
            key=fonts.width,
        )
        right = columns[-1].radius + 0.5 * lh + fonts.width(widest)
        tops, bottoms = zip(*(self.extent(c) for c in columns), strict=True)
        tall = max(bottoms) - min(tops) + 3.5 * lh  # captions, bias units and the legend
        spare = 0.92 * aspect * tall - (left + right + sum(gaps))  # height stays the limit
        if spare > 0 and gaps:
            factor = min(MAX_STRETCH, 1 + spare / sum(gaps))
            gaps = [g * factor for g in gaps]
        x = 0.0
        for c, column in enumerate(columns):
            column.x = x
            x += gaps[c] if c < last else 0.0

    def _gap(self, column: Column, links: int) -> float:
        """The least room between a column and the next one."""
        fonts = self.fonts
        lh0 = CanvasFonts.base_line_height()
        ratio = lh0 / fonts.lh
        gap = max(4 * column.radius, 9 * lh0)
        if links <= LINK_LABEL_LIMIT:
            label = fonts.width(f"∂E/∂w{self.spec.n_parameters} = {NUMBER}")
            # A label fits between the two columns' neurons, with a little room to move.
            gap = max(gap, 1.35 * label * ratio, label + 2 * column.radius + 0.6 * fonts.lh)
        if column.boxes and column.side == "right":
            gap = max(gap, column.radius + fonts.width(f"out = {NUMBER}") + 4 * lh0)
        return gap

    def thinned(self) -> bool:
        """Whether some neurons or links go without value labels (a big network)."""
        sizes = self.spec.sizes
        return any(not c.boxes or c.compact for c in self.columns) or any(
            sizes[i] * sizes[i + 1] > LINK_LABEL_LIMIT for i in range(self.spec.n_layers)
        )

    # ------------------------------------------------------------ positions
    def pos(self, name: str) -> QPointF:
        """The centre of neuron ``name``."""
        c, j = self.places[name]
        return QPointF(self.columns[c].x, self.columns[c].ys[j])

    def column_of(self, name: str) -> Column:
        return self.columns[self.places[name][0]]

    def extent(self, column: Column) -> tuple[float, float]:
        """Top and bottom of a column with its value labels."""
        lh = self.fonts.lh
        extra = column.radius
        lines = box_lines(column.index, len(self.columns) - 1, column.compact)
        if column.boxes and column.side == "vertical":
            extra += lines * lh + 2 * LabelItem.PAD + 0.4 * lh
        elif column.boxes:
            extra = max(extra, lines * lh / 2 + LabelItem.PAD)
        return column.ys[0] - extra, column.ys[-1] + extra

    def caption_bottom(self) -> float:
        """Where the captions above the columns end (above E_total's label too)."""
        top = min(self.extent(c)[0] for c in self.columns)
        return min(top, self.total_top_left().y()) - 0.6 * self.fonts.lh

    def picture_cell(self) -> float:
        """The side of one pixel of the input image."""
        return 1.9 * self.fonts.lh

    def picture_origin(self) -> QPointF:
        """The top-left corner of the input image (left of the inputs' column)."""
        assert self.image_shape is not None
        rows, cols = self.image_shape
        big = self.picture_cell()
        return QPointF(self.columns[0].x - 7 * self.fonts.lh - cols * big, -rows * big / 2)

    def strip_origin(self) -> QPointF:
        """The top-left corner of the inputs' column drawn as a strip of cells."""
        column = self.columns[0]
        return QPointF(column.x - column.radius, column.ys[0] - column.radius)

    def bias_unit_size(self) -> float:
        return 1.7 * self.fonts.lh

    def bias_unit_pos(self, layer: int) -> QPointF:
        """Bias units sit in one row below the deepest column, as the lecture draws b1 and b2:
        each below and to the left of the column it feeds."""
        if self._bias_row is None:
            self._bias_row = self._place_bias_row()
        baseline, fractions = self._bias_row
        below, above = self.columns[layer], self.columns[layer + 1]
        return QPointF(above.x - fractions[layer] * (above.x - below.x), baseline)

    def _place_bias_row(self) -> tuple[float, list[float]]:
        """Right under the lowest neurons where each bias unit (one shared bias per layer)
        finds a place along its gap whose label clears every neuron's label; else below all
        the labels. The baseline and, per layer, how far left of its column the unit sits."""
        lh, spec, sizes = self.fonts.lh, self.spec, self.spec.sizes
        default = [0.42] * spec.n_layers
        low = max(self.extent(c)[1] for c in self.columns) + 2.2 * lh
        labelled_biases = not spec.shared_bias and any(
            sizes[i] * sizes[i + 1] <= LINK_LABEL_LIMIT for i in range(spec.n_layers)
        )
        if labelled_biases:
            return low + 2.5 * lh, default  # room for the stacked labels of per-neuron biases
        high = max(c.ys[-1] + c.radius for c in self.columns) + 1.4 * lh
        lines = 1 if self.fixed_biases else 2
        template = (
            f"b9 = {self.data.bias_number} (fixed)"
            if self.fixed_biases
            else f"b9: {NUMBER} → {NUMBER}"
        )
        size = self.bias_unit_size()
        half = max(self.fonts.width(template), size) / 2
        top, bottom = high - size / 2 - 0.3 * lh, high + size / 2 + 0.4 * lh + lines * lh + 8
        taken = self.label_regions()
        fractions = []
        for layer in range(spec.n_layers):
            below, above = self.columns[layer], self.columns[layer + 1]
            gap = above.x - below.x
            for f in BIAS_FRACTIONS:
                x = above.x - f * gap
                mine = QRectF(x - half, top, 2 * half, bottom - top)
                if not any(mine.intersects(rect) for rect in taken):
                    fractions.append(f)
                    break
            else:
                return low, default
        return high, fractions

    def label_regions(self) -> list[QRectF]:
        """Where the neurons' value labels (at their longest) and E_total's label can be."""
        fonts, last = self.fonts, len(self.columns) - 1
        rects = []
        for column in self.columns:
            if not column.boxes:
                continue
            lines = box_lines(column.index, last, column.compact)
            width = fonts.width(f"target = {NUMBER}" if column.index == last else f"δ = {NUMBER}")
            plate = QRectF(0, 0, width, lines * fonts.lh + 2 * LabelItem.PAD)
            for name in column.names:
                rects.append(QRectF(self.box_top_left(name, plate), plate.size()))
        total = QRectF(self.total_top_left(), QSizeF(fonts.width(f"E_total = {NUMBER}"), fonts.lh))
        return [*rects, total.adjusted(0, 0, 0, 2 * LabelItem.PAD)]

    def box_top_left(self, name: str, plate: QRectF) -> QPointF:
        """Where a neuron's value label (of size ``plate``) has its top-left corner."""
        c, j = self.places[name]
        column = self.columns[c]
        lh = self.fonts.lh
        x, y, r = column.x, column.ys[j], column.radius
        if column.image or column.side == "left":
            return QPointF(x - r - 0.5 * lh - plate.width(), y - plate.height() / 2)
        if column.side == "right" or not column.boxes:
            return QPointF(x + r + 0.5 * lh, y - plate.height() / 2)
        if j == 0:
            return QPointF(x - 0.35 * r, y - r - 0.35 * lh - plate.height())
        return QPointF(x - 0.35 * r, y + r + 0.35 * lh)

    def total_top_left(self) -> QPointF:
        """Where the label of E_total has its top-left corner: above the outputs' labels,
        from the outputs' left edge (no wider than they are)."""
        column = self.columns[-1]
        lh = self.fonts.lh
        top = self.extent(column)[0]
        return QPointF(column.x - column.radius, top - 0.4 * lh - lh - 2 * LabelItem.PAD)
