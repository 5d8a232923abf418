"""Step commands by name ("forward", "neuron", "run:200"…), as lessons and scripts write them."""

from __future__ import annotations

from bpdesk.core.errors import ConfigError
from bpdesk.core.stepping.stepper import Stepper

__all__ = ["COMMANDS", "apply_command", "parse_commands"]

COMMANDS = ("forward", "backward", "update", "neuron", "full", "back", "reset", "run:N", "epochs:N")


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
    if name in ("forward", "backward", "update"):
        stepper.step_phase(name)
    elif name == "neuron":
        stepper.step_op()
    elif name == "full":
        stepper.full_step()
    elif name == "back":
        stepper.step_back()
    elif name == "reset":
        stepper.reset()
    elif name == "run":
        stepper.run(iterations=count)
    else:
        stepper.run(epochs=count)
