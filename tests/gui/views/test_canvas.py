"""The network canvas: labels from real steps of the lecture, selection, editing, big networks."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication, QGraphicsView

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import format_value, parse_value
from bpdesk.core.stepping.snapshot import Snapshot, make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.shell.theme import FONT_SCALE_MAX, FONT_SCALE_MIN
from bpdesk.gui.views.canvas.input_grid import InputGridItem
from bpdesk.gui.views.canvas.items import LabelItem, NeuronItem
from bpdesk.gui.views.canvas.links import LinkBundle
from bpdesk.gui.views.canvas.view import NetworkCanvas


@pytest.fixture
def canvas(qtbot) -> NetworkCanvas:
    view = NetworkCanvas()
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    return view


def lecture_snapshots() -> dict[str, Snapshot]:
    """The lecture's step at each point the tests look at."""
    stepper = Stepper(get_preset("lecture").trainer())
    snaps = {"start": make_snapshot(stepper, seq=0)}
    for seq, phase in enumerate(("forward", "backward", "update"), start=1):
        stepper.step_phase(phase)
        snaps[phase] = make_snapshot(stepper, seq=seq)
    return snaps


def number_after(text: str, prefix: str) -> float:
    """The number on the line of ``text`` that starts with ``prefix``."""
    for line in text.splitlines():
        if line.startswith(prefix):
            return parse_value(line[len(prefix) :])
    raise AssertionError(f"no line starting with {prefix!r} in {text!r}")


def random_stepper(sizes: list[int], meta: dict | None = None, seed: int = 0) -> Stepper:
    spec = NetworkSpec.build(sizes, "sigmoid")
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(size=(12, sizes[0]))
    targets = rng.uniform(size=(12, sizes[-1]))
    trainer = Trainer(initialize(spec, seed=seed), inputs, targets, TrainConfig(seed=seed))
    return Stepper(trainer, meta=meta)


def view_point(canvas: NetworkCanvas, scene_point: QPointF):
    return canvas.mapFromScene(scene_point)


def visible_label_rects(canvas: NetworkCanvas) -> dict[str, object]:
    return {
        item.key: item.scene_rect()
        for item in canvas.scene().items()
        if isinstance(item, LabelItem) and item.isVisible()
    }


# ------------------------------------------------------------------ labels by phase
def test_before_any_step_shows_weights_and_inputs_but_no_deltas(canvas, lecture_reference):
    canvas.show_snapshot(lecture_snapshots()["start"])
    texts = canvas.label_texts()
    network = lecture_reference["network"]
    assert number_after(texts["neuron:i1"], "i1 = ") == network["inputs"]["i1"]
    assert texts["weight:w5"] == f"w5 = {format_value(network['weights']['w5'])}"
    assert texts["bias:b1"].startswith(f"b1 = {format_value(network['biases']['b1'])}")
    joined = "\n".join(texts.values())
    assert "δ" not in joined
    assert "net =" not in joined
    assert "∂E" not in joined


def test_forward_labels_show_the_lecture_figures(canvas, lecture_reference):
    canvas.show_snapshot(lecture_snapshots()["forward"])
    texts = canvas.label_texts()
    forward = lecture_reference["forward"]
    assert abs(number_after(texts["neuron:h1"], "net = ") - forward["net_h1"]) < 1e-8
    assert abs(number_after(texts["neuron:h1"], "out = ") - forward["out_h1"]) < 1e-8
    assert abs(number_after(texts["neuron:h2"], "out = ") - forward["out_h2"]) < 1e-8
    assert abs(number_after(texts["neuron:o1"], "out = ") - forward["out_o1"]) < 1e-8
    assert abs(number_after(texts["neuron:o1"], "E = ") - forward["E_o1"]) < 1e-8
    assert abs(number_after(texts["neuron:o2"], "E = ") - forward["E_o2"]) < 1e-8
    assert abs(number_after(texts["error:E_total"], "E_total = ") - forward["E_total"]) < 1e-8
    targets = lecture_reference["network"]["targets"]
    assert number_after(texts["neuron:o1"], "target = ") == targets["o1"]
    assert "δ" not in "\n".join(texts.values())


def test_backward_labels_show_gradients_and_deltas(canvas, lecture_reference):
    canvas.show_snapshot(lecture_snapshots()["backward"])
    texts = canvas.label_texts()
    out_grad = lecture_reference["backward_output_layer"]["dE_total/dw5"]
    hidden_grad = lecture_reference["backward_hidden_layer"]["dE_total/dw1"]
    assert abs(number_after(texts["weight:w5"], "∂E/∂w5 = ") - out_grad) < 1e-8
    assert abs(number_after(texts["weight:w1"], "∂E/∂w1 = ") - hidden_grad) < 1e-8
    delta_o1 = lecture_reference["backward_hidden_layer"]["dE_o1/dnet_o1"]
    assert abs(number_after(texts["neuron:o1"], "δ = ") - delta_o1) < 1e-8
    assert "δ = " in texts["neuron:h1"]
    assert "→" not in texts["weight:w5"]


def test_update_labels_show_old_and_new_weight(canvas, lecture_reference):
    canvas.show_snapshot(lecture_snapshots()["update"])
    texts = canvas.label_texts()
    before = lecture_reference["network"]["weights"]
    after = lecture_reference["updated_weights_after_one_step"]
    first_line = texts["weight:w5"].splitlines()[0]
    assert first_line == f"w5: {format_value(before['w5'])} → {format_value(after['w5'])}"
    assert first_line == "w5: 0.4 → 0.35891648"  # the lecture's own line
    for name in after:
        old, new = texts[f"weight:{name}"].splitlines()[0].split(": ", 1)[1].split(" → ")
        assert parse_value(old) == before[name]
        assert abs(parse_value(new) - after[name]) < 1e-8
    # The lecture's biases are not trained: they say so and keep their value.
    b2 = lecture_reference["network"]["biases"]["b2"]
    assert texts["bias:b2"] == f"b2 = {format_value(b2)} (fixed)"


def test_lecture_labels_never_overlap(canvas):
    for scale in (1.0, 2.5):
        canvas.set_font_scale(scale)
        for name, snap in lecture_snapshots().items():
            canvas.show_snapshot(snap)
            rects = visible_label_rects(canvas)
            assert len(rects) >= 10
            for (a, ra), (b, rb) in itertools.combinations(rects.items(), 2):
                assert not ra.intersects(rb), f"{a} overlaps {b} at {name}, scale {scale}"


def test_font_scale_follows_the_one_text_size_rule(canvas):
    canvas.show_snapshot(lecture_snapshots()["start"])
    canvas.set_font_scale(10.0)
    assert canvas.font_scale() == FONT_SCALE_MAX == 3.0
    canvas.set_font_scale(0.1)
    assert canvas.font_scale() == FONT_SCALE_MIN
    with pytest.raises(ValueError):
        canvas.set_font_scale(math.nan)
    assert canvas.font_scale() == FONT_SCALE_MIN


def test_font_scale_enlarges_label_fonts(canvas):
    canvas.show_snapshot(lecture_snapshots()["forward"])
    before = {k: v for k, v in canvas.label_texts().items()}
    size = next(i for i in canvas.scene().items() if isinstance(i, LabelItem)).font().pointSizeF()
    assert size >= 11
    canvas.set_font_scale(2.0)
    bigger = next(i for i in canvas.scene().items() if isinstance(i, LabelItem)).font()
    assert bigger.pointSizeF() == pytest.approx(2 * size)
    assert canvas.label_texts() == before


# ------------------------------------------------------------------ highlight
def test_stepping_neuron_by_neuron_rings_the_next_neuron(canvas):
    stepper = Stepper(get_preset("lecture").trainer())
    stepper.step_phase("forward")
    stepper.step_op()  # δ of o1; o2 comes next
    snap = make_snapshot(stepper, seq=1)
    canvas.show_snapshot(snap)
    ringed = [i.name for i in canvas.scene().items() if isinstance(i, NeuronItem) and i.highlighted]
    assert snap.next_op is not None
    assert ringed == [snap.spec.neuron_names(snap.next_op.layer + 1)[snap.next_op.neuron]]
    assert ringed == ["o2"]
    # The links into o2 (w7, w8) carry the accent band, the others do not.
    weights = next(
        i
        for i in canvas.scene().items()
        if isinstance(i, LinkBundle) and i.kind == "weight" and i.layer == 1
    )
    marked = {weights.names[k] for k in np.flatnonzero(weights.highlight)}
    assert marked == {"w7", "w8"}
    # What was just computed (o1's δ and gradients) is tinted; o2's is not there yet.
    tinted = {i.key for i in canvas.scene().items() if isinstance(i, LabelItem) and i.tinted}
    assert "neuron:o1" in tinted and "weight:w5" in tinted
    assert "neuron:o2" not in tinted
    stepper.step_phase("backward")
    canvas.show_snapshot(make_snapshot(stepper, seq=2))
    ringed = [i for i in canvas.scene().items() if isinstance(i, NeuronItem) and i.highlighted]
    assert ringed == []  # the update is next: a whole layer's links, no neuron


# ------------------------------------------------------------------ selection
def test_clicking_a_link_label_a_link_and_a_neuron_selects_them(canvas, qtbot):
    canvas.show_snapshot(lecture_snapshots()["forward"])
    label_pos = view_point(canvas, canvas.element_pos("weight", "w5"))
    with qtbot.waitSignal(canvas.selection_changed, timeout=1000) as blocker:
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=label_pos)
    assert blocker.args == ["weight", "w5"]
    # On the line itself, near o1, away from its label.
    h2, o2 = canvas.element_pos("neuron", "h2"), canvas.element_pos("neuron", "o2")
    on_line = view_point(canvas, h2 + (o2 - h2) * 0.82)
    with qtbot.waitSignal(canvas.selection_changed, timeout=1000) as blocker:
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=on_line)
    assert blocker.args == ["weight", "w8"]
    neuron = view_point(canvas, canvas.element_pos("neuron", "h1"))
    with qtbot.waitSignal(canvas.selection_changed, timeout=1000) as blocker:
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=neuron)
    assert blocker.args == ["neuron", "h1"]
    assert canvas.selection() == ("neuron", "h1")
    marked = [i.name for i in canvas.scene().items() if isinstance(i, NeuronItem) and i.selected]
    assert marked == ["h1"]


def test_clicking_empty_background_selects_nothing(canvas, qtbot):
    canvas.show_snapshot(lecture_snapshots()["start"])
    corner = canvas.viewport().rect().topLeft() + canvas.viewport().rect().center() * 0.05
    with qtbot.assertNotEmitted(canvas.selection_changed):
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=corner)
    assert canvas.selection() is None


def test_programmatic_select_emits_and_unknown_names_are_ignored(canvas, qtbot):
    canvas.show_snapshot(lecture_snapshots()["start"])
    with qtbot.waitSignal(canvas.selection_changed, timeout=1000) as blocker:
        canvas.select("bias", "b2")
    assert blocker.args == ["bias", "b2"]
    with qtbot.assertNotEmitted(canvas.selection_changed):
        canvas.select("weight", "w99")
    assert canvas.selection() == ("bias", "b2")


# ------------------------------------------------------------------ editing
def open_editor(canvas: NetworkCanvas, qtbot, name: str = "w5"):
    pos = view_point(canvas, canvas.element_pos("weight", name))
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    editor = canvas.editor()
    assert editor is not None and editor.isVisible()
    return editor


def test_double_click_edits_a_weight(canvas, qtbot):
    canvas.show_snapshot(lecture_snapshots()["start"])
    editor = open_editor(canvas, qtbot)
    assert parse_value(editor.text()) == 0.4  # starts from the current value
    editor.clear()
    qtbot.keyClicks(editor, "-0,25")  # a decimal comma is read as a point
    with qtbot.waitSignal(canvas.value_edit_requested, timeout=1000) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == ["w5", -0.25]
    assert canvas.editor() is None
    assert canvas.label_texts()["weight:w5"] == "w5 = 0.4"  # only the next snapshot changes it


@pytest.mark.parametrize(("typed", "words"), [("abc", "not a number"), ("nan", "finite")])
def test_editor_refuses_what_is_not_a_finite_number(canvas, qtbot, typed, words):
    canvas.show_snapshot(lecture_snapshots()["start"])
    editor = open_editor(canvas, qtbot)
    editor.clear()
    qtbot.keyClicks(editor, typed)
    with qtbot.assertNotEmitted(canvas.value_edit_requested):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert words in canvas.editor_message()
    assert canvas.editor() is editor and editor.isVisible()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert canvas.editor() is None
    assert canvas.editor_message() == ""


def test_double_click_on_a_shared_bias_edits_it(canvas, qtbot):
    canvas.show_snapshot(lecture_snapshots()["start"])
    pos = view_point(canvas, canvas.element_pos("bias", "b1"))
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    editor = canvas.editor()
    assert editor is not None
    editor.setText("0.5")
    with qtbot.waitSignal(canvas.value_edit_requested, timeout=1000) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Enter)
    assert blocker.args == ["b1", 0.5]


# ------------------------------------------------------------------ rebuilding and view
def test_scene_is_rebuilt_only_when_the_network_changes(canvas):
    snaps = lecture_snapshots()
    canvas.show_snapshot(snaps["start"])
    count, items = canvas.rebuild_count, len(canvas.scene().items())
    for snap in snaps.values():
        canvas.show_snapshot(snap)
    assert canvas.rebuild_count == count
    assert len(canvas.scene().items()) == items
    canvas.show_snapshot(make_snapshot(Stepper(get_preset("xor").trainer()), seq=9))
    assert canvas.rebuild_count == count + 1
    assert "weight:w5" in canvas.label_texts() and "weight:w7" not in canvas.label_texts()


def test_during_a_run_the_last_snapshot_is_always_drawn(canvas, qtbot):
    snaps = lecture_snapshots()
    canvas.show_snapshot(snaps["start"])
    for name in ("forward", "backward", "update"):
        canvas.show_snapshot(dataclasses.replace(snaps[name], running=True))
    last = "w5: 0.4 → 0.35891648"
    qtbot.waitUntil(lambda: canvas.label_texts()["weight:w5"].startswith(last), timeout=3000)
    tinted = [i for i in canvas.scene().items() if isinstance(i, LabelItem) and i.tinted]
    assert tinted == []  # nothing is "just computed" during a run
    # A new network is drawn at once, run or not.
    xor = make_snapshot(Stepper(get_preset("xor").trainer()), seq=9)
    canvas.show_snapshot(dataclasses.replace(xor, running=True))
    assert "weight:w7" not in canvas.label_texts()
    assert canvas.label_texts()["bias:b_o1"].startswith("b_o1 = ")


def test_the_package_exports_the_canvas():
    import bpdesk.gui.views.canvas as package

    assert package.NetworkCanvas is NetworkCanvas


def test_zoom_and_fit(canvas):
    canvas.show_snapshot(lecture_snapshots()["start"])
    fitted = canvas.transform().m11()
    canvas.zoom_in()
    assert canvas.transform().m11() == pytest.approx(fitted * 1.25)
    canvas.zoom_out()
    canvas.zoom_out()
    assert canvas.transform().m11() < fitted
    canvas.fit_to_window()
    assert canvas.transform().m11() == pytest.approx(fitted)
    visible = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert visible.contains(canvas.scene().itemsBoundingRect().center())


def test_ctrl_wheel_zooms_and_dragging_the_background_pans(canvas, qtbot):
    canvas.show_snapshot(lecture_snapshots()["start"])
    assert canvas.renderHints() & QPainter.RenderHint.Antialiasing
    assert canvas.dragMode() == QGraphicsView.DragMode.ScrollHandDrag
    fitted = canvas.transform().m11()
    centre = QPointF(canvas.viewport().rect().center())
    wheel = QWheelEvent(
        centre,
        canvas.viewport().mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas.viewport(), wheel)
    assert canvas.transform().m11() == pytest.approx(fitted * 1.2**2)
    # Zoomed in, a drag on empty background moves the view and selects nothing.
    bar = canvas.horizontalScrollBar()
    for _ in range(6):  # zoomed in until the drawing is wider than the view
        if bar.maximum() > bar.minimum():
            break
        QApplication.sendEvent(canvas.viewport(), wheel)
    before = bar.value()
    i1, i2 = canvas.element_pos("neuron", "i1"), canvas.element_pos("neuron", "i2")
    start = canvas.mapFromScene((i1 + i2) / 2 - QPointF((i2.y() - i1.y()) / 4, 0))
    assert bar.maximum() > bar.minimum()  # there is somewhere to pan to
    # Drag towards the side with room (dragging right shows more of the left).
    step = 60 if before > bar.minimum() else -60
    with qtbot.assertNotEmitted(canvas.selection_changed):
        qtbot.mousePress(canvas.viewport(), Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(canvas.viewport(), pos=start + QPoint(step, 0))
        qtbot.mouseMove(canvas.viewport(), pos=start + QPoint(2 * step, 0))
        qtbot.mouseRelease(
            canvas.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(2 * step, 0)
        )
    assert (bar.value() < before) if step > 0 else (bar.value() > before)


def test_link_width_follows_the_size_of_the_weight(canvas):
    canvas.show_snapshot(lecture_snapshots()["start"])
    bundles = [i for i in canvas.scene().items() if isinstance(i, LinkBundle)]
    width = {b.names[k]: b.widths[k] for b in bundles for k in range(len(b))}
    assert width["w1"] < width["w4"] < width["w8"]  # 0.15 < 0.3 < 0.55
    assert width["w8"] == max(width.values()) or width["b2"] >= width["w8"]


def test_per_neuron_biases_get_their_own_links_and_labels(canvas):
    stepper = Stepper(get_preset("xor").trainer())
    canvas.show_snapshot(make_snapshot(stepper, seq=1))
    texts = canvas.label_texts()
    values = stepper.network.values()
    for name in ("b_h1", "b_h2", "b_o1"):
        assert number_after(texts[f"bias:{name}"], f"{name} = ") == pytest.approx(
            values[name], abs=1e-9
        )
    negative = [name for name, value in values.items() if value < 0]
    assert negative  # the preset has negative weights: they are drawn dashed
    bundles = [i for i in canvas.scene().items() if isinstance(i, LinkBundle)]
    signs = {(b.names[k], bool(b.values[k] < 0)) for b in bundles for k in range(len(b))}
    assert {name for name, neg in signs if neg} == set(negative)


# ------------------------------------------------------------------ big networks
def test_six_hidden_layers_of_32_render_with_thinned_labels(canvas, qtbot):
    stepper = random_stepper([2] + [32] * 6 + [1])
    stepper.full_step()
    stepper.step_phase("forward")
    snap = make_snapshot(stepper, seq=1)
    canvas.show_snapshot(snap)
    spec = snap.spec
    elements = sum(spec.sizes) + len(spec.parameter_names)
    texts = canvas.label_texts()
    assert 0 < len(texts) < elements / 20
    assert "neuron:h3.5" not in texts and "weight:w100" not in texts
    # Values shown come from the same names as the lecture's.
    named = snap.trace.named_values()
    assert number_after(texts["neuron:o1"], "out = ") == pytest.approx(named["out_o1"], abs=1e-9)
    assert number_after(texts["neuron:i2"], "i2 = ") == pytest.approx(named["i2"], abs=1e-9)
    # The selected element always keeps its label.
    canvas.select("neuron", "h3.5")
    assert number_after(canvas.label_texts()["neuron:h3.5"], "out = ") == pytest.approx(
        named["out_h3.5"], abs=1e-9
    )
    canvas.select("weight", "w100")
    texts = canvas.label_texts()
    assert "neuron:h3.5" not in texts
    assert number_after(texts["weight:w100"], "w100 = ") == pytest.approx(
        snap.values["w100"], abs=1e-9
    )
    image = canvas.grab()
    assert not image.isNull() and image.width() > 0


def test_digit_inputs_are_drawn_as_their_image(canvas):
    stepper = random_stepper([64, 16, 10], meta={"input_shape": (8, 8)})
    snap = make_snapshot(stepper, seq=1)
    assert snap.input_shape == (8, 8)
    canvas.show_snapshot(snap)
    grids = [i for i in canvas.scene().items() if isinstance(i, InputGridItem)]
    picture = next(g for g in grids if (g.rows, g.cols) == (8, 8))
    named = snap.trace.named_values()
    expected = [named[f"i{k + 1}"] for k in range(64)]
    np.testing.assert_allclose(picture.values, expected)
    assert not any(i.name.startswith("i") for i in canvas.scene().items()
                   if isinstance(i, NeuronItem))  # fmt: skip
    strip = next(g for g in grids if (g.rows, g.cols) == (64, 1))
    np.testing.assert_allclose(strip.values, expected)


def test_clicking_a_pixel_selects_its_input(canvas, qtbot):
    stepper = random_stepper([64, 16, 10], meta={"input_shape": (8, 8)})
    canvas.show_snapshot(make_snapshot(stepper, seq=1))
    picture = next(
        i for i in canvas.scene().items() if isinstance(i, InputGridItem) and i.cols == 8
    )
    point = canvas.mapFromScene(picture.mapToScene(picture.cell_center(19)))
    with qtbot.waitSignal(canvas.selection_changed, timeout=1000) as blocker:
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == ["neuron", "i20"]
    assert picture.marked == 19
    value = stepper.trace().named_values()["i20"]
    assert canvas.label_texts()["neuron:i20"] == f"i20 = {format_value(value)}"


def test_large_networks_read_the_same_numbers_as_named_values(canvas):
    stepper = random_stepper([3, 20, 20, 2])  # above the size where names are looked up lazily
    stepper.step_phase("forward")
    stepper.step_phase("backward")
    stepper.step_phase("update")
    snap = make_snapshot(stepper, seq=1)
    canvas.show_snapshot(snap)
    named = snap.trace.named_values()
    for neuron in ("h1.3", "h2.7"):
        canvas.select("neuron", neuron)
        text = canvas.label_texts()[f"neuron:{neuron}"]
        assert number_after(text, "out = ") == pytest.approx(named[f"out_{neuron}"], abs=1e-9)
        assert number_after(text, "δ = ") == pytest.approx(
            named[f"dE_total/dnet_{neuron}"], abs=1e-9
        )
    canvas.select("weight", "w30")
    line, grad = canvas.label_texts()["weight:w30"].splitlines()
    old, new = line.split(": ", 1)[1].split(" → ")
    assert parse_value(old) == pytest.approx(named["w30"], abs=1e-9)
    assert parse_value(new) == pytest.approx(named["w30+"], abs=1e-9)
    assert parse_value(grad.split(" = ")[1]) == pytest.approx(named["dE_total/dw30"], abs=1e-9)
    canvas.select("bias", "b_o2")
    line = canvas.label_texts()["bias:b_o2"].splitlines()[0]
    assert parse_value(line.split(" → ")[1]) == pytest.approx(named["b_o2+"], abs=1e-9)
    assert math.isfinite(named["E_total"])
    assert number_after(canvas.label_texts()["error:E_total"], "E_total = ") == pytest.approx(
        named["E_total"], abs=1e-9
    )


def test_quiz_mode_hides_what_the_last_press_computed_until_revealed(qtbot):
    from bpdesk.core.files.presets import get_preset
    from bpdesk.core.stepping.snapshot import make_snapshot
    from bpdesk.core.stepping.stepper import Stepper
    from bpdesk.gui.views.canvas.view import NetworkCanvas

    canvas = NetworkCanvas()
    qtbot.addWidget(canvas)
    stepper = Stepper(get_preset("lecture").trainer())
    canvas.set_quiz_mode(True)
    stepper.step_phase("forward")
    canvas.show_snapshot(make_snapshot(stepper, seq=1))
    texts = canvas.label_texts()
    assert "out = ?" in texts["neuron:h1"] and "0.593269992" not in texts["neuron:h1"]
    canvas.reveal("out_h1")
    assert "out = 0.593269992" in canvas.label_texts()["neuron:h1"]
    assert "out = ?" in canvas.label_texts()["neuron:o1"]
    stepper.step_phase("backward")
    stepper.step_phase("update")
    canvas.show_snapshot(make_snapshot(stepper, seq=2))
    assert "w8: 0.55 → ?" in canvas.label_texts()["weight:w8"]
    canvas.reveal("w8+")
    assert "w8: 0.55 → 0.561370121" in canvas.label_texts()["weight:w8"]
    canvas.set_quiz_mode(False)
    assert "→ 0.35891648" in canvas.label_texts()["weight:w5"]
