"""Garbage is collected on the GUI thread only while the crash guard is installed: a cycle
holding a Qt object is never destroyed on a worker thread, however much that thread allocates."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject

from bpdesk.gui.shell import crash_guard
from bpdesk.gui.shell.crash_guard import GuiThreadCollector


class _Cycle:
    """An object that refers to itself and holds a Qt object: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self
        self.qt = QObject()


def _dropped_cycle() -> weakref.ref[_Cycle]:
    return weakref.ref(_Cycle())


def _allocate(n: int) -> list[list[int]]:
    """``n`` new containers, kept while the caller holds them (what makes a collection due:
    CPython counts containers made and not yet freed)."""
    return [[] for _ in range(n)]


def test_a_worker_thread_allocating_never_collects_a_cycle_but_the_gui_thread_does(qtbot):
    collector = GuiThreadCollector(interval_ms=3_600_000)  # collect only when asked, here
    try:
        cycle = _dropped_cycle()
        worker = threading.Thread(target=_allocate, args=(50 * gc.get_threshold()[0],))
        worker.start()
        worker.join()
        assert cycle() is not None  # no collection on the worker thread (nor here)
        junk = _allocate(2 * gc.get_threshold()[0])
        assert collector.collect() >= 1 and junk
        assert cycle() is None  # collected on this, the GUI, thread
    finally:
        collector.stop()


def test_nothing_is_collected_before_it_is_due(qtbot):
    collector = GuiThreadCollector(interval_ms=3_600_000)
    try:
        gc.collect()  # counts start from zero
        cycle = _dropped_cycle()
        assert collector.collect() == 0 and cycle() is not None
    finally:
        collector.stop()


def test_the_timer_collects_on_its_own(qtbot):
    collector = GuiThreadCollector(interval_ms=20)
    try:
        cycle = _dropped_cycle()
        junk = _allocate(2 * gc.get_threshold()[0])
        qtbot.waitUntil(lambda: cycle() is None, timeout=10_000)
        assert junk
    finally:
        collector.stop()


def test_install_turns_automatic_collection_off_and_uninstall_back_on(qtbot, tmp_path):
    was_enabled = gc.isenabled()  # a test set-up may have turned it off
    gc.enable()  # as in the app
    try:
        guard = crash_guard.install(lambda _text: None, folder=tmp_path)
        try:
            assert not gc.isenabled() and guard.collector.timer.isActive()
        finally:
            guard.uninstall()
        assert gc.isenabled() and not guard.collector.timer.isActive()
    finally:
        if not was_enabled:
            gc.disable()
