"""The crash guard: an unexpected exception on any thread is said plainly, logged, and survived.

``install(show)`` replaces ``sys.excepthook`` (which also receives the exceptions PySide slots
raise) and ``threading.excepthook``. Each unexpected exception is written in full to
``bpdesk-errors.log`` in the user's data folder (the ``bpdesk`` logger, so the details that
``describe_failure`` logs land there too) and ``show`` gets one plain sentence on the GUI thread
through a queued signal, whatever thread failed: no widget is touched from another thread.

The data folder is the autosave's (``autosave.data_folder``): Qt's ``AppDataLocation`` for
bpdesk, or the folder named by the environment variable ``BPDESK_DATA_DIR`` when it is set
(tests set it, or pass ``folder``, so they never write to the user's).

The guard also runs Python's cyclic garbage collector on the GUI thread only
(:class:`GuiThreadCollector`). Left automatic, a collection starts on whichever thread happens
to allocate, often a worker thread, and there it destroys whatever Qt objects the collected
cycles held (a closed plot's menus, say) on the wrong thread: that deadlocks against the GUI
thread (seen in the GUI test suite: the CSV import thread collecting a pyqtgraph
``WidgetGroup`` while the GUI thread deleted a ``QMenu``) or crashes.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from bpdesk.core.plain_words import internal_reason
from bpdesk.gui.shell.autosave import data_folder

__all__ = ["COLLECT_INTERVAL_MS", "LOG_NAME", "CrashGuard", "GuiThreadCollector", "install"]

LOG_NAME = "bpdesk-errors.log"
COLLECT_INTERVAL_MS = 1000  # how often the GUI thread looks whether a collection is due

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


class GuiThreadCollector(QObject):
    """Python's cyclic garbage collector, run on the GUI thread only: automatic collection is
    off while this runs, and a timer on the GUI thread collects the generations that
    CPython's own thresholds say are due. ``stop`` puts automatic collection back."""

    def __init__(self, interval_ms: int = COLLECT_INTERVAL_MS) -> None:
        super().__init__()
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(int(interval_ms))

    @Slot()
    def collect(self) -> int:
        """Collect what is due now (as CPython would have); how many objects were found
        unreachable (0 when nothing was due)."""
        counts, thresholds = gc.get_count(), self._thresholds
        if not thresholds or thresholds[0] <= 0:
            return 0  # the collector was switched off by its thresholds
        due = -1
        for generation, (count, threshold) in enumerate(zip(counts, thresholds, strict=False)):
            if count <= threshold:
                break
            due = generation
        return gc.collect(due) if due >= 0 else 0

    def stop(self) -> None:
        """No more collections from here; automatic collection as it was before."""
        self.timer.stop()
        if self._was_enabled:
            gc.enable()


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
        self.collector = GuiThreadCollector()
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
        """Put the hooks and automatic garbage collection back as they were and close the
        log file."""
        self.collector.stop()
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook
        if self._handler is not None:
            _log.removeHandler(self._handler)
            self._handler.close()
            self._handler = None


def install(show: Callable[[str], None], *, folder: Path | None = None) -> CrashGuard:
    """Guard the running app (call on the GUI thread): unexpected exceptions go to ``show``
    and to the log in ``folder`` (the user's data folder unless given); garbage is collected
    on the GUI thread only."""
    return CrashGuard(show, folder if folder is not None else data_folder())
