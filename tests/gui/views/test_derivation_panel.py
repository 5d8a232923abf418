"""The derivation panel: shows the selected element's chain rule for each snapshot."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QTextBrowser

from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import MISSING, format_value
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.gui.shell.theme import FONT_SCALE_MAX, FONT_SCALE_MIN, palette
from bpdesk.gui.views.derivation_panel import EMPTY_TEXT, DerivationPanel


class _Selector(QObject):
    selection_changed = Signal(str, str)


def _snapshot(*phases: str, seq: int = 1, running: bool = False):
    stepper = Stepper(get_preset("lecture").trainer())
    for phase in phases:
        stepper.step_phase(phase)
    return make_snapshot(stepper, seq=seq, running=running)


def _panel(qtbot) -> DerivationPanel:
    panel = DerivationPanel()
    qtbot.addWidget(panel)
    panel.resize(500, 600)
    return panel


def test_empty_panel_asks_for_a_selection(qtbot):
    panel = _panel(qtbot)
    assert panel.plain_text() == EMPTY_TEXT
    assert panel.selection() is None


def test_default_selection_is_w5(qtbot, lecture_reference):
    panel = _panel(qtbot)
    panel.show_snapshot(_snapshot("forward", "backward"))
    assert panel.selection() == ("weight", "w5")
    text = panel.plain_text()
    assert text.startswith("Weight w5")
    assert format_value(lecture_reference["backward_output_layer"]["dE_total/dw5"]) in text
    header = panel.findChild(QLabel, "derivation_header")
    assert "w<sub>5</sub>" in header.text()


def test_selection_and_snapshots_update_the_text(qtbot, lecture_reference):
    panel = _panel(qtbot)
    selector = _Selector()
    selector.selection_changed.connect(panel.set_selection)
    panel.show_snapshot(_snapshot("forward"))
    selector.selection_changed.emit("weight", "w1")
    assert panel.selection() == ("weight", "w1")
    assert "∂E_total/∂w1" in panel.plain_text()
    assert MISSING in panel.plain_text()
    panel.show_snapshot(_snapshot("forward", "backward", "update", seq=2))
    text = panel.plain_text()
    assert MISSING not in text
    w1_new = lecture_reference["updated_weights_after_one_step"]["w1"]
    assert format_value(w1_new) in text
    selector.selection_changed.emit("neuron", "h1")
    assert panel.plain_text().startswith("Hidden neuron h1")
    assert format_value(lecture_reference["forward"]["net_h1"]) in panel.plain_text()
    body = panel.findChild(QTextBrowser, "derivation_body")
    assert "0.3775" in body.toPlainText()


def test_unknown_selection_falls_back_to_the_default(qtbot):
    panel = _panel(qtbot)
    panel.show_snapshot(_snapshot("forward"))
    panel.set_selection("weight", "w42")
    assert panel.selection() == ("weight", "w5")
    assert panel.plain_text().startswith("Weight w5")


def test_font_scale_changes_the_font(qtbot):
    panel = _panel(qtbot)
    panel.show_snapshot(_snapshot("forward"))
    body = panel.findChild(QTextBrowser, "derivation_body")
    header = panel.findChild(QLabel, "derivation_header")
    before = body.document().defaultFont().pointSizeF()
    header_before = header.font().pointSizeF()
    assert before >= 12
    panel.set_font_scale(1.5)
    assert panel.font_scale() == 1.5
    assert body.document().defaultFont().pointSizeF() > before
    assert header.font().pointSizeF() > header_before
    panel.set_font_scale(100.0)
    assert panel.font_scale() == FONT_SCALE_MAX  # the one text-size rule
    panel.set_font_scale(0.1)
    assert panel.font_scale() == FONT_SCALE_MIN


def test_running_snapshots_are_drawn_a_few_times_a_second(qtbot):
    panel = _panel(qtbot)
    panel.show_snapshot(_snapshot(seq=1, running=True))  # the first one is drawn at once
    assert MISSING in panel.plain_text()
    panel.show_snapshot(_snapshot("forward", "backward", "update", seq=2, running=True))
    qtbot.waitUntil(lambda: MISSING not in panel.plain_text(), timeout=2000)


def test_dark_palette_uses_light_text(qtbot):
    panel = _panel(qtbot)
    panel.show()
    panel.setPalette(palette("dark"))
    panel.show_snapshot(_snapshot("forward"))
    body = panel.findChild(QTextBrowser, "derivation_body")
    assert "#9cc3ff" in body.toHtml().lower()
    panel.setPalette(palette("light"))  # a theme change redraws without a new snapshot
    assert "#9cc3ff" not in body.toHtml().lower()


def test_fractions_are_stacked_where_they_fit(qtbot):
    panel = _panel(qtbot)
    panel.set_font_scale(2.5)
    panel.resize(320, 600)
    panel.show()
    panel.show_snapshot(_snapshot("forward", "backward"))
    qtbot.waitUntil(lambda: not panel.fractions_stacked(), timeout=2000)
    narrow = panel.plain_text()
    panel.resize(1400, 600)
    qtbot.waitUntil(panel.fractions_stacked, timeout=2000)
    assert panel.plain_text() == narrow  # the same derivation, laid out differently


def test_a_hidden_panel_derives_nothing_until_shown(qtbot):
    panel = _panel(qtbot)  # never shown
    body = panel.findChild(QTextBrowser, "derivation_body")
    panel.show_snapshot(_snapshot("forward", "backward"))
    panel.set_selection("weight", "w1")
    assert panel.renders == 0 and panel.is_stale()
    assert body.toPlainText() == EMPTY_TEXT  # nothing laid out either
    panel.show()
    qtbot.waitUntil(lambda: not panel.is_stale(), timeout=2000)
    assert panel.renders == 1  # one derivation for the two requests
    assert panel.selection() == ("weight", "w1")
    assert "∂w1" in body.toPlainText()
    assert "∂E_total/∂w1" in panel.plain_text()


def test_a_hidden_panel_asked_for_its_text_works_it_out(qtbot):
    panel = _panel(qtbot)
    panel.show_snapshot(_snapshot("forward", "backward"))
    assert panel.renders == 0
    text = panel.plain_text()
    assert "∂E_total/∂w5" in text
    assert panel.renders == 1 and not panel.is_stale()


def test_the_same_text_is_not_laid_out_again(qtbot):
    panel = _panel(qtbot)
    panel.show()
    body = panel.findChild(QTextBrowser, "derivation_body")
    panel.show_snapshot(_snapshot("forward", seq=1))
    layouts: list[int] = []
    body.document().contentsChanged.connect(lambda: layouts.append(1))
    panel.show_snapshot(_snapshot("forward", seq=2))  # another snapshot, the same numbers
    assert panel.renders == 2 and layouts == []
    panel.show_snapshot(_snapshot("forward", "backward", seq=3))
    assert layouts  # new numbers are laid out
