"""Gradient descent as the slides draw it: J along one parameter (every other one held), its
slope from backpropagation, the steps θ ← θ − η dJ/dθ (the slides' α is η), what those steps
do (slow, good, overshooting, diverging, stalled in a saturated sigmoid), and descent on two
parameters with the simultaneous and the incorrect (sequential) update.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.backprop import backward_pass
from bpdesk.core.engine.network import Network, NetworkSpec
from bpdesk.core.errors import ConfigError
from bpdesk.core.formatting import format_value
from bpdesk.core.teaching.landscape import _CHUNK_FLOATS, GridRun, _GridPlan

__all__ = [
    "MAX_SPAN",
    "MAX_STEPS",
    "PRESETS",
    "SATURATION_NOTE",
    "VERDICTS",
    "Curve",
    "PathPlan",
    "Slice",
    "Steps",
    "covering_span",
    "default_parameter",
    "descend",
    "descent_path",
    "draw_curve",
    "find_minimum",
    "judge",
    "linear_neuron",
    "planned_grid",
    "preset_eta",
    "slope_sentence",
    "slopes_of",
]

Array = NDArray[np.float64]

MAX_STEPS = 200
MAX_ETA = 1e6
RUN_OFF = 1e3  # a step this many times farther from the minimum than the start: diverged
FAR = 1e8  # no parameter is followed beyond this size
# η of each preset times the curve's bend between the start and the minimum (its curvature, on
# a parabola): each step then leaves (1 − factor) of the distance to the minimum, so 0.05 is
# slow, 0.7 good, 1.7 overshoots and oscillates as it settles, 2.4 overshoots more each time.
PRESETS: dict[str, float] = {"too small": 0.05, "good": 0.7, "too large": 1.7, "diverging": 2.4}
HUGE = 40.0  # the factor of "huge": on a sigmoid network it shows saturation
SATURATION_NOTE = (
    "Why the lecture's network does not diverge: every output is a sigmoid, which stays "
    "between 0 and 1, so the error can never grow past ½ per output. A very large step throws "
    "the weight far out, where the sigmoid is flat (saturated): its slope, and with it ∂E/∂w, "
    "is then almost zero, so the next steps are tiny and descent stalls instead of running "
    "away. Divergence needs an error that keeps growing, such as the parabola of a linear neuron."
)


class Slice:
    """J(θ): the error of ``network`` on the data as the parameter ``name`` takes the value θ,
    every other parameter held at its value in ``network`` (which is copied)."""

    def __init__(
        self, network: Network, inputs: Array, targets: Array, name: str, label: str = ""
    ) -> None:
        self.ref = network.spec.ref(name)  # a ConfigError for a name the network lacks
        self.network = network.copy()
        self.name, self.label = name, label or name
        self.x = np.atleast_2d(np.asarray(inputs, dtype=np.float64))
        self.t = np.atleast_2d(np.asarray(targets, dtype=np.float64))
        self.current = self.network.get(name)
        self._plan = _GridPlan(self.network, self.x, self.t, [name])
        self._slice = max(1, _CHUNK_FLOATS // max(1, self._plan.n * self._plan.width))

    def errors(self, thetas: Array) -> Array:
        """J at every θ of ``thetas`` at once (the layers below the parameter computed once)."""
        values = np.asarray(thetas, dtype=np.float64).reshape(-1, 1)
        result = np.empty(values.shape[0])
        for start in range(0, values.shape[0], self._slice):
            stop = start + self._slice
            result[start:stop] = self._plan.errors(values[start:stop])
        return result

    def error(self, theta: float) -> float:
        """J(θ)."""
        return float(self.errors(np.array([theta]))[0])

    def slope(self, theta: float) -> float:
        """dJ/dθ at θ, by backpropagation (the backward pass of the engine)."""
        if not np.isfinite(theta) or abs(theta) > FAR:
            return float("nan")
        probe = self.network.copy()
        probe.set(self.name, theta)
        return slopes_of(probe, self.x, self.t, (self.name,))[0]

    def bend(self, theta: float) -> float:
        """d²J/dθ² at θ (the slope's central difference)."""
        h = 1e-4 * max(1.0, abs(theta))
        return (self.slope(theta + h) - self.slope(theta - h)) / (2 * h)


def slopes_of(network: Network, x: Array, t: Array, names: tuple[str, ...]) -> list[float]:
    """∂E/∂θ of each parameter named, by one forward and one backward pass of the engine."""
    spec = network.spec
    nets, outs = network.forward(x)
    with np.errstate(all="ignore"):
        grads = backward_pass(
            spec.loss_fn, spec.activations, network.weights, nets, outs, t, spec.shared_bias
        )
    result = []
    for name in names:
        ref = spec.ref(name)
        dE_dw, dE_db = grads[ref.layer]
        result.append(float((dE_dw if ref.kind == "w" else dE_db)[ref.row, ref.col]))
    return result


def linear_neuron() -> Slice:
    """A curve on which descent really diverges: one linear neuron out = w·x fitted to two
    points, ½ (out − t)² each, so J(w) = 1.25 (w − 1.5)², a parabola (b held at 0)."""
    spec = NetworkSpec.build([1, 1], "linear", loss="half_sse", shared_bias=True)
    network = Network.zeros(spec)
    inputs = np.array([[1.0], [2.0]])
    targets = np.array([[1.5], [3.0]])
    return Slice(network, inputs, targets, "w1", "w of a linear neuron")


def default_parameter(spec: NetworkSpec) -> str:
    """The parameter the 1-D view starts with: the output layer's (first) bias, whose error
    curve has a minimum inside (the outputs pull it both ways) where a weight's often has none."""
    return spec.bias_name(spec.n_layers - 1, 0)


def find_minimum(curve: Slice, around: float, reach: float = 1e3) -> float | None:
    """θ of the lowest J near ``around``: the grid widens until its lowest point is inside,
    then closes in on it; None when J keeps falling out to ``reach`` (no minimum inside)."""
    span = max(1.0, 2.0 * abs(around))
    while True:
        thetas = np.linspace(around - span, around + span, 201)
        errors = curve.errors(thetas)
        if not np.isfinite(errors).any():
            return None
        k = int(np.nanargmin(errors))
        if 0 < k < thetas.size - 1:
            break
        if span >= reach:
            return None
        span *= 4.0
    low, high = thetas[k - 1], thetas[k + 1]
    for _ in range(3):
        fine = np.linspace(low, high, 61)
        j = int(np.nanargmin(curve.errors(fine)))
        low, high = fine[max(0, j - 1)], fine[min(fine.size - 1, j + 1)]
    return float((low + high) / 2)


def preset_eta(curve: Slice, start: float, minimum: float | None, preset: str) -> float:
    """η for ``preset`` (a key of PRESETS, or "huge") on this curve from ``start``: the preset's
    factor over the curve's bend (its curvature at the minimum, or the slope's secant between
    the start and the minimum where that is larger; without a minimum, the bend at the start)."""
    factor = HUGE if preset == "huge" else PRESETS.get(preset)
    if factor is None:
        raise ConfigError(f"There is no learning-rate preset called {preset!r}.")
    bend = float("nan")
    if minimum is not None and abs(start - minimum) > 1e-9 * max(1.0, abs(minimum)):
        # The larger of the curvature at the minimum and the secant: a parabola's both, and
        # on a sigmoid's curve neither step runs wild where the other underestimates the bend.
        bend = float(np.nanmax([curve.bend(minimum), curve.slope(start) / (start - minimum)]))
    if not (np.isfinite(bend) and bend > 0):
        bend = abs(curve.bend(start))
    if not (np.isfinite(bend) and bend > 0):
        bend = 1.0
    return float(min(MAX_ETA, factor / bend))


@dataclass(frozen=True)
class Steps:
    """θ_0 = start, θ_{k+1} = θ_k − η dJ/dθ(θ_k): the values, their J and slopes, and what the
    sequence did (``verdict``: a key of VERDICTS)."""

    eta: float
    thetas: Array
    errors: Array
    slopes: Array
    verdict: str

    @property
    def deltas(self) -> Array:
        """Δθ of each step: θ_{k+1} − θ_k (that is −η dJ/dθ at θ_k)."""
        result: Array = np.diff(self.thetas)
        return result

    @property
    def diverged(self) -> bool:
        return self.verdict == "diverged"


VERDICTS = {
    "converged": "The steps reach the minimum, shrinking as the slope flattens near it.",
    "slow": "η is too small: every step is short, so after all these steps θ is still far "
    "from the minimum.",
    "settling": "The steps go the right way and shrink as the slope flattens; θ is still on "
    "its way to the minimum.",
    "overshoot": "η is too large: each step jumps over the minimum to the other side, so θ "
    "zig-zags (oscillates) around it, closing in only slowly.",
    "oscillating": "η is too large: θ jumps from one side of the minimum to the other and "
    "does not settle.",
    "diverged": "η is far too large: every jump over the minimum lands farther away than the "
    "last, so the error grows without end: descent diverges.",
    "stalled": "η is huge: the first step throws θ far out where the curve is flat, the slope "
    "is almost zero there and descent stalls, far from the minimum.",
    "at minimum": "θ starts at the minimum: the slope is zero there, so no step moves it.",
    "no minimum": "This curve keeps falling as far as bpdesk looked: the steps follow it "
    "downhill without reaching a minimum.",
}


def slope_sentence(theta: float, slope: float, eta: float) -> str:
    """The sign of the slope at θ and the direction of the step it makes, in words."""
    at = f"At θ = {format_value(theta, 6)} the slope dJ/dθ = {format_value(slope, 6)}"
    if not np.isfinite(slope):
        return f"{at}: no step can be taken from here."
    step = format_value(eta * abs(slope), 6)
    if slope > 0:
        return (
            f"{at} > 0: J rises to the right, so the step goes to the left "
            f"(θ decreases by η·|dJ/dθ| = {step})."
        )
    if slope < 0:
        return (
            f"{at} < 0: J falls to the right, so the step goes to the right "
            f"(θ increases by η·|dJ/dθ| = {step})."
        )
    return f"{at}: the curve is flat here, so the step is zero."


def judge(thetas: Array, errors: Array, minimum: float | None, stopped_far: bool) -> str:
    """What a step sequence did, as a key of VERDICTS: its distances to ``minimum`` tell slow,
    settling, overshooting (sign changes that die out), oscillating (that do not), diverged
    (growing, or ``stopped_far``) and stalled (steps vanishing far from the minimum)."""
    if stopped_far or not np.isfinite(thetas).all() or not np.isfinite(errors).all():
        return "diverged"
    if minimum is None:
        return "no minimum"
    d = thetas - minimum
    d0 = abs(float(d[0]))
    if d0 <= 1e-9 * max(1.0, abs(minimum)):
        return "at minimum"
    ratio = np.abs(d) / d0
    signs = np.sign(d[ratio > 1e-6])
    crossings = int(np.count_nonzero(signs[1:] != signs[:-1]))
    final = float(ratio[-1])
    steps = np.abs(np.diff(thetas))
    if steps.size >= 3 and final > 0.5 and steps[-1] < 1e-3 * steps[0]:
        return "stalled"
    if final > 2.0 and ratio[-1] > ratio[-2]:
        return "diverged"
    if final < 0.02:
        return "overshoot" if crossings >= 3 else "converged"
    if crossings >= 2:
        last = ratio[-min(ratio.size, 4) :]
        return "overshoot" if last[-1] < 0.9 * last[0] else "oscillating"
    # Slow: on average each step closes less than a tenth of the distance still to go.
    rate = final ** (1.0 / max(1, ratio.size - 1))
    return "slow" if rate > 0.9 else "settling"


def descend(
    curve: Slice, start: float, eta: float, steps: int, minimum: float | None = None
) -> Steps:
    """``steps`` steps of gradient descent on J from ``start`` with learning rate η, each
    slope by backpropagation; it stops early once θ runs off (far beyond the start's distance
    from the minimum, or beyond 1e8)."""
    if not (np.isfinite(eta) and 0 < eta <= MAX_ETA):
        raise ConfigError(f"The learning rate η must be above 0 and at most {MAX_ETA:g}.")
    if not np.isfinite(start) or abs(start) > FAR:
        raise ConfigError("The starting value must be a finite number below 1e8.")
    if not 1 <= int(steps) <= MAX_STEPS:
        raise ConfigError(f"Take 1 to {MAX_STEPS} steps, not {steps}.")
    limit = FAR
    if minimum is not None:
        limit = min(FAR, abs(minimum) + RUN_OFF * max(abs(start - minimum), 1e-12))
    thetas, slopes = [float(start)], []
    stopped_far = False
    for _ in range(int(steps)):
        slope = curve.slope(thetas[-1])
        slopes.append(slope)
        nxt = thetas[-1] - eta * slope
        if not np.isfinite(nxt) or abs(nxt) > limit:
            stopped_far = True
            break
        thetas.append(nxt)
    values = np.array(thetas)
    if len(slopes) < values.size:  # the slope at the last value, for the table and tangent
        slopes.append(curve.slope(thetas[-1]))
    errors = curve.errors(values)
    verdict = judge(values, errors, minimum, stopped_far)
    return Steps(float(eta), values, errors, np.array(slopes[: values.size]), verdict)


@dataclass(frozen=True)
class Curve:
    """What the 1-D view draws: J over ``thetas`` (range covering the start, the minimum and
    the steps that stay near), the minimum and the steps taken."""

    name: str
    label: str
    thetas: Array
    errors: Array
    minimum: float | None
    steps: Steps

    def tangent(self, k: int) -> tuple[float, float, float]:
        """(θ_k, J(θ_k), dJ/dθ at θ_k): the point and slope of the tangent at step ``k``."""
        s = self.steps
        k = max(0, min(int(k), s.thetas.size - 1))
        return float(s.thetas[k]), float(s.errors[k]), float(s.slopes[k])


def draw_curve(curve: Slice, start: float, eta: float, steps: int, points: int = 301) -> Curve:
    """The curve, its minimum and the descent from ``start``, on a range that shows them."""
    minimum = find_minimum(curve, start)
    taken = descend(curve, start, eta, steps, minimum)
    anchors = [start] if minimum is None else [start, minimum]
    reach = abs(start - minimum) if minimum is not None else max(1.0, abs(start))
    near = taken.thetas
    if taken.diverged:  # the range shows its first jumps, not the last (and largest)
        near = near[np.abs(near - anchors[-1]) <= 6.0 * max(reach, 1e-6)]
    low = float(min(min(anchors), near.min(initial=start)))
    high = float(max(max(anchors), near.max(initial=start)))
    pad = max(0.15 * (high - low), 0.5 if high - low < 1e-9 else 0.0)
    thetas = np.linspace(low - pad, high + pad, int(points))
    return Curve(curve.name, curve.label, thetas, curve.errors(thetas), minimum, taken)


def descent_path(
    network: Network,
    inputs: Array,
    targets: Array,
    names: tuple[str, str],
    start: tuple[float, float],
    alpha: float,
    steps: int,
    order: str = "simultaneous",
) -> Array:
    """Gradient descent over two parameters (every other one held): one row (θ0, θ1) per step.

    ``simultaneous``: both new values from the old ones, θj := θj − α ∂J/∂θj for j = 0 and 1,
    then both assigned. ``sequential`` (the slides' incorrect update): θ0 is assigned first
    and θ1's derivative is then taken with the new θ0. Stops early should a value run off.
    """
    if order not in ("simultaneous", "sequential"):
        raise ConfigError(f"Unknown update order {order!r}.")
    if not (np.isfinite(alpha) and 0 < alpha <= MAX_ETA):
        raise ConfigError(f"The learning rate α must be above 0 and at most {MAX_ETA:g}.")
    if not 1 <= int(steps) <= MAX_STEPS:
        raise ConfigError(f"Take 1 to {MAX_STEPS} steps, not {steps}.")
    probe = network.copy()
    for name in names:
        probe.spec.ref(name)  # a ConfigError for a name the network lacks
    x = np.atleast_2d(np.asarray(inputs, dtype=np.float64))
    t = np.atleast_2d(np.asarray(targets, dtype=np.float64))
    theta = [float(start[0]), float(start[1])]
    path = [(theta[0], theta[1])]
    for _ in range(int(steps)):
        probe.set(names[0], theta[0])
        probe.set(names[1], theta[1])
        g0, g1 = slopes_of(probe, x, t, names)
        theta[0] -= alpha * g0
        if order == "sequential" and np.isfinite(theta[0]) and abs(theta[0]) <= FAR:
            probe.set(names[0], theta[0])  # θ1's derivative now sees the new θ0
            g1 = slopes_of(probe, x, t, names[1:])[0]
        theta[1] -= alpha * g1
        if not all(np.isfinite(v) and abs(v) <= FAR for v in theta):
            break
        path.append((theta[0], theta[1]))
    return np.array(path, dtype=np.float64).reshape(-1, 2)


MAX_SPAN = 100.0  # the widest range a landscape that follows the weights reaches (±)
MIN_SPAN = 0.5


@dataclass(frozen=True)
class PathPlan:
    """The landscape's two descent paths and range: from θ = 0 (``start="zero"``, as on the
    slide) or from the current weights (``"current"``), ``steps`` steps of learning rate α
    each, simultaneous and sequential; with ``follow``, the range is centred on the current
    weights and reaches over both paths, the start and ``seen`` (the path the weights took)."""

    start: str = "zero"
    alpha: float = 10.0  # on the lecture's b2 × w5 the two updates part visibly, calmly
    steps: int = 40
    follow: bool = True
    seen: Array = field(default_factory=lambda: np.empty((0, 2)))

    def __post_init__(self) -> None:
        if self.start not in ("zero", "current"):
            raise ConfigError(f"Start from zero or from the current weights, not {self.start!r}.")


def covering_span(centre: tuple[float, float], points: Array) -> float:
    """The ± range around ``centre`` that holds every finite point of ``points`` (rows of two),
    with a tenth to spare; at least MIN_SPAN, at most MAX_SPAN."""
    rows = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    rows = rows[np.isfinite(rows).all(axis=1)]
    reach = float(np.abs(rows - np.asarray(centre)).max(initial=0.0))
    return float(min(MAX_SPAN, max(MIN_SPAN, 1.1 * reach)))


def planned_grid(
    network: Network,
    inputs: Array,
    targets: Array,
    first: str,
    second: str,
    *,
    span: float,
    size: int,
    plan: PathPlan,
) -> GridRun:
    """The landscape of ``first`` × ``second`` centred on the current weights, with the
    simultaneous and the sequential descent path from the plan's start drawn on it; its range
    is ``span``, or with ``plan.follow`` the one that covers the paths."""
    if first == second:
        raise ConfigError("Pick two different parameters for the error landscape.")
    centre = (network.get(first), network.get(second))
    start = (0.0, 0.0) if plan.start == "zero" else centre
    names = (first, second)
    paths = tuple(
        (order, descent_path(network, inputs, targets, names, start, plan.alpha, plan.steps, order))
        for order in ("simultaneous", "sequential")
    )
    if plan.follow:
        span = covering_span(
            centre, np.vstack([np.array([start]), plan.seen, *(p for _, p in paths)])
        )
    return GridRun(
        network,
        inputs,
        targets,
        first,
        second,
        span=span,
        size=size,
        centre=centre,
        paths=paths,
        alpha=plan.alpha,
    )
