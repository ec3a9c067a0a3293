r"""The catapult: one initialisation, a sweep of rates across :math:`2/\lambda_0`, three regimes.

Lewkowycz, Bahri, Dyer, Sohl-Dickstein, Gur-Ari, *The large learning rate phase of deep learning:
the catapult mechanism*, 2020, https://arxiv.org/abs/2003.02218: with :math:`\lambda_0` the
curvature at initialisation, gradient descent on a wide network below :math:`2/\lambda_0` trains
much as its linearisation does (the curvature hardly moves); above it the loss first grows, the
curvature falls until it is below :math:`2/\eta`, and the loss then falls to a flatter minimum;
beyond a largest rate training diverges. In the model they solve (a wide two-layer linear
network under squared loss) the catapult range is :math:`2/\lambda_0 < \eta < 4/\lambda_0`.

:func:`catapult` measures :math:`\lambda_0` (the sharpness at the initial weights), trains one
run per multiple of :math:`2/\lambda_0` and reads each run (:data:`REGIMES`):

- ``settled``: below :math:`2/\lambda_0`, the loss never rose above where it started;
- ``catapult``: the loss rose above its start, ended below it, and the last measured sharpness
  is below :math:`2/\eta`;
- ``diverged``: the run diverged (:mod:`lrviz.nn.edge._descent`);
- ``other``: none of these (above :math:`2/\lambda_0` without a rise above the start, say).

The boundaries between the regimes are read off these runs, not assumed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from lrviz.nn.edge._descent import Descent, descend, start
from lrviz.nn.edge._net import WIDE, Network

__all__ = ["MULTIPLES", "REGIMES", "Catapult", "Regime", "catapult"]

Regime = Literal["settled", "catapult", "other", "diverged"]
REGIMES: tuple[Regime, ...] = ("settled", "catapult", "other", "diverged")
MULTIPLES = tuple(np.round(np.arange(0.5, 2.05, 0.1), 2).tolist())  # 0.5 … 2.0 × 2/λ₀: 16 runs


@dataclass(frozen=True)
class Catapult:
    """Row i trained at ``multiples[i] × 2/λ₀``."""

    descent: Descent
    multiples: np.ndarray  # (n,)
    regimes: tuple[Regime, ...]
    peak_loss: np.ndarray  # (n,) the highest loss after the first update (NaN where diverged at once)
    final_sharpness: np.ndarray  # (n,) the last measurement (NaN where diverged)

    @property
    def lam0(self) -> float:
        return self.descent.start.sharpness  # catapult() always gives it

    @property
    def critical(self) -> float:
        """:math:`2/\\lambda_0`."""
        return 2.0 / self.lam0

    @property
    def lrs(self) -> np.ndarray:
        return self.descent.peaks

    def span(self, regime: Regime) -> tuple[float, float] | None:
        """The lowest and highest multiple whose run fell in ``regime`` (None if none did)."""
        chosen = [m for m, r in zip(self.multiples, self.regimes, strict=True) if r == regime]
        return (float(min(chosen)), float(max(chosen))) if chosen else None


def classify(lr: float, critical: float, losses: np.ndarray, final_sharpness: float,
             diverged: bool) -> Regime:
    """The regime of one run (see the module's docstring)."""
    first, final = losses[0], losses[-1]
    if diverged or not np.isfinite(final):
        return "diverged"
    rose = np.nanmax(losses[1:]) > first
    if rose and final < first and final_sharpness < 2.0 / lr:
        return "catapult"
    if lr < critical and not rose:
        return "settled"
    return "other"


def catapult(multiples: Sequence[float] | np.ndarray = MULTIPLES, *, network: Network = WIDE,
             steps: int = 200, every: int = 5, progress: Callable[[float], None] | None = None) -> Catapult:
    """One run of ``steps`` updates at each of ``multiples`` × 2/λ₀ (at most 32), from ``network``'s
    initial weights, its sharpness every ``every`` updates; each run's regime."""
    multiples = np.atleast_1d(np.asarray(multiples, dtype=float))
    positive = np.all(np.isfinite(multiples) & (multiples > 0))
    if multiples.ndim != 1 or not 1 <= multiples.size <= 32 or not positive:
        raise ValueError(f"`multiples` (={multiples!r}) must be 1 to 32 positive, finite numbers.")
    begin = start(network)
    critical = 2.0 / begin.sharpness
    run = descend(network, multiples * critical, steps=steps, every=every, initial=begin, progress=progress)
    diverged = run.diverged_at >= 0
    with np.errstate(invalid="ignore"):
        peak = np.array([np.nanmax(row[1:]) if np.isfinite(row[1:]).any() else np.nan for row in run.losses])
    final_sharpness = np.where(diverged, np.nan, run.tops[:, -1])
    regimes = tuple(classify(lr, critical, run.losses[i], final_sharpness[i], bool(diverged[i]))
                    for i, lr in enumerate(run.peaks))
    return Catapult(run, multiples, regimes, peak, final_sharpness)
