"""LR finder speed: the 5-seed range test, and a 32-rate grid vmapped vs one rate at a time.

Every call is timed after a first call that compiles it. The model is the page's default
(two hidden layers of 32 ReLU units, batch 64, SGD, float32) on two moons and on the digits
(64 features, 10 classes, the largest data set the page offers), then a smaller one (16 units,
batch 32) on two moons. The grid trains each rate for 300 updates and evaluates the validation
set at the end (``evals=1``, as the page's search does); the loop calls :func:`lrviz.nn.mlp.train`
with one rate at a time, which is how one would train them without ``vmap``. The vmapped rows
are spread over the machine's cores (:mod:`lrviz.engine.devices`); one rate alone runs on one.

Last in each case: the grid's time per rate as the grid grows. Where it stops falling, the
vmapped grid is bound by arithmetic (XLA:CPU's small batched matrix products), and the
loop / grid ratio cannot exceed one rate's time over that cost per rate.
"""

from __future__ import annotations

import functools

import jax
import numpy as np

from bench.timing import best_and_median, ms
from lrviz.nn import datasets, mlp
from lrviz.nn import range_test as rt

SEEDS, BATCHES = (0, 1, 2, 3, 4), 200
RATES, STEPS = 32, 300
DEFAULT = dict(width=32, depth=2, batch=64, optimizer="sgd")
SMALL = dict(width=16, depth=2, batch=32, optimizer="sgd")


def _case(name: str, model: dict) -> None:
    data = datasets.load(name)
    lrs = np.geomspace(1e-4, 10.0, RATES)

    def range_test():
        return rt.range_test(data, lr_min=1e-5, lr_max=10.0, batches=BATCHES, seeds=SEEDS, **model)

    def grid(rates=lrs):
        return mlp.train(data, rates, 0, steps=STEPS, evals=1, **model)

    def loop():
        return [mlp.train(data, [lr], 0, steps=STEPS, evals=1, **model) for lr in lrs]

    for fn in (range_test, grid, loop):
        fn()  # compile
    test = best_and_median(range_test, 5)
    vmapped = best_and_median(grid, 5)
    looped = best_and_median(loop, 3)
    print(f"\n{name}, width {model['width']}, batch {model['batch']} ({len(data.y_train)} training points, "
          f"{data.dim} features)")
    for label, (best, median) in ((f"range test, {len(SEEDS)} seeds x {BATCHES} batches", test),
                                  (f"grid, {RATES} rates x {STEPS} steps, one vmap", vmapped),
                                  (f"grid, {RATES} rates x {STEPS} steps, one at a time", looped)):
        print(f"  {label:44s} best {ms(best)}  median {ms(median)}")
    print(f"  vmapped grid / loop: {looped[1] / vmapped[1]:.1f}x faster (medians)")

    per_rate = {RATES: vmapped[1] / RATES}
    for n in (8, 16):
        fewer = functools.partial(grid, lrs[:: RATES // n])
        fewer()  # compile
        per_rate[n] = best_and_median(fewer, 5)[1] / n
    costs = ", ".join(f"{n} rates {1e3 * per_rate[n]:.1f} ms" for n in sorted(per_rate))
    print(f"  the grid's time per rate: {costs}; one rate alone {1e3 * looped[1] / RATES:.1f} ms")


def main() -> None:
    print(f"jax {jax.__version__} on {jax.device_count()} {jax.devices()[0].platform} devices (one a core), "
          "float32, SGD, depth 2")
    _case("moons", DEFAULT)
    _case("digits", DEFAULT)
    _case("moons", SMALL)
