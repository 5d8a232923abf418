"""The self-test: the real window steps the lecture's example and must show its figures."""

from __future__ import annotations

import math
import os
import re
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from bpdesk.launch import (
    create_window,
    ensure_application,
    quiet_headless_notices,
    say,
    use_headless_platform_if_needed,
    wait_until,
)

if TYPE_CHECKING:
    from bpdesk.core.stepping.snapshot import Snapshot
    from bpdesk.gui.shell.main_window import MainWindow

__all__ = ["REFERENCE", "WATCHDOG_SECONDS", "numbers_in", "run_self_test", "shows", "visible_text"]

WATCHDOG_SECONDS = 20.0
TOLERANCE = 1e-8  # the lecture prints nine decimals

# The lecture's worked example (tests/reference/lecture_example.json, a copy of the
# project's shared/reference/lecture_example.json): the figures the self-test looks for.
REFERENCE = {
    "w5": 0.4,
    "out_h1": 0.593269992,
    "out_o1": 0.75136507,
    "E_total": 0.298371109,
    "dE_total/dw5": 0.082167041,
    "dE_total/dw1": 0.000438568,
    "w5+": 0.35891648,
    "w1+": 0.149780716,
}

_NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?(?:[eE][−+-]?\d+)?")


def numbers_in(text: str) -> list[float]:
    """Every number written in ``text`` (with − or - as the minus sign)."""
    found = []
    for match in _NUMBER.finditer(text):
        try:
            found.append(float(match.group().replace("−", "-")))
        except ValueError:
            continue
    return found


def shows(text: str, value: float, tolerance: float = TOLERANCE) -> bool:
    """Whether ``text`` shows ``value`` to the lecture's precision."""
    return any(math.isclose(n, value, rel_tol=0.0, abs_tol=tolerance) for n in numbers_in(text))


def _model_text(view: QAbstractItemView) -> Iterator[str]:
    model = view.model()
    if model is None:
        return

    def walk(parent: QModelIndex) -> Iterator[str]:
        for row in range(model.rowCount(parent)):
            for column in range(model.columnCount(parent)):
                index = model.index(row, column, parent)
                value = model.data(index, Qt.ItemDataRole.DisplayRole)
                if value is not None:
                    yield str(value)
                if model.hasChildren(index):
                    yield from walk(index)

    yield from walk(QModelIndex())


def visible_text(widget: QWidget) -> str:
    """All the text a widget and its children show: labels, fields, tables, buttons."""
    parts: list[str] = []
    for child in [widget, *widget.findChildren(QWidget)]:
        if isinstance(child, QLabel):
            parts.append(child.text())
        elif isinstance(child, QLineEdit):
            parts.append(child.text())
        elif isinstance(child, QAbstractSpinBox):
            parts.append(child.text())
        elif isinstance(child, QComboBox):
            parts.append(child.currentText())
        elif isinstance(child, (QTextEdit, QPlainTextEdit)):
            parts.append(child.toPlainText())
        elif isinstance(child, QAbstractButton):
            parts.append(child.text())
        elif isinstance(child, QAbstractItemView):
            parts.extend(_model_text(child))
    return "\n".join(p for p in parts if p)


def _give_up() -> None:
    say(f"self-test failed: no result within {WATCHDOG_SECONDS:g} s", sys.stderr)
    os._exit(3)


class _Checks:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.count = 0

    def expect(self, condition: bool, what: str) -> None:
        self.count += 1
        if not condition:
            self.failures.append(what)

    def shown(self, where: str, text: str, name: str) -> None:
        value = REFERENCE[name]
        self.expect(shows(text, value), f"{where} does not show {name} = {value}")


def _shown(window: MainWindow) -> Snapshot:
    snapshot = window.snapshot
    if snapshot is None:
        raise TimeoutError("the first picture of the network never arrived")
    return snapshot


def _step(window: MainWindow, name: str, checks: _Checks) -> None:
    action = window.commands.stepping()[name]
    checks.expect(action.isEnabled(), f"the {name} button is not enabled when it should be")
    seen = _shown(window).seq
    action.trigger()
    arrived = wait_until(lambda: _shown(window).seq > seen and not window.step_in_flight, 10.0)
    if not arrived:
        raise TimeoutError(f"no answer from the worker after {name}")


def _check_window(window: MainWindow, checks: _Checks) -> None:
    if not wait_until(lambda: window.snapshot is not None, 10.0):
        raise TimeoutError("the first picture of the network never arrived")
    a = window.commands
    checks.expect(
        a.forward.isEnabled() and not a.backward.isEnabled() and not a.update.isEnabled(),
        "at the start only Forward should be enabled",
    )
    labels = window.canvas.label_texts()
    checks.shown("the network drawing", labels.get("weight:w5", ""), "w5")

    _step(window, "forward", checks)
    labels = window.canvas.label_texts()
    checks.expect(
        _shown(window).phase == "backward", "after Forward the next phase is not backward"
    )
    checks.shown("the network drawing (h1)", labels.get("neuron:h1", ""), "out_h1")
    checks.shown("the network drawing (o1)", labels.get("neuron:o1", ""), "out_o1")
    shown_error = "\n".join(labels.values()) + "\n" + window.status_labels["error"].text()
    checks.shown("the window", shown_error, "E_total")

    _step(window, "backward", checks)
    window.canvas.select("weight", "w5")
    wait_until(lambda: False, 0.05)
    checks.shown("the derivation panel", window.derivation.plain_text(), "dE_total/dw5")
    window.canvas.select("weight", "w1")
    wait_until(lambda: False, 0.05)
    checks.shown("the derivation panel", window.derivation.plain_text(), "dE_total/dw1")

    _step(window, "update", checks)
    labels = window.canvas.label_texts()
    checks.shown("the network drawing", labels.get("weight:w5", ""), "w5+")
    checks.shown("the network drawing", labels.get("weight:w1", ""), "w1+")
    panel = visible_text(window.parameters)
    checks.shown("the parameter panel", panel, "w5+")
    checks.shown("the parameter panel", panel, "w1+")
    checks.expect(_shown(window).iteration == 1, "one full step did not count one iteration")
    checks.expect(not window.message(), f"unexpected message: {window.message()}")


def run_self_test() -> int:
    """Open the real window on the lecture's example, step it and compare; 0 if all is well."""
    watchdog = threading.Timer(WATCHDOG_SECONDS, _give_up)
    watchdog.daemon = True
    watchdog.start()
    try:
        use_headless_platform_if_needed()
        ensure_application()
        quiet_headless_notices()
        window = create_window("lecture", restore_layout=False)
    except Exception as error:
        watchdog.cancel()
        say(f"self-test failed: the window could not be built: {type(error).__name__}: {error}")
        return 1
    checks = _Checks()
    try:
        window.resize(1600, 900)
        window.show()
        _check_window(window, checks)
    except Exception as error:
        checks.failures.append(f"{type(error).__name__}: {error}")
    finally:
        window.shutdown()
        window.close()
        watchdog.cancel()
    if checks.failures:
        say("self-test failed:")
        for failure in checks.failures:
            say(f"  - {failure}")
        return 1
    say(f"self-test passed ({checks.count} checks against the lecture's worked example)")
    return 0
