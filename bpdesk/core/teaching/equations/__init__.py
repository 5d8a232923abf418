"""The one equation model of the teaching texts, its symbol parser and its renderers."""

from __future__ import annotations

from bpdesk.core.teaching.equations.model import (
    Document,
    Equation,
    Frac,
    Heading,
    Line,
    Logistic,
    Num,
    Op,
    Prose,
    Sym,
    Term,
    Terms,
    Text,
)
from bpdesk.core.teaching.equations.symbols import parse_symbol, split_symbols

__all__ = [
    "Document",
    "Equation",
    "Frac",
    "Heading",
    "Line",
    "Logistic",
    "Num",
    "Op",
    "Prose",
    "Sym",
    "Term",
    "Terms",
    "Text",
    "parse_symbol",
    "split_symbols",
]
