"""Themes switch cleanly both ways at any moment, canvas and plot included, and every text
keeps its contrast (WCAG AA 4.5:1; 7:1 in high contrast), measured on rendered pixels."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from bpdesk.gui.shell.theme import palette
from bpdesk.gui.views.canvas.palette import colours


def _luminance(colour: QColor) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def rendered_contrast(image: QImage) -> float:
    """The contrast between the most common colour of a rendered region (its paper) and
    the colour farthest from it (its ink)."""
    counts: dict[int, int] = {}
    for y in range(image.height()):
        for x in range(image.width()):
            rgb = image.pixel(x, y)
            counts[rgb] = counts.get(rgb, 0) + 1
    paper = QColor.fromRgb(max(counts, key=counts.__getitem__))
    return max(contrast(paper, QColor.fromRgb(rgb)) for rgb in counts)


def _grab(widget: QWidget, rect: QRect | None = None) -> QImage:
    return (widget.grab(rect) if rect is not None else widget.grab()).toImage()


@pytest.fixture
def window(qtbot, open_window):
    win = open_window("lecture")
    win.request_step("forward")
    qtbot.waitUntil(lambda: win.snapshot.phase == "backward")
    yield win
    win.teaching.action_contrast.setChecked(False)
    win.commands.dark_theme.setChecked(False)


def _texts_readable(qtbot, win, minimum: float) -> None:
    qtbot.wait(300)  # the canvas is built anew in the new colours
    canvas = win.canvas
    label = canvas._parts.labels["weight:w5"]
    rect = canvas.mapFromScene(label.sceneBoundingRect()).boundingRect()
    checks = {
        "canvas label w5": _grab(canvas.viewport(), rect),
        "Backward button": _grab(win.findChild(QWidget, "button_action_backward")),
        "status bar": _grab(win.status_labels["epoch"]),
        "run button": _grab(win.toolbar.widgetForAction(win.commands.run)),
    }
    for what, image in checks.items():
        assert rendered_contrast(image) >= minimum, what


def test_dark_and_back_to_light_repaint_everything(qtbot, window):
    light_canvas = window.canvas.backgroundBrush().color()
    window.commands.dark_theme.setChecked(True)
    qtbot.waitUntil(lambda: window.canvas.backgroundBrush().color() != light_canvas)
    assert window.canvas.backgroundBrush().color().lightness() < 80
    assert colours().name == "dark"
    plot_paper = window.error_plot._plot.backgroundBrush().color()
    assert plot_paper.lightness() < 80
    _texts_readable(qtbot, window, 4.5)
    window.commands.dark_theme.setChecked(False)
    qtbot.waitUntil(lambda: window.canvas.backgroundBrush().color() == light_canvas)
    assert QApplication.instance().palette() == palette("light")
    assert window.error_plot._plot.backgroundBrush().color().lightness() > 200
    _texts_readable(qtbot, window, 4.5)


@pytest.mark.parametrize("dark", [False, True])
def test_high_contrast_is_really_high(qtbot, window, dark):
    window.commands.dark_theme.setChecked(dark)
    window.teaching.action_contrast.setChecked(True)
    qtbot.waitUntil(lambda: colours().name.startswith("high contrast"))
    _texts_readable(qtbot, window, 7.0)
    pause = window.toolbar.widgetForAction(window.commands.pause)
    run = window.toolbar.widgetForAction(window.commands.run)
    assert not pause.isEnabled() and run.isEnabled()
    # A disabled button looks disabled: its text is plainly fainter than an enabled one's.
    assert rendered_contrast(_grab(pause)) < 0.6 * rendered_contrast(_grab(run))
    window.teaching.action_contrast.setChecked(False)
    qtbot.waitUntil(lambda: not colours().name.startswith("high contrast"))
    name = "dark" if dark else "light"
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window) == palette(
        name
    ).color(QPalette.ColorRole.Window)
