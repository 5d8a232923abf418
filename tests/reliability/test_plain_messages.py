"""Every message a person sees under bad input is plain words: no exception class names, no
errno codes, no codec or temp-file names, no tracebacks; bpdesk-cli exits 2 for bad input and 1
(asking for a report) for a fault of its own; unexpected exceptions in the window are said
plainly, logged in full, and the window keeps running."""

from __future__ import annotations

import errno
import json
import logging
import re
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QTimer, Signal

from bpdesk import cli
from bpdesk.core.errors import SessionError
from bpdesk.core.files.documents import open_source, save_session
from bpdesk.gui.workers.chunked import describe_failure

# "UTF-8" in capitals is allowed: it is the name of the format people pick in a Save As menu
# ("CSV UTF-8"); Python's codec spellings (utf-8, utf8, utf-8-sig, "codec can't decode") are not.
TECHNICAL = re.compile(
    r"\b[A-Z][a-zA-Z]+(Error|Exception)\b|Errno|utf-?8|UTF8|codec|decode|\.tmp\b|tmp[a-z0-9_]{6}"
    r"|Traceback"
)


def assert_plain(message: str) -> None:
    """One message a person sees: words, nothing a programmer would have to explain."""
    assert message.strip(), "an empty message says nothing"
    found = TECHNICAL.search(message)
    assert found is None, f"{found.group()!r} in {message!r}"


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ----------------------------------------------------------- bad sessions
def _lecture_text(tmp_path: Path) -> str:
    good = tmp_path / "lecture.bpdesk"
    save_session(good, open_source("lecture"))
    return good.read_text(encoding="utf-8")


def _huge_number(text: str) -> str:
    data = json.loads(text)
    data["parameters"]["w1"] = "HUGE"
    return json.dumps(data).replace('"HUGE"', "9" * 5000)


def _negative_rng(text: str) -> str:
    data = json.loads(text)
    data["state"]["rng"]["state"]["state"] = -5
    return json.dumps(data)


BAD_SESSIONS = {
    "truncated": lambda text: text[: len(text) // 2].encode(),
    "binary": lambda text: b"\x00\xff\xfe" * 100,
    "huge number": lambda text: _huge_number(text).encode(),
    "negative rng state": lambda text: _negative_rng(text).encode(),
}


@pytest.fixture(params=list(BAD_SESSIONS))
def bad_session(request, tmp_path) -> Path:
    path = tmp_path / "bad.bpdesk"
    path.write_bytes(BAD_SESSIONS[request.param](_lecture_text(tmp_path)))
    return path


@pytest.mark.parametrize("command", ["validate", "train"])
def test_a_bad_session_is_one_plain_line_without_a_traceback(capsys, bad_session, command):
    args = ["validate", str(bad_session)]
    if command == "train":
        args = ["train", "--session", str(bad_session)]
    code, out, err = run_cli(capsys, *args)
    assert code in (1, 2) and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("bpdesk-cli: ")
    assert_plain(err)


def test_a_session_with_a_byte_order_mark_opens(capsys, tmp_path):
    path = tmp_path / "notepad.bpdesk"
    path.write_bytes(_lecture_text(tmp_path).encode("utf-8-sig"))
    code, out, _ = run_cli(capsys, "validate", str(path))
    assert code == 0 and "valid bpdesk session" in out


def test_a_fault_inside_bpdesk_exits_1_and_asks_for_a_report(capsys, monkeypatch):
    def broken(_args):
        raise OverflowError("Python integer -1 out of bounds for uint64")

    monkeypatch.setattr(cli, "COMMANDS", {**cli.COMMANDS, "validate": broken})
    code, out, err = run_cli(capsys, "validate", "x.bpdesk")
    assert (code, out) == (1, "")
    assert len(err.strip().splitlines()) == 1
    assert "something went wrong inside bpdesk" in err and "please report it" in err
    assert "--debug" in err
    assert_plain(err)
    assert "uint64" not in err


def test_debug_shows_the_traceback_of_a_fault(capsys, monkeypatch):
    def broken(_args):
        raise OverflowError("Python integer -1 out of bounds for uint64")

    monkeypatch.setattr(cli, "COMMANDS", {**cli.COMMANDS, "validate": broken})
    for args in (["--debug", "validate", "x"], ["validate", "x", "--debug"]):
        code, _, err = run_cli(capsys, *args)
        assert code == 1
        assert "Traceback" in err and "OverflowError" in err
        assert err.strip().splitlines()[-1].startswith("bpdesk-cli: something went wrong")


def test_a_file_the_system_refuses_is_bad_input_in_words(capsys, tmp_path):
    code, out, err = run_cli(
        capsys, "export", "--preset", "lecture", "--output", str(tmp_path / "no" / "x.md")
    )
    assert (code, out) == (2, "")
    assert "does not exist" in err and "x.md" in err
    assert_plain(err)


def test_a_broken_pipe_stays_quiet(capsys, monkeypatch):
    def broken(_args):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(cli, "COMMANDS", {**cli.COMMANDS, "validate": broken})
    monkeypatch.setattr(cli, "_silence_stdout", lambda: None)
    code, out, err = run_cli(capsys, "validate", "x")
    assert (code, out, err) == (1, "", "")


BAD_OPTIONS = [
    ["train", "--preset", "lecture", "--eta", "abc"],
    ["train", "--preset", "lecture", "--eta", "nan"],
    ["train", "--preset", "lecture", "--seed", "-1"],
    ["train", "--preset", "nonesuch"],
    ["train", "--data", "x.csv", "--inputs", "a", "--targets", "b", "--hidden", "4,x"],
    ["frobnicate"],
    ["validate", "/no/such/folder/lesson.bpdesk"],
    ["validate", "/"],
]


@pytest.mark.parametrize("args", BAD_OPTIONS)
def test_bad_options_are_plain(capsys, args):
    code, out, err = run_cli(capsys, *args)
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1
    assert_plain(err)


BAD_CSV = {
    "binary": b"\x00\x01\x02",
    "latin-1": "x,y\n1,caf\xe9\n".encode("latin-1"),
    "bad number": b"x,y\n1,2\n3,oops\n",
    "empty": b"",
    "quotes": b'x,y\n1,"2\n',
}


@pytest.mark.parametrize("content", list(BAD_CSV.values()), ids=list(BAD_CSV))
def test_bad_csv_is_plain_through_the_cli(capsys, tmp_path, content):
    data = tmp_path / "data.csv"
    data.write_bytes(content)
    code, out, err = run_cli(
        capsys, "train", "--data", str(data), "--inputs", "x", "--targets", "y"
    )
    assert (code, out) == (2, "")
    assert_plain(err)


# ------------------------------------------------------ describe_failure
@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EROFS, "read-only"),
        (errno.ENOSPC, "no space left"),
        (errno.EACCES, "permission"),
        (errno.ENOENT, "does not exist"),
        (errno.EISDIR, "folder"),
    ],
)
def test_a_refused_file_is_said_in_words(code, words):
    error = OSError(code, "os words", "/home/me/.lesson.bpdesk.x7f3.tmp")
    message = describe_failure(error, "saving lesson.bpdesk")
    assert message.startswith("Something went wrong while saving lesson.bpdesk: ")
    assert words in message
    assert_plain(message)


def test_an_unexpected_error_is_said_plainly_and_logged_in_full(caplog):
    error = OverflowError("Python integer -1 out of bounds for uint64")
    with caplog.at_level(logging.ERROR, logger="bpdesk"):
        message = describe_failure(error, "opening lesson.bpdesk")
    assert message.startswith("Something went wrong while opening lesson.bpdesk: a fault inside")
    assert "please report it" in message
    assert_plain(message)
    assert "uint64" not in message
    assert "OverflowError" in caplog.text and "uint64" in caplog.text


def test_a_bpdesk_refusal_is_its_own_words():
    assert describe_failure(SessionError("The file names no network."), "x") == (
        "The file names no network."
    )


def test_bad_sessions_are_plain_when_opened_in_the_window(bad_session):
    from bpdesk.gui.workers.stepper_worker import open_lesson

    with pytest.raises(Exception) as caught:
        open_lesson(str(bad_session))
    assert_plain(describe_failure(caught.value, f"opening {bad_session.name}"))


# ------------------------------------------------------------ crash guard
class _Pinger(QObject):
    poke = Signal()


def test_an_exception_in_a_slot_or_a_thread_is_said_logged_and_survived(qtbot, tmp_path):
    from bpdesk.gui.shell import crash_guard

    shown: list[str] = []
    guard = crash_guard.install(shown.append, folder=tmp_path)
    try:
        pinger = _Pinger()

        def bad_slot() -> None:
            raise ZeroDivisionError("slot division by zero")

        pinger.poke.connect(bad_slot)
        pinger.poke.emit()
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)

        thread = threading.Thread(target=lambda: [][3], name="helper thread")
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)

        for message in shown:
            assert "went wrong inside bpdesk" in message and "report" in message
            assert_plain(message)
        log = guard.log_path.read_text(encoding="utf-8")
        assert "Traceback" in log and "ZeroDivisionError" in log and "IndexError" in log
        ticks: list[int] = []
        QTimer.singleShot(0, lambda: ticks.append(1))
        qtbot.waitUntil(lambda: ticks == [1], timeout=5000)  # the event loop runs on
    finally:
        guard.uninstall()


def test_the_crash_log_is_in_the_data_folder_given_by_the_environment(tmp_path, monkeypatch):
    from bpdesk.gui.shell import crash_guard

    monkeypatch.setenv("BPDESK_DATA_DIR", str(tmp_path / "data"))
    guard = crash_guard.install(lambda _text: None)
    try:
        assert guard.log_path == tmp_path / "data" / crash_guard.LOG_NAME
    finally:
        guard.uninstall()


# ------------------------------------------------------------ CSV dialog
def test_a_csv_with_repeated_column_names_imports_through_the_dialog(qtbot, window, tmp_path):
    data = tmp_path / "repeated.csv"
    data.write_text("x,x,x,y\n0,0,1,0\n0,1,0,1\n1,0,0,1\n1,1,1,0\n")
    dialog = window.data_import.open(str(data), dialog_result=False)
    shown = [dialog.inputs.item(row).text() for row in range(dialog.inputs.count())]
    assert shown == ["x (column 1)", "x (column 2)", "x (column 3)", "y"]
    dialog.as_numbers.setChecked(True)
    assert dialog.try_accept(), dialog.message.text()
    assert dialog.dataset.input_names == ("x (column 1)", "x (column 2)", "x (column 3)")
    assert dialog.dataset.inputs[:, 2].tolist() == [1.0, 0.0, 0.0, 1.0]
    window.load_data(dialog.dataset)
    qtbot.waitUntil(lambda: window.snapshot.n_samples == 4, timeout=5000)
    assert window.snapshot.spec.sizes[0] == 3


@pytest.mark.parametrize("content", list(BAD_CSV.values()), ids=list(BAD_CSV))
def test_bad_csv_is_plain_in_the_window(qtbot, window, tmp_path, content):
    data = tmp_path / "data.csv"
    data.write_bytes(content)
    dialog = window.data_import.open(str(data), dialog_result=False)
    if dialog is None:
        assert_plain(window.message())
        return
    dialog.as_numbers.setChecked(True)
    assert not dialog.try_accept()
    assert_plain(dialog.message.text())
