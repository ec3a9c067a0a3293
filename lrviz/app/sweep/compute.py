"""Hundreds of learning rates at once: the /sweep page's computation.

One :func:`lrviz.engine.sweep` per optimizer runs ``rates`` log-spaced rates
from ``lo`` to ``hi`` in one ``vmap``; from each sweep we read

* the **best rate** (:func:`best_rate`): the lowest final loss among the runs
  that did not diverge. Final losses within a millionth of the loss drop
  (``1e-6 · (L₀ − L_best)``, about float32's resolution) count as tied, and
  ties go to the run with the smallest area under its loss curve
  ``Σ_t (L_t − L_best)``, the one that got there fastest; exact ties after that
  go to the smaller rate. On GD over ``a x²/2`` many rates reach the minimum to
  float32 precision, and the area picks the textbook optimum η = 1/a
  (the error ``(1 − aη)^t`` vanishes after one step);
* the **divergence edge** (:func:`divergence_edge`): the smallest swept rate
  from which every larger swept rate diverges. On a quadratic it brackets the
  critical rate 2/λmax to one grid step (and a rate a fraction δ above 2/λ needs
  about ``ln(12)/(2δ)`` steps to leave the engine's escape box from the
  default start, so very fine grids also need enough steps). On non-convex
  surfaces divergence need not be monotone in the rate: a rate can diverge
  while a larger one lands in another valley, so we also report the
  **first diverging rate**, the smallest rate that diverged at all. The best
  rate never diverged, so it lies below the edge by construction;
* the **phase picture** (:func:`phase`): loss above the lowest value (or
  distance to the nearest global minimum) for each rate and step, thinned to
  at most 200 rates × 250 steps for the browser; cells at or after a run's
  escape are marked diverged;
* the **basin map** (:func:`basins`): a 45 × 45 grid of start points (256 on
  a line in 1-D) run at the chosen rate in one ``vmap``, each labelled by the
  minimum its run ends within the status tolerance of (as ``converged`` and
  ``stuck_local`` are decided), :data:`DIVERGED` or :data:`NO_MINIMUM`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lrviz import engine, optimizers, surfaces
from lrviz.app.sweep.state import Config, Phase
from lrviz.engine import diagnostics
from lrviz.engine.diagnostics import Limit

MAX_PHASE_RATES, MAX_PHASE_STEPS = 200, 250
# The engine pads the number of runs to a power of two, so 45² = 2,025 starts cost what 40² would.
BASIN_SIZE = 45  # starts per side of the 2-D basin grid
BASIN_LINE = 256  # starts on the line of a 1-D surface
DIVERGED, NO_MINIMUM = -1, -2  # basin labels besides minimum indices
TIE = 1e-6  # final losses closer than this share of the loss drop are tied


@dataclass(frozen=True)
class RateSweep:
    """One optimizer's sweep and what the page reads from it."""

    optimizer: str
    sweep: engine.Sweep
    best: int | None  # row of the best rate; None if every rate diverged
    edge: float | None  # divergence edge; None if the largest rate did not diverge
    first_diverged: float | None  # smallest rate that diverged; None if none did
    limit: Limit | None  # the optimizer's critical rate; None for adaptive ones

    @property
    def best_lr(self) -> float | None:
        return None if self.best is None else float(self.sweep.lrs[self.best])


def loss_floor(results: Sequence[RateSweep], surface: surfaces.Surface) -> float:
    """What the sweep's final losses are measured from: the surface's lowest loss, or where it lists
    no minimum, the lowest final loss a run reached (the chart and the table say "− lowest loss")."""
    return surface.f_min if surface.minima else min(float(np.min(r.sweep.final_loss)) for r in results)


def rate_grid(config: Config) -> np.ndarray:
    return np.geomspace(config.lo, config.hi, config.rates)


def _params(config: Config, name: str) -> dict[str, Any]:
    """The primary optimizer's parameters from the config; the others run with their defaults."""
    return dict(config.base.optimizer_params) if name == config.optimizers[0] else {}


def run_sweeps(config: Config, surface: surfaces.Surface) -> tuple[RateSweep, ...]:
    """Every chosen optimizer over the config's rate grid. Raises ``ValueError`` for bad settings."""
    lrs = rate_grid(config)
    base = config.base
    results = []
    for name in config.optimizers:
        params = _params(config, name)
        sweep = engine.sweep(surface, lrs, name, steps=base.steps, start=base.start, schedule=base.schedule,
                             schedule_params=dict(base.schedule_params), optimizer_params=params)
        diverged = sweep.diverged_at >= 0
        resolved = optimizers.OPTIMIZERS[name].resolve(params, config.hi)
        results.append(RateSweep(
            optimizer=name,
            sweep=sweep,
            best=best_rate(sweep.lrs, sweep.losses, diverged),
            edge=divergence_edge(sweep.lrs, diverged),
            first_diverged=float(sweep.lrs[diverged][0]) if diverged.any() else None,
            limit=diagnostics.limit_near(name, resolved, surface, sweep.curvature),
        ))
    return tuple(results)


def best_rate(lrs: np.ndarray, losses: np.ndarray, diverged: np.ndarray) -> int | None:
    """Row of the best rate: lowest final loss, then smallest area under the loss curve, then smaller rate.

    ``losses`` is ``(n, steps + 1)``; rows marked ``diverged`` never count.
    See the module docstring for why the area breaks ties.
    """
    ok = ~np.asarray(diverged) & np.all(np.isfinite(losses), axis=1)
    if not ok.any():
        return None
    losses = np.asarray(losses, dtype=float)
    final = losses[:, -1]
    lowest = float(np.min(final[ok]))
    drop = max(float(np.max(losses[ok, 0])) - lowest, 0.0)
    tied = ok & (final <= lowest + TIE * drop)
    area = np.where(tied, np.sum(losses - lowest, axis=1), np.inf)
    rows = np.lexsort((np.asarray(lrs), area))  # by area, then by rate
    return int(rows[0])


def divergence_edge(lrs: np.ndarray, diverged: np.ndarray) -> float | None:
    """The smallest rate of ``lrs`` (ascending) from which every larger rate diverged.

    None when the largest rate did not diverge (no edge inside the range); the
    smallest rate when all diverged (the edge lies at or below it).
    """
    diverged = np.asarray(diverged, dtype=bool)
    if len(diverged) == 0 or not diverged[-1]:
        return None
    calm = np.flatnonzero(~diverged)
    return float(lrs[calm[-1] + 1 if len(calm) else 0])


@dataclass(frozen=True)
class PhaseData:
    """Rate × step values for a heatmap, thinned for the browser."""

    what: Phase
    lrs: np.ndarray  # (r,) rates of the kept rows
    steps: np.ndarray  # (s,) step indices of the kept columns
    values: np.ndarray  # (r, s) loss above the lowest value, or distance; NaN where diverged
    diverged: np.ndarray  # (r, s) bool: the run had escaped by this step


def _thin(n: int, most: int) -> np.ndarray:
    """At most ``most`` indices spread evenly over ``range(n)``, first and last kept."""
    return np.unique(np.linspace(0, n - 1, min(n, most)).round().astype(int))


def phase(sweep: engine.Sweep, surface: surfaces.Surface, what: Phase = "loss", *,
          max_rates: int = MAX_PHASE_RATES, max_steps: int = MAX_PHASE_STEPS) -> PhaseData:
    """The phase picture's data. ``distance`` needs a known global minimum; without one it shows the loss."""
    rows = _thin(len(sweep.lrs), max_rates)
    cols = _thin(sweep.losses.shape[1], max_steps)
    if what == "distance" and surface.global_minima:
        values = diagnostics.distance_to(sweep.points[rows][:, cols], surface.global_minima)
    else:
        what = "loss"
        losses = sweep.losses[rows][:, cols]
        floor = surface.f_min if surface.minima else float(np.nanmin(sweep.losses))
        values = losses - floor
    at = sweep.diverged_at[rows]
    diverged = (at[:, None] >= 0) & (cols[None, :] >= at[:, None])
    values = np.where(diverged | ~np.isfinite(values), np.nan, values)
    return PhaseData(what, sweep.lrs[rows], cols, values, diverged)


@dataclass(frozen=True)
class Basins:
    """Which minimum each start of a grid ends in, at one rate."""

    lr: float
    axes: tuple[np.ndarray, ...]  # the grid's x (and y) coordinates
    label: np.ndarray  # (len(y), len(x)) in 2-D, (len(x),) in 1-D: minimum index, DIVERGED or NO_MINIMUM
    minima: tuple[tuple[float, ...], ...]  # the surface's minima, global ones first
    n_global: int


def basins(config: Config, surface: surfaces.Surface) -> Basins:
    """Runs the primary optimizer at the chosen rate from every start of a grid over the domain."""
    base = config.base
    axes = tuple(np.linspace(lo, hi, BASIN_SIZE if surface.dim == 2 else BASIN_LINE)
                 for lo, hi in surface.bounds)
    starts = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="xy")], axis=-1)
    sweep = engine.sweep(surface, [base.lr], base.optimizer, steps=base.steps, schedule=base.schedule,
                         schedule_params=dict(base.schedule_params),
                         optimizer_params=dict(base.optimizer_params), starts=starts)
    label = np.full(len(starts), NO_MINIMUM)
    if surface.minima:
        final = np.nan_to_num(sweep.points[:, -1])
        gaps = np.linalg.norm(final[:, None, :] - np.asarray(surface.minima)[None], axis=-1)
        nearest = np.argmin(gaps, axis=1)
        reached = gaps[np.arange(len(starts)), nearest] <= diagnostics.tolerance(surface)
        label = np.where(reached, nearest, NO_MINIMUM)
    label = np.where(sweep.diverged_at >= 0, DIVERGED, label)
    shape = tuple(len(a) for a in reversed(axes))
    return Basins(float(base.lr), axes, label.reshape(shape), surface.minima, surface.n_global)
