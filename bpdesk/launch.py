"""Opening bpdesk's window: the application object, the window itself, and waiting on it."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from PySide6.QtCore import QEventLoop, QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from bpdesk._version import __version__
from bpdesk.core.stepping.steps import STEP_KINDS
from bpdesk.gui.shell import settings
from bpdesk.gui.shell.theme import apply_theme
from bpdesk.resources import resource_path

if TYPE_CHECKING:
    from bpdesk.core.stepping.stepper import Stepper
    from bpdesk.gui.tools.teaching_window import TeachingWindow

__all__ = [
    "STEP_NAMES",
    "STEP_TIMEOUT",
    "create_window",
    "ensure_application",
    "quiet_headless_notices",
    "run_steps",
    "say",
    "use_headless_platform_if_needed",
    "wait_until",
]

# The names --steps accepts (besides run:N) and the worker's step kind for each.
STEP_NAMES = {kind: kind for kind in STEP_KINDS}
STEP_TIMEOUT = 30.0


def use_headless_platform_if_needed() -> None:
    """Draw off screen when there is no display to draw on and no platform was chosen."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


_QUIET = ("This plugin does not support propagateSizeHints()",)


def _quiet_messages(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's own messages, without the off-screen platform's harmless notices."""
    if any(message.startswith(q) for q in _QUIET):
        return
    say(message, sys.stderr)


def quiet_headless_notices() -> None:
    """Keep batch commands' output clean (only used by --screenshot and --self-test)."""
    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        qInstallMessageHandler(_quiet_messages)


def ensure_application() -> QApplication:
    """The running QApplication, or a new one named bpdesk."""
    QApplication.setOrganizationName(settings.ORGANIZATION)
    QApplication.setApplicationName(settings.APPLICATION)
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("io.github.bpdesk.bpdesk")
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    icon = resource_path("icons", "bpdesk.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def create_window(
    preset_or_session: str = "lecture",
    *,
    restore_layout: bool = True,
    autosave: bool = False,
    opened: tuple[Stepper, str] | None = None,
) -> TeachingWindow:
    """The whole main window with its worker thread running, not yet shown.

    A session that cannot be opened leaves the lecture's example open and says why;
    ``opened`` is the lesson already opened from ``preset_or_session`` (:func:`open_or_explain`).
    With ``autosave`` (the interactive app only): after a crash the autosaved lesson is
    offered back first, and the open lesson is autosaved while it has unsaved changes.
    """
    app = ensure_application()
    apply_theme(app, settings.theme())
    from bpdesk.gui.shell import autosave as recovery
    from bpdesk.gui.shell import crash_guard
    from bpdesk.gui.tools.teaching_window import TeachingWindow
    from bpdesk.gui.workers.stepper_worker import describe_failure, open_lesson

    problem = ""
    recovered, note = (
        recovery.offer_restore(recovery.left_copies(), recovery.ask_with_dialog)
        if autosave
        else (None, "")
    )
    if recovered is not None:
        stepper, path = recovered.stepper, recovered.path
    elif opened is not None:
        stepper, path = opened
    else:
        try:
            stepper, path = open_lesson(str(preset_or_session))
        except Exception as error:
            problem = describe_failure(error, f"opening {preset_or_session}")
            stepper, path = open_lesson("lecture")
    window = TeachingWindow(stepper, path, restore_layout=restore_layout)
    app.aboutToQuit.connect(window.shutdown)
    if autosave:
        recovery.start_autosaving(window, recovered, note=note)
        crash_guard.install(window.show_message)  # faults said plainly and logged, not fatal
    if problem:
        window.show_message(problem + " The lecture's example is open instead.")
    return window


def open_or_explain(source: str) -> tuple[tuple[Stepper, str] | None, str]:
    """``source`` opened (the lesson and its path, and ""), or None and why not in plain words."""
    from bpdesk.gui.workers.stepper_worker import describe_failure, open_lesson

    try:
        return open_lesson(source), ""
    except Exception as error:
        return None, describe_failure(error, f"opening {source}")


def wait_until(condition: Callable[[], bool], timeout: float = STEP_TIMEOUT) -> bool:
    """Handle events until ``condition()`` holds (True) or ``timeout`` seconds pass (False)."""
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        if app is not None:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)
    return True


def run_steps(window: TeachingWindow, steps: Sequence[str], timeout: float = STEP_TIMEOUT) -> None:
    """Do ``steps`` (forward, backward, update, neuron, full or run:N for N iterations)
    through the worker, waiting for each one's snapshot. TimeoutError if one never comes."""
    if not wait_until(lambda: window.snapshot is not None, timeout):
        raise TimeoutError("the first picture of the network never arrived")
    for step in steps:
        if not _do_step(window, step, timeout):
            raise TimeoutError(f"no answer from the worker after the step '{step}'")


def _do_step(window: TeachingWindow, step: str, timeout: float) -> bool:
    seen = _seq(window)
    if step.startswith("run:"):
        runs = window.runs_finished
        window.run_iterations(int(step[4:]))
        return wait_until(
            lambda: window.runs_finished > runs and _seq(window) > seen and not _running(window),
            timeout,
        )
    window.request_step(STEP_NAMES[step])
    return wait_until(lambda: _seq(window) > seen and not window.step_in_flight, timeout)


def _seq(window: TeachingWindow) -> int:
    snapshot = window.snapshot
    return -1 if snapshot is None else snapshot.seq


def _running(window: TeachingWindow) -> bool:
    snapshot = window.snapshot
    return snapshot is not None and snapshot.running


def say(text: str, stream: TextIO | None = None) -> None:
    """Print, even when nobody is listening any more."""
    try:
        print(text, file=stream or sys.stdout, flush=True)
    except (BrokenPipeError, OSError, ValueError):
        pass
