"""Side-by-side training runs that differ in one setting, for comparing their error curves."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.levenberg import LevenbergMarquardt
from bpdesk.core.engine.network import Network
from bpdesk.core.engine.sweep import Sweep
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.errors import ConfigError
from bpdesk.core.formatting import format_value, parse_value

__all__ = [
    "DEFAULT_OPTIONS",
    "KINDS",
    "MAX_RUNS",
    "Comparison",
    "ComparisonResult",
    "check_comparison",
    "error_histogram",
    "iterations_per_epoch",
    "parse_options",
]

Array = NDArray[np.float64]
# eta: rates; momentum: α; restarts: N or (N, method); the other kinds: None.
Options = Sequence[float] | float | tuple[int, str] | None

# What can be compared, with the words a chooser shows for it.
KINDS = {
    "eta": "Learning rates",
    "momentum": "Momentum on/off",
    "optimizer": "GD vs Levenberg–Marquardt",
    "order": "Simultaneous vs sequential update",
    "restarts": "Random restarts",
}
# The options each kind starts with, as a person would type them.
DEFAULT_OPTIONS = {
    "eta": "0.05, 0.5, 1.5, 4",
    "momentum": "0.9",
    "optimizer": "",
    "order": "",
    "restarts": "20 xavier",
}
MAX_RUNS = 50
RESTART_METHODS = ("uniform", "xavier")
_STEP_OPTIMIZERS = ("gd", "nesterov", "adam")  # optimisers that take a learning rate η


@dataclass(frozen=True)
class ComparisonResult:
    """A picture of a comparison at one moment: every array is a read-only copy."""

    kind: str
    labels: tuple[str, ...]
    curves: tuple[Array, ...]  # error per iteration, per run (up to divergence)
    final_errors: Array  # each run's error over the whole training set (NaN: diverged)
    diverged: tuple[bool, ...]
    iterations_done: int
    rates: tuple[float, ...] = ()  # each run's η, for a learning-rate comparison
    full_batch: bool = True  # every iteration sees the whole training set
    output_activation: str = ""  # the output layer's function ("sigmoid", "linear", …)


def parse_options(kind: str, text: str) -> Options:
    """The options for ``kind`` read from what a person typed; ConfigError says what is wrong.

    ``eta``: learning rates separated by commas or spaces (the decimal point is ".");
    ``momentum``: the α to set against α = 0 (empty: the session's α, or 0.9); ``restarts``:
    the number of restarts, optionally followed by ``xavier`` or ``uniform`` (the kind of
    random initial weights); the other kinds take no options.
    """
    _check_kind(kind)
    words = [w for w in re.split(r"[,;\s]+", text.strip()) if w]
    if kind == "eta":
        if not words:
            raise ConfigError("Type at least one learning rate, for example 0.05, 0.5, 1.5, 4.")
        rates = tuple(_number(w, "learning rate") for w in words)
        _check_rates(rates)
        return rates
    if kind == "momentum":
        if not words:
            return None
        if len(words) > 1:
            raise ConfigError("Type one momentum α to set against α = 0, for example 0.9.")
        alpha = _number(words[0], "momentum α")
        _check_alpha(alpha)
        return alpha
    if kind == "restarts":
        if not words:
            raise ConfigError("Type how many random restarts to run, for example 10.")
        method = "uniform"
        if len(words) == 2 and words[1].lower() in RESTART_METHODS:
            method = words[1].lower()
        elif len(words) != 1:
            raise ConfigError(
                "Type the number of restarts, optionally followed by xavier or uniform "
                "(for example: 10 xavier)."
            )
        count = _number(words[0], "number of restarts")
        if count != int(count):
            raise ConfigError(f"The number of restarts must be a whole number, not {words[0]}.")
        _check_restarts(int(count))
        return (int(count), method)
    return None


def error_histogram(errors: Array, bins: int = 12) -> tuple[Array, Array]:
    """How many runs ended at which error: bin edges in log₁₀ E, and counts.

    Runs without a finite, positive final error are left out. With all errors (nearly)
    equal, one bin one decade wide is centred on them.
    """
    values = np.asarray(errors, dtype=np.float64).ravel()
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return np.empty(0), np.empty(0)
    logs = np.log10(values)
    low, high = float(logs.min()), float(logs.max())
    if high - low < 1e-9:
        return np.array([low - 0.5, low + 0.5]), np.array([float(values.size)])
    counts, edges = np.histogram(logs, bins=max(1, int(bins)), range=(low, high))
    return edges.astype(np.float64), counts.astype(np.float64)


class _Group:
    """Runs that advance together: one stacked ``Sweep`` or one ``Trainer``."""

    def __init__(self, sweep: Sweep | None = None, trainer: Trainer | None = None) -> None:
        self.sweep = sweep
        self.trainer = trainer
        self.size = sweep.k if sweep is not None else 1
        self._errors = np.empty((64, self.size))
        self._count = 0

    def advance(self, iterations: int) -> None:
        if self.trainer is not None:
            if self.trainer.diverged is None:
                self.trainer.run(iterations=iterations)
            return
        assert self.sweep is not None
        sweep = self.sweep
        sweep.run(iterations=iterations)
        fresh = np.array(sweep.iteration_errors, dtype=np.float64).reshape(-1, self.size)
        sweep.iteration_errors.clear()  # held here instead, as one growing array
        needed = self._count + fresh.shape[0]
        if needed > self._errors.shape[0]:
            grown = np.empty((max(needed, 2 * self._errors.shape[0]), self.size))
            grown[: self._count] = self._errors[: self._count]
            self._errors = grown
        self._errors[self._count : needed] = fresh
        self._count = needed

    def curves(self) -> list[Array]:
        if self.trainer is not None:
            return [self.trainer.iteration_errors.values()]
        assert self.sweep is not None
        ends = [
            self._count if at < 0 else min(int(at), self._count) for at in self.sweep.diverged_at
        ]
        return [self._errors[:end, k].copy() for k, end in enumerate(ends)]

    def diverged(self) -> list[bool]:
        if self.trainer is not None:
            return [self.trainer.diverged is not None]
        assert self.sweep is not None
        return [bool(at >= 0) for at in self.sweep.diverged_at]

    def final_errors(self) -> list[float]:
        if self.trainer is not None:
            values = [self.trainer.evaluate()]
        else:
            assert self.sweep is not None
            values = [float(v) for v in self.sweep.evaluate()]
        return [
            math.nan if gone or not math.isfinite(v) else v
            for v, gone in zip(values, self.diverged(), strict=True)
        ]


class Comparison:
    """Several runs of one network on one data set that differ in one setting.

    ``kind`` and ``options``:

    - ``"eta"``: learning rates (a sequence), one run each, in one stacked sweep;
    - ``"momentum"``: α = 0 against ``options`` (default: the config's α, or 0.9 if that is 0);
    - ``"optimizer"``: gradient descent against Levenberg–Marquardt (squared-error networks
      with at most 500 parameters; LM always steps on the whole training set);
    - ``"order"``: the simultaneous against the lecture's sequential update order;
    - ``"restarts"``: ``options`` = number N of restarts, or (N, "uniform" | "xavier"): N runs
      from random initial weights drawn with seeds 1 … N.

    Every run but the restarts starts from ``network``'s weights; all use the config's seed,
    so they see the same batches in the same order. ``network`` itself is never changed.
    The learning-rate and momentum comparisons step with the config's optimiser where it
    takes η (and α), else with gradient descent; restarts under Levenberg–Marquardt run
    one trainer per restart.
    """

    def __init__(
        self,
        network: Network,
        inputs: Array,
        targets: Array,
        config: TrainConfig,
        kind: str,
        options: Options = None,
    ) -> None:
        _check_kind(kind)
        self.kind = kind
        self.spec = network.spec
        config = config.validated()
        self._labels: list[str] = []
        self._groups: list[_Group] = []
        self._rates: tuple[float, ...] = ()
        self.iterations_done = 0
        # Not copied here: every trainer and sweep keeps its own copy of the data.
        x = np.atleast_2d(np.asarray(inputs, dtype=np.float64))
        t = np.atleast_2d(np.asarray(targets, dtype=np.float64))
        if kind == "eta":
            self._build_eta(network, x, t, config, options)
        elif kind == "momentum":
            self._build_momentum(network, x, t, config, options)
        elif kind == "optimizer":
            self._build_optimizer(network, x, t, config)
        elif kind == "order":
            self._build_order(network, x, t, config)
        else:
            self._build_restarts(network, x, t, config, options)
        self._per_epoch = iterations_per_epoch(int(x.shape[0]), config)
        full = kind == "optimizer" or min(config.batch_size, int(x.shape[0])) >= x.shape[0]
        self._full_batch = full

    # ------------------------------------------------------------- set-up
    def _build_eta(
        self, network: Network, x: Array, t: Array, config: TrainConfig, options: Options
    ) -> None:
        if options is None:
            rates: tuple[float, ...] = (0.05, 0.5, 1.5, 4.0)
        elif isinstance(options, (int, float)):
            rates = (float(options),)
        else:
            rates = tuple(float(r) for r in options)
        _check_rates(rates)
        optimizer = config.optimizer if config.optimizer in _STEP_OPTIMIZERS else "gd"
        base = replace(config, optimizer=optimizer)
        sweep = Sweep([network.copy() for _ in rates], x, t, base, etas=rates)
        self._groups.append(_Group(sweep=sweep))
        self._labels += [f"η = {format_value(r)}" for r in rates]
        self._rates = rates

    def _build_momentum(
        self, network: Network, x: Array, t: Array, config: TrainConfig, options: Options
    ) -> None:
        if options is None:
            alpha = config.momentum if config.momentum > 0 else 0.9
        elif isinstance(options, (int, float)):
            alpha = float(options)
        else:
            raise ConfigError("The momentum comparison takes one α, for example 0.9.")
        _check_alpha(alpha)
        optimizer = config.optimizer if config.optimizer in ("gd", "nesterov") else "gd"
        base = replace(config, optimizer=optimizer)
        sweep = Sweep([network.copy(), network.copy()], x, t, base, momenta=[0.0, alpha])
        self._groups.append(_Group(sweep=sweep))
        self._labels += ["α = 0", f"α = {format_value(alpha)}"]

    def _build_optimizer(self, network: Network, x: Array, t: Array, config: TrainConfig) -> None:
        LevenbergMarquardt.check(network)  # a ConfigError in words when LM cannot run
        gd = replace(config, optimizer="gd")
        lm = replace(config, optimizer="lm", update_order="simultaneous")
        for cfg, label in ((gd, "GD"), (lm, "Levenberg–Marquardt")):
            self._groups.append(_Group(trainer=Trainer(network.copy(), x, t, cfg)))
            self._labels.append(label)

    def _build_order(self, network: Network, x: Array, t: Array, config: TrainConfig) -> None:
        for order in ("simultaneous", "sequential"):
            cfg = replace(config, update_order=order).validated()
            self._groups.append(_Group(trainer=Trainer(network.copy(), x, t, cfg)))
            self._labels.append(order)

    def _build_restarts(
        self, network: Network, x: Array, t: Array, config: TrainConfig, options: Options
    ) -> None:
        count, method = 10, "uniform"
        if isinstance(options, (int, float)):
            count = int(options)
        elif isinstance(options, tuple) and len(options) == 2 and isinstance(options[1], str):
            count, method = int(options[0]), options[1]
        elif options is not None:
            raise ConfigError("Restarts take a number N, or N and xavier or uniform.")
        _check_restarts(count)
        if method not in RESTART_METHODS:
            raise ConfigError(f"Restarts draw uniform or xavier initial weights, not '{method}'.")
        nets = [initialize(network.spec, method, seed=k) for k in range(1, count + 1)]
        if config.optimizer == "lm":
            for net in nets:
                self._groups.append(_Group(trainer=Trainer(net, x, t, config)))
        else:
            self._groups.append(_Group(sweep=Sweep(nets, x, t, config)))
        self._labels += [f"restart {k}" for k in range(1, count + 1)]

    # ------------------------------------------------------------- running
    @property
    def iterations_per_epoch(self) -> int:
        """Iterations in one epoch at the config's batch size."""
        return self._per_epoch

    @property
    def n_runs(self) -> int:
        return len(self._labels)

    def advance(self, iterations: int) -> None:
        """Train every run (that has not diverged) for ``iterations`` more iterations."""
        if int(iterations) != iterations or iterations < 0:
            raise ConfigError(f"Give a whole number of iterations ≥ 0, not {iterations}.")
        if iterations == 0:
            return
        for group in self._groups:
            group.advance(int(iterations))
        self.iterations_done += int(iterations)

    def labels(self) -> list[str]:
        """Legend text per run: "η = 0.5", "α = 0.9", "GD", "sequential", "restart 3"."""
        return list(self._labels)

    def curves(self) -> list[Array]:
        """Each run's error per iteration (a copy); a diverged run's stops where it diverged."""
        return [curve for group in self._groups for curve in group.curves()]

    def diverged(self) -> list[bool]:
        """Whether each run's error became infinite or not a number."""
        return [flag for group in self._groups for flag in group.diverged()]

    def final_errors(self) -> Array:
        """Each run's error over the whole training set now (NaN for a diverged run)."""
        return np.array([e for group in self._groups for e in group.final_errors()])

    def result(self) -> ComparisonResult:
        """Everything a view draws, as read-only copies."""
        curves = self.curves()
        for curve in curves:
            curve.flags.writeable = False
        finals = self.final_errors()
        finals.flags.writeable = False
        return ComparisonResult(
            kind=self.kind,
            labels=tuple(self._labels),
            curves=tuple(curves),
            final_errors=finals,
            diverged=tuple(self.diverged()),
            iterations_done=self.iterations_done,
            rates=self._rates,
            full_batch=self._full_batch,
            output_activation=self.spec.layers[-1].activation,
        )


def iterations_per_epoch(samples: int, config: TrainConfig) -> int:
    """Iterations in one epoch of ``samples`` samples at the config's batch size."""
    return max(1, -(-samples // min(config.batch_size, max(1, samples))))


def check_comparison(
    network: Network,
    inputs: Array,
    targets: Array,
    config: TrainConfig,
    kind: str,
    options: Options = None,
) -> tuple[int, int]:
    """Whether ``Comparison(network, inputs, targets, config, kind, options)`` would be set up,
    found out on the first sample only (so without copying the data): ConfigError in words
    if not, else its number of runs and of iterations per epoch."""
    x = np.atleast_2d(np.asarray(inputs, dtype=np.float64))
    t = np.atleast_2d(np.asarray(targets, dtype=np.float64))
    probe = Comparison(network, x[:1], t[:1], config, kind, options)
    return probe.n_runs, iterations_per_epoch(int(x.shape[0]), config.validated())


# ----------------------------------------------------------------- checks
def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        known = ", ".join(KINDS)
        raise ConfigError(f"Unknown comparison '{kind}'. Choose one of: {known}.")


def _number(word: str, what: str) -> float:
    try:
        return parse_value(word)
    except ValueError:
        raise ConfigError(f"“{word}” is not a number (the {what}).") from None


def _check_rates(rates: Sequence[float]) -> None:
    if not rates:
        raise ConfigError("Give at least one learning rate to compare.")
    if len(rates) > MAX_RUNS:
        raise ConfigError(f"Compare at most {MAX_RUNS} learning rates at once, not {len(rates)}.")
    for rate in rates:
        TrainConfig(eta=rate).validated()


def _check_alpha(alpha: float) -> None:
    TrainConfig(momentum=alpha).validated()
    if alpha == 0:
        raise ConfigError("Pick a momentum α above 0 to compare with α = 0, for example 0.9.")


def _check_restarts(count: int) -> None:
    if not 2 <= count <= MAX_RUNS:
        raise ConfigError(f"Run 2 to {MAX_RUNS} random restarts, not {count}.")
