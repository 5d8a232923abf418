"""The texts of the canvas's labels: what each neuron, weight, bias and the error shows, by phase.

Plain strings from a snapshot: a value not computed yet (NaN) has no line, so the labels grow
as the step goes on (net and out after the forward pass, δ and ∂E/∂w after the backward one,
old → new after the update).
"""

from __future__ import annotations

import math

import numpy as np

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.canvas_model import Element, NeuronQuantity, StepValues
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.views.canvas.layout import NUMBER, Column, DataTexts

__all__ = ["batch_note", "bias_template", "data_texts", "label_lines", "neuron_template"]


def _known(value: float) -> bool:
    """Computed already (NaN means not yet; an infinite value is shown as ∞)."""
    return not math.isnan(value)


def batch_note(sample: int, size: int) -> str:
    """Which sample the neurons' numbers belong to, when a batch has several."""
    return (
        f"Inputs and neuron values: sample {sample + 1}, the first of this batch of {size}.\n"
        "∂E/∂w and updates: over the whole batch."
    )


def label_lines(
    element: Element, values: StepValues, snapshot: Snapshot, column: Column | None, last: int
) -> list[str]:
    """The lines of ``element``'s label; ``column`` is a neuron's, ``last`` the outputs' index."""
    kind, name = element
    if kind == "neuron":
        assert column is not None
        return neuron_lines(name, column, last, values)
    if kind == "error":
        total = values.E_total
        return [f"E_total = {format_value(total)}"] if _known(total) else []
    current = snapshot.values.get(name, math.nan)
    if kind == "bias" and not snapshot.config.train_biases:
        return [f"{name} = {format_value(current)} (fixed)"]
    gradient, new = values.parameter("gradient", name), values.parameter("after", name)
    if _known(new):
        old = values.parameter("before", name)
        lines = [f"{name}: {format_value(old)} → {format_value(new)}"]
    else:
        lines = [f"{name} = {format_value(current)}"]
    if _known(gradient):
        lines.append(f"∂E/∂{name} = {format_value(gradient)}")
    return lines


def neuron_lines(name: str, column: Column, last: int, values: StepValues) -> list[str]:
    """An input's value; a neuron's net, out and δ (and an output's target and E).

    Compact columns show the latest two; a neuron without a label box (shown only while
    selected) names itself on the first line.
    """
    if column.index == 0:
        return [f"{name} = {format_value(values.input(name))}"]
    selected_only = not column.boxes
    is_output = column.index == last

    def value(quantity: NeuronQuantity) -> float:
        return values.neuron(quantity, name)

    net, out, delta = value("net"), value("out"), value("delta")
    target = value("target") if is_output else math.nan
    error = value("E") if is_output else math.nan
    lines: list[tuple[str, float]] = []
    if column.compact or selected_only:
        lines.append(("out", out))
        if _known(delta):
            lines.append(("δ", delta))
        elif is_output:
            lines.append(("E", error) if _known(error) else ("target", target))
    else:
        lines += [("net", net), ("out", out)]
        if is_output:
            lines += [("target", target), ("E", error)]
        lines.append(("δ", delta))
    text = [f"{label} = {format_value(x)}" for label, x in lines if _known(x)]
    if is_output and not _known(out) and _known(target):
        # After a run (or a reset) the step has computed nothing yet: the current weights'
        # out is shown next to the target, so the run's result can be read off the drawing.
        now = values.network_out(name)
        if _known(now):
            text.insert(len(text) - 1, f"out = {format_value(now)}")
    if selected_only:
        text.insert(0, name)
    return text


def neuron_template(name: str, column: Column, last: int, data: DataTexts) -> list[str]:
    """The longest label a neuron can show (the scene is sized to hold it)."""
    if column.index == 0:
        return [f"{name} = {data.input_number}"]
    if column.compact:
        return [f"out = {NUMBER}", f"E = {NUMBER}"]
    lines = [f"net = {NUMBER}", f"out = {NUMBER}"]
    if column.index == last:
        lines += [f"target = {data.target_number}", f"E = {NUMBER}"]
    lines.append(f"δ = {NUMBER}")
    return lines


def bias_template(name: str, data: DataTexts) -> list[str]:
    """The longest label a bias can show."""
    if data.fixed_biases:
        return [f"{name} = {data.bias_number} (fixed)"]
    return [f"{name}: {NUMBER} → {NUMBER}", f"∂E/∂{name} = {NUMBER}"]


def data_texts(snapshot: Snapshot) -> DataTexts:
    """The widest input and target of the data (at most a few thousand samples are read),
    whether biases are trained and whether batches hold several samples."""

    def widest(array: object) -> str:
        if not isinstance(array, np.ndarray) or array.size == 0 or array.size > 20_000:
            return NUMBER
        texts = (format_value(float(x)) for x in np.unique(array))
        return max(texts, key=len)

    return DataTexts(
        input_number=widest(snapshot.inputs),
        target_number=widest(snapshot.targets),
        fixed_biases=not snapshot.config.train_biases,
        # Only fixed biases are measured: trained ones change at every update (and a new
        # measure would build the scene anew each time).
        bias_number=widest(
            np.array(
                [
                    snapshot.values[name]
                    for name in snapshot.spec.parameter_names
                    if snapshot.spec.ref(name).kind == "b"
                ]
            )
        )
        if not snapshot.config.train_biases
        else NUMBER,
        batched=min(snapshot.config.batch_size, snapshot.n_samples) > 1
        or snapshot.config.optimizer == "lm",
    )
