"""The window's commands as QActions, each with its name, keyboard shortcut and tooltip."""

from __future__ import annotations

from dataclasses import dataclass

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
        return [value for value in vars(self).values() if isinstance(value, QAction)]

    def stepping(self) -> dict[str, QAction]:
        """The stepping actions by the step kind each one sends (STEP_ACTION_KINDS)."""
        actions = {
            name: action for name, action in vars(self).items() if isinstance(action, QAction)
        }
        return {kind: actions[name] for name, kind in STEP_ACTION_KINDS.items()}


def _action(
    parent: QObject,
    name: str,
    text: str,
    tip: str,
    keys: list[Key | str] | None = None,
) -> QAction:
    action = QAction(text, parent)
    action.setObjectName(f"action_{name}")
    sequences = [QKeySequence(k) for k in keys or []]
    if sequences:
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences)
        tip = f"{tip} ({shown})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


# name: (menu text, tooltip, shortcuts), in the order of the Actions fields. (Key sequences
# are made when the actions are: a QKeySequence needs the application to exist.)
_SPECS: dict[str, tuple[str, str, list[Key | str]]] = {
    "forward": ("&Forward", "Compute the forward pass and the error E_total", ["F"]),
    "backward": (
        "&Backward",
        "Compute the backward pass: every δ and every gradient ∂E_total/∂w",
        ["B"],
    ),
    "update": ("&Update", "Update every weight: w+ = w − η · ∂E_total/∂w", ["U"]),
    "next_neuron": ("&Next neuron", "Compute the next neuron only", ["N"]),
    "full_step": (
        "Full &step",
        "Do the rest of the training step: forward, backward and update",
        ["S"],
    ),
    "step_back": (
        "Step bac&k",
        "Undo the last step, edit or run",
        [Key.Undo, "Left"],
    ),
    "run": ("&Run", "Train continuously until paused", ["Space"]),
    "pause": ("&Pause", "Pause training", ["Space"]),
    "run_epochs": (
        "Run N &epochs",
        "Train for the number of epochs set in the parameter panel",
        ["E"],
    ),
    "reset": ("R&eset", "Back to the starting weights (clears the undo history)", ["R"]),
    "zoom_in": ("Zoom &in", "Enlarge the network drawing", [Key.ZoomIn]),
    "zoom_out": ("Zoom &out", "Shrink the network drawing", [Key.ZoomOut]),
    "fit": ("&Fit to window", "Show the whole network", ["Ctrl+0"]),
    "larger_text": ("&Larger text", "Make every number bigger", ["Ctrl+Shift++"]),
    "smaller_text": ("&Smaller text", "Make every number smaller", ["Ctrl+Shift+-"]),
    "dark_theme": ("&Dark theme", "Light text on a dark background", []),
    "new": ("&New", "Start again from the lecture's example", [Key.New]),
    "open": ("&Open…", "Open a session file", [Key.Open]),
    "save": ("&Save", "Save this session", [Key.Save]),
    "save_as": ("Save &As…", "Save this session under a new name", [Key.SaveAs]),
    "quit": ("&Quit", "Close bpdesk", [Key.Quit]),
}


def create_actions(parent: QObject) -> Actions:
    """All actions, owned by ``parent`` (the main window)."""
    a = Actions(
        **{
            name: _action(parent, name, text, tip, keys)
            for name, (text, tip, keys) in _SPECS.items()
        }
    )
    a.dark_theme.setCheckable(True)
    a.pause.setEnabled(False)
    # Shorter words on the toolbar, so that it fits a 1024-pixel projector (menus keep the
    # full names, and every button's tip says what it does).
    a.next_neuron.setIconText("Neuron")
    a.run_epochs.setIconText("Run N…")
    a.quit.setMenuRole(QAction.MenuRole.QuitRole)
    return a
