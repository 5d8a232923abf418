"""The practice panel judges answers, names the button still to press and reveals term by term."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton

from bpdesk.core.files.documents import open_source
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot, make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.shell.theme import FONT_SCALE_MAX, FONT_SCALE_MIN
from bpdesk.gui.tools.practice import PracticePanel, quantities


def _lecture(*phases: str) -> tuple[Stepper, Snapshot]:
    st = open_source("lecture")
    for phase in phases:
        st.step_phase(phase)
    return st, make_snapshot(st, seq=len(phases) + 1)


@pytest.fixture
def panel(qtbot) -> PracticePanel:
    widget = PracticePanel()
    qtbot.addWidget(widget)
    widget.resize(900, 650)
    return widget


@pytest.fixture
def stepped(panel) -> PracticePanel:
    """The panel after the lecture's forward pass, backward pass and update."""
    panel.show_snapshot(_lecture("forward", "backward", "update")[1])
    return panel


def test_w8_home_task_is_preselected(stepped):
    assert stepped.chosen() == "w8+"
    combo = stepped.findChild(QComboBox, "practice_quantity")
    assert "w8+" in combo.currentText() and "home task" in combo.currentText()


def test_right_answer_for_w8(stepped, lecture_reference, qtbot):
    w8 = format_value(lecture_reference["updated_weights_after_one_step"]["w8"])
    with qtbot.waitSignal(stepped.revealed) as blocker:
        verdict = stepped.answer(w8)
    assert verdict.correct
    assert blocker.args == ["w8+"]
    assert "Right" in stepped.feedback_text()
    assert w8 in stepped.feedback_text()


def test_wrong_answer_for_w8(stepped, qtbot):
    with qtbot.assertNotEmitted(stepped.revealed):
        verdict = stepped.answer("0.7")
    assert not verdict.correct
    text = stepped.feedback_text()
    assert "Wrong" in text and "0.7" in text and "Right" not in text


def test_close_answer_says_close(stepped, lecture_reference):
    exact = lecture_reference["updated_weights_after_one_step"]["w8"]
    verdict = stepped.answer(format_value(exact + 3e-5))
    assert not verdict.correct
    assert "Close" in stepped.feedback_text()


def test_enter_in_the_answer_field_checks(stepped, lecture_reference, qtbot):
    field = stepped.findChild(QLineEdit, "practice_answer")
    qtbot.keyClicks(field, format_value(lecture_reference["updated_weights_after_one_step"]["w8"]))
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "Right" in stepped.feedback_text()


def test_value_not_computed_yet_names_the_button(panel, qtbot):
    panel.show_snapshot(_lecture("forward", "backward")[1])
    with qtbot.assertNotEmitted(panel.revealed):
        verdict = panel.answer("0.5")
    assert not verdict.correct
    assert "Press Update first" in verdict.message
    assert "computed in the update" in panel.feedback_text()
    panel.show_snapshot(_lecture("forward")[1])
    assert "Press Backward, then Update first" in panel.answer("0.5").message
    panel.choose("dE_total/dw5")
    assert "Press Backward first" in panel.answer("0.5").message


def test_other_quantities_are_judged(panel, lecture_reference):
    panel.show_snapshot(_lecture("forward", "backward")[1])
    panel.choose("dE_total/dw5")
    grad = lecture_reference["backward_output_layer"]["dE_total/dw5"]
    assert panel.answer(format_value(grad)).correct
    panel.choose("out_h1")
    assert panel.answer(format_value(lecture_reference["forward"]["out_h1"])).correct
    panel.choose("dE_total/dnet_o1")
    delta = lecture_reference["backward_hidden_layer"]["dE_o1/dnet_o1"]
    assert panel.answer(format_value(delta)).correct
    with pytest.raises(ValueError):
        panel.choose("w99+")


def test_reveal_w8_term_by_term(stepped, lecture_reference, qtbot):
    refs = [
        format_value(lecture_reference["forward"]["out_o2"]),
        format_value(lecture_reference["forward"]["out_h2"]),
        format_value(lecture_reference["updated_weights_after_one_step"]["w8"]),
    ]
    assert stepped.derivation_text() == ""
    shown: list[str] = []
    with qtbot.waitSignal(stepped.revealed) as blocker:
        for _ in range(100):
            text = stepped.reveal_next_term()
            if shown and text == shown[-1]:
                break
            shown.append(text)
    assert blocker.args == ["w8+"]
    assert len(shown) > 5
    assert "∂E_total/∂w8" in shown[0]
    assert refs[-1] not in shown[0]  # the answer comes last
    lengths = [len(t.splitlines()) for t in shown]
    assert lengths == sorted(lengths)
    for ref in refs:
        assert ref in shown[-1]
        first = next(k for k, t in enumerate(shown) if ref in t)
        assert all(ref in t for t in shown[first:])
    assert "= ?" in shown[0] and "= ?" not in shown[-1]
    buttons = {b.text(): b for b in stepped.findChildren(QPushButton)}
    assert not buttons["Show next term"].isEnabled()


def test_reveal_stops_at_the_chosen_neuron_value(panel, lecture_reference):
    panel.show_snapshot(_lecture("forward")[1])
    panel.choose("out_h1")
    text = panel.reveal_all()
    assert format_value(lecture_reference["forward"]["out_h1"]) in text
    assert format_value(lecture_reference["forward"]["net_h1"]) in text
    assert "δ_h1" not in text  # the backward pass is not part of out_h1


def test_new_step_clears_the_verdict(panel, lecture_reference):
    st, snap = _lecture("forward", "backward", "update")
    panel.show_snapshot(snap)
    panel.answer(format_value(lecture_reference["updated_weights_after_one_step"]["w8"]))
    panel.reveal_next_term()
    assert panel.feedback_text()
    st.step_phase("forward")
    panel.show_snapshot(make_snapshot(st, seq=9))
    assert panel.feedback_text() == ""
    assert panel.derivation_text() == ""


def test_quiz_mode_emits(panel, qtbot):
    box = panel.findChild(QCheckBox)
    with qtbot.waitSignal(panel.quiz_mode_changed) as blocker:
        box.click()
    assert blocker.args == [True] and panel.quiz_mode()
    with qtbot.waitSignal(panel.quiz_mode_changed) as blocker:
        panel.set_quiz_mode(False)
    assert blocker.args == [False] and not panel.quiz_mode()


def test_chooser_groups_by_phase_and_searches(stepped):
    combo = stepped.findChild(QComboBox, "practice_quantity")
    model = combo.model()
    headers = [
        model.index(r, 0).data()
        for r in range(model.rowCount())
        if not model.flags(model.index(r, 0)) & Qt.ItemFlag.ItemIsEnabled
    ]
    assert [h.split()[0] for h in headers] == ["Forward", "Backward", "Update"]
    combo.lineEdit().setText("w5+")
    combo.lineEdit().editingFinished.emit()
    assert stepped.chosen() == "w5+"
    combo.lineEdit().setText("out_o2")
    combo.lineEdit().editingFinished.emit()
    assert stepped.chosen() == "out_o2"


def test_quantities_cover_every_kind():
    spec = open_source("lecture").trainer.network.spec
    names = [q.name for q in quantities(spec, biases=False, lecture=True)]
    for name in ("net_h1", "out_o2", "E_o1", "E_total", "dE_total/dnet_h2", "dE_total/dw1", "w8+"):
        assert name in names
    assert not any(n.startswith("b") for n in names)
    with_biases = [q.name for q in quantities(spec, biases=True, lecture=False)]
    assert "b1+" in with_biases and "dE_total/db2" in with_biases
    assert [q.home_task for q in quantities(spec, biases=False, lecture=True)].count(True) == 1


def test_font_scale_grows_the_answer(stepped):
    field = stepped.findChild(QLineEdit, "practice_answer")
    before = field.font().pointSizeF()
    stepped.set_font_scale(2.0)
    assert field.font().pointSizeF() > before


def test_font_scale_follows_the_one_text_size_rule(stepped):
    stepped.set_font_scale(100.0)
    assert stepped.font_scale() == FONT_SCALE_MAX
    stepped.set_font_scale(0.1)
    assert stepped.font_scale() == FONT_SCALE_MIN
    with pytest.raises(ValueError):
        stepped.set_font_scale(float("nan"))


def test_redraws_are_throttled_while_running(panel, lecture_reference, qtbot):
    st, snap = _lecture("forward", "backward", "update")
    panel.show_snapshot(snap)
    panel.answer(format_value(lecture_reference["updated_weights_after_one_step"]["w8"]))
    st.step_phase("forward")
    panel.show_snapshot(replace(make_snapshot(st, seq=5), running=True))
    assert "Right" in panel.feedback_text()  # the new step is drawn a moment later
    qtbot.waitUntil(lambda: panel.feedback_text() == "", timeout=2000)


def test_each_press_reveals_one_number_more(stepped, lecture_reference):
    """A product's factors come one press at a time: never two new numbers at once."""
    stepped.choose("w8+")
    pattern = re.compile(r"−?\d+\.\d+")
    counts, text = [], ""
    for _ in range(80):
        previous, text = text, stepped.reveal_next_term()
        if text == previous:
            break  # all shown
        counts.append(len(set(pattern.findall(text))))  # the different numbers shown
    steps = [b - a for a, b in itertools.pairwise(counts)]
    assert max(steps) <= 1 and sum(steps) >= 5
    final = format_value(lecture_reference["updated_weights_after_one_step"]["w8"])
    assert final in text and "?" not in text
