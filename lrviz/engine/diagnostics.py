"""What happened to a run: a status in plain categories, and the local curvature.

Everything here works on NumPy arrays after the run, vectorised over runs, so
a single trajectory and a sweep of a thousand rates share one code path.

Status rules, applied in this order (``span`` is the widest side of the
surface's domain, ``tol = 0.005 · span``, ``W = clip(steps // 5, 4, 20)``):

1. ``diverged``: the run left the escape box (see :mod:`lrviz.engine`) or hit
   a non-finite loss; ``diverged_at`` is the index of that point.
2. ``converged``: the last few points (the final one and the two before it,
   after the start) lie within ``tol`` of a global minimum: a run
   that only lands there on its last bounce has not converged.
3. ``stuck_local``: the same, for a local minimum.
4. ``oscillating``: in the last ``W`` steps at least 75 % of consecutive steps
   point backwards (negative dot product: the step flips sign along the
   dominant direction) while the gap to the lowest loss shrank by less than
   90 % over the window: a zig-zag that has not settled.
5. ``saddle``: the Hessian at the final point has a negative eigenvalue, the
   point is within ``10 · tol`` of a saddle point of the surface (runs crawl
   near a saddle, so its net is wider), and it has stalled there: over the
   last tenth of the run (at least 4 steps) it moved less than ``10 · tol``.
6. A critical point nobody listed (a ripple just outside the domain; inside
   it every critical point is listed): for a run that ended outside the
   domain, Newton's method started at the final point moves less than
   ``tol``, so the run sits on that point. Its Hessian and value decide between
   ``saddle``, ``converged`` (the lowest value) and ``stuck_local``.
7. ``slow``: none of the above, so the run was still on its way when the
   steps ran out.

Curvature: λmax, the largest eigenvalue of the Hessian, at the start and at the
minimum nearest to the start. Near a minimum plain gradient descent is stable
exactly when ``lr < 2 / λmax`` (the iteration ``x ← (1 − lr·λ) x`` along each
eigenvector), which is the critical rate pages draw on the slider; each optimizer's spec
knows its own (:func:`stability_limit`, :class:`~lrviz.optimizers.Limit`).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple, get_args

import numpy as np

from lrviz import optimizers
from lrviz.optimizers import Limit
from lrviz.surfaces import Surface
from lrviz.surfaces import _critical as critical

Status = Literal["converged", "diverged", "oscillating", "stuck_local", "saddle", "slow"]
STATUSES: tuple[Status, ...] = get_args(Status)


class Curvature(NamedTuple):
    """The largest Hessian eigenvalue at the start and at the nearest minimum."""

    lam_start: float
    lam_min: float
    critical_lr: float  # 2 / lam_min: plain GD diverges above it
    nearest_minimum: tuple[float, ...] | None
    fastest_lr: float | None = None  # plain GD's quickest rate there (:func:`fastest_gd_rate`)
    corner: bool = False  # that minimum is a corner of the loss on a bowl (:func:`corner`)


def _step(surface: Surface) -> float:
    """The central differences' step on ``surface``: a ten-thousandth of its domain's widest side."""
    return 1e-4 * surface.span


def hessian(surface: Surface, points: np.ndarray) -> np.ndarray:
    """Hessians at ``points`` (shape ``(..., dim)``), float64 central differences."""
    with np.errstate(all="ignore"):
        return critical.hessian(surface.numpy, np.asarray(points, dtype=float), _step(surface))


def eigenvalues(surface: Surface, point) -> np.ndarray:
    """The Hessian's eigenvalues at ``point``, ascending."""
    return np.linalg.eigvalsh(hessian(surface, np.asarray(point, dtype=float)[None])[0])


# The Hessian's eigenvalues where runs settle, kept with the surface as the minima below are: a
# chart's payload asks for them once for each of its 56 runs, at the same point.
_SETTLED: weakref.WeakKeyDictionary[Surface, dict] = weakref.WeakKeyDictionary()


def settled_eigenvalues(surface: Surface, point: tuple[float, ...]) -> np.ndarray:
    """:func:`eigenvalues` at a point runs settle on (a minimum, or where weight decay moves one:
    :func:`decayed_minimum`), computed once per surface and point."""
    known = _SETTLED.setdefault(surface, {})
    if point not in known:
        known[point] = eigenvalues(surface, point)
    return known[point].copy()


def lam_max(surface: Surface, point: np.ndarray) -> float:
    return float(eigenvalues(surface, point)[-1])


def fastest_gd_rate(surface: Surface, point) -> float | None:
    r"""The constant rate at which plain gradient descent closes in fastest near ``point``.

    On a quadratic with Hessian eigenvalues :math:`\lambda_1 \le \dots \le \lambda_n`, each step
    multiplies the error along eigenvector i by :math:`1 - \eta\lambda_i`; the worst factor
    :math:`\max_i |1 - \eta\lambda_i|` is smallest at :math:`\eta = 2/(\lambda_1 + \lambda_n)`
    (1/λ in 1-D). None where the curvature is not positive in every direction.
    """
    return _fastest(eigenvalues(surface, point))


def _fastest(eig: np.ndarray) -> float | None:
    return 2.0 / (eig[0] + eig[-1]) if eig[0] > 0 else None


def curvature(surface: Surface, start: np.ndarray) -> Curvature:
    """λmax at ``start`` and at the minimum nearest to it, and the critical rate 2/λmax."""
    start = np.asarray(start, dtype=float)
    lam_start = lam_max(surface, start)
    if not surface.minima:
        critical_lr = 2.0 / lam_start if lam_start > 0 else float("inf")
        return Curvature(lam_start, lam_start, critical_lr, None, None)
    nearest = nearest_minimum(surface, start)
    return Curvature(lam_start, *_at_minimum(surface, nearest), corner=corner(surface, nearest))


CORNER = 2.0  # a curvature that grows this much when the difference step shrinks tenfold is a kink's


def corner(surface: Surface, minimum: tuple[float, ...]) -> bool:
    """Whether ``minimum`` is a corner of the loss (a kink, as |x| has at 0) rather than a smooth
    bowl: Ackley's global minimum, a cone (about 4‖θ‖) on a bowl. There the gradient does not fade
    near the minimum, so a run below the critical rate ends bouncing within about η·|∇L| of it
    instead of settling; the critical rate is the bowl's (:func:`_smooth_hessian`)."""
    _at_minimum(surface, minimum)
    return _CORNERS[surface][minimum]


def _smooth_hessian(surface: Surface, minimum: tuple[float, ...]) -> tuple[np.ndarray, bool]:
    """(the Hessian of the smooth part of the loss at ``minimum``, whether a kink sits on it).

    A kink adds about K/h to a central-difference Hessian of step h, so where the curvature read at
    the page's step is over :data:`CORNER` times the one at ten times it (Ackley's origin: 2882
    against 336; a bowl's are equal: Rastrigin's 396.8 and 396.2), the two steps' Hessians,
    S + K/h and S + K/(10h), give the smooth part S = (10·H(10h) − H(h))/9: 2 for x² + 0.1|x|,
    whose rates above 2/2 = 1 diverge."""
    point = np.asarray(minimum, dtype=float)[None]
    fine = hessian(surface, point)[0]
    with np.errstate(all="ignore"):
        coarse = critical.hessian(surface.numpy, point, 10 * _step(surface))[0]
    sharp_fine, sharp_coarse = np.linalg.eigvalsh(fine)[-1], np.linalg.eigvalsh(coarse)[-1]
    if sharp_coarse > 0 and sharp_fine > CORNER * sharp_coarse:
        return (10 * coarse - fine) / 9, True
    return fine, False


def nearest_minimum(surface: Surface, point: np.ndarray) -> tuple[float, ...] | None:
    """The listed minimum of ``surface`` nearest to ``point`` (None if it lists none)."""
    if not surface.minima:
        return None
    distance = np.linalg.norm(np.asarray(surface.minima) - np.asarray(point, dtype=float), axis=-1)
    return surface.minima[int(np.argmin(distance))]


def minimum_rates(surface: Surface, point: np.ndarray) -> tuple[float, float, tuple, float | None] | None:
    """(λmax, 2/λmax, the minimum, the quickest GD rate) at the listed minimum nearest to
    ``point``; None if the surface lists none. Cached per surface and minimum."""
    nearest = nearest_minimum(surface, point)
    return None if nearest is None else _at_minimum(surface, nearest)


# A surface has a few minima and a sweep asks about each many times. Kept with the surface and
# dropped with it: a custom formula's surface must not outlive its page (nor its JAX programs).
_MINIMA: weakref.WeakKeyDictionary[Surface, dict] = weakref.WeakKeyDictionary()
_CORNERS: weakref.WeakKeyDictionary[Surface, dict] = weakref.WeakKeyDictionary()


def _at_minimum(surface: Surface, minimum: tuple[float, ...]) -> tuple[float, float, tuple, float | None]:
    """(λmax, 2/λmax, the minimum, the quickest GD rate) at a minimum: one Hessian for all; at a
    corner (:func:`corner`), the smooth part's."""
    known = _MINIMA.setdefault(surface, {})
    if minimum not in known:
        hess, _CORNERS.setdefault(surface, {})[minimum] = _smooth_hessian(surface, minimum)
        eig = np.linalg.eigvalsh(hess)
        lam = float(eig[-1])
        known[minimum] = (lam, 2.0 / lam if lam > 0 else float("inf"), minimum, _fastest(eig))
    return known[minimum]


def tolerance(surface: Surface) -> float:
    """How close to a minimum counts as having reached it."""
    return 0.005 * surface.span


def _distance_to(points: np.ndarray, targets: tuple[tuple[float, ...], ...]) -> np.ndarray:
    if not targets:
        return np.full(points.shape[:-1], np.inf)
    diff = points[..., None, :] - np.asarray(targets)
    return np.min(np.linalg.norm(diff, axis=-1), axis=-1)


def distance_to(points: np.ndarray, targets: tuple[tuple[float, ...], ...]) -> np.ndarray:
    """Distance from each point (shape ``(..., dim)``) to the nearest of ``targets``; inf without targets."""
    return _distance_to(np.asarray(points, dtype=float), targets)


STALL = 0.1  # a gradient under this share of the run's largest is one that "almost vanishes"


def saddle_visit(surface: Surface, points: np.ndarray) -> tuple[int, tuple[float, ...]] | None:
    """How many steps a run spent within 10 tolerances of a saddle point (the net ``classify``
    uses) where the loss's gradient almost vanished (:data:`STALL`), and which saddle; None if it
    never lingered so. On Ackley, whose saddles lie a ridge apart, a run that rolled past one at
    full slope is not lingering. The loss's own gradient, not the run's: noise keeps that one up."""
    if not surface.saddles:
        return None
    points = np.nan_to_num(np.asarray(points, dtype=float), nan=np.inf)
    diff = points[:, None, :] - np.asarray(surface.saddles)
    distance = np.linalg.norm(diff, axis=-1)  # (steps + 1, saddles)
    near = distance <= 10 * tolerance(surface)
    with np.errstate(all="ignore"):
        slope = np.linalg.norm(critical.gradient(surface.numpy, np.where(np.isfinite(points), points, 0.0),
                                                 _step(surface)), axis=-1)
    slope = np.where(np.all(np.isfinite(points), axis=-1), slope, np.nan)
    if np.isfinite(slope).any():
        near &= (slope <= STALL * np.nanmax(slope))[:, None]
    counts = near.sum(axis=0)
    if not counts.any():
        return None
    which = int(np.argmax(counts))
    return int(counts[which]), tuple(surface.saddles[which])


FLIP_SHARE = 0.75  # the share of a window's steps that reverse the one before, in an oscillating run


def classify(
    surface: Surface,
    points: np.ndarray,
    losses: np.ndarray,
    diverged_at: np.ndarray,
) -> np.ndarray:
    """The status of each run: ``points`` ``(runs, steps + 1, dim)``, ``losses`` ``(runs, steps + 1)``.

    Diverged runs may hold non-finite values after ``diverged_at``.
    """
    runs, length, _ = points.shape
    tol = tolerance(surface)
    final = points[:, -1]
    status = np.full(runs, "slow", dtype=object)
    decided = np.zeros(runs, dtype=bool)

    def assign(mask: np.ndarray, name: Status) -> None:
        nonlocal decided
        mask = mask & ~decided
        status[mask] = name
        decided |= mask

    assign(diverged_at >= 0, "diverged")
    safe_final = np.where(np.isfinite(final), final, 0.0)
    last = np.nan_to_num(points[:, -max(1, min(3, length - 1)):], nan=np.inf)  # up to 3, never the start
    for minima, name in ((surface.global_minima, "converged"), (surface.local_minima, "stuck_local")):
        assign(np.all(_distance_to(last, minima) <= tol, axis=-1), name)

    steps = length - 1
    if steps >= 4:
        window = int(np.clip(steps // 5, 4, 20))
        moves = np.diff(points[:, -window - 1 :], axis=1)
        backwards = np.sum(moves[:, 1:] * moves[:, :-1], axis=-1) < 0
        flip_share = np.mean(backwards, axis=1)
        floor = surface.f_min if np.isfinite(surface.f_min) else np.nanmin(losses, axis=1)
        gap_then = losses[:, -window - 1] - floor
        gap_now = losses[:, -1] - floor
        assign((flip_share >= FLIP_SHARE) & (gap_now > 0.1 * gap_then), "oscillating")

    # Rules 5 and 6 look at runs near a saddle or outside the domain (inside it every
    # critical point is listed by lrviz.surfaces._critical); only those need a Hessian.
    # A run that merely passes a saddle on its last step has not stalled there: over the
    # last tenth of the run (at least 4 steps) it must have moved less than 10 tolerances.
    lookback = min(max(steps // 10, 4), steps)
    earlier = np.nan_to_num(points[:, -lookback - 1], posinf=0.0, neginf=0.0)
    stalled = np.linalg.norm(safe_final - earlier, axis=-1) <= 10 * tol
    near_saddle = (_distance_to(safe_final, surface.saddles) <= 10 * tol) & stalled
    outside = ~surface.contains(safe_final)
    examine = np.flatnonzero(~decided & (near_saddle | outside))
    if len(examine):
        eig = np.linalg.eigvalsh(hessian(surface, safe_final[examine]))
        indefinite = np.zeros(runs, dtype=bool)
        indefinite[examine] = eig[:, 0] < -1e-9 * np.maximum(np.abs(eig[:, -1]), 1.0)
        assign(indefinite & near_saddle, "saddle")

        # Newton's method from the final point finds an unlisted critical point
        # outside the domain if the run is sitting on it.
        away = np.flatnonzero(~decided & outside)
        with np.errstate(all="ignore"):
            target = critical.newton(surface.numpy, safe_final[away], 1e-5 * surface.span, step_cap=tol,
                                     iterations=8)
        sitting = np.zeros(runs, dtype=bool)
        sitting[away] = np.linalg.norm(target - safe_final[away], axis=-1) <= tol
        at_floor = surface.numpy(*safe_final.T) - surface.f_min <= 1e-6 * (1.0 + abs(surface.f_min))
        assign(sitting & indefinite, "saddle")
        assign(sitting & at_floor, "converged")
        assign(sitting, "stuck_local")
    return status


SAME_RATE = 1e-4  # rates this close (relatively) are one: a finite-difference curvature's error, float32


def at_limit(lr: float, limit: Limit) -> bool:
    """Whether ``lr`` is the critical rate itself, up to :data:`SAME_RATE` (η = 1 on x²; not a typed
    0.999 or 1.001, whose swings shrink or grow)."""
    return math.isclose(lr, limit.value, rel_tol=SAME_RATE)


def heavy_ball_shrink(momentum: float | np.ndarray, step: float | np.ndarray) -> np.ndarray:
    """How much a heavy ball's distance to a minimum shrinks a step along a direction where plain
    descent's step would be ``step`` = ηλ of it ((1 − τ)ηλ with dampening τ): the size of the larger
    root of z² − (1 + μ − ηλ)z + μ. Where the roots are complex the ball swings about the minimum and
    the size is √μ; where they are real it creeps (a small ηλ) or bounces (near the limit); past 1
    it grows."""
    mu, x = np.asarray(momentum, dtype=float), np.asarray(step, dtype=float)
    b = 1 + mu - x
    return np.where(swings(mu, x), np.sqrt(mu), (np.abs(b) + np.sqrt(np.maximum(b * b - 4 * mu, 0.0))) / 2)


def swings(momentum: float | np.ndarray, step: float | np.ndarray):
    """Whether a heavy ball swings about the minimum along a direction where plain descent's step
    is ``step`` = ηλ: the roots of z² − (1 + μ − ηλ)z + μ are complex, (1 + μ − ηλ)² < 4μ, that is
    (1 − √μ)² < ηλ < (1 + √μ)²."""
    return (1 + np.asarray(momentum) - step) ** 2 < 4 * np.asarray(momentum)


def lighter_momentum(momentum: float, steepest: float, flattest: float) -> tuple[float, float]:
    """(μ', shrink): the momentum below ``momentum``, in hundredths, whose slowest direction shrinks
    fastest at this rate (``steepest`` and ``flattest``: ηλ along the sharpest and the flattest
    direction), and that shrink. Bowl, μ = 0.95, ηλ = 0.002: μ' = 0.92 swings in by 0.959 a step,
    where μ = 0.5 would creep by 0.996."""
    lighter = np.arange(1, max(2, round(100 * momentum))) / 100
    slowest = np.maximum(heavy_ball_shrink(lighter, steepest), heavy_ball_shrink(lighter, flattest))
    best = int(np.argmin(slowest))
    return float(lighter[best]), float(slowest[best])


STEEPER_START = 1.5  # a start this much more curved than its minimum gets its own critical rate


def start_limit(limit: Limit, curvature: Curvature) -> float | None:
    """The critical rate at the start, where the start is notably steeper than the minimum.

    Every limit is a constant over λmax + its shift (weight decay's), so where the largest
    curvature is λ_start it is ``limit · (λmax + shift) / (λ_start + shift)``: above it the first
    steps overshoot further than they started (on the double well from x = 1.8, where f'' = 34.9,
    0.057 against 0.283 at the minimum). None where the start is not steeper (then the minimum's
    limit is the one that counts).
    """
    lam_min = _limit_lam(limit, curvature)
    lam_start = curvature.lam_start + limit.shift
    if not (math.isfinite(limit.value) and lam_min > 0 and lam_start > STEEPER_START * lam_min):
        return None
    return limit.value * lam_min / lam_start


def _limit_lam(limit: Limit, curvature: Curvature) -> float:
    """The curvature ``limit`` is for: λmax + shift where the run settles (weight decay moves it)."""
    return limit.lam if math.isfinite(limit.lam) else curvature.lam_min + limit.shift


class Steeper(NamedTuple):
    """A point of a run where the ground is too steep for the rate it was taken at."""

    step: int
    point: np.ndarray
    lam: float  # λmax there
    limit: float  # the critical rate there
    lr: float  # the rate of that step


def steeper_on_path(surface: Surface, points: np.ndarray, lrs: np.ndarray, limit: Limit,
                    curvature: Curvature) -> Steeper | None:
    """The first of ``points`` (a run's, in step order, from its start) inside the domain where the
    ground is steeper than at the minimum and the step's rate (``lrs[k]`` for point k; the last one
    past its end) is past the critical rate there, as :func:`start_limit` reads it; None if none.

    A run below the minimum's and the start's critical rates can still diverge: on Rosenbrock with
    momentum 0.95 and weight decay 1, η = 0.0025 swings through the valley until, at step 24 near
    (1.23, 1.08), λmax = 1.56e3 asks for η < 0.002496, and its swings grow from there.
    """
    lam_min = _limit_lam(limit, curvature)
    lrs = np.asarray(lrs, dtype=float)
    if not (math.isfinite(limit.value) and lam_min > 0 and len(points) and len(lrs)):
        return None
    points = np.asarray(points, dtype=float)
    seen = np.flatnonzero(surface.contains(points))
    if not len(seen):
        return None
    lam = np.linalg.eigvalsh(hessian(surface, points[seen]))[:, -1] + limit.shift
    with np.errstate(divide="ignore"):
        local = np.where(lam > lam_min, limit.value * lam_min / lam, np.inf)
    rates = lrs[np.minimum(seen, len(lrs) - 1)]
    past = np.flatnonzero(rates > local)
    if not len(past):
        return None
    i = int(past[0])
    return Steeper(step=int(seen[i]), point=points[seen[i]], lam=float(lam[i] - limit.shift),
                   limit=float(local[i]), lr=float(rates[i]))


def stability_limit(optimizer: str, params: Mapping[str, Any], lam: float, *, surface: Surface | None = None,
                    minimum=None) -> Limit | None:
    """The critical rate of ``optimizer`` on a quadratic of curvature ``lam``; None for adaptive ones.

    The optimizer's spec knows it (:meth:`lrviz.optimizers.OptimizerSpec.stability_limit`, the
    formulas in :mod:`lrviz.optimizers._limits`); ``params`` may leave out defaults. With torch's
    L2 weight decay w a run settles where ∇f + wθ = 0, not at f's ``minimum``: given the
    ``surface``, λmax is read there (:func:`decayed_minimum`) instead of ``lam``.
    """
    spec = optimizers.get(optimizer)
    decay = float(params.get("weight_decay") or 0.0)
    if decay > 0 and spec.has_critical_rate and surface is not None and minimum is not None:
        lam = lam_max(surface, decayed_minimum(surface, tuple(np.asarray(minimum, float).ravel()), decay))
    return spec.stability_limit(params, lam)


def limit_near(optimizer: str, params: Mapping[str, Any], surface: Surface,
               curvature: Curvature) -> Limit | None:
    """:func:`stability_limit` at the minimum nearest the start, as :func:`curvature` found it (the
    curvature runs and sweeps report); with weight decay, where that minimum moves to."""
    return stability_limit(optimizer, params, curvature.lam_min, surface=surface,
                           minimum=curvature.nearest_minimum)


_DECAYED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def decayed_minimum(surface: Surface, minimum: tuple[float, ...], decay: float) -> np.ndarray:
    """Where a run with L2 weight decay ``decay`` settles near ``minimum``: the minimum of
    f + decay/2 · ‖θ‖², by Newton's method from f's own (on x² + y² at the origin it is the same;
    on Rosenbrock with 0.5, (0.677, 0.457) instead of (1, 1)). ``minimum`` itself where Newton
    does not settle on a point where that sum curves up. Asked once per surface and argument."""
    known = _DECAYED.setdefault(surface, {})
    if (minimum, decay) not in known:
        def decayed(*coords):
            return surface.numpy(*coords) + decay / 2 * sum(c**2 for c in coords)

        start = np.asarray(minimum, dtype=float)
        found = critical.newton(decayed, start[None], _step(surface), step_cap=0.1 * surface.span)[0]
        if not np.all(np.isfinite(found)):
            found = start
        curves_up = eigenvalues(surface, found)[0] + decay > 0
        still = np.linalg.norm(critical.gradient(decayed, found, _step(surface))) < 1e-4 * max(1.0, decay)
        settled = curves_up and still
        known[(minimum, decay)] = found if settled else start
    return known[(minimum, decay)]
