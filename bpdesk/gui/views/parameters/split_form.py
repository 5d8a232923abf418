"""The split of the samples: how many to hold out for validation and for test, and the seed."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from bpdesk.core.engine.config import SEED, check_split, check_split_size
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.gui.views.parameters.number_field import NumberField, RefusalLabel, refusal

__all__ = ["SplitForm"]

TIPS = {
    "validation": "Samples held out to choose when to stop: a fraction of all samples (0.2) "
    "or a number of samples (30); 0 = none. The best epoch and early stopping follow its error.",
    "test": "Samples held out to judge the trained network, never used to decide anything: "
    "a fraction (0.2) or a number of samples (30); 0 = none.",
    "seed": "The seed that picks which samples go to each part: the same seed, the same parts.",
}


def _count(n: int, what: str) -> str:
    return f"{n} {what}"


class SplitForm(QWidget):
    """Validation and test sizes (fractions or counts) and the split seed, sent on "Split"."""

    split_requested = Signal(float, float, int)  # validation size, test size, split seed
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._total = 1
        self.parts = QLabel("…")
        self.parts.setWordWrap(True)
        self.parts.setObjectName("split_parts")
        self.validation = NumberField(0.0, lambda v: check_split_size(v, "validation"))
        self.test = NumberField(0.0, lambda v: check_split_size(v, "test"))
        self.seed = NumberField.for_setting(SEED, 0)
        self.note = RefusalLabel()
        self.apply = QPushButton("Split the data")
        self.apply.setObjectName("apply_split")
        self.apply.setAccessibleName("Split the data into training, validation and test parts")
        self.apply.setToolTip(
            "Cut the samples into the parts above. The weights and settings stay; the error "
            "history starts again, since it was measured on other parts."
        )
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        heading = QLabel("<b>Held-out samples</b>")
        form.addRow(heading)
        form.addRow(self.parts)
        for key, text, field in (
            ("validation", "&Validation part:", self.validation),
            ("test", "T&est part:", self.test),
            ("seed", "Split see&d:", self.seed),
        ):
            field.set_help(TIPS[key])
            field.edit.setObjectName(f"field_split_{key}")
            label = QLabel(text)
            label.setBuddy(field.edit)
            label.setToolTip(TIPS[key])
            form.addRow(label, field)
            field.refused.connect(self.refused)
        form.addRow(self.apply)
        form.addRow(self.note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        self.apply.clicked.connect(self._on_apply)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """The parts as they are now, and their sizes in the fields (nothing is sent)."""
        n_validation = 0 if snapshot.validation_inputs is None else len(snapshot.validation_inputs)
        n_test = 0 if snapshot.test_inputs is None else len(snapshot.test_inputs)
        self._total = snapshot.n_samples + n_validation + n_test
        self.parts.setText(
            f"Now: {_count(snapshot.n_samples, 'for training')} · "
            f"{_count(n_validation, 'validation')} · {_count(n_test, 'test')} "
            f"(of {self._total} samples)"
        )
        validation, test, seed = snapshot.split
        self.validation.set_value(validation)
        self.test.set_value(test)
        self.seed.set_value(seed)

    def message(self) -> str:
        for field in (self.validation, self.test, self.seed):
            if field.message():
                return field.message()
        return self.note.message()

    @Slot()
    def _on_apply(self) -> None:
        """Send the sizes, or refuse them in words (nothing changes) if they cannot split
        the samples."""
        validation, test = self.validation.value(), self.test.value()
        reason = check_split(validation, test, self._total)
        if reason is not None:
            text = refusal(reason)
            self.note.show_message(text)
            self.refused.emit(text)
            return
        self.note.show_message("")
        self.split_requested.emit(validation, test, self.seed.int_value())
