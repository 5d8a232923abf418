"""The window's commands as QActions, each with its name, keyboard shortcut and tooltip."""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from bpdesk.core.stepping.steps import STEP_KINDS

__all__ = ["STEP_ACTION_KINDS", "Actions", "create_actions"]

Key = QKeySequence.StandardKey

# The stepping actions and the step kind (bpdesk.core.stepping.steps) each one sends.
STEP_ACTION_KINDS = dict(
    zip(("forward", "backward", "update", "next_neuron", "full_step"), STEP_KINDS, strict=True)
)


@dataclass
class Actions:
    """Every command of the main window (attribute name = objectName without ``action_``)."""

    forward: QAction
    backward: QAction
    update: QAction
    next_neuron: QAction
    full_step: QAction
    step_back: QAction
    run: QAction
    pause: QAction
    run_epochs: QAction
    reset: QAction
    zoom_in: QAction
    zoom_out: QAction
    fit: QAction
    larger_text: QAction
    smaller_text: QAction
    dark_theme: QAction
    new: QAction
    open: QAction
    save: QAction
    save_as: QAction
    quit: QAction

    def all(self) -> list[QAction]:
        return [getattr(self, f.name) for f in fields(self)]

    def stepping(self) -> list[QAction]:
        return [getattr(self, name) for name in STEP_ACTION_KINDS]


def _action(
    parent: QObject,
    name: str,
    text: str,
    tip: str,
    keys: list[QKeySequence | str] | None = None,
) -> QAction:
    action = QAction(text, parent)
    action.setObjectName(f"action_{name}")
    sequences = [k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys or []]
    if sequences:
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences)
        tip = f"{tip} ({shown})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


def create_actions(parent: QObject) -> Actions:
    """All actions, owned by ``parent`` (the main window)."""
    a = Actions(
        forward=_action(
            parent, "forward", "&Forward", "Compute the forward pass and the error E_total", ["F"]
        ),
        backward=_action(
            parent,
            "backward",
            "&Backward",
            "Compute the backward pass: every δ and every gradient ∂E_total/∂w",
            ["B"],
        ),
        update=_action(
            parent, "update", "&Update", "Update every weight: w+ = w − η · ∂E_total/∂w", ["U"]
        ),
        next_neuron=_action(
            parent, "next_neuron", "&Next neuron", "Compute the next neuron only", ["N"]
        ),
        full_step=_action(
            parent,
            "full_step",
            "Full &step",
            "Do the rest of the training step: forward, backward and update",
            ["S"],
        ),
        step_back=_action(
            parent,
            "step_back",
            "Step bac&k",
            "Undo the last step, edit or run",
            [QKeySequence(Key.Undo), "Left"],
        ),
        run=_action(parent, "run", "&Run", "Train continuously until paused", ["Space"]),
        pause=_action(parent, "pause", "&Pause", "Pause training", ["Space"]),
        run_epochs=_action(
            parent,
            "run_epochs",
            "Run N &epochs",
            "Train for the number of epochs set in the parameter panel",
            ["E"],
        ),
        reset=_action(
            parent,
            "reset",
            "R&eset",
            "Back to the starting weights (clears the undo history)",
            ["R"],
        ),
        zoom_in=_action(
            parent, "zoom_in", "Zoom &in", "Enlarge the network drawing", [QKeySequence(Key.ZoomIn)]
        ),
        zoom_out=_action(
            parent,
            "zoom_out",
            "Zoom &out",
            "Shrink the network drawing",
            [QKeySequence(Key.ZoomOut)],
        ),
        fit=_action(parent, "fit", "&Fit to window", "Show the whole network", ["Ctrl+0"]),
        larger_text=_action(
            parent, "larger_text", "&Larger text", "Make every number bigger", ["Ctrl+Shift++"]
        ),
        smaller_text=_action(
            parent, "smaller_text", "&Smaller text", "Make every number smaller", ["Ctrl+Shift+-"]
        ),
        dark_theme=_action(parent, "dark_theme", "&Dark theme", "Light text on a dark background"),
        new=_action(
            parent, "new", "&New", "Start again from the lecture's example", [QKeySequence(Key.New)]
        ),
        open=_action(parent, "open", "&Open…", "Open a session file", [QKeySequence(Key.Open)]),
        save=_action(parent, "save", "&Save", "Save this session", [QKeySequence(Key.Save)]),
        save_as=_action(
            parent,
            "save_as",
            "Save &As…",
            "Save this session under a new name",
            [QKeySequence(Key.SaveAs)],
        ),
        quit=_action(parent, "quit", "&Quit", "Close bpdesk", [QKeySequence(Key.Quit)]),
    )
    a.dark_theme.setCheckable(True)
    a.pause.setEnabled(False)
    a.quit.setMenuRole(QAction.MenuRole.QuitRole)
    return a
