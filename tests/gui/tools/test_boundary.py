"""The decision-boundary view: data, output map, hidden neurons, error curves and roll-back."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.files.documents import open_source, with_dataset, with_network
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.gui.tools.boundary import MAX_PER_LAYER, MAX_THUMBNAILS, BoundaryView, thumbnail_plan
from bpdesk.gui.tools.boundary import view as view_module


@pytest.fixture
def view(qtbot) -> BoundaryView:
    widget = BoundaryView()
    qtbot.addWidget(widget)
    widget.resize(900, 650)
    return widget


@pytest.fixture(scope="module")
def spirals():
    st = open_source("spirals")
    st.run(epochs=5)
    return st


def _rollback_button(view: BoundaryView) -> QPushButton:
    return view.findChild(QPushButton, "boundary_rollback")


def test_spirals_points_thumbnails_and_batch(view, spirals):
    snap = make_snapshot(spirals, seq=1, decision_map=True)
    view.show_snapshot(snap)
    assert snap.inputs is not None and snap.test_inputs is not None
    assert view.point_counts() == (len(snap.inputs), len(snap.test_inputs))
    assert view.point_counts() == (320, 80)  # the preset's 20 % test split
    hidden = [snap.spec.sizes[level] for level in range(1, snap.spec.n_layers)]
    assert view.thumbnail_count() == sum(hidden) == 32
    assert view.thumbnail_names()[0] == snap.spec.neuron_names(1)[0]
    assert view.thumbnail_names()[-1] == snap.spec.neuron_names(2)[-1]
    assert view.highlighted_count() == len(snap.trace.batch) > 0
    assert len(snap.trace.batch) < len(snap.inputs)


def test_counters_use_the_lectures_words(view, spirals):
    snap = make_snapshot(spirals, seq=1, decision_map=True)
    view.show_snapshot(snap)
    text = view.counters_text()
    assert f"of {snap.iterations_per_epoch} in this epoch" in text
    assert f"batch of {len(snap.trace.batch)} samples" in text
    assert f"epoch {snap.epoch}" in text
    assert f"{snap.iteration} iterations" in text


def test_counters_follow_a_step_in_progress(view):
    st = open_source("spirals")
    st.run(epochs=1)
    st.step_phase("forward")
    snap = make_snapshot(st, seq=1, decision_map=True)
    view.show_snapshot(snap)
    assert f"epoch {snap.epoch + 1} · iteration {snap.position + 1} of" in view.counters_text()
    assert "in progress" in view.counters_text()


def test_rollback_button(view, spirals, qtbot):
    fresh = open_source("spirals")
    view.show_snapshot(make_snapshot(fresh, seq=1, decision_map=True))
    button = _rollback_button(view)
    assert not button.isEnabled()
    snap = make_snapshot(spirals, seq=2, decision_map=True)
    assert snap.best_epoch is not None
    view.show_snapshot(snap)
    assert button.isEnabled()
    with qtbot.waitSignal(view.rollback_requested):
        button.click()
    assert "epoch" in button.toolTip()


def test_best_epoch_is_marked(view, spirals):
    snap = make_snapshot(spirals, seq=1, decision_map=True)
    view.show_snapshot(snap)
    marks = [
        item
        for plot in view.findChildren(pg.PlotWidget)
        for item in plot.getPlotItem().items
        if isinstance(item, pg.TextItem) and item.isVisible()
    ]
    assert [m.toPlainText() for m in marks] == [f"best test error: epoch {snap.best_epoch}"]
    lines = [
        item
        for plot in view.findChildren(pg.PlotWidget)
        for item in plot.getPlotItem().items
        if isinstance(item, pg.InfiniteLine) and item.isVisible()
    ]
    assert [line.value() for line in lines] == [snap.best_epoch]


def test_map_items_are_reused_and_updated(view):
    st = open_source("moons")
    view.show_snapshot(make_snapshot(st, seq=1, decision_map=True))
    images = [
        i
        for p in view.findChildren(pg.PlotWidget)
        for i in p.getPlotItem().items
        if isinstance(i, pg.ImageItem)
    ]
    assert len(images) == 1
    before = np.array(images[0].image, copy=True)
    st.run(epochs=20)
    view.show_snapshot(make_snapshot(st, seq=2, decision_map=True))
    after = [
        i
        for p in view.findChildren(pg.PlotWidget)
        for i in p.getPlotItem().items
        if isinstance(i, pg.ImageItem)
    ]
    assert after == images
    assert before.shape == images[0].image.shape
    assert not np.array_equal(before, images[0].image)


def test_hovering_a_thumbnail_enlarges_it(view, spirals):
    view.show_snapshot(make_snapshot(spirals, seq=1, decision_map=True))
    thumbs = view.findChildren(QLabel, "thumbnail")
    assert len(thumbs) == view.thumbnail_count()
    target = thumbs[20]
    point = QPointF(4, 4)
    QApplication.sendEvent(target, QEnterEvent(point, point, point))
    assert view.enlarged_neuron() == view.thumbnail_names()[20]
    QApplication.sendEvent(target, QEvent(QEvent.Type.Leave))
    assert view.enlarged_neuron() is None


def test_thinning_rule():
    assert thumbnail_plan([2]) == [[0, 1]]
    wide = thumbnail_plan([40])[0]
    assert len(wide) == MAX_PER_LAYER and wide[0] == 0 and wide[-1] == 39
    assert wide == sorted(set(wide))
    deep = thumbnail_plan([20, 20, 20, 20])
    assert sum(len(layer) for layer in deep) <= MAX_THUMBNAILS
    assert all(layer[0] == 0 and layer[-1] == 19 for layer in deep)


def test_many_hidden_neurons_are_thinned_out(view):
    st = open_source("moons")
    spec = NetworkSpec.build([2, 40, 1], "tanh")
    st = with_network(st, spec, "xavier", 1)
    view.show_snapshot(make_snapshot(st, seq=1, decision_map=True))
    assert view.thumbnail_count() == MAX_PER_LAYER
    names = view.thumbnail_names()
    assert names[0] == spec.neuron_names(1)[0] and names[-1] == spec.neuron_names(1)[-1]


def test_lecture_has_two_inputs(view):
    st = open_source("lecture")
    st.full_step()
    snap = make_snapshot(st, seq=1, decision_map=True)
    view.show_snapshot(snap)
    assert view.point_counts() == (1, 0)
    assert view.thumbnail_count() == snap.spec.sizes[1]
    assert view.highlighted_count() == 1
    assert not _rollback_button(view).isEnabled()  # no test split


def test_iris_needs_two_inputs(view):
    st = with_dataset(open_source("lecture"), "iris", test_fraction=0.2)
    snap = make_snapshot(st, seq=1, decision_map=True)
    view.show_snapshot(snap)
    assert view.point_counts() == (0, 0)
    assert view.thumbnail_count() == 0
    message = view.findChild(QLabel, "boundary_message")
    assert "two" in message.text() and f"{snap.spec.n_inputs} inputs" in message.text()
    view.show_snapshot(make_snapshot(open_source("xor"), seq=2, decision_map=True))
    assert view.point_counts()[0] > 0


def test_font_scale(view, spirals):
    view.show_snapshot(make_snapshot(spirals, seq=1, decision_map=True))
    button = _rollback_button(view)
    before = button.font().pointSizeF()
    view.set_font_scale(1.5)
    assert button.font().pointSizeF() > before
    assert view.thumbnail_count() == 32


def test_font_scale_follows_the_one_text_size_rule(view):
    view.set_font_scale(5)  # 75 % to 300 %
    assert view.font_scale() == 3.0
    assert _rollback_button(view).font().pointSizeF() == pytest.approx(36.0)
    view.set_font_scale(0.1)
    assert view.font_scale() == 0.75
    with pytest.raises(ValueError):
        view.set_font_scale(float("nan"))


def _train_curve_length(view: BoundaryView) -> int:
    curves = [
        item
        for plot in view.findChildren(pg.PlotWidget)
        for item in plot.getPlotItem().items
        if isinstance(item, pg.PlotDataItem)
    ]
    return len(curves[0].xData) if curves and curves[0].xData is not None else 0


def test_epoch_history_arrives_in_pieces_and_can_be_cut_back(view):
    st = open_source("moons")
    st.run(epochs=3)
    view.show_snapshot(make_snapshot(st, seq=1, decision_map=True))
    assert _train_curve_length(view) == 3
    st.run(epochs=2)
    view.show_snapshot(make_snapshot(st, seq=2, epoch_history_from=3, decision_map=True))
    assert _train_curve_length(view) == 5
    st.reset()
    view.show_snapshot(make_snapshot(st, seq=3, decision_map=True))
    assert _train_curve_length(view) == 0


def test_redraws_are_throttled_while_running(qtbot):
    clock = [100.0]
    view = BoundaryView(clock=lambda: clock[0])
    qtbot.addWidget(view)
    clock[0] += 10.0  # the run starts well after the view was last drawn
    st = open_source("moons")
    view.show_snapshot(make_snapshot(st, seq=1, running=True, decision_map=True))
    image = next(
        item
        for plot in view.findChildren(pg.PlotWidget)
        for item in plot.getPlotItem().items
        if isinstance(item, pg.ImageItem)
    )
    first = np.array(image.image, copy=True)
    st.run(epochs=20)
    clock[0] += view_module.RUNNING_INTERVAL / 4  # too soon after the last redraw
    view.show_snapshot(make_snapshot(st, seq=2, running=True, decision_map=True))
    assert np.array_equal(first, image.image)  # drawn a moment later, not at once
    qtbot.waitUntil(lambda: not np.array_equal(first, image.image), timeout=2000)
