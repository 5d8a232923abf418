"""Find bpdesk's resource files from a source tree, an installed wheel or a frozen bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

__all__ = ["resource_path", "resources_root"]


@cache
def resources_root() -> Path:
    """The folder that holds presets, data, icons and styles.

    Looked for, in order: a frozen bundle (PyInstaller's ``sys._MEIPASS``), the
    ``bpdesk/resources`` folder an installed wheel carries, and the ``resources``
    folder beside the package in a source checkout.
    """
    package_dir = Path(__file__).resolve().parent
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates += [Path(bundle) / "bpdesk" / "resources", Path(bundle) / "resources"]
    candidates += [package_dir / "resources", package_dir.parent / "resources"]
    for candidate in candidates:
        if (candidate / "data").is_dir():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"bpdesk's resource folder is missing (looked in {searched})")


def resource_path(*parts: str) -> Path:
    """Path of one resource, e.g. ``resource_path("data", "iris.csv")``."""
    return resources_root().joinpath(*parts)
