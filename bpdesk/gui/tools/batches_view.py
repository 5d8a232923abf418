"""The "Epoch, batch, iteration" view: one epoch drawn as a strip of N samples cut into batches.

The strip is the epoch's order of samples (shuffled anew every epoch) cut as the trainer cuts
it (``bpdesk.core.teaching.batches``): the batches done in this epoch, the current batch
highlighted, the ones still to come, and a smaller last batch where B does not divide N.
Above it the sentence "N samples / batch B = k iterations per epoch (last batch r samples)";
below it the counters: epoch, batch in the epoch, iterations, samples seen. It draws whole
regions and at most one line per batch boundary that is wide enough to see, so a strip of a
million samples costs what one of ten does; a snapshot that changes nothing redraws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from bpdesk.core.errors import BpdeskError
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.batches import EpochCut, counters, cut_epoch, shown_count
from bpdesk.gui.shell.theme import BASE_POINT_SIZE, clamp_font_scale
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.views.redraw import RedrawThrottle

__all__ = ["BatchStrip", "BatchesView", "StripState", "build"]

DONE = QColor("#5b86c4")  # batches already trained on in this epoch
CURRENT = QColor("#f08c00")  # the batch of the step (next, in progress or just done)
MIN_BLOCK_GAP = 5.0  # px per batch below which the boundaries are not drawn
MAX_IMAGES = 32  # images of the batch's samples drawn at most
STATE_WORDS = {"next": "next", "progress": "in progress", "done": "just done"}


@dataclass(frozen=True)
class StripState:
    """What the strip shows: the cut, which batch is current and in what state."""

    cut: EpochCut
    position: int  # the current batch, 0-based within the epoch
    state: str  # "next", "progress" or "done"

    @property
    def done_until(self) -> int:
        """Samples of the epoch's order trained on (the current batch counts once done)."""
        start, stop = self.cut.span(self.position)
        return stop if self.state == "done" else start


def strip_state(snapshot: Snapshot) -> StripState:
    """The strip for ``snapshot``: its step's batch (the trace names it) in its epoch."""
    config, trace = snapshot.config, snapshot.trace
    cut = cut_epoch(max(1, snapshot.n_samples), config.batch_size, config.optimizer)
    position = min(max(0, trace.position), cut.iterations_per_epoch - 1)
    state = "done" if trace.complete else "progress" if trace.done else "next"
    return StripState(cut, position, state)


def _plural_samples(count: int) -> str:
    return f"{shown_count(count)} sample{'' if count == 1 else 's'}"


class BatchStrip(QWidget):
    """The epoch as a bar: one block per batch, the current one highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state: StripState | None = None
        self.paints = 0  # how often the strip was painted (tests: unchanged snapshots paint 0)
        self.boundaries_drawn = 0
        self._scale = 1.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._apply_height()

    def set_scale(self, scale: float) -> None:
        self._scale = scale
        font = QFont(self.font())
        font.setPointSizeF(BASE_POINT_SIZE * scale)
        self.setFont(font)
        self._apply_height()
        self.update()

    def _height(self) -> int:
        """Margins, the bar and a line of batch numbers under it."""
        return round(8 * self._scale + 40 * self._scale + QFontMetricsF(self.font()).height())

    def _apply_height(self) -> None:
        self.setFixedHeight(self._height())

    def sizeHint(self) -> QSize:
        return QSize(round(400 * self._scale), self._height())

    def set_state(self, state: StripState | None) -> None:
        """Draw ``state``; the same state as before repaints nothing."""
        if state != self.state:
            self.state = state
            self.update()

    def block_rect(self, start: int, stop: int) -> QRectF:
        """Where the samples [start, stop) of the epoch's order are drawn."""
        assert self.state is not None
        bar = self._bar()
        n = self.state.cut.n_samples
        left = bar.left() + bar.width() * start / n
        right = bar.left() + bar.width() * stop / n
        return QRectF(left, bar.top(), max(right - left, 1.0), bar.height())

    def current_rect(self) -> QRectF:
        assert self.state is not None
        rect = self.block_rect(*self.state.cut.span(self.state.position))
        if rect.width() < 6:  # a batch too thin to see still gets a mark
            rect.adjust(-(6 - rect.width()) / 2, 0, (6 - rect.width()) / 2, 0)
        return rect

    def _bar(self) -> QRectF:
        margin = 4 * self._scale
        return QRectF(margin, margin, self.width() - 2 * margin, 40 * self._scale)

    def labels(self) -> list[tuple[str, QRectF]]:
        """The batch numbers under the bar: the current batch's, and the first and the last
        (with its size when it is the smaller one) where they do not overlap it."""
        assert self.state is not None
        cut, bar = self.state.cut, self._bar()
        metrics = QFontMetricsF(self.font())
        top, height = bar.bottom() + 2 * self._scale, metrics.height()
        k = cut.iterations_per_epoch

        def box(text: str, centre: float) -> QRectF:
            width = metrics.horizontalAdvance(text) + 4
            left = min(max(bar.left(), centre - width / 2), bar.right() - width)
            return QRectF(left, top, width, height)

        current = box(str(self.state.position + 1), self.current_rect().center().x())
        shown = [(str(self.state.position + 1), current)]
        last = f"{k} ({_plural_samples(cut.last_batch_size)})" if cut.partial else str(k)
        for text, centre in (("1", bar.left()), (last, bar.right())):
            rect = box(text, centre)
            if not rect.intersects(current.adjusted(-6, 0, 6, 0)):
                shown.append((text, rect))
        return shown

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        state = self.state
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            palette = self.palette()
            dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
            future = future_colour(dark)
            ink = palette.color(QPalette.ColorRole.WindowText)
            if state is None:
                painter.fillRect(self._bar(), future)
                return
            cut = state.cut
            painter.fillRect(self._bar(), future)
            if state.done_until:
                painter.fillRect(self.block_rect(0, state.done_until), DONE)
            if cut.partial:
                last = self.block_rect(*cut.span(cut.iterations_per_epoch - 1))
                painter.fillRect(last, QBrush(ink, Qt.BrushStyle.BDiagPattern))
            self._draw_boundaries(painter, palette.color(QPalette.ColorRole.Window))
            current = self.current_rect()
            painter.fillRect(current, CURRENT)
            painter.setPen(QPen(ink, max(2.0, 2.5 * self._scale)))
            painter.drawRect(current)
            painter.setPen(ink)
            for text, rect in self.labels():
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        finally:
            painter.end()

    def _draw_boundaries(self, painter: QPainter, gap: QColor) -> None:
        """A gap at every batch boundary, when the batches are wide enough to tell apart."""
        assert self.state is not None
        cut, bar = self.state.cut, self._bar()
        k = cut.iterations_per_epoch
        self.boundaries_drawn = 0
        if k < 2 or bar.width() / k < MIN_BLOCK_GAP:
            return
        xs = bar.left() + bar.width() * cut.starts()[1:] / cut.n_samples
        painter.setPen(QPen(gap, max(1.5, 2 * self._scale)))
        painter.drawLines([QLineF(x, bar.top(), x, bar.bottom()) for x in xs.tolist()])
        self.boundaries_drawn = len(xs)


class BatchImages(QWidget):
    """The current batch's samples as small images, where the data are images (digits)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: list[QImage] = []
        self._key: object = None
        self._size = 28
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_scale(self, scale: float) -> None:
        self._size = round(28 * scale)
        self._fit()

    def set_batch(self, snapshot: Snapshot) -> None:
        shape, inputs, batch = snapshot.input_shape, snapshot.inputs, snapshot.trace.batch
        key = (shape, id(inputs), batch[:MAX_IMAGES].tobytes())
        if key == self._key:
            return
        self._key = key
        self.images = []
        if shape is not None and inputs is not None and len(batch):
            pixels = np.asarray(inputs[batch[:MAX_IMAGES]], dtype=np.float64)
            low, high = float(pixels.min()), float(pixels.max())
            grey = (255 * (1 - (pixels - low) / (high - low or 1.0))).astype(np.uint8)
            for row in grey:
                data = np.ascontiguousarray(row.reshape(shape))
                image = QImage(
                    data.data, shape[1], shape[0], shape[1], QImage.Format.Format_Grayscale8
                )
                self.images.append(image.copy())
        self._fit()
        self.update()

    def _fit(self) -> None:
        per_row = max(1, (self.width() or 400) // (self._size + 4))
        rows = -(-len(self.images) // per_row) if self.images else 0
        self.setFixedHeight(rows * (self._size + 4))

    def resizeEvent(self, event: object) -> None:
        self._fit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            step = self._size + 4
            per_row = max(1, self.width() // step)
            for i, image in enumerate(self.images):
                x, y = (i % per_row) * step, (i // per_row) * step
                painter.drawImage(QRectF(x, y, self._size, self._size), image)
        finally:
            painter.end()


def _number(value: int) -> str:
    return shown_count(value)


def _set_text(label: QLabel, text: str) -> None:
    """Change a label only when its text changes (no relayout for an unchanged counter)."""
    if label.text() != text:
        label.setText(text)


def future_colour(dark: bool) -> QColor:
    """The batches still to come: a grey that stands off the window in either theme."""
    return QColor("#5a5d63") if dark else QColor("#c8c8c8")


def _legend(partial: bool, dark: bool) -> str:
    def box(colour: str, words: str) -> str:
        return f"<span style='color:{colour}'>■</span> {words}"

    parts = [
        box(DONE.name(), "done in this epoch"),
        box(CURRENT.name(), "this batch"),
        box(future_colour(dark).name(), "still to come"),
    ]
    if partial:
        parts.append("▨ the smaller last batch")
    return " &nbsp; ".join(parts)


class BatchesView(QWidget):
    """Epoch, batch, iteration, samples seen: the strip, the sentence and the counters."""

    def __init__(self, host: ToolHost | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._snapshot: Snapshot | None = None
        self._scale = 0.0
        self.renders = 0
        self._throttle = RedrawThrottle(self._render, self)
        self._build()
        self.set_font_scale(host.font_scale if host is not None else 1.0)

    # ------------------------------------------------------------ building
    def _label(self, name: str, *, wrap: bool = True) -> QLabel:
        label = QLabel()
        label.setObjectName(f"batches_{name}")
        label.setWordWrap(wrap)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build(self) -> None:
        self.sentence = self._label("sentence")
        self.explanation = self._label("explanation")
        self.caption = self._label("caption")
        self.legend = self._label("legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.strip = BatchStrip(self)
        self.where = self._label("where")
        self.samples = self._label("samples")
        self.images = BatchImages(self)
        self.note = self._label("note")
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self._cells: list[QWidget] = []
        for name in ("epoch", "batch", "iteration", "seen"):
            cell = QWidget(self)
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(0)
            self.values[name] = self._label(f"{name}_value", wrap=False)
            self.captions[name] = self._label(f"{name}_caption")
            box.addWidget(self.values[name])
            box.addWidget(self.captions[name])
            self._cells.append(cell)
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(24)
        self._columns = 0
        self._arrange()
        layout = QVBoxLayout(self)
        for widget in [self.sentence, self.caption, self.strip]:
            layout.addWidget(widget)
        layout.addLayout(self._grid)
        for widget in [self.where, self.legend, self.explanation, self.samples, self.images]:
            layout.addWidget(widget)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.sentence.setText("Open a lesson to see its epochs cut into batches.")

    def _arrange(self) -> None:
        """The four counters in one row where the view is wide, else in two."""
        columns = 4 if self.width() >= 200 * 4 * max(self._scale, 0.75) else 2
        if columns == self._columns:
            return
        self._columns = columns
        for index, cell in enumerate(self._cells):
            self._grid.removeWidget(cell)
            row, column = divmod(index, columns)
            self._grid.addWidget(cell, row, column, Qt.AlignmentFlag.AlignTop)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    # ------------------------------------------------------------ text size
    def set_font_scale(self, scale: float) -> None:
        """Text size (the window's one rule, 75 % to 300 %), for a projector."""
        scale = clamp_font_scale(scale)
        if scale == self._scale:
            return
        self._scale = scale
        size = BASE_POINT_SIZE * scale
        for label, factor, bold in self._fonts():
            font = QFont(self.font())
            font.setPointSizeF(size * factor)
            font.setBold(bold)
            label.setFont(font)
        self.strip.set_scale(scale)
        self.images.set_scale(scale)
        self._columns = 0
        self._arrange()

    def _fonts(self) -> list[tuple[QLabel, float, bool]]:
        fonts = [(self.sentence, 1.25, True), (self.where, 1.0, True)]
        fonts += [(label, 1.0, False) for label in (self.explanation, self.caption, self.legend)]
        fonts += [(label, 1.0, False) for label in (self.samples, self.note)]
        fonts += [(label, 1.8, True) for label in self.values.values()]
        fonts += [(label, 0.95, False) for label in self.captions.values()]
        return fonts

    def font_scale(self) -> float:
        return self._scale

    def showEvent(self, event: QShowEvent) -> None:
        """Coming back into view: the window's text size may have changed meanwhile."""
        super().showEvent(event)
        if self._host is not None:
            self.set_font_scale(self._host.font_scale)

    # ------------------------------------------------------------ snapshots
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Follow ``snapshot`` (given only while the view is seen); during a run a few
        redraws a second, each drawing only what changed."""
        if self._host is not None:
            self.set_font_scale(self._host.font_scale)
        self._snapshot = snapshot
        self._throttle.request(urgent=not snapshot.running)

    def shutdown(self) -> None:
        self._throttle.cancel()

    def _render(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        try:
            state = strip_state(snapshot)
        except BpdeskError as error:  # settings the trainer would refuse: say so, draw nothing
            self.strip.set_state(None)
            _set_text(self.note, str(error))
            return
        self.renders += 1
        self.strip.set_state(state)
        self._draw_texts(snapshot, state)
        if snapshot.input_shape is not None:
            self.images.set_batch(snapshot)
        self.images.setVisible(snapshot.input_shape is not None and bool(self.images.images))

    def _draw_texts(self, s: Snapshot, state: StripState) -> None:
        cut = state.cut
        k = cut.iterations_per_epoch
        _set_text(self.sentence, cut.sentence())
        _set_text(self.explanation, cut.explanation())
        trace_epoch = s.trace.epoch + 1
        if cut.batch_size >= cut.n_samples:
            order = "all samples in one batch"
        elif s.config.shuffle:
            order = f"samples shuffled anew each epoch (seed {s.config.seed})"
        else:
            order = "samples in their stored order (no shuffling)"
        _set_text(self.caption, f"Epoch {trace_epoch} · {order}")
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        _set_text(self.legend, _legend(cut.partial, dark))
        start, stop = cut.span(state.position)
        _set_text(
            self.where,
            f"Batch {state.position + 1} of {k} ({STATE_WORDS[state.state]}): samples "
            f"{_number(start + 1)}–{_number(stop)} of this epoch's order",
        )
        self._draw_counters(s, state)
        self._draw_samples(s, stop - start)

    def _draw_counters(self, s: Snapshot, state: StripState) -> None:
        cut = state.cut
        c = counters(s.epoch, s.iteration, min(s.position, cut.iterations_per_epoch), cut)
        _set_text(self.values["epoch"], _number(s.trace.epoch + 1))
        _set_text(self.captions["epoch"], f"epoch ({_number(c.epoch)} completed)")
        _set_text(self.values["batch"], f"{state.position + 1} / {cut.iterations_per_epoch}")
        _set_text(self.captions["batch"], f"batch in this epoch ({STATE_WORDS[state.state]})")
        _set_text(self.values["iteration"], _number(c.iteration))
        _set_text(self.captions["iteration"], "iterations done (one per batch)")
        _set_text(self.values["seen"], _number(c.samples_seen))
        _set_text(
            self.captions["seen"],
            f"samples seen ({_number(state.done_until)} of {_number(cut.n_samples)} in this epoch)",
        )
        notes = []
        if not c.consistent:
            notes.append(
                "The batch size was changed during training: the epoch under way started "
                "again at batch 1, so the counts go by the new batch size."
            )
        if s.n_samples != cut.n_samples or s.iterations_per_epoch not in (
            0,
            cut.iterations_per_epoch,
        ):
            notes.append("The counters are catching up with a change of data or settings.")
        _set_text(self.note, " ".join(notes))
        self.note.setVisible(bool(notes))

    def _draw_samples(self, s: Snapshot, size: int) -> None:
        batch = s.trace.batch
        shown = ", ".join(str(int(i) + 1) for i in batch[:12])
        more = ", …" if size > 12 else ""
        which = "shuffled" if s.config.shuffle and size < s.n_samples else "in order"
        count = f"{_number(size)} sample{'' if size == 1 else 's'}"
        _set_text(self.samples, f"This batch ({count}, {which}): sample {shown}{more}")


def build(host: ToolHost) -> QWidget:
    """The view for the tool registry."""
    return BatchesView(host)
