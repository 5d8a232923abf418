"""Test set-up: headless Qt by default, and the lecture's reference figures."""

from __future__ import annotations

import gc
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


@pytest.fixture(scope="session", autouse=True)
def _no_automatic_garbage_collection():
    """As in the app (see bpdesk/gui/shell/crash_guard.py): no collection starts on a worker
    thread, where freeing a Qt object left by an earlier test deadlocked the GUI suite."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test():
    """Each test's garbage collected on the GUI thread, once its fixtures stopped their threads."""
    yield
    gc.collect()
