r"""The learning-rate range test and the rules that read a rate off its curve.

The test (Smith, *Cyclical Learning Rates for Training Neural Networks*, WACV 2017,
https://arxiv.org/abs/1506.01186, §3.3; popularised by fastai's ``lr_find``) trains the
model for ``N`` mini-batches while the rate grows exponentially from ``lr_min`` to
``lr_max``,

.. math:: \eta_i = \eta_{\min} \gamma^{i},\qquad \gamma = (\eta_{\max}/\eta_{\min})^{1/(N-1)},
          \quad i = 0 \dots N-1,

which is lrviz's ``exponential`` schedule (``torch.optim.lr_scheduler.ExponentialLR``) and ends
exactly at ``lr_max`` as pytorch-lr-finder's ``ExponentialLR`` does. Each batch's loss
:math:`\ell_i` (before the update, as ``loss.item()``) is smoothed as fastai's Recorder does,
a bias-corrected exponential average with :math:`\beta = 0.98`:

.. math:: a_i = \beta a_{i-1} + (1-\beta)\ell_i,\ a_{-1} = 0,\qquad s_i = a_i / (1 - \beta^{i+1}).

The test stops after the first batch whose smoothed loss exceeds ``stop_factor`` (4, fastai's
``LRFinder``) times the lowest smoothed loss so far, or at a non-finite loss; the batch that
triggers the stop is still recorded (fastai records before it checks), later ones hold NaN.
The test is run from several seeds at once (one ``vmap``): each seed has its own initial
weights and batch order, and the curves differ more than one would guess. The rates, the seeds and
the number of batches are traced or bucketed (64, 128, … 1024 batches), so a new range or seed
count reuses the compiled program.

The rules (:data:`RULES`) read a rate off one recorded curve ``(lrs, s)``; each is implemented
from its published source, which its docstring names. fastai's four rules see the curve
trimmed as ``lr_find`` trims it: ``[N // 10 : -5]`` of what was recorded, cut at the first NaN.
pytorch-lr-finder's rule sees it trimmed as its ``plot`` does: ``[10 : -5]``. Both libraries
smooth their own way (pytorch-lr-finder: :math:`s_i = 0.05\ell_i + 0.95 s_{i-1}`, no bias
correction, stop at 5 × best); here every rule reads the same curve, so that their
disagreement comes from the rules alone. A rule that cannot read a curve (too short) gives None.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from lrviz import schedules
from lrviz.engine import devices
from lrviz.i18n import Key
from lrviz.nn import mlp
from lrviz.nn.datasets import Dataset
from lrviz.params import check_int

__all__ = ["RULES", "RangeTest", "minimum", "range_test", "slide", "steep", "steepest_gradient", "suggest",
           "valley"]

BETA = 0.98
STOP_FACTOR = 4.0
_BATCH_BUCKETS = (64, 128, 256, 512, 1024)  # compiled lengths: other batch counts reuse them


# -- the rules ---------------------------------------------------------------------------------


def valley(lrs: np.ndarray, losses: np.ndarray) -> int | None:
    """fastai's ``valley`` (``fastai/callback/schedule.py``, the default of ``lr_find`` since 2.4).

    Finds the longest strictly decreasing subsequence of the losses (``lds[i]``: length of the
    longest one ending at ``i``); the valley runs from ``max_end - lds[max_end]`` to ``max_end``,
    with ``max_start`` fixed when ``max_end`` last moved (as fastai's loop does), and the
    suggestion is the point about half-way down it: ``max_start + int(L/3) + int(L/6)`` with
    ``L = max_end - max_start``. Returns the index into ``lrs``.
    """
    losses = np.asarray(losses, float)
    n = len(losses)
    if n == 0:
        return None
    lds = np.ones(n, int)
    max_start = max_end = 0
    for i in range(1, n):
        # fastai's inner loop over j < i, one numpy pass: the longest run ending at a higher loss,
        # plus this point. Each earlier lds is at most lds[max_end], so when lds[i] first passes
        # it inside that loop it is already its final value: max_start is i - lds[i].
        higher = losses[:i] > losses[i]
        if higher.any():
            lds[i] = lds[:i][higher].max() + 1
        if lds[i] > lds[max_end]:
            max_end, max_start = i, i - int(lds[i])
    sections = (max_end - max_start) / 3
    return max_start + int(sections) + int(sections / 2)


def slide(lrs: np.ndarray, losses: np.ndarray, lr_diff: int = 15, thresh: float = 0.005) -> int | None:
    """fastai's ``slide`` (``fastai/callback/schedule.py``; adjust_value 1).

    With ``g = np.gradient(losses)`` (per batch), two indices ``lr_diff`` apart slide leftwards
    from the end, ``r = -1``, ``l = r - lr_diff``, while ``|g[r] - g[l]| > thresh``; the
    suggestion is the rate at the last ``l`` visited inside the curve. Returns its index
    (non-negative), or None when the curve has at most ``lr_diff`` points.
    """
    n = len(losses)
    if n <= lr_diff or n < 2:
        return None
    grad = np.gradient(np.asarray(losses, float))
    right, left = -1, -1 - lr_diff
    found = left
    while left >= -n and abs(grad[right] - grad[left]) > thresh:
        found = left
        right, left = right - 1, left - 1
    return n + found


def minimum(lrs: np.ndarray, losses: np.ndarray) -> int | None:
    """fastai's ``minimum``: the rate at the lowest loss, divided by 10 (:data:`RULES` applies
    the factor). Returns the index of the lowest loss."""
    return int(np.argmin(losses)) if len(losses) else None


def steep(lrs: np.ndarray, losses: np.ndarray) -> int | None:
    r"""fastai's ``steep``: the steepest descent per unit of :math:`\log\eta`, from forward
    differences :math:`(s_{i+1} - s_i)/(\log\eta_{i+1} - \log\eta_i)`; returns the left index
    ``i`` of the steepest pair."""
    if len(losses) < 2:
        return None
    grads = np.diff(losses) / np.diff(np.log(lrs))
    return int(np.argmin(grads))


def steepest_gradient(lrs: np.ndarray, losses: np.ndarray) -> int | None:
    """pytorch-lr-finder's suggestion (davidtvs/pytorch-lr-finder, ``LRFinder.plot``,
    ``suggest_lr=True``): ``np.gradient(losses).argmin()``, central differences per batch
    (one-sided at the ends). Per batch equals per unit of log rate up to a constant factor,
    because the rates grow geometrically; unlike :func:`steep` the difference is centred."""
    if len(losses) < 2:
        return None
    return int(np.argmin(np.gradient(np.asarray(losses, float))))


@dataclass(frozen=True)
class Rule:
    """A suggestion rule; its name in words is ``range_test.rule.<name>``."""

    name: str
    source: str  # the library that defines it
    read: Callable[[np.ndarray, np.ndarray], int | None]
    skip_start: Callable[[int], int]  # of the requested number of batches N
    factor: float = 1.0  # suggestion = factor * lrs[index]

    @property
    def title(self) -> Key:
        return Key(f"range_test.rule.{self.name}")


def _fastai_skip(n: int) -> int:
    return n // 10


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule("valley", "fastai", valley, _fastai_skip),
        Rule("slide", "fastai", slide, _fastai_skip),
        Rule("minimum", "fastai", minimum, _fastai_skip, factor=0.1),
        Rule("steep", "fastai", steep, _fastai_skip),
        Rule("steepest", "pytorch-lr-finder", steepest_gradient, lambda n: 10),
    )
}  # fmt: skip
SKIP_END = 5  # both libraries drop the last five recorded batches


def suggest(lrs: np.ndarray, smoothed: np.ndarray, n_requested: int) -> dict[str, tuple[float, float] | None]:
    """Every rule's (suggested rate, smoothed loss at the point it read) for one recorded curve.

    ``smoothed`` may end in NaN (after the stop); the recorded part is cut at the first NaN and
    then trimmed as each library trims (module docstring).
    """
    lrs, smoothed = np.asarray(lrs, float), np.asarray(smoothed, float)
    bad = np.flatnonzero(~np.isfinite(smoothed))
    end = int(bad[0]) if len(bad) else len(smoothed)
    out: dict[str, tuple[float, float] | None] = {}
    for name, rule in RULES.items():
        start = rule.skip_start(n_requested)
        x, y = lrs[start : max(start, end - SKIP_END)], smoothed[start : max(start, end - SKIP_END)]
        index = rule.read(x, y)
        out[name] = None if index is None else (float(rule.factor * x[index]), float(y[index]))
    return out


# -- the test ----------------------------------------------------------------------------------


def _range_one(setup: mlp.Setup, n, lr_min, gamma, params0, order, opt_p, stop_factor, x_train, y_train):
    """``n`` batches of the test, scanned over ``setup.steps`` (a bucket): batches from ``n`` on
    record nothing and change nothing."""
    update_rule = mlp.stepper_of(setup, opt_p)
    rate = schedules.SCHEDULES["exponential"].fn
    step = mlp.make_step(update_rule)

    def update(carry, i):
        params, opt_state, avg, best, alive = carry
        eta = rate(i, lr_min, {"gamma": gamma}).astype(jnp.float32)
        idx = order[i]
        candidate, new_state, value = step(params, opt_state, x_train[idx], y_train[idx], eta)
        avg = BETA * avg + (1 - BETA) * value
        smooth = avg / (1 - BETA ** (i + 1).astype(jnp.float32))
        recorded = alive & (i < n) & jnp.isfinite(value)
        best = jnp.where(recorded, jnp.minimum(best, smooth), best)
        ok = recorded & (smooth <= stop_factor * best) & mlp.all_finite(candidate)
        params, opt_state = mlp.keep(ok, (candidate, new_state), (params, opt_state))
        record = (eta, jnp.where(recorded, value, jnp.nan), jnp.where(recorded, smooth, jnp.nan))
        return (params, opt_state, avg, best, ok), record

    carry = (params0, update_rule.init(params0), jnp.float32(0), jnp.float32(jnp.inf), jnp.array(True))
    return jax.lax.scan(update, carry, jnp.arange(setup.steps))[1]


@functools.partial(jax.jit, static_argnums=0, compiler_options=devices.COMPILER_OPTIONS)
def _range_many(setup, n, lr_min, gamma, params0, orders, opt_p, stop_factor, x_train, y_train):
    def one(p0, order):
        return _range_one(setup, n, lr_min, gamma, p0, order, opt_p, stop_factor, x_train, y_train)

    return jax.vmap(one)(params0, orders)


@dataclass(frozen=True)
class RangeTest:
    """One range test per seed; rows are seeds, columns batches (NaN after each row's stop)."""

    dataset: str
    lrs: np.ndarray  # (N,) the rate used at each batch
    seeds: np.ndarray  # (k,)
    losses: np.ndarray  # (k, N) raw batch losses
    smoothed: np.ndarray  # (k, N)
    stop_factor: float

    @property
    def stopped_at(self) -> np.ndarray:
        """(k,) the index of each row's last recorded batch."""
        recorded = np.isfinite(self.smoothed)
        last = recorded.shape[1] - 1 - np.argmax(recorded[:, ::-1], axis=1)
        return np.where(recorded.any(axis=1), last, -1)

    @functools.cached_property
    def suggestions(self) -> dict[str, list[tuple[float, float] | None]]:
        """For each rule, its suggestion from each seed's curve (None where it cannot read one);
        read once per test (the finder's figures ask for them twice per render)."""
        per_seed = [suggest(self.lrs, row, len(self.lrs)) for row in self.smoothed]
        return {name: [s[name] for s in per_seed] for name in RULES}


def range_test(
    data: Dataset,
    *,
    lr_min: float = 1e-4,
    lr_max: float = 10.0,
    batches: int = 100,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    width: int = 32,
    depth: int = 2,
    optimizer: str = "sgd",
    optimizer_params: Mapping[str, Any] | None = None,
    batch: int = 64,
    stop_factor: float = STOP_FACTOR,
) -> RangeTest:
    """Run the range test from every seed in ``seeds`` at once (module docstring).

    ``ValueError`` names a bad argument: ``lr_min`` must be positive and below ``lr_max``,
    ``batches`` at least 2 (``mlp.prepare`` checks the model and batch size).
    """
    if not (np.isfinite(lr_min) and np.isfinite(lr_max) and 0 < lr_min < lr_max):
        raise ValueError(f"`lr_min` (={lr_min!r}) and `lr_max` (={lr_max!r}) must satisfy 0 < min < max.")
    batches = check_int("batches", batches, 2, 1000)
    if not stop_factor > 1:
        raise ValueError(f"`stop_factor` (={stop_factor!r}) must be greater than 1.")
    seeds = np.asarray(seeds)
    if seeds.ndim != 1 or seeds.size == 0 or seeds.dtype.kind not in "iu" or np.any(seeds < 0):
        raise ValueError(f"`seeds` (={seeds!r}) must be a non-empty list of integers >= 0.")
    setup, opt_p, _ = mlp.prepare(
        data, width=width, depth=depth, optimizer=optimizer, optimizer_params=optimizer_params,
        schedule="constant", schedule_params=None, batch=batch, evals=1, lr=float(lr_max),
        steps=devices.bucket(batches, _BATCH_BUCKETS, "`batches`"),
    )
    rows = np.minimum(np.arange(mlp.bucket(len(seeds))), len(seeds) - 1)
    params0, orders = devices.spread(mlp.starts(setup, len(data.y_train), seeds[rows]))
    gamma = (lr_max / lr_min) ** (1.0 / (batches - 1))
    etas, losses, smoothed = _range_many(
        setup, jnp.int32(batches), jnp.float32(lr_min), jnp.float32(gamma), params0, orders, opt_p,
        jnp.float32(stop_factor), jnp.asarray(data.x_train), jnp.asarray(data.y_train),
    )
    k = len(seeds)
    return RangeTest(
        dataset=data.name, lrs=np.asarray(etas)[0, :batches].astype(float), seeds=seeds,
        losses=np.asarray(losses)[:k, :batches].astype(float),
        smoothed=np.asarray(smoothed)[:k, :batches].astype(float),
        stop_factor=float(stop_factor),
    )
