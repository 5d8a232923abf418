"""The one equation model: one symbol reader, and every renderer writing the same equation."""

from __future__ import annotations

import math

from bpdesk.core.teaching.equations import (
    Document,
    Equation,
    Frac,
    Heading,
    Num,
    Op,
    Prose,
    Sym,
    Text,
    parse_symbol,
    split_symbols,
)
from bpdesk.core.teaching.equations.blanks import Blanks
from bpdesk.core.teaching.equations.handout_html import handout_html
from bpdesk.core.teaching.equations.html_render import HtmlStyle, document_html
from bpdesk.core.teaching.equations.latex_render import handout_latex
from bpdesk.core.teaching.equations.symbols import symbol_text
from bpdesk.core.teaching.equations.text_render import derivation_text, handout_text, line_text

STYLE = HtmlStyle("#000001", "#000002", "#000003", "#000004", "#000005", "#000006")


def test_symbols_are_read_one_way():
    assert parse_symbol("net_h1") == Sym("net", "h1")
    assert parse_symbol("w5+") == Sym("w", "5", "+")
    assert parse_symbol("b_h1.2+") == Sym("b", "h1.2", "+")
    assert parse_symbol("E_total") == Sym("E", "total")
    assert parse_symbol("h2.1") == Sym("h", "2.1")
    assert parse_symbol("η") == Sym("η")
    for name in ("net_h1", "w5+", "b_h1.2+", "E_total", "i1", "w16", "out_h2.3", "η"):
        assert symbol_text(parse_symbol(name)) == name
    assert split_symbols("w1·i1 + b1·1") == [
        Sym("w", "1"),
        "·",
        Sym("i", "1"),
        " + ",
        Sym("b", "1"),
        "·1",
    ]
    assert split_symbols("1 if net > 0") == ["1 if net > 0"]


def _document() -> Document:
    dw = Frac(Sym("E", "total"), Sym("w", "5"))
    chain = Equation(
        ((dw,), (Num(0.25, "backward"), Op(" × "), Num(-0.5, "forward", term=True)),
         (Num(-0.125, "backward", answer=True, label="∂E_total/∂w5"),)),
        note=(Text("the chain rule"),),
    )  # fmt: skip
    missing = Equation(((Sym("w", "5", "+"),), (Num(math.nan, "update"),)))
    return Document(
        (Text("Weight "), Sym("w", "5")),
        (Heading((Text("Gradient"),)), chain, Prose((Text("w5 is a weight"),)), missing),
        "An example.",
    )


def test_plain_text_writes_each_equation_on_a_line():
    doc = _document()
    assert line_text(doc.lines[1]) == "∂E_total/∂w5 = 0.25 × (−0.5) = −0.125"
    text = derivation_text(doc, lambda lines: "")
    assert text.splitlines()[0] == "Weight w5"
    assert "      (the chain rule)" in text and "  w5+ = …" in text
    assert doc.missing_phases() == ["update"]


def test_handouts_blank_the_answers_in_every_format():
    doc = _document()
    blanks = Blanks(exercise=True)
    text = handout_text(doc, blanks, markdown=True)
    assert "- ∂E_total/∂w5 = 0.25 × (−0.5) = [1]" in text
    assert "- [1] ∂E_total/∂w5 = −0.125" in text
    latex = handout_latex(doc, Blanks(exercise=False))
    assert r"\frac{\partial E_{\mathrm{total}}}{\partial w_{\mathrm{5}}}" in latex
    assert "0.25  \\times  (-0.5) = -0.125" in latex
    page = handout_html(doc, Blanks(exercise=False))
    assert "∂<i>E</i><sub>total</sub>/∂<i>w</i><sub>5</sub>" in page


def test_rich_text_takes_its_colours_from_the_caller():
    page = document_html(_document(), STYLE, lambda lines: "press Update")
    assert "E<sub>total</sub>" in page and "w<sub>5</sub><sup>+</sup>" in page
    for colour in ("#000001", "#000002", "#000003", "#000004", "#000005", "#000006"):
        assert colour in page
    flat = document_html(_document(), STYLE, lambda lines: "", stacked=False)
    assert "∂E<sub>total</sub>/\u2060∂w<sub>5</sub>" in flat
