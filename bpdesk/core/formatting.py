"""Numbers as the lecture prints them: nine decimals, trailing zeros dropped."""

from __future__ import annotations

import math

__all__ = ["MISSING", "format_term", "format_value", "parse_value"]

MISSING = "…"  # shown for a value not computed yet


def format_value(value: float, decimals: int = 9) -> str:
    """``0.593269992``, ``0.4``, ``-0.019049119``; scientific notation for very small or large
    magnitudes; ``…`` for NaN (not computed yet) and ``inf``/``-inf`` as such."""
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    magnitude = abs(value)
    if value == 0:
        return "0"
    if magnitude < 10.0 ** -(decimals - 2) or magnitude >= 1e7:
        return f"{value:.{max(decimals - 3, 2)}e}".replace("-", "−")
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    if text in ("-0", "0", ""):
        return "0"
    return text.replace("-", "−")


def parse_value(text: str) -> float:
    """The number a person typed or a label shows (accepts − as well as -, and , as decimal
    point when it is the only separator); ValueError if it is not a number."""
    cleaned = text.strip().replace("−", "-").replace("\u2009", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    return float(cleaned)


def format_term(value: float, decimals: int = 9) -> str:
    """A number that follows an operator: negative values in parentheses, ``+ (−0.019)``."""
    text = format_value(value, decimals)
    return f"({text})" if text.startswith("−") else text
