"""The Compare page's state: up to six runs on one surface, their link, and their results.

A comparison is a surface, a step count, a start and up to :data:`MAX_ROWS` rows,
each an optimizer with its hyper-parameters, a learning rate and a schedule. The
link keeps every row, in a form that reads well on a lecture slide::

    /compare?surface=rosenbrock&steps=600&r1=sgd:0.0015&r2=adam:0.3:cosine&r2.s.T_max=600

Keys:

- ``r1`` … ``r6``: one run each, ``<optimizer>:<rate>`` or ``<optimizer>:<rate>:<schedule>``
  (the schedule defaults to ``constant``). Rows are shown in the order of their numbers;
  gaps are allowed. More than six rows: the first six are kept and the page says so.
- ``r<i>.o.<name>`` and ``r<i>.s.<name>``: a hyper-parameter of row ``i``'s optimizer or
  schedule, e.g. ``r1.o.momentum=0.8``, ``r2.o.betas=0.9,0.99`` (only values that differ
  from the defaults are written).
- ``surface`` (a built-in surface id), ``steps`` (1 … 2000), ``start`` (comma-separated),
  ``layout`` (``overlay`` | ``multiples``), ``big`` (presentation mode, 1/0) and ``lang``.

A malformed value falls back to its default and leaves a :class:`~lrviz.app.kit.query.Note`;
a row whose optimizer, rate or schedule cannot be read is repaired part by part, and
its note shows the repaired row. Parsing never raises.

:func:`results` turns finished runs into the rows of the results table (final loss,
distance to the nearest minimum, steps to reach the tolerance of
:func:`lrviz.engine.diagnostics.tolerance`, status) and :func:`to_csv` writes them out.
:func:`spread_rates` is the "same optimizer, several rates" shortcut.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple

import numpy as np

from lrviz import engine, optimizers, schedules, surfaces
from lrviz.app.kit.query import Note, QueryReader, format_value, number
from lrviz.app.kit.strings import t
from lrviz.app.playground.state import LR_RANGE, MAX_STEPS
from lrviz.app.sweep import compute as sweeps
from lrviz.engine import Trajectory, diagnostics
from lrviz.engine.diagnostics import Limit, Status
from lrviz.i18n import DEFAULT_LANG, Lang, parse_lang

MAX_ROWS = 6
FALLBACK_RATE = 0.01  # the rate of a row whose rate cannot be read
Layout = Literal["overlay", "multiples"]
_ROW_KEY = re.compile(r"^r(\d{1,6})(?:\.|$)")


@dataclass(frozen=True)
class Row:
    """One run: optimizer, its hyper-parameters (those that differ from the defaults), rate, schedule."""

    optimizer: str
    lr: float
    schedule: str = "constant"
    optimizer_params: tuple[tuple[str, Any], ...] = ()
    schedule_params: tuple[tuple[str, Any], ...] = ()

    def label(self, lang: str) -> str:
        """``Adam · η = 0.3`` (with `` · Cosine annealing`` for a schedule other than constant;
        the PyTorch class name in the schedule's title is left out, to keep legends short)."""
        text = f"{optimizers.OPTIMIZERS[self.optimizer].title(lang)} · η = {self.lr:g}"
        if self.schedule != "constant":
            text += f" · {schedules.SCHEDULES[self.schedule].title(lang).split(' (')[0]}"
        return text

    def head(self) -> str:
        """The row's link value: ``adam:0.3`` or ``adam:0.3:cosine``."""
        text = f"{self.optimizer}:{format_value(float(self.lr))}"
        return text if self.schedule == "constant" else f"{text}:{self.schedule}"


# A first picture that teaches (600 steps on Rosenbrock from (-1.2, 1)): plain SGD just below
# 2/λmax at the minimum (≈ 0.002) still crawls along the valley; momentum at a similar rate
# arrives first (step ≈ 290); RMSProp's fixed-size steps rattle across the valley; Adam
# arrives too, later (step ≈ 520).
DEFAULT_ROWS = (
    Row("sgd", 0.0015),
    Row("momentum", 0.003),
    Row("rmsprop", 0.02),
    Row("adam", 0.3),
)


@dataclass(frozen=True)
class CompareConfig:
    surface: str = "rosenbrock"
    rows: tuple[Row, ...] = DEFAULT_ROWS
    steps: int = 600
    start: tuple[float, ...] | None = None
    layout: Layout = "overlay"
    big: bool = False
    lang: Lang = DEFAULT_LANG
    notes: tuple[Note, ...] = field(default=(), compare=False)
    extra_rows: int = field(default=0, compare=False)  # rows of the link beyond MAX_ROWS, not shown


DEFAULT = CompareConfig()


def parse_row(text: str) -> tuple[Row, bool]:
    """The row ``text`` describes and whether it was read as written (else repaired part by part)."""
    parts = str(text).strip().split(":")
    optimizer = parts[0] if parts[0] in optimizers.OPTIMIZERS else None
    lr = number(parts[1], *LR_RANGE) if len(parts) > 1 else None
    schedule = parts[2] if len(parts) > 2 else "constant"
    schedule = schedule if schedule in schedules.SCHEDULES else None
    clean = None not in (optimizer, lr, schedule) and len(parts) <= 3
    row = Row(optimizer or DEFAULT_ROWS[0].optimizer, FALLBACK_RATE if lr is None else lr,
              schedule or "constant")
    return row, clean


def _row_indices(query: Mapping[str, str]) -> list[int]:
    found = {int(m.group(1)) for key in query if (m := _ROW_KEY.match(str(key)))}
    return sorted(found)


def parse_compare(query: Mapping[str, str]) -> CompareConfig:
    """The comparison a query string describes; bad values fall back with a note."""
    read = QueryReader(query)
    lang = read.get("lang", parse_lang, DEFAULT_LANG)
    surface = read.choice("surface", surfaces.SURFACES, DEFAULT.surface)
    rows = []
    indices = _row_indices(query)
    for i in indices[:MAX_ROWS]:
        key = f"r{i}"
        raw = str(query.get(key, ""))
        row, clean = parse_row(raw)
        row = replace(
            row,
            optimizer_params=read.params(f"{key}.o", optimizers.OPTIMIZERS[row.optimizer], row.lr),
            schedule_params=read.params(f"{key}.s", schedules.SCHEDULES[row.schedule], row.lr),
        )
        if not clean:
            read.note(key, raw, row.head())
        rows.append(row)
    config = CompareConfig(
        surface=surface,
        rows=tuple(rows) if rows else DEFAULT.rows,
        steps=read.whole("steps", 1, MAX_STEPS, DEFAULT.steps),
        start=read.numbers("start", -1e3, 1e3, surfaces.SURFACES[surface].dim, None),
        layout=read.choice("layout", ("overlay", "multiples"), DEFAULT.layout),
        big=read.flag("big", DEFAULT.big),
        lang=lang,
    )
    return replace(config, notes=tuple(read.notes), extra_rows=max(0, len(indices) - MAX_ROWS))


def compare_query(config: CompareConfig) -> dict[str, str]:
    """The query string for ``config``: surface, steps, every row; the rest where not default."""
    query = {"lang": config.lang, "surface": config.surface, "steps": str(config.steps)}
    for i, row in enumerate(config.rows[:MAX_ROWS], start=1):
        query[f"r{i}"] = row.head()
        for prefix, params in (("o", row.optimizer_params), ("s", row.schedule_params)):
            for name, value in params:
                query[f"r{i}.{prefix}.{name}"] = format_value(value)
    if config.start is not None:
        query["start"] = format_value(config.start)
    if config.layout != DEFAULT.layout:
        query["layout"] = config.layout
    if config.big:
        query["big"] = format_value(True)
    return query


# --- running and summarising ---------------------------------------------------------------------


def run_rows(
    surface: surfaces.Surface, rows: Sequence[Row], steps: int, start: Sequence[float] | None = None
) -> tuple[Trajectory, ...]:
    """Every row run with :func:`lrviz.engine.run` from the same start (a few ms each once compiled;
    rows that share an optimizer and schedule share one compiled program)."""
    return tuple(
        engine.run(surface, row.optimizer, lr=row.lr, steps=steps, start=start, schedule=row.schedule,
                   schedule_params=dict(row.schedule_params), optimizer_params=dict(row.optimizer_params))
        for row in rows
    )


def names(rows: Sequence[Row], runs: Sequence[Trajectory], lang: str, sep: str = ": ") -> list[str]:
    """Legend entries: "Adam · η = 0.3: converged in 312 steps" (``sep`` between label and outcome)."""
    return [f"{row.label(lang)}{sep}{outcome(run, lang)}" for row, run in zip(rows, runs, strict=True)]


def limit_of(row: Row, lam: float) -> Limit | None:
    """The row's critical rate where the largest curvature is ``lam`` (None for adaptive optimizers)."""
    params = optimizers.OPTIMIZERS[row.optimizer].resolve(dict(row.optimizer_params), row.lr)
    return diagnostics.stability_limit(row.optimizer, params, lam)


def outcome(run: Trajectory, lang: str) -> str:
    """What happened, short enough for a legend: "converged in 312 steps", "diverged at step 9"."""
    if run.status == "converged" and run.converged_at is not None:
        if run.converged_at == 1:
            return t("compare.converged_in_one", lang)
        return t("compare.converged_in", lang, steps=run.converged_at)
    if run.status == "diverged" and run.diverged_at is not None:
        return t("compare.diverged_at", lang, step=run.diverged_at)
    return t(f"status.{run.status}", lang)


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
    roles: tuple[str, ...]  # "small" | "medium" | "good" | "large" | "diverge" (SGD) or "huge" (adaptive)
    limit: Limit | None  # the critical rate (SGD family); None for adaptive optimizers
    scale: float  # the critical rate, or for adaptive optimizers the distance to the minimum
    probe: Probe | None = None  # the rates tried on the surface itself, if any


class Probe(NamedTuple):
    """Rates tried on the surface (one :func:`lrviz.engine.sweep`) and the divergence edge found."""

    lo: float
    hi: float
    count: int
    edge: float | None  # smallest tried rate from which every larger one diverged; None: none did


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
    up; Adam's is about ``η`` and it usually does not diverge at all). The statuses of the runs say
    what actually happened. Rates are clipped to the page's range.

    ``probe``: check the rates on the surface itself (see :func:`_probed`); without it the
    rates are the formulas' alone.
    """
    if count not in _ROLES:
        raise ValueError(f"`count` (={count!r}) must be 3, 4 or 5.")
    point = np.asarray(surface.start if start is None else start, dtype=float)
    params = optimizers.OPTIMIZERS[optimizer].resolve(dict(optimizer_params or {}), 1.0)
    curvature = diagnostics.curvature(surface, point)
    lam = curvature.lam_min
    limit = diagnostics.stability_limit(optimizer, params, lam)
    roles = _ROLES[count]
    if limit is not None and np.isfinite(limit.value) and lam > 0:
        c = limit.value
        mu = float(params.get("momentum", 0.0))
        delta = 2 * min(0.1, 1 / steps)
        by_role = {"small": (1 - mu) * delta / lam, "good": c / 2, "large": c * (1 - delta / 2),
                   "diverge": 1.2 * c}
        scale = c
    else:
        limit = None
        if curvature.nearest_minimum is not None:
            d = float(np.linalg.norm(np.asarray(curvature.nearest_minimum) - point))
        else:
            d = float(np.max(surface.bounds[:, 1] - surface.bounds[:, 0])) / 4
        d = max(d, 1e-3)
        by_role = {"small": d / (10 * steps), "good": 3 * d / steps, "large": d / 3, "huge": 3 * d}
        roles = tuple("huge" if r == "diverge" else r for r in roles)
        scale = d
    found = None
    if probe:
        by_role, found = _probed(by_role, optimizer, surface, steps, point, params)
    by_role["medium"] = math.sqrt(by_role["small"] * by_role["good"])
    rates = tuple(float(f"{min(max(by_role[r], LR_RANGE[0]), LR_RANGE[1]):.3g}") for r in roles)
    return Spread(rates, roles, limit, scale, found)


PROBE_RATES = 40


def _probed(
    by_role: dict[str, float], optimizer: str, surface: surfaces.Surface, steps: int, start: np.ndarray,
    params: Mapping[str, Any],
) -> tuple[dict[str, float], Probe]:
    """The roles' rates checked against the surface itself.

    The critical rate holds near the minimum; a run that is still far from it meets other
    curvatures (across Rosenbrock's valley λ ≈ 200 at x = 0, against 1000 at the minimum).
    So :data:`PROBE_RATES` log-spaced rates from the smallest role's to 30 × the largest (at
    most the page's maximum) run at once, and where the edge of divergence they find
    (:func:`lrviz.app.sweep.compute.divergence_edge`) contradicts a role, the roles move: a top rate
    ("diverge", "huge") that does not diverge moves to the edge, and for the SGD family
    "large" then moves to the largest tried rate below it; a "large" that diverges moves
    there too; "good" stays below "large".
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
    return roles, Probe(float(lo), float(hi), PROBE_RATES, edge)


def spread_rows(
    optimizer: str, spread: Spread, optimizer_params: Mapping[str, Any] | None = None
) -> tuple[Row, ...]:
    """One row per rate of ``spread``, all with the same optimizer and hyper-parameters."""
    spec = optimizers.OPTIMIZERS[optimizer]
    given = dict(optimizer_params or {})
    params = tuple((p.name, given[p.name]) for p in spec.params if p.name in given)
    return tuple(Row(optimizer, lr, optimizer_params=params) for lr in spread.rates)
