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

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from lrviz.engine import diagnostics
from lrviz.engine._run import (
    _ROW_BUCKETS,
    Trajectory,
    _prepare,
    _simulate,
    _start,
    _traced,
)
from lrviz.engine.devices import bucket
from lrviz.surfaces import Surface

__all__ = ["runs"]


@functools.partial(jax.jit, static_argnums=0)
def _runs_compiled(program, n_steps, lrs, opt_params, sched_params, start, noise, clip_norm, seed):
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
    out = _runs_compiled(program, jnp.int32(steps), rows, opt_p, sched_p,
                         *_traced(point, noise, clip_norm, seed))
    points, losses, rates, grads = (np.asarray(a)[:n] for a in out[:4])
    diverged_at, converged_at = np.asarray(out.diverged_at)[:n], np.asarray(out.converged_at)[:n]
    points, losses = points[:, : steps + 1], losses[:, : steps + 1]
    # A diverged row is "diverged" whatever follows its escape; the others are whole, as in run().
    status = diagnostics.classify(surface, points, losses, diverged_at)
    curvature = diagnostics.curvature(surface, point)
    result = []
    for i in range(n):
        end = int(diverged_at[i]) if diverged_at[i] >= 0 else steps
        result.append(Trajectory(
            surface=surface.name,
            points=points[i, : end + 1],
            losses=losses[i, : end + 1],
            lrs=rates[i, :end],
            grads=grads[i, :end],
            status=str(status[i]),
            diverged_at=int(diverged_at[i]) if diverged_at[i] >= 0 else None,
            converged_at=int(converged_at[i]) if converged_at[i] >= 0 else None,
            steps=int(steps),
            curvature=curvature,
        ))
    return tuple(result)
