"""Many whole runs at once: :func:`runs` gives a :class:`Trajectory` per rate from one ``vmap``.

:func:`~lrviz.engine.sweep` keeps only points and losses (what a loss-vs-rate chart needs);
a page that lets a student slide through the rates in the browser needs each run whole:
its rates and gradients too, cut after divergence as :func:`~lrviz.engine.run` cuts them.
``runs(surface, lrs, ...)[i]`` equals ``run(surface, lr=lrs[i], ...)``. It is the same
scan (:func:`lrviz.engine._run._simulate`) under one ``jit(vmap(...))``: the rates are a
traced argument and the number of rows is bucketed, so moving among a slider's rates
compiles nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jax
import numpy as np

from lrviz.engine._run import (
    _ROW_BUCKETS,
    Trajectory,
    _compiled,
    _prepare,
    _simulate,
    _start,
    _traced,
    host,
    trajectories,
)
from lrviz.engine.devices import bucket
from lrviz.surfaces import Surface

__all__ = ["runs"]


def _runs_body(program, n_steps, lrs, opt_params, sched_params, start, noise, clip_norm, seed):
    """Every rate of ``lrs`` scanned from one start (compiled per program by ``_compiled``)."""

    def one(lr):
        return _simulate(program, n_steps, lr, opt_params, sched_params, start, noise, clip_norm, seed)

    return jax.vmap(one)(lrs)


def runs(
    surface: Surface | str,
    lrs: Sequence[float] | np.ndarray,
    optimizer: str = "sgd",
    steps: int = 100,
    start: Sequence[float] | None = None,
    schedule: str = "constant",
    schedule_params: Mapping[str, Any] | None = None,
    optimizer_params: Mapping[str, Any] | None = None,
    *,
    noise: float = 0.0,
    seed: int = 0,
    clip_norm: float | None = None,
) -> tuple[Trajectory, ...]:
    """One :class:`Trajectory` per rate in ``lrs``, computed together; element i equals
    ``run(surface, optimizer, lrs[i], steps, start, ...)`` (the same numbers, status and cut).

    Raises ``ValueError`` for invalid arguments (never for a diverging row).
    """
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    if lrs.ndim != 1 or len(lrs) == 0 or not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(f"`lrs` (={lrs!r}) must be a non-empty 1-D array of positive, finite rates.")
    surface, program, opt_p, sched_p = _prepare(
        surface, optimizer, float(lrs.max()), steps, schedule, schedule_params, optimizer_params,
        noise, clip_norm,
    )
    point = _start(surface, start)
    n = len(lrs)
    rows = np.pad(lrs, (0, bucket(n, _ROW_BUCKETS, "the number of runs") - n), mode="edge").astype(np.float32)
    out = _compiled(_runs_body, program)(np.int32(steps), rows, opt_p, sched_p,
                                         *_traced(point, noise, clip_norm, seed))
    return trajectories(surface, steps, point, host(out, n))
