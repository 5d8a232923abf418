"""The teaching views added to the Teach menu by a line each: what they are and how to build one.

A view listed in :data:`TOOLS` gets a dock (a tab beside the parameters unless it says
otherwise) and a Teach-menu entry; it is built the first time it is shown, so the module
that holds it is imported only then. If the view has ``show_snapshot(snapshot)``, it is
given each snapshot the window shows while any of it is on screen, and the newest one when
it comes back into view; if it has ``shutdown()``, that runs when the window closes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from bpdesk.gui.shell.window_api import DockPlace, ToolHost

__all__ = ["TOOLS", "ToolSpec"]


@dataclass(frozen=True)
class ToolSpec:
    """One teaching view: its dock's object name, its title, how to build it, where it goes."""

    name: str  # the dock's object name ("dock_<name>"), unique
    title: str  # the dock's title and the Teach menu's entry
    build: Callable[[ToolHost], QWidget]  # makes the view (imports its module lazily)
    place: DockPlace = "parameters"
    shortcut: str = ""  # a key sequence that shows the view, or "" for none


TOOLS: list[ToolSpec] = [
    ToolSpec(
        "algorithm",
        "Algorithm (delta rule)",
        lambda host: __import__("bpdesk.gui.tools.algorithm_view", fromlist=["build"]).build(host),
        "derivation",
    ),
    ToolSpec(
        "batches",
        "Epoch, batch, iteration",
        lambda host: __import__("bpdesk.gui.tools.batches_view", fromlist=["build"]).build(host),
    ),
    ToolSpec(
        "lecture_figures",
        "Lecture figures",
        lambda h: __import__("bpdesk.gui.tools.lecture_figures", fromlist=["build"]).build(h),
    ),
    ToolSpec(
        "descent",
        "Gradient descent on one weight",
        lambda h: __import__("bpdesk.gui.tools.descent_view", fromlist=["build"]).build(h),
    ),
]
