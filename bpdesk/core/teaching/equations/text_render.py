"""Equations as plain text and Markdown: derivations for the screen's text view and exports,
worked-example handouts with their answer key."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from bpdesk.core.formatting import format_term, format_value
from bpdesk.core.teaching.equations.blanks import Blanks, equation_line
from bpdesk.core.teaching.equations.model import (
    Document,
    Equation,
    Frac,
    Line,
    Logistic,
    Num,
    Prose,
    Sym,
    Term,
)
from bpdesk.core.teaching.equations.symbols import symbol_text

__all__ = ["derivation_text", "handout_text", "line_text", "term_text", "terms_text"]


def term_text(term: Term) -> str:
    """One term as plain text (a number as a term when it says so)."""
    if isinstance(term, Sym):
        return symbol_text(term)
    if isinstance(term, Frac):
        return f"∂{symbol_text(term.top)}/∂{symbol_text(term.bottom)}"
    if isinstance(term, Logistic):
        return f"1 / (1 + e^(−{symbol_text(term.arg)}))"
    if isinstance(term, Num):
        return format_term(term.value) if term.term else format_value(term.value)
    return term.text.replace("\u00a0", " ")


def terms_text(terms: Iterable[Term]) -> str:
    return "".join(term_text(t) for t in terms)


def line_text(line: Line) -> str:
    """A heading or note as its words; an equation as ``lhs = rhs[0] = …``."""
    if isinstance(line, Equation):
        return " = ".join(terms_text(side) for side in line.sides)
    return terms_text(line.terms)


def derivation_text(document: Document, hint: Callable[[Sequence[Line]], str]) -> str:
    """Plain text with the same numbers as the screen, one equation per line; ``hint`` says
    which buttons compute a section's numbers not computed yet."""
    out = [terms_text(document.title)]
    for heading, lines in document.sections():
        if heading is not None:
            out += ["", line_text(heading)]
        message = hint(lines)
        if message:
            out.append(f"  ({message})")
        for line in lines:
            out.append("  " + line_text(line))
            if isinstance(line, Equation) and line.note:
                out.append("      (" + terms_text(line.note) + ")")
    return "\n".join(out)


def _handout_term(term: Term, blanks: Blanks) -> str:
    if isinstance(term, Num):
        return blanks.number(term, str, lambda k: f"[{k}]")
    return term_text(term)


def handout_text(document: Document, blanks: Blanks, *, markdown: bool) -> str:
    """A worked-example handout as plain text or Markdown (headings ``#``, bullets ``-``)."""
    bullet = "- " if markdown else "  "

    def heading(text: str, level: int) -> str:
        return "#" * level + " " + text if markdown else text

    out = [heading(terms_text(document.title), 1), "", document.intro, ""]
    for section, lines in document.sections():
        if section is not None:
            out += [heading(terms_text(section.terms), 2), ""]
        for line in lines:
            if isinstance(line, Equation):
                out.append(bullet + equation_line(line, _handout_term, blanks))
            elif isinstance(line, Prose):
                out += ["", terms_text(line.terms)]
        out.append("")
    if blanks.exercise:
        out += [heading("Answers", 2), ""]
        out += [f"{bullet}[{k}] {label} = {format_value(v)}" for k, label, v in blanks.key]
        out.append("")
    return "\n".join(out)
