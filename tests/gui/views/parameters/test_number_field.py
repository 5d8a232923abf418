"""The validated number field: takes good numbers, refuses others in words, keeps the old value."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from bpdesk.gui.views.parameters.number_field import NumberField, check_number


def below_ten(value: float) -> str | None:
    return None if value < 10 else f"it must be below 10, not {value:g}."


@pytest.fixture
def field(qtbot) -> NumberField:
    widget = NumberField(0.5, below_ten, what="the rate")
    qtbot.addWidget(widget)
    widget.show()
    return widget


def enter(qtbot, field: NumberField, text: str) -> None:
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, text)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.25", 0.25), ("-3", -3.0), ("1,5", 1.5), (" 2 ", 2.0), ("1e-3", 0.001)],
)
def test_check_number_reads_numbers(text, expected):
    assert check_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "", "nan", "inf", "-inf", "1..2"])
def test_check_number_says_why_not(text):
    assert isinstance(check_number(text, what="η"), str)


def test_whole_numbers_only_when_asked():
    assert check_number("3", integer=True) == 3
    assert "whole number" in str(check_number("2.5", integer=True))


def test_good_value_is_committed(qtbot, field):
    with qtbot.waitSignal(field.committed, timeout=2000) as blocker:
        enter(qtbot, field, "0.75")
    assert blocker.args == [0.75]
    assert field.value() == 0.75
    assert field.message() == ""
    assert not field.note.isVisibleTo(field)


@pytest.mark.parametrize("text", ["abc", "nan", "12"])
def test_bad_value_is_refused_and_the_old_one_comes_back(qtbot, field, text):
    with qtbot.assertNotEmitted(field.committed):
        with qtbot.waitSignal(field.refused, timeout=2000):
            enter(qtbot, field, text)
    assert field.message().startswith("Refused:")
    assert field.note.isVisibleTo(field) and "⚠" in field.note.text()
    assert field.edit.text() == "0.5"
    assert field.value() == 0.5


def test_set_value_is_silent_and_spares_typing(qtbot, field):
    with qtbot.assertNotEmitted(field.committed):
        field.set_value(0.125)
    assert field.edit.text() == "0.125"
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "7")
    field.set_value(0.3)
    assert field.edit.text() == "7"
    assert field.value() == 0.3


def test_pressing_enter_on_the_shown_text_sends_nothing(qtbot, field):
    field.set_value(1 / 3)  # shown rounded: taking the text back would change it
    with qtbot.assertNotEmitted(field.committed):
        field.edit.setModified(True)
        qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.value() == 1 / 3


def test_a_field_for_a_core_setting_lets_the_core_judge_every_number(qtbot):
    from bpdesk.core.engine.config import EPOCHS

    field = NumberField.for_setting(EPOCHS, 10)
    qtbot.addWidget(field)
    field.show()
    for text in ("2.5", "inf", "0"):
        with qtbot.assertNotEmitted(field.committed):
            enter(qtbot, field, text)
        assert field.message() == f"Refused: {EPOCHS.check(float(text))}"
        assert field.edit.text() == "10"
    with qtbot.waitSignal(field.committed, timeout=2000) as blocker:
        enter(qtbot, field, "12")
    assert blocker.args == [12.0] and field.edit.text() == "12"
    enter(qtbot, field, "many")
    assert "“many” is not a number" in field.message()
