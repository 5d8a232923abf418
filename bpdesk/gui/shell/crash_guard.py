"""The crash guard: an unexpected exception on any thread is said plainly, logged, and survived.

``install(show)`` replaces ``sys.excepthook`` (which also receives the exceptions PySide slots
raise) and ``threading.excepthook``. Each unexpected exception is written in full to
``bpdesk-errors.log`` in the user's data folder (the ``bpdesk`` logger, so the details that
``describe_failure`` logs land there too) and ``show`` gets one plain sentence on the GUI thread
through a queued signal, whatever thread failed: no widget is touched from another thread.

The data folder is the autosave's (``autosave.data_folder``): Qt's ``AppDataLocation`` for
bpdesk, or the folder named by the environment variable ``BPDESK_DATA_DIR`` when it is set
(tests set it, or pass ``folder``, so they never write to the user's).
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot

from bpdesk.core.plain_words import internal_reason
from bpdesk.gui.shell.autosave import data_folder

__all__ = ["LOG_NAME", "CrashGuard", "install"]

LOG_NAME = "bpdesk-errors.log"

_log = logging.getLogger("bpdesk")


def plain_message(error: BaseException) -> str:
    """The sentence a person sees for an exception nobody expected."""
    return (
        f"Something went wrong inside bpdesk ({internal_reason(error)}); bpdesk carries on, "
        "but please report it (the details are in bpdesk-errors.log)."
    )


class _Relay(QObject):
    """Lives on the GUI thread; a message emitted from any thread is shown there."""

    said = Signal(str)

    def __init__(self, show: Callable[[str], None]) -> None:
        super().__init__()
        self._show = show
        self.said.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(str)
    def _deliver(self, text: str) -> None:
        self._show(text)


class CrashGuard:
    """The installed hooks, the log file they write, and the way back (``uninstall``)."""

    def __init__(self, show: Callable[[str], None], folder: Path) -> None:
        self._relay = _Relay(show)
        self.log_path = folder / LOG_NAME
        self._handler: logging.Handler | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(self.log_path, encoding="utf-8", delay=True)
        except OSError:
            pass  # no log file: the message is still shown
        else:
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            _log.addHandler(handler)
            self._handler = handler
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._on_exception
        threading.excepthook = self._on_thread_exception

    def report(self, error: BaseException, traceback: TracebackType | None, where: str) -> None:
        """Log ``error`` in full, and say it plainly on the GUI thread."""
        _log.error("Unexpected error %s", where, exc_info=(type(error), error, traceback))
        self._relay.said.emit(plain_message(error))

    def _on_exception(
        self,
        kind: type[BaseException],
        error: BaseException,
        traceback: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous_hook(kind, error, traceback)
            return
        self.report(error, traceback, "on the main thread")

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return  # a thread that ends itself is no fault
        name = args.thread.name if args.thread is not None else "a thread"
        self.report(args.exc_value, args.exc_traceback, f"in {name}")

    def uninstall(self) -> None:
        """Put the hooks back as they were and close the log file."""
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook
        if self._handler is not None:
            _log.removeHandler(self._handler)
            self._handler.close()
            self._handler = None


def install(show: Callable[[str], None], *, folder: Path | None = None) -> CrashGuard:
    """Guard the running app (call on the GUI thread): unexpected exceptions go to ``show``
    and to the log in ``folder`` (the user's data folder unless given)."""
    return CrashGuard(show, folder if folder is not None else data_folder())
