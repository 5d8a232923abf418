"""The "Lecture figures" view: every figure the lecture prints, set against bpdesk's.

One card per figure, in large type for a projector: the figure, the printed value,
bpdesk's value under the default settings, whether they agree to the printed digits,
the settings that reproduce it (found by ``bpdesk.core.teaching.reconcile``) and why.
A figure that needs other settings has a "Show it" button (the lecture as printed): it
opens the lecture's example if needed, sets those settings and steps the window to the
moment the lecture describes, where the canvas shows the printed number.

Working the figures out trains the lecture's network 10,000 rounds for each of four
settings (about a second): that runs on a worker thread, with progress and Cancel.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from html import escape

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.files.presets import LECTURE_WEIGHTS
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.reconcile import (
    Cancelled,
    Figure,
    Recipe,
    Reconciliation,
    is_lecture,
    reconcile,
)
from bpdesk.gui.shell.theme import BASE_POINT_SIZE, clamp_font_scale
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.workers.chunked import describe_failure

__all__ = ["LectureFiguresView", "ReconcileWorker", "build"]

PENDING_SECONDS = 15.0  # how long "Show it" waits for the lecture's example to open
_AGREES = {True: "yes", False: "no", None: "—"}


class ReconcileWorker(QObject):
    """Works the reconciliation out on the thread it lives on; ``cancel`` from any thread."""

    progress = Signal(int, int)
    finished = Signal(object)  # a Reconciliation
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        self.cancel_event.clear()

        def told(done: int, total: int) -> bool:
            self.progress.emit(done, total)
            return not self.cancel_event.is_set()

        try:
            result = reconcile(progress=told)
        except Cancelled as stopped:
            self.failed.emit(str(stopped))
            return
        except Exception as error:
            self.failed.emit(describe_failure(error, "working out the lecture's figures"))
            return
        self.finished.emit(result)


def at_lecture_start(snapshot: Snapshot) -> bool:
    """The window shows the lecture's example before its first step, with its own weights."""
    values = snapshot.values
    return (
        is_lecture(snapshot)
        and snapshot.iteration == 0
        and snapshot.step_complete
        and all(values.get(k) == v for k, v in LECTURE_WEIGHTS.items())
    )


def _cell(name: str, text: str, figure: Figure) -> str:
    """One value of a card as rich text; a "no" stands out."""
    if name == "Agrees?" and figure.agrees is False:
        return f"<span style='color:#b34700'><b>{text}</b></span>"
    return escape(text)


class FigureCard(QFrame):
    """One figure: title, printed and bpdesk's value, agreement, settings, why, Show it."""

    show_requested = Signal(object)  # the Figure

    def __init__(self, figure: Figure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = figure
        self.setObjectName(f"figure_{figure.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        self.title = self._label(escape(figure.title))
        layout.addWidget(self.title)
        self.texts = {"Printed": figure.printed, "bpdesk (default)": figure.default}
        self.texts["Agrees?"] = _AGREES[figure.agrees]
        if figure.reproduced_by:
            self.texts["Reproduced by"] = f"{figure.reproduced_by} → {figure.reproduced}"
        pairs = [
            f"<b>{k.replace(' ', '&nbsp;')}</b>&nbsp;{_cell(k, v, figure)}"
            for k, v in self.texts.items()
        ]
        if figure.kind == "note":  # formulas: a line each
            summary = "<br>".join(pairs[:3])
        else:
            summary = " &nbsp; &nbsp; ".join(pairs[:3])
        self.summary = self._label(summary)
        layout.addWidget(self.summary)
        if figure.reproduced_by:
            layout.addWidget(self._label(pairs[3]))
        self.why = self._label(escape(figure.why))
        layout.addWidget(self.why)
        self.button: QPushButton | None = None
        if figure.recipe is not None:
            self.button = QPushButton("Show it (lecture as printed)")
            self.button.setObjectName(f"show_{figure.id}")
            self.button.clicked.connect(lambda: self.show_requested.emit(self.figure))
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)

    @staticmethod
    def _label(text: str) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def set_points(self, points: float) -> None:
        for label in self.findChildren(QLabel):
            font = QFont(label.font())
            font.setPointSizeF(points)
            font.setBold(label is self.title)
            label.setFont(font)
        if self.button is not None:
            font = QFont(self.button.font())
            font.setPointSizeF(points)
            self.button.setFont(font)


class LectureFiguresView(QWidget):
    """The cards, worked out on a worker thread the first time the view is shown."""

    def __init__(self, host: ToolHost | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lecture_figures")
        self._host = host
        self._scale = 1.0
        self.result: Reconciliation | None = None
        self.cards: list[FigureCard] = []
        self._pending: tuple[Figure, float] | None = None  # Show it, waiting for the lecture
        self._thread: QThread | None = None
        self._worker: ReconcileWorker | None = None
        self.compute_seconds = 0.0
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.heading = QLabel("The lecture's figures and bpdesk's")
        self.intro = QLabel(
            "Each figure the lecture prints, bpdesk's value under the lecture preset's settings, "
            "and, where they differ, the settings that give the printed digits and why."
        )
        self.status = QLabel("Working out the figures…")
        for label in (self.heading, self.intro, self.status):
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress = QProgressBar()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button = QPushButton("Work them out again")
        self.retry_button.clicked.connect(self.start)
        self.retry_button.hide()
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.retry_button)
        self.all_example = QCheckBox("Also list the worked example's figures that agree")
        self.all_example.toggled.connect(self._fill)
        self.cards_box = QVBoxLayout()
        for widget in (self.heading, self.intro, self.status):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.all_example)
        layout.addLayout(self.cards_box)
        layout.addStretch(1)
        self.set_font_scale(self._host.font_scale if self._host is not None else 1.0)

    # ------------------------------------------------------------ the work
    def start(self) -> None:
        """Work the figures out on a worker thread (a second time is instant: runs are kept)."""
        if self._thread is not None:
            return
        self.retry_button.hide()
        self.progress.show()
        self.cancel_button.show()
        self.status.setText("Working out the figures: training the lecture's network…")
        thread, worker = QThread(self), ReconcileWorker()
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self._thread, self._worker = thread, worker
        self._started = time.perf_counter()
        thread.start()

    @Slot()
    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel_event.set()

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(min(done, total))

    @Slot(object)
    def _on_finished(self, result: Reconciliation) -> None:
        self.compute_seconds = time.perf_counter() - self._started
        self._stop_thread()
        self.result = result
        self.progress.hide()
        self.cancel_button.hide()
        differ = [f for f in result.figures if f.agrees is False]
        self.status.setText(
            f"{len(result.figures)} figures and notes; {len(differ)} differ from bpdesk's "
            "default. Press “Show it” to see one as the lecture prints it."
        )
        self._fill()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._stop_thread()
        self.progress.hide()
        self.cancel_button.hide()
        self.retry_button.show()
        self.status.setText(message)

    def _stop_thread(self) -> None:
        thread, self._thread, self._worker = self._thread, None, None
        if thread is not None:
            thread.quit()
            thread.wait()

    def shutdown(self) -> None:
        """The window closes: stop the work and wait for its thread."""
        self.cancel()
        self._stop_thread()

    # ------------------------------------------------------------ the cards
    def _fill(self) -> None:
        while self.cards:
            card = self.cards.pop()
            self.cards_box.removeWidget(card)
            card.deleteLater()
        if self.result is None:
            return
        everything = self.all_example.isChecked()
        for figure in self.result.figures:
            if figure.source == "worked example" and figure.agrees and not everything:
                continue
            card = FigureCard(figure)
            card.set_points(BASE_POINT_SIZE * self._scale)
            card.show_requested.connect(self.show_figure)
            self.cards_box.addWidget(card)
            self.cards.append(card)

    def set_font_scale(self, scale: float) -> None:
        """Text size (the window's one rule), for a projector: cards at least 1.25 × normal."""
        self._scale = clamp_font_scale(scale) * 1.25
        points = BASE_POINT_SIZE * self._scale
        for label, factor in ((self.heading, 1.3), (self.intro, 1.0), (self.status, 1.0)):
            font = QFont(label.font())
            font.setPointSizeF(points * factor)
            font.setBold(label is self.heading)
            label.setFont(font)
        for widget in (self.all_example, self.cancel_button, self.retry_button):
            font = QFont(widget.font())
            font.setPointSizeF(points)
            widget.setFont(font)
        for card in self.cards:
            card.set_points(points)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._host is not None:
            self.set_font_scale(self._host.font_scale)
        if self.result is None and self._thread is None and not self.retry_button.isVisible():
            QTimer.singleShot(0, self, self.start)

    # ------------------------------------------------------------ Show it
    @Slot(object)
    def show_figure(self, figure: Figure) -> None:
        """Set the window to reproduce ``figure``: the lecture's example (opened if another
        session is shown), the figure's settings, then the steps to the lecture's moment."""
        host = self._host
        if host is None or figure.recipe is None:
            return
        snapshot = host.snapshot
        if snapshot is not None and at_lecture_start(snapshot):
            self._apply(figure)
            return
        self._pending = (figure, time.monotonic())
        host.open_source("lecture")

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """A pending Show it goes on once the lecture's example is open at its start."""
        if self._host is not None:
            self.set_font_scale(self._host.font_scale)
        pending = self._pending
        if pending is None:
            return
        if time.monotonic() - pending[1] > PENDING_SECONDS:
            self._pending = None
        elif at_lecture_start(snapshot):
            self._pending = None
            self._apply(pending[0])

    def _apply(self, figure: Figure) -> None:
        host, snapshot = self._host, self._host.snapshot if self._host else None
        recipe: Recipe | None = figure.recipe
        if host is None or snapshot is None or recipe is None:
            return
        config = replace(
            snapshot.config, update_order=recipe.update_order, train_biases=recipe.train_biases
        )
        if not host.set_config(config) or not host.request_commands(list(recipe.commands)):
            host.show_message("bpdesk is busy: press “Show it” again once the step is done.")
            return
        host.show_message(
            f"{figure.title}, as the lecture prints it ({figure.printed}): "
            f"{figure.reproduced_by}. Read it on the canvas."
        )


def build(host: ToolHost) -> QWidget:
    """The view for the tool registry."""
    return LectureFiguresView(host)
