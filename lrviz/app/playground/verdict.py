"""A run's outcome in plain words, with the run's own numbers, in either language.

``verdict(run, surface, lang)`` turns a :class:`~lrviz.engine.Trajectory` into a
headline ("Diverged at step 7.") and a sentence of explanation and advice
("Each step overshot further …; try a rate below 0.667 (2/λmax)."). The
sentences live in the locale files under ``verdict.*``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from lrviz import optimizers
from lrviz.app.kit import landscape
from lrviz.engine import Trajectory, diagnostics
from lrviz.engine.diagnostics import Limit, Status
from lrviz.i18n import t
from lrviz.surfaces import Surface

FLATTER = 1.05  # a valley run that ends this much flatter than it started is called flatter
SCHEDULE_CUT = 0.5  # a slow run whose rate a schedule cut below this share of its peak blames the schedule
# A run that went uphill in at least this share of its steps is not crawling: its steps are too
# long (or too noisy) to settle, and a larger rate is not the cure (Adam on Rosenbrock at η = 1.2:
# 44 % of 100 steps uphill; a rate that is merely small goes uphill in none).
BUMPY = 1 / 3
EARLY = 3  # a run converged within this many steps, yet still swinging, is told it swung on
SHRINKING = 0.95  # swings this much smaller than the last, or less, are settling
SADDLE_STAY = 5  # steps near a saddle point that a converged run's verdict mentions
CRAWL = 0.02  # a rate under this share of the critical one is called stable but slow before the run
HEAVY = 0.9  # from this momentum on, a run that has not settled is told the momentum, not η, sets its pace


class Verdict(NamedTuple):
    status: Status
    headline: str
    detail: str


# Numbers from here to 1e4 are written plainly, smaller ones with an exponent: 1e-4 is the rate
# slider's lowest stop, which the slider writes 0.0001 (and Python's g format does, down to 1e-4).
PLAIN_FROM = 1e-4


def number(value: float) -> str:
    """A number as a student reads it: 3 significant digits, no noise; a whole number from 1000 to
    9999 keeps its four (Rosenbrock's λmax = 1002, not "1e+03", which .3g would write); plain from
    :data:`PLAIN_FROM` (η = 0.00025, as the slider writes it), with an exponent below (1.00e-06)."""
    if value is None or not math.isfinite(value):
        return "∞" if value is not None and value > 0 else "—"
    if value == 0:
        return "0"
    # What rounds to 1e4 is written as 1e4 is; at the low end the notation follows the value as
    # rounded too: float32's 1e-4 (9.99999975e-05), the slider's lowest stop, reads as 1e-4 does.
    tiny = abs(value) < PLAIN_FROM and abs(float(f"{value:.2e}")) < PLAIN_FROM
    if tiny or abs(value) >= 9999.5:
        return f"{value:.2e}"
    return f"{value:.{4 if abs(value) >= 999.5 else 3}g}"


def number_apart(value: float, other: float) -> str:
    """:func:`number`, with the digits it takes to read apart from ``other`` on the side it is: a
    local critical rate of 0.002495 under η = 0.0025 is "0.002495", and Rosenbrock's 2/λmax of
    0.0019968 beside η = 0.002 is "0.001997", not "0.002" (then "η = 0.002 is above 0.002")."""
    text = number(value)
    # Within a finite-difference curvature's error they are one number (the saddle's 2/λmax,
    # 0.99999984, beside η = 1), as diagnostics.at_limit reads them.
    if not (math.isfinite(value) and math.isfinite(other)) or other == 0 \
            or math.isclose(value, other, rel_tol=diagnostics.SAME_RATE):
        return text
    if text != number(other) and (float(text) < float(number(other))) == (value < other):
        return text
    return f"{value:.{_digits_apart(value, other)}g}"


def _digits_apart(value: float, other: float) -> int:
    """Significant digits that tell ``value`` from ``other`` (at least three)."""
    return max(3, 1 - math.floor(math.log10(abs(other - value) / abs(other))))


def number_after_step(new: float, old: float) -> str:
    """``new``, a coordinate one step on from ``old``, with the digits that show the step to three
    significant digits: 2.5 − 0.005 reads 2.495 (not 2.49, a step of 0.01), −1.2 + 0.0216 reads
    −1.1784; a step as large as the value keeps :func:`number`'s three digits."""
    step = abs(new - old)
    if not (math.isfinite(new) and math.isfinite(step)) or step == 0 or new == 0:
        return number(new)
    places = min(max(math.floor(math.log10(abs(new))) - (math.floor(math.log10(step)) - 2) + 1, 3), 8)
    # In number()'s notation: plain from PLAIN_FROM to 1e4, else with an exponent (5.12e-05, not
    # 0.0000512), its mantissa's trailing zeros dropped as the plain form drops them.
    if PLAIN_FROM <= abs(new) < 1e4:
        return f"{new:.{places}g}"
    mantissa, exponent = f"{new:.{places - 1}e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"


def near_one(value: float, whole: float = 1.0) -> str:
    """A value just under ``whole`` with enough digits that it does not round to it:
    0.99 → "0.99", √0.99 → "0.995", √0.9999 → "0.99995", 99.99 (of 100) → "99.99"."""
    digits = 3 if value >= whole else _digits_apart(value, whole)
    return f"{value:.{digits}g}"


def point(p: np.ndarray) -> str:
    """``x = 0.961`` in 1-D, ``(x, y) = (1.00, 0.998)`` in 2-D."""
    p = np.asarray(p, dtype=float).reshape(-1)
    if p.size == 1:
        return f"x = {number(p[0])}"
    return "(x, y) = (" + ", ".join(number(v) for v in p) + ")"


def outcome(run: Trajectory, lang: str) -> str:
    """What happened, short enough for a legend: "converged in 312 steps", "diverged at step 9"."""
    if run.status == "converged" and run.converged_at is not None:
        if run.converged_at == 1:
            return t("status.converged_in_one", lang)
        return t("status.converged_in", lang, steps=run.converged_at)
    if run.status == "diverged" and run.diverged_at is not None:
        return t("status.diverged_at", lang, step=run.diverged_at)
    return t(f"status.{run.status}", lang)


def verdict(run: Trajectory, surface: Surface, lang: str, limit: Limit | None = None, *,
            noise: float = 0.0, clipped: bool = False, view: landscape.View | None = None,
            inside: np.ndarray | None = None) -> Verdict:
    """The headline and explanation for ``run`` on ``surface``, in ``lang``.

    ``limit`` is the optimizer's critical rate (:func:`lrviz.engine.diagnostics.stability_limit`);
    advice that names a rate is given only where one exists. ``noise``: the gradient noise's
    standard deviation, which keeps a run that reached its minimum jittering about it; ``clipped``:
    gradient clipping is on, which keeps a run above the limit bouncing rather than diverging.
    ``view`` (the plot's box, :class:`~lrviz.app.kit.landscape.View` about the run's start) and
    ``inside`` (which of the run's points lie in it): where the caller has them already (a chart
    payload's runs share one view).
    """
    status = run.status
    final = run.points[-1]
    best = number(surface.f_min)
    minima = np.asarray(surface.minima) if surface.minima else np.zeros((0, surface.dim))

    if limit is not None and limit.coasting and status != "converged":  # neither overshoot nor crawl
        detail = t("verdict.coasting_detail", lang, **coasting_values(limit))
        if status != "diverged":
            return Verdict(status, t("verdict.coasting", lang, point=point(final)), detail)
        # Past the escape box, though it would stop: first step / (1 − μ) from the start.
        first = float(np.linalg.norm(run.points[1] - run.points[0]))
        travel = number(first / (1 - limit.momentum))
        away = t("verdict.coasting_away", lang, step=run.diverged_at, box=_escape_box(run, surface, lang),
                 travel=travel)
        return Verdict(status, t("verdict.diverged", lang, step=run.diverged_at), away + " " + detail)

    if status == "diverged":
        headline = t("verdict.diverged", lang, step=run.diverged_at)
        if not len(minima):  # nothing to overshoot: the loss falls without end and the point runs off
            return Verdict(status, headline, t("verdict.diverged_no_minimum", lang))
        detail = t("verdict.diverged_detail", lang, growth=number(_growth(run, minima)))
        if view is None:
            view = landscape.View(surface, start=run.points[0])
        left = view.exit_point(run.points, inside)
        if left is not None and left[0] < run.diverged_at:  # two step numbers on screen: say why
            detail += " " + t("verdict.diverged_left", lang, left=left[0], step=run.diverged_at,
                              box=_escape_box(run, surface, lang))
        return Verdict(status, headline, detail + " " + _diverged_fix(run, surface, limit, left, lang))
    if status == "converged" and noise > 0 and run.steps - (run.converged_at or 0) < _window(run) \
            and (jitter := _jitter(run, surface, noise, lang)):
        # Its last few points fell inside the minimum's band by chance (x² at η = 0.3, noise 0.2:
        # "converged in 127 steps" with seed 0 and 130 steps, jittering with seed 1, or 120 steps).
        return jitter
    if status == "converged":
        steps = run.converged_at if run.converged_at is not None else run.steps
        detail = t("verdict.converged_detail", lang, loss=number(run.losses[-1]), best=best)
        if (swing := _settling_swing(run, steps)) is not None:
            detail += " " + t("verdict.converged_zigzag", lang, ratio=number(swing))
        # The rates of the minimum the run reached, which need not be the one nearest the start.
        # (λmax there is a property of the surface: asked once per minimum, not once per run.)
        _, critical_lr, nearest, fastest = diagnostics.minimum_rates(surface, final) or (None,) * 4
        if (drifting := _drifting(run, limit, critical_lr, nearest, clipped, lang)) is not None:
            return drifting
        visit = diagnostics.saddle_visit(surface, run.points)
        if visit is not None and visit[0] >= SADDLE_STAY:
            detail += " " + t("verdict.saddle_passed", lang, steps=visit[0], point=point(np.array(visit[1])))
        if limit is not None and limit.plain and not limit.shift and fastest is not None:
            # 1-D: one curvature, the quickest rate is 1/λ; a valley of minima (λmin = 0): none is
            key = ("verdict.converged_gd_1d" if surface.dim == 1 else
                   "verdict.converged_gd_flat" if fastest >= 0.99 * critical_lr else "verdict.converged_gd")
            detail += " " + t(key, lang, critical=number(critical_lr),
                              fastest=number(fastest), overshoot=number(critical_lr / 2),
                              point=point(np.asarray(nearest)))
        if surface.valley:
            headline = {0: "verdict.converged_start", 1: "verdict.converged_valley_one"}.get(
                steps, "verdict.converged_valley")
            return Verdict(status, t(headline, lang, steps=steps),
                           detail + " " + valley_sharpness(run, surface, lang, limit))
        return Verdict(
            status,
            t({0: "verdict.converged_start", 1: "verdict.converged_one"}.get(steps, "verdict.converged"),
              lang, steps=steps),
            detail,
        )
    if (settled := _at_decayed_minimum(run, surface, minima, limit, lang)) is not None:
        return settled
    if noise > 0 and status in ("slow", "oscillating") and (jitter := _jitter(run, surface, noise, lang)):
        return jitter
    if status == "stuck_local":
        rolling = limit is not None and limit.kind in ("heavy_ball", "nesterov")  # momentum is on already
        key = "verdict.stuck_local_detail_momentum" if rolling else "verdict.stuck_local_detail"
        return Verdict(status, t("verdict.stuck_local", lang, point=point(final)),
                       t(key, lang, loss=number(run.losses[-1]), best=best))
    if status in ("oscillating", "slow") and (swinging := _swings(run, surface, limit)) is not None:
        mu, shrink = limit.momentum, math.sqrt(limit.momentum)
        lighter, usual = diagnostics.lighter_momentum(mu, *swinging)  # the best lighter one at this rate
        # Offered only where it is quicker, by 0.2 % a step at least: where the flattest direction
        # only just swings, every lighter ball creeps there (the ravine at η = 0.003, μ = 0.9).
        key = "verdict.momentum_detail" if usual < shrink - 0.002 else "verdict.momentum_detail_best"
        detail = t(key, lang, mu=near_one(mu), keep=near_one(100 * mu, whole=100),
                   shrink=near_one(shrink), steps=f"{math.log(100) / -math.log(shrink):.0f}",
                   lighter=f"{lighter:g}", usual=number_apart(usual, shrink))
        if limit.shift > 0:  # which minimum: not the ★ of L, but where weight decay moves it
            moved = diagnostics.decayed_minimum(surface, tuple(run.curvature.nearest_minimum), limit.shift)
            detail += " " + t("verdict.momentum_decayed", lang, w=number(limit.shift), point=point(moved))
        return Verdict(status, t("verdict.momentum", lang, mu=near_one(mu)), detail)
    if status == "oscillating":
        # 1-D: one direction, and the minimum is what the steps jump over (no valley to cross)
        swinging = t("verdict.oscillating_1d" if surface.dim == 1 else "verdict.oscillating", lang)
        window, reversed_ = _reversals(run)
        share = 100 * reversed_
        then, now = run.losses[-window - 1], run.losses[-1]
        if limit is not None and diagnostics.at_limit(float(run.lrs[-1]), limit):  # exactly at the edge
            return Verdict(status, swinging, t(
                "verdict.oscillating_at_detail", lang, share=f"{share:.0f}", window=window,
                lr=number(run.lrs[-1]), formula=limit.formula))
        if limit is not None and now > FLATTER * then and run.lrs[-1] > limit.value:  # growing: diverging
            return Verdict(status, t("verdict.oscillating_growing", lang), t(
                "verdict.oscillating_growing_detail", lang, share=f"{share:.0f}", window=window,
                then=number(then), now=number(now), lr=number_apart(float(run.lrs[-1]), limit.value),
                critical=number_apart(limit.value, float(run.lrs[-1]))))
        if limit is not None and run.lrs[-1] > limit.value:  # above the limit, yet the swings keep their size
            return Verdict(status, swinging, t(
                "verdict.oscillating_clipped_detail" if clipped else "verdict.oscillating_above_detail",
                lang, share=f"{share:.0f}", window=window,
                lr=number(run.lrs[-1]), critical=number(limit.value), formula=limit.formula))
        return Verdict(
            status,
            swinging,
            t(
                "verdict.oscillating_detail" if limit is not None else "verdict.oscillating_detail_adaptive",
                lang,
                share=f"{share:.0f}",
                window=window,
                lr=number(run.lrs[-1]),
            ),
        )
    if status == "saddle":  # named by the saddle point itself where one is listed near the run's end
        saddles = np.asarray(surface.saddles, dtype=float).reshape(-1, surface.dim)
        distance = np.linalg.norm(saddles - final, axis=-1)
        near = len(saddles) and distance.min() <= 10 * diagnostics.tolerance(surface)  # classify's net
        saddle = saddles[int(np.argmin(distance))] if near else final  # else one the engine found itself
        norms = np.linalg.norm(run.grads, axis=-1) if len(run.grads) else np.zeros(1)
        return Verdict(
            status,
            t("verdict.saddle", lang, point=point(saddle)),
            t("verdict.saddle_detail", lang, point=point(final), grad=number(float(norms[-1])),
              start=number(float(norms[0]))),
        )
    speed = float(np.linalg.norm(run.points[-1] - run.points[-2])) if len(run.points) > 1 else 0.0
    if not len(minima):
        return Verdict("slow", t("verdict.slow_no_minimum", lang, steps=run.steps),
                       t("verdict.no_minimum", lang, speed=number(speed)))
    distance = float(np.min(np.linalg.norm(minima - final, axis=-1)))
    numbers = dict(steps=run.steps, distance=number(distance), speed=number(speed))
    if limit is not None and len(run.lrs) and np.isfinite(limit.value):
        rate = float(run.lrs[-1])  # the rate a schedule has reached by now
        why = "above" if rate > limit.value else "valley" if rate >= limit.value / 4 else None
        if why == "above" and _travelling(run, surface, limit):  # not bouncing: on its way, not there yet
            why = "travelling"
        if why:  # a larger rate is not the cure: it overshoots, or soon would
            numbers.update(critical=number_apart(limit.value, rate), formula=limit.formula,
                           share=f"{math.floor(100 * rate / limit.value)}")  # 99.6 %: not "100"
            return Verdict("slow", t(f"verdict.slow_{why}", lang, **numbers),
                           t(f"verdict.slow_{why}_detail", lang, **numbers))
    if len(run.lrs) and run.lrs[-1] < SCHEDULE_CUT * run.lrs.max():  # the schedule, not η, ran out
        numbers.update(lr=number(float(run.lrs.max())), now=number(float(run.lrs[-1])))
        return Verdict("slow", t("verdict.slow_schedule", lang, **numbers),
                       t("verdict.slow_schedule_detail", lang, **numbers))
    uphill = float(np.mean(np.diff(run.losses) > 0)) if len(run.losses) > 1 else 0.0
    if uphill >= BUMPY:
        numbers.update(share=f"{100 * uphill:.0f}")
        detail = "verdict.slow_bumpy_noisy_detail" if noise > 0 else "verdict.slow_bumpy_detail"
        return Verdict("slow", t("verdict.slow_bumpy", lang, **numbers), t(detail, lang, **numbers))
    return Verdict("slow", t("verdict.slow", lang, **numbers), t("verdict.slow_detail", lang, **numbers))


def _travelling(run: Trajectory, surface: Surface, limit: Limit) -> bool:
    """Whether a plain gradient-descent run above the limit is still on its way to the minimum: over
    its last steps (a fifth of the run, 4 to 20) it reversed fewer than half of them, and its loss
    fell at every one. Momentum can roam without reversing, a run that hops between wells does not
    fall steadily, and a valley of minima has its own line (``critical_above_valley``)."""
    if limit.kind != "plain" or surface.valley:
        return False
    window, reversed_ = _reversals(run)
    return bool(reversed_ < 0.5 and np.all(np.diff(run.losses[-window - 1:]) < 0))


def _settling_swing(run: Trajectory, steps: int) -> float | None:
    """How much each swing shrank, where a run counted as converged within its first few steps
    (already within the tolerance) yet zig-zagged on: its first moves after that reversed, each
    about the returned fraction of the one before. None where it did not, or soon stood still.

    A start near the valley of minima on (xy − 1)²/2 at η = 0.2 was "reached in a single step,
    and stayed on it" while its path crossed the valley eight times, each swing 0.6× the last."""
    moves = np.diff(run.points[steps: steps + 9], axis=0)
    if not 1 <= steps <= EARLY or len(moves) < 3:  # at 0 the start is the minimum: its own headline
        return None
    lengths = np.linalg.norm(moves, axis=-1)
    if not np.all(lengths > 1e-3 * np.linalg.norm(run.points[1] - run.points[0])):  # standing still
        return None
    if np.mean(np.sum(moves[1:] * moves[:-1], axis=-1) < 0) < 0.5:
        return None
    ratio = float(np.median(lengths[1:] / lengths[:-1]))
    return ratio if ratio < SHRINKING else None  # x² at η = 1.02 from 1e-4 "converged" while growing


def _drifting(run: Trajectory, limit: Limit | None, critical: float | None, minimum: tuple | None,
              clipped: bool, lang: str) -> Verdict | None:
    """Plain gradient descent that came within reach of a minimum but not to rest there: its rate is
    above that minimum's critical rate, so its swings grow, only too slowly to leave in the steps it
    had (Himmelblau at η = 0.015, where the minimum at (−3.78, −3.28) has 2/λmax ≈ 0.0149: within
    reach after 100 steps, oscillating away after 300). Told as the oscillation it is; None otherwise."""
    if limit is None or not limit.plain or limit.shift or clipped or critical is None or not len(run.lrs):
        return None
    lr = float(run.lrs[-1])
    window, reversed_ = _reversals(run)
    then, now = float(run.losses[-window - 1]), float(run.losses[-1])
    growing = reversed_ >= diagnostics.FLIP_SHARE and now > FLATTER * then
    if not (growing and lr > critical * (1 + diagnostics.SAME_RATE)):
        return None
    return Verdict("oscillating", t("verdict.oscillating_growing", lang), t(
        "verdict.drifting_detail", lang, point=point(np.asarray(minimum)), share=f"{100 * reversed_:.0f}",
        window=window, then=number(then), now=number(now), lr=number_apart(lr, critical),
        critical=number_apart(critical, lr)))


def _reversals(run: Trajectory) -> tuple[int, float]:
    """The last steps a run's end is read over (a fifth of the run, 4 to 20), and the share of them
    that reversed the step before (all, where there are too few to tell)."""
    window = int(np.clip(run.steps // 5, 4, 20))
    moves = np.diff(run.points[-window - 1:], axis=0)
    reversed_ = float(np.mean(np.sum(moves[1:] * moves[:-1], axis=-1) < 0)) if len(moves) > 1 else 1.0
    return window, reversed_


def valley_sharpness(run: Trajectory, surface: Surface, lang: str, limit: Limit | None) -> str:
    """How flat the point of a valley of minima where ``run`` came to rest is: its sharpness
    (largest Hessian eigenvalue) against the start's, whether the loss climbed first (the
    catapult, Lewkowycz et al. 2020), and, for plain GD, the sharpest place 2/η its rate allows."""
    end, start = diagnostics.lam_max(surface, run.points[-1]), run.curvature.lam_start
    values = dict(end=number(end), start=number(start), ratio=number(start / end) if end > 0 else "∞")
    flatter = end > 0 and start / end >= FLATTER
    text = t("verdict.valley_flatter" if flatter else "verdict.valley_same", lang, **values)
    if limit is None or not limit.plain or limit.shift or not len(run.lrs):  # the catapult is plain GD's
        return text
    climb = float(np.nanmax(run.losses)) / run.losses[0] if run.losses[0] > 0 else 1.0
    if climb >= FLATTER:
        text += " " + t("verdict.valley_climb", lang, climb=number(climb))
    return text + " " + t("verdict.valley_edge", lang, edge=number(2 / float(run.lrs[-1])))


def coasting_values(limit: Limit) -> dict[str, str]:
    """The numbers the sentences on a coasting run (:attr:`Limit.coasting`) quote: μ, and the
    1/(1 − μ) first steps it travels in all."""
    return dict(mu=number(limit.momentum), times=number(1 / (1 - limit.momentum)))


def has_rate_line(limit: Limit | None) -> bool:
    """Whether :func:`rate_line` has something to say: a finite critical rate, or a coasting run."""
    return limit is not None and (bool(np.isfinite(limit.value)) or limit.coasting)


def no_limit_line(optimizer: str, curvature: diagnostics.Curvature, lang: str) -> str | None:
    """Why the optimizer has no critical rate: it rescales its steps (adaptive), or averages them
    with weights that change along the run (schedule-free); None where it has one."""
    spec = optimizers.get(optimizer)
    if spec.has_critical_rate:
        return None
    key = "pg.averaged" if spec.averaged else "pg.adaptive"
    return t(key, lang, optimizer=spec.title(lang), critical=f"{curvature.critical_lr:.3g}")


def rate_line(
    lr: float, limit: Limit, curvature: diagnostics.Curvature, lang: str, *, name_minimum: bool,
    clipped: bool = False, scheduled: bool = False, surface: Surface | None = None,
) -> str:
    """Where ``lr`` stands against the critical rate, said before the run (Markdown).

    Below, at or above the limit; for plain gradient descent (2/λmax) also whether it is past
    1/λmax, where each step overshoots the minimum and the run zig-zags in; far below it
    (under :data:`CRAWL` of it), that the run is stable but crawls. ``name_minimum``:
    say which minimum the limit belongs to (the one nearest the start). Where the start is much
    steeper than that minimum and ``lr`` too large for it, a second sentence says so. ``clipped``:
    gradient clipping caps every step, so a rate above the limit bounces rather than diverges.
    ``scheduled``: a schedule changes the rate along the run, which the line then says (the run at
    η = 1 on x² with a cosine settles, though η = 1 is the limit). ``surface``: where its minima form
    a valley whose sharpness changes along it, a rate above the limit near the start need not
    diverge, as it may land on a flatter stretch (the catapult valley); where weight decay moves
    the minimum, the point named is where it moves to (the limit is read there).
    With dampening τ = 1 (:attr:`Limit.coasting`) no rate is critical, and the line says why.
    """
    if limit.coasting:
        return t("pg.critical_coasting", lang, **coasting_values(limit))
    valley = surface is not None and surface.valley
    if diagnostics.at_limit(lr, limit):
        side = "at"
    elif lr > limit.value:
        side = "above"
    elif limit.plain and lr > limit.value / 2:
        side = "zigzag"
    else:
        side = "crawl" if lr < CRAWL * limit.value else "below"
    where = ""
    if name_minimum and curvature.nearest_minimum is not None:
        nearest = tuple(curvature.nearest_minimum)
        if limit.shift > 0 and surface is not None:
            moved = diagnostics.decayed_minimum(surface, nearest, limit.shift)
            where = t("pg.critical_where_decayed", lang, point=point(moved), w=number(limit.shift))
        else:
            where = t("pg.critical_where", lang, point=point(np.asarray(nearest)))
    key = f"pg.critical_{side}"
    if side == "zigzag" and _one_dimensional(curvature, surface):  # no steepest direction to name
        key = "pg.critical_zigzag_1d"
    if side == "above" and (valley or clipped):
        key = "pg.critical_above_valley" if valley else "pg.critical_above_clipped"
    text = t(key, lang, lr=f"{lr:g}", formula=limit.formula, critical=number_apart(limit.value, lr),
             half=number_apart(limit.value / 2, lr), half_formula="1" + limit.formula[1:], where=where)
    # Settles, but the momentum sets the pace: where the ball swings (along the sharpest direction at
    # least: the roots of z² − (1 + μ − ηλ)z + μ are complex), not where so small a rate makes it creep.
    mu = limit.momentum
    if side in ("below", "crawl") and mu >= HEAVY and diagnostics.swings(mu, _sharpest_step(limit, lr)):
        text += " " + t("pg.critical_heavy", lang, mu=near_one(limit.momentum),
                        shrink=near_one(math.sqrt(limit.momentum)))
    steep = diagnostics.start_limit(limit, curvature)
    if side != "above" and steep is not None and lr > steep:
        text += " " + t("pg.critical_steep", lang, lam=number(curvature.lam_start), local=number(steep))
    if curvature.corner:  # the limit is the bowl's under the kink, and the kink keeps the run bouncing
        text += " " + t("pg.corner", lang)
    if scheduled:
        text += " " + t("pg.critical_scheduled", lang)
    return text


def _one_dimensional(curvature: diagnostics.Curvature, surface: Surface | None) -> bool:
    """Whether the rate line speaks of a 1-D surface: the surface's, else its minimum's dimension."""
    if surface is not None:
        return surface.dim == 1
    return curvature.nearest_minimum is not None and len(curvature.nearest_minimum) == 1


def _diverged_fix(run: Trajectory, surface: Surface, limit: Limit | None, left: tuple | None,
                  lang: str) -> str:
    """What to do about a diverged run: a rate below the limit where it was past it; where it was
    below, the steeper ground that threw it off, at the start or on its way (``left``: where it
    left the plot, after which its points say nothing about the cause)."""
    if limit is None:
        return t("verdict.diverged_fix_other", lang)
    lr, steep = float(run.lrs[0]), diagnostics.start_limit(limit, run.curvature)
    numbers = dict(formula=limit.formula, critical=number_apart(limit.value, lr))
    if lr > limit.value:
        # Half the lower of the minimum's and the start's limits, to one digit: for plain GD about
        # 1/λ, the quickest rate (a tenth of η can still be far above it: η = 0.5 on Rosenbrock,
        # where the limit is 0.002).
        bound = limit.value if steep is None else min(limit.value, steep)
        # On a valley of minima a rate above the limit can still be thrown onto a flatter stretch and
        # settle (the catapult): the limit is where settling under the start ends, not where any run fails.
        key = "verdict.diverged_fix_valley" if surface.valley else "verdict.diverged_fix_gd"
        return t(key, lang, suggest=f"{float(f'{bound / 2:.1g}'):g}", **numbers)
    rates = run.lrs[: run.diverged_at]
    raised = np.flatnonzero(rates > limit.value * (1 + diagnostics.SAME_RATE))
    if len(raised):  # a schedule (a warm-up, a cycle) took the rate past the limit on the way
        k = int(raised[0])
        return t("verdict.diverged_fix_schedule", lang, step=k, reached=number(rates[k]),
                 peak=number(float(rates.max())), **numbers)
    if steep is not None and lr > steep:  # fine at the minimum, too much at the start
        return t("verdict.diverged_fix_steep", lang, lr=number(lr), lam=number(run.curvature.lam_start),
                 local=number_apart(steep, lr), **numbers)
    seen = run.points[: left[0] if left is not None else run.diverged_at]
    found = diagnostics.steeper_on_path(surface, seen, run.lrs, limit, run.curvature)
    if found is None:
        return t("verdict.diverged_fix_other", lang)
    key = "verdict.diverged_fix_steep" if found.step == 0 else "verdict.diverged_fix_path"  # the start
    return t(key, lang, lr=number(found.lr), step=found.step, point=point(found.point), lam=number(found.lam),
             local=number_apart(found.limit, found.lr), **numbers)


def _at_decayed_minimum(run: Trajectory, surface: Surface, minima: np.ndarray, limit: Limit | None,
                        lang: str) -> Verdict | None:
    """A run with weight decay w that came to rest where L + w/2·‖θ‖² is least
    (:func:`lrviz.engine.diagnostics.decayed_minimum`), not at L's own minimum; None otherwise."""
    final = run.points[-1]
    if limit is None or limit.shift <= 0 or not len(minima) or not np.all(np.isfinite(final)):
        return None
    nearest = tuple(float(v) for v in minima[int(np.argmin(np.linalg.norm(minima - final, axis=-1)))])
    moved = diagnostics.decayed_minimum(surface, nearest, limit.shift)
    if np.linalg.norm(final - moved) > diagnostics.tolerance(surface):
        return None
    return Verdict("converged", t("verdict.decayed", lang, point=point(moved)), t(
        "verdict.decayed_detail", lang, w=number(limit.shift), minimum=point(np.asarray(nearest))))


def _swings(run: Trajectory, surface: Surface, limit: Limit | None) -> tuple[float, float] | None:
    """(ηλ' along the sharpest direction, along the flattest) where a heavy ball with momentum
    μ ≥ :data:`HEAVY` swings about its minimum along every direction: where (1 − √μ)² < ηλ' <
    (1 + √μ)² for each curvature λ' its steps meet there, both roots of z² − (1 + μ − ηλ')z + μ have
    size √μ, so the swings shrink by √μ a step whatever η is. None otherwise (a direction so flat
    that the ball creeps along it is paced by η after all). With weight decay w the curvatures are
    read where the run settles, and shifted by w."""
    minimum = run.curvature.nearest_minimum
    if (limit is None or limit.momentum < HEAVY or not len(run.lrs) or not np.isfinite(limit.value)
            or minimum is None or not limit.lam > 0):
        return None
    if limit.shift > 0:
        minimum = tuple(diagnostics.decayed_minimum(surface, tuple(minimum), limit.shift))
    mu, steepest = limit.momentum, _sharpest_step(limit, float(run.lrs[-1]))
    flattest = steepest * (diagnostics.settled_eigenvalues(surface, minimum)[0] + limit.shift) / limit.lam
    both = diagnostics.swings(mu, flattest) and diagnostics.swings(mu, steepest)
    return (steepest, flattest) if both else None


def _sharpest_step(limit: Limit, lr: float) -> float:
    """The heavy ball's ηλ' along the sharpest direction, read off its limit 2(1 + μ)/λ' (with
    dampening τ the step is (1 − τ)ηλ', and the limit carries the 1 − τ)."""
    return 2 * (1 + limit.momentum) * lr / limit.value


NEAR = 0.1  # a run within this share of its first distance to the minimum has come to it


def _window(run: Trajectory) -> int:
    """A noisy run's last quarter (at least 10 steps): where it hovers, and how long it must stay at
    its minimum for that to be no chance."""
    return max(10, run.steps // 4)


def _jitter(run: Trajectory, surface: Surface, noise: float, lang: str) -> Verdict | None:
    """A noisy run that came to its minimum and hovers there: each step is η·(∇L + noise), and at
    the minimum ∇L is gone, so the steps stay about η·noise long (None if the run is still far)."""
    if not surface.minima or not len(run.lrs) or not np.all(np.isfinite(run.points[-1])):
        return None
    distance = diagnostics.distance_to(run.points, surface.minima)
    # How far it hovers: the root mean square over the last quarter, not one step's chance distance.
    window = _window(run)
    recent = distance[-window:]
    lr = float(run.lrs[-1])
    # Near its minimum: within a tenth of the way, or within two of its own recent steps (on x² at
    # η = 1/λ each step lands at η·noise from the minimum, whatever the start); and on the plot.
    # Its steps, not η·noise: Adam rescales the noise away (on Rosenbrock, steps of 0.017, 1.2 away).
    hover = float(np.sqrt(np.mean(recent**2)))
    steps = np.linalg.norm(np.diff(run.points[-window - 1:], axis=0), axis=-1)
    if hover > max(NEAR * distance[0], 2 * float(np.median(steps))) or not surface.contains(run.points[-1]):
        return None
    return Verdict(run.status, t("verdict.jitter", lang), t(
        "verdict.jitter_detail", lang, noise=number(noise), lr=number(lr), step=number(lr * noise),
        window=min(window, len(recent)), distance=number(hover)))


def _escape_box(run: Trajectory, surface: Surface, lang: str) -> str:
    """Where the run counted as diverged, in words. The engine's escape box (:mod:`lrviz.engine`) is
    the domain grown ten-fold about its centre, which is the plot grown ten-fold, unless the start
    lies farther from the centre than a half-width: then ten times that distance, in every coordinate."""
    far = np.max(np.abs(run.points[0] - surface.centre)) > np.min(surface.half_widths)
    return t("verdict.escape_box_far" if far else "verdict.escape_box", lang)


def _growth(run: Trajectory, minima: np.ndarray) -> float:
    """Per-step growth of the distance to the nearest minimum (or the start, if there is
    no minimum) over the last finite steps."""
    path = run.points[np.all(np.isfinite(run.points), axis=-1)]
    if len(path) < 2:
        return float("nan")
    if len(minima) == 0:
        minima = path[:1]
    target = minima[np.argmin(np.linalg.norm(minima - path[0], axis=-1))]
    distance = np.linalg.norm(path - target, axis=-1)
    tail = distance[-min(len(distance), 6) :]
    if tail[0] <= 0:
        return float("nan")
    return float((tail[-1] / tail[0]) ** (1 / (len(tail) - 1)))
