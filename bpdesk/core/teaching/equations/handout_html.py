"""Equations as an HTML handout: a page that opens in any browser, with blanks for exercises."""

from __future__ import annotations

import html

from bpdesk.core.formatting import format_value
from bpdesk.core.teaching.equations.blanks import Blanks, equation_line
from bpdesk.core.teaching.equations.html_render import sym_html
from bpdesk.core.teaching.equations.model import (
    Document,
    Equation,
    Frac,
    Logistic,
    Num,
    Prose,
    Sym,
    Term,
)
from bpdesk.core.teaching.equations.text_render import terms_text

__all__ = ["handout_html"]

# The handout's own page style (a file read outside the app, in a browser or printed).
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


def _term(term: Term, blanks: Blanks) -> str:
    if isinstance(term, Sym):
        return sym_html(term, italic=True)
    if isinstance(term, Frac):
        return f"∂{sym_html(term.top, italic=True)}/∂{sym_html(term.bottom, italic=True)}"
    if isinstance(term, Logistic):
        return f"1 / (1 + <i>e</i><sup>−{sym_html(term.arg, italic=True)}</sup>)"
    if isinstance(term, Num):
        return blanks.number(
            term,
            lambda t: f'<span class="num">{html.escape(t)}</span>',
            lambda k: f'<span class="blank">({k})</span>',
        )
    return html.escape(term.text)


def handout_html(document: Document, blanks: Blanks) -> str:
    """A worked-example handout as an HTML page (with the answer key in an exercise)."""
    title = html.escape(terms_text(document.title))
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        f"<p>{html.escape(document.intro)}</p>",
    ]
    for section, lines in document.sections():
        if section is not None:
            out.append(f"<h2>{html.escape(terms_text(section.terms))}</h2>")
        for line in lines:
            if isinstance(line, Equation):
                out.append('<p class="eq">' + equation_line(line, _term, blanks) + "</p>")
            elif isinstance(line, Prose):
                out.append(f'<p class="note">{html.escape(terms_text(line.terms))}</p>')
    if blanks.exercise:
        out.append("<h2>Answers</h2><ol>")
        out += [
            f"<li>{html.escape(label)} = {html.escape(format_value(value))}</li>"
            for _, label, value in blanks.key
        ]
        out.append("</ol>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
