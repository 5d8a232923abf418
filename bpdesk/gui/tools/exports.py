"""File → Export: the worked example as a handout, the step's figures and the drawing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QSize, Slot
from PySide6.QtGui import QAction, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QGraphicsView, QMenu

from bpdesk.core.engine.network import Network
from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.export import render, trace_csv
from bpdesk.core.teaching.worked_example import worked_example
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.views.checked_write import write_checked

__all__ = ["Exports", "complete_step", "save_scene"]

# Asks for a file name: (title, suggested name, filter) → path, or "" for cancel.
PathChooser = Callable[[str, str, str], str]

HANDOUTS = {
    "markdown": ("Markdown", "worked-example.md", "Markdown (*.md)"),
    "latex": ("LaTeX", "worked-example.tex", "LaTeX (*.tex)"),
    "html": ("HTML", "worked-example.html", "Web page (*.html)"),
}


def complete_step(snapshot: Snapshot) -> Stepper:
    """A copy of the session as it stood at the start of the step shown, stepped through
    once completely (the window's own session is not touched)."""
    trace = snapshot.trace
    values = snapshot.values
    if trace.done:
        values = {name: snapshot.values[name] for name in snapshot.spec.parameter_names}
        for i, layer in enumerate(trace.layers):
            for ref in (r for r in map(snapshot.spec.ref, values) if r.layer == i):
                array = layer.w_before if ref.kind == "w" else layer.b_before
                values[ref.name] = float(array[ref.row, ref.col])
    network = Network.from_values(snapshot.spec, values)
    inputs = trace.inputs
    targets = trace.targets
    config = snapshot.config
    trainer = Trainer(network, inputs, targets, config)
    return Stepper(trainer)


def save_scene(view: QGraphicsView, path: str) -> None:
    """The drawing as SVG (vector) or PNG, by the file's ending (OSError if not written)."""
    scene = view.scene()
    rect = scene.itemsBoundingRect().adjusted(-20, -20, 20, 20)
    if path.lower().endswith(".svg"):
        generator = QSvgGenerator()
        generator.setFileName(path)
        generator.setSize(QSize(int(rect.width()), int(rect.height())))
        generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        generator.setTitle("bpdesk network")
        painter = QPainter(generator)
        scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
        painter.end()
    elif not view.grab().save(path, "PNG"):
        raise OSError(f"The picture could not be written to {path}.")


def _menu_before_quit(parent: QMenu, title: str) -> QMenu:
    """A submenu of ``parent`` placed above its closing separator and Quit (at the end if
    ``parent`` has no Quit)."""
    menu = QMenu(title, parent)
    actions = parent.actions()
    quits = [k for k, a in enumerate(actions) if a.menuRole() == QAction.MenuRole.QuitRole]
    if not quits:
        parent.addMenu(menu)
        return menu
    k = quits[0]
    before = actions[k - 1] if k and actions[k - 1].isSeparator() else actions[k]
    parent.insertMenu(before, menu)
    return menu


class Exports(QObject):
    """Adds an Export menu to the window's File menu; reads the snapshot the window shows."""

    def __init__(self, host: ToolHost, chooser: PathChooser | None = None) -> None:
        super().__init__(host.as_parent())
        self.host = host
        self.chooser: PathChooser = chooser or self._ask
        menu = _menu_before_quit(host.menu("File"), "Export")
        self.actions: dict[str, QAction] = {}
        for fmt, (label, _, _) in HANDOUTS.items():
            for exercise in (False, True):
                text = f"Worked example as {label}" + (" (exercise with key)" if exercise else "")
                action = menu.addAction(text)
                action.triggered.connect(
                    lambda _=False, f=fmt, e=exercise: self.export_handout(f, e)
                )
                self.actions[f"{fmt}{'-exercise' if exercise else ''}"] = action
        menu.addSeparator()
        self.actions["trace"] = menu.addAction("This step's figures as CSV")
        self.actions["trace"].triggered.connect(self.export_trace)
        self.actions["drawing"] = menu.addAction("Network drawing as SVG or PNG")
        self.actions["drawing"].triggered.connect(self.export_drawing)

    def _ask(self, title: str, suggested: str, filters: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.host.as_parent(), title, suggested, filters)
        return path

    def _message(self, text: str) -> None:
        self.host.show_message(text)

    def _save(self, path: str, write: Callable[[str], object], what: str) -> str:
        """Write through ``write_checked`` and say how it went; ``path``, or "" if not saved."""
        problem = write_checked(path, write, what)
        if problem is not None:
            self._message(problem)
            return ""
        self._message(f"{what} was saved to {path}.")
        return path

    def export_handout(self, fmt: str, exercise: bool = False) -> str:
        snapshot = self.host.snapshot
        if snapshot is None:
            return ""
        label, name, filters = HANDOUTS[fmt]
        path = self.chooser(f"Export the worked example ({label})", name, filters)
        if not path:
            return ""

        def write(file: str) -> None:
            trace = complete_step(snapshot).full_step()
            title = "Backpropagation: one worked step" + (" (exercise)" if exercise else "")
            text = render(worked_example(trace, title), fmt, exercise=exercise)
            Path(file).write_text(text, encoding="utf-8")

        return self._save(path, write, "The worked example")

    @Slot()
    def export_trace(self) -> str:
        snapshot = self.host.snapshot
        if snapshot is None:
            return ""
        path = self.chooser("Export this step's figures", "step.csv", "CSV (*.csv)")
        if not path:
            return ""
        text = trace_csv(snapshot.trace)
        return self._save(
            path, lambda file: Path(file).write_text(text, encoding="utf-8"), "The figures"
        )

    @Slot()
    def export_drawing(self) -> str:
        canvas = self.host.canvas
        path = self.chooser("Export the network drawing", "network.svg", "SVG (*.svg);;PNG (*.png)")
        if not path:
            return ""
        return self._save(path, lambda file: save_scene(canvas, file), "The drawing")
