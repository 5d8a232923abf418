"""What side-by-side runs teach: demonstrations where the lecture's claim really shows, and an
honest report of a comparison (ties at the digits shown, the minima restarts end in, a floor).

The demonstrations (one per kind of comparison, :func:`demonstration`):

- learning rates on a 1-4-1 network with a linear output fitting 40 noisy points of a sine:
  η = 0.05 creeps, η = 0.5 settles, η = 1.5 overshoots and oscillates, η = 4 diverges. The
  lecture's own network cannot show the last two (see :data:`SATURATION`);
- momentum, and gradient descent against Levenberg–Marquardt, on XOR (2-2-1);
- the two update orders on the lecture's network (they end equal to the digits shown);
- 20 restarts of XOR (2-2-1, Xavier initial weights), which end in two distinct minima: most
  solve it, the others settle where two of the four patterns get an output near 0.5.

Every figure a report states is measured from the runs; none is written in here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig
from bpdesk.core.errors import ConfigError
from bpdesk.core.files.builtin import load_builtin
from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import format_value
from bpdesk.core.teaching.comparison import ComparisonResult

__all__ = [
    "ERROR_FLOOR",
    "SATURATION",
    "SUMMARY_DECIMALS",
    "Demonstration",
    "Minimum",
    "demonstration",
    "drawn_curve",
    "error_text",
    "minima",
    "plot_ceiling",
    "rate_behaviours",
    "rises",
    "summarise",
    "tied_with_best",
]

Array = NDArray[np.float64]

ERROR_FLOOR = 1e-12
"""Errors below this are drawn at it: every output then matches its target to about six
decimals, and what lies below is the computer's rounding (LM otherwise plots 10⁻³⁶)."""
CEILING_DECADES = 2  # a diverging curve is drawn up to 100 × the largest starting error
SUMMARY_DECIMALS = 6  # the digits a report prints; runs equal at them are a tie
MINIMUM_GAP = 0.5  # decades: sorted final errors further apart than this are distinct minima
SLOW_FACTOR = 2.0  # a smaller η ending this many times above the lowest error is "slow"

SATURATION = (
    "On the lecture's network every output is a sigmoid, so out stays between 0 and 1 and E "
    "stays small however large η is: a huge step drives the neurons into saturation, where "
    "the slope out(1 − out) is nearly 0, and training stalls instead of diverging."
)


@dataclass(frozen=True)
class Demonstration:
    """A ready-made comparison: network, data, settings, options (as typed) and its lesson."""

    kind: str
    title: str
    network: Network
    inputs: Array
    targets: Array
    config: TrainConfig
    options: str
    iterations: int
    lesson: str


def demonstration(kind: str) -> Demonstration:
    """The demonstration for ``kind`` (eta, momentum, optimizer, order, restarts), built anew."""
    if kind == "eta":
        data = load_builtin("sine", n=40, noise=0.1, seed=0)
        spec = NetworkSpec.build([1, 4, 1], ["sigmoid", "linear"], loss="half_sse")
        return Demonstration(
            kind,
            "a 1-4-1 network with a linear output fitting 40 noisy points of a sine",
            initialize(spec, "uniform", seed=1),
            data.inputs,
            data.targets,
            TrainConfig(eta=0.5, momentum=0.0, batch_size=40, shuffle=False),
            "0.05, 0.5, 1.5, 4",
            2000,
            "too small a step creeps, a good one settles, too large a one overshoots and "
            "oscillates, and a larger one diverges (the output is linear, so nothing stops it)",
        )
    if kind in ("momentum", "optimizer", "restarts"):
        xor = get_preset("xor")
        config = xor.config
        if kind == "momentum":
            config = TrainConfig(eta=0.5, momentum=0.0, batch_size=4, seed=3)
        lessons = {
            "momentum": ("0.9", 2000, "momentum α = 0.9 carries the steps over the flat stretch"),
            "optimizer": ("", 1000, "Levenberg–Marquardt reaches the plot's floor in a few steps"),
            "restarts": (
                "20 xavier",
                2000,
                "random starts end in different minima: most solve XOR, some settle where two "
                "of the four patterns get an output near 0.5",
            ),
        }
        options, iterations, lesson = lessons[kind]
        return Demonstration(
            kind,
            "XOR on a 2-2-1 logistic network",
            xor.network,
            xor.inputs,
            xor.targets,
            config,
            options,
            iterations,
            lesson,
        )
    if kind == "order":
        lecture = get_preset("lecture")
        return Demonstration(
            kind,
            "the lecture's 2-2-2 network and its one sample",
            lecture.network,
            lecture.inputs,
            lecture.targets,
            lecture.config,
            "",
            2000,
            "updating all weights at once or layer after layer gives curves on top of each other",
        )
    raise ConfigError(f"There is no demonstration for the comparison '{kind}'.")


# ----------------------------------------------------------------- drawing
def plot_ceiling(curves: Sequence[Array]) -> float:
    """Where a diverging curve leaves the plot: 100 × the largest starting error, rounded up
    to a power of ten (∞ when no curve has a finite start)."""
    starts = [float(c[0]) for c in curves if c.size and math.isfinite(c[0]) and c[0] > 0]
    if not starts:
        return math.inf
    return float(10.0 ** (math.ceil(math.log10(max(starts))) + CEILING_DECADES))


def drawn_curve(
    values: Array, *, floor: float = ERROR_FLOOR, ceiling: float = math.inf
) -> tuple[Array, Array]:
    """The points of one run's curve as drawn (x counted from 1): values below ``floor`` at
    the floor, non-finite ones left out, and the curve ending at its first value above
    ``ceiling`` (drawn at the ceiling: it leaves the plot there)."""
    y = np.asarray(values, dtype=np.float64).ravel()
    x = np.arange(1, y.size + 1, dtype=np.float64)
    above = np.flatnonzero(y > ceiling)
    if above.size:
        x, y = x[: above[0] + 1], y[: above[0] + 1].copy()
        y[-1] = ceiling
    keep = np.isfinite(y)
    return x[keep], np.maximum(y[keep], floor)


# ----------------------------------------------------------------- reporting
def error_text(value: float, *, floor: float = ERROR_FLOOR) -> str:
    """A final error as a report prints it: six decimals, or "below 10⁻¹²" under the floor."""
    if math.isfinite(value) and 0 <= value < floor:
        return f"below {_power(floor)}"
    return format_value(value, SUMMARY_DECIMALS)


def _e(value: float, sign: str = "=") -> str:
    """ "E = 0.010193", or "E below 10⁻¹²" under the floor."""
    text = error_text(value)
    return f"E {text}" if text.startswith("below") else f"E {sign} {text}"


def tied_with_best(finals: Sequence[float], candidates: Sequence[int]) -> list[int]:
    """The candidates whose final error prints the same as the lowest one's: a tie is
    decided at the digits shown, never by float equality."""
    usable = [i for i in candidates if math.isfinite(finals[i])]
    if not usable:
        return []
    best = min(usable, key=lambda i: finals[i])
    shown = error_text(finals[best])
    return [i for i in usable if error_text(finals[i]) == shown]


@dataclass(frozen=True)
class Minimum:
    """Restarts that ended at (nearly) the same error: in the same minimum."""

    members: tuple[int, ...]  # indices of the runs
    error: float  # their median final error

    @property
    def count(self) -> int:
        return len(self.members)


def minima(finals: Sequence[float] | Array, *, gap: float = MINIMUM_GAP) -> list[Minimum]:
    """Group final errors into minima, lowest first: sorted on a log scale, a jump of more
    than ``gap`` decades between neighbours starts a new minimum. Errors below the floor
    count as the floor; runs without a finite error are left out."""
    values = np.asarray(finals, dtype=np.float64)
    index = [i for i in range(values.size) if math.isfinite(values[i]) and values[i] >= 0]
    if not index:
        return []
    logs = np.log10(np.maximum(values[index], ERROR_FLOOR))
    order = np.argsort(logs, kind="stable")
    groups: list[list[int]] = [[index[order[0]]]]
    for previous, current in pairwise(order):
        if logs[current] - logs[previous] > gap:
            groups.append([])
        groups[-1].append(index[current])
    return [Minimum(tuple(sorted(g)), float(np.median(values[g]))) for g in groups]


def rises(curve: Array) -> int:
    """How many iterations raised the error above the one before (beyond rounding)."""
    y = np.asarray(curve, dtype=np.float64)
    if y.size < 2:
        return 0
    return int(np.sum(y[1:] > y[:-1] * (1 + 1e-12)))


def rate_behaviours(
    rates: Sequence[float],
    curves: Sequence[Array],
    finals: Sequence[float],
    diverged: Sequence[bool],
    *,
    full_batch: bool = True,
) -> list[str]:
    """What each learning rate did, measured from its run: "diverged"; "oscillates" (on a
    full batch its error rose in at least 1 % of the iterations, 3 at least); "lowest"
    (the lowest final error, ties at the digits shown included); "slow" (a smaller η than
    the lowest's, ending ≥ 2 × above it); else "higher"."""
    n = len(rates)
    kinds = ["" for _ in range(n)]
    steady = []
    for i in range(n):
        if diverged[i] or not math.isfinite(finals[i]):
            kinds[i] = "diverged"
        elif full_batch and rises(curves[i]) >= max(3, math.ceil(0.01 * curves[i].size)):
            kinds[i] = "oscillates"
        else:
            steady.append(i)
    best = tied_with_best(finals, steady)
    if not best:
        return kinds
    low_rate = min(rates[i] for i in best)
    for i in steady:
        if i in best:
            kinds[i] = "lowest"
        elif rates[i] < low_rate and finals[i] >= SLOW_FACTOR * finals[best[0]]:
            kinds[i] = "slow"
        else:
            kinds[i] = "higher"
    return kinds


def _power(value: float) -> str:
    exponent = round(math.log10(value))
    digits = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"10{digits}"


# ----------------------------------------------------------------- the summary
def summarise(result: ComparisonResult, total: int) -> str:
    """What the finished (or stopped) comparison shows, in a few sentences, from its runs."""
    done = result.iterations_done
    # a finished run needs no "done" (its length is in the box); a stopped one says where
    head = [] if done >= total else [f"Stopped after {done:,} iterations."]
    finals = [float(v) for v in result.final_errors]
    if result.kind == "eta" and len(result.rates) == len(result.labels):
        body = _rates_text(result, finals)
    elif result.kind == "restarts":
        body = _restarts_text(result, finals)
    else:
        body = _winner_text(result, finals)
    parts = [*head, *body]
    if any(f < ERROR_FLOOR for f in finals if math.isfinite(f)):
        parts.append(f"Errors below {_power(ERROR_FLOOR)} are drawn on the plot's floor there.")
    return " ".join(parts)


def _alive(result: ComparisonResult, finals: Sequence[float]) -> list[int]:
    return [i for i, gone in enumerate(result.diverged) if not gone and math.isfinite(finals[i])]


def _diverged_text(result: ComparisonResult) -> list[str]:
    gone = [
        f"{label} (at iteration {curve.size + 1:,})"
        for label, curve, flag in zip(result.labels, result.curves, result.diverged, strict=True)
        if flag
    ]
    return [f"Diverged (the error became infinite): {', '.join(gone)}."] if gone else []


def _winner_text(result: ComparisonResult, finals: Sequence[float]) -> list[str]:
    best = tied_with_best(finals, _alive(result, finals))
    parts: list[str] = []
    if len(best) > 1:
        names = " and ".join(result.labels[i] for i in best)
        parts.append(f"A tie: {names} end at {_e(finals[best[0]])} (equal to the digits shown).")
    elif best:
        parts.append(f"Lowest final error: {result.labels[best[0]]} ({_e(finals[best[0]])}).")
    return parts + _diverged_text(result)


def _rates_text(result: ComparisonResult, finals: Sequence[float]) -> list[str]:
    kinds = rate_behaviours(
        result.rates, result.curves, finals, result.diverged, full_batch=result.full_batch
    )
    best = [i for i, k in enumerate(kinds) if k == "lowest"]
    low = finals[best[0]] if best else math.nan
    parts = []
    for i, kind in enumerate(kinds):
        label, e = result.labels[i], _e(finals[i])
        if kind == "lowest":
            text = f"{label} ends lowest ({e})"
            if len(best) > 1:
                text += ", tied at the digits shown"
        elif kind == "slow":
            text = f"{label} is slow: still at {e}, {finals[i] / low:.3g} × the lowest"
        elif kind == "oscillates":
            text = (
                f"{label} overshoots: its error rose in {rises(result.curves[i]):,} of "
                f"{result.curves[i].size:,} iterations ({e} at the end)"
            )
        elif kind == "diverged":
            text = f"{label} diverged at iteration {result.curves[i].size + 1:,}"
        else:
            text = f"{label} ends higher ({e})"
        parts.append(text)
    sentences = ["; ".join(parts) + "."]
    sigmoid = result.output_activation in ("sigmoid", "logistic")
    if sigmoid and not any(k == "diverged" for k in kinds):
        sentences.append(SATURATION)
    return sentences


def _restarts_text(result: ComparisonResult, finals: Sequence[float]) -> list[str]:
    groups = minima([finals[i] for i in _alive(result, finals)])
    n = len(result.labels)
    if not groups:
        return _diverged_text(result)
    if len(groups) == 1:
        text = (
            f"All {groups[0].count} restarts end near the same error "
            f"({_e(groups[0].error, '≈')}): the same minimum from every start, "
            "or a plateau not left yet."
        )
        return [text, *_diverged_text(result)]
    parts = []
    for k, group in enumerate(groups):
        share = f"{group.count} of {n} restarts ({100 * group.count / n:.0f} %)"
        where = _e(group.error, "≈")
        if k == 0:
            parts.append(f"{share} end near {where}, the lowest found")
        else:
            parts.append(f"{share} near {where}")
    return [
        f"{len(groups)} distinct minima: " + "; ".join(parts) + ".",
        "The higher ones are local minima: where a run ends depends on where it starts.",
        *_diverged_text(result),
    ]
