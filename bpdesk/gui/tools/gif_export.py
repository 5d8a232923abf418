"""File → Export → Animation of the next steps: presses recorded as an animated GIF.

bpdesk presses for the user through the window's guarded path (``request_commands``), waits
for each snapshot to be drawn (``snapshot_shown``), takes a picture of the chosen view and
hands it to the :class:`GifWriter` thread. The first frame is the state before the first
press, so N presses give N + 1 frames, each captioned with what was pressed. Afterwards (or
after Cancel) the same number of step-backs, one per press, can return the network to where
the recording started.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog

from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.stepping.steps import PHASE_BUTTONS
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.tools.gif_writer import GifWriter, caption_height, captioned, folder_problem
from bpdesk.gui.tools.picture_export import PICTURE_SIZES, PictureView, render_view

__all__ = ["GIF_SIZES", "MAX_PRESSES", "PRESSES", "GifRecorder", "Recording", "check_recording"]

# What can be recorded: a press each, as the menu says it.
PRESSES = {
    "neuron": "Sub-steps (Next neuron)",
    "phase": "Phases (Forward, Backward, Update)",
    "run": "Iterations of a run",
}
GIF_SIZES = ("1024x768", "1920x1080", "screen")
MAX_PRESSES = 200  # frames held in memory: 200 at 1920×1080 are about 400 MB
MAX_EVERY = 100_000
RETRY_MS = 40  # a press refused because the window was still busy is tried again after this
GIVE_UP_MS = 20_000  # no answer from the steps for this long: the recording stops


@dataclass(frozen=True)
class Recording:
    """What to record: ``count`` presses of ``press`` (a :data:`PRESSES` key; a run press
    trains ``every`` iterations), pictures of view ``view`` at ``size`` (a
    :data:`GIF_SIZES` key), ``seconds`` per frame, then back to the start if ``go_back``."""

    view: str
    press: str = "phase"
    count: int = 3
    every: int = 1
    size: str = "1024x768"
    seconds: float = 0.8
    go_back: bool = True


def check_recording(recording: Recording, views: list[PictureView]) -> str | None:
    """The one check of a recording's settings: None if fine, else why not, in words."""
    if recording.view not in {v.name for v in views}:
        return "That view is not open: open it first, then record it."
    if recording.press not in PRESSES:
        return "Choose what to record: sub-steps, phases or iterations of a run."
    if not 1 <= recording.count <= MAX_PRESSES:
        return f"Record between 1 and {MAX_PRESSES} presses."
    if recording.press == "run" and not 1 <= recording.every <= MAX_EVERY:
        return f"One frame every 1 to {MAX_EVERY:,} iterations."
    if recording.size not in GIF_SIZES:
        return "Choose one of the animation's sizes."
    if not (math.isfinite(recording.seconds) and 0.05 <= recording.seconds <= 10):
        return "Each frame shows between 0.05 and 10 seconds."
    return None


class GifRecorder(QObject):
    """One recording: presses, pictures, the file, and the way back; ``done(path)`` at the
    end ("" when nothing was saved). The window's progress dialog has a Cancel button."""

    done = Signal(str)

    def __init__(self, host: ToolHost, view: PictureView, recording: Recording, path: str) -> None:
        super().__init__(host.as_parent())
        self.host = host
        self.view = view
        self.recording = recording
        self.path = path
        self.presses_sent = 0  # presses the window accepted (so many step-backs undo them)
        self.frames = 0
        self.start_snapshot: Snapshot | None = None
        self.writer: GifWriter | None = None
        self.progress: QProgressDialog | None = None
        self.finished = False
        self._awaited = -1  # the snapshot number after which a press's picture is due
        self._backs_left = 0
        self._last_command = ""
        self._note = ""  # said after the file was saved (why it is shorter)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._press)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.setInterval(GIVE_UP_MS)
        self._watchdog.timeout.connect(self._no_answer)
        self._back_retry = QTimer(self)
        self._back_retry.setSingleShot(True)
        self._back_retry.timeout.connect(self._go_back)

    # ------------------------------------------------------------ start
    def start(self) -> bool:
        """Begin (False, one plain message and nothing changed: refused)."""
        snapshot = self.host.snapshot
        problem = folder_problem(self.path)
        if snapshot is None or snapshot.running:
            problem = "Pause the run first: a recording starts from a network at rest."
        if problem is not None or snapshot is None:
            self.host.show_message(problem or "")
            return False
        self.start_snapshot = snapshot
        self.writer = GifWriter(self.path, self.recording.seconds, self)
        self.writer.finished.connect(self._on_written)
        self.writer.progress.connect(self._on_write_progress)
        self._open_progress()
        self._take_picture(snapshot, "Start")
        self.host.snapshot_shown.connect(self._on_shown)
        self._press()
        return True

    def _open_progress(self) -> None:
        total = self.recording.count
        dialog = QProgressDialog(
            f"Recording {total} presses…", "Cancel", 0, total + 1, self.host.as_parent()
        )
        dialog.setWindowTitle("Animation of the next steps")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        font = dialog.font()  # the window's text size (large in presentation mode)
        font.setPointSizeF(font.pointSizeF() * self.host.font_scale)
        dialog.setFont(font)
        dialog.setValue(0)
        self.progress = dialog

    # ------------------------------------------------------------ pressing and taking pictures
    def _command(self, snapshot: Snapshot) -> str:
        if self.recording.press == "neuron":
            return "neuron"
        if self.recording.press == "run":
            return f"run:{self.recording.every}"
        return snapshot.phase

    def _what(self, command: str) -> str:
        if command == "neuron":
            return "Next neuron"
        if command.startswith("run:"):
            every = self.recording.every
            return f"{every:,} iteration{'s' if every != 1 else ''}"
        return PHASE_BUTTONS.get(command, command)

    @Slot()
    def _press(self) -> None:
        snapshot = self.host.snapshot
        if self.finished or snapshot is None:
            return
        if snapshot.diverged:  # no more steps: the animation ends with what it has
            self._note = f" The network diverged after press {self.presses_sent}: it ends there."
            self._end_recording()
            return
        command = self._command(snapshot)
        seq = snapshot.seq
        if not self.host.request_commands([command]):
            if not self._watchdog.isActive():
                self._watchdog.start()
            self._retry.start(RETRY_MS)  # the window is finishing the press before
            return
        self.presses_sent += 1
        self._last_command = command
        self._awaited = seq
        self._watchdog.start()

    @Slot(object)
    def _on_shown(self, snapshot: Snapshot) -> None:
        if self.finished or self._awaited < 0:
            return
        self._watchdog.start()  # the steps answer (a run reports while it goes)
        if snapshot.running or snapshot.seq <= self._awaited:
            return
        self._awaited = -1
        # The tools draw this snapshot in the same round: the picture is taken after them.
        QTimer.singleShot(0, self, self._after_press)

    @Slot()
    def _after_press(self) -> None:
        snapshot = self.host.snapshot
        if self.finished or snapshot is None:
            return
        self._watchdog.stop()
        n = self.presses_sent
        text = f"{n} of {self.recording.count}: {self._what(self._last_command)}"
        self._take_picture(snapshot, text)
        if self.progress is not None:
            self.progress.setLabelText(f"Recording: press {n} of {self.recording.count} done…")
            self.progress.setValue(n + 1)
        if n >= self.recording.count:
            self._end_recording()
        else:
            self._press()

    def _take_picture(self, snapshot: Snapshot, text: str) -> None:
        size = PICTURE_SIZES[self.recording.size][1]
        if size is None:
            picture = render_view(self.view, None)
            frame = QSize(picture.width(), picture.height() + caption_height(picture.height()))
        else:
            frame = size
            inner = QSize(size.width(), size.height() - caption_height(size.height()))
            picture = render_view(self.view, inner)
        place = f"epoch {snapshot.epoch}, iteration {snapshot.iteration}"
        assert self.writer is not None
        self.writer.add(captioned(picture, f"{text}  ·  {place}", frame))
        self.frames += 1

    # ------------------------------------------------------------ the end
    def _end_recording(self) -> None:
        self._stop_pressing()
        if self.progress is not None:
            self.progress.setLabelText(f"Writing the animation ({self.frames} frames)…")
        assert self.writer is not None
        self.writer.finish()
        self._start_going_back()

    def _stop_pressing(self) -> None:
        self._retry.stop()
        self._watchdog.stop()
        self._awaited = -1
        if not self.finished:
            self.host.snapshot_shown.disconnect(self._on_shown)

    @Slot()
    def cancel(self) -> None:
        """Stop: no file is written, and (if asked) the presses made are stepped back."""
        if self.writer is not None:
            self.writer.cancel()  # also while the file is being written
        if self.finished:
            return
        if self.recording.press == "run" and self._awaited >= 0:
            self.host.pause()  # the run in progress stops (still one press to step back)
        self._stop_pressing()
        self._start_going_back()

    @Slot()
    def _no_answer(self) -> None:
        if not self.finished:
            self.cancel()
            self.host.show_message(
                "The recording stopped: bpdesk's steps did not answer (the network may have "
                "stopped training). No file was written."
            )

    def _start_going_back(self) -> None:
        self._backs_left = self.presses_sent if self.recording.go_back else 0
        self.finished = True
        self._go_back()

    @Slot()
    def _go_back(self) -> None:
        """One step-back per press made (sent together once the window takes them)."""
        if self._backs_left <= 0:
            return
        if self.host.request_commands(["back"] * self._backs_left):
            self._backs_left = 0
        else:
            self._back_retry.start(RETRY_MS)

    @Slot(int, int)
    def _on_write_progress(self, done: int, total: int) -> None:
        if self.progress is not None and total:
            self.progress.setLabelText(f"Writing the animation ({total} frames)…")

    @Slot(str)
    def _on_written(self, problem: str) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        if problem:
            self.host.show_message(problem)
            self.done.emit("")
            return
        size = self.writer.size if self.writer is not None else None
        shape = f", {size.width()}×{size.height()}" if size is not None else ""
        self.host.show_message(
            f"The animation ({self.frames} frames{shape}) was saved to {self.path}.{self._note}"
        )
        self.done.emit(self.path)

    @property
    def going_back(self) -> bool:
        """Step-backs still to be sent."""
        return self._backs_left > 0

    def shutdown(self) -> None:
        """At the window's close: stop and wait for the writer."""
        self.cancel()
        self._back_retry.stop()
        if self.writer is not None:
            self.writer.wait()
