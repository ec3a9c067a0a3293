r"""Stability limits: the largest rate at which an optimizer still settles into a quadratic minimum.

Each :class:`~lrviz.optimizers.OptimizerSpec` carries a ``limit`` rule ``(p, lam) -> Limit | None``:
``p`` its parameters (defaults filled in), ``lam`` the largest Hessian eigenvalue :math:`\lambda_{\max}`
at the minimum. Along an eigenvector with eigenvalue :math:`\lambda`, ``torch.optim.SGD`` with
momentum :math:`\mu` is the linear recurrence with characteristic polynomial
:math:`z^2 - (1 + \mu - \eta\lambda) z + \mu`, stable exactly when :math:`\eta\lambda < 2(1 + \mu)`
(the heavy ball; :math:`\mu = 0` gives :math:`2/\lambda`). With ``nesterov=True`` it is
:math:`z^2 - (1 + \mu)(1 - \eta\lambda) z + \mu(1 - \eta\lambda)`, stable when
:math:`\eta\lambda < 2(1 + \mu)/(1 + 2\mu)` (Sutskever et al. 2013). torch's ``weight_decay`` (L2) adds
:math:`w\theta` to every gradient, so the step meets the curvature :math:`\lambda + w`; ``dampening``
:math:`\tau` puts every gradient after the first into the buffer times :math:`1 - \tau`, which is the
heavy ball at the rate :math:`(1 - \tau)\eta`: stable when :math:`(1 - \tau)\eta(\lambda + w) < 2(1 + \mu)`.
Adagrad, RMSprop and Adam
rescale every step by their gradient history, so no such fixed limit exists for them (:func:`none`).

Schedule-free SGD has none that a run meets either. On a quadratic its gradient point follows
:math:`y' = (1 - c - \eta\lambda(1 - \beta + \beta c))\,y + c\,z`, :math:`z' = z - \eta\lambda y`, with an
averaging weight :math:`c_t \to 0` (:math:`1/(t+1)` at a constant rate); only in the limit
:math:`c \to 0` is it the linear recurrence :math:`y' = (1 - \eta\lambda(1-\beta))\,y`, stable below
:math:`2/((1-\beta)\lambda)` (ten times SGD's limit at :math:`\beta = 0.9`). The first steps, with
:math:`c` near 1, are plain gradient steps that grow by :math:`|1 - \eta\lambda|` and more, so where a
run actually escapes depends on its start and on how far it may wander (the engine's box): on
:math:`x^2` from 2.5, near :math:`\eta\lambda \approx 6` for 100 or 2,000 steps alike. No formula in
:math:`\lambda` and the parameters says that, so it is :func:`none` too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

Params = Mapping[str, Any]


class Limit(NamedTuple):
    """The largest stable rate near a minimum for an optimizer, and its formula."""

    value: float
    formula: str  # e.g. "2/λmax" or "2(1+μ)/λmax"
    shift: float = 0.0  # what every gradient adds to the curvature (L2 weight decay): value ∝ 1/(λ + shift)
    momentum: float = 0.0  # the heavy ball's μ (not Nesterov's): below the limit, swings shrink √μ a step
    lam: float = float("nan")  # the curvature the steps meet, λmax + shift, that the value is for
    kind: str = "plain"  # which rule gave it: "plain", "heavy_ball", "nesterov" or "coasting" (below)

    @property
    def plain(self) -> bool:
        """Plain gradient descent (no momentum), whose steps overshoot above half the limit."""
        return self.kind == "plain"

    @property
    def coasting(self) -> bool:
        """Momentum with dampening τ = 1: the buffer keeps only the first step's direction
        (b_t = μ^(t−1)·d₁, d₁ = g₁ + w·θ₀), so every rate coasts in a straight line and, given enough
        steps, stops after 1/(1 − μ) first steps; the value is infinite, as no rate is critical."""
        return self.kind == "coasting"


LimitRule = Callable[[Params, float], "Limit | None"]


def heavy_ball(p: Params, lam: float, *, nesterov: bool = False) -> Limit:
    """``torch.optim.SGD``'s critical rate: momentum ``p["momentum"]``, Nesterov if ``nesterov`` or
    ``p["nesterov"]``; infinite where the curvature is not positive."""
    mu = float(p.get("momentum", 0.0))
    nesterov = nesterov or bool(p.get("nesterov", False))
    decay = float(p.get("weight_decay", 0.0))
    # Without momentum torch keeps no buffer, and dampening does nothing.
    tau = 0.0 if nesterov or mu == 0 else float(p.get("dampening", 0.0))
    lam, curvature = lam + decay, "λmax" if decay == 0 else "(λmax+w)"
    if tau >= 1:  # the buffer keeps the first step's direction and never turns back
        return Limit(float("inf"), f"2(1+μ)/((1−τ){curvature})", decay, mu, lam, kind="coasting")
    if lam <= 0:
        return Limit(float("inf"), f"2/{curvature}", decay, lam=lam)
    if mu == 0:
        return Limit(2.0 / lam, f"2/{curvature}", decay, lam=lam)
    if nesterov:
        return Limit(2.0 * (1 + mu) / ((1 + 2 * mu) * lam), f"2(1+μ)/((1+2μ){curvature})", decay, lam=lam,
                     kind="nesterov")
    if tau:
        return Limit(2.0 * (1 + mu) / ((1 - tau) * lam), f"2(1+μ)/((1−τ){curvature})", decay, mu, lam,
                     kind="heavy_ball")
    return Limit(2.0 * (1 + mu) / lam, f"2(1+μ)/{curvature}", decay, mu, lam, kind="heavy_ball")


def nesterov(p: Params, lam: float) -> Limit:
    """:func:`heavy_ball` with Nesterov momentum, whatever ``p`` says."""
    return heavy_ball(p, lam, nesterov=True)


def none(p: Params, lam: float) -> None:
    """No fixed limit: the optimizer rescales its steps by their history (Adagrad, RMSprop, Adam), or
    averages them with weights that change along the run (the schedule-free ones)."""
    del p, lam
    return None
