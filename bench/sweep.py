"""The sweep page's work: its computation and figure builds for 1,000 rates × 500 steps.

Each case is timed after a warm-up call (JAX compiles once per surface, optimizer
and shape), as the median of several runs of exactly what the page computes on a
cache miss: one sweep per optimizer (with statuses, best rate and edge), the
phase data, the 45 × 45 basin map, and the three figures, plus their JSON payload.
"""

from __future__ import annotations

from dataclasses import replace

import plotly.io as pio

from bench.timing import best_and_median, ms
from lrviz.app.playground import state as links
from lrviz.app.sweep import compute as sweeps
from lrviz.app.sweep import figures
from lrviz.app.sweep import state as sweep_state
from lrviz.app.sweep.state import DEFAULT, Config

CASES = (
    ("quadratic", ("sgd",), 1000, 500),
    ("rosenbrock", ("momentum",), 1000, 500),
    ("himmelblau", ("sgd", "momentum", "adam", "rmsprop"), 1000, 500),
    ("himmelblau", ("sgd", "momentum", "adam", "rmsprop"), 2000, 2000),  # the page shows a spinner
)


def config_for(surface: str, names: tuple[str, ...], rates: int, steps: int) -> Config:
    base = replace(DEFAULT.base, surface=surface, optimizer=names[0], steps=steps)
    lo, hi, lr = sweep_state.suggested_rates(links.surface_of(base), None)
    return Config(base=replace(base, lr=lr), optimizers=names, rates=rates, lo=lo, hi=hi)


def main() -> None:
    print("sweep page, per case: median (best) of 5 runs after a warm-up")
    for surface_name, names, rates, steps in CASES:
        config = config_for(surface_name, names, rates, steps)
        surface = links.surface_of(config.base)
        box: dict = {}

        def compute(config=config, surface=surface, box=box) -> None:
            box["results"] = sweeps.run_sweeps(config, surface)
            box["phase"] = sweeps.phase(box["results"][0].sweep, surface, config.phase)

        def basin(config=config, surface=surface, box=box) -> None:
            box["basins"] = sweeps.basins(config, surface)

        def build(config=config, surface=surface, box=box) -> None:
            results = box["results"]
            box["figures"] = (
                figures.build_rates(results, surface, lang="en", chosen=config.base.lr,
                                    gd_critical=results[0].sweep.curvature.critical_lr),
                figures.build_phase(box["phase"], lang="en", limit=results[0].limit, best=results[0].best_lr),
                figures.build_basins(box["basins"], surface, lang="en", start=surface.start),
            )

        repeat = 3 if steps > 500 else 5
        for step in (compute, basin, build):
            step()  # warm-up: compiles
        timings = [best_and_median(step, repeat) for step in (compute, basin, build)]
        total = sum(median for _, median in timings)
        payload = sum(len(pio.to_json(f, validate=False)) for f in box["figures"])
        print(f"{surface_name}, {' + '.join(names)}: {rates} rates x {steps} steps")
        for label, (best, median) in zip(("sweeps + phase data", "basin map (45 x 45 starts)", "3 figures"),
                                         timings, strict=True):
            print(f"  {label:28s} median {ms(median)}  best {ms(best)}")
        print(f"  {'total':28s} median {ms(total)}   payload {payload / 1e6:.2f} MB"
              + ("   (target: well under 1 s)" if (rates, steps) == (1000, 500) else "   (spinner)"))


if __name__ == "__main__":
    main()
