"""Teach ▸ Gradient descent on one weight: J along one parameter of the live network (or of a
linear neuron), the tangent and the sign of its slope, the steps η takes as arrows, presets
for η and a table of |Δθ| per step."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.descent import (
    MAX_STEPS,
    SATURATION_NOTE,
    VERDICTS,
    default_parameter,
    slope_sentence,
)
from bpdesk.gui.shell.theme import clamp_font_scale
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.tools.descent_view.jobs import (
    LINEAR,
    NETWORK,
    DescentJobs,
    DescentRequest,
    DescentResult,
)
from bpdesk.gui.tools.descent_view.plot import BASE_POINT_SIZE, DescentPlot
from bpdesk.gui.tools.descent_view.table import fill_steps, steps_table
from bpdesk.gui.tools.landscape_view.paths import float_large

__all__ = ["DescentView", "build"]

DEFAULT_STEPS = 20
DEFAULT_ETA = 0.5
ASK_DELAY_MS = 60  # settings and snapshots arriving together make one request
BUSY_AFTER_MS = 500
BUTTONS = (
    ("too small", "too small"),
    ("good", "good"),
    ("too large", "too large"),
    ("diverging", "diverging"),
    ("huge", "huge η"),
)
PRESET_COLUMNS = 3
UNBOUNDED_NOTE = (
    "This network's error has no ceiling (its loss can grow as far as the outputs go wrong), "
    "so here a too large η really diverges, as on a parabola."
)
ALPHA_NOTE = "η is the learning rate, which the gradient-descent slides call α."


def build(host: ToolHost) -> QWidget:
    """The view for the tool registry."""
    return DescentView(host)


class DescentView(QWidget):
    """Asks :class:`DescentJobs` for the picture its controls describe, on the newest snapshot,
    and draws the answer: plot, slope sentence, what the steps did, the table of steps."""

    def __init__(self, host: ToolHost | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._snapshot: Snapshot | None = None
        self._spec: NetworkSpec | None = None
        self._result: DescentResult | None = None
        self._preset: str | None = "good"  # the first picture: steps that visibly shrink
        self._dirty = False
        self._scale = 1.0
        self.jobs = DescentJobs(self)
        self.jobs.ready.connect(self._on_ready)
        self.jobs.failed.connect(self._on_failed)
        self.plot = DescentPlot(self)
        self._ask_timer = QTimer(self, singleShot=True, interval=ASK_DELAY_MS)
        self._ask_timer.timeout.connect(self._ask)
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self._show_busy)
        self._build()
        self._apply_fonts()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._build_curve_row())
        layout.addLayout(self._build_start_row())
        layout.addLayout(self._build_preset_row())
        self.alpha_note = QLabel(ALPHA_NOTE)
        self.alpha_note.setWordWrap(True)
        self.slope_text = QLabel("Waiting for a network.")
        self.slope_text.setWordWrap(True)
        self.slope_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = QFont(self.slope_text.font())
        bold.setBold(True)
        self.slope_text.setFont(bold)
        layout.addWidget(self.alpha_note)
        layout.addWidget(self.slope_text)
        self.plot.plot.setMinimumHeight(380)
        layout.addWidget(self.plot.plot, 5)
        layout.addLayout(self._build_step_row())
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.verdict)
        self.table = steps_table()
        self.table.itemSelectionChanged.connect(self._on_row_chosen)
        layout.addWidget(self.table, 2)

    def _build_curve_row(self) -> QHBoxLayout:
        self.source = QComboBox()
        self.source.addItem("this network", NETWORK)
        self.source.addItem("a linear neuron", LINEAR)
        self.source.setToolTip("A linear neuron's error is a parabola: there descent can diverge")
        self.source.setAccessibleName("Whose error")
        self.parameter = QComboBox()
        self.parameter.setAccessibleName("The parameter θ")
        self.parameter.setMinimumContentsLength(5)
        self.source.currentIndexChanged.connect(self._on_source)
        self.parameter.currentIndexChanged.connect(self._on_parameter)
        row = QHBoxLayout()
        row.addWidget(QLabel("J of"))
        row.addWidget(self.source)
        row.addWidget(QLabel("along θ ="))
        row.addWidget(self.parameter)
        row.addStretch(1)
        large = QPushButton("Large window")
        large.setToolTip("Float this view in a window of almost the whole screen (projector)")
        large.clicked.connect(lambda: float_large(self))
        row.addWidget(large)
        return row

    def _build_start_row(self) -> QVBoxLayout:
        self.follow = QCheckBox("its current value")
        self.follow.setChecked(True)
        self.follow.toggled.connect(self._on_follow)
        self.start = QDoubleSpinBox()
        self.start.setRange(-1e6, 1e6)
        self.start.setDecimals(4)
        self.start.setAccessibleName("Starting value θ_0")
        self.start.setEnabled(False)
        self.start.valueChanged.connect(self._settings_changed)
        zero = QPushButton("θ = 0")
        zero.setToolTip("Start at zero, as the slides do")
        zero.clicked.connect(self.start_at_zero)
        self.eta = QDoubleSpinBox()
        self.eta.setRange(1e-6, 1e6)
        self.eta.setDecimals(6)
        self.eta.setValue(DEFAULT_ETA)
        self.eta.setAccessibleName("Learning rate η (the slides' α)")
        self.eta.valueChanged.connect(self._on_eta_typed)
        self.steps = QSpinBox()
        self.steps.setRange(1, MAX_STEPS)
        self.steps.setValue(DEFAULT_STEPS)
        self.steps.setAccessibleName("Number of steps")
        self.steps.valueChanged.connect(self._settings_changed)
        row = QHBoxLayout()
        row.addWidget(QLabel("θ_0 ="))
        row.addWidget(self.start)
        row.addWidget(self.follow)
        row.addWidget(zero)
        row.addStretch(1)
        rate = QHBoxLayout()
        rate.addWidget(QLabel("η (α) ="))
        rate.addWidget(self.eta)
        rate.addSpacing(12)
        rate.addWidget(QLabel("steps"))
        rate.addWidget(self.steps)
        rate.addStretch(1)
        column = QVBoxLayout()
        column.addLayout(row)
        column.addLayout(rate)
        return column

    def _build_preset_row(self) -> QHBoxLayout:
        grid = QGridLayout()
        self.preset_buttons: dict[str, QPushButton] = {}
        for index, (key, text) in enumerate(BUTTONS):
            button = QPushButton(text)
            button.setToolTip(f"Set η to the preset “{text}” for this curve")
            button.clicked.connect(lambda _=False, k=key: self.apply_preset(k))
            grid.addWidget(button, index // PRESET_COLUMNS, index % PRESET_COLUMNS)
            self.preset_buttons[key] = button
        self.preset_buttons["diverging"].setToolTip(
            "Shown on a linear neuron, where the error really can grow without end"
        )
        self.preset_buttons["huge"].setToolTip("What a huge η does on a sigmoid network")
        row = QHBoxLayout()
        row.addWidget(QLabel("η preset:"), 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(grid)
        row.addStretch(1)
        return row

    def _build_step_row(self) -> QHBoxLayout:
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("The step whose tangent is drawn")
        self.slider.valueChanged.connect(self._on_step)
        back = QPushButton("◀")
        back.setAccessibleName("Previous step")
        back.clicked.connect(lambda: self.slider.setValue(self.slider.value() - 1))
        forward = QPushButton("▶")
        forward.setAccessibleName("Next step")
        forward.clicked.connect(lambda: self.slider.setValue(self.slider.value() + 1))
        self.step_label = QLabel()
        self.busy = QLabel("Working it out…")
        self.busy.hide()
        self.cancel = QPushButton("Cancel")
        self.cancel.hide()
        self.cancel.clicked.connect(self._on_cancel)
        row = QHBoxLayout()
        row.addWidget(QLabel("Tangent at step"))
        row.addWidget(back)
        row.addWidget(self.slider, 1)
        row.addWidget(forward)
        row.addWidget(self.step_label)
        row.addWidget(self.busy)
        row.addWidget(self.cancel)
        return row

    # ------------------------------------------------------------------ public
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """The live network: fill the parameter list (for a new network) and redraw its curve."""
        self._snapshot = snapshot
        self._follow_font()
        if snapshot.spec != self._spec:
            if self._spec is None:  # to begin with, the network's own η
                self.eta.blockSignals(True)
                self.eta.setValue(float(snapshot.config.eta))
                self.eta.blockSignals(False)
            self._spec = snapshot.spec
            self.parameter.blockSignals(True)
            self.parameter.clear()
            self.parameter.addItems(list(snapshot.spec.parameter_names))
            index = self.parameter.findText(default_parameter(snapshot.spec))
            self.parameter.setCurrentIndex(max(0, index))
            self.parameter.blockSignals(False)
        if self.source.currentData() == NETWORK:
            if snapshot.running and self._result is not None:
                return  # redrawn once the run stops: a curve a frame would slow training down
            if self.follow.isChecked():
                self._show_current_start()
            self._ask_soon()

    def apply_preset(self, key: str) -> None:
        """η from a preset (a key of PRESETS, or "huge"); "diverging" moves to the linear
        neuron, where divergence really happens."""
        if key == "diverging" and self.source.currentData() != LINEAR:
            self.source.setCurrentIndex(self.source.findData(LINEAR))
        self._preset = key
        self._ask_soon()

    def choose(self, source: str, name: str = "") -> None:
        """The curve: NETWORK along ``name`` (when given), or LINEAR."""
        self.source.setCurrentIndex(self.source.findData(source))
        if name:
            index = self.parameter.findText(name)
            if index < 0:
                raise ValueError(f"This network has no parameter called {name!r}.")
            self.parameter.setCurrentIndex(index)

    def start_at_zero(self) -> None:
        """θ_0 = 0, as on the slides."""
        self.follow.setChecked(False)
        self.start.setValue(0.0)
        self._ask_soon()

    def result(self) -> DescentResult | None:
        """The picture on show."""
        return self._result

    def set_font_scale(self, scale: float) -> None:
        """Every font at ``scale`` × 12 pt (75 % to 300 %)."""
        self._scale = clamp_font_scale(scale)
        self._apply_fonts()

    def shutdown(self) -> None:
        self._ask_timer.stop()
        self.jobs.shutdown()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._follow_font()

    def _follow_font(self) -> None:
        """The window's text size (presentation mode makes it larger)."""
        if self._host is not None and abs(self._host.font_scale - self._scale) > 1e-9:
            self.set_font_scale(self._host.font_scale)

    # ------------------------------------------------------------------ asking
    def _request(self) -> DescentRequest | None:
        source = str(self.source.currentData())
        if source == NETWORK and (self._snapshot is None or not self.parameter.currentText()):
            return None
        start = None if source == NETWORK and self.follow.isChecked() else self.start.value()
        return DescentRequest(
            source,
            self.parameter.currentText(),
            start,
            float(self.eta.value()),
            int(self.steps.value()),
            self._preset,
        )

    def _ask_soon(self) -> None:
        self._ask_timer.start()

    @Slot()
    def _ask(self) -> None:
        if self.jobs.pending:
            self._dirty = True  # asked again once the answer under way arrives
            return
        request = self._request()
        if request is None:
            return
        self._dirty = False
        self._preset = None
        self._busy_timer.start()
        self.jobs.submit(request, self._snapshot)

    @Slot(object)
    def _on_ready(self, result: DescentResult) -> None:
        self._end_busy()
        if self._dirty:
            self._ask()
        self._result = result
        if result.request.preset is not None:
            self.eta.blockSignals(True)
            self.eta.setValue(result.eta)
            self.eta.blockSignals(False)
        self._draw(result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end_busy()
        self.verdict.setText(message)
        if self._dirty:
            self._ask()

    @Slot()
    def _show_busy(self) -> None:
        if self.jobs.pending:
            self.busy.show()
            self.cancel.show()

    def _end_busy(self) -> None:
        self._busy_timer.stop()
        self.busy.hide()
        self.cancel.hide()

    @Slot()
    def _on_cancel(self) -> None:
        self._ask_timer.stop()
        self.jobs.cancel()
        self._dirty = False
        self._end_busy()

    # ------------------------------------------------------------------ drawing
    def _draw(self, result: DescentResult) -> None:
        curve, steps = result.curve, result.curve.steps
        current = result.current if result.request.source == NETWORK else None
        self.slider.blockSignals(True)
        self.slider.setRange(0, steps.thetas.size - 1)
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self.plot.draw(curve, current, 0)
        note = ALPHA_NOTE
        if result.request.source == NETWORK and self._spec is not None:
            if self._spec.ref(curve.name).kind == "b":
                note += f" {curve.name} is a bias: the weight on a constant input of 1."
        self.alpha_note.setText(note)
        fill_steps(self.table, result.curve.steps)
        verdict = VERDICTS.get(steps.verdict, "")
        where = ""
        if curve.minimum is not None:
            where = f" The lowest J along θ is at θ = {format_value(curve.minimum, 6)}."
        note = ""
        linear = result.request.source == LINEAR
        if steps.verdict in ("stalled", "oscillating") or (linear and steps.verdict == "diverged"):
            note = "\n" + SATURATION_NOTE
        elif steps.verdict == "diverged":
            note = "\n" + UNBOUNDED_NOTE
        snapshot = self._snapshot
        if (
            result.request.source == NETWORK
            and snapshot is not None
            and not snapshot.config.train_biases
            and snapshot.spec.ref(curve.name).kind == "b"
        ):
            where += (
                f" Training holds the biases fixed here, so {curve.name} itself stays put as "
                "the network learns; the steps show what descent on it would do."
            )
        self.verdict.setText(
            f"η = {format_value(result.eta, 6)}, {steps.thetas.size - 1} steps: {verdict}"
            f"{where}{note}"
        )
        self._on_step(0)

    @Slot(int)
    def _on_step(self, k: int) -> None:
        result = self._result
        if result is None:
            return
        self.plot.show_step(k)
        theta, _error, slope = result.curve.tangent(k)
        self.slope_text.setText(slope_sentence(theta, slope, result.eta))
        self.step_label.setText(f"{k} of {result.curve.steps.thetas.size - 1}")
        self.table.blockSignals(True)
        self.table.selectRow(k)
        self.table.blockSignals(False)

    @Slot()
    def _on_row_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.slider.setValue(rows[0].row())

    # ------------------------------------------------------------------ controls
    def _show_current_start(self) -> None:
        snapshot = self._snapshot
        name = self.parameter.currentText()
        if snapshot is not None and name in snapshot.values:
            self.start.blockSignals(True)
            self.start.setValue(float(snapshot.values[name]))
            self.start.blockSignals(False)

    @Slot(int)
    def _on_source(self, _index: int) -> None:
        network = self.source.currentData() == NETWORK
        self.parameter.setEnabled(network)
        self.follow.setEnabled(network)
        if not network:
            self.follow.setChecked(False)
            self.start.setValue(0.0)
        self._ask_soon()

    @Slot(int)
    def _on_parameter(self, _index: int) -> None:
        if self.follow.isChecked():
            self._show_current_start()
        self._ask_soon()

    @Slot(bool)
    def _on_follow(self, on: bool) -> None:
        self.start.setEnabled(not on)
        if on:
            self._show_current_start()
        self._ask_soon()

    @Slot()
    def _on_eta_typed(self) -> None:
        self._preset = None
        self._ask_soon()

    @Slot()
    def _settings_changed(self) -> None:
        self._ask_soon()

    def _apply_fonts(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(BASE_POINT_SIZE * self._scale)
        self.setFont(font)
        bold = QFont(font)
        bold.setBold(True)
        bold.setPointSizeF(BASE_POINT_SIZE * self._scale * 1.1)
        self.slope_text.setFont(bold)
        self.plot.set_fonts(font, self._scale)
