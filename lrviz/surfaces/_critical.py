"""Find and classify the critical points of a 1-D or 2-D function, in float64.

Used once per surface to list its minima (global first), saddle points and
maxima: for the built-in surfaces, whose textbook minima this must reproduce,
and for formulas typed by a user, whose minima nobody declared.

Method. Every critical point is a zero of the gradient, hence a local minimum
of ``|∇f|²``. On a grid over the domain we take the cells where ``|∇f|²`` is
lowest among their neighbours as seeds, run damped Newton steps on central
finite differences, keep the points whose gradient vanished inside the
domain, merge duplicates and classify each by the signs of its Hessian's
eigenvalues. Finite differences in float64 leave gradients of about 1e-9,
far below what float32 (the engine's precision) can see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

Point = tuple[float, ...]
Domain = tuple[float, float] | tuple[tuple[float, float], tuple[float, float]]


class CriticalPoints(NamedTuple):
    minima: tuple[Point, ...]  # lowest value first
    saddles: tuple[Point, ...]
    maxima: tuple[Point, ...]
    n_global: int  # how many of ``minima`` share the lowest value


def bounds(domain: Domain, dim: int) -> np.ndarray:
    """The domain as a ``(dim, 2)`` array of ``[lo, hi]`` rows."""
    return np.array([domain] if dim == 1 else domain, dtype=float).reshape(dim, 2)


def find(
    f: Callable[..., np.ndarray],
    dim: int,
    domain: Domain,
    *,
    known: tuple[Point, ...] = (),
    resolution: int | None = None,
) -> CriticalPoints:
    """Critical points of ``f(*coords)`` (NumPy, vectorised) inside ``domain``.

    ``known`` points (textbook minima, say) are kept exactly as given, ahead of
    the numerical ones that duplicate them, even where a kink defeats Newton's
    method, as at Ackley's cusp.
    """
    box = bounds(domain, dim)
    span = float(np.max(box[:, 1] - box[:, 0]))
    h = 1e-5 * span
    n = resolution or (4001 if dim == 1 else 161)
    axes = [np.linspace(lo, hi, n) for lo, hi in box]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)  # (n,)*dim + (dim,)

    with np.errstate(all="ignore"):
        g2 = np.sum(gradient(f, grid, h) ** 2, axis=-1)
        seeds = grid[_local_minima(g2)]
        exact = np.array(known, dtype=float).reshape(-1, dim)
        refined = np.concatenate([exact, newton(f, seeds, h, step_cap=span / (n - 1) * 4)])
        grad_scale = max(float(np.nanmedian(np.sqrt(g2))), 1e-12)
        ok = np.all(np.abs(gradient(f, refined, h)) < 1e-6 * grad_scale + 1e-9, axis=-1)
        ok &= np.all((refined >= box[:, 0] - 1e-9) & (refined <= box[:, 1] + 1e-9), axis=-1)
        ok[: len(known)] = True
        points = _dedupe(refined[ok], tol=1e-4 * span)
        values = f(*np.moveaxis(points, -1, 0))
        eig = np.linalg.eigvalsh(hessian(f, points, h * 10)) if len(points) else np.zeros((0, dim))

    tol = 1e-6 * max(float(np.max(np.abs(eig))) if eig.size else 1.0, 1e-12)
    is_min = np.all(eig > -tol, axis=-1)
    is_max = np.all(eig < -tol, axis=-1) & ~is_min
    is_known = np.array([_near(p, known, 1e-4 * span) for p in points], dtype=bool)
    is_min |= is_known  # a declared minimum at a kink has no meaningful Hessian
    is_saddle = ~is_min & ~is_max

    order = np.argsort(values[is_min], kind="stable")
    minima = points[is_min][order]
    min_values = values[is_min][order]
    n_global = 0
    if len(minima):
        n_global = int(np.sum(min_values <= min_values[0] + 1e-9 * (1 + abs(min_values[0]))))
    return CriticalPoints(
        minima=_as_tuples(minima),
        saddles=_as_tuples(points[is_saddle]),
        maxima=_as_tuples(points[is_max]),
        n_global=n_global,
    )


def _central(g: Callable[[np.ndarray], np.ndarray], p: np.ndarray, h: float) -> np.ndarray:
    """Central differences of ``g`` along each coordinate of ``p``, stacked on a new last axis."""
    steps = h * np.eye(p.shape[-1])
    return np.stack([(g(p + e) - g(p - e)) / (2 * h) for e in steps], axis=-1)


def gradient(f: Callable[..., np.ndarray], p: np.ndarray, h: float) -> np.ndarray:
    """Central-difference gradient of ``f(*coords)`` at ``p`` (shape ``(..., dim)``)."""
    return _central(lambda q: f(*np.moveaxis(q, -1, 0)), p, h)


def hessian(f: Callable[..., np.ndarray], p: np.ndarray, h: float) -> np.ndarray:
    """Central-difference Hessian (symmetrised) at ``p``, shape ``(..., dim, dim)``."""
    hess = _central(lambda q: gradient(f, q, h), p, h)
    return (hess + np.swapaxes(hess, -1, -2)) / 2


def newton(
    f: Callable[..., np.ndarray], p: np.ndarray, h: float, *, step_cap: float, iterations: int = 40
) -> np.ndarray:
    """Damped Newton on ∇f = 0; each step is capped so a seed stays near its cell."""
    p = p.copy()
    for _ in range(iterations):
        g = gradient(f, p, h)
        hess = hessian(f, p, h * 10)
        # Regularise a singular Hessian instead of failing.
        hess = hess + 1e-12 * np.eye(p.shape[-1])
        try:
            step = np.linalg.solve(hess, g[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = g
        length = np.linalg.norm(step, axis=-1, keepdims=True)
        step = np.where(length > step_cap, step * step_cap / np.maximum(length, 1e-300), step)
        step = np.nan_to_num(step, nan=0.0, posinf=0.0, neginf=0.0)
        p = p - step
    return p


def _local_minima(a: np.ndarray) -> np.ndarray:
    """Boolean mask of entries no larger than any neighbour (edges padded with +inf)."""
    a = np.where(np.isfinite(a), a, np.inf)
    padded = np.pad(a, 1, constant_values=np.inf)
    mask = np.isfinite(a)
    for offset in np.ndindex(*(3,) * a.ndim):
        if all(o == 1 for o in offset):
            continue
        window = tuple(slice(o, o + s) for o, s in zip(offset, a.shape, strict=True))
        mask &= a <= padded[window]
    return mask


def _dedupe(points: np.ndarray, *, tol: float) -> np.ndarray:
    """The points with near-duplicates (closer than ``tol``) dropped, first one kept."""
    points = points[np.all(np.isfinite(points), axis=-1)]
    close = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=-1) <= tol
    dropped = np.zeros(len(points), dtype=bool)
    for i in range(len(points)):
        if not dropped[i]:
            dropped[i + 1 :] |= close[i, i + 1 :]
    return points[~dropped]


def _near(p: np.ndarray, points: tuple[Point, ...], tol: float) -> bool:
    return any(np.linalg.norm(p - np.asarray(q)) <= tol for q in points)


def _as_tuples(points: np.ndarray) -> tuple[Point, ...]:
    return tuple(tuple(float(v) for v in p) for p in points)
