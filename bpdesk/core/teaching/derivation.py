"""The chain rule for one neuron, weight or bias, written out with the step's own numbers.

``derive(trace, kind, name)`` gives a ``Derivation``: headings, equations and notes of the
equation model (``bpdesk.core.teaching.equations``) in the lecture's notation. It prints as
plain text (``∂E_total/∂w5 = …``) for exports and tests, and as rich text with stacked
fractions, sub- and superscripts in the colours the window passes. Every number is the
trace's own value printed with ``format_value``; a value not computed yet prints as ``…``
with the button that computes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.errors import ConfigError
from bpdesk.core.formatting import MISSING
from bpdesk.core.stepping.steps import PHASE_BUTTONS, PHASES
from bpdesk.core.stepping.trace import StepTrace
from bpdesk.core.teaching.derivation_neurons import neuron_lines
from bpdesk.core.teaching.derivation_params import bias_lines, weight_lines
from bpdesk.core.teaching.derivation_terms import Reader, note, words
from bpdesk.core.teaching.equations.html_render import (
    HtmlStyle,
    document_html,
    symbol_html,
    terms_html,
)
from bpdesk.core.teaching.equations.model import Document, Heading, Line, Terms
from bpdesk.core.teaching.equations.text_render import derivation_text, terms_text

__all__ = [
    "KINDS",
    "Derivation",
    "HtmlStyle",
    "default_selection",
    "derive",
    "symbol_html",
]

KINDS = ("neuron", "weight", "bias")


@dataclass(frozen=True)
class Derivation:
    """The derivation of one element: a header and its lines."""

    kind: str
    name: str
    header: Terms
    lines: tuple[Line, ...]
    diverged: bool = False

    @property
    def document(self) -> Document:
        return Document(self.header, self.lines)

    @property
    def title(self) -> str:
        return terms_text(self.header)

    def missing_phases(self) -> list[str]:
        return self.document.missing_phases()

    def sections(self) -> list[tuple[Heading | None, list[Line]]]:
        """The lines grouped under their headings (lines before the first heading: None)."""
        return self.document.sections()

    def hint(self, lines: Iterable[Line]) -> str:
        """Which buttons compute the numbers of ``lines`` still shown as …, or ""."""
        if self.diverged:
            return ""
        found = {p for line in lines for p in line.missing_phases()}
        buttons = [PHASE_BUTTONS[p] for p in PHASES if p in found]
        if not buttons:
            return ""
        press = buttons[0] if len(buttons) == 1 else ", then ".join(buttons) + ","
        return f"{MISSING} not computed yet: press {press} to compute this"

    def to_text(self) -> str:
        """Plain text with the same numbers as the screen, one equation per line."""
        return derivation_text(self.document, self.hint)

    def header_html(self, style: HtmlStyle) -> str:
        return terms_html(self.header, style)

    def to_html(
        self, style: HtmlStyle, *, include_header: bool = True, stacked: bool = True
    ) -> str:
        """Rich text (Qt's HTML subset): sections as tables whose ``=`` signs line up.

        ``stacked``: ∂-fractions in equations drawn as numerator over denominator (they
        then need room); otherwise written ∂a/∂b on one line."""
        return document_html(
            self.document, style, self.hint, include_header=include_header, stacked=stacked
        )


def default_selection(spec: NetworkSpec) -> tuple[str, str]:
    """What the panel shows when nothing is selected: w5 if it exists, else the first weight."""
    names = spec.parameter_names
    if "w5" in names:
        return ("weight", "w5")
    return ("weight", names[0])


def _neuron_position(spec: NetworkSpec, name: str) -> tuple[int, int]:
    for level in range(spec.n_layers + 1):
        names = spec.neuron_names(level)
        if name in names:
            return level, names.index(name)
    raise ConfigError(f"This network has no neuron called '{name}'.")


def derive(trace: StepTrace, kind: str, name: str) -> Derivation:
    """The derivation of the neuron, weight or bias called ``name`` in ``trace``."""
    reader = Reader(trace)
    if kind == "neuron":
        level, j = _neuron_position(trace.spec, name)
        header, lines = neuron_lines(reader, level, j)
    elif kind in ("weight", "bias"):
        ref = trace.spec.ref(name)
        if (ref.kind == "w") != (kind == "weight"):
            raise ConfigError(f"'{name}' is not a {kind}.")
        if kind == "weight":
            header, lines = weight_lines(reader, ref.layer, ref.row, ref.col)
        else:
            header, lines = bias_lines(reader, ref.layer, ref.col)
    else:
        raise ConfigError(f"Unknown kind of element '{kind}': choose neuron, weight or bias.")
    lines = _preamble(reader) + lines
    return Derivation(kind, name, header, tuple(lines), diverged=bool(trace.diverged))


def _preamble(r: Reader) -> list[Line]:
    lines: list[Line] = []
    if r.trace.diverged:
        lines.append(note(words(r.trace.diverged)))
    if r.batch > 1:
        number = int(r.trace.batch[r.sample]) + 1
        lines.append(
            note(
                words(
                    f"A batch of {r.batch} samples: forward values and factors are shown "
                    f"for its first sample (sample {number} of the training set); "
                    "gradients are means over the batch."
                )
            )
        )
    return lines
