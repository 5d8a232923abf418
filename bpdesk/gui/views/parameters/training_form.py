"""The training settings form: η, α, batch size, epochs to run, optimiser, update order, seed,
weight decay λ and the patience of early stopping."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSignalBlocker, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.engine.config import (
    BATCH_SIZE,
    EPOCHS,
    LEARNING_RATE,
    MOMENTUM,
    PATIENCE,
    SEED,
    WEIGHT_DECAY,
    TrainConfig,
    check_batch_size,
)
from bpdesk.core.engine.optimizers import OPTIMIZERS
from bpdesk.core.errors import ConfigError
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.views.parameters.number_field import NumberField, RefusalLabel, refusal

__all__ = ["DEFAULT_EPOCHS", "TrainingForm"]

DEFAULT_EPOCHS = 100

UPDATE_ORDER_LABELS = {
    "simultaneous": "Simultaneous (correct)",
    "sequential": "Sequential (lecture's incorrect variant)",
}

TIPS = {
    "eta": "Learning rate η: how big a step each update takes (w⁺ = w − η · ∂E/∂w).",
    "momentum": "Momentum α: how much of the previous weight change is added to this one "
    "(0 = none).",
    "batch": "Batch size B: how many samples are averaged for one update "
    "(1 = online learning, N = full batch).",
    "epochs": "How many passes over the whole data set “Run N epochs” makes.",
    "optimizer": "How a gradient becomes a weight change.",
    "order": "Simultaneous: every gradient is taken at the weights from before the step. "
    "Sequential: each layer is changed as soon as its gradient is known.",
    "biases": "Off: biases keep their values, as in the lecture. On: biases learn like weights.",
    "shuffle": "Mix the order of the samples at the start of every epoch (from the seed).",
    "seed": "Seed of the random shuffling: the same seed gives the same order again.",
    "decay": "Weight decay λ (L2): every update also pulls each weight towards 0 by η·λ·w "
    "(w⁺ = w − η·(∂E/∂w + λ·w)); the biases are not decayed. 0 = off.",
    "patience": "Early stopping: a run stops after this many epochs in a row without a lower "
    "validation error (split off a validation part on the Data tab). 0 = never.",
}

_NO_MOMENTUM = {"adam", "lm"}  # optimisers that do not use α


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class TrainingForm(QWidget):
    """Every hyper-parameter, each checked before it becomes a new ``TrainConfig``."""

    config_changed = Signal(object)
    epochs_changed = Signal(int)
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config = TrainConfig()
        self._n_samples = 1
        self._build()
        self._load(self._config)

    # ---------------------------------------------------------------- building
    def _build(self) -> None:
        self._make_fields()
        self._make_choices()
        self._name_widgets()
        self._lay_out()
        self._connect()

    def _make_fields(self) -> None:
        """The number fields: each judged by the core's rule for its setting."""
        self.eta = NumberField.for_setting(LEARNING_RATE, 0.5)
        self.momentum = NumberField.for_setting(MOMENTUM, 0.0)
        self.batch = NumberField.for_setting(BATCH_SIZE, 1, self._check_batch)
        self.batch_hint = QLabel()
        self.batch_hint.setWordWrap(True)
        self.epochs = NumberField.for_setting(EPOCHS, DEFAULT_EPOCHS)
        self.seed = NumberField.for_setting(SEED, 0)
        self.decay = NumberField.for_setting(WEIGHT_DECAY, 0.0)
        self.patience = NumberField.for_setting(PATIENCE, 0)

    def _make_choices(self) -> None:
        self.optimizer = QComboBox()
        for name, label in OPTIMIZERS.items():
            self.optimizer.addItem(_capitalised(label), name)
        self.order = QComboBox()
        for name, label in UPDATE_ORDER_LABELS.items():
            self.order.addItem(label, name)
        self.order_hint = QLabel(
            "Sequential changes each layer before the layer below has its gradient, "
            "so those gradients use already-changed weights: the lecture's incorrect variant."
        )
        self.order_hint.setWordWrap(True)
        self.choice_note = RefusalLabel()
        self.train_biases = QCheckBox("Train biases")
        self.biases_hint = QLabel("Off: the biases stay fixed, as in the lecture.")
        self.biases_hint.setWordWrap(True)
        self.shuffle = QCheckBox("Shuffle every epoch")
        for combo in (self.optimizer, self.order):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)

    def _name_widgets(self) -> None:
        """Tooltips, object names and accessible names."""
        fields: dict[str, NumberField] = {
            "eta": self.eta,
            "momentum": self.momentum,
            "batch": self.batch,
            "epochs": self.epochs,
            "seed": self.seed,
            "decay": self.decay,
            "patience": self.patience,
        }
        for key, field in fields.items():
            field.set_help(TIPS[key])
            field.edit.setObjectName(f"field_{key}")
        choices: dict[str, QWidget] = {
            "optimizer": self.optimizer,
            "order": self.order,
            "biases": self.train_biases,
            "shuffle": self.shuffle,
        }
        for key, widget in choices.items():
            widget.setToolTip(TIPS[key])
            widget.setObjectName(f"field_{key}")
        self.optimizer.setAccessibleName("Optimiser")
        self.order.setAccessibleName("Update order")
        self.train_biases.setAccessibleName("Train biases")
        self.shuffle.setAccessibleName("Shuffle samples")

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._row(form, "Learning rate &η:", self.eta, self.eta.edit, TIPS["eta"])
        self._row(form, "Momentum &α:", self.momentum, self.momentum.edit, TIPS["momentum"])
        self._row(form, "&Batch size B:", self.batch, self.batch.edit, TIPS["batch"])
        form.addRow(self.batch_hint)
        self._row(form, "E&pochs to run:", self.epochs, self.epochs.edit, TIPS["epochs"])
        self._stacked(form, "&Optimiser:", self.optimizer, TIPS["optimizer"])
        self._stacked(form, "&Update order:", self.order, TIPS["order"])
        form.addRow(self.order_hint)
        form.addRow(self.train_biases)
        form.addRow(self.biases_hint)
        form.addRow(self.shuffle)
        self._row(form, "Shuffle &seed:", self.seed, self.seed.edit, TIPS["seed"])
        self._row(form, "&Weight decay λ:", self.decay, self.decay.edit, TIPS["decay"])
        self._row(form, "Pa&tience (epochs):", self.patience, self.patience.edit, TIPS["patience"])
        form.addRow(self.choice_note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)

    def _connect(self) -> None:
        self.eta.committed.connect(self._on_eta)
        self.momentum.committed.connect(self._on_momentum)
        self.batch.committed.connect(self._on_batch)
        self.seed.committed.connect(self._on_seed)
        self.epochs.committed.connect(self._on_epochs)
        self.decay.committed.connect(self._on_decay)
        self.patience.committed.connect(self._on_patience)
        for field in self._fields():
            field.refused.connect(self.refused)
        self.optimizer.currentIndexChanged.connect(self._on_optimizer)
        self.order.currentIndexChanged.connect(self._on_order)
        self.train_biases.toggled.connect(self._on_train_biases)
        self.shuffle.toggled.connect(self._on_shuffle)

    @staticmethod
    def _row(form: QFormLayout, text: str, field: QWidget, buddy: QWidget, tip: str) -> None:
        label = QLabel(text)
        label.setBuddy(buddy)
        label.setToolTip(tip)
        form.addRow(label, field)

    @staticmethod
    def _stacked(form: QFormLayout, text: str, field: QWidget, tip: str) -> None:
        """A label above a field that gets the whole width (for long choices)."""
        label = QLabel(text)
        label.setBuddy(field)
        label.setToolTip(tip)
        form.addRow(label)
        form.addRow(field)

    # ---------------------------------------------------------------- reading
    def config(self) -> TrainConfig:
        """The settings as last sent (or as the last snapshot had them)."""
        return self._config

    def epoch_count(self) -> int:
        return self.epochs.int_value()

    def _fields(self) -> tuple[NumberField, ...]:
        return (
            self.eta, self.momentum, self.batch, self.epochs, self.seed, self.decay, self.patience,
        )  # fmt: skip

    def message(self) -> str:
        for note in self._fields():
            if note.message():
                return note.message()
        return self.choice_note.message()

    # ---------------------------------------------------------------- snapshots
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show the snapshot's settings without sending anything back."""
        self._n_samples = max(1, snapshot.n_samples)
        self._config = snapshot.config
        self._load(snapshot.config)
        n, b = self._n_samples, snapshot.config.batch_size
        per_epoch = snapshot.iterations_per_epoch
        plural = "" if per_epoch == 1 else "s"
        self.batch_hint.setText(
            f"1 = online, {n} = full batch (N = {n} sample{'' if n == 1 else 's'})\n"
            f"⌈N/B⌉ = ⌈{n}/{min(b, n)}⌉ = {per_epoch} iteration{plural} per epoch"
        )

    def _load(self, config: TrainConfig) -> None:
        self.eta.set_value(config.eta)
        self.momentum.set_value(config.momentum)
        self.batch.set_value(config.batch_size)
        self.seed.set_value(config.seed)
        self.decay.set_value(config.weight_decay)
        self.patience.set_value(config.patience)
        for combo, name in ((self.optimizer, config.optimizer), (self.order, config.update_order)):
            index = combo.findData(name)
            if index >= 0 and index != combo.currentIndex():
                with QSignalBlocker(combo):
                    combo.setCurrentIndex(index)
        for box, on in ((self.train_biases, config.train_biases), (self.shuffle, config.shuffle)):
            if box.isChecked() != on:
                with QSignalBlocker(box):
                    box.setChecked(on)
        self._enable_for(config.optimizer)

    def _enable_for(self, optimizer: str) -> None:
        uses_momentum = optimizer not in _NO_MOMENTUM
        self.momentum.setEnabled(uses_momentum)
        self.momentum.set_help(
            TIPS["momentum"] if uses_momentum else "Adam and Levenberg–Marquardt do not use α."
        )
        full_batch = optimizer == "lm"
        self.batch.setEnabled(not full_batch)
        self.batch.set_help(
            "Levenberg–Marquardt always uses the whole data set." if full_batch else TIPS["batch"]
        )

    # ---------------------------------------------------------------- changes
    def _check_batch(self, value: float) -> str | None:
        return check_batch_size(value, self._n_samples)

    def _send(self, field: NumberField | None, **changes: Any) -> None:
        """A new config from the current one; refused (and the old one shown) if invalid."""
        try:
            config = replace(self._config, **changes).validated()
        except ConfigError as error:
            self._load(self._config)
            if field is not None:
                field.refuse(str(error))
            else:
                text = refusal(str(error))
                self.choice_note.show_message(text)
                self.refused.emit(text)
            return
        self.choice_note.show_message("")
        self._config = config
        self._enable_for(config.optimizer)
        self.config_changed.emit(config)

    @Slot(float)
    def _on_eta(self, value: float) -> None:
        self._send(self.eta, eta=value)

    @Slot(float)
    def _on_momentum(self, value: float) -> None:
        self._send(self.momentum, momentum=value)

    @Slot(float)
    def _on_batch(self, value: float) -> None:
        self._send(self.batch, batch_size=int(value))

    @Slot(float)
    def _on_seed(self, value: float) -> None:
        self._send(self.seed, seed=int(value))

    @Slot(float)
    def _on_decay(self, value: float) -> None:
        self._send(self.decay, weight_decay=value)

    @Slot(float)
    def _on_patience(self, value: float) -> None:
        self._send(self.patience, patience=int(value))

    @Slot(float)
    def _on_epochs(self, value: float) -> None:
        self.epochs_changed.emit(int(value))

    @Slot(int)
    def _on_optimizer(self, index: int) -> None:
        self._send(None, optimizer=self.optimizer.itemData(index))

    @Slot(int)
    def _on_order(self, index: int) -> None:
        self._send(None, update_order=self.order.itemData(index))

    @Slot(bool)
    def _on_train_biases(self, on: bool) -> None:
        self._send(None, train_biases=on)

    @Slot(bool)
    def _on_shuffle(self, on: bool) -> None:
        self._send(None, shuffle=on)
