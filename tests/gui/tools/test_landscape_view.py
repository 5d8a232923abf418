"""The error landscape view: choosers, contour map at the right place, the live descent path."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QOpenGLContext

from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.landscape import error_grid
from bpdesk.gui.tools.landscape_view import GL_MISSING, LandscapeView
from bpdesk.gui.tools.landscape_view import surface as surface_module
from bpdesk.gui.tools.landscape_view import view as view_module


class Session:
    """A step machine and its snapshots, as the window would hand them to the view."""

    def __init__(self, preset: str = "lecture") -> None:
        self.stepper = Stepper(get_preset(preset).trainer())
        self.seq = 0

    def snapshot(self):
        self.seq += 1
        return make_snapshot(self.stepper, seq=self.seq)

    def landscape(self, first="w5", second="w6", span=1.0, size=21):
        trainer = self.stepper.trainer
        return error_grid(
            self.stepper.network,
            trainer.inputs,
            trainer.targets,
            first,
            second,
            span=span,
            size=size,
        )


@pytest.fixture
def view(qtbot):
    widget = LandscapeView()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    return widget


def test_choosers_list_every_parameter_and_start_on_a_bias_and_a_weight(view):
    session = Session()
    view.show_snapshot(session.snapshot())
    assert view.selected_parameters() == ("b2", "w5")  # the slides' θ0 (a bias) and θ1
    assert view._first.count() == len(session.stepper.network.spec.parameter_names)
    assert "Compute" in view.message()


def test_compute_asks_for_the_chosen_landscape(view, qtbot):
    view.show_snapshot(Session().snapshot())
    view.set_parameters("w1", "w8")
    view.set_grid(0.75, 31)
    with qtbot.waitSignal(view.landscape_requested, timeout=1000) as blocker:
        view._compute.click()
    assert blocker.args == ["w1", "w8", 0.75, 31]


def test_the_same_parameter_twice_is_refused_in_words(view, qtbot):
    view.show_snapshot(Session().snapshot())
    view.set_parameters("w5", "w5")
    with qtbot.assertNotEmitted(view.landscape_requested):
        view.request_landscape()
    assert "two different parameters" in view.message()


def test_grid_limits_are_those_of_the_brief(view):
    assert (view._span.minimum(), view._span.maximum()) == (0.05, 100.0)
    assert (view._size.minimum(), view._size.maximum()) == (11, 201)


def test_heat_map_sits_on_the_parameter_values(view):
    session = Session()
    view.show_snapshot(session.snapshot())
    landscape = session.landscape(span=1.5, size=21)
    view.show_landscape(landscape)
    image = view.image_item
    assert image.isVisible()
    assert image.image.shape == landscape.errors.shape
    # The centre of pixel (column c, row r) is at (xs[c], ys[r]).
    for column, row in ((0, 0), (20, 0), (7, 13)):
        centre = image.mapToParent(QPointF(column + 0.5, row + 0.5))
        assert centre.x() == pytest.approx(landscape.xs[column], abs=1e-9)
        assert centre.y() == pytest.approx(landscape.ys[row], abs=1e-9)
    # Pixel (c, r) is coloured by E at (xs[c], ys[r]): log10 of the errors, row by row.
    np.testing.assert_allclose(image.image, np.log10(landscape.errors), rtol=1e-12)
    low, high = view.colour_bar.levels()
    assert low == pytest.approx(np.log10(landscape.errors.min()))
    assert high == pytest.approx(np.log10(landscape.errors.max()))
    item = view.plot_widget.getPlotItem()
    assert item.getAxis("bottom").labelText == "w5"
    assert item.getAxis("left").labelText == "w6"
    assert view.contour_count() >= 5


def test_the_lowest_grid_point_is_marked_and_named(view):
    session = Session()
    view.show_snapshot(session.snapshot())
    landscape = session.landscape(span=2.0, size=25)
    view.show_landscape(landscape)
    x, y = view.minimum_marker.getData()
    mx, my, _ = landscape.minimum
    assert (x[0], y[0]) == (mx, my)
    assert "Lowest grid point" in view.message()


def test_centre_error_is_the_lectures_total_error(view, lecture_reference):
    """The grid point at the centre is the lecture's network as it stands: E_total."""
    session = Session()
    view.show_snapshot(session.snapshot())
    landscape = session.landscape(span=1.0, size=21)
    view.show_landscape(landscape)
    expected = lecture_reference["forward"]["E_total"]
    assert view.image_item.image[10, 10] == pytest.approx(np.log10(expected), abs=1e-8)


def test_training_draws_the_descent_path_point_by_point(view, lecture_reference):
    session = Session()
    first = session.snapshot()
    view.show_snapshot(first)
    view.show_landscape(session.landscape())
    assert view.path_points().shape == (1, 2)
    expected = [(first.values["w5"], first.values["w6"])]
    for _ in range(5):
        session.stepper.full_step()
        snapshot = session.snapshot()
        view.show_snapshot(snapshot)
        expected.append((snapshot.values["w5"], snapshot.values["w6"]))
    np.testing.assert_allclose(view.path_points(), expected, rtol=1e-12)
    after_one = lecture_reference["updated_weights_after_one_step"]
    np.testing.assert_allclose(view.path_points()[1], [after_one["w5"], after_one["w6"]], atol=1e-8)
    x, y = view.current_marker.getData()
    assert (x[0], y[0]) == expected[-1]
    px, py = view._map.path_item.getData()
    np.testing.assert_allclose(np.column_stack([px, py]), expected, rtol=1e-12)
    assert "trained since" in view.message()


def test_phases_that_change_no_weight_add_no_point(view):
    session = Session()
    view.show_snapshot(session.snapshot())
    view.show_landscape(session.landscape())
    session.stepper.step_phase("forward")
    view.show_snapshot(session.snapshot())
    session.stepper.step_phase("backward")
    view.show_snapshot(session.snapshot())
    assert view.path_points().shape == (1, 2)


def test_path_starts_again_when_history_is_cut_back(view):
    session = Session()
    view.show_snapshot(session.snapshot())
    view.show_landscape(session.landscape())
    for _ in range(4):
        session.stepper.full_step()
        view.show_snapshot(session.snapshot())
    assert view.path_points().shape[0] == 5
    session.stepper.reset()
    snapshot = session.snapshot()
    view.show_snapshot(snapshot)
    np.testing.assert_allclose(
        view.path_points(), [[snapshot.values["w5"], snapshot.values["w6"]]], rtol=0
    )


def test_a_new_landscape_starts_a_new_path(view):
    session = Session()
    view.show_snapshot(session.snapshot())
    view.show_landscape(session.landscape())
    for _ in range(3):
        session.stepper.full_step()
        view.show_snapshot(session.snapshot())
    fresh = session.landscape()
    view.show_landscape(fresh)
    np.testing.assert_allclose(view.path_points(), [fresh.centre], rtol=0)
    assert "held at its current value" in view.message()


def test_a_long_run_keeps_the_path_bounded(view, monkeypatch):
    monkeypatch.setattr(view_module, "MAX_PATH", 50)
    session = Session()
    view.show_snapshot(session.snapshot())
    view.show_landscape(session.landscape())
    for _ in range(120):
        session.stepper.full_step()
        snapshot = session.snapshot()
        view.show_snapshot(snapshot)
    points = view.path_points()
    assert points.shape[0] <= 50
    np.testing.assert_allclose(points[-1], [snapshot.values["w5"], snapshot.values["w6"]])


def test_another_network_clears_the_map(view):
    lecture = Session()
    view.show_snapshot(lecture.snapshot())
    view.show_landscape(lecture.landscape())
    xor = Session("xor")
    view.show_snapshot(xor.snapshot())
    assert not view.image_item.isVisible()
    assert view.path_points().shape == (0, 2)
    assert view._first.count() == len(xor.stepper.network.spec.parameter_names)


def test_three_d_tab_explains_when_opengl_is_missing(view):
    # The offscreen platform has no OpenGL context.
    assert not view.has_3d()
    assert view.surface_tab_text() == GL_MISSING
    view._tabs.setCurrentIndex(1)
    session = Session()
    view.show_snapshot(session.snapshot())
    view.show_landscape(session.landscape())  # draws the contour map without complaint
    assert view.image_item.isVisible()


def test_no_pyopengl_library_is_no_crash(qtbot, monkeypatch):
    monkeypatch.setattr(surface_module, "NO_GL_WIDGETS", ())  # as if on a real screen
    monkeypatch.setitem(sys.modules, "pyqtgraph.opengl", None)  # import fails
    monkeypatch.setattr(QOpenGLContext, "create", lambda self: True)
    widget = LandscapeView()
    qtbot.addWidget(widget)
    assert not widget.has_3d()
    assert widget.surface_tab_text() == GL_MISSING


def test_font_scale_reaches_the_controls_and_the_axes(view):
    view.set_font_scale(1.5)
    assert view.font().pointSizeF() == pytest.approx(18.0)
    tick_font = view.plot_widget.getPlotItem().getAxis("left").style["tickFont"]
    assert tick_font.pointSizeF() == pytest.approx(18.0)
    view.set_font_scale(0)  # the one text-size rule: 75 % to 300 %
    assert view.font().pointSizeF() == pytest.approx(9.0)
    view.set_font_scale(4)
    assert view.plot_widget.getPlotItem().getAxis("left").style["tickFont"].pointSizeF() == (
        pytest.approx(36.0)
    )
    with pytest.raises(ValueError):
        view.set_font_scale(float("inf"))


def test_renders_offscreen(view, tmp_path):
    session = Session()
    view.show_snapshot(session.snapshot())
    view.show_landscape(session.landscape(span=3.0, size=41))
    view.show()
    path = tmp_path / "landscape.png"
    assert view.grab().save(str(path))
    assert path.stat().st_size > 10_000


def _log_error_at(landscape, x, y):
    """log10 E between grid points, interpolated linearly along each axis."""
    logs = np.log10(landscape.errors)
    fx = np.interp(x, landscape.xs, np.arange(landscape.xs.size))
    fy = np.interp(y, landscape.ys, np.arange(landscape.ys.size))
    c, r = min(int(fx), landscape.xs.size - 2), min(int(fy), landscape.ys.size - 2)
    tx, ty = fx - c, fy - r
    top = logs[r, c] * (1 - tx) + logs[r, c + 1] * tx
    bottom = logs[r + 1, c] * (1 - tx) + logs[r + 1, c + 1] * tx
    return top * (1 - ty) + bottom * ty


def test_contour_lines_follow_their_error_level(view):
    session = Session()
    view.show_snapshot(session.snapshot())
    landscape = session.landscape(span=2.0, size=31)
    view.show_landscape(landscape)
    contours = [c for c in view._map.contours if c.isVisible()]
    levels = sorted(c.level for c in contours)
    ratios = np.diff(levels)
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)  # evenly spaced in log E
    for contour in contours:
        contour.generatePath()
        path = contour.path
        assert path.elementCount() > 2
        for index in range(0, path.elementCount(), max(1, path.elementCount() // 7)):
            element = path.elementAt(index)
            point = contour.mapToParent(QPointF(element.x, element.y))
            assert _log_error_at(landscape, point.x(), point.y()) == pytest.approx(
                contour.level, abs=1e-9
            )


def test_an_offscreen_context_is_not_taken_for_a_3d_screen(qtbot, monkeypatch):
    # Offscreen with an X display can make an OpenGL context, but draws no OpenGL widget.
    monkeypatch.setattr(QOpenGLContext, "create", lambda self: True)
    widget = LandscapeView()
    qtbot.addWidget(widget)
    assert not widget.has_3d() and widget.surface_tab_text() == GL_MISSING
