"""Practice: judge a student's answer for any quantity of the step, and reveal it term by term."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bpdesk.core.formatting import format_value, parse_value

__all__ = ["MIN_SIGNIFICANT", "Judgement", "judge"]

MIN_SIGNIFICANT = 4  # an answer is judged only when it has at least this many digits


@dataclass(frozen=True)
class Judgement:
    """The verdict on one answer, in words for the student."""

    correct: bool
    decimals_matched: int  # how many decimals of the answer agree with the true value
    message: str


def _typed_precision(text: str) -> tuple[int, int]:
    """(significant digits, power of ten of the last digit) of the number as typed:
    "0.5614" → (4, −4), "1.2e-3" → (2, −4), "120" → (3, 0)."""
    cleaned = text.strip().replace("−", "-").replace("\u2009", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return 0, 0
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    significant = len("".join(map(str, digits)).lstrip("0"))
    return significant, exponent


def _matched_decimals(value: float, true_value: float, decimals: int) -> int:
    """How many decimals of ``value`` agree with ``true_value`` (rounded)."""
    for d in range(decimals, -1, -1):
        if abs(value - true_value) <= 0.5 * 10.0**-d + 1e-15:
            return d
    return 0


def judge(quantity: str, answer: str, true_value: float, decimals: int = 9) -> Judgement:
    """Is ``answer`` right to the precision it was typed with (the app shows ``decimals``)?

    An answer is judged to its last typed digit, rounded, and needs at least
    :data:`MIN_SIGNIFICANT` significant digits unless it is the exact value; at the app's
    full precision the lecture's rounding of intermediate values is allowed for in the
    last decimal.
    """
    if math.isnan(true_value):
        return Judgement(False, 0, f"{quantity} has not been computed yet in this step.")
    try:
        value = parse_value(answer)
    except ValueError:
        return Judgement(False, 0, f"“{answer.strip()}” is not a number: type e.g. 0.35891648.")
    if not math.isfinite(value):
        return Judgement(False, 0, "Type a finite number.")
    typed = answer.strip()
    shown = format_value(true_value, decimals)
    matched = _matched_decimals(value, true_value, decimals)
    significant, last = _typed_precision(typed)
    full = last <= -decimals  # typed to the app's precision (or beyond)
    unit = 10.0 ** max(last, -decimals)
    slack = unit if full else 0.5 * unit  # a full answer may be one off in its last decimal
    tolerance = slack + 1e-12 * max(1.0, abs(true_value))
    if abs(value - true_value) > tolerance:
        if matched >= 2 or (significant >= 2 and abs(value - true_value) <= 10 * unit):
            cut_off = math.isclose(value, math.trunc(true_value / unit) * unit, abs_tol=unit / 100)
            hint = (
                "round the last digit rather than cut the rest off"
                if cut_off
                else "check the rounding of your intermediate values"
            )
            return Judgement(
                False, matched, f"Close, but not right to the digits you typed ({typed}): {hint}."
            )
        return Judgement(False, matched, f"Not right: {quantity} is not {typed}. Try again.")
    exact = parse_value(shown) == value
    if full or exact:
        return Judgement(True, matched, f"Right: {quantity} = {shown}.")
    if significant < MIN_SIGNIFICANT:
        return Judgement(
            False,
            matched,
            f"Right as far as it goes, but {typed} is too rough to tell: give {quantity} to at "
            f"least {MIN_SIGNIFICANT} significant digits.",
        )
    return Judgement(
        True,
        matched,
        f"Right to the {significant} significant digits you typed. The app shows {quantity} "
        f"to {decimals} decimals: type more digits to check them all.",
    )
