r"""Learning-rate schedules with PyTorch's numbers.

``make(name, lr, **params)`` checks the parameters and returns a pure
``schedule(t)``: the rate used for update ``t`` (t = 0, 1, 2, ...), vectorised
over arrays of ``t`` and usable under ``jit``. It equals what PyTorch reports in
``optimizer.param_groups[0]["lr"]`` before its t-th ``optimizer.step()`` when
``scheduler.step()`` is called once after every update. Each closed form below
names the ``torch.optim.lr_scheduler`` class (or Keras class) it matches.

Parameter names and defaults follow PyTorch, except the horizon parameters
(``step_size``, ``milestones``, ``total_iters``, ``T_max``, ``T_0``,
``total_steps``, ``warmup_steps``, ``decay_steps``, ``step_size_up``), whose
defaults suit a 100-step demo (:func:`for_steps` fits them to a longer or
shorter run), and the few that PyTorch requires without a
default (``exponential``'s ``gamma``, ``time_based``'s ``decay_rate``).

Why not optax's schedule factories: they check integer arguments in Python
(``if transition_steps <= 0``), which fails when the engine passes them as
traced values so that moving a slider does not recompile, and some of them give
other numbers than PyTorch (cosine past ``T_max``, one-cycle off by one). The
closed forms here are our own; the tests compare them with optax wherever the
two agree.

Numeric parameters (``float``, ``int``) reach ``fn`` as JAX tracers, so ``fn``
branches on them only with ``jnp.where``; ``bool``, ``choice`` and ``ints``
parameters arrive as plain Python values. ``plateau`` depends on the loss and
lives in :mod:`lrviz.schedules._plateau`.

References:
    Loshchilov & Hutter, *SGDR: Stochastic Gradient Descent with Warm Restarts*,
    ICLR 2017, https://arxiv.org/abs/1608.03983 (cosine, cosine_restarts).
    Smith, *Cyclical Learning Rates for Training Neural Networks*, WACV 2017,
    https://arxiv.org/abs/1506.01186 (cyclic).
    Smith & Topin, *Super-Convergence*, 2018, https://arxiv.org/abs/1708.07120
    (onecycle).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import jax.numpy as jnp
import numpy as np

from lrviz.i18n import BilingualError, Key
from lrviz.params import ParamSpec, Spec, check_int, check_rate
from lrviz.schedules._plateau import PLATEAU_PARAMS, Plateau, PlateauState, replay

__all__ = ["SCHEDULES", "Plateau", "PlateauState", "ScheduleSpec", "get", "make", "plateau_rates"]

ScheduleFn = Callable[[Any, Any, Mapping[str, Any]], jnp.ndarray]


@dataclass(frozen=True)
class ScheduleSpec(Spec):
    """A registry entry: ``fn(t, lr, p)`` is the closed form (``None`` for ``plateau``)."""

    registry: ClassVar[str] = "schedule"
    fn: ScheduleFn | None = field(default=None, repr=False)
    needs_loss: bool = False


def _f32(x: Any) -> jnp.ndarray:
    return jnp.asarray(x, jnp.float32)


# XLA may turn a division by a constant into a multiplication by its reciprocal,
# so t / n can land a hair below a whole number. The helpers below keep step
# boundaries and end points exact.


def _floor_div(a: Any, b: Any) -> jnp.ndarray:
    """floor(a / b), corrected by one either way so whole-number boundaries are exact."""
    q = jnp.floor(a / b)
    q = jnp.where((q + 1.0) * b <= a, q + 1.0, q)
    return jnp.where(q * b > a, q - 1.0, q)


def _left(done: Any, length: Any) -> jnp.ndarray:
    """The fraction of a phase still ahead, (length - done) / length, in [0, 1].

    Exactly 1 at done = 0 and exactly 0 once done >= length (also for a phase of
    length 0). Computing what is left, rather than 1 - done / length, keeps the
    small values near the end of a decay accurate in float32.
    """
    ratio = (length - done) / jnp.where(length == 0, 1.0, length)
    return jnp.where(done >= length, 0.0, jnp.clip(ratio, 0.0, 1.0))


def _half_cos(left: Any) -> jnp.ndarray:
    """(1 + cos(pi (1 - left))) / 2 = sin(pi left / 2)**2: 1 at left = 1, 0 at left = 0."""
    return jnp.sin(jnp.pi / 2.0 * left) ** 2


def _mix(start: Any, end: Any, left: Any) -> jnp.ndarray:
    """left * start + (1 - left) * end: ``start`` at left = 1, ``end`` at left = 0, both exactly."""
    return left * start + (1.0 - left) * end


# --- closed forms: fn(t, lr, p) -------------------------------------------------


def _constant(t, lr, p):
    return jnp.broadcast_to(_f32(lr), jnp.shape(t))


def _step(t, lr, p):
    """StepLR: lr * gamma ** floor(t / step_size)."""
    return _f32(lr) * _f32(p["gamma"]) ** _floor_div(_f32(t), _f32(p["step_size"]))


def _multistep(t, lr, p):
    """MultiStepLR: lr * gamma ** #(milestones <= t); a repeated milestone counts twice."""
    t = _f32(t)
    passed = sum((t >= m).astype(jnp.float32) for m in p["milestones"]) + jnp.zeros_like(t)
    return _f32(lr) * _f32(p["gamma"]) ** passed


def _exponential(t, lr, p):
    """ExponentialLR: lr * gamma ** t."""
    return _f32(lr) * _f32(p["gamma"]) ** _f32(t)


def _time_based(t, lr, p):
    """Keras InverseTimeDecay: lr / (1 + decay_rate * t / decay_steps), floored when staircase."""
    t, n = _f32(t), _f32(p["decay_steps"])
    k = _floor_div(t, n) if p["staircase"] else t / n
    return _f32(lr) / (1.0 + _f32(p["decay_rate"]) * k)


def _linear(t, lr, p):
    """LinearLR: lr * (start + (end - start) * min(t, total_iters) / total_iters)."""
    left = _left(_f32(t), _f32(p["total_iters"]))
    return _f32(lr) * _mix(_f32(p["start_factor"]), _f32(p["end_factor"]), left)


def _polynomial(t, lr, p):
    """PolynomialLR: lr * (1 - min(t, total_iters) / total_iters) ** power."""
    return _f32(lr) * _left(_f32(t), _f32(p["total_iters"])) ** _f32(p["power"])


def _cosine(t, lr, p):
    """CosineAnnealingLR: eta_min + (lr - eta_min) (1 + cos(pi t / T_max)) / 2, for every t.

    Like torch (and unlike optax) the rate keeps following the cosine past
    ``T_max``: it climbs back to ``lr`` at ``2 T_max`` (period ``2 T_max``).
    Loshchilov & Hutter 2017, https://arxiv.org/abs/1608.03983.
    """
    T_max = _f32(p["T_max"])
    left = (T_max - jnp.mod(_f32(t), 2.0 * T_max)) / T_max  # in (-1, 1]: one period
    return _mix(_f32(lr), _f32(p["eta_min"]), _half_cos(left))


def _restart_cycle(t, T_0, T_mult):
    """(start, length) of the SGDR cycle holding step t; cycle i lasts T_0 * T_mult**i.

    The index comes from a log estimate (t / T_0 when T_mult == 1), corrected by
    one step either way so that exact boundaries land in the new cycle.
    """
    geometric = T_mult > 1
    m = jnp.where(geometric, T_mult, 2.0)  # a safe base for the unused branch

    def start(i):
        return jnp.where(geometric, jnp.round(T_0 * (m**i - 1.0) / (m - 1.0)), T_0 * i)

    estimate = jnp.where(geometric, jnp.log1p(t * (m - 1.0) / T_0) / jnp.log(m), t / T_0)
    i = jnp.floor(estimate)
    i = jnp.where(start(i + 1.0) <= t, i + 1.0, i)
    i = jnp.where(start(i) > t, i - 1.0, i)
    length = jnp.where(geometric, jnp.round(T_0 * m**i), T_0)
    return start(i), length


def _cosine_restarts(t, lr, p):
    """CosineAnnealingWarmRestarts: eta_min + (lr - eta_min) (1 + cos(pi T_cur / T_i)) / 2.

    T_cur counts the steps since the last restart; T_i = T_0 T_mult**i is the
    length of the current cycle. SGDR: Loshchilov & Hutter 2017,
    https://arxiv.org/abs/1608.03983.
    """
    t = _f32(t)
    start, length = _restart_cycle(t, _f32(p["T_0"]), _f32(p["T_mult"]))
    return _mix(_f32(lr), _f32(p["eta_min"]), _half_cos(_left(t - start, length)))


def _warmup_cosine(t, lr, p):
    """lr * t / warmup_steps, then a cosine from lr to eta_min at total_steps, eta_min after.

    Equals ``optax.warmup_cosine_decay_schedule(0, lr, warmup_steps, total_steps, eta_min)``.
    """
    t, lr = _f32(t), _f32(lr)
    warm, total = _f32(p["warmup_steps"]), _f32(p["total_steps"])
    rising = lr * t / jnp.maximum(warm, 1.0)
    falling = _mix(lr, _f32(p["eta_min"]), _half_cos(_left(t - warm, total - warm)))
    return jnp.where(t < warm, rising, falling)


def _cyclic_bounds(lr, p):
    base = lr if p["base_lr"] is None else p["base_lr"]
    peak = 4.0 * base if p["max_lr"] is None else p["max_lr"]
    return base, peak


def _cyclic(t, lr, p):
    """CyclicLR: base + (max - base) * triangle(t) * f, the rate only.

    With r = t mod (up + down), the triangle is r / up while r <= up and
    (up + down - r) / down after (torch's x / ratio and (x - 1) / (ratio - 1));
    f is 1 (triangular), 1 / 2**(cycle - 1) (triangular2, cycles counted from 1)
    or gamma**t (exp_range). torch's ``cycle_momentum`` (momentum cycling in
    the opposite direction) is not modelled. Smith 2017,
    https://arxiv.org/abs/1506.01186.
    """
    t = _f32(t)
    base, peak = (_f32(v) for v in _cyclic_bounds(lr, p))
    up = _f32(p["step_size_up"])
    down = up if p["step_size_down"] is None else _f32(p["step_size_down"])
    r = jnp.mod(t, up + down)
    cycle = jnp.round((t - r) / (up + down)) + 1.0
    triangle = jnp.where(r <= up, 1.0 - _left(r, up), _left(r - up, down))
    scale = {
        "triangular": jnp.ones_like(t),
        "triangular2": 0.5 ** (cycle - 1.0),
        "exp_range": _f32(p["gamma"]) ** t,
    }[p["mode"]]
    return base + (peak - base) * triangle * scale


def _onecycle(t, lr, p):
    """OneCycleLR: warm up from max_lr / div_factor to max_lr, then anneal to the minimum.

    Phases end at pct_start N - 1 and N - 1 (three_phase: pct_start N - 1,
    2 pct_start N - 2, N - 1); step t takes the first phase with t <= its end,
    pct = (t - start) / (end - start). torch raises past ``total_steps``; we hold
    the rate of step N - 1 from there on. torch's ``cycle_momentum`` is not
    modelled. ``optax.cosine_onecycle_schedule`` puts its phase ends one step
    later (pct_start N and N), so it is not used. Smith & Topin 2018,
    https://arxiv.org/abs/1708.07120.
    """
    t = jnp.minimum(_f32(t), _f32(p["total_steps"]) - 1.0)
    n, pct = _f32(p["total_steps"]), _f32(p["pct_start"])
    peak = _f32(lr if p["max_lr"] is None else p["max_lr"])
    initial = peak / _f32(p["div_factor"])
    lowest = initial / _f32(p["final_div_factor"])
    if p["three_phase"]:
        ends, levels = (pct * n - 1.0, 2.0 * pct * n - 2.0, n - 1.0), (initial, peak, initial, lowest)
    else:
        ends, levels = (pct * n - 1.0, n - 1.0), (initial, peak, lowest)
    starts = (_f32(0.0), *ends[:-1])
    cos = p["anneal_strategy"] == "cos"

    def phase(k):
        left = _left(t - starts[k], ends[k] - starts[k])
        return _mix(levels[k], levels[k + 1], _half_cos(left) if cos else left)

    rate = phase(len(ends) - 1)
    for k in reversed(range(len(ends) - 1)):
        rate = jnp.where(t <= ends[k], phase(k), rate)
    return rate


# --- parameter specs ------------------------------------------------------------


def _steps(name, default, lo=1) -> ParamSpec:
    """A horizon parameter: a whole number of steps."""
    return ParamSpec(name, default, kind="int", lo=lo, hi=10_000)


def _gamma(default) -> ParamSpec:
    """The decay factor: one label for every schedule, its help the schedule's own."""
    return ParamSpec("gamma", default, Key("schedule.param.gamma.label"), lo=0.0, hi=1.0, lo_open=True)


_ETA_MIN = ParamSpec("eta_min", 0.0, Key("schedule.param.eta_min.label"), Key("schedule.param.eta_min.help"),
                     lo=0.0)


def _cyclic_check(p: Mapping[str, Any], lr: float) -> None:
    base, peak = _cyclic_bounds(lr, p)
    if peak < base:
        raise BilingualError(Key("schedule.cyclic.error", max_lr=peak, base_lr=base))


def _warmup_check(p: Mapping[str, Any], lr: float) -> None:
    if p["total_steps"] <= p["warmup_steps"]:
        raise BilingualError(Key("schedule.warmup_cosine.error", total_steps=p["total_steps"],
                                 warmup_steps=p["warmup_steps"]))


_SPECS = (
    ScheduleSpec(
        "constant",
        r"\eta_t = \eta_0",
        fn=_constant,
    ),
    ScheduleSpec(
        "step",
        r"\eta_t = \eta_0 \, \gamma^{\lfloor t / \text{step\_size} \rfloor}",
        (
            _steps("step_size", 30),
            _gamma(0.1),
        ),
        fn=_step,
    ),
    ScheduleSpec(
        "multistep",
        r"\eta_t = \eta_0 \, \gamma^{\#\{m \in \text{milestones} \,:\, m \le t\}}",
        (
            ParamSpec("milestones", (30, 60, 80), kind="ints", lo=1, hi=10_000),
            _gamma(0.1),
        ),
        fn=_multistep,
    ),
    ScheduleSpec(
        "exponential",
        r"\eta_t = \eta_0 \, \gamma^{t}",
        (_gamma(0.95),),
        fn=_exponential,
    ),
    ScheduleSpec(
        "time_based",
        r"\eta_t = \frac{\eta_0}{1 + \text{decay\_rate} \cdot t / \text{decay\_steps}}"
        r"\quad(\text{staircase: } \lfloor t / \text{decay\_steps} \rfloor)",
        (
            ParamSpec("decay_rate", 0.5, lo=0.0, hi=100.0),
            _steps("decay_steps", 10),
            ParamSpec("staircase", False, kind="bool"),
        ),
        fn=_time_based,
    ),
    ScheduleSpec(
        "linear",
        r"\eta_t = \eta_0 \left(s + (e - s)\,"
        r"\frac{\min(t, \text{total\_iters})}{\text{total\_iters}}\right),"
        r"\quad s = \text{start\_factor},\ e = \text{end\_factor}",
        (
            ParamSpec("start_factor", 1.0 / 3.0, lo=0.0, hi=1.0, lo_open=True),
            ParamSpec("end_factor", 1.0, lo=0.0, hi=1.0),
            _steps("total_iters", 25),
        ),
        fn=_linear,
    ),
    ScheduleSpec(
        "polynomial",
        r"\eta_t = \eta_0 \left(1 - "
        r"\frac{\min(t, \text{total\_iters})}{\text{total\_iters}}\right)^{\text{power}}",
        (
            _steps("total_iters", 100),
            ParamSpec("power", 1.0, lo=0.0, hi=10.0, lo_open=True),
        ),
        fn=_polynomial,
    ),
    ScheduleSpec(
        "cosine",
        r"\eta_t = \eta_{\min} + \tfrac{1}{2}(\eta_0 - \eta_{\min})"
        r"\left(1 + \cos\frac{\pi t}{T_{\max}}\right)",
        (
            _steps("T_max", 100),
            _ETA_MIN,
        ),
        fn=_cosine,
    ),
    ScheduleSpec(
        "cosine_restarts",
        r"\eta_t = \eta_{\min} + \tfrac{1}{2}(\eta_0 - \eta_{\min})"
        r"\left(1 + \cos\frac{\pi T_{cur}}{T_i}\right),\quad T_i = T_0 \, T_{mult}^{\,i}",
        (
            _steps("T_0", 25),
            ParamSpec("T_mult", 1, kind="int", lo=1, hi=10),
            _ETA_MIN,
        ),
        fn=_cosine_restarts,
    ),
    ScheduleSpec(
        "warmup_cosine",
        r"\eta_t = \begin{cases} \eta_0\, t / \text{warmup\_steps} & t < \text{warmup\_steps} \\"
        r" \eta_{\min} + \tfrac{1}{2}(\eta_0 - \eta_{\min})(1 + \cos \pi \tau) & \word{otherwise}"
        r" \end{cases},\quad \tau = \min\!\left(1, "
        r"\frac{t - \text{warmup\_steps}}{\text{total\_steps} - \text{warmup\_steps}}\right)",
        (
            _steps("warmup_steps", 10, lo=0),
            _steps("total_steps", 100),
            _ETA_MIN,
        ),
        check=_warmup_check,
        fn=_warmup_cosine,
    ),
    ScheduleSpec(
        "cyclic",
        r"\eta_t = \text{base\_lr} + (\text{max\_lr} - \text{base\_lr}) \cdot \text{tri}(t) \cdot f,"
        r"\quad f \in \{1,\ 2^{1 - \word{cycle}},\ \gamma^{t}\}",
        (
            ParamSpec("base_lr", None, lo=0.0, optional=True),
            ParamSpec("max_lr", None, lo=0.0, optional=True),
            _steps("step_size_up", 10),
            ParamSpec("step_size_down", None, kind="int", lo=1, hi=10_000, optional=True),
            ParamSpec("mode", "triangular", kind="choice",
                      choices=("triangular", "triangular2", "exp_range")),
            _gamma(1.0),
        ),
        check=_cyclic_check,
        fn=_cyclic,
    ),
    ScheduleSpec(
        "onecycle",
        r"\frac{\text{max\_lr}}{\text{div\_factor}} \nearrow \text{max\_lr} \searrow"
        r" \frac{\text{max\_lr}}{\text{div\_factor}\cdot\text{final\_div\_factor}},"
        r"\quad \word{peak_at}\ t = \text{pct\_start}\cdot\text{total\_steps} - 1",
        (
            ParamSpec("max_lr", None, lo=0.0, lo_open=True, optional=True),
            _steps("total_steps", 100),
            ParamSpec("pct_start", 0.3, lo=0.0, hi=1.0),
            ParamSpec("anneal_strategy", "cos", kind="choice", choices=("cos", "linear")),
            ParamSpec("div_factor", 25.0, lo=1.0, hi=1e4, log=True),
            ParamSpec("final_div_factor", 1e4, lo=1.0, hi=1e8, log=True),
            ParamSpec("three_phase", False, kind="bool"),
        ),
        fn=_onecycle,
    ),
    ScheduleSpec(
        "plateau",
        r"\eta \leftarrow \max(\text{factor}\cdot\eta,\ \text{min\_lr})"
        r"\quad (n_{\text{bad}} > \text{patience})",
        PLATEAU_PARAMS,
        needs_loss=True,
    ),
)

SCHEDULES: dict[str, ScheduleSpec] = {spec.name: spec for spec in _SPECS}


def get(name: str) -> ScheduleSpec:
    """The spec of schedule ``name``; ``ValueError`` listing the ids if unknown."""
    try:
        return SCHEDULES[name]
    except KeyError:
        raise ValueError(f"Unknown schedule {name!r}; choose one of: {', '.join(SCHEDULES)}.") from None


def make(name: str, lr: float, **params: Any) -> Callable[[Any], jnp.ndarray] | Plateau:
    """``schedule(t)`` for schedule ``name`` at base rate ``lr``; a :class:`Plateau` for ``plateau``.

    Every parameter is checked here; a bad one raises ``ValueError`` naming it.
    """
    spec = get(name)
    lr = check_rate(lr)
    p = spec.resolve(params, lr)
    if spec.fn is None:
        return Plateau(lr, p)

    def schedule(t: Any) -> jnp.ndarray:
        return spec.fn(t, lr, p)

    return schedule


def plateau_rates(lr: float, losses: Any, **params: Any) -> np.ndarray:
    """Replay ReduceLROnPlateau over ``losses``: rates[0] = lr, rates[t + 1] = the rate after losses[t]."""
    return np.asarray(replay(make("plateau", lr, **params), losses))


DEMO_STEPS = 100  # the run length that the horizon parameters' defaults suit (module docstring)
HORIZONS = frozenset({"step_size", "milestones", "total_iters", "T_max", "T_0", "total_steps", "warmup_steps",
                      "decay_steps", "step_size_up"})


def for_steps(name: str, steps: int) -> ScheduleSpec:
    """Schedule ``name`` with the defaults of its horizon parameters (:data:`HORIZONS`) fitted to
    ``steps`` updates instead of the 100-step demo: each default d becomes round(d · steps / 100),
    kept within the parameter's bounds (milestones one by one). A cosine then anneals over the
    whole run (T_max = steps) and a one-cycle ends with it. Only defaults change: given values and
    every check stay as they are, and at 100 steps the spec is the registry's own.
    """
    spec = get(name)
    steps = check_int("steps", steps)

    def fit(p: ParamSpec, d: int) -> int:
        return int(min(max(round(d * steps / DEMO_STEPS), p.lo), p.hi))

    def scaled(p: ParamSpec) -> ParamSpec:
        if p.name not in HORIZONS or p.default is None:
            return p
        value = tuple(fit(p, d) for d in p.default) if p.kind == "ints" else fit(p, p.default)
        return replace(p, default=value)

    return replace(spec, params=tuple(scaled(p) for p in spec.params))
