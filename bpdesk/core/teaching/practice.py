"""Practice: judge a student's answer for any quantity of the step, and reveal it term by term."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bpdesk.core.formatting import format_value, parse_value

__all__ = ["Judgement", "judge"]

_DECIMALS = re.compile(r"[.,](\d+)")


@dataclass(frozen=True)
class Judgement:
    """The verdict on one answer, in words for the student."""

    correct: bool
    decimals_matched: int  # how many decimals of the answer agree with the true value
    message: str


def _decimals_typed(text: str) -> int:
    if "e" in text.lower():
        return -1
    match = _DECIMALS.search(text)
    return len(match.group(1)) if match else 0


def judge(quantity: str, answer: str, true_value: float, decimals: int = 9) -> Judgement:
    """Is ``answer`` right to ``decimals`` decimals (the precision the app shows)?

    Fewer decimals typed are checked as far as they go and reported as such; the
    lecture's own rounding of intermediate values is allowed for in the last decimal.
    """
    if math.isnan(true_value):
        return Judgement(False, 0, f"{quantity} has not been computed yet in this step.")
    try:
        value = parse_value(answer)
    except ValueError:
        return Judgement(False, 0, f"“{answer.strip()}” is not a number: type e.g. 0.35891648.")
    if not math.isfinite(value):
        return Judgement(False, 0, "Type a finite number.")
    shown = format_value(true_value, decimals)
    matched = 0
    for d in range(decimals, -1, -1):
        if abs(value - true_value) <= 0.5 * 10.0**-d + 1e-15:
            matched = d
            break
    if matched < 2:
        return Judgement(
            False, matched, f"Not right: {quantity} is not {answer.strip()}. Try again."
        )
    typed = _decimals_typed(answer)
    if matched >= decimals - 1 or (typed == -1 and math.isclose(value, true_value, rel_tol=1e-8)):
        return Judgement(True, matched, f"Right: {quantity} = {shown}.")
    if typed != -1 and typed <= matched:
        return Judgement(
            True,
            matched,
            f"Right to the {typed} decimals you typed. The app shows {quantity} to {decimals} "
            "decimals: type more digits to check them all.",
        )
    return Judgement(
        False,
        matched,
        f"Close, but only the first {matched} decimals are right: check the rounding of your "
        "intermediate values.",
    )
