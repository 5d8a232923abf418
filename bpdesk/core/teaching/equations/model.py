"""The equation model: documents of headings, prose and equations made of typed terms.

A term is a symbol with sub- and superscript (``net_h1``, ``w5⁺``), a ∂-fraction, a number
(with the pass that computes it, and whether a student computes it), an operator, words, or
the logistic function of a symbol. An equation is its sides, ``sides[0] = sides[1] = …``.
The model says what is written, never how it looks: renderers turn it into plain text,
Markdown, LaTeX or HTML.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bpdesk.core.stepping.steps import PHASES

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
    "missing_phases",
]


@dataclass(frozen=True)
class Sym:
    """A symbol: base with an optional subscript and superscript (net_h1, w5, w5⁺, E_total)."""

    base: str
    sub: str = ""
    sup: str = ""


@dataclass(frozen=True)
class Frac:
    """A partial derivative ∂top/∂bottom."""

    top: Sym
    bottom: Sym


@dataclass(frozen=True)
class Logistic:
    """The logistic function of a symbol: 1 / (1 + e^(−net))."""

    arg: Sym


@dataclass(frozen=True)
class Num:
    """A number of the step.

    ``phase``: the pass that computes it (a NaN value is one not computed yet); ``answer``
    marks one a student computes (blanked in an exercise) and ``label`` says what it is, for
    the answer key. ``term``: written as a term after an operator (negative in parentheses);
    None lets the renderer decide from what precedes it.
    """

    value: float
    phase: str = ""
    answer: bool = False
    label: str = ""
    term: bool | None = None

    @property
    def missing(self) -> bool:
        return math.isnan(self.value)


@dataclass(frozen=True)
class Op:
    """An operator with its spacing, such as ``" × "`` or ``" · "``."""

    text: str


@dataclass(frozen=True)
class Text:
    """Words, or a formula written out (``out_h1 − target_h1``): names in it keep their
    subscripts when rendered as rich text."""

    text: str


Term = Sym | Frac | Logistic | Num | Op | Text
Terms = tuple[Term, ...]


def missing_phases(parts: tuple[Terms, ...]) -> list[str]:
    """The passes that compute the numbers of ``parts`` not computed yet, in order."""
    phases = {t.phase for part in parts for t in part if isinstance(t, Num) and t.missing}
    return [p for p in PHASES if p in phases]


@dataclass(frozen=True)
class Equation:
    """``sides[0] = sides[1] = …`` and an optional one-line meaning (``note``)."""

    sides: tuple[Terms, ...]
    note: Terms = ()

    @property
    def lhs(self) -> Terms:
        return self.sides[0]

    @property
    def rhs(self) -> tuple[Terms, ...]:
        return self.sides[1:]

    def missing_phases(self) -> list[str]:
        return missing_phases(self.sides)


@dataclass(frozen=True)
class Prose:
    """A note or paragraph."""

    terms: Terms

    def missing_phases(self) -> list[str]:
        return missing_phases((self.terms,))


@dataclass(frozen=True)
class Heading:
    """The title of the section that follows."""

    terms: Terms

    def missing_phases(self) -> list[str]:
        return missing_phases((self.terms,))


Line = Equation | Prose | Heading


@dataclass(frozen=True)
class Document:
    """A title, an introduction and lines (headings open sections)."""

    title: Terms
    lines: tuple[Line, ...]
    intro: str = ""

    def sections(self) -> list[tuple[Heading | None, list[Line]]]:
        """The lines grouped under their headings (lines before the first heading: None)."""
        groups: list[tuple[Heading | None, list[Line]]] = [(None, [])]
        for line in self.lines:
            if isinstance(line, Heading):
                groups.append((line, []))
            else:
                groups[-1][1].append(line)
        return [g for g in groups if g[0] is not None or g[1]]

    def missing_phases(self) -> list[str]:
        phases = {p for line in self.lines for p in line.missing_phases()}
        return [p for p in PHASES if p in phases]
