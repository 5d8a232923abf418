"""The "Epoch, batch, iteration" view in the real window: the lecture's 1000 samples in batches
of 20, the current batch highlighted, the counters ticking, and a batch size that does not
divide N. Expected numbers come from the trainer itself or from ⌈N / B⌉ worked out here."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from bpdesk.app import create_window
from bpdesk.gui.tools.batches_view import BatchesView
from bpdesk.gui.tools.registry import TOOLS

FIGURES = Path(__file__).parents[2] / "reference" / "lecture_figures.json"


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")
    win = create_window("digits1000", restore_layout=False)
    qtbot.addWidget(win)
    win.resize(1600, 900)
    win.show()
    yield win
    win.shutdown()


def _open(qtbot, window) -> BatchesView:
    view = window.teaching.tool_docks.show_view("batches")
    assert isinstance(view, BatchesView)
    qtbot.waitUntil(lambda: view.renders > 0 and view.strip.state is not None)
    return view


def _commands(qtbot, window, *commands: str) -> None:
    seq = window.snapshot.seq
    assert window.request_commands(list(commands))
    qtbot.waitUntil(
        lambda: window.snapshot.seq > seq and not window.snapshot.running, timeout=20000
    )
    qtbot.waitUntil(lambda: not window.worker.running, timeout=20000)
    QApplication.processEvents()


def _set_batch_size(qtbot, window, size: int) -> None:
    """Types the batch size into the parameter panel, as a student does."""
    edit = window.parameters.training.batch.edit
    edit.selectAll()
    qtbot.keyClicks(edit, str(size))
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.snapshot.config.batch_size == size, timeout=10000)


def _expected_sentence(n: int, b: int) -> str:
    k = math.ceil(n / b)
    last = n - (k - 1) * b
    iterations = "iteration" if k == 1 else "iterations"
    samples = "sample" if last == 1 else "samples"
    return f"{n} samples / batch {b} = {k} {iterations} per epoch (last batch {last} {samples})"


def test_one_toolspec_named_batches_is_in_the_teach_menu(window):
    assert [spec.name for spec in TOOLS].count("batches") == 1
    titles = [action.text() for action in window.menu("&Teach").actions()]
    assert "Epoch, batch, iteration" in titles


def test_the_lectures_1000_samples_in_batches_of_20_step_by_step(qtbot, window):
    figure = json.loads(FIGURES.read_text(encoding="utf-8"))["epoch_batch_iteration"]
    view = _open(qtbot, window)
    n, b = figure["examples"], figure["batch_size"]
    assert view.sentence.text() == _expected_sentence(n, b)
    assert f"{figure['iterations_per_epoch']} iterations per epoch" in view.sentence.text()
    strip = view.strip
    assert strip.state.cut.iterations_per_epoch == figure["iterations_per_epoch"]
    assert (strip.state.position, strip.state.state) == (0, "next")
    assert view.values["seen"].text() == "0"
    for step in range(1, 4):
        _commands(qtbot, window, "full")
        assert (strip.state.position, strip.state.state) == (step - 1, "done")
        assert view.values["iteration"].text() == str(step)
        assert view.values["seen"].text() == str(step * b)
        assert view.values["batch"].text() == f"{step} / {figure['iterations_per_epoch']}"
    trainer = window.worker._stepper.trainer
    batch = trainer.order[2 * b : 3 * b]  # the third batch, from the trainer's own order
    listed = view.samples.text().split(": sample ")[1].split(", …")[0].split(", ")
    assert [int(i) - 1 for i in listed] == batch[:12].tolist()
    current = strip.current_rect()
    width = strip._bar().width()
    assert current.left() == pytest.approx(strip._bar().left() + width * 2 * b / n, abs=1)
    assert current.width() == pytest.approx(width * b / n, abs=1)
    assert strip.boundaries_drawn == figure["iterations_per_epoch"] - 1
    _commands(qtbot, window, "forward")  # the next step begun: batch 4 in progress
    assert (strip.state.position, strip.state.state) == (3, "progress")
    assert "in progress" in view.where.text()


def test_a_run_ticks_the_counters_into_the_next_epoch(qtbot, window):
    view = _open(qtbot, window)
    _commands(qtbot, window, "run:57")
    trainer = window.worker._stepper.trainer
    assert (trainer.epoch, trainer.position) == (1, 7)
    assert view.values["epoch"].text() == "2"
    assert "(1 completed)" in view.captions["epoch"].text()
    assert view.values["iteration"].text() == "57"
    assert view.values["seen"].text() == str(57 * 20)
    assert (view.strip.state.position, view.strip.state.state) == (7, "next")
    assert view.strip.state.done_until == 7 * 20


def test_a_batch_size_that_does_not_divide_n_gives_a_smaller_last_batch(qtbot, window):
    view = _open(qtbot, window)
    _set_batch_size(qtbot, window, 30)
    qtbot.waitUntil(lambda: view.strip.state.cut.batch_size == 30)
    k = math.ceil(1000 / 30)
    assert view.sentence.text() == _expected_sentence(1000, 30)
    assert "last batch 10 samples" in view.sentence.text()
    assert "smaller last batch of the 10 samples" in view.explanation.text()
    assert "smaller last batch" in view.legend.text()
    # under the bar: the current batch (the first, so "1" once) and the last with its size
    assert [text for text, _ in view.strip.labels()] == ["1", f"{k} (10 samples)"]
    _commands(qtbot, window, f"run:{k - 1}", "full")  # up to and through the last batch
    trainer = window.worker._stepper.trainer
    assert (trainer.epoch, trainer.position) == (1, 0)
    state = view.strip.state
    assert (state.position, state.state) == (k - 1, "done")
    assert state.cut.size_of(state.position) == 1000 - (k - 1) * 30
    assert view.values["batch"].text() == f"{k} / {k}"
    assert view.values["seen"].text() == "1000"  # every sample once: none dropped
    assert view.values["iteration"].text() == str(k)
    assert "(1000 of 1000 in this epoch)" in view.captions["seen"].text()
    assert "(10 samples, shuffled)" in view.samples.text()
    _commands(qtbot, window, "full")  # the next epoch begins with a full batch of 30
    assert (view.strip.state.position, view.strip.state.cut.size_of(0)) == (0, 30)
    assert view.values["seen"].text() == "1030"


def test_changing_the_batch_size_mid_epoch_says_the_epoch_restarts(qtbot, window):
    view = _open(qtbot, window)
    _commands(qtbot, window, "run:5")
    _set_batch_size(qtbot, window, 7)
    qtbot.waitUntil(lambda: view.strip.state.cut.batch_size == 7)
    assert view.note.isVisibleTo(view) and "started again at batch 1" in view.note.text()
    assert view.strip.state.position == 0


def test_a_refused_batch_size_changes_nothing(qtbot, window):
    view = _open(qtbot, window)
    before = view.sentence.text()
    edit = window.parameters.training.batch.edit
    for bad in ("0", "1001", "-5", "abc"):
        edit.selectAll()
        qtbot.keyClicks(edit, bad)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        QApplication.processEvents()
        assert window.snapshot.config.batch_size == 20
    _commands(qtbot, window, "full")
    assert view.sentence.text() == before


def test_an_unchanged_snapshot_repaints_nothing_and_a_huge_set_draws_no_boundaries(qtbot, window):
    view = _open(qtbot, window)
    strip = view.strip
    strip.grab()
    paints = strip.paints
    view.show_snapshot(window.snapshot)
    QApplication.processEvents()
    assert strip.paints == paints  # the same picture: no repaint queued
    huge = replace(
        window.snapshot, n_samples=10**6, config=replace(window.snapshot.config, batch_size=3)
    )
    view.show_snapshot(replace(huge, seq=huge.seq + 1))
    strip.grab()
    assert strip.state.cut.iterations_per_epoch == math.ceil(10**6 / 3)
    assert strip.boundaries_drawn == 0  # far too thin to draw one by one
    assert strip.current_rect().width() >= 6  # the current batch still shows
    assert view.sentence.text() == (
        "1,000,000 samples / batch 3 = 333,334 iterations per epoch (last batch 1 sample)"
    )


def test_text_follows_the_window_text_size(qtbot, window):
    view = _open(qtbot, window)
    before, size = view.font_scale(), view.values["epoch"].font().pointSizeF()
    height = view.strip.height()
    window.set_font_scale(2.0, remember=False)
    _commands(qtbot, window, "full")
    assert view.font_scale() == 2.0
    assert view.values["epoch"].font().pointSizeF() == pytest.approx(size * 2.0 / before)
    assert view.strip.height() > height


def test_switching_presets_redraws_for_the_new_data(qtbot, window):
    view = _open(qtbot, window)
    seq = window.snapshot.seq
    window.open_source("xor")
    qtbot.waitUntil(lambda: window.snapshot.seq > seq and window.snapshot.n_samples == 4)
    qtbot.waitUntil(lambda: view.strip.state.cut.n_samples == 4)
    assert view.sentence.text() == _expected_sentence(4, window.snapshot.config.batch_size)
    assert not view.images.isVisibleTo(view)  # XOR's samples are no images


def _int(label) -> int:
    """A counter as a number (10,000 and up are written with separators)."""
    return int(label.text().replace(",", ""))


def test_counters_tick_during_a_run_and_match_the_trainer_after_pause(qtbot, window):
    view = _open(qtbot, window)
    window.commands.run.trigger()  # until paused
    qtbot.waitUntil(
        lambda: window.snapshot.running and window.snapshot.iteration > 60, timeout=20000
    )
    qtbot.waitUntil(lambda: view.values["iteration"].text() not in ("0", ""), timeout=5000)
    during = _int(view.values["iteration"])
    assert during > 0
    window.pause()
    qtbot.waitUntil(
        lambda: not window.snapshot.running and not window.worker.running, timeout=20000
    )
    qtbot.waitUntil(lambda: _int(view.values["iteration"]) == window.snapshot.iteration)
    trainer = window.worker._stepper.trainer
    assert _int(view.values["iteration"]) == trainer.iteration >= during
    assert _int(view.values["epoch"]) == trainer.epoch + 1
    assert _int(view.values["seen"]) == trainer.epoch * 1000 + trainer.position * 20
    assert (view.strip.state.position, view.strip.state.state) == (trainer.position, "next")
