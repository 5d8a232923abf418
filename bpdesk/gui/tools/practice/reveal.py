"""Revealing a derivation term by term: the order of the reveal and the part shown so far."""

from __future__ import annotations

from bpdesk.core.stepping.steps import PHASES
from bpdesk.core.teaching.derivation import Derivation
from bpdesk.core.teaching.equations import Equation, Heading, Line, Num, Prose, Text
from bpdesk.core.teaching.equations.model import Term, Terms
from bpdesk.core.teaching.equations.text_render import terms_text
from bpdesk.gui.tools.practice.quantities import Quantity

__all__ = ["NEXT_TERM", "line_phase", "partial", "reveal_steps"]

NEXT_TERM = "?"  # stands for the terms of an equation not revealed yet


def line_phase(line: Line) -> str:
    """The pass that computes the line's result (its latest number)."""
    parts = line.sides if isinstance(line, Equation) else (line.terms,)
    phases = {t.phase for part in parts for t in part if isinstance(t, Num)}
    known = [p for p in PHASES if p in phases]
    return known[-1] if known else "forward"


def _lines_for(lines: tuple[Line, ...], q: Quantity) -> list[int]:
    """The indices of the lines that lead to ``q``."""
    if q.kind == "neuron":
        matches = (
            i
            for i, ln in enumerate(lines)
            if isinstance(ln, Equation) and terms_text(ln.lhs) == q.symbol
        )
        target = next(matches, None)
        if target is None:
            return list(range(len(lines)))
        first = 0
        if q.phase != "forward":  # a δ needs only its own section
            first = max((i for i in range(target) if isinstance(lines[i], Heading)), default=0)
        notes = [i for i in range(first) if isinstance(lines[i], Prose)]
        return notes + list(range(first, target + 1))
    last = PHASES.index(q.phase)
    return [
        i
        for i, line in enumerate(lines)
        if not isinstance(line, Equation) or PHASES.index(line_phase(line)) <= last
    ]


def _units(side: Terms) -> int:
    """Presses a right-hand side takes: one per number in it (a product's factors one by
    one), one for a side with a single number or none."""
    return max(1, sum(isinstance(term, Num) for term in side))


def reveal_steps(derivation: Derivation, q: Quantity) -> list[tuple[int, int]]:
    """The reveal order: (line index, terms shown) after each press, for the lines that lead
    to ``q`` (headings come with the first line under them). A line's terms are its
    right-hand sides in order, a side of several numbers counting one term per number."""
    steps: list[tuple[int, int]] = []
    for i in _lines_for(derivation.lines, q):
        line = derivation.lines[i]
        if isinstance(line, Prose):
            steps.append((i, 0))
        elif isinstance(line, Equation):
            total = sum(_units(side) for side in line.rhs)
            steps += [(i, k) for k in range(1, max(total, 1) + 1)]
    return steps


def _revealed(line: Equation, shown: int) -> Equation:
    """``line`` with its first ``shown`` terms written out and "?" for the rest."""
    sides: list[Terms] = [line.lhs]
    left = shown
    for number, side in enumerate(line.rhs):
        units = _units(side)
        if left >= units:
            sides.append(side)
            left -= units
            continue
        if left > 0:  # a product or sum part-way: its first numbers, "?" for the others
            seen = 0
            cut: list[Term] = []
            for term in side:
                if isinstance(term, Num):
                    seen += 1
                    cut.append(term if seen <= left else Text(NEXT_TERM))
                else:
                    cut.append(term)
            sides.append(tuple(cut))
            if number + 1 < len(line.rhs):
                sides.append((Text(NEXT_TERM),))
        else:
            sides.append((Text(NEXT_TERM),))
        break
    return Equation(tuple(sides))


def partial(derivation: Derivation, steps: list[tuple[int, int]]) -> Derivation:
    """The derivation cut down to what ``steps`` reveal."""
    shown: dict[int, int] = {}
    for i, k in steps:
        shown[i] = max(shown.get(i, 0), k)
    lines: list[Line] = []
    pending_heading: Line | None = None
    for i, line in enumerate(derivation.lines):
        if isinstance(line, Heading):
            pending_heading = line
            continue
        if i not in shown:
            continue
        if pending_heading is not None:
            lines.append(pending_heading)
            pending_heading = None
        if isinstance(line, Equation) and shown[i] < sum(_units(side) for side in line.rhs):
            # "?": there is more to work out (and the note waits for the whole equation)
            line = _revealed(line, shown[i])
        lines.append(line)
    return Derivation(
        derivation.kind, derivation.name, derivation.header, tuple(lines), derivation.diverged
    )
