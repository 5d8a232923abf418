"""The window's menu bar and stepping toolbar: which command goes where, and menus by name."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMenuBar, QToolBar

from bpdesk.gui.shell.actions import Actions

__all__ = ["build_menus", "build_toolbar", "menu_named"]


def menu_named(bar: QMenuBar, title: str) -> QMenu | None:
    """The menu-bar menu whose text is ``title`` (ignoring the & of its shortcut), or None."""
    for action in bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == title:
            return menu
    return None


def build_menus(bar: QMenuBar, a: Actions, recent: QMenu, docks: Sequence[QDockWidget]) -> None:
    """File, Step and View; ``recent`` is File → Open Recent, ``docks`` get a View toggle."""
    file_menu = bar.addMenu("&File")
    file_menu.addActions([a.new, a.open])
    file_menu.addMenu(recent)
    file_menu.addSeparator()
    file_menu.addActions([a.save, a.save_as])
    file_menu.addSeparator()
    file_menu.addAction(a.quit)
    step_menu = bar.addMenu("&Step")
    step_menu.addActions([a.forward, a.backward, a.update])
    step_menu.addSeparator()
    step_menu.addActions([a.next_neuron, a.full_step, a.step_back])
    step_menu.addSeparator()
    step_menu.addActions([a.run, a.pause, a.run_epochs])
    step_menu.addSeparator()
    step_menu.addAction(a.reset)
    view_menu = bar.addMenu("&View")
    view_menu.addActions([a.zoom_in, a.zoom_out, a.fit])
    view_menu.addSeparator()
    view_menu.addActions([a.larger_text, a.smaller_text, a.dark_theme])
    view_menu.addSeparator()
    for dock in docks:
        view_menu.addAction(dock.toggleViewAction())


def build_toolbar(window: QMainWindow, a: Actions) -> QToolBar:
    """The stepping toolbar along the top; the three phase buttons in bold."""
    toolbar = QToolBar("Stepping", window)
    toolbar.setObjectName("toolbar_main")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    groups = [
        [a.forward, a.backward, a.update],
        [a.next_neuron, a.full_step, a.step_back],
        [a.run, a.pause, a.run_epochs, a.reset],
    ]  # zooming is in the View menu, on the keys and the mouse wheel: the toolbar fits 1024 px
    for k, group in enumerate(groups):
        if k:
            toolbar.addSeparator()
        toolbar.addActions(group)
    for action in (a.forward, a.backward, a.update):
        button = toolbar.widgetForAction(action)
        if button is not None:
            button.setObjectName(f"button_{action.objectName()}")
            # Bold only (size and family follow the window); no style sheet, which would
            # keep the button's colours of the theme it was made in.
            bold = QFont()
            bold.setBold(True)
            button.setFont(bold)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    return toolbar
