"""One epoch cut into batches, checked against the batches the trainer and the step machine
really train on (each sample carries its own index as an input, so a batch names itself)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.errors import ConfigError
from bpdesk.core.files.documents import open_source
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.batches import (
    counters,
    cut_epoch,
    effective_batch_size,
    trainer_batches,
)

FIGURES = Path(__file__).parents[2] / "reference" / "lecture_figures.json"


def _trainer(n: int, batch: int, **config: object) -> Trainer:
    """A 2-3-1 net on n samples whose first input is the sample's own index."""
    ids = np.arange(n, dtype=np.float64)
    x = np.column_stack([ids, np.sin(ids)]) / max(1, n)
    t = (np.cos(ids) > 0).astype(np.float64)[:, None]
    spec = NetworkSpec.build([2, 3, 1], "sigmoid", loss="half_sse")
    settings = {"eta": 0.5, "momentum": 0.0, "batch_size": batch, "seed": 7, **config}
    return Trainer(initialize(spec, seed=2), x, t, TrainConfig(**settings))  # type: ignore[arg-type]


def _ids(trainer: Trainer, rows: np.ndarray) -> list[int]:
    return np.rint(rows[:, 0] * max(1, trainer.n_samples)).astype(int).tolist()


def _record_run_batches(trainer: Trainer, iterations: int) -> list[list[int]]:
    """The samples of each batch of a fast run, as the training loop hands them over."""
    seen: list[list[int]] = []
    real = trainer._iteration

    def spy(x: np.ndarray, t: np.ndarray) -> float:
        seen.append(_ids(trainer, x))
        return real(x, t)

    trainer._iteration = spy  # type: ignore[method-assign]
    trainer.use_small_net = False
    trainer.run(iterations=iterations)
    return seen


def test_the_lectures_example_1000_samples_in_batches_of_20():
    figure = json.loads(FIGURES.read_text(encoding="utf-8"))["epoch_batch_iteration"]
    cut = cut_epoch(figure["examples"], figure["batch_size"])
    assert cut.iterations_per_epoch == figure["iterations_per_epoch"]
    assert not cut.partial and cut.last_batch_size == figure["batch_size"]
    n, b, k = figure["examples"], figure["batch_size"], figure["iterations_per_epoch"]
    assert cut.sentence() == (
        f"{n} samples / batch {b} = {k} iterations per epoch (last batch {b} samples)"
    )


def test_the_built_in_preset_is_the_lectures_example():
    figure = json.loads(FIGURES.read_text(encoding="utf-8"))["epoch_batch_iteration"]
    trainer = open_source("digits1000").trainer
    assert trainer.n_samples == figure["examples"]
    assert trainer.config.batch_size == figure["batch_size"]
    assert trainer.iterations_per_epoch == figure["iterations_per_epoch"]
    assert len(trainer_batches(trainer)) == figure["iterations_per_epoch"]


@pytest.mark.parametrize(("n", "batch"), [(23, 5), (20, 5), (7, 1), (7, 7), (7, 50), (1, 1)])
def test_a_fast_run_trains_on_exactly_the_cut_batches_epoch_after_epoch(n, batch):
    trainer = _trainer(n, batch)
    cut = cut_epoch(n, batch)
    assert cut.iterations_per_epoch == trainer.iterations_per_epoch
    expected: list[list[int]] = []
    for _ in range(3):  # the order of each epoch, as the trainer holds it when it begins
        batches = trainer_batches(trainer)
        expected += [b.tolist() for b in batches]
        assert sorted(np.concatenate(batches).tolist()) == list(range(n))  # all, once
        trainer.run(epochs=1)
    fresh = _trainer(n, batch)
    assert _record_run_batches(fresh, 3 * cut.iterations_per_epoch) == expected
    sizes = [len(b) for b in expected[: cut.iterations_per_epoch]]
    assert sizes == [cut.size_of(p) for p in range(cut.iterations_per_epoch)]
    assert sizes[-1] == cut.last_batch_size == (n % min(batch, n) or min(batch, n))


def test_the_last_batch_is_smaller_not_dropped_when_b_does_not_divide_n():
    cut = cut_epoch(23, 5)
    assert cut.partial
    assert (cut.iterations_per_epoch, cut.last_batch_size) == (5, 3)
    assert cut.starts().tolist() == [0, 5, 10, 15, 20]
    assert cut.span(4) == (20, 23)
    assert cut.sentence() == "23 samples / batch 5 = 5 iterations per epoch (last batch 3 samples)"
    assert "smaller last batch of the 3 samples left over" in cut.explanation()
    trainer = _trainer(23, 5)
    batches = _record_run_batches(trainer, 5)
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    assert trainer.epoch == 1 and trainer.position == 0  # 5 iterations made the epoch


def test_the_step_machine_steps_through_the_same_batches_as_the_cut():
    """Full steps and phase by phase: each step's trace names the batch the cut predicts, its
    inputs are those samples' rows, and its counters place it in the epoch."""
    stepper = Stepper(_trainer(11, 4))
    trainer = stepper.trainer
    cut = cut_epoch(11, 4)
    for epoch in range(3):
        planned = trainer_batches(trainer)
        for position, batch in enumerate(planned):
            if position == 1:
                stepper.step_phase("forward")  # a step in progress already shows its batch
                assert stepper.trace().batch.tolist() == batch.tolist()
                assert stepper.trace().position == position
            trace = stepper.full_step()
            assert trace.batch.tolist() == batch.tolist()
            assert _ids(trainer, trace.inputs) == batch.tolist()
            assert (trace.epoch, trace.position) == (epoch, position)
            assert len(batch) == cut.size_of(position)
    assert trainer.epoch == 3 and trainer.iteration == 3 * cut.iterations_per_epoch


def test_without_shuffling_the_batches_are_the_samples_in_order():
    trainer = _trainer(10, 4, shuffle=False)
    assert [b.tolist() for b in trainer_batches(trainer)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert _record_run_batches(trainer, 6) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] * 2


def test_the_shuffle_is_the_seeded_permutation_drawn_at_each_epoch_start():
    """An independent replay of the shuffle: epoch e uses the (e+1)-th permutation of the
    seed's generator, on the fast path for small nets (batch 1) and the array path alike."""
    for batch, small in ((1, True), (1, False), (4, False)):
        trainer = _trainer(9, batch)
        trainer.use_small_net = small
        rng = np.random.default_rng(trainer.config.seed)
        for _ in range(3):
            assert trainer.order.tolist() == rng.permutation(9).tolist()
            trainer.run(epochs=1)


def test_one_full_batch_and_levenberg_marquardt_take_every_sample_at_once():
    for batch, optimizer in ((9, "gd"), (40, "adam"), (3, "lm")):
        trainer = _trainer(9, batch, optimizer=optimizer)
        cut = cut_epoch(9, trainer.config.batch_size, trainer.config.optimizer)
        assert cut.batch_size == trainer.batch_size == 9
        assert cut.iterations_per_epoch == trainer.iterations_per_epoch == 1
        (batch,) = trainer_batches(trainer)
        assert sorted(batch.tolist()) == list(range(9))
    assert "whole set" in cut_epoch(9, 3, "lm").explanation()
    assert "more than there are" in cut_epoch(9, 40).explanation()


@pytest.mark.parametrize(
    ("batch", "n", "optimizer"),
    [(20, 1000, "gd"), (30, 7, "adam"), (3, 7, "lm"), (1, 1, "nesterov")],
)
def test_the_effective_batch_size_is_the_trainers(batch, n, optimizer):
    trainer = _trainer(n, batch, optimizer=optimizer)
    assert effective_batch_size(batch, n, optimizer) == trainer.batch_size


def test_changing_the_batch_size_recuts_the_epoch_as_the_trainer_does():
    trainer = _trainer(23, 5)
    trainer.run(iterations=2)
    trainer.set_config(replace(trainer.config, batch_size=10))
    cut = cut_epoch(23, trainer.config.batch_size)
    assert cut.iterations_per_epoch == trainer.iterations_per_epoch == 3
    expected = [b.tolist() for b in trainer_batches(trainer)]
    assert _record_run_batches(trainer, 3) == expected
    assert [len(b) for b in expected] == [10, 10, 3]


def test_counters_count_samples_seen_as_the_batches_add_up():
    trainer = _trainer(23, 5)
    cut = cut_epoch(23, 5)
    seen = 0
    for steps in (1, 3, 1, 4, 7):
        seen += sum(len(b) for b in _record_run_batches(trainer, steps))
        c = counters(trainer.epoch, trainer.iteration, trainer.position, cut)
        assert c.samples_seen == seen
        assert c.samples_this_epoch == seen - 23 * trainer.epoch
        assert (c.epoch, c.iteration, c.position) == (
            trainer.epoch,
            trainer.iteration,
            trainer.position,
        )
        assert c.current_epoch == trainer.epoch + 1
        assert c.consistent


def test_counters_notice_a_batch_size_changed_during_training():
    trainer = _trainer(23, 5)
    trainer.run(iterations=7)
    trainer.set_config(replace(trainer.config, batch_size=4))
    c = counters(trainer.epoch, trainer.iteration, trainer.position, cut_epoch(23, 4))
    assert not c.consistent


@pytest.mark.parametrize(
    "bad", [0, -3, 2.5, float("nan"), True, None, "20", float("inf")], ids=repr
)
def test_bad_sizes_are_refused_in_plain_words(bad):
    with pytest.raises(ConfigError, match="whole number"):
        cut_epoch(1000, bad)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="whole number"):
        cut_epoch(bad, 20)  # type: ignore[arg-type]


def test_bad_positions_and_orders_are_refused():
    cut = cut_epoch(10, 4)
    for position in (-1, 3, 1.5):
        with pytest.raises(ConfigError):
            cut.span(position)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="all 10 samples"):
        cut.batches(np.arange(9))
    with pytest.raises(ConfigError):
        counters(0, 0, 4, cut)
    with pytest.raises(ConfigError):
        counters(-1, 0, 0, cut)


def test_a_huge_data_set_is_cut_without_a_loop_over_its_samples():
    cut = cut_epoch(10**12, 7)
    assert cut.iterations_per_epoch == -(-(10**12) // 7)
    assert cut.last_batch_size == 10**12 - (cut.iterations_per_epoch - 1) * 7
    assert cut.span(cut.iterations_per_epoch - 1)[1] == 10**12
    big = counters(10**6, 10**9, cut.iterations_per_epoch, cut)
    assert big.samples_seen == (10**6 + 1) * 10**12
