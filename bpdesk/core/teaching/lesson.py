"""Lessons: a sequence of slides, each a caption about a state of the app and how to reach it.

A lesson file (format ``bpdesk-lesson``, described in ``resources/lessons/README.md``) starts
from a preset or session file. Each slide may open another one (``open``), change training
settings (``set``), take step commands (``do``), train (``run``) and show a teaching view
(``show``). A slide that opens or sets starts *afresh*: from its source, opened anew, with the
settings given since the last ``open``; the other slides carry on from the slide before.

So the state of slide *k* is always: the fresh start of the last fresh slide *b* ≤ *k*, then the
commands of slides *b* … *k*. :meth:`Lesson.route` says how to get from one slide to another
(carry on, reset and replay, or open afresh and replay), which is how going back restores a
slide exactly. Every field is checked when the file is read; a refusal names the slide.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bpdesk.core.engine.config import (
    EPOCHS,
    SETTINGS,
    check_optimizer,
    check_update_order,
    check_weight_decay,
)
from bpdesk.core.errors import BpdeskError, SessionError
from bpdesk.core.files import documents, session
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.steps import COMMANDS, apply_command, parse_commands

__all__ = [
    "BUILT_IN_VIEWS",
    "COMPARISON_KINDS",
    "LECTURE_VIEWS",
    "MAX_CAPTION",
    "SETTING_NAMES",
    "Lesson",
    "Route",
    "Slide",
    "Start",
    "load_lesson",
]

BUILT_IN_VIEWS = ("landscape", "comparison", "boundary", "explain", "practice")
"""The teaching docks every window has; ``comparison:<kind>`` also picks what it compares."""
COMPARISON_KINDS = ("eta", "momentum", "optimizer", "order", "restarts")
LECTURE_VIEWS = ("lecture_figures", "algorithm", "descent", "batches")
"""Registry views the shipped lessons show (accepted when no list of views is given)."""
NUMBER_SETTINGS = ("eta", "momentum", "batch_size", "seed", "weight_decay", "patience")
SWITCH_SETTINGS = ("train_biases", "shuffle")
SETTING_NAMES = (*NUMBER_SETTINGS, "optimizer", "update_order", *SWITCH_SETTINGS)
SLIDE_FIELDS = ("title", "caption", "open", "set", "do", "run", "show")
LESSON_FIELDS = ("format", "version", "title", "description", "source", "slides")
MAX_CAPTION = 500  # characters: more does not fit the lesson bar on a projector
MAX_SLIDES = 200
MAX_FILE_BYTES = 1_000_000
MAX_RUN = 1_000_000  # iterations one slide may train

Settings = tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class Slide:
    """One state of a lesson: what leads to it and what to say about it."""

    title: str
    caption: str
    commands: tuple[str, ...]  # "do", then the "run" as a command (run:N, epochs:N)
    open: str | None = None  # a preset name or a session file's path
    settings: Settings = ()
    show: str | None = None  # a view name (``comparison:restarts`` picks a comparison)

    @property
    def fresh(self) -> bool:
        """True when the slide starts afresh (it opens a source or changes settings)."""
        return self.open is not None or bool(self.settings)


@dataclass(frozen=True)
class Start:
    """Where a fresh slide begins: a source opened anew, with these settings changed."""

    slide: int  # the fresh slide's index
    source: str
    settings: Settings

    def build(self) -> Stepper:
        """The step machine of this start; SessionError (plain words) when it cannot be."""
        stepper = documents.open_source(self.source)
        if self.settings:
            changes: dict[str, Any] = dict(self.settings)
            config = replace(stepper.trainer.config, **changes)
            stepper.set_config(config)  # the trainer's rules: batch size vs samples, LM…
            # As the window gets it (a session file): the settings belong to its first
            # state, so a reset keeps them.
            stepper = session.loads_session(session.dumps_session(stepper), documents.resolve_data)
        return stepper


@dataclass(frozen=True)
class Route:
    """How to go from the state of one slide to another's: open ``start`` afresh (or, with
    ``reset``, go back to the source's first state), then send ``commands``."""

    start: Start | None
    reset: bool
    commands: tuple[str, ...]


@dataclass(frozen=True)
class Lesson:
    title: str
    source: str  # the preset or session file it starts from
    slides: tuple[Slide, ...]
    description: str = ""
    path: str = ""  # the lesson file ("" when built in code)

    def base(self, index: int) -> int:
        """The last slide at or before ``index`` that starts afresh (slide 0 always does)."""
        return next((k for k in range(index, 0, -1) if self.slides[k].fresh), 0)

    def start(self, index: int) -> Start:
        """The fresh start of slide ``index``'s state (see :meth:`base`)."""
        base = self.base(index)
        source, opened = self.source, 0
        for k in range(base, -1, -1):
            if self.slides[k].open is not None:
                source, opened = self.slides[k].open or source, k
                break
        settings: dict[str, object] = {}
        for slide in self.slides[opened : base + 1]:
            settings.update(slide.settings)
        return Start(base, source, tuple(settings.items()))

    def commands_to(self, index: int) -> tuple[str, ...]:
        """The commands from slide ``index``'s fresh start up to its state."""
        return tuple(c for s in self.slides[self.base(index) : index + 1] for c in s.commands)

    def route(self, current: int, target: int) -> Route:
        """How to get from slide ``current``'s state to slide ``target``'s."""
        if target == current + 1 and not self.slides[target].fresh:
            return Route(None, False, self.slides[target].commands)
        if self.base(target) == self.base(current) and target != current + 1:
            return Route(None, True, self.commands_to(target))
        return Route(self.start(target), False, self.commands_to(target))

    def view(self, index: int, going_back: bool = False) -> str | None:
        """The view slide ``index`` shows: its own, or going back the last one shown before."""
        if not going_back:
            return self.slides[index].show
        return next((s.show for s in self.slides[index::-1] if s.show is not None), None)

    def play(self, index: int) -> Stepper:
        """A step machine in slide ``index``'s state, built from scratch."""
        stepper = self.start(index).build()
        for command in self.commands_to(index):
            apply_command(stepper, command)
        return stepper

    def check(self) -> None:
        """Build every fresh start once: SessionError naming the slide whose source or
        settings cannot be used together (a batch larger than the data, LM in order…)."""
        for index, slide in enumerate(self.slides):
            if index == 0 or slide.fresh:
                try:
                    self.start(index).build()
                except BpdeskError as error:
                    raise SessionError(f"{self._where(index)}: {error}") from None

    def advance(self, stepper: Stepper, index: int) -> None:
        """Go from slide ``index − 1`` to slide ``index`` (each command one undo entry)."""
        for command in self.slides[index].commands:
            apply_command(stepper, command)

    def retreat(self, stepper: Stepper, index: int) -> None:
        """Go back from slide ``index`` to slide ``index − 1`` by undoing its commands."""
        for _ in self.slides[index].commands:
            stepper.step_back()

    def _where(self, index: int) -> str:
        return _where(Path(self.path or self.title).name, index, self.slides[index].title)


def _where(name: str, index: int, title: str) -> str:
    named = f" (“{title}”)" if title else ""
    return f"In the lesson {name}, slide {index + 1}{named}"


def load_lesson(path: str | os.PathLike[str], views: Collection[str] | None = None) -> Lesson:
    """Read and check a lesson file; SessionError says in plain words what is wrong and on
    which slide. ``views``: the view names ``show`` may use (default: the built-in docks and
    :data:`LECTURE_VIEWS`)."""
    file = Path(path)
    document = _read(file)
    name = file.name
    unknown = sorted(set(document) - set(LESSON_FIELDS))
    if unknown:
        raise SessionError(
            f"The lesson {name} has a field bpdesk does not know: {', '.join(unknown)}. "
            f"A lesson has: {', '.join(LESSON_FIELDS)}."
        )
    title = _text(document, "title", f"The lesson {name}", file.stem)
    description = _text(document, "description", f"The lesson {name}", "")
    source = _source(document.get("source", "lecture"), file, f"The lesson {name}")
    raw_slides = document.get("slides")
    if not isinstance(raw_slides, list) or not raw_slides:
        raise SessionError(f"The lesson {name} has no slides: “slides” must be a list of them.")
    if len(raw_slides) > MAX_SLIDES:
        raise SessionError(f"The lesson {name} has more than {MAX_SLIDES} slides.")
    known = tuple(views) if views is not None else (*BUILT_IN_VIEWS, *LECTURE_VIEWS)
    slides = tuple(_slide(raw, file, k, known) for k, raw in enumerate(raw_slides))
    return Lesson(title, source, slides, description, str(file))


def _read(file: Path) -> dict[str, object]:
    name = file.name
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise SessionError(f"The lesson {name} is too large to be a lesson (over 1 MB).")
        document = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SessionError(f"There is no lesson file {name} there.") from None
    except OSError:
        raise SessionError(
            f"The lesson {name} cannot be read (is it a folder, or locked?)."
        ) from None
    except UnicodeDecodeError:
        raise SessionError(f"The lesson {name} is not a text file.") from None
    except json.JSONDecodeError as error:
        raise SessionError(
            f"The lesson {name} is not written correctly: line {error.lineno}, column "
            f"{error.colno} breaks the JSON format (look for a missing comma or quote)."
        ) from None
    if not isinstance(document, dict) or document.get("format") != "bpdesk-lesson":
        raise SessionError(f"{name} is not a bpdesk lesson (its format must be “bpdesk-lesson”).")
    return document


def _text(raw: Mapping[str, object], key: str, where: str, default: str) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str):
        raise SessionError(f"{where}: the {key} must be text in quotes.")
    return value.strip()


def _source(value: object, lesson: Path, where: str) -> str:
    """A preset name as it is, a session file's path made absolute (relative to the lesson)."""
    if not isinstance(value, str) or not value.strip():
        raise SessionError(f"{where}: what it opens must be a preset's name or a session file.")
    value = value.strip()
    if not documents.is_session_path(value):
        if value in documents.preset_names():
            return value
        raise SessionError(
            f"{where}: there is no example called “{value}”. "
            f"Examples: {', '.join(documents.preset_names())}."
        )
    path = Path(value) if Path(value).is_absolute() else lesson.parent / value
    if not path.is_file():
        raise SessionError(f"{where}: the session file {value} is not there.")
    return str(path.resolve())


def _slide(raw: object, lesson: Path, index: int, views: tuple[str, ...]) -> Slide:
    title = raw.get("title", "") if isinstance(raw, dict) else ""
    where = _where(lesson.name, index, title if isinstance(title, str) else "")
    if not isinstance(raw, dict):
        raise SessionError(f"{where}: a slide must be a group of fields in braces {{ }}.")
    unknown = sorted(set(raw) - set(SLIDE_FIELDS))
    if unknown:
        raise SessionError(
            f"{where}: “{', '.join(unknown)}” is not a field of a slide. "
            f"A slide has: {', '.join(SLIDE_FIELDS)}."
        )
    caption = raw.get("caption")
    if not isinstance(caption, str) or not caption.strip():
        raise SessionError(f"{where}: the caption is missing (the text the slide shows).")
    if len(caption) > MAX_CAPTION:
        raise SessionError(
            f"{where}: the caption is {len(caption)} characters long; at most {MAX_CAPTION} "
            "fit on the lesson bar. Split it over two slides."
        )
    opened = None if "open" not in raw else _source(raw["open"], lesson, where)
    commands = _commands(raw.get("do", []), where) + _run(raw.get("run"), where)
    return Slide(
        _text(raw, "title", where, ""),
        caption.strip(),
        commands,
        opened,
        _settings(raw.get("set", {}), where),
        _show(raw.get("show"), where, views),
    )


def _commands(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise SessionError(f"{where}: “do” must be a list of step commands in quotes.")
    commands: list[str] = []
    for command in raw:
        try:
            parsed = parse_commands(command)
        except BpdeskError:
            raise SessionError(
                f"{where}: “{command}” is not a step command. Use one of: {', '.join(COMMANDS)}."
            ) from None
        commands.extend(parsed)
    return tuple(commands)


def _run(raw: object, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict) or len(raw) != 1 or not set(raw) <= {"iterations", "epochs"}:
        raise SessionError(
            f'{where}: “run” says how long to train, like {{"iterations": 100}} or {{"epochs": 5}}.'
        )
    ((unit, count),) = raw.items()
    limit = MAX_RUN if unit == "iterations" else EPOCHS.high
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= (limit or 1):
        raise SessionError(
            f"{where}: the number of {unit} to run must be a whole number from 1 to "
            f"{limit:,}, not {count!r}."
        )
    return (f"run:{count}" if unit == "iterations" else f"epochs:{count}",)


def _settings(raw: object, where: str) -> Settings:
    if not isinstance(raw, dict):
        raise SessionError(f'{where}: “set” must be settings in braces, like {{"eta": 0.5}}.')
    for key, value in raw.items():
        reason = _setting_reason(key, value, raw)
        if reason is not None:
            raise SessionError(f"{where}: {reason}")
    return tuple((key, _value(key, value)) for key, value in raw.items())


def _setting_reason(key: str, value: object, given: Mapping[str, object]) -> str | None:
    """Why ``key`` = ``value`` cannot be set (the one rule of config.py), or None."""
    if key in NUMBER_SETTINGS:
        if key == "weight_decay":
            return check_weight_decay(value, given.get("optimizer"))
        return SETTINGS[key].check(value)
    if key == "optimizer":
        return check_optimizer(value)
    if key == "update_order":
        return check_update_order(value, given.get("optimizer"))
    if key in SWITCH_SETTINGS:
        return None if isinstance(value, bool) else f"{key} must be true or false."
    return f"“{key}” is not a setting a lesson can change. Settings: {', '.join(SETTING_NAMES)}."


def _value(key: str, value: object) -> object:
    if key in ("batch_size", "seed", "patience"):
        assert isinstance(value, (int, float))
        return int(value)
    if key in ("eta", "momentum", "weight_decay"):
        assert isinstance(value, (int, float))
        return float(value)
    return value


def _show(raw: object, where: str, views: tuple[str, ...]) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.strip():
        raise SessionError(f"{where}: “show” must be the name of a view in quotes.")
    name, _, kind = raw.strip().partition(":")
    if name not in views:
        raise SessionError(
            f"{where}: there is no view called “{name}” in this bpdesk. Views: {', '.join(views)}."
        )
    if kind and (name != "comparison" or kind not in COMPARISON_KINDS):
        raise SessionError(
            f"{where}: “{raw}” cannot be shown: only the comparison takes a kind after “:”, "
            f"one of {', '.join(COMPARISON_KINDS)}."
        )
    return raw.strip()
