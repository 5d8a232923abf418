"""The training settings and network-shape limits: one rule per setting, said in plain words.

Every place that takes a setting from a person (the training config itself, the GUI's
fields, the command line, a session file) asks the rule here, so all of them refuse the
same values with the same reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from numbers import Real

from bpdesk.core.engine.network import MAX_HIDDEN_LAYERS
from bpdesk.core.engine.optimizers import OPTIMIZERS
from bpdesk.core.errors import ConfigError

__all__ = [
    "BATCH_SIZE",
    "EPOCHS",
    "HIDDEN_LAYERS",
    "ITERATIONS",
    "LEARNING_RATE",
    "MAX_EPOCHS",
    "MAX_ETA",
    "MAX_NEURONS",
    "MAX_SEED",
    "MAX_WEIGHT",
    "MAX_WEIGHT_DECAY",
    "MOMENTUM",
    "NEURONS",
    "PATIENCE",
    "SEED",
    "SETTINGS",
    "UPDATE_ORDERS",
    "WEIGHT_DECAY",
    "Setting",
    "TrainConfig",
    "check_batch_size",
    "check_epochs",
    "check_hidden_layers",
    "check_learning_rate",
    "check_momentum",
    "check_neurons",
    "check_optimizer",
    "check_parameter_value",
    "check_patience",
    "check_seed",
    "check_setting",
    "check_split",
    "check_split_size",
    "check_update_order",
    "check_weight_decay",
    "split_counts",
]

UPDATE_ORDERS = ("simultaneous", "sequential")
MAX_ETA = 1e6
MAX_EPOCHS = 1_000_000
MAX_SEED = 2**31 - 1
MAX_NEURONS = 32
"""The most neurons a person gives one hidden layer (the canvas draws them all)."""
MAX_WEIGHT = 1e6
"""The largest size a person may type for a weight or a bias."""
MAX_WEIGHT_DECAY = 10.0
"""The largest weight decay λ (beyond it every weight is pulled to 0 in a few steps)."""


def _as_float(value: object) -> float | None:
    """``value`` as a float when it is a number (not True/False), else None."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf if str(value)[:1] != "-" else -math.inf


def shown(value: object) -> str:
    """A number as a message shows it: whole numbers without a point, NaN and ∞ in words."""
    number = _as_float(value)
    if number is None:
        return repr(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "infinity" if number > 0 else "minus infinity"
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:g}"


@dataclass(frozen=True)
class Setting:
    """One number a person sets, its allowed range and how a refusal says so.

    ``low_open``/``high_open`` leave the limit itself out (η > 0, α < 1); ``high`` None
    means no upper limit.
    """

    name: str
    what: str  # as a sentence names it: "the learning rate η"
    low: float
    high: float | None = None
    integer: bool = False
    low_open: bool = False
    high_open: bool = False

    def allows(self, value: object) -> bool:
        """True when ``value`` may be used."""
        number = _as_float(value)
        if (
            number is None
            or not math.isfinite(number)
            or (self.integer and not number.is_integer())
        ):
            return False
        above = number > self.low if self.low_open else number >= self.low
        if self.high is None:
            return above
        below = number < self.high if self.high_open else number <= self.high
        return above and below

    def limits(self) -> str:
        """The allowed range in words: "a whole number from 1 to 32", "at least 0 and below 1"…"""
        low, high = shown(self.low), None if self.high is None else shown(self.high)
        if self.integer:
            if high is None:
                return f"a whole number ≥ {low}"
            return f"a whole number from {low} to {high}"
        words = [f"a number above {low}" if self.low_open else f"at least {low}"]
        if high is not None:
            words.append(f"below {high}" if self.high_open else f"at most {high}")
        return " and ".join(words)

    def whole_range(self) -> tuple[int, int]:
        """The lowest and highest whole number allowed (for a spin box or a counter)."""
        if not self.integer or self.high is None or self.low_open or self.high_open:
            raise ValueError(f"The setting {self.name} has no closed range of whole numbers.")
        return int(self.low), int(self.high)

    def check(self, value: object) -> str | None:
        """Why ``value`` cannot be used (one sentence), or None when it can."""
        if self.allows(value):
            return None
        what = self.what[:1].upper() + self.what[1:]
        return f"{what} must be {self.limits()}, not {shown(value)}."

    def checked(self, value: object) -> float:
        """``value`` as a float, or a ConfigError saying why it cannot be used."""
        reason = self.check(value)
        if reason is not None:
            raise ConfigError(reason)
        assert isinstance(value, Real)
        return float(value)


LEARNING_RATE = Setting("eta", "the learning rate η", 0.0, MAX_ETA, low_open=True)
MOMENTUM = Setting("momentum", "the momentum α", 0.0, 1.0, high_open=True)
BATCH_SIZE = Setting("batch_size", "the batch size", 1, integer=True)
EPOCHS = Setting("epochs", "the number of epochs", 1, MAX_EPOCHS, integer=True)
ITERATIONS = Setting("iterations", "the number of iterations", 0, integer=True)
SEED = Setting("seed", "the seed", 0, MAX_SEED, integer=True)
HIDDEN_LAYERS = Setting(
    "hidden_layers", "the number of hidden layers", 0, MAX_HIDDEN_LAYERS, integer=True
)
NEURONS = Setting(
    "neurons", "the number of neurons in a hidden layer", 1, MAX_NEURONS, integer=True
)
WEIGHT_DECAY = Setting("weight_decay", "the weight decay λ", 0.0, MAX_WEIGHT_DECAY)
PATIENCE = Setting(
    "patience",
    "the patience (epochs without a better validation error; 0 never stops early)",
    0,
    MAX_EPOCHS,
    integer=True,
)

SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        LEARNING_RATE,
        MOMENTUM,
        BATCH_SIZE,
        EPOCHS,
        ITERATIONS,
        SEED,
        HIDDEN_LAYERS,
        NEURONS,
        WEIGHT_DECAY,
        PATIENCE,
    )
}


def check_setting(name: str, value: object) -> str | None:
    """Why ``value`` cannot be the setting ``name`` (a key of SETTINGS), or None."""
    return SETTINGS[name].check(value)


def check_learning_rate(value: object) -> str | None:
    return LEARNING_RATE.check(value)


def check_momentum(value: object) -> str | None:
    return MOMENTUM.check(value)


def check_batch_size(value: object, n_samples: int | None = None) -> str | None:
    """Why ``value`` cannot be the batch size; with ``n_samples`` it may not exceed the data."""
    reason = BATCH_SIZE.check(value)
    if reason is not None or n_samples is None:
        return reason
    fitting = Setting("batch_size", "the batch size", 1, max(1, n_samples), integer=True)
    if fitting.allows(value):
        return None
    return f"The batch size must be {fitting.limits()} (the number of samples), not {shown(value)}."


def check_epochs(value: object) -> str | None:
    return EPOCHS.check(value)


def check_seed(value: object) -> str | None:
    return SEED.check(value)


def check_hidden_layers(count: object) -> str | None:
    return HIDDEN_LAYERS.check(count)


def check_neurons(size: object) -> str | None:
    return NEURONS.check(size)


def check_parameter_value(name: str, value: object) -> str | None:
    """Why ``value`` cannot be the weight or bias ``name``, or None: THE one rule for a
    parameter's value, asked by the canvas, the table, the step machine and session files."""
    number = _as_float(value)
    if number is not None and math.isfinite(number) and abs(number) <= MAX_WEIGHT:
        return None
    limit = shown(MAX_WEIGHT)
    return f"{name} must be a finite number from −{limit} to {limit}, not {shown(value)}."


def check_weight_decay(value: object, optimizer: object = None) -> str | None:
    """Why ``value`` cannot be the weight decay λ (with ``optimizer``, if given), or None."""
    reason = WEIGHT_DECAY.check(value)
    if reason is None and optimizer == "lm" and _as_float(value) != 0.0:
        return (
            "Levenberg–Marquardt in bpdesk has no weight decay: set λ to 0 or choose "
            "another optimiser."
        )
    return reason


def check_patience(value: object) -> str | None:
    return PATIENCE.check(value)


def check_split_size(value: object, part: str = "test") -> str | None:
    """Why ``value`` cannot be the size of the ``part`` ("validation" or "test") of a split,
    or None. A size is a fraction of the samples (a number between 0 and 1, like 0.2) or a
    count of samples (a whole number like 30); 0 means no such part."""
    number = _as_float(value)
    if number is not None and math.isfinite(number) and number >= 0.0:
        if number < 1.0 or (number.is_integer() and number <= MAX_SPLIT_COUNT):
            return None
    return (
        f"The size of the {part} part must be a fraction between 0 and 1 (like 0.2) or a "
        f"whole number of samples (like 30), not {shown(value)}."
    )


MAX_SPLIT_COUNT = 10_000_000


def _count(size: float, n_samples: int) -> int:
    """A size as a number of samples: a fraction of ``n_samples`` rounded half up, or a count."""
    if size < 1.0:
        return math.floor(n_samples * size + 0.5)
    return int(size)


def split_counts(validation: object, test: object, n_samples: int) -> tuple[int, int]:
    """(validation samples, test samples) of a split of ``n_samples``, or a ConfigError saying
    in words why these sizes cannot split the data (each part asked for keeps at least one
    sample, and so does the training part)."""
    reason = check_split(validation, test, n_samples)
    if reason is not None:
        raise ConfigError(reason)
    assert isinstance(validation, Real) and isinstance(test, Real)
    return _count(float(validation), n_samples), _count(float(test), n_samples)


def check_split(validation: object, test: object, n_samples: int) -> str | None:
    """Why ``validation`` and ``test`` sizes cannot split ``n_samples`` samples, or None:
    THE one rule for a split, asked by the parameter panel, the command line and sessions."""
    for value, part in ((validation, "validation"), (test, "test")):
        reason = check_split_size(value, part)
        if reason is not None:
            return reason
    assert isinstance(validation, Real) and isinstance(test, Real)
    counts: dict[str, int] = {}
    for value, part in ((validation, "validation"), (test, "test")):
        size = float(value)
        counts[part] = _count(size, n_samples)
        if size > 0.0 and counts[part] < 1:
            return (
                f"A {part} part of {shown(size)} of {n_samples} samples holds no sample: "
                "make it larger or 0."
            )
    kept = n_samples - counts["validation"] - counts["test"]
    if kept < 1:
        return (
            f"The validation ({counts['validation']}) and test ({counts['test']}) parts take "
            f"all {n_samples} samples: at least one must be left to train on."
        )
    return None


def check_optimizer(name: object) -> str | None:
    if name in OPTIMIZERS:
        return None
    return f"Unknown optimiser '{name}'. Choose one of: {', '.join(OPTIMIZERS)}."


def check_update_order(name: object, optimizer: object = None) -> str | None:
    """Why ``name`` cannot be the update order (with ``optimizer``, if given), or None."""
    if name not in UPDATE_ORDERS:
        return f"Unknown update order '{name}': choose simultaneous or sequential."
    if name == "sequential" and optimizer == "lm":
        return (
            "Levenberg–Marquardt moves every weight at once, so it has no sequential "
            "update order: choose the simultaneous order or another optimiser."
        )
    return None


@dataclass(frozen=True)
class TrainConfig:
    """Every hyper-parameter of a training run."""

    eta: float = 0.5
    momentum: float = 0.0
    batch_size: int = 1
    optimizer: str = "gd"
    update_order: str = "simultaneous"
    train_biases: bool = True
    shuffle: bool = True
    seed: int = 0
    weight_decay: float = 0.0  # λ: ∂E/∂w gains λ·w (the biases are not decayed)
    patience: int = 0  # stop after this many epochs without a better validation error; 0: never

    def validated(self) -> TrainConfig:
        """This config, or a ConfigError saying in words which value cannot be used."""
        for reason in (
            check_learning_rate(self.eta),
            check_momentum(self.momentum),
            check_batch_size(self.batch_size),
            check_optimizer(self.optimizer),
            check_update_order(self.update_order, self.optimizer),
            check_seed(self.seed),
            check_weight_decay(self.weight_decay, self.optimizer),
            check_patience(self.patience),
        ):
            if reason is not None:
                raise ConfigError(reason)
        return replace(
            self,
            batch_size=int(self.batch_size),
            seed=int(self.seed),
            weight_decay=float(self.weight_decay),
            patience=int(self.patience),
        )
