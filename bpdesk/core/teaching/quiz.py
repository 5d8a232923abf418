"""Quiz mode for the derivation: the numbers the last press computed, written as "?"."""

from __future__ import annotations

from dataclasses import replace

from bpdesk.core.teaching.derivation import Derivation
from bpdesk.core.teaching.equations.model import Equation, Heading, Line, Num, Prose, Term, Text

__all__ = ["HIDDEN", "hide_phase"]

HIDDEN = "?"  # stands for a number the student is to work out


def _hidden_terms(terms: tuple[Term, ...], phase: str) -> tuple[Term, ...]:
    return tuple(Text(HIDDEN) if isinstance(t, Num) and t.phase == phase else t for t in terms)


def _hidden_line(line: Line, phase: str) -> Line:
    if isinstance(line, Equation):
        sides = tuple(_hidden_terms(side, phase) for side in line.sides)
        return Equation(sides, _hidden_terms(line.note, phase))
    if isinstance(line, Prose):
        return Prose(_hidden_terms(line.terms, phase))
    assert isinstance(line, Heading)
    return Heading(_hidden_terms(line.terms, phase))


def hide_phase(derivation: Derivation, phase: str) -> Derivation:
    """``derivation`` with every number that the pass ``phase`` computes written as "?"
    (the numbers it starts from stay, so the working can still be followed)."""
    lines = tuple(_hidden_line(line, phase) for line in derivation.lines)
    return replace(derivation, header=_hidden_terms(derivation.header, phase), lines=lines)
