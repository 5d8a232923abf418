"""The lecture's printed figures set against bpdesk's own, and the settings that reproduce each.

For every figure the lecture prints (``lecture_figures.json``: the errors after the
first round and after 10,000 rounds, the outputs then, ∂E_o2/∂out_h1, the hidden-layer
slide; ``lecture_example.json``: every figure of the worked example) this module works
out bpdesk's value under the lecture preset's settings and whether it agrees with the
printed one to the printed digits. Where it does not, it *searches* with bpdesk's own
computation: the update order (simultaneous, sequential), the biases (frozen, trained),
which round is measured (N − 1, N, N + 1 updates: "before or after the update"), and the
lecture's arithmetic on figures already rounded to nine decimals, and it says in one
sentence why the figure differs, or that no setting reproduces it and why.

The training runs are the trainer's own fast path (10,000 lecture rounds in well under a
second per setting); each run is done once per process and kept. ``lecture_note`` gives
the Explain panel its sentence where a printed figure differs from what is on screen.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from bpdesk.core.engine.network import Network
from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.reconcile_words import (
    EXAMPLE_SECTIONS,
    LONG_RUN,
    TITLES,
    Cancelled,
    Figure,
    Recipe,
    Reconciliation,
    Variant,
    agrees_printed,
    decimals_of,
    half_up,
    notation_entries,
    note_text,
    rounding_why,
    to_printed,
    why_differs,
)
from bpdesk.resources import resource_path

__all__ = [
    "Cancelled",
    "Figure",
    "Recipe",
    "Reconciliation",
    "Variant",
    "cached",
    "decimals_of",
    "lecture_note",
    "reconcile",
    "to_printed",
]

Progress = Callable[[int, int], bool]
"""Told (iterations done, iterations in all); returns False to cancel."""


# ------------------------------------------------------------------ training runs
LONG_CHECKPOINTS = (LONG_RUN - 1, LONG_RUN, LONG_RUN + 1)
FIRST_CHECKPOINTS = (0, 1, 2)
_ORDERS = ("simultaneous", "sequential")
_CHUNK = 1000  # iterations between two progress reports
_RUNS: dict[tuple[str, bool, tuple[int, ...]], dict[int, tuple[float, tuple[float, ...]]]] = {}


def _run(
    order: str, biases: bool, checkpoints: tuple[int, ...], tick: Callable[[int], None]
) -> dict[int, tuple[float, tuple[float, ...]]]:
    """The lecture preset trained with ``order`` and ``biases``: at each checkpoint (updates
    done), the error over the training set and the outputs. Kept once computed."""
    key = (order, biases, checkpoints)
    if key in _RUNS:
        return _RUNS[key]
    preset = get_preset("lecture")
    config = replace(preset.config, update_order=order, train_biases=biases)
    trainer = Trainer(preset.network.copy(), preset.inputs, preset.targets, config)
    measured: dict[int, tuple[float, tuple[float, ...]]] = {}
    for point in sorted(checkpoints):
        while trainer.iteration < point:
            count = min(_CHUNK, point - trainer.iteration)
            trainer.run(iterations=count)
            tick(count)
        out = trainer.network.predict(trainer.inputs)[0]
        measured[point] = (trainer.evaluate(), tuple(float(x) for x in out))
    _RUNS[key] = measured
    return measured


def _variants(checkpoints: tuple[int, ...]) -> list[Variant]:
    """Every setting the search tries, those nearest the default (fewest changes) first."""
    default_updates = checkpoints[1]
    found = [
        Variant(order, biases, updates)
        for order in _ORDERS
        for biases in (False, True)
        for updates in checkpoints
    ]

    def changes(v: Variant) -> int:
        moved = [v.update_order != "simultaneous", v.train_biases, v.updates != default_updates]
        return sum(moved)

    return sorted(found, key=changes)


# ------------------------------------------------------------------ the trained figures
_TRAINED = {
    "error_before": (FIRST_CHECKPOINTS, 0, None),
    "error_after_first_round": (FIRST_CHECKPOINTS, 1, None),
    "error_after_10000": (LONG_CHECKPOINTS, LONG_RUN, None),
    "out_o1_after_10000": (LONG_CHECKPOINTS, LONG_RUN, 0),
    "out_o2_after_10000": (LONG_CHECKPOINTS, LONG_RUN, 1),
}
"""Figure id → (checkpoints searched, the round the lecture names, output index or None)."""


def _trained_value(fid: str, variant: Variant, tick: Callable[[int], None]) -> float:
    """A trained figure (the error, or output k) under ``variant``, from the kept runs."""
    checkpoints, _, index = _TRAINED[fid]
    error, outs = _run(variant.update_order, variant.train_biases, checkpoints, tick)[
        variant.updates
    ]
    return error if index is None else outs[index]


def _trained_figure(item: dict[str, str], tick: Callable[[int], None]) -> Figure:
    """A figure of a training run: the default, and the first setting that reproduces it."""
    fid, printed = item["id"], item["printed"]
    checkpoints, rounds, _ = _TRAINED[fid]
    default = Variant(updates=rounds)
    value = to_printed(_trained_value(fid, default, tick), printed)
    best = next(
        (
            v
            for v in _variants(checkpoints)
            if agrees_printed(_trained_value(fid, v, tick), printed)
        ),
        None,
    )
    agrees = best == default
    differs = best is not None and not agrees
    recipe = None
    if best is not None and differs:
        commands = (f"run:{best.updates}", "forward") if best.updates else ("forward",)
        recipe = Recipe(best.update_order, best.train_biases, commands)
    return Figure(
        fid,
        TITLES[fid],
        "lecture figures",
        printed,
        value,
        agrees,
        best.words(rounds) if best is not None and differs else "",
        to_printed(_trained_value(fid, best, tick), printed) if best and differs else "",
        why_differs(fid, printed, value, default, best, rounds),
        recipe,
    )


# ------------------------------------------------------------------ the worked example
_PRODUCTS = {
    "dE_total/dw5": ("dE_total/dout_o1", "dout_o1/dnet_o1", "dnet_o1/dw5"),
    "dE_o1/dnet_o1": ("dE_total/dout_o1", "dout_o1/dnet_o1"),
    "dE_o1/dout_h1": ("dE_o1/dnet_o1", "dnet_o1/dout_h1"),
    "dE_o2/dout_h1": ("dE_o2/dnet_o2", "dnet_o2/dout_h1"),
    "dE_total/dw1": ("dE_total/dout_h1", "dout_h1/dnet_h1", "dnet_h1/dw1"),
}
"""The chain-rule products the lecture works out by hand, factor by factor."""


def _by_hand(values: dict[str, float], name: str, decimals: int) -> tuple[float, str] | None:
    """``name`` as the lecture computes it by hand: each factor rounded to 9 decimals, the
    product rounded to ``decimals`` with a final 5 rounded up; with the sentence saying so.
    None if ``name`` is not a chain-rule product."""
    factors = _PRODUCTS.get(name)
    if factors is None:
        return None
    rounded = [(f, half_up(Decimal(values[f]), 9)) for f in factors]
    product = Decimal(1)
    for _, factor in rounded:
        product *= factor
    value = float(half_up(product, decimals))
    printed_like = to_printed(values[name], "0." + "0" * decimals)
    return value, rounding_why(name, rounded, product, values[name], printed_like)


@cache
def _one_step(order: str) -> dict[str, float]:
    """Every figure of one full step of the lecture preset in ``order``, by the lecture's names."""
    preset = get_preset("lecture")
    stepper = Stepper(Trainer(preset.network.copy(), preset.inputs, preset.targets, preset.config))
    if order != preset.config.update_order:
        stepper.set_config(replace(preset.config, update_order=order))
    return stepper.full_step().named_values()


def _example_figure(key: str, printed: str, fid: str, title: str, source: str) -> Figure:
    """A figure of the worked example's one step: the default, else the sequential order or
    the lecture's hand arithmetic (factors rounded first), whichever reproduces it."""
    values = _one_step("simultaneous")
    default = to_printed(values[key], printed)
    by_hand = _by_hand(values, key, decimals_of(printed))
    candidates: list[tuple[Variant, float, str]] = []
    if by_hand is not None:
        candidates.append((Variant(updates=1, rounded=True), by_hand[0], by_hand[1]))
    candidates.append((Variant("sequential", updates=1), _one_step("sequential")[key], ""))
    best = None
    if not agrees_printed(values[key], printed):
        best = next((c for c in candidates if agrees_printed(c[1], printed)), None)
    variant = Variant(updates=1) if agrees_printed(values[key], printed) else None
    chosen = best[0] if best is not None else variant
    detail = best[2] if best is not None else ""
    if best is None and by_hand is not None and variant is None:
        detail = by_hand[1]
    why = why_differs(fid, printed, default, Variant(updates=1), chosen, None, detail)
    recipe = None
    if best is not None and not best[0].rounded:
        recipe = Recipe(best[0].update_order, False, ("forward", "backward", "update"))
    return Figure(
        fid,
        title,
        source,
        printed,
        default,
        variant is not None,
        "" if best is None else best[0].words(),
        "" if best is None else to_printed(best[1], printed),
        why,
        recipe,
    )


def _example_figures(example: dict[str, Any]) -> list[Figure]:
    figures = []
    for section, heading in EXAMPLE_SECTIONS.items():
        for name, value in example[section].items():
            key = f"{name}+" if section == "updated_weights_after_one_step" else name
            title = f"{heading}: {key.replace('+', '⁺')}"
            figures.append(
                _example_figure(key, repr(float(value)), f"example:{key}", title, "worked example")
            )
    return figures


# ------------------------------------------------------------------ the whole reconciliation
@cache
def _read_cached(path: str, name: str) -> str:
    source = Path(path) if path else resource_path("lecture", name)
    return source.read_text(encoding="utf-8")


def _read(path: Path | None, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_read_cached(str(path or ""), name))
    return data


def reconcile(
    figures_path: Path | None = None,
    example_path: Path | None = None,
    progress: Progress | None = None,
) -> Reconciliation:
    """Every printed figure of the lecture reconciled with bpdesk (see the module's text).

    The JSON files default to bpdesk's own copies; ``progress`` is told how many training
    iterations are done, and a False answer stops the work (``Cancelled``).
    """
    printed = _read(figures_path, "lecture_figures.json")
    example = _read(example_path, "lecture_example.json")
    total, done = _iterations_left(), [0]

    def tick(count: int) -> None:
        done[0] += count
        if progress is not None and not progress(min(done[0], total), total):
            raise Cancelled("The lecture's figures were not worked out: stopped.")

    figures = []
    for item in printed["figures"]:
        if item["id"] in _TRAINED:
            figures.append(_trained_figure(item, tick))
        elif item["id"] == "dEo2_dout_h1":
            title = TITLES[item["id"]]
            figures.append(
                _example_figure(
                    "dE_o2/dout_h1", item["printed"], item["id"], title, "lecture figures"
                )
            )
    figures = _cross_checked(figures)
    figures += notation_entries(printed, example, _one_step("simultaneous"), _per_epoch(printed))
    figures += _example_figures(example)
    if progress is not None:
        progress(total, total)
    result = Reconciliation(tuple(figures))
    if figures_path is None and example_path is None:
        _DONE.append(result)
    return result


def _per_epoch(printed: dict[str, Any]) -> int:
    """Iterations per epoch as bpdesk's trainer counts them for the lecture's example."""
    example = printed["epoch_batch_iteration"]
    preset = get_preset("lecture")
    n = int(example["examples"])
    config = replace(preset.config, batch_size=int(example["batch_size"]))
    data = np.zeros((n, 2))
    return Trainer(preset.network.copy(), data, data, config).iterations_per_epoch


def _cross_checked(figures: list[Figure]) -> list[Figure]:
    """The long run's error set against the error of the lecture's own printed outputs."""
    found = {f.id: f for f in figures}
    error = found.get("error_after_10000")
    o1, o2 = found.get("out_o1_after_10000"), found.get("out_o2_after_10000")
    if error is None or o1 is None or o2 is None:
        return figures
    spec = get_preset("lecture").network.spec
    outs = np.array([[float(o1.printed), float(o2.printed)]])
    targets = get_preset("lecture").targets
    implied = float(spec.loss_fn.per_output(outs, targets).sum())
    text = f"The lecture's own printed outputs give E = {to_printed(implied, error.printed)}"
    if agrees_printed(implied, error.printed):
        text += ", as printed."
    else:
        text += (
            f" by its error formula ½Σ(target − out)², not {error.printed}: the printed error "
            "and the printed outputs do not come from the same run"
        )
        if error.reproduced_by and o1.reproduced_by and error.reproduced_by != o1.reproduced_by:
            text += f" (the error: {error.reproduced_by}; the outputs: {o1.reproduced_by})"
        text += "."
    return [replace(f, why=f"{f.why} {text}") if f is error else f for f in figures]


def _iterations_left() -> int:
    """Training iterations the runs not kept yet will take (for the progress bar)."""
    left = 0
    for checkpoints in (FIRST_CHECKPOINTS, LONG_CHECKPOINTS):
        for order in _ORDERS:
            for biases in (False, True):
                if (order, biases, checkpoints) not in _RUNS:
                    left += max(checkpoints)
    return max(1, left)


_DONE: list[Reconciliation] = []


def cached() -> Reconciliation | None:
    """bpdesk's own reconciliation if it was worked out already in this process, else None."""
    return _DONE[-1] if _DONE else None


# ------------------------------------------------------------------ the Explain panel's note
_LECTURE_DATA = (((0.05, 0.1),), ((0.01, 0.99),))


def is_lecture(snapshot: Snapshot) -> bool:
    """The snapshot shows the lecture's network and sample (any weights, any settings)."""
    spec = snapshot.spec
    inputs, targets = snapshot.inputs, snapshot.targets
    return (
        tuple(spec.sizes) == (2, 2, 2)
        and inputs is not None
        and targets is not None
        and tuple(map(tuple, inputs.tolist())) == _LECTURE_DATA[0]
        and tuple(map(tuple, targets.tolist())) == _LECTURE_DATA[1]
        and snapshot.config.eta == 0.5
    )


def lecture_note(snapshot: Snapshot) -> str | None:
    """A sentence for the Explain panel where the lecture prints a figure for the moment on
    screen (after the first update, after a run of 10,000), or None. Cheap: one forward pass
    of the 2-2-2 network, and the figures already worked out (the first round's take a few
    milliseconds; the long run's only if the Lecture figures view has worked them out)."""
    if not snapshot.step_complete or snapshot.running or not is_lecture(snapshot):
        return None
    rounds = snapshot.iteration
    if rounds not in (1, *LONG_CHECKPOINTS):
        return None
    network = Network.from_values(snapshot.spec, snapshot.values)
    assert snapshot.inputs is not None and snapshot.targets is not None
    now = network.error(snapshot.inputs, snapshot.targets)
    outs = network.predict(snapshot.inputs)[0]
    figures = cached()
    if figures is None and rounds == 1:
        figures = _first_round_only()
    printed = {i["id"]: str(i["printed"]) for i in _read(None, "lecture_figures.json")["figures"]}
    pair = (float(outs[0]), float(outs[1]))
    return note_text(rounds, now, snapshot.error, pair, printed, figures)


@cache
def _first_round_only() -> Reconciliation:
    """The figures of the first round alone (a few milliseconds: two updates per setting)."""
    data = _read(None, "lecture_figures.json")
    chosen = [i for i in data["figures"] if i["id"] in ("error_before", "error_after_first_round")]
    return Reconciliation(tuple(_trained_figure(i, lambda _count: None) for i in chosen))
