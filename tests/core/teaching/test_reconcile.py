"""The lecture's printed figures reconciled with bpdesk: checked against tests/reference and
against independent runs of the step machine (every reproduced figure is recomputed here
from the settings the search found, and must print as the lecture prints it)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from bpdesk.core.engine.trainer import Trainer
from bpdesk.core.files.presets import get_preset
from bpdesk.core.stepping.snapshot import make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.steps import apply_command
from bpdesk.core.teaching import reconcile as rec
from bpdesk.core.teaching import reconcile_words as words
from bpdesk.resources import resource_path

REFERENCE = Path(__file__).resolve().parents[2] / "reference"
FIGURES = REFERENCE / "lecture_figures.json"
EXAMPLE = REFERENCE / "lecture_example.json"
PRINTED = {f["id"]: f["printed"] for f in json.loads(FIGURES.read_text())["figures"]}
TRAINED = [fid for fid in PRINTED if fid.startswith(("error_", "out_"))]


@pytest.fixture(scope="module")
def result() -> rec.Reconciliation:
    return rec.reconcile(FIGURES, EXAMPLE)


def _stepper(update_order: str = "simultaneous", train_biases: bool = False) -> Stepper:
    preset = get_preset("lecture")
    config = replace(preset.config, update_order=update_order, train_biases=train_biases)
    return Stepper(Trainer(preset.network.copy(), preset.inputs, preset.targets, config))


def _shown(stepper: Stepper, fid: str) -> float:
    """The figure as the window shows it after a recipe's commands (the forward pass's E or out)."""
    values = stepper.trace().named_values()
    return {"out_o1_after_10000": values["out_o1"], "out_o2_after_10000": values["out_o2"]}.get(
        fid, values["E_total"]
    )


def _printed_as(value: float, printed: str) -> str:
    return f"{value:.{len(printed.split('.')[1])}f}"


def test_the_copies_are_the_reference_files_unchanged():
    for name in ("lecture_figures.json", "lecture_example.json"):
        assert resource_path("lecture", name).read_bytes() == (REFERENCE / name).read_bytes()
    assert "lecture_figures.json" in (REFERENCE / "README.md").read_text()
    assert "shared/reference" in resource_path("lecture", "README.md").read_text()


def test_every_printed_figure_is_listed(result):
    ids = {f.id for f in result.figures}
    assert set(PRINTED) <= ids
    example = json.loads(EXAMPLE.read_text())
    for section in words.EXAMPLE_SECTIONS:
        for name in example[section]:
            key = f"{name}+" if section == "updated_weights_after_one_step" else name
            assert f"example:{key}" in ids
    assert {"algorithm_slide", "gradient_descent_slides", "epoch_batch_iteration"} <= ids
    json.dumps(result.as_json(), allow_nan=False)


@pytest.mark.parametrize("fid", TRAINED)
def test_the_default_value_is_the_step_machines_after_n_updates(result, fid):
    """bpdesk's default: the lecture preset after N updates, as the window shows it at the next
    forward pass (worked out here by the step machine, not by the trainer's fast runs)."""
    figure = result.by_id(fid)
    rounds = 0 if fid == "error_before" else 1 if "first" in fid else 10_000
    stepper = _stepper()
    if rounds:
        stepper.run(iterations=rounds)
    stepper.step_phase("forward")
    value = _shown(stepper, fid)
    assert figure.default == _printed_as(value, figure.printed)
    assert figure.agrees == (figure.default == figure.printed)


@pytest.mark.parametrize("fid", TRAINED)
def test_show_it_reproduces_the_printed_digits(result, fid):
    """Every recipe the search found, carried out by the step machine, prints the lecture's
    digits; the figures without one agree already."""
    figure = result.by_id(fid)
    if figure.recipe is None:
        assert figure.agrees
        return
    assert not figure.agrees and figure.reproduced == figure.printed
    stepper = _stepper(figure.recipe.update_order, figure.recipe.train_biases)
    for command in figure.recipe.commands:
        apply_command(stepper, command)
    assert _printed_as(_shown(stepper, fid), figure.printed) == figure.printed
    assert figure.reproduced_by and figure.why


def test_no_single_run_gives_the_printed_error_and_outputs_together(result):
    error, out = result.by_id("error_after_10000"), result.by_id("out_o1_after_10000")
    if error.recipe is not None and out.recipe is not None:
        assert error.recipe != out.recipe
        # the error of the printed outputs, by the lecture's formula, is not the printed error
        o1, o2 = float(PRINTED["out_o1_after_10000"]), float(PRINTED["out_o2_after_10000"])
        implied = 0.5 * (0.01 - o1) ** 2 + 0.5 * (0.99 - o2) ** 2
        assert _printed_as(implied, error.printed) != error.printed
        assert _printed_as(implied, error.printed) in error.why


def test_the_printed_dEo2_dout_h1_is_the_product_of_rounded_factors(result):
    """Independently: δ_o2 rounded to 9 decimals times w7, a final 5 rounded up."""
    values = _stepper().full_step().named_values()
    delta = Decimal(values["dE_o2/dnet_o2"]).quantize(Decimal("1e-9"), ROUND_HALF_UP)
    product = delta * Decimal(values["dnet_o2/dout_h1"])
    printed = PRINTED["dEo2_dout_h1"]
    assert str(product.quantize(Decimal("1e-9"), ROUND_HALF_UP)) == printed
    assert str(product.quantize(Decimal("1e-9"), ROUND_HALF_EVEN)) != printed  # a true tie
    for fid in ("dEo2_dout_h1", "example:dE_o2/dout_h1"):
        figure = result.by_id(fid)
        assert figure.default == _printed_as(values["dE_o2/dout_h1"], printed) != printed
        assert figure.reproduced == printed and figure.recipe is None  # not an app setting
        assert "not a setting of the app" in figure.reproduced_by


def test_worked_example_figures_agree_within_the_references_tolerance(result):
    values = _stepper().full_step().named_values()
    for figure in result.figures:
        if figure.source == "worked example":
            key = figure.id.split(":", 1)[1]
            assert abs(values[key] - float(figure.printed)) < 1e-8
            assert figure.agrees == (_printed_as(values[key], figure.printed) == figure.printed)


def test_the_wiring_slide_is_flagged_by_the_weight_that_gives_the_printed_net(result):
    figure = result.by_id("hidden_wiring_slide")
    values = get_preset("lecture").network.values()
    net_h1 = json.loads(EXAMPLE.read_text())["forward"]["net_h1"]
    slide = 0.15 * 0.05 + values["w3"] * 0.1 + values["b1"]
    assert abs(slide - net_h1) > 1e-6 and figure.agrees is False
    name = figure.reproduced_by.split()[0]
    assert abs(values["w1"] * 0.05 + values[name] * 0.1 + values["b1"] - net_h1) < 1e-12


def test_both_sign_conventions_give_the_same_new_weights(result):
    assert result.by_id("algorithm_slide").agrees is True
    values = dict(_stepper().full_step().named_values())
    values["w5+"] += 1e-6  # a wrong new weight must be caught
    slide = json.loads(FIGURES.read_text())["algorithm_slide"]
    assert words._signs(slide, values, 0.5).agrees is False


def test_a_figure_no_setting_gives_says_so(tmp_path):
    data = json.loads(FIGURES.read_text())
    for item in data["figures"]:
        if item["id"] == "error_after_10000":
            item["printed"] = "0.1234567"
    path = tmp_path / "figures.json"
    path.write_text(json.dumps(data))
    figure = rec.reconcile(path, EXAMPLE).by_id("error_after_10000")
    assert figure.agrees is False and figure.recipe is None and figure.reproduced_by == ""
    assert figure.why.startswith("No setting reproduces 0.1234567")


def test_cancelling_keeps_nothing_half_done(monkeypatch):
    monkeypatch.setattr(rec, "_RUNS", {})
    seen: list[tuple[int, int]] = []

    def stop_soon(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 3000

    with pytest.raises(rec.Cancelled):
        rec.reconcile(FIGURES, EXAMPLE, progress=stop_soon)
    assert seen and all(d <= t for d, t in seen)
    assert all(len(points) == 3 for points in rec._RUNS.values())  # only finished runs kept
    assert rec.reconcile(FIGURES, EXAMPLE).by_id("error_before").agrees


@pytest.mark.parametrize(
    ("value", "printed", "shown"),
    [(-1e-12, "0.001", "0.000"), (0.0000351085481, "0.0000351085", "0.0000351085"),
     (0.4, "0.4", "0.4"), (float("nan"), "0.5", "…")],
)  # fmt: skip
def test_printed_digits(value, printed, shown):
    assert words.to_printed(value, printed) == shown


def _snapshot(stepper: Stepper):
    return make_snapshot(stepper, seq=1)


def test_the_note_after_the_first_update_names_both_figures():
    stepper = _stepper()
    stepper.full_step()
    note = rec.lecture_note(_snapshot(stepper))
    after = stepper.trainer.evaluate()
    assert note is not None
    assert PRINTED["error_after_first_round"] in note
    assert _printed_as(after, PRINTED["error_after_first_round"]) in note
    sequential = _stepper("sequential")
    sequential.full_step()
    same = rec.lecture_note(_snapshot(sequential))
    assert same is not None and "is the same" in same


def test_no_note_elsewhere():
    stepper = _stepper()
    assert rec.lecture_note(_snapshot(stepper)) is None  # nothing printed for round 0 here
    stepper.run(iterations=2)
    assert rec.lecture_note(_snapshot(stepper)) is None  # round 2: nothing printed
    xor = Stepper(get_preset("xor").trainer())
    xor.full_step()
    assert rec.lecture_note(_snapshot(xor)) is None


def test_the_note_after_a_long_run_gives_both_errors(result):
    stepper = _stepper()
    stepper.run(iterations=10_000)
    note = rec.lecture_note(_snapshot(stepper))
    assert note is not None
    assert _printed_as(stepper.trainer.evaluate(), PRINTED["error_after_10000"]) in note
    before = stepper.trainer.iteration_errors.last()
    assert _printed_as(before, PRINTED["error_after_10000"]) in note
