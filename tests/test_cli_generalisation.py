"""bpdesk-cli train: split sizes, weight decay and patience; train, validation and test errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bpdesk.cli import main
from bpdesk.core.files.documents import open_source, resolve_data
from bpdesk.core.files.session import load_session


def _train(capsys, *args):
    code = main(["train", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_train_json_reports_every_part_and_the_best_epoch(capsys):
    code, out, err = _train(capsys, "--preset", "overfit", "--steps", "200", "--json")
    assert code == 0 and err == ""
    report = json.loads(out)
    trainer = open_source("overfit").trainer
    trainer.run(iterations=200)  # the same run, measured independently
    net = trainer.network
    assert report["training_error"] == pytest.approx(net.error(trainer.inputs, trainer.targets))
    assert report["validation_error"] == pytest.approx(
        net.error(trainer.validation_inputs, trainer.validation_targets)
    )
    assert report["test_error"] == pytest.approx(
        net.error(trainer.test_inputs, trainer.test_targets)
    )
    best = int(np.argmin(trainer.validation_errors.values())) + 1
    assert report["best_epoch"] == best and report["best_on"] == "validation"
    assert (report["training_samples"], report["validation_samples"]) == (40, 30)


def test_patience_stops_the_run_and_says_why(capsys):
    code, out, _ = _train(capsys, "--preset", "overfit", "--steps", "3000", "--patience", "25",
                          "--json")  # fmt: skip
    report = json.loads(out)
    assert code == 0 and report["early_stopped"]
    assert report["epochs"] == report["best_epoch"] + 25
    assert "has not improved for 25 epochs" in report["stopped"]


def test_split_options_and_weight_decay_are_used_and_saved(capsys, tmp_path):
    path = tmp_path / "s.bpdesk"
    code, out, _ = _train(
        capsys, "--preset", "moons", "--validation", "40", "--test", "0.1", "--split-seed", "3",
        "--weight-decay", "0.002", "--epochs", "2", "--json", "--save", str(path),
    )  # fmt: skip
    report = json.loads(out)
    assert code == 0
    assert (report["training_samples"], report["validation_samples"], report["test_samples"]) == (
        140, 40, 20,
    )  # fmt: skip
    assert report["weight_decay"] == 0.002
    loaded = load_session(path, resolve_data).trainer
    assert loaded.config.weight_decay == 0.002 and len(loaded.validation_inputs) == 40
    assert len(loaded.validation_errors) == 2


def test_without_held_out_data_the_parts_are_null(capsys):
    _, out, _ = _train(capsys, "--preset", "xor", "--epochs", "3", "--json")
    report = json.loads(out)
    assert report["validation_error"] is None and report["test_error"] is None
    assert report["best_epoch"] is None


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--validation", "nan"], "--validation"),
        (["--test", "1.5"], "--test"),
        (["--validation", "2", "--test", "2"], "train on"),
        (["--weight-decay", "-1"], "--weight-decay"),
        (["--patience", "-3"], "--patience"),
        (["--optimizer", "lm", "--weight-decay", "0.1"], "Levenberg"),
    ],
)
def test_bad_values_exit_2_with_one_plain_line(capsys, args, words):
    code, out, err = _train(capsys, "--preset", "xor", *args)
    assert code == 2 and out == ""
    assert words in err and len(err.strip().splitlines()) == 1
