"""Run gradient descent on a surface: one trajectory (``run``) or many at once (``sweep``).

One pure function, :func:`_simulate`, advances a point through ``lax.scan``;
``run`` jits it and ``sweep`` jits its ``vmap`` over learning rates (and start
points), so a sweep row is the single run at that rate. Each update ``t``:

1. the loss and gradient at θ_t (carried from the previous step);
2. plus Gaussian noise of standard deviation ``noise`` (a stand-in for
   mini-batch gradients; the key is ``fold_in(key(seed), t)``, so a link
   replays the same run);
3. clipped to global norm ``clip_norm`` as ``torch.nn.utils.clip_grad_norm_``
   does (factor ``min(1, c / (‖g‖ + 1e-6))``);
4. the optimizer's direction d_t (:mod:`lrviz.optimizers`) and the rate η_t
   (:mod:`lrviz.schedules`): θ_{t+1} = θ_t − η_t d_t;
5. ReduceLROnPlateau, if chosen, then sees the loss at θ_{t+1}, as
   ``scheduler.step(val_loss)`` would after an epoch.

Schedule-free optimizers (``OptimizerSpec.averaged``) take the gradient at one point, y, and
evaluate the model at another, the average x (the ``schedulefree`` package's ``optimizer.eval()``
point). Their trajectory's ``points`` and ``losses`` are x and its loss (what the run's verdict,
convergence and ReduceLROnPlateau read), ``gradient_points`` the y where each gradient was taken,
and ``lrs`` the rates with the package's warm-up applied. A run escapes when either point does.

Divergence: a run is *diverged* at the first point that is non-finite, has a
non-finite loss, or lies outside the escape box, the surface's domain grown
ten-fold about its centre (any coordinate farther from the centre than ten
half-widths), and grown further where the start lies outside the domain (ten
times the start's largest coordinate distance from the centre, in every coordinate). On the quadratic
``x²`` with domain ±3 and start 2.5 a rate 1 % above the critical 2/λ grows |x|
by 2 % a step and is called diverged after about 125 steps; a run from x₀ = 100
that shrinks toward the minimum is never called diverged. Once escaped, θ stays at
the escaped point; ``run`` cuts its arrays after it and ``sweep`` fills the rest of
each row with NaN.

No recompilation while sliders move: the learning rate, numeric
hyper-parameters, start, noise, clip norm and seed are traced arguments; the
step count is rounded up to a bucket (powers of two from 32) and the number of
sweep rows likewise, so a handful of compiled shapes serve every slider
position. Only surfaces, optimizer/schedule ids, their bool/choice
parameters (e.g. ``nesterov``, ``mode``) and whether noise or clipping is on
at all select a compiled program.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import itertools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from lrviz import optimizers, schedules
from lrviz.engine import devices, diagnostics
from lrviz.engine.devices import bucket
from lrviz.engine.diagnostics import Curvature, Status
from lrviz.params import check_int, check_rate
from lrviz.surfaces import Surface, get

__all__ = ["Sweep", "Trajectory", "run", "sweep", "trace_count"]

ESCAPE_FACTOR = 10.0
# Steps run in buckets of 512, 2048, 8192, ... (the scan stops counting at the asked-for step): one
# program serves every step count up to its bucket, so a page's step slider between 10 and 500
# compiles one program per optimizer, not four. A new program is ~0.15 s of tracing even when
# JAX's persistent cache holds it (~1 s when not), and each one kept is 4-5 MB; the steps past
# the asked-for count cost microseconds (56 rates x 512 steps on a 2-D surface: ~5 ms).
_STEP_BUCKETS = tuple(512 * 4**k for k in range(5))  # 512 … 131,072
_ROW_BUCKETS = tuple(16 * 2**k for k in range(14))  # 16 … 131,072
# Row-steps from which a sweep pays for splitting over two cores: on this 2-core machine
# 2048 x 2000 took 490 ms split vs 762 ms on one core, 1024 x 500 21 vs 24 ms, but
# 512 x 500 16 vs 15 ms and 64 x 200 8 vs 5 ms (the hand-off costs a few ms).
_SPREAD_FROM = 400_000


@dataclass(frozen=True)
class Trajectory:
    """One run. Arrays stop after the escaped point when the run diverged."""

    surface: str
    points: np.ndarray  # (k + 1, dim)
    losses: np.ndarray  # (k + 1,)
    lrs: np.ndarray  # (k,) rate used by update t
    grads: np.ndarray  # (k, dim) gradient used by update t (after noise and clipping)
    status: Status
    diverged_at: int | None  # index in ``points`` of the first escaped point
    converged_at: int | None  # first index from which it stays at a global minimum
    steps: int  # updates requested
    curvature: Curvature
    # (k + 1, dim) where each gradient was taken (y), where that is not ``points`` (schedule-free
    # optimizers: ``points`` are the averages x where the model is evaluated); None otherwise.
    gradient_points: np.ndarray | None = None


@dataclass(frozen=True)
class Sweep:
    """Many runs that differ in learning rate (and, optionally, start point)."""

    surface: str
    lrs: np.ndarray  # (n,)
    starts: np.ndarray  # (n, dim)
    points: np.ndarray  # (n, steps + 1, dim); NaN after divergence
    losses: np.ndarray  # (n, steps + 1); NaN after divergence
    final_loss: np.ndarray  # (n,); +inf where the run diverged
    status: np.ndarray  # (n,) of Status strings
    diverged_at: np.ndarray  # (n,) int, -1 where the run did not diverge
    converged_at: np.ndarray  # (n,) int, -1 where it never settled at a global minimum
    curvature: Curvature  # at the first start


@dataclass(frozen=True)
class _Program:
    """Everything that selects a compiled program (hashable, static under jit)."""

    surface: Surface
    optimizer: str
    optimizer_static: tuple[tuple[str, Any], ...]
    schedule: str
    schedule_static: tuple[tuple[str, Any], ...]
    steps: int
    noisy: bool  # noise > 0: draw Gaussian noise (its size stays traced)
    clipped: bool  # clip_norm given: clip the gradient (the norm stays traced)


_traces = 0


def trace_count() -> int:
    """How many times the engine's programs have been traced (compiled) in this process."""
    return _traces


class Outcome(NamedTuple):
    """What the compiled scan returns (arrays cover the whole step bucket)."""

    points: jnp.ndarray
    losses: jnp.ndarray
    lrs: jnp.ndarray
    grads: jnp.ndarray
    diverged_at: jnp.ndarray  # index of the escaped point, -1 if none
    converged_at: jnp.ndarray  # first index from which it stays at a global minimum, -1 if none
    gradient_points: jnp.ndarray | None = None  # where gradients were taken, if not ``points``


def _simulate(program: _Program, n_steps, lr, opt_params, sched_params, start, noise, clip_norm, seed):
    """Scan ``n_steps`` updates (padded to ``program.steps``) from ``start``; pure and traceable."""
    global _traces
    _traces += 1
    surface = program.surface
    update = optimizers.stepper(program.optimizer, {**opt_params, **dict(program.optimizer_static)})
    sched_spec = schedules.SCHEDULES[program.schedule]
    sched_p = {**sched_params, **dict(program.schedule_static)}
    loss_and_grad = jax.value_and_grad(surface.fn)

    if sched_spec.needs_loss:
        plateau = schedules.Plateau(lr, sched_p)
        sched_state0 = plateau.init()

        def rate(state, t):
            return state.lr

        def observe(state, loss):
            return plateau.update(state, loss)
    else:
        sched_state0 = ()

        def rate(state, t):
            return sched_spec.fn(t, lr, sched_p)

        def observe(state, loss):
            return state

    start = start.astype(jnp.float32)
    centre = jnp.asarray(surface.centre, jnp.float32)
    half = jnp.asarray(surface.half_widths, jnp.float32)
    # A far start is not an escape; one reach for every coordinate, as a run from (100, 0) on a
    # coupled bowl swings through y as far as through x.
    reach = ESCAPE_FACTOR * jnp.maximum(half, jnp.max(jnp.abs(start - centre)))
    goals = jnp.asarray(surface.global_minima or [[jnp.inf] * surface.dim], jnp.float32)
    tol = diagnostics.tolerance(surface)
    key = jax.random.key(seed)
    loss0, grad0 = loss_and_grad(start)
    averaged = update.evaluated is not None  # a Python fact: the model is evaluated elsewhere (x)

    def far_from_goal(theta):
        return jnp.min(jnp.linalg.norm(goals - theta, axis=-1)) > tol

    def outside(theta, value):
        return ~jnp.isfinite(value) | ~jnp.all(jnp.isfinite(theta)) | jnp.any(jnp.abs(theta - centre) > reach)

    def step(carry, t):
        theta, loss, grad, seen, seen_loss, opt_state, sched_state, moving, last_far = carry
        g = grad
        if program.noisy:
            g = g + noise * jax.random.normal(jax.random.fold_in(key, t), grad.shape)
        if program.clipped:
            g = g * jnp.minimum(1.0, clip_norm / (jnp.linalg.norm(g) + 1e-6))
        eta = rate(sched_state, t).astype(jnp.float32)
        candidate, new_opt_state, used = update.apply(g, opt_state, theta, eta)
        candidate_loss, candidate_grad = loss_and_grad(candidate)
        if averaged:  # the model's point x, and its loss
            view = update.evaluated(new_opt_state, candidate)
            view_loss = surface.fn(view)
        else:
            view, view_loss = candidate, candidate_loss
        moving = moving & (t < n_steps)  # the bucket's extra steps change nothing
        escaped = moving & outside(view, view_loss)
        if averaged:
            escaped = escaped | (moving & outside(candidate, candidate_loss))
        # Once stopped, θ stays where it is; the optimizer and schedule states
        # run on unobserved, which is cheaper than freezing them too.
        new_theta, new_loss, new_grad, new_seen, new_seen_loss = (
            jnp.where(moving, new, old)
            for new, old in ((candidate, theta), (candidate_loss, loss), (candidate_grad, grad),
                             (view, seen), (view_loss, seen_loss))
        )
        last_far = jnp.where(moving & far_from_goal(new_seen), t + 1, last_far)
        carry = (new_theta, new_loss, new_grad, new_seen, new_seen_loss, new_opt_state,
                 observe(sched_state, new_seen_loss), moving & ~escaped, last_far)
        # After an escape the record holds NaN: "no value" rather than a stale one.
        shown = moving | (t >= n_steps)
        gradient_point = jnp.where(shown, new_theta, jnp.nan) if averaged else None
        record = (jnp.where(shown, new_seen, jnp.nan), jnp.where(shown, new_seen_loss, jnp.nan),
                  used.astype(jnp.float32), g, escaped, gradient_point)
        return carry, record

    init = (start, loss0, grad0, start, loss0, update.init(start), sched_state0, jnp.array(True),
            jnp.where(far_from_goal(start), 0, -1))
    final, (seens, losses, etas, grads, escapes, thetas) = jax.lax.scan(step, init, jnp.arange(program.steps))
    diverged_at = jnp.where(jnp.any(escapes), jnp.argmax(escapes) + 1, -1)
    last_far = final[-1]
    converged_at = jnp.where((diverged_at < 0) & (last_far < n_steps), last_far + 1, -1)
    points = jnp.concatenate([start[None], seens])
    gradient_points = jnp.concatenate([start[None], thetas]) if averaged else None
    return Outcome(points, jnp.concatenate([loss0[None], losses]), etas, grads, diverged_at, converged_at,
                   gradient_points)


def _run_one(program, n_steps, lr, opt_params, sched_params, start, noise, clip_norm, seed):
    return _simulate(program, n_steps, lr, opt_params, sched_params, start, noise, clip_norm, seed)


def _sweep_many(program, n_steps, lrs, opt_params, sched_params, starts, noise, clip_norm, seed):
    def one(lr, start):
        out = _simulate(program, n_steps, lr, opt_params, sched_params, start, noise, clip_norm, seed)
        # Rates and gradients are not returned, so XLA does not keep them.
        return out.points, out.losses, out.diverged_at, out.converged_at

    return jax.vmap(one)(lrs, starts)


# Compiled programs, least recently used first. A module-level ``jax.jit`` with the program as a
# static argument would keep every program it ever compiled (a few MB each: a server whose
# students try every surface, formula, step bucket and option grows without end). Each program
# gets its own jitted function here instead, and dropping the function frees what XLA compiled for
# it (4-5 MB each for the playground's 56-rate runs, measured as the RSS after each new
# program). A program compiled again later loads from JAX's persistent cache when that is on
# (lrviz.app.kit.boot). LRVIZ_MAX_PROGRAMS sets the bound: 8 keeps a long session of 1,000 random
# reruns within 100 MB (+92 MB; 10 made +104, `python -m bench memory`) and still holds what a class
# shares (a link's runs with a few optimizers, compare's rows).
MAX_PROGRAMS = int(os.environ.get("LRVIZ_MAX_PROGRAMS", "8"))
_programs: OrderedDict[tuple[Callable, _Program], Callable] = OrderedDict()
_programs_lock = threading.Lock()


def _compiled(body: Callable, program: _Program) -> Callable:
    """``body`` with ``program`` fixed, jitted; kept while among the MAX_PROGRAMS last used."""
    key = (body, program)
    with _programs_lock:
        if (fn := _programs.get(key)) is not None:
            _programs.move_to_end(key)
            return fn
        fn = _programs[key] = jax.jit(functools.partial(body, program))
        evicted = False
        while len(_programs) > max(MAX_PROGRAMS, 1):
            _programs.popitem(last=False)
            evicted = True
    if evicted:
        _release()
    return fn


# A full collection walks every live object, and JAX's C++ trace caches keep the jaxprs of every
# program ever traced alive: over 400 random reruns the live objects grew from 36k to 59k and a
# collection after each eviction from 10 to 36 ms, until the first 100 changes of a 1,000-rerun
# session, made again at its end, took 44 % longer than they had at its start (py-spy: `_release`
# went from 224 to 481 samples per 100 changes). Collecting at every fourth eviction frees the same
# memory a little later (+91 MB over 1,000 reruns against +92 MB), and those 100 changes were as
# fast at the end as at the start (medians 0.193 / 0.181, 0.198 / 0.198 and 0.205 / 0.247 s in
# three runs of `python -m bench memory --reruns 1000`).
COLLECT_EVERY = 4
_evictions = itertools.count(1)


def _release() -> None:
    """Give dropped programs' memory back: JAX's objects hold cycles (the collector frees them,
    every ``COLLECT_EVERY``-th eviction; the app turns Streamlit's collection after each rerun
    off), and glibc keeps freed pages until asked (``malloc_trim``, every eviction)."""
    if next(_evictions) % COLLECT_EVERY == 0:
        gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def compiled_programs() -> int:
    """How many compiled programs the engine keeps now (at most ``MAX_PROGRAMS``)."""
    return len(_programs)


def _prepare(
    surface: Surface | str,
    optimizer: str,
    lr: float,
    steps: int,
    schedule: str,
    schedule_params: Mapping[str, Any] | None,
    optimizer_params: Mapping[str, Any] | None,
    noise: float,
    clip_norm: float | None,
) -> tuple[Surface, _Program, dict, dict]:
    """Validate every argument once, at the edge, and split traced from static."""
    surface = get(surface) if isinstance(surface, str) else surface
    check_int("steps", steps)
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"`noise` (={noise!r}) must be a number >= 0.")
    if clip_norm is not None and not (np.isfinite(clip_norm) and clip_norm > 0):
        raise ValueError(f"`clip_norm` (={clip_norm!r}) must be a positive number or None.")
    opt_spec = optimizers.get(optimizer)
    sched_spec = schedules.get(schedule)
    opt_traced, opt_static = opt_spec.split(opt_spec.resolve(optimizer_params, lr))
    sched_traced, sched_static = sched_spec.split(sched_spec.resolve(schedule_params, lr))
    program = _Program(
        surface=surface,
        optimizer=optimizer,
        optimizer_static=opt_static,
        schedule=schedule,
        schedule_static=sched_static,
        steps=bucket(int(steps), _STEP_BUCKETS, "`steps`"),
        noisy=noise > 0,
        clipped=clip_norm is not None,
    )
    return surface, program, opt_traced, sched_traced



def _traced(start: np.ndarray, noise: float, clip_norm: float | None, seed: int) -> tuple:
    """The per-call arguments of the compiled programs, as NumPy arrays (a compiled call moves
    them to the device itself, without a dispatch each)."""
    clip = np.inf if clip_norm is None else clip_norm
    return np.asarray(start, np.float32), np.float32(noise), np.float32(clip), np.int32(seed)


def _start(surface: Surface, start: Sequence[float] | None) -> np.ndarray:
    point = np.asarray(surface.start if start is None else start, dtype=float).reshape(-1)
    if point.shape != (surface.dim,) or not np.all(np.isfinite(point)):
        raise ValueError(f"`start` (={start!r}) must be {surface.dim} finite number(s).")
    return point


def run(
    surface: Surface | str,
    optimizer: str = "sgd",
    lr: float = 0.1,
    steps: int = 100,
    start: Sequence[float] | None = None,
    schedule: str = "constant",
    schedule_params: Mapping[str, Any] | None = None,
    optimizer_params: Mapping[str, Any] | None = None,
    *,
    noise: float = 0.0,
    seed: int = 0,
    clip_norm: float | None = None,
) -> Trajectory:
    """Run ``steps`` updates of ``optimizer`` at rate ``lr`` on ``surface``.

    Raises ``ValueError`` for invalid arguments (never for a diverging run).
    """
    lr = check_rate(lr)
    surface, program, opt_p, sched_p = _prepare(
        surface, optimizer, lr, steps, schedule, schedule_params, optimizer_params, noise, clip_norm
    )
    start = _start(surface, start)
    out = _compiled(_run_one, program)(
        np.int32(steps), np.float32(lr), opt_p, sched_p, *_traced(start, noise, clip_norm, seed)
    )
    return trajectories(surface, steps, start, host(out, None))[0]


def host(out: Outcome, rows: int | None) -> Outcome:
    """A compiled scan's output as NumPy: its first ``rows`` rows, or one row made of a single run
    (``rows=None``); a field the program does not fill stays None."""
    def get(a):
        if a is None:
            return None
        a = np.asarray(a)
        return a[None] if rows is None else a[:rows]
    return Outcome(*(get(a) for a in out))


def trajectories(surface: Surface, steps: int, start: np.ndarray, out: Outcome) -> tuple[Trajectory, ...]:
    """The rows of a scan's output (leading axis: runs, NumPy) as trajectories, each cut after the
    point where it escaped; shared by :func:`run` and :func:`lrviz.engine.runs`."""
    points, losses = out.points[:, : steps + 1], out.losses[:, : steps + 1]
    status = diagnostics.classify(surface, points, losses, out.diverged_at)
    curvature = diagnostics.curvature(surface, start)
    result = []
    ends = zip(out.diverged_at.tolist(), out.converged_at.tolist(), strict=True)
    for i, (escaped, settled) in enumerate(ends):
        end = escaped if escaped >= 0 else steps
        result.append(Trajectory(
            surface=surface.name,
            points=points[i, : end + 1],
            losses=losses[i, : end + 1],
            lrs=out.lrs[i, :end],
            grads=out.grads[i, :end],
            status=str(status[i]),
            diverged_at=escaped if escaped >= 0 else None,
            converged_at=settled if settled >= 0 else None,
            steps=int(steps),
            curvature=curvature,
            gradient_points=None if out.gradient_points is None
            else out.gradient_points[i, : steps + 1][: end + 1],
        ))
    return tuple(result)


def sweep(
    surface: Surface | str,
    lrs: Sequence[float] | np.ndarray,
    optimizer: str = "sgd",
    steps: int = 100,
    start: Sequence[float] | None = None,
    schedule: str = "constant",
    schedule_params: Mapping[str, Any] | None = None,
    optimizer_params: Mapping[str, Any] | None = None,
    *,
    starts: np.ndarray | None = None,
    noise: float = 0.0,
    seed: int = 0,
    clip_norm: float | None = None,
) -> Sweep:
    """Run every rate in ``lrs`` at once (one ``vmap``); row i equals ``run`` at ``lrs[i]``.

    ``starts`` (shape ``(n, dim)``) gives each row its own start point, for
    basin-of-attraction maps; ``lrs`` may then be a single rate.
    """
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    if lrs.ndim != 1 or not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError("`lrs` must be a 1-D array of positive, finite rates.")
    surface, program, opt_p, sched_p = _prepare(
        surface, optimizer, float(lrs.max()), steps, schedule, schedule_params, optimizer_params,
        noise, clip_norm,
    )
    if starts is None:
        starts = np.broadcast_to(_start(surface, start), (len(lrs), surface.dim))
    else:
        starts = np.asarray(starts, dtype=float).reshape(-1, surface.dim)
        if not np.all(np.isfinite(starts)):
            raise ValueError("`starts` must hold finite numbers.")
    n = max(len(lrs), len(starts))
    if len(lrs) not in (1, n) or len(starts) not in (1, n):
        raise ValueError(f"`lrs` ({len(lrs)}) and `starts` ({len(starts)}) must have the same length.")
    lrs, starts = np.broadcast_to(lrs, (n,)), np.broadcast_to(starts, (n, surface.dim))
    rows = bucket(n, _ROW_BUCKETS, "the number of runs")
    pad = rows - n
    # Padded rows repeat the last run. A large sweep is spread over the CPU cores (lrviz.engine.devices).
    row_lrs, row_starts = (np.pad(lrs, (0, pad), mode="edge").astype(np.float32),
                           np.pad(starts, ((0, pad), (0, 0)), mode="edge").astype(np.float32))
    if rows * steps >= _SPREAD_FROM:
        row_lrs, row_starts = devices.spread((row_lrs, row_starts))
    out = _compiled(_sweep_many, program)(np.int32(steps), row_lrs, opt_p, sched_p,
                          *_traced(row_starts, noise, clip_norm, seed))
    points, losses, diverged_at, converged_at = (np.asarray(a)[:n] for a in out)
    points, losses = points[:, : steps + 1], losses[:, : steps + 1]
    status = diagnostics.classify(surface, points, losses, diverged_at)
    return Sweep(
        surface=surface.name,
        lrs=np.array(lrs),
        starts=np.array(starts),
        points=points,
        losses=losses,
        final_loss=np.where(diverged_at >= 0, np.inf, losses[:, -1]),
        status=status.astype(str),
        diverged_at=diverged_at.astype(int),
        converged_at=converged_at.astype(int),
        curvature=diagnostics.curvature(surface, starts[0]),
    )
