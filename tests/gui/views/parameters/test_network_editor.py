"""The network editor builds a NetworkSpec from its fields and asks for it only on Apply."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from bpdesk.core.engine.network import MAX_HIDDEN_LAYERS, NetworkSpec
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.views.parameters.network_editor import HIDDEN_ACTIVATIONS, NetworkEditor


@pytest.fixture
def editor(qtbot) -> NetworkEditor:
    widget = NetworkEditor()
    qtbot.addWidget(widget)
    widget.show_snapshot(make_snapshot(Stepper(get_preset("lecture").trainer()), seq=1))
    widget.show()
    return widget


def apply(qtbot, editor: NetworkEditor) -> tuple[NetworkSpec, str, int]:
    with qtbot.waitSignal(editor.network_requested, timeout=2000) as blocker:
        qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    spec, method, seed = blocker.args
    return spec, method, seed


def test_shows_the_lecture_network(editor):
    assert editor.hidden_sizes() == [2]
    assert editor.loss.currentData() == "half_sse"
    assert editor.loss.currentText() == "E_total = Σ ½ (target − out)²"
    assert editor.bias.currentData() is True
    assert editor.inputs_label.text().startswith("2 ")
    assert editor.outputs_label.text().startswith("2 ")


def test_apply_unchanged_rebuilds_the_same_shape(qtbot, editor):
    spec, method, seed = apply(qtbot, editor)
    assert spec == get_preset("lecture").network.spec
    assert (method, seed) == ("uniform", 0)


def test_editing_does_not_emit_until_apply(qtbot, editor):
    with qtbot.assertNotEmitted(editor.network_requested):
        qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
        editor._rows[-1].size.setValue(7)
        editor.seed.edit.selectAll()
        qtbot.keyClicks(editor.seed.edit, "11")
        qtbot.keyClick(editor.seed.edit, Qt.Key.Key_Return)
    assert editor.pending.isVisibleTo(editor)
    editor.init.setCurrentIndex(editor.init.findData("he"))
    spec, method, seed = apply(qtbot, editor)
    assert spec.sizes == (2, 2, 7, 2)
    assert (method, seed) == ("he", 11)
    assert not editor.pending.isVisibleTo(editor)


def test_layer_count_limits(qtbot, editor):
    for _ in range(MAX_HIDDEN_LAYERS + 2):
        editor.add_layer()
    assert editor.hidden_rows() == MAX_HIDDEN_LAYERS
    assert not editor.add_button.isEnabled()
    for _ in range(MAX_HIDDEN_LAYERS + 2):
        editor.remove_layer()
    assert editor.hidden_rows() == 0
    assert not editor.remove_button.isEnabled()
    spec, _, _ = apply(qtbot, editor)
    assert spec.sizes == (2, 2)


def test_choices_reach_the_spec(qtbot, editor):
    row = editor._rows[0]
    row.activation.setCurrentIndex(row.activation.findData("tanh"))
    editor.output_activation.setCurrentIndex(editor.output_activation.findData("softmax"))
    editor.loss.setCurrentIndex(editor.loss.findData("cce"))
    editor.bias.setCurrentIndex(editor.bias.findData(False))
    spec, _, _ = apply(qtbot, editor)
    assert [layer.activation for layer in spec.layers] == ["tanh", "softmax"]
    assert spec.loss == "cce" and not spec.shared_bias
    assert "b_h1" in spec.parameter_names


def test_softmax_is_offered_only_for_the_output(editor):
    hidden = [
        editor._rows[0].activation.itemData(i) for i in range(editor._rows[0].activation.count())
    ]
    assert tuple(hidden) == HIDDEN_ACTIVATIONS
    assert editor.output_activation.findData("softmax") >= 0


def test_a_spec_the_core_refuses_is_reported(qtbot, editor):
    combo = editor._rows[0].activation
    combo.addItem("softmax", "softmax")  # not offered; stands for any shape the core refuses
    combo.setCurrentIndex(combo.count() - 1)
    with qtbot.assertNotEmitted(editor.network_requested):
        qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)
    assert editor.message().startswith("Refused:")
    assert "Softmax" in editor.message()


def test_a_new_network_in_a_snapshot_replaces_unapplied_edits(editor):
    editor.add_layer()
    editor.show_snapshot(make_snapshot(Stepper(get_preset("xor").trainer()), seq=2))
    assert editor.hidden_sizes() == [2]
    assert editor.outputs_label.text().startswith("1 ")
    assert editor.bias.currentData() is False
    assert not editor.pending.isVisibleTo(editor)


def test_limits_come_from_the_core(qtbot, capsys, editor):
    from bpdesk.cli import main
    from bpdesk.core.engine.config import HIDDEN_LAYERS, NEURONS, SEED

    low, high = NEURONS.whole_range()
    size = editor._rows[0].size
    assert (size.minimum(), size.maximum()) == (low, high)
    assert f"({low} to {high})" in size.toolTip()
    while editor.add_button.isEnabled():
        editor.add_layer()
    assert editor.hidden_rows() == HIDDEN_LAYERS.whole_range()[1]
    editor.seed.edit.selectAll()
    qtbot.keyClicks(editor.seed.edit, "-5")
    qtbot.keyClick(editor.seed.edit, Qt.Key.Key_Return)
    assert editor.message() == f"Refused: {SEED.check(-5)}"
    # The command line refuses the same shapes with the same reasons.
    for hidden, reason in (
        (str(high + 1), NEURONS.check(high + 1)),
        (
            ",".join(["2"] * (editor.hidden_rows() + 1)),
            HIDDEN_LAYERS.check(editor.hidden_rows() + 1),
        ),
    ):
        code = main(
            ["train", "--data", "any.csv", "--inputs", "a", "--targets", "b", "--hidden", hidden]
        )
        assert (code, capsys.readouterr().err) == (2, f"bpdesk-cli: --hidden: {reason}\n")


def test_a_loaded_network_larger_than_the_editor_allows_is_kept(editor):
    from bpdesk.core.engine.config import NEURONS

    big = NEURONS.whole_range()[1] + 8
    editor.load_spec(NetworkSpec.build([2, big, 2], "sigmoid"))
    assert editor.hidden_sizes() == [big]
