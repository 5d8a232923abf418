"""Starting the app: create_window, the command line, screenshots and the self-test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

import bpdesk
from bpdesk import __main__ as entry
from bpdesk.app import create_window, main
from bpdesk.selftest import REFERENCE, numbers_in, shows

ROOT = Path(__file__).resolve().parent.parent
SELF_TEST_TIMEOUT = 90


@pytest.fixture(autouse=True)
def _no_prompts(monkeypatch):
    monkeypatch.setenv("BPDESK_NO_PROMPTS", "1")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def test_the_entry_point_is_main():
    assert entry.main is main


def test_create_window_starts_the_worker_thread(qtbot):
    window = create_window("lecture")
    qtbot.addWidget(window)
    assert window.worker_thread.isRunning()
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=5000)
    assert window.snapshot.phase == "forward"
    assert window.centralWidget() is not None
    assert window.close()
    assert window.worker_thread.isFinished()


def test_a_session_that_cannot_be_opened_leaves_the_lecture_open(qtbot, tmp_path):
    missing = tmp_path / "nowhere.bpdesk"
    window = create_window(str(missing))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=5000)
    assert "nowhere.bpdesk" in window.message()
    assert "lecture" in window.message()
    assert window.document_path == ""
    labels = window.canvas.label_texts()
    assert shows(labels["weight:w5"], REFERENCE["w5"])
    window.close()


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert bpdesk.__version__ in capsys.readouterr().out


def test_bad_steps_are_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--screenshot", "x.png", "--steps", "forward,sideways"])
    assert exit_info.value.code == 2
    assert "sideways" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--preset", "nope"], "Unknown preset 'nope'"),
        (["--preset", "nope", "--screenshot", "never.png"], "Unknown preset 'nope'"),
        (["missing.bpdesk"], "no such file"),
        (["broken.bpdesk", "--screenshot", "never.png"], "not a bpdesk session"),
    ],
)
def test_a_bad_preset_or_file_exits_2_with_one_plain_line(args, words, tmp_path, capsys,
                                                          monkeypatch):  # fmt: skip
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.bpdesk").write_text("{ not json", encoding="utf-8")
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert words in err
    assert len(err.splitlines()) == 1 and "Error" not in err and "Traceback" not in err
    assert not (tmp_path / "never.png").exists()  # nothing made of a source that failed


def test_screenshot_after_steps(qtbot, tmp_path, capsys):
    target = tmp_path / "shots" / "window.png"
    assert main(["--screenshot", str(target), "--steps", "forward,backward"]) == 0
    image = QImage(str(target))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1600, 900)
    assert str(target) in capsys.readouterr().out


def test_screenshot_after_a_run_of_a_preset(qtbot, tmp_path):
    target = tmp_path / "xor.png"
    code = main(["--preset", "xor", "--screenshot", str(target), "--steps", "run:50"])
    assert code == 0
    assert QImage(str(target)).width() == 1600


def test_selftest_helpers_read_numbers_as_shown():
    assert numbers_in("a1: 1.5 → 2.25, Δ = −0.75, tiny 3e−5") == [1.0, 1.5, 2.25, -0.75, 3e-5]
    assert shows("x = 0.123456789", 0.1234567885)
    assert not shows("x = 0.1235", 0.123456789)


def test_selftest_figures_are_the_lecture_reference(lecture_reference):
    forward = lecture_reference["forward"]
    updated = lecture_reference["updated_weights_after_one_step"]
    expected = {
        "w5": lecture_reference["network"]["weights"]["w5"],
        "out_h1": forward["out_h1"],
        "out_o1": forward["out_o1"],
        "E_total": forward["E_total"],
        "dE_total/dw5": lecture_reference["backward_output_layer"]["dE_total/dw5"],
        "dE_total/dw1": lecture_reference["backward_hidden_layer"]["dE_total/dw1"],
        "w5+": updated["w5"],
        "w1+": updated["w1"],
    }
    assert expected == REFERENCE


def _self_test(env: dict[str, str], stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bpdesk", "--self-test"],
        env=env,
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=SELF_TEST_TIMEOUT,
        check=False,
    )


def test_self_test_passes_headless(tmp_path):
    result = _self_test(_env(QT_QPA_PLATFORM="offscreen", BPDESK_SETTINGS_DIR=str(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout


def test_self_test_chooses_offscreen_without_a_display(tmp_path):
    env = _env(BPDESK_SETTINGS_DIR=str(tmp_path))
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    result = _self_test(env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_self_test_survives_a_closed_stdout(tmp_path):
    env = _env(QT_QPA_PLATFORM="offscreen", BPDESK_SETTINGS_DIR=str(tmp_path))
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: printing raises BrokenPipeError
    try:
        result = _self_test(env, stdout=write_end)
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr


def _free_display() -> int:
    for number in range(99, 140):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    pytest.skip("no free X display number")


def _wait_for_x(number: int, server: subprocess.Popen, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    path = f"/tmp/.X11-unix/X{number}"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        if os.path.exists(path):
            with socket.socket(socket.AF_UNIX) as probe:
                try:
                    probe.connect(path)
                    return True
                except OSError:
                    pass
        time.sleep(0.05)
    return False


@pytest.mark.xvfb
def test_self_test_under_a_real_x_server(tmp_path):
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("the Xvfb binary is missing (apt-get install xvfb xauth libxcb-cursor0 …)")
    number = _free_display()
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for_x(number, server), "Xvfb did not start"
        env = _env(QT_QPA_PLATFORM="xcb", DISPLAY=f":{number}", BPDESK_SETTINGS_DIR=str(tmp_path))
        env.pop("WAYLAND_DISPLAY", None)
        result = _self_test(env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout


def test_screenshot_in_presentation_mode(qtbot, tmp_path):
    target = tmp_path / "present.png"
    assert main(["--screenshot", str(target), "--steps", "forward", "--present"]) == 0
    image = QImage(str(target))
    assert not image.isNull() and image.width() >= 640  # the screen's size, not 1600×900
