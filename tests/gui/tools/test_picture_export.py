"""File → Export → Picture of a view…, through the real window: the sizes asked for, drawn
at that size (not a blown-up grab), SVG with the drawing's text, and refusals in words."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QSpinBox,
    QWidget,
)

from bpdesk.gui.tools.export_dialogs import PictureChoice, ask_picture, ask_recording
from bpdesk.gui.tools.gif_export import PRESSES, Recording
from bpdesk.gui.tools.picture_export import PICTURE_SIZES, PRINT_DPI, PictureView, picture_views
from tests.reliability.test_plain_messages import assert_plain


@pytest.fixture
def window(open_window):
    return open_window("lecture")


def _export(window, choice: PictureChoice, target) -> str:
    """Through the menu action, the dialogs answered by ``choice`` and ``target``."""
    window.exports.picture_chooser = lambda views: choice
    window.exports.chooser = lambda *_: str(target)
    window.exports.actions["picture"].trigger()
    return window.message()


def _pixels(path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    assert not image.isNull()
    row = image.bytesPerLine()
    data = np.frombuffer(bytes(image.constBits()), np.uint8).reshape(image.height(), row)
    return data[:, : image.width() * 3].reshape(image.height(), image.width(), 3)


def _full_step(qtbot, window) -> None:
    window.request_step("full")
    qtbot.waitUntil(lambda: window.snapshot.iteration == 1, timeout=5000)


def test_the_menu_offers_a_picture_and_an_animation(window):
    texts = [a.text() for a in window.exports.actions.values()]
    assert "Picture of a view…" in texts and "Animation of the next steps…" in texts
    # The older entries are still there.
    assert "Network drawing as SVG or PNG" in texts


def test_png_of_the_canvas_at_1920x1080_is_that_size_and_drawn(qtbot, window, tmp_path):
    _full_step(qtbot, window)
    target = tmp_path / "canvas.png"
    message = _export(window, PictureChoice("canvas", "1920x1080", "png"), target)
    assert "was saved to" in message
    pixels = _pixels(target)
    assert pixels.shape == (1080, 1920, 3)
    background = pixels[0, 0]
    drawn = np.any(pixels != background, axis=2)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20  # not blank, not flat
    rows, cols = np.nonzero(drawn)
    # The drawing fills the picture (drawn for it, not a small grab in a corner).
    assert cols.max() - cols.min() > 0.8 * 1920 or rows.max() - rows.min() > 0.8 * 1080
    # Sharp, not enlarged: a 1920-pixel picture of a window ~1000 px wide has edges one
    # pixel wide (an enlarged one blurs each edge over two pixels or more).
    steps = np.abs(np.diff(pixels.astype(int), axis=1)).sum(axis=2)
    assert (steps > 300).sum() > 2000


def test_svg_of_the_canvas_parses_and_holds_the_weight_labels(qtbot, window, tmp_path):
    _full_step(qtbot, window)
    target = tmp_path / "canvas.svg"
    _export(window, PictureChoice("canvas", "1920x1080", "svg"), target)
    root = ET.parse(target).getroot()
    assert root.tag.endswith("svg")
    text = " ".join(t.strip() for t in root.itertext())
    labels = window.canvas.label_texts()
    weights = [k for k in labels if k.startswith("weight:")]
    assert len(weights) == 8
    for key in weights:
        for line in labels[key].splitlines():
            assert line in text, line
    # The weight values are the session's own (w5 after one step of the lecture).
    value = window.snapshot.values["w5"]
    assert f"{value:.8f}"[:8] in text


def test_error_plot_at_1024x768_and_for_print(qtbot, window, tmp_path):
    window.run_iterations(10)
    qtbot.waitUntil(lambda: window.snapshot.iteration >= 10 and not window.running, timeout=9000)
    screen = tmp_path / "plot-1024.png"
    _export(window, PictureChoice("error_plot", "1024x768", "png"), screen)
    assert _pixels(screen).shape == (768, 1024, 3)
    printed = tmp_path / "plot-print.png"
    _export(window, PictureChoice("error_plot", "print-a5", "png"), printed)
    image = QImage(str(printed))
    size = PICTURE_SIZES["print-a5"][1]
    assert (image.width(), image.height()) == (size.width(), size.height())
    assert image.width() == round(210 / 25.4 * PRINT_DPI)
    assert abs(image.dotsPerMeterX() - PRINT_DPI / 0.0254) < 2
    svg = tmp_path / "plot.svg"
    _export(window, PictureChoice("error_plot", "1024x768", "svg"), svg)
    root = ET.parse(svg).getroot()
    assert "iteration" in " ".join(root.itertext())
    # Drawn as lines and text (the plot's cached pixels are not pasted in as pictures).
    tags = {element.tag.rpartition("}")[2] for element in root.iter()}
    assert "image" not in tags and {"path", "text"} <= tags


def test_an_open_teaching_view_is_offered_and_pictured(qtbot, window, tmp_path):
    names = [v.name for v in picture_views(window)]
    assert names[:2] == ["canvas", "error_plot"] and "boundary" not in names
    window.teaching.show_view("boundary")
    qtbot.waitUntil(lambda: "boundary" in [v.name for v in picture_views(window)], timeout=5000)
    qtbot.wait(300)  # laid out in its dock
    before = window.teaching.boundary.size()
    target = tmp_path / "boundary.png"
    _export(window, PictureChoice("boundary", "1024x768", "png"), target)
    assert _pixels(target).shape == (768, 1024, 3)
    qtbot.waitUntil(lambda: window.teaching.boundary.size() == before, timeout=2000)


def test_its_size_on_screen(window, tmp_path):
    target = tmp_path / "screen.png"
    ratio = window.canvas.devicePixelRatioF()
    # (measured first: the message after the export takes room above the drawing)
    expected = (round(window.canvas.height() * ratio), round(window.canvas.width() * ratio), 3)
    _export(window, PictureChoice("canvas", "screen", "png"), target)
    assert _pixels(target).shape == expected


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_an_unwritable_path_gives_one_plain_message_and_no_file(window, tmp_path, fmt):
    target = tmp_path / "no" / "such" / "folder" / f"picture.{fmt}"
    messages: list[str] = []
    window.banner.show_message = lambda text: messages.append(text)
    _export(window, PictureChoice("canvas", "1920x1080", fmt), target)
    assert len(messages) == 1
    assert "could not be saved" in messages[0] and str(target) in messages[0]
    assert_plain(messages[0])
    assert not target.exists() and not list(tmp_path.rglob(".bpdesk-export*"))


def test_an_unknown_size_is_refused_in_words(window, tmp_path):
    target = tmp_path / "huge.png"
    message = _export(window, PictureChoice("canvas", "100000x100000", "png"), target)
    assert "sizes" in message
    assert_plain(message)
    assert not target.exists()


def test_a_view_closed_meanwhile_is_refused_in_words(window, tmp_path):
    target = tmp_path / "gone.png"
    message = _export(window, PictureChoice("landscape", "1024x768", "png"), target)
    assert "not open" in message
    assert_plain(message)
    assert not target.exists()


@pytest.mark.parametrize("name", ["algorithm", "descent"])
def test_a_registry_view_as_png_and_svg(qtbot, window, tmp_path, name):
    window.teaching.tool_docks.show_view(name)
    qtbot.waitUntil(lambda: name in [v.name for v in picture_views(window)], timeout=5000)
    png = tmp_path / f"{name}.png"
    _export(window, PictureChoice(name, "1920x1080", "png"), png)
    pixels = _pixels(png)
    assert pixels.shape == (1080, 1920, 3) and len(np.unique(pixels.reshape(-1, 3), axis=0)) > 5
    svg = tmp_path / f"{name}.svg"
    _export(window, PictureChoice(name, "1024x768", "svg"), svg)
    assert "".join(ET.parse(svg).getroot().itertext()).strip()


def _answer(qtbot, fill) -> None:
    """When the next dialog opens: ``fill(dialog)``, then OK."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        try:
            fill(dialog)  # (a failed check here fails the test: pytest-qt reports it)
        finally:
            dialog.accept()

    QTimer.singleShot(100, answer)


def test_the_picture_dialog_asks_view_size_and_format(qtbot, window):
    views = picture_views(window)

    def fill(dialog) -> None:
        view, size, fmt = dialog.findChildren(QComboBox)
        assert [view.itemText(k) for k in range(view.count())] == [v.title for v in views]
        assert [size.itemText(k) for k in range(size.count())] == [
            label for label, _ in PICTURE_SIZES.values()
        ]
        view.setCurrentIndex(1)
        size.setCurrentIndex(2)
        fmt.setCurrentIndex(1)

    _answer(qtbot, fill)
    assert ask_picture(window, views) == PictureChoice("error_plot", "print-a5", "svg")


def test_the_picture_dialog_offers_no_svg_of_a_3d_surface(qtbot, window):
    class Surface(PictureView):
        """A view holding an OpenGL surface (made without one: offscreen has no OpenGL)."""

        @property
        def vector(self) -> bool:
            return False

    views = [Surface("surface", "Surface", QWidget())]

    def fill(dialog) -> None:
        fmt = dialog.findChildren(QComboBox)[2]
        assert not fmt.model().item(1).isEnabled()
        fmt.setCurrentIndex(1)

    _answer(qtbot, fill)
    choice = ask_picture(window, views)
    assert choice is not None and choice.view == "surface"
    # Even if SVG got chosen, the export makes a PNG of it (SVG cannot hold the surface).


def test_the_recording_dialog_defaults_and_choices(qtbot, window):
    views = picture_views(window)

    def fill(dialog) -> None:
        _view, press, _size = dialog.findChildren(QComboBox)
        count, every = dialog.findChildren(QSpinBox)
        (seconds,) = dialog.findChildren(QDoubleSpinBox)
        (back,) = dialog.findChildren(QCheckBox)
        assert back.isChecked() and seconds.value() == 0.8 and not every.isEnabled()
        press.setCurrentIndex(list(PRESSES).index("run"))
        assert every.isEnabled()
        every.setValue(25)
        count.setValue(7)
        back.setChecked(False)

    _answer(qtbot, fill)
    recording = ask_recording(window, views)
    assert recording == Recording("canvas", "run", 7, 25, "1024x768", 0.8, go_back=False)


def test_the_lesson_slide_is_offered_while_a_lesson_is_open(qtbot, window, tmp_path):
    assert "lesson" not in [v.name for v in picture_views(window)]
    assert window.teaching.lessons.open_lecture_lesson()
    qtbot.waitUntil(lambda: "lesson" in [v.name for v in picture_views(window)], timeout=5000)
    target = tmp_path / "slide.png"
    _export(window, PictureChoice("lesson", "1920x1080", "png"), target)
    pixels = _pixels(target)
    assert pixels.shape == (1080, 1920, 3) and len(np.unique(pixels.reshape(-1, 3), axis=0)) > 5
    # A slide: the lesson's title and caption above the network drawing.
    svg = tmp_path / "slide.svg"
    _export(window, PictureChoice("lesson", "1920x1080", "svg"), svg)
    text = " ".join(t.strip() for t in ET.parse(svg).getroot().itertext())
    assert window.teaching.lesson_bar.title().split(" — ")[0] in text
    assert "w5 = 0.4" in text
