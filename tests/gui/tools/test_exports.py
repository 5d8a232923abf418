"""File → Export from the window: handouts with the lecture's figures, CSV, and an SVG."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET

import pytest

from bpdesk.app import create_window


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window("lecture", restore_layout=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=5000)
    yield win
    win.shutdown()


def save_handout(qtbot, exports, fmt, exercise=False):
    """Export a handout and wait for its worker: the path saved, or "" if not saved."""
    with qtbot.waitSignal(exports.handouts.ended, timeout=20000) as blocker:
        assert exports.export_handout(fmt, exercise=exercise)
    outcome = blocker.args[0]
    return "" if outcome.cancelled or outcome.problem else outcome.path


def test_handout_of_a_half_done_step_is_the_whole_step(qtbot, window, tmp_path, lecture_reference):
    window.request_step("forward")
    qtbot.waitUntil(lambda: window.snapshot.phase == "backward", timeout=5000)
    target = tmp_path / "handout.html"
    window.exports.chooser = lambda *_: str(target)
    assert save_handout(qtbot, window.exports, "html") == str(target)
    text = target.read_text(encoding="utf-8")
    numbers = [float(x) for x in re.findall(r"-?\d+\.\d+", text.replace("−", "-"))]
    for name, value in lecture_reference["updated_weights_after_one_step"].items():
        assert any(abs(n - value) <= 1e-8 for n in numbers), name
    assert "0.082167041" in text and "0.35891648" in text
    # The window's own session did not move.
    assert window.snapshot.phase == "backward"


def test_exercise_and_csv_and_svg(qtbot, window, tmp_path):
    files = iter([tmp_path / "ex.md", tmp_path / "step.csv", tmp_path / "net.svg"])
    window.exports.chooser = lambda *_: str(next(files))
    save_handout(qtbot, window.exports, "markdown", exercise=True)
    assert "## Answers" in (tmp_path / "ex.md").read_text(encoding="utf-8")
    window.request_step("full")
    qtbot.waitUntil(lambda: window.snapshot.iteration == 1, timeout=5000)
    window.exports.export_trace()
    with (tmp_path / "step.csv").open(encoding="utf-8") as handle:
        rows = dict(csv.reader(handle))
    assert float(rows["w5+"]) == pytest.approx(0.35891648, abs=1e-8)
    window.exports.export_drawing()
    root = ET.parse(tmp_path / "net.svg").getroot()
    assert root.tag.endswith("svg")
    assert "w5" in (tmp_path / "net.svg").read_text(encoding="utf-8")


def test_export_sits_above_quit_in_the_file_menu(window):
    texts = [a.text() for a in window.menu("File").actions()]
    assert texts.index("Export") < texts.index("&Quit") == len(texts) - 1
    quit_at = texts.index("&Quit")
    assert window.menu("File").actions()[quit_at - 1].isSeparator()
