"""What a lesson step claims, as data, and the check of it against the core (pure: no streamlit).

A step's ``claim`` (its lesson file) is a table of claim kinds, each with the value its caption
states. :func:`check` runs the step's state through the library, the way its page does
(``lrviz.engine.run``, the compare page's rows, the sweep's grid, the schedules page's pair of runs,
``lrviz.nn``'s range test and searches), and returns every kind that does not hold.
``tests/test_lessons.py`` holds every step of every lesson to its claim.

Kinds, by what they read (:data:`KINDS`):

- one run (playground; schedules: the run with the schedule):
  ``status`` (the run's verdict), ``ends_near`` (the last point, within 0.01), ``zigzag`` (true: the
  first step crosses the minimum nearest the end), ``critical_rate`` (2/λmax at the start, within
  1 %), ``saddle_stay`` (steps spent near a saddle, at least), ``largest_step_above`` /
  ``largest_step_below`` (the longest step), ``largest_gradient_above`` (the largest gradient norm),
  ``rate_factor_below`` with ``by_step`` (Adagrad: every coordinate's rate η / (√Σg² + ε) has fallen
  below this fraction of η by update ``by_step``); the sharpness (λmax of the Hessian,
  :func:`lrviz.engine.diagnostics.lam_max`): ``start_sharpness`` (at the start, within 1 %),
  ``end_sharpness_above`` / ``end_sharpness_below`` (at the last point), ``catapult`` (true: the loss
  climbs above its start, ends below it, and the last point's sharpness is below 2/η),
  ``loss_climb_above`` (the highest loss over the start's);
- the schedules page: ``constant_status`` (the same run at the constant rate), ``loss_ratio_below``
  (final loss with the schedule / at the constant rate);
- the compare page: ``statuses`` (each row's verdict, in order);
- the sweep page: ``edge_between`` (the smallest rate that diverged), ``best_between`` (the best rate);
- the LR finder: ``rules_spread_above`` (largest / smallest rule suggestion of the range test),
  ``grid_runs`` and ``random_runs`` (runs each search needs to get within 5 % of the best loss),
  ``three_rates`` (too small, good, too large, read off the grid), ``small_val_above``,
  ``good_val_below`` and ``large_val_near`` (the last validation loss the curves show at each),
  ``large_val_peak_above`` (the too-large rate's highest) and ``large_acc_below`` (its validation
  accuracy: the share of points its decision map puts on the right side).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lrviz import engine, optimizers, schedules, surfaces
from lrviz.app.compare import compute as compare
from lrviz.app.finder import figures as finder_figures
from lrviz.app.lessons.catalog import Step
from lrviz.app.playground import state as playground
from lrviz.app.sweep import compute as sweep
from lrviz.engine import diagnostics
from lrviz.nn import datasets, search
from lrviz.nn import range_test as rt


def _playground(config) -> dict[str, Any]:
    surface = playground.surface_of(config)
    run = engine.run(surface, config.optimizer, lr=config.lr, steps=config.steps, start=config.start,
                     schedule=config.schedule, schedule_params=dict(config.schedule_params),
                     optimizer_params=dict(config.optimizer_params), noise=config.noise, seed=config.seed,
                     clip_norm=config.clip)
    return {"run": run, "surface": surface, "optimizer": config.optimizer,
            "optimizer_params": dict(config.optimizer_params), "lr": config.lr}


def _schedules(config) -> dict[str, Any]:
    common = dict(lr=config.lr, steps=config.steps, optimizer_params=dict(config.optimizer_params))
    params = schedules.SCHEDULES[config.schedule].resolve(config.schedule_params(), config.lr)
    return {"run": engine.run(config.surface, config.optimizer, schedule=config.schedule,
                              schedule_params=params, **common),
            "constant": engine.run(config.surface, config.optimizer, **common),
            "surface": surfaces.SURFACES[config.surface], "optimizer": config.optimizer,
            "optimizer_params": dict(config.optimizer_params), "lr": config.lr}


def _compare(config) -> dict[str, Any]:
    surface = surfaces.SURFACES[config.surface]
    return {"rows": compare.run_rows(surface, config.rows, config.steps, config.start)}


def _sweep(config) -> dict[str, Any]:
    return {"sweep": sweep.run_sweeps(config, playground.surface_of(config.base))[0]}


def _finder(config) -> dict[str, Any]:
    data = datasets.load(config.data)
    out: dict[str, Any] = {}
    test = rt.range_test(data, lr_min=config.lr_min, lr_max=config.lr_max, batches=config.batches,
                         seeds=tuple(range(config.seeds)), **config.network)
    out["rules"] = [s[0] for s in finder_figures.rule_summary(test).values() if s is not None]
    if config.search or config.general:
        found = search.search(data, lo=config.lr_min, hi=config.lr_max, n=config.rates, steps=config.steps,
                              evals=1, **config.model)
        out["search"] = found
        out["three"] = search.three_rates(found)
        if config.general:
            comparison = search.compare_rates(data, out["three"], steps=config.steps, evals=10,
                                              **config.model)
            out["acc"] = comparison.training.val_acc[:, -1]
            out["val"] = np.asarray(comparison.training.val_loss, float)  # (small, good, large) × evals
    return out


OUTCOMES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "playground": _playground, "schedules": _schedules, "compare": _compare, "sweep": _sweep,
    "lr-finder": _finder,
}


def _steps(o) -> np.ndarray:
    points = np.asarray(o["run"].points, float)
    ok = np.all(np.isfinite(points), axis=1)
    return np.linalg.norm(np.diff(points[ok], axis=0), axis=1)


def _zigzag(o) -> bool:
    run, surface = o["run"], o["surface"]
    points = np.asarray(run.points, float)
    nearest = np.asarray(min(surface.minima, key=lambda m: np.linalg.norm(points[-1] - np.asarray(m))))
    return bool(np.dot(points[0] - nearest, points[1] - nearest) < 0)


def _rate_factor(o, by_step: int) -> float:
    """Adagrad's largest per-coordinate rate over η after ``by_step`` updates (torch.optim.Adagrad)."""
    params = optimizers.OPTIMIZERS[o["optimizer"]].resolve(o["optimizer_params"], o["lr"])
    grads = np.asarray(o["run"].grads, float)[:by_step]
    total = params.get("initial_accumulator_value", 0.0) + np.sum(grads**2, axis=0)
    return float(np.max(1.0 / (np.sqrt(total) + params.get("eps", 1e-10))))


def _sharpness(o, at: int) -> float:
    """λmax of the Hessian at point ``at`` of the run (0: the start, -1: the last point)."""
    return diagnostics.lam_max(o["surface"], np.asarray(o["run"].points[at], float))


def _climb(o) -> float:
    """The highest loss of the run over its loss at the start."""
    losses = np.asarray(o["run"].losses, float)
    return float(np.nanmax(losses) / losses[0])


def _catapult(o) -> bool:
    """The loss rises above its start, ends below it, and the run settles where λmax < 2/η."""
    losses, lr = np.asarray(o["run"].losses, float), float(o["run"].lrs[-1])
    return bool(_climb(o) > 1 and losses[-1] < losses[0] and _sharpness(o, -1) < 2 / lr)


def _within(value: float, bounds) -> bool:
    return value is not None and bounds[0] <= value <= bounds[1]


# kind -> (pages it applies to, check(outcome, stated value, the whole claim) -> (holds, what was measured))
KINDS: dict[str, tuple[frozenset[str], Callable[[dict, Any, dict], tuple[bool, Any]]]] = {}
_RUN = frozenset({"playground", "schedules"})


def _kind(name: str, pages: frozenset[str] | set[str]):
    def register(fn):
        KINDS[name] = (frozenset(pages), fn)
        return fn
    return register


_kind("status", _RUN)(lambda o, v, c: (o["run"].status == v, o["run"].status))
_kind("ends_near", _RUN)(lambda o, v, c: (
    bool(np.linalg.norm(np.asarray(o["run"].points[-1], float) - np.asarray(v, float)) <= 0.01),
    np.asarray(o["run"].points[-1]).tolist()))
_kind("zigzag", _RUN)(lambda o, v, c: (_zigzag(o) == v, _zigzag(o)))
_kind("critical_rate", _RUN)(lambda o, v, c: (
    abs(o["run"].curvature.critical_lr - v) <= 0.01 * v, o["run"].curvature.critical_lr))
_kind("saddle_stay", _RUN)(lambda o, v, c: (
    (visit := diagnostics.saddle_visit(o["surface"], o["run"].points)) is not None and visit[0] >= v,
    visit))
_kind("largest_step_above", _RUN)(lambda o, v, c: (_steps(o).max() > v, float(_steps(o).max())))
_kind("largest_step_below", _RUN)(lambda o, v, c: (_steps(o).max() < v, float(_steps(o).max())))
_kind("largest_gradient_above", _RUN)(lambda o, v, c: (
    (g := float(np.nanmax(np.linalg.norm(np.asarray(o["run"].grads, float), axis=1)))) > v, g))
_kind("rate_factor_below", {"playground"})(lambda o, v, c: (
    o["optimizer"] == "adagrad" and _rate_factor(o, c["by_step"]) < v, _rate_factor(o, c["by_step"])))
_kind("by_step", {"playground"})(lambda o, v, c: ("rate_factor_below" in c, v))
_kind("start_sharpness", _RUN)(lambda o, v, c: (abs(_sharpness(o, 0) - v) <= 0.01 * v, _sharpness(o, 0)))
_kind("end_sharpness_above", _RUN)(lambda o, v, c: (_sharpness(o, -1) > v, _sharpness(o, -1)))
_kind("end_sharpness_below", _RUN)(lambda o, v, c: (_sharpness(o, -1) < v, _sharpness(o, -1)))
_kind("catapult", _RUN)(lambda o, v, c: (_catapult(o) == v, _catapult(o)))
_kind("loss_climb_above", _RUN)(lambda o, v, c: (_climb(o) > v, _climb(o)))
_kind("constant_status", {"schedules"})(lambda o, v, c: (o["constant"].status == v, o["constant"].status))
_kind("loss_ratio_below", {"schedules"})(lambda o, v, c: (
    (r := float(o["run"].losses[-1] / o["constant"].losses[-1])) < v, r))
_kind("statuses", {"compare"})(lambda o, v, c: (
    [r.status for r in o["rows"]] == list(v), [r.status for r in o["rows"]]))
_kind("edge_between", {"sweep"})(lambda o, v, c: (
    _within(o["sweep"].first_diverged, v), o["sweep"].first_diverged))
_kind("best_between", {"sweep"})(lambda o, v, c: (_within(o["sweep"].best_lr, v), o["sweep"].best_lr))
_kind("rules_spread_above", {"lr-finder"})(lambda o, v, c: (
    (s := max(o["rules"]) / min(o["rules"])) > v, s))
_kind("grid_runs", {"lr-finder"})(lambda o, v, c: (o["search"].grid_runs == v, o["search"].grid_runs))
_kind("random_runs", {"lr-finder"})(lambda o, v, c: (o["search"].random_runs == v, o["search"].random_runs))
_kind("three_rates", {"lr-finder"})(lambda o, v, c: (
    bool(np.allclose(o["three"], v, rtol=1e-3)), list(o["three"])))
_kind("small_val_above", {"lr-finder"})(lambda o, v, c: (o["val"][0, -1] > v, float(o["val"][0, -1])))
_kind("good_val_below", {"lr-finder"})(lambda o, v, c: (o["val"][1, -1] < v, float(o["val"][1, -1])))
_kind("large_val_peak_above", {"lr-finder"})(lambda o, v, c: (
    (peak := float(np.nanmax(o["val"][2]))) > v, peak))
_kind("large_val_near", {"lr-finder"})(lambda o, v, c: (
    abs(o["val"][2, -1] - v) <= 0.1 * v, float(o["val"][2, -1])))
_kind("large_acc_below", {"lr-finder"})(lambda o, v, c: (o["acc"][2] < v, float(o["acc"][2])))


def unknown(step: Step) -> list[str]:
    """The step's claim kinds that do not exist, or do not apply to its page."""
    return [k for k, _ in step.claim if k not in KINDS or step.page not in KINDS[k][0]]


def check(step: Step) -> dict[str, tuple[Any, Any]]:
    """Every claim of ``step`` that does not hold: kind -> (stated, measured). Empty: it all holds."""
    outcome = OUTCOMES[step.page](step.config("en"))
    claim = dict(step.claim)
    failed = {}
    for kind, value in step.claim:
        holds, measured = KINDS[kind][1](outcome, value, claim)
        if not holds:
            failed[kind] = (value, measured)
    return failed
