"""Run under a real X server (``xvfb-run python -m tests.gui.tools.surface_probe out.png``): opens
the window, computes the landscape, shows the 3-D tab, floats it large, and prints what it saw
as JSON (the test in test_landscape_descent.py reads it)."""

from __future__ import annotations

import json
import os
import sys
import tempfile


def main(out: str) -> int:
    os.environ["BPDESK_NO_PROMPTS"] = "1"
    os.environ.setdefault("BPDESK_SETTINGS_DIR", tempfile.mkdtemp())
    os.environ.setdefault("BPDESK_DATA_DIR", tempfile.mkdtemp())
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from bpdesk.app import create_window

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    QTimer.singleShot(150000, lambda: os._exit(3))  # a hard watchdog
    win = create_window("lecture", restore_layout=False)
    win.resize(1920, 1080)
    win.show()
    wait(500)
    tools = win.teaching
    tools.landscape_dock.toggleViewAction().trigger()
    wait(200)
    view = tools.landscape
    view.request_landscape()
    for _ in range(1200):
        wait(100)
        if not view.is_computing():
            break
    seen = {"has_3d": view.has_3d(), "caption": view.surface_tab_text()}
    if view.has_3d():
        view._tabs.setCurrentIndex(1)
        view.show_large()
        wait(1000)
        image = view._gl.widget.grabFramebuffer()
        image.save(out)
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 7)}  # fmt: skip
        seen |= {
            "size": [image.width(), image.height()],
            "colours": len(colours),
            "labels": [item.text for item in view._gl.labels if hasattr(item, "text")],
            "descents": len(view._gl.descents),
            "floating": tools.landscape_dock.isFloating(),
        }
        tools.landscape_dock.setFloating(False)  # a new OpenGL context once more
        wait(500)
    print(json.dumps(seen))
    win.shutdown()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
