"""The main window's ``edit_training_data`` for the tools (ToolHost): a training point added,
moved or removed on the decision map, sent to the worker; kept apart so the window's module
stays small."""

from __future__ import annotations

from collections.abc import Callable

from bpdesk.core.stepping.data_edit import DataEdit
from bpdesk.gui.shell.worker_link import WorkerLink

__all__ = ["DataEdits"]


class DataEdits:
    """Mixed into :class:`MainWindow`: ``edit_training_data`` as :class:`ToolHost` says."""

    link: WorkerLink
    show_message: Callable[[str], None]  # the window's own

    def edit_training_data(self, edit: DataEdit) -> bool:
        """Queue ``edit`` to the worker (in order with every other command; a run goes on
        with the new data). False, nothing sent, while a lesson's sequence is going."""
        if self.link.queued:
            self.show_message("The lesson's steps are still going: add the point once they end.")
            return False
        self.link.data_edit_requested.emit(edit)
        return True
