"""The node-link canvas: the network drawn layer by layer, with every number of the step on it.

This module is the view itself: its public API, zoom, pan and fit, and what a click hits. The
scene is built by ``scene``, laid out by ``layout``, filled in by ``drawing``; the inline editor
is ``editor``.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QShowEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsScene,
    QGraphicsView,
    QLineEdit,
    QWidget,
)

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.stepping.canvas_model import QuizMask
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.shell.theme import clamp_font_scale
from bpdesk.gui.views.canvas.drawing import draw_snapshot
from bpdesk.gui.views.canvas.editor import InlineEditor
from bpdesk.gui.views.canvas.fonts import CanvasFonts
from bpdesk.gui.views.canvas.input_grid import InputGridItem
from bpdesk.gui.views.canvas.items import BiasUnitItem, LabelItem, NeuronItem
from bpdesk.gui.views.canvas.labels import data_texts
from bpdesk.gui.views.canvas.layout import NUMBER, DataTexts, Layout
from bpdesk.gui.views.canvas.links import LinkBundle
from bpdesk.gui.views.canvas.palette import colours, use_colours_for
from bpdesk.gui.views.canvas.scene import CanvasScene
from bpdesk.gui.views.redraw import RedrawThrottle

__all__ = ["NetworkCanvas"]

MIN_ZOOM, MAX_ZOOM = 0.05, 25.0
HIT_TOLERANCE = 6.0  # pixels around a neuron or link that still hit it
MAX_GROW = 4.0  # a selected label on a big network grows at most this much
MAX_FIT = 1.25  # fitting enlarges the drawing at most this much beyond its real size
RELAYOUT_ASPECT = 0.2  # a resize that changes the viewport's shape this much lays out anew
SCENE_MARGIN = 0.4  # line heights of room around the drawing
RUN_LINK_INTERVAL = 2.0  # seconds between two restrokes of the links while a run goes on


class NetworkCanvas(QGraphicsView):
    """The network as neurons in columns and weights as links, with the step's numbers.

    Renders immutable snapshots only: a click selects (``selection_changed``), a
    double-click on a weight or bias opens an inline editor (``value_edit_requested``).
    """

    selection_changed = Signal(str, str)  # kind: neuron, weight or bias; name
    value_edit_requested = Signal(str, float)  # parameter name, the value typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setBackgroundBrush(colours().background)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setMinimumSize(200, 150)
        self.rebuild_count = 0  # how often the scene was built anew (tests read it)
        self._font_scale = 1.0
        self._fonts = CanvasFonts(1.0)
        self._auto_fit = True
        self._key: tuple[NetworkSpec, tuple[int, int] | None, float, str, DataTexts] | None = None
        self._snapshot: Snapshot | None = None
        self._parts: CanvasScene | None = None
        self._selection: tuple[str, str] | None = None
        self._quiz = QuizMask()
        self._animated = False  # slow runs are drawn step by step, as single steps are
        # During a run the window hands over a few snapshots a second (the last one always);
        # the links, dear to stroke, follow the weights every two seconds then.
        self._throttle = RedrawThrottle(self._draw, self)
        self._links_drawn_at = -math.inf
        self._laid_out_for = 16 / 9  # the aspect the scene was laid out for
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(120)
        self._relayout.timeout.connect(self._lay_out_anew)
        self._editor = InlineEditor(self)
        self._editor.committed.connect(self.value_edit_requested)

    # ------------------------------------------------------------ public API
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Draw ``snapshot``: the scene is built anew only when the network's shape changes."""
        data = data_texts(snapshot)
        key = (snapshot.spec, snapshot.input_shape, self._font_scale, colours().name, data)
        rebuilt = key != self._key
        if rebuilt:
            self._rebuild(snapshot, data)
            self._key = key
        self._snapshot = snapshot
        self._throttle.request(urgent=rebuilt or not snapshot.running or self._animated)
        if rebuilt:
            self.fit_to_window()

    def select(self, kind: str, name: str) -> None:
        """Select an element by kind (neuron, weight, bias) and name; emits ``selection_changed``
        when the selection changes. Unknown names are ignored."""
        if self._parts is not None and self._parts.exists(kind, name):
            self._set_selection(kind, name)

    def selection(self) -> tuple[str, str] | None:
        return self._selection

    def fit_to_window(self) -> None:
        self._auto_fit = True
        rect = self.sceneRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > MAX_FIT:
            # Text no larger than the text size asks (a little more to fill the room): the
            # text-size setting, not the canvas's size, decides how big the labels are.
            self.setTransform(QTransform.fromScale(MAX_FIT, MAX_FIT))
            self.centerOn(rect.center())
        self._enlarge_selected()
        self._editor.reposition()

    def zoom_in(self) -> None:
        self._zoom(1.25, QGraphicsView.ViewportAnchor.AnchorViewCenter)

    def zoom_out(self) -> None:
        self._zoom(0.8, QGraphicsView.ViewportAnchor.AnchorViewCenter)

    def set_animated(self, on: bool) -> None:
        """Slow runs on (each step drawn with all its numbers) or off (runs drawn lightly)."""
        self._animated = bool(on)

    @property
    def quiz_mask(self) -> QuizMask:
        """What quiz mode hides: shared with every view that shows the step's numbers."""
        return self._quiz

    def set_quiz_mode(self, on: bool) -> None:
        """Hide the values the last press computed ("?") until they are revealed."""
        self._quiz.on = on
        self._redraw()

    def reveal(self, quantity: str) -> None:
        """Show a hidden value again: ``w8+``, ``dE_total/dw5``, ``net_h1``, ``E_total``…"""
        self._quiz.reveal(quantity)
        self._redraw()

    def label_texts(self) -> dict[str, str]:
        """Every label on screen: ``neuron:h1``, ``weight:w5``, ``bias:b1``… → its text."""
        texts: dict[str, str] = {}
        if self._parts is None:
            return texts
        for name, item in self._parts.neurons.items():
            if item.name_item is not None:
                texts[f"neuron:{name}"] = name
        for key, label in self._parts.labels.items():
            if not label.isVisible():
                continue
            text = label.text()
            if key in texts and not text.startswith(texts[key] + " "):
                text = texts[key] + "\n" + text
            texts[key] = text
        return texts

    def set_font_scale(self, scale: float) -> None:
        """1.0 for a screen, up to 3.0 for a projector: labels grow and the layout with them."""
        scale = clamp_font_scale(scale)
        if scale == self._font_scale:
            return
        self._font_scale = scale
        self._fonts = CanvasFonts(scale)
        if self._snapshot is not None:
            self.show_snapshot(self._snapshot)

    def font_scale(self) -> float:
        return self._font_scale

    # Helpers for tests and automation.
    def element_pos(self, kind: str, name: str) -> QPointF:
        """Where to click an element, in scene coordinates (its label if shown)."""
        parts = self._parts
        assert parts is not None, "no snapshot drawn yet"
        label = parts.labels.get(f"{kind}:{name}")
        if kind in ("weight", "bias") and label is not None and label.isVisible():
            return label.scene_rect().center()
        if kind == "neuron":
            return parts.layout.pos(name)
        if kind == "weight":
            bundle, index = parts.weights[name]
            return bundle.point_at(index, 0.5)
        bundle, index = parts.biases[name][0]
        return bundle.point_at(index, 0.5)

    def editor(self) -> QLineEdit | None:
        return self._editor.field()

    def editor_message(self) -> str:
        return self._editor.message()

    # ------------------------------------------------------------ building and drawing
    def _rebuild(self, snapshot: Snapshot, data: DataTexts) -> None:
        self._editor.close()
        scene = self.scene()
        self._parts = None
        scene.clear()
        self.rebuild_count += 1
        self._laid_out_for = self._aspect()
        layout = Layout(snapshot.spec, snapshot.input_shape, self._fonts, self._laid_out_for, data)
        self._parts = CanvasScene(scene, layout, self._fonts)
        margin = SCENE_MARGIN * self._fonts.lh
        self.setSceneRect(scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin))
        if self._selection and not self._parts.exists(*self._selection):
            self._selection = None

    def _lay_out_anew(self) -> None:
        """The scene built again for the viewport's new shape."""
        if (
            self._snapshot is not None
            and abs(self._aspect() - self._laid_out_for) > RELAYOUT_ASPECT
        ):
            self._key = None
            self.show_snapshot(self._snapshot)

    def _aspect(self) -> float:
        """Width over height to lay out for: the window's, or 16:9 before it is shown."""
        size = self.viewport().size()
        if self.isVisible() and size.width() > 50 and size.height() > 50:
            return min(2.4, max(1.2, size.width() / size.height()))
        return 16 / 9

    def _draw(self) -> None:
        snapshot = self._snapshot
        if snapshot is None or self._parts is None:
            return
        if self._animated and snapshot.running:
            snapshot = replace(snapshot, running=False)  # every number of the step, smoothly
        now = time.monotonic()
        links = not snapshot.running or now - self._links_drawn_at >= RUN_LINK_INTERVAL
        if links:
            self._links_drawn_at = now
        draw_snapshot(self._parts, snapshot, self._selection, self._quiz, links=links)
        self._enlarge_selected()

    def _enlarge_selected(self) -> None:
        """On a network too big for every number, the selected element's label is drawn at
        its real size (kept in view; a note below the legend says so); the others as they fit."""
        parts = self._parts
        if parts is None:
            return
        big = parts.layout.thinned()
        grow = min(MAX_GROW, max(1.0, 1.0 / max(self.transform().m22(), 1e-6))) if big else 1.0
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        for label in parts.labels.values():
            want = grow if (label.selected or label.extra) and label.isVisible() else 1.0
            if label.scale() != want:
                label.setScale(want)
            if want > 1.0:
                rect = label.scene_rect()
                dx = max(seen.left() - rect.left(), 0.0) + min(seen.right() - rect.right(), 0.0)
                dy = max(seen.top() - rect.top(), 0.0) + min(seen.bottom() - rect.bottom(), 0.0)
                label.moveBy(dx, dy)

    def _redraw(self) -> None:
        """Draw the latest snapshot again at once (the selection or the quiz changed)."""
        if self._snapshot is not None:
            self._throttle.draw_now()

    # ------------------------------------------------------------ selection
    def _set_selection(self, kind: str, name: str) -> None:
        changed = self._selection != (kind, name)
        self._selection = (kind, name)
        self._redraw()
        if changed:
            self.selection_changed.emit(kind, name)

    def _element_at(self, view_pos: QPoint) -> tuple[str, str] | None:
        """What a click at ``view_pos`` selects: a label, neuron, bias unit, pixel or link."""
        parts = self._parts
        if parts is None:
            return None
        point = self.mapToScene(view_pos)
        tolerance = HIT_TOLERANCE / max(self.transform().m11(), 1e-6)
        for item in self.scene().items(point):
            if isinstance(item, LabelItem):
                kind, name = item.key.split(":", 1)
                if kind in ("neuron", "weight", "bias"):
                    return kind, name
            owner = item.parentItem() or item
            if isinstance(owner, NeuronItem):
                if math.hypot(*(point - owner.pos()).toTuple()) <= owner.radius + tolerance:
                    return "neuron", owner.name
            elif isinstance(owner, BiasUnitItem):
                return "bias", parts.bias_name(owner.layer)
            elif isinstance(owner, InputGridItem):
                index = owner.index_at(owner.mapFromScene(point))
                if index >= 0:
                    return "neuron", parts.layout.columns[0].names[index]
        return self._link_at(parts, point, tolerance)

    @staticmethod
    def _link_at(parts: CanvasScene, point: QPointF, tolerance: float) -> tuple[str, str] | None:
        """The link nearest ``point``, if it passes within ``tolerance`` (or its own width)."""
        best: tuple[float, LinkBundle, int] | None = None
        for bundle in parts.bundles:
            index, distance = bundle.nearest(point)
            limit = max(tolerance, bundle.widths[index] / 2 + 2) if index >= 0 else 0
            if index >= 0 and distance <= limit and (best is None or distance < best[0]):
                best = (distance, bundle, index)
        if best is None:
            return None
        return best[1].kind, best[1].names[best[2]]

    # ------------------------------------------------------------ editing
    def _open_editor(self, kind: str, name: str) -> None:
        if self._snapshot is None:
            return
        value = self._snapshot.values.get(name, math.nan)
        anchor = self.element_pos(kind, name)
        width = self._fonts.width(NUMBER)
        self._editor.open(name, value, anchor, self._fonts.label, width)

    # ------------------------------------------------------------ view events
    def _zoom(self, factor: float, anchor: QGraphicsView.ViewportAnchor) -> None:
        current = self.transform().m11()
        factor = min(max(factor, MIN_ZOOM / current), MAX_ZOOM / current)
        previous = self.transformationAnchor()
        self.setTransformationAnchor(anchor)
        self.scale(factor, factor)
        self.setTransformationAnchor(previous)
        self._auto_fit = False
        self._enlarge_selected()
        self._editor.reposition()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            self._zoom(1.2**steps, QGraphicsView.ViewportAnchor.AnchorUnderMouse)
            event.accept()
            return
        super().wheelEvent(event)
        self._editor.reposition()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._editor.close()
            hit = self._element_at(event.position().toPoint())
            if hit is not None:
                self._set_selection(*hit)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            hit = self._element_at(event.position().toPoint())
            if hit is not None:
                self._set_selection(*hit)
                if hit[0] in ("weight", "bias"):
                    self._open_editor(*hit)
                event.accept()
                return
        super().mouseDoubleClickEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        event.accept()  # the canvas handled the press: selection or panning

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._editor.reposition()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._parts is not None and abs(self._aspect() - self._laid_out_for) > RELAYOUT_ASPECT:
            self._relayout.start()  # a new shape (full screen, a dock moved): columns anew
        if self._auto_fit:
            self.fit_to_window()
        self._editor.reposition()

    def changeEvent(self, event: QEvent) -> None:
        """A new theme or high contrast: the drawing takes its colours and is built anew."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and use_colours_for(self.palette()):
            self.setBackgroundBrush(colours().background)
            if self._snapshot is not None:
                self.show_snapshot(self._snapshot)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._auto_fit:
            self.fit_to_window()
