r"""The edge of stability, for gradient descent and for Adam, with one summary per rate.

Gradient descent (Cohen, Kaur, Li, Kolter, Talwalkar, *Gradient Descent on Neural Networks
Typically Occurs at the Edge of Stability*, ICLR 2021, https://arxiv.org/abs/2103.00065): on a
quadratic with curvature :math:`\lambda` gradient descent at rate :math:`\eta` is stable only if
:math:`\lambda < 2/\eta`. Trained full-batch, a network's sharpness typically rises (progressive
sharpening) until it reaches :math:`2/\eta`, then hovers there while the loss keeps falling over
long timescales, not monotonically. :func:`stability` trains several rates at once, measures
the sharpness every ``every`` updates and compares each run with gradient flow from the same
weights (:mod:`lrviz.nn.edge._flow`).

Adam (Cohen et al., *Adaptive Gradient Methods at the Edge of Stability*, 2022,
https://arxiv.org/abs/2207.14484): the quantity that equilibrates is the *preconditioned*
sharpness, and its threshold is that of gradient descent with (exponential-average) momentum
:math:`\beta_1` on a quadratic, :math:`(2 + 2\beta_1)/((1-\beta_1)\eta)` (38/η at
:math:`\beta_1 = 0.9`). :func:`adam_edge` trains ``torch.optim.Adam`` with its default
:math:`\beta_2 = 0.999`, :math:`\epsilon = 10^{-8}`.

:func:`summarize` reads one run against its threshold; :class:`Summary` names what it reads.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from lrviz.nn.edge._descent import Descent, Start, check_budget, descend, start
from lrviz.nn.edge._flow import Flow, flow
from lrviz.nn.edge._net import NARROW, Network

__all__ = ["ADAM_LRS", "EOS_LRS", "AdamEdge", "Stability", "Summary", "adam_edge", "adam_threshold",
           "stability", "summarize"]

Progress = Callable[[float], None]
EOS_LRS = (0.3, 0.4, 0.5, 0.6)  # on NARROW (λ₀ ≈ 2.6): each crosses 2/η within 1,000 updates
ADAM_LRS = (0.005, 0.01, 0.02)  # on NARROW: 38/η = 7,600, 3,800, 1,900 are reached within 500 updates
SHARPENED = 1.10  # "the sharpness rose": at the crossing at least 10 % above where it started
_GD_SHARE = 0.5  # of the progress bar, for gradient descent (the flow takes the rest)


@dataclass(frozen=True)
class Summary:
    """One run read against its threshold (``2/η``, or Adam's ``(2 + 2β₁)/((1 − β₁)η)``).

    ``crossed_at``: the first measured update where the measured sharpness reached the threshold
    (None if it never did); ``start``: the first measured sharpness; ``ratio``: its median from the
    crossing to the end over the threshold; ``loss_at_cross``, ``final_loss`` and ``drop``
    (their ratio: how many times lower the loss ended); ``ups``: updates after which the loss was
    higher than before (over the whole run); ``diverged_at``: -1 if the run did not diverge.
    """

    lr: float
    threshold: float
    crossed_at: int | None
    start: float
    at_cross: float
    ratio: float
    loss_at_cross: float
    final_loss: float
    ups: int
    diverged_at: int

    @property
    def drop(self) -> float:
        return self.loss_at_cross / self.final_loss if self.crossed_at is not None else float("nan")

    @property
    def sharpened(self) -> bool:
        """Progressive sharpening: the sharpness rose by :data:`SHARPENED` before reaching the threshold."""
        return self.crossed_at is not None and self.crossed_at > 0 and self.at_cross >= SHARPENED * self.start


def summarize(lr: float, threshold: float, losses: np.ndarray, tops: np.ndarray, measured: np.ndarray,
              diverged_at: int) -> Summary:
    """The :class:`Summary` of one run (losses per update, ``tops`` at the ``measured`` updates)."""
    finite = np.isfinite(tops)
    above = np.flatnonzero(finite & (tops >= threshold))
    first = next((float(v) for v in tops if np.isfinite(v)), float("nan"))
    steps = np.diff(losses)
    ups = int(np.sum(steps[np.isfinite(steps)] > 0))
    final = float(losses[-1])
    if above.size == 0:
        nan = float("nan")
        return Summary(float(lr), float(threshold), None, first, nan, nan, nan, final, ups, diverged_at)
    c = int(above[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a run that diverged at the crossing
        ratio = float(np.nanmedian(tops[c:]) / threshold)
    at = int(measured[c])
    return Summary(float(lr), float(threshold), at, first, float(tops[c]), ratio, float(losses[at]), final,
                   ups, diverged_at)


@dataclass(frozen=True)
class Stability:
    """Gradient descent at each rate, its sharpness and its distance from gradient flow."""

    descent: Descent
    flow: Flow | None
    distance: np.ndarray  # (n, m): |θ_GD(k) − θ_flow(kη)| at the measured updates k; NaN without flow
    flow_losses: np.ndarray  # (n, m): the flow's loss at time kη
    summaries: tuple[Summary, ...]

    @property
    def lrs(self) -> np.ndarray:
        return self.descent.peaks

    def distance_at(self, i: int, update: int | None) -> float:
        """Row ``i``'s distance from the flow at a measured ``update`` (NaN for None)."""
        if update is None:
            return float("nan")
        return float(self.distance[i, update // self.descent.every])


def _check_lrs(lrs: Sequence[float] | np.ndarray, most: int = 8) -> np.ndarray:
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    if lrs.ndim != 1 or not 1 <= lrs.size <= most or not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(f"`lrs` (={lrs!r}) must be 1 to {most} positive, finite rates.")
    return lrs


def _scaled(progress: Progress | None, lo: float, hi: float) -> Progress | None:
    return None if progress is None else (lambda f: progress(lo + (hi - lo) * f))


def stability(lrs: Sequence[float] | np.ndarray = EOS_LRS, *, network: Network = NARROW, steps: int = 1000,
              every: int = 10, with_flow: bool = True, progress: Progress | None = None) -> Stability:
    """Full-batch gradient descent at each of ``lrs`` (at most 8) from ``network``'s initial weights,
    its sharpness every ``every`` updates, and (``with_flow``) gradient flow through the same times.

    The sharpness at the initial weights and the flow are computed in a second thread, beside the
    training (on two cores their compilations, the larger part of a first call, overlap).
    ``progress(fraction)`` is called from the calling thread as pieces finish. ``ValueError`` names
    a bad argument.
    """
    lrs = _check_lrs(lrs)
    steps, every = check_budget(steps, every)
    times = lrs[:, None] * np.arange(0, steps + 1, every)[None, :]
    done = {"descent": 0.0, "flow": 0.0 if with_flow else 1.0}

    def report() -> None:
        if progress is not None:
            progress(_GD_SHARE * done["descent"] + (1 - _GD_SHARE) * done["flow"])

    def beside() -> tuple[Start, Flow | None]:  # the second thread: λ₀, then the flow
        begin = start(network)
        if not with_flow:
            return begin, None
        return begin, flow(network, times.ravel(), begin.sharpness, progress=lambda f: done.update(flow=f))

    with ThreadPoolExecutor(max_workers=1) as pool:
        second = pool.submit(beside)
        run = descend(network, lrs, steps=steps, every=every, keep=with_flow,
                      progress=lambda f: (done.update(descent=f), report()))
        while not futures.wait([second], timeout=0.1).done:
            report()
        begin, solved = second.result()
    report()
    tops = run.tops.copy()
    tops[:, 0] = begin.sharpness
    run = replace(run, tops=tops, start=begin)
    n, m = tops.shape
    distance = flow_losses = np.full((n, m), np.nan)
    if solved is not None:
        along = solved.at(times.ravel()).reshape(run.snapshots.shape)
        distance = np.linalg.norm(run.snapshots - along, axis=-1)
        flow_losses = solved.losses[np.searchsorted(solved.times, times.ravel())].reshape(n, m)
        distance[~np.isfinite(run.tops)] = np.nan  # diverged rows
    summaries = tuple(summarize(lr, 2.0 / lr, run.losses[i], run.tops[i], run.measured,
                                int(run.diverged_at[i])) for i, lr in enumerate(lrs))
    if solved is not None:  # the distances are taken: a result kept in a cache need not hold the weights
        solved = replace(solved, thetas=np.empty((solved.times.size, 0), np.float32))
    return Stability(replace(run, snapshots=None), solved, distance, flow_losses, summaries)


def adam_threshold(lr: float | np.ndarray, beta1: float) -> float | np.ndarray:
    """Adam's threshold for the preconditioned sharpness, :math:`(2 + 2\\beta_1)/((1-\\beta_1)\\eta)`."""
    return (2.0 + 2.0 * beta1) / ((1.0 - beta1) * lr)


@dataclass(frozen=True)
class AdamEdge:
    """Adam at each rate: ``descent.tops`` holds the preconditioned sharpness."""

    descent: Descent
    beta1: float
    summaries: tuple[Summary, ...]

    @property
    def lrs(self) -> np.ndarray:
        return self.descent.peaks


def adam_edge(lrs: Sequence[float] | np.ndarray = ADAM_LRS, *, network: Network = NARROW, beta1: float = 0.9,
              steps: int = 1000, every: int = 10, progress: Progress | None = None) -> AdamEdge:
    """Full-batch Adam (``torch.optim.Adam``, ``betas=(beta1, 0.999)``) at each of ``lrs``, its
    preconditioned sharpness every ``every`` updates (the first measurement after ``every`` updates:
    before the first update Adam has no preconditioner)."""
    lrs = _check_lrs(lrs)
    if not 0.0 <= beta1 < 1.0:
        raise ValueError(f"`beta1` (={beta1!r}) must be in [0, 1).")
    run = descend(network, lrs, optimizer="adam", optimizer_params={"betas": (beta1, 0.999)}, steps=steps,
                  every=every, progress=progress)
    summaries = tuple(summarize(lr, float(adam_threshold(lr, beta1)), run.losses[i], run.tops[i],
                                run.measured, int(run.diverged_at[i])) for i, lr in enumerate(lrs))
    return AdamEdge(run, beta1, summaries)
