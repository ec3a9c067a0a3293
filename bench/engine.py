"""Engine speed: one trajectory, a 1,000-rate sweep against NumPy loops, and recompilations.

The NumPy baselines run the same arithmetic (momentum SGD, PyTorch's update, on
Rosenbrock's function with its hand-written gradient) in float64: once as a
Python loop over rates, once vectorised over rates with a loop over steps.
"""

from __future__ import annotations

import jax
import numpy as np

from bench.timing import best_and_median, ms
from lrviz import engine
from lrviz.engine import diagnostics
from lrviz.surfaces import get

SURFACE, OPTIMIZER, MU = "rosenbrock", "momentum", 0.9
RATES, STEPS = 1000, 500
START = np.array([-1.2, 1.0])


def _grad(p: np.ndarray) -> np.ndarray:
    """∇ of (1 − x)² + 100 (y − x²)², for points of shape (..., 2)."""
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


def numpy_per_rate(lrs: np.ndarray) -> np.ndarray:
    finals = []
    for lr in lrs:
        p, buf = START.copy(), np.zeros(2)
        with np.errstate(all="ignore"):
            for _ in range(STEPS):
                buf = MU * buf + _grad(p)
                p = p - lr * buf
        finals.append(p)
    return np.array(finals)


def numpy_vectorised(lrs: np.ndarray) -> np.ndarray:
    p = np.broadcast_to(START, (len(lrs), 2)).copy()
    buf = np.zeros_like(p)
    with np.errstate(all="ignore"):
        for _ in range(STEPS):
            buf = MU * buf + _grad(p)
            p = p - lrs[:, None] * buf
    return p


def main() -> None:
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}; {SURFACE}, {OPTIMIZER}")
    lrs = np.geomspace(1e-5, 1e-2, RATES)

    engine.run(SURFACE, OPTIMIZER, lr=1e-3, steps=STEPS)  # compile
    best, median = best_and_median(lambda: engine.run(SURFACE, OPTIMIZER, lr=1e-3, steps=STEPS), 15)
    print(f"run, {STEPS} steps (with diagnostics)         best {ms(best)}  median {ms(median)}")

    engine.sweep(SURFACE, lrs, OPTIMIZER, steps=STEPS)  # compile
    sweep_best, sweep_median = best_and_median(lambda: engine.sweep(SURFACE, lrs, OPTIMIZER, steps=STEPS), 5)
    print(f"sweep, {RATES} rates x {STEPS} steps (with statuses)  "
          f"best {ms(sweep_best)}  median {ms(sweep_median)}")

    ours = engine.sweep(SURFACE, lrs, OPTIMIZER, steps=STEPS)
    surface = get(SURFACE)
    status_best, _ = best_and_median(
        lambda: diagnostics.classify(surface, ours.points, ours.losses, ours.diverged_at), 5
    )
    paths_best = sweep_best - status_best
    print(f"  of which statuses (NumPy, host)              best {ms(status_best)}")
    print(f"  so the compiled trajectories take about           {ms(paths_best)}")

    vec_best, _ = best_and_median(lambda: numpy_vectorised(lrs), 3)
    print(f"NumPy loop over steps, vectorised over rates  best {ms(vec_best)}")
    loop_best, _ = best_and_median(lambda: numpy_per_rate(lrs), 1)
    print(f"NumPy loop per rate                           once {ms(loop_best)}")

    reference = numpy_vectorised(lrs)
    same = np.isfinite(reference).all(axis=1) & (ours.diverged_at < 0)
    error = np.max(np.abs(ours.points[same, -1] - reference[same])) if same.any() else float("nan")
    print(f"agreement with NumPy on {same.sum()} non-diverged rates: "
          f"max |Δθ| = {error:.2e} (float32 vs float64)")
    print(f"speed-up vs per-rate loop:   {loop_best / sweep_best:8.1f}x   (target >= 100x)")
    print(f"speed-up vs vectorised loop: {vec_best / sweep_best:8.1f}x with statuses, "
          f"{vec_best / paths_best:.1f}x trajectories alone (the loop computes no statuses)   (target > 1x)")

    rng = np.random.default_rng(0)
    for steps in (32, 64, 128, 256, 512):  # warm the programs the sliders reach: one per steps bucket
        engine.run("ravine", "adam", lr=0.01, steps=steps, noise=0.1, clip_norm=1.0)
    before = engine.trace_count()
    for _ in range(100):
        engine.run(
            "ravine",
            "adam",
            lr=float(10 ** rng.uniform(-4, 1)),
            steps=int(rng.integers(10, 500)),
            start=rng.uniform(-3, 3, size=2),
            optimizer_params={"betas": (float(rng.uniform(0.5, 0.99)), 0.999),
                              "weight_decay": float(rng.uniform(0, 0.1))},
            noise=float(rng.uniform(0, 1)),
            clip_norm=float(rng.uniform(0.1, 10)),
        )
    print(f"compilations over 100 random slider moves after warm-up: {engine.trace_count() - before}"
          "   (target 0)")


if __name__ == "__main__":
    main()
