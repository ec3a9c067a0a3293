r"""Sharpness: the largest eigenvalue of a loss's Hessian, from Hessian-vector products only.

For weights :math:`\theta` (any pytree of arrays) the Hessian :math:`H = \nabla^2 L(\theta)` has one
row per weight, far too many to build for a real network. What it does to one vector costs about
two gradients (forward-mode over reverse-mode, Pearlmutter 1994):

.. math:: Hv = \left.\frac{d}{d\varepsilon}\,\nabla L(\theta + \varepsilon v)\right|_{\varepsilon=0}
          \quad (\texttt{jax.jvp} \text{ of } \texttt{jax.grad}),

and :math:`k` such products give the Lanczos method a Krylov space
:math:`\mathrm{span}\{v, Hv, \ldots, H^{k-1}v\}` in which the largest eigenvalue of the small
tridiagonal matrix :math:`T_k = V_k^\top H V_k` approaches :math:`\lambda_{\max}(H)` from below,
far faster than power iteration where the top eigenvalues are close (Golub & Van Loan,
*Matrix Computations*, ch. 10). The basis is re-orthogonalised in full at every step (twice,
classical Gram-Schmidt): with 20 vectors this costs nothing next to the products, and float32
keeps its accuracy. Should the Krylov space close early (a problem with fewer distinct
eigenvalues than steps), the space found is invariant and its eigenvalues are exact: the rest of
:math:`T_k` is then filled with a value no larger than its top one, so it changes nothing.

Sharpness is measured this way in Cohen et al., *Gradient Descent on Neural Networks Typically
Occurs at the Edge of Stability*, ICLR 2021, https://arxiv.org/abs/2103.00065 (they use Lanczos
too). :func:`top_eigen` is traceable, so a training loop can call it inside ``lax.scan`` and
start each estimate from the previous eigenvector (a warm start: the top eigenvector moves little
between two measurements, and a few products then suffice).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from lrviz.params import check_int

__all__ = ["Eigen", "eigen", "hvp", "sharpness", "top_eigen"]

MAX_ITERS = 200
_BREAKDOWN = 1e-6  # a residual this small next to the matrix's scale: the Krylov space is closed


class Eigen(NamedTuple):
    """The largest eigenvalue and a unit eigenvector for it (flat, or shaped like the weights)."""

    value: Any
    vector: Any


def hvp(loss_fn: Callable[[Any], jax.Array], params: Any, v: Any) -> Any:
    """The Hessian of ``loss_fn`` at ``params`` times ``v`` (a pytree shaped like ``params``)."""
    return jax.jvp(jax.grad(loss_fn), (params,), (v,))[1]


def top_eigen(matvec: Callable[[jax.Array], jax.Array], start: jax.Array, iters: int) -> Eigen:
    """Lanczos for the largest eigenvalue of the symmetric map ``matvec`` on flat vectors.

    ``start``: the first vector (any non-zero vector; normalised here). ``iters`` (static): the
    number of products, at most ``start.size``. Pure and traceable (use it under ``jit``,
    ``vmap`` or ``scan``); returns the top Ritz value and its unit Ritz vector.
    """
    n = start.shape[0]
    iters = min(int(iters), n)
    q0 = start / jnp.linalg.norm(start)

    def orthogonalise(w, basis):
        for _ in range(2):
            w = w - basis.T @ (basis @ w)
        return w

    def body(j, carry):
        basis, alphas, betas, q, q_prev, beta_prev, closed, scale = carry
        w = matvec(q)
        alpha = jnp.vdot(q, w)
        w = w - alpha * q - beta_prev * q_prev
        basis = basis.at[j].set(q)
        w = orthogonalise(w, basis)
        beta = jnp.linalg.norm(w)
        scale = jnp.maximum(scale, jnp.abs(alpha) + beta)
        alphas = alphas.at[j].set(jnp.where(closed, alphas[0], alpha))
        now_closed = closed | (beta <= _BREAKDOWN * scale)
        beta = jnp.where(now_closed, 0.0, beta)
        betas = betas.at[j].set(beta)
        q_next = jnp.where(now_closed, jnp.zeros_like(q), w / jnp.where(beta > 0, beta, 1.0))
        q_next = jnp.where(closed, jnp.zeros_like(q), q_next)
        return basis, alphas, betas, q_next, q, beta, now_closed, scale

    dtype = start.dtype
    carry = (jnp.zeros((iters, n), dtype), jnp.zeros(iters, dtype), jnp.zeros(iters, dtype), q0,
             jnp.zeros_like(q0), jnp.zeros((), dtype), jnp.array(False), jnp.zeros((), dtype))
    basis, alphas, betas, *_ = jax.lax.fori_loop(0, iters, body, carry)
    tridiagonal = jnp.diag(alphas) + jnp.diag(betas[:-1], 1) + jnp.diag(betas[:-1], -1)
    values, vectors = jnp.linalg.eigh(tridiagonal)
    vector = basis.T @ vectors[:, -1]
    norm = jnp.linalg.norm(vector)
    vector = jnp.where(norm > 0.5, vector / jnp.where(norm > 0, norm, 1.0), q0)
    return Eigen(values[-1], vector)


@functools.partial(jax.jit, static_argnums=(0, 3))
def _eigen(loss_fn, params, start, iters):
    flat, unravel = ravel_pytree(params)

    def matvec(v):
        return ravel_pytree(hvp(loss_fn, params, unravel(v)))[0]

    return top_eigen(matvec, start.astype(flat.dtype), iters)


def _start(params: Any, seed: int, start: Any) -> jax.Array:
    flat, _ = ravel_pytree(params)
    if start is None:  # drawn on the host: JAX's own generator would cost compilation every time
        rng = np.random.default_rng(np.random.SeedSequence((int(seed), 2)))
        return jnp.asarray(rng.standard_normal(flat.size), flat.dtype)
    given, _ = ravel_pytree(start)
    if given.shape != flat.shape:
        raise ValueError(f"`start` has {given.size} numbers; `params` has {flat.size}.")
    if not bool(jnp.any(given != 0)) or not bool(jnp.all(jnp.isfinite(given))):
        raise ValueError("`start` must be a finite, non-zero vector.")
    return given


def eigen(loss_fn: Callable[[Any], jax.Array], params: Any, *, iters: int = 20, seed: int = 0,
          start: Any = None) -> Eigen:
    """The Hessian's largest eigenvalue (a float) and its unit eigenvector (shaped like ``params``).

    ``start``: the vector to start from, shaped like ``params`` (the ``vector`` of a previous
    call: a warm start); else a random one drawn from ``seed``. Compiled once per ``loss_fn``
    object, shape of ``params`` and ``iters``: pass the same function to reuse the program.
    """
    iters = check_int("iters", iters, 1, MAX_ITERS)
    _, unravel = ravel_pytree(params)
    value, vector = _eigen(loss_fn, params, _start(params, seed, start), iters)
    return Eigen(float(value), unravel(vector))


def sharpness(loss_fn: Callable[[Any], jax.Array], params: Any, *, iters: int = 20, seed: int = 0,
              start: Any = None) -> float:
    r"""The sharpness :math:`\lambda_{\max}(\nabla^2 L)` of ``loss_fn`` at ``params``.

    ``loss_fn(params)`` returns a scalar; ``params`` is any pytree of float arrays. ``iters``
    Hessian-vector products (Lanczos, never the full Hessian); ``start`` warm-starts from a
    previous eigenvector (:func:`eigen` returns one). Gradient descent on a quadratic with this
    curvature is stable for rates below :math:`2/\lambda_{\max}`.
    """
    return eigen(loss_fn, params, iters=iters, seed=seed, start=start).value
