"""The Compare page's computation: its rows run, summarised as a table, and the rate spread.

:func:`results` turns finished runs into the rows of the results table (final loss,
distance to the nearest minimum, steps to reach the tolerance of
:func:`lrviz.engine.diagnostics.tolerance`, status) and :func:`to_csv` writes them out.
:func:`spread_rates` is the "same optimizer, several rates" shortcut.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from lrviz import engine, optimizers, surfaces
from lrviz.app.compare.state import Row
from lrviz.app.kit.rates import LR_RANGE
from lrviz.app.playground import verdict
from lrviz.app.sweep import compute as sweeps
from lrviz.engine import Trajectory, diagnostics
from lrviz.engine.diagnostics import Limit, Status

# --- running and summarising ---------------------------------------------------------------------


def run_rows(
    surface: surfaces.Surface, rows: Sequence[Row], steps: int, start: Sequence[float] | None = None
) -> tuple[Trajectory, ...]:
    """Every row run with :func:`lrviz.engine.run` from the same start (a few ms each once compiled;
    rows that share an optimizer and schedule share one compiled program)."""
    return tuple(engine.run(surface, **run_kwargs(row, steps, start)) for row in rows)


def run_kwargs(row: Row, steps: int, start: Sequence[float] | None = None) -> dict[str, Any]:
    """The row as :func:`lrviz.engine.run`'s keyword arguments (also those of :func:`lrviz.export.script`)."""
    return dict(optimizer=row.optimizer, lr=row.lr, steps=steps, start=start, schedule=row.schedule,
                schedule_params=dict(row.schedule_params), optimizer_params=dict(row.optimizer_params))


def names(rows: Sequence[Row], runs: Sequence[Trajectory], lang: str, sep: str = ": ") -> list[str]:
    """Legend entries: "Adam · η = 0.3: converged in 312 steps" (``sep`` between label and outcome)."""
    return [f"{row.label(lang)}{sep}{verdict.outcome(run, lang)}"
            for row, run in zip(rows, runs, strict=True)]


def limit_of(row: Row, curvature: diagnostics.Curvature, surface: surfaces.Surface) -> Limit | None:
    """The row's critical rate at the minimum nearest the start (``curvature``; with weight decay,
    where that minimum moves to); None for adaptive optimizers."""
    params = optimizers.OPTIMIZERS[row.optimizer].resolve(dict(row.optimizer_params), row.lr)
    return diagnostics.limit_near(row.optimizer, params, surface, curvature)




class Result(NamedTuple):
    """One line of the results table."""

    run: str  # the row's label
    final_loss: float  # +inf for a diverged run
    distance: float  # from the final point to the nearest minimum (+inf: diverged or no minimum)
    steps_to_tol: int | None  # first step from which the run stays within tolerance of a global minimum
    status: Status
    diverged_at: int | None


def result(row: Row, run: Trajectory, surface: surfaces.Surface, lang: str) -> Result:
    """The table line of one finished run."""
    diverged = run.diverged_at is not None
    distance = math.inf if diverged else float(diagnostics.distance_to(run.points[-1], surface.minima))
    final_loss = math.inf if diverged else float(run.losses[-1])
    return Result(row.label(lang), final_loss, distance, run.converged_at, run.status, run.diverged_at)


def results(
    rows: Sequence[Row], runs: Sequence[Trajectory], surface: surfaces.Surface, lang: str
) -> list[Result]:
    return [result(row, run, surface, lang) for row, run in zip(rows, runs, strict=True)]


CSV_COLUMNS = ("run", "final_loss", "distance_to_minimum", "steps_to_tolerance", "status", "diverged_at")


def to_csv(table: Sequence[Result]) -> str:
    """The results as CSV (English column names and status ids, for spreadsheets and scripts)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in table:
        writer.writerow([
            r.run, _csv_number(r.final_loss), _csv_number(r.distance),
            "" if r.steps_to_tol is None else r.steps_to_tol, r.status,
            "" if r.diverged_at is None else r.diverged_at,
        ])
    return out.getvalue()


def _csv_number(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:.6g}"


# --- the "same optimizer, several rates" shortcut ------------------------------------------------


class Spread(NamedTuple):
    """Rates for one optimizer, what each is meant to show, and the rate they were spread around."""

    rates: tuple[float, ...]
    # "small" | "medium" | "good" | "large" | "diverge" (SGD) or "huge" (adaptive); an adaptive
    # optimizer's "large_fine" and "huge_fine" are large rates that the probe saw settle anyway.
    roles: tuple[str, ...]
    limit: Limit | None  # the critical rate (SGD family; infinite where it coasts); None for adaptive ones
    scale: float  # the critical rate, or for adaptive optimizers the distance to the minimum
    probe: Probe | None = None  # the rates tried on the surface itself, if any


class Probe(NamedTuple):
    """Rates tried on the surface (one :func:`lrviz.engine.sweep`) and the divergence edge found."""

    lo: float
    hi: float
    count: int
    edge: float | None  # smallest tried rate from which every larger one diverged; None: none did
    quickest: float | None = None  # an adaptive optimizer's tried rate that settled soonest (its "good")


_ROLES = {
    3: ("small", "good", "diverge"),
    4: ("small", "good", "large", "diverge"),
    5: ("small", "medium", "good", "large", "diverge"),
}


def spread_rates(
    optimizer: str,
    surface: surfaces.Surface,
    *,
    steps: int,
    count: int = 4,
    start: Sequence[float] | None = None,
    optimizer_params: Mapping[str, Any] | None = None,
    probe: bool = True,
) -> Spread:
    """``count`` (3–5) rates of ``optimizer`` that should show too small / good / too large / diverged.

    SGD family, critical rate ``c`` (:func:`lrviz.engine.diagnostics.stability_limit` with λmax at the
    minimum nearest the start): *good* is ``c/2`` (for plain GD ``1/λ``, the rate that lands on
    the minimum of a quadratic in one step) and *diverged* ``1.2 c``. With ``δ = min(0.2, 2/steps)``,
    *too small* is ``(1 − μ)·δ/λ``: on a quadratic, gradient descent at rate η shrinks the distance
    by ``|1 − ηλ| ≈ e^{−ηλ}`` a step (momentum μ by about ``e^{−ηλ/(1−μ)}``), so after all the steps
    about ``e^{−2} ≈ 14 %`` of it remains. *Too large* is ``c·(1 − δ/2)``, the mirror image: for
    plain GD ``ηλ = 2 − δ``, each step overshoots to the other side and the zig-zag shrinks by only
    ``1 − δ`` a step, so it is still swinging when the steps run out.

    Adagrad, RMSProp, Adam and AdamW have no critical rate: their steps are about ``η`` long per
    coordinate, whatever the curvature. Their rates are spread by the distance ``d`` from the
    start to the nearest minimum: ``d/(10·steps)`` covers a tenth of the way at most; ``3d/steps``
    arrives in about a third of the steps; ``d/3`` takes steps so long that the run rattles around
    the minimum; ``3d`` jumps far past it (RMSProp's first step is ``η/√(1−α)``, and it can blow
    up; Adam's is about ``η`` and it usually does not diverge at all). The probe corrects these
    by what the runs did (:func:`_probed`). Rates are clipped to the page's range.

    ``probe``: check the rates on the surface itself (see :func:`_probed`); without it the
    rates are the formulas' alone.
    """
    if count not in _ROLES:
        raise ValueError(f"`count` (={count!r}) must be 3, 4 or 5.")
    point = np.asarray(surface.start if start is None else start, dtype=float)
    params = optimizers.OPTIMIZERS[optimizer].resolve(dict(optimizer_params or {}), 1.0)
    curvature = diagnostics.curvature(surface, point)
    lam = curvature.lam_min
    limit = diagnostics.limit_near(optimizer, params, surface, curvature)
    roles = _ROLES[count]
    if limit is not None and np.isfinite(limit.value) and lam > 0:
        c = limit.value
        # The heavy ball's steps are (1 − τ)η long and meet the curvature λ + w (Limit.lam).
        mu = float(params.get("momentum", 0.0))
        tau = float(params.get("dampening", 0.0)) if limit.kind == "heavy_ball" else 0.0
        delta = 2 * min(0.1, 1 / steps)
        by_role = {"small": (1 - mu) * delta / ((1 - tau) * limit.lam), "good": c / 2,
                   "large": c * (1 - delta / 2), "diverge": 1.2 * c}
        scale = c
    else:  # no critical rate: spread by distance (a coasting buffer keeps its Limit, to say why)
        limit = limit if limit is not None and limit.coasting else None
        if curvature.nearest_minimum is not None:
            d = float(np.linalg.norm(np.asarray(curvature.nearest_minimum) - point))
        else:
            d = surface.span / 4
        d = max(d, 1e-3)
        by_role = {"small": d / (10 * steps), "good": 3 * d / steps, "large": d / 3, "huge": 3 * d}
        roles = tuple("huge" if r == "diverge" else r for r in roles)
        scale = d
    found, fine = None, set()
    if probe:
        by_role, found, fine = _probed(by_role, optimizer, surface, steps, point, params)
    roles = tuple(f"{r}_fine" if r in fine else r for r in roles)
    by_role.update({f"{r}_fine": by_role[r] for r in fine})
    by_role["medium"] = math.sqrt(by_role["small"] * by_role["good"])
    rates = _apart([by_role[r] for r in roles])
    return Spread(rates, roles, limit, scale, found)


APART = 2.0  # how far apart a rate moves from one it collided with


def _apart(rates: Sequence[float]) -> tuple[float, ...]:
    """``rates`` (rising) within the page's range, written with 3 digits, none twice.

    The formulas can fall below the page's lowest rate: a start 0.001 from a minimum (or on it)
    gave Adam "too small" and "good" both 1e-4, the same run twice. A rate that is no longer
    above the one before moves to :data:`APART` times it; where that passes the range's top, it
    moves between its neighbours (below the next where they are too close)."""
    lo, hi = LR_RANGE
    out = [float(f"{min(max(r, lo), hi):.3g}") for r in rates]
    for i in range(1, len(out)):
        if out[i] <= out[i - 1]:
            out[i] = float(f"{min(out[i - 1] * APART, hi):.3g}")
    for i in range(len(out) - 2, -1, -1):
        if out[i] >= out[i + 1]:  # between its neighbours where there is room, else below the next
            room = i > 0 and out[i - 1] < out[i + 1]
            out[i] = float(f"{math.sqrt(out[i - 1] * out[i + 1]) if room else out[i + 1] / APART:.3g}")
    return tuple(out)


PROBE_RATES = 40


def _probed(
    by_role: dict[str, float], optimizer: str, surface: surfaces.Surface, steps: int, start: np.ndarray,
    params: Mapping[str, Any],
) -> tuple[dict[str, float], Probe, set[str]]:
    """The roles' rates checked against the surface itself, the probe, and the large roles of an
    adaptive optimizer whose rates settled all the same.

    The critical rate holds near the minimum; a run that is still far from it meets other
    curvatures (across Rosenbrock's valley λ ≈ 200 at x = 0, against 1000 at the minimum).
    So :data:`PROBE_RATES` log-spaced rates from the smallest role's to 30 × the largest (at
    most the page's maximum) run at once, and where the edge of divergence they find
    (:func:`lrviz.app.sweep.compute.divergence_edge`) contradicts a role, the roles move: a top rate
    ("diverge", "huge") that does not diverge moves to the edge, and for the SGD family
    "large" then moves to the largest tried rate below it; a "large" that diverges moves
    there too; "good" stays below "large".

    An adaptive optimizer's distances are a guess at best (Adam on the double well: "good",
    3d/steps = 0.0042, was still on its way, while d/3 = 0.28 and 3d = 2.5 settled): where a tried
    rate settled, "good" is the one that settled soonest and "large" the first above it that did
    not; a "large" or "huge" whose tried rate settled anyway is named so (``_fine``).
    """
    lo = max(by_role["small"], LR_RANGE[0])
    hi = min(30 * max(by_role.values()), LR_RANGE[1])
    grid = np.geomspace(lo, hi, PROBE_RATES)
    given = {k: v for k, v in params.items() if optimizers.OPTIMIZERS[optimizer].param(k).default != v}
    sweep = engine.sweep(surface, grid, optimizer, steps=steps, start=start, optimizer_params=given)
    edge = sweeps.divergence_edge(grid, sweep.status == "diverged")
    roles = dict(by_role)
    if edge is not None:
        calm = float(grid[grid < edge][-1]) if np.any(grid < edge) else roles["large"]
        top = "diverge" if "diverge" in roles else "huge"
        if roles[top] < edge:  # the top rate does not diverge here: it moves to the edge, and for the
            roles[top] = edge  # SGD family, whose formulas were off, "too large" follows it
            if top == "diverge":
                roles["large"] = calm
        if roles["large"] >= edge:
            roles["large"] = calm
        if roles["good"] >= roles["large"]:
            roles["good"] = roles["large"] / 2
    fine, quickest = set(), None
    settled = sweep.status == "converged"
    # Only with room on both sides of the quickest: two tried rates below it ("small" is the first),
    # and two above it (AdamW on x² settled quickest at the top, 10, and large and huge were 10 too).
    tried = np.flatnonzero(settled)
    best = int(tried[np.argmin(sweep.converged_at[tried])]) if len(tried) else -1  # first of the quickest
    if "huge" in roles and 2 <= best <= len(grid) - 3:
        later = np.flatnonzero(~settled & (np.arange(len(grid)) > best))
        roles["good"] = quickest = float(grid[best])
        if len(later):
            roles["large"] = float(grid[later[0]])
        elif roles["large"] <= roles["good"]:  # between it and the largest tried rate
            roles["large"] = float(np.sqrt(roles["good"] * grid[-1]))
        roles["huge"] = max(roles["huge"], roles["large"] * 3)
    if "huge" in roles:  # the large rates on tried ones, so that what they did is known, not guessed
        for role in ("large", "huge"):
            i = int(np.argmin(np.abs(np.log(grid / roles[role]))))
            roles[role] = float(grid[i])
            if settled[i]:
                fine.add(role)
    return roles, Probe(float(lo), float(hi), PROBE_RATES, edge, quickest), fine


def spread_rows(
    optimizer: str, spread: Spread, optimizer_params: Mapping[str, Any] | None = None
) -> tuple[Row, ...]:
    """One row per rate of ``spread``, all with the same optimizer and hyper-parameters."""
    spec = optimizers.OPTIMIZERS[optimizer]
    given = dict(optimizer_params or {})
    params = tuple((p.name, given[p.name]) for p in spec.params if p.name in given)
    return tuple(Row(optimizer, lr, optimizer_params=params) for lr in spread.rates)
