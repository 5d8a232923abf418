"""The chain rule written out for one element: the lecture's figures in the lecture's notation."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest

from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.errors import ConfigError
from bpdesk.core.files.presets import get_preset
from bpdesk.core.formatting import MISSING, format_value
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.derivation import default_selection, derive
from bpdesk.core.teaching.equations.html_render import HtmlStyle, symbol_html

TOLERANCE = 1e-8  # the lecture prints nine decimals and rounds its last one
_NUMBER = re.compile(r"(?<![\w.])[−-]?\d+(?:\.\d+)?(?:e[−+-]?\d+)?(?![\w.])")


def numbers(text: str) -> list[float]:
    """The numbers written in ``text`` (not the digits of names such as w5 or out_h1)."""
    return [float(m.group().replace("−", "-")) for m in _NUMBER.finditer(text)]


def shows(text: str, value: float) -> bool:
    return any(math.isclose(n, value, rel_tol=0.0, abs_tol=TOLERANCE) for n in numbers(text))


def line_starting(text: str, start: str) -> str:
    found = [line.strip() for line in text.splitlines() if line.strip().startswith(start)]
    assert found, f"no line starts with {start!r} in:\n{text}"
    return found[0]


def lecture(*phases: str) -> Stepper:
    stepper = Stepper(get_preset("lecture").trainer())
    for phase in phases:
        stepper.step_phase(phase)
    return stepper


def text_of(stepper: Stepper, kind: str, name: str) -> str:
    return derive(stepper.trace(), kind, name).to_text()


# ------------------------------------------------------------ the lecture's figures
def test_output_weight_w5_follows_the_lecture(lecture_reference):
    ref = lecture_reference["backward_output_layer"]
    text = text_of(lecture("forward", "backward", "update"), "weight", "w5")
    chain = line_starting(text, "∂E_total/∂w5 =")
    assert "∂E_total/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5" in chain
    shown = numbers(chain.split("∂net_o1/∂w5 =", 1)[1])
    expected = [ref["dE_total/dout_o1"], ref["dout_o1/dnet_o1"], ref["dnet_o1/dw5"]]
    expected.append(ref["dE_total/dw5"])
    assert shown == pytest.approx(expected, abs=TOLERANCE)
    assert format_value(ref["dE_total/dw5"]) in chain
    meaning = line_starting(text, "∂E_total/∂out_o1 =")
    assert "−(target_o1 − out_o1)" in meaning and "−(0.01 − 0.75136507)" in meaning
    assert "out_o1 (1 − out_o1)" in line_starting(text, "∂out_o1/∂net_o1 =")
    assert "= out_h1 =" in line_starting(text, "∂net_o1/∂w5 =")
    update = line_starting(text, "w5+ =")
    w5_new = lecture_reference["updated_weights_after_one_step"]["w5"]
    assert "w5 − η · ∂E_total/∂w5" in update
    assert shows(update, 0.4) and shows(update, 0.5) and shows(update, ref["dE_total/dw5"])
    assert update.endswith(format_value(w5_new))
    assert MISSING not in text


def test_hidden_weight_w1_sums_over_the_outputs(lecture_reference):
    ref = lecture_reference["backward_hidden_layer"]
    text = text_of(lecture("forward", "backward"), "weight", "w1")
    total = line_starting(text, "∂E_total/∂out_h1 =")
    assert "∂E_o1/∂out_h1 + ∂E_o2/∂out_h1" in total
    assert numbers(total.split("∂E_o2/∂out_h1 =", 1)[1]) == pytest.approx(
        [ref["dE_o1/dout_h1"], ref["dE_o2/dout_h1"], ref["dE_total/dout_h1"]], abs=TOLERANCE
    )
    term = line_starting(text, "∂E_o1/∂out_h1 =")
    assert "∂E_o1/∂net_o1 · ∂net_o1/∂out_h1" in term
    assert numbers(term.split("∂net_o1/∂out_h1 =", 1)[1]) == pytest.approx(
        [ref["dE_o1/dnet_o1"], ref["dnet_o1/dout_h1"], ref["dE_o1/dout_h1"]], abs=TOLERANCE
    )
    assert shows(line_starting(text, "∂E_o2/∂out_h1 ="), ref["dE_o2/dout_h1"])
    chain = line_starting(text, "∂E_total/∂w1 =")
    assert "∂E_total/∂out_h1 · ∂out_h1/∂net_h1 · ∂net_h1/∂w1" in chain
    assert numbers(chain.split("∂net_h1/∂w1 =", 1)[1]) == pytest.approx(
        [ref["dE_total/dout_h1"], ref["dout_h1/dnet_h1"], ref["dnet_h1/dw1"], ref["dE_total/dw1"]],
        abs=TOLERANCE,
    )
    # The update is not done yet: its result is "…", and the text says which button computes it.
    update = line_starting(text, "w1+ =")
    assert update.endswith(MISSING)
    assert "press Update" in text


def test_home_task_w8(lecture_reference):
    w8_new = lecture_reference["updated_weights_after_one_step"]["w8"]
    text = text_of(lecture("forward", "backward", "update"), "weight", "w8")
    assert "∂E_total/∂out_o2 · ∂out_o2/∂net_o2 · ∂net_o2/∂w8" in text
    assert line_starting(text, "w8+ =").endswith(format_value(w8_new))
    assert "= out_h2 =" in line_starting(text, "∂net_o2/∂w8 =")


def test_the_printed_product_is_the_traces_own(lecture_reference):
    stepper = lecture("forward", "backward", "update")
    values = stepper.trace().named_values()
    for w in ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"):
        text = text_of(stepper, "weight", w)
        chain = line_starting(text, f"∂E_total/∂{w} =")
        assert chain.endswith("= " + format_value(values[f"dE_total/d{w}"]))
        new = lecture_reference["updated_weights_after_one_step"][w]
        assert shows(line_starting(text, f"{w}+ ="), new)


def test_hidden_neuron_h1(lecture_reference):
    forward = lecture_reference["forward"]
    stepper = lecture("forward")
    text = text_of(stepper, "neuron", "h1")
    net = line_starting(text, "net_h1 =")
    assert "w1·i1 + w2·i2 + b1·1" in net
    assert "0.15 × 0.05 + 0.2 × 0.1 + 0.35 × 1" in net
    assert net.endswith(format_value(forward["net_h1"]))
    formula = stepper.trainer.network.spec.activations[0].formula.replace("net", "net_h1")
    out = line_starting(text, "out_h1 =")
    assert formula in out
    assert out.endswith(format_value(forward["out_h1"]))
    assert "press Backward" in text  # its δ comes with the backward pass


def test_output_neuron_o1_error_and_delta(lecture_reference):
    forward = lecture_reference["forward"]
    delta = lecture_reference["backward_hidden_layer"]["dE_o1/dnet_o1"]
    text = text_of(lecture("forward", "backward"), "neuron", "o1")
    assert line_starting(text, "net_o1 =").endswith(format_value(forward["net_o1"]))
    assert line_starting(text, "out_o1 =").endswith(format_value(forward["out_o1"]))
    error = line_starting(text, "E_o1 =")
    assert "½ (target_o1 − out_o1)²" in error
    assert error.endswith(format_value(forward["E_o1"]))
    assert shows(line_starting(text, "E_total ="), forward["E_total"])
    assert shows(line_starting(text, "δ_o1 ="), delta)
    assert MISSING not in text


def test_frozen_shared_bias_b1():
    stepper = lecture("forward", "backward", "update")
    values = stepper.trace().named_values()
    text = text_of(stepper, "bias", "b1")
    assert "shared by h1, h2" in text
    gradient = line_starting(text, "∂E_total/∂b1 =")
    assert "∂E_total/∂net_h1 + ∂E_total/∂net_h2" in gradient
    assert shows(gradient, values["dE_total/dnet_h1"])
    assert shows(gradient, values["dE_total/dnet_h2"])
    assert gradient.endswith(format_value(values["dE_total/db1"]))
    assert "fixed" in text
    assert line_starting(text, "b1+ =").endswith(format_value(values["b1"]))


def test_trained_bias_shows_its_update():
    stepper = lecture()
    stepper.set_config(replace(stepper.trainer.config, train_biases=True))
    stepper.full_step()
    values = stepper.trace().named_values()
    text = text_of(stepper, "bias", "b2")
    assert "fixed" not in text
    assert line_starting(text, "b2+ =").endswith(format_value(values["b2+"]))
    assert values["b2+"] != values["b2"]


# ------------------------------------------------------------ what is not computed yet
def test_values_before_the_backward_pass_are_missing():
    text = text_of(lecture("forward"), "weight", "w5")
    chain = line_starting(text, "∂E_total/∂w5 =")
    assert chain.endswith(MISSING)
    assert "press Backward to compute this" in text
    assert "press Backward, then Update, to compute this" in text
    assert shows(line_starting(text, "∂net_o1/∂w5 ="), 0.593269992)  # known after Forward


def test_a_fresh_step_asks_for_the_forward_pass():
    text = text_of(lecture(), "neuron", "h1")
    assert line_starting(text, "net_h1 =").endswith(MISSING)
    assert "press Forward to compute this" in text


def test_neuron_by_neuron_stepping_reveals_one_neuron():
    stepper = lecture()
    stepper.step_op()  # h1 only
    assert not line_starting(text_of(stepper, "neuron", "h1"), "out_h1 =").endswith(MISSING)
    assert line_starting(text_of(stepper, "neuron", "h2"), "out_h2 =").endswith(MISSING)


# ------------------------------------------------------------ optimisers and orders
def test_momentum_shows_the_carried_step():
    stepper = lecture()
    stepper.set_config(replace(stepper.trainer.config, momentum=0.9))
    stepper.full_step()
    first = stepper.trace().named_values()
    stepper.full_step()
    values = stepper.trace().named_values()
    text = text_of(stepper, "weight", "w5")
    change = line_starting(text, "Δw5 =")
    assert "−η · ∂E_total/∂w5 + α · Δw5(t−1)" in change
    assert "α = 0.9" in text
    assert shows(change, 0.9)
    assert shows(change, first["Δw5"])  # the previous step's Δw5 is carried over
    assert change.endswith(format_value(values["Δw5"]))
    update = line_starting(text, "w5+ =")
    assert "w5 + Δw5" in update
    assert update.endswith(format_value(values["w5+"]))


@pytest.mark.parametrize(("optimizer", "word"), [("adam", "Adam"), ("nesterov", "Nesterov")])
def test_other_optimisers_are_named(optimizer, word):
    stepper = lecture()
    stepper.set_config(replace(stepper.trainer.config, optimizer=optimizer, momentum=0.5))
    stepper.full_step()
    values = stepper.trace().named_values()
    text = text_of(stepper, "weight", "w5")
    assert word in text
    assert line_starting(text, "Δw5 =").endswith(format_value(values["Δw5"]))
    assert line_starting(text, "w5+ =").endswith(format_value(values["w5+"]))


def test_sequential_order_uses_the_updated_weights_above():
    stepper = lecture()
    stepper.set_config(replace(stepper.trainer.config, update_order="sequential"))
    stepper.full_step()
    values = stepper.trace().named_values()
    text = text_of(stepper, "weight", "w1")
    assert "Sequential order" in text
    assert shows(line_starting(text, "∂E_o1/∂out_h1 ="), values["w5+"])


# ------------------------------------------------------------ other networks
def _deep_stepper(batch: int = 1) -> Stepper:
    spec = NetworkSpec.build([2, 3, 3, 1], "tanh", loss="mse")
    rng = np.random.default_rng(5)
    values = {name: float(rng.uniform(-1, 1)) for name in spec.parameter_names}
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    t = np.array([[0.0], [1.0], [1.0], [0.0]])
    config = TrainConfig(batch_size=batch, shuffle=False)
    return Stepper(Trainer(Network.from_values(spec, values), x, t, config))


def test_deeper_network_lists_one_term_per_neuron_above():
    stepper = _deep_stepper()
    stepper.step_phase("forward")
    stepper.step_phase("backward")
    values = stepper.trace().named_values()
    text = text_of(stepper, "weight", "w1")  # i1 → h1.1, three neurons h2.1… above
    above = ("h2.1", "h2.2", "h2.3")
    total = line_starting(text, "∂E_total/∂out_h1.1 =")
    assert " + ".join(f"∂E_{k}/∂out_h1.1" for k in above) in total
    for k in above:
        term = line_starting(text, f"∂E_{k}/∂out_h1.1 =")
        assert f"∂E_total/∂net_{k} · ∂net_{k}/∂out_h1.1" in term
        assert term.endswith(format_value(values[f"dE_{k}/dout_h1.1"]))
        assert shows(term, values[f"dnet_{k}/dout_h1.1"])
    assert total.endswith(format_value(values["dE_total/dout_h1.1"]))
    assert len([line for line in text.splitlines() if "/∂out_h1.1 = ∂E_total/∂net_" in line]) == 3
    chain = line_starting(text, "∂E_total/∂w1 =")
    assert chain.endswith(format_value(values["dE_total/dw1"]))


def test_per_neuron_bias_and_mse():
    stepper = _deep_stepper()
    stepper.full_step()
    values = stepper.trace().named_values()
    text = text_of(stepper, "bias", "b_o1")
    assert line_starting(text, "∂E_total/∂b_o1 =").endswith(format_value(values["dE_total/db_o1"]))
    assert line_starting(text, "b_o1+ =").endswith(format_value(values["b_o1+"]))
    neuron = text_of(stepper, "neuron", "o1")
    assert "(target_o1 − out_o1)² / n_outputs" in neuron


def test_a_batch_says_gradients_are_means():
    stepper = _deep_stepper(batch=4)
    stepper.full_step()
    trace = stepper.trace()
    values = trace.named_values()
    text = text_of(stepper, "weight", "w16")
    assert "batch of 4 samples" in text and "first sample" in text
    assert "(sample 1)" in line_starting(text, "∂E_total/∂w16 (sample 1) =")
    mean = line_starting(text, "∂E_total/∂w16 = mean")
    assert mean.endswith(format_value(values["dE_total/dw16"]))
    neuron = text_of(stepper, "neuron", "o1")
    assert line_starting(neuron, "E_total =").endswith(format_value(trace.E_total))
    # the mean lists each sample's δ × out (w16: h2.3 → o1) and each sample's error
    ref = trace.spec.ref("w16")
    products = (
        trace.layers[ref.layer].delta[:, ref.col] * (trace.layers[ref.layer - 1].out[:, ref.row])
    )
    assert all(shows(mean, float(p)) for p in products)
    assert mean.endswith(format_value(float(np.mean(products))))
    total = line_starting(neuron, "E_total =")
    assert all(shows(total, float(e)) for e in trace.sample_errors)
    assert "(… + …" not in text_of(_deep_stepper(batch=4), "weight", "w16")


# ------------------------------------------------------------ API
def test_default_selection_and_errors():
    assert default_selection(get_preset("lecture").network.spec) == ("weight", "w5")
    assert default_selection(NetworkSpec.build([2, 1])) == ("weight", "w1")
    trace = lecture("forward").trace()
    with pytest.raises(ConfigError):
        derive(trace, "weight", "w99")
    with pytest.raises(ConfigError):
        derive(trace, "weight", "b1")
    with pytest.raises(ConfigError):
        derive(trace, "neuron", "h9")
    with pytest.raises(ConfigError):
        derive(trace, "layer", "h1")


def test_input_neuron():
    text = text_of(lecture("forward"), "neuron", "i2")
    assert line_starting(text, "i2 =").endswith(format_value(0.1))
    assert "w2, w4" in text


def test_rich_text_has_sub_and_superscripts_not_latex():
    derivation = derive(lecture("forward", "backward", "update").trace(), "weight", "w5")
    style = HtmlStyle("#000001", "#000002", "#000003", "#000004", "#000005", "#000006")
    page = derivation.to_html(style)
    assert "E<sub>total</sub>" in page and "w<sub>5</sub><sup>+</sup>" in page
    assert "\\frac" not in page and "E_total" not in page
    assert format_value(0.082167041) in page
    assert derivation.title.startswith("Weight w5")
    assert "w<sub>5</sub>" in derivation.header_html(style)
    # The colours are the caller's: text, numbers, the bold result, headings.
    for colour in ("#000001", "#000002", "#000003", "#000005"):
        assert colour in page


def test_symbols_as_rich_text():
    assert symbol_html("∂E_total/∂out_h1.2") == "∂E<sub>total</sub>/∂out<sub>h1.2</sub>"
    assert symbol_html("Δw12(t−1)") == "Δw<sub>12</sub>(t−1)"
    assert symbol_html("b_h1+ = b1") == "b<sub>h1</sub><sup>+</sup> = b<sub>1</sub>"
    assert symbol_html("1 / (1 + e^(−net))") == "1 / (1 + e<sup>−net</sup>)"
    assert symbol_html("e^(−net_o1)") == "exp(−net<sub>o1</sub>)"
    assert symbol_html("1 if net > 0") == "1 if net &gt; 0"
