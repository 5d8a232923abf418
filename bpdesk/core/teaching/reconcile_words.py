"""The words and records of the lecture's reconciliation (see ``reconcile.py``).

What each figure is called, the records a reconciliation is made of, how a printed
figure's digits are read, and the plain sentences saying why a figure differs, built
from the numbers bpdesk computed. All prose is bpdesk's own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bpdesk.core.errors import BpdeskError
from bpdesk.core.formatting import format_value

__all__ = [
    "EXAMPLE_SECTIONS",
    "LONG_RUN",
    "TITLES",
    "Cancelled",
    "Figure",
    "Recipe",
    "Reconciliation",
    "Variant",
    "agrees_printed",
    "decimals_of",
    "half_up",
    "to_printed",
]

LONG_RUN = 10_000
"""The long run the lecture quotes."""

TITLES = {
    "error_before": "Error before any update",
    "error_after_first_round": "Error after the first round",
    "error_after_10000": "Error after 10,000 rounds",
    "out_o1_after_10000": "out_o1 after 10,000 rounds (target 0.01)",
    "out_o2_after_10000": "out_o2 after 10,000 rounds (target 0.99)",
    "dEo2_dout_h1": "∂E_o2/∂out_h1 as printed in the text",
    "hidden_wiring_slide": "The hidden-layer slide's net_h1",
    "algorithm_slide": "The algorithm slide's signs (δ and Δw)",
    "gradient_descent_slides": "The letter α on the gradient-descent slides",
    "epoch_batch_iteration": "Iterations per epoch: 1000 samples, batches of 20",
}
EXAMPLE_SECTIONS = {
    "forward": "Forward pass",
    "backward_output_layer": "Backward pass, output layer",
    "backward_hidden_layer": "Backward pass, hidden layer",
    "updated_weights_after_one_step": "New weight",
}


class Cancelled(BpdeskError):
    """The person stopped the reconciliation before it was done."""


@dataclass(frozen=True)
class Variant:
    """One way of computing a figure: settings of the app, and the lecture's hand rounding."""

    update_order: str = "simultaneous"
    train_biases: bool = False
    updates: int = 0  # how many updates were done before the figure is measured
    rounded: bool = False  # factors rounded to nine decimals first (the lecture's arithmetic)

    def words(self, rounds: int | None = None) -> str:
        """The settings in words; ``rounds``: the round the lecture names (for N − 1)."""
        if self.rounded:
            return (
                "the lecture's hand arithmetic (each factor first rounded to 9 decimals, "
                "a final 5 rounded up), not a setting of the app"
            )
        parts = [f"{self.update_order} update", "biases trained" if self.train_biases else ""]
        if rounds is not None and self.updates == rounds - 1 and rounds > 0:
            parts.append(f"measured in round {rounds:,} before its update")
        elif rounds is not None:
            parts.append(f"after {self.updates:,} update{'s' if self.updates != 1 else ''}")
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Recipe:
    """How the window shows a figure: the lecture preset with these settings, then commands."""

    update_order: str
    train_biases: bool
    commands: tuple[str, ...]  # step commands from the lecture's start (run:N, forward…)


@dataclass(frozen=True)
class Figure:
    """One printed figure (or notation) of the lecture, reconciled with bpdesk's."""

    id: str
    title: str
    source: str  # "lecture figures" or "worked example"
    printed: str
    default: str  # bpdesk's value under the default settings, to the printed digits
    agrees: bool | None  # None: a matter of notation, not of a number
    reproduced_by: str  # the settings that reproduce it, in words ("" when none or agrees)
    reproduced: str  # the value under those settings, to the printed digits
    why: str
    recipe: Recipe | None = None
    kind: str = "figure"  # "figure" or "note"

    def as_json(self) -> dict[str, Any]:
        """The figure as one JSON object (recipe as its settings and commands)."""
        data: dict[str, Any] = {
            k: getattr(self, k)
            for k in ("id", "title", "source", "kind", "printed", "default", "agrees")
        }
        data.update(reproduced_by=self.reproduced_by, reproduced=self.reproduced, why=self.why)
        if self.recipe is not None:
            r = self.recipe
            data["show_it"] = {
                "update_order": r.update_order,
                "train_biases": r.train_biases,
                "commands": list(r.commands),
            }
        return data


@dataclass(frozen=True)
class Reconciliation:
    """Every figure, in the lecture's order: the extra figures first, then the worked example."""

    figures: tuple[Figure, ...]

    def by_id(self, figure_id: str) -> Figure:
        for figure in self.figures:
            if figure.id == figure_id:
                return figure
        raise KeyError(figure_id)

    def as_json(self) -> dict[str, Any]:
        return {"figures": [f.as_json() for f in self.figures]}


# ------------------------------------------------------------------ printed digits
def decimals_of(printed: str) -> int:
    """How many decimals a printed figure has ("0.0000351085" → 10, "0.4" → 1)."""
    text = printed.strip().replace("−", "-")
    return len(text.split(".", 1)[1]) if "." in text else 0


def to_printed(value: float, printed: str) -> str:
    """``value`` with as many decimals as ``printed`` (rounded as the value is stored)."""
    if not math.isfinite(value):
        return format_value(value)
    text = f"{value:.{decimals_of(printed)}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def agrees_printed(value: float, printed: str) -> bool:
    """``value`` agrees with ``printed`` to the printed digits."""
    return to_printed(value, printed) == printed.strip().replace("−", "-")


def half_up(value: Decimal, decimals: int) -> Decimal:
    """``value`` rounded to ``decimals`` as by hand: a final 5 rounds away from zero."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------ why a figure differs
def _reasons(default: Variant, best: Variant, rounds: int | None) -> list[str]:
    """One clause per setting in which ``best`` differs from the default."""
    reasons = []
    if best.update_order != default.update_order:
        reasons.append(
            "comes from the sequential order, in which the hidden layer's gradients "
            "already use the new output weights w5…w8, while the lecture's update rule (and "
            "bpdesk's default) takes every gradient from the old weights"
        )
    if best.train_biases != default.train_biases:
        reasons.append("needs the biases b1 and b2 trained too, which the lecture keeps fixed")
    if rounds is not None and best.updates == rounds - 1:
        reasons.append(
            f"is the error measured in round {rounds:,} before that round's update, that "
            f"is after {rounds - 1:,} updates, while bpdesk reports the error once all "
            f"{rounds:,} updates are done"
        )
    elif rounds is not None and best.updates != rounds:
        reasons.append(f"is the figure after {best.updates:,} updates, not {rounds:,}")
    return reasons


def why_differs(
    fid: str,
    printed: str,
    value: str,
    default: Variant,
    best: Variant | None,
    rounds: int | None,
    detail: str = "",
) -> str:
    """One plain sentence (or two) on how ``printed`` relates to bpdesk's ``value``."""
    if best == default:
        return f"bpdesk's default settings give the printed {printed}." + (
            f" {detail}" if detail else ""
        )
    if best is None:
        tried = (
            "the update order (simultaneous, sequential), the biases (frozen, trained) and the "
            "round measured (N − 1, N, N + 1)"
            if rounds is not None
            else "the sequential order and the lecture's arithmetic on rounded figures"
        )
        return f"No setting reproduces {printed}: bpdesk tried {tried}. {detail}".strip()
    if best.rounded:
        return detail or f"The lecture rounds before it multiplies; bpdesk gets {value}."
    reasons = "; and ".join(_reasons(default, best, rounds))
    text = f"bpdesk's default gives {value}. The printed {printed} {reasons}."
    return f"{text} {detail}".strip()


def rounding_why(
    name: str, factors: list[tuple[str, Decimal]], product: Decimal, exact: float, value: str
) -> str:
    """Why a chain-rule product printed by the lecture ends one digit off bpdesk's."""
    shown = " × ".join(_decimal(d) for _, d in factors)
    names = " × ".join(n for n, _ in factors)
    return (
        f"The lecture multiplies figures it has already rounded to 9 decimals ({names} = "
        f"{shown} = {_decimal(product)}) and rounds the final 5 up; bpdesk multiplies the "
        f"unrounded numbers and gets {format_value(exact, 12)}…, which rounds to "
        f"{value.replace('-', '−')}. "
        "Both agree to 8 decimals: the difference is rounding, not the chain rule."
    )


def _decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace("-", "−")


# ------------------------------------------------------------------ notation entries
def notation_entries(
    printed: dict[str, Any], example: dict[str, Any], values: dict[str, float], per_epoch: int
) -> list[Figure]:
    """The slide typo, the algorithm slide's signs, the letter α, epoch/batch/iteration."""
    items = {item["id"]: item for item in printed["figures"]}
    entries = [_wiring(items["hidden_wiring_slide"]["printed"], example, values)]
    entries.append(
        _signs(printed["algorithm_slide"], values, float(example["network"]["learning_rate_eta"]))
    )
    gd = printed["gradient_descent_slides"]
    entries.append(
        Figure(
            "gradient_descent_slides",
            TITLES["gradient_descent_slides"],
            "lecture figures",
            gd["update"],
            "θ ← θ − η ∂E/∂θ, all at once (η = learning rate, α = momentum)",
            None,
            "",
            "",
            "On the gradient-descent slides α names the learning rate, the number bpdesk and "
            "the worked example call η (0.5 there); on the momentum slide α is the momentum, "
            "as in bpdesk. One letter, two meanings: in bpdesk η is always the step size and "
            "α always the share of the previous step carried over.",
            kind="note",
        )
    )
    ebi = printed["epoch_batch_iteration"]
    entries.append(
        Figure(
            "epoch_batch_iteration",
            TITLES["epoch_batch_iteration"],
            "lecture figures",
            str(ebi["iterations_per_epoch"]),
            str(per_epoch),
            per_epoch == int(ebi["iterations_per_epoch"]),
            "",
            "",
            f"bpdesk's trainer cuts {ebi['examples']} samples into batches of "
            f"{ebi['batch_size']} and counts {per_epoch} iterations in one epoch, as printed.",
        )
    )
    return entries


def _wiring(slide: str, example: dict[str, Any], values: dict[str, float]) -> Figure:
    """The slide's net_h1 against the forward pass's: which weight makes the printed net_h1."""
    terms = [tuple(part.split("*")) for part in slide.split("=", 1)[1].split("+")]
    factors = [(a.strip(), b.strip()) for a, b in terms]
    target = repr(float(example["forward"]["net_h1"]))

    def total(chosen: list[tuple[str, str]]) -> float:
        return sum(values[a] * (1.0 if b == "1" else values[b]) for a, b in chosen)

    names = [n for n in values if n[:1] in "wb" and n[1:].isdigit()]
    found = [
        (p, name)
        for p, (old, source) in enumerate(factors)
        for name in names
        if name != old
        and agrees_printed(total([*factors[:p], (name, source), *factors[p + 1 :]]), target)
    ]
    ours = [w for w in names if f"dnet_h1/d{w}" in values]
    wiring = f"{ours[0]}·i1 + {ours[1]}·i2 + b1·1"
    slide_value = format_value(total(factors))
    if found:
        p, name = found[0]
        fixed = factors[p][0]
        why = (
            f"A typo on the slide: it writes {fixed} where the numbers use {name}. With "
            f"{fixed} = {format_value(values[fixed])} the slide's sum would be {slide_value}, "
            f"but the lecture's forward pass prints net_h1 = {target}, which only {name} = "
            f"{format_value(values[name])} gives. bpdesk wires i2 to h1 through {ours[1]}, as "
            "the forward pass does."
        )
        reproduced_by = f"{name} in place of {fixed}"
    else:
        why = f"No single weight in the slide's sum gives the printed net_h1 = {target}."
        reproduced_by = ""
    return Figure(
        "hidden_wiring_slide",
        TITLES["hidden_wiring_slide"],
        "lecture figures",
        slide,
        f"{wiring} = {format_value(values['net_h1'])}",
        False,
        reproduced_by,
        target if found else "",
        why,
        kind="note",
    )


def _signs(slide: dict[str, str], values: dict[str, float], eta: float) -> Figure:
    """The algorithm slide's δ = o(1 − o)(t − o) and w += ηδx worked out with bpdesk's numbers,
    set against bpdesk's δ = ∂E/∂net and w⁺ = w − η ∂E/∂w."""
    outputs = [n[7:] for n in values if n.startswith("target_")]
    hidden = [n[4:] for n in values if n.startswith("out_") and n[4:] not in outputs]
    delta = {}
    for k in outputs:
        o = values[f"out_{k}"]
        delta[k] = o * (1 - o) * (values[f"target_{k}"] - o)
    for h in hidden:
        o = values[f"out_{h}"]
        delta[h] = o * (1 - o) * sum(values[f"dnet_{k}/dout_{h}"] * delta[k] for k in outputs)
    weights = [n for n in values if n[:1] == "w" and n[1:].isdigit()]
    same, example = [], ""
    for w in weights:
        j = next(n for n in delta if f"dnet_{n}/d{w}" in values)
        change = eta * delta[j] * values[f"dnet_{j}/d{w}"]  # Δw = η δ_j x
        new = values[w] + change
        same.append(format_value(new) == format_value(values[f"{w}+"]))
        if not example and j in outputs:
            example = f"{w}⁺ = {format_value(values[w])} + ({format_value(change)})"
            example += f" = {format_value(new)}"
    first = outputs[0]
    agree = all(same)
    ending = (
        f"The two sign changes cancel: the slide's rule gives {example}, and the same new "
        f"value as bpdesk for every one of {weights[0]}…{weights[-1]}."
        if agree
        else "Worked out with bpdesk's numbers, the two rules do not give the same new weights."
    )
    return Figure(
        "algorithm_slide",
        TITLES["algorithm_slide"],
        "lecture figures",
        f"{slide['delta_output']}; {slide['update']}",
        "δ = ∂E/∂net; w⁺ = w − η ∂E/∂w",
        agree,
        "",
        "",
        f"The slide's δ is bpdesk's ∂E/∂net with the sign turned round (for {first}: "
        f"{format_value(delta[first])} against {format_value(values[f'dE_total/dnet_{first}'])})"
        f", and it adds Δw = ηδx where bpdesk subtracts η ∂E/∂w. {ending} Its momentum term "
        "αΔw(t − 1) is bpdesk's momentum α.",
        kind="note",
    )


# ------------------------------------------------------------------ the Explain panel's note
def note_text(
    rounds: int,
    now: float,
    before: float,
    outs: tuple[float, float],
    printed: dict[str, str],
    figures: Reconciliation | None,
) -> str | None:
    """The Explain panel's sentence after round 1 or round 10,000 of the lecture (or None)."""
    if rounds == 1:
        p = printed["error_after_first_round"]
        if agrees_printed(now, p):
            return (
                f"Lecture check: the lecture prints {p} as the error after this first round, "
                f"and bpdesk's error after this update is the same, {to_printed(now, p)}."
            )
        why = ""
        if figures is not None:
            figure = figures.by_id("error_after_first_round")
            why = figure.why.removeprefix(f"bpdesk's default gives {figure.default}. ")
        return (
            f"Lecture check: the lecture prints {p} as the error after this first round; "
            f"bpdesk's error after this update, over the training set, is {to_printed(now, p)}. "
            + why
        ).strip()
    p = printed["error_after_10000"]
    o1, o2 = printed["out_o1_after_10000"], printed["out_o2_after_10000"]
    text = (
        f"Lecture check: after {LONG_RUN:,} rounds the lecture prints E = {p} and outputs {o1} "
        f"and {o2}. Here, after {rounds:,} updates: E = {to_printed(now, p)} (measured in round "
        f"{rounds:,} before its update: {to_printed(before, p)}), outputs "
        f"{to_printed(outs[0], o1)} and {to_printed(outs[1], o2)}."
    )
    if figures is None:
        return text + " Teach → Lecture figures finds the settings that give the printed ones."
    for fid in ("error_after_10000", "out_o1_after_10000"):
        figure = figures.by_id(fid)
        if figure.reproduced_by:
            text += f" {figure.title}: printed as with {figure.reproduced_by}."
    return text


# ------------------------------------------------------------------ as a text table
def _mark(agrees: bool | None) -> str:
    return "—" if agrees is None else "yes" if agrees else "no"


def text_table(result: Reconciliation, width: int = 100) -> str:
    """The reconciliation as a plain-text table: one row per figure (figure, printed, bpdesk's
    default, agrees?), and under each row that differs the settings that reproduce it and why."""
    import textwrap

    rows = [("figure", "printed", "bpdesk default", "agrees?")]
    for f in result.figures:
        short = f.kind == "figure"
        rows.append(
            (
                f.title,
                f.printed if short else "(see below)",
                f.default if short else "",
                _mark(f.agrees),
            )
        )
    widths = [max(len(r[k]) for r in rows) for k in range(4)]
    lines = []
    for number, (row, figure) in enumerate(zip(rows, (None, *result.figures), strict=True)):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
        if figure is None or (figure.agrees and figure.kind == "figure"):
            continue
        wrap = textwrap.TextWrapper(width, initial_indent="    ", subsequent_indent="      ")
        if figure.kind == "note":
            lines += wrap.wrap(f"printed: {figure.printed}") + wrap.wrap(
                f"bpdesk: {figure.default}"
            )
        if figure.reproduced_by:
            lines += wrap.wrap(f"reproduced by: {figure.reproduced_by} → {figure.reproduced}")
        lines += wrap.wrap(f"why: {figure.why}")
    return "\n".join(lines) + "\n"
