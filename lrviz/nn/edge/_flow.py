r"""Gradient flow, :math:`\dot\theta = -\nabla L(\theta)`, solved with small Runge-Kutta steps.

Gradient descent at rate :math:`\eta` after :math:`k` updates is compared with the flow at time
:math:`t = k\eta` (one update moves time forward by :math:`\eta`). The flow is integrated once,
from the same initial weights, with the classical fourth-order Runge-Kutta method, through every
time at which some rate's run was measured (sorted), with steps of at most ``step`` and each
segment ending exactly on its target time. A step of :math:`h = 1/(2\lambda_0)` keeps
:math:`h\lambda` inside RK4's stability interval (:math:`h\lambda < 2.78`) while the flow's own
sharpness stays below :math:`5.5\lambda_0` (on :data:`~lrviz.nn.edge.NARROW` it grows to about
:math:`3.4\lambda_0`; halving the step moves the weights at time 600 by :math:`10^{-4}`, against
distances from gradient descent of :math:`10^{-2}` and more). The flow's loss never rises, so
:attr:`Flow.monotone` says whether the solve stayed stable.

The targets are cut into pieces of :data:`PIECE` times, one call of the same compiled program
each, so a caller can report progress.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from lrviz.engine import devices
from lrviz.nn.edge._net import Network, loss, problem

__all__ = ["Flow", "flow"]

PIECE = 64  # target times per call of the compiled program
STEP = 0.5  # the largest RK4 step, in units of 1 / lambda_0
MAX_RK4_STEPS = 200_000
_RK4 = (jnp.array([0.0, 0.5, 0.5, 1.0]), jnp.array([1.0, 2.0, 2.0, 1.0]) / 6.0)


def _rk4_step(grad: Callable, theta: jax.Array, h) -> jax.Array:
    """One RK4 step of :math:`\\dot\\theta = -g(\\theta)`; the four stages in a loop, so the
    gradient appears once in the program."""
    nodes, weights = _RK4

    def stage(carry, i):
        slope, total = carry
        slope = grad(theta - nodes[i] * h * slope)
        return (slope, total + weights[i] * slope), None

    (_, total), _ = jax.lax.scan(stage, (jnp.zeros_like(theta), jnp.zeros_like(theta)), jnp.arange(4))
    return theta - h * total


@functools.partial(jax.jit, static_argnums=0, compiler_options=devices.COMPILER_OPTIONS)
def _piece(shape, theta, now, targets, step, x, y):
    grad = jax.grad(lambda th: loss(shape, th, x, y))

    def reach(carry, target):
        theta, now = carry
        count = jnp.maximum(jnp.ceil((target - now) / step), 1.0)
        h = (target - now) / count
        theta = jax.lax.fori_loop(0, count.astype(jnp.int32), lambda _, th: _rk4_step(grad, th, h), theta)
        return (theta, target), (theta, loss(shape, theta, x, y))

    (theta, now), (thetas, losses) = jax.lax.scan(reach, (theta, now), targets)
    return theta, now, thetas, losses


@dataclass(frozen=True)
class Flow:
    """The flow at ``times`` (ascending): its weights (``thetas``, ``(m, p)``) and losses."""

    times: np.ndarray  # (m,) float64
    thetas: np.ndarray  # (m, p)
    losses: np.ndarray  # (m,)
    step: float  # the largest RK4 step used

    @property
    def monotone(self) -> bool:
        """Whether the loss never rose along the solve (it cannot along the true flow)."""
        finite = np.all(np.isfinite(self.losses))
        return bool(finite and np.all(np.diff(self.losses) <= 1e-6 * self.losses[0]))

    def at(self, times: np.ndarray) -> np.ndarray:
        """The weights at each of ``times`` (every one of them among :attr:`times`), ``(k, p)``."""
        return self.thetas[np.searchsorted(self.times, times)]


def flow(network: Network, times: np.ndarray, sharpness: float,
         progress: Callable[[float], None] | None = None) -> Flow:
    """The flow from ``network``'s initial weights through ``times`` (any order, >= 0; duplicates
    are solved once), with RK4 steps of at most ``STEP / sharpness`` (the sharpness at the start)."""
    times = np.unique(np.asarray(times, dtype=np.float64))
    if times.size == 0 or not np.all(np.isfinite(times)) or times[0] < 0:
        raise ValueError("`times` must be finite and >= 0, at least one.")
    if not (np.isfinite(sharpness) and sharpness > 0):
        raise ValueError(f"`sharpness` (={sharpness!r}) must be positive and finite.")
    step = STEP / sharpness
    if times[-1] / step > MAX_RK4_STEPS:
        raise ValueError(f"the flow to time {times[-1]:g} would take more than {MAX_RK4_STEPS} RK4 steps; "
                         "use fewer updates or smaller rates.")
    prob = problem(network)
    x, y = jnp.asarray(prob.x), jnp.asarray(prob.y)
    theta, now = jnp.asarray(prob.theta0), jnp.float32(0.0)
    thetas, losses = [], []
    pieces = -(-times.size // PIECE)
    for k in range(pieces):
        chunk = times[k * PIECE: (k + 1) * PIECE]
        padded = np.concatenate([chunk, np.full(PIECE - chunk.size, chunk[-1])]).astype(np.float32)
        theta, now, piece_thetas, piece_losses = _piece(prob.shape, theta, now, padded, jnp.float32(step),
                                                        x, y)
        thetas.append(np.asarray(piece_thetas)[: chunk.size])
        losses.append(np.asarray(piece_losses)[: chunk.size])
        if progress is not None:
            progress((k + 1) / pieces)
    return Flow(times, np.concatenate(thetas), np.concatenate(losses), step)
