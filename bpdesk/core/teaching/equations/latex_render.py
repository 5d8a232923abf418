"""Equations as LaTeX: the worked-example handout as a document pdflatex compiles."""

from __future__ import annotations

from bpdesk.core.formatting import format_value
from bpdesk.core.teaching.equations.blanks import Blanks, equation_line
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

__all__ = ["handout_latex", "tex_symbol"]

_GREEK = {"δ": r"\delta", "Δ": r"\Delta", "η": r"\eta", "α": r"\alpha"}
_TEX_TEXT = {
    "·": r" \cdot ", "×": r" \times ", "−": "-", "½": r"\tfrac{1}{2}", "²": "^{2}",
    "η": r"\eta ", "α": r"\alpha ", "Δ": r"\Delta ", "δ": r"\delta ", "_": r"\_",
}  # fmt: skip
_ESCAPES = (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("_", r"\_"),
            ("#", r"\#"), ("$", r"\$"), ("{", r"\{"), ("}", r"\}"), ("^", r"\^{}"),
            ("~", r"\~{}"))  # fmt: skip
_TEXT_SYMBOLS = (("Σ", r"$\Sigma$"), ("½", r"$\tfrac12$"), ("²", r"$^2$"), ("−", "$-$"),
                 ("η", r"$\eta$"), ("α", r"$\alpha$"), ("δ", r"$\delta$"),
                 ("∂", r"$\partial$"), ("⌈", r"$\lceil$"), ("⌉", r"$\rceil$"),
                 ("…", r"\dots{}"), ("—", "---"), ("·", r"$\cdot$"), ("×", r"$\times$"),
                 ("→", r"$\to$"))  # fmt: skip
_PREAMBLE = (
    r"\documentclass[11pt]{article}",
    r"\usepackage[utf8]{inputenc}",
    r"\usepackage[T1]{fontenc}",
    r"\usepackage[a4paper,margin=2cm]{geometry}",
    r"\usepackage{amsmath}",
    r"\allowdisplaybreaks",
)


def _tex_name(text: str) -> str:
    if text in _GREEK:
        return _GREEK[text]
    return rf"\mathrm{{{text}}}" if len(text) > 1 else text


def tex_symbol(symbol: Sym) -> str:
    """``out_h1`` → ``\\mathrm{out}_{\\mathrm{h1}}``."""
    out = _tex_name(symbol.base)
    if symbol.sub:
        out += rf"_{{\mathrm{{{symbol.sub}}}}}"
    if symbol.sup:
        out += f"^{{{symbol.sup}}}"
    return out


def _tex_text(text: str) -> str:
    """Words and operators in math mode: words as \\text, operators as LaTeX."""
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


def _tex_term(term: Term, blanks: Blanks) -> str:
    if isinstance(term, Sym):
        return tex_symbol(term)
    if isinstance(term, Frac):
        return rf"\frac{{\partial {tex_symbol(term.top)}}}{{\partial {tex_symbol(term.bottom)}}}"
    if isinstance(term, Logistic):
        return rf"\frac{{1}}{{1 + e^{{-{tex_symbol(term.arg)}}}}}"
    if isinstance(term, Num):
        return blanks.number(
            term,
            lambda t: t.replace("−", "-"),
            lambda k: rf"\underline{{\hspace{{1.6cm}}}}_{{({k})}}",
        )
    return _tex_text(term.text)


def _tex_escape(text: str) -> str:
    """Text for LaTeX's text mode, its symbols in math mode."""
    for a, b in _ESCAPES:
        text = text.replace(a, b)
    for ch, tex in _TEXT_SYMBOLS:
        text = text.replace(ch, tex)
    return text


def _tex_label(label: str) -> str:
    if label.startswith("∂"):
        top, _, bottom = label[1:].partition("/∂")
        return rf"\partial {_tex_text(top)} / \partial {_tex_text(bottom)}"
    return _tex_text(label)


def handout_latex(document: Document, blanks: Blanks) -> str:
    """A worked-example handout as a LaTeX document (with the answer key in an exercise)."""
    title = _tex_escape(terms_text(document.title))
    out = [*_PREAMBLE, rf"\title{{{title}}}", r"\date{}", r"\begin{document}", r"\maketitle"]
    out.append(_tex_escape(document.intro))
    for section, lines in document.sections():
        if section is not None:
            out.append(rf"\section*{{{_tex_escape(terms_text(section.terms))}}}")
        out.append(r"{\small")
        notes = []
        for line in lines:
            if isinstance(line, Equation):
                out.append(rf"\[ {equation_line(line, _tex_term, blanks)} \]")
            elif isinstance(line, Prose):
                notes.append(_tex_escape(terms_text(line.terms)))
        out.append("}")
        out += notes
    if blanks.exercise:
        out.append(r"\section*{Answers}")
        out.append(r"\begin{enumerate}")
        for _, label, value in blanks.key:
            out.append(rf"\item ${_tex_label(label)} = {format_value(value).replace('−', '-')}$")
        out.append(r"\end{enumerate}")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"
