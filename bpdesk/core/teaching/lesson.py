"""Lessons: a sequence of states, each with a caption, reached from a preset by step commands."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from bpdesk.core.errors import SessionError
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.steps import apply_command, parse_commands

__all__ = ["Lesson", "Slide", "load_lesson"]


@dataclass(frozen=True)
class Slide:
    """One state of a lesson: the commands that lead to it from the previous slide, and what
    to say about it."""

    title: str
    caption: str
    commands: tuple[str, ...]


@dataclass(frozen=True)
class Lesson:
    title: str
    source: str  # the preset or session file it starts from
    slides: tuple[Slide, ...]

    def advance(self, stepper: Stepper, index: int) -> None:
        """Go from slide ``index − 1`` to slide ``index`` (each command one undo entry)."""
        for command in self.slides[index].commands:
            apply_command(stepper, command)

    def retreat(self, stepper: Stepper, index: int) -> None:
        """Go back from slide ``index`` to slide ``index − 1`` by undoing its commands."""
        for _ in self.slides[index].commands:
            stepper.step_back()


def load_lesson(path: str | os.PathLike[str]) -> Lesson:
    """Read a lesson file; SessionError names what is wrong."""
    file = Path(path)
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SessionError(f"Cannot read the lesson {file.name}: {error}") from None
    if not isinstance(document, dict) or document.get("format") != "bpdesk-lesson":
        raise SessionError(f"{file.name} is not a bpdesk lesson (format must be 'bpdesk-lesson').")
    slides = []
    raw_slides = document.get("slides")
    if not isinstance(raw_slides, list) or not raw_slides:
        raise SessionError(f"In the lesson {file.name}, slides must be a non-empty list.")
    for number, raw in enumerate(raw_slides):
        if not isinstance(raw, dict) or not isinstance(raw.get("caption"), str):
            raise SessionError(f"In the lesson {file.name}, slides[{number}] needs a caption.")
        try:
            commands = parse_commands(",".join(raw.get("do", [])))
        except (TypeError, ValueError) as error:
            raise SessionError(f"In the lesson {file.name}, slides[{number}].do: {error}") from None
        slides.append(Slide(str(raw.get("title", "")), raw["caption"], tuple(commands)))
    source = document.get("source", "lecture")
    if not isinstance(source, str):
        raise SessionError(f"In the lesson {file.name}, source must be a preset name.")
    return Lesson(str(document.get("title", file.stem)), source, tuple(slides))
