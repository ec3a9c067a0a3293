r"""Stability limits: the largest rate at which an optimizer still settles into a quadratic minimum.

Each :class:`~lrviz.optimizers.OptimizerSpec` carries a ``limit`` rule ``(p, lam) -> Limit | None``:
``p`` its parameters (defaults filled in), ``lam`` the largest Hessian eigenvalue :math:`\lambda_{\max}`
at the minimum. Along an eigenvector with eigenvalue :math:`\lambda`, ``torch.optim.SGD`` with
momentum :math:`\mu` is the linear recurrence with characteristic polynomial
:math:`z^2 - (1 + \mu - \eta\lambda) z + \mu`, stable exactly when :math:`\eta\lambda < 2(1 + \mu)`
(the heavy ball; :math:`\mu = 0` gives :math:`2/\lambda`). With ``nesterov=True`` it is
:math:`z^2 - (1 + \mu)(1 - \eta\lambda) z + \mu(1 - \eta\lambda)`, stable when
:math:`\eta\lambda < 2(1 + \mu)/(1 + 2\mu)` (Sutskever et al. 2013). Adagrad, RMSprop and Adam
rescale every step by their gradient history, so no such fixed limit exists for them (:func:`none`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

Params = Mapping[str, Any]


class Limit(NamedTuple):
    """The largest stable rate near a minimum for an optimizer, and its formula."""

    value: float
    formula: str  # e.g. "2/λmax" or "2(1+μ)/λmax"


LimitRule = Callable[[Params, float], "Limit | None"]


def heavy_ball(p: Params, lam: float, *, nesterov: bool = False) -> Limit:
    """``torch.optim.SGD``'s critical rate: momentum ``p["momentum"]``, Nesterov if ``nesterov`` or
    ``p["nesterov"]``; infinite where the curvature is not positive."""
    mu = float(p.get("momentum", 0.0))
    nesterov = nesterov or bool(p.get("nesterov", False))
    if lam <= 0:
        return Limit(float("inf"), "2/λmax")
    if mu == 0:
        return Limit(2.0 / lam, "2/λmax")
    if nesterov:
        return Limit(2.0 * (1 + mu) / ((1 + 2 * mu) * lam), "2(1+μ)/((1+2μ)λmax)")
    return Limit(2.0 * (1 + mu) / lam, "2(1+μ)/λmax")


def nesterov(p: Params, lam: float) -> Limit:
    """:func:`heavy_ball` with Nesterov momentum, whatever ``p`` says."""
    return heavy_ball(p, lam, nesterov=True)


def none(p: Params, lam: float) -> None:
    """No fixed limit: the optimizer rescales its steps by their history (Adagrad, RMSprop, Adam)."""
    del p, lam
    return None
