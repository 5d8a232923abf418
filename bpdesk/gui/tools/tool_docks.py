"""Docks for the views of :mod:`bpdesk.gui.tools.registry`, built when first shown."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFrame, QMenu, QScrollArea, QWidget

from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.tools.registry import ToolSpec
from bpdesk.gui.views.derivation_panel import is_seen

__all__ = ["ToolDocks", "dock_action"]


def dock_action(dock: QDockWidget) -> QAction:
    """A menu entry for ``dock``: shows it in front, or hides it if it is in front already.

    (Qt's own toggle hides a dock that is open behind another tab, which a person who
    cannot see it takes for "nothing happened".) Checked while the dock is open."""
    action = QAction(dock.windowTitle(), dock)
    action.setObjectName(f"action_{dock.objectName()}")
    action.setCheckable(True)
    action.setChecked(dock.isVisible())

    def chosen() -> None:
        if is_seen(dock):
            dock.hide()
        else:
            dock.show()
            dock.raise_()
        action.setChecked(dock.isVisible())

    action.triggered.connect(chosen)
    dock.visibilityChanged.connect(lambda _visible: action.setChecked(dock.isVisible()))
    return action


class ToolDocks(QObject):
    """One dock per :class:`ToolSpec`, its view built on first show and kept up to date
    with the window's snapshots while it is seen."""

    def __init__(self, host: ToolHost, menu: QMenu, specs: Sequence[ToolSpec]) -> None:
        super().__init__(host.as_parent())
        self.host = host
        self.specs = {spec.name: spec for spec in specs}
        self.docks: dict[str, QDockWidget] = {}
        self.views: dict[str, QWidget] = {}
        self.actions: dict[str, QAction] = {}
        for spec in specs:
            self._make_dock(spec)
            menu.addAction(self.actions[spec.name])
        host.snapshot_shown.connect(self._on_snapshot)
        host.when_shutting_down(self.shutdown)

    def _make_dock(self, spec: ToolSpec) -> QDockWidget:
        dock = QDockWidget(spec.title)
        dock.setObjectName(f"dock_{spec.name}")
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(QWidget())
        dock.setWidget(scroller)
        self.host.add_dock(dock, spec.place)
        dock.hide()
        action = dock_action(dock)
        if spec.shortcut:
            action.setShortcut(QKeySequence(spec.shortcut))
            self.host.add_window_action(action)
        self.actions[spec.name] = action
        dock.visibilityChanged.connect(lambda visible, n=spec.name: self._on_shown(n, visible))
        self.docks[spec.name] = dock
        return dock

    def view(self, name: str) -> QWidget:
        """The view called ``name``, built now if it was not yet."""
        view = self.views.get(name)
        if view is None:
            view = self.specs[name].build(self.host)
            scroller = self.docks[name].widget()
            assert isinstance(scroller, QScrollArea)
            scroller.setWidget(view)
            self.views[name] = view
        return view

    def show_view(self, name: str) -> QWidget:
        """Shows the view called ``name`` (its dock in front) and returns it."""
        dock = self.docks[name]
        dock.show()
        dock.raise_()
        return self.view(name)

    def _on_shown(self, name: str, visible: bool) -> None:
        if visible:
            self.view(name)
            # Once the docks are laid out, a view in front catches up with the newest snapshot.
            QTimer.singleShot(0, self, self._catch_up)

    @Slot()
    def _catch_up(self) -> None:
        snapshot = self.host.snapshot
        if snapshot is not None:
            self._on_snapshot(snapshot)

    @Slot(object)
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        for name, view in self.views.items():
            show = getattr(view, "show_snapshot", None)
            if show is None or not is_seen(self.docks[name]):
                continue
            try:
                show(snapshot)
            except Exception as error:
                title = self.specs[name].title.lower()
                self.host.show_message(f"Something went wrong while drawing the {title}: {error}")

    def shutdown(self) -> None:
        """Every built view's ``shutdown()``, if it has one (safe to call twice)."""
        for view in self.views.values():
            stop = getattr(view, "shutdown", None)
            if stop is not None:
                stop()
