"""Everything bpdesk prints about a step, gathered for the arithmetic checker: the
worked-example handout in every format (with and without blanks), the derivation of every
neuron, weight and bias (plain text and the panel's rich text) after each press, and the
Explain narration of each press and of every sub-step."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np

from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.trace import StepTrace
from bpdesk.core.teaching.algorithm import CONVENTIONS, read
from bpdesk.core.teaching.derivation import HtmlStyle, derive
from bpdesk.core.teaching.export import FORMATS, render
from bpdesk.core.teaching.narration import narrate, narrate_op
from bpdesk.core.teaching.worked_example import worked_example

from .arithmetic_check import fill_blanks

Document = tuple[str, str, str]  # text, kind (text, latex, html, prose), source
STYLE = HtmlStyle("#000", "#111", "#222", "#333", "#444", "#555")

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
OUTPUTS = (
    ("sigmoid", "half_sse"),
    ("linear", "mse"),
    ("sigmoid", "bce"),
    ("softmax", "cce"),
    ("tanh", "half_sse"),
)
OPTIMIZERS = (("gd", 0.0), ("gd", 0.9), ("nesterov", 0.5), ("adam", 0.0), ("lm", 0.0))


def lecture(order: str = "simultaneous", **changes: object) -> Stepper:
    stepper = Stepper(get_preset("lecture").trainer())
    stepper.set_config(replace(stepper.trainer.config, update_order=order, **changes))
    return stepper


def xor(batch: int, order: str = "simultaneous") -> Stepper:
    stepper = Stepper(get_preset("xor").trainer())
    stepper.set_config(replace(stepper.trainer.config, batch_size=batch, update_order=order))
    return stepper


def random_net(seed: int) -> Stepper:
    """A small network drawn from ``seed``: sizes, activations, error, optimiser, batch."""
    rng = np.random.default_rng(seed)
    out_act, loss = OUTPUTS[seed % len(OUTPUTS)]
    optimizer, momentum = OPTIMIZERS[(seed + seed // len(OUTPUTS)) % len(OPTIMIZERS)]
    if optimizer == "lm" and loss not in ("half_sse", "mse"):  # LM needs squared errors
        optimizer, momentum = "gd", 0.9
    n_hidden = int(rng.integers(1, 3))
    n_out = int(rng.integers(2, 4)) if out_act == "softmax" else int(rng.integers(1, 4))
    sizes = [int(rng.integers(1, 4)), *(int(rng.integers(1, 4)) for _ in range(n_hidden)), n_out]
    acts = [HIDDEN[int(rng.integers(len(HIDDEN)))] for _ in range(n_hidden)] + [out_act]
    spec = NetworkSpec.build(sizes, acts, loss=loss, shared_bias=bool(rng.integers(2)))
    values = {name: float(rng.uniform(-1, 1)) for name in spec.parameter_names}
    n_samples = int(rng.integers(3, 7))
    x = rng.uniform(-1, 1, (n_samples, sizes[0]))
    if loss == "cce":
        t = np.eye(n_out)[rng.integers(n_out, size=n_samples)]
    else:
        t = rng.uniform(0, 1, (n_samples, n_out)).round(2)
    order = "simultaneous" if optimizer == "lm" or seed % 2 else "sequential"
    config = TrainConfig(
        eta=float(rng.choice([0.1, 0.5, 1.0])),
        momentum=momentum,
        batch_size=int(rng.integers(1, 5)),
        optimizer=optimizer,
        update_order=order,
        train_biases=bool(rng.integers(4)),
        seed=seed,
    )
    return Stepper(Trainer(Network.from_values(spec, values), x, t, config))


def growing() -> Stepper:
    """A linear net whose step is far too large: its numbers grow past 1e7 (scientific
    notation) by the second step."""
    spec = NetworkSpec.build([1, 2, 1], "linear", loss="mse")
    values = {name: 0.5 for name in spec.parameter_names}
    config = TrainConfig(eta=50.0, batch_size=2, shuffle=False)
    x, t = np.array([[3.0], [-2.0]]), np.array([[1.0], [0.0]])
    return Stepper(Trainer(Network.from_values(spec, values), x, t, config))


SCENARIOS: dict[str, Callable[[], Stepper]] = {
    "growing": growing,
    "lecture-simultaneous": lambda: lecture(),
    "lecture-sequential": lambda: lecture("sequential"),
    "lecture-momentum": lambda: lecture(momentum=0.9),
    "lecture-weight-decay": lambda: lecture(weight_decay=0.01),
    "lecture-momentum-decay-sequential": lambda: lecture(
        "sequential", momentum=0.5, weight_decay=0.1
    ),
    "xor-batch1": lambda: xor(1),
    "xor-batch2": lambda: xor(2),
    "xor-batch4": lambda: xor(4),
    "xor-batch4-sequential": lambda: xor(4, "sequential"),
    **{f"random-{seed}": (lambda seed=seed: random_net(seed)) for seed in range(10)},
}


def _derivations(trace: StepTrace, source: str) -> Iterator[Document]:
    spec = trace.spec
    elements = [("neuron", n) for level in range(spec.n_layers + 1) for n in
                spec.neuron_names(level)]  # fmt: skip
    for name in spec.parameter_names:
        elements.append(("weight" if spec.ref(name).kind == "w" else "bias", name))
    for kind, name in elements:
        derivation = derive(trace, kind, name)
        where = f"{source} {kind} {name}"
        yield derivation.to_text(), "text", f"derivation text: {where}"
        yield derivation.to_html(STYLE, stacked=False), "html", f"derivation panel: {where}"
        stacked = derivation.to_html(STYLE, stacked=True)
        yield stacked, "stacked", f"derivation panel, stacked: {where}"


def _handouts(trace: StepTrace, source: str) -> Iterator[Document]:
    document = worked_example(trace)
    for fmt in FORMATS:
        kind = "latex" if fmt == "latex" else "html" if fmt == "html" else "text"
        yield render(document, fmt), kind, f"handout {fmt}: {source}"
    for fmt in ("text", "markdown"):
        filled = fill_blanks(render(document, fmt, exercise=True))
        yield filled, "text", f"handout {fmt} exercise: {source}"


def documents(name: str, steps: int = 2) -> Iterator[Document]:
    """Every printed document of ``steps`` steps of scenario ``name``, press by press."""
    stepper = SCENARIOS[name]()
    for step in range(steps):
        while True:
            phase = stepper.next_phase
            since = 0 if stepper.step_complete else stepper.done
            trace = stepper.step_phase(phase)
            where = f"{name} step {step + 1} after {phase}"
            yield narrate(trace, since), "prose", f"narration: {where}"
            yield from _derivations(trace, where)
            if stepper.step_complete:
                break
        trace = stepper.trace()
        where = f"{name} step {step + 1}"
        for op in trace.ops:
            yield narrate_op(trace, op), "prose", f"narration of one sub-step: {where}"
        yield from _handouts(trace, where)


def algorithm_documents(name: str, steps: int = 2) -> Iterator[Document]:
    """The algorithm panel's reading (pseudo-code and live numbers) after every sub-step of
    ``steps`` steps of scenario ``name``, in both conventions."""
    stepper = SCENARIOS[name]()
    for step in range(steps):
        while True:
            trace = stepper.step_op()
            for convention in CONVENTIONS:
                where = f"{name} step {step + 1} sub-step {trace.done} ({convention})"
                yield read(trace, convention).to_text(), "text", f"algorithm panel: {where}"
            if stepper.step_complete:
                break


def kind_of(source: str) -> str:
    """The source's family, for counting: narration, derivation text, handout latex, …"""
    return source.split(":", 1)[0]
