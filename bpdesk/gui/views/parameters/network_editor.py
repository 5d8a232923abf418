"""The network shape editor: hidden layers, activations, loss, biases and initial weights."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.engine.activations import ACTIVATIONS
from bpdesk.core.engine.config import HIDDEN_LAYERS, NEURONS, SEED
from bpdesk.core.engine.init import INIT_METHODS
from bpdesk.core.engine.losses import LOSSES
from bpdesk.core.engine.network import LayerSpec, NetworkSpec
from bpdesk.core.errors import ConfigError
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.views.parameters.number_field import NumberField, RefusalLabel, refusal

__all__ = ["NetworkEditor"]

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
OUTPUT_ACTIVATIONS = (*HIDDEN_ACTIVATIONS, "softmax")

LOSS_LABELS = {
    "half_sse": "E_total = Σ ½ (target − out)²",
    "mse": "Mean squared error",
    "bce": "Binary cross-entropy",
    "cce": "Categorical cross-entropy",
}
INIT_LABELS = {"uniform": "Uniform in [−r, r]", "xavier": "Xavier / Glorot", "he": "He"}
BIAS_LABELS = {True: "One per layer (b1, b2: lecture)", False: "One per neuron (b_h1, …)"}


def _activation_combo(names: tuple[str, ...], accessible: str) -> QComboBox:
    combo = QComboBox()
    for name in names:
        activation = ACTIVATIONS[name]
        combo.addItem(activation.label, name)
        combo.setItemData(
            combo.count() - 1, f"out = {activation.formula}", Qt.ItemDataRole.ToolTipRole
        )
    combo.setAccessibleName(accessible)
    combo.setToolTip("The activation function: how a neuron turns net into out.")
    _shrinkable(combo)
    return combo


def _shrinkable(combo: QComboBox) -> None:
    """Let a combo box be narrower than its longest item (the text is cut short with …)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)


class _LayerRow:
    """The widgets of one hidden layer: its label, neuron count and activation."""

    def __init__(self, number: int, size: int, activation: str) -> None:
        self.label = QLabel(f"Hidden {number}")
        self.size = QSpinBox()
        low, high = NEURONS.whole_range()
        self.size.setRange(low, max(high, size))  # a loaded network may have more
        self.size.setValue(size)
        self.size.setAccessibleName(f"Neurons in hidden layer {number}")
        self.size.setToolTip(f"How many neurons this hidden layer has ({low} to {high}).")
        self.size.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.label.setBuddy(self.size)
        self.activation = _activation_combo(
            HIDDEN_ACTIVATIONS, f"Activation of hidden layer {number}"
        )
        index = self.activation.findData(activation)
        self.activation.setCurrentIndex(max(index, 0))

    def widgets(self) -> tuple[QWidget, QWidget, QWidget]:
        return self.label, self.size, self.activation

    def layer(self) -> LayerSpec:
        return LayerSpec(self.size.value(), str(self.activation.currentData()))


class NetworkEditor(QWidget):
    """Edits a network shape; only “Apply / re-initialise” asks for the new network."""

    network_requested = Signal(object, str, int)
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec: NetworkSpec | None = None
        self._rows: list[_LayerRow] = []
        self._build()
        self.load_spec(NetworkSpec.build([2, 2, 2], "sigmoid", shared_bias=True))

    # ---------------------------------------------------------------- building
    def _build(self) -> None:
        self.inputs_label = QLabel()
        self.inputs_label.setToolTip("The data set decides how many inputs the network has.")
        self.outputs_label = QLabel()
        self.outputs_label.setToolTip("The data set decides how many outputs the network has.")
        shape = self._make_shape()
        self._make_choices()
        self._make_apply()
        self._lay_out(shape)
        self._connect()

    def _make_shape(self) -> QGroupBox:
        """The layer grid (name, neurons, activation per layer) and its add/remove buttons."""
        shape = QGroupBox("Layers")
        shape_layout = QVBoxLayout(shape)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(2, 1)
        for column, title in enumerate(("Layer", "Neurons", "Activation")):
            self.grid.addWidget(self._heading(title), 0, column)
        self.output_label = QLabel("Output")
        self.output_size = QLabel()
        self.output_size.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.output_size.setToolTip("Fixed by the data set: one output per target.")
        self.output_activation = _activation_combo(OUTPUT_ACTIVATIONS, "Output activation")
        self.output_label.setBuddy(self.output_activation)
        self.add_button = QPushButton("+ Add layer")
        self.add_button.setAccessibleName("Add a hidden layer")
        self.add_button.setToolTip("Add a hidden layer just before the output layer.")
        self.remove_button = QPushButton("− Remove layer")
        self.remove_button.setAccessibleName("Remove the last hidden layer")
        self.remove_button.setToolTip("Remove the hidden layer just before the output layer.")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        shape_layout.addLayout(self.grid)
        shape_layout.addLayout(buttons)
        return shape

    def _make_choices(self) -> None:
        """Loss, biases, initialisation and the initialisation seed."""
        self.loss = QComboBox()
        for name, label in LOSS_LABELS.items():
            self.loss.addItem(label, name)
            self.loss.setItemData(
                self.loss.count() - 1, LOSSES[name].formula, Qt.ItemDataRole.ToolTipRole
            )
        self.loss.setAccessibleName("Loss")
        self.loss.setToolTip("The error function E_total that training makes small.")
        self.bias = QComboBox()
        for shared, label in BIAS_LABELS.items():
            self.bias.addItem(label, shared)
        self.bias.setAccessibleName("Biases")
        self.bias.setToolTip(
            "One bias shared by all neurons of a layer (as the lecture draws b1 and b2), "
            "or one bias for every neuron."
        )
        self.init = QComboBox()
        for name, label in INIT_LABELS.items():
            self.init.addItem(label, name)
            self.init.setItemData(
                self.init.count() - 1, INIT_METHODS[name], Qt.ItemDataRole.ToolTipRole
            )
        self.init.setAccessibleName("Initialisation")
        self.init.setToolTip("How the new random starting weights are drawn.")
        for combo in (self.loss, self.bias, self.init):
            _shrinkable(combo)
        self.seed = NumberField.for_setting(SEED, 0)
        self.seed.set_help("Seed of the random starting weights: the same seed, the same weights.")
        self.seed.edit.setAccessibleName("Initialisation seed")

    def _make_apply(self) -> None:
        self.apply_button = QPushButton("Apply / re-initialise")
        self.apply_button.setObjectName("apply_network")
        self.apply_button.setAccessibleName("Apply the network and re-initialise its weights")
        self.apply_button.setToolTip(
            "Build this network with new random weights from the seed; training starts again."
        )
        self.pending = QLabel("Changes not applied yet: press the button above.")
        self.pending.setWordWrap(True)
        self.pending.hide()
        self.note = RefusalLabel()
        self.note.setObjectName("network_message")

    def _lay_out(self, shape: QGroupBox) -> None:
        settings = QFormLayout()
        settings.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        settings.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        settings.addRow(self._buddy("Inputs:", self.inputs_label), self.inputs_label)
        settings.addRow(self._buddy("Outputs:", self.outputs_label), self.outputs_label)
        after = QFormLayout()
        after.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        after.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, combo in (
            ("&Loss:", self.loss),
            ("&Biases:", self.bias),
            ("&Initialisation:", self.init),
        ):
            # Label above, so the choice gets the whole width.
            after.addRow(self._buddy(text, combo))
            after.addRow(combo)
        after.addRow(self._buddy("Initialisation s&eed:", self.seed.edit), self.seed)
        layout = QVBoxLayout(self)
        layout.addLayout(settings)
        layout.addWidget(shape)
        layout.addLayout(after)
        layout.addWidget(self.apply_button)
        layout.addWidget(self.pending)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def _connect(self) -> None:
        self.add_button.clicked.connect(self.add_layer)
        self.remove_button.clicked.connect(self.remove_layer)
        self.apply_button.clicked.connect(self.apply)
        for combo in (self.output_activation, self.loss, self.bias, self.init):
            combo.activated.connect(self._changed)
        self.seed.refused.connect(self.refused)

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        bold = QFont()  # only the weight is set: the size follows the panel
        bold.setBold(True)
        label.setFont(bold)
        return label

    @staticmethod
    def _buddy(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        label.setToolTip(buddy.toolTip())
        return label

    # ---------------------------------------------------------------- the shape
    def load_spec(self, spec: NetworkSpec) -> None:
        """Show ``spec`` in the editor (no signal), dropping any edits not applied."""
        self._spec = spec
        self.inputs_label.setText(f"{spec.n_inputs} (fixed by the data set)")
        self.outputs_label.setText(f"{spec.sizes[-1]} (fixed by the data set)")
        while self._rows:
            self._drop_row()
        for layer in spec.layers[:-1]:
            self._add_row(layer.size, layer.activation)
        self._place_output()
        self.output_size.setText(str(spec.sizes[-1]))
        self._select(self.output_activation, spec.layers[-1].activation)
        self._select(self.loss, spec.loss)
        self._select(self.bias, spec.shared_bias)
        self.pending.hide()
        self._update_buttons()

    @staticmethod
    def _select(combo: QComboBox, data: object) -> None:
        index = combo.findData(data)
        if index >= 0:
            combo.setCurrentIndex(index)

    def hidden_sizes(self) -> list[int]:
        return [row.size.value() for row in self._rows]

    def hidden_rows(self) -> int:
        return len(self._rows)

    def _add_row(self, size: int, activation: str) -> _LayerRow:
        row = _LayerRow(len(self._rows) + 1, size, activation)
        self._rows.append(row)
        for column, widget in enumerate(row.widgets()):
            self.grid.addWidget(widget, len(self._rows), column)
        row.size.valueChanged.connect(self._changed)
        row.activation.activated.connect(self._changed)
        return row

    def _drop_row(self) -> None:
        row = self._rows.pop()
        for widget in row.widgets():
            self.grid.removeWidget(widget)
            widget.deleteLater()

    def _place_output(self) -> None:
        line = len(self._rows) + 1
        for column, widget in enumerate(
            (self.output_label, self.output_size, self.output_activation)
        ):
            self.grid.removeWidget(widget)
            self.grid.addWidget(widget, line, column)

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(HIDDEN_LAYERS.allows(len(self._rows) + 1))
        self.remove_button.setEnabled(HIDDEN_LAYERS.allows(len(self._rows) - 1))

    @Slot()
    def add_layer(self) -> None:
        """One more hidden layer (a copy of the last one's size and activation)."""
        if not HIDDEN_LAYERS.allows(len(self._rows) + 1):
            return
        last = self._rows[-1].layer() if self._rows else LayerSpec(2, "sigmoid")
        self._add_row(last.size, last.activation)
        self._place_output()
        self._changed()

    @Slot()
    def remove_layer(self) -> None:
        if not self._rows or not HIDDEN_LAYERS.allows(len(self._rows) - 1):
            return
        self._drop_row()
        self._place_output()
        self._changed()

    @Slot()
    def _changed(self) -> None:
        self.pending.show()
        self._update_buttons()

    # ---------------------------------------------------------------- applying
    def current_spec(self) -> NetworkSpec:
        """The spec the editor shows; ConfigError if it cannot be built."""
        base = self._spec
        if base is None:
            raise ConfigError("No network is loaded yet.")
        output = LayerSpec(base.sizes[-1], str(self.output_activation.currentData()))
        layers = (*(row.layer() for row in self._rows), output)
        return NetworkSpec(
            base.n_inputs,
            layers,
            loss=str(self.loss.currentData()),
            shared_bias=bool(self.bias.currentData()),
            input_names=base.input_names,
        )

    @Slot()
    def apply(self) -> None:
        """Ask for the network on show with new weights (or a refusal saying why not)."""
        try:
            spec = self.current_spec()
        except ConfigError as error:
            text = refusal(str(error))
            self.note.show_message(text)
            self.refused.emit(text)
            return
        self.note.show_message("")
        self.pending.hide()
        self.network_requested.emit(spec, str(self.init.currentData()), self.seed.int_value())

    def message(self) -> str:
        return self.note.message() or self.seed.message()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Follow the snapshot's network when it changed (a new data set or shape)."""
        if snapshot.spec != self._spec:
            self.load_spec(snapshot.spec)
