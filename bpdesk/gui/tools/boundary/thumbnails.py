"""Hidden neurons' thumbnails: which are shown, their grid, and the enlarged map on pointing."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QObject, QPoint, Signal, Slot
from PySide6.QtGui import QEnterEvent, QFont, QImage, QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.gui.tools.boundary.maps import hidden_image

__all__ = ["MAX_PER_LAYER", "MAX_THUMBNAILS", "ThumbnailGrid", "thumbnail_plan"]

Array = NDArray[np.float64]

MAX_PER_LAYER = 16  # hidden neurons shown per layer; more are thinned out evenly
MAX_THUMBNAILS = 32  # over all hidden layers together
MIN_PER_LAYER = 4
THUMB_COLUMNS = 8
THUMB_SIZE = 44  # pixels at font scale 1
ENLARGED_SIZE = 240


def thumbnail_plan(hidden_sizes: list[int]) -> list[list[int]]:
    """Which neurons of each hidden layer get a thumbnail: all of them up to ``MAX_PER_LAYER``
    (fewer when there are many layers, so that at most ``MAX_THUMBNAILS`` are drawn), else
    that many spread evenly from the first to the last."""
    if not hidden_sizes:
        return []
    per_layer = max(MIN_PER_LAYER, min(MAX_PER_LAYER, MAX_THUMBNAILS // len(hidden_sizes)))
    plan = []
    for size in hidden_sizes:
        if size <= per_layer:
            plan.append(list(range(size)))
        else:
            picks = np.linspace(0, size - 1, per_layer).round().astype(int)
            plan.append(sorted({int(p) for p in picks}))
    return plan


class _Thumbnail(QLabel):
    """One hidden neuron's map; pointing at it asks the view to show it enlarged."""

    hovered = Signal(int, bool)

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.setObjectName("thumbnail")
        self.setFrameShape(QFrame.Shape.Box)
        self.setLineWidth(1)
        self.setScaledContents(True)

    def enterEvent(self, event: QEnterEvent) -> None:
        self.hovered.emit(self.index, True)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.hovered.emit(self.index, False)
        super().leaveEvent(event)


class ThumbnailGrid(QObject):
    """The thumbnails' title and grid (placed by the view) and the overlay over ``host``."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self._host = host
        self._thumbs: list[_Thumbnail] = []
        self._neurons: list[tuple[int, int, str]] = []  # (layer, neuron, name)
        self._images: list[QImage | None] = []
        self._enlarged: int | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setSpacing(3)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self._overlay = QFrame(host)
        self._overlay.setObjectName("boundary_enlarged")
        self._overlay.setFrameShape(QFrame.Shape.Box)
        self._overlay.setLineWidth(2)
        self._overlay.setAutoFillBackground(True)
        self.overlay_title = QLabel(self._overlay)
        self._overlay_image = QLabel(self._overlay)
        self._overlay_image.setFixedSize(ENLARGED_SIZE, ENLARGED_SIZE)
        self._overlay_image.setScaledContents(True)
        overlay = QVBoxLayout(self._overlay)
        overlay.setContentsMargins(6, 4, 6, 6)
        overlay.addWidget(self.overlay_title)
        overlay.addWidget(self._overlay_image)
        self._overlay.hide()

    def count(self) -> int:
        return len(self._thumbs)

    def names(self) -> list[str]:
        return [name for _, _, name in self._neurons]

    def enlarged_name(self) -> str | None:
        """The neuron whose map is shown enlarged (None when none is)."""
        if self._enlarged is None or self._overlay.isHidden():
            return None
        return self._neurons[self._enlarged][2]

    def clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._thumbs, self._neurons, self._images = [], [], []
        self._enlarged = None
        self._overlay.hide()

    def rebuild(self, spec: NetworkSpec, scale: float, font: QFont) -> None:
        """New thumbnails for the hidden layers of ``spec`` at text size ``scale``."""
        self.clear()
        plan = thumbnail_plan([spec.sizes[level] for level in range(1, spec.n_layers)])
        few = sum(len(p) for p in plan) <= THUMB_COLUMNS // 2
        size = round(THUMB_SIZE * scale * (2 if few else 1))  # few neurons: bigger maps
        row = 0
        for layer, picks in enumerate(plan):
            names = spec.neuron_names(layer + 1)
            shown = f"{len(picks)} of {len(names)}" if len(picks) < len(names) else len(names)
            label = QLabel(f"hidden layer {layer + 1}: {names[0]} … {names[-1]} ({shown} shown)")
            label.setFont(font)
            self.grid.addWidget(label, row, 0, 1, THUMB_COLUMNS)
            row += 1
            for k, neuron in enumerate(picks):
                thumb = _Thumbnail(len(self._thumbs))
                thumb.setFixedSize(size, size)
                thumb.setToolTip(f"{names[neuron]}: point here to enlarge")
                thumb.hovered.connect(self._on_hovered)
                self.grid.addWidget(thumb, row + k // THUMB_COLUMNS, k % THUMB_COLUMNS)
                self._thumbs.append(thumb)
                self._neurons.append((layer, neuron, names[neuron]))
                self._images.append(None)
            row += (len(picks) + THUMB_COLUMNS - 1) // THUMB_COLUMNS
        if plan:
            self.title.setText(
                "Hidden neurons: each one's output over the same plane (blue low, white middle, "
                "orange high). Point at one to enlarge it."
            )
        else:
            self.title.setText("This network has no hidden layer.")

    def draw(self, spec: NetworkSpec, maps: list[Array] | None) -> None:
        """Each thumbnail's map from the decision map's layer outputs (None: no map yet)."""
        for k, (layer, neuron, _) in enumerate(self._neurons):
            if maps is None or layer >= len(maps) - 1:
                self._images[k] = None
                self._thumbs[k].clear()
                continue
            image = hidden_image(maps[layer][:, :, neuron], spec.layers[layer].activation)
            self._images[k] = image
            self._thumbs[k].setPixmap(QPixmap.fromImage(image))
        if self._enlarged is not None and not self._overlay.isHidden():
            self._show_enlarged(self._enlarged)

    @Slot(int, bool)
    def _on_hovered(self, index: int, inside: bool) -> None:
        if inside:
            self._show_enlarged(index)
        elif self._enlarged == index:
            self._enlarged = None
            self._overlay.hide()

    def _show_enlarged(self, index: int) -> None:
        if not 0 <= index < len(self._thumbs):
            return
        layer, neuron, name = self._neurons[index]
        self._enlarged = index
        self.overlay_title.setText(f"{name}: hidden layer {layer + 1}, neuron {neuron + 1}")
        image = self._images[index]
        if image is None:
            self._overlay_image.clear()
        else:
            self._overlay_image.setPixmap(QPixmap.fromImage(image))
        overlay, host = self._overlay, self._host
        overlay.adjustSize()
        thumb = self._thumbs[index]
        corner = thumb.mapTo(host, QPoint(0, 0))
        x = corner.x() - overlay.width() - 8
        y = corner.y() + thumb.height() // 2 - overlay.height() // 2
        x = max(0, min(x, host.width() - overlay.width()))
        y = max(0, min(y, host.height() - overlay.height()))
        overlay.move(x, y)
        overlay.show()
        overlay.raise_()
