"""The one reader of the lecture's symbol names: ``out_h1`` → out with subscript h1, ``w5+`` →
w, 5, +; it finds the names in a formula and writes a symbol back as plain text."""

from __future__ import annotations

import re

from bpdesk.core.teaching.equations.model import Sym

__all__ = ["parse_symbol", "split_symbols", "symbol_text"]

# base_sub (out_h1, E_total, b_h1.2) or a letter and digits (w5, i1, h2.1), each maybe with "+".
_SYMBOL = re.compile(
    r"(?P<base>[A-Za-zΔδΣ]+)_(?P<sub>[A-Za-z0-9]+(?:\.[0-9]+)*)(?P<p1>\+(?=$|[\s),]))?"
    r"|(?<![A-Za-z0-9_.])(?P<letter>[A-Za-z])(?P<digits>\d+(?:\.\d+)*)(?P<p2>\+(?=$|[\s),]))?"
)


def _symbol(match: re.Match[str]) -> Sym:
    if match.group("base"):
        return Sym(match.group("base"), match.group("sub"), "+" if match.group("p1") else "")
    return Sym(match.group("letter"), match.group("digits"), "+" if match.group("p2") else "")


def parse_symbol(name: str) -> Sym:
    """``"net_h1"`` → net with subscript h1; ``"w5+"`` → w, 5, +; ``"η"`` → η."""
    match = _SYMBOL.fullmatch(name)
    return _symbol(match) if match else Sym(name)


def split_symbols(text: str) -> list[str | Sym]:
    """``text`` as the words between its symbols and the symbols: ``"w1·i1 + b1"`` →
    [w1, "·", i1, " + ", b1] (empty words left out)."""
    out: list[str | Sym] = []
    pos = 0
    for match in _SYMBOL.finditer(text):
        if match.start() > pos:
            out.append(text[pos : match.start()])
        out.append(_symbol(match))
        pos = match.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def symbol_text(symbol: Sym) -> str:
    """A symbol as the lecture types it: ``w5``, ``net_h1``, ``w5+``."""
    joined = len(symbol.base) == 1 and symbol.sub[:1].isdigit()
    sub = "" if not symbol.sub else (symbol.sub if joined else f"_{symbol.sub}")
    return f"{symbol.base}{sub}{symbol.sup}"
