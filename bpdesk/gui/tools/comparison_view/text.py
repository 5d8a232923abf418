"""The comparison's words: help on each kind's options, the shared settings and a summary."""

from __future__ import annotations

import math

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.comparison import ComparisonResult

__all__ = ["HELP", "settings_text", "summary"]

HELP = {
    "eta": "Learning rates to compare, separated by commas, e.g. 0.01, 0.5, 5, 50",
    "momentum": "The momentum α to set against α = 0, e.g. 0.9 (empty: the session's α or 0.9)",
    "optimizer": "Nothing to set: gradient descent with the session's η and α against LM",
    "order": "Nothing to set: the same run with both update orders",
    "restarts": "How many restarts, optionally followed by xavier or uniform, e.g. 10 xavier",
}


def settings_text(kind: str, snapshot: Snapshot) -> str:
    """The session's settings every run shares, as a closing sentence."""
    config = snapshot.config
    parts = []
    if kind not in ("eta", "optimizer"):
        parts.append(f"η = {format_value(config.eta)}")
    if kind not in ("momentum",):
        parts.append(f"α = {format_value(config.momentum)}")
    parts.append(f"batch size {min(config.batch_size, snapshot.n_samples)}")
    return " All runs: " + ", ".join(parts) + "."


def summary(result: ComparisonResult, total: int) -> str:
    """What the finished (or stopped) comparison shows, in a sentence or two."""
    done = result.iterations_done
    head = f"Done: {done:,} iterations." if done >= total else f"Stopped after {done:,} iterations."
    finals = result.final_errors
    alive = [i for i, gone in enumerate(result.diverged) if not gone and math.isfinite(finals[i])]
    gone = [result.labels[i] for i, flag in enumerate(result.diverged) if flag]
    parts = [head]
    if result.kind == "restarts" and alive:
        low = min(finals[i] for i in alive)
        high = max(finals[i] for i in alive)
        parts.append(
            f"Final errors run from {format_value(low, 6)} to {format_value(high, 6)}: "
            "restarts that end high are stuck in a local minimum or on a plateau."
        )
    elif alive:
        best = min(alive, key=lambda i: finals[i])
        parts.append(
            f"Lowest final error: {result.labels[best]} (E = {format_value(finals[best], 6)})."
        )
    if gone:
        parts.append(f"Diverged (error became infinite): {', '.join(gone)}.")
    return " ".join(parts)
