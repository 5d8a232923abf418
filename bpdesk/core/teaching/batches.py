"""Epoch, batch, iteration: one epoch cut into batches, and the counters that go with it.

The words as the lecture uses them: an *epoch* is one pass over all N training samples;
the samples are cut into *batches* of B; one *iteration* trains on one batch. So an epoch
takes ⌈N / B⌉ iterations: 1000 samples in batches of 20 make 50.

bpdesk does what its trainer does (``bpdesk.core.engine.trainer``), and nothing here
decides anything on its own:

- the batches are consecutive pieces of the epoch's order, the trainer's ``order``
  (shuffled anew from the seed at the start of every epoch, or 0, 1, 2, … without
  shuffling, and never reordered for a single full batch);
- when B does not divide N the last batch is smaller: it holds the N mod B samples left
  over, and its gradient is the mean over those samples; no sample is dropped or repeated;
- a batch size above N means one batch of all N samples; Levenberg–Marquardt always
  takes the whole set as one batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.errors import ConfigError

__all__ = [
    "Counters",
    "EpochCut",
    "counters",
    "cut_epoch",
    "effective_batch_size",
    "shown_count",
    "trainer_batches",
]

IndexArray = NDArray[np.intp]


def _whole(value: object, what: str, least: int = 1) -> int:
    """``value`` as a whole number ≥ ``least``, or a ConfigError in plain words."""
    if isinstance(value, bool) or not isinstance(value, Integral) or int(value) < least:
        raise ConfigError(f"The {what} must be a whole number of at least {least}, not {value!r}.")
    return int(value)


def effective_batch_size(batch_size: int, n_samples: int, optimizer: str = "gd") -> int:
    """The samples per batch the trainer really takes (``Trainer.batch_size``): the batch
    size, at most N; all N for Levenberg–Marquardt (``optimizer == "lm"``)."""
    n = _whole(n_samples, "number of samples")
    b = _whole(batch_size, "batch size")
    return n if optimizer == "lm" else min(b, n)


def shown_count(count: int) -> str:
    """A count as the view and the sentence write it: 1000 as the lecture does, 10,000 and
    up with thousands separators."""
    return f"{count:,}" if count >= 10_000 else str(count)


def _plural(count: int, word: str) -> str:
    """1 sample, 2 samples, 3 batches."""
    ending = "" if count == 1 else "es" if word.endswith("h") else "s"
    return f"{shown_count(count)} {word}{ending}"


@dataclass(frozen=True)
class EpochCut:
    """N samples cut into batches of B (the size the trainer takes): where each batch of
    the epoch's order begins and ends, and how big the last one is."""

    n_samples: int
    batch_size: int  # the effective size: at most n_samples
    requested: int  # the batch size as set (may exceed n_samples)
    whole_set: bool = False  # Levenberg–Marquardt: one batch of every sample, whatever B says

    @property
    def iterations_per_epoch(self) -> int:
        """⌈N / B⌉."""
        return -(-self.n_samples // self.batch_size)

    @property
    def last_batch_size(self) -> int:
        """N − (k − 1)·B: B when B divides N, else the N mod B samples left over."""
        return self.n_samples - (self.iterations_per_epoch - 1) * self.batch_size

    @property
    def partial(self) -> bool:
        """Whether the last batch is smaller than the others."""
        return self.last_batch_size != self.batch_size

    def starts(self) -> IndexArray:
        """Where each batch begins in the epoch's order: 0, B, 2B, …"""
        return np.arange(0, self.n_samples, self.batch_size, dtype=np.intp)

    def span(self, position: int) -> tuple[int, int]:
        """The batch at ``position`` (0-based, within the epoch) as [start, stop) in the order."""
        k = self.iterations_per_epoch
        if isinstance(position, bool) or not isinstance(position, Integral):
            raise ConfigError(f"A batch's place in the epoch must be a whole number: {position!r}.")
        if not 0 <= int(position) < k:
            raise ConfigError(f"An epoch of {_plural(k, 'batch')} has no batch {position + 1}.")
        start = int(position) * self.batch_size
        return start, min(start + self.batch_size, self.n_samples)

    def size_of(self, position: int) -> int:
        """How many samples the batch at ``position`` holds."""
        start, stop = self.span(position)
        return stop - start

    def batches(self, order: NDArray[np.integer]) -> list[IndexArray]:
        """The epoch's ``order`` (every sample index once) cut into its batches."""
        order = np.asarray(order)
        if order.shape != (self.n_samples,):
            raise ConfigError(
                f"The order of an epoch must list all {self.n_samples} samples, not {order.size}."
            )
        cut = np.asarray(order, dtype=np.intp)
        return [cut[a:b] for a, b in (self.span(p) for p in range(self.iterations_per_epoch))]

    def sentence(self) -> str:
        """ "1000 samples / batch 20 = 50 iterations per epoch (last batch 20 samples)"."""
        k = self.iterations_per_epoch
        return (
            f"{_plural(self.n_samples, 'sample')} / batch {shown_count(self.batch_size)} = "
            f"{_plural(k, 'iteration')} per epoch "
            f"(last batch {_plural(self.last_batch_size, 'sample')})"
        )

    def explanation(self) -> str:
        """How the last batch comes about, in plain words."""
        n, b = shown_count(self.n_samples), shown_count(self.batch_size)
        k, r = self.iterations_per_epoch, shown_count(self.last_batch_size)
        if self.whole_set:
            return (
                f"Levenberg–Marquardt always trains on the whole set: each iteration takes all "
                f"{_plural(self.n_samples, 'sample')}, so one iteration is one epoch."
            )
        if k == 1:
            more = self.requested > self.n_samples
            asked = f" (batch size {shown_count(self.requested)} is more than there are)"
            every = "the one sample" if self.n_samples == 1 else f"all {n} samples"
            return f"One batch holds {every}{asked if more else ''}: one iteration is one epoch."
        if not self.partial:
            each = _plural(self.batch_size, "sample")
            return f"{b} divides {n} evenly: all {k} batches hold {each} each."
        return (
            f"{b} does not divide {n}: {_plural(k - 1, 'batch')} of {b}, then a smaller last "
            f"batch of the {_plural(self.last_batch_size, 'sample')} left over (its gradient "
            f"is the mean over those {r}). No sample is dropped."
        )


def cut_epoch(n_samples: int, batch_size: int, optimizer: str = "gd") -> EpochCut:
    """One epoch of ``n_samples`` cut as the trainer cuts it with ``batch_size``."""
    effective = effective_batch_size(batch_size, n_samples, optimizer)
    return EpochCut(int(n_samples), effective, int(batch_size), whole_set=optimizer == "lm")


def trainer_batches(trainer: Trainer) -> list[IndexArray]:
    """The batches of ``trainer``'s current epoch (sample indices), from its own order."""
    config = trainer.config
    cut = cut_epoch(trainer.n_samples, config.batch_size, config.optimizer)
    return cut.batches(trainer.order)


@dataclass(frozen=True)
class Counters:
    """Where training stands, in the lecture's words."""

    epoch: int  # epochs completed
    iteration: int  # iterations completed, over all epochs
    position: int  # batches done in the current epoch
    iterations_per_epoch: int
    samples_this_epoch: int  # samples of the current epoch trained on so far
    samples_seen: int  # samples trained on: N per completed epoch, plus this epoch's
    n_samples: int

    @property
    def current_epoch(self) -> int:
        """The epoch under way, counted from 1."""
        return self.epoch + 1

    @property
    def consistent(self) -> bool:
        """Whether iteration = epoch · k + position, as it is unless the batch size changed
        during training (a change starts a fresh pass over the data at the same epoch)."""
        return self.iteration == self.epoch * self.iterations_per_epoch + self.position


def counters(epoch: int, iteration: int, position: int, cut: EpochCut) -> Counters:
    """The counters for ``epoch`` completed epochs, ``iteration`` completed iterations and
    ``position`` batches done in the epoch under way, cut as ``cut``."""
    e = _whole(epoch, "epoch count", 0)
    i = _whole(iteration, "iteration count", 0)
    p = _whole(position, "place in the epoch", 0)
    k = cut.iterations_per_epoch
    if p > k:
        raise ConfigError(f"An epoch of {_plural(k, 'batch')} cannot have {p} done.")
    this_epoch = min(p * cut.batch_size, cut.n_samples)
    return Counters(e, i, p, k, this_epoch, e * cut.n_samples + this_epoch, cut.n_samples)
