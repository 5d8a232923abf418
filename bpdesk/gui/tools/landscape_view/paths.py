"""The landscape's descent controls: where the two paths start, their learning rate α (η) and
steps, and whether the range follows the weights; and the sentence that reads the paths."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.formatting import format_value
from bpdesk.core.teaching.descent import MAX_STEPS, PathPlan
from bpdesk.core.teaching.landscape import Landscape

__all__ = ["PathControls", "default_pair", "describe_paths", "fill_pair", "float_large"]

Array = NDArray[np.float64]

STARTS = (("zero", "θ = 0 (as on the slide)"), ("current", "the current weights"))


def default_pair(spec: NetworkSpec) -> tuple[str, str]:
    """A bias and a weight, as the slides' θ0 and θ1: the output layer's first bias and the
    first weight into its first neuron (b2 and w5 on the lecture's network)."""
    last = spec.n_layers - 1
    return spec.bias_name(last, 0), spec.weight_name(last, 0, 0)


def fill_pair(first: QComboBox, second: QComboBox, spec: NetworkSpec) -> None:
    """Both choosers list every parameter of ``spec``; they keep their pair if the network
    has it, else show the default pair."""
    names = spec.parameter_names
    keep = (first.currentText(), second.currentText())
    has = all(spec.has_parameter(n) for n in keep if n)
    defaults = default_pair(spec) if len(names) > 2 else tuple(names[:2])
    wanted = keep if all(keep) and has and keep[0] != keep[1] else defaults
    for combo, name in zip((first, second), wanted, strict=False):
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(list(names))
        combo.setCurrentIndex(max(0, combo.findText(name)))
        combo.blockSignals(False)


class PathControls(QWidget):
    """One row: paths from [θ = 0 | the current weights], α, steps, "range follows the weights"
    (which switches the ± range box off: the range is then worked out)."""

    follow_changed = Signal(bool)

    def __init__(self, span_box: QDoubleSpinBox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._span_box = span_box
        self.start = QComboBox()
        for key, text in STARTS:
            self.start.addItem(text, key)
        self.start.setAccessibleName("Descent paths start at")
        self.start.setToolTip("Where the simultaneous and the incorrect update both start")
        self.alpha = QDoubleSpinBox()
        self.alpha.setRange(0.001, 1000.0)
        self.alpha.setDecimals(3)
        self.alpha.setValue(PathPlan.alpha)
        self.alpha.setAccessibleName("Learning rate α of the descent paths")
        self.alpha.setToolTip("The slides call the learning rate α; elsewhere bpdesk calls it η")
        self.steps = QSpinBox()
        self.steps.setRange(1, MAX_STEPS)
        self.steps.setValue(PathPlan.steps)
        self.steps.setAccessibleName("Steps of the descent paths")
        self.follow = QCheckBox("range follows the weights")
        self.follow.setToolTip(
            "Centre the map on the current weights and reach far enough for the paths"
        )
        self.follow.toggled.connect(self._on_follow)
        self.follow.setChecked(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        first = QHBoxLayout()
        first.addWidget(QLabel("Descent paths from"))
        first.addWidget(self.start)
        first.addStretch(1)
        second = QHBoxLayout()
        second.addWidget(QLabel("α (= η)"))
        second.addWidget(self.alpha)
        second.addWidget(QLabel("steps"))
        second.addWidget(self.steps)
        second.addStretch(1)
        column.addLayout(first)
        column.addLayout(second)
        column.addWidget(self.follow)

    def plan(self, seen: Array) -> PathPlan:
        """The plan these controls describe; ``seen`` is the path the weights took so far."""
        return PathPlan(
            start=str(self.start.currentData()),
            alpha=float(self.alpha.value()),
            steps=int(self.steps.value()),
            follow=self.follow.isChecked(),
            seen=np.asarray(seen, dtype=np.float64).reshape(-1, 2),
        )

    def set_plan(self, start: str, alpha: float, steps: int, follow: bool) -> None:
        """Set every control (for lessons and tests)."""
        self.start.setCurrentIndex(max(0, self.start.findData(start)))
        self.alpha.setValue(float(alpha))
        self.steps.setValue(int(steps))
        self.follow.setChecked(bool(follow))

    def _on_follow(self, on: bool) -> None:
        self._span_box.setEnabled(not on)
        self.follow_changed.emit(on)


def describe_paths(landscape: Landscape, biases_fixed_in: NetworkSpec | None = None) -> str:
    """The two paths in words: where they start and end, and how far apart they finish; with
    ``biases_fixed_in`` (the network, when training holds its biases), a note that the
    weights' own path cannot move along a bias of the pair."""
    simultaneous = landscape.path("simultaneous")
    sequential = landscape.path("sequential")
    if simultaneous is None or sequential is None or landscape.alpha is None:
        return ""
    a, b = landscape.first, landscape.second
    start = simultaneous[0]

    def where(points: Array) -> str:
        x, y = points[-1]
        return f"({a}, {b}) = ({format_value(float(x), 4)}, {format_value(float(y), 4)})"

    text = (
        f"From {where(simultaneous[:1])}, {simultaneous.shape[0] - 1} steps of learning rate "
        f"α = {format_value(landscape.alpha, 4)} (the slides' α is bpdesk's η). "
        f"Simultaneous update (both from the old values): ends at {where(simultaneous)}. "
        f"Incorrect update ({a} first, then {b}'s slope with the new {a}): ends at "
        f"{where(sequential)}."
    )
    ran_off = [
        name
        for name, points in (("simultaneous", simultaneous), ("incorrect", sequential))
        if points.shape[0] < max(simultaneous.shape[0], sequential.shape[0])
    ]
    if ran_off:
        text += f" The {' and '.join(ran_off)} path ran off: α is too large for this error."
    else:
        gap = float(np.abs(simultaneous - sequential).max())
        if gap < 1e-9 * max(1.0, float(np.abs(start).max())):
            text += f" Here the two agree: {b}'s slope does not depend on {a}."
    spec = biases_fixed_in
    fixed = [n for n in (a, b) if spec is not None and _is_bias(spec, n)]
    if fixed:
        text += (
            f" Training holds the biases fixed here, so the weights' own path never moves "
            f"along {fixed[0]}; the two descent paths above do move it."
        )
    return text


def _is_bias(spec: NetworkSpec, name: str) -> bool:
    return spec.has_parameter(name) and spec.ref(name).kind == "b"


def float_large(view: QWidget) -> None:
    """Float the dock holding ``view`` over nine tenths of its screen (its title bar's float
    button puts it back); nothing when ``view`` is in no dock."""
    dock = view.parentWidget()
    while dock is not None and not isinstance(dock, QDockWidget):
        dock = dock.parentWidget()
    if dock is None:
        return
    dock.setFloating(True)
    area = dock.screen().availableGeometry()
    dx, dy = area.width() // 20, area.height() // 20
    dock.setGeometry(area.adjusted(dx, dy, -dx, -dy))
    dock.raise_()
