"""Starting bpdesk: the application object, the main window, and the command line of the app."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from PySide6.QtCore import QEventLoop, QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from bpdesk._version import __version__
from bpdesk.gui.shell import settings
from bpdesk.gui.shell.theme import apply_theme
from bpdesk.resources import resource_path

if TYPE_CHECKING:
    from bpdesk.gui.shell.main_window import MainWindow

__all__ = [
    "STEP_NAMES",
    "create_window",
    "ensure_application",
    "main",
    "run_steps",
    "use_headless_platform_if_needed",
    "wait_until",
]

# The names --steps accepts (besides run:N) and the worker's step kind for each.
STEP_NAMES = {
    "forward": "forward",
    "backward": "backward",
    "update": "update",
    "neuron": "neuron",
    "full": "full",
}
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
    _say(message, sys.stderr)


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


def create_window(preset_or_session: str = "lecture", *, restore_layout: bool = True) -> MainWindow:
    """The whole main window with its worker thread running, not yet shown.

    A session that cannot be opened leaves the lecture's example open and says why.
    """
    app = ensure_application()
    apply_theme(app, settings.theme())
    from bpdesk.gui.shell.main_window import MainWindow
    from bpdesk.gui.workers.trainer_worker import describe_failure, open_lesson

    problem = ""
    try:
        stepper, path = open_lesson(str(preset_or_session))
    except Exception as error:
        problem = describe_failure(error, f"opening {preset_or_session}")
        stepper, path = open_lesson("lecture")
    window = MainWindow(stepper, path, restore_layout=restore_layout)
    from bpdesk.gui.tools.teach_menu import TeachingTools

    window.teaching = TeachingTools(window)  # type: ignore[attr-defined]
    from bpdesk.gui.tools.exports import Exports

    window.exports = Exports(window)  # type: ignore[attr-defined]
    from bpdesk.gui.tools.csv_dialog import DataImport

    window.data_import = DataImport(window)  # type: ignore[attr-defined]
    app.aboutToQuit.connect(window.shutdown)
    if problem:
        window.show_message(problem + " The lecture's example is open instead.")
    return window


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


def run_steps(window: MainWindow, steps: Sequence[str], timeout: float = STEP_TIMEOUT) -> None:
    """Do ``steps`` (forward, backward, update, neuron, full or run:N for N iterations)
    through the worker, waiting for each one's snapshot. TimeoutError if one never comes."""
    if not wait_until(lambda: window.snapshot is not None, timeout):
        raise TimeoutError("the first picture of the network never arrived")
    for step in steps:
        if not _do_step(window, step, timeout):
            raise TimeoutError(f"no answer from the worker after the step '{step}'")


def _do_step(window: MainWindow, step: str, timeout: float) -> bool:
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


def _seq(window: MainWindow) -> int:
    snapshot = window.snapshot
    return -1 if snapshot is None else snapshot.seq


def _running(window: MainWindow) -> bool:
    snapshot = window.snapshot
    return snapshot is not None and snapshot.running


def _parse_steps(text: str) -> list[str]:
    steps = [s.strip() for s in text.split(",") if s.strip()]
    for step in steps:
        if step.startswith("run:"):
            count = step[4:]
            if not count.isdigit() or int(count) < 1:
                raise argparse.ArgumentTypeError(f"'{step}': run:N needs a whole number N ≥ 1")
        elif step not in STEP_NAMES:
            known = ", ".join([*STEP_NAMES, "run:N"])
            raise argparse.ArgumentTypeError(f"unknown step '{step}' (use {known})")
    return steps


def _parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}': give the size as WIDTHxHEIGHT") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"'{text}': width and height must be 200 to 8000")
    return width, height


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bpdesk",
        description="Step a neural network through backpropagation with every number shown.",
    )
    parser.add_argument("file", nargs="?", help="a .bpdesk session file to open")
    parser.add_argument("--version", action="version", version=f"bpdesk {__version__}")
    parser.add_argument("--preset", metavar="NAME", help="open a built-in example (lecture, xor…)")
    parser.add_argument(
        "--screenshot", metavar="FILE.png", help="save a picture of the window and exit"
    )
    parser.add_argument(
        "--steps",
        type=_parse_steps,
        default=[],
        metavar="LIST",
        help="with --screenshot: steps to do first, e.g. forward,backward,update,neuron,"
        "full,run:200 (run:N trains N iterations)",
    )
    parser.add_argument(
        "--size",
        type=_parse_size,
        default=(1600, 900),
        metavar="WxH",
        help="with --screenshot: the window size (default 1600x900)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the lecture's example end to end through the window, then exit",
    )
    return parser


def _say(text: str, stream: TextIO | None = None) -> None:
    """Print, even when nobody is listening any more."""
    try:
        print(text, file=stream or sys.stdout, flush=True)
    except (BrokenPipeError, OSError, ValueError):
        pass


def _screenshot(source: str, path: str, steps: list[str], size: tuple[int, int]) -> int:
    use_headless_platform_if_needed()
    app = ensure_application()
    quiet_headless_notices()
    window = create_window(source, restore_layout=False)
    try:
        window.resize(*size)
        window.show()
        run_steps(window, steps)
        wait_until(lambda: False, 0.2)  # let the views finish laying out
        window.canvas.fit_to_window()
        app.processEvents()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(target)):
            _say(f"bpdesk: could not write the picture to {target}", sys.stderr)
            return 1
    except TimeoutError as error:
        _say(f"bpdesk: {error}", sys.stderr)
        return 1
    finally:
        window.shutdown()
        window.close()
    _say(f"saved {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run bpdesk; returns the exit status."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        from bpdesk.selftest import run_self_test

        return run_self_test()
    if args.file and args.preset:
        _parser().error("give either a session file or --preset, not both")
    source = args.file or args.preset or "lecture"
    if args.screenshot:
        return _screenshot(source, args.screenshot, args.steps, args.size)
    app = ensure_application()
    window = create_window(source)
    window.show()
    return int(app.exec())
