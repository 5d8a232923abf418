"""The comparison's words: help on each kind's options and the summary of a finished run."""

from __future__ import annotations

from bpdesk.core.teaching.comparison import ComparisonResult
from bpdesk.core.teaching.comparison_lessons import summarise

__all__ = ["HELP", "summary"]

HELP = {
    "eta": "Learning rates to compare, separated by commas, e.g. 0.05, 0.5, 1.5, 4",
    "momentum": "The momentum α to set against α = 0, e.g. 0.9 (empty: the session's α or 0.9)",
    "optimizer": "Nothing to set: gradient descent with the session's η and α against LM",
    "order": "Nothing to set: the same run with both update orders",
    "restarts": "How many restarts, optionally followed by xavier or uniform, e.g. 10 xavier",
}


def summary(result: ComparisonResult, total: int) -> str:
    """What the finished (or stopped) comparison shows, measured from its runs (see
    :func:`bpdesk.core.teaching.comparison_lessons.summarise`)."""
    return summarise(result, total)
