"""Exports report the truth: a file that was not written is said plainly (and nothing is
drawn into nowhere: no Qt warnings), and a file said to be saved exists and opens."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import qInstallMessageHandler
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

from bpdesk.launch import _QUIET
from tests.gui.tools.test_exports import save_handout
from tests.reliability.test_plain_messages import assert_plain


# Tests run as root, where a read-only folder still takes files: these places really refuse.
def _a_folder(tmp: Path, suffix: str) -> Path:
    folder = tmp / f"taken{suffix}"
    folder.mkdir()
    return folder


BAD_TARGETS = {
    "missing folder": lambda tmp, suffix: tmp / "no" / "such" / "folder" / f"export{suffix}",
    "a folder": _a_folder,
    "proc": lambda tmp, suffix: Path(f"/proc/bpdesk-export{suffix}"),
}


@pytest.fixture
def qt_warnings():
    """Qt's warnings meanwhile, without the off-screen platform's harmless notice."""
    seen: list[str] = []

    def keep(_mode, _context, message: str) -> None:
        if not message.startswith(_QUIET):
            seen.append(message)

    previous = qInstallMessageHandler(keep)
    yield seen
    qInstallMessageHandler(previous)


def _window_exports(qtbot, window):
    exports = window.exports

    def handout(fmt: str, exercise: bool = False) -> str:
        return save_handout(qtbot, exports, fmt, exercise)

    return {
        "markdown": (".md", lambda: handout("markdown")),
        "latex exercise": (".tex", lambda: handout("latex", exercise=True)),
        "html": (".html", lambda: handout("html")),
        "step csv": (".csv", exports.export_trace),
        "drawing svg": (".svg", exports.export_drawing),
        "drawing png": (".png", exports.export_drawing),
    }


KINDS = ["markdown", "latex exercise", "html", "step csv", "drawing svg", "drawing png"]


def _opens(path: Path) -> None:
    """The file exists, holds something, and reads back as what its ending says."""
    assert path.is_file() and path.stat().st_size > 0
    if path.suffix == ".png":
        assert not QImage(str(path)).isNull()
    elif path.suffix == ".svg":
        assert ET.parse(path).getroot().tag.endswith("svg")
    elif path.suffix == ".csv":
        assert list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    else:
        assert path.read_text(encoding="utf-8").strip()
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".bpdesk-export")]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bad", list(BAD_TARGETS))
def test_a_window_export_that_cannot_be_written_says_so(
    qtbot, window, tmp_path, qt_warnings, kind, bad
):
    suffix, export = _window_exports(qtbot, window)[kind]
    target = BAD_TARGETS[bad](tmp_path, suffix)
    window.exports.chooser = lambda *_: str(target)
    assert export() == ""
    message = window.message()
    assert "could not be saved" in message and str(target) in message
    assert_plain(message)
    assert qt_warnings == []
    assert not list(tmp_path.glob(".bpdesk-export*"))


@pytest.mark.parametrize("kind", KINDS)
def test_a_window_export_said_saved_is_there_and_opens(qtbot, window, tmp_path, qt_warnings, kind):
    suffix, export = _window_exports(qtbot, window)[kind]
    target = tmp_path / f"export{suffix}"
    window.exports.chooser = lambda *_: str(target)
    assert export() == str(target)
    assert "was saved to" in window.message() and str(target) in window.message()
    _opens(target)
    assert qt_warnings == []


def _press_error_plot_button(window, monkeypatch, which: str, target: Path) -> list[str]:
    warned: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    button = window.error_plot._png_button if which == "png" else window.error_plot._csv_button
    button.click()
    return warned


@pytest.mark.parametrize("which", ["png", "csv"])
@pytest.mark.parametrize("bad", list(BAD_TARGETS))
def test_an_error_plot_export_that_cannot_be_written_says_so(
    window, tmp_path, monkeypatch, qt_warnings, which, bad
):
    target = BAD_TARGETS[bad](tmp_path, f".{which}")
    warned = _press_error_plot_button(window, monkeypatch, which, target)
    assert len(warned) == 1 and "could not be saved" in warned[0]
    assert_plain(warned[0])
    assert qt_warnings == []


@pytest.mark.parametrize("which", ["png", "csv"])
def test_an_error_plot_export_is_there_and_opens(
    qtbot, window, tmp_path, monkeypatch, qt_warnings, which
):
    window.run_iterations(5)
    qtbot.waitUntil(lambda: window.snapshot.iteration >= 5, timeout=5000)
    target = tmp_path / f"errors.{which}"
    assert _press_error_plot_button(window, monkeypatch, which, target) == []
    _opens(target)
    assert qt_warnings == []
