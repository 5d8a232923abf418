"""bpdesk-cli: the lecture's figures through `trace --json`, training, gradient checks, refusals."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bpdesk.cli import main

TOL = 1e-8


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_trace_json_has_every_lecture_figure(capsys, lecture_reference):
    code, out, err = run_cli(capsys, "trace", "--preset", "lecture", "--json")
    assert code == 0 and err == ""
    values = json.loads(out)
    for section in ("forward", "backward_output_layer", "backward_hidden_layer"):
        for name, expected in lecture_reference[section].items():
            assert values[name] == pytest.approx(expected, abs=TOL), name
    for name, expected in lecture_reference["updated_weights_after_one_step"].items():
        assert values[f"{name}+"] == pytest.approx(expected, abs=TOL), name
    assert values["step"]["update_order"] == "simultaneous"


def test_trace_sequential_differs_only_below_the_output_layer(capsys):
    _, simul, _ = run_cli(capsys, "trace", "--preset", "lecture", "--json")
    _, seq, _ = run_cli(
        capsys, "trace", "--preset", "lecture", "--json", "--update-order", "sequential"
    )
    a, b = json.loads(simul), json.loads(seq)
    assert b["step"]["update_order"] == "sequential"
    for w in ("w5+", "w6+", "w7+", "w8+"):
        assert a[w] == b[w]
    for w in ("w1+", "w2+", "w3+", "w4+"):
        assert a[w] != b[w]


def test_trace_text_is_laid_out_like_the_lecture(capsys):
    code, out, _ = run_cli(capsys, "trace", "--preset", "lecture")
    assert code == 0
    assert "net_h1 = w1·i1 + w2·i2 + b1·1 = 0.15 × 0.05 + 0.2 × 0.1 + 0.35 = 0.3775" in out
    assert "E_total = E_o1 + E_o2 = 0.274811083 + 0.023560026 = 0.298371109" in out
    assert (
        "∂E_total/∂w5 = ∂E_total/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5 = "
        "0.74136507 × 0.186815602 × 0.593269992 = 0.082167041"
    ) in out
    assert (
        "∂E_total/∂out_h1 = ∂E_o1/∂out_h1 + ∂E_o2/∂out_h1 = 0.055399425 + (−0.019049118) = "
        "0.036350306"
    ) in out
    assert "w5+ = w5 − η · ∂E_total/∂w5 = 0.4 − 0.5 × 0.082167041 = 0.35891648" in out
    assert "w8+ = w8 − η · ∂E_total/∂w8 = 0.55 − 0.5 × (−0.022740242) = 0.561370121" in out
    assert "biases stay fixed" in out


def test_train_json_reports_error_outputs_and_parameters(capsys):
    code, out, _ = run_cli(capsys, "train", "--preset", "lecture", "--steps", "10000", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["iterations"] == 10000 and report["epochs"] == 10000
    assert report["stopped"] == "reached 10000 iterations"
    assert 0 < report["error"] < 1e-4
    o1, o2 = report["outputs"][0]
    assert abs(o1 - 0.01) < 0.01 and abs(o2 - 0.99) < 0.01
    assert set(report["parameters"]) == {f"w{i}" for i in range(1, 9)} | {"b1", "b2"}
    assert report["parameters"]["b1"] == 0.35  # biases frozen in the lecture


def test_train_one_step_gives_the_lecture_weights(capsys, lecture_reference):
    _, out, _ = run_cli(capsys, "train", "--preset", "lecture", "--steps", "1", "--json")
    params = json.loads(out)["parameters"]
    for name, expected in lecture_reference["updated_weights_after_one_step"].items():
        assert params[name] == pytest.approx(expected, abs=TOL)


def test_train_xor_with_options(capsys):
    code, out, _ = run_cli(
        capsys,
        "train",
        "--preset",
        "xor",
        "--epochs",
        "50",
        "--optimizer",
        "lm",
        "--seed",
        "3",
        "--json",
    )
    assert code == 0
    report = json.loads(out)
    assert report["epochs"] == 50 and len(report["outputs"]) == 4
    assert report["error"] < 1e-3
    code, out, _ = run_cli(
        capsys,
        "train",
        "--preset",
        "xor",
        "--steps",
        "3",
        "--eta",
        "0.1",
        "--momentum",
        "0.5",
        "--batch-size",
        "1",
    )
    assert code == 0 and "Iterations: 3" in out and "w1 = " in out


def test_gradcheck_agrees(capsys):
    code, out, _ = run_cli(capsys, "gradcheck", "--preset", "lecture", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["worst_relative_error"] < 1e-6
    assert report["parameters"]["w5"]["analytic"] == pytest.approx(0.082167041, abs=TOL)


@pytest.mark.parametrize(
    "args",
    [
        ["train", "--preset", "lecture", "--eta", "-1"],
        ["train", "--preset", "lecture", "--eta", "abc"],
        ["train", "--preset", "nonesuch"],
        ["train", "--preset", "lecture", "--steps", "-5"],
        ["train", "--preset", "lecture", "--steps", "5", "--epochs", "2"],
        ["trace", "--session", "/nonexistent/file.bpdesk"],
        ["frobnicate"],
        [],
    ],
)
def test_bad_input_exits_2_with_one_plain_line(capsys, args):
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_console_entry_point_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "bpdesk.cli", "train", "--preset", "lecture", "--eta", "nan"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "learning rate" in result.stderr and "Traceback" not in result.stderr


def test_train_on_csv_saves_a_session_that_validates(tmp_path, capsys):
    data = tmp_path / "gates.csv"
    data.write_text("a,b,label\n0,0,no\n0,1,yes\n1,0,yes\n1,1,no\n")
    session_file = tmp_path / "trained.bpdesk"
    code, out, err = run_cli(
        capsys,
        "train",
        "--preset",
        "xor",
        "--data",
        str(data),
        "--inputs",
        "a,b",
        "--class-column",
        "label",
        "--hidden",
        "4",
        "--epochs",
        "5",
        "--save",
        str(session_file),
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert len(report["outputs"]) == 4 and len(report["outputs"][0]) == 2  # one-hot: no, yes
    assert report["epochs"] == 5
    code, out, _ = run_cli(capsys, "validate", str(session_file))
    assert code == 0 and "valid bpdesk session" in out and "2-4-2" in out
    code, out, _ = run_cli(
        capsys, "train", "--session", str(session_file), "--epochs", "1", "--json"
    )
    assert code == 0 and json.loads(out)["epochs"] == 6  # continues where it was saved


def test_validate_refuses_a_bad_session_with_the_reason(tmp_path, capsys):
    bad = tmp_path / "bad.bpdesk"
    bad.write_text('{"format": "bpdesk-session", "version": 1, "network": 3}')
    code, out, err = run_cli(capsys, "validate", str(bad))
    assert code == 2 and out == ""
    assert "network" in err and len(err.strip().splitlines()) == 1


def test_bad_csv_is_reported_with_its_line(tmp_path, capsys):
    data = tmp_path / "bad.csv"
    data.write_text("x,y\n1,2\n3,oops\n")
    code, _, err = run_cli(capsys, "train", "--data", str(data), "--inputs", "x", "--targets", "y")
    assert code == 2 and "Line 3" in err


@pytest.mark.parametrize(
    ("args", "option", "setting", "value"),
    [
        (["--eta", "0"], "--eta", "eta", 0.0),
        (["--momentum", "1"], "--momentum", "momentum", 1.0),
        (["--batch-size", "0"], "--batch-size", "batch_size", 0),
        (["--seed", "-1"], "--seed", "seed", -1),
        (["--epochs", "0"], "--epochs", "epochs", 0),
        (["--steps", "-5"], "--steps", "iterations", -5),
    ],
)
def test_options_are_refused_with_the_cores_reason(capsys, args, option, setting, value):
    from bpdesk.core.engine.config import SETTINGS

    code, out, err = run_cli(capsys, "train", "--preset", "lecture", *args)
    assert (code, out) == (2, "")
    assert err == f"bpdesk-cli: {option}: {SETTINGS[setting].check(value)}\n"


def test_hidden_sizes_must_be_whole_numbers(capsys):
    code, _, err = run_cli(
        capsys, "train", "--data", "x.csv", "--inputs", "a", "--targets", "b", "--hidden", "4,x"
    )
    assert code == 2 and "--hidden takes whole numbers" in err and "Traceback" not in err
