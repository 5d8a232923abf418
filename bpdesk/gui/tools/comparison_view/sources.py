"""Where a side-by-side comparison starts from: its demonstration (the default) or the session.

A demonstration (``bpdesk.core.teaching.comparison_lessons``) is a network, data and settings
on which the lecture's claim really shows; the current network is the session's own, which
may not show it (the lecture's sigmoid network never diverges, for one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox

from bpdesk.core.engine.network import Network
from bpdesk.core.engine.trainer import TrainConfig
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.comparison import Comparison, Options, check_comparison
from bpdesk.core.teaching.comparison_lessons import demonstration

__all__ = ["SOURCES", "Setup", "intro", "setup", "source_chooser"]

SOURCES = {
    "demo": "its demonstration",
    "current": "current network",
}


@dataclass(frozen=True)
class Setup:
    """A comparison ready to build on the worker's thread, with what the view shows of it."""

    build: Callable[[], Comparison]
    runs: int
    per_epoch: int
    settings: str  # the closing sentence on the settings every run shares


def intro(kind: str) -> str:
    """What the demonstration for ``kind`` runs and what to look for, in a sentence."""
    demo = demonstration(kind)
    return f"Demonstration on {demo.title}: {demo.lesson}. Press Start."


def setup(
    kind: str,
    options: Options,
    source: str,
    snapshot: Snapshot | None,
    build_with: Callable[..., Comparison],
) -> Setup:
    """The comparison of ``kind`` with ``options`` from ``source`` ("demo" or "current", which
    needs ``snapshot``); checked on the first sample only (a ConfigError says why not).
    ``build_with`` is the class (or a stand-in) that builds it."""
    if source == "demo":
        demo = demonstration(kind)
        network, inputs, targets, config = demo.network, demo.inputs, demo.targets, demo.config
        samples = int(inputs.shape[0])
    else:
        assert snapshot is not None and snapshot.inputs is not None
        assert snapshot.targets is not None
        network = Network.from_values(snapshot.spec, snapshot.values)
        inputs, targets, config = snapshot.inputs, snapshot.targets, snapshot.config
        samples = snapshot.n_samples
    runs, per_epoch = check_comparison(network, inputs, targets, config, kind, options)

    def build() -> Comparison:
        return build_with(network, inputs, targets, config, kind, options)

    return Setup(build, runs, per_epoch, settings_text(kind, config, samples))


def settings_text(kind: str, config: TrainConfig, samples: int) -> str:
    """The settings every run shares, as a closing sentence."""
    parts = []
    if kind not in ("eta", "optimizer"):
        parts.append(f"η = {format_value(config.eta)}")
    if kind not in ("momentum",):
        parts.append(f"α = {format_value(config.momentum)}")
    parts.append(f"batch size {min(config.batch_size, samples)}")
    return " All runs: " + ", ".join(parts) + "."


def source_chooser() -> QComboBox:
    """The "on …" choice: the kind's demonstration (first, the default) or the session's net."""
    chooser = QComboBox()
    for key, text in SOURCES.items():
        chooser.addItem(text, key)
    chooser.setAccessibleName("Start from")
    chooser.setToolTip(
        "Its demonstration: a network and data on which the lesson shows. "
        "The current network: the session's own."
    )
    return chooser
