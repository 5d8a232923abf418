"""Every ``a op b = c`` that bpdesk prints holds, to the printed digits.

The checker (``arithmetic_check``) recomputes each printed chain from its printed operands;
it is first shown to reject wrong lines, then run over the CLI trace (both update orders),
every handout format (with and without blanks), the derivation of every element (text and
the panel's rich text) after every press, and the Explain narration of every press and
sub-step, and the algorithm panel after every sub-step — for the lecture, XOR with batch
sizes 1, 2 and 4, and random small networks.
"""

from __future__ import annotations

import collections

import pytest

from bpdesk.cli import main
from bpdesk.core.formatting import format_term, format_value
from bpdesk.core.teaching.narration import narrate

from .arithmetic_check import (
    Interval,
    check_chains,
    check_text,
    evaluate,
    fill_blanks,
    html_chains,
    latex_chains,
    printed_number,
    prose_chains,
)
from .printed_sources import SCENARIOS, algorithm_documents, documents, kind_of, lecture, xor

SOURCES = (
    "narration", "narration of one sub-step", "derivation text", "derivation panel",
    "derivation panel, stacked", "algorithm panel",
    "handout text", "handout markdown", "handout latex", "handout html",
    "handout text exercise", "handout markdown exercise",
)  # fmt: skip


def problems(line: str) -> list[str]:
    return check_chains([line]).problems


# ------------------------------------------------------------ the checker itself
@pytest.mark.parametrize(
    "wrong",
    [
        "∂E_o1/∂out_h1 = 0.138498562 × 0.4 = 0.049709416",  # old weight shown, new one used
        "∂E_total/∂w3 = −0.022529129 × 0 = −0.001274671",  # one sample's factors, batch mean
        "E_total = 0.274811083 + 0.023560026 = 0.298371119",  # last digit off
        "w1+ = 0.15 − 0.5 × 0.000438568 = 0.149780718",  # two in the last digit
        "∂out_o1/∂net_o1 = 0.75136507 × (1 − 0.75136507) = 0.186815612",
        "E_o1 = ½ (0.01 − 0.75136507)² = 0.27481108",
        "∂E_total/∂out_o1 = −(0.01 − 0.75136507) = −0.74136507",  # sign lost
        "E_total = (0.1 + 0.2 + 0.4) / 3 = 0.3",  # a mean
        "out_h1 = 1 / (1 + e^(−0.3775)) = 0.59327",
    ],
)
def test_a_wrong_line_is_rejected(wrong):
    assert problems(wrong), wrong


@pytest.mark.parametrize(
    "right",
    [
        "∂E_o1/∂out_h1 = 0.138498562 × 0.35891648 = 0.049709416",
        "∂E_o1/∂out_h1 = 0.138498562 × 0.4 = 0.055399425",
        "w1+ = w1 − η · ∂E_total/∂w1 = 0.15 − 0.5 × 0.000438568 = 0.149780716",
        "E_total = E_o1 + E_o2 = 0.274811083 + 0.023560026 = 0.298371109",
        "∂E_total/∂out_h1 = 0.055399425 + (−0.019049118) = 0.036350306",
        "E_o1 = ½ (target_o1 − out_o1)² = ½ (0.01 − 0.75136507)² = 0.274811083",
        "out_h2 = 1 / (1 + e^(−net_h2)) = 1 / (1 + e^(−(−0.13374612))) = 0.466613224",
        "∂E_total/∂w3 = mean over the batch's 4 samples = (0 + 0 + 0.016692903 + "
        "(−0.021791586)) / 4 = −0.001274671",
        "out = tanh(0.5) = 0.462117157",
        "out = max(0, −0.25) = 0",
        "∂out/∂net = 1 if −0.3 > 0, else 0.01 = 0.01",
        "E = −[0 ln 0.25 + (1 − 0) ln(1 − 0.25)] = 0.287682072",
        "Δw5 = −0.5 × 0.082167041 + 0.9 × … = …",  # not computed yet: nothing to check
    ],
)
def test_a_right_line_passes(right):
    assert not problems(right), right


def test_rounding_of_the_printed_operands_is_allowed_and_no_more():
    # 0.5 × 0.000364723 = 0.0001823615: either last digit is a rounding of the truth
    assert not problems("x = 0.5 × 0.000364723 = 0.000182362")
    assert not problems("x = 0.5 × 0.000364723 = 0.000182361")
    assert problems("x = 0.5 × 0.000364723 = 0.000182363")
    half = printed_number("0.4")  # nine decimals printed, trailing zeros dropped
    assert half.lo == pytest.approx(0.4 - 5e-10) and half.hi == pytest.approx(0.4 + 5e-10)
    tiny = printed_number("1.234568e−10")  # scientific: the mantissa's digits count
    assert tiny.hi - tiny.lo == pytest.approx(1e-16)
    assert evaluate("w5·out_h1") is None and evaluate("mean over 4 samples") is None


def test_names_given_a_number_are_checked_where_they_are_used():
    lines = ["E_o1 = ½ (0.01 − 0.7)² = 0.23805", "E_total = E_o1 = 0.2"]
    assert check_chains(lines).problems
    assert not check_chains(["E_o1 = 0.2", "E_total = E_o1 = 0.2"]).problems
    assert check_chains(["a = 0.1", "b = 0.2", "c = a + b = 0.4"]).problems
    assert check_chains(["a = 0.1", "a = 0.3"]).problems  # one name, two numbers


def test_every_reader_finds_the_equations():
    assert latex_chains(
        r"\[ \frac{\partial E_{\mathrm{total}}}{\partial w_{\mathrm{5}}} = 0.4  \times  -0.5 "
        r"= -0.2 \]"
    ) == ["∂E_total/∂w_5 = 0.4 × −0.5 = −0.2"]
    html = "<p>= <span>0.4</span> ×&nbsp;<span>(−0.5)</span></p><p>= <b>−0.2</b></p>"
    assert html_chains("<p><i>x</i><sub>1</sub></p>" + html) == ["x_1 = 0.4 × (−0.5) = −0.2"]
    said = "The slope is ∂out/∂net = 0.25, so δ = 0.5 × 0.25 = 0.125. Then w+ = 1 − 2 = −1."
    assert prose_chains(said) == ["The slope is ∂out/∂net = 0.25", "so δ = 0.5 × 0.25 = 0.125",
                                  "Then w+ = 1 − 2 = −1"]  # fmt: skip
    exercise = "- x = 0.5 × 0.4 = [1]\n- y = [1] − 0.5 = [2]\n\n## Answers\n\n- [1] x = 0.2\n"
    exercise += "- [2] y = −0.3\n"
    assert fill_blanks(exercise).splitlines()[:2] == ["- x = 0.5 × 0.4 = 0.2",
                                                      "- y = 0.2 − 0.5 = −0.3"]  # fmt: skip
    assert not check_text(fill_blanks(exercise), "text").problems
    assert check_text("- x = 0.5 × 0.4 = 0.3", "text").problems
    assert Interval(0, 1).meets(Interval(1, 2)) and not Interval(0, 1).meets(Interval(1.1, 2))


# ------------------------------------------------------------ what bpdesk prints
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_printed_equation_holds(scenario):
    counts: collections.Counter[str] = collections.Counter()
    found: list[str] = []
    for text, kind, source in (*documents(scenario), *algorithm_documents(scenario)):
        report = check_text(text, kind, source)
        counts[kind_of(source)] += report.chains
        found += report.problems
    assert not found, "\n".join(found[:20])
    for source in SOURCES:  # each source really was read, not skipped
        assert counts[source] > 0, (source, counts)
    # the same worked example in every format: the readers see the same equations
    handouts = {counts[s] for s in SOURCES if s.startswith("handout")}
    assert len(handouts) == 1, counts
    panels = {counts[s] for s in SOURCES if s.startswith("derivation")}
    assert len(panels) == 1, counts


@pytest.mark.parametrize("order", ["simultaneous", "sequential"])
@pytest.mark.parametrize("preset", ["lecture", "xor"])
def test_the_cli_trace_and_every_export_hold(capsys, tmp_path, preset, order):
    assert main(["trace", "--preset", preset, "--update-order", order]) == 0
    trace = capsys.readouterr().out
    report = check_text(trace, "text", f"bpdesk-cli trace {preset} {order}")
    assert not report.problems, report.problems
    assert report.chains >= (35 if preset == "lecture" else 20)
    for fmt, kind in (("markdown", "text"), ("latex", "latex"), ("html", "html")):
        for extra in ([], ["--exercise"], ["--randomize", "7"]):
            out = tmp_path / f"handout.{fmt}"
            assert main(["export", "--preset", preset, "--format", fmt, "--output", str(out),
                         *extra]) == 0  # fmt: skip
            text = out.read_text(encoding="utf-8")
            assert r"\times -" not in text and r"\cdot -" not in text  # (−x) after an operator
            if "--exercise" in extra:
                if fmt != "markdown":
                    continue
                text = fill_blanks(text)
            checked = check_text(text, kind, f"bpdesk-cli export {preset} {fmt} {extra}")
            assert not checked.problems, checked.problems
            assert checked.chains >= 20


def test_the_sequential_trace_shows_the_weight_it_used(capsys):
    assert main(["trace", "--update-order", "sequential"]) == 0
    trace = capsys.readouterr().out
    v = lecture("sequential").full_step().named_values()
    delta, term = format_value(v["dE_total/dnet_o1"]), format_value(v["dE_o1/dout_h1"])
    assert f"{delta} × {format_value(v['w5+'])} = {term}" in trace  # the weight it used
    assert f"{delta} × {format_value(v['w5'])} = {term}" not in trace


def test_batch_narration_shows_the_mean_of_the_samples_products():
    stepper = xor(4)
    stepper.step_phase("forward")
    since = stepper.done
    trace = stepper.step_phase("backward")
    text = narrate(trace, since)
    hidden = trace.layers[0]  # w3: i1 → h2
    delta, mean = format_value(hidden.delta[0, 1]), format_value(hidden.grad_w[0, 1])
    products = hidden.delta[:, 1] * trace.inputs[:, 0]
    assert f"{delta} × 0 = {mean}" not in text  # sample 1's factors, the batch's mean
    assert f"∂E_total/∂w3 (sample 1) = δ_h2 × i1 = {delta} × 0 = 0" in text
    listed = " + ".join(format_term(p) if k else format_value(p) for k, p in enumerate(products))
    assert f"over the batch ∂E_total/∂w3 = ({listed}) / 4 = {mean}" in text
    blame = format_term(hidden.dE_dout[0, 1])
    assert f"= {blame} = " not in text  # no one-term sum
    assert "add up" not in text  # one output: nothing to add
    report = check_text(text, "prose")
    assert not report.problems and report.chains >= 10
