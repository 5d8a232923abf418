"""The main window: assembles the views around the network drawing and wires them to the worker."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QVBoxLayout, QWidget

from bpdesk.core.files.datasets import Dataset
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.shell import settings
from bpdesk.gui.shell.actions import create_actions
from bpdesk.gui.shell.autosave import Autosave
from bpdesk.gui.shell.banner import MessageBanner
from bpdesk.gui.shell.cadence import window_cadences
from bpdesk.gui.shell.data_edits import DataEdits
from bpdesk.gui.shell.desk_layout import DeskLayout, keep_tab_titles, scrolling
from bpdesk.gui.shell.menus import build_menus, build_toolbar, menu_named
from bpdesk.gui.shell.run_speed import RunSpeed
from bpdesk.gui.shell.session_files import NO_PROMPTS_VARIABLE, FileChooser, SessionFiles
from bpdesk.gui.shell.status_bar import build_status_labels, show_status
from bpdesk.gui.shell.tool_settings import ToolSettings
from bpdesk.gui.shell.view_options import ViewOptions
from bpdesk.gui.shell.window_api import DockPlace
from bpdesk.gui.shell.worker_link import WorkerLink
from bpdesk.gui.views.canvas.view import NetworkCanvas
from bpdesk.gui.views.derivation_panel import DerivationPanel
from bpdesk.gui.views.error_plot import ErrorPlot
from bpdesk.gui.views.lm_plots import LMPlots
from bpdesk.gui.views.parameters.panel import ParameterPanel
from bpdesk.gui.workers.chunked import describe_failure
from bpdesk.gui.workers.stepper_worker import StepperWorker

__all__ = ["NO_PROMPTS_VARIABLE", "MainWindow", "MessageBanner"]

DEFAULT_SIZE = QSize(1600, 900)


class MainWindow(QMainWindow, ToolSettings, DataEdits):
    """The network drawing in the middle, the panels docked around it, the worker behind it.

    Commands go to the worker as queued signals (see :class:`WorkerLink`); snapshots come
    back and are handed to every view. Nothing here computes or touches the live network.
    The window is the tools' :class:`~bpdesk.gui.shell.window_api.ToolHost`.
    """

    # After the views have drawn a snapshot; during a run a few times a second, carrying the
    # error history of the snapshots in between (see ViewCadence).
    snapshot_shown = Signal(object)
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
        self._snapshot: Snapshot | None = None
        self._draw_started = 0.0
        self._shut_down = False
        self._on_shutdown: list[Callable[[], object]] = []
        self.commands = create_actions(self)
        self.link = WorkerLink(stepper, path, self)
        self.files = SessionFiles(self, self.link)
        self.files.path = path
        self.autosave = Autosave(self.link, lambda: self.files.modified, self)
        self._build_views()
        self._build_cadence()
        views = (self.canvas, self.derivation, self.parameters, self.error_plot, self.lm_plots)
        self.view_options = ViewOptions(self, views)
        docks = (self.parameters_dock, self.derivation_dock, self.error_dock)
        build_menus(self.menuBar(), self.commands, self.files.recent_menu, docks)
        self.toolbar = build_toolbar(self, self.commands)
        cadences = (self.cadence, self._tools_cadence)
        self.run_speed = RunSpeed(self.toolbar, self.canvas, cadences, self)
        self.run_speed.speed_changed.connect(self.link.speed_requested)
        self.addActions(self.commands.all())  # shortcuts work with the toolbar hidden too
        self.status_labels = build_status_labels(self.statusBar())
        self._connect()
        self._restore_layout(restore_layout)
        self.view_options.apply_font_scale()
        self._update_title()
        self._update_actions()
        self.link.refresh_requested.emit()

    # ------------------------------------------------------------ building
    def _build_views(self) -> None:
        self.canvas = NetworkCanvas()
        self.derivation = DerivationPanel()
        self.parameters = ParameterPanel()
        self.error_plot = ErrorPlot()
        self.banner = MessageBanner()
        # Quiz mode hides the same numbers in the drawing, the derivation and the table.
        self.derivation.quiz = self.canvas.quiz_mask
        self.parameters.table.model.quiz = self.canvas.quiz_mask
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
        # Levenberg–Marquardt's μ and gradient, beside the error plot while it is chosen.
        self.lm_plots = LMPlots()
        self.lm_dock = self._dock("dock_lm_plots", "Levenberg–Marquardt", self.lm_plots)
        self.splitDockWidget(self.error_dock, self.lm_dock, Qt.Orientation.Horizontal)
        self.lm_dock.hide()
        self._lm_placed = False
        # The derivation and the plot get the whole width below the drawing.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(scrolling(widget))  # a panel too big for its dock scrolls
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        return dock

    def _connect(self) -> None:
        w = self.worker
        a = self.commands
        # views → worker (queued: the worker lives on its own thread)
        self.canvas.value_edit_requested.connect(w.set_parameter)
        self.parameters.parameter_edited.connect(w.set_parameter)
        self.parameters.config_changed.connect(w.set_config)
        self.parameters.network_requested.connect(w.set_network)
        self.parameters.dataset_requested.connect(w.load_dataset)
        self.parameters.split_requested.connect(w.set_split)
        # views → views
        self.canvas.selection_changed.connect(self.derivation.set_selection)
        self.lm_plots.wanted.connect(self._show_lm_plots)
        # worker → window
        w.snapshot_ready.connect(self.show_snapshot)
        w.errored.connect(self._on_error)
        w.run_state_changed.connect(self._on_run_state)
        w.autosave_failed.connect(self._on_autosave_failed)
        self.files.saved.connect(self._on_saved)
        self.files.changed.connect(self._update_title)
        # actions: every step goes through the one guarded path
        for kind, action in a.stepping().items():
            action.triggered.connect(lambda _=False, k=kind: self.request_step(k))
        a.step_back.triggered.connect(lambda: self.request_commands(["back"]))
        a.reset.triggered.connect(lambda: self.request_commands(["reset"]))
        a.run.triggered.connect(lambda: self.run(0))
        a.pause.triggered.connect(self.pause)
        a.run_epochs.triggered.connect(lambda: self.run(max(1, int(self.parameters.epochs()))))
        a.zoom_in.triggered.connect(self.canvas.zoom_in)
        a.zoom_out.triggered.connect(self.canvas.zoom_out)
        a.fit.triggered.connect(self.canvas.fit_to_window)
        a.larger_text.triggered.connect(self.view_options.larger_text)
        a.smaller_text.triggered.connect(self.view_options.smaller_text)
        for text_size in (a.larger_text, a.smaller_text):
            text_size.triggered.connect(lambda _=False: keep_tab_titles(self))
        a.dark_theme.toggled.connect(self.view_options.set_dark_theme)
        a.new.triggered.connect(self.files.new)
        a.open.triggered.connect(self.files.open)
        a.save.triggered.connect(lambda: self.save())
        a.save_as.triggered.connect(lambda: self.save_as())
        a.quit.triggered.connect(self.close)

    def _restore_layout(self, remembered: bool) -> None:
        """The default layout, then (if ``remembered``) the one saved at the last close."""
        self._save_layout = remembered
        geometry = settings.restore_bytes("window/geometry") if remembered else None
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(DEFAULT_SIZE)
        self.desk = DeskLayout(self, self.parameters_dock, [self.derivation_dock, self.error_dock])
        self.desk.apply()
        state = settings.restore_bytes("window/state") if remembered else None
        if state is not None and self.restoreState(state):
            self.desk.stop_following()
        self.commands.dark_theme.setChecked(settings.theme() == "dark")

    def _show_lm_plots(self, on: bool) -> None:
        """Levenberg–Marquardt's plots while it trains: the first time beside the error plot,
        or on a narrow window as a tab in front of the derivation (three docks do not fit)."""
        if on and not self._lm_placed:
            self._lm_placed = True
            if self.width() < 1400:
                self.tabifyDockWidget(self.derivation_dock, self.lm_dock)
            self.lm_dock.show()
            self.lm_dock.raise_()
        self.lm_dock.setVisible(on)

    # ------------------------------------------------------------ commands (the guarded path)
    def request_step(self, kind: str) -> bool:
        """Send one press (forward, backward, update, neuron, full); False if refused."""
        return self.request_commands([kind])

    def request_commands(self, commands: Sequence[str]) -> bool:
        """Step commands one after the other; refused (False) while a step's answer is
        awaited, a run goes or an earlier sequence is still being sent."""
        accepted = self.link.request_commands(commands)
        self._update_actions()
        return accepted

    def run(self, epochs: int = 0) -> bool:
        """Start training fast: ``epochs`` epochs, or until paused (0)."""
        accepted = self.link.run(epochs)
        self._update_actions()
        return accepted

    def run_iterations(self, n: int) -> bool:
        return self.request_commands([f"run:{max(1, int(n))}"])

    @Slot()
    def pause(self) -> None:
        """Pause a run: the worker sees the flag between two chunks of training."""
        self.link.pause()

    def roll_back_to_best(self) -> None:
        """Ask the worker for the weights of the epoch with the lowest test error."""
        self.link.roll_back_requested.emit()

    def load_data(self, dataset: Dataset) -> None:
        """Imported data: the current hidden layers on it, freshly initialised."""
        self.link.load_data(dataset)

    # ------------------------------------------------------------ from the worker
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Hand a snapshot to the views whose turn it is (all of them outside a run, see
        :class:`ViewCadence`), bring actions and status bar up to date, then tell the tools."""
        self._draw_started = time.perf_counter()
        self._snapshot = snapshot
        self.link.snapshot_arrived()
        for delivery in self.cadence.deliveries(snapshot):
            try:
                delivery.show(delivery.snapshot)
            except Exception as error:
                self.show_message(describe_failure(error, f"drawing the {delivery.name}"))
        if snapshot.message:
            self.show_message(snapshot.message)
        self._update_actions()
        for delivery in self._tools_cadence.deliveries(snapshot):
            self.snapshot_shown.emit(delivery.snapshot)
        # Acknowledged once the repaint this caused is done (it is queued before this call).
        QTimer.singleShot(0, self, self._acknowledge_drawn)

    def _build_cadence(self) -> None:
        """Who draws which snapshot during a run (see :func:`window_cadences`)."""
        self.cadence, self._tools_cadence = window_cadences(
            plot=self.error_plot.show_snapshot,
            lm_plots=self.lm_plots.show_snapshot,
            canvas=self.canvas.show_snapshot,
            parameters=self.parameters.show_snapshot,
            derivation=self.derivation.show_snapshot,
            status=self._show_status,
            tools=self.snapshot_shown.emit,
        )

    def _show_status(self, snapshot: Snapshot) -> None:
        show_status(self.status_labels, snapshot, self.link.running)

    @Slot()
    def _acknowledge_drawn(self) -> None:
        snapshot = self._snapshot
        if snapshot is not None:
            self.worker.acknowledge(snapshot.seq, time.perf_counter() - self._draw_started)

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self.link.error_arrived()
        self.files.forget_follow_up()
        self.show_message(message)
        self._update_actions()

    @Slot(bool)
    def _on_run_state(self, running: bool) -> None:
        self.link.run_state_arrived(running)
        self._update_actions()
        self.run_state_shown.emit(running)

    @Slot(str)
    def _on_autosave_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 20000)

    @Slot(str)
    def _on_saved(self, path: str) -> None:
        self.statusBar().showMessage(f"Saved {path}", 8000)

    # ------------------------------------------------------------ quiz mode
    def set_quiz_mode(self, on: bool) -> None:
        """Hide the numbers the last press computed ("?") in every view until revealed."""
        self.canvas.set_quiz_mode(on)
        self.derivation.redraw()
        self.parameters.table.redraw()

    def reveal(self, quantity: str) -> None:
        """Show again, everywhere, a number quiz mode hid (``w8+``, ``net_h1``, ``E_total``…)."""
        self.canvas.reveal(quantity)
        self.derivation.redraw()
        self.parameters.table.redraw()

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
    def worker(self) -> StepperWorker:
        return self.link.worker

    @property
    def worker_thread(self) -> QThread:
        return self.link.worker_thread

    @property
    def running(self) -> bool:
        return self.link.running

    @property
    def runs_finished(self) -> int:
        """How many runs have ended since the window opened."""
        return self.link.runs_finished

    @property
    def step_in_flight(self) -> bool:
        """A stepping command was sent and its snapshot has not come back yet."""
        return self.link.pending

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

    def _update_actions(self) -> None:
        a = self.commands
        snap = self._snapshot
        running, pending = self.link.running, self.link.pending
        idle = snap is not None and not running and not pending
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
        a.pause.setEnabled(running)
        a.reset.setEnabled(snap is not None and not pending)

    # ------------------------------------------------------------ files
    @property
    def file_chooser(self) -> FileChooser:
        """Asks for a session file: (mode "open" or "save", suggested path) → path or ""."""
        return self.files.chooser

    @file_chooser.setter
    def file_chooser(self, chooser: FileChooser) -> None:
        self.files.chooser = chooser

    @property
    def document_path(self) -> str:
        return self.files.path

    @property
    def modified(self) -> bool:
        return self.files.modified

    def _update_title(self) -> None:
        self.setWindowTitle(self.files.title())
        self.setWindowModified(self.files.modified)

    def confirm_discard(self, then: Callable[[], object]) -> bool:
        """Ask before unsaved work is dropped (see :meth:`SessionFiles.confirm_discard`)."""
        return self.files.confirm_discard(then)

    def open_source(self, source: str) -> None:
        """Open a session file or a preset (asks about unsaved changes first)."""
        self.files.open_source(source)

    def save(self, then: Callable[[], object] | None = None) -> None:
        """Save to the session's file (asks for one the first time)."""
        self.files.save(then)

    def save_as(self, then: Callable[[], object] | None = None) -> None:
        self.files.save_as(then)

    # ------------------------------------------------------------ for the tools (ToolHost)
    @property
    def font_scale(self) -> float:
        """The text size every view uses (1.0 = normal)."""
        return self.view_options.font_scale

    def set_font_scale(self, scale: float, *, remember: bool = True) -> None:
        self.view_options.set_font_scale(scale, remember=remember)
        keep_tab_titles(self)

    def menu(self, title: str) -> QMenu:
        """The menu-bar menu called ``title`` (its & ignored), added at the end if none is."""
        found = menu_named(self.menuBar(), title.replace("&", ""))
        return found if found is not None else self.menuBar().addMenu(title)

    def add_dock(self, dock: QDockWidget, place: DockPlace) -> None:
        """A tool's dock: a tab beside the derivation or the parameters, or across the top."""
        if place == "top":
            self.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, dock)
            return
        beside = self.derivation_dock if place == "derivation" else self.parameters_dock
        self.tabifyDockWidget(beside, dock)
        beside.raise_()

    def add_window_action(self, action: QAction) -> None:
        self.addAction(action)

    def set_presenting(self, on: bool, keep: Sequence[QDockWidget] = ()) -> None:
        """Full screen with the derivation and ``keep`` (on), or the layout from before."""
        self.view_options.set_presenting(on, [self.derivation_dock, *keep])

    def as_parent(self) -> QWidget:
        return self

    def when_shutting_down(self, callback: Callable[[], object]) -> None:
        """``callback`` runs when the window shuts down, before the worker stops."""
        self._on_shutdown.append(callback)

    # ------------------------------------------------------------ closing
    def shutdown(self) -> None:
        """Stop the worker threads and wait for them (safe to call twice)."""
        if self._shut_down:
            return
        self._shut_down = True
        for callback in self._on_shutdown:
            callback()
        self.link.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._shut_down and not self.confirm_discard(self.close):
            event.ignore()
            return
        clean = not self._shut_down  # saved, or the person chose not to save
        if clean and self._save_layout:
            settings.save_bytes("window/geometry", self.saveGeometry())
            settings.save_bytes("window/state", self.saveState())
        self.shutdown()
        if clean:
            self.autosave.remove()  # nothing to recover after a close on purpose
        event.accept()
