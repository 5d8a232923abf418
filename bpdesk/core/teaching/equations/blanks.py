"""Numbers in handouts: written out, or (in an exercise) numbered blanks with an answer key."""

from __future__ import annotations

from collections.abc import Callable

from bpdesk.core.formatting import format_term, format_value
from bpdesk.core.teaching.equations.model import Equation, Num, Term

__all__ = ["Blanks", "equation_line"]

OPERATORS = ("×", "+", "−", "·", "(", "-")  # a number after one of these is a term
TEX_OPERATORS = (r"\times", r"\cdot")  # the same, as LaTeX writes them
EQUALS = " = "


class Blanks:
    """Numbers the answers as they are met, and remembers them for the key."""

    def __init__(self, exercise: bool) -> None:
        self.exercise = exercise
        self.key: list[tuple[int, str, float]] = []
        self._numbers: dict[str, int] = {}
        self.previous = ""  # the term before the current one, as rendered

    def number(self, num: Num, render: Callable[[str], str], blank: Callable[[int], str]) -> str:
        """A number, a numbered blank (an answer, in an exercise), or a reference to a blank
        (a value computed earlier, which the exercise must not give away)."""
        if self.exercise and num.answer:
            self.key.append((len(self.key) + 1, num.label, num.value))
            self._numbers[num.label] = len(self.key)
            return blank(len(self.key))
        if self.exercise and num.label in self._numbers:
            return f"[{self._numbers[num.label]}]"
        term = num.term
        if term is None:
            before = self.previous.rstrip()
            term = before[-1:] in OPERATORS or before.endswith(TEX_OPERATORS)
        return render(format_term(num.value) if term else format_value(num.value))

    def track(self, rendered: str) -> str:
        self.previous = rendered
        return rendered


def equation_line(equation: Equation, term: Callable[[Term, Blanks], str], blanks: Blanks) -> str:
    """An equation on one line, its sides joined by " = ", each term rendered by ``term``."""
    blanks.previous = ""
    out: list[str] = []
    for k, side in enumerate(equation.sides):
        if k:
            out.append(blanks.track(EQUALS))
        out += [blanks.track(term(t, blanks)) for t in side]
    return "".join(out)
