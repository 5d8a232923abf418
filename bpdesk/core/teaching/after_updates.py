"""One meaning of "the error after N iterations", and the words every place uses for it.

The error after N iterations is the error E of the network once N updates are done,
measured on the whole training set: what the lecture means by the total error "after
this first round". The error a step measures in its own forward pass, before its update,
is a different figure (the error after N − 1 updates, on that iteration's batch); where it
is shown it is called "E in iteration N, before its update". The window's status bar,
the error plot's read-outs and ``bpdesk-cli train`` all use the phrases below.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.network import Network
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot

__all__ = [
    "MAX_OUTPUT_ROWS",
    "MAX_WORK",
    "MEANING",
    "after_words",
    "before_words",
    "epoch_words",
    "error_after",
    "outputs_after",
    "outputs_words",
]

MEANING = (
    "The error after N iterations is the error E of the network once N updates are done, "
    "measured on the whole training set; the error a step measures in its forward pass, "
    "before its update, is called the error in iteration N, before its update."
)
MAX_WORK = 200_000
"""The most samples × parameters a read-out works out on the GUI thread (well under 1 ms)."""
MAX_OUTPUT_ROWS = 8

Array = NDArray[np.float64]


def after_words(iterations: int) -> str:
    """ "E after 10000 iterations" (the network after that many updates, whole training set)."""
    return f"E after {iterations} iteration{'' if iterations == 1 else 's'}"


def before_words(iteration: int) -> str:
    """ "E in iteration 3, before its update" (what that iteration's forward pass measured)."""
    return f"E in iteration {iteration}, before its update"


def epoch_words(epoch: int) -> str:
    """ "E during epoch 4" (the mean of its iterations' errors, each before its update)."""
    return f"E during epoch {epoch} (mean, each iteration before its update)"


def _network(snapshot: Snapshot) -> Network | None:
    """The network as it stands between two steps, if a read-out may work with it cheaply."""
    if not snapshot.step_complete or snapshot.inputs is None or snapshot.targets is None:
        return None
    if snapshot.n_samples * max(1, snapshot.spec.n_parameters) > MAX_WORK:
        return None
    return Network.from_values(snapshot.spec, snapshot.values)


def error_after(snapshot: Snapshot) -> float | None:
    """The error after ``snapshot.iteration`` iterations (whole training set), or None when
    a step is half done or the data set is too large to work it out on the spot."""
    network = _network(snapshot)
    if network is None:
        return None
    assert snapshot.inputs is not None and snapshot.targets is not None
    error = network.error(snapshot.inputs, snapshot.targets)
    return error if math.isfinite(error) else None


def outputs_after(snapshot: Snapshot) -> tuple[Array, Array] | None:
    """(targets, outputs) of the first samples (at most 8) as the network stands, or None."""
    network = _network(snapshot)
    if network is None or snapshot.inputs is None or snapshot.targets is None:
        return None
    rows = min(MAX_OUTPUT_ROWS, snapshot.n_samples)
    return snapshot.targets[:rows], network.predict(snapshot.inputs[:rows])


def outputs_words(snapshot: Snapshot) -> str | None:
    """The outputs next to their targets in one sentence ("out_o1 = 0.0159 (target 0.01), …"),
    sample by sample, or None where they cannot be worked out cheaply."""
    pair = outputs_after(snapshot)
    if pair is None:
        return None
    targets, outputs = pair
    names = snapshot.spec.neuron_names(snapshot.spec.n_layers)
    samples = []
    for target, out in zip(targets, outputs, strict=True):
        samples.append(
            ", ".join(
                f"out_{n} = {format_value(float(o))} (target {format_value(float(t))})"
                for n, t, o in zip(names, target, out, strict=True)
            )
        )
    more = snapshot.n_samples - len(samples)
    text = "; ".join(samples) + (f"; and {more} more samples" if more > 0 else "")
    return f"The outputs after {snapshot.iteration} iterations, next to their targets: {text}."
