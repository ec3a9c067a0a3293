r"""Full-batch training of many rates at once, the sharpness measured as it goes, in pieces.

:func:`descend` trains one row per rate from the same initial weights (one ``vmap``, spread over
the cores) with an optimizer of :mod:`lrviz.optimizers` (``sgd`` is plain gradient descent,
:math:`\theta_{t+1} = \theta_t - \eta_t \nabla L(\theta_t)`; ``adam`` is ``torch.optim.Adam``),
at the rate :math:`\eta_t` of a linear warm-up to the row's peak followed by a cosine to its
floor (lrviz's ``warmup_cosine`` schedule; floor = peak is a constant rate after the warm-up,
warm-up 0 a constant rate throughout). Every ``every`` updates it measures the top eigenvalue,
by Lanczos warm-started from the previous eigenvector (:mod:`lrviz.nn.curvature`), of

- the Hessian :math:`H`, for ``sgd``: the *sharpness*, which gradient descent keeps below
  :math:`2/\eta` on a quadratic;
- :math:`P^{-1/2} H P^{-1/2}`, for ``adam``: the *preconditioned sharpness* of Cohen et al. 2022
  (https://arxiv.org/abs/2207.14484), with Adam's preconditioner after update :math:`t`,
  :math:`P_t = (1-\beta_1^t)\,\mathrm{diag}\big(\sqrt{v_t/(1-\beta_2^t)} + \epsilon\big)`, so that
  Adam's step is :math:`\theta_{t+1} = \theta_t - \eta P_t^{-1} m_t` exactly; it has the same
  eigenvalues as :math:`P^{-1}H`.

The run is cut into pieces of :data:`PIECE` updates, each one call of the same compiled program,
so a caller can report progress (``progress(fraction)``) and a long run compiles no more than a
short one. A row *diverges* at the first update whose loss is not finite or exceeds
:data:`BLOW_UP` times the initial loss, or whose new weights are not finite; its weights stay
where they were and its records hold NaN from then on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from lrviz import optimizers, schedules
from lrviz.engine import devices
from lrviz.nn import mlp
from lrviz.nn.curvature import Eigen, top_eigen
from lrviz.nn.edge._net import Network, loss, problem
from lrviz.params import check_int

__all__ = ["BLOW_UP", "PIECE", "Descent", "descend"]

PIECE = 50  # updates per call of the compiled program
BLOW_UP = 1e6  # a loss this many times the initial one counts as diverged
START_ITERS = 40  # Lanczos steps for the sharpness at the initial weights (no warm start there)
ITERS = 8  # Lanczos steps for each later measurement, warm-started
FIRST_RESTARTS = 5  # the first measurement of a run restarts Lanczos this often (its start may be random)
MAX_STEPS = 20_000
_ROWS = (2, 4, 8, 16, 32, 64)  # compiled row counts (even: the rows split over two cores)
_warmup_cosine = schedules.SCHEDULES["warmup_cosine"].fn
Progress = Callable[[float], None]


class _Rows(NamedTuple):
    """Each row's schedule: linear warm-up over ``warmup`` updates to ``peak``, then a cosine
    to ``floor`` at the run's end."""

    peak: jax.Array
    warmup: jax.Array
    floor: jax.Array


class _State(NamedTuple):
    theta: jax.Array  # (rows, p)
    opt: Any  # the optimizer's state, leaves with a leading rows axis
    vector: jax.Array  # (rows, p) the last top eigenvector (the next measurement's start)
    alive: jax.Array  # (rows,) bool
    died: jax.Array  # (rows,) int32: the update a row diverged at, -1 while alive
    loss0: jax.Array  # (rows,) the loss at the initial weights (set by update 0)


@dataclass(frozen=True)
class _Program:
    """What selects a compiled piece (hashable, static under ``jit``)."""

    problem_shape: Any
    optimizer: str
    optimizer_static: tuple[tuple[str, Any], ...]
    every: int
    iters: int
    measure: bool
    keep: bool


def _direction(program: _Program, numbers: Mapping[str, Any]) -> optax.GradientTransformation:
    return optimizers.direction(program.optimizer, {**numbers, **dict(program.optimizer_static)})


def _curvature_map(program: _Program, numbers, theta, opt_state, x, y) -> Callable[[jax.Array], jax.Array]:
    """The symmetric map whose top eigenvalue is measured: :math:`H`, or for Adam
    :math:`P^{-1/2}HP^{-1/2}`."""
    grad = jax.grad(lambda th: loss(program.problem_shape, th, x, y))

    def hessian(v):
        return jax.jvp(grad, (theta,), (v,))[1]

    if program.optimizer != "adam":
        return hessian
    b1, b2 = numbers["betas"][0], numbers["betas"][1]
    t = optax.tree_utils.tree_get(opt_state, "count").astype(jnp.float32)
    nu = optax.tree_utils.tree_get(opt_state, "nu")
    p = (1 - b1**t) * (jnp.sqrt(nu / (1 - b2**t)) + numbers["eps"])
    s = 1.0 / jnp.sqrt(p)
    return lambda v: s * hessian(s * v)


def _row_piece(program: _Program, length: int, t0, total, rows: _Rows, state: _State, numbers, x, y):
    """``length`` updates of one row from update ``t0``; its losses, measurements and snapshots."""
    shape, direction = program.problem_shape, _direction(program, numbers)
    value_and_grad = jax.value_and_grad(lambda th: loss(shape, th, x, y))
    sched = dict(warmup_steps=rows.warmup, total_steps=total, eta_min=rows.floor)

    def update(carry, t):
        theta, opt, alive, died, loss0 = carry
        value, grad = value_and_grad(theta)
        loss0 = jnp.where(t == 0, value, loss0)
        d, new_opt = direction.update(grad, opt, theta)
        candidate = theta - _warmup_cosine(t, rows.peak, sched) * d
        ok = alive & jnp.isfinite(value) & (value <= BLOW_UP * loss0) & mlp.all_finite(candidate)
        theta, opt = mlp.keep(ok, (candidate, new_opt), (theta, opt))
        died = jnp.where(alive & ~ok, t, died)
        return (theta, opt, ok, died, loss0), jnp.where(alive & jnp.isfinite(value), value, jnp.nan)

    def top(theta, opt, vector, first):
        """The measured eigenpair; the run's first measurement restarts Lanczos from its own result."""
        curvature = _curvature_map(program, numbers, theta, opt, x, y)
        restarts = jnp.where(first, FIRST_RESTARTS, 1)

        def restart(_, eig: Eigen) -> Eigen:
            return top_eigen(curvature, eig.vector, program.iters)

        return jax.lax.fori_loop(0, restarts, restart, Eigen(jnp.float32(jnp.nan), vector))

    def chunk(carry, k):
        inner, vector = carry
        begin = t0 + k * program.every
        inner, losses = jax.lax.scan(update, inner, begin + jnp.arange(program.every))
        theta, opt, alive, _, _ = inner
        value = jnp.nan
        if program.measure:
            eig = top(theta, opt, vector, begin == 0)
            vector = jnp.where(alive, eig.vector, vector)
            value = jnp.where(alive, eig.value, jnp.nan)
        kept = theta if program.keep else None
        return (inner, vector), (losses, value, kept)

    carry = ((state.theta, state.opt, state.alive, state.died, state.loss0), state.vector)
    ((theta, opt, alive, died, loss0), vector), (losses, tops, kept) = jax.lax.scan(
        chunk, carry, jnp.arange(length // program.every))
    end = jnp.where(alive, loss(shape, theta, x, y), jnp.nan)
    return _State(theta, opt, vector, alive, died, loss0), losses.reshape(-1), tops, kept, end


@functools.partial(jax.jit, static_argnums=(0, 1), compiler_options=devices.COMPILER_OPTIONS)
def _piece(program: _Program, length: int, t0, total, rows, state, numbers, x, y):
    def one(rows, state):
        return _row_piece(program, length, t0, total, rows, state, numbers, x, y)

    return jax.vmap(one)(rows, state)


@functools.partial(jax.jit, static_argnums=(0, 1), compiler_options=devices.COMPILER_OPTIONS)
def _start(shape, iters: int, theta, start, x, y):
    """The loss and the top Hessian eigenpair at the initial weights (shared by every row)."""
    grad = jax.grad(lambda th: loss(shape, th, x, y))
    eig = top_eigen(lambda v: jax.jvp(grad, (theta,), (v,))[1], start, iters)
    return loss(shape, theta, x, y), eig.value, eig.vector


@dataclass(frozen=True)
class Start:
    """The initial weights' loss, sharpness :math:`\\lambda_0` and its eigenvector."""

    loss: float
    sharpness: float
    vector: np.ndarray


def _random_vector(network: Network, size: int) -> np.ndarray:
    """Lanczos' first start, drawn on the host from the network's seed."""
    rng = np.random.default_rng(np.random.SeedSequence((network.seed, 3)))
    return rng.standard_normal(size).astype(np.float32)


@functools.cache
def start(network: Network) -> Start:
    """:class:`Start` of ``network`` (cached; Lanczos starts from a vector of the network's seed)."""
    prob = problem(network)
    v0 = _random_vector(network, prob.size)
    value, top, vector = _start(prob.shape, START_ITERS, prob.theta0, v0, prob.x, prob.y)
    return Start(float(value), float(top), np.asarray(vector))


@dataclass(frozen=True)
class Descent:
    """Row i trained at ``peaks[i]`` (with ``warmups[i]``, ``floors[i]``) for ``steps`` updates."""

    network: Network
    optimizer: str
    peaks: np.ndarray  # (n,)
    warmups: np.ndarray  # (n,)
    floors: np.ndarray  # (n,)
    steps: int
    every: int
    losses: np.ndarray  # (n, steps + 1): the loss before each update, and after the last
    measured: np.ndarray  # (m,) the updates after which the top eigenvalue was measured (0 first)
    tops: np.ndarray  # (n, m): sharpness (sgd) or preconditioned sharpness (adam); NaN if not measured
    diverged_at: np.ndarray  # (n,) the update a row diverged at, -1 if it did not
    snapshots: np.ndarray | None  # (n, m, p) the weights at ``measured`` (``keep``), else None
    theta: np.ndarray  # (n, p) final weights (the last finite ones)
    start: Start | None  # the initial weights' sharpness, where the caller gave it

    def rates(self) -> np.ndarray:
        """The rate of every update, shape ``(n, steps)``."""
        t = np.arange(self.steps)[None, :]
        sched = dict(warmup_steps=self.warmups[:, None], total_steps=self.steps, eta_min=self.floors[:, None])
        return np.asarray(_warmup_cosine(t, self.peaks[:, None], sched))


def check_budget(steps: int, every: int) -> tuple[int, int]:
    """``steps`` (a multiple of :data:`PIECE`) and ``every`` (a divisor of it), checked."""
    steps = check_int("steps", steps, PIECE, MAX_STEPS)
    every = check_int("every", every, 1, PIECE)
    if steps % PIECE or PIECE % every:
        raise ValueError(f"`steps` (={steps}) must be a multiple of {PIECE}, and `every` (={every}) "
                         f"divide {PIECE}.")
    return steps, every


def _check_rows(peaks, warmups, floors) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    peaks = np.atleast_1d(np.asarray(peaks, dtype=float))
    if peaks.ndim != 1 or not 1 <= peaks.size <= _ROWS[-1] or not np.all(np.isfinite(peaks) & (peaks > 0)):
        raise ValueError(f"`peaks` (={peaks!r}) must be 1 to {_ROWS[-1]} positive, finite rates.")
    warmups = np.broadcast_to(np.asarray(0 if warmups is None else warmups, dtype=float), peaks.shape)
    floors = np.broadcast_to(peaks if floors is None else np.asarray(floors, dtype=float), peaks.shape)
    if not np.all((warmups >= 0) & (warmups == np.round(warmups))):
        raise ValueError(f"`warmups` (={warmups!r}) must be whole numbers of updates, >= 0.")
    if not np.all(np.isfinite(floors) & (floors >= 0) & (floors <= peaks)):
        raise ValueError(f"`floors` (={floors!r}) must lie between 0 and each row's peak.")
    return peaks, warmups.copy(), floors.copy()


def descend(
    network: Network,
    peaks: Sequence[float] | np.ndarray,
    *,
    warmups: Sequence[int] | np.ndarray | None = None,
    floors: Sequence[float] | np.ndarray | None = None,
    optimizer: str = "sgd",
    optimizer_params: Mapping[str, Any] | None = None,
    steps: int = 1000,
    every: int = 10,
    iters: int = ITERS,
    measure: bool = True,
    keep: bool = False,
    initial: Start | None = None,
    progress: Progress | None = None,
) -> Descent:
    """Train one row per peak rate from ``network``'s initial weights, all at once.

    ``warmups`` (updates, default 0) and ``floors`` (default: the peak, i.e. constant after the
    warm-up) shape each row's schedule; ``steps`` must be a multiple of :data:`PIECE`, and
    ``every`` (updates between two measurements) must divide it. ``measure=False`` skips the
    eigenvalues (their records are NaN); ``keep`` returns the weights at every measurement.
    ``initial`` (:func:`start`): the first measurement (update 0) and the first Lanczos start;
    without it, measurements begin after ``every`` updates from a random vector of the network's
    seed (restarted :data:`FIRST_RESTARTS` times) and the column of update 0 is NaN.
    ``progress(fraction)`` is called after each piece. ``ValueError`` names a bad argument.
    """
    peaks, warmups, floors = _check_rows(peaks, warmups, floors)
    steps, every = check_budget(steps, every)
    iters = check_int("iters", iters, 1, 100)
    spec = optimizers.get(optimizer)
    if optimizer not in ("sgd", "adam"):
        raise ValueError(f"`optimizer` (={optimizer!r}) must be 'sgd' or 'adam' here.")
    resolved = spec.resolve(optimizer_params, float(peaks.max()))
    if resolved.get("amsgrad"):
        raise ValueError("`amsgrad` has no preconditioner of this form here; leave it off.")
    numbers, static = spec.split(resolved)
    prob = problem(network)
    program = _Program(prob.shape, optimizer, static, every, iters, bool(measure), bool(keep))

    n = peaks.size
    size = devices.bucket(n, _ROWS, "the number of rows")
    pad = np.minimum(np.arange(size), n - 1)  # padding repeats the last row
    rows = _Rows(*(jnp.asarray(a[pad], jnp.float32) for a in (peaks, warmups, floors)))
    theta = jnp.broadcast_to(jnp.asarray(prob.theta0), (size, prob.size))
    opt = jax.vmap(_direction(program, numbers).init)(theta)
    vector = initial.vector if initial is not None else _random_vector(network, prob.size)
    state = _State(theta, opt, jnp.broadcast_to(jnp.asarray(vector), theta.shape), jnp.ones(size, bool),
                   jnp.full(size, -1, jnp.int32), jnp.full(size, jnp.nan, jnp.float32))
    rows, state = devices.spread((rows, state))
    x, y = jnp.asarray(prob.x), jnp.asarray(prob.y)

    losses, tops, kept, end = [], [], [], None
    pieces = steps // PIECE
    for k in range(pieces):
        state, piece_losses, piece_tops, piece_kept, end = _piece(
            program, PIECE, jnp.int32(k * PIECE), jnp.float32(steps), rows, state, numbers, x, y)
        losses.append(np.asarray(piece_losses)[:n])
        tops.append(np.asarray(piece_tops)[:n])
        if keep:
            kept.append(np.asarray(piece_kept)[:n])
        if progress is not None:
            progress((k + 1) / pieces)
    known = initial is not None and measure and optimizer == "sgd"  # Adam: no preconditioner before update 1
    first = np.full((n, 1), initial.sharpness if known else np.nan)
    snapshots = None
    if keep:
        snapshots = np.concatenate([np.broadcast_to(prob.theta0, (n, 1, prob.size)), *kept], axis=1)
    return Descent(
        network=network, optimizer=optimizer, peaks=peaks, warmups=warmups, floors=floors, steps=steps,
        every=every, losses=np.concatenate([*losses, np.asarray(end)[:n, None]], axis=1),
        measured=np.arange(0, steps + 1, every), tops=np.concatenate([first, *tops], axis=1),
        diverged_at=np.asarray(state.died)[:n].astype(int), snapshots=snapshots,
        theta=np.asarray(state.theta)[:n], start=initial,
    )
