"""What every core benchmark times with: fresh jobs timed in turns, best kept, and the machine
they ran on (NumPy's threads, the load). Shared by bench_core.py and bench_teaching.py."""

from __future__ import annotations

import gc
import math
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["Prepare", "load_average", "numpy_threads", "plain", "race", "time_once"]

Prepare = Callable[[], Callable[[], Any]]  # set-up (not timed) that returns the timed job


def time_once(prepare: Prepare) -> tuple[float, Any]:
    """Seconds one fresh job takes (its set-up not timed, the garbage collector off)."""
    job = prepare()
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        result = job()
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    return elapsed, result


def race(jobs: dict[str, Prepare], repeat: int) -> dict[str, tuple[float, Any]]:
    """Each job's best time over ``repeat`` rounds, the jobs taking turns within a round
    (the first of a round changes every round); returns name → (seconds, result)."""
    best: dict[str, tuple[float, Any]] = {name: (math.inf, None) for name in jobs}
    names = list(jobs)
    for round_ in range(repeat):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            seconds, result = time_once(jobs[name])
            if seconds < best[name][0]:
                best[name] = (seconds, result)
    return best


def numpy_threads() -> int:
    """How many threads NumPy's BLAS uses by default."""
    try:
        from threadpoolctl import threadpool_info

        counts = [int(info["num_threads"]) for info in threadpool_info()]
        if counts:
            return max(counts)
    except ImportError:
        pass
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def plain(value: Any) -> Any:
    """A NumPy scalar as the Python number JSON can hold."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} cannot go into the JSON line")
