"""Handouts and tables to save: the worked example as plain text, Markdown, LaTeX or HTML.

With ``exercise=True`` every number a student computes becomes a numbered blank,
and the answers follow as a key.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.errors import ConfigError
from bpdesk.core.stepping.trace import StepTrace
from bpdesk.core.teaching.equations.blanks import Blanks
from bpdesk.core.teaching.equations.handout_html import handout_html
from bpdesk.core.teaching.equations.latex_render import handout_latex
from bpdesk.core.teaching.equations.model import Document
from bpdesk.core.teaching.equations.text_render import handout_text

__all__ = ["FORMATS", "history_csv", "render", "trace_csv"]

FORMATS = ("text", "markdown", "latex", "html")


def render(document: Document, fmt: str, *, exercise: bool = False) -> str:
    """``document`` as ``text``, ``markdown``, ``latex`` or ``html``."""
    blanks = Blanks(exercise)
    if fmt in ("text", "markdown"):
        return handout_text(document, blanks, markdown=fmt == "markdown")
    if fmt == "latex":
        return handout_latex(document, blanks)
    if fmt == "html":
        return handout_html(document, blanks)
    raise ConfigError(f"Unknown export format '{fmt}'. Choose one of: {', '.join(FORMATS)}.")


def trace_csv(trace: StepTrace, sample: int = 0) -> str:
    """Every number of the step by the lecture's names, one per row: ``quantity,value``."""
    rows = ["quantity,value"]
    for name, value in trace.named_values(sample).items():
        rows.append(f"{_csv_field(name)},{'' if math.isnan(value) else repr(value)}")
    return "\n".join(rows) + "\n"


def history_csv(iteration_errors: NDArray[np.float64], epoch_errors: NDArray[np.float64]) -> str:
    """The error history: ``iteration,error`` rows, then ``epoch,error`` rows."""
    rows = ["iteration,error"]
    rows += [f"{k + 1},{v!r}" for k, v in enumerate(iteration_errors.tolist())]
    rows += ["", "epoch,error"]
    rows += [f"{k + 1},{v!r}" for k, v in enumerate(epoch_errors.tolist())]
    return "\n".join(rows) + "\n"


def _csv_field(text: str) -> str:
    if any(ch in text for ch in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
