"""The parameter dock: tabs for the weight table, training settings, network shape and data set."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.shell.theme import BASE_POINT_SIZE, clamp_font_scale
from bpdesk.gui.views.parameters.network_editor import NetworkEditor
from bpdesk.gui.views.parameters.split_form import SplitForm
from bpdesk.gui.views.parameters.table import ParameterTable
from bpdesk.gui.views.parameters.training_form import TrainingForm

__all__ = ["DATASETS", "DatasetChooser", "ParameterPanel"]

# The built-in data sets, with one line each on what they are.
DATASETS = {
    "lecture": "The lecture's worked example: one sample, inputs 0.05 and 0.10",
    "and": "Logical AND of two inputs",
    "or": "Logical OR of two inputs",
    "xor": "Logical XOR: the classic problem one neuron cannot solve",
    "spirals": "Two interleaved spirals in the plane",
    "circles": "One class inside a ring of the other",
    "moons": "Two interleaving half-moons",
    "blobs": "Clusters of points, one per class",
    "sine": "Fit a sine curve: one input, one output",
    "iris": "Iris flowers: four measurements → three species",
    "digits": "Handwritten digits as 8 × 8 images → ten classes",
}


class DatasetChooser(QWidget):
    """The data set on show, and a list of built-in ones to load with an explicit press."""

    dataset_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = QLabel("…")
        self.current.setWordWrap(True)
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.combo = QComboBox()
        for name, about in DATASETS.items():
            self.combo.addItem(name, name)
            self.combo.setItemData(self.combo.count() - 1, about, Qt.ItemDataRole.ToolTipRole)
        self.combo.setAccessibleName("Built-in data set")
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setToolTip("The built-in data sets; press Load to train on the one chosen.")
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.load_button = QPushButton("Load")
        self.load_button.setObjectName("load_dataset")
        self.load_button.setAccessibleName("Load the chosen data set")
        self.load_button.setToolTip(
            "Train on the chosen data set: the network gets its inputs and outputs and "
            "training starts again."
        )
        note = QLabel(
            "Loading a data set fits the network's inputs and outputs to it and starts "
            "training again."
        )
        note.setWordWrap(True)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        now = QLabel("Now:")
        now.setBuddy(self.current)
        form.addRow(now, self.current)
        choose = QLabel("&Data set:")
        choose.setBuddy(self.combo)
        form.addRow(choose, self.combo)
        form.addRow(self.about)
        form.addRow(self.load_button)
        form.addRow(note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self.combo.currentIndexChanged.connect(self._on_choice)
        self.load_button.clicked.connect(self._on_load)
        self._on_choice(self.combo.currentIndex())

    def show_snapshot(self, snapshot: Snapshot) -> None:
        name = snapshot.dataset_name or "(unnamed)"
        n = snapshot.n_samples
        spec = snapshot.spec
        image = ""
        if snapshot.input_shape is not None:
            rows, columns = snapshot.input_shape
            image = f", each a {rows} × {columns} image"
        self.current.setText(
            f"{name}: {n} sample{'' if n == 1 else 's'}{image}, "
            f"{spec.n_inputs} input{'' if spec.n_inputs == 1 else 's'} → "
            f"{spec.sizes[-1]} output{'' if spec.sizes[-1] == 1 else 's'}"
        )

    @Slot(int)
    def _on_choice(self, index: int) -> None:
        self.about.setText(DATASETS.get(str(self.combo.itemData(index)), ""))

    @Slot()
    def _on_load(self) -> None:
        self.dataset_requested.emit(str(self.combo.currentData()))


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


class ParameterPanel(QWidget):
    """Shows the weights and settings of a snapshot and sends what the person changes."""

    parameter_edited = Signal(str, float)  # a weight/bias name and its new value
    config_changed = Signal(object)  # a validated TrainConfig
    network_requested = Signal(object, str, int)  # NetworkSpec, init method, seed
    dataset_requested = Signal(str)  # a built-in data set name
    epochs_changed = Signal(int)  # the "Run N epochs" count
    split_requested = Signal(float, float, int)  # validation size, test size, split seed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parameter_panel")
        self._message = ""
        self.table = ParameterTable()
        self.training = TrainingForm()
        self.network = NetworkEditor()
        self.data = DatasetChooser()
        self.split = SplitForm()
        data_tab = QWidget()
        data_layout = QVBoxLayout(data_tab)
        data_layout.addWidget(self.data)
        data_layout.addWidget(self.split)
        data_layout.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.addTab(self.table, "Weights")
        self.tabs.addTab(_scrolling(self.training), "Training")
        self.tabs.addTab(_scrolling(self.network), "Network")
        self.tabs.addTab(_scrolling(data_tab), "Data")
        tips = (
            "Every weight and bias: value, gradient and the last update",
            "Learning rate η, momentum α, batch size and the other training settings",
            "Hidden layers, activations, loss and fresh initial weights",
            "Choose a built-in data set and how many samples to hold out",
        )
        for index, tip in enumerate(tips):
            self.tabs.setTabToolTip(index, tip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self.table.parameter_edited.connect(self.parameter_edited)
        self.training.config_changed.connect(self.config_changed)
        self.training.epochs_changed.connect(self.epochs_changed)
        self.network.network_requested.connect(self.network_requested)
        self.data.dataset_requested.connect(self.dataset_requested)
        self.split.split_requested.connect(self.split_requested)
        for source in (self.table, self.training, self.network, self.split):
            source.refused.connect(self._on_refused)
        for signal in (
            self.parameter_edited,
            self.config_changed,
            self.network_requested,
            self.dataset_requested,
            self.split_requested,
        ):
            signal.connect(self._on_accepted)
        self.set_font_scale(1.0)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Show ``snapshot`` (never emits; fields being typed in keep their text)."""
        self.table.show_snapshot(snapshot)
        self.training.show_snapshot(snapshot)
        self.network.show_snapshot(snapshot)
        self.data.show_snapshot(snapshot)
        self.split.show_snapshot(snapshot)

    def epochs(self) -> int:
        return self.training.epoch_count()

    def set_font_scale(self, scale: float) -> None:
        """Every text at ``scale`` × the base size (1.0 = 12 pt; the one rule: 75 % to 300 %)."""
        font = self.font()
        font.setPointSizeF(BASE_POINT_SIZE * clamp_font_scale(scale))
        self.setFont(font)
        self.table.fit_columns()

    def message(self) -> str:
        """The last refusal shown ("" once a later change went through)."""
        return self._message

    @Slot(str)
    def _on_refused(self, text: str) -> None:
        self._message = text

    @Slot()
    def _on_accepted(self) -> None:
        self._message = ""
