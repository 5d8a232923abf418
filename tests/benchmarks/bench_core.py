"""Times bpdesk's training core against minimal hand-written loops (and PyTorch when present).

Run from anywhere: ``python tests/benchmarks/bench_core.py [--quick] [--repeat N]``.
Every loop, bpdesk's and the baselines', computes and records the error of every
iteration, because bpdesk's Trainer keeps that error history for the plot.
The contenders of a workload are timed in turns (A B C, A B C, …) and the best
time of each is kept, so a busy machine slows them alike. The figures are printed
line by line; the last line is one JSON object holding them all. A missed goal is
reported, never an error: a benchmark is not a test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent  # the shared timing module beside this script
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench_teaching  # noqa: E402
from timing import Prepare, load_average, numpy_threads, plain, race  # noqa: E402

from bpdesk.allocator import keep_freed_memory  # noqa: E402
from bpdesk.core.engine.init import initialize  # noqa: E402
from bpdesk.core.engine.network import Network, NetworkSpec  # noqa: E402
from bpdesk.core.engine.sweep import Sweep  # noqa: E402
from bpdesk.core.engine.trainer import TrainConfig, Trainer  # noqa: E402
from bpdesk.core.files.presets import get_preset  # noqa: E402

CORE_GOAL = 1.1  # bpdesk's Trainer at most this many times the minimal NumPy loop's time
PYTHON_GOAL = 2.0  # the lecture net: the Trainer at most this many times a pure-Python loop
SWEEP_GOAL = 3.0  # a 32-way sweep at most this many times one single run's time
STACKED_GOAL = 1.1  # a 32-way sweep at most this many times a hand-written stacked loop
WEIGHT_TOL = 1e-9
EPS = 1e-12  # the floor bpdesk puts under out before a logarithm


@dataclass(frozen=True)
class Sizes:
    """How big each workload is."""

    lecture_steps: int
    spiral_points: int
    spiral_epochs: int
    digits_samples: int
    digits_epochs: int
    sweep_runs: int
    sweep_epochs: int
    lecture_sweep_steps: int


FULL = Sizes(10_000, 400, 2_000, 1_797, 20, 32, 200, 2_000)
QUICK = Sizes(100, 400, 20, 180, 2, 32, 2, 20)  # about 100× less work


# ------------------------------------------------------------------ timing


def fixed(job: Callable[[], Any]) -> Prepare:
    """A job with no set-up of its own (it copies what it changes)."""
    return lambda: job


def trainer_job(make: Callable[[], Trainer], **run: int) -> Prepare:
    """Builds a fresh Trainer (not timed), then times ``run(**run)`` alone."""

    def prepare() -> Callable[[], Trainer]:
        trainer = make()

        def job() -> Trainer:
            trainer.run(**run)
            return trainer

        return job

    return prepare


def page_faults() -> int | None:
    """Minor page faults of this process so far (None where the system does not count them)."""
    try:
        import resource
    except ImportError:
        return None
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_minflt)


# ------------------------------------------------------------------ data
def two_spirals(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n points on two interleaved spirals in about [−1, 1]², targets 0 and 1."""
    rng = np.random.default_rng(seed)
    half = n // 2
    turn = np.sqrt(rng.uniform(0.0, 1.0, half)) * 3.0 * np.pi
    radius = turn / (3.0 * np.pi)
    arm = np.column_stack([radius * np.cos(turn), radius * np.sin(turn)])
    arm += rng.normal(0.0, 0.02, arm.shape)
    x = np.vstack([arm, -arm])
    t = np.vstack([np.zeros((half, 1)), np.ones((half, 1))])
    return x, t


def random_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n random 8 × 8 "images" in [0, 16) with random one-hot labels of 10 classes."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 16.0, (n, 64))
    t = np.eye(10)[rng.integers(0, 10, n)]
    return x, t


@dataclass(frozen=True)
class Workload:
    """A network, its data and its training settings."""

    network: Network
    inputs: np.ndarray
    targets: np.ndarray
    config: TrainConfig
    epochs: int

    @property
    def batch(self) -> int:
        return min(self.config.batch_size, self.inputs.shape[0])

    @property
    def iterations(self) -> int:
        return self.epochs * -(-self.inputs.shape[0] // self.batch)

    def trainer(self, eta: float | None = None) -> Trainer:
        config = self.config if eta is None else replace(self.config, eta=eta)
        return Trainer(self.network.copy(), self.inputs, self.targets, config)


def lecture_workload(steps: int) -> Workload:
    preset = get_preset("lecture")
    return Workload(preset.network, preset.inputs, preset.targets, preset.config, steps)


def spirals_workload(points: int, epochs: int) -> Workload:
    spec = NetworkSpec.build([2, 16, 16, 1], ["tanh", "tanh", "sigmoid"], loss="half_sse")
    x, t = two_spirals(points, seed=7)
    config = TrainConfig(eta=1.0, batch_size=points, shuffle=False, seed=0)
    return Workload(initialize(spec, "xavier", seed=1), x, t, config, epochs)


def digits_workload(samples: int, epochs: int) -> Workload:
    spec = NetworkSpec.build([64, 32, 10], ["sigmoid", "softmax"], loss="cce")
    x, t = random_digits(samples, seed=11)
    config = TrainConfig(eta=0.1, batch_size=32, shuffle=True, seed=5)
    return Workload(initialize(spec, "xavier", seed=2), x, t, config, epochs)


# ------------------------------------------------------------------ baselines
def lecture_numpy(w_hidden, w_out, b_hidden, b_out, x, t, eta, steps):
    """The lecture's network by hand: two weight matrices, sigmoid, frozen biases."""
    errors = np.empty(steps)
    for i in range(steps):
        h = 1.0 / (1.0 + np.exp(-(x @ w_hidden + b_hidden)))
        o = 1.0 / (1.0 + np.exp(-(h @ w_out + b_out)))
        diff = t - o
        errors[i] = (0.5 * diff * diff).sum()
        d_out = -diff * (o * (1.0 - o))
        d_hidden = (d_out @ w_out.T) * (h * (1.0 - h))
        w_out = w_out - eta * (h.T @ d_out)
        w_hidden = w_hidden - eta * (x.T @ d_hidden)
    return [w_hidden, w_out], errors


def lecture_python(w, b1, b2, i1, i2, t1, t2, eta, steps):
    """The lecture's formulas with plain floats, weight by weight (every number a Python
    float: a NumPy scalar among them would make each operation NumPy's, several times slower)."""
    w1, w2, w3, w4, w5, w6, w7, w8 = (float(v) for v in w)
    b1, b2, i1, i2, t1, t2, eta = (float(v) for v in (b1, b2, i1, i2, t1, t2, eta))
    exp = math.exp
    errors = []
    for _ in range(steps):
        out_h1 = 1.0 / (1.0 + exp(-(w1 * i1 + w2 * i2 + b1)))
        out_h2 = 1.0 / (1.0 + exp(-(w3 * i1 + w4 * i2 + b1)))
        out_o1 = 1.0 / (1.0 + exp(-(w5 * out_h1 + w6 * out_h2 + b2)))
        out_o2 = 1.0 / (1.0 + exp(-(w7 * out_h1 + w8 * out_h2 + b2)))
        errors.append(0.5 * (t1 - out_o1) ** 2 + 0.5 * (t2 - out_o2) ** 2)
        d_o1 = -(t1 - out_o1) * out_o1 * (1.0 - out_o1)
        d_o2 = -(t2 - out_o2) * out_o2 * (1.0 - out_o2)
        d_h1 = (d_o1 * w5 + d_o2 * w7) * out_h1 * (1.0 - out_h1)
        d_h2 = (d_o1 * w6 + d_o2 * w8) * out_h2 * (1.0 - out_h2)
        w5, w6 = w5 - eta * d_o1 * out_h1, w6 - eta * d_o1 * out_h2
        w7, w8 = w7 - eta * d_o2 * out_h1, w8 - eta * d_o2 * out_h2
        w1, w2 = w1 - eta * d_h1 * i1, w2 - eta * d_h1 * i2
        w3, w4 = w3 - eta * d_h2 * i1, w4 - eta * d_h2 * i2
    return [w1, w2, w3, w4, w5, w6, w7, w8], errors


def spirals_numpy(ws, bs, x, t, eta, epochs):
    """2-16-16-1, tanh hidden, sigmoid output, ½ SSE, full batch, biases trained.

    ``eta`` may be one rate, or K rates shaped K × 1 × 1 with every weight and bias
    stacked K deep: then it trains K networks at once, as a sweep does.
    """
    w0, w1, w2 = ws
    b0, b1, b2 = bs
    n = x.shape[0]
    errors = []
    for _ in range(epochs):
        h1 = np.tanh(x @ w0 + b0)
        h2 = np.tanh(h1 @ w1 + b1)
        o = 1.0 / (1.0 + np.exp(-(h2 @ w2 + b2)))
        diff = t - o
        errors.append((0.5 * diff * diff).sum(axis=(-2, -1)) / n)
        d2 = -diff * (o * (1.0 - o))
        d1 = (d2 @ w2.swapaxes(-1, -2)) * (1.0 - h2 * h2)
        d0 = (d1 @ w1.swapaxes(-1, -2)) * (1.0 - h1 * h1)
        w2 = w2 - eta * (h2.swapaxes(-1, -2) @ d2 / n)
        b2 = b2 - eta * (d2.sum(axis=-2, keepdims=True) / n)
        w1 = w1 - eta * (h1.swapaxes(-1, -2) @ d1 / n)
        b1 = b1 - eta * (d1.sum(axis=-2, keepdims=True) / n)
        w0 = w0 - eta * (x.T @ d0 / n)
        b0 = b0 - eta * (d0.sum(axis=-2, keepdims=True) / n)
    return [w0, w1, w2], errors


def digits_numpy(ws, bs, x, t, eta, epochs, batch, seed):
    """64-32-10, sigmoid hidden, softmax + cross-entropy output, shuffled mini-batches."""
    w0, w1 = ws
    b0, b1 = bs
    n = x.shape[0]
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    errors = np.empty(epochs * -(-n // batch))
    k = 0
    for _ in range(epochs):
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            xb, tb = x[idx], t[idx]
            m = xb.shape[0]
            h = 1.0 / (1.0 + np.exp(-(xb @ w0 + b0)))
            z = h @ w1 + b1
            e = np.exp(z - z.max(axis=1, keepdims=True))
            o = e / e.sum(axis=1, keepdims=True)
            errors[k] = -(tb * np.log(np.clip(o, EPS, None))).sum() / m
            k += 1
            d1 = o - tb
            d0 = (d1 @ w1.T) * (h * (1.0 - h))
            w1 = w1 - eta * (h.T @ d1 / m)
            b1 = b1 - eta * (d1.sum(axis=0, keepdims=True) / m)
            w0 = w0 - eta * (xb.T @ d0 / m)
            b0 = b0 - eta * (d0.sum(axis=0, keepdims=True) / m)
        order = rng.permutation(n)
    return [w0, w1], errors


def minimal_job(work: Workload) -> Callable[[], Any]:
    """The hand-written NumPy loop for ``work`` (chosen by its network's shape)."""
    net, cfg = work.network, work.config
    ws, bs, x, t = net.weights, net.biases, work.inputs, work.targets
    if net.spec.sizes == (2, 2, 2):
        return lambda: lecture_numpy(ws[0], ws[1], bs[0], bs[1], x, t, cfg.eta, work.epochs)
    if net.spec.n_layers == 3:
        return lambda: spirals_numpy(ws, bs, x, t, cfg.eta, work.epochs)
    return lambda: digits_numpy(ws, bs, x, t, cfg.eta, work.epochs, cfg.batch_size, cfg.seed)


# ------------------------------------------------------------------ PyTorch
def load_torch() -> Any:
    """PyTorch set to NumPy's number of threads, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(numpy_threads())
    return torch


def torch_run(torch: Any, work: Workload) -> tuple[list[np.ndarray], list[float]]:
    """The same workload with PyTorch's autograd and a plain gradient-descent update."""
    spec = work.network.spec
    train_biases = work.config.train_biases
    f64 = torch.float64
    ws = [torch.tensor(w, dtype=f64, requires_grad=True) for w in work.network.weights]
    bs = [torch.tensor(b, dtype=f64, requires_grad=train_biases) for b in work.network.biases]
    params = ws + (bs if train_biases else [])
    acts = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "softmax": lambda z: z.softmax(dim=1)}
    fns = [acts[layer.activation] for layer in spec.layers]
    x, t = torch.tensor(work.inputs, dtype=f64), torch.tensor(work.targets, dtype=f64)
    n, batch, eta = x.shape[0], work.batch, work.config.eta
    shuffle = work.config.shuffle and batch < n
    generator = torch.Generator().manual_seed(work.config.seed)
    errors = []
    for _ in range(work.epochs):
        order = torch.randperm(n, generator=generator) if shuffle else None
        for start in range(0, n, batch):
            if batch >= n:
                xb, tb = x, t
            elif order is not None:
                xb, tb = x[order[start : start + batch]], t[order[start : start + batch]]
            else:
                xb, tb = x[start : start + batch], t[start : start + batch]
            out = xb
            for w, b, fn in zip(ws, bs, fns, strict=True):
                out = fn(out @ w + b)
            if spec.loss == "cce":
                loss = -(tb * out.clamp_min(EPS).log()).sum() / xb.shape[0]
            else:
                loss = 0.5 * ((tb - out) ** 2).sum() / xb.shape[0]
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= eta * p.grad
            errors.append(loss.item())
    return [w.detach().numpy() for w in ws], errors


# ------------------------------------------------------------------ printing


def verdict(ratio: float, goal: float) -> str:
    return f"(goal ≤ {goal:g}×: {'met' if ratio <= goal else 'MISSED'})"


def line(label: str, seconds: float, count: int, unit: str) -> None:
    print(f"   {label:<26}{seconds:9.4f} s  {seconds / count * 1e6:9.2f} µs/{unit}")


def ratio_line(label: str, ratio: float, note: str) -> None:
    print(f"   {label:<26}{ratio:9.2f}×  {note}")


def max_diff(a: Sequence[Any], b: Sequence[Any]) -> float:
    return max(
        float(np.max(np.abs(np.asarray(x) - np.asarray(y)))) for x, y in zip(a, b, strict=True)
    )


# ------------------------------------------------------------------ workloads
def bench_lecture(work: Workload, torch: Any, repeat: int, out: dict[str, Any]) -> None:
    net, cfg, x, t, steps = work.network, work.config, work.inputs, work.targets, work.epochs
    print(
        f"\n1. Lecture 2-2-2 logistic, one sample, η {cfg.eta:g}, biases frozen, "
        f"{steps:,} online steps"
    )
    names = [f"w{i}" for i in range(1, 9)]
    start = [net.get(name) for name in names]
    scalars = (net.get("b1"), net.get("b2"), x[0, 0], x[0, 1], t[0, 0], t[0, 1], cfg.eta, steps)

    def numpy_path() -> Trainer:
        trainer = work.trainer()
        trainer.use_small_net = False
        return trainer

    jobs = {
        "core": trainer_job(work.trainer, iterations=steps),
        "core_numpy_path": trainer_job(numpy_path, iterations=steps),
        "numpy": fixed(minimal_job(work)),
        "python": fixed(lambda: lecture_python(start, *scalars)),
    }
    if torch is not None:
        jobs["torch"] = fixed(lambda: torch_run(torch, work))
    best = race(jobs, repeat)
    (core_s, trainer), (numpy_s, (np_w, np_err)) = best["core"], best["numpy"]
    python_s, (py_w, py_err) = best["python"]
    path_s = best["core_numpy_path"][0]
    small = trainer.small_net() is not None
    path = "small-network path (plain floats)" if small else "NumPy path"
    line(f"bpdesk Trainer ({'small-net' if small else 'NumPy'})", core_s, steps, "step")
    line("bpdesk Trainer, NumPy path", path_s, steps, "step")
    line("minimal NumPy loop", numpy_s, steps, "step")
    line("pure-Python scalars", python_s, steps, "step")
    ratio, ratio_py, ratio_path = core_s / numpy_s, core_s / python_s, path_s / numpy_s
    print(f"   bpdesk's Trainer took its {path}")
    ratio_line("core / minimal NumPy", ratio, verdict(ratio, CORE_GOAL))
    ratio_line("core / pure Python", ratio_py, verdict(ratio_py, PYTHON_GOAL))
    ratio_line("NumPy path / minimal NumPy", ratio_path, "(the general path, for information)")
    core_w = [trainer.network.get(name) for name in names]
    np_net = Network(net.spec, np_w, net.biases)
    diff = max(max_diff(core_w, [np_net.get(name) for name in names]), max_diff(core_w, py_w))
    recorded = len(trainer.iteration_errors) == len(np_err) == len(py_err) == steps
    match = diff <= WEIGHT_TOL
    print(
        f"   same final w1…w8 in all three (to 1e-9): {'yes' if match else 'NO'} "
        f"(largest difference {diff:.1e})"
    )
    print(f"   every loop recorded all {steps:,} errors: {'yes' if recorded else 'NO'}")
    out["figures"].update(
        lecture_core_s=core_s,
        lecture_core_numpy_path_s=path_s,
        lecture_numpy_s=numpy_s,
        lecture_python_s=python_s,
    )
    out["ratios"].update(
        lecture_core_over_numpy=ratio,
        lecture_core_over_python=ratio_py,
        lecture_numpy_path_over_numpy=ratio_path,
    )
    out["checks"]["lecture_small_net_path"] = small
    out["checks"].update(
        lecture_weights_match=match, lecture_weights_max_diff=diff, lecture_errors_recorded=recorded
    )
    if torch is not None:
        out["torch_s"]["lecture"] = best["torch"][0]


def bench_against_minimal(
    name: str, title: str, work: Workload, torch: Any, repeat: int, out: dict[str, Any]
) -> None:
    print(f"\n{title}")
    iters = work.iterations
    jobs = {
        "core": trainer_job(work.trainer, epochs=work.epochs),
        "numpy": fixed(minimal_job(work)),
    }
    if torch is not None:
        jobs["torch"] = fixed(lambda: torch_run(torch, work))
    best = race(jobs, repeat)
    (core_s, trainer), (numpy_s, (np_w, np_err)) = best["core"], best["numpy"]
    line("bpdesk Trainer", core_s, iters, "iteration")
    line("minimal NumPy loop", numpy_s, iters, "iteration")
    ratio = core_s / numpy_s
    ratio_line("core / minimal NumPy", ratio, verdict(ratio, CORE_GOAL))
    diff = max_diff(trainer.network.weights, np_w)
    recorded = len(trainer.iteration_errors) == len(np_err) == iters
    print(
        f"   same final weights (for information): largest difference {diff:.1e}; "
        f"all {iters:,} errors recorded by both: {'yes' if recorded else 'NO'}"
    )
    out["figures"].update({f"{name}_core_s": core_s, f"{name}_numpy_s": numpy_s})
    out["ratios"][f"{name}_core_over_numpy"] = ratio
    out["checks"].update({f"{name}_weights_max_diff": diff, f"{name}_errors_recorded": recorded})
    if torch is not None:
        out["torch_s"][name] = best["torch"][0]


def sweep_jobs(work: Workload, etas: list[float], **run: int) -> dict[str, Prepare]:
    """A Sweep over ``etas``, the same runs one Trainer after another, and one Trainer alone
    (building the sweep or the trainers is part of each time)."""

    def sweep() -> Sweep:
        copies = [work.network.copy() for _ in etas]
        runs = Sweep(copies, work.inputs, work.targets, work.config, etas=etas)
        runs.run(**run)
        return runs

    def separate() -> list[Trainer]:
        trainers = [work.trainer(eta) for eta in etas]
        for trainer in trainers:
            trainer.run(**run)
        return trainers

    def single() -> Trainer:
        trainer = work.trainer()
        trainer.run(**run)
        return trainer

    return {"sweep": fixed(sweep), "separate": fixed(separate), "one": fixed(single)}


def bench_sweep(sizes: Sizes, repeat: int, out: dict[str, Any]) -> None:
    work = spirals_workload(sizes.spiral_points, sizes.sweep_epochs)
    k, epochs = sizes.sweep_runs, sizes.sweep_epochs
    etas = [float(e) for e in np.geomspace(0.1, 3.2, k)]
    print(
        f"\n4. Learning-rate sweep: workload 2 with {k} values of η "
        f"({etas[0]:g} … {etas[-1]:g}), {epochs:,} epochs (set-up included in these times)"
    )
    net = work.network
    stack = [np.stack([w] * k) for w in (*net.weights, *net.biases)]
    rates = np.array(etas).reshape(k, 1, 1)
    jobs = sweep_jobs(work, etas, epochs=epochs)
    jobs["minimal"] = fixed(
        lambda: spirals_numpy(stack[:3], stack[3:], work.inputs, work.targets, rates, epochs)
    )
    best = race(jobs, repeat)
    (sweep_s, runs), (separate_s, trainers) = best["sweep"], best["separate"]
    one_s, minimal_s = best["one"][0], best["minimal"][0]
    line(f"Sweep of {k}", sweep_s, k * epochs, "run-epoch")
    line(f"{k} separate Trainers", separate_s, k * epochs, "run-epoch")
    line("one Trainer", one_s, epochs, "epoch")
    line(f"minimal NumPy, {k} stacked", minimal_s, k * epochs, "run-epoch")
    ratio, speedup = sweep_s / one_s, separate_s / sweep_s
    ratio_line("sweep / one run", ratio, verdict(ratio, SWEEP_GOAL))
    ratio_line(f"speed-up over {k} runs", speedup, "(separate / sweep, for information)")
    ratio_line(
        "minimal stacked / one run",
        minimal_s / one_s,
        "(a hand-written stacked loop, for information)",
    )
    stacked = sweep_s / minimal_s
    ratio_line("sweep / minimal stacked", stacked, verdict(stacked, STACKED_GOAL))
    diff = max(
        max_diff([w[i] for w in runs.weights], trainers[i].network.weights) for i in range(k)
    )
    print(f"   each sweep run ends where its separate Trainer does: largest difference {diff:.1e}")
    before = page_faults()
    jobs["sweep"]()()
    after = page_faults()
    faults = None if before is None or after is None else (after - before) / runs.schedule.iteration
    if faults is not None:
        print(
            f"   memory pages the system had to map afresh per sweep iteration: {faults:,.0f} "
            "(one more sweep, untimed; large means freed temporaries went back to the system)"
        )

    lecture = lecture_workload(sizes.lecture_sweep_steps)
    steps = sizes.lecture_sweep_steps
    print(f"   The same {k}-way sweep on the lecture network, {steps:,} steps (for information):")
    small = race(sweep_jobs(lecture, etas, iterations=steps), repeat)
    small_ratio = small["sweep"][0] / small["one"][0]
    line(f"Sweep of {k}", small["sweep"][0], k * steps, "run-step")
    line(f"{k} separate Trainers", small["separate"][0], k * steps, "run-step")
    line("one Trainer", small["one"][0], steps, "step")
    ratio_line("sweep / one run", small_ratio, "(for information)")
    out["figures"].update(
        sweep_s=sweep_s,
        sweep_separate_s=separate_s,
        sweep_one_run_s=one_s,
        sweep_minimal_stacked_s=minimal_s,
        lecture_sweep_s=small["sweep"][0],
        lecture_sweep_separate_s=small["separate"][0],
        lecture_sweep_one_run_s=small["one"][0],
    )
    out["ratios"].update(
        sweep_over_one_run=ratio,
        sweep_speedup_over_separate=speedup,
        sweep_minimal_stacked_over_one_run=minimal_s / one_s,
        sweep_over_minimal_stacked=stacked,
        lecture_sweep_over_one_run=small_ratio,
    )
    out["checks"].update(sweep_weights_max_diff=diff, sweep_page_faults_per_iteration=faults)


def report_torch(torch: Any, works: dict[str, Workload], out: dict[str, Any]) -> None:
    print("\n5. PyTorch (CPU, float64, autograd, plain gradient descent, loss.item() recorded)")
    times = out.pop("torch_s")
    if torch is None:
        print("   torch not installed")
        out["torch"] = None
        return
    print(f"   torch {torch.__version__}, {torch.get_num_threads()} threads (NumPy's number)")
    figures: dict[str, Any] = {"version": torch.__version__}
    for name, work in works.items():
        ratio = out["figures"][f"{name}_core_s"] / times[name]
        line(f"{name}: torch", times[name], work.iterations, "iteration")
        ratio_line(f"{name}: core / torch", ratio, "(for information)")
        figures.update({f"{name}_torch_s": times[name], f"{name}_core_over_torch": ratio})
    out["torch"] = figures


# ------------------------------------------------------------------ main
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every workload about 100× smaller")
    parser.add_argument("--repeat", type=int, default=None, help="timings per figure (best kept)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 7)
    if repeat < 1:
        parser.error("--repeat needs a whole number ≥ 1")
    threads, load = numpy_threads(), load_average()
    # As bpdesk-cli and the app do at start-up (see bpdesk/allocator.py).
    kept = keep_freed_memory()
    print(
        f"bpdesk core benchmark{' (quick)' if args.quick else ''}: Python "
        f"{platform.python_version()}, NumPy {np.__version__}, {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs, NumPy threads {threads}, "
        f"load average {load}, freed memory kept in the process: {'yes' if kept else 'no'}"
    )
    print(
        f"Best of {repeat}, contenders timed in turns (time.perf_counter, garbage collector off "
        "while timing). Every loop computes and records each iteration's error, as bpdesk's "
        "Trainer does for its error history."
    )
    out: dict[str, Any] = {
        "quick": args.quick,
        "repeat": repeat,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_threads": threads,
        "allocator_tuned": kept,
        "load_average": load,
        "errors_recorded_every_iteration": True,
        "figures": {},
        "ratios": {},
        "checks": {},
        "goals": {
            "core_over_numpy_max": CORE_GOAL,
            "lecture_core_over_python_max": PYTHON_GOAL,
            "sweep_over_one_run_max": SWEEP_GOAL,
            "sweep_over_minimal_stacked_max": STACKED_GOAL,
        },
        "torch_s": {},
    }
    torch = load_torch()
    works = {
        "lecture": lecture_workload(sizes.lecture_steps),
        "spirals": spirals_workload(sizes.spiral_points, sizes.spiral_epochs),
        "digits": digits_workload(sizes.digits_samples, sizes.digits_epochs),
    }
    bench_lecture(works["lecture"], torch, repeat, out)
    spirals, digits = works["spirals"], works["digits"]
    bench_against_minimal(
        "spirals",
        f"2. Two spirals, 2-16-16-1 tanh (sigmoid output, ½ SSE), {sizes.spiral_points} points, "
        f"full batch, η {spirals.config.eta:g}, {sizes.spiral_epochs:,} epochs",
        spirals,
        torch,
        repeat,
        out,
    )
    bench_against_minimal(
        "digits",
        f"3. Random digits, 64-32-10 sigmoid + softmax (cross-entropy), {sizes.digits_samples:,} "
        f"× 64, batch {digits.config.batch_size}, shuffled, η {digits.config.eta:g}, "
        f"{sizes.digits_epochs} epochs",
        digits,
        torch,
        repeat,
        out,
    )
    bench_sweep(sizes, repeat, out)
    report_torch(torch, works, out)
    print("\n5. Error landscapes and side-by-side runs (tests/benchmarks/bench_teaching.py)")
    out["teaching"] = bench_teaching.run(args.quick, repeat)
    met = {
        name: value <= CORE_GOAL
        for name, value in out["ratios"].items()
        if name.endswith("_core_over_numpy")
    }
    ratios = out["ratios"]
    met["lecture_core_over_python"] = ratios["lecture_core_over_python"] <= PYTHON_GOAL
    met["sweep_over_one_run"] = ratios["sweep_over_one_run"] <= SWEEP_GOAL
    met["sweep_over_minimal_stacked"] = ratios["sweep_over_minimal_stacked"] <= STACKED_GOAL
    out["goals_met"] = met
    missed = [name for name, ok in met.items() if not ok]
    missed += [f"teaching.{name}" for name, ok in out["teaching"]["goals_met"].items() if not ok]
    print(
        f"\nGoals missed: {', '.join(missed) if missed else 'none'} "
        "(reported only; a benchmark never fails on a goal)"
    )
    print(json.dumps(out, allow_nan=False, default=plain))
    return 0


if __name__ == "__main__":
    sys.exit(main())
