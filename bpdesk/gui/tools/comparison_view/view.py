"""Side-by-side training runs: choosing what to compare, running it on a thread, its status."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

# isort: split
import pyqtgraph as pg  # after PySide6, so that it draws with the same Qt binding

from bpdesk.core.errors import BpdeskError
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.comparison import (
    DEFAULT_OPTIONS,
    KINDS,
    Comparison,
    ComparisonResult,
    parse_options,
)
from bpdesk.core.teaching.comparison_lessons import demonstration
from bpdesk.gui.shell.theme import clamp_font_scale
from bpdesk.gui.tools.comparison_view.palette import set_text_colour
from bpdesk.gui.tools.comparison_view.plots import BASE_POINT_SIZE, ComparisonPlots
from bpdesk.gui.tools.comparison_view.sources import SOURCES, Setup, intro, setup, source_chooser
from bpdesk.gui.tools.comparison_view.text import HELP, summary
from bpdesk.gui.views.quiet import check_quietly
from bpdesk.gui.workers.chunked import describe_failure
from bpdesk.gui.workers.comparison_worker import ComparisonWorker

__all__ = ["ComparisonView"]

ERROR_COLOUR = "#b00020"  # with a ⚠ and bold type: never colour alone
MAX_HELD = 5_000_000  # error values a comparison may hold (iterations × runs)
DEFAULT_ITERATIONS = 2000
WITH_OPTIONS = ("eta", "momentum", "restarts")  # the kinds that take options
BUSY_AFTER_MS = 500  # a run still going after this long shows its progress bar


class ComparisonView(QWidget):
    """Chooses what to compare, runs it on a worker thread and overlays the error curves.

    A run still going after half a second shows a progress bar (iterations done); Stop
    ends it after the chunk in progress, keeping the curves so far.
    """

    _start_requested = Signal(object, int)
    _stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._snapshot: Snapshot | None = None
        self._result: ComparisonResult | None = None
        self._thread: QThread | None = None
        self._worker: ComparisonWorker | None = None
        self._running = False
        self._total = 0
        self._scale = 1.0
        self._log = True
        self._status_is_error = False
        self._options_error = ""
        self._settings = ""
        # Drawn once the queue of reports is through: only the newest one counts.
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(0)
        self._redraw_timer.timeout.connect(self._redraw)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self._show_progress)
        self._plots = ComparisonPlots(self)
        self._build()
        self._apply_fonts()
        self._on_kind_changed()
        self._update_buttons()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self._status = QLabel()
        self._status.setWordWrap(True)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        plots = QHBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        plots.addWidget(self._plots.plot, 3)
        plots.addWidget(self._plots.histogram, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(self._build_choice_row())
        layout.addLayout(self._build_run_row())
        self._progress = QProgressBar()
        self._progress.setAccessibleName("Comparison progress")
        self._progress.setFormat("%v of %m iterations")
        self._progress.setVisible(False)
        layout.addWidget(self._progress)
        layout.addWidget(self._status)
        layout.addLayout(plots, 1)

    def _build_choice_row(self) -> QVBoxLayout:
        """Two rows: what to compare and on which network; its options and the scale."""
        self._kind = QComboBox()
        for key, text in KINDS.items():
            self._kind.addItem(text, key)
        self._kind.setAccessibleName("What to compare")
        # shrinks with a narrow dock (the longest kind is then cut short, not the view)
        self._kind.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self._kind.setMinimumContentsLength(14)
        self._kind.currentIndexChanged.connect(self._on_kind_changed)
        self._options = QLineEdit()
        self._options.setAccessibleName("Comparison options")
        self._options.textChanged.connect(self._on_options_edited)
        self._source = source_chooser()
        self._source.currentIndexChanged.connect(self._on_source_changed)
        self._log_box = QCheckBox("log scale")
        self._log_box.setChecked(True)
        self._log_box.setToolTip("Show the error on a logarithmic axis")
        self._log_box.toggled.connect(self.set_log_scale)
        rows = QVBoxLayout()
        rows.setContentsMargins(0, 0, 0, 0)
        for widgets in (
            (QLabel("Compare"), self._kind, QLabel("on"), self._source),
            (QLabel("with"), self._options, self._log_box),
        ):
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            for widget in widgets:
                row.addWidget(widget, 1 if widget in (self._options, self._kind) else 0)
            rows.addLayout(row)
        return rows

    def _build_run_row(self) -> QHBoxLayout:
        self._count = QSpinBox()
        self._count.setRange(1, 1_000_000)
        self._count.setValue(DEFAULT_ITERATIONS)
        self._count.setGroupSeparatorShown(True)
        self._count.setAccessibleName("How long to run")
        self._unit = QComboBox()
        self._unit.addItems(["iterations", "epochs"])
        self._unit.setAccessibleName("Count in iterations or epochs")
        self._start = QPushButton("Start")
        self._start.setToolTip("Train every run and compare")
        self._start.clicked.connect(self.start)
        self._stop = QPushButton("Stop")
        self._stop.setToolTip("Stop the runs where they are")
        self._stop.clicked.connect(self.stop)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Run for"))
        for widget in (self._count, self._unit, self._start, self._stop):
            row.addWidget(widget)
        row.addStretch(1)
        return row

    # ------------------------------------------------------------------ public
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Remember the current network, data and settings for the next Start."""
        self._snapshot = snapshot
        self._update_buttons()
        if not self._running and self._result is None and self.source() == "current":
            self._set_status("Choose what to compare and press Start.")

    @Slot()
    def start(self) -> None:
        """Build the comparison from the last snapshot and run it on the worker thread."""
        if self._running:
            return
        snapshot = self._snapshot
        current = self.source() == "current"
        if current and (snapshot is None or snapshot.inputs is None or snapshot.targets is None):
            self._set_status("There is no network with data to compare yet.", error=True)
            return
        checked = self._comparison()
        if checked is None:
            return
        build, runs, per_epoch = checked.build, checked.runs, checked.per_epoch
        count = int(self._count.value())
        if self._unit.currentText() == "epochs":
            count *= per_epoch
        if count * runs > MAX_HELD:
            most = MAX_HELD // runs
            self._set_status(
                f"{runs} runs of {count:,} iterations are too many error values "
                f"to keep: run at most {most:,} iterations at once.",
                error=True,
            )
            return
        self._total = count
        self._settings = checked.settings
        self._clear_drawing()
        self._running = True
        self._update_buttons()
        self._set_status(f"Running {runs} runs for {count:,} iterations…")
        self._progress.setRange(0, count)
        self._progress.setValue(0)
        self._busy_timer.start()
        self._ensure_worker()
        self._start_requested.emit(build, count)

    def _comparison(self) -> Setup | None:
        """How to build the comparison (on the worker's thread: it copies the data), its
        runs and iterations per epoch; None, with the reason shown, if it would be refused
        (checked here, on the first sample only)."""
        kind = self.kind()
        try:
            options = parse_options(kind, self._options.text())
            return setup(kind, options, self.source(), self._snapshot, Comparison)
        except BpdeskError as error:
            self._set_status(str(error), error=True)
        except Exception as error:
            self._set_status(describe_failure(error, "setting up the comparison"), error=True)
        return None

    @Slot()
    def stop(self) -> None:
        """Ask the worker to stop after the chunk in progress."""
        if self._worker is not None:
            self._worker.stop()
            self._stop_requested.emit()

    def shutdown(self) -> None:
        """Stop any run and end the worker thread (the window calls this on closing)."""
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is None or worker is None:
            return
        worker.stop()
        thread.quit()
        thread.wait()
        self._redraw_timer.stop()
        self._hide_progress()
        if self._running:
            self._running = False
            self._update_buttons()

    def is_running(self) -> bool:
        return self._running

    def progress_shown(self) -> bool:
        """Whether the progress bar is on show (a run going on for over half a second)."""
        return not self._progress.isHidden()

    def progress_value(self) -> tuple[int, int]:
        """The progress bar's value and maximum (iterations)."""
        return self._progress.value(), self._progress.maximum()

    def kind(self) -> str:
        """The chosen comparison: eta, momentum, optimizer, order or restarts."""
        return str(self._kind.currentData())

    def set_kind(self, kind: str, options: str | None = None) -> None:
        """Choose what to compare (and, optionally, type its options)."""
        index = self._kind.findData(kind)
        if index < 0:
            raise ValueError(f"Unknown comparison {kind!r}; choose one of {', '.join(KINDS)}.")
        self._kind.setCurrentIndex(index)
        if options is not None:
            self._options.setText(options)

    def source(self) -> str:
        """Where the next Start begins: "demo" (the kind's demonstration) or "current"."""
        return str(self._source.currentData())

    def set_source(self, source: str) -> None:
        """Start from the kind's demonstration ("demo") or the current network ("current")."""
        index = self._source.findData(source)
        if index < 0:
            raise ValueError(f"Start from one of {', '.join(SOURCES)}, not {source!r}.")
        self._source.setCurrentIndex(index)

    def set_run_length(self, count: int, unit: str = "iterations") -> None:
        """How long the next Start runs: ``count`` iterations or epochs."""
        self._count.setValue(int(count))
        self._unit.setCurrentIndex(max(0, self._unit.findText(unit)))

    def curve_count(self) -> int:
        """How many runs have a curve on the plot."""
        return self._plots.curve_count()

    def legend_texts(self) -> list[str]:
        """The key's entries, in order: "η = 0.5", "η = 50 (diverged)", …"""
        return self._plots.legend_texts()

    def histogram_counts(self) -> NDArray[np.float64]:
        """The restarts histogram's bar heights (runs per bin of final error)."""
        return self._plots.histogram_counts()

    def histogram_visible(self) -> bool:
        return not self._plots.histogram.isHidden()

    def status_text(self) -> str:
        return self._status.text()

    def result(self) -> ComparisonResult | None:
        """The last result received from the worker."""
        return self._result

    def set_log_scale(self, on: bool) -> None:
        """A logarithmic error axis (the default) or a linear one."""
        on = bool(on)
        check_quietly(self._log_box, on)
        if on == self._log:
            return
        self._log = on
        self._plots.set_log(on, self._result)
        self._update_titles()

    def set_font_scale(self, scale: float) -> None:
        """Scale every font of the view (1.0 = 12 pt; the one rule: 75 % to 300 %)."""
        self._scale = clamp_font_scale(scale)
        self._apply_fonts()
        self._update_titles()
        self._plots.rebuild_legend()
        self._plots.draw_histogram(self._result)

    @property
    def plot_widget(self) -> pg.PlotWidget:
        return self._plots.plot

    @property
    def worker_thread(self) -> QThread | None:
        """The thread the comparisons run on (None before the first Start and after shutdown)."""
        return self._thread

    @property
    def histogram_widget(self) -> pg.PlotWidget:
        return self._plots.histogram

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ worker
    def _ensure_worker(self) -> None:
        if self._thread is not None:
            return
        thread = QThread()
        thread.setObjectName("bpdesk comparison")
        worker = ComparisonWorker()
        worker.moveToThread(thread)
        self._start_requested.connect(worker.start)
        self._stop_requested.connect(worker.stop)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.errored.connect(self._on_errored)
        thread.finished.connect(worker.deleteLater)
        thread.start()
        self._thread, self._worker = thread, worker

    @Slot(object)
    def _on_progress(self, result: ComparisonResult) -> None:
        if not self._running:  # a report still under way from a run that was shut down
            return
        if self._result is None or result.labels != self._result.labels:
            self._plots.prepare(result)
            self._update_titles(result.kind)
        self._result = result
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    @Slot()
    def _redraw(self) -> None:
        self._redraw_timer.stop()
        result = self._result
        if result is None:
            return
        self._plots.draw_curves(result)
        if result.kind == "restarts":
            self._plots.draw_histogram(result)
        if self._running:
            self._progress.setValue(min(result.iterations_done, self._total))
            self._set_status(
                f"Running: {result.iterations_done:,} of {self._total:,} iterations done."
            )

    @Slot()
    def _show_progress(self) -> None:
        if self._running:
            self._progress.setVisible(True)

    def _hide_progress(self) -> None:
        self._busy_timer.stop()
        self._progress.setVisible(False)

    @Slot()
    def _on_finished(self) -> None:
        if not self._running:
            return
        self._running = False
        self._hide_progress()
        self._redraw()
        self._update_buttons()
        result = self._result
        if result is not None and not self._status_is_error:
            self._set_status(summary(result, self._total) + self._settings)

    @Slot(str)
    def _on_errored(self, message: str) -> None:
        self._set_status(message, error=True)

    # ------------------------------------------------------------------ drawing
    def _clear_drawing(self) -> None:
        self._result = None
        self._plots.clear(self.kind() == "restarts")
        self._update_titles()

    def _update_titles(self, kind: str | None = None) -> None:
        """Titles for ``kind`` (by default the result's on show, else the one chosen)."""
        if kind is None:
            kind = self._result.kind if self._result is not None else self.kind()
        self._plots.update_titles(kind)

    def _apply_fonts(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(BASE_POINT_SIZE * self._scale)
        self.setFont(font)
        self._plots.set_font_scale(self._scale, font)

    # ------------------------------------------------------------------ controls
    @Slot()
    def _on_kind_changed(self) -> None:
        kind = self.kind()
        self._options.setText(DEFAULT_OPTIONS[kind])
        needs = kind in WITH_OPTIONS
        self._options.setEnabled(needs)
        self._options.setPlaceholderText(HELP[kind] if needs else "nothing to set")
        self._options.setToolTip(HELP[kind])
        if not self._running:
            self._plots.histogram.setVisible(kind == "restarts" and self._result is not None)
        self._on_options_edited()
        self._on_source_changed()

    @Slot()
    def _on_source_changed(self) -> None:
        """A demonstration brings its run length and says what it shows."""
        if self._running or self.source() != "demo":
            self._update_buttons()
            return
        self.set_run_length(demonstration(self.kind()).iterations)
        if not self._options_error:
            self._set_status(intro(self.kind()))
        self._update_buttons()

    @Slot()
    def _on_options_edited(self) -> None:
        try:
            parse_options(self.kind(), self._options.text())
        except BpdeskError as error:
            self._options_error = str(error)
            set_text_colour(self._options, QPalette.ColorRole.Text, ERROR_COLOUR)
            self._set_status(str(error), error=True)
        else:
            self._options_error = ""
            set_text_colour(self._options, QPalette.ColorRole.Text, None)
            if self._status_is_error and not self._running:
                demo = self.source() == "demo"
                self._set_status(intro(self.kind()) if demo else HELP[self.kind()] + ".")
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_network = self._snapshot is not None or self.source() == "demo"
        ready = has_network and not self._options_error
        self._start.setEnabled(ready and not self._running)
        self._stop.setEnabled(self._running)
        for widget in (self._kind, self._options, self._count, self._unit, self._source):
            widget.setEnabled(not self._running)
        if not self._running:
            self._options.setEnabled(self.kind() in WITH_OPTIONS)

    def _set_status(self, text: str, error: bool = False) -> None:
        self._status_is_error = error
        self._status.setText(f"⚠ {text}" if error else text)
        set_text_colour(
            self._status, QPalette.ColorRole.WindowText, ERROR_COLOUR if error else None
        )
        bold = QFont(self._status.font())
        bold.setBold(error)
        self._status.setFont(bold)
        self._plots.plot.setAccessibleDescription(text)
