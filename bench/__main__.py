"""Run one benchmark by name: ``python -m bench engine``."""

from __future__ import annotations

import argparse
import importlib
import inspect

BENCHES = {
    "engine": "trajectory, 1,000-rate sweep vs NumPy loops, compilations per slider move",
    "playground": "rate slider chart: input-to-paint vs a minimal page, reruns while dragging, fps, payload",
    "sweep": "the sweep page's computation and figure build (1,000 rates x 500 steps)",
    "finder": "LR range test over 5 seeds, a 32-rate grid vmapped vs one rate at a time, cost per rate",
    "edge": "the /edge page's default view, cold and warm (compile, training, sharpness, flow); Lanczos cost",
    "hall_browser": "Chromium sessions vs protocol-level students: same runs and elements per action",
    "memory": "one long session of random reruns: server memory at 0/250/500/750/1000 and time per rerun",
    "profile": "cProfile of the server's script runs for a page load, a setting change, a rate release",
    "hall": "N protocol-level students on the real server: CPU per action, latency, memory, students/core",
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    described = "; ".join(f"{k}: {v}" for k, v in BENCHES.items())
    parser.add_argument("name", choices=sorted(BENCHES), help=described)
    args, rest = parser.parse_known_args()
    bench = importlib.import_module(f"bench.{args.name}")
    if inspect.signature(bench.main).parameters:  # benches with options of their own take the rest
        bench.main(rest)
    elif rest:
        parser.error(f"{args.name} takes no options (given: {' '.join(rest)})")
    else:
        bench.main()


if __name__ == "__main__":
    main()
