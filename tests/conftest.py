"""Test set-up: headless Qt by default, and the lecture's reference figures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

REFERENCE = Path(__file__).parent / "reference" / "lecture_example.json"


@pytest.fixture(scope="session")
def lecture_reference() -> dict:
    """The lecture's worked example with every figure (a copy of shared/reference)."""
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory, monkeypatch):
    """Keep QSettings of tests away from the user's own."""
    monkeypatch.setenv("BPDESK_SETTINGS_DIR", str(tmp_path_factory.mktemp("settings")))
    monkeypatch.setenv("BPDESK_DATA_DIR", str(tmp_path_factory.mktemp("data")))
