"""The worked example rendered for people: plain text, Markdown, LaTeX and HTML handouts.

With ``exercise=True`` every number a student computes becomes a numbered blank,
and the answers follow as a key.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.errors import ConfigError
from bpdesk.core.formatting import format_term, format_value
from bpdesk.core.stepping.trace import StepTrace
from bpdesk.core.teaching.worked_example import Deriv, Document, Logistic, Num, Segment, Sym

__all__ = ["FORMATS", "history_csv", "render", "trace_csv"]

FORMATS = ("text", "markdown", "latex", "html")


class _Blanks:
    """Numbers the answers as they are met, and remembers them for the key."""

    def __init__(self, exercise: bool) -> None:
        self.exercise = exercise
        self.key: list[tuple[int, str, float]] = []
        self._numbers: dict[str, int] = {}
        self.previous = ""  # the segment before the current one, as rendered

    def number(self, num: Num, render: Callable[[str], str], blank: Callable[[int], str]) -> str:
        """A number, a numbered blank (an answer, in an exercise), or a reference to a blank
        (a value computed earlier, which the exercise must not give away)."""
        if self.exercise and num.answer:
            self.key.append((len(self.key) + 1, num.label, num.value))
            self._numbers[num.label] = len(self.key)
            return blank(len(self.key))
        if self.exercise and num.label in self._numbers:
            return f"[{self._numbers[num.label]}]"
        after_operator = self.previous.rstrip()[-1:] in ("×", "+", "−", "·", "(", "-")
        return render(format_term(num.value) if after_operator else format_value(num.value))

    def track(self, rendered: str) -> str:
        self.previous = rendered
        return rendered


def _line(
    line: tuple[Segment, ...], segment: Callable[[Segment, _Blanks], str], blanks: _Blanks
) -> str:
    blanks.previous = ""
    return "".join(blanks.track(segment(s, blanks)) for s in line)


# ------------------------------------------------------------------ text
def _text_sym(s: Sym) -> str:
    joined = len(s.base) == 1 and s.sub[:1].isdigit()
    sub = "" if not s.sub else (s.sub if joined else f"_{s.sub}")
    return f"{s.base}{sub}{s.sup}"


def _text_segment(segment: Segment, blanks: _Blanks) -> str:
    if isinstance(segment, str):
        return segment
    if isinstance(segment, Sym):
        return _text_sym(segment)
    if isinstance(segment, Deriv):
        return f"∂{_text_sym(segment.top)}/∂{_text_sym(segment.bottom)}"
    if isinstance(segment, Logistic):
        return f"1 / (1 + e^(−{_text_sym(segment.arg)}))"
    return blanks.number(segment, str, lambda k: f"[{k}]")


def _text(doc: Document, blanks: _Blanks, bullet: str, heading: Callable[[str, int], str]) -> str:
    out = [heading(doc.title, 1), "", doc.intro, ""]
    for section in doc.sections:
        out += [heading(section.title, 2), ""]
        out += [bullet + _line(line, _text_segment, blanks) for line in section.lines]
        if section.note:
            out += ["", section.note]
        out.append("")
    if blanks.exercise:
        out += [heading("Answers", 2), ""]
        out += [f"{bullet}[{k}] {label} = {format_value(v)}" for k, label, v in blanks.key]
        out.append("")
    return "\n".join(out)


# ----------------------------------------------------------------- LaTeX
_GREEK = {"δ": r"\delta", "Δ": r"\Delta", "η": r"\eta", "α": r"\alpha"}
_TEX_TEXT = {
    "·": r" \cdot ", "×": r" \times ", "−": "-", "½": r"\tfrac{1}{2}", "²": "^{2}",
    "η": r"\eta ", "α": r"\alpha ", "Δ": r"\Delta ", "δ": r"\delta ", "_": r"\_",
}  # fmt: skip


def _tex_name(text: str) -> str:
    if text in _GREEK:
        return _GREEK[text]
    return rf"\mathrm{{{text}}}" if len(text) > 1 else text


def _tex_sym(s: Sym) -> str:
    out = _tex_name(s.base)
    if s.sub:
        out += rf"_{{\mathrm{{{s.sub}}}}}"
    if s.sup:
        out += f"^{{{s.sup}}}"
    return out


def _tex_text(text: str) -> str:
    words = []
    for word in text.split(" "):
        if word.isalpha() and len(word) > 1 and word not in _GREEK:
            words.append(rf"\text{{{word}}}")
        else:
            words.append("".join(_TEX_TEXT.get(ch, ch) for ch in word))
    return (
        r"\ ".join(words)
        if len(words) > 1 and any(w.startswith(r"\text") for w in words)
        else " ".join(words)
    )


def _tex_segment(segment: Segment, blanks: _Blanks) -> str:
    if isinstance(segment, str):
        return _tex_text(segment)
    if isinstance(segment, Sym):
        return _tex_sym(segment)
    if isinstance(segment, Deriv):
        return rf"\frac{{\partial {_tex_sym(segment.top)}}}{{\partial {_tex_sym(segment.bottom)}}}"
    if isinstance(segment, Logistic):
        return rf"\frac{{1}}{{1 + e^{{-{_tex_sym(segment.arg)}}}}}"
    return blanks.number(
        segment,
        lambda t: t.replace("−", "-"),
        lambda k: rf"\underline{{\hspace{{1.6cm}}}}_{{({k})}}",
    )


def _tex_escape(text: str) -> str:
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("_", r"\_"),
                 ("#", r"\#"), ("$", r"\$"), ("{", r"\{"), ("}", r"\}"), ("^", r"\^{}"),
                 ("~", r"\~{}")):  # fmt: skip
        text = text.replace(a, b)
    for ch, tex in (("Σ", r"$\Sigma$"), ("½", r"$\tfrac12$"), ("²", r"$^2$"), ("−", "$-$"),
                    ("η", r"$\eta$"), ("α", r"$\alpha$"), ("δ", r"$\delta$"), ("∂", r"$\partial$"),
                    ("⌈", r"$\lceil$"), ("⌉", r"$\rceil$"), ("…", r"\dots{}"), ("—", "---"),
                    ("·", r"$\cdot$"), ("×", r"$\times$"), ("→", r"$\to$")):  # fmt: skip
        text = text.replace(ch, tex)
    return text


def _latex(doc: Document, blanks: _Blanks) -> str:
    out = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[utf8]{inputenc}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage[a4paper,margin=2cm]{geometry}",
        r"\usepackage{amsmath}",
        r"\allowdisplaybreaks",
        rf"\title{{{_tex_escape(doc.title)}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        _tex_escape(doc.intro),
    ]
    for section in doc.sections:
        out.append(rf"\section*{{{_tex_escape(section.title)}}}")
        out.append(r"{\small")
        for line in section.lines:
            body = _line(line, _tex_segment, blanks)
            out.append(rf"\[ {body} \]")
        out.append("}")
        if section.note:
            out.append(_tex_escape(section.note))
    if blanks.exercise:
        out.append(r"\section*{Answers}")
        out.append(r"\begin{enumerate}")
        for _, label, value in blanks.key:
            out.append(rf"\item ${_tex_label(label)} = {format_value(value).replace('−', '-')}$")
        out.append(r"\end{enumerate}")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def _tex_label(label: str) -> str:
    if label.startswith("∂"):
        top, _, bottom = label[1:].partition("/∂")
        return rf"\partial {_tex_text(top)} / \partial {_tex_text(bottom)}"
    return _tex_text(label)


# ------------------------------------------------------------------ HTML
def _html_sym(s: Sym) -> str:
    out = f"<i>{html.escape(s.base)}</i>"
    if s.sub:
        out += f"<sub>{html.escape(s.sub)}</sub>"
    if s.sup:
        out += f"<sup>{html.escape(s.sup)}</sup>"
    return out


def _html_segment(segment: Segment, blanks: _Blanks) -> str:
    if isinstance(segment, str):
        return html.escape(segment)
    if isinstance(segment, Sym):
        return _html_sym(segment)
    if isinstance(segment, Deriv):
        return f"∂{_html_sym(segment.top)}/∂{_html_sym(segment.bottom)}"
    if isinstance(segment, Logistic):
        return f"1 / (1 + <i>e</i><sup>−{_html_sym(segment.arg)}</sup>)"
    return blanks.number(
        segment,
        lambda t: f'<span class="num">{html.escape(t)}</span>',
        lambda k: f'<span class="blank">({k})</span>',
    )


_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", sans-serif; max-width: 62em; margin: 2em auto;
       padding: 0 1em; color: #111; line-height: 1.5; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
p.eq { font-family: "DejaVu Serif", Georgia, serif; font-size: 1.05em; margin: .35em 0 .35em 1em; }
.num { font-variant-numeric: tabular-nums; }
.blank { display: inline-block; min-width: 6em; border-bottom: 1px solid #333; color: #555;
         text-align: right; font-size: .8em; }
p.note { color: #333; font-style: italic; }
"""


def _html(doc: Document, blanks: _Blanks) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(doc.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(doc.title)}</h1>",
        f"<p>{html.escape(doc.intro)}</p>",
    ]
    for section in doc.sections:
        out.append(f"<h2>{html.escape(section.title)}</h2>")
        for line in section.lines:
            out.append('<p class="eq">' + _line(line, _html_segment, blanks) + "</p>")
        if section.note:
            out.append(f'<p class="note">{html.escape(section.note)}</p>')
    if blanks.exercise:
        out.append("<h2>Answers</h2><ol>")
        out += [
            f"<li>{html.escape(label)} = {html.escape(format_value(value))}</li>"
            for _, label, value in blanks.key
        ]
        out.append("</ol>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render(document: Document, fmt: str, *, exercise: bool = False) -> str:
    """``document`` as ``text``, ``markdown``, ``latex`` or ``html``."""
    blanks = _Blanks(exercise)
    if fmt == "text":
        return _text(document, blanks, "  ", lambda t, level: t)
    if fmt == "markdown":
        return _text(document, blanks, "- ", lambda t, level: "#" * level + " " + t)
    if fmt == "latex":
        return _latex(document, blanks)
    if fmt == "html":
        return _html(document, blanks)
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
