"""The comparison worker builds a comparison handed to it as a function, on its own thread."""

from __future__ import annotations

import threading

from bpdesk.core.files.presets import get_preset
from bpdesk.core.teaching.comparison import Comparison
from tests.gui.workers.test_comparison_worker import threaded  # noqa: F401 (the fixture)


def _rates() -> Comparison:
    preset = get_preset("lecture")
    return Comparison(preset.network, preset.inputs, preset.targets, preset.config, "eta")


def test_a_comparison_given_as_a_function_is_built_on_the_workers_thread(threaded, qtbot):  # noqa: F811
    _, commands, collector = threaded
    built_on: list[int] = []

    def build() -> Comparison:
        built_on.append(threading.get_ident())
        return _rates()

    with qtbot.waitSignal(collector.finished, timeout=10_000):
        commands.start.emit(build, 50)
    assert built_on and built_on[0] != threading.get_ident()
    assert collector.errors == []
    assert collector.results[-1].iterations_done == 50
    assert len(collector.results[-1].curves) == 4


def test_a_comparison_that_cannot_be_built_is_said_in_words(threaded, qtbot):  # noqa: F811
    _, commands, collector = threaded

    def build() -> Comparison:
        raise MemoryError

    with qtbot.waitSignal(collector.finished, timeout=10_000):
        commands.start.emit(build, 50)
    assert len(collector.errors) == 1
    assert "setting up the comparison" in collector.errors[0]
    assert "MemoryError" not in collector.errors[0]
    assert collector.results == [] and collector.ends == 1
