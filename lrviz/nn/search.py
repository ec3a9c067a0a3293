r"""Choosing a rate by training: grid and random search, checking the range test's suggestions,
and the too-small / good / too-large comparison.

Every function here trains many models in one ``vmap`` (:func:`lrviz.nn.mlp.train`) and ranks
them by the validation loss after a fixed budget of updates (a diverged run ranks last).

**Grid search** trains at ``n`` rates spaced evenly in :math:`\log\eta` over ``[lo, hi]``;
**random search** (Bergstra & Bengio, *Random Search for Hyper-Parameter Optimization*, JMLR
13, 2012) at ``n`` rates drawn log-uniformly from the same range with a fixed seed. Both are
trained in the same call, from the same initial weights and batches, so that they differ in
the rates alone.

*Runs needed to get within 5 %*: with :math:`L^*` the lowest validation loss either search
found, the number of runs a method does, in its own order, until one has a validation loss
:math:`\le 1.05\,L^*`. A grid is run in increasing rate (the way one sweeps up from a safe
rate); random search in the order it drew its samples. With one hyper-parameter the two are
close; Bergstra & Bengio's argument for random search is about many hyper-parameters of
which only a few matter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lrviz.nn import mlp
from lrviz.nn.datasets import Dataset

__all__ = ["Comparison", "Search", "SuggestionCheck", "check_suggestions", "compare_rates", "decision_grid",
           "runs_needed", "search", "three_rates"]

WITHIN = 0.05
RANDOM_SEED = 12345


def runs_needed(losses: np.ndarray, best: float, within: float = WITHIN) -> int | None:
    """1 + the index of the first loss ``<= (1 + within) * best`` (None if there is none).

    ``best`` must be positive (a cross-entropy is); a diverged run's loss is ``inf``.
    """
    hits = np.flatnonzero(np.asarray(losses, float) <= (1 + within) * best)
    return int(hits[0]) + 1 if len(hits) else None


@dataclass(frozen=True)
class Search:
    grid: mlp.Training  # rows in increasing rate
    random: mlp.Training  # rows in the order drawn
    best_lr: float  # the rate with the lowest validation loss over both
    best_loss: float
    grid_runs: int | None  # runs needed to get within 5 % of best_loss
    random_runs: int | None

    def cliff_above(self) -> float | None:
        """The smallest rate above ``best_lr``, less than twice it, whose run failed (diverged, or
        a validation loss over twice the best): the best rate then sits at the edge of the cliff,
        a lucky rate rather than a safe choice."""
        lrs = np.concatenate([self.grid.lrs, self.random.lrs])
        losses = np.concatenate([self.grid.final_val_loss, self.random.final_val_loss])  # inf: diverged
        near = (losses > 2 * self.best_loss) & (lrs > self.best_lr) & (lrs < 2 * self.best_lr)
        return float(lrs[near].min()) if near.any() else None


def _split(training: mlp.Training, rows: slice) -> mlp.Training:
    """The rows ``rows`` of a training, as a training of its own."""
    fields = {name: getattr(training, name)[rows] for name in
              ("lrs", "seeds", "batch_loss", "train_loss", "val_loss", "val_acc", "diverged_at")}
    params = [(w[rows], b[rows]) for w, b in training.params]
    return mlp.Training(dataset=training.dataset, setup=training.setup, eval_steps=training.eval_steps,
                        params=params, **fields)


def search(
    data: Dataset, *, lo: float = 1e-4, hi: float = 10.0, n: int = 32, seed: int = 0,
    random_seed: int = RANDOM_SEED, **train_kwargs: Any,
) -> Search:
    """Grid and random search over ``[lo, hi]`` with ``n`` runs each, trained in one ``vmap``.

    ``train_kwargs`` go to :func:`lrviz.nn.mlp.train` (width, depth, optimizer, batch, steps, ...).
    """
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo < hi):
        raise ValueError(f"`lo` (={lo!r}) and `hi` (={hi!r}) must satisfy 0 < lo < hi.")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 2 <= n <= 64:
        raise ValueError(f"`n` (={n!r}) must be an integer from 2 to 64.")
    grid = np.geomspace(lo, hi, n)
    drawn = np.exp(np.random.default_rng(random_seed).uniform(np.log(lo), np.log(hi), n))
    both = mlp.train(data, np.concatenate([grid, drawn]), seed, **train_kwargs)
    losses = both.final_val_loss
    i = int(np.argmin(losses))
    best = float(losses[i])
    grid_part, random_part = _split(both, slice(0, n)), _split(both, slice(n, 2 * n))
    return Search(
        grid=grid_part, random=random_part, best_lr=float(both.lrs[i]), best_loss=best,
        grid_runs=runs_needed(grid_part.final_val_loss, best) if np.isfinite(best) else None,
        random_runs=runs_needed(random_part.final_val_loss, best) if np.isfinite(best) else None,
    )


@dataclass(frozen=True)
class SuggestionCheck:
    """Short trainings at each rule's suggested rate, from several seeds."""

    rules: tuple[str, ...]
    lrs: np.ndarray  # (r,) the rate tried for each rule
    val_loss: np.ndarray  # (r, k) final validation loss per rule and seed (inf if diverged)
    val_acc: np.ndarray  # (r, k)
    training: mlp.Training  # rows rule-major: rule i, seed j at row i * k + j

    @property
    def mean_loss(self) -> np.ndarray:
        return self.val_loss.mean(axis=1)

    @property
    def winner(self) -> str | None:
        """The rule whose rate reached the lowest mean validation loss (None if all diverged)."""
        mean = self.mean_loss
        return self.rules[int(np.argmin(mean))] if np.isfinite(mean).any() else None


def check_suggestions(
    data: Dataset, suggestions: Mapping[str, float], seeds: Sequence[int] = (0, 1, 2), **train_kwargs: Any
) -> SuggestionCheck:
    """Train at every rule's rate from every seed in one ``vmap`` (rule × seed rows)."""
    rules = tuple(suggestions)
    if not rules:
        raise ValueError("`suggestions` is empty: there is no rate to check.")
    lrs = np.array([suggestions[r] for r in rules], float)
    seeds = np.asarray(seeds)
    k = len(seeds)
    training = mlp.train(data, np.repeat(lrs, k), np.tile(seeds, len(rules)), **train_kwargs)
    return SuggestionCheck(
        rules=rules, lrs=lrs, val_loss=training.final_val_loss.reshape(len(rules), k),
        val_acc=training.final_val_acc.reshape(len(rules), k), training=training,
    )


@dataclass(frozen=True)
class Comparison:
    """Three runs: a rate too small, a good one, and one too large."""

    lrs: np.ndarray  # (3,) small, good, large
    training: mlp.Training


STILL = 0.9  # "barely learned": the validation loss ended above 90 % of where it started
SMALL_FACTOR, LARGE_FACTOR = 1 / 30, 10.0  # the fallbacks when the grid has no such rate


def three_rates(found: Search) -> tuple[float, float, float]:
    """(too small, good, too large), read off the search's grid.

    ``good`` is the grid rate whose final validation loss, averaged with its neighbours' on the
    grid, is lowest: a rate that stays good when nudged, not a lucky one at the edge of the cliff
    (a diverged neighbour counts as infinite loss). ``too small`` is the largest grid rate below
    it whose validation loss ended above :data:`STILL` of where it started (it barely learned),
    ``too large`` the smallest rate above it that barely learned or diverged.
    Without such rates, ``good / 30`` and ``10 · good``; without any finite loss, the search's best.
    """
    lrs, final = found.grid.lrs, found.grid.final_val_loss
    start = found.grid.val_loss[:, 0]
    padded = np.concatenate([[np.nan], final, [np.nan]])
    with np.errstate(invalid="ignore"):
        robust = np.nanmean(np.stack([padded[:-2], padded[1:-1], padded[2:]]), axis=0)
    good = float(lrs[np.argmin(robust)]) if np.isfinite(robust).any() else found.best_lr
    still = final >= STILL * start  # barely learned; a diverged run (infinite loss) too
    below, above = lrs[still & (lrs < good)], lrs[still & (lrs > good)]
    small = float(below.max()) if below.size else good * SMALL_FACTOR
    large = float(above.min()) if above.size else good * LARGE_FACTOR
    return small, good, large


def compare_rates(data: Dataset, lrs: Sequence[float], seed: int = 0, **train_kwargs: Any) -> Comparison:
    """Train at the three rates ``lrs`` (too small, good, too large) in one ``vmap``."""
    lrs = np.asarray(lrs, float)
    if lrs.shape != (3,) or not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(f"`lrs` (={lrs!r}) must be three positive rates: too small, good, too large.")
    return Comparison(lrs=lrs, training=mlp.train(data, lrs, seed, **train_kwargs))


def decision_grid(comparison: Comparison, data: Dataset, n: int = 60) -> tuple[np.ndarray, ...]:
    """(xs, ys, p) for a 2-D data set: an ``n × n`` grid over the data (10 % margin) and each
    model's probability of class 1 there, shape ``(3, n, n)`` (row = y, column = x)."""
    if data.dim != 2:
        raise ValueError(f"`data` ({data.name!r}) has {data.dim} features; a decision map needs 2.")
    points = np.concatenate([data.x_train, data.x_val])
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = 0.1 * (hi - lo)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], n)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], n)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    probs = mlp.probabilities(comparison.training, range(len(comparison.lrs)), grid)[..., 1]
    return xs, ys, probs.reshape(len(comparison.lrs), n, n)
