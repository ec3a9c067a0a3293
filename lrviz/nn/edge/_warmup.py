r"""Warm-up: a grid of peak rate × warm-up length, trained at once, and the sharpness of a pair.

Gilmer, Ghorbani, Garg, Kudugunta, Neyshabur, Cardoze, Dahl, Nado, Firat, *A Loss Curvature
Perspective on Training Instability in Deep Learning*, 2021, https://arxiv.org/abs/2110.04369:
successful choices (warm-up among them) let the early trajectory avoid, or leave, regions of high
curvature for flatter ones that tolerate a larger rate. Kalra & Barkeshli, *Why Warmup the
Learning Rate? Underlying Mechanisms and Improvements*, 2024, https://arxiv.org/abs/2406.09405:
warm-up's main benefit is that the network tolerates a larger target rate, because it is moved
to better-conditioned regions of the loss landscape.

:func:`warmup_grid` trains every pair (peak, length) for the same number of updates: a linear
warm-up from 0 to the peak over ``length`` updates (none for 0), then the peak (``cosine=False``)
or a cosine from the peak to 0 at the end (lrviz's ``warmup_cosine``, as
``optax.warmup_cosine_decay_schedule``). A run *trained* if it did not diverge and ended below its
starting loss. :func:`warmup_pair` measures the sharpness of one peak without and with warm-up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lrviz.nn.edge._descent import Descent, descend, start
from lrviz.nn.edge._net import WIDE, Network

__all__ = ["LENGTHS", "PEAKS", "WarmupGrid", "warmup_grid", "warmup_pair"]

PEAKS = (1.0, 2.0, 3.0, 6.0)  # multiples of 2/λ₀ (the page's default): 16 runs, one compiled row count
LENGTHS = (0, 100, 400, 800)  # warm-up updates
MAX_RUNS = 64


@dataclass(frozen=True)
class WarmupGrid:
    """Run (i, j) peaked at ``peaks[i]`` after a warm-up of ``lengths[j]`` updates."""

    peaks: np.ndarray  # (P,)
    lengths: np.ndarray  # (W,)
    steps: int
    cosine: bool
    start_loss: float
    lam0: float
    final_loss: np.ndarray  # (P, W), NaN where diverged
    diverged_at: np.ndarray  # (P, W) the update each run diverged at, -1 where it did not

    @property
    def diverged(self) -> np.ndarray:
        """(P, W) bool."""
        return self.diverged_at >= 0

    @property
    def trained(self) -> np.ndarray:
        """(P, W): did not diverge and ended below the starting loss."""
        with np.errstate(invalid="ignore"):
            return ~self.diverged & (self.final_loss < self.start_loss)

    def rescued(self) -> np.ndarray:
        """(P,): the peaks that diverged without warm-up (length 0) and trained with some warm-up."""
        if 0 not in self.lengths:
            return np.zeros(self.peaks.size, bool)
        cold = int(np.flatnonzero(self.lengths == 0)[0])
        return self.diverged[:, cold] & self.trained.any(axis=1)

    def example(self) -> tuple[float, int] | None:
        """A peak worth watching with and without warm-up: the lowest rescued peak and the
        shortest warm-up that trained it (None if no peak was rescued)."""
        rescued = np.flatnonzero(self.rescued())
        if rescued.size == 0:
            return None
        i = int(rescued[0])
        return float(self.peaks[i]), self.shortest(i)

    def shortest(self, i: int) -> int | None:
        """The shortest warm-up with which peak ``i`` trained (None if none)."""
        ok = np.flatnonzero(self.trained[i])
        return int(self.lengths[ok].min()) if ok.size else None


def _check(values, name: str, lo: float, whole: bool = False) -> np.ndarray:
    values = np.atleast_1d(np.asarray(values, dtype=float))
    bad = values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values) & (values >= lo))
    if bad or (whole and not np.all(values == np.round(values))):
        kind = "whole numbers" if whole else "numbers"
        raise ValueError(f"`{name}` (={values!r}) must be a list of {kind} >= {lo:g}.")
    return values


def warmup_grid(peaks: Sequence[float] | np.ndarray, lengths: Sequence[int] | np.ndarray = LENGTHS, *,
                network: Network = WIDE, steps: int = 1000, cosine: bool = False,
                progress: Callable[[float], None] | None = None) -> WarmupGrid:
    """Every peak rate × warm-up length (at most 64 runs), ``steps`` updates each, no sharpness."""
    peaks = _check(peaks, "peaks", 1e-12)
    lengths = _check(lengths, "lengths", 0, whole=True)
    if peaks.size * lengths.size > MAX_RUNS:
        raise ValueError(f"{peaks.size} peaks × {lengths.size} lengths is more than {MAX_RUNS} runs.")
    if lengths.max() >= steps:
        raise ValueError(f"every warm-up (the longest: {lengths.max():g}) must be shorter than `steps` "
                         f"(={steps}).")
    grid_p, grid_w = np.meshgrid(peaks, lengths, indexing="ij")
    run = descend(network, grid_p.ravel(), warmups=grid_w.ravel(), floors=0.0 if cosine else None,
                  steps=steps, measure=False, progress=progress)
    diverged_at = run.diverged_at.reshape(grid_p.shape)
    final = np.where(diverged_at >= 0, np.nan, run.losses[:, -1].reshape(grid_p.shape))
    begin = start(network)
    return WarmupGrid(peaks, lengths, steps, bool(cosine), begin.loss, begin.sharpness, final, diverged_at)


def warmup_pair(peak: float, length: int, *, network: Network = WIDE, steps: int = 1000, cosine: bool = False,
                every: int = 10, progress: Callable[[float], None] | None = None) -> Descent:
    """Two runs at ``peak``: row 0 without warm-up, row 1 with ``length`` updates of it, their
    sharpness every ``every`` updates."""
    peaks = _check(peak, "peak", 1e-12)
    floors = np.zeros(2) if cosine else None
    return descend(network, np.repeat(peaks, 2), warmups=[0, length], floors=floors, steps=steps, every=every,
                   initial=start(network), progress=progress)
