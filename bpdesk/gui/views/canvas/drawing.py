"""Draws one snapshot onto the built scene: link widths, label texts, tints, rings and selection."""

from __future__ import annotations

import math

import numpy as np

from bpdesk.core.stepping.canvas_model import (
    Element,
    QuizMask,
    StepValues,
    hide_computed_value,
    just_computed,
    ringed_neurons,
)
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.views.canvas.fonts import CanvasFonts
from bpdesk.gui.views.canvas.labels import batch_note, label_lines
from bpdesk.gui.views.canvas.placement import (
    place_bias_labels,
    place_box,
    place_link_labels,
    place_total,
)
from bpdesk.gui.views.canvas.scene import CanvasScene

__all__ = ["draw_snapshot"]

DENSE = 16  # links in a bundle above which they are drawn thinner and fainter


def draw_snapshot(
    parts: CanvasScene,
    snapshot: Snapshot,
    selection: tuple[str, str] | None,
    quiz: QuizMask,
    *,
    links: bool = True,
) -> None:
    """Show ``snapshot`` on ``parts``; ``selection`` (kind, name) keeps its label and a mark.
    ``links=False`` leaves the link widths as they are (stroking thousands of links is the
    dearest part of a redraw; during a run they follow the weights less often)."""
    values = StepValues(snapshot.trace, parts.layout.places)
    if links:
        _draw_links(parts, snapshot)
    batch = snapshot.trace.batch
    parts.note.setText(batch_note(int(batch[0]), len(batch)) if len(batch) > 1 else "")
    inputs = parts.layout.columns[0].names
    for grid in parts.grids:
        grid.set_values(np.array([values.input(name) for name in inputs]))
    _ensure_selected_label(parts, selection)
    _draw_labels(parts, snapshot, values, quiz)
    place_bias_labels(parts)
    place_link_labels(parts)
    _draw_marks(parts, snapshot, selection)


def _draw_links(parts: CanvasScene, snapshot: Snapshot) -> None:
    """Link widths follow |value| against the network's largest; lines thicken with the text."""
    params = snapshot.values
    weights = [params[name] for name in snapshot.spec.parameter_names]
    max_abs = max((abs(w) for w in weights if math.isfinite(w)), default=1.0)
    grow = parts.fonts.lh / CanvasFonts.base_line_height()
    for bundle in parts.bundles:
        n = len(bundle)
        thick = 7.0 if n <= DENSE else max(1.6, 7.0 * (DENSE / n) ** 0.5)
        thin = 1.0 if n <= DENSE else 0.5
        current = np.array([params.get(name, math.nan) for name in bundle.names])
        bundle.set_values(
            current, max_abs, thin * grow, thick * grow, grow, smooth=not snapshot.running
        )


def _draw_labels(
    parts: CanvasScene, snapshot: Snapshot, values: StepValues, quiz: QuizMask
) -> None:
    """Every label's text; what the last press computed tinted (and hidden in a quiz)."""
    layout = parts.layout
    last = len(layout.columns) - 1
    computed = just_computed(snapshot)
    quiz.follow(snapshot.trace)
    for key, label in parts.labels.items():
        element = Element.from_key(key)
        kind, name = element
        column = layout.column_of(name) if kind == "neuron" else None
        lines = label_lines(element, values, snapshot, column, last)
        label.setVisible(bool(lines))
        if not lines:
            continue
        if quiz.hides(element, computed):
            lines = [hide_computed_value(line, snapshot.trace.last_op) for line in lines]
        label.setText("\n".join(lines))
        label.set_tinted(element in computed)
        if kind == "neuron":
            place_box(layout, label, name)
        elif kind == "error":
            place_total(layout, label)


def _ensure_selected_label(parts: CanvasScene, selection: tuple[str, str] | None) -> None:
    """Thinned-out labels come back for the selected element (and go again after)."""
    wanted = None
    if selection is not None:
        kind, name = selection
        wanted = f"{kind}:{name}"
        if wanted not in parts.labels:
            parts.add_label(wanted).extra = True
    for key in [k for k, label in parts.labels.items() if label.extra]:
        if key != wanted:
            parts.remove_label(key)


def _draw_marks(parts: CanvasScene, snapshot: Snapshot, selection: tuple[str, str] | None) -> None:
    """The accent on what the next press computes, the dashed mark on the selection."""
    op = None if snapshot.running else snapshot.next_op
    ring = ringed_neurons(snapshot)
    kind, name = selection or ("", "")
    for key, label in parts.labels.items():
        label.set_selected(key == f"{kind}:{name}")
    for neuron_name, item in parts.neurons.items():
        item.set_marks(neuron_name in ring, kind == "neuron" and name == neuron_name)
    for bundle in parts.bundles:
        mask = np.zeros(len(bundle), dtype=bool)
        if op is not None and op.kind in ("forward", "backward") and bundle.layer == op.layer:
            mask = bundle.targets == op.neuron
        elif op is not None and op.kind == "update" and op.layer in (bundle.layer, -1):
            mask[:] = True
        chosen = {i for i, n in enumerate(bundle.names) if kind == bundle.kind and n == name}
        bundle.set_marks(mask, chosen)
    shared = snapshot.spec.shared_bias and kind == "bias"
    for layer, unit in parts.bias_units.items():
        unit.set_selected(shared and name == parts.bias_name(layer))
    if parts.grids:
        places = parts.layout.places
        index = places[name][1] if kind == "neuron" and name in places else -1
        if index >= 0 and places[name][0] != 0:
            index = -1
        for grid in parts.grids:
            grid.set_marked(index)
