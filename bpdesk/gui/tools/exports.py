"""File → Export: the worked example as a handout, the step's figures, the drawing, a
picture of any open view and an animation of the next steps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QFileDialog, QGraphicsView, QMenu, QProgressDialog

from bpdesk.core.teaching.export import trace_csv
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.tools.export_dialogs import PictureChoice, ask_picture, ask_recording
from bpdesk.gui.tools.gif_export import GifRecorder, Recording, check_recording
from bpdesk.gui.tools.picture_export import (
    PICTURE_SIZES,
    PictureView,
    picture_views,
    save_picture,
)
from bpdesk.gui.views.checked_write import write_checked
from bpdesk.gui.workers.export_worker import (
    STAGES,
    WHAT,
    HandoutJobs,
    HandoutOrder,
    HandoutOutcome,
    complete_step,
)

__all__ = ["Exports", "complete_step", "save_scene"]

# Asks for a file name: (title, suggested name, filter) → path, or "" for cancel.
PathChooser = Callable[[str, str, str], str]
# Asks which view, size and format (None for cancel); and what to record.
PictureChooser = Callable[[list[PictureView]], PictureChoice | None]
RecordingChooser = Callable[[list[PictureView]], Recording | None]

PROGRESS_AFTER_MS = 500  # a handout still being built then gets a progress dialog

HANDOUTS = {
    "markdown": ("Markdown", "worked-example.md", "Markdown (*.md)"),
    "latex": ("LaTeX", "worked-example.tex", "LaTeX (*.tex)"),
    "html": ("HTML", "worked-example.html", "Web page (*.html)"),
}


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
        menu.addSeparator()
        self.picture_chooser: PictureChooser = lambda views: ask_picture(host.as_parent(), views)
        self.recording_chooser: RecordingChooser = lambda v: ask_recording(host.as_parent(), v)
        self.recorder: GifRecorder | None = None
        self.actions["picture"] = menu.addAction("Picture of a view…")
        self.actions["picture"].triggered.connect(self.export_picture)
        self.actions["animation"] = menu.addAction("Animation of the next steps…")
        self.actions["animation"].triggered.connect(self.export_animation)
        self.handouts = HandoutJobs(self)
        self.handouts.stage.connect(self._on_handout_stage)
        self.handouts.ended.connect(self._on_handout_ended)
        self.handout_progress: QProgressDialog | None = None
        self._handout_stage = 0
        self.last_handout: HandoutOutcome | None = None
        host.when_shutting_down(self._shutdown)

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
        """Ask where, then build and save the worked example on a worker thread (a progress
        dialog with Cancel shows if it takes over half a second); ``handouts.ended`` and a
        message follow. The path the handout is being saved to, or "" if nothing started."""
        snapshot = self.host.snapshot
        if snapshot is None:
            return ""
        if self.handouts.busy:
            self._message("A worked example is being saved: wait for it or cancel it first.")
            return ""
        label, name, filters = HANDOUTS[fmt]
        path = self.chooser(f"Export the worked example ({label})", name, filters)
        if not path:
            return ""
        if not self.handouts.start(HandoutOrder(snapshot, fmt, exercise, path)):
            return ""
        QTimer.singleShot(PROGRESS_AFTER_MS, self, self._open_handout_progress)
        return path

    def _open_handout_progress(self) -> None:
        """The progress dialog of the handout under way, once it has taken a while."""
        if not self.handouts.busy or self.handout_progress is not None:
            return
        dialog = QProgressDialog(STAGES[0], "Cancel", 0, len(STAGES), self.host.as_parent())
        dialog.setWindowTitle("Saving the worked example")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        font = dialog.font()  # the window's text size (large in presentation mode)
        font.setPointSizeF(font.pointSizeF() * self.host.font_scale)
        dialog.setFont(font)
        dialog.setValue(self._handout_stage)
        dialog.setLabelText(STAGES[self._handout_stage])
        dialog.canceled.connect(self.cancel_handout)
        self.handout_progress = dialog

    @Slot()
    def cancel_handout(self) -> None:
        """Stop the handout under way at its next stage; the message says what came of it."""
        self.handouts.cancel()
        self._close_handout_progress()

    @Slot(int)
    def _on_handout_stage(self, stage: int) -> None:
        self._handout_stage = stage
        if self.handout_progress is not None:
            self.handout_progress.setLabelText(STAGES[stage])
            self.handout_progress.setValue(stage)

    @Slot(object)
    def _on_handout_ended(self, outcome: HandoutOutcome) -> None:
        self._close_handout_progress()
        self._handout_stage = 0
        self.last_handout = outcome
        if outcome.cancelled:
            self._message(f"Saving the worked example was cancelled: nothing was saved to "
                          f"{outcome.path}.")  # fmt: skip
        elif outcome.problem is not None:
            self._message(outcome.problem)
        else:
            self._message(f"{WHAT} was saved to {outcome.path}.")

    def _close_handout_progress(self) -> None:
        dialog, self.handout_progress = self.handout_progress, None
        if dialog is not None:
            dialog.canceled.disconnect(self.cancel_handout)
            dialog.close()
            dialog.deleteLater()

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

    @Slot()
    def export_picture(self) -> str:
        """A view as PNG or SVG at a projector's or a print's size; the path, or ""."""
        views = picture_views(self.host)
        choice = self.picture_chooser(views)
        if choice is None:
            return ""
        view = next((v for v in views if v.name == choice.view), None)
        if view is None:
            self._message("That view is not open: open it first, then export its picture.")
            return ""
        if choice.size not in PICTURE_SIZES:
            self._message("Choose one of the picture's sizes.")
            return ""
        fmt = "svg" if choice.fmt == "svg" and view.vector else "png"
        filters = "SVG (*.svg)" if fmt == "svg" else "PNG (*.png)"
        path = self.chooser(f"Export a picture of the {view.title.lower()}",
                            f"{view.name}.{fmt}", filters)  # fmt: skip
        if not path:
            return ""
        if not path.lower().endswith(f".{fmt}"):
            path += f".{fmt}"
        # Drawn on the GUI thread (widgets draw only there): up to half a second for print.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self._save(
                path, lambda file: save_picture(view, choice.size, file), "The picture"
            )
        finally:
            QApplication.restoreOverrideCursor()

    @Slot()
    def export_animation(self) -> GifRecorder | None:
        """Record the next presses as an animated GIF (the recorder, or None if refused)."""
        if self.recorder is not None and not self.recorder.finished:
            self._message("An animation is being recorded: wait for it or cancel it first.")
            return None
        views = picture_views(self.host)
        recording = self.recording_chooser(views)
        if recording is None:
            return None
        problem = check_recording(recording, views)
        if problem is not None:
            self._message(problem)
            return None
        path = self.chooser("Export an animation of the next steps", "steps.gif", "GIF (*.gif)")
        if not path:
            return None
        if not path.lower().endswith(".gif"):
            path += ".gif"
        view = next(v for v in views if v.name == recording.view)
        recorder = GifRecorder(self.host, view, recording, path)
        if not recorder.start():
            recorder.deleteLater()
            return None
        self.recorder = recorder
        return recorder

    def _shutdown(self) -> None:
        self.handouts.shutdown()
        self._close_handout_progress()
        if self.recorder is not None:
            self.recorder.shutdown()
