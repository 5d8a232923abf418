"""bpdesk.core and bpdesk.cli never import Qt."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys, pkgutil, importlib
import bpdesk.core as core
for module in pkgutil.iter_modules(core.__path__):
    importlib.import_module("bpdesk.core." + module.name)
import bpdesk.cli
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "PyQt6", "PyQt5", "shiboken6", "pyqtgraph"))
print(len([m for m in sys.modules if m.startswith("bpdesk.core.")]))
print(",".join(qt))
"""


def test_core_and_cli_import_no_qt():
    result = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True, timeout=60
    )
    count, qt = result.stdout.splitlines()
    assert int(count) >= 15  # every core module was imported
    assert qt == ""
