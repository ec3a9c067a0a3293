"""Hundreds of learning rates at once: the /sweep page's config, link and computation.

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

Link keys (``/sweep?...``): the playground's ``surface``, ``formula``, ``dim``,
``schedule``, ``s.<name>``, ``steps``, ``start``, ``big`` and ``lang`` with the
same meaning (:mod:`lrviz.app.playground.state`); ``optimizers`` (comma-separated ids, 1 to 4,
the first is the *primary* one whose hyper-parameters ``o.<name>`` set and
whose phase and basin pictures are drawn), ``n`` (number of rates,
200–2,000), ``lo`` and ``hi`` (the rate range, ``lo < hi``), ``lr`` (the
chosen rate of the basin map) and ``phase`` (``loss`` | ``distance``).
Without ``lo``, ``hi`` and ``lr`` the page suggests values from the
surface's critical rate 2/λmax.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from lrviz import engine, optimizers, schedules, surfaces
from lrviz.app.kit.query import Note, QueryReader, format_value
from lrviz.app.playground import state as links
from lrviz.app.playground.state import Config as PlaygroundConfig
from lrviz.engine import diagnostics
from lrviz.engine.diagnostics import Limit

RATES = (200, 2000)
RATE_RANGE = (1e-6, 100.0)
MAX_OPTIMIZERS = 4
MAX_PHASE_RATES, MAX_PHASE_STEPS = 200, 250
# The engine pads the number of runs to a power of two, so 45² = 2,025 starts cost what 40² would.
BASIN_SIZE = 45  # starts per side of the 2-D basin grid
BASIN_LINE = 256  # starts on the line of a 1-D surface
DIVERGED, NO_MINIMUM = -1, -2  # basin labels besides minimum indices
TIE = 1e-6  # final losses closer than this share of the loss drop are tied
Phase = Literal["loss", "distance"]
# Keys of the playground's link that mean the same here (``optimizer`` comes from ``optimizers``).
_SHARED = ("surface", "formula", "dim", "schedule", "steps", "start", "big", "lang", "lr")


_BASE = PlaygroundConfig(steps=500)


@dataclass(frozen=True)
class SweepConfig:
    """Everything the page shows. ``base`` holds the surface, the primary optimizer
    and its parameters, the schedule, steps, start and the chosen rate ``base.lr``."""

    base: PlaygroundConfig = _BASE
    optimizers: tuple[str, ...] = ("sgd",)
    rates: int = 500
    lo: float = 1e-3
    hi: float = 10.0
    phase: Phase = "loss"
    notes: tuple[Note, ...] = field(default=(), compare=False)


DEFAULT = SweepConfig()


def suggested_rates(surface: surfaces.Surface, start: tuple[float, ...] | None) -> tuple[float, float, float]:
    """(lo, hi, chosen) around plain GD's critical rate c = 2/λmax at the minimum nearest the start:
    whole decades spanning c/1000 to 10·c, and the chosen rate c/2 = 1/λmax (GD's fastest)."""
    critical = diagnostics.curvature(surface, surface.start if start is None else start).critical_lr
    if not (np.isfinite(critical) and critical > 0):
        return DEFAULT.lo, DEFAULT.hi, DEFAULT.base.lr
    lo_range, hi_range = RATE_RANGE
    lo = float(np.clip(10.0 ** np.floor(np.log10(critical / 1e3)), lo_range, hi_range / 10))
    hi = float(np.clip(10.0 ** np.ceil(np.log10(critical * 10)), lo * 10, hi_range))
    chosen = float(np.clip(critical / 2, *links.LR_RANGE))
    return lo, hi, float(f"{chosen:.3g}")


def _optimizer_list(text: str) -> tuple[str, ...] | None:
    names = tuple(p for p in text.replace(" ", "").split(",") if p)
    ok = 1 <= len(names) <= MAX_OPTIMIZERS and len(set(names)) == len(names)
    return names if ok and all(n in optimizers.OPTIMIZERS for n in names) else None


def parse_sweep(query: Mapping[str, str]) -> SweepConfig:
    """The sweep config a query string describes; bad values fall back with a note, never raise."""
    read = QueryReader(query)
    names = read.get("optimizers", _optimizer_list, DEFAULT.optimizers)
    shared = {k: query[k] for k in query if k in _SHARED or k.startswith(("o.", "s."))}
    base = links.parse({**shared, "optimizer": names[0]})
    steps = base.steps if "steps" in query else DEFAULT.base.steps
    notes = []
    for note in base.notes:  # the rate is read below; the steps fall back to this page's default
        if note.key == "steps":
            steps = DEFAULT.base.steps
            note = note._replace(fallback=format_value(steps))
        if note.key != "lr":
            notes.append(note)
    surface = links.surface_of(base)
    lo_default, hi_default, lr_default = suggested_rates(surface, base.start)
    lo = read.number("lo", *RATE_RANGE, lo_default)
    hi = read.number("hi", *RATE_RANGE, hi_default)
    if lo >= hi:  # a pair that cannot be a range: each value the link gave falls back (once)
        noted = {note.key for note in read.notes}
        for key, fallback in (("lo", lo_default), ("hi", hi_default)):
            if key in query and key not in noted:
                read.note(key, str(query[key]), fallback)
        lo, hi = lo_default, hi_default
    lr = lr_default
    if "lr" in query:
        lr = read.number("lr", *links.LR_RANGE, lr_default)
    config = SweepConfig(
        base=replace(base, lr=lr, steps=steps, notes=()),
        optimizers=names,
        rates=read.whole("n", *RATES, DEFAULT.rates),
        lo=lo,
        hi=hi,
        phase=read.choice("phase", ("loss", "distance"), DEFAULT.phase),
    )
    config, dropped = _fit_range(config)
    return replace(config, notes=(*notes, *read.notes, *dropped))


def _fit_range(config: SweepConfig) -> tuple[SweepConfig, list[Note]]:
    """Drop hyper-parameters that some rate of the range would reject (the specs check
    against the rate, e.g. a cyclic schedule's ``max_lr`` must not be below ``base_lr``)."""
    notes = []
    base = config.base
    for prefix, spec, name in (("o", optimizers.OPTIMIZERS[base.optimizer], "optimizer_params"),
                               ("s", schedules.SCHEDULES[base.schedule], "schedule_params")):
        params = getattr(base, name)
        try:
            for lr in (config.lo, config.hi, base.lr):
                spec.resolve(dict(params), lr)
        except ValueError:
            notes += [Note(f"{prefix}.{key}", format_value(value), None) for key, value in params]
            base = replace(base, **{name: ()})
    return replace(config, base=base), notes


def sweep_query(config: SweepConfig) -> dict[str, str]:
    """The query string for ``config`` (the playground's keys it shares, then its own)."""
    query = links.to_query(config.base)
    for key in ("optimizer", "view", "mode", "noise", "seed"):
        query.pop(key, None)
    query["optimizers"] = ",".join(config.optimizers)
    query.update(n=str(config.rates), lo=format_value(config.lo), hi=format_value(config.hi),
                 phase=config.phase)
    return query


# --- the computation ------------------------------------------------------------------------------


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


def rate_grid(config: SweepConfig) -> np.ndarray:
    return np.geomspace(config.lo, config.hi, config.rates)


def _params(config: SweepConfig, name: str) -> dict[str, Any]:
    """The primary optimizer's parameters from the config; the others run with their defaults."""
    return dict(config.base.optimizer_params) if name == config.optimizers[0] else {}


def run_sweeps(config: SweepConfig, surface: surfaces.Surface) -> tuple[RateSweep, ...]:
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
            limit=diagnostics.stability_limit(name, resolved, sweep.curvature.lam_min),
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


def basins(config: SweepConfig, surface: surfaces.Surface) -> Basins:
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
