"""Times the teaching tools' error landscapes and side-by-side runs against hand-written
stacked NumPy that computes the same numbers.

Run from anywhere: ``python tests/benchmarks/bench_teaching.py [--quick] [--repeat N]``.
Rows: the error landscape over w5 × w6 (the landscape view's default pair and range ± 2)
on a 61 × 61 grid for the lecture, spirals and digits presets, and two side-by-side
comparisons: 4 learning rates × 2,000 iterations on the lecture network, and 20 random
restarts × 2,000 iterations on XOR. Each baseline stacks its networks K deep and runs
them as one computation, written out by hand for that network. bpdesk's and the
baseline's numbers are checked to agree (to 1e-9). The contenders of a row are timed in
turns (A B, B A, …) and the best time of each is kept. Figures are printed line by
line; the last line is one JSON object holding them all. A missed goal is reported,
never an error: a benchmark is not a test. ``run(quick, repeat)`` returns that object
(for a combined benchmark to call).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent  # the shared timing module beside this script
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from timing import Prepare, load_average, numpy_threads, plain, race  # noqa: E402

from bpdesk.core.engine.init import initialize  # noqa: E402
from bpdesk.core.engine.network import Network  # noqa: E402
from bpdesk.core.engine.trainer import TrainConfig  # noqa: E402
from bpdesk.core.files.documents import open_source  # noqa: E402
from bpdesk.core.teaching.comparison import Comparison  # noqa: E402
from bpdesk.core.teaching.landscape import error_grid  # noqa: E402

GOAL = 1.2  # bpdesk at most this many times its hand-written stacked NumPy equivalent
AGREE = 1e-9  # bpdesk's and the baseline's numbers agree to this (absolute)
EPS = 1e-12  # the floor bpdesk puts under out before a logarithm
PAIR = ("w5", "w6")  # the landscape view's default pair
SPAN = 2.0  # the landscape view's default range (±)
CHUNK_FLOATS = 4_000_000  # the baseline's memory bound: activations held at once
RATES = (0.01, 0.5, 5.0, 50.0)  # the comparison view's default learning rates


@dataclass(frozen=True)
class Sizes:
    """How big each row is."""

    grid: int  # landscape points a side
    iterations: int  # iterations of each side-by-side run
    restarts: int


FULL = Sizes(61, 2_000, 20)
QUICK = Sizes(7, 20, 20)  # about 100× less work


# ------------------------------------------------------------------ timing


# ------------------------------------------------------------------ baselines
def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
    "softmax": softmax,
}


def landscape_numpy(net: Network, x: np.ndarray, t: np.ndarray, size: int) -> np.ndarray:
    """E at every point of the grid of w5 × w6 (± SPAN, ``size`` a side): every setting's
    weights stacked K deep and run through the network at once, in memory-bounded slices."""
    spec = net.spec
    refs = [spec.ref(name) for name in PAIR]
    xs = np.linspace(net.get(PAIR[0]) - SPAN, net.get(PAIR[0]) + SPAN, size)
    ys = np.linspace(net.get(PAIR[1]) - SPAN, net.get(PAIR[1]) + SPAN, size)
    gx, gy = np.meshgrid(xs, ys)
    settings = np.column_stack([gx.ravel(), gy.ravel()])
    fns = [ACTIVATIONS[layer.activation] for layer in spec.layers]
    n = x.shape[0]
    chunk = max(1, CHUNK_FLOATS // (n * max(spec.sizes)))
    errors = np.empty(settings.shape[0])
    for start in range(0, settings.shape[0], chunk):
        part = settings[start : start + chunk]
        k = part.shape[0]
        ws = [np.repeat(w[None], k, axis=0) for w in net.weights]
        bs = [np.repeat(b[None], k, axis=0) for b in net.biases]
        for column, ref in enumerate(refs):
            (ws if ref.kind == "w" else bs)[ref.layer][:, ref.row, ref.col] = part[:, column]
        a = x
        for w, b, f in zip(ws, bs, fns, strict=True):
            a = f(a @ w + b)
        if spec.loss == "cce":
            terms = -t * np.log(np.clip(a, EPS, None))
        else:
            diff = t - a
            terms = 0.5 * diff * diff
        errors[start : start + k] = terms.sum(axis=(-2, -1)) / n
    return errors.reshape(size, size)


def lecture_rates_numpy(net: Network, x, t, etas: Sequence[float], steps: int):
    """The lecture's 2-2-2 network (sigmoid, ½ SSE, biases frozen, online) once per rate,
    the runs stacked K deep; returns the stacked weights and steps × K errors."""
    k = len(etas)
    eta = np.array(etas).reshape(k, 1, 1)
    w0, w1 = (np.repeat(w[None], k, axis=0) for w in net.weights)
    b0, b1 = net.biases
    errors = np.empty((steps, k))
    for i in range(steps):
        h = sigmoid(x @ w0 + b0)
        o = sigmoid(h @ w1 + b1)
        diff = o - t
        errors[i] = (0.5 * diff * diff).sum(axis=(-2, -1))
        d1 = diff * (o * (1.0 - o))
        d0 = (d1 @ w1.swapaxes(-1, -2)) * (h * (1.0 - h))
        w1 = w1 - eta * (h.swapaxes(-1, -2) @ d1)
        w0 = w0 - eta * (x.T @ d0)
    return [w0, w1], [np.repeat(b[None], k, axis=0) for b in (b0, b1)], errors


def xor_restarts_numpy(nets: Sequence[Network], x, t, eta: float, alpha: float, steps: int):
    """2-2-1 sigmoid, ½ SSE, full batch, biases trained, momentum: the restarts stacked
    K deep; returns the stacked weights, biases and steps × K errors."""
    w0, w1 = (np.stack([net.weights[i] for net in nets]) for i in range(2))
    b0, b1 = (np.stack([net.biases[i] for net in nets]) for i in range(2))
    v = [np.zeros_like(a) for a in (w0, b0, w1, b1)]
    n = x.shape[0]
    errors = np.empty((steps, len(nets)))
    for i in range(steps):
        h = sigmoid(x @ w0 + b0)
        o = sigmoid(h @ w1 + b1)
        diff = o - t
        errors[i] = (0.5 * diff * diff).sum(axis=(-2, -1)) / n
        d1 = diff * (o * (1.0 - o))
        d0 = (d1 @ w1.swapaxes(-1, -2)) * (h * (1.0 - h))
        grads = (
            x.T @ d0 / n,
            d0.sum(axis=-2, keepdims=True) / n,
            h.swapaxes(-1, -2) @ d1 / n,
            d1.sum(axis=-2, keepdims=True) / n,
        )
        v = [-eta * g + alpha * p for g, p in zip(grads, v, strict=True)]
        w0, b0, w1, b1 = (a + d for a, d in zip((w0, b0, w1, b1), v, strict=True))
    return [w0, w1], [b0, b1], errors


def stacked_final_errors(net: Network, ws, bs, x, t) -> np.ndarray:
    """Each stacked run's error over the whole data set (½ SSE, sigmoid layers)."""
    a = x
    for w, b in zip(ws, bs, strict=True):
        a = sigmoid(a @ w + b)
    diff = t - a
    return (0.5 * diff * diff).sum(axis=(-2, -1)) / x.shape[0]


# ------------------------------------------------------------------ printing


def verdict(ratio: float) -> str:
    return f"(goal ≤ {GOAL:g}×: {'met' if ratio <= GOAL else 'MISSED'})"


def line(label: str, seconds: float, count: int, unit: str) -> None:
    print(f"   {label:<30}{seconds:9.4f} s  {seconds / count * 1e6:9.2f} µs/{unit}")


def record(
    out: dict[str, Any], name: str, best: dict[str, tuple[float, Any]], diff: float, what: str
) -> None:
    """Print the ratio and agreement of row ``name``; put its figures into ``out``."""
    core_s, numpy_s = best["bpdesk"][0], best["numpy"][0]
    ratio = core_s / numpy_s
    agree = bool(diff <= AGREE)
    print(f"   {'bpdesk / stacked NumPy':<30}{ratio:9.2f}×  {verdict(ratio)}")
    print(
        f"   same {what} (to {AGREE:g}): {'yes' if agree else 'NO'} (largest difference {diff:.1e})"
    )
    out["figures"].update({f"{name}_s": core_s, f"{name}_numpy_s": numpy_s})
    out["ratios"][f"{name}_over_numpy"] = ratio
    out["checks"].update({f"{name}_agree": agree, f"{name}_max_diff": diff})


# ------------------------------------------------------------------ rows
def bench_landscape(preset: str, size: int, repeat: int, out: dict[str, Any]) -> None:
    trainer = open_source(preset).trainer
    net, x, t = trainer.network, trainer.inputs, trainer.targets
    print(
        f"\nLandscape, {preset} {'-'.join(map(str, net.spec.sizes))} "
        f"({x.shape[0]:,} samples): E over {PAIR[0]} × {PAIR[1]} ± {SPAN:g}, "
        f"{size} × {size} grid"
    )
    jobs: dict[str, Prepare] = {
        "bpdesk": lambda: lambda: error_grid(net, x, t, *PAIR, span=SPAN, size=size).errors,
        "numpy": lambda: lambda: landscape_numpy(net, x, t, size),
    }
    best = race(jobs, repeat)
    points = size * size
    line("bpdesk error_grid", best["bpdesk"][0], points, "point")
    line("stacked NumPy", best["numpy"][0], points, "point")
    diff = float(np.max(np.abs(best["bpdesk"][1] - best["numpy"][1])))
    record(out, f"landscape_{preset}", best, diff, "E at every grid point")


def comparison_job(net: Network, x, t, config: TrainConfig, kind: str, options, steps: int):
    """Build a Comparison, run it and take its result (what the comparison view needs)."""

    def job() -> Any:
        comparison = Comparison(net, x, t, config, kind, options)
        comparison.advance(steps)
        return comparison.result()

    return job


def comparison_diff(result: Any, errors: np.ndarray, finals: np.ndarray) -> float:
    """Largest difference in any run's error, iteration by iteration, and at the end."""
    if any(curve.shape != errors.shape[:1] for curve in result.curves):
        return math.inf  # a run stopped early (diverged): not the same numbers
    curves = np.column_stack(result.curves)
    return max(
        float(np.max(np.abs(curves - errors))),
        float(np.max(np.abs(result.final_errors - finals))),
    )


def bench_rates(steps: int, repeat: int, out: dict[str, Any]) -> None:
    trainer = open_source("lecture").trainer
    net, x, t, config = trainer.network, trainer.inputs, trainer.targets, trainer.config
    rates = ", ".join(f"{r:g}" for r in RATES)
    print(f"\nSide by side, lecture 2-2-2: {len(RATES)} learning rates ({rates}) × {steps:,} steps")
    jobs: dict[str, Prepare] = {
        "bpdesk": lambda: comparison_job(net, x, t, config, "eta", RATES, steps),
        "numpy": lambda: lambda: lecture_rates_numpy(net, x, t, RATES, steps),
    }
    best = race(jobs, repeat)
    line("bpdesk Comparison", best["bpdesk"][0], steps * len(RATES), "run-step")
    line("stacked NumPy", best["numpy"][0], steps * len(RATES), "run-step")
    ws, bs, errors = best["numpy"][1]
    finals = stacked_final_errors(net, ws, bs, x, t)
    diff = comparison_diff(best["bpdesk"][1], errors, finals)
    record(out, "rates_lecture", best, diff, "error of every run at every step")


def bench_restarts(count: int, steps: int, repeat: int, out: dict[str, Any]) -> None:
    trainer = open_source("xor").trainer
    net, x, t, config = trainer.network, trainer.inputs, trainer.targets, trainer.config
    print(
        f"\nSide by side, XOR 2-2-1: {count} random restarts (uniform) × {steps:,} iterations, "
        f"η {config.eta:g}, α {config.momentum:g}, full batch"
    )
    nets = [initialize(net.spec, "uniform", seed=k) for k in range(1, count + 1)]
    options = (count, "uniform")
    jobs: dict[str, Prepare] = {
        "bpdesk": lambda: comparison_job(net, x, t, config, "restarts", options, steps),
        "numpy": lambda: lambda: xor_restarts_numpy(nets, x, t, config.eta, config.momentum, steps),
    }
    best = race(jobs, repeat)
    line("bpdesk Comparison", best["bpdesk"][0], steps * count, "run-iteration")
    line("stacked NumPy", best["numpy"][0], steps * count, "run-iteration")
    ws, bs, errors = best["numpy"][1]
    finals = stacked_final_errors(net, ws, bs, x, t)
    diff = comparison_diff(best["bpdesk"][1], errors, finals)
    record(out, "restarts_xor", best, diff, "error of every run at every iteration")


# ------------------------------------------------------------------ main
def run(quick: bool, repeat: int) -> dict[str, Any]:
    """Run every row (``quick``: about 100× less work), print them and return the figures."""
    sizes = QUICK if quick else FULL
    threads, load = numpy_threads(), load_average()
    print(
        f"bpdesk teaching benchmark{' (quick)' if quick else ''}: Python "
        f"{platform.python_version()}, NumPy {np.__version__}, {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs, NumPy threads {threads}, "
        f"load average {load}"
    )
    print(
        f"Best of {repeat}, contenders timed in turns (time.perf_counter, garbage collector "
        "off while timing); bpdesk's times include building the comparison."
    )
    out: dict[str, Any] = {
        "quick": quick,
        "repeat": repeat,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_threads": threads,
        "load_average": load,
        "sizes": {
            "grid": sizes.grid,
            "iterations": sizes.iterations,
            "restarts": sizes.restarts,
            "rates": len(RATES),
        },
        "figures": {},
        "ratios": {},
        "checks": {},
        "goals": {"over_numpy_max": GOAL},
    }
    for preset in ("lecture", "spirals", "digits"):
        bench_landscape(preset, sizes.grid, repeat, out)
    bench_rates(sizes.iterations, repeat, out)
    bench_restarts(sizes.restarts, sizes.iterations, repeat, out)
    met = {name: value <= GOAL for name, value in out["ratios"].items()}
    out["goals_met"] = met
    missed = [name for name, ok in met.items() if not ok]
    print(
        f"\nGoals missed: {', '.join(missed) if missed else 'none'} "
        "(reported only; a benchmark never fails on a goal)"
    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every row about 100× smaller")
    parser.add_argument("--repeat", type=int, default=None, help="timings per figure (best kept)")
    args = parser.parse_args(argv)
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 5)
    if repeat < 1:
        parser.error("--repeat needs a whole number ≥ 1")
    out = run(args.quick, repeat)
    print(json.dumps(out, allow_nan=False, default=plain))
    return 0


if __name__ == "__main__":
    sys.exit(main())
