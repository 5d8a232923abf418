"""The animated GIF's writer: frames turned into GIF colours and written off the GUI thread.

Frames are handed over as they are taken (the thread reduces each to 256 colours at once,
so a long recording holds one byte a pixel); at the end the file is written through
:func:`~bpdesk.gui.views.checked_write.write_checked` (whole or not at all) and read back
with Pillow to check its frame count and size before it takes the file's name.
"""

from __future__ import annotations

import contextlib
import os
import queue
import tempfile
import threading
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from bpdesk.core.errors import BpdeskError
from bpdesk.core.plain_words import os_error_words
from bpdesk.gui.views.checked_write import write_checked

__all__ = ["GifWriter", "captioned", "folder_problem"]

WHAT = "The animation"
CAPTION_SHARE = 18  # the caption strip is 1/18 of the frame's height (at least 22 px)


class _Cancelled(Exception):
    """The recording was cancelled while its file was being written."""


def folder_problem(path: str) -> str | None:
    """Why ``path`` cannot take a file, in words (checked before anything is recorded);
    None when it can. Nothing is left behind."""
    target = Path(path)
    failed = f"{WHAT} could not be saved to {target}"
    if target.is_dir():
        return f"{failed}: that name is a folder, not a file."
    try:
        handle, probe = tempfile.mkstemp(prefix=".bpdesk-export-", dir=target.parent)
    except OSError as error:
        return f"{failed}: {os_error_words(error)}."
    os.close(handle)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return None


def caption_height(frame_height: int) -> int:
    return max(22, frame_height // CAPTION_SHARE)


def captioned(picture: QImage, text: str, size: QSize) -> QImage:
    """``picture`` above a strip saying ``text``, in a frame of ``size``."""
    frame = QImage(size, QImage.Format.Format_RGB32)
    frame.fill(QColor("#202124"))
    strip = caption_height(size.height())
    painter = QPainter(frame)
    painter.drawImage(QPoint(0, 0), picture)
    font = QFont()
    font.setPixelSize(max(12, round(strip * 0.6)))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    box = QRect(strip // 3, size.height() - strip, size.width() - strip, strip)
    painter.drawText(box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
    painter.end()
    return frame


def _pillow_frame(frame: QImage) -> Image.Image:
    rgb = frame.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits())
    size = (rgb.width(), rgb.height())
    image = Image.frombuffer("RGB", size, data, "raw", "RGB", rgb.bytesPerLine(), 1)
    return image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


class GifWriter(QObject):
    """Takes frames (:meth:`add`) on the GUI thread and writes the GIF on its own thread.

    ``progress(done, total)`` while the file is written; ``finished(problem)`` at the end:
    "" when the file was saved, the plain reason otherwise (also for a cancel).
    """

    progress = Signal(int, int)
    finished = Signal(str)

    def __init__(self, path: str, seconds: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.duration_ms = max(20, round(seconds * 1000))
        self.frames_added = 0
        self.size: QSize | None = None
        self._queue: queue.Queue[Image.Image | QImage | None] = queue.Queue()
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._work, name="bpdesk-gif", daemon=True)
        self._thread.start()

    def add(self, frame: QImage) -> None:
        """One more frame (all frames have the size of the first)."""
        if self.size is None:
            self.size = frame.size()
        elif frame.size() != self.size:
            frame = frame.scaled(self.size)
        self.frames_added += 1
        self._queue.put(frame.copy())

    def finish(self) -> None:
        """No more frames: the file is written."""
        self._queue.put(None)

    def cancel(self) -> None:
        """Stop; no file is left (a file that was there before stays as it was)."""
        self._cancelled.set()
        self._queue.put(None)

    def wait(self, seconds: float = 30.0) -> None:
        """Until the thread has ended (at shutdown)."""
        self._thread.join(seconds)

    @property
    def busy(self) -> bool:
        return self._thread.is_alive()

    def _work(self) -> None:
        frames: list[Image.Image] = []
        while True:
            item = self._queue.get()
            if item is None or self._cancelled.is_set():
                break
            if isinstance(item, QImage):
                frames.append(_pillow_frame(item))
        if self._cancelled.is_set():
            self.finished.emit(f"{WHAT} was cancelled: no file was written.")
            return
        try:
            problem = write_checked(self.path, lambda file: self._write(frames, file), WHAT)
        except _Cancelled:
            problem = f"{WHAT} was cancelled: no file was written."
        except MemoryError:
            problem = f"{WHAT} could not be saved: there was not enough memory for its frames."
        self.finished.emit(problem or "")

    def _write(self, frames: list[Image.Image], file: str) -> None:
        if not frames:
            raise BpdeskError("no frame was recorded.")
        self.progress.emit(0, len(frames))
        frames[0].save(
            file,
            format="GIF",
            save_all=True,
            append_images=frames[1:],
            duration=self.duration_ms,
            loop=0,
        )
        if self._cancelled.is_set():
            raise _Cancelled
        with Image.open(file) as written:
            count = getattr(written, "n_frames", 1)
            if count != len(frames) or written.size != frames[0].size:
                raise BpdeskError("the file did not read back whole.")
        self.progress.emit(len(frames), len(frames))
