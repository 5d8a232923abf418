"""Remembered preferences (window layout, theme, text size, recent files) kept with QSettings."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from bpdesk.gui.shell.theme import clamp_font_scale

__all__ = [
    "APPLICATION",
    "MAX_RECENT",
    "ORGANIZATION",
    "add_recent_file",
    "app_settings",
    "font_scale",
    "recent_files",
    "remove_recent_file",
    "restore_bytes",
    "save_bytes",
    "set_font_scale",
    "set_theme",
    "theme",
]

ORGANIZATION = "bpdesk"
APPLICATION = "bpdesk"
MAX_RECENT = 8
SETTINGS_DIR_VARIABLE = "BPDESK_SETTINGS_DIR"


def app_settings() -> QSettings:
    """The settings store: the platform's usual place, or an INI file under
    ``$BPDESK_SETTINGS_DIR`` when that is set (tests use it to keep away from yours)."""
    folder = os.environ.get(SETTINGS_DIR_VARIABLE)
    if folder:
        path = Path(folder) / ORGANIZATION / f"{APPLICATION}.ini"
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


def _string_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v]
    return []


def recent_files() -> list[str]:
    """Recently opened or saved session files, newest first (missing ones left out)."""
    files = _string_list(app_settings().value("recent_files"))
    return [f for f in files if os.path.isfile(f)][:MAX_RECENT]


def _store_recent(files: list[str]) -> None:
    settings = app_settings()
    settings.setValue("recent_files", files[:MAX_RECENT])
    settings.sync()


def add_recent_file(path: str) -> list[str]:
    path = os.path.abspath(path)
    files = [path, *(f for f in _string_list(app_settings().value("recent_files")) if f != path)]
    _store_recent(files)
    return recent_files()


def remove_recent_file(path: str) -> list[str]:
    files = _string_list(app_settings().value("recent_files"))
    _store_recent([f for f in files if f != os.path.abspath(path)])
    return recent_files()


def theme() -> str:
    value = app_settings().value("theme", "light")
    return value if value in ("light", "dark") else "light"


def set_theme(name: str) -> None:
    settings = app_settings()
    settings.setValue("theme", name)
    settings.sync()


def font_scale() -> float:
    """The remembered text size, within the one text-size rule (1.0 when none is)."""
    value = app_settings().value("font_scale", 1.0)
    try:
        return clamp_font_scale(float(value) if isinstance(value, (int, float, str)) else 1.0)
    except ValueError:
        return 1.0


def set_font_scale(scale: float) -> None:
    settings = app_settings()
    settings.setValue("font_scale", float(scale))
    settings.sync()


def save_bytes(key: str, data: QByteArray) -> None:
    settings = app_settings()
    settings.setValue(key, data)
    settings.sync()


def restore_bytes(key: str) -> QByteArray | None:
    value = app_settings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None
