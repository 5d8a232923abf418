"""Times saving and opening session files (.bpdesk) across sizes, with their peak memory.

Run from anywhere: ``python tests/benchmarks/bench_files.py [--quick] [--repeat N]``.
Sessions are saved with ``documents.save_session`` and opened with
``documents.open_source``, the functions the window and bpdesk-cli use. Two families:
networks 2-H-H-1 of about 10k, 100k and 1M parameters (a few samples), and a small
2-8-1 network with 10k, 100k and 1M embedded samples of 2 inputs and 1 target. A size a
session cannot hold is reported as refused, and the largest one it holds is measured
instead. Times are the best of ``--repeat`` runs or more (a quick job runs until its runs
add up to a second), with the garbage collector on, as in the app, in wall-clock and in
CPU seconds; linearity is judged on CPU seconds, which other programs on a shared machine
barely change (the wall-clock ratio is shown beside it).

Peak memory is tracemalloc's: every allocation made through Python's allocators and
NumPy's (which reports its array buffers to tracemalloc) alive at once during one more,
untimed run, what it returns included. Unlike the peak resident size (ru_maxrss) it can be
reset for each measurement within one process, counts memory asked for even when the
system never backs it with pages (a 256 MiB read buffer shows, untouched or not), and does
not depend on what the C allocator keeps or gives back. The figures are printed line by
line; the last line is one JSON object holding them all. A missed goal is reported, never
an error: a benchmark is not a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bpdesk.core.engine.init import initialize  # noqa: E402
from bpdesk.core.engine.network import NetworkSpec  # noqa: E402
from bpdesk.core.engine.trainer import TrainConfig, Trainer  # noqa: E402
from bpdesk.core.errors import SessionError  # noqa: E402
from bpdesk.core.files import session  # noqa: E402
from bpdesk.core.files.documents import open_source, save_session  # noqa: E402
from bpdesk.core.stepping.stepper import Stepper  # noqa: E402

LINEAR_GOAL = 1.5  # seconds per MB at the largest size at most this many times the smallest's
REFERENCE_GOAL_S = 2.0  # opening a 256-256-256-1 session
MB = 1e6
MIN_TOTAL_S = 1.0  # a job is run until its runs take this long (not with --quick) …
MAX_RUNS = 30  # … but at most this many times, and at least --repeat times


@dataclass(frozen=True)
class Sizes:
    """The hidden width H of each 2-H-H-1 network, and the embedded sample counts asked for."""

    widths: tuple[int, ...]
    samples: tuple[int, ...]
    reference: tuple[int, ...]  # the reference network's layer sizes


FULL = Sizes((98, 314, 998), (10_000, 100_000, 1_000_000), (256, 256, 256, 1))
QUICK = Sizes((8, 16, 32), (100, 300, 1_000), (16, 16, 16, 1))


# ------------------------------------------------------------------ sessions
def _stepper(sizes: Sequence[int], samples: int, seed: int) -> Stepper:
    """A session on ``sizes`` (tanh, MSE) with ``samples`` random embedded samples, one
    iteration trained so every weight and the optimiser's memory hold full-length floats."""
    rng = np.random.default_rng(seed)
    spec = NetworkSpec.build(list(sizes), "tanh", loss="mse")
    inputs = rng.normal(size=(samples, sizes[0]))
    targets = rng.uniform(-1.0, 1.0, size=(samples, sizes[-1]))
    config = TrainConfig(eta=0.01, momentum=0.9, batch_size=min(32, samples), shuffle=True)
    trainer = Trainer(initialize(spec, "xavier", seed=seed), inputs, targets, config)
    stepper = Stepper(trainer, meta={"title": "benchmark", "dataset_name": "random"})
    stepper.run(iterations=1)
    return stepper


def network_session(width: int) -> tuple[str, Stepper]:
    """A 2-H-H-1 network with 8 samples."""
    return f"2-{width}-{width}-1", _stepper((2, width, width, 1), 8, seed=width)


def samples_session(count: int) -> tuple[str, Stepper]:
    """A 2-8-1 network with ``count`` embedded samples of 2 inputs and 1 target."""
    return f"{count:,} samples", _stepper((2, 8, 1), count, seed=count % 1000)


# ------------------------------------------------------------------ measuring
@dataclass(frozen=True)
class Timing:
    """How often a job is timed: at least ``repeat`` times, and until its runs add up to
    ``min_total_s`` (at most MAX_RUNS times)."""

    repeat: int
    min_total_s: float


def best_time(job: Callable[[], Any], timing: Timing) -> tuple[float, float]:
    """The best wall-clock and the best CPU seconds of ``job`` (garbage collected before each
    run, on during); a quick job runs more often, so a busy machine is no likelier to spoil
    the small sizes' figures than the large ones'."""
    best, best_cpu, total, runs = float("inf"), float("inf"), 0.0, 0
    while runs < timing.repeat or (total < timing.min_total_s and runs < MAX_RUNS):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        job()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        best, best_cpu = min(best, elapsed), min(best_cpu, cpu)
        total, runs = total + elapsed, runs + 1
    return best, best_cpu


def peak_bytes(job: Callable[[], Any]) -> int:
    """The most memory allocated by ``job`` (through Python's and NumPy's allocators) alive
    at any one moment, what it returns included."""
    gc.collect()
    tracemalloc.start()
    try:
        result = job()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak


def measure(label: str, stepper: Stepper, folder: Path, timing: Timing) -> dict[str, Any]:
    """Save and open one session: times, file size and peaks."""
    path = folder / "bench.bpdesk"
    save_s, save_cpu = best_time(lambda: save_session(path, stepper), timing)
    load_s, load_cpu = best_time(lambda: open_source(path), timing)
    size = path.stat().st_size
    save_peak = peak_bytes(lambda: save_session(path, stepper))
    load_peak = peak_bytes(lambda: open_source(path))
    loaded = open_source(path)
    same = all(
        np.array_equal(a, b)
        for a, b in zip(
            [*stepper.network.weights, *stepper.network.biases, stepper.trainer.inputs],
            [*loaded.network.weights, *loaded.network.biases, loaded.trainer.inputs],
            strict=True,
        )
    )
    mb = size / MB
    row = {
        "label": label,
        "parameters": stepper.network.spec.n_parameters,
        "samples": stepper.trainer.n_samples,
        "file_bytes": size,
        "save_s": save_s,
        "load_s": load_s,
        "save_s_per_mb": save_s / mb,
        "load_s_per_mb": load_s / mb,
        "save_cpu_s_per_mb": save_cpu / mb,
        "load_cpu_s_per_mb": load_cpu / mb,
        "save_peak_bytes": save_peak,
        "load_peak_bytes": load_peak,
        "save_peak_per_mb": save_peak / size,
        "load_peak_per_mb": load_peak / size,
        "round_trip_exact": same,
    }
    print(
        f"   {label:>18} {row['parameters']:>10,} {row['samples']:>8,} {mb:>8.2f} "
        f"{save_s:>7.3f} {load_s:>7.3f} {row['save_s_per_mb']:>7.3f} "
        f"{row['load_s_per_mb']:>7.3f} {row['save_cpu_s_per_mb']:>7.3f} "
        f"{row['load_cpu_s_per_mb']:>7.3f} {row['save_peak_per_mb']:>6.1f} "
        f"{row['load_peak_per_mb']:>6.1f}  {'yes' if same else 'NO'}"
    )
    return row


HEADER = (
    f"   {'session':>18} {'parameters':>10} {'samples':>8} {'MB':>8} {'save s':>7} "
    f"{'open s':>7} {'save':>7} {'open':>7} {'save':>7} {'open':>7} {'save':>6} {'open':>6}"
    "  exact\n"
    f"   {'':>18} {'':>10} {'':>8} {'':>8} {'':>7} {'':>7} {'s/MB':>7} {'s/MB':>7} "
    f"{'cpu/MB':>7} {'cpu/MB':>7} {'mem/MB':>6} {'mem/MB':>6}"
)


# ------------------------------------------------------------------ the families
def bench_networks(sizes: Sizes, folder: Path, timing: Timing) -> list[dict[str, Any]]:
    print(
        "\n1. Networks 2-H-H-1 (tanh, MSE, gradient descent with momentum 0.9, 8 samples), "
        f"H = {', '.join(map(str, sizes.widths))}"
    )
    print(HEADER)
    return [measure(*network_session(width), folder, timing) for width in sizes.widths]


def bench_samples(sizes: Sizes, folder: Path, timing: Timing) -> tuple[list[dict[str, Any]], list]:
    """Each allowed sample count measured; the ones a session cannot hold listed as refused,
    and the largest count it holds measured in their place."""
    limit = session.MAX_SAMPLES
    allowed = [n for n in sizes.samples if n <= limit]
    refused = [n for n in sizes.samples if n > limit]
    if refused and limit not in allowed:
        allowed.append(limit)
    print(
        "\n2. Embedded samples (2 inputs, 1 target) on a 2-8-1 tanh network, batches of 32, "
        f"shuffled; a session holds at most {limit:,} samples"
    )
    for n in refused:
        print(f"   {n:,} samples: refused (more than {limit:,}); {limit:,} measured instead")
    print(HEADER)
    return [measure(*samples_session(n), folder, timing) for n in allowed], refused


def bench_refusals(folder: Path) -> dict[str, Any]:
    """How long a refusal takes: saving one sample too many, opening a file with one too many."""
    over = session.MAX_SAMPLES + 1
    print(f"\n3. Refusals ({over:,} samples, one more than a session holds)")
    _, stepper = samples_session(over)
    path = folder / "over.bpdesk"
    start = time.perf_counter()
    try:
        save_session(path, stepper)
        save_refused = False
    except SessionError:
        save_refused = True
    save_s = time.perf_counter() - start
    print(
        f"   saving: {'refused' if save_refused else 'NOT refused'} in {save_s:.3f} s; "
        f"file written: {'yes' if path.exists() else 'no'}"
    )
    document = session.session_dict(samples_session(10)[1])
    rng = np.random.default_rng(0)
    document["data"] = {"inputs": rng.normal(size=(over, 2)).tolist(), "targets": [[0.5]] * over}
    path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    start = time.perf_counter()
    try:
        open_source(path)
        open_refused = False
    except SessionError:
        open_refused = True
    open_s = time.perf_counter() - start
    size = path.stat().st_size
    print(
        f"   opening a {size / MB:.1f} MB file holding them: "
        f"{'refused' if open_refused else 'NOT refused'} in {open_s:.3f} s"
    )
    path.unlink()
    return {
        "samples": over,
        "save_refused": save_refused,
        "save_s": save_s,
        "open_refused": open_refused,
        "open_s": open_s,
        "open_file_bytes": size,
    }


def bench_reference(sizes: Sizes, folder: Path, timing: Timing) -> dict[str, Any]:
    shape = "-".join(map(str, sizes.reference))
    print(f"\n4. Reference: a {shape} session (8 samples), goal: opens in < {REFERENCE_GOAL_S:g} s")
    print(HEADER)
    row = measure(shape, _stepper(sizes.reference, 8, seed=3), folder, timing)
    met = row["load_s"] < REFERENCE_GOAL_S
    print(f"   opens in {row['load_s']:.2f} s: {'goal met' if met else 'GOAL MISSED'}")
    return row


def linearity(name: str, rows: list[dict[str, Any]]) -> dict[str, float]:
    """Seconds per MB at the largest size over seconds per MB at the smallest: in CPU seconds
    (judged: other programs on the machine barely change them) and wall-clock seconds."""
    small, large = rows[0], rows[-1]
    ratios = {}
    for what in ("save", "load"):
        ratio = large[f"{what}_cpu_s_per_mb"] / small[f"{what}_cpu_s_per_mb"]
        wall = large[f"{what}_s_per_mb"] / small[f"{what}_s_per_mb"]
        ratios[f"{name}_{what}_linearity"] = ratio
        ratios[f"{name}_{what}_linearity_wall"] = wall
        verdict = "goal met" if ratio <= LINEAR_GOAL else "GOAL MISSED"
        print(
            f"   {name} {'open' if what == 'load' else what}: s/MB at {large['label']} / at "
            f"{small['label']} = {ratio:.2f} in CPU time (goal ≤ {LINEAR_GOAL:g}: {verdict}), "
            f"{wall:.2f} in wall-clock time"
        )
    return ratios


# ------------------------------------------------------------------ main
def load_average() -> float | None:
    """The system's load over the last minute (None where it is not known)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (seconds in all)")
    parser.add_argument("--repeat", type=int, default=None, help="timings per figure (best kept)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 3)
    if repeat < 1:
        parser.error("--repeat needs a whole number ≥ 1")
    timing = Timing(repeat, 0.0 if args.quick else MIN_TOTAL_S)
    print(
        f"bpdesk session-file benchmark{' (quick)' if args.quick else ''}: Python "
        f"{platform.python_version()}, NumPy {np.__version__}, {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load_average()}"
    )
    print(
        f"Best of {repeat} or more (quick jobs until they add up to {timing.min_total_s:g} s; "
        "time.perf_counter, garbage collector on); peak memory from "
        "tracemalloc in one more untimed run, per MB of file. Limits: "
        f"{session.MAX_SAMPLES:,} samples and {session.MAX_FILE_BYTES / 2**20:.0f} MiB a file."
    )
    with tempfile.TemporaryDirectory(prefix="bpdesk-bench-") as tmp:
        folder = Path(tmp)
        networks = bench_networks(sizes, folder, timing)
        samples, refused = bench_samples(sizes, folder, timing)
        refusals = bench_refusals(folder)
        reference = bench_reference(sizes, folder, timing)
    print(
        "\n5. Linearity (seconds per MB, largest size over smallest; CPU time judged, "
        f"wall-clock shown: load average now {load_average()})"
    )
    ratios = {**linearity("networks", networks), **linearity("samples", samples)}
    goals_met = {
        name: value <= LINEAR_GOAL for name, value in ratios.items() if not name.endswith("_wall")
    }
    goals_met["reference_load"] = reference["load_s"] < REFERENCE_GOAL_S
    missed = [name for name, ok in goals_met.items() if not ok]
    print(
        f"\nGoals missed: {', '.join(missed) if missed else 'none'} "
        "(reported only; a benchmark never fails on a goal)"
    )
    out = {
        "quick": args.quick,
        "repeat": repeat,
        "min_total_s": timing.min_total_s,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "load_average": load_average(),
        "limits": {"max_samples": session.MAX_SAMPLES, "max_file_bytes": session.MAX_FILE_BYTES},
        "networks": networks,
        "samples": samples,
        "samples_refused": refused,
        "refusals": refusals,
        "reference": reference,
        "ratios": ratios,
        "goals": {"linearity_max": LINEAR_GOAL, "reference_load_s_max": REFERENCE_GOAL_S},
        "goals_met": goals_met,
    }
    print(json.dumps(out, allow_nan=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
