"""Side-by-side runs that take a while: a progress bar after half a second, Stop as Cancel."""

from __future__ import annotations

import threading

import pytest

from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.gui.tools.comparison_view import ComparisonView
from bpdesk.gui.tools.comparison_view import view as view_module


@pytest.fixture
def view(qtbot):
    widget = ComparisonView()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.set_source("current")  # these tests compare the session's own network
    widget.show()
    yield widget
    widget.shutdown()


def test_a_short_comparison_never_shows_the_progress_bar(view, qtbot):
    view.show_snapshot(make_snapshot(open_source("lecture"), seq=1))
    view.set_kind("eta", "0.01, 0.5, 5, 50")
    view.set_run_length(20)
    view.start()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=20_000)
    assert view.result().iterations_done == 20
    assert not view.progress_shown()
    qtbot.wait(view_module.BUSY_AFTER_MS + 100)
    assert not view.progress_shown()  # the timer went with the run


def test_a_long_comparison_shows_its_progress_and_stops_on_request(view, qtbot):
    view.show_snapshot(make_snapshot(open_source("xor"), seq=1))
    view.set_kind("restarts", "20")
    total = 200_000
    view.set_run_length(total)
    view.start()
    assert not view.progress_shown()
    qtbot.waitUntil(view.progress_shown, timeout=5000)
    qtbot.waitUntil(lambda: view.progress_value()[0] > 0, timeout=10_000)
    done, maximum = view.progress_value()
    assert maximum == total and 0 < done < total
    assert done <= view.result().iterations_done
    view._stop.click()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=10_000)
    assert not view.progress_shown()
    stopped = view.result().iterations_done
    assert 0 < stopped < total
    assert f"Stopped after {stopped:,} iterations" in view.status_text()


def test_shutdown_during_a_run_takes_the_progress_bar_away(view, qtbot):
    view.show_snapshot(make_snapshot(open_source("xor"), seq=1))
    view.set_kind("restarts", "20")
    view.set_run_length(200_000)
    view._busy_timer.setInterval(0)
    view.start()
    qtbot.waitUntil(view.progress_shown, timeout=5000)
    view.shutdown()
    assert not view.progress_shown() and not view.is_running()


def test_the_comparison_is_built_off_the_gui_thread(view, qtbot, monkeypatch):
    built_on: list[int] = []
    real = view_module.Comparison

    def recording(*args, **kwargs):
        built_on.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(view_module, "Comparison", recording)
    view.show_snapshot(make_snapshot(open_source("spirals"), seq=1))
    view.set_kind("eta", "0.001, 0.01")
    view.set_run_length(2, "epochs")
    view.start()
    assert view.is_running() and "Running 2 runs for 16 iterations" in view.status_text()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=20_000)
    assert built_on and threading.get_ident() not in built_on
    assert view.result().iterations_done == 16


def test_a_refused_comparison_is_said_at_once_and_nothing_starts(view):
    view.show_snapshot(make_snapshot(open_source("xor"), seq=1))
    view.set_kind("restarts", "60")
    assert not view._start.isEnabled()  # the options are refused as they are typed
    assert "2 to 50 random restarts" in view.status_text()
    view.set_kind("restarts", "10")
    view.set_run_length(10)
    view.start()
    assert view.is_running()
