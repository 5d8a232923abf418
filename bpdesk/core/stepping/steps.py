"""The step vocabulary: the phases of a step, the presses that advance it, and step commands.

One list of names that the step machine, the worker, the window's actions, lessons and
scripts all use: ``forward``, ``backward`` and ``update`` are the phases; a press is a
phase, ``neuron`` (the next sub-step) or ``full`` (the rest of the step); a lesson or a
script may also write ``back``, ``reset``, ``run:N`` and ``epochs:N``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpdesk.core.errors import ConfigError

if TYPE_CHECKING:
    from bpdesk.core.stepping.stepper import Stepper

__all__ = [
    "COMMANDS",
    "PHASES",
    "PHASE_BUTTONS",
    "STEP_DOING",
    "STEP_KINDS",
    "apply_command",
    "parse_commands",
    "take_step",
]

PHASES = ("forward", "backward", "update")
# What the window's button for each phase says.
PHASE_BUTTONS = {"forward": "Forward", "backward": "Backward", "update": "Update"}
STEP_KINDS = (*PHASES, "neuron", "full")
# What each press is doing, for a message when it fails ("… while updating the weights").
STEP_DOING = {
    "forward": "stepping through the forward pass",
    "backward": "stepping through the backward pass",
    "update": "updating the weights",
    "neuron": "stepping to the next neuron",
    "full": "doing a full training step",
}
COMMANDS = (*STEP_KINDS, "back", "reset", "run:N", "epochs:N")


def take_step(stepper: Stepper, kind: str) -> None:
    """One press of ``kind`` (one of STEP_KINDS) on ``stepper``: one undo entry."""
    if kind not in STEP_KINDS:
        raise ConfigError(f"Unknown kind of step '{kind}'. Known: {', '.join(STEP_KINDS)}.")
    if kind == "neuron":
        stepper.step_op()
    elif kind == "full":
        stepper.full_step()
    else:
        stepper.step_phase(kind)


def parse_commands(text: str) -> list[str]:
    """``"forward,backward, run:10"`` → ``["forward", "backward", "run:10"]``, checked."""
    commands = [part.strip() for part in text.split(",") if part.strip()]
    for command in commands:
        _split(command)
    return commands


def _split(command: str) -> tuple[str, int]:
    name, _, count = command.partition(":")
    if name in ("run", "epochs"):
        if not count.isdigit() or int(count) < 1:
            raise ConfigError(f"'{command}' needs a whole number of {name}, e.g. {name}:100.")
        return name, int(count)
    if count or name not in COMMANDS:
        raise ConfigError(f"Unknown step command '{command}'. Known: {', '.join(COMMANDS)}.")
    return name, 0


def apply_command(stepper: Stepper, command: str) -> None:
    """Carry out one command on ``stepper`` (each one is one undo entry)."""
    name, count = _split(command)
    if name in STEP_KINDS:
        take_step(stepper, name)
    elif name == "back":
        stepper.step_back()
    elif name == "reset":
        stepper.reset()
    elif name == "run":
        stepper.run(iterations=count)
    else:
        stepper.run(epochs=count)
