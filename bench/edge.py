"""The /edge page's work: its default view from a cold process, and what one sharpness costs.

The default view is the edge-of-stability section: four rates (0.3, 0.4, 0.5, 0.6) of full-batch
gradient descent for 1,000 updates on the narrow network (128 digits, two tanh layers of 32 units,
3,466 weights), the sharpness every 10 updates, and gradient flow through the same times. It is
timed stage by stage as a fresh server meets it (no persistent compilation cache): the data (the
digits come from scikit-learn), the sharpness at the initial weights, the training, the flow. Each
compiled stage runs twice; the first call's extra time is its compilation. The training is split
into the updates and the sharpness by running it again without measurements.

Then one sharpness estimate against one gradient, on the same network: a jitted gradient, and
Lanczos with the page's 8 warm-started Hessian-vector products (and 40 from a random start, as at
the initial weights), each the median of many calls. Last, the other sections, cold and warm.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np

from bench.timing import best_and_median, ms
from lrviz.nn import edge
from lrviz.nn.curvature import top_eigen
from lrviz.nn.edge import _descent, _net


def _twice(fn) -> tuple[float, float]:
    """(first call, second call) wall times of ``fn()``."""
    times = []
    for _ in range(2):
        start = time.perf_counter()
        jax.block_until_ready(fn())
        times.append(time.perf_counter() - start)
    return times[0], times[1]


def _s(seconds: float) -> str:
    return f"{seconds:6.2f} s"


def default_view() -> None:
    lrs, steps = edge.EOS_LRS, 1000
    print(f"default view: gradient descent at {lrs}, {steps} updates, sharpness every 10, gradient flow")
    begin = time.perf_counter()
    edge.problem(edge.NARROW)
    data = time.perf_counter() - begin
    first, again = _twice(lambda: edge.stability(lrs, steps=steps).distance)
    print(f"  the page's call, edge.stability(): first {_s(data + first)} (data {_s(data)}), "
          f"then {_s(again)}: compilation {_s(first - again)}")
    print("  its parts, each compiled already (the first two run in the calling thread, the others beside):")
    box = {}

    def train(measure: bool):
        box["run"] = edge.descend(edge.NARROW, lrs, steps=steps, keep=measure, measure=measure)
        return box["run"].losses

    updates = _twice(lambda: train(False))[1]
    measured = _twice(lambda: train(True))[1]
    times = (np.asarray(lrs)[:, None] * box["run"].measured[None, :]).ravel()
    lam0 = edge.start(edge.NARROW).sharpness
    prob = edge.problem(edge.NARROW)
    start = _twice(lambda: _descent._start(prob.shape, _descent.START_ITERS, prob.theta0,
                                           np.ones(prob.size, np.float32), prob.x, prob.y))[1]
    solved = _twice(lambda: edge.flow(edge.NARROW, times, lam0).losses)[1]
    rk4 = times.max() / (edge.flow(edge.NARROW, times[:1], lam0).step)
    print(f"  training, the updates alone ({len(lrs)} rows x {steps})      {_s(updates)}")
    print(f"  sharpness, 100 warm-started Lanczos runs per row          {_s(measured - updates)}")
    print(f"  sharpness at the initial weights (40 products)            {_s(start)}")
    print(f"  gradient flow, RK4 to t = {times.max():g} ({rk4:.0f} steps, {np.unique(times).size} stops)   "
          f"{_s(solved)}")


def one_estimate() -> None:
    prob = _net.problem(edge.NARROW)
    x, y, theta = jnp.asarray(prob.x), jnp.asarray(prob.y), jnp.asarray(prob.theta0)
    grad = jax.grad(lambda th: _net.loss(prob.shape, th, x, y))
    gradient = jax.jit(grad)
    vector = jnp.asarray(_descent.start(edge.NARROW).vector)

    def lanczos(iters: int):
        return jax.jit(lambda th, v: top_eigen(lambda u: jax.jvp(grad, (th,), (u,))[1], v, iters).value)

    gradient(theta).block_until_ready()
    g_time = best_and_median(lambda: gradient(theta).block_until_ready(), 200)[1]
    print(f"\none sharpness estimate vs one gradient (narrow network, {prob.size} weights, "
          f"{prob.x.shape[0]} points):")
    print(f"  gradient                                   {ms(g_time)}")
    for iters in (_descent.ITERS, _descent.START_ITERS):
        fn = lanczos(iters)
        fn(theta, vector).block_until_ready()
        t = best_and_median(lambda fn=fn: fn(theta, vector).block_until_ready(), 50)[1]
        print(f"  Lanczos, {iters:2d} Hessian-vector products       {ms(t)}   = {t / g_time:5.1f} gradients")


def other_sections() -> None:
    print("\nthe other sections (first call compiles; then warm):")
    critical = 2.0 / edge.start(edge.WIDE).sharpness
    grid = {}
    cases = (
        ("Adam's edge: 3 rates x 1,000 updates", lambda: edge.adam_edge(edge.ADAM_LRS).descent.losses),
        ("catapult: 16 rates x 200 updates", lambda: edge.catapult().descent.losses),
        ("warm-up grid: 4 peaks x 4 lengths x 1,000", lambda: grid.update(
            g=edge.warmup_grid(np.array(edge.PEAKS) * critical)) or grid["g"].final_loss),
        ("warm-up pair: 2 runs x 1,000, sharpness", lambda: edge.warmup_pair(*grid["g"].example()).losses),
    )
    for label, fn in cases:
        first, again = _twice(fn)
        print(f"  {label:44s} cold {_s(first)}   warm {_s(again)}")


def main() -> None:
    print(f"jax {jax.__version__} on {jax.device_count()} {jax.devices()[0].platform} devices, float32")
    default_view()
    one_estimate()
    other_sections()
