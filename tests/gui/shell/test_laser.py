"""The laser pointer: hold L, a bright ring follows the mouse over the whole window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QCursor
from PySide6.QtWidgets import QAbstractSpinBox

from bpdesk.gui.shell.laser import RING_RADIUS


@pytest.fixture
def window(open_window):
    return open_window("xor", (1280, 720))


def test_the_glow_shows_while_l_is_held_and_goes_on_release(qtbot, window):
    laser = window.teaching.laser
    assert not laser.active
    window.canvas.setFocus()
    qtbot.keyPress(window.canvas, Qt.Key.Key_L)
    assert laser.active and laser.overlay.isVisible()
    assert laser.overlay.geometry() == window.rect()  # the whole window
    assert laser.overlay.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    qtbot.keyPress(window.canvas, Qt.Key.Key_L)  # auto-repeat while held: still on
    assert laser.active
    qtbot.keyRelease(window.canvas, Qt.Key.Key_L)
    assert not laser.active and not laser.overlay.isVisible()


def test_the_glow_is_bright_where_the_pointer_is_and_repaints_only_there(qtbot, window):
    laser = window.teaching.laser
    qtbot.keyPress(window, Qt.Key.Key_L)
    try:
        laser._timer.stop()  # hold the glow still for the picture
        centre = QPoint(500, 300)
        laser.overlay.move_to(centre)
        area = laser.overlay.area(centre)
        ring, glow = laser.overlay.ring, laser.overlay.glow
        assert ring >= RING_RADIUS and ring >= 0.04 * window.height()  # large on a projector
        assert area.contains(centre) and area.width() <= 2 * glow + 10
        assert area.width() * area.height() < window.width() * window.height() / 20
        picture = window.grab().toImage()
        on_ring = QColor(picture.pixel(centre.x() + ring, centre.y()))
        assert on_ring.red() > 200 and on_ring.green() < 90 and on_ring.blue() < 90
        far = QColor(picture.pixel(centre.x() + glow + 60, centre.y()))
        assert not (far.red() > 200 and far.green() < 90)  # nothing drawn far from it
    finally:
        qtbot.keyRelease(window, Qt.Key.Key_L)
    assert not laser.active


def test_the_glow_follows_the_mouse(qtbot, window):
    laser = window.teaching.laser
    target = window.mapToGlobal(QPoint(300, 200))
    QCursor.setPos(target)
    if QCursor.pos() != target:
        pytest.skip("this platform does not move the mouse pointer")
    qtbot.keyPress(window, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: laser.overlay.centre == QPoint(300, 200))
    QCursor.setPos(window.mapToGlobal(QPoint(700, 400)))
    qtbot.waitUntil(lambda: laser.overlay.centre == QPoint(700, 400))
    qtbot.keyRelease(window, Qt.Key.Key_L)


def test_typing_an_l_into_a_number_field_stays_typing(qtbot, window):
    field = window.findChildren(QAbstractSpinBox)[0]
    field.setFocus()
    qtbot.keyPress(field, Qt.Key.Key_L)
    assert not window.teaching.laser.active
    qtbot.keyPress(window.canvas, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not window.teaching.laser.active  # Ctrl+L is not the laser


def test_the_glow_goes_when_the_window_is_hidden(qtbot, window):
    laser = window.teaching.laser
    qtbot.keyPress(window, Qt.Key.Key_L)
    assert laser.active
    window.hide()
    assert not laser.active
