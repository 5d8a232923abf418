"""A checker of printed arithmetic: every ``a op b = c`` chain bpdesk writes, recomputed.

It reads plain text (the CLI trace, a handout, a derivation, a narration), LaTeX or HTML
(turned into the same plain text first), finds each equation chain ``x = a × b = r``,
evaluates every side that is made of numbers only and checks that all such sides of a chain
agree. Numbers are intervals: bpdesk prints nine decimals and drops trailing zeros, so a
fixed-point number is known to half a unit of its ninth decimal (or of its last digit, if it
has more); a number in scientific notation to half a unit of its mantissa's last digit.
Sides written with names (``E_o1 + E_o2``, ``∂E_total/∂out_h2 · ∂out_h2/∂net_h2``) are
checked too when every name was given a number elsewhere in the same document.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

ASSUMED_DECIMALS = 9  # bpdesk.core.formatting.format_value's precision
MISSING = "…"


# ------------------------------------------------------------------ intervals
@dataclass(frozen=True)
class Interval:
    """A number known to lie in [lo, hi]."""

    lo: float
    hi: float

    @staticmethod
    def exact(value: float) -> Interval:
        return Interval(value, value)

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def __neg__(self) -> Interval:
        return Interval(-self.hi, -self.lo)

    def __mul__(self, other: Interval) -> Interval:
        products = [a * b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(min(products), max(products))

    def __truediv__(self, other: Interval) -> Interval:
        if other.lo <= 0.0 <= other.hi:
            return Interval(-math.inf, math.inf)
        return self * Interval(1.0 / other.hi, 1.0 / other.lo)

    def square(self) -> Interval:
        ends = sorted((self.lo * self.lo, self.hi * self.hi))
        low = 0.0 if self.lo <= 0.0 <= self.hi else ends[0]
        return Interval(low, ends[1])

    def monotone(self, fn: Callable[[float], float]) -> Interval:
        """An increasing function of this interval."""
        return Interval(fn(self.lo), fn(self.hi))

    def meets(self, other: Interval) -> bool:
        """Whether the two intervals share a number (with a hair of float slack)."""
        scale = max(1.0, abs(self.lo), abs(self.hi), abs(other.lo), abs(other.hi))
        slack = 1e-12 * scale
        return self.lo <= other.hi + slack and other.lo <= self.hi + slack

    @property
    def mid(self) -> float:
        return 0.5 * (self.lo + self.hi)


_NUMBER_TEXT = re.compile(r"\d+(?:\.\d+)?(?:e[−+-]?\d+)?")


def printed_number(text: str, assumed_decimals: int = ASSUMED_DECIMALS) -> Interval:
    """The interval a printed number (no sign) stands for."""
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    value = float(text.replace("−", "-"))
    if exponent:
        half = 0.5 * 10.0 ** (int(exponent.replace("−", "-")) - decimals)
    else:
        half = 0.5 * 10.0 ** -max(decimals, assumed_decimals)
    return Interval(value - half, value + half)


# ------------------------------------------------------------------ parsing a side
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:e[−+-]?\d+)?)|(?P<word>tanh|max|ln|log|exp|if|else|e)"
    r"(?![A-Za-z_])|(?P<op>[-−+×·*/()\[\]²½^,>]))"
)


class NotNumeric(Exception):
    """A side that is not made of numbers only."""


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise NotNumeric(text)
        out.append(match.group(match.lastgroup or "op"))
        pos = match.end()
    return out


class _Parser:
    """Recursive descent over one side: sums, products (× · / and juxtaposition), unary
    minus, ², e^(…), tanh, max, ln/log, ½, brackets, and ``a if b > c else d``."""

    def __init__(self, tokens: list[str], assumed_decimals: int) -> None:
        self.tokens = tokens
        self.pos = 0
        self.decimals = assumed_decimals

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise NotNumeric(" ".join(self.tokens))
        self.pos += 1
        return token

    def parse(self) -> Interval:
        value = self.conditional()
        if self.peek() is not None:
            raise NotNumeric(" ".join(self.tokens))
        return value

    def conditional(self) -> Interval:
        value = self.sum()
        if self.peek() != "if":
            return value
        self.take("if")
        left = self.sum()
        self.take(">")
        right = self.sum()
        if self.peek() == ",":
            self.take(",")
        self.take("else")
        other = self.sum()
        if left.lo > right.hi:
            return value
        if left.hi <= right.lo:
            return other
        return Interval(min(value.lo, other.lo), max(value.hi, other.hi))

    def sum(self) -> Interval:
        value = self.product()
        while self.peek() in ("+", "-", "−"):
            op = self.take()
            right = self.product()
            value = value + right if op == "+" else value - right
        return value

    _STARTS = ("(", "[", "½", "e", "tanh", "max", "ln", "log", "exp")

    def product(self) -> Interval:
        value = self.unary()
        while True:
            token = self.peek()
            if token in ("×", "·", "*", "/"):
                self.take()
                right = self.unary()
                value = value / right if token == "/" else value * right
            elif token is not None and (token in self._STARTS or token[0].isdigit()):
                value = value * self.unary()  # juxtaposition: ½ (…)², 0 ln 0.5
            else:
                return value

    def unary(self) -> Interval:
        if self.peek() in ("-", "−"):
            self.take()
            return -self.unary()
        return self.power()

    def power(self) -> Interval:
        value = self.primary()
        while self.peek() == "²":
            self.take()
            value = value.square()
        return value

    def primary(self) -> Interval:
        token = self.take()
        if token[0].isdigit():
            return printed_number(token, self.decimals)
        if token in ("(", "["):
            value = self.conditional()
            self.take(")" if token == "(" else "]")
            return value
        if token == "½":
            return Interval.exact(0.5)
        if token == "e":
            self.take("^")
            return self.unary().monotone(_exp)
        if token == "exp":
            return self.primary().monotone(_exp)
        if token == "tanh":
            return self.primary().monotone(math.tanh)
        if token in ("ln", "log"):
            arg = self.primary()
            if arg.hi <= 0:
                raise NotNumeric("log of a negative number")
            return Interval(math.log(arg.lo) if arg.lo > 0 else -math.inf, math.log(arg.hi))
        if token == "max":
            self.take("(")
            first = self.conditional()
            self.take(",")
            second = self.conditional()
            self.take(")")
            return Interval(max(first.lo, second.lo), max(first.hi, second.hi))
        raise NotNumeric(token)


def _exp(x: float) -> float:
    return math.exp(min(x, 700.0))


def evaluate(side: str, assumed_decimals: int = ASSUMED_DECIMALS) -> Interval | None:
    """The value of a side made of numbers only, or None (names, words, not computed yet)."""
    if MISSING in side or "⋯" in side:
        return None
    text = side.replace(", else", " else")
    try:
        return _Parser(_tokens(text), assumed_decimals).parse()
    except NotNumeric:
        return None


# ------------------------------------------------------------------ names
_BEFORE = r"(?<![^\s(\[+\-−×·*/])"  # a name starts a side or follows an operator or bracket
_AFTER = r"(?![^\s)\]+\-−×·*/²,(])"


def _symbolic(side: str, printed: dict[str, str]) -> Interval | None:
    """A side written with names (``w1·i1 + b1·1``, ``1 / (1 + e^(−net_h1))``): each name
    given a number elsewhere in the document replaced by that printed number, then evaluated
    (None if a name is unknown)."""
    if not printed:
        return None
    names = sorted(printed, key=len, reverse=True)
    pattern = re.compile(_BEFORE + "(" + "|".join(map(re.escape, names)) + ")" + _AFTER)
    filled = pattern.sub(lambda m: f"({printed[m.group(1)]})", side)
    return None if filled == side else evaluate(filled)


# ------------------------------------------------------------------ chains
@dataclass
class Report:
    """What a check found: chains read, relations checked, and the false ones."""

    chains: int = 0  # equations with at least one relation checked
    relations: int = 0  # pairs of sides compared
    problems: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # sides with numbers that did not parse
    checked: list[str] = field(default_factory=list)  # the chains with a relation checked

    def add(self, other: Report) -> Report:
        self.chains += other.chains
        self.relations += other.relations
        self.problems += other.problems
        self.unread += other.unread
        self.checked += other.checked
        return self


_NAME = re.compile(r"[^\s()=]+")  # a name to give a number: one token (∂E_total/∂w5, out_h1)
_HAS_NUMBER = re.compile(r"(?<![\w.^])\d+\.\d+")  # a decimal number not part of a name


_CONNECTIVES = {"so", "then", "and", "thus", "hence", "is", "gives", "here"}


def _lhs_name(side: str) -> str:
    """The name a chain defines: its first side, without leading words that only join it to
    the sentence (``so δ_h1``); words that qualify it (``The slide's δ_o1``) stay."""
    side = side.strip()
    if "(" in side or " " not in side:
        return side
    words, name = side.rsplit(" ", 1)
    if all(word.lower() in _CONNECTIVES for word in words.split()):
        return name
    return side


def check_chains(
    chains: Sequence[str], *, source: str = "", assumed_decimals: int = ASSUMED_DECIMALS
) -> Report:
    """Check equation chains of one document: numeric sides against each other, and sides of
    names against the numbers those names were given in the document."""
    report = Report()
    chains = [chain for chain in chains if " = " in chain]
    split = [[s.strip() for s in chain.split(" = ")] for chain in chains]
    values = [[evaluate(s, assumed_decimals) for s in sides] for sides in split]
    names: dict[str, Interval] = {}
    printed: dict[str, str] = {}
    conflicts: set[str] = set()
    for sides, vals in zip(split, values, strict=True):
        name, last = _lhs_name(sides[0]), vals[-1]
        if last is None or vals[0] is not None or not _NAME.fullmatch(name):
            continue
        if name in names and not names[name].meets(last):
            conflicts.add(name)
        names.setdefault(name, last)
        printed.setdefault(name, sides[-1])
    for name in conflicts:
        report.problems.append(f"{source}: {name} is given two different numbers")
    usable = {n: text for n, text in printed.items() if n not in conflicts}
    for chain, sides, vals in zip(chains, split, values, strict=True):
        known = [(s, v) for s, v in zip(sides, vals, strict=True) if v is not None]
        for k, side in enumerate(sides):
            if vals[k] is not None or k == 0:
                continue
            by_name = _symbolic(side, usable) if known else None
            if by_name is not None:
                known.append((side, by_name))
            elif _HAS_NUMBER.search(side) and MISSING not in side:
                report.unread.append(f"{source}: {side!r} in {chain!r}")
        if len(known) < 2:
            continue
        report.chains += 1
        report.checked.append(chain)
        first_side, first = known[0]
        for side, value in known[1:]:
            report.relations += 1
            if not first.meets(value):
                report.problems.append(
                    f"{source}: {chain!r}: {first_side} is {first.mid:.12g} "
                    f"but {side} is {value.mid:.12g}"
                )
    return report


# ------------------------------------------------------------------ documents to chains
_TRAILING_WORDS = re.compile(r"\s+\((?![−-]?\d)[^()]*\)\s*$|\s+\([A-Za-z][^)]*$")
_STOPS = ("; ", ": ", "? ", ". ")


def _clauses(text: str) -> list[str]:
    """``text`` cut at ``;``, ``:``, ``?``, full stops and commas outside brackets, a comma
    only where another equation follows before the next comma."""
    text = text.replace(", else", " else")
    cuts: list[int] = []
    depth = 0
    for k, ch in enumerate(text):
        depth += 1 if ch in "([" else -1 if ch in ")]" else 0
        pair = text[k : k + 2]
        if depth or pair not in (*_STOPS, ", "):
            continue
        if pair == ", ":
            rest = text[k + 2 :]
            following = _first_at_depth_zero(rest, ",")
            if " = " not in following:
                continue
        cuts.append(k)
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(text[start:cut])
        start = cut + 2
    pieces.append(text[start:])
    return pieces


def _first_at_depth_zero(text: str, separator: str) -> str:
    depth = 0
    for k, ch in enumerate(text):
        depth += 1 if ch in "([" else -1 if ch in ")]" else 0
        if not depth and ch == separator:
            return text[:k]
    return text


def prose_chains(text: str) -> list[str]:
    """The equation chains written in sentences (see ``_clauses``), trailing words in
    parentheses dropped."""
    out: list[str] = []
    for paragraph in _tidy(text).split("\n"):
        for clause in _clauses(paragraph.strip()):
            clause = clause.strip().rstrip(".;:?")
            if " = " not in clause:
                continue
            out.append(_TRAILING_WORDS.sub("", clause))
    return out


def _tidy(text: str) -> str:
    return (
        text.replace("\u00a0", " ")
        .replace("\u2060", "")
        .replace("\u2009", "")
        .replace("\u202f", " ")
    )


def text_chains(text: str) -> list[str]:
    """Equation chains of a plain-text or Markdown document, one or more a line (notes
    in parentheses read as prose; ``a = 1, b = 2`` counts as two)."""
    out: list[str] = []
    for line in _tidy(text).splitlines():
        line = line.strip().removeprefix("- ").strip()
        if line.startswith("(") and line.endswith(")") and not line[1:2].isdigit():
            line = line[1:-1]
        out += prose_chains(line)
    return out


def fill_blanks(text: str) -> str:
    """An exercise handout (text) with each numbered blank ``[k]`` replaced by its answer."""
    key = dict(re.findall(r"^\s*(?:- )?\[(\d+)\] .* = (\S+)\s*$", text, flags=re.M))
    body = text.split("\nAnswers", 1)[0].split("\n## Answers", 1)[0]

    def answer(match: re.Match[str]) -> str:
        value = key[match.group(1)]
        after_operator = body[: match.start()].rstrip()[-1:] in ("×", "+", "−", "·", "(")
        return f"({value})" if value.startswith("−") and after_operator else value

    return re.sub(r"\[(\d+)\]", answer, body)


_LATEX = (
    (r"\partial ", "∂"), (r"\partial", "∂"), (r"\times", "×"), (r"\cdot", "·"),
    (r"\eta", "η"), (r"\alpha", "α"), (r"\Delta", "Δ"), (r"\delta", "δ"), (r"\mu", "μ"),
    (r"\tfrac{1}{2}", "½"), (r"\tfrac12", "½"), ("^{2}", "²"), (r"\left", ""), (r"\right", ""),
    (r"\,", " "), (r"\ ", " "), (r"\_", "_"), ("-", "−"),
)  # fmt: skip
_BRACED = r"\{((?:[^{}]|\{[^{}]*\})*)\}"


def latex_chains(text: str) -> list[str]:
    """The display equations ``\\[ … \\]`` of a LaTeX handout, as plain text."""
    out: list[str] = []
    for body in re.findall(r"\\\[(.*?)\\\]", text, flags=re.S):
        for _ in range(3):
            body = re.sub(r"\\(?:mathrm|text)\{([^{}]*)\}", r"\1", body)
        body = re.sub(r"_\{([^{}]*)\}", r"_\1", body)
        for tex, plain in _LATEX:
            body = body.replace(tex, plain)
        body = re.sub(r"\^\{([^{}]+)\}", r"^(\1)", body)
        body = re.sub(r"\\frac" + _BRACED + _BRACED, _frac, body)
        out += text_chains(re.sub(r"\s+", " ", body).strip())
    return out


def _frac(match: re.Match[str]) -> str:
    top, bottom = match.group(1).strip(), match.group(2).strip()
    if top.startswith("∂") and bottom.startswith("∂"):
        return f"{top}/{bottom}"
    return f"({top}) / ({bottom})"


def html_chains(text: str) -> list[str]:
    """The equations of an HTML handout or of the derivation panel's rich text: one per
    paragraph, a paragraph that starts with ``=`` continuing the one before."""
    text = re.sub(r"<sub>(.*?)</sub>", r"_\1", text)
    text = re.sub(r"<sup>(.*?)</sup>", r"^(\1)", text)
    text = re.sub(r"</p>|<br\s*/?>|</tr>|</h\d>", "\n", text)
    text = _tidy(html.unescape(re.sub(r"<[^>]+>", "", text)))
    lines: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("= ") and lines:
            lines[-1] += " " + line
        elif line:
            lines.append(line)
    return text_chains("\n".join(lines))


_FRACTION = re.compile(
    r"<table cellspacing='0' cellpadding='0'><tr><td align='center' style='border-bottom[^']*'>"
    r"(.*?)</td></tr><tr><td align='center'[^>]*>(.*?)</td></tr></table>"
)
_PLAIN_TABLE = re.compile(r"<table cellspacing='0' cellpadding='0'>((?:(?!<table).)*?)</table>")


def stacked_chains(text: str) -> list[str]:
    """The equations of the derivation panel with stacked fractions: each fraction's table
    read as ``top/bottom``, the tables that hold a term read as one piece, and each row of
    a section's table (``lhs = side``, then ``= side`` rows) as part of one equation."""
    text = _FRACTION.sub(r"\1/\2", text)
    previous = None
    while previous != text:
        previous = text
        text = _PLAIN_TABLE.sub(lambda m: re.sub(r"</?(?:tr|td)[^>]*>", "", m.group(1)), text)
    text = re.sub(r"</td>", " ", text)
    return html_chains(re.sub(r"</tr>", "</p>", text))


def check_text(text: str, kind: str, source: str = "") -> Report:
    """Check a whole document: ``kind`` is text, latex, html or prose."""
    readers: dict[str, Callable[[str], list[str]]] = {
        "text": text_chains,
        "markdown": text_chains,
        "latex": latex_chains,
        "html": html_chains,
        "stacked": stacked_chains,
        "prose": prose_chains,
    }
    return check_chains(readers[kind](text), source=source)


def check_all(documents: Iterable[tuple[str, str, str]]) -> Report:
    """Check (text, kind, source) documents, each on its own, into one report."""
    report = Report()
    for text, kind, source in documents:
        report.add(check_text(text, kind, source))
    return report
