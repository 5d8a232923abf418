"""The command line of the app: open a lesson, save a screenshot, or run the self-test."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bpdesk._version import __version__
from bpdesk.launch import (
    STEP_NAMES,
    create_window,
    ensure_application,
    open_or_explain,
    quiet_headless_notices,
    run_steps,
    say,
    use_headless_platform_if_needed,
    wait_until,
)
from bpdesk.selftest import run_self_test

if TYPE_CHECKING:
    from bpdesk.core.stepping.stepper import Stepper

__all__ = [
    "STEP_NAMES",
    "create_window",
    "ensure_application",
    "main",
    "run_steps",
    "use_headless_platform_if_needed",
    "wait_until",
]


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
        "--present",
        action="store_true",
        help="with --screenshot: in presentation mode (full screen on the screen it is on)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the lecture's example end to end through the window, then exit",
    )
    return parser


def _screenshot(
    source: str,
    opened: tuple[Stepper, str],
    path: str,
    steps: list[str],
    size: tuple[int, int],
    present: bool = False,
) -> int:
    use_headless_platform_if_needed()
    app = ensure_application()
    quiet_headless_notices()
    window = create_window(source, restore_layout=False, opened=opened)
    try:
        window.resize(*size)
        window.show()
        if present:
            window.teaching.set_presentation(True)
        run_steps(window, steps)
        wait_until(lambda: False, 0.2)  # let the views finish laying out
        window.canvas.fit_to_window()
        app.processEvents()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(target)):
            say(f"bpdesk: could not write the picture to {target}", sys.stderr)
            return 1
    except TimeoutError as error:
        say(f"bpdesk: {error}", sys.stderr)
        return 1
    finally:
        window.shutdown()
        window.close()
    say(f"saved {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run bpdesk; returns the exit status."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        return run_self_test()
    if args.file and args.preset:
        _parser().error("give either a session file or --preset, not both")
    source = args.file or args.preset or "lecture"
    # A preset or file named on the command line that cannot be opened: one plain line, exit 2.
    opened, problem = open_or_explain(source)
    if opened is None:
        say(f"bpdesk: {problem}", sys.stderr)
        return 2
    if args.screenshot:
        return _screenshot(
            source, opened, args.screenshot, args.steps, args.size, present=args.present
        )
    app = ensure_application()
    window = create_window(source, autosave=True, opened=opened)
    window.show()
    return int(app.exec())
