"""The view cadence: outside a run every view draws every snapshot; during a run the slow
views draw a few a second, lose no point of the error history, and all draw the last one."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from bpdesk.app import create_window
from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.snapshot import Snapshot, make_snapshot
from bpdesk.gui.shell.cadence import ViewCadence


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _snapshots(n: int, running: bool = True) -> list[Snapshot]:
    stepper = open_source("xor")
    sent, out = 0, []
    for seq in range(1, n + 1):
        stepper.trainer.run(iterations=seq % 4 + 1)
        out.append(make_snapshot(stepper, seq=seq, running=running, history_from=sent))
        sent = len(stepper.trainer.iteration_errors)
    return out


def _cadence(clock: Clock) -> tuple[ViewCadence, dict[str, list[Snapshot]]]:
    seen: dict[str, list[Snapshot]] = {"fast": [], "slow": []}
    cadence = ViewCadence(clock)
    cadence.add("fast", seen["fast"].append, history=True)
    cadence.add("slow", seen["slow"].append, interval=0.5, history=True)
    return cadence, seen


def _deliver(cadence: ViewCadence, snapshot: Snapshot) -> None:
    for delivery in cadence.deliveries(snapshot):
        delivery.show(delivery.snapshot)


def test_outside_a_run_every_view_draws_every_snapshot():
    clock = Clock()
    cadence, seen = _cadence(clock)
    for snapshot in _snapshots(5, running=False):
        _deliver(cadence, snapshot)  # no time passes at all
    assert [s.seq for s in seen["fast"]] == [s.seq for s in seen["slow"]] == [1, 2, 3, 4, 5]


def test_during_a_run_a_slow_view_waits_its_interval():
    clock = Clock()
    cadence, seen = _cadence(clock)
    for snapshot in _snapshots(20):
        _deliver(cadence, snapshot)
        clock.now += 0.125  # eight frames a second (exact in binary)
    assert len(seen["fast"]) == 20
    assert [s.seq for s in seen["slow"]] == [1, 5, 9, 13, 17]
    assert cadence.waiting() == ["slow"]  # snapshots 18-20 are held for it


@pytest.mark.parametrize("frame", [0.03, 0.1, 0.37])
def test_a_slow_view_loses_no_point_and_draws_the_end_of_the_run(frame):
    clock = Clock()
    cadence, seen = _cadence(clock)
    snapshots = _snapshots(30)
    total = sum(len(s.iteration_errors) for s in snapshots)
    end = replace(  # the run's last snapshot: no new points
        snapshots[-1], seq=99, running=False, history_start=total, iteration_errors=np.empty(0)
    )
    for snapshot in [*snapshots, end]:
        _deliver(cadence, snapshot)
        clock.now += frame
    for name in ("fast", "slow"):
        points: list[float] = []
        for shown in seen[name]:
            assert shown.history_start == len(points)
            points.extend(shown.iteration_errors.tolist())
        expected = np.concatenate([s.iteration_errors for s in snapshots]).tolist()
        assert points == expected, name
        assert seen[name][-1].seq == 99  # the end of the run reaches every view
    assert cadence.waiting() == []


def test_the_window_hands_slow_views_fewer_snapshots_and_all_the_last(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    window = create_window("spirals")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=10000)
    counts: dict[str, int] = {}
    last: dict[str, int] = {}

    def count(name: str, snapshot: Snapshot) -> None:
        counts[name] = counts.get(name, 0) + 1
        last[name] = snapshot.seq

    for receiver in window.cadence._receivers:
        show = receiver.show

        def counted(snapshot: Snapshot, show=show, name=receiver.name) -> None:
            count(name, snapshot)
            show(snapshot)

        receiver.show = counted
    window.snapshot_shown.connect(lambda snapshot: count("teaching tools", snapshot))
    counts.clear()
    with qtbot.waitSignal(window.run_state_shown, timeout=10000):
        window.commands.run.trigger()
    qtbot.waitUntil(lambda: counts.get("error plot", 0) >= 15, timeout=60000)
    with qtbot.waitSignal(window.run_state_shown, timeout=10000):
        window.commands.pause.trigger()
    qtbot.waitUntil(lambda: not window.snapshot.running, timeout=10000)
    final = window.snapshot
    for slow in ("parameter panel", "derivation", "network drawing", "teaching tools"):
        assert counts[slow] < counts["error plot"], slow
    assert set(last.values()) == {final.seq}  # every view shows the end of the run
    assert window.error_plot.point_count() == final.iteration  # and no point was lost
    window.close()


def test_slow_views_take_their_turns_at_different_moments_of_a_run():
    clock = Clock()
    cadence = ViewCadence(clock)
    seen: dict[str, list[int]] = {"plot": [], "a": [], "b": []}
    cadence.add("plot", lambda s: seen["plot"].append(s.seq))
    cadence.add("a", lambda s: seen["a"].append(s.seq), interval=0.5, phase=0.125)
    cadence.add("b", lambda s: seen["b"].append(s.seq), interval=0.5, phase=0.25)
    for snapshot in _snapshots(12):
        _deliver(cadence, snapshot)
        clock.now += 0.125
    assert seen["plot"] == list(range(1, 13))
    assert seen["a"] == [2, 6, 10]  # never on the first frame of the run
    assert seen["b"] == [3, 7, 11]  # nor on the frames of the other slow view


def test_a_view_that_waits_for_the_end_of_the_run_gets_only_that():
    clock = Clock()
    cadence = ViewCadence(clock)
    seen: list[Snapshot] = []
    cadence.add("end only", seen.append, interval=math.inf, history=True)
    snapshots = _snapshots(10)
    for snapshot in snapshots:
        _deliver(cadence, snapshot)
        clock.now += 0.5
    assert seen == []  # not even the first frame of the run
    total = sum(len(s.iteration_errors) for s in snapshots)
    _deliver(
        cadence,
        replace(
            snapshots[-1], seq=11, running=False, history_start=total, iteration_errors=np.empty(0)
        ),
    )
    assert [s.seq for s in seen] == [11]
    assert seen[0].history_start == 0 and len(seen[0].iteration_errors) == total


def test_a_view_that_reads_no_history_holds_only_the_newest_snapshot():
    clock = Clock()
    cadence = ViewCadence(clock)
    seen: list[Snapshot] = []
    cadence.add("no history", seen.append, interval=math.inf)
    snapshots = _snapshots(10)
    for snapshot in snapshots:
        _deliver(cadence, snapshot)
        assert cadence._receivers[0].waiting is snapshot  # no growing copy of the history
        clock.now += 0.5
    end = replace(snapshots[-1], seq=11, running=False)
    _deliver(cadence, end)
    assert seen == [end]
