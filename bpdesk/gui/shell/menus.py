"""Finding a window's menus by their visible name, for tools that add entries to them."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu

__all__ = ["menu_named"]


def menu_named(window: QMainWindow, title: str) -> QMenu | None:
    """The menu-bar menu whose text is ``title`` (ignoring the & of its shortcut), or None."""
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title:
            return action.menu()
    return None
