"""The main window's ``set_config`` for the tools (ToolHost): training settings sent to the
worker in the order of the tool's requests, kept apart so the window's module stays small."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from bpdesk.core.engine.config import TrainConfig
from bpdesk.gui.shell.worker_link import WorkerLink

__all__ = ["ToolSettings"]


class _Sender(QObject):
    """Carries a tool's settings to the worker's thread (queued, like every command)."""

    requested = Signal(object)


class ToolSettings:
    """Mixed into :class:`MainWindow`: ``set_config`` as :class:`ToolHost` describes it."""

    link: WorkerLink
    _settings_sender: _Sender | None = None

    def set_config(self, config: TrainConfig) -> bool:
        """A tool's training settings, queued to the worker ahead of any command requested
        after this call; False (nothing sent) while a step's answer is awaited, a run goes
        or commands are queued."""
        link = self.link
        if link.pending or link.running or link.queued:
            return False
        if self._settings_sender is None:
            self._settings_sender = _Sender(link)
            self._settings_sender.requested.connect(link.worker.set_config)
        self._settings_sender.requested.emit(config)
        return True
