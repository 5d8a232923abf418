"""The main window: assembles the views around the network drawing and wires them to the worker."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.shell import settings
from bpdesk.gui.shell.actions import STEP_ACTION_KINDS, create_actions
from bpdesk.gui.shell.theme import apply_theme
from bpdesk.gui.views.canvas.view import NetworkCanvas
from bpdesk.gui.views.derivation_panel import DerivationPanel
from bpdesk.gui.views.error_plot import ErrorPlot
from bpdesk.gui.views.parameters.panel import ParameterPanel
from bpdesk.gui.workers.trainer_worker import TrainerWorker

__all__ = ["NO_PROMPTS_VARIABLE", "MainWindow", "MessageBanner"]

NO_PROMPTS_VARIABLE = "BPDESK_NO_PROMPTS"
SESSION_FILTER = "bpdesk sessions (*.bpdesk);;All files (*)"
DEFAULT_SIZE = QSize(1600, 900)
FONT_STEP = 1.15

# Chooses a file: (mode "open" or "save", suggested path) → the path, or "" for cancel.
FileChooser = Callable[[str, str], str]


class MessageBanner(QFrame):
    """A dismissable note across the top of the drawing: errors and warnings in plain words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#message_banner { background: #fff1c2; border: 2px solid #b7791f;"
            " border-radius: 4px; }"
            "#message_banner QLabel { color: #2b1d00; background: transparent; }"
            "#message_banner QToolButton { color: #2b1d00; background: #f5d98a;"
            " border: 1px solid #b7791f; border-radius: 3px; padding: 3px 10px; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        icon = QLabel("⚠")
        icon.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.label = QLabel()
        self.label.setObjectName("message_text")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dismiss_button = QToolButton()
        self.dismiss_button.setObjectName("message_dismiss")
        self.dismiss_button.setText("✕ Dismiss")
        self.dismiss_button.setToolTip("Hide this message (Esc)")
        self.dismiss_button.clicked.connect(self.dismiss)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    @Slot()
    def dismiss(self) -> None:
        self.label.clear()
        self.hide()

    def text(self) -> str:
        return self.label.text() if not self.isHidden() else ""


class MainWindow(QMainWindow):
    """The network drawing in the middle, the panels docked around it, the worker behind it.

    Commands go to the worker as queued signals; snapshots come back and are handed to
    every view. Nothing here computes or touches the live network.
    """

    step_requested = Signal(str)
    step_back_requested = Signal()
    reset_requested = Signal()
    run_requested = Signal(int)
    run_iterations_requested = Signal(int)
    pause_requested = Signal()
    open_requested = Signal(str)
    save_requested = Signal(str)
    refresh_requested = Signal()
    roll_back_requested = Signal()
    snapshot_shown = Signal(object)  # after every view has drawn a snapshot
    run_state_shown = Signal(bool)  # a run started (True) or ended (False)

    def __init__(
        self,
        stepper: Stepper,
        path: str = "",
        parent: QWidget | None = None,
        *,
        restore_layout: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.file_chooser: FileChooser = self._choose_file
        self._snapshot: Snapshot | None = None
        self._draw_started = 0.0
        self._running = False
        self._runs_finished = 0
        self._pending = False  # a step command is on its way to the worker
        self._path = path
        self._modified = False
        self._after_save: Callable[[], object] | None = None
        self._shut_down = False
        self._font_scale = settings.font_scale()
        self.commands = create_actions(self)
        self._build_views()
        self._build_menus_and_toolbar()
        self._build_status_bar()
        self._start_worker(stepper, path)
        self._connect()
        self._restore_layout(restore_layout)
        self._apply_font_scale()
        self._update_title()
        self._update_actions()
        self.refresh_requested.emit()

    # ------------------------------------------------------------ building
    def _build_views(self) -> None:
        self.canvas = NetworkCanvas()
        self.derivation = DerivationPanel()
        self.parameters = ParameterPanel()
        self.error_plot = ErrorPlot()
        self.banner = MessageBanner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(4)
        layout.addWidget(self.banner)
        layout.addWidget(self.canvas, 1)
        self.setCentralWidget(central)
        self.setDockNestingEnabled(True)
        self.parameters_dock = self._dock("dock_parameters", "Parameters", self.parameters)
        self.derivation_dock = self._dock("dock_derivation", "Derivation", self.derivation)
        self.error_dock = self._dock("dock_error_plot", "Error", self.error_plot)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.parameters_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.derivation_dock)
        self.splitDockWidget(self.derivation_dock, self.error_dock, Qt.Orientation.Horizontal)
        # The derivation and the plot get the whole width below the drawing.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        return dock

    def _build_menus_and_toolbar(self) -> None:
        a = self.commands
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a.new, a.open])
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.setObjectName("menu_recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([a.save, a.save_as])
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        step_menu = bar.addMenu("&Step")
        step_menu.addActions([a.forward, a.backward, a.update])
        step_menu.addSeparator()
        step_menu.addActions([a.next_neuron, a.full_step, a.step_back])
        step_menu.addSeparator()
        step_menu.addActions([a.run, a.pause, a.run_epochs])
        step_menu.addSeparator()
        step_menu.addAction(a.reset)
        view_menu = bar.addMenu("&View")
        view_menu.addActions([a.zoom_in, a.zoom_out, a.fit])
        view_menu.addSeparator()
        view_menu.addActions([a.larger_text, a.smaller_text, a.dark_theme])
        view_menu.addSeparator()
        for dock in (self.parameters_dock, self.derivation_dock, self.error_dock):
            view_menu.addAction(dock.toggleViewAction())
        toolbar = QToolBar("Stepping", self)
        toolbar.setObjectName("toolbar_main")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        groups = [
            [a.forward, a.backward, a.update],
            [a.next_neuron, a.full_step, a.step_back],
            [a.run, a.pause, a.run_epochs, a.reset],
            [a.zoom_in, a.zoom_out, a.fit],
        ]
        for k, group in enumerate(groups):
            if k:
                toolbar.addSeparator()
            toolbar.addActions(group)
        for action in (a.forward, a.backward, a.update):
            button = toolbar.widgetForAction(action)
            if button is not None:
                button.setObjectName(f"button_{action.objectName()}")
                button.setStyleSheet("QToolButton { font-weight: bold; }")
        self.toolbar = toolbar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        # Shortcuts must work with the toolbar hidden too.
        self.addActions(a.all())

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("status_bar")
        self.status_labels: dict[str, QLabel] = {}
        for key, stretch in (
            ("epoch", 0),
            ("iteration", 0),
            ("error", 0),
            ("phase", 1),
            ("rate", 0),
        ):
            label = QLabel()
            label.setObjectName(f"status_{key}")
            label.setStyleSheet("QLabel { padding: 0px 10px; }")  # survives theme changes
            bar.addPermanentWidget(label, stretch)
            self.status_labels[key] = label

    def _start_worker(self, stepper: Stepper, path: str) -> None:
        self.worker = TrainerWorker(stepper, path, paced=True)
        self.worker_thread = QThread(self)
        self.worker_thread.setObjectName("bpdesk-worker")
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.start()

    def _connect(self) -> None:
        w = self.worker
        a = self.commands
        # window → worker (queued: the worker lives on its own thread)
        self.step_requested.connect(w.step)
        self.step_back_requested.connect(w.step_back)
        self.reset_requested.connect(w.reset)
        self.run_requested.connect(w.run)
        self.run_iterations_requested.connect(w.run_iterations)
        self.pause_requested.connect(w.pause)
        self.open_requested.connect(w.open_session)
        self.save_requested.connect(w.save_session)
        self.refresh_requested.connect(w.refresh)
        self.roll_back_requested.connect(w.roll_back_to_best)
        # views → worker
        self.canvas.value_edit_requested.connect(w.set_parameter)
        self.parameters.parameter_edited.connect(w.set_parameter)
        self.parameters.config_changed.connect(w.set_config)
        self.parameters.network_requested.connect(w.set_network)
        self.parameters.dataset_requested.connect(w.load_dataset)
        # views → views
        self.canvas.selection_changed.connect(self.derivation.set_selection)
        # worker → window
        w.snapshot_ready.connect(self.show_snapshot)
        w.errored.connect(self._on_error)
        w.run_state_changed.connect(self._on_run_state)
        w.saved.connect(self._on_saved)
        w.document_changed.connect(self._on_document)
        # actions
        for name, kind in STEP_ACTION_KINDS.items():
            action = getattr(a, name)
            action.triggered.connect(lambda _=False, k=kind: self.request_step(k))
        a.step_back.triggered.connect(self._on_step_back)
        a.reset.triggered.connect(self._on_reset)
        a.run.triggered.connect(self._on_run)
        a.pause.triggered.connect(self.pause)
        a.run_epochs.triggered.connect(self._on_run_epochs)
        a.zoom_in.triggered.connect(self.canvas.zoom_in)
        a.zoom_out.triggered.connect(self.canvas.zoom_out)
        a.fit.triggered.connect(self.canvas.fit_to_window)
        a.larger_text.triggered.connect(self._on_larger_text)
        a.smaller_text.triggered.connect(self._on_smaller_text)
        a.dark_theme.toggled.connect(self._on_dark_theme)
        a.new.triggered.connect(self._on_new)
        a.open.triggered.connect(self._on_open)
        a.save.triggered.connect(self.save)
        a.save_as.triggered.connect(self.save_as)
        a.quit.triggered.connect(self.close)

    def _restore_layout(self, remembered: bool) -> None:
        """The default layout, then (if ``remembered``) the one saved at the last close."""
        self._save_layout = remembered
        geometry = settings.restore_bytes("window/geometry") if remembered else None
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(DEFAULT_SIZE)
        self._size_docks()
        state = settings.restore_bytes("window/state") if remembered else None
        if state is not None:
            self.restoreState(state)
        self.commands.dark_theme.setChecked(settings.theme() == "dark")

    def _size_docks(self) -> None:
        """Default proportions: the drawing gets most of the window."""
        width, height = self.width(), self.height()
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        self.resizeDocks([self.parameters_dock], [int(width * 0.36)], horizontal)
        bottom = [self.derivation_dock, self.error_dock]
        self.resizeDocks(bottom, [int(height * 0.33)] * 2, vertical)
        self.resizeDocks(bottom, [int(width * 0.55), int(width * 0.45)], horizontal)

    # ------------------------------------------------------------ commands
    def request_step(self, kind: str) -> None:
        """Send one stepping command (forward, backward, update, neuron, full)."""
        if self._pending or self._running:
            return
        self._pending = True
        self._update_actions()
        self.step_requested.emit(kind)

    @Slot()
    def _on_step_back(self) -> None:
        if self._pending or self._running:
            return
        self._pending = True
        self._update_actions()
        self.step_back_requested.emit()

    @Slot()
    def _on_reset(self) -> None:
        self.worker.pause_event.set()
        self._pending = True
        self._update_actions()
        self.reset_requested.emit()

    @Slot()
    def _on_run(self) -> None:
        self.run(0)

    @Slot()
    def _on_run_epochs(self) -> None:
        self.run(max(1, int(self.parameters.epochs())))

    def run(self, epochs: int = 0) -> None:
        """Start training fast: ``epochs`` epochs, or until paused (0)."""
        if self._running:
            return
        self._running = True
        self._update_actions()
        self.run_requested.emit(int(epochs))

    def run_iterations(self, n: int) -> None:
        if self._running:
            return
        self._running = True
        self._update_actions()
        self.run_iterations_requested.emit(int(n))

    @Slot()
    def pause(self) -> None:
        """Pause a run: the worker sees the flag between two chunks of training."""
        self.worker.pause_event.set()
        self.pause_requested.emit()

    # ------------------------------------------------------------ from the worker
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Hand a snapshot to every view and bring actions and status bar up to date."""
        self._draw_started = time.perf_counter()
        self._snapshot = snapshot
        self._pending = False
        for name, view in (
            ("network drawing", self.canvas),
            ("parameter panel", self.parameters),
            ("derivation", self.derivation),
            ("error plot", self.error_plot),
        ):
            try:
                view.show_snapshot(snapshot)
            except Exception as error:
                self.show_message(
                    f"Something went wrong while drawing the {name}: "
                    f"{type(error).__name__}: {error}"
                )
        if snapshot.message:
            self.show_message(snapshot.message)
        self._update_actions()
        self._update_status(snapshot)
        self.snapshot_shown.emit(snapshot)
        # Acknowledged once the repaint this caused is done (it is queued before this call).
        QTimer.singleShot(0, self, self._acknowledge_drawn)

    @Slot()
    def _acknowledge_drawn(self) -> None:
        snapshot = self._snapshot
        if snapshot is not None:
            self.worker.acknowledge(snapshot.seq, time.perf_counter() - self._draw_started)

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self._pending = False
        self._after_save = None
        self.show_message(message)
        self._update_actions()

    @Slot(bool)
    def _on_run_state(self, running: bool) -> None:
        self._running = running
        if not running:
            self._runs_finished += 1
        self._update_actions()
        self.run_state_shown.emit(running)

    @Slot(str)
    def _on_saved(self, path: str) -> None:
        self.statusBar().showMessage(f"Saved {path}", 8000)
        settings.add_recent_file(path)
        follow_up, self._after_save = self._after_save, None
        if follow_up is not None:
            follow_up()

    @Slot(str, bool)
    def _on_document(self, path: str, modified: bool) -> None:
        if path and path != self._path and os.path.isfile(path):
            settings.add_recent_file(path)
        self._path, self._modified = path, modified
        self._update_title()

    # ------------------------------------------------------------ messages
    def show_message(self, text: str) -> None:
        """A non-blocking note: in the status bar and in the banner above the drawing."""
        self.statusBar().showMessage(text, 20000)
        self.banner.show_message(text)

    def message(self) -> str:
        """The note the banner shows ("" when none)."""
        return self.banner.text()

    def clear_message(self) -> None:
        self.banner.dismiss()
        self.statusBar().clearMessage()

    # ------------------------------------------------------------ state shown
    @property
    def snapshot(self) -> Snapshot | None:
        """The snapshot the views show now."""
        return self._snapshot

    @property
    def running(self) -> bool:
        return self._running

    def actions_in_menus(self) -> list[QAction]:
        """Every action reachable from the menu bar (sub-menus included)."""
        found: list[QAction] = []
        pending = list(self.menuBar().actions())
        while pending:
            action = pending.pop()
            menu = action.menu()
            if isinstance(menu, QMenu):
                pending.extend(menu.actions())
            elif not action.isSeparator():
                found.append(action)
        return found

    @property
    def runs_finished(self) -> int:
        """How many runs have ended since the window opened."""
        return self._runs_finished

    @property
    def step_in_flight(self) -> bool:
        """A stepping command was sent and its snapshot has not come back yet."""
        return self._pending

    @property
    def document_path(self) -> str:
        return self._path

    @property
    def modified(self) -> bool:
        return self._modified

    def _update_actions(self) -> None:
        a = self.commands
        snap = self._snapshot
        idle = snap is not None and not self._running and not self._pending
        can_go = idle and snap is not None and not snap.diverged
        phase = snap.phase if snap is not None else ""
        a.forward.setEnabled(can_go and phase == "forward")
        a.backward.setEnabled(can_go and phase == "backward")
        a.update.setEnabled(can_go and phase == "update")
        a.next_neuron.setEnabled(can_go)
        a.full_step.setEnabled(can_go)
        a.step_back.setEnabled(idle and snap is not None and snap.can_step_back)
        a.run.setEnabled(can_go)
        a.run_epochs.setEnabled(can_go)
        a.pause.setEnabled(self._running)
        a.reset.setEnabled(snap is not None and not self._pending)

    def _update_status(self, snap: Snapshot) -> None:
        labels = self.status_labels
        labels["epoch"].setText(f"Epochs done: {snap.epoch}")
        labels["iteration"].setText(
            f"iteration {snap.position + 1} of {snap.iterations_per_epoch} "
            f"in epoch {snap.epoch + 1} ({snap.iteration} done)"
        )
        e_total = snap.trace.E_total
        if not snap.step_complete and math.isfinite(e_total):
            labels["error"].setText(f"E_total = {format_value(e_total)}")
        else:
            labels["error"].setText(f"E = {format_value(snap.error)}")
        labels["phase"].setText(self._phase_text(snap))
        labels["rate"].setText(rate_text(snap.rate) if snap.running else "")

    def _phase_text(self, snap: Snapshot) -> str:
        if snap.running or self._running:
            return "training…"
        if snap.diverged:
            return "diverged: step back or reset"
        op = snap.next_op
        if op is None and snap.trace.ops:
            op = snap.trace.ops[0]  # the first sub-step of the next training step
        detail = f" — {op.describe(snap.spec)}" if op is not None else ""
        if snap.phase == "update":
            return f"next: weight update{detail}"
        return f"next: {snap.phase} pass{detail}"

    def _update_title(self) -> None:
        name = os.path.basename(self._path) if self._path else "untitled lesson"
        self.setWindowTitle(f"{name}[*] — bpdesk")
        self.setWindowModified(self._modified)

    # ------------------------------------------------------------ files
    def _choose_file(self, mode: str, suggested: str) -> str:
        if mode == "open":
            path, _ = QFileDialog.getOpenFileName(self, "Open a session", suggested, SESSION_FILTER)
            return path
        path, _ = QFileDialog.getSaveFileName(self, "Save the session", suggested, SESSION_FILTER)
        if path and not os.path.splitext(path)[1]:
            path += ".bpdesk"
        return path

    def _suggested_folder(self) -> str:
        if self._path:
            return os.path.dirname(self._path)
        recent = settings.recent_files()
        return os.path.dirname(recent[0]) if recent else os.path.expanduser("~")

    def confirm_discard(self, then: Callable[[], object]) -> bool:
        """Ask before unsaved work is dropped. True: go ahead now. False: cancelled, or
        ``then`` runs once the session has been saved."""
        if not self._modified or os.environ.get(NO_PROMPTS_VARIABLE) == "1":
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            "This session has changes that are not saved. Save them first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Discard:
            return True
        if answer == QMessageBox.StandardButton.Save:
            self.save(then)
        return False

    def open_source(self, source: str) -> None:
        """Open a session file or a preset (asks about unsaved changes first)."""
        if self.confirm_discard(lambda: self.open_requested.emit(source)):
            self.worker.pause_event.set()
            self.open_requested.emit(source)

    @Slot()
    def _on_new(self) -> None:
        self.open_source("lecture")

    @Slot()
    def _on_open(self) -> None:
        path = self.file_chooser("open", self._suggested_folder())
        if path:
            self.open_source(path)

    def save(self, then: Callable[[], object] | None = None) -> None:
        """Save to the session's file (asks for one the first time)."""
        if not self._path:
            self.save_as(then)
            return
        self._after_save = then if callable(then) else None
        self.save_requested.emit(self._path)

    def save_as(self, then: Callable[[], object] | None = None) -> None:
        suggested = self._path or os.path.join(self._suggested_folder(), "lesson.bpdesk")
        path = self.file_chooser("save", suggested)
        if path:
            self._after_save = then if callable(then) else None
            self.save_requested.emit(path)

    @Slot()
    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        files = settings.recent_files()
        if not files:
            empty = menu.addAction("(no recent files)")
            empty.setEnabled(False)
            return
        for path in files:
            action = menu.addAction(os.path.basename(path))
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_source(p))

    # ------------------------------------------------------------ view options
    def _apply_font_scale(self) -> None:
        for view in (self.canvas, self.derivation, self.parameters, self.error_plot):
            view.set_font_scale(self._font_scale)

    def set_font_scale(self, scale: float) -> None:
        self._font_scale = min(3.0, max(0.5, scale))
        settings.set_font_scale(self._font_scale)
        self._apply_font_scale()

    @Slot()
    def _on_larger_text(self) -> None:
        self.set_font_scale(self._font_scale * FONT_STEP)

    @Slot()
    def _on_smaller_text(self) -> None:
        self.set_font_scale(self._font_scale / FONT_STEP)

    @Slot(bool)
    def _on_dark_theme(self, dark: bool) -> None:
        name = "dark" if dark else "light"
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        settings.set_theme(name)

    # ------------------------------------------------------------ closing
    def roll_back_to_best(self) -> None:
        """Ask the worker for the weights of the epoch with the lowest test error."""
        self.roll_back_requested.emit()

    def shutdown(self) -> None:
        """Stop the worker threads and wait for them (safe to call twice)."""
        if self._shut_down:
            return
        self._shut_down = True
        teaching = getattr(self, "teaching", None)
        if teaching is not None:
            teaching.shutdown()
        self.worker.stop()
        self.worker_thread.quit()
        self.worker_thread.wait()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._shut_down and not self.confirm_discard(self.close):
            event.ignore()
            return
        if not self._shut_down and self._save_layout:
            settings.save_bytes("window/geometry", self.saveGeometry())
            settings.save_bytes("window/state", self.saveState())
        self.shutdown()
        event.accept()


def rate_text(rate: float) -> str:
    """Run speed as the status bar shows it."""
    if not math.isfinite(rate) or rate <= 0.0:
        return ""
    return f"{rate:,.0f} it/s".replace(",", "\u2009")
