"""The algorithm slide, live: the line of each sub-step, its numbers, and both conventions' w+.

Numbers are checked against the lecture's worked example (tests/reference) and against an
independent delta rule written here sample by sample with plain floats, as the slide
writes it: δk = ok(1 − ok)(tk − ok), δh = oh(1 − oh) Σk whk δk, Δw = η δ x + α Δw(t−1).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.files.presets import LECTURE_WEIGHTS, get_preset
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.algorithm import (
    LINE_KEYS,
    algorithm_lines,
    check_layer,
    locate,
    read,
)

TOLERANCE = 1e-8  # the lecture prints nine decimals and rounds its last one


def lecture(**changes: object) -> Stepper:
    preset = get_preset("lecture")
    config = dataclasses.replace(preset.config, **changes)
    return Stepper(Trainer(preset.network.copy(), preset.inputs, preset.targets, config))


def row(reading, name: str):
    found = [r for r in reading.rows if r.name == name]
    assert found, f"no row {name} in {[r.name for r in reading.rows]}"
    return found[0]


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


class SlideNet:
    """A 2-layer sigmoid network with ½ squared error, trained by the slide's delta rule one
    float at a time: weights w[layer][source][target], one bias per neuron or per layer."""

    def __init__(self, network: Network) -> None:
        self.w = [w.tolist() for w in network.weights]
        self.b = [b.tolist()[0] for b in network.biases]
        self.previous_w = [[[0.0] * len(r) for r in w] for w in self.w]
        self.previous_b = [[0.0] * len(b) for b in self.b]

    def forward(self, x: list[float]) -> list[list[float]]:
        outs = [x]
        for layer, w in enumerate(self.w):
            below, n = outs[-1], len(w[0])
            bias = self.b[layer]
            nets = [
                sum(below[s] * w[s][j] for s in range(len(below))) + bias[j % len(bias)]
                for j in range(n)
            ]
            outs.append([sigmoid(v) for v in nets])
        return outs

    def deltas(self, outs, t, w_above):
        """The slide's δ of both layers for one sample (w_above: the weights above h)."""
        o = outs[2]
        d_out = [o[k] * (1 - o[k]) * (t[k] - o[k]) for k in range(len(o))]
        h = outs[1]
        d_hid = [
            h[j] * (1 - h[j]) * sum(w_above[j][k] * d_out[k] for k in range(len(o)))
            for j in range(len(h))
        ]
        return [d_hid, d_out]

    def step(self, xs, ts, eta, alpha, sequential, train_biases):
        """One step on a batch: the new weights, each Δw the mean over the batch of η δ x."""
        samples = [self.forward(list(x)) for x in xs]
        n = len(xs)
        d_out = [self.deltas(o, t, self.w[1])[1] for o, t in zip(samples, ts, strict=True)]
        self._update(1, samples, d_out, eta, alpha, train_biases, n)
        w_above = self.w[1] if sequential else self._before_w1
        d_hid = []
        for outs, d in zip(samples, d_out, strict=True):
            h = outs[1]
            d_hid.append(
                [
                    h[j] * (1 - h[j]) * sum(w_above[j][k] * d[k] for k in range(len(d)))
                    for j in range(len(h))
                ]
            )
        self._update(0, samples, d_hid, eta, alpha, train_biases, n)
        return samples, d_out, d_hid

    def _update(self, layer, samples, deltas, eta, alpha, train_biases, n):
        if layer == 1:
            self._before_w1 = [list(r) for r in self.w[1]]
        w = self.w[layer]
        for s in range(len(w)):
            for j in range(len(w[0])):
                mean = sum(o[layer][s] * d[j] for o, d in zip(samples, deltas, strict=True)) / n
                change = eta * mean + alpha * self.previous_w[layer][s][j]
                self.previous_w[layer][s][j] = change
                w[s][j] += change
        if train_biases:
            b = self.b[layer]
            for c in range(len(b)):
                if len(b) == 1:
                    mean = sum(sum(d) for d in deltas) / n
                else:
                    mean = sum(d[c] for d in deltas) / n
                change = eta * mean + alpha * self.previous_b[layer][c]
                self.previous_b[layer][c] = change
                b[c] += change


# ------------------------------------------------------------------ the line of each sub-step
SIMULTANEOUS = [
    ("forward", "h1"),
    ("forward", "h2"),
    ("forward", "o1"),
    ("forward", "o2"),
    ("forward", ""),  # the error closes the forward pass
    ("output_delta", "o1"),
    ("output_delta", "o2"),
    ("hidden_delta", "h1"),
    ("hidden_delta", "h2"),
    ("weight_change", "o1, o2"),
    ("weight_change", "h1, h2"),
]
SEQUENTIAL = [
    *SIMULTANEOUS[:7],
    ("weight_change", "o1, o2"),
    ("hidden_delta", "h1"),
    ("hidden_delta", "h2"),
    ("weight_change", "h1, h2"),
]


@pytest.mark.parametrize(
    ("order", "expected"), [("simultaneous", SIMULTANEOUS), ("sequential", SEQUENTIAL)]
)
def test_each_sub_step_is_on_its_line_for_its_neuron(order, expected):
    stepper = lecture(update_order=order)
    start = locate(stepper.trace())
    assert start.line == "init" and start.op is None and start.highlighted == ("init",)
    seen = []
    for _ in expected:
        place = locate(stepper.step_op())
        seen.append((place.line, place.neuron_name))
        if place.line == "weight_change":
            assert place.highlighted == ("weight_change", "weight_update")
        else:
            assert place.highlighted == (place.line,)
    assert seen == expected
    assert stepper.step_complete
    assert "next sample" in locate(stepper.trace()).coming
    stepper.run(iterations=1)  # no step in progress: a new epoch begins (one sample each)
    assert locate(stepper.trace()).line == "repeat"


def test_a_phase_press_lands_on_the_line_of_its_last_sub_step():
    stepper = lecture()
    assert locate(stepper.step_phase("forward")).line == "forward"
    place = locate(stepper.step_phase("backward"))
    assert (place.line, place.neuron_name) == ("hidden_delta", "h2")
    assert "update" in place.coming.lower() or "weights" in place.coming
    assert locate(stepper.step_phase("update")).line == "weight_change"


def test_the_reading_marks_the_highlighted_lines_in_its_text():
    stepper = lecture()
    for _ in range(6):
        stepper.step_op()
    text = read(stepper.trace(), "slide").to_text()
    marked = [line for line in text.splitlines() if line.startswith("▶")]
    assert len(marked) == 1 and "δ_k = o_k(1 − o_k)(t_k − o_k)" in marked[0]
    keys = [line.key for line in algorithm_lines(stepper.trace().spec, "slide")]
    assert tuple(keys) == LINE_KEYS


# ------------------------------------------------------------------ the numbers
def test_bound_numbers_are_the_lectures_and_an_independent_computation(lecture_reference):
    stepper = lecture()
    independent = SlideNet(stepper.network)
    x, t = [0.05, 0.10], [0.01, 0.99]
    outs = independent.forward(x)
    d_hid, d_out = independent.deltas(outs, t, independent.w[1])
    for _ in range(4):
        stepper.step_op()
    o2 = read(stepper.trace(), "example")
    assert row(o2, "out_o2").value == pytest.approx(outs[2][1], rel=1e-12)
    stepper.step_op()
    error = read(stepper.trace(), "slide")
    expected_e = sum(0.5 * (t[k] - outs[2][k]) ** 2 for k in range(2))
    assert row(error, "E_total").value == pytest.approx(expected_e, rel=1e-12)
    stepper.step_op()  # δ of o1
    ref = lecture_reference["backward_hidden_layer"]
    example, slide = read(stepper.trace(), "example"), read(stepper.trace(), "slide")
    assert row(example, "δ_o1").value == pytest.approx(ref["dE_o1/dnet_o1"], abs=TOLERANCE)
    assert row(slide, "δ_o1").value == pytest.approx(d_out[0], rel=1e-12)
    assert row(slide, "δ_o1").value == -row(example, "δ_o1").value
    assert "0.138498562" in row(example, "δ_o1").text
    stepper.step_op()
    stepper.step_op()  # δ of h1
    example, slide = read(stepper.trace(), "example"), read(stepper.trace(), "slide")
    assert row(example, "∂E/∂out_h1").value == pytest.approx(ref["dE_total/dout_h1"], abs=1e-9)
    assert row(slide, "Σ_k w_h1k δ_k").value == pytest.approx(-ref["dE_total/dout_h1"], abs=1e-9)
    assert row(slide, "δ_h1").value == pytest.approx(d_hid[0], rel=1e-12)
    assert row(example, "δ_h1").value == pytest.approx(-d_hid[0], rel=1e-12)
    stepper.step_op()
    stepper.step_op()  # the output layer's update
    new = lecture_reference["updated_weights_after_one_step"]
    for convention in ("example", "slide"):
        reading = read(stepper.trace(), convention)
        for name in ("w5", "w6", "w7", "w8"):
            assert row(reading, f"{name}+").value == pytest.approx(new[name], abs=TOLERANCE)
        assert reading.agreement is not None and reading.agreement.same
    slide = read(stepper.trace(), "slide")
    dw5 = 0.5 * d_out[0] * outs[1][0]
    assert row(slide, "Δw5").value == pytest.approx(dw5, rel=1e-12)
    assert row(read(stepper.trace(), "example"), "∂E/∂w5").value == pytest.approx(
        lecture_reference["backward_output_layer"]["dE_total/dw5"], abs=TOLERANCE
    )


@pytest.mark.parametrize("order", ["simultaneous", "sequential"])
@pytest.mark.parametrize("alpha", [0.0, 0.9])
def test_both_conventions_give_the_steppers_new_weights(order, alpha):
    stepper = lecture(update_order=order, momentum=alpha, train_biases=True)
    independent = SlideNet(stepper.network)
    for _ in range(3):
        independent.step([[0.05, 0.10]], [[0.01, 0.99]], 0.5, alpha, order == "sequential", True)
        while True:
            trace = stepper.step_op()
            op = trace.last_op
            if op is not None and op.kind == "update":
                for convention in ("example", "slide"):
                    agreement = read(trace, convention).agreement
                    assert agreement is not None and agreement.same, agreement
                check = check_layer(trace, op.layer)
                assert check.largest_difference <= 1e-15
                if alpha:
                    assert row(
                        read(trace, "slide"), f"α·Δ{trace.spec.weight_name(op.layer, 0, 0)}(t−1)"
                    )
            if trace.complete:
                break
        for layer in range(2):
            np.testing.assert_allclose(
                stepper.network.weights[layer], independent.w[layer], rtol=1e-12
            )
            np.testing.assert_allclose(
                stepper.network.biases[layer][0], independent.b[layer], rtol=1e-12
            )
    if alpha:  # the momentum term is there and is α times the change of the step before
        last = stepper.trace().layers[1]
        assert np.all(last.momentum_w != 0.0)


def test_momentum_term_is_alpha_times_the_previous_change():
    stepper = lecture(momentum=0.9)
    stepper.full_step()
    first = stepper.trace().layers[1].weight_change.copy()
    for _ in range(10):  # up to the output layer's update
        stepper.step_op()
    reading = read(stepper.trace(), "slide")
    assert row(reading, "α·Δw5(t−1)").value == pytest.approx(0.9 * first[0, 0], rel=1e-15)
    assert "+ α·Δw5(t−1)" in row(reading, "Δw5").symbols
    assert any("Momentum α = 0.9" in note for note in reading.notes)


def test_batches_use_the_mean_over_the_batch():
    stepper = Stepper(get_preset("xor").trainer())  # 4 samples a batch, α = 0.9, biases per neuron
    independent = SlideNet(stepper.network)
    cfg = stepper.trainer.config
    for _ in range(3):
        stepper.step_phase("forward")
        trace = stepper.trace()
        xs, ts = trace.inputs.tolist(), trace.targets.tolist()
        assert any("4 samples" in note for note in read(trace, "slide").notes)
        stepper.step_phase("backward")
        independent.step(xs, ts, cfg.eta, cfg.momentum, False, True)
        while not stepper.step_complete:
            trace = stepper.step_op()
            op = trace.last_op
            assert op is not None and op.kind == "update"
            slide = read(trace, "slide")
            assert slide.agreement is not None and slide.agreement.same
            assert "mean(" in slide.rows[0].symbols
            assert any("mean of δ_j·x_ij" in note for note in slide.notes)
            assert check_layer(trace, op.layer).largest_difference <= 1e-12
        for layer in range(2):
            np.testing.assert_allclose(
                stepper.network.weights[layer], independent.w[layer], rtol=1e-10
            )
            np.testing.assert_allclose(
                stepper.network.biases[layer][0], independent.b[layer], rtol=1e-10
            )


# ------------------------------------------------------------------ other networks
def _stepper(spec: NetworkSpec, x, t, **config) -> Stepper:
    net = initialize(spec, "uniform", seed=4, r=1.0)
    cfg = TrainConfig(shuffle=False, **config)
    return Stepper(Trainer(net, np.array(x, float), np.array(t, float), cfg))


def test_a_network_the_slides_formula_does_not_fit_says_so_and_still_agrees():
    spec = NetworkSpec.build([2, 3, 2], ["tanh", "linear"], loss="mse")
    stepper = _stepper(spec, [[0.3, -0.2], [0.1, 0.4]], [[0.5, -0.5], [0.2, 0.1]], batch_size=2)
    lines = {line.key: line for line in algorithm_lines(spec, "slide")}
    assert (
        "f′" in lines["output_delta"].formula
        and "o_k(1 − o_k)" not in lines["output_delta"].formula
    )
    assert "f′(net_h)" in lines["hidden_delta"].formula
    stepper.step_phase("forward")
    trace = stepper.step_op()
    reading = read(trace, "slide")
    assert any("special" in note or "only" in note for note in reading.notes)
    delta = trace.layers[1].delta[0, 0]
    assert row(reading, "δ_o1").value == pytest.approx(-delta, rel=1e-15)
    stepper.step_phase("backward")
    while not stepper.step_complete:
        trace = stepper.step_op()
        assert check_layer(trace, trace.last_op.layer).largest_difference <= 1e-12
        assert read(trace, "slide").agreement.same


def test_cross_entropy_shows_delta_as_out_minus_target():
    spec = NetworkSpec.build([2, 2, 1], "sigmoid", loss="bce")
    stepper = _stepper(spec, [[0.3, 0.7]], [[1.0]])
    stepper.step_phase("forward")
    trace = stepper.step_op()
    o, t = trace.layers[1].out[0, 0], trace.targets[0, 0]
    assert row(read(trace, "example"), "δ_o1").value == o - t
    assert row(read(trace, "slide"), "δ_o1").symbols == "target_o1 − out_o1"


def test_other_optimisers_show_their_own_change_and_say_the_slide_is_gradient_descent():
    stepper = lecture(optimizer="adam")
    stepper.step_phase("forward")
    stepper.step_phase("backward")
    trace = stepper.step_op()
    reading = read(trace, "slide")
    assert reading.agreement is None
    assert any("Adam" in note and "gradient descent" in note for note in reading.notes)
    assert row(reading, "w5+").value == trace.layers[1].w_after[0, 0]


def test_a_big_network_writes_out_only_a_few_terms():
    spec = NetworkSpec.build([64, 32, 10], "sigmoid")
    rng = np.random.default_rng(1)
    stepper = _stepper(
        spec, rng.uniform(0, 1, (20, 64)), rng.uniform(0, 1, (20, 10)), batch_size=20
    )
    for _ in range(33):  # into the output layer's forward pass
        stepper.step_op()
    reading = read(stepper.trace(), "example", max_terms=3)
    assert "… (29 more)" in row(reading, "net_o1").numbers  # 32 hidden neurons feed o1
    assert len(reading.rows) == 2
    stepper.step_phase("forward")
    stepper.step_phase("backward")
    trace = stepper.step_op()
    reading = read(trace, "slide", max_terms=3)
    assert reading.agreement is not None and len(reading.agreement.names) == 3
    assert any("320 weights" in note for note in reading.notes)
    assert check_layer(trace, 1).largest_difference <= 1e-12


def test_every_sub_step_reads_in_both_conventions_and_a_bad_convention_is_refused():
    stepper = lecture()
    while True:
        trace = stepper.step_op()
        for convention in ("example", "slide"):
            assert read(trace, convention).to_text()
        if trace.complete:
            break
    with pytest.raises(ValueError):
        read(trace, "backwards")
    with pytest.raises(ValueError):
        algorithm_lines(trace.spec, "")


def test_weights_not_updated_yet_are_nan_in_the_layer_check():
    stepper = lecture()
    stepper.step_phase("forward")
    check = check_layer(stepper.step_phase("backward"), 0)
    assert np.isnan(check.w_after).all() and np.isnan(check.w_slide).all()
    assert LECTURE_WEIGHTS["w1"] == stepper.trace().layers[0].w_before[0, 0]


@pytest.mark.skipif(
    "weight_decay" not in {f.name for f in dataclasses.fields(TrainConfig)},
    reason="this bpdesk has no weight decay",
)
def test_weight_decay_is_part_of_both_conventions():
    stepper = lecture(weight_decay=0.01)
    stepper.step_phase("forward")
    stepper.step_phase("backward")
    trace = stepper.step_op()
    for convention in ("example", "slide"):
        reading = read(trace, convention, weight_decay=0.01)
        assert reading.agreement is not None and reading.agreement.same
        assert any("λ = 0.01" in note for note in reading.notes)
    assert check_layer(trace, 1, 0.01).largest_difference <= 1e-15
    assert check_layer(trace, 1).largest_difference <= 1e-15  # the trace's own λ
    assert read(trace, "slide").agreement.same
    # Without λ the numbers would not add up: the check can tell.
    assert not read(trace, "slide", weight_decay=0.0).agreement.same


def test_a_diverging_run_reads_at_every_sub_step_until_the_step_machine_refuses():
    spec = NetworkSpec.build([1, 1], "linear")
    stepper = _stepper(spec, [[100.0]], [[1.0]], eta=1e5)
    for _ in range(500):
        if stepper.trainer.diverged:
            break
        trace = stepper.step_op()
        for convention in ("example", "slide"):
            reading = read(trace, convention)
            assert reading.to_text()
            if reading.agreement is not None and not reading.agreement.finite:
                assert "no longer finite" in reading.agreement.text
            elif reading.agreement is not None:
                assert reading.agreement.same
    assert stepper.trainer.diverged
    assert read(stepper.trace(), "slide").to_text()
