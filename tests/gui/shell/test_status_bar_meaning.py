"""The status bar and bpdesk-cli train say "the error after N iterations" in the same words
and mean the same number (the network after N updates, on the whole training set)."""

from __future__ import annotations

from bpdesk.cli import main
from bpdesk.core.files.documents import open_source
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.teaching.after_updates import after_words, before_words
from bpdesk.gui.shell.status_bar import error_text


def test_window_and_cli_give_the_same_error_after_n(capsys):
    for steps in (1, 7):
        stepper = open_source("lecture")
        stepper.run(iterations=steps)
        shown = error_text(make_snapshot(stepper, seq=1))
        assert main(["train", "--preset", "lecture", "--steps", str(steps)]) == 0
        printed = capsys.readouterr().out
        after = format_value(stepper.trainer.evaluate())
        assert shown == f"{after_words(steps)}: {after}"
        assert f"{after_words(steps)}, over the whole training set: {after}" in printed
        before = format_value(stepper.trainer.iteration_errors.last())
        assert f"{before_words(steps)}: {before}" in printed


def test_mid_step_the_status_bar_says_the_error_is_before_the_update():
    stepper = open_source("lecture")
    stepper.step_phase("forward")
    text = error_text(make_snapshot(stepper, seq=1))
    assert text == f"{before_words(1)}: {format_value(stepper.trace().E_total)}"
    assert error_text(make_snapshot(open_source("lecture"), seq=2)) == "E = …"
