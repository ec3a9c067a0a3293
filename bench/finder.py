"""LR finder speed: the 5-seed range test, and a 32-rate grid vmapped vs one rate at a time.

All three run after compilation (each is called once first). The model is the page's
default: two hidden layers of 32 ReLU units, batch 64, SGD, float32, on the digits data
set (64 features, 10 classes; the largest the page offers) and on two moons.
"""

from __future__ import annotations

import jax
import numpy as np

from bench.timing import best_and_median, ms
from lrviz import datasets, mlp
from lrviz import range_test as rt

SEEDS, BATCHES = (0, 1, 2, 3, 4), 200
RATES, STEPS, EVALS = 32, 300, 1
MODEL = dict(width=32, depth=2, batch=64, optimizer="sgd")


def main() -> None:
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}; model {MODEL}")
    lrs = np.geomspace(1e-4, 10.0, RATES)
    for name in ("digits", "moons"):
        data = datasets.load(name)

        def range_test(data=data):
            return rt.range_test(data, lr_min=1e-5, lr_max=10.0, batches=BATCHES, seeds=SEEDS, **MODEL)

        def grid(data=data):
            return mlp.train(data, lrs, 0, steps=STEPS, evals=EVALS, **MODEL)

        def loop(data=data):
            return [mlp.train(data, [lr], 0, steps=STEPS, evals=EVALS, **MODEL) for lr in lrs]

        for fn in (range_test, grid, loop):
            fn()  # compile
        test_best, test_median = best_and_median(range_test, 5)
        grid_best, grid_median = best_and_median(grid, 5)
        loop_best, loop_median = best_and_median(loop, 3)
        print(f"\n{name}: {len(data.y_train)} training points, {data.dim} features")
        print(f"range test, {len(SEEDS)} seeds x {BATCHES} batches         best {ms(test_best)}  "
              f"median {ms(test_median)}")
        print(f"grid, {RATES} rates x {STEPS} steps, one vmap       best {ms(grid_best)}  "
              f"median {ms(grid_median)}")
        print(f"grid, {RATES} rates x {STEPS} steps, one at a time  best {ms(loop_best)}  "
              f"median {ms(loop_median)}")
        print(f"vmapped grid is {loop_median / grid_median:.1f}x faster than the loop (medians)")
