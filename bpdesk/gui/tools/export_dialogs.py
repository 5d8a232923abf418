"""The two questions File → Export asks before a picture or an animation: which view, what
size, which format; what to record and how fast."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from bpdesk.gui.tools.gif_export import GIF_SIZES, MAX_EVERY, MAX_PRESSES, PRESSES, Recording
from bpdesk.gui.tools.picture_export import PICTURE_SIZES, PictureView

__all__ = ["PictureChoice", "ask_picture", "ask_recording"]


@dataclass(frozen=True)
class PictureChoice:
    """A picture to export: the view's name, a PICTURE_SIZES key, "png" or "svg"."""

    view: str
    size: str = "1920x1080"
    fmt: str = "png"


def _form(parent: QWidget, title: str) -> tuple[QDialog, QFormLayout]:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    scale = getattr(parent, "font_scale", 1.0)  # the window's text size
    if isinstance(scale, float) and scale > 0:
        font = dialog.font()
        font.setPointSizeF(font.pointSizeF() * scale)
        dialog.setFont(font)
    form = QFormLayout(dialog)
    return dialog, form


def _buttons(dialog: QDialog, form: QFormLayout) -> None:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)


def _view_box(views: list[PictureView]) -> QComboBox:
    box = QComboBox()
    for view in views:
        box.addItem(view.title, view.name)
    return box


def ask_picture(parent: QWidget, views: list[PictureView]) -> PictureChoice | None:
    """Which view, at which size, as PNG or SVG (None: cancelled)."""
    dialog, form = _form(parent, "Picture of a view")
    view_box = _view_box(views)
    size_box = QComboBox()
    for key, (label, _) in PICTURE_SIZES.items():
        size_box.addItem(label, key)
    fmt_box = QComboBox()
    fmt_box.addItem("PNG picture", "png")
    fmt_box.addItem("SVG drawing (sharp at any size)", "svg")

    def view_chosen(index: int) -> None:
        vector = views[index].vector if 0 <= index < len(views) else False
        model = fmt_box.model()
        if isinstance(model, QStandardItemModel):  # a combo box's own model: rows can be disabled
            item = model.item(1)
            if item is not None:
                item.setEnabled(vector)
        if not vector:
            fmt_box.setCurrentIndex(0)

    view_box.currentIndexChanged.connect(view_chosen)
    view_chosen(0)
    form.addRow("View", view_box)
    form.addRow("Size", size_box)
    form.addRow("Format", fmt_box)
    _buttons(dialog, form)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return PictureChoice(view_box.currentData(), size_box.currentData(), fmt_box.currentData())


def ask_recording(parent: QWidget, views: list[PictureView]) -> Recording | None:
    """What to record, of which view, how big and how fast (None: cancelled)."""
    dialog, form = _form(parent, "Animation of the next steps")
    view_box = _view_box(views)
    press_box = QComboBox()
    for key, label in PRESSES.items():
        press_box.addItem(label, key)
    press_box.setCurrentIndex(list(PRESSES).index("phase"))
    count = QSpinBox()
    count.setRange(1, MAX_PRESSES)
    count.setValue(3)
    every = QSpinBox()
    every.setRange(1, MAX_EVERY)
    every.setValue(10)
    every.setSuffix(" iterations")
    size_box = QComboBox()
    for key in GIF_SIZES:
        size_box.addItem(PICTURE_SIZES[key][0], key)
    seconds = QDoubleSpinBox()
    seconds.setRange(0.05, 10.0)
    seconds.setSingleStep(0.1)
    seconds.setValue(0.8)
    seconds.setSuffix(" s")
    go_back = QCheckBox("Go back to where the recording started")
    go_back.setChecked(True)
    press_box.currentIndexChanged.connect(
        lambda _i: every.setEnabled(press_box.currentData() == "run")
    )
    every.setEnabled(False)
    form.addRow("View", view_box)
    form.addRow("Record", press_box)
    count.setToolTip("The animation shows the start, then one frame after each press.")
    form.addRow("How many presses", count)
    form.addRow("One frame every", every)
    form.addRow("Size", size_box)
    form.addRow("Each frame shows", seconds)
    form.addRow(go_back)
    _buttons(dialog, form)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return Recording(
        view=view_box.currentData(),
        press=press_box.currentData(),
        count=count.value(),
        every=every.value(),
        size=size_box.currentData(),
        seconds=seconds.value(),
        go_back=go_back.isChecked(),
    )
