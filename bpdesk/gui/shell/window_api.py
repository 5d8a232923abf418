"""What the teaching tools, the exports and the data import may use of the main window."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

from bpdesk.core.engine.config import TrainConfig
from bpdesk.core.files.datasets import Dataset
from bpdesk.core.stepping.data_edit import DataEdit
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.views.canvas.view import NetworkCanvas

__all__ = ["DockPlace", "ToolHost"]

# Where a tool's dock goes: a tab beside the derivation or the parameters, or across the top.
DockPlace = Literal["derivation", "parameters", "top"]


class ToolHost(Protocol):
    """The main window as a tool sees it; :class:`MainWindow` is the one implementation.

    Steps, step-backs, resets and runs go through :meth:`request_commands` (the one guarded
    path), never through the window's own signals to its worker.
    """

    @property
    def snapshot(self) -> Snapshot | None:
        """The snapshot the window shows now (None before the first one arrived)."""

    @property
    def snapshot_shown(self) -> SignalInstance:
        """Emitted with each snapshot once every view of the window has drawn it."""

    @property
    def canvas(self) -> NetworkCanvas:
        """The network drawing (quiz mode, revealing a value, exporting the picture)."""

    @property
    def font_scale(self) -> float:
        """The window's text size (1.0 = normal)."""

    def request_step(self, kind: str) -> bool:
        """One press (a STEP_KINDS name) through the guard; False if it was refused."""

    def request_commands(self, commands: Sequence[str]) -> bool:
        """Step commands (bpdesk.core.stepping.steps.COMMANDS) one after the other, through
        the guard; False (nothing sent) while a step is in flight, a run goes or commands
        are still queued."""

    def pause(self) -> None:
        """Stop a run (between two chunks of training; it stays one undo entry)."""

    def set_config(self, config: TrainConfig) -> bool:
        """New training settings (update order, biases…), sent to the worker ahead of any
        command requested after this call; False (nothing sent) while a step's answer is
        awaited, a run goes or commands are queued. The worker refuses bad ones in words."""

    def edit_training_data(self, edit: DataEdit) -> bool:
        """Add, move or remove one training point of two-input data (queued to the worker in
        order, also during a run; one undo entry). The worker refuses a bad one in words and
        changes nothing; False (nothing sent) while a lesson's sequence is going."""

    def open_source(self, source: str) -> None:
        """Open a session file or a preset (asks about unsaved changes first)."""

    def load_data(self, dataset: Dataset) -> None:
        """The current network's hidden layers on imported data, freshly initialised."""

    def roll_back_to_best(self) -> None:
        """The weights of the epoch with the lowest test error."""

    def set_quiz_mode(self, on: bool) -> None:
        """Quiz mode on or off: the numbers the last press computed shown as "?" everywhere."""

    def reveal(self, quantity: str) -> None:
        """Show again a number quiz mode hid (``w8+``, ``dE_total/dw5``, ``E_total``…)."""

    def show_message(self, text: str) -> None:
        """A non-blocking note in the banner and the status bar."""

    def set_font_scale(self, scale: float, *, remember: bool = True) -> None:
        """Every view's text size (clamped); ``remember=False`` leaves the preference alone."""

    def menu(self, title: str) -> QMenu:
        """The menu-bar menu called ``title`` ("File"), made at the end if there is none."""

    def add_dock(self, dock: QDockWidget, place: DockPlace) -> None:
        """A tool's dock in the window, at ``place`` (the window's own dock stays in front)."""

    def add_window_action(self, action: QAction) -> None:
        """An action whose shortcut works anywhere in the window."""

    def set_presenting(self, on: bool, keep: Sequence[QDockWidget] = ()) -> None:
        """Full screen with only the derivation and ``keep`` shown (on), or the layout from
        before (off)."""

    def when_shutting_down(self, callback: Callable[[], object]) -> None:
        """``callback`` runs when the window shuts down, before its worker stops."""

    def as_parent(self) -> QWidget:
        """The widget that owns a tool's dialogs and objects."""
