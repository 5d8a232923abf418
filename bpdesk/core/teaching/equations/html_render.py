"""Equations as rich text (Qt's HTML subset) for the window: sub- and superscripts, stacked
∂-fractions, sections as tables whose ``=`` signs line up.

Colours are not chosen here: the caller passes an ``HtmlStyle`` (the window's light or
dark one).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bpdesk.core.formatting import MISSING, format_term, format_value
from bpdesk.core.teaching.equations.model import (
    Document,
    Equation,
    Frac,
    Line,
    Num,
    Op,
    Prose,
    Sym,
    Term,
    Terms,
    Text,
)
from bpdesk.core.teaching.equations.symbols import split_symbols
from bpdesk.core.teaching.equations.text_render import term_text, terms_text

__all__ = ["HtmlStyle", "document_html", "sym_html", "symbol_html", "terms_html"]

SHORT_EXPONENT = 6  # longer exponents print as exp(…) on screen
COMPACT_LENGTH = 30  # right-hand sides this short (in characters, together) share one row


@dataclass(frozen=True)
class HtmlStyle:
    """The colours of the rich text, given by the window (CSS colour values)."""

    text: str
    number: str
    result: str
    missing: str
    heading: str
    note: str


def sym_html(symbol: Sym, *, italic: bool = False) -> str:
    """``w5+`` → w<sub>5</sub><sup>+</sup> (the base in italics when ``italic``)."""
    base = html.escape(symbol.base)
    out = f"<i>{base}</i>" if italic else base
    if symbol.sub:
        out += f"<sub>{html.escape(symbol.sub)}</sub>"
    if symbol.sup:
        out += f"<sup>{html.escape(symbol.sup)}</sup>"
    return out


def symbol_html(text: str) -> str:
    """Symbols in a formula as rich text: ``out_o1`` → out<sub>o1</sub>, ``w5+`` →
    w<sub>5</sub><sup>+</sup>, ``e^(−net)`` → e<sup>−net</sup>, ``e^(−net_o1)`` →
    exp(−net<sub>o1</sub>)."""
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("^(", pos)
        if start < 0:
            out.append(_subscripts(text[pos:]))
            return "".join(out)
        depth, end = 0, len(text)
        for k in range(start + 1, len(text)):
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            if depth == 0:
                end = k
                break
        head, exponent = text[pos:start], text[start + 2 : end]
        if len(exponent) <= SHORT_EXPONENT and "_" not in exponent:
            out += [_subscripts(head), f"<sup>{symbol_html(exponent)}</sup>"]
        else:  # a subscript or a long number in a superscript is too small to read
            head = head[:-1] + "exp" if head.endswith("e") else head
            out += [_subscripts(head), symbol_html(f"({exponent})")]
        pos = end + 1


def _subscripts(text: str) -> str:
    text = text.replace("−(", "−\u2060(")  # keep a sign with its bracket on line breaks
    return "".join(
        sym_html(piece) if isinstance(piece, Sym) else html.escape(piece, quote=False)
        for piece in split_symbols(text)
    )


def _num_html(num: Num, style: HtmlStyle, result: bool) -> str:
    if num.missing:
        return f"<span style='color:{style.missing}; font-weight:600'>{MISSING}</span>"
    text = format_term(num.value) if num.term else format_value(num.value)
    colour = style.result if result else style.number
    weight = "; font-weight:600" if result else ""
    return f"<span style='color:{colour}{weight}'>{html.escape(text)}</span>"


def term_html(term: Term, style: HtmlStyle, *, result: bool = False) -> str:
    """One term inline (a ∂-fraction as ∂a/∂b on one line)."""
    if isinstance(term, Num):
        return _num_html(term, style, result)
    if isinstance(term, Frac):  # a word joiner keeps ∂a/∂b on one line
        return f"∂{sym_html(term.top)}/\u2060∂{sym_html(term.bottom)}"
    if isinstance(term, Sym):
        return sym_html(term)
    if isinstance(term, Op):
        text = html.escape(term.text, quote=False)
        # An operator keeps to what follows it, so a long product breaks before a "×".
        return text[:-1] + "&nbsp;" if text.endswith(" ") else text
    if isinstance(term, Text):
        return symbol_html(term.text)
    return symbol_html(term_text(term))


def terms_html(terms: Iterable[Term], style: HtmlStyle) -> str:
    return "".join(term_html(t, style) for t in terms)


def _fraction_html(frac: Frac, style: HtmlStyle) -> str:
    return (
        "<table cellspacing='0' cellpadding='0'>"
        f"<tr><td align='center' style='border-bottom:1.5px solid {style.text}; "
        f"padding:0px 3px 1px 3px'>∂{sym_html(frac.top)}</td></tr>"
        f"<tr><td align='center' style='padding:1px 3px 0px 3px'>∂{sym_html(frac.bottom)}"
        "</td></tr></table>"
    )


def _side_html(side: Terms, style: HtmlStyle, *, result: bool, stacked: bool) -> str:
    """One side of an equation; with ∂-fractions, a row of cells with the fractions stacked."""
    if not stacked or not any(isinstance(t, Frac) for t in side):
        return "".join(term_html(t, style, result=result) for t in side)
    cells: list[str] = []
    run: list[str] = []
    for term in side:
        if isinstance(term, Frac):
            if run:
                cells.append("".join(run))
                run = []
            cells.append(_fraction_html(term, style))
        else:
            run.append(term_html(term, style, result=result).replace(" ", "&nbsp;"))
    if run:
        cells.append("".join(run))
    tds = "".join(f"<td valign='middle'>{cell}</td>" for cell in cells)
    return f"<table cellspacing='0' cellpadding='0'><tr>{tds}</tr></table>"


def _rhs_cells(equation: Equation, style: HtmlStyle, stacked: bool) -> list[str]:
    sides = equation.rhs or ((),)
    last = len(sides) - 1
    return [
        _side_html(side, style, result=k == last and k > 0, stacked=stacked)
        for k, side in enumerate(sides)
    ]


def _equation_rows(equation: Equation, style: HtmlStyle) -> list[str]:
    """Table rows: ``lhs = rhs[0]``, then ``= rhs[k]`` below it, the last one (the result) bold;
    short right-hand sides without fractions go on one row."""
    sides = equation.rhs or ((),)
    cells = _rhs_cells(equation, style, True)
    compact = not any(isinstance(t, Frac) for side in sides for t in side) and (
        sum(len(terms_text(side)) for side in sides) <= COMPACT_LENGTH
    )
    if compact:
        cells = [" = ".join(cells)]
    rows = []
    for k, cell in enumerate(cells):
        lhs = _side_html(equation.lhs, style, result=False, stacked=True) if k == 0 else ""
        top = "10px" if k == 0 else "3px"
        equals = "=" if equation.rhs else ""
        rows.append(
            f"<tr><td align='right' valign='middle' style='padding:{top} 4px 3px 0px'>{lhs}</td>"
            f"<td valign='middle' style='padding:{top} 6px 3px 6px'>{equals}</td>"
            f"<td valign='middle' style='padding:{top} 0px 3px 0px'>{cell}</td></tr>"
        )
    return rows


def _note_row(body: str, style: HtmlStyle, *, top: int) -> str:
    return (
        f"<tr><td></td><td></td><td style='padding:{top}px 0px 2px 0px; color:{style.note}; "
        f"font-size:88%; font-style:italic'>{body}</td></tr>"
    )


def _section_table(lines: Sequence[Line], style: HtmlStyle) -> str:
    """A section's equations as one table, so their ``=`` signs line up."""
    rows: list[str] = []
    for line in lines:
        if isinstance(line, Prose):
            rows.append(_note_row(terms_html(line.terms, style), style, top=6))
        elif isinstance(line, Equation):
            rows += _equation_rows(line, style)
            if line.note:
                rows.append(_note_row(terms_html(line.note, style), style, top=1))
    if not rows:
        return ""
    table = "<table cellspacing='0' cellpadding='0' style='margin-left:6px'>"
    return table + "".join(rows) + "</table>"


def _equation_paragraphs(line: Line, style: HtmlStyle) -> str:
    """An equation as paragraphs that wrap freely (for a narrow panel): ``lhs = rhs[0]``,
    then ``= rhs[k]`` indented below."""
    note = f"<p style='margin:1px 0px 0px 40px; color:{style.note}; font-style:italic'>"
    if not isinstance(line, Equation):
        return note.replace("40px", "12px") + terms_html(line.terms, style) + "</p>"
    sides = _rhs_cells(line, style, False) if line.rhs else []
    lhs = _side_html(line.lhs, style, result=False, stacked=False)
    out = ["<p style='margin:10px 0px 0px 12px'>" + " = ".join([lhs, *sides[:1]]) + "</p>"]
    out += [f"<p style='margin:2px 0px 0px 32px'>= {side}</p>" for side in sides[1:]]
    if line.note:
        out.append(note + terms_html(line.note, style) + "</p>")
    return "".join(out)


def document_html(
    document: Document,
    style: HtmlStyle,
    hint: Callable[[Sequence[Line]], str],
    *,
    include_header: bool = True,
    stacked: bool = True,
) -> str:
    """The document as rich text; ``hint`` says which buttons compute a section's missing
    numbers. ``stacked``: ∂-fractions drawn as numerator over denominator (they then need
    room); otherwise written ∂a/∂b on one line."""
    parts = [f"<div style='color:{style.text}'>"]
    if include_header:
        title = terms_html(document.title, style)
        parts.append(f"<p style='font-size:125%; font-weight:600'>{title}</p>")
    for heading, lines in document.sections():
        if heading is not None:
            parts.append(
                "<p style='margin-top:16px; margin-bottom:2px; font-weight:600; "
                f"color:{style.heading}'>{terms_html(heading.terms, style)}</p>"
            )
        message = hint(lines)
        if message:
            parts.append(
                f"<p style='margin-top:2px; margin-bottom:0px; margin-left:6px; font-size:92%; "
                f"color:{style.missing}; font-weight:600'>{html.escape(message)}</p>"
            )
        if stacked:
            parts.append(_section_table(lines, style))
        else:
            parts += [_equation_paragraphs(line, style) for line in lines]
    parts.append("</div>")
    return "".join(parts)
